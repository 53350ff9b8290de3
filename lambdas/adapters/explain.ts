/**
 * One analysis, everywhere: the CLI and the Lambda both explain a denial through this function.
 * Facts come from an AccountView (snapshot or live AWS); the pure core analyses them; for the causes found,
 * the change history is attached (from the facts, or looked up live for just those resources). In live mode,
 * AWS's policy simulator and CloudTrail's record of the KMS call give second opinions.
 * Nothing is dropped: if anything fails, the finding still comes out with the request and the error.
 */
import { analyzeWithEvaluations, failedFinding } from '../core/analyze';
import type { NeedEvaluation } from '../core/checkers/types';
import { attachChanges, changeLookupTargets, DEFAULT_CHANGE_WINDOW_DAYS } from '../core/changes';
import type { AccessRequest, ChangeRecord, Fact, Finding, KmsDenialRecord } from '../core/model';
import {
  identitySideDecision,
  withKmsDenial,
  withSimulatorVerdict,
  type IdentityDecision,
} from '../core/second-opinions';
import { LRUCache } from 'lru-cache';
import type { AccountView } from './types';
import type { ChangeLookupOptions } from './changes/cloudtrail-lookup';

export interface ChangeSource {
  recentChanges(o: ChangeLookupOptions): Promise<Fact<readonly ChangeRecord[]>>;
}

export interface KmsDenialSource {
  kmsDenial(request: AccessRequest): Promise<KmsDenialRecord | null>;
}

export type SimulatorCheck = (
  request: AccessRequest,
) => Promise<{ decision: IdentityDecision; matchedStatements: readonly string[] } | null>;

export interface ExplainOptions {
  /** Live change history lookup; without it, only the facts' own recentChanges are used. */
  readonly changes?: ChangeSource;
  readonly windowDays?: number;
  /** Live: confirm a KMS cause with the denied KMS call CloudTrail recorded. */
  readonly kmsDenials?: KmsDenialSource;
  /** Live: iam:SimulatePrincipalPolicy on the same-account identity decision. */
  readonly simulator?: SimulatorCheck;
  /** The analysis (default analyzeWithEvaluations); the CLI passes one that reuses identical analyses. */
  readonly analyze?: typeof analyzeWithEvaluations;
}

async function secondOpinions(
  finding: Finding,
  request: AccessRequest,
  evaluations: readonly NeedEvaluation[],
  opts: ExplainOptions,
): Promise<Finding> {
  let out = finding;
  const kmsCause = out.rootCauses.find((c) => c.id === 'kms-key-access');
  if (opts.kmsDenials && kmsCause && kmsCause.confidence !== 'confirmed') {
    const denial = await opts.kmsDenials.kmsDenial(request).catch(() => null);
    if (denial) out = withKmsDenial(out, denial);
  }
  if (opts.simulator && request.crossAccount === false) {
    const verdict = await opts.simulator(request).catch(() => null);
    const first = evaluations[0];
    if (verdict && first) out = withSimulatorVerdict(out, identitySideDecision(first.result), verdict);
  }
  return out;
}

export async function explainRequest(
  request: AccessRequest,
  view: AccountView,
  opts: ExplainOptions = {},
): Promise<Finding> {
  try {
    const facts = await view.gather(request);
    const analysed = (opts.analyze ?? analyzeWithEvaluations)(request, facts);
    const finding = await secondOpinions(analysed.finding, request, analysed.evaluations, opts);
    let history = facts.recentChanges;
    if (
      history.status !== 'known' &&
      history.reason === 'notCollected' &&
      opts.changes &&
      finding.rootCauses.length > 0
    ) {
      const targets = changeLookupTargets(finding, request, facts);
      const until = new Date(request.eventTime);
      if (targets.length > 0 && !Number.isNaN(until.getTime())) {
        history = await opts.changes.recentChanges({
          targets,
          until,
          windowDays: opts.windowDays ?? DEFAULT_CHANGE_WINDOW_DAYS,
        });
      }
    }
    return attachChanges(
      finding,
      request,
      { ...facts, recentChanges: history },
      { windowDays: opts.windowDays },
    );
  } catch (err) {
    return failedFinding(request, err);
  }
}

/** Keys that change with every request but do not change an identity decision worth re-asking AWS about. */
const VOLATILE_KEYS = new Set([
  'aws:currenttime',
  'aws:epochtime',
  'aws:tokenissuetime',
  'aws:multifactorauthage',
]);

/**
 * Memoises a simulator check per identity, needs and (non-volatile) condition context, so a burst of the same
 * denial asks AWS once per TTL (the IAM API is rate limited, and AWS calls must grow with problems, not events).
 */
export function memoizeSimulator(check: SimulatorCheck, ttlMs = 300_000, max = 1000): SimulatorCheck {
  type Verdict = Awaited<ReturnType<SimulatorCheck>>;
  const cache = new LRUCache<string, { v: Promise<Verdict> }>({ max, ttl: ttlMs });
  return (request) => {
    const context = Object.entries(request.context.values)
      .filter(([k]) => !VOLATILE_KEYS.has(k.toLowerCase()))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const key = JSON.stringify([
      request.principal.identityArn,
      request.needs.map((n) => [n.action, n.resource]),
      context,
    ]);
    const hit = cache.get(key);
    if (hit) return hit.v;
    const v = check(request).catch(() => null);
    cache.set(key, { v });
    return v;
  };
}
