/**
 * Reading a snapshot file: JSON, then the zod schema. Any problem becomes one `SnapshotError` whose message
 * names the file and the JSON path of the first problem, e.g.
 * `snap.json: buckets.my-bucket.ownershipControls.Rules[0].ObjectOwnership: expected one of …`.
 */
import type { z } from 'zod';
import { snapshotSchema, type Snapshot } from './schema';

export class SnapshotError extends Error {
  constructor(
    message: string,
    readonly source: string,
    readonly path: string | null,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

const PLAIN_KEY = /^[A-Za-z0-9_$:/@+-]+$/;

/** `["buckets", "my-bucket", "Rules", 0]` -> `buckets.my-bucket.Rules[0]`; odd keys are quoted: `buckets["a.b"]`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      if (PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out === '' ? '(top level)' : out;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

/** One line for one zod issue, in our own words. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const got = describeValue(valueAt(input, issue.path));
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected === 'record' ? 'object' : issue.expected;
      return got === 'nothing' ? `required ${expected} is missing` : `expected ${expected}, got ${got}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}, got ${got}`;
    case 'invalid_union':
      return `unexpected value ${got}`;
    default:
      return issue.message;
  }
}

/** Parses and validates a snapshot. Throws SnapshotError (one line) for anything unusable. */
export function loadSnapshot(text: string, source: string): Snapshot {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new SnapshotError(
      `${source}: not valid JSON (${err instanceof Error ? err.message : String(err)})`,
      source,
      null,
    );
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SnapshotError(
      `${source}: a snapshot must be a JSON object, got ${describeValue(json)}`,
      source,
      null,
    );
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue === undefined) throw new SnapshotError(`${source}: not a valid snapshot`, source, null);
    const path = formatJsonPath(issue.path);
    throw new SnapshotError(`${source}: ${path}: ${describeIssue(issue, json)}`, source, path);
  }
  return parsed.data;
}
