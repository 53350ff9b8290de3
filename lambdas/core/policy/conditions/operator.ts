/**
 * The shape of one condition operator. Each operator family lives in its own file and is registered in
 * ./index.ts. Operators implement the POSITIVE relation only (`matches`); `negated` operators
 * (StringNotEquals, NotIpAddress, ArnNotLike …) are true when the request value matches none of the
 * policy values, and the generic evaluator (./evaluate-condition.ts) applies that, `…IfExists`, the
 * missing-key rules and the ForAnyValue / ForAllValues set operators.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

/** A value that can never match (an unparsable number, date, CIDR …). */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

export interface ConditionOperator<R = unknown, P = unknown> {
  /** Base name as AWS spells it, e.g. "StringEquals". */
  readonly name: string;
  readonly negated: boolean;
  /** Policy values are patterns: `*` and `?` are wildcards. */
  readonly wildcards: boolean;
  /** Relation words for details, positive then negative: ["is in", "is not in"]. */
  readonly relation: readonly [string, string];
  /** Compiles one policy value (encoded when `wildcards`), at parse time when it has no variable. */
  preparePolicy(value: string): P | Invalid;
  /** Parses one request value (e.g. an IP address). */
  prepareRequest(value: string): R | Invalid;
  /** The positive relation between one request value and one policy value. */
  matches(requestValue: R, policyValue: P): boolean;
  /** Null only: the operator tests whether the key is present, not its values. */
  readonly presence?: boolean;
}

/** Helper to declare an operator with its types checked. */
export function operator<R, P>(op: ConditionOperator<R, P>): ConditionOperator<R, P> {
  return op;
}

export const identity = (v: string): string => v;

/** A family of ordered comparisons (numbers, dates) that share one value parser for policy and request values. */
export function comparisons(
  parse: (v: string) => number | Invalid,
): (
  name: string,
  negated: boolean,
  relation: readonly [string, string],
  cmp: (r: number, p: number) => boolean,
) => ConditionOperator<number, number> {
  return (name, negated, relation, cmp) =>
    operator({
      name,
      negated,
      wildcards: false,
      relation,
      preparePolicy: parse,
      prepareRequest: parse,
      matches: cmp,
    });
}
