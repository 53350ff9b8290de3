/**
 * Policy variables and the request's condition context.
 *
 * Variables (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
 *  - `${key}` is replaced by the value of the context key `key` (any key; names are case-insensitive);
 *  - `${key, 'default'}` uses 'default' when the key is absent from the request;
 *  - `${*}`, `${?}`, `${$}` are the literal characters `*`, `?`, `$` (so they are never wildcards);
 *  - a key that has no value (and no default) leaves "no equal or like value" (#policy-vars-no-value): a Resource
 *    value with it matches nothing; a NotResource value with it makes the statement match no resource (the
 *    statement is void, it does not turn into "every resource": evaluate-policy.ts notResourceVoid); in a
 *    condition, positive operators (StringEquals, StringLike …) do not match and negated ones (StringNotEquals,
 *    StringNotLike …) do ("Inverted condition operators … do match against a null value");
 *  - only policies with "Version": "2012-10-17" substitute variables; without it (2008-10-17) the
 *    text is literal: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
 *  - a multivalued key cannot be a variable: such a key resolves to no value (assumption, documented).
 *
 * Context: key names are case-insensitive; `values` are present, `absent` are known missing, anything else
 * is 'unknown' or absent as `otherKeys` says. With `request.useInferred` (the engine's second pass, ./inferred.ts)
 * a key that would be unknown takes its inferred value (ConditionContext.inferred), and `isInferred` says so. A few keys AWS always sets are derived from the request's
 * principal when the context does not mention them (aws:PrincipalArn — the role ARN for a role session —,
 * aws:PrincipalAccount, aws:username for IAM users, aws:PrincipalServiceName, aws:ResourceAccount /
 * s3:ResourceAccount): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
import type { ConditionContext } from '../model';
import { Recent } from '../recent';
import type { EngineRequest } from './types';
import { encodeWildcards } from './match';
import { textMemo } from '../text-memo';

export const ABSENT: unique symbol = Symbol('absent');
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Absent = typeof ABSENT;
export type Unknown = typeof UNKNOWN;

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

export interface VariableRef {
  /** Lower-cased context key. */
  readonly key: string;
  readonly defaultValue: string | null;
}

/** A policy string, compiled: static (no variables) or parts (literal text already encoded). */
export interface Template {
  /** The policy text as written. */
  readonly text: string;
  /** Encoded value when there is no variable; null otherwise. */
  readonly value: string | null;
  readonly parts: readonly (string | VariableRef)[] | null;
}

const LITERAL_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['*', '*'],
  ['?', '?'],
  ['$', '$'],
]);

function parseVariable(inner: string): VariableRef | string | null {
  const escape = LITERAL_ESCAPES.get(inner);
  if (escape !== undefined) return escape;
  const comma = inner.indexOf(',');
  if (comma < 0) {
    const key = inner.trim();
    return key === '' ? null : { key: key.toLowerCase(), defaultValue: null };
  }
  const key = inner.slice(0, comma).trim();
  const rest = inner.slice(comma + 1).trim();
  if (key === '' || rest.length < 2 || !rest.startsWith("'") || !rest.endsWith("'")) return null;
  return { key: key.toLowerCase(), defaultValue: rest.slice(1, -1) };
}

/**
 * Compiles a policy string. `variables`: the policy version substitutes variables; `wildcards`: `*` and
 * `?` in the literal text are wildcards (encoded as sentinels). A malformed `${…}` stays literal text.
 */
export function compileTemplate(text: string, variables: boolean, wildcards: boolean): Template {
  const enc = (t: string): string => (wildcards ? encodeWildcards(t) : t);
  if (!variables || text.indexOf('${') < 0) return { text, value: enc(text), parts: null };
  const parts: (string | VariableRef)[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    const end = start < 0 ? -1 : text.indexOf('}', start + 2);
    if (start < 0 || end < 0) {
      literal += enc(text.slice(i));
      break;
    }
    literal += enc(text.slice(i, start));
    const v = parseVariable(text.slice(start + 2, end));
    if (v === null) literal += enc(text.slice(start, end + 1));
    else if (typeof v === 'string') literal += v;
    else {
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(v);
    }
    i = end + 1;
  }
  if (!parts.some((p) => typeof p !== 'string')) return { text, value: literal, parts: null };
  if (literal !== '') parts.push(literal);
  return { text, value: null, parts };
}

/** Substitutes variables: the encoded string, ABSENT (a key without value and no default) or UNKNOWN. */
export function resolveTemplate(t: Template, ctx: ContextView): string | Absent | Unknown {
  if (t.parts === null) return t.value as string;
  let out = '';
  let unknown = false;
  for (const part of t.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const v = ctx.single(part.key);
    if (typeof v === 'string') out += v;
    else if (v === UNKNOWN) unknown = true;
    else if (part.defaultValue !== null) out += part.defaultValue;
    else return ABSENT;
  }
  return unknown ? UNKNOWN : out;
}

// ---------------------------------------------------------------------------
// Context view
// ---------------------------------------------------------------------------

export type ContextValue = readonly string[] | Absent | Unknown;

export interface LoweredContext {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly absent: ReadonlySet<string>;
  readonly unknown: ReadonlySet<string> | null;
  /** ConditionContext.inferred, lower-cased (null when there is none); an empty list: likely absent. */
  readonly inferred: ReadonlyMap<string, readonly string[]> | null;
}

/** The lower-cased form of the last contexts (../recent.ts): an analysis evaluates one context many times. */
const loweredCache = new Recent<LoweredContext>(8);

const isString = (x: unknown): x is string => typeof x === 'string';
const isScalar = (x: unknown): boolean =>
  typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';

/**
 * The lower-cased form of a condition key or an action name, the same string object for the same text. Both come
 * from a small vocabulary (aws:SourceIp, s3:prefix, s3:GetObject …): one lookup by the text replaces a new
 * lower-cased copy per request, and the copy it gives has its hash computed once for the Maps and Sets it is
 * looked up in. Bounded: past 4,096 distinct texts it starts over (tag keys can be many).
 */
export const lowerKey = textMemo(4096, (key: string): string => key.toLowerCase());

/**
 * A context by lower-cased key: its values (a key given twice in different cases: the last one), its absent and its
 * unknown keys. The engine's own view of the context, computed once for the last few contexts.
 */
export function loweredContext(ctx: ConditionContext): LoweredContext {
  let l = loweredCache.get(ctx);
  if (l !== undefined) return l;
  const values = new Map<string, readonly string[]>();
  const given = ctx.values ?? {};
  for (const k in given) {
    if (!Object.hasOwn(given, k)) continue;
    const v: unknown = given[k];
    if (typeof v === 'string') values.set(lowerKey(k), [v]);
    else if (typeof v === 'number' || typeof v === 'boolean') values.set(lowerKey(k), [String(v)]);
    else if (Array.isArray(v))
      values.set(lowerKey(k), v.every(isString) ? (v as string[]) : v.filter(isScalar).map(String));
  }
  const absent = new Set<string>();
  for (const k of ctx.absent ?? []) if (typeof k === 'string') absent.add(lowerKey(k));
  const unknown = ctx.unknown?.length ? new Set(ctx.unknown.map((k) => lowerKey(String(k)))) : null;
  let inferred: Map<string, readonly string[]> | null = null;
  for (const [k, iv] of Object.entries(ctx.inferred ?? {})) {
    const v: unknown = iv?.value;
    // an empty list is a likely absence (InferredValue.value); anything else without a value is ignored
    const list =
      typeof v === 'string' ? [v] : Array.isArray(v) ? (v as unknown[]).filter(isScalar).map(String) : null;
    if (list === null || (list.length === 0 && (v as unknown[]).length > 0)) continue;
    if (inferred === null) inferred = new Map();
    inferred.set(lowerKey(k), list);
  }
  l = { values, absent, unknown, inferred };
  loweredCache.set(l, ctx);
  return l;
}

/** The request's condition keys, looked up case-insensitively (keys passed in are already lower-case). */
export class ContextView {
  private readonly lowered: LoweredContext;
  private readonly otherUnknown: boolean;
  /** The inferred values, when the request asks to evaluate with them (policy/inferred.ts); else null. */
  private readonly inferred: ReadonlyMap<string, readonly string[]> | null;
  private derivedCache: Map<string, ContextValue> | null = null;
  constructor(private readonly request: EngineRequest) {
    this.lowered = loweredContext(request.context);
    this.otherUnknown = request.context.otherKeys !== 'absent';
    this.inferred = request.useInferred === true ? this.lowered.inferred : null;
  }

  /**
   * Values of a key: a non-empty list, ABSENT, or UNKNOWN. An empty list counts as absent. With `useInferred`, a key
   * that would be UNKNOWN takes its inferred value (see `isInferred`).
   */
  get(key: string): ContextValue {
    const v = this.known(key);
    if (v !== UNKNOWN) return v;
    const read = this.request.inferredRead;
    if (read !== undefined && this.lowered.inferred?.has(key) === true) read.add(key);
    if (this.inferred === null) return v;
    const inferred = this.inferred.get(key);
    if (inferred === undefined) return UNKNOWN;
    return inferred.length === 0 ? ABSENT : inferred;
  }

  /** Whether this view evaluates with inferred values at all. */
  get usesInferred(): boolean {
    return this.inferred !== null;
  }

  /** Whether `get(key)` answers with an inferred value (not a recorded or derived one). */
  isInferred(key: string): boolean {
    return this.inferred !== null && this.inferred.has(key) && this.known(key) === UNKNOWN;
  }

  /** The value from the recorded and derived facts alone. */
  private known(key: string): ContextValue {
    const v = this.lowered.values.get(key);
    if (v !== undefined) return v.length === 0 ? ABSENT : v;
    if (this.lowered.absent.has(key)) return ABSENT;
    if (this.lowered.unknown?.has(key)) return UNKNOWN;
    if (this.derivedCache === null) this.derivedCache = new Map();
    let derived = this.derivedCache.get(key);
    if (derived === undefined) {
      derived = this.derived(key) ?? (this.otherUnknown ? UNKNOWN : ABSENT);
      this.derivedCache.set(key, derived);
    }
    return derived;
  }

  /** A single value for a variable: multivalued keys give ABSENT. */
  single(key: string): string | Absent | Unknown {
    const v = this.get(key);
    if (v === ABSENT || v === UNKNOWN) return v;
    return v.length === 1 ? (v[0] as string) : ABSENT;
  }

  private derived(key: string): ContextValue | undefined {
    const p = this.request.principal;
    const anonymous = p.type === 'Anonymous';
    switch (key) {
      case 'aws:principalarn':
        return p.identityArn ? [p.identityArn] : anonymous ? ABSENT : undefined;
      case 'aws:principalaccount':
        return p.accountId && p.type !== 'AWSService' ? [p.accountId] : anonymous ? ABSENT : undefined;
      case 'aws:username': {
        if (p.type === 'IAMUser' && p.identityArn)
          return [p.identityArn.slice(p.identityArn.lastIndexOf('/') + 1)];
        return p.type === 'Unknown' || p.type === 'AWSAccount' ? undefined : ABSENT;
      }
      case 'aws:principalservicename':
        return p.type === 'AWSService' && p.serviceName ? [p.serviceName] : undefined;
      case 'aws:resourceaccount':
      case 's3:resourceaccount':
        return this.request.resourceAccountId ? [this.request.resourceAccountId] : undefined;
      default:
        return undefined;
    }
  }
}
