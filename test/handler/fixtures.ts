/** A small account (one role, one bucket with an IP-restricting Deny) and CloudTrail events against it. */
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';

export const ACCOUNT = '111122223333';
export const AUDITOR_ROLE_ARN = 'arn:aws:iam::999988887777:role/s3-403-auditor';

export const snapshotJson = {
  snapshotVersion: 1,
  capturedAt: '2026-11-20T10:00:00Z',
  accounts: {
    [ACCOUNT]: {
      publicAccessBlock: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      authorizationDetails: {
        UserDetailList: [],
        GroupDetailList: [],
        Policies: [],
        RoleDetailList: ['AppRole', ...Array.from({ length: 10 }, (_, i) => `App${i}`)].map((name, i) => ({
          RoleName: name,
          RoleId: `AROAAPPROLEEXAMPLE${String(i).padStart(3, '0')}`,
          Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
          Path: '/',
          RolePolicyList: [
            {
              PolicyName: 'ReadCorpData',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'Read',
                    Effect: 'Allow',
                    Action: ['s3:GetObject', 's3:ListBucket'],
                    Resource: ['arn:aws:s3:::corp-data', 'arn:aws:s3:::corp-data/*'],
                  },
                ],
              },
            },
          ],
          AttachedManagedPolicies: [],
        })),
      },
    },
  },
  buckets: {
    'corp-data': {
      accountId: ACCOUNT,
      region: 'us-east-1',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyNonOfficeIPs',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: ['arn:aws:s3:::corp-data', 'arn:aws:s3:::corp-data/*'],
            Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
          },
        ],
      },
      publicAccessBlock: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      ownershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    },
  },
};

export const snapshotView = (): SnapshotView =>
  new SnapshotView(loadSnapshot(JSON.stringify(snapshotJson), 'handler fixture'));

export interface RecordOptions {
  eventId?: string;
  role?: string;
  account?: string;
  key?: string;
  sourceIp?: string;
  errorCode?: string | null;
  eventName?: string;
}

/** A CloudTrail S3 data event: GetObject by an assumed-role session. */
export function cloudTrailRecord(o: RecordOptions = {}): Record<string, unknown> {
  const role = o.role ?? 'AppRole';
  const account = o.account ?? ACCOUNT;
  const key = o.key ?? 'reports/q3.csv';
  const errorCode = o.errorCode === undefined ? 'AccessDenied' : o.errorCode;
  return {
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAAPPROLEEXAMPLE001:s1`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/s1`,
      accountId: account,
      accessKeyId: 'ASIAEXAMPLEKEY000001',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAAPPROLEEXAMPLE001',
          arn: `arn:aws:iam::${account}:role/${role}`,
          accountId: account,
          userName: role,
        },
        attributes: { creationDate: '2026-11-28T00:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: '2026-11-28T01:02:03Z',
    eventSource: 's3.amazonaws.com',
    eventName: o.eventName ?? 'GetObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: o.sourceIp ?? '198.51.100.7',
    userAgent: '[aws-sdk-js/3.0]',
    ...(errorCode ? { errorCode, errorMessage: 'Access Denied' } : {}),
    requestParameters: { bucketName: 'corp-data', Host: 'corp-data.s3.us-east-1.amazonaws.com', key },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      AuthenticationMethod: 'AuthHeader',
      tlsVersion: 'TLSv1.3',
    },
    requestID: 'REQ',
    eventID: o.eventId ?? 'ev-0001',
    readOnly: true,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::corp-data/${key}` },
      { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::corp-data' },
    ],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Data',
  };
}

/** The EventBridge envelope ("AWS API Call via CloudTrail"). */
export function eventBridgeEvent(record: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: `eb-${String(record.eventID)}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.s3',
    account: ACCOUNT,
    time: '2026-11-28T01:02:03Z',
    region: 'us-east-1',
    resources: [],
    detail: record,
  };
}

/** An SQS batch whose messages carry EventBridge events (or raw bodies). */
export function sqsEvent(bodies: readonly (Record<string, unknown> | string)[]): {
  Records: Record<string, unknown>[];
} {
  return {
    Records: bodies.map((b, i) => ({
      messageId: `msg-${i}`,
      receiptHandle: `rh-${i}`,
      body: typeof b === 'string' ? b : JSON.stringify(b),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1764291723000',
        SenderId: 'AIDA',
        ApproximateFirstReceiveTimestamp: '1764291723000',
      },
      messageAttributes: {},
      md5OfBody: 'x',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:999988887777:s3-403-queue',
      awsRegion: 'us-east-1',
    })),
  };
}

/** A fake Lambda context object. */
export function lambdaContext(): Record<string, unknown> {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 's3-403-auditor',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:999988887777:function:s3-403-auditor',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/s3-403-auditor',
    logStreamName: '2026/11/28/[$LATEST]abc',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
