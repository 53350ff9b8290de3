/**
 * The deny result of a guardrail-style layer (VPC endpoint policy, SCP, RCP, permissions boundary, session
 * policy, access point policy): for an explicit Deny, exempt this principal in the denying statement; for a
 * missing Allow, add one scoped to this principal, action and resource. Either way, verified by re-evaluation.
 */
import type { CheckerInput, CheckResult } from '../checkers/types';
import type { ActionNeed, Confidence, Fix, NamedPolicy } from '../model';
import type { AuthorizationInput, KmsAuthorizationInput, LayerId } from '../policy/types';
import { requestSideAdvice } from './advice';
import { perimeterExceptions, firstVerified } from './perimeter-exception';
import { allowStatements } from './grants';
import { callerIdentityArn } from './input';
import {
  denyEvidence,
  denyStatements,
  noAllowEvidence,
  statementDetail,
  statementLabel,
  type LayerHit,
} from './layers';
import type { LayerView } from './layer-check';
import { describeNeeds } from './layer-check';
import { exemptPrincipal, type Json, statementAt, withReplacedStatement, withStatement } from './patch';
import { undecidedDenyFix } from './undecided-deny';
import { needsOf, verifyS3, type Goal } from './verify';
import type { PolicyEvaluation } from '../policy/types';

export interface GuardrailTarget {
  /** The policy document to patch, when known. */
  readonly policy: NamedPolicy | null;
  /** Name and source for a policy that does not exist yet (a new statement in a new document). */
  readonly fallback: Omit<NamedPolicy, 'document'>;
  readonly commands: readonly string[];
  /** Whether the policy takes a Principal element (resource-side policies). */
  readonly principalElement: boolean;
  /**
   * The engine input with the patched policy in place: an S3 input (authorize), or for the guardrails that also cap a
   * KMS call (boundary, session policy, SCP, RCP) a KMS input (authorizeKms), which has the same fields for them.
   */
  readonly apply: <T extends AuthorizationInput | KmsAuthorizationInput>(base: T, patched: NamedPolicy) => T;
}

export interface GuardrailSpec {
  readonly layer: LayerId;
  /** Human name, e.g. "VPC endpoint policy vpce-0abc". */
  readonly name: string;
  /** Why this layer's implicit deny matters, one sentence. */
  readonly implicitWhy: string;
  readonly locate: (policy: PolicyEvaluation['policy'] | null) => GuardrailTarget;
  readonly confidence?: Confidence;
  /** Extra advice put first in the fix summary. */
  readonly advice?: string;
}

/**
 * `policy` (or the target's new policy) with an Allow for each need the layer refused, scoped to the caller when the
 * policy names principals. The resource is the one the layer refused: through an access point, a guardrail may refuse
 * the bucket ARN behind it.
 */
function withAllows(
  policy: NamedPolicy | null,
  hits: readonly LayerHit[],
  target: GuardrailTarget,
  principalArn: string | null,
): { statements: Json[]; refused: ActionNeed[]; patched: NamedPolicy | null } {
  const refused = hits.map((h) =>
    h.layer.resource ? { ...h.evaluation.need, resource: h.layer.resource } : h.evaluation.need,
  );
  const statements = allowStatements(refused, target.principalElement ? principalArn : null);
  let patched = policy;
  for (const st of statements) patched = withStatement(patched, st, target.fallback);
  return { statements, refused, patched };
}

/** What a changed guardrail must do: a resource policy need not allow (the identity policy may grant); a guardrail must. */
const goalOf = (layer: LayerId): Goal => (layer === 'access-point-policy' ? 'not-denied' : 'allowed');

export function guardrailDeny(
  input: CheckerInput,
  view: Extract<LayerView, { kind: 'deny' }>,
  spec: GuardrailSpec,
): CheckResult {
  const principalArn = callerIdentityArn(input.request, input.facts);
  if (view.explicit.length > 0) {
    const first = view.explicit[0]!;
    const deny = denyStatements(first.layer)[0];
    const target = spec.locate(deny?.policy.policy ?? null);
    const label = deny ? statementLabel(deny.statement) : 'the Deny statement';
    const original = target.policy && deny ? statementAt(target.policy, deny.statement.index) : null;
    const needs = needsOf(view.explicit.map((h) => h.evaluation));
    const goal = goalOf(spec.layer);
    // a perimeter Deny this caller can never satisfy (a service principal, a VPC endpoint): ./perimeter-exception.ts
    const perimeter =
      target.policy && deny
        ? firstVerified(
            perimeterExceptions(
              input.request,
              input.facts,
              deny.statement,
              original,
              `of the ${spec.name}`,
              spec.layer !== 'vpc-endpoint-policy',
            ),
            (c) => {
              const patched = withReplacedStatement(target.policy!, deny.statement.index, c.statement);
              return verifyS3(input, needs, spec.layer, (base) => target.apply(base, patched), goal);
            },
          )
        : null;
    const changed =
      perimeter?.candidate.statement ??
      (original && principalArn ? exemptPrincipal(original, principalArn) : null);
    const exempted =
      changed && target.policy && deny
        ? withReplacedStatement(target.policy, deny.statement.index, changed)
        : null;
    let outcome: Pick<Fix, 'verified' | 'stillDeniedBy'> =
      perimeter?.outcome ??
      (exempted
        ? verifyS3(input, needs, spec.layer, (base) => target.apply(base, exempted), goal)
        : { verified: false });
    // A guardrail that must also allow (an endpoint policy, an SCP level, a boundary, a session policy) may have no
    // Allow for the request once the Deny exempts the caller: the fix then adds one too, when that is what works.
    let added: Json[] = [];
    if (exempted && !outcome.verified && goal === 'allowed') {
      const { statements: allow, patched: both } = withAllows(exempted, view.explicit, target, principalArn);
      const second = both
        ? verifyS3(input, needs, spec.layer, (base) => target.apply(base, both), goal)
        : { verified: false };
      if (second.verified) {
        outcome = second;
        added = allow;
      }
    }
    const advice = deny ? requestSideAdvice(deny.statement) : null;
    const allowToo =
      added.length > 0
        ? `, and an Allow for ${describeNeeds(view.explicit)} (without it the ${spec.name} allows nothing for this request)`
        : '';
    // an unsigned request has no aws:PrincipalArn to exempt (and exempting everyone would open the guardrail)
    const anonymous = input.request.principal.type === 'Anonymous';
    const exception = anonymous
      ? `${advice ? `To stay within the policy, ${advice}. ` : ''}An anonymous (unsigned) request has no principal to exempt from statement ${label} of the ${spec.name}: sign the request with credentials of a principal the statement allows.`
      : `${advice ? `To stay within the policy, ${advice}; or a` : 'A'}dd an aws:PrincipalArn exception for ${principalArn ?? 'this principal'} to statement ${label} of the ${spec.name}${allowToo}.`;
    const fix: Fix = {
      summary: `${spec.advice ? `${spec.advice} ` : ''}${
        perimeter
          ? `${perimeter.candidate.summary}${principalArn ? ` Or add an aws:PrincipalArn exception for ${principalArn} to statement ${label} of the ${spec.name}.` : ''}`
          : exception
      }`,
      commands: anonymous ? [] : target.commands,
      ...(changed
        ? {
            policyPatch: {
              layer: spec.layer,
              policy: target.policy?.arn ?? target.policy?.name,
              statement: label,
              replaceStatement: changed,
              ...(added.length > 0 ? { addStatement: added.length === 1 ? added[0] : added } : {}),
            },
          }
        : {}),
      ...outcome,
    };
    return {
      status: 'deny',
      confidence: spec.confidence ?? (view.certain ? 'confirmed' : 'likely'),
      title: `The ${spec.name} explicitly denies ${first.evaluation.need.action} (statement ${label})`,
      explanation: `Statement ${label} of the ${spec.name} is a Deny that matches this request${
        deny ? `: ${statementDetail(deny.statement)}` : ''
      }. An explicit Deny overrides every Allow.`,
      evidence: denyEvidence(view.explicit, spec.layer),
      fix,
    };
  }
  const needs = needsOf(view.implicit.map((h) => h.evaluation));
  const first = view.implicit[0]!;
  const target = spec.locate(first.layer.policies[0]?.policy ?? null);
  const { statements, refused, patched } = withAllows(target.policy, view.implicit, target, principalArn);
  const outcome = patched
    ? verifyS3(input, needs, spec.layer, (base) => target.apply(base, patched))
    : { verified: false };
  return {
    status: 'deny',
    confidence: spec.confidence ?? (view.certain ? 'confirmed' : 'likely'),
    title: `The ${spec.name} does not allow ${describeNeeds(view.implicit)}`,
    explanation: `No statement of the ${spec.name} allows ${describeNeeds(view.implicit)}. ${spec.implicitWhy}`,
    evidence: noAllowEvidence(view.implicit, spec.layer),
    fix: {
      summary: `${spec.advice ? `${spec.advice} ` : ''}Add an Allow for ${[...new Set(refused.map((n) => `${n.action} on ${n.resource}`))].join(', ')}${
        target.principalElement && principalArn ? ` to ${principalArn}` : ''
      } in the ${spec.name}.`,
      commands: target.commands,
      policyPatch: {
        layer: spec.layer,
        policy: target.policy?.arn ?? target.policy?.name ?? target.fallback.name,
        addStatement: statements.length === 1 ? statements[0] : statements,
      },
      ...outcome,
    },
  };
}

/**
 * The unknown result of a guardrail-style layer, with the verified change to its one undecided Deny when there is one
 * (./undecided-deny.ts): a guardrail must still allow the request once the statement is changed.
 */
export function guardrailUnknown(
  input: CheckerInput,
  missing: readonly string[],
  spec: Pick<GuardrailSpec, 'layer' | 'name' | 'locate'>,
): CheckResult {
  const undecidedFix = undecidedDenyFix(
    input,
    spec.layer,
    (ref) => {
      const target = spec.locate(ref);
      const policy = target.policy;
      return policy
        ? {
            policy,
            where: `of the ${spec.name}`,
            apply: (base, patched) => target.apply(base, patched),
            patch: (statement, replaceStatement) => ({
              layer: spec.layer,
              policy: policy.arn ?? policy.name,
              statement,
              replaceStatement,
            }),
            commands: target.commands,
          }
        : null;
    },
    goalOf(spec.layer),
  );
  return { status: 'unknown', missing, ...(undecidedFix ? { undecidedFix } : {}) };
}
