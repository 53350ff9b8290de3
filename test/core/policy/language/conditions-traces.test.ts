/**
 * What a condition trace shows: the request values, the policy values after variable substitution, the result
 * and its one-line reason.
 * OPS = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * (a key missing from the request fails a condition, except …IfExists and Null)
 * VARS = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * (a variable is replaced by its key's value in the request; a key with no value leaves nothing to compare)
 * OR = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_logic_multiple_context_keys_or_values.html
 * (several values for one key are ORed; a negated operator needs the request value to match none of them)
 * SETS = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * (ForAllValues is true for a missing key; ForAnyValue needs one request value that matches)
 * NULL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
 */
import type { ConditionContext } from '../../../../lambdas/core/model';
import type { EngineRequest } from '../../../../lambdas/core/policy/types';
import { evaluate, request, statementDoc, type RequestOptions } from './helpers';

const traceOf = (condition: Record<string, unknown>, req: EngineRequest) =>
  evaluate(statementDoc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition }), req)
    .statements[0]!.conditions[0]!;
const trace = (condition: Record<string, unknown>, o: RequestOptions) => traceOf(condition, request(o));

describe('condition traces (OPS, VARS, OR, SETS, NULL)', () => {
  it('a variable the request does not tell about: unknown, and the policy value says so (VARS)', () => {
    expect(
      trace(
        { StringEquals: { 's3:prefix': '${aws:PrincipalTag/team}' } },
        { values: { 's3:prefix': 'red' }, otherKeys: 'unknown' },
      ),
    ).toEqual({
      operator: 'StringEquals',
      key: 's3:prefix',
      requestValues: ['red'],
      policyValues: ['${aws:PrincipalTag/team} (unknown)'],
      result: 'unknown',
      detail: 's3:prefix red vs ${aws:PrincipalTag/team} (unknown): a policy value depends on an unknown key',
    });
  });

  it('a variable whose key has no value: no match, and the policy value says so (VARS)', () => {
    const t = trace(
      { StringEquals: { 's3:prefix': '${aws:PrincipalTag/team}' } },
      { values: { 's3:prefix': 'red' } },
    );
    expect(t.result).toBe(false);
    expect(t.policyValues).toEqual(['${aws:PrincipalTag/team} (no value)']);
    expect(t.detail).toBe('s3:prefix red does not equal ${aws:PrincipalTag/team} (no value)');
  });

  it('a variable with a value: the trace shows the substituted policy values (VARS, OR)', () => {
    const values = { 's3:prefix': 'home/bob/x', 'aws:username': 'alice' };
    const one = trace({ StringLike: { 's3:prefix': 'home/${aws:username}/*' } }, { values });
    expect(one.policyValues).toEqual(['home/alice/*']);
    expect(one.detail).toBe('s3:prefix home/bob/x does not match home/alice/*');
    const two = trace({ StringLike: { 's3:prefix': ['home/${aws:username}/*', 'public/*'] } }, { values });
    expect(two.policyValues).toEqual(['home/alice/*', 'public/*']);
    expect(two.detail).toBe('s3:prefix home/bob/x does not match any of [home/alice/*, public/*]');
    const eq = trace(
      { StringEquals: { 's3:prefix': '${aws:username}' } },
      { values: { 's3:prefix': 'alice', 'aws:username': 'alice' } },
    );
    expect(eq).toMatchObject({
      result: true,
      policyValues: ['alice'],
      detail: 's3:prefix alice equals alice',
    });
  });

  it('ForAnyValue with no request value in the set fails; with one it holds, whatever an unknown value would be (SETS)', () => {
    const none = trace(
      { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['x', 'y'] } },
      { values: { 'aws:TagKeys': ['a', 'b'] } },
    );
    expect(none).toMatchObject({
      requestValues: ['a', 'b'],
      result: false,
      detail: 'aws:TagKeys [a, b] vs any of [x, y]: ForAnyValue:StringEquals fails',
    });
    const one = trace(
      { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', '${aws:PrincipalTag/k}'] } },
      { values: { 'aws:TagKeys': ['a', 'b'] }, otherKeys: 'unknown' },
    );
    expect(one.result).toBe(true);
    expect(one.policyValues).toEqual(['a', '${aws:PrincipalTag/k} (unknown)']);
    expect(one.detail).toBe(
      'aws:TagKeys [a, b] vs any of [a, ${aws:PrincipalTag/k} (unknown)]: ForAnyValue:StringEquals holds',
    );
  });

  it('missing keys: Null "true" holds, …IfExists and ForAllValues pass (NULL, OPS, SETS)', () => {
    expect(
      trace({ Null: { 'aws:TokenIssueTime': 'true' } }, { absent: ['aws:TokenIssueTime'] }),
    ).toMatchObject({
      requestValues: null,
      result: true,
      detail: 'aws:TokenIssueTime is absent; Null true holds',
    });
    expect(
      trace({ Null: { 'aws:TokenIssueTime': 'true' } }, { values: { 'aws:TokenIssueTime': 'x' } }),
    ).toMatchObject({
      result: false,
      detail: 'aws:TokenIssueTime is present; Null true fails',
    });
    expect(
      trace({ StringEqualsIfExists: { 'aws:SourceVpce': 'v' } }, { absent: ['aws:SourceVpce'] }),
    ).toMatchObject({
      requestValues: null,
      result: true,
      detail: 'aws:SourceVpce is absent, so StringEqualsIfExists passes',
    });
    expect(
      trace({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, { absent: ['aws:TagKeys'] }),
    ).toMatchObject({
      result: true,
      detail: 'aws:TagKeys is absent, so ForAllValues:StringEquals passes',
    });
    expect(
      trace({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } }, { absent: ['aws:TagKeys'] }),
    ).toMatchObject({
      result: false,
      detail: 'aws:TagKeys is absent, so ForAnyValue:StringEquals fails',
    });
  });

  it('several request values without a set operator: any one may match; a negated operator needs none to (OR)', () => {
    expect(
      trace({ StringEquals: { 's3:prefix': 'x' } }, { values: { 's3:prefix': ['a', 'b'] } }),
    ).toMatchObject({
      result: false,
      detail: 's3:prefix [a, b] does not equal x',
    });
    expect(
      trace({ StringNotEquals: { 's3:prefix': ['x', 'y'] } }, { values: { 's3:prefix': ['a', 'x'] } }),
    ).toMatchObject({ result: false, detail: 's3:prefix [a, x] equals any of [x, y]' });
  });
});

describe('a value the record only implies (ConditionContext.inferred)', () => {
  // project rule ("unknown is honest", docs/AUTHORIZATION.md section 2): a decision read from an inferred value
  // is marked; aws:SecureTransport: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport
  const inferred: ConditionContext['inferred'] = {
    'aws:SecureTransport': {
      value: 'false',
      confidence: 'likely',
      reason: 'no TLS details',
      from: ['tlsDetails'],
    },
    'aws:PrincipalTag/team': { value: 'red', confidence: 'likely', reason: 'test', from: [] },
  };
  const withInferred = (values: Record<string, string>, use: boolean): EngineRequest => {
    const r = request({ values, otherKeys: 'unknown' });
    return { ...r, ...(use ? { useInferred: true } : {}), context: { ...r.context, inferred } };
  };

  it('a condition on an inferred key is decided with it and marked inferred', () => {
    const t = traceOf({ Bool: { 'aws:SecureTransport': 'false' } }, withInferred({}, true));
    expect(t.result).toBe(true);
    expect(t.inferred).toBe(true);
    expect(t.detail).toContain('inferred');
  });

  it('a condition whose policy variable reads an inferred key is marked inferred too', () => {
    const t = traceOf(
      { StringEquals: { 's3:prefix': '${aws:PrincipalTag/team}' } },
      withInferred({ 's3:prefix': 'red' }, true),
    );
    expect(t.result).toBe(true);
    expect(t.inferred).toBe(true);
  });

  it('a condition on recorded values only is not marked, even when inferred values are used', () => {
    const t = traceOf({ StringEquals: { 's3:prefix': 'red' } }, withInferred({ 's3:prefix': 'red' }, true));
    expect(t.result).toBe(true);
    expect(t.inferred).toBeUndefined();
  });

  it('without useInferred the inferred key stays unknown', () => {
    const t = traceOf({ Bool: { 'aws:SecureTransport': 'false' } }, withInferred({}, false));
    expect(t.result).toBe('unknown');
    expect(t.inferred).toBeUndefined();
  });
});
