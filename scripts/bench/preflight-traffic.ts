/**
 * Recorded S3 traffic for the preflight example (examples/preflight/) and bench (./preflight.ts): CloudTrail data
 * events on `reports-bucket` of examples/preflight/snapshot.json, as a trail delivers them. Deterministic:
 * record i is always the same.
 *
 * Who calls (the mix, per 20 records):
 * - 10: the ReportsEtl role's nightly job, through the VPC endpoint vpce-0a1b2c3d4e5f60718 (reads and writes);
 * -  4: alice from the office network 203.0.113.0/24;
 * -  2: alice from home (192.0.2.44);
 * -  3: the partner account's PartnerReader, from its own network (198.51.100.20), reading shared/;
 * -  1: bob, who may not delete, trying to delete (denied).
 */
type Rec = Record<string, unknown>;

const ACCOUNT = '111122223333';
const PARTNER = '444455556666';
const BUCKET = 'reports-bucket';
const BASE = Date.UTC(2026, 10, 20, 0, 0, 0);

const session = (account: string, role: string, roleId: string, name: string): Rec => ({
  type: 'AssumedRole',
  principalId: `${roleId}:${name}`,
  arn: `arn:aws:sts::${account}:assumed-role/${role}/${name}`,
  accountId: account,
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: roleId,
      arn: `arn:aws:iam::${account}:role/${role}`,
      accountId: account,
      userName: role,
    },
    attributes: { creationDate: '2026-11-20T00:00:00Z', mfaAuthenticated: 'false' },
  },
});

const user = (name: string, id: string): Rec => ({
  type: 'IAMUser',
  principalId: id,
  arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
  userName: name,
});

const ETL = session(ACCOUNT, 'ReportsEtl', 'AROAREPORTSETL000001', 'etl-nightly');
const PARTNER_READER = session(PARTNER, 'PartnerReader', 'AROAPARTNERREADER001', 'partner-sync');
const ALICE = user('alice', 'AIDAALICE00000000001');
const BOB = user('bob', 'AIDABOB0000000000001');

interface Call {
  readonly who: Rec;
  readonly eventName: string;
  readonly key: string;
  readonly ip: string;
  readonly vpce?: string;
  readonly denied?: boolean;
  readonly agent: string;
}

/** The call record i stands for; `days` object keys per writer (distinct requests grow with it). */
function call(i: number, days: number): Call {
  const slot = i % 20;
  const day = (Math.floor(i / 20) % days) + 1;
  if (slot < 10)
    return {
      who: ETL,
      eventName: slot % 3 === 0 ? 'PutObject' : 'GetObject',
      key: `reports/2026/11/day-${day}.csv`,
      ip: '10.0.3.17',
      vpce: 'vpce-0a1b2c3d4e5f60718',
      agent: '[aws-sdk-java/2.25.0]',
    };
  if (slot < 14)
    return {
      who: ALICE,
      eventName: 'GetObject',
      key: `reports/2026/11/day-${day}.csv`,
      ip: '203.0.113.10',
      agent: '[aws-cli/2.15.0]',
    };
  if (slot < 16)
    return {
      who: ALICE,
      eventName: 'GetObject',
      key: 'reports/2026/11/summary.csv',
      ip: '192.0.2.44',
      agent: '[aws-cli/2.15.0]',
    };
  if (slot < 19)
    return {
      who: PARTNER_READER,
      eventName: 'GetObject',
      key: 'shared/summary.csv',
      ip: '198.51.100.20',
      agent: '[Boto3/1.34.0]',
    };
  return {
    who: BOB,
    eventName: 'DeleteObject',
    key: `reports/2026/11/day-${day}.csv`,
    ip: '203.0.113.11',
    denied: true,
    agent: '[aws-cli/2.15.0]',
  };
}

/** Record i of the traffic (spread over one week, a few seconds apart). */
export function trafficRecord(i: number, total: number, days = 7): Rec {
  const c = call(i, days);
  const time = new Date(BASE + Math.floor((i * 7 * 86_400_000) / Math.max(1, total)))
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const host = `${BUCKET}.s3.us-east-1.amazonaws.com`;
  return {
    eventVersion: '1.09',
    userIdentity: c.who,
    eventTime: time,
    eventSource: 's3.amazonaws.com',
    eventName: c.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: c.ip,
    userAgent: c.agent,
    ...(c.denied ? { errorCode: 'AccessDenied', errorMessage: 'Access Denied' } : {}),
    requestParameters: { bucketName: BUCKET, Host: host, key: c.key },
    responseElements:
      c.eventName === 'PutObject' && !c.denied ? { 'x-amz-server-side-encryption': 'AES256' } : null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: c.eventName === 'PutObject' ? 1000 + (i % 5000) : 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': `Ex${i.toString(36)}AmPlE/${(i * 7919).toString(36)}=`,
      bytesTransferredOut: c.eventName === 'GetObject' ? 2000 + (i % 7000) : 0,
    },
    requestID: `R${i.toString(16).toUpperCase().padStart(12, '0')}`,
    eventID: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    readOnly: c.eventName === 'GetObject',
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${BUCKET}/${c.key}` },
      { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${BUCKET}` },
    ],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: ACCOUNT,
    ...(c.vpce ? { vpcEndpointId: c.vpce, vpcEndpointAccountId: ACCOUNT } : {}),
    eventCategory: 'Data',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: host,
    },
  };
}
