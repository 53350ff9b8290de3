/**
 * Fix verification: re-run the engine with the patch applied and report whether the layer the fix
 * targets now allows (or no longer denies), and what would still deny the request.
 */
import type { CheckerInput, NeedEvaluation } from '../checkers/types';
import type { ActionNeed, Fix } from '../model';
import { ALTERNATIVE_GRANTS, authorize, authorizeKms, GRANT_SIDE_LAYERS } from '../policy';
import type {
  AuthorizationInput,
  AuthorizationResult,
  KmsAuthorizationInput,
  LayerId,
  LayerResult,
} from '../policy/types';
import { buildAuthorizationInput } from './input';

export type Goal = 'allowed' | 'not-denied';

/** What the fix must achieve on the target layer: an allow, or merely no explicit deny. */
function meets(layer: LayerResult | undefined, goal: Goal): boolean {
  if (!layer) return goal === 'not-denied';
  if (goal === 'allowed') return layer.result === 'allowed';
  // a missing Allow is not a denial here, but a rule that refuses is: a VPC-only access point rejects every request
  // from outside its VPC, whatever its policy says (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html)
  return (
    layer.result === 'allowed' ||
    layer.result === 'not-applicable' ||
    (layer.result === 'implicitly-denied' && layer.rule === undefined)
  );
}

/** Layers that still deny (or could not be evaluated) when the overall decision is not "allowed". */
export function remainingDenials(result: AuthorizationResult, exclude: readonly LayerId[] = []): string[] {
  if (result.decision === 'allowed') return [];
  const out: string[] = [];
  for (const l of result.layers) {
    if (exclude.includes(l.layer)) continue;
    // another grant-side layer allows (the engine says the grant side lets the request through): this one's lack
    // of an Allow is not what still denies
    if (
      result.grant === true &&
      l.result === 'implicitly-denied' &&
      l.rule === undefined &&
      GRANT_SIDE_LAYERS.has(l.layer)
    )
      continue;
    // a layer that grants in its place allows (a bucket policy Allow across accounts, where the ACL grants nothing)
    if (
      l.result === 'implicitly-denied' &&
      l.rule === undefined &&
      ALTERNATIVE_GRANTS.some(
        (set) =>
          set.has(l.layer) &&
          result.layers.some((o) => o !== l && set.has(o.layer) && o.result === 'allowed'),
      )
    )
      continue;
    if (l.result === 'explicitly-denied') out.push(`${l.layer} (explicit deny)`);
    // a refusal by a rule (a VPC-only access point called from outside its VPC, KMS refusing an unsigned call) is
    // not a missing Allow: adding one would not help, so the label names the rule
    else if (l.result === 'implicitly-denied')
      out.push(l.rule !== undefined ? `${l.layer} (rule: ${l.rule})` : `${l.layer} (no allow)`);
    else if (l.result === 'unknown') out.push(`${l.layer} (could not be evaluated)`);
  }
  return out;
}

type Outcome = Pick<Fix, 'verified' | 'stillDeniedBy'>;

function combine(results: { result: AuthorizationResult; ok: boolean }[]): Outcome {
  // The target layer is included: a Deny removed from a resource policy may still leave it without the Allow
  // a cross-account request needs ("bucket-policy (no allow)").
  const still = new Set<string>();
  for (const r of results) for (const s of remainingDenials(r.result)) still.add(s);
  const verified = results.length > 0 && results.every((r) => r.ok);
  return still.size > 0 ? { verified, stillDeniedBy: [...still] } : { verified };
}

/**
 * Re-evaluates the given S3 needs with `patch` applied to their engine input.
 * `verified` is true only when the target layer meets the goal for every need.
 */
export function verifyS3(
  input: CheckerInput,
  needs: readonly ActionNeed[],
  layer: LayerId,
  patch: (base: AuthorizationInput, need: ActionNeed) => AuthorizationInput,
  goal: Goal = 'allowed',
): Outcome {
  const results = needs.map((need) => {
    const result = authorize(patch(buildAuthorizationInput(input.request, need, input.facts), need));
    return {
      result,
      ok: meets(
        result.layers.find((l) => l.layer === layer),
        goal,
      ),
    };
  });
  return combine(results);
}

/** Re-evaluates a KMS need with a patched KMS input; the target is the key policy or the grants layer. */
export function verifyKms(patched: KmsAuthorizationInput, layers: readonly LayerId[]): Outcome {
  const result = authorizeKms(patched);
  const ok =
    result.decision === 'allowed' ||
    layers.some((id) => result.layers.find((l) => l.layer === id)?.result === 'allowed');
  const still = remainingDenials(result, layers);
  return still.length > 0 ? { verified: ok, stillDeniedBy: still } : { verified: ok };
}

/** The needs of the evaluations a layer denied, deduplicated. */
export function needsOf(evaluations: readonly NeedEvaluation[]): ActionNeed[] {
  const seen = new Set<string>();
  const out: ActionNeed[] = [];
  for (const e of evaluations) {
    const k = `${e.need.action}|${e.need.resource}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(e.need);
    }
  }
  return out;
}
