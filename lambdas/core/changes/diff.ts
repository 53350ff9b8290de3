/** Statement-level diff of two policy documents, for "what changed" (issue 9). */
import type { ChangeRecord } from '../model';

/** A policy document: an object, or JSON text (possibly URL-encoded, as IAM returns it). undefined = unreadable. */
export function parseDoc(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  for (const text of [v, safeDecode(v)]) {
    try {
      return JSON.parse(text);
    } catch {
      /* try the next form */
    }
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The policy document a change event set, when CloudTrail recorded it; null when it removed the policy. */
export function policyFromChange(c: ChangeRecord): unknown {
  const p = (c.record?.['requestParameters'] ?? {}) as Record<string, unknown>;
  if (/^Delete.*Policy$/.test(c.eventName)) return null;
  const vpce = p['ModifyVpcEndpointRequest'] as Record<string, unknown> | undefined;
  const raw =
    p['bucketPolicy'] ??
    p['policyDocument'] ??
    p['policy'] ??
    p['content'] ??
    vpce?.['PolicyDocument'] ??
    p['PolicyDocument'];
  return raw === undefined ? undefined : parseDoc(raw);
}

/** Canonical JSON: object keys sorted, so key order and formatting do not count. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The Statement list of a document (a single statement object counts as a list of one). */
export function statementsOf(doc: unknown): unknown[] {
  if (!doc || typeof doc !== 'object') return [];
  const s = (doc as Record<string, unknown>)['Statement'];
  return Array.isArray(s) ? s : s === undefined ? [] : [s];
}

/**
 * `- <statement>` for each statement removed and `+ <statement>` for each added (compared as canonical JSON,
 * so key order and formatting do not count). `before` null = there was no policy.
 */
export function statementDiff(before: unknown, after: unknown): string {
  const b = new Map(statementsOf(before).map((s) => [canonical(s), s]));
  const a = new Map(statementsOf(after).map((s) => [canonical(s), s]));
  const lines: string[] = [];
  for (const [k, s] of b) if (!a.has(k)) lines.push(`- ${JSON.stringify(s)}`);
  for (const [k, s] of a) if (!b.has(k)) lines.push(`+ ${JSON.stringify(s)}`);
  return lines.join('\n');
}
