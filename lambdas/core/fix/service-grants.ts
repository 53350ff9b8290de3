/**
 * AWS services that call S3 as themselves, and the exact grant each one needs in the bucket policy (and, for
 * SSE-KMS objects, in the key policy), scoped to the source it acts for (aws:SourceArn / aws:SourceAccount).
 *  - CloudFront origin access control: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 *  - S3 server access logs: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 *  - CloudTrail: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 *  - AWS Config: https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
 *  - Other services: the confused-deputy pattern, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
import { awsLine } from './commands';
import type { AccessRequest, ActionNeed } from '../model';
import { contextValues } from '../policy/s3/bpa';
import type { Json } from './patch';

/** The source the service acted for, when the record states it (its profile's key: aws:SourceArn / aws:SourceAccount). */
export function recordedSource(request: AccessRequest, key: string): string | null {
  const v = contextValues(request.context, key);
  return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
}

export interface ServiceProfile {
  /** How the service is named for people. */
  readonly label: string;
  /** The source condition key the AWS template uses, and its operator. */
  readonly sourceKey: 'aws:SourceArn' | 'aws:SourceAccount';
  readonly operator: 'StringEquals' | 'ArnLike';
  /** The placeholder source when the record does not show it. */
  readonly placeholder: (account: string, region: string) => string;
  /** Where the service's source is configured, to find which one asked. */
  readonly locate: (bucket: string, source: string | null) => string[];
  /** Extra conditions the AWS template carries for writes. */
  readonly writeConditions?: Json;
  readonly sid: string;
}

/**
 * A bucket name inside a JMESPath string literal: only a valid S3 bucket name (lowercase letters, digits, dots,
 * hyphens: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html) is put there, anything else
 * becomes a placeholder, so that no text from a request can end the literal. The shell quoting is awsLine's.
 */
const jmesBucket = (bucket: string): string =>
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) ? bucket : 'BUCKET';

const distributionId = (source: string | null): string =>
  (source ? /distribution\/([A-Z0-9]+)$/i.exec(source)?.[1] : undefined) ?? 'DISTRIBUTION_ID';

const PROFILES: Readonly<Record<string, ServiceProfile>> = {
  'cloudfront.amazonaws.com': {
    label: 'CloudFront origin access control (OAC)',
    sourceKey: 'aws:SourceArn',
    operator: 'StringEquals',
    placeholder: (account) => `arn:aws:cloudfront::${account}:distribution/DISTRIBUTION_ID`,
    locate: (bucket, source) => [
      awsLine([
        'cloudfront',
        'list-distributions',
        '--query',
        `DistributionList.Items[?Origins.Items[?starts_with(DomainName, '${jmesBucket(bucket)}.s3')]].{Id:Id,ARN:ARN,OAC:Origins.Items[0].OriginAccessControlId}`,
      ]),
      awsLine([
        'cloudfront',
        'get-distribution-config',
        '--id',
        distributionId(source),
        '--query',
        'DistributionConfig.Origins.Items[].{Domain:DomainName,OAC:OriginAccessControlId,OAI:S3OriginConfig.OriginAccessIdentity}',
      ]),
    ],
    sid: 'AllowCloudFrontServicePrincipal',
  },
  'logging.s3.amazonaws.com': {
    label: 'S3 server access log delivery',
    sourceKey: 'aws:SourceArn',
    operator: 'ArnLike',
    placeholder: () => 'arn:aws:s3:::SOURCE_BUCKET',
    locate: () => ['aws s3api get-bucket-logging --bucket SOURCE_BUCKET'],
    sid: 'S3ServerAccessLogsPolicy',
  },
  'cloudtrail.amazonaws.com': {
    label: 'CloudTrail log delivery',
    sourceKey: 'aws:SourceArn',
    operator: 'StringEquals',
    placeholder: (account, region) => `arn:aws:cloudtrail:${region || 'REGION'}:${account}:trail/TRAIL_NAME`,
    locate: (bucket) => [
      awsLine([
        'cloudtrail',
        'describe-trails',
        '--query',
        `trailList[?S3BucketName=='${jmesBucket(bucket)}']`,
      ]),
    ],
    writeConditions: { 's3:x-amz-acl': 'bucket-owner-full-control' },
    sid: 'AWSCloudTrail',
  },
  'config.amazonaws.com': {
    label: 'AWS Config delivery',
    sourceKey: 'aws:SourceAccount',
    operator: 'StringEquals',
    placeholder: (account) => account,
    locate: () => ['aws configservice describe-delivery-channels'],
    writeConditions: { 's3:x-amz-acl': 'bucket-owner-full-control' },
    sid: 'AWSConfigBucket',
  },
  'delivery.logs.amazonaws.com': {
    label: 'CloudWatch Logs / VPC flow log delivery',
    sourceKey: 'aws:SourceAccount',
    operator: 'StringEquals',
    placeholder: (account) => account,
    locate: () => ['aws logs describe-deliveries', 'aws ec2 describe-flow-logs'],
    writeConditions: { 's3:x-amz-acl': 'bucket-owner-full-control' },
    sid: 'AWSLogDelivery',
  },
};

/** The profile of a service principal: a known one, or the generic confused-deputy grant. */
export function serviceProfile(service: string | null): ServiceProfile {
  const known = service !== null && Object.hasOwn(PROFILES, service) ? PROFILES[service] : undefined;
  if (known) return known;
  return {
    label: service ?? 'the AWS service',
    sourceKey: 'aws:SourceAccount',
    operator: 'StringEquals',
    placeholder: (account) => account,
    locate: () => [],
    sid: 'AllowAwsService',
  };
}

const isWrite = (action: string): boolean => /^s3:(PutObject|PutObjectAcl)$/i.test(action);

/** The bucket-policy (or key-policy) resource a grant should name: bucket/* for any object action. */
function grantResource(need: ActionNeed): string {
  const arn = need.bucketResource ?? need.resource;
  if (need.resourceType === 'object' || arn.includes('/')) {
    const bucket = /^arn:aws[\w-]*:s3:::([^/]+)/.exec(arn)?.[1];
    return bucket ? `arn:aws:s3:::${bucket}/*` : arn;
  }
  return arn;
}

/** The grant statement for a service caller: its principal, the actions, and its source condition. */
export function serviceGrantStatement(
  service: string | null,
  originAccessIdentity: boolean,
  needs: readonly ActionNeed[],
  source: string,
): Json {
  const actions = [...new Set(needs.map((n) => n.action))];
  const resources = [...new Set(needs.map(grantResource))];
  const one = <T>(xs: readonly T[]): T | readonly T[] => (xs.length === 1 ? xs[0]! : xs);
  if (originAccessIdentity) {
    return {
      Sid: 'AllowCloudFrontOriginAccessIdentity',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity OAI_ID' },
      Action: one(actions),
      Resource: one(resources),
    };
  }
  const p = serviceProfile(service);
  const condition: Json = { [p.operator]: { [p.sourceKey]: source } };
  if (p.writeConditions && actions.some(isWrite)) {
    const eq = (condition['StringEquals'] as Json | undefined) ?? {};
    condition['StringEquals'] = { ...eq, ...p.writeConditions };
  }
  return {
    Sid: p.sid,
    Effect: 'Allow',
    Principal: { Service: service ?? 'SERVICE.amazonaws.com' },
    Action: one(actions),
    Resource: one(resources),
    Condition: condition,
  };
}

/** The key-policy statement that lets CloudFront (OAC) decrypt SSE-KMS objects for one distribution. */
export function cloudFrontKeyStatement(source: string): Json {
  return {
    Sid: 'AllowCloudFrontServicePrincipalSSE-KMS',
    Effect: 'Allow',
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceArn': source } },
  };
}
