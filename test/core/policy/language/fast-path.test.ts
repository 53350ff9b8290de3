/**
 * The building blocks of the engine's fast path (lambdas/core/policy/evaluate-policy.ts, match.ts):
 *  - `evaluatePolicy(…, { nearMisses: false })` gives the same decision as the full evaluation and exactly its
 *    statements that match or might match (same traces, same order); `nearMissesSkipped()` counts the rest;
 *  - `arnTest` memoises its head test: interleaved patterns and subjects give the same answers as the
 *    uncompiled segment-aware matcher (ARN wildcard rules:
 *    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
 */
import fc from 'fast-check';
import { evaluatePolicy, nearMissesSkipped } from '../../../../lambdas/core/policy/evaluate-policy';
import {
  arnMatchEncoded,
  arnTest,
  compileArnPattern,
  encodeWildcards,
} from '../../../../lambdas/core/policy/match';
import { parsePolicy } from '../../../../lambdas/core/policy/parse';
import type { EngineRequest } from '../../../../lambdas/core/policy/types';
import { ACCT, anonymous, iamUser, policy, roleSession } from './helpers';

const statement = fc
  .record({
    effect: fc.constantFrom('Allow', 'Deny'),
    action: fc.constantFrom<unknown>('s3:GetObject', 's3:Get*', '*', ['s3:PutObject', 's3:List*']),
    resource: fc.constantFrom<unknown>('*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b/home/${aws:username}/*', [
      'arn:aws:s3:::other/*',
      'arn:aws:s3:::b',
    ]),
    principal: fc.constantFrom<unknown>(undefined, '*', { AWS: ACCT }, { AWS: roleSession().identityArn }),
    condition: fc.constantFrom<unknown>(
      undefined,
      { Bool: { 'aws:SecureTransport': 'true' } },
      { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } },
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    ),
  })
  .map((r) => ({
    Effect: r.effect,
    Action: r.action,
    Resource: r.resource,
    ...(r.principal !== undefined ? { Principal: r.principal } : {}),
    ...(r.condition !== undefined ? { Condition: r.condition } : {}),
  }));

const request = fc
  .record({
    principal: fc.constantFrom(roleSession(), iamUser(), anonymous),
    action: fc.constantFrom('s3:GetObject', 's3:PutObject', 's3:ListBucket'),
    resource: fc.constantFrom('arn:aws:s3:::b/k', 'arn:aws:s3:::b/home/alice/x', 'arn:aws:s3:::b'),
    ip: fc.constantFrom('10.1.1.1', '192.0.2.1'),
    otherKeys: fc.constantFrom('absent' as const, 'unknown' as const),
  })
  .map((r): EngineRequest => ({
    principal: r.principal,
    action: r.action,
    resource: r.resource,
    resourceAccountId: ACCT,
    context: {
      values: { 'aws:SourceIp': r.ip, 'aws:SecureTransport': 'true' },
      absent: [],
      otherKeys: r.otherKeys,
    },
  }));

describe('evaluatePolicy without near misses', () => {
  it('gives the same decision and exactly the statements that match or might match', () => {
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 8 }), request, (statements, req) => {
        const parsed = parsePolicy(
          policy({ Version: '2012-10-17', Statement: statements }, 'P', 'bucket-policy'),
        );
        const full = evaluatePolicy(parsed, req);
        const fast = evaluatePolicy(parsed, req, { nearMisses: false });
        const skipped = nearMissesSkipped();
        expect(fast.decision).toBe(full.decision);
        expect(fast.policy).toEqual(full.policy);
        expect(fast.statements).toEqual(full.statements.filter((s) => s.matched !== false));
        expect(skipped).toBe(full.statements.filter((s) => s.matched === false).length);
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});

/**
 * The fast path keeps, per policy, action and scope (the bucket and the first segment of the key, "b/home/", or the
 * bucket, "b/"), the statements that could apply there: a statement left out must be a near miss on its resource
 * for every resource of that scope. Bucket names and key segments that are prefixes of one another, wildcards in
 * and after the bucket name and in the first segment, access point ARNs and NotResource, with one compiled policy
 * evaluated for requests on many scopes in turn (the per-scope lists are built and reused).
 */
describe('evaluatePolicy without near misses, one policy for requests on many buckets', () => {
  const resources: unknown[] = [
    'arn:aws:s3:::b',
    'arn:aws:s3:::b/*',
    'arn:aws:s3:::b*',
    'arn:aws:s3:::bb/*',
    'arn:aws:s3:::b/home/*',
    'arn:aws:s3:::b?/*',
    'arn:aws:s3:::*/k',
    'arn:aws:s3:::b/home/${aws:username}/*',
    'arn:aws:s3:::b/home/alice/*',
    'arn:aws:s3:::b/ho*',
    'arn:aws:s3:::b/home',
    'arn:aws:s3:::b/*/x',
    'arn:aws:s3:::b/home/',
    'arn:aws:s3:*:*:accesspoint/*',
    'arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*',
    '*',
    ['arn:aws:s3:::c/*', 'arn:aws:s3:::bb'],
  ];
  const manyStatements = fc.array(
    fc.record({
      effect: fc.constantFrom('Allow', 'Deny'),
      resource: fc.constantFrom(...resources),
      not: fc.boolean(),
      condition: fc.constantFrom<unknown>(undefined, { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }),
    }),
    { minLength: 6, maxLength: 12 },
  );
  const subjects = [
    'arn:aws:s3:::b',
    'arn:aws:s3:::b/',
    'arn:aws:s3:::b/k',
    'arn:aws:s3:::b/home/alice/x',
    'arn:aws:s3:::b/home/bob/x',
    'arn:aws:s3:::b/home/',
    'arn:aws:s3:::b/home',
    'arn:aws:s3:::b/homer/x',
    'arn:aws:s3:::b/ho/x',
    'arn:aws:s3:::b//x',
    'arn:aws:s3:::bb',
    'arn:aws:s3:::bb/k',
    'arn:aws:s3:::b1/k',
    'arn:aws:s3:::c/k',
    'arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k',
    'arn:aws:s3:us-east-1:111122223333:accesspoint/ap',
    'arn:aws:s3:us-east-1:111122223333:accesspoint/ap2/object/k',
    'arn:aws:iam::111122223333:role/R',
    '*',
  ];
  it('gives the same decision and exactly the statements that match or might match, bucket after bucket', () => {
    fc.assert(
      fc.property(
        manyStatements,
        // the fast path indexes a policy's statements by bucket from its 8th evaluation on: enough asks to get there
        fc.array(fc.tuple(fc.nat(subjects.length - 1), fc.boolean()), { minLength: 12, maxLength: 30 }),
        (statements, asks) => {
          const parsed = parsePolicy(
            policy(
              {
                Version: '2012-10-17',
                Statement: statements.map((s) => ({
                  Effect: s.effect,
                  Action: 's3:*',
                  [s.not ? 'NotResource' : 'Resource']: s.resource,
                  ...(s.condition !== undefined ? { Condition: s.condition } : {}),
                })),
              },
              'P',
              'identity-inline',
            ),
          );
          for (const [i, inside] of asks) {
            const req: EngineRequest = {
              principal: roleSession(),
              action: 's3:GetObject',
              resource: subjects[i]!,
              resourceAccountId: ACCT,
              context: {
                values: { 'aws:SourceIp': inside ? '10.1.1.1' : '192.0.2.1', 'aws:username': 'alice' },
                absent: [],
                otherKeys: 'absent',
              },
            };
            const full = evaluatePolicy(parsed, req);
            const fast = evaluatePolicy(parsed, req, { nearMisses: false });
            const skipped = nearMissesSkipped();
            expect(fast.decision).toBe(full.decision);
            expect(fast.statements).toEqual(full.statements.filter((s) => s.matched !== false));
            expect(skipped).toBe(full.statements.filter((s) => s.matched === false).length);
          }
        },
      ),
      { numRuns: 600, seed: 17 },
    );
  });
});

describe('arnTest with its memoised head test', () => {
  const patterns = [
    'arn:aws:s3:::b/*',
    'arn:aws:s3:::b',
    'arn:aws:s3:::*/k',
    'arn:aws:s3:us-east-1:111122223333:accesspoint/ap/*',
    'arn:aws:s3:*:*:accesspoint/*',
    'arn:aws:s3:::b?/*',
    '*',
  ];
  const subjects = [
    'arn:aws:s3:::b/k',
    'arn:aws:s3:::b',
    'arn:aws:s3:::bb/k',
    'arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k',
    'arn:aws:iam::111122223333:role/R',
    'arn:aws:s3:::c/k',
  ];
  it('agrees with the uncompiled matcher for any interleaving of patterns and subjects', () => {
    const compiled = patterns.map((p) => compileArnPattern(encodeWildcards(p), true));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(patterns.length - 1), fc.nat(subjects.length - 1)), { maxLength: 30 }),
        (pairs) => {
          for (const [p, s] of pairs) {
            // a fresh copy of the subject (a different string object with the same text) must not matter
            const subject = `${subjects[s]!} `.trimEnd();
            expect(arnTest(compiled[p]!, subject)).toBe(
              arnMatchEncoded(encodeWildcards(patterns[p]!), subject, true),
            );
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
