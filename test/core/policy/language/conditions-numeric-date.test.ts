/**
 * Numeric and date condition operators.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
 * (dates: W3C ISO 8601 formats or epoch (UNIX) time)
 */
import { conditionResult } from './helpers';

type Row = [string, unknown, string | undefined, boolean];

describe('Numeric operators (…#Conditions_Numeric)', () => {
  const rows: Row[] = [
    ['NumericEquals', '10', '10', true],
    ['NumericEquals', '10', '10.0', true],
    ['NumericEquals', '10', '11', false],
    ['NumericNotEquals', '10', '11', true],
    ['NumericNotEquals', '10', '10', false],
    ['NumericNotEquals', '10', undefined, true], // negated + missing key
    ['NumericLessThan', '10', '9', true],
    ['NumericLessThan', '10', '10', false],
    ['NumericLessThanEquals', '10', '10', true],
    ['NumericLessThanEquals', '10', '10.5', false],
    ['NumericGreaterThan', '10', '11', true],
    ['NumericGreaterThan', '10', '10', false],
    ['NumericGreaterThanEquals', '10', '10', true],
    ['NumericGreaterThanEquals', '10', '-3', false],
    ['NumericLessThan', '10', 'ten', false], // not a number never matches
    ['NumericNotEquals', '10', 'ten', true],
    ['NumericLessThan', 10, '2', true], // JSON number in the policy
    ['NumericLessThan', '10', undefined, false],
    ['NumericLessThanIfExists', '10', undefined, true],
  ];
  it.each(rows)('%s %j, request %j -> %s', (op, pv, rv, expected) => {
    const ctx = rv === undefined ? { absent: ['s3:max-keys'] } : { values: { 's3:max-keys': rv } };
    expect(conditionResult(op, 's3:max-keys', pv, ctx)).toBe(expected);
  });
});

describe('Date operators (…#Conditions_Date)', () => {
  const rows: Row[] = [
    ['DateLessThan', '2030-01-01T00:00:00Z', '2029-12-31T23:59:59Z', true],
    ['DateLessThan', '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z', false],
    ['DateLessThanEquals', '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z', true],
    ['DateGreaterThan', '2030-01-01', '2030-01-01T00:00:01Z', true],
    ['DateGreaterThanEquals', '2030-01-01', '2029-12-31T23:59:59Z', false],
    ['DateEquals', '2030-01-01T00:00:00Z', '2030-01-01T01:00:00+01:00', true], // same instant
    ['DateNotEquals', '2030-01-01T00:00:00Z', '2030-01-01T00:00:01Z', true],
    ['DateNotEquals', '2030-01-01T00:00:00Z', undefined, true],
    ['DateEquals', '1893456000', '2030-01-01T00:00:00Z', true], // epoch seconds in the policy
    ['DateLessThan', '2030-01-01T00:00:00Z', '1893455999', true], // epoch seconds in the request
    ['DateLessThan', '2030-01-01T00:00:00.500Z', '2030-01-01T00:00:00.250Z', true],
    ['DateLessThan', 'not-a-date', '2020-01-01T00:00:00Z', false],
    ['DateLessThan', '2030-01-01T00:00:00Z', undefined, false],
    ['DateLessThanIfExists', '2030-01-01T00:00:00Z', undefined, true],
  ];
  it.each(rows)('%s %j, request %j -> %s', (op, pv, rv, expected) => {
    const ctx = rv === undefined ? { absent: ['aws:CurrentTime'] } : { values: { 'aws:CurrentTime': rv } };
    expect(conditionResult(op, 'aws:CurrentTime', pv, ctx)).toBe(expected);
  });
});
