/**
 * Minimal policy patches: the statement to add, or the statement to change, scoped to this principal,
 * action and resource. Pure JSON manipulation; the engine decides whether a patch works (./verify).
 */
import type { NamedPolicy } from '../model';

export type Json = Record<string, unknown>;

export interface PolicyDoc {
  Version: string;
  Statement: Json[];
  [k: string]: unknown;
}

/** A policy document as an object: accepts objects, JSON strings and URL-encoded JSON strings. */
export function policyDocument(doc: unknown): PolicyDoc {
  let value: unknown = doc;
  if (typeof value === 'string') {
    const text =
      value.trim().startsWith('%7B') || value.trim().startsWith('%7b') ? decodeURIComponent(value) : value;
    try {
      value = JSON.parse(text);
    } catch {
      value = {};
    }
  }
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
  const raw = obj['Statement'];
  const statements = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return {
    ...obj,
    Version: typeof obj['Version'] === 'string' ? obj['Version'] : '2012-10-17',
    Statement: statements.map((s) => ({ ...(s as Json) })),
  };
}

const emptyDoc = (): PolicyDoc => ({ Version: '2012-10-17', Statement: [] });

/** A statement id from free text: letters and digits only, as IAM requires for Sids. */
export function sidFor(...parts: string[]): string {
  return parts
    .join(' ')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : ''))
    .join('')
    .slice(0, 100);
}

export interface AllowSpec {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** For resource policies: the principal ARN to name. */
  readonly principalArn?: string;
  readonly condition?: Json;
}

export function allowStatement(spec: AllowSpec): Json {
  const one = <T>(xs: readonly T[]): T | readonly T[] => (xs.length === 1 ? xs[0]! : xs);
  return {
    Sid: spec.sid,
    Effect: 'Allow',
    ...(spec.principalArn ? { Principal: { AWS: spec.principalArn } } : {}),
    Action: one(spec.actions),
    Resource: one(spec.resources),
    ...(spec.condition ? { Condition: spec.condition } : {}),
  };
}

/** A policy with one more statement (a new policy when `policy` is null). */
export function withStatement(
  policy: NamedPolicy | null,
  statement: Json,
  fallback: Omit<NamedPolicy, 'document'>,
): NamedPolicy {
  const doc = policy ? policyDocument(policy.document) : emptyDoc();
  return { ...(policy ?? fallback), document: { ...doc, Statement: [...doc.Statement, statement] } };
}

/** A policy with statement number `index` (1-based) replaced. */
export function withReplacedStatement(policy: NamedPolicy, index: number, statement: Json): NamedPolicy {
  const doc = policyDocument(policy.document);
  const list = doc.Statement.map((s, i) => (i === index - 1 ? statement : s));
  return { ...policy, document: { ...doc, Statement: list } };
}

export function statementAt(policy: NamedPolicy, index: number): Json | null {
  return policyDocument(policy.document).Statement[index - 1] ?? null;
}

/**
 * The Deny statement, changed to exempt one principal: adds (or extends) an
 * `ArnNotEquals {"aws:PrincipalArn": ...}` condition. Other principals stay denied.
 */
export function exemptPrincipal(statement: Json, principalArn: string): Json {
  const condition: Record<string, Json> = {};
  const existing = statement['Condition'];
  if (existing && typeof existing === 'object') {
    for (const [op, block] of Object.entries(existing as Json)) condition[op] = { ...(block as Json) };
  }
  const op = Object.keys(condition).find((k) => k.toLowerCase() === 'arnnotequals') ?? 'ArnNotEquals';
  const block = condition[op] ?? {};
  const key = Object.keys(block).find((k) => k.toLowerCase() === 'aws:principalarn') ?? 'aws:PrincipalArn';
  const prior = block[key];
  const values = prior === undefined ? [] : Array.isArray(prior) ? (prior as unknown[]) : [prior];
  const next = values.includes(principalArn) ? values : [...values, principalArn];
  condition[op] = { ...block, [key]: next.length === 1 ? next[0] : next };
  return { ...statement, Condition: condition };
}

/** A statement with more resources added to its Resource element. */
export function withResources(statement: Json, add: readonly string[]): Json {
  const prior = statement['Resource'];
  const list = prior === undefined ? [] : Array.isArray(prior) ? [...(prior as unknown[])] : [prior];
  for (const r of add) if (!list.includes(r)) list.push(r);
  return { ...statement, Resource: list.length === 1 ? list[0] : list };
}

/** The role or user name of an IAM ARN (the last path segment). */
export function iamName(arn: string | null): string | null {
  if (!arn) return null;
  const m = /^arn:[^:]+:iam::\d{12}:(?:role|user|group)\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? m[1]! : null;
}

export function iamKind(arn: string | null): 'role' | 'user' | 'root' | null {
  if (!arn) return null;
  if (/:root$/.test(arn)) return 'root';
  const m = /^arn:[^:]+:iam::\d{12}:(role|user)\//.exec(arn);
  return m ? (m[1] as 'role' | 'user') : null;
}

/** The bucket ARN and the object ARN pattern of a bucket. */
export const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;

/** A policy without statement number `index` (1-based). */
export function withoutStatement(policy: NamedPolicy, index: number): NamedPolicy {
  const doc = policyDocument(policy.document);
  return { ...policy, document: { ...doc, Statement: doc.Statement.filter((_, i) => i !== index - 1) } };
}

/**
 * The statement without the given actions, or null when an action is only matched through a wildcard
 * (then the statement cannot be narrowed by removing a listed action).
 */
export function withoutActions(statement: Json, actions: readonly string[]): Json | null {
  const raw = statement['Action'];
  if (raw === undefined) return null;
  const list = (Array.isArray(raw) ? raw : [raw]).filter((a): a is string => typeof a === 'string');
  const lower = actions.map((a) => a.toLowerCase());
  const kept = list.filter((a) => !lower.includes(a.toLowerCase()));
  if (kept.length === list.length || kept.length === 0) return null;
  return { ...statement, Action: kept.length === 1 ? kept[0] : kept };
}
