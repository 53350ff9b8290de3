/**
 * S3AccessDeniedAuditor: the L3 construct that turns every S3 denial into an explained alert.
 *
 * CloudTrail (S3 data events, advanced selectors) -> EventBridge rules (S3 + KMS denial patterns, loop
 * guard) -> SQS buffer (DLQ + alarm) -> Lambda (NodejsFunction, Node.js 22, arm64) -> SNS (KMS) / Slack.
 */
import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { AuditTrail, DEFAULT_TRAIL_LOG_EXPIRATION, trailArn } from './audit-trail';
import { allowCloudWatchAlarms, deadLetterAlarm } from './denial-forwarder';
import {
  forwardedAlarmPattern,
  kmsDenialPattern,
  RawEventPattern,
  RULE_STATE_ALL_MANAGEMENT,
  s3DenialPattern,
  toCdkPattern,
  vpceDenialPattern,
} from './event-patterns';
import { acknowledgeGuard } from './guard';
import { createKey, dataKeyStatements, topicPublishersStatements } from './keys';
import { lambdaReadActions, readStatements, ReadScope, wildcardSuppressions } from './read-permissions';

/** Central (organization) mode: a custom bus that accepts events from every account of the organization. */
export interface CentralBusOptions {
  /** The organization id (`o-…`) allowed to put events on the bus (aws:PrincipalOrgID). */
  readonly organizationId: string;
  /**
   * Name of the custom event bus.
   * @default 's3-403-central'
   */
  readonly eventBusName?: string;
}

/** Organization reach: the role the auditor assumes in member accounts. */
export interface MemberAccessOptions {
  /**
   * Name of the read-only role that member stacks create in every account.
   * @default 's3-403-reader'
   */
  readonly memberRoleName?: string;
  /**
   * Name of a Secrets Manager secret (created outside the stack) holding the external id that member roles
   * require (handler variable EXTERNAL_ID_PARAM). Only the name is in the template, never the value.
   * @default - no external id is sent
   */
  readonly externalIdSecretName?: string;
}

export interface S3AccessDeniedAuditorProps {
  /**
   * Buckets to audit (names). The trail's data events and the Lambda's S3 reads are scoped to them.
   * @default - every bucket of the account (data events for all buckets: see the cost note in docs/DEPLOY.md)
   */
  readonly buckets?: string[];
  /**
   * Reuse an existing trail (for example an organization trail) that already logs S3 data events:
   * no trail and no log bucket are created.
   * @default false
   */
  readonly existingTrail?: boolean;
  /**
   * Record data events of every Region (true) or of the stack's Region only (false). EventBridge receives an
   * S3 data event only in the bucket's Region, so a multi-Region trail pays for events the rule never sees
   * unless a member stack forwards them.
   * @default false
   */
  readonly multiRegionTrail?: boolean;
  /**
   * Also log management events in the created trail (denied GetBucketPolicy, ListBuckets, kms:Decrypt…).
   * Set to false when another trail already logs them: a second copy of management events is billed.
   * @default true
   */
  readonly includeManagementEvents?: boolean;
  /**
   * Days after which trail log files expire from the log bucket.
   * @default Duration.days(90)
   */
  readonly trailLogExpiration?: Duration;
  /**
   * Bucket receiving server access logs of the trail log bucket.
   * @default - none (a documented cdk-nag suppression explains why)
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * Removal policy of the trail log bucket.
   * @default RemovalPolicy.RETAIN
   */
  readonly logBucketRemovalPolicy?: RemovalPolicy;
  /**
   * Name of a Secrets Manager secret (created outside the stack) holding the Slack incoming-webhook URL.
   * @default - no Slack delivery
   */
  readonly slackSecretName?: string;
  /**
   * E-mail address subscribed to the alert topic.
   * @default - no subscription
   */
  readonly alertEmail?: string;
  /**
   * The same problem is alerted at most once per window.
   * @default Duration.minutes(15)
   */
  readonly dedupWindow?: Duration;
  /**
   * How long the Lambda caches what it read from AWS.
   * @default Duration.minutes(5)
   */
  readonly cacheTtl?: Duration;
  /**
   * Retention of the Lambda's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Upper bound on concurrent Lambda executions (reserved concurrency). Reserving concurrency fails on
   * accounts whose concurrency quota is at the minimum of 10: lower it or raise the quota.
   * @default 5
   */
  readonly reservedConcurrency?: number;
  /**
   * Lambda timeout.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Lambda memory in MB.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Deliveries to the Lambda before a message goes to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Let the Lambda read each denied object's own encryption (HeadObject: the exact SSE-KMS key) instead of
   * assuming the bucket's default encryption. Grants s3:GetObject and s3:GetObjectVersion on the audited
   * buckets' objects, which also allow reading object CONTENT, and sets OBJECT_METADATA=true. Without it the
   * Lambda checks existence by listing (s3:ListBucket) and can read no object content.
   * Context key `readObjectMetadata`.
   * @default false
   */
  readonly readObjectMetadata?: boolean;
  /**
   * Redact object keys (which may hold personal data) in alerts.
   * @default false
   */
  readonly redactKeys?: boolean;
  /**
   * Ship a source map with the Lambda bundle and run it with NODE_OPTIONS=--enable-source-maps, so that stack
   * traces point at the TypeScript sources. Off by default: loading the map costs tens of milliseconds on the
   * first error (issue 15); without it, stack traces point into the minified bundle. Context key `sourceMaps`.
   * @default false
   */
  readonly sourceMaps?: boolean;
  /**
   * Log level of the Lambda (Powertools).
   * @default 'INFO'
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * Explicit name of the Lambda's role. Member stacks trust this exact ARN, so central mode names it.
   * @default - generated ('s3-403-auditor' in central mode)
   */
  readonly auditorRoleName?: string;
  /**
   * Central mode: create a custom bus for the organization and the rules on it.
   * @default - single-account mode, default bus only
   */
  readonly centralBus?: CentralBusOptions;
  /**
   * Organization mode: assume a read-only role in the bucket's and the caller's accounts.
   * @default - `{}` (default role name) in central mode; otherwise only this account is read
   */
  readonly memberAccess?: MemberAccessOptions;
  /**
   * Alarm actions for every alarm of the auditor (replaces the default topic action).
   * @default - notify `alarmTopicArn`, else the alert topic
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
  /**
   * SNS topic (in the stack's Region) notified by every alarm, and by the forwarded alarms of forwarder and
   * member stacks. Its policy (and key policy, if encrypted) must let CloudWatch and EventBridge publish.
   * Context key `alarmTopicArn`.
   * @default - the alert topic
   */
  readonly alarmTopicArn?: string;
  /**
   * 'customer': one customer managed key (rotation on) encrypts the trail's log files and log bucket, the
   * queues, the dedup table and the function's log group; its key policy follows each service's documented
   * requirements (lib/keys.ts). 'aws': AWS owned/managed keys (SSE-S3, SQS-managed SSE, DynamoDB owned key, the
   * CloudWatch Logs default). The alert topic always uses its own customer managed key. Context key
   * `encryptionKey`.
   * @default 'aws'
   */
  readonly encryptionKey?: 'aws' | 'customer';
  /**
   * Also log and explain S3 requests that a VPC endpoint policy denied: the trail selects the network activity
   * events of S3 with errorCode VpceAccessDenied (only denials are logged and billed) and a rule matches them.
   * Context key `vpcEndpointDenials`.
   * @default false
   */
  readonly vpcEndpointDenials?: boolean;
  /**
   * Regions whose forwarder stacks (RegionalForwarderStack) send their denials to this stack's default bus. The
   * created trail becomes multi-Region (EventBridge sees a data event only in the bucket's Region, and only if a
   * trail logs it there), and the forwarders' dead-letter alarms are routed to the alarm topic.
   * @default - none: only this Region is covered
   */
  readonly forwardedRegions?: string[];
  /**
   * Path of the Lambda entry (exports `handler`).
   * @default lambdas/handler/index.ts of this project
   */
  readonly entry?: string;
}

/** Defaults, exported for the docs and the tests. */
export const AUDITOR_DEFAULTS = {
  memberRoleName: 's3-403-reader',
  centralRoleName: 's3-403-auditor',
  eventBusName: 's3-403-central',
  dedupWindow: Duration.minutes(15),
  cacheTtl: Duration.minutes(5),
  trailLogExpiration: DEFAULT_TRAIL_LOG_EXPIRATION,
  reservedConcurrency: 5,
  timeout: Duration.seconds(60),
  memorySize: 512,
  maxReceiveCount: 5,
  dedupPartitionKey: 'pk',
  dedupTtlAttribute: 'expiresAt',
} as const;

/** The auditor: trail, rules, buffer, function, alert topic, dedup table. */
export class S3AccessDeniedAuditor extends Construct {
  /** The Lambda function that explains denials. */
  public readonly function: nodejs.NodejsFunction;
  /** The Lambda's execution role (excluded from the rules: loop guard). */
  public readonly role: iam.Role;
  /** The encrypted SNS topic receiving alerts. */
  public readonly topic: sns.Topic;
  /** The customer managed key encrypting the topic. */
  public readonly topicKey: kms.CfnKey;
  /** The buffer between EventBridge and the Lambda. */
  public readonly queue: sqs.Queue;
  /** Messages that failed `maxReceiveCount` times (and events EventBridge could not deliver). */
  public readonly deadLetterQueue: sqs.Queue;
  /** Alarm on a non-empty dead-letter queue. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The topic every alarm notifies (`alarmTopicArn`, else the alert topic). */
  public readonly alarmTopic: sns.ITopic;
  /** The customer managed key of the data at rest (encryptionKey 'customer'). */
  public readonly dataKey?: kms.CfnKey;
  /** A small dashboard: dead letters, queue, function and dedup table. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The dedup table. */
  public readonly table: dynamodb.Table;
  /** The rules selecting denials (default bus, and the central bus in central mode). */
  public readonly rules: events.Rule[] = [];
  /** The trail, unless an existing trail is reused. */
  public readonly trail?: cloudtrail.CfnTrail;
  /** The trail's log bucket, unless an existing trail is reused. */
  public readonly logBucket?: s3.Bucket;
  /** The organization bus (central mode). */
  public readonly eventBus?: events.EventBus;

  constructor(scope: Construct, id: string, input: S3AccessDeniedAuditorProps = {}) {
    super(scope, id);
    validateProps(input);
    const props: S3AccessDeniedAuditorProps =
      input.centralBus && !input.memberAccess ? { ...input, memberAccess: {} } : input;

    this.role = this.createRole(props);
    if (props.encryptionKey === 'customer') {
      this.dataKey = createKey(
        this,
        'DataKey',
        's3-403 data at rest: trail logs, queues, dedup table, log group',
        dataKeyStatements({
          ...(props.existingTrail ? {} : { trailArn: trailArn(this) }),
          queueConsumerArns: [this.role.roleArn],
          table: true,
          logGroups: true,
        }),
      );
    }
    const dataKey = this.dataKey ? kms.Key.fromKeyArn(this, 'DataKeyRef', this.dataKey.attrArn) : undefined;
    if (!props.existingTrail) {
      const { encryptionKey: _choice, ...trailProps } = props;
      const auditTrail = new AuditTrail(this, 'AuditTrail', {
        ...trailProps,
        multiRegionTrail: props.multiRegionTrail || (props.forwardedRegions ?? []).length > 0,
        ...(dataKey ? { kmsKey: dataKey } : {}),
      });
      this.trail = auditTrail.trail;
      this.logBucket = auditTrail.logBucket;
    }
    this.topicKey = this.createTopicKey();
    this.topic = this.createTopic(props);
    this.alarmTopic = props.alarmTopicArn
      ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)
      : this.topic;
    if (!props.alarmTopicArn) allowCloudWatchAlarms(this.topic);
    this.table = this.createTable(dataKey);
    this.deadLetterQueue = this.createDeadLetterQueue(dataKey);
    this.queue = this.createQueue(props, dataKey);
    this.deadLetterAlarm = this.createAlarm(props);
    this.function = this.createFunction(props, dataKey);
    this.grantRuntimePermissions(props);

    const excluded = this.loopGuardArns(props);
    this.addRules('Default', undefined, excluded, props);
    if (props.centralBus) {
      this.eventBus = this.createCentralBus(props.centralBus);
      this.addRules('Central', this.eventBus, excluded, props);
    }
    // Forwarder and member stacks send their dead-letter alarms' state changes here.
    if ((props.forwardedRegions ?? []).length > 0) this.routeForwardedAlarms('Default', undefined);
    if (this.eventBus) this.routeForwardedAlarms('Central', this.eventBus);
    this.dashboard = this.createDashboard();
    this.addNagSuppressions();
    this.acknowledgeGuardRules(props);
  }

  private createRole(props: S3AccessDeniedAuditorProps): iam.Role {
    const roleName =
      props.auditorRoleName ??
      (props.centralBus
        ? AUDITOR_DEFAULTS.centralRoleName
        : (props.forwardedRegions ?? []).length > 0
          ? auditorRoleNameForRegions()
          : undefined);
    return new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 's3-403 auditor: reads the access configuration that explains an S3 denial',
      ...(roleName ? { roleName } : {}),
    });
  }

  private createTopicKey(): kms.CfnKey {
    return createKey(this, 'TopicKey', 's3-403 alert topic encryption', [
      new iam.PolicyStatement({
        sid: 'AuditorPublishesThroughSns',
        principals: [new iam.ArnPrincipal(this.role.roleArn)],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } },
      }),
      // Alarms (and the rule routing forwarded alarms) publish to the alert topic.
      ...topicPublishersStatements(),
    ]);
  }

  private createTopic(props: S3AccessDeniedAuditorProps): sns.Topic {
    const topic = new sns.Topic(this, 'AlertTopic', {
      displayName: 's3-403 AccessDenied explanations',
      masterKey: kms.Key.fromKeyArn(this, 'TopicKeyRef', this.topicKey.attrArn),
      enforceSSL: true,
    });
    if (props.alertEmail) topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
    return topic;
  }

  private createTable(key: kms.IKey | undefined): dynamodb.Table {
    return new dynamodb.Table(this, 'DedupTable', {
      partitionKey: { name: AUDITOR_DEFAULTS.dedupPartitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: AUDITOR_DEFAULTS.dedupTtlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(key
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      // Short-lived dedup markers only: nothing worth keeping after the stack is deleted.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private createDeadLetterQueue(key: kms.IKey | undefined): sqs.Queue {
    return new sqs.Queue(this, 'DeadLetterQueue', {
      ...queueEncryption(key),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // SQS's default, declared (Control Tower CT.SQS.PR.1 wants a dead-letter queue to say it takes redrives).
      // byQueue would have to name EventQueue, whose RedrivePolicy names this queue: a cycle.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });
  }

  private createQueue(props: S3AccessDeniedAuditorProps, key: kms.IKey | undefined): sqs.Queue {
    const timeout = props.timeout ?? AUDITOR_DEFAULTS.timeout;
    return new sqs.Queue(this, 'EventQueue', {
      ...queueEncryption(key),
      enforceSSL: true,
      // AWS guidance: at least six times the function timeout, so retries of a batch do not overlap.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? AUDITOR_DEFAULTS.maxReceiveCount,
      },
    });
  }

  private createAlarm(props: S3AccessDeniedAuditorProps): cloudwatch.Alarm {
    const alarm = deadLetterAlarm(
      this,
      this.deadLetterQueue,
      's3-403: denials could not be explained (dead-letter queue is not empty)',
    );
    for (const action of props.alarmActions ?? [new cwActions.SnsAction(this.alarmTopic)]) {
      alarm.addAlarmAction(action);
    }
    return alarm;
  }

  private createFunction(
    props: S3AccessDeniedAuditorProps,
    key: kms.IKey | undefined,
  ): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(key ? { encryptionKey: key } : {}),
    });
    const reserved = props.reservedConcurrency ?? AUDITOR_DEFAULTS.reservedConcurrency;
    const fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry ?? path.join(__dirname, '..', 'lambdas', 'handler', 'index.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? AUDITOR_DEFAULTS.memorySize,
      timeout: props.timeout ?? AUDITOR_DEFAULTS.timeout,
      reservedConcurrentExecutions: reserved,
      role: this.role,
      logGroup,
      description: 's3-403: explains S3 AccessDenied events',
      environment: this.environment(props),
      bundling: {
        minify: true,
        sourceMap: props.sourceMaps ?? false,
        sourcesContent: false,
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        forceDockerBundling: false,
      },
    });
    logGroup.grantWrite(this.role);
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        // Keep the poller at or below the reserved concurrency so it does not throttle itself (minimum 2).
        ...(reserved >= 2 ? { maxConcurrency: reserved } : {}),
      }),
    );
    return fn;
  }

  private environment(props: S3AccessDeniedAuditorProps): Record<string, string> {
    const env: Record<string, string> = {
      SNS_TOPIC_ARN: this.topic.topicArn,
      DEDUP_TABLE_NAME: this.table.tableName,
      DEDUP_WINDOW_SECONDS: String((props.dedupWindow ?? AUDITOR_DEFAULTS.dedupWindow).toSeconds()),
      CACHE_TTL_SECONDS: String((props.cacheTtl ?? AUDITOR_DEFAULTS.cacheTtl).toSeconds()),
      REDACT_KEYS: String(props.redactKeys ?? false),
      OBJECT_METADATA: String(props.readObjectMetadata ?? false),
      AUDITOR_ROLE_ARN: this.role.roleArn,
      POWERTOOLS_SERVICE_NAME: 's3-403',
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
    };
    // Stack traces point at the TypeScript sources only when the bundle ships a source map (-c sourceMaps=true).
    if (props.sourceMaps) env.NODE_OPTIONS = '--enable-source-maps';
    if (props.slackSecretName) env.SLACK_SECRET_NAME = props.slackSecretName;
    if (props.memberAccess) {
      env.MEMBER_ROLE_NAME = props.memberAccess.memberRoleName ?? AUDITOR_DEFAULTS.memberRoleName;
      if (props.memberAccess.externalIdSecretName) {
        env.EXTERNAL_ID_PARAM = props.memberAccess.externalIdSecretName;
      }
    }
    return env;
  }

  /** Everything the function may do beyond consuming its queue and writing its logs. */
  private grantRuntimePermissions(props: S3AccessDeniedAuditorProps): void {
    // Exactly what the Lambda calls: no snapshot-only action, no object content unless readObjectMetadata.
    const readActions = lambdaReadActions(props.readObjectMetadata ?? false);
    const where: ReadScope = { buckets: props.buckets, organizationId: props.centralBus?.organizationId };
    const statements = [
      ...readStatements(readActions, where),
      new iam.PolicyStatement({
        sid: 'PublishAlerts',
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
      }),
      new iam.PolicyStatement({
        sid: 'UseDedupTable',
        // lambdas/delivery/dedup.ts: conditional UpdateItem only (open a window, count, lease and record delivery).
        actions: ['dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
      }),
    ];
    if (props.slackSecretName) {
      const secret = secretsmanager.Secret.fromSecretNameV2(this, 'SlackSecret', props.slackSecretName);
      statements.push(
        new iam.PolicyStatement({
          sid: 'ReadSlackWebhook',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secretArnForPolicies(secret)],
        }),
      );
    }
    if (props.memberAccess) {
      statements.push(...this.memberAccessStatements(props.memberAccess, props.centralBus?.organizationId));
    }
    const policy = new iam.Policy(this, 'FunctionPolicy', { statements });
    policy.attachToRole(this.role);
    const suppressions = wildcardSuppressions(readActions, where);
    if (props.memberAccess) {
      const name = props.memberAccess.memberRoleName ?? AUDITOR_DEFAULTS.memberRoleName;
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason:
          'sts:AssumeRole on the member read-only role (one fixed name) in the accounts of the organization ' +
          "(aws:ResourceOrgID in central mode): the bucket's and the caller's accounts are known only at run " +
          'time; each member role trusts only this role and requires the external id.',
        appliesTo: [`Resource::arn:<AWS::Partition>:iam::*:role/${name}`],
      });
    }
    NagSuppressions.addResourceSuppressions(policy, suppressions);
  }

  private memberAccessStatements(
    options: MemberAccessOptions,
    organizationId: string | undefined,
  ): iam.PolicyStatement[] {
    const name = options.memberRoleName ?? AUDITOR_DEFAULTS.memberRoleName;
    const statements = [
      new iam.PolicyStatement({
        sid: 'AssumeMemberReadRole',
        actions: ['sts:AssumeRole'],
        resources: [`arn:${Aws.PARTITION}:iam::*:role/${name}`],
        // Only roles of accounts in the configured organization (the role is the resource of AssumeRole):
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
        ...(organizationId ? { conditions: { StringEquals: { 'aws:ResourceOrgID': organizationId } } } : {}),
      }),
    ];
    if (options.externalIdSecretName) {
      const secret = secretsmanager.Secret.fromSecretNameV2(
        this,
        'ExternalIdSecret',
        options.externalIdSecretName,
      );
      statements.push(
        new iam.PolicyStatement({
          sid: 'ReadExternalId',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secretArnForPolicies(secret)],
        }),
      );
    }
    return statements;
  }

  private loopGuardArns(props: S3AccessDeniedAuditorProps): string[] {
    const arns = [this.role.roleArn];
    if (props.memberAccess) {
      const name = props.memberAccess.memberRoleName ?? AUDITOR_DEFAULTS.memberRoleName;
      arns.push(`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${name}`);
    }
    return arns;
  }

  private createCentralBus(options: CentralBusOptions): events.EventBus {
    const bus = new events.EventBus(this, 'CentralBus', {
      eventBusName: options.eventBusName ?? AUDITOR_DEFAULTS.eventBusName,
    });
    bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationAccountsPutEvents',
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': options.organizationId } },
      }),
    );
    return bus;
  }

  private addRules(
    prefix: string,
    bus: events.IEventBus | undefined,
    excluded: string[],
    props: S3AccessDeniedAuditorProps,
  ): void {
    const patterns: Array<[string, RawEventPattern, string]> = [
      [`${prefix}S3DenialRule`, s3DenialPattern(excluded), 'S3 requests that S3 denied'],
      [`${prefix}KmsDenialRule`, kmsDenialPattern(excluded), 'KMS calls S3 made for a caller and KMS denied'],
    ];
    if (props.vpcEndpointDenials) {
      patterns.push([
        `${prefix}VpceDenialRule`,
        vpceDenialPattern(),
        'S3 requests a VPC endpoint policy denied',
      ]);
    }
    for (const [id, pattern, description] of patterns) {
      const rule = new events.Rule(this, id, {
        description: `s3-403: ${description}`,
        eventPattern: toCdkPattern(pattern),
        ...(bus ? { eventBus: bus } : {}),
      });
      rule.addTarget(new targets.SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue }));
      (rule.node.defaultChild as events.CfnRule).state = RULE_STATE_ALL_MANAGEMENT;
      this.rules.push(rule);
    }
  }

  /** Forwarded dead-letter alarms (other Regions, member accounts) notify the alarm topic, as text. */
  private routeForwardedAlarms(prefix: string, bus: events.IEventBus | undefined): void {
    const rule = new events.Rule(this, `${prefix}ForwardedAlarmRule`, {
      description: 's3-403: dead-letter alarms of forwarder and member stacks, to the alarm topic',
      eventPattern: toCdkPattern(forwardedAlarmPattern()),
      ...(bus ? { eventBus: bus } : {}),
    });
    const field = (p: string) => events.EventField.fromPath(p);
    const message = events.RuleTargetInput.fromText(
      `s3-403: alarm ${field('$.detail.alarmName')} is ${field('$.detail.state.value')} in account ` +
        `${field('$.account')}, Region ${field('$.region')}: ${field('$.detail.state.reason')} ` +
        "Denials that could not be forwarded wait in that Region's dead-letter queue (14 days).",
    );
    // The CDK's SnsTopic target would let any EventBridge rule publish; the topic policy names this rule.
    const topic = this.alarmTopic;
    const deadLetterQueue = this.deadLetterQueue;
    rule.addTarget({
      bind: (_rule, _id) => ({
        arn: topic.topicArn,
        input: message,
        deadLetterConfig: { arn: deadLetterQueue.queueArn },
      }),
    });
    targets.addToDeadLetterQueueResourcePolicy(rule, deadLetterQueue);
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `${prefix}ForwardedAlarmRulePublishes`,
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }),
    );
  }

  private createDashboard(): cloudwatch.Dashboard {
    const period = Duration.minutes(5);
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dead letters (alarm at 1) and queued denials',
        left: [
          this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
          this.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        ],
        right: [this.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' })],
        leftAnnotations: [{ value: 1, label: 'dead-letter alarm' }],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Explanations: invocations and errors',
        left: [
          this.function.metricInvocations({ period, statistic: 'Sum' }),
          this.function.metricErrors({ period, statistic: 'Sum' }),
          this.function.metricThrottles({ period, statistic: 'Sum' }),
        ],
        right: [this.function.metricDuration({ period, statistic: 'p99' })],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dedup table: writes, repeats (conditional check failed), throttled writes',
        left: [
          this.table.metricConsumedWriteCapacityUnits({ period, statistic: 'Sum' }),
          this.table.metricConditionalCheckFailedRequests({ period, statistic: 'Sum' }),
        ],
        right: ['UpdateItem'].map((op) =>
          this.table.metricThrottledRequestsForOperation(op, { period, statistic: 'Sum' }),
        ),
        width: 24,
      }),
    );
    return dashboard;
  }

  private acknowledgeGuardRules(props: S3AccessDeniedAuditorProps): void {
    acknowledgeGuard(
      this.function,
      'lambda_inside_vpc_check',
      'The function only calls AWS APIs (S3, IAM, STS, KMS, Organizations, CloudTrail, SNS, DynamoDB) and ' +
        'optionally Slack; it accepts no inbound traffic. A VPC would need a NAT gateway or one interface ' +
        'endpoint per service, for no reduction of what the role may do.',
    );
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logGroup = this.node.findChild('FunctionLogs');
    if (retention !== logs.RetentionDays.INFINITE && retention < 365) {
      acknowledgeGuard(
        logGroup,
        'cloudwatch_log_group_retention_period_check',
        `Diagnostic logs of the function, which may name objects; the alerts themselves are the record. Kept ` +
          `${retention} days to limit cost and exposure; -c logRetentionDays=365 keeps them a year.`,
      );
    }
    if (props.encryptionKey !== 'customer') {
      acknowledgeGuard(
        logGroup,
        'cloudwatch_log_group_encrypted_check',
        'Encrypted at rest by CloudWatch Logs by default; deploy with -c encryptionKey=customer to use a ' +
          'customer managed key with rotation for the log group, trail logs, queues and table.',
      );
    }
  }

  private addNagSuppressions(): void {
    NagSuppressions.addResourceSuppressions(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Pinned to Node.js 22: the handler is built and tested on Node 22 (project engines, middy 7, ' +
          'Powertools v2 support 22); moving to a newer runtime is a deliberate, tested change.',
      },
    ]);
  }
}

/**
 * The function role's name when forwarder stacks of other Regions exist: they exclude it by its exact ARN (loop
 * guard), and a stack of another Region cannot reference a generated name.
 */
export function auditorRoleNameForRegions(): string {
  return 's3-403-auditor';
}

function queueEncryption(
  key: kms.IKey | undefined,
): Pick<sqs.QueueProps, 'encryption' | 'encryptionMasterKey'> {
  return key
    ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
    : { encryption: sqs.QueueEncryption.SQS_MANAGED };
}

function validateProps(props: S3AccessDeniedAuditorProps): void {
  for (const bucket of props.buckets ?? []) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new Error(`buckets: "${bucket}" is not a valid S3 bucket name`);
    }
  }
  if (props.centralBus && !/^o-[a-z0-9]{10,32}$/.test(props.centralBus.organizationId)) {
    throw new Error(`organizationId: "${props.centralBus.organizationId}" is not an organization id (o-…)`);
  }
  const reserved = props.reservedConcurrency;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 1)) {
    throw new Error(`reservedConcurrency: ${reserved} must be a positive integer`);
  }
  if (props.alertEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alertEmail)) {
    throw new Error(`alertEmail: "${props.alertEmail}" is not an e-mail address`);
  }
}

/**
 * A secret imported by name has a partial ARN; the real ARN ends in "-" and six random characters, which IAM
 * must match (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html).
 */
function secretArnForPolicies(secret: secretsmanager.ISecret): string {
  return `${secret.secretArn}-??????`;
}
