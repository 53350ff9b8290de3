/**
 * Maps a reconstructed request plus the facts an adapter gathered to the policy engine's input.
 * Shared by analyze (the evaluation of every need) and by the fixes (re-evaluation with a patch applied).
 */
import type {
  AccessRequest,
  Acl,
  ActionNeed,
  BucketFacts,
  Fact,
  KmsKeyFacts,
  NamedPolicy,
  ObjectFacts,
  ObjectRetention,
  OrgLevel,
  RequestFacts,
  Unknown,
} from '../model';
import { known, unknown } from '../model';
import { contextValues } from '../policy/s3/bpa';
import { derivedContext, forwardedRequest } from './context';
import { OBJECT_LOCK_ACTIONS } from '../policy/s3/object-lock';
import { MFA_DELETE_ACTIONS } from '../policy/s3/mfa-delete';
import { requestedVersioning } from '../event/versioning';
import { kmsRefAccount, parseKmsKeyRef } from './kms-ref';
import { ownValue } from '../own';
import { Recent } from '../recent';
import { lowerKey } from '../policy/variables';
import type {
  AccessPointInput,
  AuthorizationInput,
  BlockedEncryptionInput,
  EnginePrincipal,
  KmsAuthorizationInput,
  MfaDeleteInput,
  ObjectLockInput,
  RequestPaymentInput,
  Tri,
} from '../policy/types';

const notCollected = (what: string): Fact<never> => unknown('notCollected', `${what} is not in the facts`);

/**
 * A bucket setting an adapter reads only where it can decide something (an optional field of BucketFacts): the
 * bucket's own unknown when the bucket was not read, notCollected when the setting was not.
 */
function bucketSetting<K extends 'requestPayment' | 'objectLock' | 'versioning'>(
  b: Fact<BucketFacts>,
  field: K,
  label: string = field,
): NonNullable<BucketFacts[K]> | Unknown {
  if (b.status === 'unknown') return b;
  return b.value[field] ?? notCollected(`bucket ${b.value.name} ${label}`);
}

/** The facts of the bucket a need touches, or an unknown fact when the adapter did not gather it. */
export function bucketFact(facts: RequestFacts, bucket: string | null): Fact<BucketFacts> | null {
  if (bucket === null) return null;
  return ownValue(facts.buckets, bucket) ?? notCollected(`bucket ${bucket}`);
}

/** The head-object facts of a key, or an unknown fact. */
export function objectFact(
  facts: RequestFacts,
  bucket: string | null,
  key: string | null,
): Fact<ObjectFacts> | null {
  if (bucket === null || key === null) return null;
  const b = bucketFact(facts, bucket);
  if (b === null || b.status === 'unknown') return b ?? null;
  return ownValue(b.value.objects, key) ?? notCollected(`object s3://${bucket}/${key}`);
}

/** The account that owns the bucket: from the facts first, then from the record. */
export function bucketAccountId(
  request: AccessRequest,
  facts: RequestFacts,
  bucket: string | null,
): string | null {
  const b = bucketFact(facts, bucket);
  if (b?.status === 'known' && b.value.accountId.status === 'known') return b.value.accountId.value;
  return request.bucketAccountId;
}

/** The caller's identity ARN: from the record, else from the facts (a caller seen only by unique id). */
export function callerIdentityArn(request: AccessRequest, facts: RequestFacts): string | null {
  if (request.principal.identityArn) return request.principal.identityArn;
  return facts.principal?.status === 'known' ? facts.principal.value.identityArn : null;
}

export function callerAccountId(request: AccessRequest, facts: RequestFacts): string | null {
  if (request.principal.accountId) return request.principal.accountId;
  return facts.principal?.status === 'known' ? facts.principal.value.accountId : null;
}

/** Session ARN of a role session seen only by unique id ("AROA…:session"), rebuilt from the role ARN. */
function callerArn(request: AccessRequest, identityArn: string | null): string | null {
  if (request.principal.arn) return request.principal.arn;
  const role = identityArn
    ? /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(identityArn)
    : null;
  const session = request.principal.principalId?.split(':')[1];
  if (role && session) return `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/${session}`;
  return identityArn;
}

export function enginePrincipal(request: AccessRequest, facts: RequestFacts): EnginePrincipal {
  const identityArn = callerIdentityArn(request, facts);
  const p = request.principal;
  const type = p.type === 'AWSAccount' && facts.principal?.status === 'known' ? roleOrUser(facts) : p.type;
  return {
    type,
    arn: callerArn(request, identityArn),
    identityArn,
    accountId: callerAccountId(request, facts),
    serviceName: p.type === 'AWSService' && p.originAccessIdentity !== true ? (p.invokedBy ?? p.arn) : null,
    canonicalId: callerCanonicalId(request, facts),
    ...(p.originAccessIdentity === true ? { originAccessIdentity: true } : {}),
  };
}

/** The canonical user id of the caller's account, when the facts tell it (ACL grants name accounts by it). */
function callerCanonicalId(request: AccessRequest, facts: RequestFacts): string | null {
  const p = request.principal;
  if (p.type === 'Anonymous' || p.type === 'AWSService') return null;
  const account = callerAccountId(request, facts);
  return account !== null ? (ownValue(facts.canonicalIds, account) ?? null) : null;
}

function roleOrUser(facts: RequestFacts): EnginePrincipal['type'] {
  const kind = facts.principal?.status === 'known' ? facts.principal.value.kind : null;
  if (kind === 'role') return 'AssumedRole';
  if (kind === 'user') return 'IAMUser';
  if (kind === 'root') return 'Root';
  return 'AWSAccount';
}

/** The request's condition context plus every key the facts determine (see ./context.ts). */
export const enrichContext = derivedContext;

function isManagementAccount(org: RequestFacts['principalOrganization'], account: string | null): boolean {
  return (
    org.status === 'known' &&
    org.value !== null &&
    account !== null &&
    org.value.managementAccountId === account
  );
}

function principalPolicies(
  facts: RequestFacts,
): Pick<AuthorizationInput, 'identityPolicies' | 'permissionsBoundary'> {
  const p = facts.principal;
  if (p === null) return { identityPolicies: null, permissionsBoundary: null };
  if (p.status === 'unknown') return { identityPolicies: p, permissionsBoundary: p };
  return {
    identityPolicies: known(p.value.identityPolicies),
    permissionsBoundary: known(p.value.permissionsBoundary),
  };
}

function s3Input(
  request: AccessRequest,
  need: ActionNeed,
  facts: RequestFacts,
  account: string | null,
): AuthorizationInput['s3'] {
  const b = bucketFact(facts, need.bucket);
  if (b === null) return null;
  // Directory buckets (S3 Express One Zone) have no ACLs, no Requester Pays and Block Public Access always on: the
  // general purpose bucket layers take no part (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-security.html).
  if (lowerKey(need.action).startsWith('s3express:')) return null;
  const refusals = {
    requestPayment: requestPaymentInput(request, b),
    ...objectLockInput(request, need, facts, b),
    ...blockedEncryptionInput(request, need, b),
    ...mfaDeleteInput(request, need, facts, b),
  };
  const ap = facts.accessPoint?.status === 'known' ? facts.accessPoint.value : null;
  const accountBpa = account
    ? (ownValue(facts.accountPublicAccessBlock, account) ??
      notCollected(`account ${account} Block Public Access`))
    : notCollected('the bucket account');
  // Writes and deletes are decided at the bucket: the object's owner and ACL take no part.
  const found = BUCKET_DECIDED.has(lowerKey(need.action)) ? null : objectFact(facts, need.bucket, need.key);
  // A key that does not exist has no owner and no ACL: the request is decided as for a bucket-owned object.
  const obj = found?.status === 'known' && !found.value.exists ? null : found;
  const objectAcl: Fact<Acl> | null =
    obj === null
      ? null
      : obj.status === 'unknown'
        ? obj
        : obj.value.acl
          ? known(obj.value.acl)
          : notCollected('object ACL');
  const objectOwner: Fact<string> | null =
    obj === null
      ? null
      : obj.status === 'unknown'
        ? obj
        : obj.value.ownerAccountId
          ? known(obj.value.ownerAccountId)
          : notCollected('object owner');
  if (b.status === 'unknown') {
    return {
      accountPublicAccessBlock: accountBpa,
      bucketPublicAccessBlock: b,
      accessPointPublicAccessBlock: ap?.publicAccessBlock ?? null,
      bucketAcl: b,
      objectAcl,
      ownership: b,
      objectOwnerAccountId: objectOwner,
      bucketOwnerCanonicalId: null,
      ...refusals,
    };
  }
  const bucket = b.value;
  return {
    accountPublicAccessBlock: accountBpa,
    bucketPublicAccessBlock: bucket.publicAccessBlock,
    accessPointPublicAccessBlock: ap?.publicAccessBlock ?? null,
    bucketAcl: bucket.acl,
    objectAcl,
    ownership: bucket.ownership,
    objectOwnerAccountId: objectOwner,
    bucketOwnerCanonicalId: bucket.acl.status === 'known' ? (bucket.acl.value.Owner?.ID ?? null) : null,
    ...refusals,
  };
}

// ---------------------------------------------------------------------------
// Requester Pays and Object Lock inputs
// ---------------------------------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field of a record object, by name in any case (own properties only). */
function fieldOf(obj: unknown, name: string): unknown {
  if (!isRecord(obj)) return undefined;
  const lower = name.toLowerCase();
  const k = Object.keys(obj).find((key) => key.toLowerCase() === lower);
  return k === undefined ? undefined : obj[k];
}

const textOf = (v: unknown): string | null => {
  const s = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
  return s !== null && s.trim() !== '' ? s.trim() : null;
};

/**
 * A request header that is not a condition key (x-amz-request-payer, x-amz-bypass-governance-retention): a
 * hypothetical request (simulate) gives it in its context; a CloudTrail record in requestParameters (where S3 records
 * the request's x-amz-… headers, as for x-amz-acl) or additionalEventData. Not there: the request did not carry it
 * (null); 'unknown' only for a hand-made record without requestParameters.
 */
export function requestHeader(request: AccessRequest, name: string): string | null | 'unknown' {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(request.context.values)) {
    if (k.toLowerCase() === lower) return textOf(v);
  }
  const raw = request.raw;
  const params = fieldOf(raw, 'requestParameters');
  const found = textOf(fieldOf(params, name)) ?? textOf(fieldOf(fieldOf(raw, 'additionalEventData'), name));
  if (found !== null) return found;
  return request.context.otherKeys === 'absent' || isRecord(params) ? null : 'unknown';
}

/** A request header's value when the request is known to have carried it; null when it did not or cannot be told. */
export function sentHeader(request: AccessRequest, name: string): string | null {
  const v = requestHeader(request, name);
  return v === 'unknown' ? null : v;
}

function requestPaymentInput(request: AccessRequest, b: Fact<BucketFacts>): RequestPaymentInput {
  const payer: RequestPaymentInput['payer'] = bucketSetting(b, 'requestPayment');
  return { payer, header: requestHeader(request, 'x-amz-request-payer') };
}

const SSE_C_ALGORITHM = 'x-amz-server-side-encryption-customer-algorithm';

/**
 * What shows that a request specifies SSE-C, as evidence: its x-amz-server-side-encryption-customer-algorithm header
 * (the record's requestParameters, where S3 records the request's x-amz-… headers, or simulate's context), the S3
 * condition key of the same name (simulate's context), or CloudTrail's additionalEventData.SSEApplied "SSE_C"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption-tracking.html); null when nothing does.
 */
export function sseCShownBy(request: AccessRequest): string | null {
  const header = sentHeader(request, SSE_C_ALGORITHM);
  if (header !== null) return `${SSE_C_ALGORITHM}: ${header}`;
  const key = contextValues(request.context, `s3:${SSE_C_ALGORITHM}`);
  if (Array.isArray(key) && key.length > 0) return `s3:${SSE_C_ALGORITHM}: ${key.join(', ')}`;
  if (textOf(fieldOf(fieldOf(request.raw, 'additionalEventData'), 'SSEApplied'))?.toUpperCase() === 'SSE_C')
    return 'additionalEventData.SSEApplied: SSE_C';
  return null;
}

/** Whether a write specifies SSE-C (./sseCShownBy); unknown only for a record that cannot show its headers. */
export function specifiesSseC(request: AccessRequest): Tri {
  if (sseCShownBy(request) !== null) return true;
  return requestHeader(request, SSE_C_ALGORITHM) === 'unknown' ? 'unknown' : false;
}

/** The bucket's blocked encryption types, for the writes it can refuse (s3:PutObject). */
function blockedEncryptionInput(
  request: AccessRequest,
  need: ActionNeed,
  b: Fact<BucketFacts>,
): { blockedEncryption?: BlockedEncryptionInput } {
  if (lowerKey(need.action) !== 's3:putobject') return {};
  let blocked: BlockedEncryptionInput['blocked'];
  if (b.status === 'unknown') blocked = b;
  else if (b.value.encryption.status === 'unknown') blocked = b.value.encryption;
  else if (b.value.encryption.value === null) blocked = known(null);
  else
    blocked =
      b.value.encryption.value.blockedEncryptionTypes ??
      notCollected(`bucket ${b.value.name} encryption BlockedEncryptionTypes`);
  return { blockedEncryption: { blocked, sseC: specifiesSseC(request) } };
}

/**
 * Whether the caller is the root user of the bucket's account: only that user can get past MFA delete
 * (../policy/s3/mfa-delete.ts). Another account's caller, or any IAM identity, is not.
 */
function bucketOwnerRoot(request: AccessRequest, facts: RequestFacts, bucket: string | null): Tri {
  const p = request.principal;
  const account = bucketAccountId(request, facts, bucket);
  const other = account !== null && p.accountId !== null && p.accountId !== account;
  if (p.type === 'Root') return other ? false : account === null || p.accountId === null ? 'unknown' : true;
  // the bucket owner's copy of another account's request names only that account
  if (p.type === 'AWSAccount') return other ? false : 'unknown';
  return false;
}

/** MFA delete, for the requests it can refuse (s3:DeleteObjectVersion, s3:PutBucketVersioning). */
function mfaDeleteInput(
  request: AccessRequest,
  need: ActionNeed,
  facts: RequestFacts,
  b: Fact<BucketFacts>,
): { mfaDelete?: MfaDeleteInput } {
  if (!MFA_DELETE_ACTIONS.has(lowerKey(need.action))) return {};
  const versioning: MfaDeleteInput['versioning'] = bucketSetting(b, 'versioning');
  // a record need not show x-amz-mfa; a hypothetical request has it only when given (simulate --context x-amz-mfa=…)
  const header = requestHeader(request, 'x-amz-mfa');
  const mfaHeader: Tri =
    header === 'unknown'
      ? 'unknown'
      : header !== null
        ? true
        : request.context.otherKeys === 'absent'
          ? false
          : 'unknown';
  return {
    mfaDelete: {
      versioning,
      requested: requestedVersioning(request.raw['requestParameters']).mfaDelete,
      bucketOwnerRoot: bucketOwnerRoot(request, facts, need.bucket),
      mfaHeader,
      secureTransport: request.secureTransport ?? 'unknown',
    },
  };
}

/** PutObjectRetention: the retention the request sets, when the record carries it. */
function requestedRetention(request: AccessRequest): ObjectRetention | null {
  const params = fieldOf(request.raw, 'requestParameters');
  const r = fieldOf(params, 'Retention');
  const mode = textOf(fieldOf(r, 'Mode'))?.toUpperCase();
  const until = textOf(fieldOf(r, 'RetainUntilDate'));
  if ((mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') || until === null) return null;
  return { mode, retainUntilDate: until };
}

function objectLockInput(
  request: AccessRequest,
  need: ActionNeed,
  facts: RequestFacts,
  b: Fact<BucketFacts>,
): { objectLock?: ObjectLockInput } {
  if (!OBJECT_LOCK_ACTIONS.has(lowerKey(need.action))) return {};
  const configuration: ObjectLockInput['configuration'] = bucketSetting(
    b,
    'objectLock',
    'objectLockConfiguration',
  );
  const obj = objectFact(facts, need.bucket, need.key) ?? notCollected('the object version');
  const what = `s3://${need.bucket ?? ''}/${need.key ?? '*'}`;
  let retention: ObjectLockInput['retention'];
  let legalHold: ObjectLockInput['legalHold'];
  if (obj.status === 'unknown') {
    retention = obj;
    legalHold = obj;
  } else if (!obj.value.exists) {
    // nothing to protect: the version is not there
    retention = known(null);
    legalHold = known(null);
  } else {
    retention = obj.value.retention ?? notCollected(`${what} retention`);
    legalHold = obj.value.legalHold ?? notCollected(`${what} legal hold`);
  }
  const bypass = requestHeader(request, 'x-amz-bypass-governance-retention');
  const bypassHeader: Tri = bypass === 'unknown' ? 'unknown' : bypass?.toLowerCase() === 'true';
  const at = contextValues(request.context, 'aws:CurrentTime');
  return {
    objectLock: {
      configuration,
      retention,
      legalHold,
      bypassHeader,
      at: Array.isArray(at) && typeof at[0] === 'string' ? at[0] : request.eventTime || null,
      requested: requestedRetention(request),
    },
  };
}

/** Object actions whose ACL permission is the bucket's (WRITE), so the object's owner does not matter. */
const BUCKET_DECIDED: ReadonlySet<string> = new Set([
  's3:putobject',
  's3:deleteobject',
  's3:deleteobjectversion',
  's3:abortmultipartupload',
]);

function bucketPolicyFact(facts: RequestFacts, bucket: string | null): Fact<NamedPolicy | null> {
  const b = bucketFact(facts, bucket);
  if (b === null) return known(null); // account-level request: no bucket policy takes part
  return b.status === 'unknown' ? b : b.value.policy;
}

/** Whether a need goes through the request's access point (its resource is the access point ARN). */
export function throughAccessPoint(request: AccessRequest, need: ActionNeed): boolean {
  const ap = request.accessPointArn;
  if (need.bucketResource !== undefined) return true;
  return ap !== null && (need.resource === ap || need.resource.startsWith(`${ap}/`));
}

/** The VPC the request came from: null = not through a VPC endpoint; 'unknown' = the endpoint's VPC is not known. */
function sourceVpc(request: AccessRequest, facts: RequestFacts): string | null | 'unknown' {
  const given = contextValues(request.context, 'aws:SourceVpc');
  if (Array.isArray(given) && typeof given[0] === 'string') return given[0];
  if (request.vpcEndpointId === null && facts.vpcEndpoint === null) return null;
  const vpce = facts.vpcEndpoint?.status === 'known' ? facts.vpcEndpoint.value : null;
  return vpce?.vpcId ?? 'unknown';
}

/** A request through an access point: the bucket ARN behind it and its network origin (policy/types.ts). */
function accessPointInput(request: AccessRequest, need: ActionNeed, facts: RequestFacts): AccessPointInput {
  const ap = facts.accessPoint?.status === 'known' ? facts.accessPoint.value : null;
  return {
    bucketResource: need.bucketResource ?? null,
    networkOrigin: ap?.networkOrigin ?? null,
    vpcId: ap?.vpcId ?? null,
    sourceVpc: sourceVpc(request, facts),
  };
}

/**
 * The engine inputs built last, by facts object, need and request (../recent.ts): an analysis builds the input of a
 * need once to decide it and again for each fix it verifies (fix/verify.ts). The same objects give the same input
 * (neither the request nor its facts change once gathered), and the engine keeps what it derives per input (the
 * condition context's lower-cased form) for its last few inputs.
 */
const inputs = new Recent<AuthorizationInput>(16);

/** Maps the facts to the engine's input for one (action, resource) the request needs. */
export function buildAuthorizationInput(
  request: AccessRequest,
  need: ActionNeed,
  facts: RequestFacts,
): AuthorizationInput {
  let input = inputs.get(facts, need, request);
  if (input === undefined) {
    input = authorizationInput(request, need, facts);
    inputs.set(input, facts, need, request);
  }
  return input;
}

function authorizationInput(
  request: AccessRequest,
  need: ActionNeed,
  facts: RequestFacts,
): AuthorizationInput {
  const account = bucketAccountId(request, facts, need.bucket);
  const principal = enginePrincipal(request, facts);
  const ap = facts.accessPoint;
  const viaAp = throughAccessPoint(request, need);
  return {
    request: {
      principal,
      action: need.action,
      resource: need.resource,
      resourceAccountId: account,
      context: enrichContext(request, facts, account),
    },
    ...principalPolicies(facts),
    sessionPolicy: facts.sessionPolicy,
    bucketPolicy:
      viaAp && need.bucket === null
        ? notCollected('the bucket behind the access point')
        : bucketPolicyFact(facts, need.bucket),
    accessPointPolicy: !viaAp || ap === null ? null : ap.status === 'unknown' ? ap : ap.value.policy,
    accessPoint: viaAp ? accessPointInput(request, need, facts) : null,
    vpcEndpointPolicy:
      facts.vpcEndpoint === null
        ? null
        : facts.vpcEndpoint.status === 'unknown'
          ? facts.vpcEndpoint
          : known(facts.vpcEndpoint.value.policy),
    scpLevels: facts.scpLevels,
    rcpLevels: facts.rcpLevels,
    principalIsManagementAccount: isManagementAccount(facts.principalOrganization, principal.accountId),
    resourceIsManagementAccount: isManagementAccount(facts.resourceOrganization, account),
    s3: s3Input(request, need, facts, account),
  };
}

/** The account a key of the facts belongs to: the one its ARN names, else the one its facts tell. */
function keyAccountOf(arn: string, fact: Fact<KmsKeyFacts>): string | null {
  const fromArn = parseKmsKeyRef(arn).arnAccount;
  if (fromArn !== null) return fromArn;
  return fact.status === 'known' && fact.value.accountId !== '' ? fact.value.accountId : null;
}

/**
 * Finds the facts of a KMS key named by ARN, key id or alias. A key ARN or alias ARN matches only a key of the
 * account it names. A bare key id or alias name matches only a key of `account`, the account AWS KMS resolves it in
 * (kmsRefAccount in ./kms-ref.ts: the caller's), or a key whose account the facts do not tell, and no key of a known
 * account when that account is null (not known); without `account` (a lookup by name alone, not for a KMS call) it
 * matches a key of any account.
 */
export function findKmsKey(
  facts: RequestFacts,
  keyId: string,
  account?: string | null,
): { arn: string; fact: Fact<KmsKeyFacts> } | null {
  const ref = parseKmsKeyRef(keyId);
  const scope = ref.arnAccount ?? account;
  // a key whose account the facts do not tell (a hand-made snapshot entry named by the reference) is not known to be
  // another account's: it is taken as the key named
  const inScope = (arn: string, fact: Fact<KmsKeyFacts>): boolean => {
    if (scope === undefined) return true;
    const owner = keyAccountOf(arn, fact);
    return owner === null || owner === scope;
  };
  const direct = ownValue(facts.kmsKeys, keyId);
  if (direct && (ref.arnAccount !== null || (direct.status === 'known' && inScope(keyId, direct))))
    return { arn: keyId, fact: direct };
  const bare = keyId.replace(/^arn:[^:]+:kms:[^:]*:\d*:/, '');
  for (const [arn, fact] of scope === null ? [] : Object.entries(facts.kmsKeys)) {
    if (!inScope(arn, fact)) continue;
    if (arn.endsWith(`:${bare}`) || arn.endsWith(`/${bare}`)) return { arn, fact };
    if (
      fact.status === 'known' &&
      fact.value.aliases.some((a) => a === bare || a === keyId || `alias/${a}` === bare)
    ) {
      return { arn, fact };
    }
  }
  // a bare reference an adapter could not resolve, held under the reference itself: unknown, never another account's
  if (direct?.status === 'unknown') return { arn: keyId, fact: direct };
  return null;
}

/**
 * The key a KMS call S3 makes for the caller uses, as the facts describe it (null when they do not): a bare key id or
 * alias name resolved in the caller's account, never in another (./kms-ref.ts).
 */
export function resolveKmsKey(
  request: AccessRequest,
  facts: RequestFacts,
  keyId: string,
  bucket: string | null,
): { arn: string; fact: Fact<KmsKeyFacts> } | null {
  const account = kmsRefAccount(
    keyId,
    callerAccountId(request, facts),
    bucketAccountId(request, facts, bucket),
  );
  return findKmsKey(facts, keyId, account);
}

/** The KMS call S3 makes for the caller: the key, the operation and the encryption context. */
export interface KmsNeed {
  readonly action: 'kms:Decrypt' | 'kms:GenerateDataKey';
  readonly keyId: string;
  /** Where the key id came from: the object, the request headers, the bucket default, or a KMS denial record. */
  readonly source: 'object' | 'request' | 'bucket-default' | 'kms-record';
  readonly s3Arn: string;
  readonly bucket: string | null;
}

/**
 * The RCPs that cap a KMS call: those of the key's account. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 * (RCPs apply to the resources of the member accounts they are attached to; AWS KMS keys are among the services RCPs
 * support). A key of the bucket's account (or of an account not known) is capped by the RCPs read for the bucket; a
 * key of another account by that account's, unknown when they were not read.
 */
function keyRcpLevels(
  request: AccessRequest,
  facts: RequestFacts,
  kms: KmsNeed,
  keyAccount: string | null,
): Fact<readonly OrgLevel[] | null> {
  const bucketAccount = bucketAccountId(request, facts, kms.bucket);
  if (keyAccount === null || keyAccount === '' || bucketAccount === null || keyAccount === bucketAccount)
    return facts.rcpLevels;
  return (
    facts.keyAccountRcpLevels?.[keyAccount] ??
    unknown('notCollected', `the key belongs to account ${keyAccount}, whose RCPs were not read`)
  );
}

export function buildKmsInput(
  request: AccessRequest,
  kms: KmsNeed,
  facts: RequestFacts,
): KmsAuthorizationInput {
  const found = resolveKmsKey(request, facts, kms.keyId, kms.bucket);
  const keyArn = found?.arn ?? kms.keyId;
  const keyFact: Fact<KmsKeyFacts> = found?.fact ?? notCollected(`KMS key ${kms.keyId}`);
  // The AWS managed key aws/s3 belongs to the bucket's account and is managed by AWS (always enabled), even when the
  // facts do not describe it (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key).
  const awsS3 = found === null && /(^|:)alias\/aws\/s3$/.test(kms.keyId);
  const keyAccount =
    /^arn:[^:]+:kms:[^:]*:(\d{12}):/.exec(keyArn)?.[1] ??
    (awsS3 ? bucketAccountId(request, facts, kms.bucket) : null);
  const extra: Record<string, string> = {
    'kms:ViaService': `s3.${request.region}.amazonaws.com`,
    'kms:EncryptionContext:aws:s3:arn': kms.s3Arn,
  };
  const account = callerAccountId(request, facts);
  if (account) extra['kms:CallerAccount'] = account;
  const { identityPolicies, permissionsBoundary } = principalPolicies(facts);
  const key = keyFact.status === 'known' ? keyFact.value : null;
  return {
    request: {
      principal: enginePrincipal(request, facts),
      action: kms.action,
      resource: keyArn,
      resourceAccountId: key?.accountId ?? keyAccount,
      // the call S3 makes to KMS with the caller's credentials (a recorded KMS call is that call already)
      context: enrichContext(
        request.eventSource === 's3.amazonaws.com' ? forwardedRequest(request) : request,
        facts,
        key?.accountId ?? keyAccount,
        extra,
      ),
    },
    keyPolicy: keyFact.status === 'known' ? keyFact.value.keyPolicy : keyFact,
    grants: keyFact.status === 'known' ? keyFact.value.grants : keyFact,
    identityPolicies,
    permissionsBoundary,
    sessionPolicy: facts.sessionPolicy,
    scpLevels: facts.scpLevels,
    rcpLevels: keyRcpLevels(request, facts, kms, key?.accountId ?? keyAccount),
    encryptionContext: { 'aws:s3:arn': kms.s3Arn },
    keyManager: key?.keyManager ?? (awsS3 ? 'AWS' : null),
    keyState: key?.keyState ?? (awsS3 ? 'Enabled' : null),
  };
}
