/**
 * The newer S3 front doors a request can come through, recognised from the record, and what to check where this tool
 * does not evaluate them in full (issue 19 item 5):
 *  - Multi-Region Access Points: `arn:aws:s3::<account>:accesspoint/<alias>.mrap`, host
 *    `<alias>.mrap.accesspoint.s3-global.amazonaws.com`; IAM names the MRAP ARN (`…/object/<key>` for objects), and the
 *    MRAP policy and the underlying bucket's policy must both allow.
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointPermissions.html
 *  - S3 Object Lambda access points: event source `s3-object-lambda.amazonaws.com`, ARN
 *    `arn:aws:s3-object-lambda:<region>:<account>:accesspoint/<name>`; the caller needs `s3-object-lambda:<action>` on it
 *    and lambda:InvokeFunction on the transforming function; the supporting access point and its bucket must allow the
 *    read; the function's role needs s3-object-lambda:WriteGetObjectResponse.
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/olap-policies.html
 *  - Directory buckets (S3 Express One Zone): event source `s3express.amazonaws.com`, bucket names ending `--x-s3`;
 *    data (Zonal endpoint) calls are authorized by s3express:CreateSession on the bucket (session-based
 *    authorization; a ReadOnly session can only read).
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-authenticating-authorizing.html
 */

export type FrontDoorKind = 'multi-region' | 'object-lambda';

export interface FrontDoor {
  readonly kind: FrontDoorKind;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The MRAP alias (`….mrap`) or the Object Lambda access point name. */
  readonly name: string;
}

export const MRAP_ARN = /^arn:([^:]+):s3::(\d{12}):accesspoint\/([^/]+)/;
export const OBJECT_LAMBDA_ARN = /^arn:([^:]+):s3-object-lambda:([a-z0-9-]+):(\d{12}):accesspoint\/([^/]+)/;
export const MRAP_HOST = /^([a-z0-9]+\.mrap)\.accesspoint\.s3-global\.amazonaws\.com(?:\.cn)?$/i;
export const OBJECT_LAMBDA_EVENT_SOURCE = 's3-object-lambda.amazonaws.com';
export const DIRECTORY_BUCKET_EVENT_SOURCE = 's3express.amazonaws.com';

/** The front door an access point ARN names, when it is one of the newer kinds. */
export function frontDoorOf(arn: string): FrontDoor | null {
  const m = MRAP_ARN.exec(arn);
  if (m) return { kind: 'multi-region', partition: m[1]!, region: '', accountId: m[2]!, name: m[3]! };
  const o = OBJECT_LAMBDA_ARN.exec(arn);
  if (o) return { kind: 'object-lambda', partition: o[1]!, region: o[2]!, accountId: o[3]!, name: o[4]! };
  return null;
}

/**
 * What this tool does not evaluate for the front door, and how to check it: one line, short enough (< 240
 * characters) to be shown whole as the detail of an unknown fact.
 */
export function frontDoorCheck(arn: string): string | null {
  const f = frontDoorOf(arn);
  if (f === null) return null;
  if (f.kind === 'multi-region')
    return `a Multi-Region Access Point (${f.name}): its policy is not read here and must allow too (aws s3control get-multi-region-access-point-policy --region us-west-2 --account-id ${f.accountId} --name NAME)`;
  return `an Object Lambda access point: not evaluated here: lambda:InvokeFunction on its function, the supporting access point's grant, the function role's WriteGetObjectResponse (aws s3control get-access-point-configuration-for-object-lambda)`;
}

/** Zonal (data) calls a ReadOnly session may make (CreateSession, SessionMode). */
export const READ_ONLY_SESSION_CALLS: ReadonlySet<string> = new Set([
  'GetObject',
  'HeadObject',
  'ListObjectsV2',
  'ListObjects',
  'GetObjectAttributes',
  'ListParts',
  'ListMultipartUploads',
]);
