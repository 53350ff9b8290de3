/**
 * The remaining snapshot facts: KMS keys, VPC endpoint, access point, session policy, recent changes.
 */
import {
  known,
  unknown,
  type AccessPointFacts,
  type AccessRequest,
  type ChangeRecord,
  type Fact,
  type KmsKeyFacts,
  type NamedPolicy,
  type VpcEndpointFacts,
} from '../../core/model';
import { frontDoorCheck } from '../../core/actions';
import { isBareKmsRef, kmsRefAccount } from '../../core/fix/kms-ref';
import { changeRecordFromLookupEvent } from '../../core/changes';
import { dictionary, ownValue, setOwn } from '../../core/own';
import { pabOf, snapshotObject } from './bucket-facts';
import type { Snapshot, SnapshotKmsKey, SnapshotSession } from './schema';
import type { SnapshotIndex } from './snapshot-index';

const notCollected = (what: string): Fact<never> =>
  unknown('notCollected', `the snapshot does not carry ${what}`);

export function kmsKeyFacts(arn: string, entry: SnapshotKmsKey): KmsKeyFacts {
  const accountId = /^arn:aws[a-z-]*:kms:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? '';
  return {
    arn,
    accountId,
    keyPolicy:
      entry.KeyPolicy !== undefined
        ? known({ name: 'default', arn, source: 'kms-key-policy', document: entry.KeyPolicy })
        : notCollected(`kmsKeys[${arn}].KeyPolicy`),
    grants: entry.Grants !== undefined ? known(entry.Grants) : notCollected(`kmsKeys[${arn}].Grants`),
    keyManager: entry.KeyManager ?? entry.KeyMetadata?.KeyManager ?? null,
    keyState: entry.KeyState ?? entry.KeyMetadata?.KeyState ?? null,
    aliases: entry.Aliases ?? [],
  };
}

/**
 * Key references a request involves: the KMS denial's key, the request's SSE key, the objects' and buckets' keys;
 * each with the account of the bucket it is used for.
 */
export function kmsKeyRefs(
  request: AccessRequest,
  index: SnapshotIndex,
): { ref: string; bucketAccount: string | null }[] {
  const out: { ref: string; bucketAccount: string | null }[] = [];
  // each reference once (with its account), in this order; plain loops: this runs for every request
  const add = (ref: string | null | undefined, bucketAccount: string | null): void => {
    if (typeof ref !== 'string' || ref === '') return;
    for (const o of out) if (o.ref === ref && o.bucketAccount === bucketAccount) return;
    out.push({ ref, bucketAccount });
  };
  const main = request.bucket !== null ? index.buckets.get(request.bucket)?.entry : undefined;
  const mainAccount = main?.accountId ?? request.bucketAccountId;
  add(request.kms?.keyArn, mainAccount);
  add(request.sse?.kmsKeyId, mainAccount);
  for (const need of request.needs) {
    if (need.resourceType !== 'object' || need.bucket === null) continue;
    const bucket = index.buckets.get(need.bucket)?.entry;
    const bucketAccount = bucket?.accountId ?? request.bucketAccountId;
    if (bucket === undefined) continue;
    if (need.key !== null) add(snapshotObject(bucket, need.key)?.SSEKMSKeyId, bucketAccount);
    const def = bucket.encryption?.Rules[0]?.ApplyServerSideEncryptionByDefault;
    if (def && def.SSEAlgorithm.startsWith('aws:kms')) add(def.KMSMasterKeyID, bucketAccount);
  }
  return out;
}

/**
 * The KMS keys of a request. A bare key id or alias name is looked up in the account AWS KMS resolves it in, the
 * caller's (core/fix/kms-ref.ts); for a caller of another account than the bucket's, the key it names in the bucket's
 * account is gathered too: the key the bucket owner meant, which the explanation and its fix name.
 */
export function kmsKeysFor(
  index: SnapshotIndex,
  request: AccessRequest,
  cache: Map<string, KmsKeyFacts>,
  callerAccount: string | null,
): Record<string, Fact<KmsKeyFacts>> {
  const out = dictionary<Fact<KmsKeyFacts>>(); // keyed by key ARN (core/own.ts)
  const add = (found: { arn: string; entry: SnapshotKmsKey }): void => {
    let facts = cache.get(found.arn);
    if (!facts) {
      facts = kmsKeyFacts(found.arn, found.entry);
      cache.set(found.arn, facts);
    }
    setOwn(out, found.arn, known(facts));
  };
  for (const { ref, bucketAccount } of kmsKeyRefs(request, index)) {
    const account = kmsRefAccount(ref, callerAccount, bucketAccount);
    const found = index.kmsKey(ref, account);
    if (found) add(found);
    else if (!Object.hasOwn(out, ref))
      setOwn(
        out,
        ref,
        notCollected(
          isBareKmsRef(ref) && account !== null ? `KMS key ${ref} in account ${account}` : `KMS key ${ref}`,
        ),
      );
    if (isBareKmsRef(ref) && bucketAccount !== null && bucketAccount !== account) {
      const meant = index.kmsKey(ref, bucketAccount);
      if (meant) add(meant);
    }
  }
  return out;
}

export function vpcEndpointFor(snapshot: Snapshot, id: string | null): Fact<VpcEndpointFacts> | null {
  if (id === null) return null;
  const e = ownValue(snapshot.vpcEndpoints, id);
  if (!e) return notCollected(`VPC endpoint ${id}`);
  if (e.PolicyDocument === undefined) return notCollected(`the policy of VPC endpoint ${id}`);
  const policy: NamedPolicy | null =
    e.PolicyDocument === null
      ? null
      : { name: id, source: 'vpc-endpoint-policy', document: e.PolicyDocument };
  return known({
    id,
    vpcId: e.VpcId ?? null,
    serviceName: e.ServiceName ?? null,
    type: e.VpcEndpointType ?? null,
    ownerId: e.OwnerId ?? null,
    region: e.Region ?? gatewayRegion(e.VpcEndpointType, e.ServiceName),
    policy,
  });
}

/**
 * The Region of a gateway endpoint the snapshot gives no `Region` for: its service's (com.amazonaws.REGION.s3), as a
 * gateway endpoint reaches only the service in its own VPC's Region
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html). An interface endpoint's service may be
 * in another Region: null, not known from such a snapshot.
 */
function gatewayRegion(type: string | undefined, serviceName: string | undefined): string | null {
  if (type?.toLowerCase() !== 'gateway' || serviceName === undefined) return null;
  return /^com\.amazonaws\.([a-z]{2}(?:-[a-z]+)+-\d+)\.[a-z0-9-]+$/.exec(serviceName)?.[1] ?? null;
}

export function accessPointFor(snapshot: Snapshot, arn: string | null): Fact<AccessPointFacts> | null {
  if (arn === null) return null;
  const ap = ownValue(snapshot.accessPoints, arn);
  // Multi-Region and Object Lambda access points: which front door it was and what to check (actions/front-doors.ts)
  const door = frontDoorCheck(arn);
  if (door !== null) return unknown('notCollected', door);
  if (!ap) return notCollected(`access point ${arn}`);
  const m = /^arn:aws[a-z-]*:s3:[^:]*:(\d{12}):accesspoint\/([^/]+)/.exec(arn);
  const name = ap.Name ?? m?.[2] ?? arn;
  if (ap.Bucket === undefined) return notCollected(`the bucket of access point ${arn}`);
  return known({
    arn,
    name,
    bucket: ap.Bucket,
    accountId: m?.[1] ?? ap.BucketAccountId ?? '',
    networkOrigin: ap.NetworkOrigin ?? null,
    vpcId: ap.VpcConfiguration?.VpcId ?? null,
    policy:
      ap.Policy === undefined
        ? notCollected(`the policy of access point ${arn}`)
        : known(
            ap.Policy === null ? null : { name, arn, source: 'access-point-policy', document: ap.Policy },
          ),
    publicAccessBlock: ap.PublicAccessBlockConfiguration ? pabOf(ap.PublicAccessBlockConfiguration) : null,
    ...(ap.Tags !== undefined
      ? { tags: known(Object.fromEntries(ap.Tags.map((t) => [t.Key, t.Value]))) }
      : {}),
  });
}

const SESSION_TYPES = new Set([
  'AssumedRole',
  'FederatedUser',
  'WebIdentityUser',
  'SAMLUser',
  'IdentityCenterUser',
]);

const NO_SESSION_ENTRY = notCollected('the session policy of this session');

/** The session policy fact of each `sessions` entry, built once: every request of a session reads the same one. */
const sessionFacts = new WeakMap<SnapshotSession, Fact<NamedPolicy | null>>();

function sessionFact(entry: SnapshotSession): Fact<NamedPolicy | null> {
  let f = sessionFacts.get(entry);
  if (f === undefined) {
    f =
      entry.Policy === undefined
        ? NO_SESSION_ENTRY
        : known(
            entry.Policy === null
              ? null
              : { name: 'session policy', source: 'session', document: entry.Policy },
          );
    sessionFacts.set(entry, f);
  }
  return f;
}

/**
 * null for callers without a session; the snapshot's `sessions` entry (by session ARN or access key id, looked up
 * in `sessions`, the index of that record), else unknown.
 */
export function sessionPolicyFor(
  sessions: ReadonlyMap<string, SnapshotSession>,
  request: AccessRequest,
): Fact<NamedPolicy | null> | null {
  const p = request.principal;
  const roleSessionById =
    p.type === 'AWSAccount' && p.principalId !== null && /^AROA[^:]*:/.test(p.principalId);
  if (!SESSION_TYPES.has(p.type) && !roleSessionById) return null;
  const entry =
    (p.arn !== null ? sessions.get(p.arn) : undefined) ??
    (p.accessKeyId !== null ? sessions.get(p.accessKeyId) : undefined);
  return entry === undefined ? NO_SESSION_ENTRY : sessionFact(entry);
}

/**
 * The session's own tags from its `sessions` entry (`Tags`); undefined when the snapshot does not carry them (no
 * entry, or an entry without `Tags`), so a role's tags stay only likely the session's (fix/context.ts).
 */
export function sessionTagsFor(
  sessions: ReadonlyMap<string, SnapshotSession>,
  request: AccessRequest,
): Fact<Readonly<Record<string, string>>> | undefined {
  if (sessions.size === 0) return undefined;
  const p = request.principal;
  const entry =
    (p.arn !== null ? sessions.get(p.arn) : undefined) ??
    (p.accessKeyId !== null ? sessions.get(p.accessKeyId) : undefined);
  return entry?.Tags === undefined ? undefined : known(entry.Tags);
}

export function recentChangesOf(snapshot: Snapshot): Fact<readonly ChangeRecord[]> {
  if (snapshot.recentChanges === undefined) return notCollected('recentChanges');
  return known(snapshot.recentChanges.flatMap((c) => changeRecordFromLookupEvent(c) ?? []));
}
