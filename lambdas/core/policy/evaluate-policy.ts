/**
 * evaluatePolicy: one compiled policy against one request -> decision + the statements that decided.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *  - a statement applies when its action, resource, principal (if any) and every condition match;
 *  - deny: an applying Deny; allow: an applying Allow and no Deny; none: nothing applies;
 *  - unknown: a statement that might apply (an unknown key or principal) could change that outcome.
 * Traced: every statement whose Action / NotAction covers the request's action (matched, unknown, or
 * near misses on resource, principal or a condition). Statements for other actions are skipped cheaply.
 */
import {
  compiledOf,
  type ActionEntry,
  type CompiledPolicy,
  type CompiledResource,
  type CompiledStatement,
} from './parse';
import { conditionResult, evaluateCondition } from './conditions/evaluate-condition';
import {
  arnMatchEncoded,
  arnTest,
  decodeWildcards,
  globTest,
  QMARK,
  sharedText,
  STAR,
  type GlobPattern,
} from './match';
import { matchNotPrincipal, matchPrincipal, principalDetail, type PrincipalResult } from './principal';
import { PolicyParseError } from './types';
import type {
  ConditionTrace,
  EngineRequest,
  ParsedPolicy,
  PolicyEvaluation,
  StatementTrace,
  Tri,
} from './types';
import { ABSENT, ContextView, UNKNOWN, lowerKey, resolveTemplate } from './variables';

interface RequestState {
  readonly actionLower: string;
  readonly ctx: ContextView;
  /** " applies to s3:GetObject on arn:…", the tail of every matching statement's detail. */
  readonly appliesTail: string;
  /** The resource's scope (scopeOf), computed on first use; null for a resource that is not a six-segment ARN. */
  scope: Scope | null | undefined;
}

/**
 * Per-request state, cached for the last two requests (authorize evaluates every policy of a decision against
 * the same request object, or two: the bucket's and the access point's). Recomputing it is cheap and gives the
 * same values; a WeakMap per request cost more in garbage collection than it saved. Not ../recent.ts: its
 * first-in-first-out ring, on this hottest path, counted 1.4% more instructions for 20,000 simulated requests than
 * these two slots, most recent first.
 */
let cachedA: EngineRequest | null = null;
let stateA: RequestState | null = null;
let cachedB: EngineRequest | null = null;
let stateB: RequestState | null = null;

function stateOf(request: EngineRequest): RequestState {
  if (request === cachedA && stateA !== null) return stateA;
  if (request === cachedB && stateB !== null) return stateB;
  const s: RequestState = {
    actionLower: lowerKey(request.action), // one string object per action: the byAction Maps compare a reference
    ctx: new ContextView(request),
    appliesTail: ` applies to ${request.action} on ${request.resource}`,
    scope: undefined,
  };
  cachedB = cachedA;
  stateB = stateA;
  cachedA = request;
  stateA = s;
  return s;
}

/**
 * Per compiled document (shared by every policy with the same document, CompiledPolicy.byAction) and per
 * lower-cased action, the statements whose Action / NotAction covers the action, in order. Actions repeat (S3
 * has a few hundred), so action matching runs once per (document, action), not per evaluation.
 */
const APPLICABLE_MAX = 1024;

function actionApplies(st: CompiledStatement, actionLower: string): boolean {
  let listed = false;
  for (const a of st.actions) {
    if (globTest(a, actionLower)) {
      listed = true;
      break;
    }
  }
  return st.notAction ? !listed : listed;
}

function applicable(compiled: CompiledPolicy, actionLower: string): ActionEntry {
  const byAction = compiled.byAction;
  let entry = byAction.get(actionLower);
  if (entry === undefined) {
    entry = {
      all: compiled.statements.filter((st) => actionApplies(st, actionLower)),
      uses: 0,
      byScope: null,
    };
    if (byAction.size >= APPLICABLE_MAX) byAction.clear();
    byAction.set(actionLower, entry);
  }
  return entry;
}

/**
 * Where a resource ARN sits, for the fast path's candidate lists: its head (up to the fifth ':', e.g.
 * "arn:aws:s3:::") and a prefix of the rest, the scope: the bucket name and its first key segment with both "/"
 * ("bucket/team-0/" for "bucket/team-0/f.csv"; "accesspoint/ap/" for an access point's object), else the name up
 * to its first "/" and a "/" ("bucket/" for a bucket, or an object without a "/" in its key). Any prefix of the
 * resource would do (couldApplyInScope); the first key segment tells apart the prefixes a bucket policy gives its
 * teams (bucket/team-5/*) without an index per object.
 */
interface Scope {
  readonly key: string;
  readonly head: string;
  /** The scope within the head: a prefix of the resource after the head, ending with "/". */
  readonly withSlash: string;
}

function scopeOf(resource: string): Scope | null {
  let colon = -1;
  for (let n = 0; n < 5; n++) {
    colon = resource.indexOf(':', colon + 1);
    if (colon < 0) return null;
  }
  const slash = resource.indexOf('/', colon + 1);
  const second = slash < 0 ? -1 : resource.indexOf('/', slash + 1);
  if (second >= 0) {
    const key = sharedText(resource.slice(0, second + 1)); // the byScope Maps compare a reference
    return { key, head: resource.slice(0, colon + 1), withSlash: key.slice(colon + 1) };
  }
  const key = sharedText(slash < 0 ? resource : resource.slice(0, slash));
  return { key, head: resource.slice(0, colon + 1), withSlash: `${key.slice(colon + 1)}/` };
}

/** The literal text a compiled glob's subject must start with ('' when it starts with a wildcard). */
function literalPrefix(g: GlobPattern): string {
  if (g.kind === 'any') return '';
  if (g.kind !== 'glob') return g.text;
  let end = 0;
  while (end < g.text.length && g.text[end] !== STAR && g.text[end] !== QMARK) end++;
  return g.text.slice(0, end);
}

/**
 * Per statement, what its Resource values require of a resource: null when some value may match anywhere
 * (NotResource, a policy variable, a wildcard before the fifth ':'); else each value's head and literal prefix.
 */
const requirements = new WeakMap<CompiledStatement, readonly { head: string; prefix: string }[] | null>();

function requirementsOf(st: CompiledStatement): readonly { head: string; prefix: string }[] | null {
  const hit = requirements.get(st);
  if (hit !== undefined) return hit;
  let req: { head: string; prefix: string }[] | null = [];
  for (const r of st.resources) {
    const a = r.pattern;
    if (st.notResource || a === null || a.head === null || a.rest === null) {
      req = null;
      break;
    }
    req.push({ head: a.head, prefix: literalPrefix(a.rest) });
  }
  requirements.set(st, req);
  return req;
}

/**
 * Whether a statement could apply to some resource in the scope: false only when every Resource value is a static
 * ARN pattern (literal head, arnTest's fast form) that no resource of the scope can match. A resource of the scope
 * starts with the scope's head and withSlash (or, for the bucket itself, is the name without its "/"); one the
 * value matches starts with the value's head and literal prefix. So the prefix and withSlash are both prefixes of
 * the resource: one is a prefix of the other. NotResource, policy variables and patterns with a wildcard before
 * the fifth ':' always stay in.
 */
function couldApplyInScope(st: CompiledStatement, scope: Scope): boolean {
  const req = requirementsOf(st);
  if (req === null) return true;
  for (const { head, prefix } of req) {
    if (head !== scope.head) continue;
    if (scope.withSlash.startsWith(prefix) || prefix.startsWith(scope.withSlash)) return true;
  }
  return false;
}

/**
 * Lists shorter than SCOPE_MIN are scanned as they are; a list is indexed from its SCOPE_AFTER-th evaluation on (a
 * policy evaluated a few times costs no more than before), and an index keeps at most SCOPES_MAX scopes.
 */
const SCOPE_MIN = 6;
const SCOPE_AFTER = 8;
const SCOPES_MAX = 256;

/**
 * The statements of the entry that could apply to the request's resource, in policy order (the others are near
 * misses on the resource). Built once per (document, action, scope): a bucket policy or a role's policies meet the
 * same few buckets again and again.
 */
function candidates(entry: ActionEntry, state: RequestState, resource: string): readonly CompiledStatement[] {
  if (entry.all.length < SCOPE_MIN || ++entry.uses < SCOPE_AFTER) return entry.all;
  let scope = state.scope;
  if (scope === undefined) scope = state.scope = scopeOf(resource);
  if (scope === null) return entry.all;
  let byScope = entry.byScope;
  if (byScope === null) byScope = entry.byScope = new Map();
  let list = byScope.get(scope.key);
  if (list === undefined) {
    list = entry.all.filter((st) => couldApplyInScope(st, scope));
    if (byScope.size >= SCOPES_MAX) byScope.clear();
    byScope.set(scope.key, list);
  }
  return list;
}

function resourceListed(r: CompiledResource, resource: string, ctx: ContextView): Tri {
  if (r.pattern !== null) return arnTest(r.pattern, resource);
  if (r.template === null) return false;
  const v = resolveTemplate(r.template, ctx);
  if (v === ABSENT) return false;
  if (v === UNKNOWN) return 'unknown';
  return arnMatchEncoded(v, resource, true);
}

/**
 * A NotResource value whose policy variable has no value (no default) matches no resource, and "any attempt to
 * match it fails and causes the statement to be invalid": such a NotResource statement applies to nothing (it does
 * not turn into "every resource"). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * ("Policy variables with no value": "If a variable that has no value in the authorization context is used as part
 * of the Resource or NotResource element of a policy, the resource that includes a policy variable with no value
 * will not match any resource"; principal key table: "not present … any attempt to match it fails and causes the
 * statement to be invalid").
 */
function notResourceVoid(st: CompiledStatement, ctx: ContextView): boolean {
  if (!st.notResource || !st.resourceVariables) return false;
  for (const r of st.resources)
    if (r.template !== null && resolveTemplate(r.template, ctx) === ABSENT) return true;
  return false;
}

function resourceApplies(st: CompiledStatement, resource: string, ctx: ContextView): Tri {
  if (notResourceVoid(st, ctx)) return false;
  let listed: Tri = false;
  for (const r of st.resources) {
    const m = resourceListed(r, resource, ctx);
    if (m === true) {
      listed = true;
      break;
    }
    if (m === 'unknown') listed = 'unknown';
  }
  if (!st.notResource) return listed;
  return listed === 'unknown' ? 'unknown' : !listed;
}

const and = (a: Tri, b: Tri): Tri =>
  a === false || b === false ? false : a === 'unknown' || b === 'unknown' ? 'unknown' : true;

function shownResource(r: CompiledResource, ctx: ContextView): string {
  if (r.template === null) return r.text;
  const v = resolveTemplate(r.template, ctx);
  if (v === ABSENT) return `${r.text} (a variable has no value)`;
  if (v === UNKNOWN) return `${r.text} (a variable is unknown)`;
  return `${r.text} (= ${decodeWildcards(v)})`;
}

/** The Resource values for display; values with variables show what they became for this request. */
function resourceValues(st: CompiledStatement, ctx: ContextView): string {
  if (!st.resourceVariables) return st.resourceText;
  if (st.resources.length === 1) return shownResource(st.resources[0] as CompiledResource, ctx);
  let out = '';
  for (const r of st.resources) out = out === '' ? shownResource(r, ctx) : `${out}, ${shownResource(r, ctx)}`;
  return `[${out}]`;
}

function resourceDetail(st: CompiledStatement, resource: string, m: Tri, ctx: ContextView): string {
  const values = resourceValues(st, ctx);
  if (m === 'unknown')
    return `${st.notResource ? 'NotResource' : 'Resource'} ${values} depends on an unknown key`;
  if (st.notResource) {
    if (m === false && notResourceVoid(st, ctx))
      return `NotResource ${values} has a policy variable with no value: the statement matches no resource`;
    return m ? `${resource} is outside NotResource ${values}` : `${resource} is in NotResource ${values}`;
  }
  return m ? `${resource} matches Resource ${values}` : `${resource} does not match Resource ${values}`;
}

function statementDetail(
  st: CompiledStatement,
  request: EngineRequest,
  resource: Tri,
  principal: PrincipalResult | null,
  conditions: readonly ConditionTrace[],
  matched: Tri,
): string {
  if (matched === true) return st.label + stateOf(request).appliesTail;
  let reasons = resource === true ? '' : resourceDetail(st, request.resource, resource, stateOf(request).ctx);
  if (principal !== null && st.principal !== null && principal.matched !== true) {
    const why = principalDetail(st.principal, principal, request.principal);
    reasons = reasons === '' ? why : `${reasons}; ${why}`;
  }
  for (const c of conditions) {
    if (c.result === true) continue;
    const r = `${c.operator}: ${c.detail}`;
    reasons = reasons === '' ? r : `${reasons}; ${r}`;
  }
  return `${st.label} ${matched === false ? 'does not apply' : 'might apply'}: ${reasons}`;
}

/** Shared by the traces of statements without a Condition element. */
const NO_CONDITIONS: readonly ConditionTrace[] = Object.freeze([]);

function traceStatement(st: CompiledStatement, request: EngineRequest, ctx: ContextView): StatementTrace {
  const resource = resourceApplies(st, request.resource, ctx);
  let principal: PrincipalResult | null = null;
  if (st.principal !== null)
    principal = st.notPrincipal
      ? matchNotPrincipal(st.principal, request.principal, ctx)
      : matchPrincipal(st.principal, request.principal, ctx);
  let matched: Tri = resource;
  if (principal !== null) matched = and(matched, principal.matched);
  let conditions: readonly ConditionTrace[] = NO_CONDITIONS;
  if (st.conditions.length > 0) {
    const list: ConditionTrace[] = [];
    for (const c of st.conditions) {
      const t = evaluateCondition(c, ctx);
      list.push(t);
      matched = and(matched, t.result);
    }
    conditions = list;
  }
  const detail = statementDetail(st, request, resource, principal, conditions, matched);
  if (matched !== 'unknown' && ctx.usesInferred && dependsOnInferred(resource, principal, conditions))
    return {
      ...statementTrace(st, resource, principal, conditions, matched, detail),
      dependsOnInferred: true,
    };
  return statementTrace(st, resource, principal, conditions, matched, detail);
}

/** Whether `matched` would be 'unknown' with the inferred condition results taken as unknown. */
function dependsOnInferred(
  resource: Tri,
  principal: PrincipalResult | null,
  conditions: readonly ConditionTrace[],
): boolean {
  if (!conditions.some((c) => c.inferred === true)) return false;
  let without: Tri = resource;
  if (principal !== null) without = and(without, principal.matched);
  for (const c of conditions) without = and(without, c.inferred === true ? 'unknown' : c.result);
  return without === 'unknown';
}

function statementTrace(
  st: CompiledStatement,
  resource: Tri,
  principal: PrincipalResult | null,
  conditions: readonly ConditionTrace[],
  matched: Tri,
  detail: string,
): StatementTrace {
  // true when the resource matched or might match (an unknown variable); `matched` carries the Tri.
  const resourceMatched = resource !== false;
  // Three literal shapes (no principal / principal / principal with a kind) keep the objects monomorphic.
  if (principal === null)
    return {
      index: st.index,
      sid: st.sid,
      effect: st.effect,
      actionMatched: true,
      resourceMatched,
      conditions,
      matched,
      detail,
    };
  if (principal.kind === undefined)
    return {
      index: st.index,
      sid: st.sid,
      effect: st.effect,
      actionMatched: true,
      resourceMatched,
      principalMatched: principal.matched,
      conditions,
      matched,
      detail,
    };
  return {
    index: st.index,
    sid: st.sid,
    effect: st.effect,
    actionMatched: true,
    resourceMatched,
    principalMatched: principal.matched,
    principalMatchKind: principal.kind,
    conditions,
    matched,
    detail,
  };
}

function decide(traces: readonly StatementTrace[]): PolicyEvaluation['decision'] {
  let denyUnknown = false;
  let allow = false;
  let allowUnknown = false;
  for (const t of traces) {
    if (t.effect === 'Deny') {
      if (t.matched === true) return 'deny';
      if (t.matched === 'unknown') denyUnknown = true;
    } else if (t.matched === true) allow = true;
    else if (t.matched === 'unknown') allowUnknown = true;
  }
  if (denyUnknown) return 'unknown';
  if (allow) return 'allow';
  return allowUnknown ? 'unknown' : 'none';
}

/** resourceApplies(…) !== false, stopping at the first Resource value that matches or might match. */
function resourceMightApply(st: CompiledStatement, resource: string, ctx: ContextView): boolean {
  if (st.notResource) return resourceApplies(st, resource, ctx) !== false;
  const rs = st.resources;
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i] as CompiledResource;
    if (r.pattern !== null ? arnTest(r.pattern, resource) : resourceListed(r, resource, ctx) !== false)
      return true;
  }
  return false;
}

/** Could the statement apply? A cheap test without traces (stops at the first element that fails). */
function mightApply(st: CompiledStatement, request: EngineRequest, ctx: ContextView): boolean {
  if (!resourceMightApply(st, request.resource, ctx)) return false;
  if (st.principal !== null) {
    const p = st.notPrincipal
      ? matchNotPrincipal(st.principal, request.principal, ctx)
      : matchPrincipal(st.principal, request.principal, ctx);
    if (p.matched === false) return false;
  }
  for (const c of st.conditions) if (conditionResult(c, ctx) === false) return false;
  return true;
}

export interface EvaluateOptions {
  /**
   * Trace near misses (statements for the request's action that do not apply): default true. With false,
   * only statements that apply or might apply are traced — the same decision, much less work; use it on
   * hot paths and re-evaluate with near misses when an explanation is needed.
   */
  readonly nearMisses?: boolean;
}

/** Near misses left out by the last evaluation with `nearMisses: false` (0: its statements are complete). */
let lastSkipped = 0;

/**
 * How many near misses the last `evaluatePolicy(…, { nearMisses: false })` left out: 0 means its statements
 * are exactly those of the full evaluation (same traces, same order). Module scratch, read right after the call.
 */
export const nearMissesSkipped = (): number => lastSkipped;

/** Evaluates one policy against one request. Never throws: an internal failure gives decision 'unknown'. */
export function evaluatePolicy(
  policy: ParsedPolicy,
  request: EngineRequest,
  options?: EvaluateOptions,
): PolicyEvaluation {
  const nearMisses = options?.nearMisses !== false;
  let meta = (policy as Partial<CompiledPolicy>).meta;
  try {
    const compiled = compiledOf(policy);
    meta = compiled.meta;
    const state = stateOf(request);
    const { actionLower, ctx } = state;
    let statements: StatementTrace[] | null = null;
    const entry = applicable(compiled, actionLower);
    const list = nearMisses ? entry.all : candidates(entry, state, request.resource);
    lastSkipped = entry.all.length - list.length;
    for (const st of list) {
      if (!nearMisses && !mightApply(st, request, ctx)) {
        lastSkipped++;
        continue;
      }
      if (statements === null) statements = [];
      statements.push(traceStatement(st, request, ctx));
    }
    if (statements === null) return { policy: meta, decision: 'none', statements: [] };
    return { policy: meta, decision: decide(statements), statements };
  } catch (e) {
    lastSkipped = 1; // a failure: never reuse this evaluation as the full one
    const detail =
      e instanceof PolicyParseError
        ? `cannot evaluate: ${e.message}`
        : `internal error while evaluating ${policy.name}: ${e instanceof Error ? e.message : String(e)}`;
    return {
      policy: meta ?? {
        name: policy.name,
        ...(policy.arn !== undefined ? { arn: policy.arn } : {}),
        source: policy.source,
      },
      decision: 'unknown',
      statements: [
        {
          index: 0,
          sid: null,
          effect: 'Deny',
          actionMatched: false,
          resourceMatched: false,
          conditions: [],
          matched: 'unknown',
          detail,
        },
      ],
    };
  }
}
