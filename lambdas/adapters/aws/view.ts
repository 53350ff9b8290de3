import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
/**
 * AwsAccountView: the AccountView over a live AWS account (or several, with a member role). It reads only what
 * the request needs, concurrently, through an in-memory TTL cache shared by every gather of this instance —
 * construct it once per process (outside the Lambda handler) so that warm invocations reuse the cache.
 *
 * Round trips on the critical path of a same-account denial by a role session:
 *   1. GetRole | ListAttachedRolePolicies | ListRolePolicies | all bucket reads | ListObjectsV2 (existence;
 *      HeadObject too with objectMetadata) | account BPA |
 *      DescribeOrganization | DescribeVpcEndpoints | GetAccessPoint(Policy) | the event's KMS key
 *   2. GetRolePolicy | GetPolicy | GetObjectAcl (only if ACLs are in effect) | the object's KMS key | ListParents
 *   3. GetPolicyVersion
 * (plus one AssumeRole round trip for another account, and the organization walk when the account is in one).
 */
import { GetPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { identityCenterRegion, sessionOf, sessionPolicyDocument } from '../../core/changes/session-issuance';
import {
  known,
  unknown,
  type AccessRequest,
  type BucketFacts,
  type Fact,
  type KmsKeyFacts,
  type NamedPolicy,
  type OrganizationFacts,
  type OrgLevel,
  type PublicAccessBlock,
  type RequestFacts,
  type VpcEndpointFacts,
} from '../../core/model';
import type { AccountView } from '../types';
import { AccountAccess, type ScopeResult } from './accounts';
import {
  readBucket,
  readBucketAbac,
  pabOf,
  withObjectTags,
  type BucketRead,
  type BucketTarget,
} from './bucket';
import { baseRegion, partitionOf, type AwsClients, type ClientFactory } from './clients';
import { factOrNone } from './facts';
import { keyRef, readKmsKey } from './kms';
import { parseAccessPointArn, readAccessPoint, readAccessPointTags, readVpcEndpoint } from './network';
import { testsObjectTags, testsResourceTags, vpcEndpointOwner } from '../../core/fix/context';
import { otherKeyAccounts } from '../../core/fix/kms';
import { isBareKmsRef, kmsRefAccount } from '../../core/fix/kms-ref';
import { OBJECT_LOCK_ACTIONS } from '../../core/policy/s3/object-lock';
import { MFA_DELETE_ACTIONS } from '../../core/policy/s3/mfa-delete';
import { OrgReader } from './org';
import { PERMISSION } from './permissions';
import { managedPoliciesByArn, parseIdentityArn, principalFacts, type PrincipalContext } from './principal';
import type { SessionLookupOptions, SessionSearch } from '../changes/cloudtrail-lookup';
import { CachedReader } from './reader';
import { ownValue, setOwn } from '../../core/own';

export interface AwsAccountViewOptions {
  readonly region?: string;
  readonly profile?: string;
  /** Clients for the auditor's own credentials (any region); the rest are default-constructed. */
  readonly clients?: Partial<AwsClients>;
  /** Builds clients per account (null = the auditor's own credentials) and region. */
  readonly clientFactory?: ClientFactory;
  /** Default 300000 (5 minutes). */
  readonly cacheTtlMs?: number;
  /** Default 5000 cached reads. */
  readonly cacheMaxEntries?: number;
  /** Organization mode: the role assumed in other accounts (arn:aws:iam::<account>:role/<memberRoleName>). */
  readonly memberRoleName?: string;
  readonly externalId?: string;
  /** The auditor's own account; read with STS GetCallerIdentity when needed and not given. */
  readonly auditorAccountId?: string;
  /** Clock (ms) for the cache TTL and credential expiry; tests inject one. */
  readonly now?: () => number;
  /**
   * Also read each object's own encryption (HeadObject: SSE algorithm and KMS key). HeadObject needs
   * s3:GetObject / s3:GetObjectVersion, which also allow reading object content, so it is off by default:
   * existence is then read by listing (s3:ListBucket / s3:ListBucketVersions) and the analysis uses the
   * bucket's default encryption. Default false.
   */
  readonly objectMetadata?: boolean;
  /**
   * Session policies (issue 13): find the STS event that issued the caller's session (CloudTrail LookupEvents in
   * the session's account: the request's Region, us-east-1 for the global STS endpoint, and this view's Region)
   * and evaluate the session policy it recorded (inline `policy`, managed `policyArns` read with
   * iam:GetPolicy/GetPolicyVersion). true = search with this view's own CloudTrail clients (member role in
   * organization mode); or a lookup to share (tests, the change lookup). Needs cloudtrail:LookupEvents. Default
   * off: the session policy stays unknown ("cannot be read through the AWS API").
   */
  readonly sessionPolicies?: boolean | SessionIssuanceSource;
}

/** Finds a session's issuing event (CloudTrailChangeLookup.sessionIssuance). */
export interface SessionIssuanceSource {
  sessionIssuance(o: SessionLookupOptions): Promise<SessionSearch>;
}

export const DEFAULT_CACHE_TTL_MS = 300_000;
export const DEFAULT_CACHE_MAX_ENTRIES = 5_000;
/** At most this many objects per bucket are inspected (DeleteObjects can name a thousand). */
const MAX_OBJECTS_PER_BUCKET = 10;
const SESSION_TYPES = new Set([
  'AssumedRole',
  'FederatedUser',
  'WebIdentityUser',
  'SAMLUser',
  'IdentityCenterUser',
]);

/** The buckets a request touches, with the keys to inspect. */
export function bucketTargets(request: AccessRequest): BucketTarget[] {
  const byName = new Map<string, { key: string; versionId: string | null }[]>();
  const add = (bucket: string | null, key: string | null) => {
    if (bucket === null || bucket === '') return;
    const objects = byName.get(bucket) ?? [];
    byName.set(bucket, objects);
    if (
      key === null ||
      key === '' ||
      objects.length >= MAX_OBJECTS_PER_BUCKET ||
      objects.some((o) => o.key === key)
    )
      return;
    objects.push({
      key,
      versionId: bucket === request.bucket && key === request.key ? request.versionId : null,
    });
  };
  add(request.bucket, request.key);
  for (const n of request.needs) add(n.bucket, n.resourceType === 'object' ? n.key : null);
  // Issue 19: Object Lock is read only for the versions the request deletes or re-locks; Requester Pays only when the
  // caller may be outside the bucket owner's account (the only callers it refuses).
  const locked = new Set(
    request.needs
      .filter((n) => OBJECT_LOCK_ACTIONS.has(n.action.toLowerCase()) && n.bucket !== null && n.key !== null)
      .map((n) => `${n.bucket}/${n.key}`),
  );
  const payment = request.crossAccount !== false || request.principal.type === 'Anonymous';
  // MFA delete: the versioning configuration of the buckets the request deletes versions of or changes versioning of
  const versioned = new Set(
    request.needs
      .filter((n) => MFA_DELETE_ACTIONS.has(n.action.toLowerCase()) && n.bucket !== null)
      .map((n) => n.bucket),
  );
  return [...byName].map(([name, objects]) => ({
    name,
    accountId: name === request.bucket ? request.bucketAccountId : null,
    regionHint: request.region,
    objects: objects.map((o) => (locked.has(`${name}/${o.key}`) ? { ...o, lock: true } : o)),
    ...(payment ? { requestPayment: true } : {}),
    ...(versioned.has(name) ? { versioning: true } : {}),
  }));
}

/** What the event that created the caller's session says: its session policy and its own tags (when looked up). */
interface SessionFacts {
  readonly policy: Fact<NamedPolicy | null> | null;
  readonly tags?: Fact<Readonly<Record<string, string>>>;
}

function sessionPolicyOf(request: AccessRequest): Fact<NamedPolicy | null> | null {
  const p = request.principal;
  const session =
    SESSION_TYPES.has(p.type) ||
    /:(assumed-role|federated-user)\//.test(p.arn ?? '') ||
    (p.type === 'AWSAccount' && p.principalId !== null && /^AROA[^:]*:/.test(p.principalId));
  if (!session) return null;
  return unknown(
    'notCollected',
    'a session policy is passed when the session is created and cannot be read through the AWS API',
  );
}

export class AwsAccountView implements AccountView {
  private readonly reader: CachedReader;
  private readonly access: AccountAccess;
  private readonly region: string;
  private readonly org: OrgReader;
  private readonly objectMetadata: boolean;
  private readonly sessionOption: boolean | SessionIssuanceSource;
  private sessionSource: SessionIssuanceSource | null = null;
  private readonly now: () => number;

  constructor(opts: AwsAccountViewOptions = {}) {
    const now = opts.now ?? Date.now;
    this.now = now;
    const ttl = opts.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.region = baseRegion(opts.region);
    this.objectMetadata = opts.objectMetadata === true;
    this.sessionOption = opts.sessionPolicies ?? false;
    this.reader = new CachedReader({
      ttlMs: ttl,
      maxEntries: opts.cacheMaxEntries ?? DEFAULT_CACHE_MAX_ENTRIES,
      now,
    });
    this.access = new AccountAccess({
      reader: this.reader,
      region: this.region,
      cacheTtlMs: ttl,
      now,
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.clients ? { clients: opts.clients } : {}),
      ...(opts.clientFactory ? { clientFactory: opts.clientFactory } : {}),
      ...(opts.memberRoleName ? { memberRoleName: opts.memberRoleName } : {}),
      ...(opts.externalId ? { externalId: opts.externalId } : {}),
      ...(opts.auditorAccountId ? { auditorAccountId: opts.auditorAccountId } : {}),
    });
    this.org = new OrgReader(this.reader, this.access.self, this.region);
  }

  /**
   * The CloudTrail client that reads `accountId`'s own event history (LookupEvents only ever returns the calling
   * account's events): the auditor's, or the member role's in organization mode. Throws an error named
   * CannotEnterAccount, with the reason, when the account cannot be entered.
   */
  async cloudTrailFor(accountId: string | null, region: string): Promise<CloudTrailClient> {
    const scoped = await this.access.scopeFor(accountId);
    if (!scoped.ok) {
      throw Object.assign(new Error(scoped.fact.detail ?? `cannot read account ${accountId}`), {
        name: 'CannotEnterAccount',
      });
    }
    return scoped.scope.clients(region).cloudtrail;
  }

  /** Forgets every cached read (not the assumed-role credentials). */
  clearCache(): void {
    this.reader.clear();
  }

  /**
   * The RCPs of each account that owns a key of the request other than the bucket's account (RCPs cap the resources
   * of the account they apply to: a key of another account is capped by that account's). Read only for such keys,
   * after the keys themselves: one more round trip, for cross-account keys alone.
   */
  private async keyAccountRcps(
    kmsKeys: Readonly<Record<string, Fact<KmsKeyFacts>>>,
    bucketAccount: string | null,
    scopeFor: (accountId: string | null) => Promise<ScopeResult>,
  ): Promise<Record<string, Fact<readonly OrgLevel[] | null>>> {
    const out: Record<string, Fact<readonly OrgLevel[] | null>> = {};
    await Promise.all(
      otherKeyAccounts(kmsKeys, bucketAccount).map(async (account) => {
        const organization = await this.organizationWithPath(account, scopeFor);
        out[account] = await this.org.levels(account, organization, 'rcp');
      }),
    );
    return out;
  }

  /** The organization of an account and the account's path in it (aws:*OrgID, aws:*OrgPaths). */
  private organizationWithPath(
    account: string | null,
    scopeFor: (accountId: string | null) => Promise<ScopeResult>,
  ): Promise<Fact<OrganizationFacts | null>> {
    return scopeFor(account)
      .then((s) => this.org.organizationOf(s, account))
      .then((o) => this.org.withPath(o, account));
  }

  /**
   * The organization of the account that owns the request's VPC endpoint (aws:VpceOrgID, aws:VpceOrgPaths) when it
   * is a third account (a central network account): read after the endpoint, only then. The caller's and the
   * bucket's accounts use the organizations read for them.
   */
  private async vpcEndpointOrganization(
    request: AccessRequest,
    vpcEndpoint: Fact<VpcEndpointFacts> | null,
    accounts: readonly (string | null)[],
    scopeFor: (accountId: string | null) => Promise<ScopeResult>,
  ): Promise<Fact<OrganizationFacts | null> | undefined> {
    const owner = request.vpcEndpointId === null ? null : vpcEndpointOwner(request, vpcEndpoint);
    if (owner === null || accounts.includes(owner)) return undefined;
    return this.organizationWithPath(owner, scopeFor);
  }

  async gather(request: AccessRequest): Promise<RequestFacts> {
    const scopes = new Map<string, Promise<ScopeResult>>();
    const scopeFor = (accountId: string | null): Promise<ScopeResult> => {
      const k = accountId ?? '';
      let s = scopes.get(k);
      if (!s) {
        s = this.access.scopeFor(accountId);
        scopes.set(k, s);
      }
      return s;
    };
    const callerAccount =
      request.principal.accountId ??
      parseIdentityArn(request.principal.identityArn ?? request.principal.arn ?? '')?.accountId ??
      null;
    const bucketAccount = request.bucketAccountId;
    const targets = bucketTargets(request);

    const principalCtx: PrincipalContext = { reader: this.reader, region: this.region, scopeFor };
    const principalP = principalFacts(principalCtx, request);
    const sessionP = this.sessionPolicy(request, principalCtx);
    const bucketsP = Promise.all(
      targets.map(async (t) => this.bucket(t, await scopeFor(t.accountId ?? bucketAccount))),
    );
    const accountPabP = this.accountPab(bucketAccount, request.region, scopeFor);
    const noCaller = ['Anonymous', 'AWSService'].includes(request.principal.type);
    const principalOrgP = noCaller
      ? Promise.resolve(null)
      : this.organizationWithPath(callerAccount, scopeFor);
    const resourceOrgP = this.organizationWithPath(bucketAccount, scopeFor);
    const scpP = principalOrgP.then((o) => (o === null ? null : this.org.levels(callerAccount, o, 'scp')));
    const rcpP = resourceOrgP.then((o) => this.org.levels(bucketAccount, o, 'rcp'));
    const vpceId = request.vpcEndpointId;
    const vpceP = vpceId
      ? scopeFor(request.vpcEndpointAccountId ?? callerAccount).then((s) =>
          readVpcEndpoint(this.reader, s, request.region, vpceId),
        )
      : Promise.resolve(null);
    const vpceOrgP = vpceP.then((e) =>
      this.vpcEndpointOrganization(
        request,
        e,
        noCaller ? [bucketAccount] : [callerAccount, bucketAccount],
        scopeFor,
      ),
    );
    const apArn = request.accessPointArn;
    const apP = apArn
      ? scopeFor(parseAccessPointArn(apArn)?.accountId ?? bucketAccount).then((s) =>
          readAccessPoint(this.reader, s, apArn),
        )
      : Promise.resolve(null);
    const eventKeys = [request.kms?.keyArn, request.sse?.kmsKeyId].filter(
      (k): k is string => typeof k === 'string' && k !== '',
    );
    const defaults = {
      region: request.region,
      accountId: bucketAccount,
      partition: partitionOf(request.region),
    };
    const eventKmsP = this.kmsKeys(eventKeys, defaults, scopeFor);
    const bucketReads = await bucketsP;
    const laterKeys = this.bucketKeyRefs(request, targets, bucketReads).filter(
      (k) => !eventKeys.includes(k.ref),
    );
    // AWS KMS resolves a bare key id or alias name in the caller's account (core/fix/kms-ref.ts): for a caller of
    // another account than the bucket's, the key of that name is read there too (the bucket account's stays: the key
    // the bucket owner meant, which the explanation and its fix name).
    const callerKeys = [
      ...eventKeys.map((ref) => ({ ref, account: bucketAccount, region: request.region })),
      ...laterKeys.map((k) => ({ ref: k.ref, account: k.defaults.accountId, region: k.defaults.region })),
    ].filter((k) => {
      const where = kmsRefAccount(k.ref, callerAccount, k.account);
      return isBareKmsRef(k.ref) && where !== null && where !== k.account;
    });
    const [
      principal,
      principalOrganization,
      resourceOrganization,
      accountPab,
      scpLevels,
      rcpLevels,
      vpcEndpoint,
      accessPoint,
      eventKms,
      vpcEndpointOrganization,
      laterKms,
      sessionPolicy,
    ] = await Promise.all([
      principalP,
      principalOrgP,
      resourceOrgP,
      accountPabP,
      scpP,
      rcpP,
      vpceP,
      apP,
      eventKmsP,
      vpceOrgP,
      Promise.all([
        ...laterKeys.map(async (k) => this.kmsKeys([k.ref], k.defaults, scopeFor)),
        ...callerKeys.map(async (k) =>
          this.kmsKeys(
            [k.ref],
            { region: k.region, accountId: callerAccount, partition: partitionOf(k.region) },
            scopeFor,
          ),
        ),
      ]),
      sessionP.then((x) => x.policy),
    ]);
    const session = await sessionP;
    const kmsKeys = Object.assign({}, eventKms, ...laterKms) as Record<string, Fact<KmsKeyFacts>>;
    const keyAccountRcpLevels = await this.keyAccountRcps(kmsKeys, bucketAccount, scopeFor);
    const buckets: Record<string, Fact<BucketFacts>> = {};
    targets.forEach((t, i) => {
      const r = bucketReads[i];
      if (r) setOwn(buckets, t.name, r.fact);
    });
    const facts: RequestFacts = {
      principal,
      principalOrganization: principalOrganization ?? { status: 'known', value: null },
      resourceOrganization,
      buckets,
      accountPublicAccessBlock: accountPab,
      scpLevels: scpLevels ?? { status: 'known', value: null },
      rcpLevels,
      vpcEndpoint,
      ...(vpcEndpointOrganization !== undefined ? { vpcEndpointOrganization } : {}),
      accessPoint,
      kmsKeys,
      ...(Object.keys(keyAccountRcpLevels).length > 0 ? { keyAccountRcpLevels } : {}),
      sessionPolicy,
      ...(session.tags !== undefined ? { sessionTags: session.tags } : {}),
      recentChanges: unknown(
        'notCollected',
        'the live view does not look up change history (see adapters/changes)',
      ),
    };
    // one after the other: each replaces a bucket's fact in `buckets`
    await this.bucketAbac(request, facts, buckets, scopeFor);
    await this.objectTags(targets, facts, buckets, scopeFor);
    return this.accessPointTags(request, facts, scopeFor);
  }

  /**
   * Through an access point, aws:ResourceTag is the access point's tags (fix/context.ts resourceTagKeys): read only
   * when a policy of the request tests aws:ResourceTag, one more round trip for those requests alone.
   */
  private async accessPointTags(
    request: AccessRequest,
    facts: RequestFacts,
    scopeFor: (accountId: string | null) => Promise<ScopeResult>,
  ): Promise<RequestFacts> {
    const ap = facts.accessPoint;
    if (request.accessPointArn === null || ap?.status !== 'known' || ap.value.tags !== undefined)
      return facts;
    if (!testsResourceTags(facts)) return facts;
    const tags = await readAccessPointTags(this.reader, await scopeFor(ap.value.accountId), ap.value.arn);
    return { ...facts, accessPoint: known({ ...ap.value, tags }) };
  }

  /**
   * S3 ABAC (fix/context.ts resourceTagKeys): the bucket's ABAC status and tags, read only when a policy of the request
   * tests aws:ResourceTag and the request goes to the bucket itself (through an access point the key is the access
   * point's tags): one more round trip, for those requests alone. Sets them on the bucket's fact in `buckets`.
   */
  private async bucketAbac(
    request: AccessRequest,
    facts: RequestFacts,
    buckets: Record<string, Fact<BucketFacts>>,
    scopeFor: (accountId: string | null) => Promise<ScopeResult>,
  ): Promise<void> {
    const name = request.bucket;
    if (name === null || request.accessPointArn !== null || !testsResourceTags(facts)) return;
    const b = ownValue(buckets, name);
    if (b?.status !== 'known' || b.value.abac !== undefined) return;
    const scoped = await scopeFor(b.value.accountId.status === 'known' ? b.value.accountId.value : null);
    if (!scoped.ok) return;
    const region = b.value.region.status === 'known' ? b.value.region.value : request.region;
    const { abac, tags } = await readBucketAbac(this.reader, scoped.scope, name, region);
    setOwn(buckets, name, known({ ...b.value, abac, tags }));
  }

  /**
   * s3:ExistingObjectTag (fix/context.ts tagKeys): the objects' tags are read with the bucket when its bucket policy
   * tests the key. When only another policy of the request does (an identity or session policy, an SCP, an access
   * point or VPC endpoint policy: ABAC on objects is often written in identity policies), one more round trip reads
   * them here, for those requests alone. Sets them on each existing object's fact in `buckets`.
   */
  private async objectTags(
    targets: readonly BucketTarget[],
    facts: RequestFacts,
    buckets: Record<string, Fact<BucketFacts>>,
    scopeFor: (accountId: string | null) => Promise<ScopeResult>,
  ): Promise<void> {
    if (!testsObjectTags(facts)) return;
    await Promise.all(
      targets.map(async (t) => {
        const b = ownValue(buckets, t.name);
        if (b?.status !== 'known') return;
        // the existing objects whose tags the bucket read did not fetch
        const pending = t.objects.flatMap((o) => {
          const f = ownValue(b.value.objects, o.key);
          return f?.status === 'known' && f.value.exists && f.value.tags === undefined ? [{ o, f }] : [];
        });
        if (pending.length === 0) return;
        const scoped = await scopeFor(b.value.accountId.status === 'known' ? b.value.accountId.value : null);
        if (!scoped.ok) return;
        const region = b.value.region.status === 'known' ? b.value.region.value : t.regionHint;
        const objects = { ...b.value.objects };
        for (const { o, f } of pending)
          setOwn(objects, o.key, await withObjectTags(this.reader, scoped.scope, t.name, region, o, f));
        setOwn(buckets, t.name, known({ ...b.value, objects }));
      }),
    );
  }

  /** The lookup that finds issuing events: injected, or built on first use over this view's CloudTrail clients. */
  private sessions(): SessionIssuanceSource | null {
    if (this.sessionOption === false) return null;
    if (this.sessionOption !== true) return this.sessionOption;
    if (this.sessionSource === null) {
      // Loaded on first use, like the CloudTrail SDK itself (clients.ts): the view's cold start stays without it.
      /* eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load */
      const mod = require('../changes/cloudtrail-lookup') as typeof import('../changes/cloudtrail-lookup');
      this.sessionSource = new mod.CloudTrailChangeLookup((account, region) =>
        this.cloudTrailFor(account, region),
      );
    }
    return this.sessionSource;
  }

  /**
   * The session's own tags ride along: the same issuing event records them (known, or unknown with the same reason
   * when the event was not found; absent when no lookup was made).
   * The session policy fact (issue 13 item 3): null when the caller is not a session; known(null) when the issuing
   * event passed none; known(policy) with the inline and managed session policies; unknown with the reason when
   * the event was not found (regions searched named), could not be read, or recorded a policy that cannot be read.
   */
  private async sessionPolicy(request: AccessRequest, ctx: PrincipalContext): Promise<SessionFacts> {
    const base = sessionPolicyOf(request);
    const source = base === null ? null : this.sessions();
    if (base === null || source === null) return { policy: base };
    const session = sessionOf(request);
    if (session === null)
      return {
        policy: unknown(
          'notCollected',
          'the record does not carry the session’s temporary access key id (ASIA…) and account, so the event that created the session cannot be looked up',
        ),
      };
    // STS records the issuing event in the Region of the endpoint it was called at (us-east-1 for the global one);
    // a permission-set role's session is created by IAM Identity Center, in its own Region
    const idc = session.kind === 'role' ? identityCenterRegion(session.roleArn) : null;
    const regions = [
      ...new Set([request.region, idc ?? '', 'us-east-1', this.region].filter((r) => r !== '')),
    ];
    const found = await source
      .sessionIssuance({ session, regions, now: this.now() })
      .catch((err: unknown): SessionSearch => ({
        status: 'failed',
        searched: [],
        reason: 'error',
        detail: err instanceof Error ? err.message : String(err),
      }));
    if (found.status === 'notFound') {
      const f = unknown('notFound', found.detail);
      return { policy: f, tags: f };
    }
    if (found.status === 'failed') {
      const f = unknown(found.reason, found.detail, found.permission);
      return { policy: f, tags: f };
    }
    const issuance = found.issuance;
    const what = `${issuance.eventName} at ${issuance.eventTime} (${issuance.region ?? 'unknown Region'}, event ${issuance.eventId})`;
    // the session's own tags, as the issuing event records them (session-issuance.ts SessionTagsRecord)
    const tags =
      issuance.tags.status === 'known'
        ? known(issuance.tags.tags)
        : unknown('notCollected', `${what} recorded session tags, but ${issuance.tags.detail}`);
    if (issuance.policy.status === 'unreadable')
      return {
        policy: unknown('notCollected', `${what} passed a session policy, but ${issuance.policy.detail}`),
        tags,
      };
    const inline = issuance.policy.status === 'document' ? issuance.policy.document : null;
    if (inline === null && issuance.policyArns.length === 0) return { policy: known(null), tags };
    const managed =
      issuance.policyArns.length === 0
        ? known([])
        : await managedPoliciesByArn(ctx, session.accountId, issuance.policyArns, 'session');
    if (managed.status === 'unknown')
      return {
        policy: {
          ...managed,
          detail: `${what} passed managed session policies: ${managed.detail ?? managed.reason}`,
        },
        tags,
      };
    return { policy: known(sessionPolicyDocument(issuance, inline, managed.value)), tags };
  }

  private async bucket(t: BucketTarget, scoped: ScopeResult): Promise<BucketRead> {
    if (!scoped.ok) return { fact: scoped.fact, region: t.regionHint, defaultKmsKey: null };
    return readBucket(this.reader, scoped.scope, t, { objectMetadata: this.objectMetadata });
  }

  private async accountPab(
    accountId: string | null,
    region: string,
    scopeFor: (a: string | null) => Promise<ScopeResult>,
  ): Promise<Record<string, Fact<PublicAccessBlock | null>>> {
    if (accountId === null) return {};
    const scoped = await scopeFor(accountId);
    if (!scoped.ok) return { [accountId]: scoped.fact };
    const { scope } = scoped;
    const s3control = scope.clients(region).s3control;
    const o = await this.reader.read(
      `${scope.label}|${region}|s3control|GetPublicAccessBlock|${accountId}`,
      PERMISSION.GetAccountPublicAccessBlock,
      () => s3control.send(new GetPublicAccessBlockCommand({ AccountId: accountId })),
    );
    return {
      [accountId]: factOrNone(
        o,
        (v) => pabOf(v.PublicAccessBlockConfiguration),
        `account ${accountId} Block Public Access`,
      ),
    };
  }

  /**
   * KMS keys learnt from the buckets: the objects' keys, and the default key for writes and for existing objects
   * whose own encryption was not read.
   */
  private bucketKeyRefs(
    request: AccessRequest,
    targets: readonly BucketTarget[],
    reads: readonly BucketRead[],
  ) {
    const out: { ref: string; defaults: { region: string; accountId: string | null; partition: string } }[] =
      [];
    const writes =
      request.needs.some((n) => n.action === 's3:PutObject') || request.actions.includes('s3:PutObject');
    targets.forEach((t, i) => {
      const r = reads[i];
      if (!r) return;
      const defaults = {
        region: r.region,
        accountId: t.accountId ?? request.bucketAccountId,
        partition: partitionOf(r.region),
      };
      const add = (ref: string | null | undefined) => {
        if (ref && !out.some((o) => o.ref === ref)) out.push({ ref, defaults });
      };
      const objects = r.fact.status === 'known' ? Object.values(r.fact.value.objects) : [];
      for (const o of objects) if (o.status === 'known') add(o.value.kmsKeyId);
      // An existing object whose own encryption was not read (no objectMetadata): the analysis uses the bucket
      // default key in its place, so that key is read as for a write.
      const sseNotRead = objects.some(
        (o) => o.status === 'known' && o.value.exists && o.value.sseNotCollected,
      );
      if ((writes && t.name === request.bucket) || sseNotRead) add(r.defaultKmsKey);
    });
    return out;
  }

  private async kmsKeys(
    refs: readonly string[],
    defaults: { region: string; accountId: string | null; partition: string },
    scopeFor: (a: string | null) => Promise<ScopeResult>,
  ): Promise<Record<string, Fact<KmsKeyFacts>>> {
    const out: Record<string, Fact<KmsKeyFacts>> = {};
    await Promise.all(
      [...new Set(refs)].map(async (r) => {
        const ref = keyRef(r, defaults);
        const { arn, fact } = await readKmsKey(this.reader, await scopeFor(ref.accountId), ref);
        out[arn] = fact;
      }),
    );
    return out;
  }
}
