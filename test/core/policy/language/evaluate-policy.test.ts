/**
 * evaluatePolicy: decisions and traces for one policy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * ("an explicit deny in any policy overrides any allows"; nothing allowed -> implicit deny)
 * NotAction: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 * NotResource: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
 */
import { evaluatePolicy, nearMissesSkipped } from '../../../../lambdas/core/policy/evaluate-policy';
import { parsePolicy } from '../../../../lambdas/core/policy/parse';
import type { EngineRequest, ParsedPolicy } from '../../../../lambdas/core/policy/types';
import { evaluate, iamUser, policy, request, roleSession, rootUser } from './helpers';

const allowGet = { Sid: 'AllowGet', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
const denyAll = { Sid: 'DenyAll', Effect: 'Deny', Action: 's3:*', Resource: '*' };
const req = request({ resource: 'arn:aws:s3:::b/k' });

describe('decisions (reference_policies_evaluation-logic_policy-eval-denyallow.html)', () => {
  it.each([
    ['an Allow that matches', [allowGet], 'allow'],
    ['nothing that matches', [{ ...allowGet, Action: 's3:PutObject' }], 'none'],
    ['an explicit Deny wins over an Allow', [allowGet, denyAll], 'deny'],
    ['… in any order', [denyAll, allowGet], 'deny'],
    ['no statements', [], 'none'],
  ])('%s -> %s', (_name, statements, decision) => {
    expect(evaluate({ Version: '2012-10-17', Statement: statements }, req).decision).toBe(decision);
  });
});

describe('NotAction / NotResource', () => {
  it.each([
    // NotAction: the statement covers every action except the listed ones
    [
      { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' },
      's3:GetObject',
      'arn:aws:s3:::b/k',
      'none',
    ],
    [
      { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' },
      's3:PutObject',
      'arn:aws:s3:::b/k',
      'deny',
    ],
    [
      { Effect: 'Deny', NotAction: ['iam:*', 's3:Get*'], Resource: '*' },
      's3:GetObjectAcl',
      'arn:aws:s3:::b/k',
      'none',
    ],
    // NotResource: every resource except the listed ones
    [
      { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] },
      's3:GetObject',
      'arn:aws:s3:::b/k',
      'none',
    ],
    [
      { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] },
      's3:GetObject',
      'arn:aws:s3:::other/k',
      'deny',
    ],
    [
      { Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::secret/*' },
      's3:GetObject',
      'arn:aws:s3:::b/k',
      'allow',
    ],
  ])('%j on %s %s -> %s', (statement, action, resource, decision) => {
    expect(
      evaluate({ Version: '2012-10-17', Statement: [statement] }, request({ action, resource })).decision,
    ).toBe(decision);
  });
});

describe('traces', () => {
  it('traces matched statements and near misses, not statements for other actions', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Put', Effect: 'Allow', Action: 's3:PutObject', Resource: '*' },
        { Sid: 'OtherBucket', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' },
        allowGet,
      ],
    };
    const ev = evaluate(doc, req);
    expect(ev.statements.map((s) => [s.index, s.sid, s.matched, s.resourceMatched])).toEqual([
      [2, 'OtherBucket', false, false],
      [3, 'AllowGet', true, true],
    ]);
    expect(ev.statements[0]?.detail).toBe(
      'Allow statement 2 (OtherBucket) does not apply: arn:aws:s3:::b/k does not match Resource arn:aws:s3:::other/*',
    );
    expect(ev.policy).toEqual({ name: 'test-policy', source: 'identity-inline' });
  });

  it('a failing condition is named with key, request value, policy value and a one-line detail', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ ...allowGet, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }],
    };
    const ev = evaluate(
      doc,
      request({ resource: 'arn:aws:s3:::b/k', values: { 'aws:SourceIp': '198.51.100.7' } }),
    );
    expect(ev.decision).toBe('none');
    expect(ev.statements[0]?.conditions).toEqual([
      {
        operator: 'IpAddress',
        key: 'aws:SourceIp',
        requestValues: ['198.51.100.7'],
        policyValues: ['203.0.113.0/24'],
        result: false,
        detail: 'aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24',
      },
    ]);
    expect(ev.statements[0]?.detail).toContain(
      'IpAddress: aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24',
    );
  });

  it('policy values are shown after variable substitution', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ ...allowGet, Condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } } }],
    };
    const ev = evaluate(
      doc,
      request({ resource: 'arn:aws:s3:::b/k', values: { 's3:prefix': 'x', 'aws:username': 'alice' } }),
    );
    expect(ev.statements[0]?.conditions[0]?.policyValues).toEqual(['home/alice/*']);
  });
});

describe('unknowns never become an allow and never hide a deny', () => {
  const unknownCond = { StringEquals: { 'aws:SourceVpce': 'vpce-1' } };
  const u = request({ resource: 'arn:aws:s3:::b/k', otherKeys: 'unknown' });
  it.each([
    ['a Deny that might match, with an Allow', [allowGet, { ...denyAll, Condition: unknownCond }], 'unknown'],
    ['a Deny that might match, alone', [{ ...denyAll, Condition: unknownCond }], 'unknown'],
    ['an Allow that might match, alone', [{ ...allowGet, Condition: unknownCond }], 'unknown'],
    [
      'an Allow that might match, with a sure Allow',
      [allowGet, { ...allowGet, Condition: unknownCond }],
      'allow',
    ],
    ['a Deny that might match, with a sure Deny', [denyAll, { ...denyAll, Condition: unknownCond }], 'deny'],
    // a sure false condition decides even when another key is unknown
    [
      'an Allow with an unknown key and a failing key',
      [{ ...allowGet, Condition: { ...unknownCond, Bool: { 'aws:SecureTransport': 'true' } } }],
      'none',
    ],
  ])('%s -> %s', (_name, statements, decision) => {
    const r = _name.includes('failing')
      ? request({
          ...u,
          resource: 'arn:aws:s3:::b/k',
          otherKeys: 'unknown',
          values: { 'aws:SecureTransport': 'false' },
        })
      : u;
    expect(evaluate({ Version: '2012-10-17', Statement: statements }, r).decision).toBe(decision);
  });
});

describe('robustness', () => {
  it('evaluates a ParsedPolicy that was not built by parsePolicy (compiled from the raw statements)', () => {
    const hand: ParsedPolicy = {
      name: 'hand-made',
      source: 'bucket-policy',
      statements: [
        {
          index: 1,
          sid: null,
          effect: 'Allow',
          raw: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' },
        },
      ],
    };
    const ev = evaluatePolicy(hand, request({ principal: roleSession() }));
    expect(ev.decision).toBe('allow');
    expect(ev.statements[0]?.principalMatchKind).toBe('wildcard');
  });

  it('returns unknown with a detail instead of throwing when a hand-made policy is malformed', () => {
    const hand: ParsedPolicy = {
      name: 'bad',
      source: 'scp',
      statements: [{ index: 1, sid: null, effect: 'Allow', raw: { Effect: 'Maybe' } }],
    };
    const ev = evaluatePolicy(hand, req);
    expect(ev.decision).toBe('unknown');
    expect(ev.statements[0]?.detail).toMatch(/^cannot evaluate: SCP bad, statement 1: Effect must be/);
  });
});

describe('decisions with statements that might apply (reference_policies_evaluation-logic.html)', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html: an explicit Deny
  // overrides any Allow; without an applying Allow the request is implicitly denied.
  const unknownCond = { StringEquals: { 'aws:SourceVpce': 'vpce-1' } };
  const u = request({ resource: 'arn:aws:s3:::b/k', otherKeys: 'unknown' });
  it.each([
    [
      'a sure Allow before a Deny that might apply',
      [allowGet, { ...denyAll, Condition: unknownCond }],
      'unknown',
    ],
    ['a Deny that might apply before a sure Deny', [{ ...denyAll, Condition: unknownCond }, denyAll], 'deny'],
    [
      'an Allow that might apply before a sure Allow',
      [{ ...allowGet, Condition: unknownCond }, allowGet],
      'allow',
    ],
    [
      'an Allow that does not apply and one that might',
      [
        { ...allowGet, Resource: 'arn:aws:s3:::x/*' },
        { ...allowGet, Condition: unknownCond },
      ],
      'unknown',
    ],
    [
      'a Deny that does not apply and a sure Allow',
      [{ ...denyAll, Resource: 'arn:aws:s3:::x/*' }, allowGet],
      'allow',
    ],
  ])('%s -> %s', (_name, statements, decision) => {
    expect(evaluate({ Version: '2012-10-17', Statement: statements }, u).decision).toBe(decision);
  });

  it('a statement whose only question is an unknown key is traced as might apply, with the key named', () => {
    const ev = evaluate({ Version: '2012-10-17', Statement: [{ ...allowGet, Condition: unknownCond }] }, u);
    expect(ev.statements[0]?.matched).toBe('unknown');
    expect(ev.statements[0]?.detail).toMatch(/^Allow statement 1 \(AllowGet\) might apply: StringEquals: /);
  });
});

describe('NotResource with policy variables (reference_policies_elements_notresource.html, reference_policies_variables.html)', () => {
  const doc = (notResource: unknown) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 's3:GetObject', NotResource: notResource }],
  });

  it('a NotResource list where a static value lists the resource: the Deny does not apply', () => {
    const ev = evaluate(
      doc(['arn:aws:s3:::b/${aws:username}/*', 'arn:aws:s3:::b/public/*']),
      request({ principal: iamUser('bob'), resource: 'arn:aws:s3:::b/public/k' }),
    );
    expect(ev.decision).toBe('none');
    expect(ev.statements[0]?.detail).toBe(
      'Deny statement 1 does not apply: arn:aws:s3:::b/public/k is in NotResource [arn:aws:s3:::b/${aws:username}/* (= arn:aws:s3:::b/bob/*), arn:aws:s3:::b/public/*]',
    );
  });

  it('a NotResource whose variable is unknown: the Deny might apply, and the detail says so', () => {
    const ev = evaluate(
      doc('arn:aws:s3:::b/${aws:PrincipalTag/team}/*'),
      request({ resource: 'arn:aws:s3:::b/red/k', otherKeys: 'unknown' }),
    );
    expect(ev.statements[0]?.matched).toBe('unknown');
    expect(ev.statements[0]?.resourceMatched).toBe(true);
    expect(ev.statements[0]?.detail).toBe(
      'Deny statement 1 might apply: NotResource arn:aws:s3:::b/${aws:PrincipalTag/team}/* (a variable is unknown) depends on an unknown key',
    );
  });

  it('a NotResource value without variables next to one with a variable that has no value: the statement is void', () => {
    const ev = evaluate(
      doc(['arn:aws:s3:::b/public/*', 'arn:aws:s3:::b/home/${aws:username}/*']),
      request({ principal: roleSession(), resource: 'arn:aws:s3:::other/k' }),
    );
    expect(ev.decision).toBe('none');
    expect(ev.statements[0]?.detail).toContain(
      'has a policy variable with no value: the statement matches no resource',
    );
  });

  it('a Resource outside NotResource is said so', () => {
    const ev = evaluate(
      doc('arn:aws:s3:::b/${aws:username}/*'),
      request({
        principal: iamUser('bob'),
        resource: 'arn:aws:s3:::b/alice/k',
        otherKeys: 'unknown',
        values: { 'aws:SourceVpce': 'x' },
      }),
    );
    expect(ev.decision).toBe('deny');
    const withCond = evaluate(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Action: 's3:GetObject',
            NotResource: 'arn:aws:s3:::b/${aws:username}/*',
            Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
          },
        ],
      },
      request({
        principal: iamUser('bob'),
        resource: 'arn:aws:s3:::b/alice/k',
        values: { 'aws:SourceVpce': 'vpce-2' },
      }),
    );
    expect(withCond.statements[0]?.detail).toBe(
      'Deny statement 1 does not apply: StringEquals: aws:SourceVpce vpce-2 does not equal vpce-1',
    );
  });

  it('a Resource with an unknown variable: the detail says which value depends on an unknown key', () => {
    const ev = evaluate(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/t}' }],
      },
      request({ resource: 'arn:aws:s3:::b/red', otherKeys: 'unknown' }),
    );
    expect(ev.statements[0]?.detail).toBe(
      'Allow statement 1 might apply: Resource arn:aws:s3:::b/${aws:PrincipalTag/t} (a variable is unknown) depends on an unknown key',
    );
  });

  it('a Resource list with a value that has a variable shows each value, substituted where it has one', () => {
    const ev = evaluate(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: '*',
            Resource: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/${aws:username}/*', 'arn:aws:s3:::c'],
          },
        ],
      },
      request({ principal: iamUser('bob'), resource: 'arn:aws:s3:::b/alice/k' }),
    );
    expect(ev.statements[0]?.detail).toBe(
      'Allow statement 1 does not apply: arn:aws:s3:::b/alice/k does not match Resource [arn:aws:s3:::a/*, arn:aws:s3:::b/${aws:username}/* (= arn:aws:s3:::b/bob/*), arn:aws:s3:::c]',
    );
  });

  it('a Resource with a variable that has a value: a later value of the list still matches', () => {
    const ev = evaluate(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: '*',
            Resource: ['arn:aws:s3:::b/${aws:PrincipalTag/t}/*', 'arn:aws:s3:::b/shared/*'],
          },
        ],
      },
      request({ resource: 'arn:aws:s3:::b/shared/k', otherKeys: 'unknown' }),
    );
    expect(ev.decision).toBe('allow');
  });
});

describe('statement details join every reason', () => {
  it('the resource, the principal and each failing condition, in that order', () => {
    const ev = evaluate(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::444455556666:root' },
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::other/*',
            Condition: {
              StringEquals: { 'aws:SourceVpce': 'vpce-1' },
              Bool: { 'aws:SecureTransport': 'true' },
              NumericLessThan: { 's3:max-keys': '100' },
            },
          },
        ],
      },
      request({
        principal: iamUser('alice'),
        resource: 'arn:aws:s3:::b/k',
        values: { 'aws:SourceVpce': 'vpce-2', 'aws:SecureTransport': 'false', 's3:max-keys': '5' },
      }),
      'bucket-policy',
    );
    expect(ev.statements[0]?.detail).toBe(
      'Allow statement 1 does not apply: arn:aws:s3:::b/k does not match Resource arn:aws:s3:::other/*; ' +
        'principal arn:aws:iam::444455556666:root does not name arn:aws:iam::111122223333:user/alice; ' +
        'StringEquals: aws:SourceVpce vpce-2 does not equal vpce-1; ' +
        'Bool: aws:SecureTransport false does not equal true',
    );
  });

  it('a principal that does not match and a condition that fails, without a resource reason', () => {
    const ev = evaluate(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::444455556666:root' },
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'true' } },
          },
        ],
      },
      request({ principal: iamUser('alice'), values: { 'aws:SecureTransport': 'false' } }),
      'bucket-policy',
    );
    expect(ev.statements[0]?.detail).toBe(
      'Allow statement 1 does not apply: principal arn:aws:iam::444455556666:root does not name arn:aws:iam::111122223333:user/alice; Bool: aws:SecureTransport false does not equal true',
    );
  });
});

describe('traces of statements with a principal', () => {
  it('a statement whose principal matches but resource does not: principalMatched true, resourceMatched false', () => {
    const ev = evaluate(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: 'arn:aws:s3:::x/*' }],
      },
      request({ resource: 'arn:aws:s3:::b/k' }),
      'bucket-policy',
    );
    expect(ev.statements[0]).toMatchObject({
      principalMatched: true,
      principalMatchKind: 'wildcard',
      resourceMatched: false,
      matched: false,
      actionMatched: true,
    });
  });

  it('a statement whose principal does not match has no match kind', () => {
    const ev = evaluate(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: '*', Resource: '*' }],
      },
      request(),
      'bucket-policy',
    );
    expect(ev.statements[0]).toMatchObject({
      principalMatched: false,
      matched: false,
      resourceMatched: true,
    });
    expect('principalMatchKind' in ev.statements[0]!).toBe(false);
  });

  it('a statement without principal or condition: its trace has the fields of a trace and no principal fields', () => {
    const ev = evaluate(
      { Version: '2012-10-17', Statement: [{ Sid: 'S', Effect: 'Deny', Action: '*', Resource: '*' }] },
      request(),
    );
    expect(ev.statements[0]).toEqual({
      index: 1,
      sid: 'S',
      effect: 'Deny',
      actionMatched: true,
      resourceMatched: true,
      conditions: [],
      matched: true,
      detail: 'Deny statement 1 (S) applies to s3:GetObject on arn:aws:s3:::amzn-s3-demo-bucket/key.txt',
    });
  });
});

describe('one request after another (the evaluator remembers the last requests)', () => {
  it('interleaved requests each get their own decision', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
    };
    const p = parsePolicy(policy(doc));
    const get = request({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' });
    const put = request({ action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' });
    const other = request({ action: 's3:GetObject', resource: 'arn:aws:s3:::x/k' });
    const order = [get, put, get, other, put, other, get, get, put, put, other];
    const expected = order.map((r) => (r === get ? 'allow' : 'none'));
    expect(order.map((r) => evaluatePolicy(p, r).decision)).toEqual(expected);
    const details = order.map((r) => evaluatePolicy(p, r).statements[0]?.detail ?? '');
    expect(details[0]).toBe('Allow statement 1 applies to s3:GetObject on arn:aws:s3:::b/k');
    expect(details[2]).toBe(details[0]);
    expect(details[3]).toContain('arn:aws:s3:::x/k does not match');
  });

  it('the same statements under many actions: each action gets the statements that cover it', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
        { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' },
      ],
    };
    const p = parsePolicy(policy(doc));
    for (let i = 0; i < 1100; i++) evaluatePolicy(p, request({ action: `s3:Action${i}` }));
    expect(evaluatePolicy(p, request({ action: 's3:GetObject' })).decision).toBe('allow');
    expect(evaluatePolicy(p, request({ action: 's3:GetObjectAcl' })).decision).toBe('deny');
    expect(evaluatePolicy(p, request({ action: 's3:getobject' })).decision).toBe('allow');
  });
});

describe('near misses left out (nearMisses: false)', () => {
  const p = parsePolicy(
    policy(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'OtherResource', Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::x/*' },
          {
            Sid: 'OtherPrincipal',
            Effect: 'Allow',
            Principal: { AWS: '444455556666' },
            Action: '*',
            Resource: '*',
          },
          {
            Sid: 'Excluded',
            Effect: 'Deny',
            NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
            Action: '*',
            Resource: '*',
          },
          {
            Sid: 'FailingCondition',
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'Applies',
            Effect: 'Allow',
            Action: '*',
            Resource: ['arn:aws:s3:::x/*', 'arn:aws:s3:::b/*'],
          },
          {
            Sid: 'MightApply',
            Effect: 'Allow',
            Action: '*',
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceVpce': 'v' } },
          },
          { Sid: 'NotResourceOther', Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::b/*' },
          { Sid: 'NotResourceApplies', Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::x/*' },
          {
            Sid: 'VariableUnknown',
            Effect: 'Allow',
            Action: '*',
            Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/t}',
          },
          {
            Sid: 'VariableAbsent',
            Effect: 'Allow',
            Action: '*',
            Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/none}',
          },
        ],
      },
      'fast',
      'bucket-policy',
    ),
  );
  const r: EngineRequest = {
    ...request({
      principal: rootUser(),
      resource: 'arn:aws:s3:::b/k',
      values: { 'aws:SecureTransport': 'true' },
    }),
    context: {
      values: { 'aws:SecureTransport': 'true' },
      absent: ['aws:PrincipalTag/none'],
      otherKeys: 'unknown',
    },
  };

  it('keeps exactly the statements that apply or might apply, in order, and counts the rest', () => {
    const fast = evaluatePolicy(p, r, { nearMisses: false });
    expect(nearMissesSkipped()).toBe(6);
    expect(fast.statements.map((s) => s.sid)).toEqual([
      'Applies',
      'MightApply',
      'NotResourceApplies',
      'VariableUnknown',
    ]);
    const full = evaluatePolicy(p, r);
    expect(nearMissesSkipped()).toBe(0);
    expect(fast.decision).toBe(full.decision);
    expect(full.statements.filter((s) => s.matched !== false)).toEqual(fast.statements);
  });

  it('a policy whose statements all miss gives none and no statements', () => {
    const q = parsePolicy(
      policy({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::x/*' }],
      }),
    );
    const ev = evaluatePolicy(q, r, { nearMisses: false });
    expect(ev).toEqual({
      policy: { name: 'test-policy', source: 'identity-inline' },
      decision: 'none',
      statements: [],
    });
    expect(nearMissesSkipped()).toBe(1);
  });
});

describe('evaluation never throws', () => {
  it('a request that cannot be read gives unknown with an internal-error detail', () => {
    const p = parsePolicy(policy({ Version: '2012-10-17', Statement: [allowGet] }, 'broken', 'scp'));
    const bad = { ...req, action: 5 } as unknown as EngineRequest;
    const ev = evaluatePolicy(p, bad);
    expect(ev.decision).toBe('unknown');
    expect(ev.policy).toEqual({ name: 'broken', source: 'scp' });
    expect(ev.statements).toHaveLength(1);
    expect(ev.statements[0]).toMatchObject({
      index: 0,
      sid: null,
      effect: 'Deny',
      matched: 'unknown',
      actionMatched: false,
      resourceMatched: false,
      conditions: [],
    });
    expect(ev.statements[0]?.detail).toMatch(/^internal error while evaluating broken: /);
    expect(nearMissesSkipped()).toBe(1);
  });

  it('a hand-made policy that cannot be compiled keeps its name and ARN in the result', () => {
    const hand: ParsedPolicy = {
      name: 'bad',
      arn: 'arn:aws:iam::111122223333:policy/bad',
      source: 'identity-managed',
      statements: [{ index: 1, sid: null, effect: 'Allow', raw: { Effect: 'Maybe' } }],
    };
    const ev = evaluatePolicy(hand, req);
    expect(ev.policy).toEqual({
      name: 'bad',
      arn: 'arn:aws:iam::111122223333:policy/bad',
      source: 'identity-managed',
    });
    const noArn: ParsedPolicy = { name: 'bad2', source: 'scp', statements: hand.statements };
    expect(evaluatePolicy(noArn, req).policy).toEqual({ name: 'bad2', source: 'scp' });
  });
});

describe('statements that rest on an inferred value (dependsOnInferred)', () => {
  const inferredHttp = (values: Record<string, string> = {}): EngineRequest => {
    const r = request({ values, otherKeys: 'unknown' });
    return {
      ...r,
      useInferred: true,
      context: {
        ...r.context,
        inferred: {
          'aws:SecureTransport': { value: 'false', confidence: 'likely', reason: 'no TLS details', from: [] },
        },
      },
    };
  };
  const denyHttp = (extra: Record<string, unknown> = {}) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' }, ...extra },
      },
    ],
  });

  it('a Deny decided by the inferred value alone rests on it', () => {
    expect(evaluate(denyHttp(), inferredHttp()).statements[0]?.dependsOnInferred).toBe(true);
  });

  it('a statement that a recorded condition already rules out does not rest on the inferred value', () => {
    const ev = evaluate(
      denyHttp({ StringEquals: { 'aws:SourceVpce': 'vpce-1' } }),
      inferredHttp({ 'aws:SourceVpce': 'vpce-2' }),
    );
    expect(ev.statements[0]?.matched).toBe(false);
    expect(ev.statements[0]?.dependsOnInferred).toBeUndefined();
  });

  it('a statement that still might apply (another key unknown) is not marked', () => {
    const ev = evaluate(denyHttp({ StringEquals: { 'aws:SourceVpce': 'vpce-1' } }), inferredHttp());
    expect(ev.statements[0]?.matched).toBe('unknown');
    expect(ev.statements[0]?.dependsOnInferred).toBeUndefined();
  });

  it('a statement with a principal keeps its principal fields when it rests on the inferred value', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: '*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    };
    const ev = evaluate(doc, inferredHttp(), 'bucket-policy');
    expect(ev.statements[0]).toMatchObject({
      matched: true,
      dependsOnInferred: true,
      principalMatched: true,
      principalMatchKind: 'wildcard',
    });
  });

  it('a statement whose principal does not match does not rest on the inferred value', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: { AWS: '444455556666' },
          Action: '*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    };
    const ev = evaluate(doc, inferredHttp(), 'bucket-policy');
    expect(ev.statements[0]?.matched).toBe(false);
    expect(ev.statements[0]?.dependsOnInferred).toBeUndefined();
  });
});

describe('trace fields and details for statements with a principal', () => {
  it('a statement whose principal names the caller but whose resource does not match: only the resource is the reason', () => {
    const ev = evaluate(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: 'arn:aws:s3:::x/*' }],
      },
      request({ resource: 'arn:aws:s3:::b/k' }),
      'bucket-policy',
    );
    expect(ev.statements[0]?.detail).toBe(
      'Allow statement 1 does not apply: arn:aws:s3:::b/k does not match Resource arn:aws:s3:::x/*',
    );
  });

  it('a statement whose principal does not name the caller still has actionMatched true', () => {
    const ev = evaluate(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: '*', Resource: '*' }],
      },
      request(),
      'bucket-policy',
    );
    expect(ev.statements[0]?.actionMatched).toBe(true);
  });

  it('near misses left out keep a statement whose principal names the caller', () => {
    const p = parsePolicy(
      policy(
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: '*', Resource: '*' }],
        },
        'np',
        'bucket-policy',
      ),
    );
    const ev = evaluatePolicy(p, request(), { nearMisses: false });
    expect(ev.decision).toBe('allow');
    expect(nearMissesSkipped()).toBe(0);
  });

  it('a result for a policy without an ARN has no arn field, even on an internal error', () => {
    const p = parsePolicy(policy({ Version: '2012-10-17', Statement: [allowGet] }, 'no-arn'));
    expect('arn' in evaluatePolicy(p, req).policy).toBe(false);
    const hand: ParsedPolicy = {
      name: 'h',
      source: 'scp',
      statements: [{ index: 1, sid: null, effect: 'Allow', raw: { Effect: 'Maybe' } }],
    };
    expect('arn' in evaluatePolicy(hand, req).policy).toBe(false);
  });
});
