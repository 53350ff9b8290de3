/**
 * One bucket's facts, read live. Everything is read concurrently in the region the event names (CloudTrail
 * records S3 data events in the bucket's region; the S3 client also follows region redirects), the region is
 * confirmed by GetBucketLocation, and a read that still hit the wrong region is redone there. Object ACLs are
 * read (second round trip) only when ACLs are in effect, i.e. Object Ownership is not BucketOwnerEnforced.
 *
 * Least privilege: whether an object exists is read by listing (ListObjectsV2 with Prefix = the key, MaxKeys 1:
 * s3:ListBucket; ListObjectVersions for a version id: s3:ListBucketVersions), never by HeadObject, whose
 * permission (s3:GetObject / s3:GetObjectVersion) also reads object content. HeadObject (the object's exact
 * SSE algorithm and KMS key) is called only with `objectMetadata`.
 *
 * Issue 19, each read only where it can decide something: the bucket's Requester Pays setting
 * (GetBucketRequestPayment) when the caller may be outside the bucket owner's account; the Object Lock configuration
 * (GetObjectLockConfiguration) and the version's retention and legal hold (GetObjectRetention, GetObjectLegalHold,
 * second round trip, only when Object Lock is enabled) when the request deletes a version or changes its retention;
 * the object's tags (GetObjectTagging, second round trip) when the bucket policy tests s3:ExistingObjectTag (when
 * another policy of the request tests it, view.ts reads them once the facts are gathered: withObjectTags).
 */
import {
  GetBucketAbacCommand,
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketRequestPaymentCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  GetObjectTaggingCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  type GetBucketAclCommandOutput,
} from '@aws-sdk/client-s3';
import {
  known,
  unknown,
  type Acl,
  type AclGrant,
  type BucketEncryption,
  type BucketFacts,
  type Fact,
  type ObjectFacts,
  type ObjectLockConfiguration,
  type BucketVersioning,
  type ObjectOwnership,
  type ObjectRetention,
  type PublicAccessBlock,
} from '../../core/model';
import type { Scope } from './accounts';
import { regionFromLocation } from './clients';
import { policyDocument } from './documents';
import type { Outcome } from './errors';
import { factOf, factOrNone, unknownOf } from './facts';
import { PERMISSION } from './permissions';
import type { CachedReader } from './reader';
import { setOwn } from '../../core/own';

export interface BucketTarget {
  readonly name: string;
  /** The bucket owner, when the event records it. */
  readonly accountId: string | null;
  readonly regionHint: string;
  readonly objects: readonly {
    readonly key: string;
    readonly versionId: string | null;
    /** The request deletes this version or changes its retention: read its retention and legal hold. */
    readonly lock?: boolean;
  }[];
  /** The caller may be outside the bucket owner's account: read the Requester Pays setting. */
  readonly requestPayment?: boolean;
  /** The request deletes a version or changes versioning: read the versioning configuration (MFA delete). */
  readonly versioning?: boolean;
}

export interface ReadBucketOptions {
  /** Also call HeadObject for the object's SSE algorithm and KMS key (needs s3:GetObject / s3:GetObjectVersion). */
  readonly objectMetadata?: boolean;
}

/** What a listing says about one object (version): present, absent, or present only as a delete marker. */
export type Presence = 'present' | 'absent' | 'deleteMarker' | 'beyondPages';

/** At most this many ListObjectVersions pages are read for one key (1000 versions each). */
export const MAX_VERSION_PAGES = 5;

type Head = Outcome<{
  ServerSideEncryption?: string | undefined;
  SSEKMSKeyId?: string | undefined;
  BucketKeyEnabled?: boolean | undefined;
}>;

interface ObjectReads {
  readonly presence: Outcome<Presence>;
  /** Only with `objectMetadata`. */
  readonly head: Head | null;
}

export interface BucketRead {
  readonly fact: Fact<BucketFacts>;
  /** The region the bucket is in (the hint when GetBucketLocation could not be read). */
  readonly region: string;
  /** The KMS key of the bucket's default encryption, when it is SSE-KMS. */
  readonly defaultKmsKey: string | null;
}

type Reads = {
  policy: Outcome<{ Policy?: string | undefined }>;
  pab: Outcome<{ PublicAccessBlockConfiguration?: PublicAccessBlock | undefined }>;
  ownership: Outcome<{
    OwnershipControls?: { Rules?: { ObjectOwnership?: string | undefined }[] | undefined } | undefined;
  }>;
  encryption: Outcome<{
    ServerSideEncryptionConfiguration?:
      | {
          Rules?:
            | {
                ApplyServerSideEncryptionByDefault?:
                  { SSEAlgorithm?: string | undefined; KMSMasterKeyID?: string | undefined } | undefined;
                BucketKeyEnabled?: boolean | undefined;
                BlockedEncryptionTypes?: { EncryptionType?: string[] | undefined } | undefined;
              }[]
            | undefined;
        }
      | undefined;
  }>;
  acl: Outcome<GetBucketAclCommandOutput>;
};

type PaymentRead = Outcome<{ Payer?: string | undefined }> | null;
type VersioningRead = Outcome<{ Status?: string | undefined; MFADelete?: string | undefined }> | null;
type LockRead = Outcome<{
  ObjectLockConfiguration?:
    | {
        ObjectLockEnabled?: string | undefined;
        Rule?:
          | {
              DefaultRetention?:
                | { Mode?: string | undefined; Days?: number | undefined; Years?: number | undefined }
                | undefined;
            }
          | undefined;
      }
    | undefined;
}> | null;

export function aclOf(out: {
  Owner?: { ID?: string | undefined; DisplayName?: string | undefined } | undefined;
  Grants?:
    readonly { Grantee?: AclGrant['Grantee'] | undefined; Permission?: string | undefined }[] | undefined;
}): Acl {
  const grants: AclGrant[] = [];
  for (const g of out.Grants ?? []) {
    if (!g.Grantee || !g.Permission) continue;
    const { Type, ID, URI, DisplayName, EmailAddress } = g.Grantee;
    grants.push({
      Grantee: {
        ...(Type ? { Type } : {}),
        ...(ID ? { ID } : {}),
        ...(URI ? { URI } : {}),
        ...(DisplayName ? { DisplayName } : {}),
        ...(EmailAddress ? { EmailAddress } : {}),
      },
      Permission: g.Permission,
    });
  }
  const owner = out.Owner
    ? {
        ...(out.Owner.ID ? { ID: out.Owner.ID } : {}),
        ...(out.Owner.DisplayName ? { DisplayName: out.Owner.DisplayName } : {}),
      }
    : undefined;
  return { ...(owner ? { Owner: owner } : {}), Grants: grants };
}

function pabOf(p: PublicAccessBlock | undefined): PublicAccessBlock | null {
  if (!p) return null;
  const out: { -readonly [K in keyof PublicAccessBlock]: PublicAccessBlock[K] } = {};
  for (const k of [
    'BlockPublicAcls',
    'IgnorePublicAcls',
    'BlockPublicPolicy',
    'RestrictPublicBuckets',
  ] as const) {
    if (typeof p[k] === 'boolean') out[k] = p[k];
  }
  return out;
}
export { pabOf };

const OWNERSHIP = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);

class BucketReader {
  constructor(
    private readonly reader: CachedReader,
    private readonly scope: Scope,
    private readonly bucket: string,
  ) {}

  private read<T>(
    region: string,
    api: string,
    permission: string,
    send: () => Promise<T>,
    ...params: string[]
  ): Promise<Outcome<T>> {
    return this.reader.read(
      [this.scope.label, region, 's3', api, this.bucket, ...params].join('|'),
      permission,
      send,
    );
  }

  location(region: string) {
    const s3 = this.scope.clients(region).s3;
    return this.read(region, 'GetBucketLocation', PERMISSION.GetBucketLocation, () =>
      s3.send(new GetBucketLocationCommand({ Bucket: this.bucket })),
    );
  }

  reads(region: string): Promise<Reads> {
    const s3 = this.scope.clients(region).s3;
    const Bucket = this.bucket;
    return Promise.all([
      this.read(region, 'GetBucketPolicy', PERMISSION.GetBucketPolicy, () =>
        s3.send(new GetBucketPolicyCommand({ Bucket })),
      ),
      this.read(region, 'GetPublicAccessBlock', PERMISSION.GetBucketPublicAccessBlock, () =>
        s3.send(new GetPublicAccessBlockCommand({ Bucket })),
      ),
      this.read(region, 'GetBucketOwnershipControls', PERMISSION.GetBucketOwnershipControls, () =>
        s3.send(new GetBucketOwnershipControlsCommand({ Bucket })),
      ),
      this.read(region, 'GetBucketEncryption', PERMISSION.GetBucketEncryption, () =>
        s3.send(new GetBucketEncryptionCommand({ Bucket })),
      ),
      this.read(region, 'GetBucketAcl', PERMISSION.GetBucketAcl, () =>
        s3.send(new GetBucketAclCommand({ Bucket })),
      ),
    ]).then(([policy, pab, ownership, encryption, acl]) => ({ policy, pab, ownership, encryption, acl }));
  }

  /**
   * Does the key exist? ListObjectsV2 lists keys in ascending UTF-8 binary order, so with Prefix = key the key
   * itself, when present, is the first one returned; a longer key sharing the prefix ("ab" for "a") is not it
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). An object whose current version is
   * a delete marker is not listed, as HeadObject would answer 404.
   */
  presence(region: string, key: string, versionId: string | null): Promise<Outcome<Presence>> {
    return versionId === null ? this.listKey(region, key) : this.listVersion(region, key, versionId);
  }

  private async listKey(region: string, key: string): Promise<Outcome<Presence>> {
    const s3 = this.scope.clients(region).s3;
    const o = await this.read(
      region,
      'ListObjectsV2',
      PERMISSION.ListObjectsV2,
      () => s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 })),
      key,
    );
    if (!o.ok) return o;
    return { ok: true, value: o.value.Contents?.[0]?.Key === key ? 'present' : 'absent' };
  }

  /**
   * Is this version of the key there? ListObjectVersions returns the versions of a key together, newest first,
   * before any longer key (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html), so the
   * pages are read only while they are still about this key.
   */
  private async listVersion(region: string, key: string, versionId: string): Promise<Outcome<Presence>> {
    const s3 = this.scope.clients(region).s3;
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (let page = 0; page < MAX_VERSION_PAGES; page++) {
      const input = { Bucket: this.bucket, Prefix: key, ...markers };
      const o = await this.read(
        region,
        'ListObjectVersions',
        PERMISSION.ListObjectVersions,
        () => s3.send(new ListObjectVersionsCommand(input)),
        key,
        markers.KeyMarker ?? '',
        markers.VersionIdMarker ?? '',
      );
      if (!o.ok) return o;
      const same = (v: { Key?: string | undefined; VersionId?: string | undefined }) =>
        v.Key === key && v.VersionId === versionId;
      if ((o.value.Versions ?? []).some(same)) return { ok: true, value: 'present' };
      if ((o.value.DeleteMarkers ?? []).some(same)) return { ok: true, value: 'deleteMarker' };
      const nextKey = o.value.NextKeyMarker;
      if (!o.value.IsTruncated || nextKey !== key) return { ok: true, value: 'absent' };
      markers = {
        KeyMarker: nextKey,
        ...(o.value.NextVersionIdMarker ? { VersionIdMarker: o.value.NextVersionIdMarker } : {}),
      };
    }
    return { ok: true, value: 'beyondPages' };
  }

  head(region: string, key: string, versionId: string | null): Promise<Head> {
    const s3 = this.scope.clients(region).s3;
    const permission = versionId ? PERMISSION.HeadObjectVersion : PERMISSION.HeadObject;
    return this.read(
      region,
      'HeadObject',
      permission,
      () =>
        s3.send(
          new HeadObjectCommand({
            Bucket: this.bucket,
            Key: key,
            ...(versionId ? { VersionId: versionId } : {}),
          }),
        ),
      key,
      versionId ?? '',
    );
  }

  /** The object reads of the first round trip: the listing, and HeadObject only with `objectMetadata`. */
  async objectReads(
    region: string,
    o: BucketTarget['objects'][number],
    objectMetadata: boolean,
  ): Promise<ObjectReads> {
    const [presence, head] = await Promise.all([
      this.presence(region, o.key, o.versionId),
      objectMetadata ? this.head(region, o.key, o.versionId) : Promise.resolve(null),
    ]);
    return { presence, head };
  }

  requestPayment(region: string): Promise<Outcome<{ Payer?: string | undefined }>> {
    const s3 = this.scope.clients(region).s3;
    return this.read(region, 'GetBucketRequestPayment', PERMISSION.GetBucketRequestPayment, () =>
      s3.send(new GetBucketRequestPaymentCommand({ Bucket: this.bucket })),
    );
  }

  versioning(region: string): Promise<NonNullable<VersioningRead>> {
    const s3 = this.scope.clients(region).s3;
    return this.read(region, 'GetBucketVersioning', PERMISSION.GetBucketVersioning, () =>
      s3.send(new GetBucketVersioningCommand({ Bucket: this.bucket })),
    );
  }

  lockConfiguration(region: string): Promise<NonNullable<LockRead>> {
    const s3 = this.scope.clients(region).s3;
    return this.read(region, 'GetObjectLockConfiguration', PERMISSION.GetObjectLockConfiguration, () =>
      s3.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket })),
    );
  }

  /** The version's retention and legal hold (NoSuchObjectLockConfiguration = none). */
  lock(region: string, key: string, versionId: string | null) {
    const s3 = this.scope.clients(region).s3;
    const input = { Bucket: this.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) };
    return Promise.all([
      this.read(
        region,
        'GetObjectRetention',
        PERMISSION.GetObjectRetention,
        () => s3.send(new GetObjectRetentionCommand(input)),
        key,
        versionId ?? '',
      ),
      this.read(
        region,
        'GetObjectLegalHold',
        PERMISSION.GetObjectLegalHold,
        () => s3.send(new GetObjectLegalHoldCommand(input)),
        key,
        versionId ?? '',
      ),
    ]);
  }

  tags(region: string, key: string, versionId: string | null) {
    const s3 = this.scope.clients(region).s3;
    const permission = versionId ? PERMISSION.GetObjectVersionTagging : PERMISSION.GetObjectTagging;
    return this.read(
      region,
      'GetObjectTagging',
      permission,
      () =>
        s3.send(
          new GetObjectTaggingCommand({
            Bucket: this.bucket,
            Key: key,
            ...(versionId ? { VersionId: versionId } : {}),
          }),
        ),
      key,
      versionId ?? '',
    );
  }

  objectAcl(region: string, key: string, versionId: string | null) {
    const s3 = this.scope.clients(region).s3;
    const permission = versionId ? PERMISSION.GetObjectVersionAcl : PERMISSION.GetObjectAcl;
    return this.read(
      region,
      'GetObjectAcl',
      permission,
      () =>
        s3.send(
          new GetObjectAclCommand({
            Bucket: this.bucket,
            Key: key,
            ...(versionId ? { VersionId: versionId } : {}),
          }),
        ),
      key,
      versionId ?? '',
    );
  }
}

/** Redoes, in the bucket's real region, the reads that failed because they went to another region. */
async function redoWrongRegion(br: BucketReader, reads: Reads, region: string): Promise<Reads> {
  const wrong = Object.values(reads).some((o) => !o.ok && o.failure.kind === 'wrongRegion');
  return wrong ? br.reads(region) : reads;
}

function encryptionOf(
  out: NonNullable<Extract<Reads['encryption'], { ok: true }>['value']>,
): BucketEncryption | null {
  const rules = out.ServerSideEncryptionConfiguration?.Rules ?? [];
  const rule = rules[0];
  const def = rule?.ApplyServerSideEncryptionByDefault;
  if (!def?.SSEAlgorithm) return null;
  return {
    algorithm: def.SSEAlgorithm,
    kmsKeyId: def.KMSMasterKeyID ?? null,
    bucketKeyEnabled: rule?.BucketKeyEnabled ?? false,
    blockedEncryptionTypes: known(blockedTypes(rules)),
  };
}

/**
 * The rules' BlockedEncryptionTypes. The SDK knows the field, so an answer without it blocks nothing: ["NONE"], as
 * `s3-403 snapshot` writes it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html).
 */
function blockedTypes(
  rules: readonly { BlockedEncryptionTypes?: { EncryptionType?: string[] | undefined } | undefined }[],
): string[] {
  const types = rules.flatMap((r) => r.BlockedEncryptionTypes?.EncryptionType ?? []);
  return types.length > 0 ? types : ['NONE'];
}

export async function readBucket(
  reader: CachedReader,
  scope: Scope,
  target: BucketTarget,
  options: ReadBucketOptions = {},
): Promise<BucketRead> {
  const br = new BucketReader(reader, scope, target.name);
  const hint = target.regionHint;
  const metadata = options.objectMetadata === true;
  const readObjects = (region: string) =>
    Promise.all(target.objects.map((o) => br.objectReads(region, o, metadata)));
  const wantsLock = target.objects.some((o) => o.lock === true);
  const [location, first, objectsFirst, paymentFirst, lockFirst, versioningFirst] = await Promise.all([
    br.location(hint),
    br.reads(hint),
    readObjects(hint),
    target.requestPayment ? br.requestPayment(hint) : Promise.resolve(null),
    wantsLock ? br.lockConfiguration(hint) : Promise.resolve(null),
    target.versioning ? br.versioning(hint) : Promise.resolve(null),
  ]);
  if (!location.ok && location.failure.kind === 'notFound') {
    return { fact: unknownOf(location.failure, `bucket ${target.name}`), region: hint, defaultKmsKey: null };
  }
  const region = location.ok ? regionFromLocation(location.value.LocationConstraint) : hint;
  const reads = region !== hint ? await redoWrongRegion(br, first, region) : first;
  const wrong = (o: Outcome<unknown> | null) => o !== null && !o.ok && o.failure.kind === 'wrongRegion';
  const [payment, lockRead, versioningRead]: [PaymentRead, LockRead, VersioningRead] = await Promise.all([
    wrong(paymentFirst) ? br.requestPayment(region) : Promise.resolve(paymentFirst),
    wrong(lockFirst) ? br.lockConfiguration(region) : Promise.resolve(lockFirst),
    wrong(versioningFirst) ? br.versioning(region) : Promise.resolve(versioningFirst),
  ]);
  const objectLock =
    lockRead === null
      ? undefined
      : factOrNone(lockRead, lockConfigurationOf, `bucket ${target.name} Object Lock configuration`);
  const lockEnabled = objectLock?.status === 'known' && objectLock.value?.enabled === true;
  const readTags = reads.policy.ok && /ExistingObjectTag\//i.test(reads.policy.value.Policy ?? '');
  const objectsHere =
    region !== hint && objectsFirst.some(wentToWrongRegion) ? await readObjects(region) : objectsFirst;

  const ownership = factOrNone(reads.ownership, (o) => {
    const v = o.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
    return v && OWNERSHIP.has(v) ? (v as ObjectOwnership) : null;
  });
  const acl = factOf(reads.acl, aclOf, `bucket ${target.name} ACL`);
  const aclsInEffect = !(ownership.status === 'known' && ownership.value === 'BucketOwnerEnforced');
  const objects: Record<string, Fact<ObjectFacts>> = {};
  await Promise.all(
    target.objects.map(async (o, i) => {
      const base = await objectFact(br, region, o, objectsHere[i], aclsInEffect, acl, target.accountId);
      const fact = await withLockAndTags(br, region, o, base, {
        lock: lockEnabled && o.lock === true,
        tags: readTags,
      });
      setOwn(objects, o.key, fact);
    }),
  );
  const encryption = factOrNone(reads.encryption, encryptionOf, `bucket ${target.name} encryption`);
  const defaultKmsKey =
    encryption.status === 'known' && encryption.value?.algorithm.startsWith('aws:kms')
      ? encryption.value.kmsKeyId
      : null;
  const fact: BucketFacts = {
    name: target.name,
    accountId:
      target.accountId !== null
        ? known(target.accountId)
        : unknown('notCollected', `the event does not record the owner account of bucket ${target.name}`),
    region: location.ok ? known(region) : unknownOf(location.failure, `bucket ${target.name} location`),
    policy: factOrNone(
      reads.policy,
      (p) =>
        p.Policy
          ? {
              name: target.name,
              arn: `arn:aws:s3:::${target.name}`,
              source: 'bucket-policy' as const,
              document: policyDocument(p.Policy),
            }
          : null,
      `bucket ${target.name} policy`,
    ),
    publicAccessBlock: factOrNone(
      reads.pab,
      (p) => pabOf(p.PublicAccessBlockConfiguration),
      `bucket ${target.name} Block Public Access`,
    ),
    ownership,
    encryption,
    acl,
    objects,
    ...(payment !== null
      ? {
          requestPayment: factOf(
            payment,
            (p): 'Requester' | 'BucketOwner' => (p.Payer === 'Requester' ? 'Requester' : 'BucketOwner'),
            `bucket ${target.name} request payment`,
          ),
        }
      : {}),
    ...(objectLock !== undefined ? { objectLock } : {}),
    ...(versioningRead !== null
      ? {
          versioning: factOf(versioningRead, versioningOf, `bucket ${target.name} versioning`),
        }
      : {}),
  };
  return { fact: known(fact), region, defaultKmsKey };
}

/** get-bucket-versioning: each field only when S3 returns it (a bucket never versioned, or never given MFA delete). */
export function versioningOf(v: {
  Status?: string | undefined;
  MFADelete?: string | undefined;
}): BucketVersioning {
  return {
    status: v.Status === 'Enabled' || v.Status === 'Suspended' ? v.Status : null,
    mfaDelete: v.MFADelete === 'Enabled' || v.MFADelete === 'Disabled' ? v.MFADelete : null,
  };
}

function lockConfigurationOf(
  out: NonNullable<Extract<NonNullable<LockRead>, { ok: true }>['value']>,
): ObjectLockConfiguration | null {
  const c = out.ObjectLockConfiguration;
  if (!c) return null;
  const d = c.Rule?.DefaultRetention;
  const mode = d?.Mode === 'GOVERNANCE' || d?.Mode === 'COMPLIANCE' ? d.Mode : null;
  return {
    enabled: c.ObjectLockEnabled === 'Enabled',
    defaultRetention:
      mode !== null
        ? {
            mode,
            ...(d?.Days !== undefined ? { days: d.Days } : {}),
            ...(d?.Years !== undefined ? { years: d.Years } : {}),
          }
        : null,
  };
}

/** The version's Object Lock retention and legal hold, and the object's tags, read after its existence is known. */
async function withLockAndTags(
  br: BucketReader,
  region: string,
  o: BucketTarget['objects'][number],
  fact: Fact<ObjectFacts>,
  want: { lock: boolean; tags: boolean },
): Promise<Fact<ObjectFacts>> {
  if (fact.status !== 'known' || !fact.value.exists || (!want.lock && !want.tags)) return fact;
  const what = `object ${o.key}${o.versionId ? ` version ${o.versionId}` : ''}`;
  const [lock, tags] = await Promise.all([
    want.lock ? br.lock(region, o.key, o.versionId) : Promise.resolve(null),
    want.tags ? br.tags(region, o.key, o.versionId) : Promise.resolve(null),
  ]);
  const out: { -readonly [K in keyof ObjectFacts]: ObjectFacts[K] } = { ...fact.value };
  if (lock !== null) {
    const [retention, hold] = lock;
    out.retention = factOrNone(
      retention,
      (v): ObjectRetention | null => {
        const r = v.Retention;
        const until = r?.RetainUntilDate;
        if (!r || (r.Mode !== 'GOVERNANCE' && r.Mode !== 'COMPLIANCE') || !until) return null;
        return { mode: r.Mode, retainUntilDate: until instanceof Date ? until.toISOString() : String(until) };
      },
      `${what} retention`,
    );
    out.legalHold = factOrNone(
      hold,
      (v): 'ON' | 'OFF' | null =>
        v.LegalHold?.Status === 'ON' ? 'ON' : v.LegalHold?.Status === 'OFF' ? 'OFF' : null,
      `${what} legal hold`,
    );
  }
  if (tags !== null)
    out.tags = factOf(
      tags,
      (v) => Object.fromEntries((v.TagSet ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? '']] : []))),
      `${what} tags`,
    );
  return known(out);
}

function wentToWrongRegion(r: ObjectReads): boolean {
  return [r.presence, r.head].some((o) => o !== null && !o.ok && o.failure.kind === 'wrongRegion');
}

/**
 * Whether the object exists, from the listing; when the listing failed, a HeadObject answer (objectMetadata)
 * still tells: 200 = it exists, 404 = it does not (S3 answers 404 rather than 403 only to a caller allowed to
 * list: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
 */
function existence(o: BucketTarget['objects'][number], r: ObjectReads): Fact<boolean> {
  const what = `object ${o.key}${o.versionId ? ` version ${o.versionId}` : ''}`;
  if (r.presence.ok) {
    if (r.presence.value === 'beyondPages')
      return unknown(
        'notCollected',
        `${what}: more than ${MAX_VERSION_PAGES} pages of versions of the key; the version was not found in them`,
      );
    // A delete marker has no content: GetObject on its version id fails (405), like a missing object.
    return known(r.presence.value === 'present');
  }
  if (r.head?.ok) return known(true);
  if (r.head && !r.head.ok && r.head.failure.kind === 'notFound') return known(false);
  return r.presence.failure.kind === 'notFound' ? known(false) : unknownOf(r.presence.failure, what);
}

async function objectFact(
  br: BucketReader,
  region: string,
  o: BucketTarget['objects'][number],
  r: ObjectReads | undefined,
  aclsInEffect: boolean,
  bucketAcl: Fact<Acl>,
  bucketAccount: string | null,
): Promise<Fact<ObjectFacts>> {
  if (!r) return unknown('notCollected', `object ${o.key} was not read`);
  const exists = existence(o, r);
  if (exists.status === 'unknown') return exists;
  if (!exists.value) return known({ exists: false });
  const base: { -readonly [K in keyof ObjectFacts]: ObjectFacts[K] } = { exists: true };
  // Without objectMetadata (or when HeadObject failed) the object's own encryption is not collected: the
  // analysis falls back to the bucket's default encryption.
  if (r.head?.ok) {
    if (r.head.value.ServerSideEncryption) base.sseAlgorithm = r.head.value.ServerSideEncryption;
    if (r.head.value.SSEKMSKeyId) base.kmsKeyId = r.head.value.SSEKMSKeyId;
    if (typeof r.head.value.BucketKeyEnabled === 'boolean')
      base.bucketKeyEnabled = r.head.value.BucketKeyEnabled;
  } else base.sseNotCollected = true;
  if (!aclsInEffect) {
    // BucketOwnerEnforced: ACLs are disabled and the bucket owner owns every object
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
    if (bucketAccount !== null) base.ownerAccountId = bucketAccount;
    return known(base);
  }
  const aclOut = await br.objectAcl(region, o.key, o.versionId);
  if (aclOut.ok) {
    base.acl = aclOf(aclOut.value);
    const ownerId = aclOut.value.Owner?.ID;
    // The object owner is known as an account only when it is the bucket owner (same canonical id).
    if (
      ownerId &&
      bucketAccount !== null &&
      bucketAcl.status === 'known' &&
      bucketAcl.value.Owner?.ID === ownerId
    )
      base.ownerAccountId = bucketAccount;
  }
  return known(base);
}

/**
 * S3 ABAC on a general purpose bucket: whether it is enabled (GetBucketAbac; no Status = the default, disabled) and
 * the bucket's tags (GetBucketTagging; NoSuchTagSet = none). Read in the bucket's Region, only when a policy of the
 * request tests aws:ResourceTag (views/aws/view.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAbac.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html
 */
/**
 * An object's tags read after the bucket (view.ts objectTags): when a policy other than the bucket policy tests
 * s3:ExistingObjectTag. The same GetObjectTagging read, cached under the same key, as with the bucket.
 */
export function withObjectTags(
  reader: CachedReader,
  scope: Scope,
  bucket: string,
  region: string,
  object: { readonly key: string; readonly versionId: string | null },
  fact: Fact<ObjectFacts>,
): Promise<Fact<ObjectFacts>> {
  return withLockAndTags(new BucketReader(reader, scope, bucket), region, object, fact, {
    lock: false,
    tags: true,
  });
}

export async function readBucketAbac(
  reader: CachedReader,
  scope: Scope,
  bucket: string,
  region: string,
): Promise<{ abac: Fact<boolean>; tags: Fact<Readonly<Record<string, string>>> }> {
  const s3 = scope.clients(region).s3;
  const key = (api: string) => [scope.label, region, 's3', api, bucket].join('|');
  const [abac, tags] = await Promise.all([
    reader.read(key('GetBucketAbac'), PERMISSION.GetBucketAbac, () =>
      s3.send(new GetBucketAbacCommand({ Bucket: bucket })),
    ),
    reader.read(key('GetBucketTagging'), PERMISSION.GetBucketTagging, () =>
      s3.send(new GetBucketTaggingCommand({ Bucket: bucket })),
    ),
  ]);
  const tagFact = factOrNone(
    tags,
    (t) => Object.fromEntries((t.TagSet ?? []).map((x) => [x.Key ?? '', x.Value ?? ''])),
    `bucket ${bucket} tags`,
  );
  return {
    abac: factOf(abac, (a) => a.AbacStatus?.Status === 'Enabled', `bucket ${bucket} ABAC status`),
    tags: tagFact.status === 'known' ? known(tagFact.value ?? {}) : tagFact,
  };
}
