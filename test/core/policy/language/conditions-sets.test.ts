/**
 * Set operators on multivalued keys, several keys (AND) and several values (OR).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_logic_multiple_context_keys_or_values.html
 */
import { conditionResult, evaluate, request, statementDoc } from './helpers';

type Row = [string, unknown, string[] | undefined, boolean];

describe('ForAnyValue / ForAllValues (…condition-single-vs-multi-valued-context-keys.html)', () => {
  const rows: Row[] = [
    ['ForAnyValue:StringEquals', ['dept', 'cost'], ['dept', 'name'], true],
    ['ForAnyValue:StringEquals', ['dept', 'cost'], ['name'], false],
    ['ForAnyValue:StringEquals', ['dept', 'cost'], undefined, false], // ForAnyValue on a missing key: false
    ['ForAnyValue:StringEquals', ['dept', 'cost'], [], false], // … and on an empty set
    // IfExists does not change a set operator on a missing key: ForAnyValue stays false, ForAllValues true
    // (https://repost.aws/questions/QU9HFmDzP0QGuU-fd7rS6B7w, observed on AWS)
    ['ForAnyValue:StringEqualsIfExists', ['dept'], undefined, false],
    ['ForAnyValue:StringLikeIfExists', ['d*'], undefined, false],
    ['ForAnyValue:StringNotEqualsIfExists', ['dept'], undefined, false],
    ['ForAllValues:StringEqualsIfExists', ['dept'], undefined, true],
    ['ForAllValues:StringNotLikeIfExists', ['d*'], undefined, true],
    ['ForAllValues:StringEquals', ['dept', 'cost'], ['dept', 'cost'], true],
    ['ForAllValues:StringEquals', ['dept', 'cost'], ['dept', 'name'], false],
    ['ForAllValues:StringEquals', ['dept', 'cost'], undefined, true], // trap: ForAllValues on a missing key is true
    ['ForAllValues:StringEquals', ['dept', 'cost'], [], true], // … and on an empty set
    ['ForAllValues:StringLike', ['d*'], ['dept', 'dev'], true],
    ['ForAnyValue:StringNotEquals', ['dept'], ['dept', 'name'], true], // some value is not "dept"
    ['ForAnyValue:StringNotEquals', ['dept'], ['dept'], false],
    ['ForAnyValue:StringNotEquals', ['dept'], undefined, false],
    ['ForAllValues:StringNotEquals', ['secret'], ['dept', 'name'], true], // no value is "secret"
    ['ForAllValues:StringNotEquals', ['secret'], ['dept', 'secret'], false],
    ['ForAllValues:StringNotEquals', ['secret'], undefined, true],
    // a list without a set operator: any value matches (negated: none)
    ['StringEquals', ['dept'], ['name', 'dept'], true],
    ['StringNotEquals', ['dept'], ['name', 'dept'], false],
  ];
  it.each(rows)('%s %j, aws:TagKeys %j -> %s', (op, pv, rv, expected) => {
    const ctx = rv === undefined ? { absent: ['aws:TagKeys'] } : { values: { 'aws:TagKeys': rv } };
    expect(conditionResult(op, 'aws:TagKeys', pv, ctx)).toBe(expected);
  });

  it('ForAllValues on a key the request does not tell about is unknown, not true', () => {
    expect(conditionResult('ForAllValues:StringEquals', 'aws:TagKeys', ['a'], { otherKeys: 'unknown' })).toBe(
      'unknown',
    );
  });
});

describe('Several keys are ANDed, several operators are ANDed (…condition_logic_multiple_context_keys_or_values.html)', () => {
  const doc = statementDoc({
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: '*',
    Condition: {
      StringEquals: { 'aws:PrincipalTag/team': 'red', 'aws:SourceVpce': ['vpce-1', 'vpce-2'] },
      Bool: { 'aws:SecureTransport': 'true' },
    },
  });
  const base = { 'aws:PrincipalTag/team': 'red', 'aws:SourceVpce': 'vpce-2', 'aws:SecureTransport': 'true' };
  it.each([
    [base, 'allow'],
    [{ ...base, 'aws:SourceVpce': 'vpce-3' }, 'none'],
    [{ ...base, 'aws:PrincipalTag/team': 'blue' }, 'none'],
    [{ ...base, 'aws:SecureTransport': 'false' }, 'none'],
  ])('%j -> %s', (values, decision) => {
    const ev = evaluate(doc, request({ values }));
    expect(ev.decision).toBe(decision);
    expect(ev.statements[0]?.conditions).toHaveLength(3);
  });
});
