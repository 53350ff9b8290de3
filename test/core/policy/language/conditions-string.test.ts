/**
 * String condition operators.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 * Missing keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * ("If the key that you specify in a policy condition is not present in the request context, the values
 * do not match" — except negated operators, …IfExists and Null).
 */
import { conditionResult } from './helpers';

type Row = [string, string, unknown, Record<string, string | string[]>, string[], boolean];
// [operator, key, policy values, request values, absent keys, expected]
const rows: Row[] = [
  ['StringEquals', 'aws:PrincipalTag/team', 'red', { 'aws:PrincipalTag/team': 'red' }, [], true],
  ['StringEquals', 'aws:PrincipalTag/team', 'red', { 'aws:PrincipalTag/team': 'Red' }, [], false],
  ['StringEquals', 'aws:PrincipalTag/team', ['blue', 'red'], { 'aws:PrincipalTag/team': 'red' }, [], true],
  ['StringEquals', 'aws:PrincipalTag/team', 'red', {}, ['aws:PrincipalTag/team'], false],
  ['StringEquals', 's3:prefix', 'home/*', { 's3:prefix': 'home/x' }, [], false], // no wildcards in StringEquals
  ['StringNotEquals', 'aws:PrincipalTag/team', 'red', { 'aws:PrincipalTag/team': 'blue' }, [], true],
  ['StringNotEquals', 'aws:PrincipalTag/team', 'red', { 'aws:PrincipalTag/team': 'red' }, [], false],
  // negated operator, several values: the request value must match none of them
  [
    'StringNotEquals',
    'aws:PrincipalTag/team',
    ['blue', 'red'],
    { 'aws:PrincipalTag/team': 'red' },
    [],
    false,
  ],
  // trap: negated operator with a missing key is true
  ['StringNotEquals', 'aws:SourceVpce', 'vpce-1a2b3c4d', {}, ['aws:SourceVpce'], true],
  ['StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'RED', { 'aws:PrincipalTag/team': 'red' }, [], true],
  ['StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'RED', { 'aws:PrincipalTag/team': 'blue' }, [], false],
  [
    'StringNotEqualsIgnoreCase',
    'aws:PrincipalTag/team',
    'RED',
    { 'aws:PrincipalTag/team': 'red' },
    [],
    false,
  ],
  [
    'StringNotEqualsIgnoreCase',
    'aws:PrincipalTag/team',
    'RED',
    { 'aws:PrincipalTag/team': 'blue' },
    [],
    true,
  ],
  ['StringLike', 's3:prefix', 'home/*', { 's3:prefix': 'home/alice/' }, [], true],
  ['StringLike', 's3:prefix', 'home/*', { 's3:prefix': 'Home/alice/' }, [], false], // case-sensitive
  ['StringLike', 's3:prefix', 'home/?', { 's3:prefix': 'home/a' }, [], true],
  ['StringLike', 's3:prefix', 'home/?', { 's3:prefix': 'home/ab' }, [], false],
  ['StringLike', 's3:prefix', ['', 'home/', 'home/*'], { 's3:prefix': '' }, [], true],
  ['StringLike', 's3:prefix', '*', {}, ['s3:prefix'], false],
  ['StringNotLike', 's3:prefix', 'secret/*', { 's3:prefix': 'public/x' }, [], true],
  ['StringNotLike', 's3:prefix', 'secret/*', { 's3:prefix': 'secret/x' }, [], false],
  ['StringNotLike', 's3:prefix', 'secret/*', {}, ['s3:prefix'], true],
  // …IfExists: a missing key passes
  ['StringEqualsIfExists', 'aws:SourceVpce', 'vpce-1a2b3c4d', {}, ['aws:SourceVpce'], true],
  ['StringEqualsIfExists', 'aws:SourceVpce', 'vpce-1a2b3c4d', { 'aws:SourceVpce': 'vpce-9' }, [], false],
  ['StringLikeIfExists', 'aws:SourceVpce', 'vpce-1*', { 'aws:SourceVpce': 'vpce-1a' }, [], true],
  // condition key names are case-insensitive
  ['StringEquals', 'AWS:PRINCIPALTAG/TEAM', 'red', { 'aws:principaltag/team': 'red' }, [], true],
];

describe('String operators (reference_policies_elements_condition_operators.html#Conditions_String)', () => {
  it.each(rows)('%s %s %j with %j (absent %j) -> %s', (op, key, values, reqValues, absent, expected) => {
    expect(conditionResult(op, key, values, { values: reqValues, absent })).toBe(expected);
  });

  it('numbers and booleans in the policy are compared as their JSON text', () => {
    expect(conditionResult('StringEquals', 's3:max-keys', 10, { values: { 's3:max-keys': '10' } })).toBe(
      true,
    );
  });

  it('a key the request does not tell about is unknown, for positive and negated operators', () => {
    expect(conditionResult('StringEquals', 'aws:SourceVpce', 'v', { otherKeys: 'unknown' })).toBe('unknown');
    expect(conditionResult('StringNotEquals', 'aws:SourceVpce', 'v', { otherKeys: 'unknown' })).toBe(
      'unknown',
    );
    expect(conditionResult('StringEqualsIfExists', 'aws:SourceVpce', 'v', { otherKeys: 'unknown' })).toBe(
      'unknown',
    );
  });
});
