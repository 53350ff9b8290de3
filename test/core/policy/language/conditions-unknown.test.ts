/**
 * A condition whose policy value is a variable the request does not tell about: the engine cannot decide what
 * AWS would substitute, so the condition is unknown unless another value already decides it.
 * VARS = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * (a policy variable is replaced by the value of its key in the request context; with no value and no default
 * there is nothing to compare)
 * OR = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_logic_multiple_context_keys_or_values.html
 * ("If a single condition operator includes multiple values for a context key, those values are evaluated using a
 * logical OR")
 * SETS = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * (ForAllValues: true when every value of the request matches at least one policy value; ForAnyValue: true
 * when at least one value of the request matches a policy value)
 * NULL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
 * ("true": the key must be absent; "false": the key must be present)
 */
import { conditionResult } from './helpers';

// s3:prefix is in the request; aws:PrincipalTag/team is not stated either way (otherKeys 'unknown')
const known = (values: Record<string, string | string[]>) => ({ values, otherKeys: 'unknown' as const });

describe('a policy value with a variable the request does not tell about (VARS, OR)', () => {
  it('StringEquals against only that value is unknown, and so is StringNotEquals', () => {
    const ctx = known({ 's3:prefix': 'red' });
    expect(conditionResult('StringEquals', 's3:prefix', '${aws:PrincipalTag/team}', ctx)).toBe('unknown');
    expect(conditionResult('StringNotEquals', 's3:prefix', '${aws:PrincipalTag/team}', ctx)).toBe('unknown');
    expect(conditionResult('StringLike', 's3:prefix', 'home/${aws:PrincipalTag/team}/*', ctx)).toBe(
      'unknown',
    );
  });

  it('another policy value that matches decides: the values are ORed', () => {
    const ctx = known({ 's3:prefix': 'red' });
    expect(conditionResult('StringEquals', 's3:prefix', ['red', '${aws:PrincipalTag/team}'], ctx)).toBe(true);
    expect(conditionResult('StringEquals', 's3:prefix', ['${aws:PrincipalTag/team}', 'red'], ctx)).toBe(true);
    // a negated operator needs the request value to match none of the values: one match decides "false"
    expect(conditionResult('StringNotEquals', 's3:prefix', ['${aws:PrincipalTag/team}', 'red'], ctx)).toBe(
      false,
    );
  });

  it('another policy value that does not match leaves it unknown', () => {
    const ctx = known({ 's3:prefix': 'red' });
    expect(conditionResult('StringEquals', 's3:prefix', ['blue', '${aws:PrincipalTag/team}'], ctx)).toBe(
      'unknown',
    );
  });

  it('a request value that is not an address is in no range, whatever the unknown variable would be', () => {
    const ctx = known({ 'aws:SourceIp': 'not-an-address' });
    expect(conditionResult('IpAddress', 'aws:SourceIp', '${aws:PrincipalTag/range}', ctx)).toBe(false);
  });

  it('with a default the variable has a value even when the key is not stated', () => {
    // VARS: "${aws:PrincipalTag/team, 'company-wide'}": the default is used when the key is not present
    const ctx = { values: { 's3:prefix': 'company-wide' } };
    expect(
      conditionResult('StringEquals', 's3:prefix', "${aws:PrincipalTag/team, 'company-wide'}", ctx),
    ).toBe(true);
  });
});

describe('set operators over several request values with an unknown policy value (SETS)', () => {
  const ctx = known({ 'aws:TagKeys': ['dept', 'cost'] });
  it('ForAllValues: a value that matches no known policy value leaves the result unknown', () => {
    expect(
      conditionResult('ForAllValues:StringEquals', 'aws:TagKeys', ['dept', '${aws:PrincipalTag/k}'], ctx),
    ).toBe('unknown');
  });

  it('ForAllValues: a value that is certainly outside the set decides false when no value is unknown', () => {
    expect(conditionResult('ForAllValues:StringEquals', 'aws:TagKeys', ['dept'], ctx)).toBe(false);
  });

  it('ForAnyValue: one value that matches decides true, the unknown one does not matter', () => {
    expect(
      conditionResult('ForAnyValue:StringEquals', 'aws:TagKeys', ['cost', '${aws:PrincipalTag/k}'], ctx),
    ).toBe(true);
  });

  it('ForAnyValue: no known match and an unknown policy value is unknown', () => {
    expect(
      conditionResult('ForAnyValue:StringEquals', 'aws:TagKeys', ['name', '${aws:PrincipalTag/k}'], ctx),
    ).toBe('unknown');
  });

  it('ForAllValues:StringNotEquals with an unknown policy value is unknown (a value might equal it)', () => {
    expect(conditionResult('ForAllValues:StringNotEquals', 'aws:TagKeys', '${aws:PrincipalTag/k}', ctx)).toBe(
      'unknown',
    );
  });

  it('ForAnyValue:StringNotEquals: a value that equals none of the policy values decides true', () => {
    expect(
      conditionResult('ForAnyValue:StringNotEquals', 'aws:TagKeys', ['dept', 'secret'], {
        values: { 'aws:TagKeys': ['dept', 'cost'] },
      }),
    ).toBe(true);
    expect(
      conditionResult('ForAnyValue:StringNotEquals', 'aws:TagKeys', ['dept', 'cost'], {
        values: { 'aws:TagKeys': ['dept', 'cost'] },
      }),
    ).toBe(false);
  });

  it('ForAllValues:StringLike: every request value must match one pattern', () => {
    expect(
      conditionResult('ForAllValues:StringLike', 'aws:TagKeys', ['d*', 'c*'], {
        values: { 'aws:TagKeys': ['dept', 'cost'] },
      }),
    ).toBe(true);
    expect(
      conditionResult('ForAllValues:StringLike', 'aws:TagKeys', ['d*'], {
        values: { 'aws:TagKeys': ['dept', 'cost'] },
      }),
    ).toBe(false);
  });
});

describe('Null with several values (NULL, OR)', () => {
  it('Null ["true", "false"] holds whether the key is present or absent', () => {
    expect(
      conditionResult('Null', 'aws:TokenIssueTime', ['true', 'false'], { absent: ['aws:TokenIssueTime'] }),
    ).toBe(true);
    expect(
      conditionResult('Null', 'aws:TokenIssueTime', ['true', 'false'], {
        values: { 'aws:TokenIssueTime': 'x' },
      }),
    ).toBe(true);
  });
});
