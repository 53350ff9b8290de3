/**
 * Key policies of the customer managed keys: the alert topic's key, and (with `-c encryptionKey=customer`) the
 * data key of the trail logs, the queues, the dedup table and the log group.
 *
 * Every statement follows the key-policy section of the service that uses the key, cited beside it, with each
 * documented wildcard action (`kms:GenerateDataKey*`, `kms:ReEncrypt*`…) written out as the named actions it
 * stands for on a symmetric key (the project grants no wildcard action). The account administers a key but may
 * not use it (no `kms:*`); grants may be created only for AWS resources (Control Tower CT.KMS.PR.3).
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Key administration for the account (IAM decides who), without any use of the key and without `kms:*`. */
export const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/** `kms:GenerateDataKey*` on a symmetric key. */
const GENERATE_DATA_KEY = ['kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'];
/** `kms:ReEncrypt*`. */
const RE_ENCRYPT = ['kms:ReEncryptFrom', 'kms:ReEncryptTo'];

export function keyAdministration(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KeyAdministrationByAccount',
    principals: [new iam.AccountRootPrincipal()],
    actions: KEY_ADMIN_ACTIONS,
    resources: ['*'],
  });
}

/**
 * Grants only for AWS resources: deny kms:CreateGrant unless an AWS service asks on a principal's behalf
 * (DynamoDB does for the table). Control Tower CT.KMS.PR.3, https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
 */
export function grantsOnlyForAwsResources(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'GrantsOnlyForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
    },
  });
}

/** A symmetric key with rotation and the given statements (after administration and the grant guard). */
export function createKey(
  scope: Construct,
  id: string,
  description: string,
  statements: iam.PolicyStatement[],
): kms.CfnKey {
  return new kms.CfnKey(scope, id, {
    description,
    enableKeyRotation: true,
    keyPolicy: new iam.PolicyDocument({
      statements: [keyAdministration(), grantsOnlyForAwsResources(), ...statements],
    }),
  });
}

/**
 * CloudWatch alarms and EventBridge rules publishing to a topic encrypted with this key
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services:
 * kms:GenerateDataKey* and kms:Decrypt). EventBridge's requests to KMS carry no aws:SourceAccount/SourceArn,
 * so its statement has no such condition; the topic policy names the rules.
 */
export function topicPublishersStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', ...GENERATE_DATA_KEY],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
    new iam.PolicyStatement({
      sid: 'EventBridgeRulesPublish',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', ...GENERATE_DATA_KEY],
      resources: ['*'],
    }),
  ];
}

export interface DataKeyUsers {
  /** The trail whose log files the key encrypts (its ARN, from its name). */
  readonly trailArn?: string;
  /** Roles that consume the encrypted queues (the function role). */
  readonly queueConsumerArns: string[];
  /** The key encrypts the dedup table. */
  readonly table: boolean;
  /** The key encrypts CloudWatch log groups of this account and Region. */
  readonly logGroups: boolean;
}

/** The data key's statements, per service. */
export function dataKeyStatements(users: DataKeyUsers): iam.PolicyStatement[] {
  const account = Aws.ACCOUNT_ID;
  const statements: iam.PolicyStatement[] = [];
  if (users.trailArn) {
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    const trailContext = {
      'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${Aws.PARTITION}:cloudtrail:*:${account}:trail/*`,
    };
    statements.push(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsThisTrailsLogs',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringLike: trailContext, StringEquals: { 'aws:SourceArn': users.trailArn } },
      }),
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': users.trailArn } },
      }),
      new iam.PolicyStatement({
        sid: 'AccountReadsTrailLogs',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:CallerAccount': account }, StringLike: trailContext },
      }),
    );
  }
  if (users.queueConsumerArns.length > 0) {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html:
    // EventBridge (producer) needs kms:GenerateDataKey and kms:Decrypt; the consumer kms:Decrypt.
    statements.push(
      new iam.PolicyStatement({
        sid: 'EventBridgeSendsToQueues',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'FunctionReceivesFromQueues',
        principals: users.queueConsumerArns.map((arn) => new iam.ArnPrincipal(arn)),
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
  if (users.table) {
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
    // (principals of the account through DynamoDB; DynamoDB itself describes the key).
    statements.push(
      new iam.PolicyStatement({
        sid: 'AccountUsesTableThroughDynamoDB',
        principals: [new iam.AnyPrincipal()],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          ...RE_ENCRYPT,
          ...GENERATE_DATA_KEY,
          'kms:DescribeKey',
          'kms:CreateGrant',
        ],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': account,
            'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com`,
          },
        },
      }),
      new iam.PolicyStatement({
        sid: 'DynamoDBDescribesKey',
        principals: [new iam.ServicePrincipal('dynamodb.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
    );
  }
  if (users.logGroups) {
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    statements.push(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', ...RE_ENCRYPT, ...GENERATE_DATA_KEY, 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${account}:log-group:*`,
          },
        },
      }),
    );
  }
  return statements;
}
