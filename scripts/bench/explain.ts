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
import { ACCT, benchAccount, benchEvents, BUCKETS, bucketName, MANAGED, ROLES } from './workload';

const EVENTS = 3000;

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
  const { accounts, sessions } = benchAccount(['ou-bench-1', 'r-bench']);
  const fullAccess = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const snapshot = {
    snapshotVersion: 1,
    accounts,
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

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

export async function benchExplain(): Promise<Record<string, number>> {
  let peak = process.memoryUsage().rss;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const text = benchSnapshotText();
  const events = benchEvents(EVENTS);
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
