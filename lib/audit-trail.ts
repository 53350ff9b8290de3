/**
 * AuditTrail: a CloudTrail trail that logs S3 data events with ADVANCED event selectors, scoped to chosen
 * buckets or to all, and never to its own log bucket; optionally the VPC endpoint denials of S3 (network
 * activity events) and a customer managed key.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html
 *
 * The trail is the L1 CfnTrail: the L2 Trail writes its own log-bucket policy statements, without the
 * `aws:SourceArn` condition CloudTrail recommends. Here the bucket policy names this trail exactly, by an ARN
 * built from the trail's name (Stack.formatArn), so the policy does not reference the trail resource: the trail
 * depends on the policy (CloudTrail checks it on creation) and a reference back would be a cycle.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 */
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeGuard } from './guard';

export interface AuditTrailProps {
  /**
   * Buckets whose object data events are logged.
   * @default - every bucket
   */
  readonly buckets?: string[];
  /**
   * Log data events of every Region.
   * @default false
   */
  readonly multiRegionTrail?: boolean;
  /**
   * Also log management events (read and write).
   * @default true
   */
  readonly includeManagementEvents?: boolean;
  /**
   * Also log S3 requests denied by a VPC endpoint policy (network activity events, errorCode VpceAccessDenied).
   * @default false
   */
  readonly vpcEndpointDenials?: boolean;
  /**
   * Expiry of trail log files.
   * @default Duration.days(90)
   */
  readonly trailLogExpiration?: Duration;
  /**
   * Bucket for server access logs of the log bucket.
   * @default - none (justified cdk-nag suppression)
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * Removal policy of the log bucket.
   * @default RemovalPolicy.RETAIN
   */
  readonly logBucketRemovalPolicy?: RemovalPolicy;
  /**
   * Customer managed key for the log files (trail SSE-KMS and the bucket's default encryption). Its key policy
   * must let CloudTrail use it for this trail (see trailKeyStatements).
   * @default - SSE-S3
   */
  readonly kmsKey?: kms.IKey;
}

export const DEFAULT_TRAIL_LOG_EXPIRATION = Duration.days(90);

/** The trail's name: the stack name (unique per account and Region) and a fixed suffix. */
export function trailName(): string {
  return `${Aws.STACK_NAME}-s3-denials`;
}

/** The trail's ARN, built from its name (no reference to the trail resource). */
export function trailArn(scope: IConstruct): string {
  return Stack.of(scope).formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName() });
}

export class AuditTrail extends Construct {
  public readonly trail: cloudtrail.CfnTrail;
  public readonly logBucket: s3.Bucket;
  /** The trail's ARN (from its name), as the bucket and key policies name it. */
  public readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps = {}) {
    super(scope, id);
    this.trailArn = trailArn(this);
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      ...(props.kmsKey
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.kmsKey }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.logBucketRemovalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.accessLogsBucket
        ? { serverAccessLogsBucket: props.accessLogsBucket, serverAccessLogsPrefix: 's3-403-trail-logs/' }
        : {}),
      lifecycleRules: [
        {
          id: 'expire-trail-logs',
          expiration: props.trailLogExpiration ?? DEFAULT_TRAIL_LOG_EXPIRATION,
          noncurrentVersionExpiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const fromThisTrail = { 'aws:SourceArn': this.trailArn };
    this.logBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailAclCheck',
        principals: [cloudTrail],
        actions: ['s3:GetBucketAcl'],
        resources: [this.logBucket.bucketArn],
        conditions: { StringEquals: fromThisTrail },
      }),
    );
    this.logBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailWrite',
        principals: [cloudTrail],
        actions: ['s3:PutObject'],
        resources: [this.logBucket.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/*`)],
        conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...fromThisTrail } },
      }),
    );
    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName: trailName(),
      isLogging: true,
      s3BucketName: this.logBucket.bucketName,
      isMultiRegionTrail: props.multiRegionTrail ?? false,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      ...(props.kmsKey ? { kmsKeyId: props.kmsKey.keyArn } : {}),
      advancedEventSelectors: advancedEventSelectors(props, this.logBucket.bucketArn),
    });
    // CloudTrail checks the bucket policy when the trail is created.
    this.trail.node.addDependency(this.logBucket.policy!);
    this.suppressions(props);
  }

  private suppressions(props: AuditTrailProps): void {
    if (!props.accessLogsBucket) {
      const reason =
        'Holds only CloudTrail log files written by CloudTrail. Access logs would need a second bucket that ' +
        'is itself unlogged; bucket configuration changes are recorded as management events. ' +
        'Pass accessLogsBucket to enable server access logs.';
      NagSuppressions.addResourceSuppressions(this.logBucket, [{ id: 'AwsSolutions-S1', reason }]);
      acknowledgeGuard(this.logBucket, 's3_bucket_logging_enabled_check', reason);
    }
    acknowledgeGuard(
      this.logBucket,
      's3_event_notifications_enabled_check',
      'Nothing consumes the arrival of a trail log file: CloudTrail delivers the S3 denials to EventBridge ' +
        'itself, and a notification per log file would only add events no rule wants.',
    );
    acknowledgeGuard(
      this.logBucket,
      's3_bucket_object_lock_enabled_check',
      'The log files expire by lifecycle (trailLogExpirationDays) to bound cost, which Object Lock retention ' +
        'would block; tampering is detected by CloudTrail log file integrity validation (digest files, on).',
    );
    acknowledgeGuard(
      this.trail,
      'cloud_trail_cloud_watch_logs_enabled_check',
      'The trail feeds EventBridge, which selects the denials; sending every data event to CloudWatch Logs as ' +
        'well would bill each one a second time ($0.50 per GB ingested) for a copy nothing reads.',
    );
    if (!props.kmsKey) {
      const reason =
        'Encrypted at rest with SSE-S3 (AWS owned keys) by default; deploy with -c encryptionKey=customer to ' +
        'use a customer managed key with rotation for the trail logs, queues, table and log group.';
      acknowledgeGuard(this.trail, 'cloud_trail_encryption_enabled_check', reason);
      acknowledgeGuard(this.logBucket, 's3_bucket_default_encryption_kms_check', reason);
    }
  }
}

/**
 * S3 object data events (chosen buckets or all), never the trail's own bucket; management events optional;
 * S3's VPC endpoint denials (network activity) optional.
 */
export function advancedEventSelectors(
  props: Pick<AuditTrailProps, 'buckets' | 'includeManagementEvents' | 'vpcEndpointDenials'>,
  logBucketArn: string,
): cloudtrail.CfnTrail.AdvancedEventSelectorProperty[] {
  const buckets = props.buckets ?? [];
  const arnSelector: cloudtrail.CfnTrail.AdvancedFieldSelectorProperty = {
    field: 'resources.ARN',
    ...(buckets.length > 0 ? { startsWith: buckets.map((b) => `arn:${Aws.PARTITION}:s3:::${b}/`) } : {}),
    // Writing trail logs is itself an S3 data event: logging it would bill a feedback loop.
    notStartsWith: [`${logBucketArn}/`],
  };
  const selectors: cloudtrail.CfnTrail.AdvancedEventSelectorProperty[] = [];
  if (props.includeManagementEvents ?? true) {
    selectors.push({
      name: 'Management events (read and write)',
      fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }],
    });
  }
  selectors.push({
    name: buckets.length > 0 ? 'S3 data events of the audited buckets' : 'S3 data events of every bucket',
    fieldSelectors: [
      { field: 'eventCategory', equalTo: ['Data'] },
      { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
      arnSelector,
    ],
  });
  if (props.vpcEndpointDenials) selectors.push(vpcEndpointDenialSelector());
  return selectors;
}

/**
 * Network activity events of S3 that a VPC endpoint policy denied: only the denials are logged (errorCode
 * VpceAccessDenied is the one value the field accepts), so only they are billed. Fields: eventCategory and
 * eventSource (required), errorCode
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html).
 */
export function vpcEndpointDenialSelector(): cloudtrail.CfnTrail.AdvancedEventSelectorProperty {
  return {
    name: 'S3 requests denied by a VPC endpoint policy (network activity)',
    fieldSelectors: [
      { field: 'eventCategory', equalTo: ['NetworkActivity'] },
      { field: 'eventSource', equalTo: ['s3.amazonaws.com'] },
      { field: 'errorCode', equalTo: ['VpceAccessDenied'] },
    ],
  };
}
