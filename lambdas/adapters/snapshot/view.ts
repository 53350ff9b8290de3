/**
 * SnapshotView: the AccountView over a snapshot file. The snapshot is indexed once at construction; gathering
 * the facts of one request only does map lookups (and caches what it built), so it is O(request).
 */
import {
  known,
  unknown,
  type AccessRequest,
  type BucketFacts,
  type ChangeRecord,
  type Fact,
  type KmsKeyFacts,
  type OrganizationFacts,
  type OrgLevel,
  type PrincipalFacts,
  type PublicAccessBlock,
  type RequestFacts,
  type AccessPointFacts,
  type VpcEndpointFacts,
} from '../../core/model';
import { dictionary, ownValue, setOwn } from '../../core/own';
import { vpcEndpointOwner } from '../../core/fix/context';
import { otherKeyAccounts } from '../../core/fix/kms';
import type { AccountView } from '../types';
import { bucketFacts, objectsFor, pabOf } from './bucket-facts';
import { organizationFacts, orgLevels } from './org-facts';
import {
  accessPointFor,
  kmsKeysFor,
  recentChangesOf,
  sessionPolicyFor,
  sessionTagsFor,
  vpcEndpointFor,
} from './other-facts';
import { principalFacts } from './principal-facts';
import type { Snapshot, SnapshotBucket } from './schema';
import { SnapshotIndex } from './snapshot-index';

export class SnapshotView implements AccountView {
  readonly index: SnapshotIndex;
  private readonly principals = new Map<string, Fact<PrincipalFacts>>();
  private readonly buckets = new Map<SnapshotBucket, BucketFacts>();
  private readonly kms = new Map<string, KmsKeyFacts>();
  private readonly orgs = new Map<string, Fact<OrganizationFacts | null>>();
  private readonly scpLevels = new Map<string, Fact<readonly OrgLevel[] | null>>();
  private readonly rcpLevels = new Map<string, Fact<readonly OrgLevel[] | null>>();
  private readonly pabs = new Map<string, Fact<PublicAccessBlock | null>>();
  private readonly endpoints = new Map<string, Fact<VpcEndpointFacts> | null>();
  private readonly accessPoints = new Map<string, Fact<AccessPointFacts> | null>();
  private readonly changes: Fact<readonly ChangeRecord[]>;

  constructor(readonly snapshot: Snapshot) {
    this.index = new SnapshotIndex(snapshot);
    this.changes = recentChangesOf(snapshot);
  }

  gather(request: AccessRequest): Promise<RequestFacts> {
    return Promise.resolve(this.gatherSync(request));
  }

  gatherSync(request: AccessRequest): RequestFacts {
    const principal = principalFacts(this.index, request.principal, this.principals);
    const callerAccount =
      principal?.status === 'known' ? principal.value.accountId : request.principal.accountId;
    const bucketAccounts: string[] = [];
    const buckets = this.bucketsFor(request, bucketAccounts);
    const mainBucket = request.bucket !== null ? ownValue(buckets, request.bucket) : undefined;
    const bucketAccount =
      mainBucket?.status === 'known' && mainBucket.value.accountId.status === 'known'
        ? mainBucket.value.accountId.value
        : request.bucketAccountId;
    const kmsKeys = kmsKeysFor(this.index, request, this.kms, callerAccount);
    const keyAccountRcpLevels: Record<string, Fact<readonly OrgLevel[] | null>> = {};
    for (const account of otherKeyAccounts(kmsKeys, bucketAccount))
      keyAccountRcpLevels[account] = this.orgLevels(account, 'rcp');
    const vpcEndpoint = memo(this.endpoints, request.vpcEndpointId, (id) =>
      vpcEndpointFor(this.snapshot, id),
    );
    // the endpoint's owner, when it is a third account (a central network account): its organization
    const vpceOwner = vpcEndpointOwner(request, vpcEndpoint);
    const vpceOrganization =
      vpceOwner !== null && vpceOwner !== callerAccount && vpceOwner !== bucketAccount
        ? this.organization(vpceOwner)
        : undefined;
    const sessionTags = sessionTagsFor(this.index.sessions, request);
    return {
      principal,
      principalOrganization: principal === null ? known(null) : this.organization(callerAccount),
      resourceOrganization: this.organization(bucketAccount),
      buckets,
      accountPublicAccessBlock: this.accountPabs(bucketAccounts, bucketAccount),
      scpLevels: principal === null ? known(null) : this.orgLevels(callerAccount, 'scp'),
      rcpLevels: this.orgLevels(bucketAccount, 'rcp'),
      vpcEndpoint,
      ...(vpceOrganization !== undefined ? { vpcEndpointOrganization: vpceOrganization } : {}),
      accessPoint: memo(this.accessPoints, request.accessPointArn, (arn) =>
        accessPointFor(this.snapshot, arn),
      ),
      kmsKeys,
      ...(Object.keys(keyAccountRcpLevels).length > 0 ? { keyAccountRcpLevels } : {}),
      sessionPolicy: sessionPolicyFor(this.index.sessions, request),
      ...(sessionTags !== undefined ? { sessionTags } : {}),
      recentChanges: this.changes,
      canonicalIds: this.index.canonicalIds,
    };
  }

  /** The facts of every bucket the request names; `accounts` gets the account of each known one, in that order. */
  private bucketsFor(request: AccessRequest, accounts: string[]): Record<string, Fact<BucketFacts>> {
    const keysByBucket = new Map<string, string[]>();
    if (request.bucket !== null) keysByBucket.set(request.bucket, request.key !== null ? [request.key] : []);
    for (const need of request.needs) {
      if (need.bucket === null) continue;
      const keys = keysByBucket.get(need.bucket) ?? [];
      if (need.key !== null && !keys.includes(need.key)) keys.push(need.key);
      keysByBucket.set(need.bucket, keys);
    }
    const out = dictionary<Fact<BucketFacts>>();
    for (const [name, keys] of keysByBucket) {
      const bucket = this.index.buckets.get(name);
      if (bucket === undefined) {
        setOwn(out, name, unknown('notCollected', `the snapshot does not carry bucket ${name}`));
        continue;
      }
      let base = this.buckets.get(bucket.entry);
      if (!base) {
        base = bucketFacts(bucket.name, bucket.entry);
        this.buckets.set(bucket.entry, base);
      }
      if (base.accountId.status === 'known') accounts.push(base.accountId.value);
      // the snapshot's own text of the name: a property name V8 already holds (the request's copy would be looked up)
      setOwn(
        out,
        bucket.name,
        known(keys.length === 0 ? base : { ...base, objects: objectsFor(bucket.name, bucket.entry, keys) }),
      );
    }
    return out;
  }

  /**
   * The account Block Public Access settings of the bucket's account and of every account owning a bucket the
   * request names (`bucketAccounts`, from bucketsFor: Object.values of a dictionary record is a slow runtime call).
   */
  private accountPabs(
    bucketAccounts: readonly string[],
    bucketAccount: string | null,
  ): Record<string, Fact<PublicAccessBlock | null>> {
    const ids = new Set<string>();
    if (bucketAccount !== null) ids.add(bucketAccount);
    for (const id of bucketAccounts) ids.add(id);
    const out = dictionary<Fact<PublicAccessBlock | null>>();
    for (const id of ids) setOwn(out, id, this.accountPab(id));
    return out;
  }

  private accountPab(id: string): Fact<PublicAccessBlock | null> {
    let f = this.pabs.get(id);
    if (f === undefined) {
      const pab = this.index.accounts.get(id)?.account.publicAccessBlock;
      f =
        pab === undefined
          ? unknown('notCollected', `the snapshot does not carry accounts.${id}.publicAccessBlock`)
          : known(pab === null ? null : pabOf(pab));
      this.pabs.set(id, f);
    }
    return f;
  }

  private organization(accountId: string | null): Fact<OrganizationFacts | null> {
    const key = accountId ?? '';
    let f = this.orgs.get(key);
    if (!f) {
      f = organizationFacts(this.index, accountId);
      this.orgs.set(key, f);
    }
    return f;
  }

  private orgLevels(accountId: string | null, kind: 'scp' | 'rcp'): Fact<readonly OrgLevel[] | null> {
    const cache = kind === 'scp' ? this.scpLevels : this.rcpLevels;
    const key = accountId ?? '';
    let f = cache.get(key);
    if (!f) {
      f = orgLevels(this.index, accountId, kind);
      cache.set(key, f);
    }
    return f;
  }
}

/** null keys (no endpoint, no access point) are not cached: they are null facts. */
function memo<T>(
  cache: Map<string, T | null>,
  key: string | null,
  build: (key: string) => T | null,
): T | null {
  if (key === null) return null;
  let value = cache.get(key);
  if (value === undefined) {
    value = build(key);
    cache.set(key, value);
  }
  return value;
}
