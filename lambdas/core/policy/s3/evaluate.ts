/**
 * Policy-level building blocks for the request-level engine: cached parsing, three-valued deny / allow of a
 * PolicyEvaluation, guardrail layers (VPC endpoint, boundary, session) and organization levels (SCP, RCP).
 */
import type { Fact, NamedPolicy, OrgLevel } from '../../model';
import { compileCachesOn, parsePolicy } from '../parse';
import { evaluatePolicy, nearMissesSkipped } from '../evaluate-policy';
import type {
  EngineRequest,
  LayerId,
  LayerOutcome,
  LayerResult,
  ParsedPolicy,
  PolicyEvaluation,
  StatementTrace,
  Tri,
} from '../types';
import { and3 } from './tri';

export interface Evaluated {
  /**
   * The evaluation as displayed in layer results: every statement for the request's action, near misses
   * included. On the fast path its `statements` are built on first read (a memoised getter), so that only the
   * evaluations a reader actually opens pay for their traces and detail strings.
   */
  readonly ev: PolicyEvaluation;
  /**
   * The statements the layer logic reads: those that match or might match (matched !== false). The decision
   * logic never looks at near misses (matched === false), except the NotPrincipal + boundary rule, which reads
   * `ev`. In reference mode this is `ev.statements` itself (near misses included).
   */
  readonly applying: readonly StatementTrace[];
  /** `ev.decision` and `ev.policy`, readable without making the displayed evaluation. */
  readonly decision: PolicyEvaluation['decision'];
  readonly policy: PolicyEvaluation['policy'];
  /** Set when the policy could not be parsed or evaluated: the layer is then unknown. */
  readonly error: string | null;
  readonly parsed: ParsedPolicy | null;
}

/** What one layer contributes to the decision. */
export interface LayerCalc {
  readonly result: LayerResult;
  /** Whether the layer lets the request through (guardrails) or grants it (grant layers). */
  readonly permit: Tri;
  /** Whether an explicit Deny of the layer matches. */
  readonly deny: Tri;
}

const parsedCache = new WeakMap<NamedPolicy, ParsedPolicy | Error>();

function parseOnce(p: NamedPolicy): ParsedPolicy | Error {
  try {
    return parsePolicy(p);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function parsedOf(p: NamedPolicy): ParsedPolicy | Error {
  if (!compileCachesOn()) return parseOnce(p);
  const hit = parsedCache.get(p);
  if (hit !== undefined) return hit;
  const parsed = parseOnce(p);
  parsedCache.set(p, parsed);
  return parsed;
}

/**
 * Reference mode: every policy traced in full, eagerly, and the layer logic reading the full traces — the
 * engine as it was before the fast path. Kept callable so that tests can prove the fast path returns
 * deep-equal results (test/core/policy/authorize/equivalence.test.ts).
 */
let referenceMode = false;

/** Runs `fn` (synchronous) with the reference evaluation. */
export function withReferenceEvaluation<T>(fn: () => T): T {
  const previous = referenceMode;
  referenceMode = true;
  try {
    return fn();
  } finally {
    referenceMode = previous;
  }
}

interface LazyState {
  readonly parsed: ParsedPolicy;
  readonly req: EngineRequest;
  /** The statements that match or might match (the fast evaluation's), in policy order. */
  readonly applying: readonly StatementTrace[];
  statements: readonly StatementTrace[] | null;
}

/** Returns the object it is given: a subclass constructor then adds its private fields to that object. */
class Host {
  constructor(target: object) {
    return target;
  }
}

/**
 * Where a lazily traced evaluation keeps what it needs: a private field stamped on the plain evaluation object.
 * Invisible to JSON, spreads, Object.keys, symbols and deep equality, like a non-enumerable property, and about half
 * the cost of a second Object.defineProperty per displayed evaluation (issue 15).
 */
class LazyStamp extends Host {
  #state: LazyState;
  private constructor(target: object, state: LazyState) {
    super(target);
    this.#state = state;
  }

  static stamp(target: object, state: LazyState): void {
    new LazyStamp(target, state);
  }

  /** The state stamped on `o`, or undefined for any other object. */
  static of(o: object): LazyState | undefined {
    return #state in o ? (o as LazyStamp).#state : undefined;
  }
}

/** The shared getter: traces the policy in full (near misses included) on first read, then memoises. */
function lazyStatements(this: object): readonly StatementTrace[] {
  const state = LazyStamp.of(this) as LazyState;
  if (state.statements === null) state.statements = evaluatePolicy(state.parsed, state.req).statements;
  return state.statements;
}

const STATEMENTS_DESCRIPTOR: PropertyDescriptor = {
  get: lazyStatements,
  enumerable: true,
  configurable: true,
};

/**
 * The displayed evaluation of the fast path: same policy and decision as the full evaluation (near misses
 * never change a decision), statements traced in full on first read and memoised. `statements` is an own,
 * enumerable accessor, so JSON, spreads and deep equality see a plain { policy, decision, statements } object.
 * (A shared descriptor: an object literal with a getter costs several times more to create.)
 */
function lazyEvaluation(fast: PolicyEvaluation, parsed: ParsedPolicy, req: EngineRequest): PolicyEvaluation {
  const ev = { policy: fast.policy, decision: fast.decision };
  Object.defineProperty(ev, 'statements', STATEMENTS_DESCRIPTOR);
  LazyStamp.stamp(ev, { parsed, req, applying: fast.statements, statements: null });
  return ev as unknown as PolicyEvaluation;
}

/**
 * A policy evaluated on the fast path: the layer logic reads `applying`; the displayed evaluation `ev` is
 * made only when a layer result shows it (most evaluations are never shown), and traces its near misses
 * only when read.
 */
class FastEvaluated implements Evaluated {
  readonly error = null;
  private shown: PolicyEvaluation | null = null;
  constructor(
    private readonly fast: PolicyEvaluation,
    /** The fast evaluation left no near miss out: it is the full one. */
    private readonly complete: boolean,
    readonly parsed: ParsedPolicy,
    private readonly req: EngineRequest,
  ) {}

  get applying(): readonly StatementTrace[] {
    return this.fast.statements;
  }

  get decision(): PolicyEvaluation['decision'] {
    return this.fast.decision;
  }

  get policy(): PolicyEvaluation['policy'] {
    return this.fast.policy;
  }

  get ev(): PolicyEvaluation {
    if (this.shown === null)
      this.shown = this.complete ? this.fast : lazyEvaluation(this.fast, this.parsed, this.req);
    return this.shown;
  }
}

const FAST = { nearMisses: false } as const;

/**
 * The statements of a displayed evaluation that decided or could decide: those that match or might match
 * (matched !== false), in policy order — `ev.statements` without its near misses. On the fast path they are
 * read from the fast evaluation, so the near misses are never traced (batch `simulate` shows only these).
 */
export function applyingStatements(ev: PolicyEvaluation): readonly StatementTrace[] {
  const state = LazyStamp.of(ev);
  if (state !== undefined) return state.applying;
  const all = ev.statements;
  for (const s of all) if (s.matched === false) return all.filter((t) => t.matched !== false);
  return all;
}

const policyRef = (p: NamedPolicy): PolicyEvaluation['policy'] =>
  p.arn !== undefined ? { name: p.name, arn: p.arn, source: p.source } : { name: p.name, source: p.source };

/** Parse (once per NamedPolicy object) and evaluate; a malformed policy gives an unknown evaluation. */
export function evaluate(p: NamedPolicy, req: EngineRequest): Evaluated {
  const parsed = parsedOf(p);
  if (parsed instanceof Error) {
    const policy = policyRef(p);
    return {
      ev: { policy, decision: 'unknown', statements: [] },
      applying: [],
      decision: 'unknown',
      policy,
      error: `${p.name}: ${parsed.message}`,
      parsed: null,
    };
  }
  try {
    if (referenceMode) {
      const ev = evaluatePolicy(parsed, req);
      return { ev, applying: ev.statements, decision: ev.decision, policy: ev.policy, error: null, parsed };
    }
    const fast = evaluatePolicy(parsed, req, FAST);
    return new FastEvaluated(fast, nearMissesSkipped() === 0, parsed, req);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const policy = policyRef(p);
    return {
      ev: { policy, decision: 'unknown', statements: [] },
      applying: [],
      decision: 'unknown',
      policy,
      error: `${p.name}: ${msg}`,
      parsed,
    };
  }
}

export function denyTri(e: Evaluated): Tri {
  if (e.error !== null) return 'unknown';
  if (e.decision === 'deny') return true;
  let unknown = false;
  for (const s of e.applying) {
    if (s.effect !== 'Deny') continue;
    if (s.matched === true) return true;
    if (s.matched === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

/** Whether an Allow statement matches (regardless of Deny statements). */
export function allowTri(e: Evaluated): Tri {
  // index 0 marks the evaluator's own failure report: nothing is known about the policy then
  if (e.error !== null || e.applying.some((s) => s.index === 0)) return 'unknown';
  if (e.decision === 'allow') return true;
  let unknown = e.decision === 'unknown';
  for (const s of e.applying) {
    if (s.effect !== 'Allow') continue;
    if (s.matched === true) return true;
    if (s.matched === 'unknown') unknown = true;
  }
  if (unknown && e.decision === 'unknown') {
    // unknown only because of a Deny that might match: the Allow side is then known not to match
    const denyOnly = e.applying.every((s) => s.effect === 'Deny' || s.matched === false);
    const someDenyUnknown = e.applying.some((s) => s.effect === 'Deny' && s.matched === 'unknown');
    if (denyOnly && someDenyUnknown) return false;
  }
  return unknown ? 'unknown' : false;
}

/** The facts a layer lacked: unreadable policies and condition keys whose request value is unknown. */
export function missingOf(evals: readonly Evaluated[]): string[] {
  const out = new Set<string>();
  for (const e of evals) {
    if (e.error !== null) out.add(`policy ${e.error}`);
    for (const s of e.applying) {
      if (s.matched !== 'unknown') continue;
      for (const c of s.conditions) {
        if (c.result === 'unknown') out.add(`condition key ${c.key} (${e.policy.name} ${stmtLabel(s)})`);
      }
      if (s.principalMatched === 'unknown') out.add(`principal of ${e.policy.name} ${stmtLabel(s)}`);
    }
  }
  return [...out];
}

export function factMissing(what: string, f: Fact<unknown>): string {
  if (f.status === 'known') return what;
  // The reason, the permission the auditor lacks, and the detail (e.g. which account could not be entered, why).
  const detail = f.detail ? `: ${f.detail.length > 240 ? `${f.detail.slice(0, 239)}…` : f.detail}` : '';
  const why = f.permission ? `${f.reason}, needs ${f.permission}${detail}` : `${f.reason}${detail}`;
  return `${what} (${why})`;
}

export const stmtLabel = (s: StatementTrace): string => (s.sid ? `#${s.index} (${s.sid})` : `#${s.index}`);

export function firstMatching(evals: readonly Evaluated[], effect: 'Allow' | 'Deny'): string {
  for (const e of evals) {
    for (const s of e.applying) {
      if (s.effect === effect && s.matched === true) return `${e.policy.name} ${stmtLabel(s)}`;
    }
  }
  return evals.map((e) => e.policy.name).join(', ');
}

export function layer(
  id: LayerId,
  result: LayerOutcome,
  policies: readonly PolicyEvaluation[],
  note: string,
  missing?: readonly string[],
): LayerResult {
  if (missing && missing.length > 0) return { layer: id, result, policies, note, missing };
  // an unknown layer always says what it lacked
  if (result === 'unknown')
    return { layer: id, result, policies, note, missing: [`a fact the layer needs (${note})`] };
  return { layer: id, result, policies, note };
}

export const notApplicable = (id: LayerId, note: string): LayerCalc => ({
  result: layer(id, 'not-applicable', [], note),
  permit: true,
  deny: false,
});

export const unknownFact = (id: LayerId, missing: string, permit: Tri = 'unknown'): LayerCalc => ({
  result: layer(id, 'unknown', [], `could not read ${missing}`, [missing]),
  permit,
  deny: 'unknown',
});

const denying = (evals: readonly Evaluated[]) => evals.filter((e) => denyTri(e) === true).map((e) => e.ev);
const allowing = (evals: readonly Evaluated[]) => evals.filter((e) => allowTri(e) === true).map((e) => e.ev);
const uncertain = (evals: readonly Evaluated[]) =>
  evals.filter((e) => denyTri(e) === 'unknown' || allowTri(e) === 'unknown').map((e) => e.ev);

/**
 * A guardrail layer (VPC endpoint policy, permissions boundary, session policy, one organization level):
 * the request passes when no Deny matches and at least one Allow matches.
 */
/** A guardrail's outcome alone (no result, no notes): whether a Deny matches, an Allow matches, it lets through. */
function guardTri(evals: readonly Evaluated[]): { deny: Tri; allow: Tri; permit: Tri } {
  let deny: Tri = false;
  let allow: Tri = false;
  for (const e of evals) {
    const d = denyTri(e);
    if (d === true) deny = true;
    else if (d === 'unknown' && deny === false) deny = 'unknown';
    const a = allowTri(e);
    if (a === true) allow = true;
    else if (a === 'unknown' && allow === false) allow = 'unknown';
  }
  const permit = and3(deny === true ? false : deny === 'unknown' ? 'unknown' : true, allow);
  return { deny, allow, permit };
}

export function guardrail(id: LayerId, evals: readonly Evaluated[], what: string, action: string): LayerCalc {
  const { deny, allow, permit } = guardTri(evals);
  if (deny === true) {
    return {
      result: layer(
        id,
        'explicitly-denied',
        denying(evals),
        `${firstMatching(evals, 'Deny')} denies ${action}`,
      ),
      permit: false,
      deny,
    };
  }
  if (allow === false) {
    return {
      result: layer(
        id,
        'implicitly-denied',
        evals.map((e) => e.ev),
        `no statement of the ${what} allows ${action}`,
      ),
      permit: false,
      deny,
    };
  }
  if (permit === 'unknown') {
    const result = layer(
      id,
      'unknown',
      uncertain(evals),
      `the ${what} may or may not allow ${action}`,
      missingOf(evals),
    );
    return { result: allow === true ? { ...result, allowMatches: true } : result, permit, deny };
  }
  return {
    result: layer(id, 'allowed', allowing(evals), `${firstMatching(evals, 'Allow')} allows ${action}`),
    permit,
    deny,
  };
}

/** Evaluate one guardrail layer given as Fact<NamedPolicy | null> | null. */
export function policyGuardrail(
  id: LayerId,
  fact: Fact<NamedPolicy | null> | null,
  req: EngineRequest,
  what: string,
  absentNote: string,
  nullNote: string,
): LayerCalc {
  if (fact === null) return notApplicable(id, absentNote);
  if (fact.status === 'unknown') return unknownFact(id, factMissing(`the ${what}`, fact));
  if (fact.value === null) return notApplicable(id, nullNote);
  return guardrail(id, [evaluate(fact.value, req)], what, req.action);
}

/**
 * SCPs or RCPs: every level of the organization path (root, each OU, the account) must allow on its own;
 * a Deny at any level denies. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html
 *
 * SCPs: a level with no SCP listed means SCPs are not enabled there (AWS keeps at least one SCP attached to every
 * level once they are, https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html):
 * such a level restricts nothing.
 * RCPs: RCPFullAWSAccess is attached to every root, OU and account once RCPs are enabled and cannot be detached
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html), so every
 * level allows whatever its listed RCPs say: only a Deny restricts.
 */
export function orgLayer(id: 'scp' | 'rcp', levels: readonly OrgLevel[], req: EngineRequest): LayerCalc {
  const label = id === 'scp' ? 'SCP' : 'RCP';
  // per level, the outcome alone; the guardrail's result (policies, notes) only for a level that denies
  // a policy attached at several levels (the same object) is evaluated once
  const seen: NamedPolicy[] = [];
  const done: Evaluated[] = [];
  const once = (p: NamedPolicy): Evaluated => {
    const i = seen.indexOf(p);
    if (i >= 0) return done[i] as Evaluated;
    const e = evaluate(p, req);
    seen.push(p);
    done.push(e);
    return e;
  };
  const perLevel = levels.map((lvl) => {
    const evals = lvl.policies.map(once);
    const calc = evals.length === 0 ? null : guardTri(evals);
    return { lvl, evals, calc };
  });
  const denied = perLevel.find((l) => l.calc?.deny === true);
  if (denied?.calc) {
    const deniedCalc = guardrail(id, denied.evals, `${label}s at ${denied.lvl.target}`, req.action);
    return {
      result: layer(
        id,
        'explicitly-denied',
        deniedCalc.result.policies,
        `${label} ${firstMatching(denied.evals, 'Deny')} at ${denied.lvl.target} denies ${req.action}`,
      ),
      permit: false,
      deny: true,
    };
  }
  const deny: Tri = perLevel.some((l) => l.calc?.deny === 'unknown') ? 'unknown' : false;
  // the permit of one level: an RCP level always allows (RCPFullAWSAccess) unless a Deny may match
  const levelPermit = (l: (typeof perLevel)[number]): Tri => {
    if (l.calc === null) return true;
    if (id === 'rcp') return l.calc.deny === 'unknown' ? 'unknown' : true;
    return l.calc.permit;
  };
  const blocked = perLevel.find((l) => levelPermit(l) === false);
  if (blocked) {
    return {
      result: layer(
        id,
        'implicitly-denied',
        blocked.evals.map((e) => e.ev),
        `no ${label} at ${blocked.lvl.target} allows ${req.action} (each level must allow)`,
      ),
      permit: false,
      deny,
    };
  }
  const unsure = perLevel.filter((l) => levelPermit(l) === 'unknown');
  if (unsure.length > 0) {
    const evals = unsure.flatMap((l) => l.evals);
    return {
      result: layer(
        id,
        'unknown',
        evals.map((e) => e.ev),
        `${label}s at ${unsure.map((l) => l.lvl.target).join(', ')} may ${id === 'rcp' ? 'deny' : 'not allow'} ${req.action}`,
        missingOf(evals),
      ),
      permit: 'unknown',
      deny,
    };
  }
  const evals: Evaluated[] = []; // flatMap is slow in V8
  for (const l of perLevel) for (const e of l.evals) evals.push(e);
  const path = levels.map((l) => l.target).join(' > ');
  const empty = perLevel.filter((l) => l.calc === null).map((l) => l.lvl.target);
  if (empty.length === levels.length) {
    return notApplicable(
      id,
      id === 'rcp'
        ? `no RCP is listed on the path (${path}): nothing beyond RCPFullAWSAccess restricts the resource`
        : `no SCP is listed on the path (${path}): SCPs are not enabled`,
    );
  }
  const note =
    id === 'rcp'
      ? `no RCP denies ${req.action} (RCPFullAWSAccess allows at every level: ${path})`
      : `SCPs allow ${req.action} at every level (${path})${
          empty.length > 0 ? `; no SCP listed at ${empty.join(', ')} (SCPs not enabled there)` : ''
        }`;
  return { result: layer(id, 'allowed', allowing(evals), note), permit: true, deny: false };
}

/** The layer results of a decision: an unknown layer says whether its explicit Deny may match. */
export function resultsOf(calcs: readonly LayerCalc[]): LayerResult[] {
  return calcs.map((c) =>
    c.result.result === 'unknown' ? { ...c.result, denyPossible: c.deny !== false } : c.result,
  );
}
