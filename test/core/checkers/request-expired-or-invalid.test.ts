/**
 * request-expired-or-invalid decides from the record alone.
 * A presigned URL stops working at X-Amz-Date + X-Amz-Expires, or earlier when the signing credentials expire
 * (https://aws.amazon.com/premiumsupport/knowledge-center/presigned-url-s3-bucket-expiration/).
 */
import { checker } from '../../../lambdas/core/checkers/request-expired-or-invalid';
import type { CheckerInput } from '../../../lambdas/core/checkers/types';
import { exampleView, requestOf, scenarioEvent } from './helpers';

interface Json {
  errorMessage?: string;
  requestParameters: Record<string, unknown>;
  additionalEventData: Record<string, unknown>;
}

function run(mutate: (e: Json) => void) {
  const event = scenarioEvent('presigned URL used two hours after it expired') as unknown as Json;
  mutate(event);
  const request = requestOf(event as unknown as Record<string, unknown>);
  const input: CheckerInput = { request, facts: exampleView.gatherSync(request), evaluations: [] };
  return checker.check(input);
}

describe('request-expired-or-invalid', () => {
  it('computes how long after its expiry a presigned URL was used', () => {
    const r = run((e) => {
      e['errorMessage'] = 'Access Denied';
    });
    expect(r.status).toBe('deny');
    if (r.status !== 'deny') return;
    expect(r.evidence.map((x) => x.detail).join(' ')).toContain(
      'used at 2026-11-20T10:15:00Z: 4500 s after it expired',
    );
    expect(r.fix.commands).toEqual(['aws s3 presign s3://reports-bucket/reports/q3.csv --expires-in 3600']);
  });

  it('passes a presigned URL that was still valid', () => {
    const r = run((e) => {
      e['errorMessage'] = 'Access Denied';
      e['requestParameters']['X-Amz-Date'] = '20261120T100000Z';
    });
    expect(r).toEqual({
      status: 'pass',
      detail: 'presigned URL valid until 2026-11-20T11:00:00.000Z (signed 2026-11-20T10:00:00.000Z)',
    });
  });

  it('recognises "Request has expired" without the query parameters', () => {
    const r = run((e) => {
      delete e['requestParameters']['X-Amz-Date'];
      delete e['requestParameters']['X-Amz-Expires'];
    });
    expect(r.status).toBe('deny');
  });

  it('blames temporary credentials for a URL signed by a role session', () => {
    const event = scenarioEvent('presigned URL signed by a role session, Request has expired');
    const request = requestOf(event);
    const r = checker.check({ request, facts: exampleView.gatherSync(request), evaluations: [] });
    expect(r.status === 'deny' && r.explanation).toMatch(/temporary credentials/);
  });

  it('passes a header-authenticated AccessDenied: authentication succeeded', () => {
    const r = run((e) => {
      e['errorMessage'] = 'Access Denied';
      e['additionalEventData']['AuthenticationMethod'] = 'AuthHeader';
    });
    expect(r.status).toBe('pass');
  });
});
