/**
 * The operator registry and operator-name parsing.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * ("You can add IfExists to the end of any condition operator name except the Null condition")
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import { CONDITION_OPERATORS, parseOperator } from '../../../../lambdas/core/policy/conditions/index';

const NAMES = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
];

const NEGATED = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

describe('registry', () => {
  it('has every operator of the condition operators page, once', () => {
    expect(CONDITION_OPERATORS.map((o) => o.name).sort()).toEqual([...NAMES].sort());
  });

  it.each(NAMES)('%s is negated exactly when its name says so', (name) => {
    const op = CONDITION_OPERATORS.find((o) => o.name === name);
    expect(op?.negated).toBe(NEGATED.has(name));
  });
});

describe('operator names', () => {
  it.each(NAMES.filter((n) => n !== 'Null'))('%sIfExists and the set operators parse', (name) => {
    expect(parseOperator(`${name}IfExists`)).toMatchObject({
      qualifier: 'none',
      ifExists: true,
      op: { name },
    });
    expect(parseOperator(`ForAnyValue:${name}`)).toMatchObject({
      qualifier: 'any',
      ifExists: false,
      op: { name },
    });
    expect(parseOperator(`ForAllValues:${name}IfExists`)).toMatchObject({
      qualifier: 'all',
      ifExists: true,
      op: { name },
    });
  });

  it('Null takes no IfExists; unknown names are errors', () => {
    expect(parseOperator('NullIfExists')).toMatch(/takes no IfExists/);
    expect(parseOperator('StringEqualz')).toBe('unknown condition operator "StringEqualz"');
    expect(parseOperator('ForSomeValues:StringEquals')).toMatch(/unknown condition operator/);
    expect(parseOperator('IfExists')).toMatch(/unknown condition operator/);
  });
});
