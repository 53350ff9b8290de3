/**
 * No denial without a cause: every request the engine denies (or cannot decide) over the example account names at
 * least one root cause. A sweep of every principal of the snapshot, an anonymous caller and a partner role, over
 * object and bucket actions on every bucket. It found that an unsigned request to a private bucket named none (the
 * finding said "every layer that could be read allows this request").
 * Anonymous requests are granted only by the bucket side:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { simulate, type SimulationRequest } from '../../lambdas/core/simulate';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = join(__dirname, '..', '..');
const text = readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8');
const snapshot = JSON.parse(text) as Json;
const view = new SnapshotView(loadSnapshot(text, 'examples/snapshot.json'));
const now = new Date('2026-11-20T10:15:00Z');

const principals: string[] = ['*', 'arn:aws:iam::444455556666:role/PartnerReader'];
for (const account of Object.values(snapshot['accounts'] as Record<string, Json>)) {
  const details = (account['authorizationDetails'] ?? {}) as Json;
  for (const r of details['RoleDetailList'] ?? []) principals.push(r['Arn']);
  for (const u of details['UserDetailList'] ?? []) principals.push(u['Arn']);
}

const requests: SimulationRequest[] = [];
for (const [bucket, b] of Object.entries(snapshot['buckets'] as Record<string, Json>)) {
  const key = Object.keys((b['objects'] ?? {}) as Json)[0] ?? 'any/key.txt';
  for (const principal of principals) {
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'])
      requests.push({ principal, action, resource: `arn:aws:s3:::${bucket}/${key}`, context: {} });
    for (const action of ['s3:ListBucket', 's3:GetBucketPolicy', 's3:PutBucketAcl'])
      requests.push({ principal, action, resource: `arn:aws:s3:::${bucket}`, context: {} });
  }
}

describe('no denial without a cause', () => {
  it(`every denied or undecided request of the sweep (${requests.length} requests) names a root cause`, () => {
    const silent: string[] = [];
    let denied = 0;
    for (const r of requests) {
      const sim = simulate(r, view, { now });
      if (sim.decision === 'allowed') continue;
      denied++;
      if (sim.rootCauses.length === 0)
        silent.push(`${sim.decision}: ${r.principal} ${r.action} ${r.resource}`);
    }
    // the sweep reaches denials of many kinds, not only allowed requests
    expect(denied).toBeGreaterThan(requests.length / 2);
    expect(silent).toEqual([]);
  });
});
