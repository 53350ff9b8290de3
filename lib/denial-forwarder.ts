/**
 * DenialForwarder: the S3 and KMS denial rules of one account and Region, forwarding every match to the bus of
 * the auditor (the central bus of an organization, or the home Region's default bus of this account).
 * Shared by the member stack (StackSets, every account and Region) and the regional forwarder stack (one per
 * extra Region of a single account).
 *
 * Failures are heard: what EventBridge cannot deliver waits in a dead-letter queue (14 days) whose alarm
 * notifies a topic of this Region (subscribe to it, e.g. with -c alertEmail) and whose state changes are
 * forwarded to the auditor's bus as well, where the auditor routes them to its alarm topic.
 */
import { Aws, Duration, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  FORWARDER_ALARM_PREFIX,
  kmsDenialPattern,
  RawEventPattern,
  RULE_STATE_ALL_MANAGEMENT,
  s3DenialPattern,
  toCdkPattern,
  vpceDenialPattern,
} from './event-patterns';
import { createKey, topicPublishersStatements } from './keys';

export interface DenialForwarderProps {
  /** ARN of the bus that receives the denials. */
  readonly targetBusArn: string;
  /** Role ARNs whose own denials are not forwarded (loop guard: the auditor's roles). */
  readonly excludedRoleArns: string[];
  /**
   * Also forward S3 requests denied by a VPC endpoint policy (network activity events).
   * @default false
   */
  readonly vpcEndpointDenials?: boolean;
  /**
   * 'customer': a customer managed key of this Region encrypts the dead-letter queue and the alarm topic.
   * @default 'aws'
   */
  readonly encryptionKey?: 'aws' | 'customer';
  /**
   * More statements for the key's policy (the member stack's trail uses the key too).
   * @default - none
   */
  readonly keyStatements?: iam.PolicyStatement[];
  /**
   * E-mail address subscribed to this Region's alarm topic.
   * @default - none (the alarm still reaches the auditor's alarm topic through the bus)
   */
  readonly alertEmail?: string;
}

export class DenialForwarder extends Construct {
  public readonly rules: events.Rule[] = [];
  /** The role EventBridge uses to put events on the target bus (cross-account and cross-Region targets). */
  public readonly role: iam.Role;
  /** Events EventBridge could not deliver to the target bus. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Alarm on a non-empty dead-letter queue. */
  public readonly alarm: cloudwatch.Alarm;
  /** This Region's alarm topic (an alarm action must be in the alarm's Region). */
  public readonly alarmTopic: sns.Topic;
  /** The customer managed key of this Region (encryptionKey 'customer'). */
  public readonly key?: kms.CfnKey;
  /** The same key as an IKey. */
  public readonly keyRef?: kms.IKey;

  constructor(scope: Construct, id: string, props: DenialForwarderProps) {
    super(scope, id);
    const bus = events.EventBus.fromEventBusArn(this, 'TargetBus', props.targetBusArn);
    this.role = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 's3-403: EventBridge forwards denials to the auditor bus',
    });
    if (props.encryptionKey === 'customer') {
      this.key = createKey(this, 'Key', 's3-403 forwarder: dead-letter queue and alarm topic', [
        ...topicPublishersStatements(),
        ...(props.keyStatements ?? []),
      ]);
    }
    const key = this.key ? kms.Key.fromKeyArn(this, 'KeyRef', this.key.attrArn) : undefined;
    this.keyRef = key;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...(key
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // SQS's default, declared: a dead-letter queue takes redrives (Control Tower CT.SQS.PR.1).
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 's3-403 forwarder alarms',
      enforceSSL: true,
      ...(key ? { masterKey: key } : {}),
    });
    allowCloudWatchAlarms(this.alarmTopic);
    if (props.alertEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
    this.alarm = deadLetterAlarm(
      this,
      this.deadLetterQueue,
      's3-403: denials could not be forwarded to the auditor bus (the dead-letter queue is not empty)',
      Fn.join('', [FORWARDER_ALARM_PREFIX, Aws.STACK_NAME]),
    );
    this.alarm.addAlarmAction(new cwActions.SnsAction(this.alarmTopic));
    this.alarm.addOkAction(new cwActions.SnsAction(this.alarmTopic));

    const patterns: Array<[string, string, RawEventPattern]> = [
      ['ForwardS3Denials', 'S3 requests that S3 denied', s3DenialPattern(props.excludedRoleArns)],
      [
        'ForwardKmsDenials',
        'KMS calls S3 made for a caller and KMS denied',
        kmsDenialPattern(props.excludedRoleArns),
      ],
    ];
    if (props.vpcEndpointDenials) {
      patterns.push(['ForwardVpceDenials', 'S3 requests a VPC endpoint policy denied', vpceDenialPattern()]);
    }
    patterns.push([
      'ForwardAlarmState',
      'state changes of the forwarder dead-letter alarm',
      {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [this.alarm.alarmArn],
      },
    ]);
    for (const [ruleId, what, pattern] of patterns) {
      const rule = new events.Rule(this, ruleId, {
        description: `s3-403: forward ${what} to the auditor bus`,
        eventPattern: toCdkPattern(pattern),
      });
      rule.addTarget(new targets.EventBus(bus, { role: this.role, deadLetterQueue: this.deadLetterQueue }));
      if (ruleId !== 'ForwardAlarmState')
        (rule.node.defaultChild as events.CfnRule).state = RULE_STATE_ALL_MANAGEMENT;
      this.rules.push(rule);
    }
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter queue: the DeadLetterConfig of every forwarding rule target. ' +
          'cdk-nag recognises only SQS redrive dead-letter queues; nothing consumes this one, its alarm does.',
      },
    ]);
    if (!key) {
      NagSuppressions.addResourceSuppressions(this.alarmTopic, [
        {
          id: 'AwsSolutions-SNS2',
          reason:
            'Carries only the CloudWatch alarm notifications of the forwarder dead-letter queue (alarm name, ' +
            'state, threshold), no denial data. CloudWatch cannot publish to a topic under the AWS managed SNS ' +
            'key, so encryption needs a customer managed key per Region: -c encryptionKey=customer adds one.',
        },
      ]);
    }
  }
}

/**
 * The topic policy (which replaces SNS's default policy once a TopicPolicy exists) must let CloudWatch alarms of
 * this account publish (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger).
 */
/** The alarm that says a dead-letter queue is not empty: something was lost and needs a look. */
export function deadLetterAlarm(
  scope: Construct,
  queue: sqs.IQueue,
  description: string,
  alarmName?: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'DeadLetterAlarm', {
    ...(alarmName !== undefined ? { alarmName } : {}),
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

export function allowCloudWatchAlarms(topic: sns.Topic): void {
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: {
          'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
        },
      },
    }),
  );
}
