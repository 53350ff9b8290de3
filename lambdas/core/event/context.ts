/**
 * The IAM condition context a CloudTrail record determines. A key in `values` is present, a key in `absent`
 * is known to be missing from the request, any other key is unknown (`otherKeys: 'unknown'`) — principal
 * tags, aws:PrincipalOrgID, s3:ExistingObjectTag/… are facts about the account, not the record.
 * Key definitions: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html and
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
import { S3_OPERATIONS } from '../actions';
import type { ConditionContext, Principal } from '../model';
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
  set(key: string, value: string | readonly string[] | null | undefined): this {
    if (value !== null && value !== undefined) this.values[key] = value;
    return this;
  }
  /** Present with `value`, or known-absent when `value` is null. */
  setOrAbsent(key: string, value: string | null): this {
    return value === null ? this.none(key) : this.set(key, value);
  }
  none(...keys: string[]): this {
    for (const key of keys) if (!(key in this.values) && !this.absent.includes(key)) this.absent.push(key);
    return this;
  }
  build(): ConditionContext {
    return { values: this.values, absent: this.absent, otherKeys: 'unknown' };
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
  return b.build();
}

function requestKeys(b: ContextBuilder, record: JsonObject): void {
  const time = text(record['eventTime']);
  const epoch = time === null ? NaN : Date.parse(time);
  b.set('aws:CurrentTime', time);
  if (!Number.isNaN(epoch)) b.set('aws:EpochTime', String(Math.floor(epoch / 1000)));
  b.set('aws:RequestedRegion', text(record['awsRegion']));
}

/**
 * Through a VPC endpoint, aws:SourceIp is not in the request and aws:SourceVpce / aws:VpcSourceIp are
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip).
 * A service name in sourceIPAddress ("AWS Internal") tells nothing about the network: those keys stay unknown.
 */
function networkKeys(b: ContextBuilder, { network }: ContextInput): void {
  if (network.vpcEndpointId !== null) {
    b.set('aws:SourceVpce', network.vpcEndpointId)
      .set('aws:VpcSourceIp', network.sourceIp)
      .none('aws:SourceIp');
  } else if (network.sourceIp !== null) {
    b.set('aws:SourceIp', network.sourceIp).none('aws:SourceVpce', 'aws:SourceVpc', 'aws:VpcSourceIp');
  }
  if (network.secureTransport !== null) b.set('aws:SecureTransport', String(network.secureTransport));
}

/** aws:PrincipalType values: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable */
function principalKeys(b: ContextBuilder, p: Principal, record: JsonObject): void {
  const attributes = asObject(asObject(asObject(record['userIdentity'])['sessionContext'])['attributes']);
  const issuerArn = textField(
    asObject(asObject(asObject(record['userIdentity'])['sessionContext'])['sessionIssuer']),
    'arn',
  );
  switch (p.type) {
    case 'IAMUser':
      b.set('aws:PrincipalArn', p.identityArn).set('aws:username', p.userName);
      if (p.identityArn !== null) b.set('aws:PrincipalType', 'User').set('aws:userid', p.principalId);
      break;
    case 'AssumedRole':
      // The role ARN (with its path) is known only from the session issuer.
      b.set('aws:PrincipalArn', issuerArn)
        .set('aws:PrincipalType', 'AssumedRole')
        .set('aws:userid', p.principalId);
      b.none('aws:username');
      break;
    case 'FederatedUser':
      b.set('aws:PrincipalArn', p.arn)
        .set('aws:PrincipalType', 'FederatedUser')
        .set('aws:userid', p.principalId);
      b.none('aws:username');
      break;
    case 'Root':
      b.set('aws:PrincipalArn', p.arn).set('aws:PrincipalType', 'Account').set('aws:userid', p.accountId);
      b.none('aws:username');
      break;
    case 'Anonymous':
      b.set('aws:PrincipalType', 'Anonymous').set('aws:userid', 'anonymous');
      b.none('aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:username', 'aws:MultiFactorAuthPresent');
      break;
    case 'AWSService':
      // Whether aws:PrincipalArn / aws:PrincipalAccount exist for a service principal is left unknown.
      b.set('aws:PrincipalServiceName', p.invokedBy).none('aws:username');
      break;
    case 'AWSAccount':
      awsAccountKeys(b, p);
      break;
    default:
      break;
  }
  if (p.type !== 'Anonymous' && p.type !== 'AWSService') b.set('aws:PrincipalAccount', p.accountId);
  if (p.type !== 'Unknown') b.set('aws:PrincipalIsAWSService', String(p.type === 'AWSService'));
  mfaKeys(b, p, attributes);
}

/** The bucket owner's copy of a cross-account call: the unique id tells user (AIDA) or role session (AROA). */
function awsAccountKeys(b: ContextBuilder, p: Principal): void {
  const id = p.principalId ?? '';
  b.set('aws:userid', p.principalId);
  if (id.startsWith('AROA')) b.set('aws:PrincipalType', 'AssumedRole').none('aws:username');
  else if (id.startsWith('AIDA')) b.set('aws:PrincipalType', 'User');
}

/**
 * Sessions record mfaAuthenticated; long-term access keys (AKIA…) never carry aws:MultiFactorAuthPresent
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent).
 */
function mfaKeys(b: ContextBuilder, p: Principal, attributes: JsonObject): void {
  if (p.mfaAuthenticated !== null) {
    b.set('aws:MultiFactorAuthPresent', String(p.mfaAuthenticated));
    b.set('aws:TokenIssueTime', textField(attributes, 'creationDate'));
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
    b.set('aws:ViaAWSService', 'true');
  } else if (via === null && network.sourceIp !== null) {
    b.set('aws:ViaAWSService', 'false').none('aws:CalledVia', 'aws:CalledViaFirst', 'aws:CalledViaLast');
  }
}

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
const OBJECT_WRITES: ReadonlySet<string> = new Set([
  'PutObject',
  'PostObject',
  'CopyObject',
  'CreateMultipartUpload',
  'InitiateMultipartUpload',
]);
const COPY_CALLS: ReadonlySet<string> = new Set(['CopyObject', 'UploadPartCopy']);

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
  // Browser-based uploads (PostObject) authenticate with a signed POST form.
  b.set(
    's3:authType',
    eventName === 'PostObject' ? 'POST' : lookup(AUTH_TYPES, network.authenticationMethod),
  );
  b.set('s3:signatureversion', lookup(SIGNATURE_VERSIONS, network.signatureVersion));
  b.set('s3:TlsVersion', network.tlsVersion?.replace(/^TLSv?/i, '') ?? null);
  b.set('s3:ResourceAccount', input.bucketAccountId);
  if (LIST_CALLS.has(eventName)) {
    for (const key of ['prefix', 'delimiter', 'max-keys']) b.setOrAbsent(`s3:${key}`, param(key));
  }
  if (ACL_CALLS.has(eventName)) b.setOrAbsent('s3:x-amz-acl', param('x-amz-acl'));
  if (OBJECT_WRITES.has(eventName)) {
    b.setOrAbsent('s3:x-amz-server-side-encryption', param('x-amz-server-side-encryption'));
    b.setOrAbsent(
      's3:x-amz-server-side-encryption-aws-kms-key-id',
      param('x-amz-server-side-encryption-aws-kms-key-id'),
    );
  }
  if (COPY_CALLS.has(eventName)) b.set('s3:x-amz-copy-source', param('x-amz-copy-source'));
  if (Object.hasOwn(S3_OPERATIONS, eventName) && S3_OPERATIONS[eventName]?.scope === 'object')
    b.setOrAbsent('s3:VersionId', location.versionId);
  accessPointKeys(b, location);
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
  b.set('s3:DataAccessPointArn', ap.arn).set('s3:DataAccessPointAccount', ap.accountId);
}

/** A KMS call S3 made for the caller: kms:ViaService and the S3 encryption context. */
function kmsKeys(b: ContextBuilder, input: ContextInput): void {
  const region = text(input.record['awsRegion']);
  const context = asObject(field(asObject(input.record['requestParameters']), 'encryptionContext'));
  for (const [k, v] of Object.entries(context)) b.set(`kms:EncryptionContext:${k}`, str(v));
  if (input.principal.invokedBy === 's3.amazonaws.com' && region !== null) {
    b.set('kms:ViaService', `s3.${region}.amazonaws.com`);
  }
  b.set('kms:CallerAccount', input.principal.accountId);
}
