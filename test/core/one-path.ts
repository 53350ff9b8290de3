/**
 * Helpers for the "one decision path" property (issue 12): for a denial read from a CloudTrail record, what
 * `simulate` says for each need must equal what `explain` (analyze) used, wherever explain could decide.
 */
import type { SnapshotView } from '../../lambdas/adapters/snapshot';
import { analyzeWithEvaluations, evaluateNeeds } from '../../lambdas/core/analyze';
import type { NeedEvaluation } from '../../lambdas/core/checkers';
import type { AccessRequest, ActionNeed } from '../../lambdas/core/model';
import type { LayerResult } from '../../lambdas/core/policy/types';
import { REQUEST_POLICY_KEY } from '../../lambdas/core/policy/s3/bpa';
import { requestedPolicy } from '../../lambdas/core/fix/context';
import { sentHeader } from '../../lambdas/core/fix/input';
import { hypothetical, SimulationInputError, type SimulationRequest } from '../../lambdas/core/simulate';

const NOW = new Date('2026-11-20T10:00:00Z');
const S3_ARN = /^arn:aws[a-z-]*:s3:(?::|[a-z0-9-]+:\d{12}:accesspoint\/)/;

/** The principal as `simulate` takes it, when the record names one it can express. */
function principalText(request: AccessRequest): string | null {
  const p = request.principal;
  switch (p.type) {
    case 'Anonymous':
      return '*';
    case 'AWSService':
      return p.invokedBy;
    case 'Root':
    case 'IAMUser':
    case 'AssumedRole':
    case 'FederatedUser':
      return p.arn;
    default:
      return null;
  }
}

/** The hypothetical request that asks the same question as one need of the record. */
export function simulationOf(request: AccessRequest, need: ActionNeed): SimulationRequest | null {
  const principal = principalText(request);
  if (principal === null || !need.action.startsWith('s3:') || !S3_ARN.test(need.resource)) return null;
  const context: Record<string, string | readonly string[]> = { ...request.context.values };
  // a PutBucketPolicy record carries the policy it sets; simulate takes it as the engine's request-policy key
  const policy = requestedPolicy(request);
  if (policy !== null) context[REQUEST_POLICY_KEY] = policy;
  // a request header the engine reads from the record, which simulate takes in its context (docs/CLI.md)
  const mfa = sentHeader(request, 'x-amz-mfa');
  if (mfa !== null) context['x-amz-mfa'] = mfa;
  return { principal, action: need.action, resource: need.resource, context };
}

export interface Disagreement {
  readonly need: string;
  readonly what: string;
}

const denying = (layers: readonly LayerResult[]): string[] =>
  layers
    .filter((l) => l.result === 'explicitly-denied' || l.result === 'implicitly-denied')
    .map((l) => `${l.layer}:${l.result}`)
    .sort();

/**
 * Compares explain's evaluation of each S3 need with simulate's for the same question (simulate's own path:
 * `hypothetical` then `evaluateNeeds`, exactly what `simulate()` runs):
 *  - explain decided (not unknown): the same decision and the same denying layers (among the layers explain decided);
 *  - every layer explain decided has the same result in simulate (simulate may decide more: the keys a record does
 *    not tell are unknown to explain, absent to simulate).
 */
export function compare(
  request: AccessRequest,
  view: SnapshotView,
): { checked: number; diffs: Disagreement[] } {
  const { evaluations } = analyzeWithEvaluations(request, view.gatherSync(request));
  const diffs: Disagreement[] = [];
  let checked = 0;
  for (const e of evaluations) {
    const q = simulationOf(request, e.need);
    if (q === null) continue;
    let results: NeedEvaluation[];
    try {
      const h = hypothetical(q, view, NOW);
      results = evaluateNeeds(h.request, h.facts);
    } catch (err) {
      if (err instanceof SimulationInputError) continue;
      throw err;
    }
    const mine = results.find((r) => r.need.action === e.need.action && r.need.resource === e.need.resource);
    if (!mine) {
      diffs.push({ need: `${e.need.action} ${e.need.resource}`, what: 'simulate has no such need' });
      continue;
    }
    checked += 1;
    const label = `${e.need.action} ${e.need.resource}`;
    if (e.result.decision !== 'unknown') {
      // denied either way: explicit only where a Deny explain could not decide matches for simulate
      const mayBeExplicit =
        e.result.decision === 'implicitly-denied' &&
        mine.result.decision === 'explicitly-denied' &&
        e.result.layers.some((l) => l.result === 'unknown' && l.denyPossible !== false);
      if (mine.result.decision !== e.result.decision && !mayBeExplicit)
        diffs.push({
          need: label,
          what: `decision: explain ${e.result.decision}, simulate ${mine.result.decision}`,
        });
      // the denying layers, among those explain could decide (a layer unknown to explain may be decided by simulate)
      const decided = new Set(e.result.layers.filter((l) => l.result !== 'unknown').map((l) => l.layer));
      const a = denying(e.result.layers).join(',');
      const b = denying(mine.result.layers.filter((l) => decided.has(l.layer))).join(',');
      if (a !== b) diffs.push({ need: label, what: `denying layers: explain [${a}], simulate [${b}]` });
    }
    for (const l of e.result.layers) {
      if (l.result === 'unknown') continue;
      const other = mine.result.layers.find((m) => m.layer === l.layer);
      if (other && other.result !== l.result)
        diffs.push({
          need: label,
          what: `${l.layer}: explain ${l.result} (${l.note ?? ''}), simulate ${other.result} (${other.note ?? ''})`,
        });
    }
  }
  return { checked, diffs };
}
