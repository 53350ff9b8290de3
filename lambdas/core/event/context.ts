/**
 * The IAM condition context a CloudTrail record determines. A key in `values` is present, a key in `absent`
 * is known to be missing from the request, any other key is unknown (`otherKeys: 'unknown'`) — principal
 * tags, aws:PrincipalOrgID, s3:ExistingObjectTag/… are facts about the account, not the record.
 * Key definitions: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html and
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
import { DIRECTORY_BUCKET_EVENT_SOURCE, READ_ONLY_SESSION_CALLS, S3_OPERATIONS } from '../actions';
import type { ConditionContext, InferredValue, Principal } from '../model';
import { asObject, field, str, text, textField, type JsonObject } from './fields';
import type { Location } from './resources';
import type { Network } from './network';
import { KMS_EVENT_SOURCE } from './denial';

export interface ContextInput {
  readonly record: JsonObject;
  readonly principal: Principal;
  readonly network: Network;
  readonly location: Location;
  readonly bucketAccountId: string | null;
}

type Values = Record<string, string | readonly string[]>;

class ContextBuilder {
  readonly values: Values = {};
  readonly absent: string[] = [];
  readonly provenance: Record<string, string> = {};
  readonly inferred: Record<string, InferredValue> = {};
  /** Present with `value` (when not null), recorded as coming from the record field(s) `from`. */
  set(key: string, value: string | readonly string[] | null | undefined, from: string): this {
    if (value !== null && value !== undefined) {
      this.values[key] = value;
      this.provenance[key] = from;
    }
    return this;
  }
  /** Present with `value`, or known-absent when `value` is null. */
  setOrAbsent(key: string, value: string | null, from: string): this {
    return value === null ? this.none(key) : this.set(key, value, from);
  }
  none(...keys: string[]): this {
    for (const key of keys) if (!(key in this.values) && !this.absent.includes(key)) this.absent.push(key);
    return this;
  }
  /** A likely value, kept out of `values` (see ConditionContext.inferred); an empty list: likely absent. */
  infer(key: string, value: string | readonly string[], reason: string, from: readonly string[]): this {
    if (!(key in this.values) && !this.absent.includes(key))
      this.inferred[key] = { value, confidence: 'likely', reason, from };
    return this;
  }
  build(): ConditionContext {
    return {
      values: this.values,
      absent: this.absent,
      otherKeys: 'unknown',
      provenance: this.provenance,
      ...(Object.keys(this.inferred).length > 0 ? { inferred: this.inferred } : {}),
    };
  }
}

export function buildContext(input: ContextInput): ConditionContext {
  const b = new ContextBuilder();
  requestKeys(b, input.record);
  networkKeys(b, input);
  principalKeys(b, input.principal, input.record);
  serviceKeys(b, input.principal, input.network);
  if (text(input.record['eventSource']) === KMS_EVENT_SOURCE) kmsKeys(b, input);
  else s3Keys(b, input);
  if (text(input.record['eventSource']) === DIRECTORY_BUCKET_EVENT_SOURCE) sessionModeKey(b, input.record);
  return b.build();
}

function requestKeys(b: ContextBuilder, record: JsonObject): void {
  const time = text(record['eventTime']);
  const epoch = time === null ? NaN : Date.parse(time);
  b.set('aws:CurrentTime', time, 'eventTime');
  if (!Number.isNaN(epoch)) b.set('aws:EpochTime', String(Math.floor(epoch / 1000)), 'eventTime');
  b.set('aws:RequestedRegion', text(record['awsRegion']), 'awsRegion');
}

/**
 * Through a VPC endpoint, aws:SourceIp is not in the request and aws:SourceVpce / aws:VpcSourceIp are
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip).
 * A service name in sourceIPAddress ("AWS Internal") tells nothing about the network: those keys stay unknown.
 * aws:VpceAccount (with aws:VpceOrgID and aws:VpceOrgPaths, its account's organization: fix/context.ts) is the account
 * that owns the endpoint, which the record gives as vpcEndpointAccountId; like aws:SourceVpce it is in the request only
 * when the request came through a VPC endpoint (#condition-keys-vpceaccount; "Use scalable controls to help prevent
 * access from unexpected networks", AWS Security Blog, 2025), so a request from an IP address has none of them.
 * aws:SecureTransport is true when the record shows TLS; when its silence points at plain HTTP (network.ts
 * plainHttpInference) "false" is only inferred, never a recorded value.
 */
/**
 * The keys a request has only when it came through a VPC endpoint (aws:SourceVpcArn, the ARN of the VPC: "Through VPC
 * endpoint: Yes; Over public internet: No", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_condition_keys_federated.html,
 * and #condition-keys-sourcevpcarn).
 */
export const VPC_ENDPOINT_KEYS = [
  'aws:SourceVpce',
  'aws:SourceVpc',
  'aws:SourceVpcArn',
  'aws:VpcSourceIp',
  'aws:VpceAccount',
  'aws:VpceOrgID',
  'aws:VpceOrgPaths',
] as const;

function networkKeys(b: ContextBuilder, { network }: ContextInput): void {
  if (network.vpcEndpointId !== null) {
    b.set('aws:SourceVpce', network.vpcEndpointId, 'vpcEndpointId')
      .set('aws:VpcSourceIp', network.sourceIp, 'sourceIPAddress')
      .set('aws:VpceAccount', network.vpcEndpointAccountId, 'vpcEndpointAccountId')
      .none('aws:SourceIp');
  } else if (network.sourceIp !== null) {
    b.set('aws:SourceIp', network.sourceIp, 'sourceIPAddress').none(...VPC_ENDPOINT_KEYS);
  }
  if (network.secureTransport !== null)
    b.set(
      'aws:SecureTransport',
      String(network.secureTransport),
      network.tlsVersion !== null ? 'tlsDetails' : 'additionalEventData.CipherSuite',
    );
  else if (network.plainHttp !== null)
    b.infer('aws:SecureTransport', 'false', network.plainHttp.reason, network.plainHttp.from);
}

/** aws:PrincipalType values: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable */
function principalKeys(b: ContextBuilder, p: Principal, record: JsonObject): void {
  const sessionContext = asObject(asObject(record['userIdentity'])['sessionContext']);
  const attributes = asObject(sessionContext['attributes']);
  const issuerArn = textField(asObject(sessionContext['sessionIssuer']), 'arn');
  const ui = 'userIdentity';
  switch (p.type) {
    case 'IAMUser':
      b.set('aws:PrincipalArn', p.identityArn, `${ui}.arn`).set('aws:username', p.userName, `${ui}.userName`);
      if (p.identityArn !== null)
        b.set('aws:PrincipalType', 'User', `${ui}.type`).set(
          'aws:userid',
          p.principalId,
          `${ui}.principalId`,
        );
      break;
    case 'AssumedRole':
      // The role ARN (with its path) is known only from the session issuer.
      b.set('aws:PrincipalArn', issuerArn, `${ui}.sessionContext.sessionIssuer.arn`)
        .set('aws:PrincipalType', 'AssumedRole', `${ui}.type`)
        .set('aws:userid', p.principalId, `${ui}.principalId`);
      b.none('aws:username');
      break;
    case 'FederatedUser':
      b.set('aws:PrincipalArn', p.arn, `${ui}.arn`)
        .set('aws:PrincipalType', 'FederatedUser', `${ui}.type`)
        .set('aws:userid', p.principalId, `${ui}.principalId`);
      b.none('aws:username');
      break;
    case 'Root':
      b.set('aws:PrincipalArn', p.arn, `${ui}.arn`)
        .set('aws:PrincipalType', 'Account', `${ui}.type`)
        .set('aws:userid', p.accountId, `${ui}.accountId`);
      b.none('aws:username');
      break;
    case 'Anonymous':
      b.set('aws:PrincipalType', 'Anonymous', `${ui}.accountId`).set(
        'aws:userid',
        'anonymous',
        `${ui}.accountId`,
      );
      b.none('aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:username', 'aws:MultiFactorAuthPresent');
      break;
    case 'AWSService':
      // Whether aws:PrincipalArn / aws:PrincipalAccount exist for a service principal is left unknown.
      b.set('aws:PrincipalServiceName', p.invokedBy, `${ui}.invokedBy`).none('aws:username');
      sourceKeys(b, record);
      break;
    case 'AWSAccount':
      awsAccountKeys(b, p);
      break;
    default:
      break;
  }
  if (p.type !== 'Anonymous' && p.type !== 'AWSService')
    b.set('aws:PrincipalAccount', p.accountId, `${ui}.accountId`);
  sourceIdentityKey(b, p, sessionContext);
  // A CloudFront origin access identity is not a service principal, nor an IAM principal of the customer.
  if (p.type !== 'Unknown' && p.originAccessIdentity !== true)
    b.set('aws:PrincipalIsAWSService', String(p.type === 'AWSService'), `${ui}.type`);
  mfaKeys(b, p, attributes);
}

/**
 * aws:SourceIdentity. A source identity is set only when a role is assumed (AssumeRole, AssumeRoleWithSAML,
 * AssumeRoleWithWebIdentity, or AssumeRoot for a root session); once set "it is present in requests for any AWS action
 * taken during the role session", and CloudTrail records it as userIdentity.sessionContext.sourceIdentity
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html#STS-API-source-identity).
 *  - recorded: its value;
 *  - an IAM user's long-term credentials, a federated user's (GetFederationToken takes no source identity) and an
 *    anonymous caller: absent;
 *  - a role session whose record carries its session context (the session issuer) without the field: likely absent.
 *    The record's silence is evidence, not a statement, so a cause that rests on it is likely, never confirmed;
 *  - otherwise (a root session, the bucket owner's copy of a cross-account record, which has no session context):
 *    unknown.
 */
function sourceIdentityKey(b: ContextBuilder, p: Principal, sessionContext: JsonObject): void {
  const key = 'aws:SourceIdentity';
  const field = 'userIdentity.sessionContext.sourceIdentity';
  const recorded = textField(sessionContext, 'sourceIdentity');
  if (recorded !== null) b.set(key, recorded, field);
  else if (p.type === 'IAMUser' || p.type === 'FederatedUser' || p.type === 'Anonymous') b.none(key);
  else if (p.type === 'AssumedRole' && textField(asObject(sessionContext['sessionIssuer']), 'arn') !== null)
    b.infer(
      key,
      [],
      'the record shows the session context of the role session but no sourceIdentity, which CloudTrail records there once a source identity is set',
      [field],
    );
}

/**
 * aws:SourceArn / aws:SourceAccount of a service-to-service request: CloudTrail shows them only when it records
 * `userIdentity.inScopeOf` (the resource the service acted for); otherwise they are set but unknown (e.g. which
 * CloudFront distribution asked). https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn
 */
function sourceKeys(b: ContextBuilder, record: JsonObject): void {
  const scope = asObject(asObject(record['userIdentity'])['inScopeOf']);
  const from = 'userIdentity.inScopeOf';
  b.set('aws:SourceArn', textField(scope, 'sourceArn'), `${from}.sourceArn`).set(
    'aws:SourceAccount',
    textField(scope, 'sourceAccount'),
    `${from}.sourceAccount`,
  );
}

/** The bucket owner's copy of a cross-account call: the unique id tells user (AIDA) or role session (AROA). */
function awsAccountKeys(b: ContextBuilder, p: Principal): void {
  const id = p.principalId ?? '';
  const from = 'userIdentity.principalId';
  b.set('aws:userid', p.principalId, from);
  if (id.startsWith('AROA')) b.set('aws:PrincipalType', 'AssumedRole', from).none('aws:username');
  else if (id.startsWith('AIDA')) b.set('aws:PrincipalType', 'User', from);
}

/**
 * Sessions record mfaAuthenticated; long-term access keys (AKIA…) never carry aws:MultiFactorAuthPresent
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent).
 */
function mfaKeys(b: ContextBuilder, p: Principal, attributes: JsonObject): void {
  const from = 'userIdentity.sessionContext.attributes';
  if (p.mfaAuthenticated !== null) {
    b.set('aws:MultiFactorAuthPresent', String(p.mfaAuthenticated), `${from}.mfaAuthenticated`);
    b.set('aws:TokenIssueTime', textField(attributes, 'creationDate'), `${from}.creationDate`);
  } else if (p.accessKeyId?.startsWith('AKIA')) {
    b.none('aws:MultiFactorAuthPresent', 'aws:MultiFactorAuthAge', 'aws:TokenIssueTime');
  }
}

/**
 * aws:ViaAWSService: true when a service (userIdentity.invokedBy) used the principal's credentials (forward access
 * sessions, https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html), false for a
 * direct call from an IP. aws:CalledVia is filled only by some services, so through a service it stays unknown;
 * a direct call has no chain at all.
 */
function serviceKeys(b: ContextBuilder, p: Principal, network: Network): void {
  if (p.type === 'AWSService') return;
  const via = p.invokedBy;
  if (via !== null && /\.amazonaws\.com$/.test(via)) {
    b.set('aws:ViaAWSService', 'true', 'userIdentity.invokedBy');
    // The service that made this call with the principal's credentials is the last of the chain, for the services
    // that fill aws:CalledVia (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledvia).
    if (CALLED_VIA_SERVICES.has(via)) b.set('aws:CalledViaLast', via, 'userIdentity.invokedBy');
  } else if (via === null && network.sourceIp !== null) {
    b.set('aws:ViaAWSService', 'false', 'userIdentity.invokedBy, sourceIPAddress').none(
      'aws:CalledVia',
      'aws:CalledViaFirst',
      'aws:CalledViaLast',
    );
  }
}

/** The services that add themselves to aws:CalledVia (IAM condition keys reference, #condition-keys-calledvia). */
const CALLED_VIA_SERVICES: ReadonlySet<string> = new Set([
  'athena.amazonaws.com',
  'cloudformation.amazonaws.com',
  'dynamodb.amazonaws.com',
  'kms.amazonaws.com',
]);

const AUTH_TYPES: Readonly<Record<string, string>> = {
  authheader: 'REST-HEADER',
  querystring: 'REST-QUERY-STRING',
  post: 'POST',
  postform: 'POST',
};
const SIGNATURE_VERSIONS: Readonly<Record<string, string>> = {
  sigv4: 'AWS4-HMAC-SHA256',
  sigv4a: 'AWS4-ECDSA-P256-SHA256',
  sigv2: 'AWS',
};
const LIST_CALLS: ReadonlySet<string> = new Set(['ListObjects', 'ListObjectsV2', 'ListObjectVersions']);
const ACL_CALLS: ReadonlySet<string> = new Set([
  'PutObject',
  'PostObject',
  'CopyObject',
  'CreateMultipartUpload',
  'InitiateMultipartUpload',
  'PutObjectAcl',
  'PutBucketAcl',
  'CreateBucket',
]);
export const OBJECT_WRITES: ReadonlySet<string> = new Set([
  'PutObject',
  'PostObject',
  'CopyObject',
  'CreateMultipartUpload',
  'InitiateMultipartUpload',
]);
const COPY_CALLS: ReadonlySet<string> = new Set(['CopyObject', 'UploadPartCopy']);
/** Request headers that are S3 condition keys of the same name, set only when the record shows them. */
const ACL_GRANT_HEADERS = [
  'x-amz-grant-full-control',
  'x-amz-grant-read',
  'x-amz-grant-read-acp',
  'x-amz-grant-write',
  'x-amz-grant-write-acp',
] as const;
const WRITE_HEADERS = [
  'x-amz-storage-class',
  'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-website-redirect-location',
] as const;
/** Object Lock headers -> their condition keys (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html). */
const OBJECT_LOCK_HEADERS: readonly (readonly [string, string])[] = [
  ['x-amz-object-lock-mode', 's3:object-lock-mode'],
  ['x-amz-object-lock-retain-until-date', 's3:object-lock-retain-until-date'],
  ['x-amz-object-lock-legal-hold', 's3:object-lock-legal-hold'],
];

/** Own-property lookup, case-insensitive key (never reaches Object.prototype). */
const lookup = (table: Readonly<Record<string, string>>, key: string | null): string | null => {
  const k = (key ?? '').toLowerCase();
  return Object.hasOwn(table, k) ? (table[k] ?? null) : null;
};

function s3Keys(b: ContextBuilder, input: ContextInput): void {
  const { record, network, location } = input;
  const eventName = text(record['eventName']) ?? '';
  const params = asObject(record['requestParameters']);
  const param = (name: string): string | null => str(field(params, name));
  const rp = (name: string): string => `requestParameters.${name}`;
  // Browser-based uploads (PostObject) authenticate with a signed POST form.
  if (eventName === 'PostObject') b.set('s3:authType', 'POST', 'eventName');
  else
    b.set(
      's3:authType',
      lookup(AUTH_TYPES, network.authenticationMethod),
      'additionalEventData.AuthenticationMethod',
    );
  b.set(
    's3:signatureversion',
    lookup(SIGNATURE_VERSIONS, network.signatureVersion),
    'additionalEventData.SignatureVersion',
  );
  b.set('s3:TlsVersion', network.tlsVersion?.replace(/^TLSv?/i, '') ?? null, 'tlsDetails.tlsVersion');
  b.set('s3:ResourceAccount', input.bucketAccountId, 'resources[].accountId / recipientAccountId');
  signatureAgeKey(b, record, network);
  if (LIST_CALLS.has(eventName)) {
    for (const key of ['prefix', 'delimiter', 'max-keys']) b.setOrAbsent(`s3:${key}`, param(key), rp(key));
  }
  if (ACL_CALLS.has(eventName)) {
    b.setOrAbsent('s3:x-amz-acl', param('x-amz-acl'), rp('x-amz-acl'));
    for (const h of ACL_GRANT_HEADERS) b.set(`s3:${h}`, param(h), rp(h));
  }
  if (OBJECT_WRITES.has(eventName)) {
    b.setOrAbsent(
      's3:x-amz-server-side-encryption',
      param('x-amz-server-side-encryption'),
      rp('x-amz-server-side-encryption'),
    );
    b.setOrAbsent(
      's3:x-amz-server-side-encryption-aws-kms-key-id',
      param('x-amz-server-side-encryption-aws-kms-key-id'),
      rp('x-amz-server-side-encryption-aws-kms-key-id'),
    );
    for (const h of WRITE_HEADERS) b.set(`s3:${h}`, param(h), rp(h));
    for (const [h, key] of OBJECT_LOCK_HEADERS) b.set(key, param(h), rp(h));
    const tagging = param('x-amz-tagging');
    requestTagKeys(b, tagging, rp('x-amz-tagging'));
    // like x-amz-acl: a write whose record shows no x-amz-tagging sets no tags (fix/context.ts then takes every
    // s3:RequestObjectTag/<key> a policy tests as absent)
    if (tagging === null) b.none('s3:RequestObjectTagKeys');
  }
  if (eventName === 'PutObjectTagging') requestTagKeys(b, tagSetQuery(params), rp('Tagging.TagSet'));
  if (eventName === 'CopyObject')
    b.set('s3:x-amz-metadata-directive', param('x-amz-metadata-directive'), rp('x-amz-metadata-directive'));
  if (eventName === 'CreateBucket')
    b.set('s3:x-amz-object-ownership', param('x-amz-object-ownership'), rp('x-amz-object-ownership'));
  // Request headers that are not condition keys but decide Requester Pays and Object Lock (fix/input.ts
  // requestHeader): carried in the context, where `simulate` takes them too.
  for (const h of ['x-amz-request-payer', 'x-amz-bypass-governance-retention']) b.set(h, param(h), rp(h));
  if (COPY_CALLS.has(eventName))
    b.set('s3:x-amz-copy-source', param('x-amz-copy-source'), rp('x-amz-copy-source'));
  if (Object.hasOwn(S3_OPERATIONS, eventName) && S3_OPERATIONS[eventName]?.scope === 'object')
    b.setOrAbsent('s3:VersionId', location.versionId, rp('versionId'));
  accessPointKeys(b, location);
}

/**
 * s3:signatureAge (milliseconds since the request was signed) for a presigned (query-string) request whose
 * X-Amz-Date CloudTrail recorded: eventTime - X-Amz-Date, to the second (eventTime has no milliseconds).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html
 */
function signatureAgeKey(b: ContextBuilder, record: JsonObject, network: Network): void {
  if (network.authenticationMethod?.toLowerCase() !== 'querystring') return;
  const signed = amzDate(str(field(asObject(record['requestParameters']), 'X-Amz-Date')));
  const at = Date.parse(text(record['eventTime']) ?? '');
  if (signed === null || Number.isNaN(at) || at < signed) return;
  b.set('s3:signatureAge', String(at - signed), 'eventTime - requestParameters.X-Amz-Date');
}

/** "20261120T101500Z" -> epoch ms. */
function amzDate(v: string | null): number | null {
  const m = v ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v.trim()) : null;
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null;
}

/**
 * s3:RequestObjectTagKeys and s3:RequestObjectTag/<key> from the tags the request sets (the x-amz-tagging header,
 * a URL query string "k1=v1&k2=v2"), when recorded: https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html
 * At most 50 tags (S3's limit per object); a malformed header is ignored (the keys stay unknown).
 */
function requestTagKeys(b: ContextBuilder, query: string | null, from: string): void {
  if (query === null) return;
  const tags = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    const k = decode(i < 0 ? part : part.slice(0, i));
    const v = decode(i < 0 ? '' : part.slice(i + 1));
    if (k === null || v === null || k === '') return;
    tags.set(k, v);
  }
  if (tags.size === 0 || tags.size > 50) return;
  b.set('s3:RequestObjectTagKeys', [...tags.keys()], from);
  for (const [k, v] of tags) b.set(`s3:RequestObjectTag/${k}`, v, from);
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** PutObjectTagging's body, as CloudTrail records it (Tagging.TagSet.Tag: one object or a list), as a query string. */
function tagSetQuery(params: JsonObject): string | null {
  const tag = field(asObject(field(asObject(field(params, 'Tagging')), 'TagSet')), 'Tag');
  const list = Array.isArray(tag) ? tag : tag === undefined ? [] : [tag];
  const pairs = list.flatMap((t) => {
    const k = str(field(t, 'Key'));
    const v = str(field(t, 'Value')) ?? '';
    return k === null ? [] : [`${encodeURIComponent(k)}=${encodeURIComponent(v)}`];
  });
  return pairs.length > 0 ? pairs.join('&') : null;
}

/**
 * Through an access point S3 adds s3:DataAccessPointArn / s3:DataAccessPointAccount; its network origin is a
 * property of the access point, not of the record (unknown here).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
 */
function accessPointKeys(b: ContextBuilder, location: Location): void {
  const ap = location.accessPoint;
  if (ap === null) {
    b.none('s3:DataAccessPointArn', 's3:DataAccessPointAccount', 's3:AccessPointNetworkOrigin');
    return;
  }
  const from = 'resources[].ARN / requestParameters (access point)';
  b.set('s3:DataAccessPointArn', ap.arn, from).set('s3:DataAccessPointAccount', ap.accountId, from);
}

/**
 * s3express:SessionMode of a directory bucket call: CreateSession records the mode it asks for
 * (x-amz-create-session-mode, ReadWrite by default); a write needs a ReadWrite session; a read may use either.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateSession.html
 */
function sessionModeKey(b: ContextBuilder, record: JsonObject): void {
  const eventName = text(record['eventName']) ?? '';
  const mode = str(field(asObject(record['requestParameters']), 'x-amz-create-session-mode'));
  if (eventName === 'CreateSession')
    b.set(
      's3express:SessionMode',
      mode ?? 'ReadWrite',
      mode ? 'requestParameters.x-amz-create-session-mode' : 'eventName (default mode)',
    );
  else if (!READ_ONLY_SESSION_CALLS.has(eventName) && eventName !== 'HeadBucket')
    b.set('s3express:SessionMode', 'ReadWrite', 'eventName (a write needs a ReadWrite session)');
}

/** A KMS call S3 made for the caller: kms:ViaService and the S3 encryption context. */
function kmsKeys(b: ContextBuilder, input: ContextInput): void {
  const region = text(input.record['awsRegion']);
  const context = asObject(field(asObject(input.record['requestParameters']), 'encryptionContext'));
  for (const [k, v] of Object.entries(context))
    b.set(`kms:EncryptionContext:${k}`, str(v), `requestParameters.encryptionContext.${k}`);
  if (input.principal.invokedBy === 's3.amazonaws.com' && region !== null) {
    b.set('kms:ViaService', `s3.${region}.amazonaws.com`, 'userIdentity.invokedBy, awsRegion');
  }
  b.set('kms:CallerAccount', input.principal.accountId, 'userIdentity.accountId');
}
