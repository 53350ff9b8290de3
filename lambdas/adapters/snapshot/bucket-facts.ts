/**
 * Bucket facts from a snapshot. An absent field is unknown('notCollected'); `null` is a known "none".
 */
import {
  known,
  unknown,
  type Acl,
  type BucketEncryption,
  type BucketFacts,
  type Fact,
  type ObjectFacts,
  type ObjectLockConfiguration,
  type ObjectOwnership,
  type PublicAccessBlock,
} from '../../core/model';
import { dictionary, setOwn } from '../../core/own';
import type { SnapshotAcl, SnapshotBucket, SnapshotObject } from './schema';

const NOT_COLLECTED = (what: string): Fact<never> =>
  unknown('notCollected', `the snapshot does not carry ${what}`);

/**
 * A bucket's listed objects by key (own entries only, core/own.ts), indexed once per snapshot bucket: the keys a
 * request names are its own text, new strings each time, which a Map finds faster than a property lookup.
 */
const objectIndexes = new WeakMap<object, ReadonlyMap<string, SnapshotObject>>();

/** The snapshot entry of one object of the bucket, if the snapshot lists it. */
export function snapshotObject(b: SnapshotBucket, key: string): SnapshotObject | undefined {
  const objects = b.objects;
  if (objects === undefined) return undefined;
  let index = objectIndexes.get(objects);
  if (index === undefined) {
    index = new Map(Object.entries(objects));
    objectIndexes.set(objects, index);
  }
  return index.get(key);
}

export function aclOf(acl: SnapshotAcl): Acl {
  return { ...(acl.Owner ? { Owner: acl.Owner } : {}), Grants: acl.Grants ?? [] };
}

/** A field that may be absent (unknown), null (known none) or a value to convert. */
function field<S, T>(value: S | null | undefined, what: string, convert: (v: S) => T | null): Fact<T | null> {
  if (value === undefined) return NOT_COLLECTED(what);
  if (value === null) return known(null);
  return known(convert(value));
}

export function pabOf(p: PublicAccessBlock): PublicAccessBlock {
  const out: { -readonly [K in keyof PublicAccessBlock]: PublicAccessBlock[K] } = {};
  if (p.BlockPublicAcls !== undefined) out.BlockPublicAcls = p.BlockPublicAcls;
  if (p.IgnorePublicAcls !== undefined) out.IgnorePublicAcls = p.IgnorePublicAcls;
  if (p.BlockPublicPolicy !== undefined) out.BlockPublicPolicy = p.BlockPublicPolicy;
  if (p.RestrictPublicBuckets !== undefined) out.RestrictPublicBuckets = p.RestrictPublicBuckets;
  return out;
}

function encryptionOf(e: NonNullable<SnapshotBucket['encryption']>): BucketEncryption | null {
  const rule = e.Rules[0];
  const def = rule?.ApplyServerSideEncryptionByDefault;
  if (!rule || !def) return null;
  return {
    algorithm: def.SSEAlgorithm,
    kmsKeyId: def.KMSMasterKeyID ?? null,
    bucketKeyEnabled: rule.BucketKeyEnabled ?? false,
    ...blockedTypesOf(e.Rules),
  };
}

/**
 * The encryption types the rules block (BlockedEncryptionTypes.EncryptionType of any rule); left out (not read) when
 * no rule carries the field: a snapshot written by an AWS CLI that did not know it says nothing either way.
 */
function blockedTypesOf(
  rules: NonNullable<SnapshotBucket['encryption']>['Rules'],
): Pick<BucketEncryption, 'blockedEncryptionTypes'> {
  const carried = rules.filter((r) => r.BlockedEncryptionTypes !== undefined);
  if (carried.length === 0) return {};
  const types = carried.flatMap((r) => {
    const t = r.BlockedEncryptionTypes?.EncryptionType;
    return t === undefined ? [] : Array.isArray(t) ? t : [t];
  });
  return { blockedEncryptionTypes: known(types) };
}

export function objectFactsOf(o: SnapshotObject): ObjectFacts {
  if (o.exists === false) return { exists: false };
  return {
    exists: true,
    ...(o.ServerSideEncryption !== undefined ? { sseAlgorithm: o.ServerSideEncryption } : {}),
    ...(o.SSEKMSKeyId !== undefined ? { kmsKeyId: o.SSEKMSKeyId } : {}),
    ...(o.BucketKeyEnabled !== undefined ? { bucketKeyEnabled: o.BucketKeyEnabled } : {}),
    ...(o.ownerAccountId !== undefined ? { ownerAccountId: o.ownerAccountId } : {}),
    ...(o.acl !== undefined ? { acl: aclOf(o.acl) } : {}),
    ...(o.retention !== undefined
      ? {
          retention: known(
            o.retention === null
              ? null
              : { mode: o.retention.Mode, retainUntilDate: o.retention.RetainUntilDate },
          ),
        }
      : {}),
    ...(o.legalHold !== undefined
      ? { legalHold: known(o.legalHold === null ? null : o.legalHold.Status) }
      : {}),
    ...(o.tags !== undefined ? { tags: known(Object.fromEntries(o.tags.map((t) => [t.Key, t.Value]))) } : {}),
  };
}

/** get-object-lock-configuration .ObjectLockConfiguration -> what authorization needs. */
export function objectLockOf(
  c: NonNullable<SnapshotBucket['objectLockConfiguration']>,
): ObjectLockConfiguration {
  const d = c.Rule?.DefaultRetention;
  return {
    enabled: c.ObjectLockEnabled === 'Enabled',
    defaultRetention: d
      ? {
          mode: d.Mode,
          ...(d.Days !== undefined ? { days: d.Days } : {}),
          ...(d.Years !== undefined ? { years: d.Years } : {}),
        }
      : null,
  };
}

/** Bucket-level facts (without objects), built once per bucket. */
export function bucketFacts(name: string, b: SnapshotBucket): BucketFacts {
  const where = (f: string): string => `buckets.${name}.${f}`;
  return {
    name,
    accountId: b.accountId !== undefined ? known(b.accountId) : NOT_COLLECTED(where('accountId')),
    region: b.region !== undefined ? known(b.region ?? 'us-east-1') : NOT_COLLECTED(where('region')),
    policy: field(b.policy, where('policy'), (doc) => ({
      name,
      arn: `arn:aws:s3:::${name}`,
      source: 'bucket-policy' as const,
      document: doc,
    })),
    publicAccessBlock: field(b.publicAccessBlock, where('publicAccessBlock'), pabOf),
    ownership: field(
      b.ownershipControls,
      where('ownershipControls'),
      (o): ObjectOwnership | null => o.Rules[0]?.ObjectOwnership ?? null,
    ),
    encryption: field(b.encryption, where('encryption'), encryptionOf),
    acl: b.acl !== undefined ? known(aclOf(b.acl)) : NOT_COLLECTED(where('acl')),
    objects: {},
    // Optional (issue 19): left out when the snapshot does not carry them, as the live view leaves them out when it
    // does not read them; the analysis takes an absent one as notCollected.
    ...(b.requestPayment !== undefined ? { requestPayment: known(b.requestPayment.Payer) } : {}),
    ...(b.versioning !== undefined
      ? {
          versioning: known({
            status: b.versioning.Status ?? null,
            mfaDelete: b.versioning.MFADelete ?? null,
          }),
        }
      : {}),
    ...(b.abacStatus !== undefined ? { abac: known(b.abacStatus.Status === 'Enabled') } : {}),
    ...(b.tagSet !== undefined
      ? { tags: known(Object.fromEntries(b.tagSet.map((t) => [t.Key, t.Value]))) }
      : {}),
    ...(b.objectLockConfiguration !== undefined
      ? {
          objectLock: known(
            b.objectLockConfiguration === null ? null : objectLockOf(b.objectLockConfiguration),
          ),
        }
      : {}),
  };
}

/** The object facts for the keys a request touches; keys the snapshot does not list are notCollected. */
export function objectsFor(
  name: string,
  b: SnapshotBucket,
  keys: readonly string[],
): Record<string, Fact<ObjectFacts>> {
  const out = dictionary<Fact<ObjectFacts>>(); // every request names new keys (core/own.ts)
  for (const key of keys) {
    const entry = snapshotObject(b, key);
    setOwn(
      out,
      key,
      entry ? known(objectFactsOf(entry)) : NOT_COLLECTED(`buckets.${name}.objects[${JSON.stringify(key)}]`),
    );
  }
  return out;
}
