/**
 * Tolerant readers for CloudTrail JSON. CloudTrail shapes vary in the wild (a header recorded as a list,
 * `Host` vs `host`, numbers as floats, empty strings), so every reader accepts `unknown` and never throws.
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const asObject = (v: unknown): JsonObject => (isObject(v) ? v : {});

export const asArray = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/** A string, or the first element of a one-string list (CloudTrail records some headers as `["value"]`). */
export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return null;
}

/** Like `str`, but an empty (or blank) string is null. */
export function text(v: unknown): string | null {
  const s = str(v);
  return s !== null && s.trim() !== '' ? s : null;
}

/** Look a field up by any of `names`, ignoring case (`Host` / `host`, `key` / `Key`). */
export function field(obj: unknown, ...names: string[]): unknown {
  if (!isObject(obj)) return undefined;
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  }
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  for (const k of Object.keys(obj)) {
    if (wanted.has(k.toLowerCase())) return obj[k];
  }
  return undefined;
}

/** `field` narrowed to a non-empty string. */
export const textField = (obj: unknown, ...names: string[]): string | null => text(field(obj, ...names));

/** "true"/"false" (any case) or a boolean; anything else is null. */
export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  const s = str(v);
  if (s === null) return null;
  const lower = s.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return null;
}

/** The partition of a region name: aws-cn for China, aws-us-gov for GovCloud, aws otherwise. */
export function partitionOf(region: string | null): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  if (region?.startsWith('us-iso-')) return 'aws-iso';
  if (region?.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** Unique values, first occurrence order. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
