/**
 * `s3-403 preflight --bucket-abac BUCKET=Enabled|Disabled`: before enabling ABAC on a general purpose bucket, which
 * recorded requests its tags would then deny or allow. AWS asks for this audit: "Before you enable ABAC for your
 * bucket, if your bucket has tags, audit your access control policies to review if tag-based conditions reference
 * any of the existing tags on your buckets" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html).
 */
import type { PreflightReport } from '../../lambdas/core/preflight/types';
import { A, recordFor, snapshotOf, type Stmt } from '../core/world';
import { preflightOver, recorded } from './preflight-replay';

const BUCKET = 'prod-data';
const readAll: Stmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
/** Only the Admin and Auditor roles may read what is tagged env=prod (a tag guard that ABAC off leaves inert). */
const guard: Stmt = {
  Sid: 'ProdForAdminsOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: {
    StringEquals: { 'aws:ResourceTag/env': 'prod' },
    ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::${A}:role/Admin`, `arn:aws:iam::${A}:role/Auditor`] },
  },
};
/** The Auditor may read only what is tagged env=prod (an ABAC grant that ABAC off leaves unmatched). */
const auditorAllow: Stmt = {
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: '*',
  Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
};

const snapshot = JSON.stringify(
  snapshotOf({
    roles: [
      { account: A, name: 'App', statements: [readAll] },
      { account: A, name: 'Admin', statements: [readAll] },
      { account: A, name: 'Auditor', statements: [auditorAllow] },
    ],
    buckets: {
      [BUCKET]: { account: A, policy: [guard], abac: false, tags: { env: 'prod' }, objects: { 'k.csv': {} } },
    },
  }),
);

/** A recorded GetObject of k.csv by `role`: allowed, or denied as CloudTrail records it. */
const call = (role: string, allowed: boolean, i: number) =>
  recorded(recordFor({ account: A, role, bucket: BUCKET, key: 'k.csv' }), allowed, i);

const preflight = preflightOver(snapshot, [
  call('App', true, 1),
  call('App', true, 2),
  call('Admin', true, 3),
  call('Auditor', false, 4),
]);

describe('preflight --bucket-abac', () => {
  it('enabling ABAC wakes the tag guard (App newly denied, Admin still allowed) and the ABAC grant (Auditor newly allowed)', async () => {
    const { code, io } = await preflight(['--bucket-abac', `${BUCKET}=Enabled`]);
    expect(io.stderrText()).toBe('');
    expect(code).toBe(4);
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.requests).toBe(4);
    expect(report.newlyDenied.map((i) => [i.principal, i.count])).toEqual([
      [`arn:aws:sts::${A}:assumed-role/App/s1`, 2],
    ]);
    const cause = report.newlyDenied[0]?.after.rootCauses[0];
    expect(cause?.id).toBe('bucket-policy-explicit-deny');
    expect(cause?.evidence.map((e) => e.statement)).toContain('ProdForAdminsOnly');
    expect(report.newlyAllowed.map((i) => i.principal)).toEqual([
      `arn:aws:sts::${A}:assumed-role/Auditor/s1`,
    ]);
    expect(report.unknown).toEqual([]);
  });

  it('"Disabled" on a bucket that has ABAC off changes nothing: exit 0', async () => {
    const { code, io } = await preflight(['--bucket-abac', `${BUCKET}=disabled`]);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.newlyDenied).toEqual([]);
    expect(report.newlyAllowed).toEqual([]);
  });

  it.each([
    [[`${BUCKET}=On`], /the status is Enabled or Disabled, not "On"/],
    [['other-bucket=Enabled'], /the snapshot has no bucket other-bucket/],
    [[`${BUCKET}#x=Enabled`], /a bucket has one ABAC status: no #NAME/],
    [[`${BUCKET}=Enabled`, `${BUCKET}=Disabled`], /names prod-data twice: give one status for it/],
  ])('--bucket-abac %j: one clear line, exit 2', async (specs, message) => {
    const { code, io } = await preflight(specs.flatMap((spec) => ['--bucket-abac', spec]));
    expect(code).toBe(2);
    expect(io.stderrText()).toMatch(message);
    expect(io.stderrText().trim().split('\n')).toHaveLength(1);
  });
});
