/**
 * Encryption at rest. Default: AWS owned/managed keys (SSE-S3, SQS-managed SSE, the DynamoDB owned key, CloudWatch
 * Logs' own encryption) and a customer managed key for the alert topic. With `-c encryptionKey=customer` one
 * customer managed key (rotation on) encrypts the trail logs, the log bucket, both queues, the dedup table and the
 * log group, and its key policy carries, per service, the statements that service documents, each scoped:
 *  - CloudTrail: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 *  - SQS with EventBridge as producer: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 *  - DynamoDB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
 *  - CloudWatch Logs: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
import { ACCOUNT, asArray, auditorStack, logicalId, resolveIntrinsics, STACK_NAME } from './helpers';

type Json = Parameters<typeof resolveIntrinsics>[0];
type Statement = Record<string, Json>;

const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${STACK_NAME}-s3-denials`;

describe('encryptionKey=aws (default)', () => {
  const { template } = auditorStack();

  it('creates only the topic key; queues, table, bucket and log group use AWS keys', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    for (const q of Object.values(template.findResources('AWS::SQS::Queue'))) {
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    }
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!.Properties;
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
    const logGroup = Object.values(template.findResources('AWS::Logs::LogGroup'))[0]!.Properties;
    expect(logGroup.KmsKeyId).toBeUndefined();
  });
});

describe('encryptionKey=customer', () => {
  const { template } = auditorStack({ encryptionKey: 'customer' });
  const keyId = logicalId(template, 'AWS::KMS::Key', 'DataKey');
  const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
  const statements = resolveIntrinsics(
    template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement as Json,
    { [logicalId(template, 'AWS::IAM::Role', 'FunctionRole')]: `arn:aws:iam::${ACCOUNT}:role/fn` },
  ) as Statement[];
  const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s])) as Record<string, Statement>;

  it('one rotating data key encrypts the trail, the log bucket, both queues, the table and the log group', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    expect(trail.KMSKeyId).toEqual(keyArn);
    const bucket = Object.values(template.findResources('AWS::S3::Bucket'))[0]!.Properties;
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: keyArn,
    });
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(2);
    for (const q of queues) expect(q.Properties.KmsMasterKeyId).toEqual(keyArn);
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!.Properties;
    expect(table.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn });
    const logGroup = Object.values(template.findResources('AWS::Logs::LogGroup'))[0]!.Properties;
    expect(logGroup.KmsKeyId).toEqual(keyArn);
  });

  it('the trail ARN the policies name is the real trail: its name is the stack name and a fixed suffix', () => {
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    expect(
      `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${String(resolveIntrinsics(trail.TrailName))}`,
    ).toBe(TRAIL_ARN);
  });

  it('CloudTrail may encrypt only for this trail (aws:SourceArn) and trail encryption contexts of this account', () => {
    expect(bySid.CloudTrailEncryptsThisTrailsLogs).toMatchObject({
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey',
      Condition: {
        StringEquals: { 'aws:SourceArn': TRAIL_ARN },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
      },
    });
    expect(bySid.CloudTrailDescribesKey).toMatchObject({
      Action: 'kms:DescribeKey',
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    });
    expect(bySid.AccountReadsTrailLogs).toMatchObject({
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } },
    });
  });

  it('EventBridge sends to the queues; only the function receives, and only through SQS', () => {
    expect(bySid.EventBridgeSendsToQueues).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    });
    expect(bySid.FunctionReceivesFromQueues).toMatchObject({
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/fn` },
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } },
    });
  });

  it('principals of this account use the key only through DynamoDB; DynamoDB describes it', () => {
    expect(bySid.AccountUsesTableThroughDynamoDB).toMatchObject({
      Condition: {
        StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' },
      },
    });
    expect(asArray(bySid.AccountUsesTableThroughDynamoDB!.Action as string[])).toContain('kms:CreateGrant');
    expect(bySid.DynamoDBDescribesKey).toMatchObject({
      Principal: { Service: 'dynamodb.amazonaws.com' },
      Action: 'kms:DescribeKey',
    });
  });

  it("CloudWatch Logs may use it only for this account's log groups in this Region", () => {
    expect(bySid.CloudWatchLogsEncryptsLogGroups).toMatchObject({
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Condition: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:*` },
      },
    });
  });

  it('no statement allows kms:* or a wildcard action, and grants are only for AWS resources', () => {
    for (const s of statements) {
      for (const a of asArray(s.Action as string[])) expect(a).toMatch(/^kms:[A-Za-z]+$/);
    }
    expect(bySid.GrantsOnlyForAwsResources?.Effect).toBe('Deny');
  });
});
