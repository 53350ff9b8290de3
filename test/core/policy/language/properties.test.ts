/**
 * Properties of the policy language (fast-check).
 * Deny wins: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * Statement order does not matter and statements are independent:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html
 * Wildcards (* any run of characters, ? one character):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
import fc from 'fast-check';
import { evaluatePolicy } from '../../../../lambdas/core/policy/evaluate-policy';
import { compileGlob, encodeWildcards, globTest } from '../../../../lambdas/core/policy/match';
import { parsePolicy } from '../../../../lambdas/core/policy/parse';
import {
  PolicyParseError,
  type EngineRequest,
  type PolicyEvaluation,
} from '../../../../lambdas/core/policy/types';
import { ACCT, OTHER, anonymous, iamUser, policy, roleSession, service } from './helpers';

const actions = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'kms:Decrypt'];
const resources = ['arn:aws:s3:::b', 'arn:aws:s3:::b/k', 'arn:aws:s3:::b/dir/k', 'arn:aws:s3:::other/k', '*'];
const keys = [
  'aws:SourceIp',
  'aws:SecureTransport',
  's3:prefix',
  'aws:PrincipalTag/team',
  'aws:TagKeys',
  'aws:CurrentTime',
];

const actionPattern = fc.constantFrom(
  '*',
  's3:*',
  's3:Get*',
  's3:GetObject',
  's3:?utObject',
  'kms:*',
  'S3:LISTBUCKET',
);
const resourcePattern = fc.constantFrom(
  '*',
  'arn:aws:s3:::b',
  'arn:aws:s3:::b/*',
  'arn:aws:s3:::*',
  'arn:aws:s3:::b/${aws:username}',
  'arn:aws:s3:*',
);
const principalValue = fc.constantFrom<unknown>(
  '*',
  { AWS: '*' },
  { AWS: ACCT },
  { AWS: `arn:aws:iam::${ACCT}:role/AppRole` },
  { AWS: [`arn:aws:sts::${ACCT}:assumed-role/AppRole/sess`, `arn:aws:iam::${ACCT}:root`] },
  { Service: 'cloudtrail.amazonaws.com' },
);
const valueArb = fc.oneof(
  fc.constantFrom('true', 'false', '10.0.0.0/8', 'a*', '5', '2020-01-01T00:00:00Z'),
  fc.array(fc.constantFrom('true', 'x', '2001:db8::/32'), { maxLength: 3 }),
);
const operatorArb = fc.constantFrom(
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'ForAllValues:StringEquals',
  'ForAnyValue:StringLike',
  'IpAddress',
  'NotIpAddress',
  'Bool',
  'BoolIfExists',
  'NumericLessThan',
  'DateGreaterThan',
  'ArnLike',
);
const keyValues = (values: fc.Arbitrary<unknown>) =>
  fc.dictionary(fc.constantFrom(...keys), values, { minKeys: 1, maxKeys: 2 });
const conditionBlock = fc.oneof(
  fc.dictionary(operatorArb, keyValues(valueArb), { maxKeys: 2 }),
  fc.record({ Null: keyValues(fc.constantFrom('true', 'false')) }),
);

const statement = fc.record(
  {
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.oneof(actionPattern, fc.array(actionPattern, { minLength: 1, maxLength: 3 })),
    Resource: fc.oneof(resourcePattern, fc.array(resourcePattern, { minLength: 1, maxLength: 2 })),
    Principal: principalValue,
    Condition: conditionBlock,
  },
  { requiredKeys: ['Effect', 'Action', 'Resource'] },
);

const statements = fc.array(statement, { maxLength: 6 });

const requestArb: fc.Arbitrary<EngineRequest> = fc.record({
  principal: fc.constantFrom(
    iamUser('alice'),
    roleSession(),
    roleSession('AppRole', 'other'),
    iamUser('bob', OTHER),
    anonymous,
    service('cloudtrail.amazonaws.com'),
  ),
  action: fc.constantFrom(...actions),
  resource: fc.constantFrom(...resources),
  resourceAccountId: fc.constant(ACCT),
  context: fc.record({
    values: fc.dictionary(
      fc.constantFrom(...keys),
      fc.oneof(
        fc.constantFrom('10.1.2.3', 'true', 'false', 'abc', '3', '2021-06-01T00:00:00Z'),
        fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 }),
      ),
    ),
    absent: fc.array(fc.constantFrom(...keys), { maxLength: 2 }),
    otherKeys: fc.constantFrom<'unknown' | 'absent'>('unknown', 'absent'),
  }),
});

let counter = 0;
const run = (stmts: unknown[], req: EngineRequest): PolicyEvaluation =>
  // a fresh name per call, so the cache by document object is exercised too
  evaluatePolicy(
    parsePolicy(policy({ Version: '2012-10-17', Statement: stmts }, `p${counter++}`, 'bucket-policy')),
    req,
  );

describe('properties', () => {
  it('evaluatePolicy never throws, never fails internally, and only reports traced statements', () => {
    fc.assert(
      fc.property(statements, requestArb, (stmts, req) => {
        const ev = run(stmts, req);
        expect(['allow', 'deny', 'none', 'unknown']).toContain(ev.decision);
        for (const t of ev.statements) {
          expect(t.detail).not.toMatch(/internal error|cannot evaluate/);
          expect(t.index).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('parsePolicy on arbitrary JSON either returns or throws PolicyParseError', () => {
    const anyDoc = fc.oneof(
      fc.jsonValue(),
      fc.json(),
      fc.string(),
      fc.record({
        Version: fc.constantFrom('2012-10-17', '2008-10-17'),
        Statement: fc.oneof(
          fc.jsonValue(),
          fc.array(
            fc.dictionary(
              fc.constantFrom(
                'Effect',
                'Action',
                'Resource',
                'Principal',
                'Condition',
                'NotPrincipal',
                'Sid',
              ),
              fc.jsonValue(),
            ),
          ),
        ),
      }),
    );
    fc.assert(
      fc.property(anyDoc, requestArb, (document, req) => {
        try {
          const parsed = parsePolicy(policy(document, 'fuzz'));
          evaluatePolicy(parsed, req);
        } catch (e) {
          expect(e).toBeInstanceOf(PolicyParseError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a Deny statement that matches always yields deny', () => {
    fc.assert(
      fc.property(statements, statement, requestArb, fc.nat(), (others, extra, req, at) => {
        const deny = { ...extra, Effect: 'Deny' };
        const alone = run([deny], req);
        fc.pre(alone.statements[0]?.matched === true);
        const all: unknown[] = [...others];
        all.splice(at % (all.length + 1), 0, deny);
        expect(run(all, req).decision).toBe('deny');
      }),
      { numRuns: 300 },
    );
  });

  it('adding a statement that matches nothing never changes the decision', () => {
    fc.assert(
      fc.property(statements, statement, requestArb, (stmts, extra, req) => {
        const alone = run([extra], req);
        fc.pre(alone.statements.every((t) => t.matched === false));
        expect(run([...stmts, extra], req).decision).toBe(run(stmts, req).decision);
      }),
      { numRuns: 300 },
    );
  });

  it('statement order never changes the decision', () => {
    fc.assert(
      fc.property(statements, requestArb, fc.func(fc.integer()), (stmts, req, key) => {
        const shuffled = [...stmts].sort((a, b) => key(a) - key(b) || 0);
        expect(run(shuffled, req).decision).toBe(run(stmts, req).decision);
      }),
      { numRuns: 300 },
    );
  });

  it('without near misses: the same decision, and exactly the statements that apply or might apply', () => {
    fc.assert(
      fc.property(statements, requestArb, (stmts, req) => {
        const parsed = parsePolicy(
          policy({ Version: '2012-10-17', Statement: stmts }, `q${counter++}`, 'bucket-policy'),
        );
        const full = evaluatePolicy(parsed, req);
        const fast = evaluatePolicy(parsed, req, { nearMisses: false });
        expect(fast.decision).toBe(full.decision);
        expect(fast.statements).toEqual(full.statements.filter((t) => t.matched !== false));
      }),
      { numRuns: 400 },
    );
  });

  it('globs agree with a reference regular expression', () => {
    const toRegex = (p: string): RegExp =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        's',
      );
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*?]{0,8}$/), fc.stringMatching(/^[ab]{0,10}$/), (pattern, s) => {
        expect(globTest(compileGlob(encodeWildcards(pattern)), s)).toBe(toRegex(pattern).test(s));
      }),
      { numRuns: 2000 },
    );
  });
});
