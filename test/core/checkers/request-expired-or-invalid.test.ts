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

  it('takes an error code named like an Object.prototype member for no authentication error', () => {
    const event = scenarioEvent('presigned URL used two hours after it expired') as unknown as Json;
    event['errorMessage'] = 'Access Denied';
    delete event['requestParameters']['X-Amz-Date'];
    delete event['requestParameters']['X-Amz-Expires'];
    const recorded = requestOf(event as unknown as Record<string, unknown>);
    for (const errorCode of ['constructor', 'toString', '__proto__']) {
      const request = { ...recorded, errorCode };
      const r = checker.check({ request, facts: exampleView.gatherSync(request), evaluations: [] });
      expect(r.status).not.toBe('deny');
    }
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
    expect(r.status === 'deny' && r.fix.summary).toBe(
      'Generate a new presigned URL and use it before it expires, signed with credentials that live at least as long as the URL.',
    );
  });

  it('a record without X-Amz-Expires does not say how long the URL was valid: it is not judged expired', () => {
    const r = run((e) => {
      e['errorMessage'] = 'Access Denied';
      delete e['requestParameters']['X-Amz-Expires'];
    });
    expect(r).toEqual({
      status: 'pass',
      detail: 'S3 authenticated the request (AccessDenied is an authorization result)',
    });
  });

  it('reads the presigned query parameters whatever their case, and as CloudTrail’s one-element lists', () => {
    const lower = run((e) => {
      e['errorMessage'] = 'Access Denied';
      e['requestParameters']['x-amz-date'] = e['requestParameters']['X-Amz-Date'];
      delete e['requestParameters']['X-Amz-Date'];
    });
    expect(lower.status).toBe('deny');
    const listed = run((e) => {
      e['errorMessage'] = 'Access Denied';
      e['requestParameters']['X-Amz-Date'] = ['20261120T080000Z'];
      e['requestParameters']['X-Amz-Expires'] = ['3600'];
    });
    expect(listed.status === 'deny' && listed.evidence.map((x) => x.detail)).toEqual([
      'presigned at 2026-11-20T08:00:00.000Z for 3600 s, used at 2026-11-20T10:15:00Z: 4500 s after it expired',
    ]);
  });

  it('counts the expiry to the second from X-Amz-Date (yyyyMMddTHHmmssZ)', () => {
    const r = run((e) => {
      e['errorMessage'] = 'Access Denied';
      e['requestParameters']['X-Amz-Date'] = '20261120T081530Z';
    });
    expect(r.status === 'deny' && r.evidence).toEqual([
      {
        layer: 'request',
        detail:
          'presigned at 2026-11-20T08:15:30.000Z for 3600 s, used at 2026-11-20T10:15:00Z: 3570 s after it expired',
      },
    ]);
  });

  it('a presigned URL still within its validity can still fail its signature: the error code decides', () => {
    const event = scenarioEvent('presigned URL used two hours after it expired');
    (event['requestParameters'] as Record<string, unknown>)['X-Amz-Date'] = '20261120T100000Z';
    const request = { ...requestOf(event), errorCode: 'SignatureDoesNotMatch', errorMessage: null };
    const r = checker.check({ request, facts: exampleView.gatherSync(request), evaluations: [] });
    expect(r).toMatchObject({ status: 'deny', evidence: [{ detail: 'SignatureDoesNotMatch:' }] });
  });

  it('without an access key id in the record, temporary credentials are not claimed', () => {
    const r = run((e) => {
      delete (e as unknown as Record<string, Record<string, unknown>>)['userIdentity']!['accessKeyId'];
    });
    expect(r.status === 'deny' && r.explanation).not.toMatch(/temporary credentials/);
    expect(r.status === 'deny' && r.fix.summary).toBe(
      'Generate a new presigned URL and use it before it expires.',
    );
  });

  it('a malformed X-Amz-Date cannot date the URL: an AccessDenied is then an authorization result', () => {
    const r = run((e) => {
      e['errorMessage'] = 'Access Denied';
      e['requestParameters']['X-Amz-Date'] = '2026-11-20T08:00:00Z';
    });
    expect(r.status).toBe('pass');
  });

  it('an expired URL signed with long-term keys (AKIA…) is blamed on X-Amz-Expires alone, and the fix is a new URL', () => {
    const r = run((e) => {
      e['errorMessage'] = 'Access Denied';
      (e as unknown as Record<string, Record<string, unknown>>)['userIdentity']!['accessKeyId'] =
        'AKIAEXAMPLE000000001';
    });
    expect(r).toMatchObject({
      status: 'deny',
      confidence: 'confirmed',
      title: 'The request was rejected before authorization: the presigned URL had expired when it was used',
      explanation:
        'S3 checks the signature, the credentials and the expiry of a request before it evaluates any policy; the presigned URL had expired when it was used, so no policy change helps.',
      fix: { summary: 'Generate a new presigned URL and use it before it expires.', verified: false },
    });
  });

  it('"Request has expired" on a header-signed request is fixed by re-signing, not by a presigned URL', () => {
    const r = run((e) => {
      e['additionalEventData']['AuthenticationMethod'] = 'AuthHeader';
    });
    expect(r).toMatchObject({
      status: 'deny',
      title:
        'The request was rejected before authorization: the signed request had expired when S3 received it',
      evidence: [{ layer: 'request', detail: 'AccessDenied: Request has expired' }],
      fix: {
        summary: 'Re-sign the request with valid, current credentials and a synchronised clock.',
        commands: ['aws sts get-caller-identity'],
      },
    });
    expect(r.status === 'deny' && r.explanation).not.toMatch(/temporary credentials/);
  });

  // S3's message for an expired session token (ExpiredToken): https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
  it('an expired session token reported under AccessDenied is a request-level denial', () => {
    const r = run((e) => {
      e['errorMessage'] = 'The provided token has expired.';
      e['additionalEventData']['AuthenticationMethod'] = 'AuthHeader';
    });
    expect(r.status).toBe('deny');
  });

  // S3 authenticates before it authorizes: these codes mean the policies were never evaluated.
  // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
  it.each([
    ['SignatureDoesNotMatch', 'signature'],
    ['InvalidAccessKeyId', 'access key id'],
    ['ExpiredToken', 'expired'],
    ['TokenRefreshRequired', 'refreshed'],
    ['InvalidToken', 'token'],
    ['RequestTimeTooSkewed', '15 minutes'],
    ['RequestExpired', 'expired'],
    ['AuthorizationQueryParametersError', 'presigned URL query parameters'],
  ])('%s is an authentication failure that no policy change fixes', (code, fact) => {
    const event = scenarioEvent('presigned URL used two hours after it expired');
    (event['additionalEventData'] as Record<string, unknown>)['AuthenticationMethod'] = 'AuthHeader';
    const request = { ...requestOf(event), errorCode: code, errorMessage: null };
    const r = checker.check({ request, facts: exampleView.gatherSync(request), evaluations: [] });
    expect(r).toMatchObject({
      status: 'deny',
      confidence: 'confirmed',
      evidence: [{ layer: 'request', detail: `${code}:` }],
    });
    expect(r.status === 'deny' && r.title).toContain(fact);
    expect(r.status === 'deny' && r.explanation).toContain('so no policy change helps');
  });

  it('passes a header-authenticated AccessDenied: authentication succeeded', () => {
    const r = run((e) => {
      e['errorMessage'] = 'Access Denied';
      e['additionalEventData']['AuthenticationMethod'] = 'AuthHeader';
    });
    expect(r.status).toBe('pass');
  });
});
