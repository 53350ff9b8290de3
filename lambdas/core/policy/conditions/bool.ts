/**
 * Bool: "true" / "false" (case-insensitive); any other value never matches.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
 */
import { INVALID, operator, type ConditionOperator, type Invalid } from './operator';

function parseBool(v: string): 'true' | 'false' | Invalid {
  const l = v.trim().toLowerCase();
  return l === 'true' || l === 'false' ? l : INVALID;
}

export const BOOL_OPERATORS: readonly ConditionOperator[] = [
  operator({
    name: 'Bool',
    negated: false,
    wildcards: false,
    relation: ['equals', 'does not equal'],
    preparePolicy: parseBool,
    prepareRequest: parseBool,
    matches: (r, p) => r === p,
  }),
] as readonly ConditionOperator[];
