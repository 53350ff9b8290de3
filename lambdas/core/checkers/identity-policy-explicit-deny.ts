import { known, type NamedPolicy } from '../model';
import { requestSideAdvice } from '../fix/advice';
import { identityPolicyCommands } from '../fix/commands';
import { findPolicy, identityPolicies } from '../fix/find';
import { callerIdentityArn } from '../fix/input';
import {
  denyEvidence,
  denyStatements,
  isKmsNeed,
  layerOf,
  statementDetail,
  statementLabel,
} from '../fix/layers';
import { viewLayer } from '../fix/layer-check';
import { perimeterExceptions, firstVerified } from '../fix/perimeter-exception';
import {
  exemptPrincipal,
  statementAt,
  withoutActions,
  withoutStatement,
  withReplacedStatement,
  type Json,
} from '../fix/patch';
import { undecidedDenyFix } from '../fix/undecided-deny';
import { needsOf, verifyS3 } from '../fix/verify';
import { stmtLabel } from '../policy/s3/evaluate';
import type { Checker, CheckResult, NeedEvaluation } from './types';

/**
 * Deny statements whose match could not be decided, in identity layers the engine reports as implicitly denied: with
 * no Allow the decision does not depend on them, but whether they deny explicitly is unknown (and an Allow added as a
 * fix could still meet them).
 */
function undecidedDenies(evaluations: readonly NeedEvaluation[]): string[] {
  const out = new Set<string>();
  for (const e of evaluations) {
    const l = isKmsNeed(e) ? null : layerOf(e, 'identity-policy');
    if (l?.result !== 'implicitly-denied') continue;
    for (const p of l.policies) {
      for (const st of p.statements) {
        if (st.effect !== 'Deny' || st.matched !== 'unknown') continue;
        const where = `${p.policy.name} ${stmtLabel(st)}`;
        const keys = st.conditions.filter((c) => c.result === 'unknown');
        for (const c of keys) out.add(`condition key ${c.key} (${where})`);
        if (keys.length === 0) out.add(`whether ${where} matches`);
      }
    }
  }
  return [...out];
}

export const checker: Checker = {
  id: 'identity-policy-explicit-deny',
  title: "A Deny statement in the principal's identity policies matches the request",
  detection:
    'The engine evaluates every inline, managed and group policy of the caller (the role of a session); a matching Deny statement is an explicit deny.',
  fixSummary:
    'Make the request satisfy the statement, or remove the action from the Deny (inline policy) / add an aws:PrincipalArn exception (shared managed policy); verified by re-evaluation.',
  check({ request, facts, evaluations }): CheckResult {
    const view = viewLayer(evaluations, 'identity-policy', { implicitDenies: false });
    const undecided = view.kind === 'deny' ? [] : undecidedDenies(evaluations);
    if (view.kind === 'unknown') {
      // An explicit deny needs a Deny statement that could match: an Allow that could not be decided is not one.
      const denyPossible = !view.unknown.every((h) => h.layer.denyPossible === false);
      if (!denyPossible && undecided.length === 0)
        return {
          status: 'pass',
          detail:
            'no Deny statement of the identity policies can match this request (only an Allow could not be decided)',
        };
      // the one Deny that may match, changed so that it no longer refuses this request (../fix/undecided-deny.ts)
      const policies = identityPolicies(facts);
      const undecidedFix = denyPossible
        ? undecidedDenyFix(
            { request, facts, evaluations },
            'identity-policy',
            (ref) => {
              const target = findPolicy(policies, ref);
              const name = target?.arn ?? target?.name;
              return target && name
                ? {
                    policy: target,
                    where: `of ${name}`,
                    apply: (base, patched) => ({
                      ...base,
                      identityPolicies: known(policies.map((p) => (p === target ? patched : p))),
                    }),
                    patch: (statement, replaceStatement) => ({
                      layer: 'identity-policy',
                      policy: name,
                      statement,
                      replaceStatement,
                    }),
                    commands: identityPolicyCommands(callerIdentityArn(request, facts), target),
                  }
                : null;
            },
            'not-denied',
          )
        : null;
      return {
        status: 'unknown',
        missing: [...new Set([...(denyPossible ? view.missing : []), ...undecided])],
        ...(undecidedFix ? { undecidedFix } : {}),
      };
    }
    if (undecided.length > 0) return { status: 'unknown', missing: undecided };
    if (view.kind !== 'deny') return { status: view.kind, detail: view.detail };
    const first = view.explicit[0]!;
    const deny = denyStatements(first.layer)[0];
    const principalArn = callerIdentityArn(request, facts);
    const policies = identityPolicies(facts);
    const target = deny ? findPolicy(policies, deny.policy.policy) : null;
    const label = deny ? statementLabel(deny.statement) : 'the Deny statement';
    const original = target && deny ? statementAt(target, deny.statement.index) : null;
    const shared = target !== null && target.source !== 'identity-inline';
    // An inline policy belongs to this principal alone: drop the denied action from the statement.
    // A managed or group policy is shared: exempt this principal only.
    const deniedActions = needsOf(view.explicit.map((h) => h.evaluation)).map((n) => n.action);
    const verify = (patched: NamedPolicy) =>
      target
        ? verifyS3(
            { request, facts, evaluations },
            needsOf(view.explicit.map((h) => h.evaluation)),
            'identity-policy',
            (base) => ({
              ...base,
              identityPolicies: known(policies.map((p) => (p === target ? patched : p))),
            }),
            'not-denied',
          )
        : { verified: false };
    // a perimeter Deny this caller can never satisfy (a service principal, a VPC endpoint): ../fix/perimeter-exception.ts
    const perimeter =
      target && deny
        ? firstVerified(
            perimeterExceptions(request, facts, deny.statement, original, `of ${target.arn ?? target.name}`),
            (c) => verify(withReplacedStatement(target, deny.statement.index, c.statement)),
          )
        : null;
    const ownChange: Json | null = original
      ? shared && principalArn
        ? exemptPrincipal(original, principalArn)
        : withoutActions(original, deniedActions)
      : null;
    // No listed action to remove (the Deny matches through a wildcard): the change removes the statement.
    const removal =
      target !== null && deny !== undefined && original !== null && ownChange === null && !shared;
    const changed = perimeter ? perimeter.candidate.statement : ownChange;
    const remove = removal && perimeter === null;
    const patched =
      target && deny
        ? changed
          ? withReplacedStatement(target, deny.statement.index, changed)
          : remove
            ? withoutStatement(target, deny.statement.index)
            : null
        : null;
    const outcome = perimeter?.outcome ?? (patched ? verify(patched) : { verified: false });
    const advice = deny ? requestSideAdvice(deny.statement) : null;
    const policyName = target?.arn ?? target?.name ?? deny?.policy.policy.name ?? 'an identity policy';
    const change = shared
      ? `add an aws:PrincipalArn exception for ${principalArn ?? 'this principal'}`
      : removal
        ? 'remove the Deny statement (its Action matches through a wildcard)'
        : `remove ${deniedActions.join(', ')} from the Action list`;
    return {
      status: 'deny',
      confidence: 'confirmed',
      title: `Identity policy ${policyName} explicitly denies ${first.evaluation.need.action} (statement ${label})`,
      explanation: `Statement ${label} of ${policyName}, attached to ${principalArn ?? 'the caller'}, is a Deny that matches this request${
        deny ? `: ${statementDetail(deny.statement)}` : ''
      }. An explicit Deny overrides every Allow, in any policy.`,
      evidence: denyEvidence(view.explicit, 'identity-policy'),
      fix: {
        summary: perimeter
          ? `${perimeter.candidate.summary} Or ${change} in statement ${label} of ${policyName}.`
          : advice
            ? `To stay within the policy, ${advice}; or ${change} in statement ${label} of ${policyName}.`
            : `${change[0]!.toUpperCase()}${change.slice(1)} in statement ${label} of ${policyName}.`,
        commands: identityPolicyCommands(principalArn, target),
        ...(patched
          ? {
              policyPatch: remove
                ? { layer: 'identity-policy', policy: policyName, removeStatement: label }
                : {
                    layer: 'identity-policy',
                    policy: policyName,
                    statement: label,
                    replaceStatement: changed,
                  },
            }
          : {}),
        ...outcome,
      },
    };
  },
};
