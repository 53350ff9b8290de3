/**
 * Which CloudTrail records are denials this tool explains.
 * - S3 (also Outposts, directory buckets and S3 Object Lambda access points): the 403 codes AccessDenied, AllAccessDisabled, AccountProblem
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), the 400 AccessControlListNotSupported
 *   of BucketOwnerEnforced buckets (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html),
 *   and VpceAccessDenied of VPC-endpoint network-activity events
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 * - KMS: AccessDenied / AccessDeniedException on a call S3 made on the caller's behalf.
 */
import { asObject, field, isObject, text, textField, type JsonObject } from './fields';

export const S3_EVENT_SOURCES: ReadonlySet<string> = new Set([
  's3.amazonaws.com',
  's3-outposts.amazonaws.com',
  's3express.amazonaws.com',
  // S3 Object Lambda access points (actions/front-doors.ts)
  's3-object-lambda.amazonaws.com',
]);
export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';

export const S3_DENIAL_CODES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'AccountProblem',
  'AccessControlListNotSupported',
  'VpceAccessDenied',
]);
export const KMS_DENIAL_CODES: ReadonlySet<string> = new Set(['AccessDenied', 'AccessDeniedException']);

const S3_SERVICE = 's3.amazonaws.com';

export function isDenial(record: JsonObject): boolean {
  if (!isObject(record)) return false;
  const source = text(record['eventSource']);
  const code = text(record['errorCode']);
  if (source === null || code === null) return false;
  if (S3_EVENT_SOURCES.has(source)) return S3_DENIAL_CODES.has(code);
  if (source === KMS_EVENT_SOURCE) return KMS_DENIAL_CODES.has(code) && madeOnBehalfOfS3(record);
  return false;
}

/** S3 called KMS for the caller: the S3 encryption context, or S3 as `invokedBy` / source. */
export function madeOnBehalfOfS3(record: JsonObject): boolean {
  if (s3EncryptionContextArn(record) !== null) return true;
  if (textField(asObject(record['userIdentity']), 'invokedBy') === S3_SERVICE) return true;
  return text(record['sourceIPAddress']) === S3_SERVICE;
}

/** `requestParameters.encryptionContext["aws:s3:arn"]`: the object (or, with bucket keys, bucket) ARN. */
export function s3EncryptionContextArn(record: JsonObject): string | null {
  const context = field(asObject(record['requestParameters']), 'encryptionContext');
  return textField(context, 'aws:s3:arn');
}
