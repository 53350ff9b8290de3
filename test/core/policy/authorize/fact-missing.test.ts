import { factMissing } from '../../../../lambdas/core/policy/s3/evaluate';
import { known, unknown } from '../../../../lambdas/core/model';

describe('factMissing: an unknown layer says what was missing, why, and what the auditor lacks', () => {
  it('names the permission and keeps the reason detail (e.g. the account that could not be entered)', () => {
    const f = unknown(
      'accessDenied',
      'cannot assume arn:aws:iam::222222222222:role/r to read account 222222222222: AccessDenied: no',
      'sts:AssumeRole',
    );
    expect(factMissing('bucket policy of b', f)).toBe(
      'bucket policy of b (accessDenied, needs sts:AssumeRole: cannot assume arn:aws:iam::222222222222:role/r to read account 222222222222: AccessDenied: no)',
    );
  });

  it('works without a permission or a detail, and says nothing extra for a known fact', () => {
    expect(factMissing('SCPs', unknown('notCollected'))).toBe('SCPs (notCollected)');
    expect(factMissing('SCPs', unknown('throttled', 'Rate exceeded'))).toBe(
      'SCPs (throttled: Rate exceeded)',
    );
    expect(factMissing('SCPs', known(null))).toBe('SCPs');
  });

  it('keeps a long AWS message to one readable line', () => {
    const out = factMissing('x', unknown('error', 'y'.repeat(1000)));
    expect(out.length).toBeLessThan(260);
    expect(out.endsWith('…)')).toBe(true);
  });
});
