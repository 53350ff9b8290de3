import { awsLine } from '../fix/commands';
import type { AccessRequest, Evidence } from '../model';
import { callerIdentityArn, requestHeader, sentHeader } from '../fix/input';
import { describeNeeds, viewLayer } from '../fix/layer-check';
import { needsOf, verifyS3 } from '../fix/verify';
import type { Checker, CheckResult } from './types';

/** The AWS CLI spelling of the operations that commonly hit a Requester Pays bucket. */
const CLI_OPERATION: Readonly<Record<string, string>> = {
  GetObject: 'get-object',
  HeadObject: 'head-object',
  PutObject: 'put-object',
  DeleteObject: 'delete-object',
  ListObjects: 'list-objects-v2',
  ListObjectsV2: 'list-objects-v2',
  HeadBucket: 'head-bucket',
  GetObjectTagging: 'get-object-tagging',
  GetObjectAcl: 'get-object-acl',
};

/**
 * A copy retried: the copy source as recorded (x-amz-copy-source, already URL-encoded), onto the request's own
 * destination. UploadPartCopy also names its upload and part (requestParameters uploadId, partNumber).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html, API_UploadPartCopy.html
 */
function copyRetry(request: AccessRequest, payer: readonly string[]): string {
  const header = (name: string): string | null => sentHeader(request, name);
  const destination = ['--bucket', request.bucket ?? 'BUCKET', '--key', request.key ?? 'KEY'];
  const source = ['--copy-source', header('x-amz-copy-source') ?? 'SOURCE_BUCKET/SOURCE_KEY'];
  if (request.eventName === 'UploadPartCopy')
    return awsLine([
      's3api',
      'upload-part-copy',
      ...source,
      ...destination,
      '--upload-id',
      header('uploadId') ?? 'UPLOAD_ID',
      '--part-number',
      header('partNumber') ?? 'PART_NUMBER',
      ...payer,
    ]);
  return awsLine(['s3api', 'copy-object', ...source, ...destination, ...payer]);
}

/**
 * The s3api subcommand of an S3 API operation (CloudTrail's eventName is the operation name, and the AWS CLI names
 * each operation in kebab case: GetObjectAttributes -> get-object-attributes), or null for a name that is not one.
 */
function s3apiName(eventName: string): string | null {
  if (Object.hasOwn(CLI_OPERATION, eventName)) return CLI_OPERATION[eventName] ?? null;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(eventName)) return null;
  return eventName.replace(/(?<=[a-z0-9])([A-Z])/g, '-$1').toLowerCase();
}

/**
 * GetObjectAttributes requires the attributes to return (x-amz-object-attributes, comma-separated, as recorded;
 * else ETag and ObjectSize). https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
 */
function objectAttributes(request: AccessRequest): string[] {
  const recorded = requestHeader(request, 'x-amz-object-attributes');
  const list =
    typeof recorded === 'string' && recorded !== 'unknown'
      ? recorded
          .split(',')
          .map((a) => a.trim())
          .filter((a) => a !== '')
      : [];
  return ['--object-attributes', ...(list.length > 0 ? list : ['ETag', 'ObjectSize'])];
}

/**
 * The retried request, the same operation with the header: arguments quoted once by awsLine (fix/commands.ts).
 * An operation this tool has no spelling for is retried as its s3api subcommand with the bucket (and key).
 */
function retryCommand(request: AccessRequest, bucket: string, key: string | null): string {
  const eventName = request.eventName;
  const payer = ['--request-payer', 'requester'];
  if (eventName === 'CopyObject' || eventName === 'UploadPartCopy') return copyRetry(request, payer);
  const op = s3apiName(eventName);
  if (op === 'get-object')
    return awsLine([
      's3api',
      'get-object',
      '--bucket',
      bucket,
      '--key',
      key ?? 'KEY',
      ...payer,
      `./${(key ?? 'object').split('/').pop() || 'object'}`,
    ]);
  if (op === 'get-object-attributes')
    return awsLine([
      's3api',
      op,
      '--bucket',
      bucket,
      '--key',
      key ?? 'KEY',
      ...objectAttributes(request),
      ...payer,
    ]);
  if (op === 'list-objects-v2' || op === 'head-bucket' || (op !== null && key === null))
    return awsLine(['s3api', op, '--bucket', bucket, ...payer]);
  if (op !== null) return awsLine(['s3api', op, '--bucket', bucket, '--key', key ?? 'KEY', ...payer]);
  return awsLine(['s3', 'cp', `s3://${bucket}/${key ?? 'KEY'}`, '.', ...payer]);
}

const payerOff = (bucket: string): string =>
  awsLine([
    's3api',
    'put-bucket-request-payment',
    '--bucket',
    bucket,
    '--request-payment-configuration',
    'Payer=BucketOwner',
  ]);

export const checker: Checker = {
  id: 'requester-pays',
  title: 'The bucket is Requester Pays and the request did not carry x-amz-request-payer: requester',
  detection:
    "The engine reads the bucket's request-payment setting (get-bucket-request-payment; snapshot requestPayment): a request to a Requester Pays bucket from outside the bucket owner's account without x-amz-request-payer: requester in the record's requestParameters is refused for that reason alone, and so is any anonymous request.",
  fixSummary:
    "Send x-amz-request-payer: requester (AWS CLI --request-payer requester, SDKs RequestPayer='requester'); the requester also needs its own permission for the action (its identity policy, and the bucket policy's grant); verified by re-evaluation with the header.",
  check(input): CheckResult {
    const { request, facts, evaluations } = input;
    const view = viewLayer(evaluations, 'requester-pays', { implicitDenies: false });
    if (view.kind === 'unknown') return { status: 'unknown', missing: view.missing };
    if (view.kind !== 'deny') return { status: view.kind, detail: view.detail };
    const denied = view.explicit;
    const first = denied[0]!;
    const bucket = first.evaluation.need.bucket ?? request.bucket ?? 'the bucket';
    const anonymous = request.principal.type === 'Anonymous';
    const service = request.principal.type === 'AWSService';
    const caller = callerIdentityArn(request, facts) ?? request.principal.arn ?? 'the caller';
    const needs = needsOf(denied.map((h) => h.evaluation));
    const outcome =
      anonymous || service
        ? { verified: false }
        : verifyS3(input, needs, 'requester-pays', (base) =>
            base.s3?.requestPayment
              ? {
                  ...base,
                  s3: { ...base.s3, requestPayment: { ...base.s3.requestPayment, header: 'requester' } },
                }
              : base,
          );
    const evidence: Evidence[] = [
      { layer: 'requester-pays', detail: `${first.layer.note ?? 'Requester Pays refused the request'}` },
      {
        layer: 'requester-pays',
        detail: `get-bucket-request-payment ${bucket}: Payer Requester`,
      },
    ];
    if (!anonymous && !service)
      evidence.push({
        layer: 'requester-pays',
        detail: 'the record shows no x-amz-request-payer in requestParameters',
      });
    const commands = [
      awsLine(['s3api', 'get-bucket-request-payment', '--bucket', bucket]),
      ...(anonymous || service ? [] : [retryCommand(request, bucket, first.evaluation.need.key)]),
    ];
    const still = outcome.verified === true && 'stillDeniedBy' in outcome ? outcome.stillDeniedBy : undefined;
    const summary = anonymous
      ? `Requester Pays buckets refuse anonymous requests: sign the request with credentials of an AWS account that pays (and send x-amz-request-payer: requester), or have the bucket owner turn Requester Pays off (${payerOff(bucket)}).`
      : service
        ? `${request.principal.arn ?? 'This AWS service'} cannot deliver to or read from a Requester Pays bucket this way: use a bucket that is not Requester Pays, or turn Requester Pays off (${payerOff(bucket)}).`
        : `Send x-amz-request-payer: requester with the request (AWS CLI --request-payer requester, SDKs RequestPayer='requester'): the requester's account pays for it. ${caller} still needs its own permission for ${describeNeeds(denied)}: its identity policy must allow it and, cross-account, the bucket policy must grant it.`;
    // Anonymous requests and log delivery to or from a Requester Pays bucket are not supported at all: the header is
    // no fix for them. https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
    const why = anonymous
      ? 'With Requester Pays, the requester (not the bucket owner) pays for each request and download, so S3 must know whom to charge: it accepts only authenticated requests, and refuses an anonymous one before any policy can help.'
      : service
        ? `With Requester Pays, the requester (not the bucket owner) pays for each request and download; ${request.principal.arn ?? 'an AWS service'} acts as itself, with no account that acknowledges the charge, so S3 refuses it before any policy can help (a Requester Pays bucket cannot, for example, be the target of server access logs).`
        : "With Requester Pays, the requester (not the bucket owner) pays for each request and download, so S3 requires every request from outside the bucket owner's account to acknowledge the charge with x-amz-request-payer: requester; without it S3 answers 403 before any policy can help.";
    return {
      status: 'deny',
      confidence: 'confirmed',
      title: anonymous
        ? `Bucket ${bucket} is a Requester Pays bucket, which refuses anonymous requests`
        : service
          ? `Bucket ${bucket} is a Requester Pays bucket, which ${request.principal.arn ?? 'an AWS service'} cannot use`
          : `Bucket ${bucket} is a Requester Pays bucket and the request did not carry x-amz-request-payer: requester`,
      explanation: `${first.layer.note ?? 'Requester Pays refused the request'}. ${why}${
        still && still.length > 0
          ? ` With the header, the request would still be denied by: ${still.join(', ')}.`
          : ''
      }`,
      evidence,
      fix: { summary, commands, ...outcome },
    };
  },
};
