/**
 * The safety net behind "no denial without a cause": when the engine denies a request and no checker names a cause
 * (a gap in the checkers), the finding lists the layers that deny and the text says so, never "every layer allows".
 * The gap is simulated by a checker that sees nothing (jest.mock); test/core/every-denial-named.test.ts checks
 * that the real checkers leave no such gap over the example account.
 */
import { renderText } from '../../lambdas/core/render/text';
import { explain, scenarioEvent, unsignedRead } from './checkers/helpers';

jest.mock('../../lambdas/core/checkers/cross-account-no-bucket-grant', () => {
  const actual = jest.requireActual('../../lambdas/core/checkers/cross-account-no-bucket-grant');
  return { checker: { ...actual.checker, check: () => ({ status: 'not-applicable' }) } };
});

const unsignedPrivateRead = () => unsignedRead('analytics-bucket', 'daily/2026-11-19.parquet');

describe('a denial no checker describes', () => {
  it('lists the layers that deny in the finding, and the text asks for the record instead of saying every layer allows', () => {
    const { finding } = explain(unsignedPrivateRead());
    expect(finding.rootCauses).toEqual([]);
    expect(finding.verdict).toBe('unexplained');
    // neither the bucket policy nor an ACL grants the anonymous caller
    expect(finding.unmatchedDenial).toEqual(['bucket-policy (no allow)', 'acl (no allow)']);
    // and no note says our evaluation allows it: it denies
    expect(finding.awsMessage.note).toBeUndefined();
    const text = renderText([finding], { color: false });
    expect(text).toContain(
      'No root cause matched, although our evaluation denies this request (bucket-policy (no allow), acl (no allow)): please report the record; the layers are under Checks.',
    );
    expect(text).not.toContain('every layer that could be read allows');
  });

  it('a denial with a named cause carries no such list', () => {
    const { finding } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'));
    expect(finding.rootCauses.length).toBeGreaterThan(0);
    expect(finding.unmatchedDenial).toBeUndefined();
  });
});
