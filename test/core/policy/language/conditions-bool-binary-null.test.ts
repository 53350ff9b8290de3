/**
 * Bool, BinaryEquals and Null.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
 */
import { conditionResult } from './helpers';

type Row = [string, string, unknown, string | string[] | undefined, boolean];

describe('Bool (…#Conditions_Boolean)', () => {
  const rows: Row[] = [
    ['Bool', 'aws:SecureTransport', 'true', 'true', true],
    ['Bool', 'aws:SecureTransport', 'false', 'false', true],
    ['Bool', 'aws:SecureTransport', 'false', 'true', false],
    ['Bool', 'aws:SecureTransport', true, 'true', true], // JSON boolean
    ['Bool', 'aws:SecureTransport', 'TRUE', 'true', true],
    ['Bool', 'aws:SecureTransport', 'false', undefined, false], // the classic deny-HTTP statement misses when absent
    ['BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', undefined, true],
    ['BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', 'true', false],
  ];
  it.each(rows)('%s %s %j, request %j -> %s', (op, key, pv, rv, expected) => {
    const ctx = rv === undefined ? { absent: [key] } : { values: { [key]: rv } };
    expect(conditionResult(op, key, pv, ctx)).toBe(expected);
  });
});

describe('BinaryEquals (…#Conditions_BinaryEquals)', () => {
  const rows: Row[] = [
    ['BinaryEquals', 'ec2:Attribute/UserData', 'QmluYXJ5VmFsdWU=', 'QmluYXJ5VmFsdWU=', true],
    ['BinaryEquals', 'ec2:Attribute/UserData', 'QmluYXJ5VmFsdWU=', 'QmluYXJ5VmFsdWQ=', false],
    ['BinaryEquals', 'ec2:Attribute/UserData', 'QmluYXJ5VmFsdWU', 'QmluYXJ5VmFsdWU=', true], // same bytes, no padding
    ['BinaryEquals', 'ec2:Attribute/UserData', 'not base64!', 'bm90', false],
    ['BinaryEquals', 'ec2:Attribute/UserData', 'QmluYXJ5VmFsdWU=', undefined, false],
    ['BinaryEqualsIfExists', 'ec2:Attribute/UserData', 'QmluYXJ5VmFsdWU=', undefined, true],
  ];
  it.each(rows)('%s %s %j, request %j -> %s', (op, key, pv, rv, expected) => {
    const ctx = rv === undefined ? { absent: [key] } : { values: { [key]: rv } };
    expect(conditionResult(op, key, pv, ctx)).toBe(expected);
  });
});

describe('Null (…#Conditions_Null)', () => {
  const rows: Row[] = [
    ['Null', 'aws:TokenIssueTime', 'true', undefined, true], // "true": the key must be absent
    ['Null', 'aws:TokenIssueTime', 'true', '2030-01-01T00:00:00Z', false],
    ['Null', 'aws:TokenIssueTime', 'false', '2030-01-01T00:00:00Z', true], // "false": the key must be present
    ['Null', 'aws:TokenIssueTime', 'false', undefined, false],
    ['Null', 'aws:TokenIssueTime', false, undefined, false], // JSON boolean
    ['Null', 'aws:TagKeys', 'true', [], true], // an empty list counts as absent
  ];
  it.each(rows)('%s %s %j, request %j -> %s', (op, key, pv, rv, expected) => {
    const ctx = rv === undefined ? { absent: [key] } : { values: { [key]: rv } };
    expect(conditionResult(op, key, pv, ctx)).toBe(expected);
  });

  it('is unknown when the request does not tell whether the key is present', () => {
    expect(conditionResult('Null', 'aws:TokenIssueTime', 'true', { otherKeys: 'unknown' })).toBe('unknown');
  });
});
