/**
 * The text output (`--format text`, lambdas/core/render/text.ts) as docs/CLI.md describes it: for each denial the
 * caller, the cause, the evidence, the fix and what changed; the check counts and every layer that could not be
 * read; `--verbose` adds the explanation, the AWS error message, the policy patch, the change diff, AWS's message
 * and the simulator's opinion when they agree, and every check with its detail. Colour only when asked: red for a
 * denial, green for what is confirmed or verified, yellow for what is uncertain.
 */
import type { Check, Finding, RootCause } from '../../../lambdas/core/model';
import { renderFinding, renderText, textRule } from '../../../lambdas/core/render/text';
import { bucketPolicyDeny, makeFinding, allAccessDisabled } from '../../delivery/fixtures';

const ESC = String.fromCharCode(27);
const red = (s: string): string => `${ESC}[31m${s}${ESC}[39m`;
const green = (s: string): string => `${ESC}[32m${s}${ESC}[39m`;
const yellow = (s: string): string => `${ESC}[33m${s}${ESC}[39m`;
const dim = (s: string): string => `${ESC}[2m${s}${ESC}[22m`;
const cyan = (s: string): string => `${ESC}[36m${s}${ESC}[39m`;

const base = makeFinding();
const withRequest = (r: Partial<Finding['request']>): Finding =>
  makeFinding({ request: { ...base.request, ...r } });
const withPrincipal = (p: Partial<Finding['request']['principal']>): Finding =>
  withRequest({ principal: { ...base.request.principal, ...p } });
const text = (f: Finding, verbose = false): string => renderFinding(f, { color: false, verbose });
const coloured = (f: Finding, verbose = false): string => renderFinding(f, { color: true, verbose });
const lines = (s: string): string[] => s.split('\n');
const lineStarting = (s: string, start: string): string | undefined =>
  lines(s).find((l) => l.startsWith(start));
const cause = (over: Partial<RootCause>): RootCause => ({ ...bucketPolicyDeny, ...over });
const disabled = allAccessDisabled();

describe('text: the request header', () => {
  it('first line: the call denied, its actions on its resources, and the verdict', () => {
    expect(lines(text(base))[0]).toBe(
      '✖ GetObject denied: s3:GetObject on arn:aws:s3:::corp-data/reports/q3.csv  [explained]',
    );
    const two = withRequest({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: ['r1', 'r2'] });
    expect(lines(text(two))[0]).toBe(
      '✖ GetObject denied: s3:GetObject, s3:GetObjectVersion on r1, r2  [explained]',
    );
  });

  it('without actions the call, without resources the bucket, without either "(no resource)"', () => {
    expect(lines(text(withRequest({ actions: [], resources: [] })))[0]).toBe(
      '✖ GetObject denied: GetObject on corp-data  [explained]',
    );
    expect(lines(text(withRequest({ resources: [], bucket: null })))[0]).toBe(
      '✖ GetObject denied: s3:GetObject on (no resource)  [explained]',
    );
  });

  it('the verdict in colour: explained green, partially explained yellow, unexplained red', () => {
    expect(lines(coloured(base))[0]).toContain(`[${green('explained')}]`);
    expect(lines(coloured(makeFinding({ verdict: 'partially-explained' })))[0]).toContain(
      `[${yellow('partially-explained')}]`,
    );
    expect(lines(coloured(makeFinding({ verdict: 'unexplained' })))[0]).toContain(`[${red('unexplained')}]`);
  });

  it('the caller: ARN, else identity ARN, else principal id, else "an unsigned request" (anonymous) or "an unknown caller"; with type and account', () => {
    expect(lineStarting(text(base), '  caller')).toBe(
      '  caller   arn:aws:sts::111122223333:assumed-role/AppRole/s1 (AssumedRole, account 111122223333)',
    );
    expect(lineStarting(text(withPrincipal({ arn: null })), '  caller')).toBe(
      '  caller   arn:aws:iam::111122223333:role/AppRole (AssumedRole, account 111122223333)',
    );
    expect(lineStarting(text(withPrincipal({ arn: null, identityArn: null })), '  caller')).toBe(
      '  caller   AROAEXAMPLE:s1 (AssumedRole, account 111122223333)',
    );
    const nameless = (type: 'Anonymous' | 'Unknown') =>
      lineStarting(
        text(withPrincipal({ arn: null, identityArn: null, principalId: null, accountId: null, type })),
        '  caller',
      );
    expect(nameless('Anonymous')).toBe('  caller   an unsigned request (Anonymous)');
    expect(nameless('Unknown')).toBe('  caller   an unknown caller (Unknown)');
  });

  it('a cross-account caller says so (in yellow), with the bucket account or that the record does not name it', () => {
    expect(
      lineStarting(text(withRequest({ crossAccount: true, bucketAccountId: '444455556666' })), '  caller'),
    ).toBe(
      '  caller   arn:aws:sts::111122223333:assumed-role/AppRole/s1 (AssumedRole, account 111122223333) cross-account, bucket account 444455556666',
    );
    expect(
      lineStarting(text(withRequest({ crossAccount: true, bucketAccountId: null })), '  caller'),
    ).toMatch(/ cross-account, bucket account not named in the record$/);
    expect(coloured(withRequest({ crossAccount: true }))).toContain(
      yellow(' cross-account, bucket account 111122223333'),
    );
  });

  it('where from: the source IP, the VPC endpoint and access point, and plain HTTP', () => {
    const f = withRequest({
      vpcEndpointId: 'vpce-1a2b',
      accessPointArn: 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap',
      secureTransport: false,
    });
    expect(lineStarting(text(f), '  from')).toBe(
      '  from     198.51.100.7 via vpce-1a2b through arn:aws:s3:us-east-1:111122223333:accesspoint/ap over plain HTTP',
    );
    expect(lineStarting(text(withRequest({ accessPointArn: 'ap' })), '  from')).toBe(
      '  from     198.51.100.7 through ap',
    );
    expect(lineStarting(text(withRequest({ secureTransport: null })), '  from')).toBe(
      '  from     198.51.100.7',
    );
  });

  it('no source IP: an AWS service network for a service, else "unknown address"', () => {
    expect(lineStarting(text(withRequest({ sourceIp: null })), '  from')).toBe('  from     unknown address');
    const service = withRequest({
      sourceIp: null,
      principal: { ...base.request.principal, type: 'AWSService' },
    });
    expect(lineStarting(text(service), '  from')).toBe(
      '  from     an AWS service network (CloudTrail records no IP address for a service)',
    );
  });

  it('the error code; its message only with --verbose', () => {
    expect(lineStarting(text(base), '  error')).toBe('  error    AccessDenied');
    expect(lineStarting(text(base, true), '  error')).toBe('  error    AccessDenied: Access Denied');
    expect(lineStarting(text(withRequest({ errorMessage: null }), true), '  error')).toBe(
      '  error    AccessDenied',
    );
  });

  it('what the record itself says, on a line of its own, when it matters', () => {
    expect(lineStarting(text(makeFinding({ recordEvidence: disabled })), '  record')).toBe(
      '  record   AllAccessDisabled: all access to this Amazon S3 resource has been disabled by AWS (403)',
    );
    expect(lineStarting(text(base), '  record')).toBeUndefined();
  });

  it('the event, dimmed, and a call missing from the action table says so', () => {
    expect(lineStarting(text(base), '  event')).toBe(
      '  event    ev-0001 at 2026-11-28T01:02:03Z (us-east-1)',
    );
    expect(lineStarting(text(withRequest({ mapped: false })), '  event')).toBe(
      '  event    ev-0001 at 2026-11-28T01:02:03Z (us-east-1) - operation not in the action table',
    );
    expect(coloured(base)).toContain(dim('  event    ev-0001 at 2026-11-28T01:02:03Z (us-east-1)'));
  });
});

describe('text: a cause', () => {
  it('numbered title, id in cyan and confidence: confirmed green, likely yellow, possible dim', () => {
    expect(coloured(base)).toContain(`  ${cyan('bucket-policy-explicit-deny')} (${green('confirmed')})`);
    expect(coloured(makeFinding({ rootCauses: [cause({ confidence: 'likely' })] }))).toContain(
      `(${yellow('likely')})`,
    );
    const second = cause({ id: 'scp-deny', title: 'An SCP denies' });
    expect(lines(text(makeFinding({ rootCauses: [bucketPolicyDeny, second] })))).toEqual(
      expect.arrayContaining(['Cause 2: An SCP denies', '  scp-deny (confirmed)']),
    );
  });

  it('the explanation only with --verbose, indented, each of its lines (its own line breaks are shown as \\n)', () => {
    expect(text(base)).not.toContain('Statement DenyNonOfficeIPs denies');
    expect(lines(text(base, true))).toContain(
      '  Statement DenyNonOfficeIPs denies s3:* when aws:SourceIp is not in 203.0.113.0/24.',
    );
    expect(lines(text(makeFinding({ rootCauses: [cause({ explanation: 'a\nb' })] }), true))).toContain(
      '  a\\nb',
    );
  });

  it('evidence: layer, the policy only with --verbose, the statement; no "Evidence:" line without evidence', () => {
    expect(lines(text(base))).toContain(
      '    - [bucket-policy, statement DenyNonOfficeIPs] aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24',
    );
    expect(lines(text(base, true))).toContain(
      '    - [bucket-policy, policy corp-data bucket policy, statement DenyNonOfficeIPs] aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24',
    );
    expect(
      lines(
        text(makeFinding({ rootCauses: [cause({ evidence: [{ layer: 'record', detail: 'd' }] })] }), true),
      ),
    ).toContain('    - [record] d');
    expect(text(makeFinding({ rootCauses: [cause({ evidence: [] })] }))).not.toContain('Evidence:');
  });

  it('the fix: summary, verified (green) or not verified (dim), then each command after "$"', () => {
    const fix = { summary: 'do it', commands: ['aws a', 'aws b'], verified: false };
    const l = lines(text(makeFinding({ rootCauses: [cause({ fix })] })));
    const at = l.indexOf('  Fix: do it');
    expect(l.slice(at, at + 4)).toEqual([
      '  Fix: do it',
      '       not verified',
      '    $ aws a',
      '    $ aws b',
    ]);
    expect(coloured(makeFinding({ rootCauses: [cause({ fix })] }))).toContain(dim('not verified'));
    expect(coloured(base)).toContain(
      green('verified: the engine allows the request on this layer with the change'),
    );
    expect(coloured(base)).toContain(`    ${dim('$')} aws s3api put-bucket-policy`);
  });

  it('the policy patch as indented JSON, only with --verbose', () => {
    const fix = { ...bucketPolicyDeny.fix, policyPatch: { removeStatement: 'DenyNonOfficeIPs' } };
    const f = makeFinding({ rootCauses: [cause({ fix })] });
    const l = lines(text(f, true));
    const at = l.indexOf('    Policy change:');
    expect(l.slice(at, at + 4)).toEqual([
      '    Policy change:',
      '      {',
      '        "removeStatement": "DenyNonOfficeIPs"',
      '      }',
    ]);
    expect(text(f)).not.toContain('Policy change:');
    expect(text(base, true)).not.toContain('Policy change:');
  });

  it('what would still deny after the fix, in yellow; nothing when the list is empty', () => {
    const fix = { ...bucketPolicyDeny.fix, stillDeniedBy: ['scp', 'rcp'] };
    expect(lines(text(makeFinding({ rootCauses: [cause({ fix })] })))).toContain(
      '    Still denied by: scp; rcp',
    );
    expect(coloured(makeFinding({ rootCauses: [cause({ fix })] }))).toContain(
      `    ${yellow('Still denied by')}: scp; rcp`,
    );
    const empty = { ...bucketPolicyDeny.fix, stillDeniedBy: [] };
    expect(text(makeFinding({ rootCauses: [cause({ fix: empty })] }))).not.toContain('Still denied');
  });

  it('what changed; the change diff only with --verbose, indented, its lines kept', () => {
    const change = { ...bucketPolicyDeny.change!, diff: '- "Effect": "Allow"\n+ "Effect": "Deny"' };
    const f = makeFinding({ rootCauses: [cause({ change })] });
    const l = lines(text(f, true));
    const at = l.indexOf('  What changed: added DenyNonOfficeIPs');
    expect(l.slice(at, at + 3)).toEqual([
      '  What changed: added DenyNonOfficeIPs',
      '    - "Effect": "Allow"',
      '    + "Effect": "Deny"',
    ]);
    expect(text(f)).not.toContain('"Effect"');
    expect(text(makeFinding({ rootCauses: [cause({ change: null })] }))).not.toContain('What changed');
  });

  it('a cause with no change found and no change lookup prints no change line at all (no stray "null")', () => {
    const f = makeFinding({ rootCauses: [cause({ change: null })] });
    for (const verbose of [false, true]) {
      const l = lines(text(f, verbose)).map((x) => x.trim());
      expect(l).not.toContain('null');
      expect(l).not.toContain('undefined');
    }
  });

  it('an empty line in a diff stays empty, without trailing spaces', () => {
    const change = { ...bucketPolicyDeny.change!, diff: 'a\n\nb' };
    expect(text(makeFinding({ rootCauses: [cause({ change })] }), true)).toContain('\n    a\n\n    b');
  });
});

describe('text: when no cause is confirmed', () => {
  it('possible causes only: says no cause could be confirmed, lists each with what is missing and the read that settles it', () => {
    const possible = cause({
      id: 'scp-deny',
      confidence: 'possible',
      evidence: [
        { layer: 'scp', detail: 'not read: organizations:ListPoliciesForTarget' },
        { layer: 'scp', detail: 'the SCP was not read: access denied' },
      ],
      fix: {
        summary: 'read it',
        commands: ['aws organizations list-policies-for-target', 'aws other'],
        verified: false,
      },
    });
    const l = lines(text(makeFinding({ rootCauses: [possible], verdict: 'unexplained' })));
    const at = l.indexOf(
      'No cause could be confirmed: the layers below could not be read, and any of them may have denied the request.',
    );
    expect(at).toBeGreaterThan(0);
    expect(l.slice(at + 1, at + 6)).toEqual([
      '',
      'Possible causes (layers that could not be checked):',
      '  ? scp-deny  missing: organizations:ListPoliciesForTarget; the SCP was not read: access denied',
      '      settle: aws organizations list-policies-for-target',
      '',
    ]);
    expect(l.some((x) => x.startsWith('Cause 1:'))).toBe(false);
  });

  it('a possible cause without evidence or a read is listed by id alone', () => {
    const possible = cause({
      id: 'rcp-deny',
      confidence: 'possible',
      evidence: [],
      fix: { summary: '', commands: [], verified: false },
    });
    const l = lines(text(makeFinding({ rootCauses: [possible] })));
    const at = l.indexOf('  ? rcp-deny');
    expect(at).toBeGreaterThan(0);
    expect(l[at + 1]).toBe('');
  });

  it('possible causes beside a confirmed one: listed after it, and "No cause could be confirmed" is not said', () => {
    const possible = cause({ id: 'scp-deny', confidence: 'possible', evidence: [] });
    const out = text(makeFinding({ rootCauses: [bucketPolicyDeny, possible] }));
    expect(out).not.toContain('No cause');
    expect(out.indexOf('Possible causes')).toBeGreaterThan(out.indexOf('Cause 1:'));
    expect(out).not.toContain('Cause 2:');
  });

  it('no cause at all: every layer that could be read allows the request', () => {
    expect(lines(text(makeFinding({ rootCauses: [], verdict: 'unexplained' })))).toContain(
      'No cause found: every layer that could be read allows this request.',
    );
    expect(coloured(makeFinding({ rootCauses: [] }))).toContain(
      yellow('No cause found: every layer that could be read allows this request.'),
    );
  });

  it('not an access-control denial: said in green instead of "no cause found"', () => {
    const f = makeFinding({ rootCauses: [], verdict: 'explained', recordEvidence: disabled });
    const msg =
      'Not an access-control denial: AllAccessDisabled: all access to this Amazon S3 resource has been disabled by AWS (403).';
    expect(lines(text(f))).toContain(msg);
    expect(text(f)).not.toContain('No cause');
    expect(coloured(f)).toContain(green(msg));
  });

  it('a failed analysis: "Analysis failed: <error>" in red, once, and no "No cause found"', () => {
    const failed = makeFinding({ rootCauses: [], verdict: 'unexplained', error: 'facts timed out' });
    expect(lines(text(failed))).toContain('Analysis failed: facts timed out');
    expect(text(failed)).not.toContain('No cause');
    expect(coloured(failed)).toContain(red('Analysis failed: facts timed out'));
    const already = makeFinding({ rootCauses: [], error: 'analysis failed: throttled' });
    expect(lines(text(already))).toContain('analysis failed: throttled');
    expect(text(already)).not.toContain('Analysis failed: analysis failed');
    const upper = makeFinding({ rootCauses: [], error: 'ANALYSIS FAILED: x' });
    expect(text(upper)).not.toContain('Analysis failed: ANALYSIS');
    const inside = makeFinding({ rootCauses: [], error: 'the analysis failed: x' });
    expect(lines(text(inside))).toContain('Analysis failed: the analysis failed: x');
  });
});

describe("text: AWS's own message and the simulator", () => {
  const note = 'AWS names an identity-based policy';
  it("AWS's message note only with --verbose when it agrees; always, in red, when it disagrees", () => {
    const agrees = makeFinding({ awsMessage: { ...base.awsMessage, note, agreesWithEvaluation: true } });
    expect(text(agrees)).not.toContain('AWS message');
    expect(lines(text(agrees, true))).toContain(`AWS message: ${note}`);
    const disagrees = makeFinding({ awsMessage: { ...base.awsMessage, note, agreesWithEvaluation: false } });
    expect(lines(text(disagrees))).toContain(`AWS message disagrees: ${note}`);
    expect(coloured(disagrees)).toContain(`${red('AWS message disagrees')}: ${note}`);
  });

  it('--verbose shows no AWS message line when AWS said nothing to note and nothing disagrees', () => {
    const silent = makeFinding({ awsMessage: { ...base.awsMessage, agreesWithEvaluation: true } });
    expect(text(silent, true)).not.toContain('AWS message');
    expect(text(base, true)).not.toContain('AWS message');
  });

  it('a disagreeing message without a note names its kind and policy type', () => {
    const kindOnly = makeFinding({
      awsMessage: {
        kind: 'explicit-deny',
        policyType: 'service control policy',
        policyArn: null,
        agreesWithEvaluation: false,
      },
    });
    expect(lines(text(kindOnly))).toContain('AWS message disagrees: explicit-deny (service control policy)');
    const noType = makeFinding({
      awsMessage: { kind: 'implicit-deny', policyType: null, policyArn: null, agreesWithEvaluation: false },
    });
    expect(lines(text(noType))).toContain('AWS message disagrees: implicit-deny');
  });

  it("the simulator's opinion only with --verbose when it agrees; always, in red, when it disagrees", () => {
    const sim = (agrees: boolean | null): Finding =>
      makeFinding({
        awsSimulator: {
          decision: 'explicitDeny',
          ours: 'explicitDeny',
          agrees,
          matchedStatements: [],
          note: 'same',
        },
      });
    expect(text(sim(true))).not.toContain('AWS simulator');
    expect(lines(text(sim(true), true))).toContain('AWS simulator: same');
    expect(lines(text(sim(null), true))).toContain('AWS simulator: same');
    expect(lines(text(sim(false)))).toContain('AWS simulator: same');
    expect(coloured(sim(false))).toContain(red('AWS simulator: same'));
    expect(coloured(sim(true), true)).not.toContain(red('AWS simulator: same'));
  });
});

describe('text: the checks', () => {
  const checks: Check[] = [
    { layer: 'kms-key-access', status: 'not-applicable', detail: 'no key' },
    { layer: 'identity-policy-no-allow', status: 'pass' },
    { layer: 'scp-deny', status: 'unknown', detail: 'no access' },
    { layer: 'rcp-deny', status: 'unknown', missing: ['organizations:DescribeResourcePolicy', 'x'] },
    { layer: 'bucket-policy-explicit-deny', status: 'deny', detail: 'DenyNonOfficeIPs' },
    { layer: 'block-public-access', status: 'pass' },
  ];
  const f = makeFinding({ checks });

  it('the counts by status: deny, unknown, pass, not-applicable, leaving out those with none', () => {
    expect(lines(text(f))).toContain('Checks: 1 deny · 2 unknown · 2 pass · 1 not-applicable');
    expect(lines(text(makeFinding({ checks: [checks[1]!] })))).toContain('Checks: 1 pass');
    expect(coloured(f)).toContain(
      `Checks: ${red('1 deny')} · ${yellow('2 unknown')} · ${green('2 pass')} · ${dim('1 not-applicable')}`,
    );
  });

  it('compact: only the layers that could not be read, with what could not be read or why', () => {
    const l = lines(text(f));
    const at = l.findIndex((x) => x.startsWith('Checks:'));
    expect(l.slice(at + 1)).toEqual([
      '  ? scp-deny                     unknown  no access',
      '  ? rcp-deny                     unknown  could not read: organizations:DescribeResourcePolicy; x',
    ]);
  });

  it('verbose: every layer, denials first, then unknown, pass, not applicable, names aligned, details shown', () => {
    const l = lines(text(f, true));
    const at = l.findIndex((x) => x.startsWith('Checks:'));
    expect(l.slice(at + 1)).toEqual([
      '  ✖ bucket-policy-explicit-deny  deny  DenyNonOfficeIPs',
      '  ? scp-deny                     unknown  no access',
      '  ? rcp-deny                     unknown  could not read: organizations:DescribeResourcePolicy; x',
      '  ✓ identity-policy-no-allow     pass',
      '  ✓ block-public-access          pass',
      '  - kms-key-access               not-applicable  no key',
    ]);
  });

  it('each mark and status in its colour, the detail dimmed', () => {
    const out = coloured(f, true);
    expect(out).toContain(
      `  ${red('✖')} bucket-policy-explicit-deny  ${red('deny')}${dim('  DenyNonOfficeIPs')}`,
    );
    expect(out).toContain(`  ${yellow('?')} scp-deny`);
    expect(out).toContain(`  ${green('✓')} identity-policy-no-allow     ${green('pass')}`);
    expect(out).toContain(`  ${dim('-')} kms-key-access               ${dim('not-applicable')}`);
  });

  it('an unknown layer with an empty list of missing reads shows its detail', () => {
    const g = makeFinding({ checks: [{ layer: 'scp-deny', status: 'unknown', detail: 'why', missing: [] }] });
    expect(lines(text(g))).toContain('  ? scp-deny  unknown  why');
  });

  it('"could not read" is said only of a layer whose status is unknown', () => {
    const g = makeFinding({
      checks: [
        { layer: 'scp-deny', status: 'pass', detail: 'allowed', missing: ['organizations:ListPolicies'] },
      ],
    });
    expect(lines(text(g, true))).toContain('  ✓ scp-deny  pass  allowed');
  });

  it('no checks: no "Checks" line', () => {
    expect(text(makeFinding({ checks: [] }))).not.toContain('Checks:');
  });
});

describe('text: the parts of a finding are separated by one blank line each', () => {
  const parts = (s: string): string[] => s.split('\n\n');
  const sim = {
    decision: 'allowed' as const,
    ours: 'explicitDeny' as const,
    agrees: false,
    matchedStatements: [],
    note: 'differs',
  };
  const note = { ...base.awsMessage, note: 'AWS names a bucket policy', agreesWithEvaluation: false };

  it('compact: the request (caller, from, error, event), the cause, the checks', () => {
    const p = parts(text(base));
    expect(p).toHaveLength(3);
    expect(lines(p[0]!).map((l) => l.slice(0, 9))).toEqual([
      '✖ GetObje',
      '  caller ',
      '  from   ',
      '  error  ',
      '  event  ',
    ]);
    expect(lines(p[1]!)[0]).toBe(
      'Cause 1: The bucket policy denies requests from outside the office network',
    );
    expect(lines(p[2]!)[0]).toMatch(/^Checks: /);
  });

  it('the record line belongs to the request part', () => {
    const p = parts(text(makeFinding({ recordEvidence: disabled })));
    expect(lines(p[0]!)).toHaveLength(6);
  });

  it('a failed analysis, a finding without a cause, and one explained by the record each get a part of their own', () => {
    expect(parts(text(makeFinding({ rootCauses: [], error: 'boom' })))[1]).toBe('Analysis failed: boom');
    expect(parts(text(makeFinding({ rootCauses: [] })))[1]).toBe(
      'No cause found: every layer that could be read allows this request.',
    );
    expect(
      parts(text(makeFinding({ rootCauses: [], verdict: 'explained', recordEvidence: disabled })))[1],
    ).toBe(
      'Not an access-control denial: AllAccessDisabled: all access to this Amazon S3 resource has been disabled by AWS (403).',
    );
  });

  it("each cause, AWS's message and the simulator's opinion are parts of their own, before the checks", () => {
    const second = cause({ id: 'scp-deny', title: 'An SCP denies', evidence: [], change: null });
    const p = parts(
      text(makeFinding({ rootCauses: [bucketPolicyDeny, second], awsMessage: note, awsSimulator: sim })),
    );
    expect(p).toHaveLength(6);
    expect(lines(p[2]!)[0]).toBe('Cause 2: An SCP denies');
    expect(p[3]).toBe('AWS message disagrees: AWS names a bucket policy');
    expect(p[4]).toBe('AWS simulator: differs');
    expect(lines(p[5]!)[0]).toMatch(/^Checks: /);
  });

  it('without checks, the output ends with the last part and no blank line', () => {
    const out = text(makeFinding({ checks: [] }));
    expect(out.endsWith('What changed: added DenyNonOfficeIPs')).toBe(true);
  });
});

describe('text: several findings', () => {
  it('one finding has no trailing newline; a list of findings ends with one', () => {
    expect(renderFinding(base, { color: false }).endsWith('\n')).toBe(false);
    expect(renderText([base], { color: false })).toBe(`${renderFinding(base, { color: false })}\n`);
  });

  it('findings are separated by a blank line, a 72-character rule and a blank line', () => {
    const one = renderFinding(base, { color: false });
    expect(renderText([base, base], { color: false })).toBe(`${one}\n\n${'─'.repeat(72)}\n\n${one}\n`);
    expect(textRule(false)).toBe('─'.repeat(72));
    expect(textRule(true)).toBe(dim('─'.repeat(72)));
  });

  it('the verbose option reaches every finding of the list', () => {
    expect(renderText([base], { color: false, verbose: true })).toContain(
      '  error    AccessDenied: Access Denied',
    );
    expect(renderText([base], { color: true })).toContain(ESC);
  });

  it('a finding is made safe before it is shown: no value can forge a line or colour the terminal', () => {
    const f = withRequest({ eventName: 'Get\nCause 1: forged\u001b[31m' });
    const out = renderFinding(f, { color: false });
    expect(lines(out)[0]).toBe(
      '✖ Get\\nCause 1: forged\\x1B[31m denied: s3:GetObject on arn:aws:s3:::corp-data/reports/q3.csv  [explained]',
    );
    expect(renderText([f], { color: false })).toContain('Get\\nCause 1: forged\\x1B[31m');
  });
});
