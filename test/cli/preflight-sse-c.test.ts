/**
 * `s3-403 preflight --blocked-encryption BUCKET=SSE-C|NONE`: before blocking SSE-C on a general purpose bucket,
 * which recorded uploads specify SSE-C and would then be refused. "When SSE-C is blocked for a bucket, any PutObject,
 * CopyObject, PostObject, Multipart Upload, or replication request that specifies SSE-C encryption will be rejected
 * with an HTTP 403 AccessDenied error"; reads of existing SSE-C objects keep working
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html). Since April
 * 2026 AWS blocks it by default on new buckets, so the reverse question (NONE: which refused uploads would pass) is
 * asked too.
 */
import type { PreflightReport } from '../../lambdas/core/preflight/types';
import { A, recordFor, snapshotOf, type Stmt } from '../core/world';
import { preflightOver, recorded } from './preflight-replay';

const OPEN = 'legacy-vault';
const BLOCKED = 'new-vault';
const write: Stmt = { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: '*' };
const SSE_C = { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' };

const snapshot = JSON.stringify(
  snapshotOf({
    roles: [
      { account: A, name: 'Legacy', statements: [write] },
      { account: A, name: 'Modern', statements: [write] },
    ],
    buckets: {
      [OPEN]: { account: A, encryption: { algorithm: 'AES256', blocked: ['NONE'] }, objects: {} },
      [BLOCKED]: { account: A, encryption: { algorithm: 'AES256', blocked: ['SSE-C'] }, objects: {} },
    },
  }),
);

/** A recorded call by `role` on `bucket`, with or without SSE-C: allowed, or denied as CloudTrail records it. */
function call(role: string, bucket: string, eventName: string, sseC: boolean, allowed: boolean, i: number) {
  const key = `${eventName}-${sseC ? 'sse-c' : 'default'}.bin`;
  return recorded(
    recordFor({ account: A, role, bucket, key, eventName, params: sseC ? SSE_C : {} }),
    allowed,
    i,
  );
}

const preflight = preflightOver(snapshot, [
  call('Legacy', OPEN, 'PutObject', true, true, 1),
  call('Legacy', OPEN, 'PutObject', true, true, 2),
  call('Legacy', OPEN, 'GetObject', true, true, 3),
  call('Modern', OPEN, 'PutObject', false, true, 4),
  call('Legacy', BLOCKED, 'PutObject', true, false, 5),
]);

describe('preflight --blocked-encryption', () => {
  it('blocking SSE-C on the legacy bucket: its SSE-C uploads newly denied (sse-c-blocked), reads and plain uploads not', async () => {
    const { code, io } = await preflight(['--blocked-encryption', `${OPEN}=SSE-C`]);
    expect(io.stderrText()).toBe('');
    expect(code).toBe(4);
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.requests).toBe(5);
    expect(report.newlyDenied.map((i) => [i.principal, i.count])).toEqual([
      [`arn:aws:sts::${A}:assumed-role/Legacy/s1`, 2],
    ]);
    expect(report.newlyDenied[0]?.after.rootCauses[0]?.id).toBe('sse-c-blocked');
    expect(report.newlyAllowed).toEqual([]);
    expect(report.unknown).toEqual([]);
  });

  it('allowing SSE-C on the new bucket: the refused SSE-C upload is newly allowed; exit 0', async () => {
    const { code, io } = await preflight(['--blocked-encryption', `${BLOCKED}=none`]);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.newlyDenied).toEqual([]);
    expect(report.newlyAllowed.map((i) => i.principal)).toEqual([`arn:aws:sts::${A}:assumed-role/Legacy/s1`]);
  });

  it.each([
    [[`${OPEN}=SSE-KMS`], /the blocked type is SSE-C or NONE, not "SSE-KMS"/],
    [['other-bucket=SSE-C'], /the snapshot has no bucket other-bucket/],
    [[`${OPEN}#x=SSE-C`], /a bucket has one set of blocked encryption types: no #NAME/],
    [[`${OPEN}=SSE-C`, `${OPEN}=NONE`], /names legacy-vault twice: give one value for it/],
  ])('--blocked-encryption %j: one clear line, exit 2', async (specs, message) => {
    const { code, io } = await preflight(specs.flatMap((spec) => ['--blocked-encryption', spec]));
    expect(code).toBe(2);
    expect(io.stderrText()).toMatch(message);
    expect(io.stderrText().trim().split('\n')).toHaveLength(1);
  });
});
