/** renderText: the cause first, then evidence, then the fix; checks summary; colour only when asked. */
import { failedFinding } from '../../../lambdas/core/analyze';
import { renderText } from '../../../lambdas/core/render/text';
import { emptyView, explain, requestOf, scenarioEvent } from '../checkers/helpers';

const ESC = String.fromCharCode(27);

describe('renderText', () => {
  const { finding } = explain(scenarioEvent('AppRole reads a report from outside the office network'));

  it('puts the cause before the evidence, and the evidence before the fix', () => {
    const text = renderText([finding], { color: false, verbose: true });
    const cause = text.indexOf(
      'Cause 1: Bucket policy of reports-bucket explicitly denies s3:GetObject (statement DenyNonOfficeIPs)',
    );
    const evidence = text.indexOf('Evidence:');
    const fix = text.indexOf('Fix: ');
    expect(cause).toBeGreaterThan(0);
    expect(evidence).toBeGreaterThan(cause);
    expect(fix).toBeGreaterThan(evidence);
    expect(text).toContain('aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24');
    expect(text).toContain(
      '$ aws s3api put-bucket-policy --bucket reports-bucket --policy file://policy.json',
    );
    expect(text).toContain('verified: the engine allows the request on this layer with the change');
  });

  it('summarises every check', () => {
    const text = renderText([finding], { color: false, verbose: true });
    expect(text).toMatch(/Checks: 1 deny · \d+ pass · \d+ not-applicable/);
    for (const c of finding.checks) expect(text).toContain(c.layer);
  });

  it('uses no colour unless asked, and ANSI colour when asked', () => {
    expect(renderText([finding], { color: false })).not.toContain(ESC);
    expect(renderText([finding], { color: true })).toContain(`${ESC}[`);
  });

  it('separates several findings and says so when there is none', () => {
    const two = renderText([finding, finding], { color: false });
    expect(two.split('Cause 1:').length).toBe(3);
    expect(renderText([], { color: false })).toBe('No S3 access denial found in the input.\n');
  });

  it('lists unreadable layers as possible causes, and says nothing could be confirmed', () => {
    const empty = explain(
      scenarioEvent('bob reads a key that does not exist and may not list'),
      emptyView,
    ).finding;
    const text = renderText([empty], { color: false });
    expect(text).toContain('No cause could be confirmed');
    expect(text).toContain('Possible causes (layers that could not be checked):');
    expect(text).toContain('? missing-object-no-list');
  });

  it('shows what still denies after a fix, and the change that started the denial', () => {
    const f = explain(scenarioEvent("CleanupRole's inline NoDeletes statement stops DeleteObject")).finding;
    const withChange = {
      ...f,
      rootCauses: f.rootCauses.map((c, i) =>
        i === 0
          ? {
              ...c,
              change: {
                eventId: 'e-1',
                eventName: 'PutRolePolicy',
                eventTime: '2026-11-20T08:00:00Z',
                principal: 'arn:aws:iam::111122223333:user/bob',
                summary: 'started after bob ran PutRolePolicy on CleanupRole at 2026-11-20T08:00:00Z',
                diff: '+ NoDeletes',
              },
            }
          : c,
      ),
    };
    const text = renderText([withChange], { color: false, verbose: true });
    expect(text).toContain('Still denied by: bucket-policy (explicit deny)');
    expect(text).toContain(
      'What changed: started after bob ran PutRolePolicy on CleanupRole at 2026-11-20T08:00:00Z',
    );
    expect(text).toContain('    + NoDeletes');
  });

  it('shows the analysis error of a failed finding', () => {
    const failed = failedFinding(
      requestOf(scenarioEvent('NoS3Role has no S3 permissions at all')),
      new Error('boom'),
    );
    expect(renderText([failed], { color: false })).toContain('Analysis failed: boom');
  });
});
