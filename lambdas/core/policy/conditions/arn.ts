/**
 * ARN condition operators. ArnEquals and ArnLike behave the same: case-sensitive, each of the six
 * colon-delimited components is checked separately and may use `*` / `?` within it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
import { arnTest, compileArnPattern, type ArnPattern } from '../match';
import { identity, operator, type ConditionOperator } from './operator';

const arn = (name: string, negated: boolean): ConditionOperator<string, ArnPattern> =>
  operator({
    name,
    negated,
    wildcards: true,
    relation: ['matches', 'does not match'],
    preparePolicy: (v) => compileArnPattern(v, false),
    prepareRequest: identity,
    matches: (r, p) => arnTest(p, r),
  });

export const ARN_OPERATORS: readonly ConditionOperator[] = [
  arn('ArnEquals', false),
  arn('ArnLike', false),
  arn('ArnNotEquals', true),
  arn('ArnNotLike', true),
] as readonly ConditionOperator[];
