/**
 * The condition keys the facts determine, derived in one place for both `explain` (a request rebuilt from a
 * CloudTrail record) and `simulate` (a hypothetical request). A key the request already carries wins; a key the
 * request says is absent stays absent.
 *
 * Global keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 *  - aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid, aws:username, aws:PrincipalIsAWSService,
 *    aws:PrincipalServiceName: from the caller (the record or the hypothetical principal, completed by the facts);
 *  - aws:PrincipalTag/<key>: an IAM user's tags; a role session's are the role's tags plus its session tags, which
 *    CloudTrail's S3 events do not carry: known when the event that created the session was read
 *    (RequestFacts.sessionTags) or the role's trust policy rules session tags out (policy/trust.ts), else the role's
 *    tags are inferred values and the other keys unknown (principalTagKeys below);
 *  - aws:PrincipalOrgID / aws:PrincipalOrgPaths: the organization of the caller's account and the account's path in
 *    it, formatted "o-…/r-…/ou-…/…/" (a multivalued key; #condition-keys-principalorgpaths);
 *  - aws:ResourceOrgID / aws:ResourceOrgPaths / aws:ResourceAccount (and s3:ResourceAccount): the same for the
 *    account that owns the resource.
 *  - Through a VPC endpoint: aws:SourceVpc, the VPC of the endpoint (#condition-keys-sourcevpc); aws:VpceAccount, the
 *    account that owns the endpoint (the record's vpcEndpointAccountId, else the endpoint's OwnerId); aws:VpceOrgID /
 *    aws:VpceOrgPaths, that account's organization and path (#condition-keys-vpceorgid, #condition-keys-vpceorgpaths).
 *    S3 sets them for gateway and interface endpoints alike; a value the facts do not give is unknown, never absent.
 * A caller or a resource outside any organization has no org keys: they are absent, not unknown.
 *  - aws:ResourceTag/<key>: through an access point its tags; otherwise the bucket's, with S3 ABAC enabled on it
 *    (resourceTagKeys below).
 * S3 keys: s3:AccessPointNetworkOrigin (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html);
 * s3:ExistingObjectTag/<key> from the tags of the object the request names (get-object-tagging; snapshot `tags`),
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html: once the object's tag set (or the
 * request's, x-amz-tagging) is known, every other tag key a policy of the facts tests is absent, not unknown.
 */
import type {
  AccessRequest,
  ConditionContext,
  Fact,
  InferredValue,
  NamedPolicy,
  OrganizationFacts,
  PrincipalType,
  RequestFacts,
  VpcEndpointFacts,
} from '../model';
import { VPC_ENDPOINT_KEYS } from '../event/context';
import { partitionOf } from '../event/fields';
import { known } from '../model';
import { REQUEST_POLICY_KEY } from '../policy/s3/bpa';
import { ownValue, setOwn } from '../own';
import { scanDocument } from '../policy/document-scan';
import { lowerKey } from '../policy/variables';
import { Recent } from '../recent';

/** aws:PrincipalType values (#condition-keys-principaltype); a service principal has none. */
const PRINCIPAL_TYPE: Partial<Record<PrincipalType, string>> = {
  AssumedRole: 'AssumedRole',
  IAMUser: 'User',
  Root: 'Account',
  FederatedUser: 'FederatedUser',
  Anonymous: 'Anonymous',
};

/** "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/" for an account under that OU (#condition-keys-principalorgpaths). */
export function orgPathValue(org: OrganizationFacts): string | null {
  if (!org.path || org.path.length === 0) return null;
  return `${org.id}/${org.path.join('/')}/`;
}

interface Caller {
  readonly type: PrincipalType;
  readonly identityArn: string | null;
  readonly accountId: string | null;
  readonly principalId: string | null;
  readonly invokedBy: string | null;
  readonly userName: string | null;
}

function callerOf(request: AccessRequest, facts: RequestFacts): Caller {
  const p = request.principal;
  const f = facts.principal?.status === 'known' ? facts.principal.value : null;
  const identityArn = p.identityArn ?? f?.identityArn ?? null;
  let type = p.type;
  if (type === 'AWSAccount' && f)
    type = f.kind === 'role' ? 'AssumedRole' : f.kind === 'user' ? 'IAMUser' : 'Root';
  const userName =
    p.userName ?? (f?.kind === 'user' && identityArn ? (identityArn.split('/').pop() ?? null) : null);
  return {
    type,
    identityArn,
    accountId: p.accountId ?? f?.accountId ?? null,
    principalId: p.type === 'Root' ? (p.accountId ?? p.principalId) : p.principalId,
    invokedBy: p.invokedBy ?? (p.type === 'AWSService' ? p.arn : null),
    userName,
  };
}

const S3_SERVICE = 's3.amazonaws.com';
/** The keys a forward access session sets itself (lower-cased), besides aws:SourceIp after a request through an endpoint. */
const FORWARD_SET = [
  ...VPC_ENDPOINT_KEYS,
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  'aws:ViaAWSService',
].map(lowerKey);
const FORWARD_SET_OVER_INTERNET = new Set(FORWARD_SET);
const FORWARD_SET_THROUGH_ENDPOINT = new Set([...FORWARD_SET, lowerKey('aws:SourceIp')]);

/**
 * The request S3 makes to another service with the caller's credentials (the KMS call of an SSE-KMS read or write): a
 * forward access session. "The aws:ViaAWSService condition key value is set to true whenever a FAS request is made";
 * "When a FAS request is made after an initial request is made through a VPC endpoint, the condition key values for
 * aws:SourceVpce, aws:SourceVpc, and aws:VpcSourceIp from the initial request are not used in FAS requests ... When a
 * FAS request is made after an initial request is received by a public AWS service endpoint, subsequent FAS requests
 * will be made with the same aws:SourceIP condition key value"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html). So the endpoint's keys are
 * absent from it, aws:SourceIp is the caller's after a request over the internet and not known after one through an
 * endpoint, and aws:ViaAWSService is true. "When FAS requests are made, aws:CalledVia, aws:CalledViaFirst, and
 * aws:CalledViaLast condition keys are populated with the service principal of the service that initiated the FAS
 * call" (same page): after a direct request they are S3 alone; after a request a service itself made for the caller,
 * S3 is the last of a chain whose start is not known here. Everything else is the S3 request's.
 */
export function forwardedRequest(request: AccessRequest): AccessRequest {
  const throughEndpoint = request.vpcEndpointId !== null;
  const replaced = throughEndpoint ? FORWARD_SET_THROUGH_ENDPOINT : FORWARD_SET_OVER_INTERNET;
  const kept = (k: string): boolean => !replaced.has(lowerKey(k));
  const ctx = request.context;
  const direct = Object.entries(ctx.values).some(
    ([k, v]) => lowerKey(k) === 'aws:viaawsservice' && v === 'false',
  );
  const values: Record<string, string | readonly string[]> = {
    'aws:ViaAWSService': 'true',
    'aws:CalledViaLast': S3_SERVICE,
    ...(direct ? { 'aws:CalledVia': [S3_SERVICE], 'aws:CalledViaFirst': S3_SERVICE } : {}),
  };
  for (const [k, v] of Object.entries(ctx.values)) if (kept(k)) values[k] = v;
  return {
    ...request,
    vpcEndpointId: null,
    vpcEndpointAccountId: null,
    context: {
      ...ctx,
      values,
      absent: [...ctx.absent.filter(kept), ...VPC_ENDPOINT_KEYS],
      unknown: [
        ...(ctx.unknown ?? []).filter(kept),
        ...(direct ? [] : ['aws:CalledVia', 'aws:CalledViaFirst']),
        ...(throughEndpoint ? ['aws:SourceIp'] : []),
      ],
    },
  };
}

/**
 * The request's condition context plus every key the facts determine. `extra` adds keys of the call being
 * evaluated (e.g. the KMS call S3 makes: kms:ViaService, kms:EncryptionContext:aws:s3:arn).
 */
export function derivedContext(
  request: AccessRequest,
  facts: RequestFacts,
  resourceAccount: string | null,
  extra: Readonly<Record<string, string>> = {},
): ConditionContext {
  const values: Record<string, string | readonly string[]> = { ...request.context.values };
  const absent = [...request.context.absent];
  const unknownKeys = [...(request.context.unknown ?? [])];
  const taken = new Set<string>();
  for (const k in values) taken.add(lowerKey(k));
  for (const k of absent) taken.add(lowerKey(k));
  for (const k of unknownKeys) taken.add(lowerKey(k));
  /** Takes `key` for this call; false when the request (or an earlier line) already set it. */
  const take = (key: string): boolean => {
    const lower = lowerKey(key);
    if (taken.has(lower)) return false;
    taken.add(lower);
    return true;
  };
  const put = (key: string, value: string | readonly string[] | null | undefined): void => {
    if (value !== null && value !== undefined && take(key)) values[key] = value;
  };
  const none = (key: string): void => {
    if (take(key)) absent.push(key);
  };
  /** A key the facts say is set but do not give (never taken as absent, whatever otherKeys says). */
  const notKnown = (key: string): void => {
    if (take(key)) unknownKeys.push(key);
  };

  const keys: KeyWriter = { put, none, notKnown };
  const c = callerOf(request, facts);
  const anonymous = c.type === 'Anonymous';
  const service = c.type === 'AWSService';
  // a CloudFront origin access identity is neither a service principal nor an IAM principal of the customer
  const oai = request.principal.originAccessIdentity === true;
  if (!anonymous && !service) {
    put('aws:PrincipalArn', c.identityArn);
    put('aws:PrincipalAccount', c.accountId);
  }
  put('aws:PrincipalType', PRINCIPAL_TYPE[c.type]);
  put('aws:userid', anonymous ? 'anonymous' : service ? null : c.principalId);
  if (c.type === 'IAMUser') put('aws:username', c.userName);
  if (c.type !== 'Unknown' && !oai) put('aws:PrincipalIsAWSService', String(service));
  if (service && !oai) put('aws:PrincipalServiceName', c.invokedBy);
  if (!anonymous && !service) principalTagKeys(request, facts, c, keys);

  // The caller's organization: anonymous callers and service principals belong to none.
  orgKeys(anonymous || service ? known(null) : facts.principalOrganization, 'Principal', keys);

  put('aws:ResourceAccount', resourceAccount);
  put('s3:ResourceAccount', resourceAccount);
  orgKeys(facts.resourceOrganization, 'Resource', keys);

  if (request.vpcEndpointId !== null) vpcEndpointKeys(request, facts, c.accountId, resourceAccount, keys);

  if (request.accessPointArn !== null) {
    put('s3:DataAccessPointArn', request.accessPointArn);
    put('s3:DataAccessPointAccount', /:(\d{12}):accesspoint\//.exec(request.accessPointArn)?.[1]);
    const ap = facts.accessPoint?.status === 'known' ? facts.accessPoint.value : null;
    put('s3:AccessPointNetworkOrigin', ap?.networkOrigin);
  }
  put(REQUEST_POLICY_KEY, requestedPolicy(request));
  tagKeys(request, facts, put, none);
  resourceTagKeys(request, facts, keys);
  for (const [k, v] of Object.entries(extra)) put(k, v);
  return {
    values,
    absent,
    otherKeys: request.context.otherKeys,
    ...(unknownKeys.length > 0 ? { unknown: unknownKeys } : {}),
    // what the record says about where each value came from, and what it only implies (lambdas/core/event/evidence.ts)
    ...(request.context.provenance ? { provenance: request.context.provenance } : {}),
    ...inferredOf(request, facts),
  };
}

/** The record's inferred values and the caller's session-dependent tags (sessionTagInference), in one map. */
function inferredOf(
  request: AccessRequest,
  facts: RequestFacts,
): { inferred?: Readonly<Record<string, InferredValue>> } {
  const fromFacts = sessionTagInference(request, facts);
  const fromRecord = request.context.inferred;
  if (fromFacts === null) return fromRecord ? { inferred: fromRecord } : {};
  const own = new Set(Object.keys(request.context.values).map(lowerKey));
  for (const k of request.context.absent) own.add(lowerKey(k));
  const merged: Record<string, InferredValue> = { ...fromRecord };
  for (const [k, v] of Object.entries(fromFacts)) if (!own.has(lowerKey(k))) merged[k] = v;
  return { inferred: merged };
}

// ---------------------------------------------------------------------------
// Principal tags: aws:PrincipalTag/<key>
// ---------------------------------------------------------------------------

const PRINCIPAL_TAG = 'aws:principaltag/';

/**
 * Where the caller's aws:PrincipalTag values come from (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag):
 *  - 'exact': they are all known: an IAM user's tags; the root user's (none); a role session's whose own tags were read from the event that
 *    created it (RequestFacts.sessionTags, over the role's), or whose role's trust policy rules session tags out
 *    (policy/trust.ts); a hypothetical session (simulate), which carries none unless `--context` gives them;
 *    A federated user's (GetFederationToken) likewise once the event that created it was read: its IAM user's tags
 *    with the session tags over them;
 *  - 'session': a role session that may carry session tags, which override the role's tags with the same key and
 *    add others (id_session-tags.html), and a federated user whose creating event was not read: "session tags
 *    override a user tag with the same key" (API_GetFederationToken, Tags). S3's CloudTrail events record neither;
 *  - 'own': any other caller with IAM facts (a caller typed only by its account): its tags, as read, with other
 *    keys left as the request leaves them;
 *  - null: no IAM facts.
 */
function principalTagSource(
  request: AccessRequest,
  facts: RequestFacts,
  type: PrincipalType,
): 'exact' | 'session' | 'own' | null {
  const f = facts.principal?.status === 'known' ? facts.principal.value : null;
  if (f === null) return null;
  if (type === 'IAMUser' && f.kind === 'user') return 'exact';
  // the root user cannot be tagged (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html lists what can)
  if (type === 'Root' && f.kind === 'root') return 'exact';
  const federated = type === 'FederatedUser' && f.kind === 'user';
  if (!federated && (type !== 'AssumedRole' || f.kind !== 'role')) return 'own';
  if (request.context.otherKeys === 'absent') return 'exact';
  if (facts.sessionTags?.status === 'known') return 'exact';
  // a role's trust policy may rule session tags out (policy/trust.ts); nothing read here rules them out for
  // GetFederationToken
  if (!federated && f.sessionTags === false) return 'exact';
  return 'session';
}

/**
 * The caller's principal tags when they are all known: its IAM tags, and a role session's own tags (read from the
 * event that created it) over them: "session tags override a role tag with the same key", keys compared without
 * case (API_AssumeRole, Tags).
 */
function exactTags(facts: RequestFacts): Readonly<Record<string, string>> {
  const own = facts.principal?.status === 'known' ? facts.principal.value.tags : {};
  const session = facts.sessionTags?.status === 'known' ? facts.sessionTags.value : null;
  if (session === null || Object.keys(session).length === 0) return own;
  const overridden = new Set(Object.keys(session).map(lowerKey));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(own)) if (!overridden.has(lowerKey(k))) setOwn(out, k, v);
  for (const [k, v] of Object.entries(session)) setOwn(out, k, v);
  return out;
}

function principalTagKeys(request: AccessRequest, facts: RequestFacts, c: Caller, keys: KeyWriter): void {
  const source = principalTagSource(request, facts, c.type);
  if (source === null || source === 'session') return; // the role's tags are inferred values (sessionTagInference)
  const tags =
    source === 'exact'
      ? exactTags(facts)
      : facts.principal?.status === 'known'
        ? facts.principal.value.tags
        : {};
  const own = new Set<string>();
  for (const [k, v] of Object.entries(tags)) {
    keys.put(`aws:PrincipalTag/${k}`, v);
    own.add(`${PRINCIPAL_TAG}${lowerKey(k)}`);
  }
  // a hypothetical request's unset keys are absent already
  if (source !== 'exact' || request.context.otherKeys === 'absent') return;
  for (const key of referencedTagKeys(facts))
    if (key.startsWith(PRINCIPAL_TAG) && !own.has(key)) keys.none(key);
}

/**
 * Whether the caller's principal tags may include session tags no fact gave (principalTagSource 'session'): a role
 * session whose issuing event was not read and whose role's trust policy does not rule session tags out.
 */
export function sessionTagsUnknown(request: AccessRequest, facts: RequestFacts): boolean {
  return principalTagSource(request, facts, callerOf(request, facts).type) === 'session';
}

/**
 * A role session that may carry session tags: each of the role's own tags is only a likely value of
 * aws:PrincipalTag/<key> (a session tag with the same key overrides it), kept out of the known values like any
 * inferred value (ConditionContext.inferred): a decision that rests on it is at most 'likely'. Other keys stay
 * unknown. null when the caller's tags are not session-dependent.
 */
export function sessionTagInference(
  request: AccessRequest,
  facts: RequestFacts,
): Readonly<Record<string, InferredValue>> | null {
  if (!sessionTagsUnknown(request, facts)) return null;
  const f = facts.principal?.status === 'known' ? facts.principal.value : null;
  if (f === null) return null;
  const entries = Object.entries(f.tags);
  if (entries.length === 0) return null;
  const unread =
    facts.sessionTags?.status === 'unknown'
      ? ` (the session's own tags could not be read: ${facts.sessionTags.detail ?? facts.sessionTags.reason})`
      : '';
  const why =
    f.kind === 'user'
      ? `GetFederationToken may pass session tags, and a session tag with the same key overrides the user's${unread}`
      : f.sessionTags === true
        ? `its trust policy allows session tags (sts:TagSession) or role chaining (which passes transitive tags on), and a session tag with the same key overrides the role's${unread}`
        : `its trust policy was not read, so a session tag with the same key may override the role's${unread}`;
  const holder = f.kind === 'user' ? 'the IAM user' : 'the role';
  const out: Record<string, InferredValue> = {};
  for (const [k, v] of entries)
    out[`aws:PrincipalTag/${k}`] = {
      value: v,
      confidence: 'likely',
      reason: `${holder} ${f.identityArn} has the tag ${k}=${v}, but the session's own tags are not recorded: ${why}`,
      from: ['facts'],
      source: 'facts',
    };
  return out;
}

/**
 * The account that owns the VPC endpoint of the request (aws:VpceAccount): the record's vpcEndpointAccountId (a
 * hypothetical request's aws:VpceAccount), else the endpoint's OwnerId; null = not known.
 */
export function vpcEndpointOwner(
  request: AccessRequest,
  vpcEndpoint: Fact<VpcEndpointFacts> | null,
): string | null {
  const endpoint = vpcEndpoint?.status === 'known' ? vpcEndpoint.value : null;
  return request.vpcEndpointAccountId ?? endpoint?.ownerId ?? null;
}

interface KeyWriter {
  readonly put: (key: string, value: string | readonly string[] | null | undefined) => void;
  /** Known absent. */
  readonly none: (key: string) => void;
  /** Set on the request, but the facts do not give the value. */
  readonly notKnown: (key: string) => void;
}

/**
 * aws:<prefix>OrgID and aws:<prefix>OrgPaths of an account's organization: absent outside any organization, unknown
 * when the organization (or the account's path in it) was not read.
 */
function orgKeys(
  org: Fact<OrganizationFacts | null> | undefined,
  prefix: 'Principal' | 'Resource' | 'Vpce',
  { put, none, notKnown }: KeyWriter,
): void {
  const id = `aws:${prefix}OrgID`;
  const paths = `aws:${prefix}OrgPaths`;
  if (org === undefined || org.status === 'unknown') {
    notKnown(id);
    notKnown(paths);
  } else if (org.value === null) {
    none(id);
    none(paths);
  } else {
    put(id, org.value.id);
    const path = orgPathValue(org.value);
    if (path === null) notKnown(paths);
    else put(paths, [path]);
  }
}

/** The keys of the VPC endpoint a request came through (see the head of this file); the request's own values win. */
function vpcEndpointKeys(
  request: AccessRequest,
  facts: RequestFacts,
  callerAccount: string | null,
  resourceAccount: string | null,
  keys: KeyWriter,
): void {
  const endpoint = facts.vpcEndpoint?.status === 'known' ? facts.vpcEndpoint.value : null;
  if (endpoint?.vpcId) keys.put('aws:SourceVpc', endpoint.vpcId);
  else keys.notKnown('aws:SourceVpc');
  const owner = vpcEndpointOwner(request, facts.vpcEndpoint);
  // aws:SourceVpcArn, arn:PARTITION:ec2:REGION:OWNER:vpc/ID: the VPC's owner is the endpoint's, as only a VPC's owner
  // creates its gateway and interface endpoints, also in a shared VPC
  // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html); the Region is the endpoint's.
  // Without all three it is set, but not known, unless the request gives it.
  const region = endpoint?.region ?? null;
  if (endpoint?.vpcId && region && owner !== null)
    keys.put('aws:SourceVpcArn', `arn:${partitionOf(region)}:ec2:${region}:${owner}:vpc/${endpoint.vpcId}`);
  else keys.notKnown('aws:SourceVpcArn');
  if (owner === null) keys.notKnown('aws:VpceAccount');
  else keys.put('aws:VpceAccount', owner);
  const org =
    owner === null
      ? undefined
      : owner === callerAccount
        ? facts.principalOrganization
        : owner === resourceAccount
          ? facts.resourceOrganization
          : facts.vpcEndpointOrganization;
  orgKeys(org, 'Vpce', keys);
}

/** The policy a PutBucketPolicy / PutAccessPointPolicy record carries (requestParameters.bucketPolicy / policy), as JSON text. */
export function requestedPolicy(request: AccessRequest): string | null {
  if (!/^Put(Bucket|AccessPoint)Policy$/.test(request.eventName)) return null;
  const params = request.raw['requestParameters'];
  if (!params || typeof params !== 'object') return null;
  const p = params as Record<string, unknown>;
  const doc = p['bucketPolicy'] ?? p['policy'] ?? p['Policy'];
  if (doc === undefined || doc === null) return null;
  return typeof doc === 'string' ? doc : JSON.stringify(doc);
}

// ---------------------------------------------------------------------------
// Object tags: s3:ExistingObjectTag/<key>, s3:RequestObjectTag/<key>
// ---------------------------------------------------------------------------

const EXISTING_TAG = 's3:existingobjecttag/';
const REQUEST_TAG = 's3:requestobjecttag/';
const TAG_KEYS_KEY = 's3:requestobjecttagkeys';

/** Calls `visit` with every policy of the facts that applies to an S3 request (no array built: a hot path). */
function eachPolicy(facts: RequestFacts, visit: (p: NamedPolicy) => void): void {
  const p = facts.principal?.status === 'known' ? facts.principal.value : null;
  if (p) {
    for (const x of p.identityPolicies) visit(x);
    if (p.permissionsBoundary) visit(p.permissionsBoundary);
  }
  if (facts.sessionPolicy?.status === 'known' && facts.sessionPolicy.value) visit(facts.sessionPolicy.value);
  for (const name in facts.buckets) {
    const b = ownValue(facts.buckets, name);
    if (b?.status === 'known' && b.value.policy.status === 'known' && b.value.policy.value)
      visit(b.value.policy.value);
  }
  const ap = facts.accessPoint?.status === 'known' ? facts.accessPoint.value.policy : null;
  if (ap?.status === 'known' && ap.value) visit(ap.value);
  const vpce = facts.vpcEndpoint?.status === 'known' ? facts.vpcEndpoint.value.policy : null;
  if (vpce) visit(vpce);
  for (const levels of [facts.scpLevels, facts.rcpLevels])
    if (levels.status === 'known' && levels.value)
      for (const l of levels.value) for (const x of l.policies) visit(x);
}

const RESOURCE_TAG = 'aws:resourcetag/';

/**
 * aws:ResourceTag/<key>, the tags of the resource the request is authorized against:
 *  - through an access point, the access point's tags: the key "covers the underlying access point tags only", and
 *    ABAC is on by default for access points (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-tagging.html,
 *    buckets-tagging.html);
 *  - otherwise a general purpose bucket's tags, only when ABAC is enabled on the bucket; while it is disabled (the
 *    default) tags "serve cost allocation only" (buckets-tagging-enable-abac.html, API_AbacStatus).
 * Once the tags are known, every other aws:ResourceTag key a policy tests is absent; ABAC disabled makes them all
 * absent. A fact not read leaves the tested keys unknown, even for a hypothetical request (whose other keys are
 * absent). A request that names another bucket too (a copy source) is left alone: the context is one for all its
 * needs.
 */
function resourceTagKeys(request: AccessRequest, facts: RequestFacts, keys: KeyWriter): void {
  const tested = () => referencedTagKeys(facts).filter((k) => k.startsWith(RESOURCE_TAG));
  let tags: Fact<Readonly<Record<string, string>>> | undefined;
  if (request.accessPointArn !== null) {
    const ap = facts.accessPoint;
    tags = ap?.status === 'known' ? ap.value.tags : undefined;
  } else {
    const name = request.bucket;
    if (name === null) return;
    if (request.needs.some((n) => n.bucket !== null && n.bucket !== name)) return;
    const b = ownValue(facts.buckets, name);
    const abac = b?.status === 'known' ? b.value.abac : undefined;
    if (abac?.status === 'known' && !abac.value) {
      for (const key of tested()) keys.none(key);
      return;
    }
    tags = abac?.status === 'known' && b?.status === 'known' ? b.value.tags : undefined;
  }
  if (tags?.status !== 'known') {
    // a reconstructed request's unset keys are unknown already: only a hypothetical one needs them named
    if (request.context.otherKeys === 'absent') for (const key of tested()) keys.notKnown(key);
    return;
  }
  const own = new Set<string>();
  for (const [k, v] of Object.entries(tags.value)) {
    keys.put(`aws:ResourceTag/${k}`, v);
    own.add(`${RESOURCE_TAG}${lowerKey(k)}`);
  }
  for (const key of tested()) if (!own.has(key)) keys.none(key);
}

/** Whether a policy of the facts tests s3:ExistingObjectTag (an adapter then reads the object's tags). */
export function testsObjectTags(facts: RequestFacts): boolean {
  return referencedTagKeys(facts).some((k) => k.startsWith(EXISTING_TAG));
}

/** Whether a policy of the facts tests aws:ResourceTag (an adapter then reads the bucket's ABAC status and tags). */
export function testsResourceTags(facts: RequestFacts): boolean {
  return referencedTagKeys(facts).some((k) => k.startsWith(RESOURCE_TAG));
}

/** The tag keys of the last facts objects (../recent.ts): an analysis derives the context of one facts many times. */
const referencedCache = new Recent<readonly string[]>(4);

/** The tag condition keys the policies of the facts test, lower-cased (each document read once). */
function referencedTagKeys(facts: RequestFacts): readonly string[] {
  let out = referencedCache.get(facts);
  if (out === undefined) {
    // most documents test no tag: their scan shares one empty list, and nothing is allocated for them
    let keys: string[] | null = null;
    eachPolicy(facts, (p) => {
      const found = scanDocument(p.document).tagKeys;
      if (found.length === 0) return;
      keys ??= [];
      for (const k of found) if (!keys.includes(k)) keys.push(k);
    });
    out = keys ?? NO_KEYS;
    referencedCache.set(out, facts);
  }
  return out;
}

const NO_KEYS: readonly string[] = [];

function tagKeys(
  request: AccessRequest,
  facts: RequestFacts,
  put: (key: string, value: string) => void,
  none: (key: string) => void,
): void {
  // The object the request names: its tags are s3:ExistingObjectTag/<key>, every other tested key is absent.
  const b = request.bucket !== null ? ownValue(facts.buckets, request.bucket) : undefined;
  const o =
    b?.status === 'known' && request.key !== null ? ownValue(b.value.objects, request.key) : undefined;
  const tagFact = o?.status === 'known' && o.value.exists ? o.value.tags : undefined;
  const tags = tagFact?.status === 'known' ? tagFact.value : undefined;
  const isTagKeysKey = (k: string): boolean =>
    k.length === TAG_KEYS_KEY.length && lowerKey(k) === TAG_KEYS_KEY;
  const requestTagsKnown =
    Object.keys(request.context.values).some(isTagKeysKey) || request.context.absent.some(isTagKeysKey);
  if (tags === undefined && !requestTagsKnown) return;
  const lowerValues = new Set(Object.keys(request.context.values).map(lowerKey));
  if (tags !== undefined) for (const [k, v] of Object.entries(tags)) put(`s3:ExistingObjectTag/${k}`, v);
  const own = new Set(Object.keys(tags ?? {}).map((k) => `${EXISTING_TAG}${lowerKey(k)}`));
  for (const key of referencedTagKeys(facts)) {
    if (tags !== undefined && key.startsWith(EXISTING_TAG) && !own.has(key)) none(key);
    if (requestTagsKnown && key.startsWith(REQUEST_TAG) && !lowerValues.has(key)) none(key);
  }
}
