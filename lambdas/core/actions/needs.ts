/**
 * OperationInput -> the (action, resource) pairs the call needs.
 */
import type { ActionNeed } from '../model';
import { parseCopySource } from './copy-source';
import {
  DIRECTORY_BUCKET_EVENT_SOURCE,
  OBJECT_LAMBDA_EVENT_SOURCE,
  READ_ONLY_SESSION_CALLS,
} from './front-doors';
import { KMS_OPERATIONS, S3_OPERATIONS } from './table';
import type { OperationInput, OperationNeeds, OperationSpec } from './types';

type NeedType = ActionNeed['resourceType'];

const ACL_HEADERS = [
  'x-amz-acl',
  'x-amz-grant-read',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
];
/** Calls that create an object and so take the ACL / tagging / Object Lock headers. */
const OBJECT_WRITES: ReadonlySet<string> = new Set([
  'PutObject',
  'PostObject',
  'CopyObject',
  'CreateMultipartUpload',
  'InitiateMultipartUpload',
]);
const GOVERNANCE_BYPASS_CALLS: ReadonlySet<string> = new Set([
  'DeleteObject',
  'DeleteObjects',
  'PutObjectRetention',
]);
const ACCOUNT_PAB: Readonly<Record<string, string>> = {
  GetPublicAccessBlock: 's3:GetAccountPublicAccessBlock',
  PutPublicAccessBlock: 's3:PutAccountPublicAccessBlock',
  DeletePublicAccessBlock: 's3:PutAccountPublicAccessBlock',
};

export function resolveNeeds(input: OperationInput): OperationNeeds {
  if (input.eventSource === 'kms.amazonaws.com') return kmsNeeds(input);
  if (input.eventSource === DIRECTORY_BUCKET_EVENT_SOURCE) return directoryBucketNeeds(input);
  if (input.eventSource === OBJECT_LAMBDA_EVENT_SOURCE) return objectLambdaNeeds(input);
  const spec = Object.hasOwn(S3_OPERATIONS, input.eventName) ? S3_OPERATIONS[input.eventName] : undefined;
  if (!spec) return { mapped: false, needs: [] };
  const needs = s3Needs(input, spec);
  return {
    mapped: true,
    needs: input.eventSource === 's3-outposts.amazonaws.com' ? needs.map((n) => toOutposts(n, input)) : needs,
  };
}

function s3Needs(input: OperationInput, spec: OperationSpec): ActionNeed[] {
  const account = Object.hasOwn(ACCOUNT_PAB, input.eventName) ? ACCOUNT_PAB[input.eventName] : undefined;
  if (account !== undefined && input.bucket === null) return [need(account, '*', 'account', null, null)];
  switch (spec.scope) {
    case 'object':
      return objectNeeds(input, spec);
    case 'bucket':
      return withAccessPoint(input, spec, [
        need(spec.action, bucketArn(input), 'bucket', input.bucket, null),
      ]);
    case 'account':
      return [need(spec.action, '*', 'account', null, null)];
    case 'accesspoint':
      return [need(spec.action, accessPointArn(input), 'accesspoint', input.bucket, null)];
    case 'job':
      return [need(spec.action, controlArn(input, 'job', 'id', 'jobId'), 'job', null, null)];
    case 'storagelens':
      return [
        need(
          spec.action,
          controlArn(input, 'storage-lens', 'storagelensid', 'configId', 'id'),
          'other',
          null,
          null,
        ),
      ];
  }
}

function objectNeeds(input: OperationInput, spec: OperationSpec): ActionNeed[] {
  if (input.eventName === 'DeleteObjects') return deleteObjectsNeeds(input, spec);
  const action = input.versionId !== null && spec.versionAction ? spec.versionAction : spec.action;
  const isCopy = input.eventName === 'CopyObject' || input.eventName === 'UploadPartCopy';
  const role = isCopy ? ({ role: 'destination' } as const) : {};
  const main = withAccessPoint(input, spec, [{ ...objectNeed(input, action, input.key), ...role }], role);
  const extras = OBJECT_WRITES.has(input.eventName) ? writeHeaderActions(input.params) : [];
  if (GOVERNANCE_BYPASS_CALLS.has(input.eventName) && bypassesGovernance(input.params)) {
    extras.push('s3:BypassGovernanceRetention');
  }
  const extraNeeds = withAccessPoint(
    input,
    spec,
    extras.map((a) => ({ ...objectNeed(input, a, input.key), ...role })),
    role,
  );
  return [...(isCopy ? copySourceNeeds(input) : []), ...main, ...extraNeeds];
}

/** Writes that set an ACL, tags or Object Lock settings need those permissions too (API_PutObject.html). */
function writeHeaderActions(params: Readonly<Record<string, unknown>>): string[] {
  const has = (name: string) => param(params, name) !== null;
  const actions: string[] = [];
  if (ACL_HEADERS.some(has)) actions.push('s3:PutObjectAcl');
  if (has('x-amz-tagging')) actions.push('s3:PutObjectTagging');
  if (has('x-amz-object-lock-mode') || has('x-amz-object-lock-retain-until-date')) {
    actions.push('s3:PutObjectRetention');
  }
  if (has('x-amz-object-lock-legal-hold')) actions.push('s3:PutObjectLegalHold');
  return actions;
}

const bypassesGovernance = (params: Readonly<Record<string, unknown>>): boolean =>
  param(params, 'x-amz-bypass-governance-retention')?.toLowerCase() === 'true';

/** The read half of a copy: s3:GetObject (s3:GetObjectVersion with ?versionId=) on the source. */
function copySourceNeeds(input: OperationInput): ActionNeed[] {
  const raw = param(input.params, 'x-amz-copy-source');
  const source = raw === null ? null : parseCopySource(raw);
  if (source === null) return [];
  const action = source.versionId !== null ? 's3:GetObjectVersion' : 's3:GetObject';
  if (source.accessPointArn !== null) {
    const arn = `${source.accessPointArn}/object/${source.key}`;
    return [{ ...need(action, arn, 'accesspoint', null, source.key), role: 'source' }];
  }
  const arn = `arn:${partition(input)}:s3:::${source.bucket}/${source.key}`;
  return [{ ...need(action, arn, 'object', source.bucket, source.key), role: 'source' }];
}

/**
 * DeleteObjects: s3:DeleteObject (s3:DeleteObjectVersion for a version) per key. CloudTrail does not record
 * the keys of a batch delete (https://docs.aws.amazon.com/AmazonS3/latest/userguide/logging-with-S3.html),
 * so without them the need is on bucket/*.
 */
function deleteObjectsNeeds(input: OperationInput, spec: OperationSpec): ActionNeed[] {
  const entries = deleteEntries(input);
  const list = entries.length > 0 ? entries : [{ key: null, versioned: false }];
  const needs = list.flatMap(({ key, versioned }) => {
    const action = versioned && spec.versionAction ? spec.versionAction : spec.action;
    return withAccessPoint({ ...input, key }, spec, [objectNeed(input, action, key)]);
  });
  if (bypassesGovernance(input.params)) needs.push(objectNeed(input, 's3:BypassGovernanceRetention', null));
  return needs;
}

function deleteEntries(input: OperationInput): { key: string; versioned: boolean }[] {
  const del = field(input.params, 'delete');
  const objects = field(isRecord(del) ? del : {}, 'object');
  const list = Array.isArray(objects) ? objects : objects !== undefined ? [objects] : [];
  const fromBody = list.flatMap((o) => {
    const key = stringOf(field(isRecord(o) ? o : {}, 'key'));
    return key ? [{ key, versioned: stringOf(field(isRecord(o) ? o : {}, 'versionid')) !== null }] : [];
  });
  if (fromBody.length > 0) return fromBody;
  const prefix = `arn:${partition(input)}:s3:::${input.bucket}/`;
  return input.resources.flatMap((r) => {
    const arn = stringOf(field(isRecord(r) ? r : {}, 'arn'));
    return arn?.startsWith(prefix) && arn.length > prefix.length
      ? [{ key: arn.slice(prefix.length), versioned: false }]
      : [];
  });
}

function objectNeed(input: OperationInput, action: string, key: string | null): ActionNeed {
  if (input.bucket === null) return need(action, '*', 'object', null, key);
  return need(action, `${bucketArn(input)}/${key ?? '*'}`, 'object', input.bucket, key);
}

/**
 * Through an access point: one need per action, on the access point (object) ARN, carrying the bucket (object) ARN
 * behind it for the bucket policy. https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
 */
function withAccessPoint(
  input: OperationInput,
  spec: OperationSpec,
  needs: ActionNeed[],
  role: { role?: 'destination' } = {},
): ActionNeed[] {
  const ap = input.accessPoint;
  if (ap === null || !spec.viaAccessPoint) return needs;
  return needs.map((n) => {
    const arn = spec.scope === 'object' ? `${ap.arn}/object/${n.key ?? input.key ?? '*'}` : ap.arn;
    return {
      ...n,
      resource: arn,
      ...(n.resource !== '*' ? { bucketResource: n.resource } : {}),
      ...role,
    };
  });
}

function kmsNeeds(input: OperationInput): OperationNeeds {
  const actions = Object.hasOwn(KMS_OPERATIONS, input.eventName)
    ? KMS_OPERATIONS[input.eventName]
    : undefined;
  if (!actions) return { mapped: false, needs: [] };
  const key = input.kmsKeyArn ?? '*';
  return { mapped: true, needs: actions.map((a) => need(a, key, 'other', input.bucket, input.key)) };
}

/**
 * Directory buckets (S3 Express One Zone): every Zonal endpoint (data) call, CopyObject and HeadBucket included, is
 * authorized by s3express:CreateSession on the bucket (session-based authorization; a ReadOnly session serves reads
 * only, s3express:SessionMode); the Regional endpoint (bucket) calls by their own s3express: action.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-authenticating-authorizing.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-security-iam.html
 */
const DIRECTORY_BUCKET_REGIONAL: Readonly<Record<string, string>> = {
  CreateBucket: 's3express:CreateBucket',
  DeleteBucket: 's3express:DeleteBucket',
  GetBucketPolicy: 's3express:GetBucketPolicy',
  PutBucketPolicy: 's3express:PutBucketPolicy',
  DeleteBucketPolicy: 's3express:DeleteBucketPolicy',
  GetBucketEncryption: 's3express:GetEncryptionConfiguration',
  PutBucketEncryption: 's3express:PutEncryptionConfiguration',
};
const DIRECTORY_BUCKET_DATA: ReadonlySet<string> = new Set([
  ...READ_ONLY_SESSION_CALLS,
  'CreateSession',
  'HeadBucket',
  'PutObject',
  'CopyObject',
  'DeleteObject',
  'DeleteObjects',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
]);

function directoryBucketNeeds(input: OperationInput): OperationNeeds {
  const arn =
    input.bucket && input.accountId
      ? `arn:${partition(input)}:s3express:${input.region ?? ''}:${input.accountId}:bucket/${input.bucket}`
      : '*';
  const regional = Object.hasOwn(DIRECTORY_BUCKET_REGIONAL, input.eventName)
    ? DIRECTORY_BUCKET_REGIONAL[input.eventName]
    : undefined;
  if (regional !== undefined)
    return { mapped: true, needs: [need(regional, arn, 'bucket', input.bucket, null)] };
  if (!DIRECTORY_BUCKET_DATA.has(input.eventName)) return { mapped: false, needs: [] };
  return { mapped: true, needs: [need('s3express:CreateSession', arn, 'bucket', input.bucket, null)] };
}

/**
 * S3 Object Lambda: the caller needs the s3-object-lambda: twin of the S3 action on the Object Lambda access point
 * (resource type objectlambdaaccesspoint, no object path). What else it needs is named by the adapters' note on the
 * access point (./front-doors.ts). https://docs.aws.amazon.com/AmazonS3/latest/userguide/olap-policies.html
 */
function objectLambdaNeeds(input: OperationInput): OperationNeeds {
  const spec = Object.hasOwn(S3_OPERATIONS, input.eventName) ? S3_OPERATIONS[input.eventName] : undefined;
  const ap = input.accessPoint;
  if (!spec || ap === null || ap.kind !== 'object-lambda') return { mapped: false, needs: [] };
  const action = spec.action.replace(/^s3:/, 's3-object-lambda:');
  return { mapped: true, needs: [need(action, ap.arn, 'accesspoint', null, input.key)] };
}

/** S3 on Outposts: the s3-outposts: action on the Outposts ARN the record names, when it does. */
function toOutposts(n: ActionNeed, input: OperationInput): ActionNeed {
  const wanted = n.resourceType === 'object' ? 'AWS::S3Outposts::Object' : 'AWS::S3Outposts::Bucket';
  const resource = input.resources.find((r) => isRecord(r) && stringOf(field(r, 'type')) === wanted);
  const arn = isRecord(resource) ? stringOf(field(resource, 'arn')) : null;
  return { ...n, action: n.action.replace(/^s3:/, 's3-outposts:'), resource: arn ?? '*' };
}

function need(
  action: string,
  resource: string,
  resourceType: NeedType,
  bucket: string | null,
  key: string | null,
) {
  return { action, resource, resourceType, bucket, key };
}

const partition = (input: OperationInput): string => {
  const region = input.region ?? '';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
};

const bucketArn = (input: OperationInput): string =>
  input.bucket === null ? '*' : `arn:${partition(input)}:s3:::${input.bucket}`;

/** S3 Control access point calls name the access point by `name` (or by ARN). */
function accessPointArn(input: OperationInput): string {
  const name = param(input.params, 'name') ?? param(input.params, 'accessPointName');
  if (name?.startsWith('arn:')) return name;
  if (name === null) return input.accessPoint?.arn ?? accessPointInResources(input) ?? '*';
  return controlArnFor(input, `accesspoint/${name}`);
}

function accessPointInResources(input: OperationInput): string | null {
  for (const r of input.resources) {
    const arn = isRecord(r) ? stringOf(field(r, 'arn')) : null;
    if (arn !== null && /^arn:[^:]+:s3:[^:]+:\d{12}:accesspoint\/[^/]+$/.test(arn)) return arn;
  }
  return null;
}

function controlArn(input: OperationInput, kind: string, ...idNames: string[]): string {
  const id = idNames.map((n) => param(input.params, n)).find((v) => v !== null) ?? null;
  return id === null ? '*' : controlArnFor(input, `${kind}/${id}`);
}

function controlArnFor(input: OperationInput, suffix: string): string {
  if (input.region === null || input.accountId === null) return '*';
  return `arn:${partition(input)}:s3:${input.region}:${input.accountId}:${suffix}`;
}

// --- small readers (requestParameters may record a header as ["value"], keys in any case) -----------------

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function field(obj: Readonly<Record<string, unknown>>, name: string): unknown {
  const lower = name.toLowerCase();
  const k = Object.keys(obj).find((key) => key.toLowerCase() === lower);
  return k === undefined ? undefined : obj[k];
}

function stringOf(v: unknown): string | null {
  const s = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
  return s !== null && s !== '' ? s : null;
}

const param = (params: Readonly<Record<string, unknown>>, name: string): string | null =>
  stringOf(field(params, name));
