/**
 * evaluatePolicy: decisions and traces for one policy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * ("an explicit deny in any policy overrides any allows"; nothing allowed -> implicit deny)
 * NotAction: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 * NotResource: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
 */
import { evaluatePolicy } from '../../../../lambdas/core/policy/evaluate-policy';
import type { ParsedPolicy } from '../../../../lambdas/core/policy/types';
import { evaluate, request, roleSession } from './helpers';

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
