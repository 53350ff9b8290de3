/**
 * Reading the engine's layered decisions: which needs a layer denied, and the statements behind it,
 * turned into evidence. Checkers use these; none of them re-evaluates a policy.
 */
import type { NeedEvaluation } from '../checkers/types';
import type { Evidence } from '../model';
import type { LayerId, LayerResult, PolicyEvaluation, StatementTrace } from '../policy/types';

export interface LayerHit {
  readonly evaluation: NeedEvaluation;
  readonly layer: LayerResult;
}

/** S3 needs only (KMS needs are evaluated by authorizeKms and carry kms-* layers). */
export const isKmsNeed = (e: NeedEvaluation): boolean => e.need.action.toLowerCase().startsWith('kms:');

export function layerOf(e: NeedEvaluation, id: LayerId): LayerResult | null {
  return e.result.layers.find((l) => l.layer === id) ?? null;
}

/** Every evaluation whose layer `id` has the given outcome(s). */
export function hits(
  evaluations: readonly NeedEvaluation[],
  id: LayerId,
  outcomes: readonly LayerResult['result'][],
): LayerHit[] {
  const out: LayerHit[] = [];
  for (const evaluation of evaluations) {
    const layer = layerOf(evaluation, id);
    if (layer && outcomes.includes(layer.result)) out.push({ evaluation, layer });
  }
  return out;
}

export const deniedBy = (evaluations: readonly NeedEvaluation[], id: LayerId): LayerHit[] =>
  hits(evaluations, id, ['explicitly-denied', 'implicitly-denied']);

export const explicitlyDeniedBy = (evaluations: readonly NeedEvaluation[], id: LayerId): LayerHit[] =>
  hits(evaluations, id, ['explicitly-denied']);

export const unknownIn = (evaluations: readonly NeedEvaluation[], id: LayerId): LayerHit[] =>
  hits(evaluations, id, ['unknown']);

/** The facts a layer could not read, across needs (deduplicated). */
export function missingOf(list: readonly LayerHit[]): string[] {
  const out = new Set<string>();
  for (const h of list) for (const m of h.layer.missing ?? []) out.add(m);
  if (out.size === 0)
    for (const h of list) out.add(h.layer.note ?? `${h.layer.layer} could not be evaluated`);
  return [...out];
}

/** Whether the layer took part in any need (result other than not-applicable / absent). */
export function applies(evaluations: readonly NeedEvaluation[], id: LayerId): boolean {
  return evaluations.some((e) => {
    const l = layerOf(e, id);
    return l !== null && l.result !== 'not-applicable';
  });
}

export const statementLabel = (s: Pick<StatementTrace, 'sid' | 'index'>): string => s.sid ?? `#${s.index}`;

export const policyLabel = (p: PolicyEvaluation): string => p.policy.arn ?? p.policy.name;

/** The one-line reason a statement matched or missed, with its conditions. */
export function statementDetail(s: StatementTrace): string {
  const failed = s.conditions.filter((c) => c.result !== true);
  const conds = (failed.length > 0 ? failed : s.conditions).map((c) => c.detail).filter((d) => d);
  if (s.detail && conds.length > 0 && !conds.every((c) => s.detail.includes(c)))
    return `${s.detail}; ${conds.join('; ')}`;
  if (s.detail) return s.detail;
  return conds.join('; ') || `${s.effect} statement ${statementLabel(s)} matched`;
}

/** Deny statements that matched (or may match) the request. */
export function denyStatements(
  layer: LayerResult,
): { policy: PolicyEvaluation; statement: StatementTrace }[] {
  const out: { policy: PolicyEvaluation; statement: StatementTrace }[] = [];
  for (const policy of layer.policies) {
    for (const statement of policy.statements) {
      if (statement.effect === 'Deny' && statement.matched !== false) out.push({ policy, statement });
    }
  }
  return out;
}

/** The one Deny statement of the given layers that may match (undecided) where they could not be evaluated. */
export interface UndecidedDeny {
  readonly layer: LayerId;
  readonly policy: PolicyEvaluation;
  readonly statement: StatementTrace;
}

/**
 * The only Deny statement that may match in the unknown layers `ids` across the needs, when there is exactly one (and
 * no Deny of them matched for certain, and every policy of them was read); `policyArn`, when given, must be its
 * policy's. Null otherwise.
 */
export function soleUndecidedDeny(
  evaluations: readonly NeedEvaluation[],
  ids: readonly LayerId[],
  policyArn?: string,
): UndecidedDeny | null {
  const found = new Map<string, UndecidedDeny>();
  for (const e of evaluations)
    for (const id of ids) {
      const l = layerOf(e, id);
      if (l === null || l.result !== 'unknown') continue;
      // a policy that could not be read (or a layer with none read) may hold the Deny itself
      if (l.policies.length === 0) return null;
      for (const p of l.policies)
        if (p.decision === 'unknown' && !p.statements.some((st) => st.matched === 'unknown')) return null;
      for (const { policy, statement } of denyStatements(l)) {
        if (statement.matched !== 'unknown') return null;
        found.set(`${policyLabel(policy)}|${statement.index}`, { layer: id, policy, statement });
      }
    }
  if (found.size !== 1) return null;
  const only = [...found.values()][0]!;
  return policyArn !== undefined && only.policy.policy.arn !== policyArn ? null : only;
}

/** Allow statements whose action matched but something else did not (the near misses). */
export function nearMissAllows(
  layer: LayerResult,
): { policy: PolicyEvaluation; statement: StatementTrace }[] {
  const out: { policy: PolicyEvaluation; statement: StatementTrace }[] = [];
  for (const policy of layer.policies) {
    for (const statement of policy.statements) {
      if (statement.effect === 'Allow' && statement.matched !== true && statement.actionMatched)
        out.push({ policy, statement });
    }
  }
  return out;
}

const withNeed = (detail: string, h: LayerHit): string =>
  detail.includes(h.evaluation.need.resource)
    ? detail
    : `${detail} (${h.evaluation.need.action} on ${h.evaluation.need.resource})`;

/** Evidence for a layer that explicitly denied: every matching Deny statement, with its conditions. */
export function denyEvidence(hitsList: readonly LayerHit[], layerName: string): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const h of hitsList) {
    for (const { policy, statement } of denyStatements(h.layer)) {
      const key = `${policyLabel(policy)}|${statement.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        layer: layerName,
        statement: statementLabel(statement),
        policy: policyLabel(policy),
        detail: withNeed(statementDetail(statement), h),
      });
    }
  }
  if (out.length === 0) for (const h of hitsList) out.push(layerEvidence(h, layerName));
  return out;
}

/** Evidence for a layer that gave no allow: the layer's note, and the near-miss statements. */
export function noAllowEvidence(hitsList: readonly LayerHit[], layerName: string): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  for (const h of hitsList) {
    const key = `${h.evaluation.need.action}|${h.evaluation.need.resource}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(layerEvidence(h, layerName));
    for (const { policy, statement } of nearMissAllows(h.layer)) {
      out.push({
        layer: layerName,
        statement: statementLabel(statement),
        policy: policyLabel(policy),
        detail: `allows ${h.evaluation.need.action} but does not match: ${statementDetail(statement)}`,
      });
    }
  }
  return out;
}

export function layerEvidence(h: LayerHit, layerName: string): Evidence {
  const names = h.layer.policies.map(policyLabel);
  const what =
    h.layer.result === 'explicitly-denied'
      ? 'explicitly denies'
      : h.layer.result === 'implicitly-denied'
        ? 'does not allow'
        : h.layer.result === 'unknown'
          ? 'could not be evaluated for'
          : `${h.layer.result}:`;
  const detail =
    h.layer.note ?? `${layerName} ${what} ${h.evaluation.need.action} on ${h.evaluation.need.resource}`;
  return {
    layer: layerName,
    ...(names.length > 0 ? { policy: names.join(', ') } : {}),
    detail: h.layer.note
      ? `${detail} (${h.evaluation.need.action} on ${h.evaluation.need.resource})`
      : detail,
  };
}
