/**
 * Key redaction (REDACT_KEYS=true): object keys can hold personal data (user ids, file names), so
 * alerts may carry a stable hash instead. The same key always gives the same token, so repeated
 * alerts about one object can still be matched.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../core/model';

/** Keys shorter than this are only replaced where they appear as "bucket/key" or as the key field. */
const MIN_FREE_TEXT_KEY = 6;

export function keyToken(key: string): string {
  return `key-sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

function replaceDeep(value: unknown, replace: (s: string) => string): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, replace));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, replace)]));
  }
  return value;
}

/** The finding with its object key replaced by a hash everywhere it appears. */
export function redactFinding(finding: Finding): Finding {
  const key = finding.request.key;
  if (key === null || key === '') return finding;
  const token = keyToken(key);
  const bucket = finding.request.bucket;
  const replace = (s: string): string => {
    let out = bucket ? s.split(`${bucket}/${key}`).join(`${bucket}/${token}`) : s;
    if (key.length >= MIN_FREE_TEXT_KEY) out = out.split(key).join(token);
    return out;
  };
  const redacted = replaceDeep(finding, replace) as Finding;
  return { ...redacted, request: { ...redacted.request, key: token } };
}
