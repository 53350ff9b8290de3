/**
 * parsePolicy: a policy document (object, JSON string, or URL-encoded JSON string as the IAM APIs return
 * it) -> a compiled policy. Everything evaluatePolicy needs is prepared here: lower-cased actions and
 * condition keys, wildcard patterns, CIDRs, numbers, dates, principals. Malformed input throws
 * PolicyParseError naming the policy and the statement; nothing else is ever thrown.
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import type { NamedPolicy } from '../model';
import { compileCondition, type CompiledCondition } from './conditions/evaluate-condition';
import { parseOperator } from './conditions/index';
import { compileArnPattern, compileGlob, encodeWildcards, type ArnPattern, type GlobPattern } from './match';
import { compilePrincipal, type CompiledPrincipal } from './principal';
import { PolicyParseError, type ParsedPolicy, type ParsedStatement, type PolicyEvaluation } from './types';
import { compileTemplate, type Template } from './variables';

export type PolicyVersion = '2012-10-17' | '2008-10-17';

export interface CompiledResource {
  readonly text: string;
  /** Static pattern (no variable). */
  readonly pattern: ArnPattern | null;
  /** Pattern with variables, substituted per evaluation. */
  readonly template: Template | null;
}

export interface CompiledStatement extends ParsedStatement {
  /** "Allow statement 3 (Sid)", for details. */
  readonly label: string;
  /** The Resource / NotResource values formatted once for details. */
  readonly resourceText: string;
  /** Some Resource / NotResource value has a policy variable. */
  readonly resourceVariables: boolean;
  readonly notAction: boolean;
  readonly actions: readonly GlobPattern[];
  readonly actionTexts: readonly string[];
  readonly notResource: boolean;
  readonly resources: readonly CompiledResource[];
  /** null: no Principal / NotPrincipal element. */
  readonly principal: CompiledPrincipal | null;
  readonly notPrincipal: boolean;
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledPolicy extends ParsedPolicy {
  readonly version: PolicyVersion;
  readonly id: string | null;
  readonly statements: readonly CompiledStatement[];
  /** Marks a policy compiled by parsePolicy. */
  readonly compiled: true;
  /** The `policy` field of every PolicyEvaluation of this policy (built once). */
  readonly meta: PolicyEvaluation['policy'];
  /**
   * Per lower-cased action, the statements whose Action / NotAction covers it, in order: filled by the
   * evaluator (evaluate-policy.ts), shared by every policy with the same document.
   */
  readonly byAction: Map<string, ActionEntry>;
}

/**
 * The statements of a compiled document whose Action / NotAction covers one action (evaluate-policy.ts fills it):
 * all of them in policy order, and, built on demand, those that could apply to a resource of one bucket (or, for
 * other ARNs, one name before the first "/").
 */
export interface ActionEntry {
  readonly all: readonly CompiledStatement[];
  /** Evaluations of the list on the fast path, counted until it is indexed. */
  uses: number;
  /** null until the list is long enough and used often enough to be worth indexing. */
  byScope: Map<string, readonly CompiledStatement[]> | null;
}

interface Body {
  readonly version: PolicyVersion;
  readonly id: string | null;
  readonly statements: readonly CompiledStatement[];
  readonly byAction: Map<string, ActionEntry>;
}

const SOURCE_LABEL: Readonly<Record<NamedPolicy['source'], string>> = {
  'identity-inline': 'inline policy',
  'identity-managed': 'managed policy',
  'group-inline': 'group inline policy',
  'group-managed': 'group managed policy',
  'permissions-boundary': 'permissions boundary',
  session: 'session policy',
  'bucket-policy': 'bucket policy of',
  'access-point-policy': 'access point policy of',
  'vpc-endpoint-policy': 'VPC endpoint policy of',
  scp: 'SCP',
  rcp: 'RCP',
  'kms-key-policy': 'key policy of',
};

/** "bucket policy of my-bucket", "managed policy ReadOnly" … for messages. */
export function policyLabel(p: Pick<NamedPolicy, 'name' | 'arn' | 'source'>): string {
  const label = Object.hasOwn(SOURCE_LABEL, p.source) ? SOURCE_LABEL[p.source] : 'policy';
  const name = p.name || p.arn || '(unnamed)';
  return `${label} ${name}`;
}

class Failure {
  constructor(
    readonly message: string,
    readonly statement: number | null,
    readonly sid: string | null,
  ) {}
}

const TOP_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function decodeDocument(doc: unknown): unknown {
  if (typeof doc !== 'string') return doc;
  let text = doc.trim();
  if (text.startsWith('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw new Failure('the document is not valid URL-encoded JSON', null, null);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Failure(`the document is not valid JSON (${(e as Error).message})`, null, null);
  }
}

function stringList(v: unknown, element: string, allowEmpty: boolean): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (!allowEmpty && list.length === 0) throw `${element} must not be empty`;
  for (const item of list) if (typeof item !== 'string') throw `${element} values must be strings`;
  return list as string[];
}

function conditionValues(v: unknown, where: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw `Condition ${where} values must be strings, numbers or booleans`;
  });
}

interface ConditionEntry {
  readonly operatorText: string;
  readonly spec: Exclude<ReturnType<typeof parseOperator>, string>;
  readonly key: string;
  readonly values: readonly string[];
}

/** Checks the Condition element (every error a parse error) and lists its operator, key and values in order. */
function conditionEntries(v: unknown): ConditionEntry[] {
  if (!isObject(v)) throw 'Condition must be an object of operators';
  const out: ConditionEntry[] = [];
  for (const [operatorText, block] of Object.entries(v)) {
    const spec = parseOperator(operatorText);
    if (typeof spec === 'string') throw `Condition has an ${spec}`;
    if (!isObject(block)) throw `Condition ${operatorText} must be an object of condition keys`;
    for (const [key, raw] of Object.entries(block)) {
      if (key.trim() === '') throw `Condition ${operatorText} has an empty key`;
      const values = conditionValues(raw, `${operatorText} ${key}`);
      if (spec.op.presence)
        for (const value of values)
          if (!/^(true|false)$/i.test(value.trim())) throw `Condition Null ${key} must be "true" or "false"`;
      out.push({ operatorText, spec, key, values });
    }
  }
  return out;
}

function compileResource(text: string, variables: boolean): CompiledResource {
  const t = compileTemplate(text, variables, true);
  if (t.parts === null) return { text, pattern: compileArnPattern(t.value as string, true), template: null };
  return { text, pattern: null, template: t };
}

/**
 * Compiled statements by statement object: a policy patched by a fix (one statement replaced or added, the
 * others the same objects) compiles only what changed. The compiled form depends on the statement, its
 * position (index, label) and the policy version (variables), so a hit must match both.
 */
let cachesOn = true;
/** Whether the compile caches are on (off only inside withoutCompileCaches). */
export const compileCachesOn = (): boolean => cachesOn;

const byStatement = new WeakMap<
  object,
  { readonly version: PolicyVersion; readonly compiled: CompiledStatement }
>();

function compileStatement(raw: unknown, index: number, version: PolicyVersion): CompiledStatement {
  if (!isObject(raw)) throw new Failure('a statement must be an object', index, null);
  const hit = cachesOn ? byStatement.get(raw) : undefined;
  if (hit !== undefined && hit.compiled.index === index && hit.version === version) return hit.compiled;
  const sid = typeof raw.Sid === 'string' ? raw.Sid : null;
  try {
    const compiled = compileStatementBody(raw, index, sid, version);
    if (cachesOn) byStatement.set(raw, { version, compiled });
    return compiled;
  } catch (e) {
    if (typeof e === 'string') throw new Failure(e, index, sid);
    throw e;
  }
}

/**
 * Runs `fn` with every compile cache of this module off (by NamedPolicy, by document, by statement): each
 * parsePolicy compiles from scratch. For the tests that prove the caches change nothing.
 */
export function withoutCompileCaches<T>(fn: () => T): T {
  const previous = cachesOn;
  cachesOn = false;
  try {
    return fn();
  } finally {
    cachesOn = previous;
  }
}

const NO_CONDITIONS: readonly CompiledCondition[] = Object.freeze([]);

/**
 * A compiled statement. Everything that can be wrong with the statement is found when it is compiled (a parse
 * error names it), but its Resource patterns and its conditions are compiled on first read: most statements of a
 * policy are for other actions than the ones evaluated, and are never read past their Action (issue 15).
 * Compiling them later gives the same objects as compiling them at once (compileResource and compileCondition
 * never throw).
 */
class Statement implements CompiledStatement {
  readonly label: string;
  readonly resourceText: string;
  readonly actions: readonly GlobPattern[];
  private compiledResources: readonly CompiledResource[] | null = null;
  private compiledConditions: readonly CompiledCondition[] | null;
  private hasResourceVariables: boolean | null = null;

  constructor(
    readonly index: number,
    readonly sid: string | null,
    readonly effect: 'Allow' | 'Deny',
    readonly raw: Readonly<Record<string, unknown>>,
    readonly notAction: boolean,
    readonly actionTexts: readonly string[],
    readonly notResource: boolean,
    private readonly resourceTexts: readonly string[],
    readonly principal: CompiledPrincipal | null,
    readonly notPrincipal: boolean,
    private readonly conditionList: readonly ConditionEntry[] | null,
    private readonly variables: boolean,
  ) {
    this.label = `${effect} statement ${index}${sid !== null ? ` (${sid})` : ''}`;
    this.resourceText =
      resourceTexts.length === 1 ? (resourceTexts[0] as string) : `[${resourceTexts.join(', ')}]`;
    this.actions = actionTexts.map((a) => compileGlob(encodeWildcards(a.trim().toLowerCase())));
    this.compiledConditions = conditionList === null ? NO_CONDITIONS : null;
  }

  get resources(): readonly CompiledResource[] {
    let r = this.compiledResources;
    if (r === null) {
      const variables = this.variables;
      r = this.compiledResources = this.resourceTexts.map((t) => compileResource(t, variables));
    }
    return r;
  }

  get resourceVariables(): boolean {
    let v = this.hasResourceVariables;
    if (v === null) v = this.hasResourceVariables = this.resources.some((r) => r.template !== null);
    return v;
  }

  get conditions(): readonly CompiledCondition[] {
    let c = this.compiledConditions;
    if (c === null) {
      const variables = this.variables;
      c = this.compiledConditions = (this.conditionList ?? []).map((e) =>
        compileCondition(e.operatorText, e.spec, e.key, e.values, variables),
      );
    }
    return c;
  }
}

function compileStatementBody(
  raw: Record<string, unknown>,
  index: number,
  sid: string | null,
  version: PolicyVersion,
): CompiledStatement {
  for (const key of Object.keys(raw)) if (!STATEMENT_KEYS.has(key)) throw `unknown element "${key}"`;
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') throw 'Sid must be a string';
  const effect = raw.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') throw 'Effect must be "Allow" or "Deny"';
  if ((raw.Action === undefined) === (raw.NotAction === undefined))
    throw 'exactly one of Action and NotAction is required';
  if ((raw.Resource === undefined) === (raw.NotResource === undefined))
    throw 'exactly one of Resource and NotResource is required';
  if (raw.Principal !== undefined && raw.NotPrincipal !== undefined)
    throw 'Principal and NotPrincipal cannot both be present';
  const variables = version === '2012-10-17';
  const notAction = raw.Action === undefined;
  const actionTexts = stringList(
    notAction ? raw.NotAction : raw.Action,
    notAction ? 'NotAction' : 'Action',
    true,
  );
  const notResource = raw.Resource === undefined;
  const resourceTexts = stringList(
    notResource ? raw.NotResource : raw.Resource,
    notResource ? 'NotResource' : 'Resource',
    true,
  );
  const notPrincipal = raw.NotPrincipal !== undefined;
  const principalRaw = notPrincipal ? raw.NotPrincipal : raw.Principal;
  let principal: CompiledPrincipal | null = null;
  if (principalRaw !== undefined) {
    const p = compilePrincipal(principalRaw);
    if (typeof p === 'string') throw `${notPrincipal ? 'NotPrincipal' : 'Principal'} ${p}`;
    principal = p;
  }
  const conditions = raw.Condition === undefined ? null : conditionEntries(raw.Condition);
  return new Statement(
    index,
    sid,
    effect,
    raw,
    notAction,
    actionTexts,
    notResource,
    resourceTexts,
    principal,
    notPrincipal,
    conditions !== null && conditions.length > 0 ? conditions : null,
    variables,
  );
}

function compileBody(doc: unknown): Body {
  const json = decodeDocument(doc);
  if (!isObject(json)) throw new Failure('the document must be a JSON object', null, null);
  for (const key of Object.keys(json))
    if (!TOP_KEYS.has(key)) throw new Failure(`unknown top-level element "${key}"`, null, null);
  const v = json.Version;
  if (v !== undefined && v !== '2012-10-17' && v !== '2008-10-17')
    throw new Failure('Version must be "2012-10-17" or "2008-10-17"', null, null);
  // Without a Version element the 2008-10-17 rules apply (no policy variables).
  const version: PolicyVersion = v === '2012-10-17' ? '2012-10-17' : '2008-10-17';
  if (json.Id !== undefined && typeof json.Id !== 'string')
    throw new Failure('Id must be a string', null, null);
  if (json.Statement === undefined) throw new Failure('the Statement element is missing', null, null);
  const list = Array.isArray(json.Statement) ? json.Statement : [json.Statement];
  const statements = list.map((s, i) => compileStatement(s, i + 1, version));
  return { version, id: typeof json.Id === 'string' ? json.Id : null, statements, byAction: new Map() };
}

// ---------------------------------------------------------------------------
// Caches: the same NamedPolicy, or the same document (object or string), compiles once.
// ---------------------------------------------------------------------------

const byNamed = new WeakMap<NamedPolicy, CompiledPolicy>();
const byObject = new WeakMap<object, Body>();
const byString = new Map<string, Body>();
const STRING_CACHE_MAX = 2000;

function bodyOf(doc: unknown): Body {
  if (!cachesOn) return compileBody(doc);
  if (typeof doc === 'object' && doc !== null) {
    let b = byObject.get(doc);
    if (b === undefined) {
      b = compileBody(doc);
      byObject.set(doc, b);
    }
    return b;
  }
  if (typeof doc === 'string') {
    let b = byString.get(doc);
    if (b === undefined) {
      b = compileBody(doc);
      if (byString.size >= STRING_CACHE_MAX) {
        const oldest = byString.keys().next();
        if (!oldest.done) byString.delete(oldest.value);
      }
      byString.set(doc, b);
    }
    return b;
  }
  return compileBody(doc);
}

function statementLabel(f: Failure): string {
  if (f.statement === null) return '';
  return `, statement ${f.statement}${f.sid !== null ? ` (Sid "${f.sid}")` : ''}`;
}

/** Parses (and caches) a policy. Throws PolicyParseError, and only that, on malformed input. */
const oneLine = (s: string): string => s.replace(/\s*[\r\n]+\s*/g, ' ');

export function parsePolicy(p: NamedPolicy): ParsedPolicy {
  if (typeof p !== 'object' || p === null)
    throw new PolicyParseError('policy: expected a named policy object', String(p), null);
  const cached = cachesOn ? byNamed.get(p) : undefined;
  if (cached !== undefined) return cached;
  let body: Body;
  try {
    body = bodyOf(p.document);
  } catch (e) {
    const name = policyLabel(p);
    if (e instanceof Failure)
      throw new PolicyParseError(oneLine(`${name}${statementLabel(e)}: ${e.message}`), p.name, e.statement);
    const why = e instanceof Error ? e.message : String(e);
    throw new PolicyParseError(oneLine(`${name}: cannot be parsed (${why})`), p.name, null);
  }
  const meta = { name: p.name, ...(p.arn !== undefined ? { arn: p.arn } : {}), source: p.source };
  const parsed: CompiledPolicy = {
    ...meta,
    meta,
    statements: body.statements,
    version: body.version,
    id: body.id,
    compiled: true,
    byAction: body.byAction,
  };
  if (cachesOn) byNamed.set(p, parsed);
  return parsed;
}

/** The compiled form of a ParsedPolicy (recompiled from the statements' raw JSON if it was built elsewhere). */
const handMade = new WeakMap<ParsedPolicy, CompiledPolicy>();

export function compiledOf(policy: ParsedPolicy): CompiledPolicy {
  if ((policy as Partial<CompiledPolicy>).compiled === true) return policy as CompiledPolicy;
  const hit = handMade.get(policy);
  if (hit !== undefined) return hit;
  const document = { Version: '2012-10-17', Statement: policy.statements.map((s) => s.raw) };
  const compiled = parsePolicy({
    name: policy.name,
    source: policy.source,
    document,
    ...(policy.arn ? { arn: policy.arn } : {}),
  }) as CompiledPolicy;
  handMade.set(policy, compiled);
  return compiled;
}
