/**
 * One condition (operator + key + values), compiled at parse time and evaluated against a request.
 * Rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html):
 *  - several values for a key: OR (a negated operator needs the request value to match none of them);
 *  - a key missing from the request: false, except negated operators (true), …IfExists (true), Null;
 *  - ForAnyValue: at least one request value satisfies the operator; false when the key is missing, with or
 *    without IfExists (IfExists does not turn a set operator on a missing key into a match: AWS answers
 *    false, https://repost.aws/questions/QU9HFmDzP0QGuU-fd7rS6B7w);
 *  - ForAllValues: every request value satisfies the operator; true when the key is missing or empty (also
 *    with IfExists);
 *  - a key the request does not tell about gives 'unknown'.
 * A request value given as a list without a set operator is read as "any value matches" (negated
 * operators: "no value matches").
 */
import type { ConditionTrace, Tri } from '../types';
import { decodeWildcards } from '../match';
import {
  ABSENT,
  UNKNOWN,
  compileTemplate,
  lowerKey,
  resolveTemplate,
  type ContextView,
  type Template,
} from '../variables';
import type { OperatorSpec } from './index';
import { INVALID } from './operator';

export interface CompiledCondition {
  /** Operator as written, e.g. "ForAnyValue:StringLikeIfExists". */
  readonly operatorText: string;
  readonly spec: OperatorSpec;
  /** Key as written, and lower-cased for the lookup. */
  readonly key: string;
  readonly keyLower: string;
  readonly templates: readonly Template[];
  /** Prepared policy values (null when a value has a variable: prepared per evaluation). */
  readonly prepared: readonly unknown[] | null;
  /** Values for display (as written; null when substituted per evaluation). */
  readonly display: readonly string[] | null;
  /** The display values formatted once for details ("v" or "any of [a, b]"); null when substituted. */
  readonly displayText: string | null;
  /** Detail texts prepared at parse time, so that a trace costs at most two concatenations. */
  readonly texts: DetailTexts;
}

interface DetailTexts {
  readonly unknown: string;
  readonly absentPasses: string;
  readonly absentFails: string;
  /** "key " */
  readonly prefix: string;
  /** " is in 10.0.0.0/8" / " is not in 10.0.0.0/8" (static values only). */
  readonly holds: string | null;
  readonly fails: string | null;
}

function detailTexts(
  key: string,
  operatorText: string,
  spec: OperatorSpec,
  displayText: string | null,
): DetailTexts {
  const [yes, no] = spec.op.relation;
  return {
    unknown: `${key} is not known for this request, so ${operatorText} cannot be decided`,
    absentPasses: `${key} is absent, so ${operatorText} passes`,
    absentFails: `${key} is absent, so ${operatorText} fails`,
    prefix: `${key} `,
    holds: displayText === null ? null : ` ${yes} ${displayText}`,
    fails: displayText === null ? null : ` ${no} ${displayText}`,
  };
}

const fmtList = (vs: readonly string[]): string =>
  vs.length === 1 ? (vs[0] as string) : `[${vs.join(', ')}]`;
const fmtPolicy = (vs: readonly string[]): string =>
  vs.length === 1 ? (vs[0] as string) : vs.length === 0 ? '(no values)' : `any of [${vs.join(', ')}]`;

export function compileCondition(
  operatorText: string,
  spec: OperatorSpec,
  key: string,
  values: readonly string[],
  variables: boolean,
): CompiledCondition {
  const templates = values.map((v) => compileTemplate(v, variables, spec.op.wildcards));
  const dynamic = templates.some((t) => t.parts !== null);
  return {
    operatorText,
    spec,
    key,
    keyLower: lowerKey(key), // the context's own key object: Map lookups compare one reference
    templates,
    prepared: dynamic ? null : templates.map((t) => spec.op.preparePolicy(t.value as string)),
    display: dynamic ? null : [...values],
    displayText: dynamic ? null : fmtPolicy(values),
    texts: detailTexts(key, operatorText, spec, dynamic ? null : fmtPolicy(values)),
  };
}

const and = (a: Tri, b: Tri): Tri =>
  a === false || b === false ? false : a === 'unknown' || b === 'unknown' ? 'unknown' : true;
const or = (a: Tri, b: Tri): Tri =>
  a === true || b === true ? true : a === 'unknown' || b === 'unknown' ? 'unknown' : false;
const not = (a: Tri): Tri => (a === 'unknown' ? 'unknown' : !a);

/** Does one request value satisfy the positive relation with any policy value? */
function matchOne(c: CompiledCondition, requestValue: string, prepared: readonly unknown[]): Tri {
  const op = c.spec.op;
  const r = op.prepareRequest(requestValue);
  if (r === INVALID) return false;
  let unknown = false;
  for (const p of prepared) {
    if (p === UNKNOWN) unknown = true;
    else if (p !== INVALID && p !== ABSENT && op.matches(r, p)) return true;
  }
  return unknown ? 'unknown' : false;
}

function resolveValues(c: CompiledCondition, ctx: ContextView, display: string[]): readonly unknown[] {
  const prepared: unknown[] = [];
  for (const t of c.templates) {
    const v = resolveTemplate(t, ctx);
    if (v === ABSENT) {
      prepared.push(ABSENT);
      display.push(`${t.text} (no value)`);
    } else if (v === UNKNOWN) {
      prepared.push(UNKNOWN);
      display.push(`${t.text} (unknown)`);
    } else {
      prepared.push(c.spec.op.preparePolicy(v));
      display.push(decodeWildcards(v));
    }
  }
  return prepared;
}

function evaluatePresent(c: CompiledCondition, values: readonly string[], prepared: readonly unknown[]): Tri {
  const { qualifier } = c.spec;
  const negated = c.spec.op.negated;
  // "some value": OR over request values of (positive relation, or its negation for ForAnyValue:Not…)
  const flip = negated && qualifier !== 'none';
  let any: Tri = false;
  let all: Tri = true;
  for (const v of values) {
    const m = matchOne(c, v, prepared);
    const t = flip ? not(m) : m;
    any = or(any, t);
    all = and(all, t);
  }
  if (qualifier === 'all') return all;
  if (qualifier === 'any') return any;
  return negated ? not(any) : any;
}

function evaluateNull(requestPresent: boolean, prepared: readonly unknown[]): Tri {
  let result: Tri = false;
  for (const p of prepared) {
    if (p === UNKNOWN) result = or(result, 'unknown');
    else if ((p === 'true' && !requestPresent) || (p === 'false' && requestPresent)) return true;
  }
  return result;
}

function describe(
  c: CompiledCondition,
  request: readonly string[] | null | 'unknown',
  display: readonly string[],
  result: Tri,
): string {
  const { op, qualifier } = c.spec;
  const t = c.texts;
  if (request === 'unknown') return t.unknown;
  if (request === null && !op.presence) return result === true ? t.absentPasses : t.absentFails;
  if (
    request !== null &&
    qualifier === 'none' &&
    result !== 'unknown' &&
    t.holds !== null &&
    t.fails !== null &&
    !op.presence
  ) {
    const holds = op.negated ? !result : result;
    return t.prefix + (request.length === 1 ? request[0] : fmtList(request)) + (holds ? t.holds : t.fails);
  }
  const policyText = c.displayText ?? fmtPolicy(display);
  if (op.presence) {
    const state = request === null ? 'is absent' : 'is present';
    return `${c.key} ${state}; Null ${policyText} ${result === true ? 'holds' : result === false ? 'fails' : 'is unknown'}`;
  }
  if (request === null) {
    const verdict = result === true ? 'passes' : 'fails';
    return `${c.key} is absent, so ${c.operatorText} ${verdict}`;
  }
  if (result === 'unknown')
    return `${c.key} ${fmtList(request)} vs ${policyText}: a policy value depends on an unknown key`;
  if (qualifier !== 'none') {
    const verdict = result ? 'holds' : 'fails';
    return `${c.key} ${fmtList(request)} vs ${policyText}: ${c.operatorText} ${verdict}`;
  }
  const holds = op.negated ? !result : result;
  return `${c.key} ${fmtList(request)} ${op.relation[holds ? 0 : 1]} ${policyText}`;
}

/** Side results of the last `compute` (module scratch: no allocation on the result-only path). */
let lastRequest: readonly string[] | null | 'unknown' = null;
let lastDisplay: readonly string[] = [];

function compute(c: CompiledCondition, ctx: ContextView): Tri {
  const req = ctx.get(c.keyLower);
  let prepared = c.prepared;
  let display = c.display;
  if (prepared === null || display === null) {
    const substituted: string[] = [];
    prepared = resolveValues(c, ctx, substituted);
    display = substituted;
  }
  lastDisplay = display;
  const { op, qualifier, ifExists } = c.spec;
  if (req === UNKNOWN) {
    lastRequest = 'unknown';
    return 'unknown';
  }
  if (req === ABSENT) {
    lastRequest = null;
    if (op.presence) return evaluateNull(false, prepared);
    if (qualifier === 'all') return true;
    if (qualifier === 'any') return false;
    return ifExists || op.negated;
  }
  lastRequest = req;
  return op.presence ? evaluateNull(true, prepared) : evaluatePresent(c, req, prepared);
}

/** The condition's result only (no trace). */
export function conditionResult(c: CompiledCondition, ctx: ContextView): Tri {
  return compute(c, ctx);
}

/** Whether the condition read an inferred value: its key, or a policy variable in its values. */
function readsInferred(c: CompiledCondition, ctx: ContextView): boolean {
  if (!ctx.usesInferred) return false;
  if (ctx.isInferred(c.keyLower)) return true;
  for (const t of c.templates) {
    if (t.parts === null) continue;
    for (const part of t.parts) if (typeof part !== 'string' && ctx.isInferred(part.key)) return true;
  }
  return false;
}

/** Evaluates one condition against the request context and returns its trace. */
export function evaluateCondition(c: CompiledCondition, ctx: ContextView): ConditionTrace {
  const result = compute(c, ctx);
  const requestValues = lastRequest;
  const display = lastDisplay;
  const detail = describe(c, requestValues, display, result);
  if (readsInferred(c, ctx))
    return {
      operator: c.operatorText,
      key: c.key,
      requestValues,
      policyValues: display,
      result,
      detail: `${detail} (with an inferred value: likely, not recorded)`,
      inferred: true,
    };
  return { operator: c.operatorText, key: c.key, requestValues, policyValues: display, result, detail };
}
