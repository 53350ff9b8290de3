/**
 * String condition operators.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 * StringEquals / StringNotEquals: exact, case-sensitive. …IgnoreCase: case-insensitive.
 * StringLike / StringNotLike: case-sensitive, `*` and `?` wildcards anywhere in the value.
 */
import { compileGlob, globTest, type GlobPattern } from '../match';
import { identity, operator, type ConditionOperator } from './operator';

const lower = (v: string): string => v.toLowerCase();
const EQ: readonly [string, string] = ['equals', 'does not equal'];
const LIKE: readonly [string, string] = ['matches', 'does not match'];

const equals = (negated: boolean, name: string): ConditionOperator<string, string> =>
  operator({
    name,
    negated,
    wildcards: false,
    relation: EQ,
    preparePolicy: identity,
    prepareRequest: identity,
    matches: (r, p) => r === p,
  });

const equalsIgnoreCase = (negated: boolean, name: string): ConditionOperator<string, string> =>
  operator({
    name,
    negated,
    wildcards: false,
    relation: EQ,
    preparePolicy: lower,
    prepareRequest: lower,
    matches: (r, p) => r === p,
  });

const like = (negated: boolean, name: string): ConditionOperator<string, GlobPattern> =>
  operator({
    name,
    negated,
    wildcards: true,
    relation: LIKE,
    preparePolicy: compileGlob,
    prepareRequest: identity,
    matches: (r, p) => globTest(p, r),
  });

export const STRING_OPERATORS: readonly ConditionOperator[] = [
  equals(false, 'StringEquals'),
  equals(true, 'StringNotEquals'),
  equalsIgnoreCase(false, 'StringEqualsIgnoreCase'),
  equalsIgnoreCase(true, 'StringNotEqualsIgnoreCase'),
  like(false, 'StringLike'),
  like(true, 'StringNotLike'),
] as readonly ConditionOperator[];
