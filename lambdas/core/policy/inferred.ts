/**
 * Deciding with values the record implies but does not state (ConditionContext.inferred, e.g. aws:SecureTransport
 * "false" when a recent S3 record made by a caller carries no TLS details: lambdas/core/event/network.ts).
 *
 * The engine first decides with the recorded facts alone. Only when that leaves a layer (or the decision) unknown
 * and the context carries inferred values does it decide a second time, reading each inferred value where its key
 * is otherwise unknown. What the second pass decides is kept only for the layers the first pass could not decide,
 * marked `dependsOnInferred` with the keys it rests on (and the decision too, when it was unknown): a reader can
 * tell a decision the record states from one it only implies, and a cause read from it is at most 'likely'.
 * Deciding with more known values never changes a decided result (three-valued logic is monotonic): if a decided
 * layer came out differently, the inference is not used at all.
 */
import type { ConditionContext } from '../model';
import type { AuthorizationResult, EngineRequest, LayerResult } from './types';

const hasInferred = (ctx: ConditionContext): boolean =>
  ctx.inferred !== undefined && Object.keys(ctx.inferred).length > 0;

/**
 * The inferred keys a layer's traces read (by their names in ConditionContext.inferred). A layer decided by the
 * second pass whose traces show none read an inferred value elsewhere (a policy variable in a Resource, a trace not
 * shown): then the keys the second pass read anywhere (`read`, lower-cased), and only when that is empty all of them.
 */
function keysRead(layer: LayerResult, ctx: ConditionContext, read: ReadonlySet<string>): string[] {
  const names = Object.keys(ctx.inferred ?? {});
  const found = new Set<string>();
  for (const p of layer.policies)
    for (const s of p.statements)
      for (const c of s.conditions) {
        if (c.inferred !== true) continue;
        const name = names.find((n) => n.toLowerCase() === c.key.toLowerCase());
        found.add(name ?? c.key);
      }
  if (found.size > 0) return [...found];
  const anywhere = names.filter((n) => read.has(n.toLowerCase()));
  return anywhere.length > 0 ? anywhere : names;
}

/** Runs `decide` with the recorded facts, then, where they leave something unknown, with the inferred values too. */
export function withInferred<I extends { readonly request: EngineRequest }>(
  input: I,
  decide: (input: I) => AuthorizationResult,
): AuthorizationResult {
  const ctx = input.request.context;
  if (input.request.useInferred === true || !hasInferred(ctx)) return decide(input);
  // the inferred keys the first pass asked for while unknown: without one, a second pass would decide the same way
  // (it differs only in those answers), so it is not run
  const asked = new Set<string>();
  const base = decide({ ...input, request: { ...input.request, inferredRead: asked } });
  if (base.decision !== 'unknown' && !base.layers.some((l) => l.result === 'unknown')) return base;
  if (asked.size === 0) return base;
  const read = new Set<string>();
  const alt = decide({ ...input, request: { ...input.request, useInferred: true, inferredRead: read } });
  if (alt.layers.length !== base.layers.length) return base;
  if (base.decision !== 'unknown' && alt.decision !== base.decision) return base;
  for (let i = 0; i < base.layers.length; i++) {
    const b = base.layers[i]!;
    const a = alt.layers[i]!;
    if (a.layer !== b.layer || (b.result !== 'unknown' && a.result !== b.result)) return base;
  }
  let changed = false;
  const layers = base.layers.map((b, i) => {
    const a = alt.layers[i]!;
    if (b.result !== 'unknown' || a.result === 'unknown') return b;
    changed = true;
    return { ...a, dependsOnInferred: keysRead(a, ctx, read) };
  });
  if (!changed && (base.decision !== 'unknown' || alt.decision === 'unknown')) return base;
  // what the base decided stays; what it left unknown is read from the second pass (monotonic, as for layers)
  const extra = {
    ...(base.grant !== undefined
      ? { grant: base.grant === 'unknown' ? (alt.grant ?? base.grant) : base.grant }
      : {}),
    ...(base.service !== undefined ? { service: base.service } : {}),
  };
  if (base.decision !== 'unknown' || alt.decision === 'unknown')
    return { decision: base.decision, layers, ...extra };
  const keys = new Set<string>();
  for (const l of layers) for (const k of l.dependsOnInferred ?? []) keys.add(k);
  if (keys.size === 0)
    for (const k of Object.keys(ctx.inferred ?? {}))
      if (read.size === 0 || read.has(k.toLowerCase())) keys.add(k);
  return { decision: alt.decision, layers, dependsOnInferred: [...keys], ...extra };
}
