/**
 * `s3-403 preflight --mfa-delete BUCKET=Enabled|Disabled`: before turning MFA delete on (a CIS benchmark control), which
 * recorded requests would it break? "When you configure MFA delete, only the root user can permanently delete object
 * versions or change the versioning configuration", with its MFA (x-amz-mfa) over HTTPS
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMFADelete.html); a delete without a version id (a delete
 * marker) is not guarded (https://repost.aws/knowledge-center/s3-bucket-mfa-delete). The reverse (Disabled: which
 * refused version deletes would pass) is asked too.
 */
import type { PreflightReport } from '../../lambdas/core/preflight/types';
import { A, recordFor, snapshotOf, type Stmt } from '../core/world';
import { preflightOver, recorded } from './preflight-replay';

const LEDGER = 'ledger';
const VAULT = 'vault';
const janitor: Stmt = {
  Effect: 'Allow',
  Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutBucketVersioning'],
  Resource: '*',
};

const snapshot = JSON.stringify(
  snapshotOf({
    roles: [{ account: A, name: 'Janitor', statements: [janitor] }],
    buckets: {
      [LEDGER]: { account: A, versioning: { Status: 'Enabled' }, objects: {} },
      [VAULT]: { account: A, versioning: { Status: 'Enabled', MFADelete: 'Enabled' }, objects: {} },
    },
  }),
);

/** A recorded call by the Janitor role: a version delete, a plain delete or a versioning change. */
function call(bucket: string, what: 'version' | 'marker' | 'versioning', allowed: boolean, i: number) {
  const record =
    what === 'versioning'
      ? recordFor({
          account: A,
          role: 'Janitor',
          bucket,
          key: null,
          eventName: 'PutBucketVersioning',
          params: { VersioningConfiguration: { Status: 'Suspended' } },
        })
      : recordFor({
          account: A,
          role: 'Janitor',
          bucket,
          key: `old/${i}.csv`,
          eventName: 'DeleteObject',
          params: what === 'version' ? { versionId: `v${i}` } : {},
        });
  return recorded(record, allowed, i);
}

const preflight = preflightOver(snapshot, [
  call(LEDGER, 'version', true, 1),
  call(LEDGER, 'version', true, 2),
  call(LEDGER, 'marker', true, 3),
  call(LEDGER, 'versioning', true, 4),
  call(VAULT, 'version', false, 5),
]);

describe('preflight --mfa-delete', () => {
  it("turning MFA delete on: the role's version deletes and versioning change newly denied (mfa-delete); the plain delete not", async () => {
    const { code, io } = await preflight(['--mfa-delete', `${LEDGER}=Enabled`]);
    expect(io.stderrText()).toBe('');
    expect(code).toBe(4);
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.requests).toBe(5);
    expect(report.newlyDenied.map((i) => [i.action, i.count]).sort()).toEqual([
      ['s3:DeleteObjectVersion', 1],
      ['s3:DeleteObjectVersion', 1],
      ['s3:PutBucketVersioning', 1],
    ]);
    expect(new Set(report.newlyDenied.map((i) => i.after.rootCauses[0]?.id))).toEqual(
      new Set(['mfa-delete']),
    );
    expect(report.newlyAllowed).toEqual([]);
    expect(report.unknown).toEqual([]);
  });

  it('turning it off on the vault: the refused version delete is newly allowed; exit 0', async () => {
    const { code, io } = await preflight(['--mfa-delete', `${VAULT}=disabled`]);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.newlyDenied).toEqual([]);
    expect(report.newlyAllowed.map((i) => i.action)).toEqual(['s3:DeleteObjectVersion']);
  });

  it.each([
    [[`${LEDGER}=On`], /MFA delete is Enabled or Disabled, not "On"/],
    [['other-bucket=Enabled'], /the snapshot has no bucket other-bucket/],
    [[`${LEDGER}#x=Enabled`], /a bucket has one MFA delete status: no #NAME/],
    [[`${LEDGER}=Enabled`, `${LEDGER}=Disabled`], /names ledger twice: give one value for it/],
  ])('--mfa-delete %j: one clear line, exit 2', async (specs, message) => {
    const { code, io } = await preflight(specs.flatMap((spec) => ['--mfa-delete', spec]));
    expect(code).toBe(2);
    expect(io.stderrText()).toMatch(message);
    expect(io.stderrText().trim().split('\n')).toHaveLength(1);
  });
});
