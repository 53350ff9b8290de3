/**
 * The registry of condition operators (one file per family) and the parser of operator names:
 * [ForAnyValue: | ForAllValues:] <Operator> [IfExists].
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import { ARN_OPERATORS } from './arn';
import { BINARY_OPERATORS } from './binary';
import { BOOL_OPERATORS } from './bool';
import { DATE_OPERATORS } from './date';
import { IP_OPERATORS } from './ip';
import { NULL_OPERATORS } from './null';
import { NUMERIC_OPERATORS } from './numeric';
import type { ConditionOperator } from './operator';
import { STRING_OPERATORS } from './string';

export type { ConditionOperator } from './operator';

export const CONDITION_OPERATORS: readonly ConditionOperator[] = [
  ...STRING_OPERATORS,
  ...NUMERIC_OPERATORS,
  ...DATE_OPERATORS,
  ...BOOL_OPERATORS,
  ...BINARY_OPERATORS,
  ...IP_OPERATORS,
  ...ARN_OPERATORS,
  ...NULL_OPERATORS,
];

const BY_NAME = new Map<string, ConditionOperator>(
  CONDITION_OPERATORS.map((op) => [op.name.toLowerCase(), op]),
);

export type SetQualifier = 'none' | 'any' | 'all';

export interface OperatorSpec {
  readonly op: ConditionOperator;
  readonly qualifier: SetQualifier;
  readonly ifExists: boolean;
}

const IF_EXISTS = 'ifexists';

/** Parses an operator as written; a string is the error (one line). */
export function parseOperator(text: string): OperatorSpec | string {
  let rest = text.trim().toLowerCase();
  let qualifier: SetQualifier = 'none';
  if (rest.startsWith('foranyvalue:')) {
    qualifier = 'any';
    rest = rest.slice('foranyvalue:'.length);
  } else if (rest.startsWith('forallvalues:')) {
    qualifier = 'all';
    rest = rest.slice('forallvalues:'.length);
  }
  let op = BY_NAME.get(rest);
  let ifExists = false;
  if (op === undefined && rest.endsWith(IF_EXISTS)) {
    op = BY_NAME.get(rest.slice(0, -IF_EXISTS.length));
    ifExists = op !== undefined;
  }
  if (op === undefined) return `unknown condition operator "${text}"`;
  if (op.presence && ifExists) return `the Null condition operator takes no IfExists suffix ("${text}")`;
  return { op, qualifier, ifExists };
}
