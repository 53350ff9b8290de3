/**
 * The one Deny of a layer that may match but could not be decided (a key the record does not carry), changed so that
 * it no longer refuses this request whatever the missing values are: ./perimeter-exception.ts proposes the change (a
 * call an AWS service made with the caller's credentials, whose network keys are the service's), and re-evaluating
 * the request with it in place verifies it. The cause stays undecided; its fix does not.
 */
import type { CheckerInput, UndecidedFix } from '../checkers/types';
import type { ActionNeed, NamedPolicy } from '../model';
import type { AuthorizationInput, LayerId, PolicyEvaluation } from '../policy/types';
import { policyLabel, soleUndecidedDeny, statementDetail, statementLabel } from './layers';
import { firstVerified, perimeterExceptions } from './perimeter-exception';
import { statementAt, withReplacedStatement, type Json } from './patch';
import { needsOf, verifyS3, type Goal } from './verify';

export interface UndecidedTarget {
  /** The policy document that holds the statement. */
  readonly policy: NamedPolicy;
  /** The policy in words, after "statement X": "of the bucket policy". */
  readonly where: string;
  /** The engine input of `need` with the patched policy in place (where the policy applies to that need). */
  readonly apply: (base: AuthorizationInput, patched: NamedPolicy, need: ActionNeed) => AuthorizationInput;
  /** The fix's policyPatch for the changed statement. */
  readonly patch: (label: string, statement: Json) => Readonly<Record<string, unknown>>;
  readonly commands: readonly string[];
}

/**
 * The verified change to the only undecided Deny of `layer`, or null (no such statement, no change proposed, or none
 * verified). `goal`: what the layer must do once changed ('not-denied' for a resource policy, which need not allow).
 */
export function undecidedDenyFix(
  input: CheckerInput,
  layer: LayerId,
  locate: (policy: PolicyEvaluation['policy']) => UndecidedTarget | null,
  goal: Goal,
): UndecidedFix | null {
  const sole = soleUndecidedDeny(input.evaluations, [layer]);
  if (sole === null) return null;
  const target = locate(sole.policy.policy);
  if (target === null) return null;
  const original = statementAt(target.policy, sole.statement.index);
  const needs = needsOf(
    input.evaluations.filter((e) => e.result.layers.some((l) => l.layer === layer && l.result === 'unknown')),
  );
  const found = firstVerified(
    perimeterExceptions(
      input.request,
      input.facts,
      sole.statement,
      original,
      target.where,
      layer !== 'vpc-endpoint-policy',
    ),
    (c) =>
      verifyS3(
        input,
        needs,
        layer,
        (base, need) =>
          target.apply(base, withReplacedStatement(target.policy, sole.statement.index, c.statement), need),
        goal,
      ),
  );
  if (found === null) return null;
  const label = statementLabel(sole.statement);
  return {
    statement: label,
    policy: policyLabel(sole.policy),
    policyName: sole.policy.policy.name,
    detail: statementDetail(sole.statement),
    fix: {
      summary: found.candidate.summary,
      commands: target.commands,
      policyPatch: target.patch(label, found.candidate.statement),
      ...found.outcome,
    },
  };
}
