/**
 * When `explain` may reuse one analysis for identical denials (lambdas/core/report/reuse.ts): never when a policy
 * in the facts reads the request's time, since two occurrences of the same request at different times can then
 * be decided differently. Condition key names are case-insensitive
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html: "Condition key
 * names are not case-sensitive"), and a time key can also be read through a policy variable
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
 */
import { known, type NamedPolicy, type RequestFacts } from '../../lambdas/core/model';
import { factsUseTime } from '../../lambdas/core/report/reuse';

const policy = (statement: Record<string, unknown>): NamedPolicy => ({
  name: 'bucket',
  source: 'bucket-policy',
  document: { Version: '2012-10-17', Statement: [statement] },
});

const allowAll = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' };

/** The facts of one request: only what these tests need (the scan reads every field). */
const facts = (bucketPolicy: NamedPolicy, identity: readonly NamedPolicy[] = []): RequestFacts =>
  ({
    principal: known({ identityPolicies: known(identity) }),
    buckets: { b: known({ policy: known(bucketPolicy), objects: {} }) },
  }) as unknown as RequestFacts;

describe('explain reuses an analysis for identical denials only when no policy reads the time', () => {
  it('reuses when no policy mentions a time key', () => {
    expect(factsUseTime(facts(policy(allowAll)))).toBe(false);
  });

  it.each([
    ['aws:CurrentTime', { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } }],
    ['aws:EpochTime', { NumericLessThan: { 'aws:EpochTime': '1798761600' } }],
    ['aws:MultiFactorAuthAge', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }],
    ['a time key in any letter case', { DateGreaterThan: { 'AWS:currenttime': '2026-01-01T00:00:00Z' } }],
  ])('does not reuse when a condition reads %s', (_name, condition) => {
    expect(factsUseTime(facts(policy({ ...allowAll, Condition: condition })))).toBe(true);
  });

  it('does not reuse when a policy variable reads the time', () => {
    const p = policy({ ...allowAll, Resource: 'arn:aws:s3:::b/${aws:CurrentTime}/*' });
    expect(factsUseTime(facts(p))).toBe(true);
  });

  it('looks at every policy of the facts, the identity policies too', () => {
    const mfa = policy({ ...allowAll, Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '60' } } });
    expect(factsUseTime(facts(policy(allowAll), [mfa]))).toBe(true);
  });

  it('answers for each request: a policy shared by many requests is judged with the rest of their facts', () => {
    const shared = policy(allowAll);
    const timed = policy({ ...allowAll, Condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01' } } });
    expect(factsUseTime(facts(shared))).toBe(false);
    expect(factsUseTime(facts(shared, [timed]))).toBe(true);
    expect(factsUseTime(facts(shared))).toBe(false);
  });
});
