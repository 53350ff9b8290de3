/**
 * Null: "true" is satisfied when the key is absent from the request, "false" when it is present.
 * It takes no …IfExists suffix.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
 */
import { INVALID, operator, type ConditionOperator, type Invalid } from './operator';

function parseNullValue(v: string): 'true' | 'false' | Invalid {
  const l = v.trim().toLowerCase();
  return l === 'true' || l === 'false' ? l : INVALID;
}

export const NULL_OPERATORS: readonly ConditionOperator[] = [
  operator({
    name: 'Null',
    negated: false,
    wildcards: false,
    presence: true,
    relation: ['is absent', 'is present'],
    preparePolicy: parseNullValue,
    prepareRequest: parseNullValue,
    matches: (r, p) => r === p,
  }),
] as readonly ConditionOperator[];
