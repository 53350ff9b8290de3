/**
 * Template assertions for the auditor stack: every resource and its security properties.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { RULE_STATE_ALL_MANAGEMENT } from '../../lib/event-patterns';
import { allStatements, asArray, auditorStack, logicalId, resolveIntrinsics } from './helpers';

type Json = Parameters<typeof resolveIntrinsics>[0];

describe('AuditorStack, single-account defaults', () => {
  const { template } = auditorStack();

  it('creates one trail with advanced selectors: management events, and S3 object data events of every bucket except its own log bucket', () => {
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    expect(trail.EventSelectors).toBeUndefined(); // basic and advanced selectors are exclusive
    expect(trail.IsMultiRegionTrail).toBe(false);
    expect(trail.EnableLogFileValidation).toBe(true);
    const bucketId = logicalId(template, 'AWS::S3::Bucket', 'LogBucket');
    expect(trail.AdvancedEventSelectors).toEqual([
      {
        Name: 'Management events (read and write)',
        FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }],
      },
      {
        Name: 'S3 data events of every bucket',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
          {
            Field: 'resources.ARN',
            NotStartsWith: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/']] }],
          },
        ],
      },
    ]);
  });

  it('log bucket: SSE, versioned, Block Public Access, ACLs disabled, lifecycle expiry of 90 days, retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('log bucket policy denies non-TLS requests and lets only CloudTrail write, for this trail', () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0]!.Properties
      .PolicyDocument;
    const statements = policy.Statement as Array<Record<string, Json>>;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
    );
    const writes = statements.filter((s) => s.Action === 's3:PutObject' && s.Effect === 'Allow');
    expect(writes).toHaveLength(1);
    expect(writes[0]!.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
    // Both CloudTrail statements name this trail (aws:SourceArn), built from the trail's name, which is the
    // real trail's name: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    const trailArn = `arn:aws:cloudtrail:us-east-1:111122223333:trail/${String(resolveIntrinsics(trail.TrailName))}`;
    const cloudTrail = (resolveIntrinsics(statements as Json) as Array<Record<string, Json>>).filter(
      (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudtrail.amazonaws.com' }),
    );
    expect(cloudTrail.map((s) => s.Action).sort()).toEqual(['s3:GetBucketAcl', 's3:PutObject']);
    for (const s of cloudTrail) {
      expect((s.Condition as Record<string, Record<string, Json>>).StringEquals!['aws:SourceArn']).toBe(
        trailArn,
      );
    }
  });

  it('two rules on the default bus, both ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS, targeting the queue with a DLQ', () => {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(2);
    const queueId = logicalId(template, 'AWS::SQS::Queue', 'EventQueue');
    const dlqId = logicalId(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
    for (const rule of rules) {
      expect(rule.Properties.State).toBe(RULE_STATE_ALL_MANAGEMENT);
      expect(rule.Properties.EventBusName).toBeUndefined();
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        }),
      ]);
    }
  });

  it('S3 rule pattern: aws.s3 API calls with the four denial codes, loop guard on the function role', () => {
    const roleId = logicalId(template, 'AWS::IAM::Role', 'FunctionRole');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['s3.amazonaws.com'],
          errorCode: ['AccessDenied', 'AllAccessDisabled', 'AccountProblem', 'AccessControlListNotSupported'],
          userIdentity: {
            sessionContext: {
              sessionIssuer: {
                arn: [{ exists: false }, { 'anything-but': [{ 'Fn::GetAtt': [roleId, 'Arn'] }] }],
              },
            },
          },
        },
      },
    });
  });

  it('KMS rule pattern: kms denials whose encryption context names an S3 resource', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.kms'],
        detail: Match.objectLike({
          eventSource: ['kms.amazonaws.com'],
          errorCode: ['AccessDenied', 'AccessDeniedException'],
          requestParameters: { encryptionContext: { 'aws:s3:arn': [{ exists: true }] } },
        }),
      }),
    });
  });

  it('queues: SQS-managed SSE, TLS-only policies, redrive after 5 receives, visibility 6x the function timeout', () => {
    const dlqId = logicalId(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('EventBridge may send only from its own rules (aws:SourceArn)', () => {
    const sends = allStatements(template).filter((s) => s.Action === 'sqs:SendMessage');
    expect(sends.length).toBeGreaterThanOrEqual(2);
    for (const s of sends) {
      expect(s.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(Object.keys((s.Condition as Record<string, Json>).ArnEquals as object)).toEqual([
        'aws:SourceArn',
      ]);
    }
  });

  it('alarm fires when the dead-letter queue holds a message', () => {
    const dlqId = logicalId(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });
  });

  it('Lambda: Node.js 22 on arm64, bounded concurrency, sized, with the handler environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 5,
      Timeout: 60,
      MemorySize: 512,
      Environment: {
        Variables: Match.objectLike({
          SNS_TOPIC_ARN: { Ref: logicalId(template, 'AWS::SNS::Topic') },
          DEDUP_TABLE_NAME: { Ref: logicalId(template, 'AWS::DynamoDB::Table') },
          DEDUP_WINDOW_SECONDS: '900',
          CACHE_TTL_SECONDS: '300',
          REDACT_KEYS: 'false',
          AUDITOR_ROLE_ARN: { 'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', 'FunctionRole'), 'Arn'] },
          POWERTOOLS_SERVICE_NAME: 's3-403',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        }),
      },
    });
    const env = Object.values(template.findResources('AWS::Lambda::Function'))[0]!.Properties.Environment
      .Variables;
    expect(env.SLACK_SECRET_NAME).toBeUndefined();
    expect(env.MEMBER_ROLE_NAME).toBeUndefined();
    // no source map is shipped by default, so the runtime is not asked to load one (issue 15)
    expect(env.NODE_OPTIONS).toBeUndefined();
  });

  it('the queue feeds the Lambda with partial batch responses and a concurrency cap', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('log group with a retention of 30 days', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('SNS topic: customer managed key with rotation, TLS-only topic policy, no subscription without alertEmail', () => {
    const keyId = logicalId(template, 'AWS::KMS::Key');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const topicPolicy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0]!.Properties
      .PolicyDocument;
    expect(topicPolicy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('key policy: the account administers the key, only the function role uses it through SNS, alarms and rules publish, grants only for AWS resources', () => {
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0]!.Properties.KeyPolicy;
    const statements = resolveIntrinsics(key.Statement as Json, {
      [logicalId(template, 'AWS::IAM::Role', 'FunctionRole')]: 'arn:aws:iam::111122223333:role/fn',
    }) as Array<Record<string, Json>>;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s])) as Record<
      string,
      Record<string, Json>
    >;
    expect(Object.keys(bySid).sort()).toEqual([
      'AuditorPublishesThroughSns',
      'CloudWatchAlarmsPublish',
      'EventBridgeRulesPublish',
      'GrantsOnlyForAwsResources',
      'KeyAdministrationByAccount',
    ]);
    const admin = bySid.KeyAdministrationByAccount!;
    expect(admin.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    const adminActions = asArray(admin.Action as string[]);
    for (const usage of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:*']) {
      expect(adminActions).not.toContain(usage);
    }
    const use = bySid.AuditorPublishesThroughSns!;
    expect(use.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:role/fn' });
    expect(asArray(use.Action as string[]).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(use.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' } });
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    expect(bySid.CloudWatchAlarmsPublish!.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(bySid.CloudWatchAlarmsPublish!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
    });
    expect(bySid.EventBridgeRulesPublish!.Principal).toEqual({ Service: 'events.amazonaws.com' });
    // Control Tower CT.KMS.PR.3: kms:CreateGrant only when an AWS service asks for an AWS resource
    expect(bySid.GrantsOnlyForAwsResources).toEqual({
      Sid: 'GrantsOnlyForAwsResources',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    });
  });

  it('dedup table: partition key pk (string), TTL expiresAt, on-demand, PITR, encrypted', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('is environment-agnostic: no account or region is baked into the template', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/\b\d{12}\b/);
    expect(text).not.toMatch(/(us|eu|ap|sa|ca|me|af)-(east|west|north|south|central|northeast|southeast)-\d/);
  });
});

describe('AuditorStack options', () => {
  it('scopes data events to the chosen buckets and still excludes the log bucket', () => {
    const { template } = auditorStack({ buckets: ['alpha-data', 'beta-data'] });
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    const arnSelector = (
      trail.AdvancedEventSelectors as Array<{ FieldSelectors: Array<Record<string, Json>> }>
    )[1]!.FieldSelectors.find((f) => f.Field === 'resources.ARN')!;
    expect(resolveIntrinsics(arnSelector.StartsWith as Json)).toEqual([
      'arn:aws:s3:::alpha-data/',
      'arn:aws:s3:::beta-data/',
    ]);
    expect(arnSelector.NotStartsWith).toHaveLength(1);
  });

  it('existingTrail creates no trail and no log bucket, but the rest', () => {
    const { template } = auditorStack({ existingTrail: true });
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  it('includeManagementEvents=false leaves only the data-event selector', () => {
    const { template } = auditorStack({ includeManagementEvents: false });
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    expect(trail.AdvancedEventSelectors).toHaveLength(1);
  });

  it('alertEmail subscribes the address; slackSecretName is passed by name only', () => {
    const { template } = auditorStack({ alertEmail: 'sec@example.com', slackSecretName: 's3-403/slack' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'sec@example.com',
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SLACK_SECRET_NAME: 's3-403/slack' }) },
    });
  });

  it('dedup window, cache TTL, retention, expiry, concurrency and redaction follow the props', () => {
    const { Duration } = jest.requireActual<typeof import('aws-cdk-lib')>('aws-cdk-lib');
    const { RetentionDays } =
      jest.requireActual<typeof import('aws-cdk-lib/aws-logs')>('aws-cdk-lib/aws-logs');
    const { template } = auditorStack({
      dedupWindow: Duration.minutes(30),
      cacheTtl: Duration.seconds(60),
      logRetention: RetentionDays.ONE_WEEK,
      trailLogExpiration: Duration.days(30),
      reservedConcurrency: 1,
      redactKeys: true,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          DEDUP_WINDOW_SECONDS: '1800',
          CACHE_TTL_SECONDS: '60',
          REDACT_KEYS: 'true',
        }),
      },
    });
    // maximum concurrency of an SQS event source is at least 2, so none is set below that
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0]!.Properties;
    expect(mapping.ScalingConfig).toBeUndefined();
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30 })]) },
    });
  });

  it.each([
    [{ buckets: ['Not_A_Bucket'] }, /buckets: "Not_A_Bucket" is not a valid S3 bucket name/],
    [{ reservedConcurrency: 0 }, /reservedConcurrency: 0 must be a positive integer/],
    [{ alertEmail: 'nobody' }, /alertEmail: "nobody" is not an e-mail address/],
    [{ centralBus: { organizationId: 'org-1' } }, /organizationId: "org-1" is not an organization id/],
  ])('rejects bad props with one line: %j', (props, message) => {
    expect(() => auditorStack(props)).toThrow(message);
  });
});

describe('AuditorStack, central (organization) mode', () => {
  const { template } = auditorStack({ centralBus: { organizationId: 'o-abcdefghij' } });

  it('creates the organization bus whose policy accepts PutEvents only from the organization', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 's3-403-central' });
    const busId = logicalId(template, 'AWS::Events::EventBus');
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: { Ref: busId },
      Statement: {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
      },
    });
  });

  it('puts both denial rules on the organization bus as well, and routes member dead-letter alarms to the topic', () => {
    const busId = logicalId(template, 'AWS::Events::EventBus');
    const onBus = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => JSON.stringify(r.Properties.EventBusName) === JSON.stringify({ Ref: busId }),
    );
    const denials = onBus.filter((r) => r.Properties.EventPattern.source[0] !== 'aws.cloudwatch');
    expect(denials).toHaveLength(2);
    for (const r of denials) expect(r.Properties.State).toBe(RULE_STATE_ALL_MANAGEMENT);
    const alarms = onBus.filter((r) => r.Properties.EventPattern.source[0] === 'aws.cloudwatch');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties.Targets[0].Arn).toEqual({ Ref: logicalId(template, 'AWS::SNS::Topic') });
  });

  it('names the function role so member stacks can trust it, and tells the Lambda the member role name', () => {
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 's3-403-auditor' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MEMBER_ROLE_NAME: 's3-403-reader' }) },
    });
  });

  it('outputs the bus ARN and the role ARN for the StackSet parameters', () => {
    template.hasOutput('CentralEventBusArn', {});
    template.hasOutput('AuditorRoleArn', {});
  });
});
