/**
 * The SNS subject and e-mail (lambdas/core/render/sns.ts) in the reader's terms. SNS Publish: subjects "must be
 * ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or control
 * characters; and must be less than 100 characters long" (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html);
 * a message is at most 256 KB, and the e-mail text is kept far below it so the finding JSON fits beside it.
 */
import type { Finding, RootCause } from '../../../lambdas/core/model';
import {
  causeLabel,
  checksSummary,
  clip,
  findingCause,
  headline,
  principalName,
  renderSns,
  renderSnsMessage,
  renderSnsSubject,
  toAsciiLine,
} from '../../../lambdas/core/render/sns';
import { bucketPolicyDeny, makeFinding, allAccessDisabled } from '../../delivery/fixtures';

const base = makeFinding();
const withPrincipal = (p: Partial<Finding['request']['principal']>): Finding =>
  makeFinding({ request: { ...base.request, principal: { ...base.request.principal, ...p } } });
const withRequest = (r: Partial<Finding['request']>): Finding =>
  makeFinding({ request: { ...base.request, ...r } });
const lines = (message: string): string[] => message.split('\n');

describe('the caller in the subject: a short name', () => {
  it('the role or user name from the identity ARN, else from the ARN', () => {
    expect(principalName(base)).toBe('AppRole');
    expect(principalName(withPrincipal({ identityArn: null }))).toBe('s1');
    expect(principalName(withPrincipal({ identityArn: 'arn:aws:iam::111122223333:user/alice' }))).toBe(
      'alice',
    );
  });

  it('the root user as root(account), from the principal account or else from the ARN', () => {
    expect(principalName(withPrincipal({ identityArn: 'arn:aws:iam::444455556666:root' }))).toBe(
      'root(111122223333)',
    );
    expect(
      principalName(withPrincipal({ identityArn: 'arn:aws:iam::444455556666:root', accountId: null })),
    ).toBe('root(444455556666)');
  });

  it('the root user whose account neither the principal nor the ARN names: root(?)', () => {
    expect(principalName(withPrincipal({ identityArn: 'root-of:root', accountId: null }))).toBe('root(?)');
    expect(principalName(withPrincipal({ identityArn: 'arn:aws:iam:::root', accountId: null }))).toBe(
      'root(?)',
    );
  });

  it('an ARN without a name part is shown whole', () => {
    expect(principalName(withPrincipal({ identityArn: 'arn:aws:iam::111122223333:role/' }))).toBe(
      'arn:aws:iam::111122223333:role/',
    );
  });

  it('without an ARN: the principal id, else the type (an AWS service by its type)', () => {
    expect(principalName(withPrincipal({ arn: null, identityArn: null }))).toBe('AROAEXAMPLE:s1');
    expect(
      principalName(withPrincipal({ type: 'AWSService', arn: null, identityArn: null, principalId: null })),
    ).toBe('AWSService');
  });
});

describe('the cause in the subject', () => {
  it('every cause has a short label; a deciding statement is added when the evidence names one', () => {
    const noStatement = { ...bucketPolicyDeny, evidence: [{ layer: 'bucket-policy', detail: 'd' }] };
    expect(causeLabel(noStatement)).toBe('bucket policy Deny');
    const later = {
      ...bucketPolicyDeny,
      evidence: [
        { layer: 'record', detail: 'd' },
        { layer: 'bucket-policy', statement: 'Second', detail: 'd' },
      ],
    };
    expect(causeLabel(later)).toBe('bucket policy Deny Second');
    const labels: [RootCause['id'], string][] = [
      ['missing-object-no-list', 'missing object, no s3:ListBucket'],
      ['requester-pays', 'Requester Pays header missing'],
      ['service-principal-grant', 'AWS service not granted'],
    ];
    for (const [id, label] of labels)
      expect(causeLabel({ ...bucketPolicyDeny, id, evidence: [] })).toBe(label);
  });

  it('counts every other confirmed or likely cause', () => {
    const other = { ...bucketPolicyDeny, id: 'scp-deny' as const, evidence: [] };
    expect(findingCause(makeFinding({ rootCauses: [bucketPolicyDeny, other, other] }))).toBe(
      'bucket policy Deny DenyNonOfficeIPs (+2)',
    );
    expect(findingCause(makeFinding({ rootCauses: [bucketPolicyDeny] }))).toBe(
      'bucket policy Deny DenyNonOfficeIPs',
    );
  });

  it('"analysis failed" wins over any cause found before the failure', () => {
    expect(findingCause(makeFinding({ error: '' }))).toBe('analysis failed');
  });
});

describe('headline', () => {
  it('leaves out a missing bucket instead of printing an empty word', () => {
    expect(headline(withRequest({ bucket: null }))).toBe(
      'AppRole GetObject - bucket policy Deny DenyNonOfficeIPs',
    );
  });
});

describe('toAsciiLine: printable ASCII, one line', () => {
  it('en dash, em dash and minus sign become "-"', () => {
    expect(toAsciiLine('a\u2013b\u2014c\u2212d')).toBe('a-b-c-d');
  });

  it('accents are dropped from their letters, ligatures and wide forms are spelled in ASCII', () => {
    expect(toAsciiLine('Ångström ﬁ ＡＢ')).toBe('Angstrom fi AB');
  });

  it('every run of whitespace, line breaks and tabs included, is one space; none at the ends', () => {
    expect(toAsciiLine('  a \n\t b\r\n\u2028c  ')).toBe('a b c');
  });

  it('every other non-ASCII or control character is "?", never dropped', () => {
    expect(toAsciiLine('日本\u0000\u007f')).toBe('????');
  });
});

describe('clip', () => {
  it('keeps text that fits, exactly at the limit too', () => {
    expect(clip('abcde', 5)).toBe('abcde');
  });

  it('cuts longer text to the limit, the marker included', () => {
    expect(clip('abcdef', 5)).toBe('ab...');
    expect(clip('abcdef', 5, '~')).toBe('abcd~');
  });

  it('never cuts a character in half, whichever plane it is from: U+10000 and U+10FFFD are kept whole or left out whole', () => {
    // both are written as two UTF-16 halves; the first half of U+10000 is the lowest possible (D800), of U+10FFFD the highest (DBFF)
    for (const ch of ['\u{10000}', '\u{10FFFD}', '🔥']) {
      expect(clip(`ab${ch}cdef`, 6)).toBe('ab...');
      expect(clip(`ab${ch}cdef`, 7)).toBe(`ab${ch}...`);
    }
  });

  it('with no room beyond the marker, returns as much of the marker as fits', () => {
    expect(clip('abcdef', 3)).toBe('...');
    expect(clip('abcdef', 2)).toBe('..');
    expect(clip('abcdef', 0)).toBe('');
  });
});

describe('the SNS subject (API_Publish)', () => {
  it('is 99 characters at most, ending with "..." when cut, starting with "S3 403:"', () => {
    const long = withRequest({ bucket: 'b'.repeat(200) });
    const subject = renderSnsSubject(long);
    expect(subject).toHaveLength(99);
    expect(subject).toBe(`S3 403: AppRole GetObject ${'b'.repeat(99 - 26 - 3)}...`);
  });

  it('is shown from the request values made safe: an escape in a bucket name appears as text, not a "?"', () => {
    expect(renderSnsSubject(withRequest({ bucket: 'a\u001bb' }))).toBe(
      'S3 403: AppRole GetObject a\\x1Bb - bucket policy Deny DenyNonOfficeIPs',
    );
  });
});

describe('the SNS e-mail', () => {
  it('names the object as s3://bucket/key, the bucket alone without a key, else the first resource', () => {
    expect(lines(renderSnsMessage(base))[0]).toBe(
      'S3 request denied: AppRole GetObject s3://corp-data/reports/q3.csv',
    );
    expect(lines(renderSnsMessage(withRequest({ key: null })))[0]).toBe(
      'S3 request denied: AppRole GetObject s3://corp-data',
    );
    expect(lines(renderSnsMessage(withRequest({ bucket: null })))[0]).toBe(
      'S3 request denied: AppRole GetObject arn:aws:s3:::corp-data/reports/q3.csv',
    );
    expect(lines(renderSnsMessage(withRequest({ bucket: null, resources: [] })))[0]).toBe(
      'S3 request denied: AppRole GetObject',
    );
  });

  it('counts repeats in words: "1 more time", "2 more times", since the last alert when no time is known', () => {
    expect(lines(renderSnsMessage(base, { repeatCount: 1, since: 't0' }))[1]).toBe(
      'Seen 1 more time since t0.',
    );
    expect(lines(renderSnsMessage(base, { repeatCount: 2 }))[1]).toBe(
      'Seen 2 more times since the last alert.',
    );
    expect(renderSnsMessage(base, { repeatCount: 0 })).not.toContain('Seen');
    expect(lines(renderSnsMessage(base, { repeatCount: 3, since: 'a\nb' }))[1]).toBe(
      'Seen 3 more times since a\\nb.',
    );
  });

  it('a repeat count below one is no repeat: nothing is said about it', () => {
    for (const repeatCount of [0, -1, -5]) {
      expect(renderSnsMessage(base, { repeatCount, since: 't0' })).toBe(renderSnsMessage(base));
    }
  });

  it('a blank line after the headline, then the verdict', () => {
    const l = lines(renderSnsMessage(base));
    expect(l[1]).toBe('');
    expect(l[2]).toBe('Verdict: explained');
  });

  it('a failed analysis: the error, where the request came from, then the verdict, and no "no layer" line', () => {
    const message = renderSnsMessage(makeFinding({ rootCauses: [], verdict: 'unexplained', error: 'boom' }));
    const l = lines(message);
    expect(l.slice(2, 6)).toEqual([
      'The analysis failed: boom',
      'The request below was reconstructed from CloudTrail.',
      '',
      'Verdict: unexplained',
    ]);
    expect(message).not.toContain('No layer could be shown');
  });

  it('with no cause: says no layer could be shown to deny, or that it is not an access-control denial', () => {
    const none = renderSnsMessage(makeFinding({ rootCauses: [], verdict: 'unexplained' }));
    expect(lines(none)[3]).toBe(
      'No layer could be shown to deny this request; see the unchecked layers below.',
    );
    const disabled = makeFinding({
      rootCauses: [],
      verdict: 'explained',
      recordEvidence: allAccessDisabled('all access disabled'),
    });
    expect(lines(renderSnsMessage(disabled))[3]).toBe(
      'Not an access-control denial: AllAccessDisabled: all access disabled.',
    );
    expect(renderSnsMessage(base)).not.toContain('No layer could be shown');
  });

  it('each cause: numbered title, id and confidence, explanation, evidence, fix, commands, change and diff', () => {
    const second: RootCause = {
      ...bucketPolicyDeny,
      id: 'scp-deny',
      confidence: 'likely',
      title: 'An SCP denies',
      explanation: 'why',
      evidence: [],
      fix: {
        summary: 'ask the org admin',
        commands: ['aws a', 'aws b'],
        verified: false,
        stillDeniedBy: ['x', 'y'],
      },
      change: { ...bucketPolicyDeny.change!, summary: 'changed', diff: '- old\n+ new' },
    };
    const message = renderSnsMessage(makeFinding({ rootCauses: [bucketPolicyDeny, second] }));
    const l = lines(message);
    const at = l.indexOf('2. An SCP denies [scp-deny, likely]');
    expect(at).toBeGreaterThan(0);
    expect(l[at - 1]).toBe('');
    expect(l.slice(at + 1, at + 9)).toEqual([
      '   why',
      '   Fix (not verified): ask the org admin',
      '     $ aws a',
      '     $ aws b',
      '     Still denied after this fix by: x, y',
      '   What changed: changed',
      '     - old',
      '     + new',
    ]);
    expect(message).not.toMatch(/2\. An SCP denies[\s\S]*Evidence:[\s\S]*Request:/);
    expect(l).toContain('   Evidence:');
    expect(l).toContain(
      '     - bucket-policy / corp-data bucket policy / DenyNonOfficeIPs: aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24',
    );
  });

  it('a cause with no change found and no change lookup has no "What changed" line (no stray "null")', () => {
    const c: RootCause = { ...bucketPolicyDeny, change: null };
    const l = lines(renderSnsMessage(makeFinding({ rootCauses: [c] })));
    const fix = l.findIndex((x) => x.startsWith('   Fix ('));
    // the fix command, then the blank line before AWS's message or the request: nothing in between
    expect(l.slice(fix + 1, fix + 3)).toEqual([`     $ ${bucketPolicyDeny.fix.commands[0]}`, '']);
    expect(l.map((x) => x.trim())).not.toContain('null');
  });

  it('a fix after which nothing is known to still deny says nothing about it', () => {
    const fix = { ...bucketPolicyDeny.fix, stillDeniedBy: [] };
    expect(renderSnsMessage(makeFinding({ rootCauses: [{ ...bucketPolicyDeny, fix }] }))).not.toContain(
      'Still denied',
    );
  });

  it('evidence without a policy or statement names only what it has', () => {
    const c = { ...bucketPolicyDeny, evidence: [{ layer: 'record', detail: 'no TLS details' }] };
    expect(renderSnsMessage(makeFinding({ rootCauses: [c] }))).toContain('     - record: no TLS details');
  });

  it("shows AWS's message note and the simulator's opinion", () => {
    const message = renderSnsMessage(
      makeFinding({
        awsMessage: { ...base.awsMessage, note: 'AWS names a bucket policy' },
        awsSimulator: {
          decision: 'allowed',
          ours: 'explicitDeny',
          agrees: false,
          matchedStatements: [],
          note: 'differs',
        },
      }),
    );
    expect(message).toContain(
      '\n\nAWS message: AWS names a bucket policy\nAWS simulator: differs\n\nRequest:\n',
    );
    expect(renderSnsMessage(base)).not.toContain('AWS message:');
    expect(renderSnsMessage(base)).not.toContain('AWS simulator:');
    // without the simulator's opinion, one blank line (not two) before the request
    const noted = renderSnsMessage(
      makeFinding({ awsMessage: { ...base.awsMessage, note: 'AWS names a bucket policy' } }),
    );
    expect(noted).toContain('\n\nAWS message: AWS names a bucket policy\n\nRequest:\n');
    expect(renderSnsMessage(base)).not.toMatch(/\n\n\nRequest:/);
  });

  it('the request, one labelled line per known value', () => {
    const message = renderSnsMessage(
      withRequest({
        crossAccount: true,
        bucketAccountId: '444455556666',
        vpcEndpointId: 'vpce-1a2b',
        accessPointArn: 'arn:aws:s3:us-east-1:444455556666:accesspoint/ap',
        secureTransport: false,
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
      }),
    );
    const at = lines(message).indexOf('Request:');
    expect(lines(message)[at - 1]).toBe('');
    expect(lines(message).slice(at, at + 13)).toEqual([
      'Request:',
      '  Principal: arn:aws:sts::111122223333:assumed-role/AppRole/s1',
      '  Identity: arn:aws:iam::111122223333:role/AppRole',
      '  Call: s3.amazonaws.com GetObject',
      '  Actions: s3:GetObject, s3:GetObjectVersion',
      '  Resources: arn:aws:s3:::corp-data/reports/q3.csv',
      '  Bucket account: 444455556666',
      '  Cross-account: yes',
      '  Source IP: 198.51.100.7',
      '  VPC endpoint: vpce-1a2b',
      '  Access point: arn:aws:s3:us-east-1:444455556666:accesspoint/ap',
      '  TLS: no (plain HTTP)',
      '  Error: AccessDenied - Access Denied',
    ]);
  });

  it('every resource of the request, separated by ", "', () => {
    const message = renderSnsMessage(
      withRequest({ resources: ['arn:aws:s3:::corp-data/a.csv', 'arn:aws:s3:::corp-data/b.csv'] }),
    );
    expect(lines(message)).toContain(
      '  Resources: arn:aws:s3:::corp-data/a.csv, arn:aws:s3:::corp-data/b.csv',
    );
  });

  it('leaves out what is unknown or not the case: no identity line when it is the caller, no TLS line over TLS', () => {
    const message = renderSnsMessage(
      withRequest({
        principal: { ...base.request.principal, identityArn: base.request.principal.arn },
        crossAccount: null,
        secureTransport: null,
        sourceIp: null,
        bucketAccountId: null,
        resources: [],
        errorMessage: null,
      }),
    );
    const at = lines(message).indexOf('Request:');
    expect(lines(message).slice(at, at + 6)).toEqual([
      'Request:',
      '  Principal: arn:aws:sts::111122223333:assumed-role/AppRole/s1',
      '  Call: s3.amazonaws.com GetObject',
      '  Actions: s3:GetObject',
      '  Error: AccessDenied',
      '',
    ]);
  });

  it('a caller without an ARN is named by principal id, else by type', () => {
    expect(renderSnsMessage(withPrincipal({ arn: null, identityArn: null }))).toContain(
      '  Principal: AROAEXAMPLE:s1\n',
    );
    expect(
      renderSnsMessage(withPrincipal({ type: 'Anonymous', arn: null, identityArn: null, principalId: null })),
    ).toContain('  Principal: Anonymous\n');
    expect(renderSnsMessage(withPrincipal({ arn: null }))).toContain(
      '  Principal: arn:aws:iam::111122223333:role/AppRole\n',
    );
  });

  it('the checks grouped by status in a fixed order, and "none" without checks', () => {
    const f = makeFinding({
      checks: [
        { layer: 'kms-key-access', status: 'not-applicable' },
        { layer: 'identity-policy-no-allow', status: 'pass' },
        { layer: 'scp-deny', status: 'unknown' },
        { layer: 'rcp-deny', status: 'unknown' },
        { layer: 'bucket-policy-explicit-deny', status: 'deny' },
      ],
    });
    expect(checksSummary(f)).toBe(
      'deny: bucket-policy-explicit-deny; unknown: scp-deny, rcp-deny; pass: identity-policy-no-allow; not-applicable: kms-key-access',
    );
    expect(renderSnsMessage(makeFinding({ checks: [] }))).toContain('\n\nChecks: none\n');
  });

  it('every layer that could not be checked, with why: the detail, the missing reads, or "not checked"', () => {
    const f = makeFinding({
      checks: [
        { layer: 'scp-deny', status: 'unknown', detail: 'no access', missing: ['a', 'b'] },
        { layer: 'rcp-deny', status: 'unknown', missing: [] },
        { layer: 'kms-key-access', status: 'unknown', detail: 'key gone' },
        { layer: 'bucket-policy-explicit-deny', status: 'deny', detail: 'not listed' },
      ],
    });
    const l = lines(renderSnsMessage(f));
    const at = l.indexOf('Not checked:');
    expect(l.slice(at, at + 5)).toEqual([
      'Not checked:',
      '  - scp-deny: no access; missing a, b',
      '  - rcp-deny: not checked',
      '  - kms-key-access: key gone',
      '',
    ]);
    expect(renderSnsMessage(makeFinding({ checks: [] }))).not.toContain('Not checked:');
  });

  it('ends with the CloudTrail event after a blank line', () => {
    const l = lines(renderSnsMessage(base));
    expect(l.slice(-2)).toEqual(['', 'CloudTrail event ev-0001 at 2026-11-28T01:02:03Z in us-east-1']);
  });

  it('a message that fits is not cut', () => {
    const long = 'x'.repeat(60_000);
    const message = renderSnsMessage(
      makeFinding({ rootCauses: [{ ...bucketPolicyDeny, explanation: long }] }),
    );
    expect(message).toContain(long);
    expect(message).not.toContain('(truncated)');
  });

  it('a cut message is exactly 64 KiB and says it was cut on a line of its own', () => {
    const huge = 'x'.repeat(100_000);
    const message = renderSnsMessage(
      makeFinding({ rootCauses: [{ ...bucketPolicyDeny, explanation: huge }] }),
    );
    expect(message).toHaveLength(64 * 1024);
    expect(message.endsWith('x\n... (truncated)')).toBe(true);
  });

  it('renderSns gives the subject and the message of the same finding, with the repeat count', () => {
    expect(renderSns(base, { repeatCount: 5 })).toEqual({
      subject: renderSnsSubject(base),
      message: renderSnsMessage(base, { repeatCount: 5 }),
    });
    expect(renderSns(base).message).not.toContain('Seen');
  });
});
