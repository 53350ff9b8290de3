/**
 * The common shape of a checker whose cause is one engine layer: the layer denied some need
 * (explicitly, or implicitly where the need is not allowed overall), could not be evaluated, passed, or
 * did not take part.
 */
import type { NeedEvaluation } from '../checkers/types';
import type { LayerId } from '../policy/types';
import { type LayerHit, hits, isKmsNeed, missingOf } from './layers';

export type LayerView =
  | {
      readonly kind: 'deny';
      readonly explicit: readonly LayerHit[];
      readonly implicit: readonly LayerHit[];
      /** false when the only denials are implicit and the overall decision is unknown (another layer might grant). */
      readonly certain: boolean;
    }
  | { readonly kind: 'unknown'; readonly unknown: readonly LayerHit[]; readonly missing: readonly string[] }
  | { readonly kind: 'pass'; readonly detail: string }
  | { readonly kind: 'not-applicable'; readonly detail: string };

export interface ViewOptions {
  /** Whether an implicit deny of this layer denies the request (true for SCP, boundary, session, VPCE, access point). */
  readonly implicitDenies?: boolean;
  /** Include KMS needs (default: only S3 needs). */
  readonly kms?: boolean;
}

export function viewLayer(
  evaluations: readonly NeedEvaluation[],
  id: LayerId,
  opts: ViewOptions = {},
): LayerView {
  const evals = evaluations.filter((e) => (opts.kms ? isKmsNeed(e) : !isKmsNeed(e)));
  const explicit = hits(evals, id, ['explicitly-denied']);
  const implicit =
    opts.implicitDenies === false
      ? []
      : hits(evals, id, ['implicitly-denied']).filter((h) => h.evaluation.result.decision !== 'allowed');
  if (explicit.length > 0 || implicit.length > 0) {
    const certain = explicit.length > 0 || implicit.some((h) => h.evaluation.result.decision !== 'unknown');
    return { kind: 'deny', explicit, implicit, certain };
  }
  const unknown = hits(evals, id, ['unknown']);
  if (unknown.length > 0) return { kind: 'unknown', unknown, missing: missingOf(unknown) };
  const taking = hits(evals, id, ['allowed', 'implicitly-denied', 'explicitly-denied']);
  if (taking.length > 0) {
    const outcome = taking.every((h) => h.layer.result === 'allowed') ? 'allows' : 'does not deny';
    return { kind: 'pass', detail: `${id} ${outcome} ${describeNeeds(taking)}` };
  }
  return { kind: 'not-applicable', detail: `${id} takes no part in this request` };
}

export function describeNeeds(list: readonly LayerHit[] | readonly NeedEvaluation[]): string {
  const seen = new Set<string>();
  for (const x of list) {
    const e = 'evaluation' in x ? x.evaluation : x;
    seen.add(`${e.need.action} on ${e.need.resource}`);
  }
  return [...seen].join(', ');
}
