/**
 * AuditTrail: a CloudTrail trail that logs S3 data events with ADVANCED event selectors (the L2 Trail has no
 * API for them: escape hatch on CfnTrail), scoped to chosen buckets or to all, and never to its own log bucket.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

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
}

export const DEFAULT_TRAIL_LOG_EXPIRATION = Duration.days(90);

export class AuditTrail extends Construct {
  public readonly trail: cloudtrail.Trail;
  public readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AuditTrailProps = {}) {
    super(scope, id);
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
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
    if (!props.accessLogsBucket) {
      NagSuppressions.addResourceSuppressions(this.logBucket, [
        {
          id: 'AwsSolutions-S1',
          reason:
            'Holds only CloudTrail log files written by CloudTrail. Access logs would need a second bucket that ' +
            'is itself unlogged; bucket configuration changes are recorded as management events. ' +
            'Pass accessLogsBucket to enable server access logs.',
        },
      ]);
    }
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: this.logBucket,
      isMultiRegionTrail: props.multiRegionTrail ?? false,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
    });
    const cfnTrail = this.trail.node.defaultChild as cloudtrail.CfnTrail;
    cfnTrail.advancedEventSelectors = advancedEventSelectors(props, this.logBucket.bucketArn);
    // A trail has either basic or advanced selectors, never both.
    cfnTrail.addPropertyDeletionOverride('EventSelectors');
  }
}

/** S3 object data events (chosen buckets or all), never the trail's own bucket; management events optional. */
export function advancedEventSelectors(
  props: Pick<AuditTrailProps, 'buckets' | 'includeManagementEvents'>,
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
  return selectors;
}
