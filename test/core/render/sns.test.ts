import fc from 'fast-check';
import { renderSns, renderSnsSubject, SNS_SUBJECT_MAX, toAsciiLine } from '../../../lambdas/core/render/sns';
import { bucketPolicyDeny, makeFinding } from '../../delivery/fixtures';

// SNS Publish: subjects "must be ASCII text that begins with a letter, number, or punctuation mark;
// must not include line breaks or control characters; and must be less than 100 characters long."
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
const SUBJECT_RULE = /^[A-Za-z0-9\p{P}][\x20-\x7e]*$/u;

describe('renderSns', () => {
  it('names the principal, call, bucket, cause and deciding statement in the subject', () => {
    const { subject } = renderSns(makeFinding());
    expect(subject).toBe('S3 403: AppRole GetObject corp-data - bucket policy Deny DenyNonOfficeIPs');
  });

  it('keeps the subject under 100 printable ASCII characters whatever the names hold (API_Publish)', () => {
    const finding = makeFinding({
      request: {
        ...makeFinding().request,
        bucket: 'b'.repeat(63),
        eventName: 'GetObject\nwith\tcontrol\u0007chars — ünïcødé 日本',
      },
      rootCauses: [
        {
          ...bucketPolicyDeny,
          evidence: [{ layer: 'bucket-policy', statement: 'S'.repeat(200), detail: 'x' }],
        },
      ],
    });
    const subject = renderSnsSubject(finding);
    expect(subject.length).toBeLessThan(100);
    expect(subject.length).toBe(SNS_SUBJECT_MAX);
    expect(subject).toMatch(SUBJECT_RULE);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('replaces the em dash and accents with ASCII, and other non-ASCII with "?"', () => {
    expect(toAsciiLine('a — é 日\n b')).toBe('a - e ? b');
  });

  it('says "analysis failed" in the subject and the error in the message when analysis failed', () => {
    const { subject, message } = renderSns(
      makeFinding({ rootCauses: [], verdict: 'unexplained', error: 'boom: facts timed out' }),
    );
    expect(subject).toBe('S3 403: AppRole GetObject corp-data - analysis failed');
    expect(message).toContain('The analysis failed: boom: facts timed out');
    expect(message).toContain('arn:aws:sts::111122223333:assumed-role/AppRole/s1');
  });

  it('says "unexplained" when no cause was found', () => {
    expect(renderSnsSubject(makeFinding({ rootCauses: [], verdict: 'unexplained' }))).toBe(
      'S3 403: AppRole GetObject corp-data - unexplained',
    );
  });

  it('uses the principal id for a cross-account caller without an ARN, and "anonymous" for anonymous', () => {
    const base = makeFinding().request;
    const awsAccount = makeFinding({
      request: {
        ...base,
        principal: {
          ...base.principal,
          type: 'AWSAccount',
          arn: null,
          identityArn: null,
          principalId: 'AIDAXYZ',
        },
      },
    });
    expect(renderSnsSubject(awsAccount)).toContain('S3 403: AIDAXYZ GetObject');
    const anon = makeFinding({
      request: {
        ...base,
        principal: { ...base.principal, type: 'Anonymous', arn: null, identityArn: null, principalId: null },
      },
    });
    expect(renderSnsSubject(anon)).toContain('S3 403: anonymous GetObject');
  });

  it('writes a readable email: cause, evidence, fix command, change, request, checks, event id', () => {
    const { message } = renderSns(makeFinding(), { repeatCount: 41, since: '2026-11-28T00:00:00Z' });
    const lines = message.split('\n');
    expect(lines[0]).toBe('S3 request denied: AppRole GetObject s3://corp-data/reports/q3.csv');
    expect(lines[1]).toBe('Seen 41 more times since 2026-11-28T00:00:00Z.');
    expect(message).toContain(
      '1. The bucket policy denies requests from outside the office network [bucket-policy-explicit-deny, confirmed]',
    );
    expect(message).toContain(
      '- bucket-policy / corp-data bucket policy / DenyNonOfficeIPs: aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24',
    );
    expect(message).toContain('Fix (verified by re-evaluation)');
    expect(message).toContain('$ aws s3api put-bucket-policy --bucket corp-data');
    expect(message).toContain('What changed: added DenyNonOfficeIPs');
    expect(message).toContain(
      'Checks: deny: bucket-policy-explicit-deny; unknown: scp-deny; pass: identity-policy-no-allow',
    );
    expect(message).toContain('- scp-deny: missing organizations:ListPoliciesForTarget');
    expect(message).toContain('CloudTrail event ev-0001 at 2026-11-28T01:02:03Z in us-east-1');
  });

  it('bounds the message size for huge findings', () => {
    const huge = 'x'.repeat(300_000);
    const { message } = renderSns(makeFinding({ rootCauses: [{ ...bucketPolicyDeny, explanation: huge }] }));
    expect(message.length).toBeLessThanOrEqual(64 * 1024);
    expect(message.endsWith('... (truncated)')).toBe(true);
  });
});

describe('renderSns subject with uncertain causes', () => {
  it('marks a merely possible top cause with "?" and counts only confirmed or likely others', () => {
    const possible = { ...bucketPolicyDeny, confidence: 'possible' as const, evidence: [] };
    const likely = {
      ...bucketPolicyDeny,
      id: 'scp-deny' as const,
      confidence: 'likely' as const,
      evidence: [],
    };
    expect(renderSnsSubject(makeFinding({ rootCauses: [possible, possible] }))).toBe(
      'S3 403: AppRole GetObject corp-data - bucket policy Deny?',
    );
    expect(renderSnsSubject(makeFinding({ rootCauses: [bucketPolicyDeny, likely, possible] }))).toBe(
      'S3 403: AppRole GetObject corp-data - bucket policy Deny DenyNonOfficeIPs (+1)',
    );
  });
});

describe('renderSns subject (property)', () => {
  it('is always printable ASCII, starts with "S3 403:" and is shorter than 100 characters (API_Publish)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 300 });
    fc.assert(
      fc.property(
        text,
        text,
        fc.option(text, { nil: null }),
        fc.option(text, { nil: undefined }),
        (eventName, statement, bucket, error) => {
          const base = makeFinding();
          const finding = makeFinding({
            request: {
              ...base.request,
              eventName,
              bucket,
              principal: { ...base.request.principal, identityArn: `arn:aws:iam::1:role/${statement}` },
            },
            rootCauses: [
              { ...bucketPolicyDeny, evidence: [{ layer: 'bucket-policy', statement, detail: '' }] },
            ],
            ...(error !== undefined ? { error } : {}),
          });
          const subject = renderSnsSubject(finding);
          expect(subject.length).toBeLessThan(100);
          expect(subject).toMatch(/^S3 403:[\x20-\x7e]*$/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
