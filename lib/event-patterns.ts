/**
 * The EventBridge patterns that select S3 denials (and KMS denials made on S3's behalf).
 *
 * Written as raw EventBridge JSON (the keys EventBridge sees, e.g. "detail-type"), so the same objects are
 * deployed and fed to the matcher in test/infra/event-pattern.ts.
 * Operators: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import type { EventPattern } from 'aws-cdk-lib/aws-events';

/** S3 error codes of a denied request (403 AccessDenied/AccountProblem/AllAccessDisabled; 400 ACLs disabled). */
export const S3_DENIAL_ERROR_CODES: readonly string[] = [
  'AccessDenied',
  'AllAccessDisabled',
  'AccountProblem',
  'AccessControlListNotSupported',
];

/** KMS error codes of a denied Decrypt/GenerateDataKey (CloudTrail records both spellings). */
export const KMS_DENIAL_ERROR_CODES: readonly string[] = ['AccessDenied', 'AccessDeniedException'];

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** A raw EventBridge pattern. */
export type RawEventPattern = Record<string, unknown>;

/**
 * Loop guard: drop calls made by the auditor's own roles (its denials would re-trigger it).
 * `anything-but` alone does not match an event that lacks the field (IAM users and root have no
 * sessionIssuer), so the array also accepts a missing field: the matchers of a value array are ORed, and any
 * mix of them is allowed (EventBridge's matcher, aws/event-ruler, JsonRuleCompiler.writeRules, compiles each
 * array element, `exists` included, as one alternative).
 */
export function loopGuard(excludedRoleArns: readonly string[]): RawEventPattern {
  return {
    userIdentity: {
      sessionContext: {
        sessionIssuer: { arn: [{ exists: false }, { 'anything-but': [...excludedRoleArns] }] },
      },
    },
  };
}

/** S3 API calls that S3 denied. */
export function s3DenialPattern(excludedRoleArns: readonly string[]): RawEventPattern {
  return {
    source: ['aws.s3'],
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: {
      eventSource: ['s3.amazonaws.com'],
      errorCode: [...S3_DENIAL_ERROR_CODES],
      ...loopGuard(excludedRoleArns),
    },
  };
}

/**
 * KMS calls that S3 made for a caller (SSE-KMS) and KMS denied: S3 puts the bucket/object ARN in the
 * encryption context under "aws:s3:arn".
 */
export function kmsDenialPattern(excludedRoleArns: readonly string[]): RawEventPattern {
  return {
    source: ['aws.kms'],
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: {
      eventSource: ['kms.amazonaws.com'],
      errorCode: [...KMS_DENIAL_ERROR_CODES],
      requestParameters: { encryptionContext: { 'aws:s3:arn': [{ exists: true }] } },
      ...loopGuard(excludedRoleArns),
    },
  };
}

/** Rule state that also delivers read-only management events (GetBucketPolicy, ListBuckets, kms:Decrypt…). */
export const RULE_STATE_ALL_MANAGEMENT = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** The error code of a request that a VPC endpoint policy denied (a network activity event). */
export const VPCE_DENIAL_ERROR_CODE = 'VpceAccessDenied';

/**
 * S3 requests denied by a VPC endpoint policy: CloudTrail network activity events (eventCategory
 * NetworkActivity, eventSource s3.amazonaws.com, errorCode VpceAccessDenied; the trail selects exactly these,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html).
 * The pattern matches the record's own fields and not `source` / `detail-type`, whose values for network
 * activity events the EventBridge documentation does not list. No loop guard: the auditor's function runs
 * outside any VPC, so its requests never pass a VPC endpoint.
 */
export function vpceDenialPattern(): RawEventPattern {
  return {
    detail: {
      eventCategory: ['NetworkActivity'],
      eventSource: ['s3.amazonaws.com'],
      errorCode: [VPCE_DENIAL_ERROR_CODE],
    },
  };
}

/** Name prefix of the dead-letter alarms of forwarder stacks (regional forwarders and member stacks). */
export const FORWARDER_ALARM_PREFIX = 's3-403-forward-';

/**
 * Alarm state changes of forwarder dead-letter alarms that forwarders sent to the auditor's bus (into ALARM, and
 * back to OK). https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
export function forwardedAlarmPattern(): RawEventPattern {
  return {
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: { alarmName: [{ prefix: FORWARDER_ALARM_PREFIX }], state: { value: ['ALARM', 'OK'] } },
  };
}

/** A raw pattern in the shape of the CDK's EventPattern (only the keys the raw pattern has). */
export function toCdkPattern(raw: RawEventPattern): EventPattern {
  const keys: Record<string, string> = {
    source: 'source',
    'detail-type': 'detailType',
    detail: 'detail',
    resources: 'resources',
    account: 'account',
    region: 'region',
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const cdkKey = keys[key];
    if (!cdkKey) throw new Error(`event pattern key "${key}" has no CDK EventPattern field`);
    out[cdkKey] = value;
  }
  return out;
}
