/**
 * Numeric condition operators (integers and decimals).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
 * A value that is not a number never matches (so NumericNotEquals is true for it).
 */
import { comparisons, INVALID, type ConditionOperator, type Invalid } from './operator';

const NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

export function parseNumber(v: string): number | Invalid {
  return NUMBER.test(v) ? Number(v) : INVALID;
}

const numeric = comparisons(parseNumber);

export const NUMERIC_OPERATORS: readonly ConditionOperator[] = [
  numeric('NumericEquals', false, ['equals', 'does not equal'], (r, p) => r === p),
  numeric('NumericNotEquals', true, ['equals', 'does not equal'], (r, p) => r === p),
  numeric('NumericLessThan', false, ['is less than', 'is not less than'], (r, p) => r < p),
  numeric('NumericLessThanEquals', false, ['is at most', 'is not at most'], (r, p) => r <= p),
  numeric('NumericGreaterThan', false, ['is greater than', 'is not greater than'], (r, p) => r > p),
  numeric('NumericGreaterThanEquals', false, ['is at least', 'is not at least'], (r, p) => r >= p),
] as readonly ConditionOperator[];
