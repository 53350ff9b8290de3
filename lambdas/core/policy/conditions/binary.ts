/**
 * BinaryEquals: policy and request values are base64; the decoded bytes are compared.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals
 */
import { INVALID, operator, type ConditionOperator, type Invalid } from './operator';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** The canonical base64 of the decoded bytes, or INVALID. */
export function canonicalBase64(v: string): string | Invalid {
  const t = v.trim();
  if (!BASE64.test(t)) return INVALID;
  return Buffer.from(t, 'base64').toString('base64');
}

export const BINARY_OPERATORS: readonly ConditionOperator[] = [
  operator({
    name: 'BinaryEquals',
    negated: false,
    wildcards: false,
    relation: ['equals', 'does not equal'],
    preparePolicy: canonicalBase64,
    prepareRequest: canonicalBase64,
    matches: (r, p) => r === p,
  }),
] as readonly ConditionOperator[];
