/**
 * Benchmark of `explain` on a large snapshot (issue 4): 1,000 roles, 2,000 managed policies, 500 buckets.
 * Prints the snapshot load time, explain throughput (events/s) and latency p50 / p99 per event (reader ->
 * snapshot view -> analyze), and the peak memory. Targets: p50 < 1 ms, load < 1 s, < 300 MB.
 * Run alone with `npx tsx scripts/bench/explain.ts`, or through `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { analyze } from '../../lambdas/core/analyze';
import { readDenials } from '../../lambdas/core/event';

const ACCT = '111122223333';
const ROLES = 1000;
const MANAGED = 2000;
const BUCKETS = 500;
const EVENTS = 3000;

const bucketName = (i: number): string => `bench-bucket-${String(i).padStart(3, '0')}`;

function managedPolicy(i: number): Record<string, unknown> {
  const b = bucketName(i % BUCKETS);
  const statements = [
    {
      Sid: `Read${i}`,
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/team-${i % 7}/*`],
    },
    {
      Sid: `Write${i}`,
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${b}/incoming/*`,
      Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'AES256' } },
    },
    { Sid: `NoDelete${i}`, Effect: 'Deny', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${b}/*` },
    { Sid: `Other${i}`, Effect: 'Allow', Action: ['ec2:Describe*', 'sqs:SendMessage'], Resource: '*' },
  ];
  return {
    PolicyName: `bench-policy-${i}`,
    PolicyId: `ANPABENCH${String(i).padStart(11, '0')}`,
    Arn: `arn:aws:iam::${ACCT}:policy/bench-policy-${i}`,
    Path: '/',
    DefaultVersionId: 'v1',
    PolicyVersionList: [
      { Document: { Version: '2012-10-17', Statement: statements }, VersionId: 'v1', IsDefaultVersion: true },
    ],
  };
}

function role(i: number): Record<string, unknown> {
  return {
    Path: '/',
    RoleName: `bench-role-${i}`,
    RoleId: `AROABENCH${String(i).padStart(11, '0')}`,
    Arn: `arn:aws:iam::${ACCT}:role/bench-role-${i}`,
    RolePolicyList: [
      {
        PolicyName: 'inline',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:GetObjectTagging',
              Resource: `arn:aws:s3:::${bucketName(i % BUCKETS)}/*`,
            },
          ],
        },
      },
    ],
    AttachedManagedPolicies: [0, 1].map((k) => ({
      PolicyName: `bench-policy-${(2 * i + k) % MANAGED}`,
      PolicyArn: `arn:aws:iam::${ACCT}:policy/bench-policy-${(2 * i + k) % MANAGED}`,
    })),
    Tags: [{ Key: 'team', Value: `team-${i % 7}` }],
  };
}

function bucket(i: number): Record<string, unknown> {
  const owner = { ID: 'c'.repeat(64) };
  return {
    accountId: ACCT,
    region: 'us-east-1',
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecure',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${bucketName(i)}`, `arn:aws:s3:::${bucketName(i)}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: 'DenyOutsideOffice',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${bucketName(i)}/*`,
          Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } },
        },
        {
          Sid: 'Partner',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:root' },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${bucketName(i)}/shared/*`,
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
    encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    acl: {
      Owner: owner,
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: owner.ID }, Permission: 'FULL_CONTROL' }],
    },
    objects: { 'team-1/report.csv': { exists: true, ServerSideEncryption: 'AES256', ownerAccountId: ACCT } },
  };
}

export function benchSnapshotText(): string {
  const sessions: Record<string, unknown> = {};
  for (let i = 0; i < ROLES; i++)
    sessions[`arn:aws:sts::${ACCT}:assumed-role/bench-role-${i}/s`] = { Policy: null };
  const fullAccess = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const snapshot = {
    snapshotVersion: 1,
    accounts: {
      [ACCT]: {
        publicAccessBlock: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
        authorizationDetails: {
          UserDetailList: [],
          GroupDetailList: [],
          RoleDetailList: Array.from({ length: ROLES }, (_, i) => role(i)),
          Policies: Array.from({ length: MANAGED }, (_, i) => managedPolicy(i)),
        },
        organizationPath: ['ou-bench-1', 'r-bench'],
      },
    },
    organization: {
      Id: 'o-bench',
      Accounts: [{ Id: ACCT }],
      serviceControlPolicies: [
        {
          Id: 'p-FullAWSAccess',
          Name: 'FullAWSAccess',
          Targets: ['r-bench', 'ou-bench-1', ACCT],
          Content: fullAccess,
        },
        {
          Id: 'p-nodelete',
          Name: 'NoBucketDelete',
          Targets: ['ou-bench-1'],
          Content: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }],
          },
        },
      ],
      resourceControlPolicies: [
        {
          Id: 'p-RCPFullAWSAccess',
          Name: 'RCPFullAWSAccess',
          Targets: ['r-bench', 'ou-bench-1', ACCT],
          Content: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
          },
        },
      ],
    },
    buckets: Object.fromEntries(Array.from({ length: BUCKETS }, (_, i) => [bucketName(i), bucket(i)])),
    sessions,
    recentChanges: [],
  };
  return JSON.stringify(snapshot);
}

const OPS = [
  { eventName: 'GetObject', key: 'team-1/report.csv' },
  { eventName: 'PutObject', key: 'incoming/upload.csv' },
  { eventName: 'DeleteObject', key: 'team-1/report.csv' },
  { eventName: 'ListObjectsV2', key: null },
] as const;

export function benchEvents(n = EVENTS): string[] {
  return Array.from({ length: n }, (_, i) => {
    const r = (i * 7919) % ROLES;
    const op = OPS[i % OPS.length]!;
    const b = bucketName((i * 31) % BUCKETS);
    return JSON.stringify({
      eventVersion: '1.10',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROABENCH${String(r).padStart(11, '0')}:s`,
        arn: `arn:aws:sts::${ACCT}:assumed-role/bench-role-${r}/s`,
        accountId: ACCT,
        accessKeyId: 'ASIABENCH0000000000',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: `AROABENCH${String(r).padStart(11, '0')}`,
            arn: `arn:aws:iam::${ACCT}:role/bench-role-${r}`,
            accountId: ACCT,
            userName: `bench-role-${r}`,
          },
          attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' },
        },
      },
      eventTime: '2026-11-20T10:15:00Z',
      eventSource: 's3.amazonaws.com',
      eventName: op.eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: i % 2 ? '203.0.113.9' : '198.51.100.7',
      errorCode: 'AccessDenied',
      errorMessage: 'Access Denied',
      requestParameters: {
        bucketName: b,
        Host: `${b}.s3.us-east-1.amazonaws.com`,
        ...(op.key ? { key: op.key } : {}),
      },
      additionalEventData: {
        SignatureVersion: 'SigV4',
        CipherSuite: 'TLS_AES_128_GCM_SHA256',
        AuthenticationMethod: 'AuthHeader',
      },
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' },
      eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      readOnly: op.eventName !== 'PutObject' && op.eventName !== 'DeleteObject',
      resources: [
        ...(op.key ? [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${b}/${op.key}` }] : []),
        { accountId: ACCT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` },
      ],
      eventType: 'AwsApiCall',
      recipientAccountId: ACCT,
      eventCategory: 'Data',
    });
  });
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

export async function benchExplain(): Promise<Record<string, number>> {
  let peak = process.memoryUsage().rss;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const text = benchSnapshotText();
  const events = benchEvents();
  sample();

  const t0 = performance.now();
  const view = new SnapshotView(loadSnapshot(text, 'bench-snapshot.json'));
  const loadMs = performance.now() - t0;
  sample();

  // warm-up: JIT and the view's caches, as in a long-running Lambda or a batch CLI run
  for (const e of events.slice(0, 200))
    for (const r of readDenials(e, 'bench')) analyze(r, view.gatherSync(r));

  const latencies: number[] = [];
  let verdicts = 0;
  const start = performance.now();
  for (const [i, e] of events.entries()) {
    const t = performance.now();
    for (const r of readDenials(e, 'bench')) {
      const f = analyze(r, view.gatherSync(r));
      if (f.verdict === 'explained') verdicts++;
    }
    latencies.push(performance.now() - t);
    if (i % 250 === 0) sample();
  }
  const totalMs = performance.now() - start;
  sample();
  latencies.sort((a, b) => a - b);
  const result = {
    snapshotBytes: text.length,
    snapshotLoadMs: Math.round(loadMs * 10) / 10,
    events: events.length,
    explained: verdicts,
    eventsPerSecond: Math.round((events.length / totalMs) * 1000),
    p50Ms: Math.round(percentile(latencies, 50) * 1000) / 1000,
    p99Ms: Math.round(percentile(latencies, 99) * 1000) / 1000,
    peakRssMb: mb(peak),
  };
  console.log(
    `snapshot: ${ROLES} roles, ${MANAGED} managed policies, ${BUCKETS} buckets, ${mb(text.length)} MB of JSON`,
  );
  console.log(`load ${result.snapshotLoadMs} ms (target < 1000 ms)`);
  console.log(
    `explain ${result.events} events: ${result.eventsPerSecond} events/s, p50 ${result.p50Ms} ms (target < 1 ms), p99 ${result.p99Ms} ms`,
  );
  console.log(
    `explained ${result.explained}/${result.events}; peak RSS ${result.peakRssMb} MB (target < 300 MB)`,
  );
  return result;
}

if (require.main === module) {
  benchExplain().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
