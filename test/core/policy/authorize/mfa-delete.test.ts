/**
 * The MFA delete layer over every combination of what it reads (exhaustive: the space is small), against AWS's rule:
 * with MFA delete enabled on the bucket (or enabled by the request itself), "only the root user can permanently delete
 * object versions or change the versioning configuration", sending x-amz-mfa over HTTPS; "If you don't include this
 * request header, the request fails" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMFADelete.html;
 * enabling: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html).
 * - It refuses only what the rule refuses, and allows only what the rule allows: the bucket owner's root user, with
 *   its MFA, over HTTPS, on a bucket known to have MFA delete.
 * - What it could not decide names what is missing; it never decides on a setting it could not read.
 * - It takes no part in other actions, nor on a bucket known to be without it.
 */
import { known, unknown, type BucketVersioning, type Fact } from '../../../../lambdas/core/model';
import { mfaDeleteLayer } from '../../../../lambdas/core/policy/s3/mfa-delete';
import type { EngineRequest, MfaDeleteInput, Tri } from '../../../../lambdas/core/policy/types';

const TRI: readonly Tri[] = [true, false, 'unknown'];
const VERSIONING: readonly Fact<BucketVersioning>[] = [
  known({ status: 'Enabled', mfaDelete: 'Enabled' }),
  known({ status: 'Enabled', mfaDelete: 'Disabled' }),
  known({ status: null, mfaDelete: null }),
  unknown('accessDenied', undefined, 's3:GetBucketVersioning'),
];
const REQUESTED: readonly MfaDeleteInput['requested'][] = ['Enabled', 'Disabled', null];
const ACTIONS = ['s3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:DeleteObject', 's3:GetObject'];

function* everyInput(): Generator<[string, MfaDeleteInput]> {
  for (const action of ACTIONS)
    for (const versioning of VERSIONING)
      for (const requested of REQUESTED)
        for (const bucketOwnerRoot of TRI)
          for (const mfaHeader of TRI)
            for (const secureTransport of TRI)
              yield [action, { versioning, requested, bucketOwnerRoot, mfaHeader, secureTransport }];
}

/** AWS's rule: does MFA delete guard this request (true), not (false), or is it not known (the setting unread)? */
function guards(action: string, i: MfaDeleteInput): Tri {
  if (action !== 's3:DeleteObjectVersion' && action !== 's3:PutBucketVersioning') return false;
  if (action === 's3:PutBucketVersioning' && i.requested === 'Enabled') return true;
  if (i.versioning.status === 'unknown') return 'unknown';
  return i.versioning.value.mfaDelete === 'Enabled';
}

const cases = [...everyInput()];

/** What the layer says of one combination, against the rule: '' when it agrees, else why not. */
function disagreement(action: string, i: MfaDeleteInput): string {
  const calc = mfaDeleteLayer(i, { action } as EngineRequest);
  if (calc === null) return 'no layer';
  const { result } = calc;
  const guarded = guards(action, i);
  const passes = i.bucketOwnerRoot === true && i.mfaHeader === true && i.secureTransport === true;
  const fails = i.bucketOwnerRoot === false || i.mfaHeader === false || i.secureTransport === false;
  if (guarded === false)
    return result.result === 'not-applicable' ? '' : `${result.result}, not not-applicable`;
  if (guarded === true && fails)
    return result.result === 'explicitly-denied' && result.rule === 'mfa-delete' && calc.deny === true
      ? ''
      : `${result.result}, not explicitly-denied by rule mfa-delete`;
  if (guarded === true && passes)
    return result.result === 'allowed' && calc.permit === true ? '' : `${result.result}, not allowed`;
  // the setting unread, or the caller, the header or TLS not known: undecided, and it says what is missing
  if (result.result !== 'unknown') return `${result.result}, not unknown`;
  if ((result.missing ?? []).length === 0) return 'unknown without naming what is missing';
  if (guarded === 'unknown' && !/^whether MFA delete is enabled on the bucket/.test(result.missing![0]!))
    return `the unread setting is not named first: ${result.missing![0]!}`;
  return '';
}

describe('the MFA delete layer, every combination of its facts', () => {
  it('agrees with the rule on all 1,296 combinations (4 actions, 4 settings, 3 requested values, 27 caller/header/TLS)', () => {
    const wrong = cases
      .map(([action, i]) => ({ action, input: i, why: disagreement(action, i) }))
      .filter((d) => d.why !== '');
    expect(cases).toHaveLength(1296);
    expect(wrong).toEqual([]);
  });

  it('never decides on a setting it could not read, unless the request itself enables MFA delete', () => {
    const decided = cases.filter(([action, i]) => {
      const r = mfaDeleteLayer(i, { action } as EngineRequest)?.result.result;
      return (
        i.versioning.status === 'unknown' &&
        i.requested !== 'Enabled' &&
        (r === 'allowed' || r === 'explicitly-denied')
      );
    });
    expect(decided).toEqual([]);
  });
});
