/**
 * Which denials `explain` keeps: `--bucket`, `--principal` (an ARN, or a glob with `*` and `?` as in IAM's
 * StringLike), `--since` / `--until` (ISO 8601, or relative to now: `90m`, `24h`, `7d`) and `--error-code`.
 * Each option may be given several times (any of its values matches); different options must all match.
 */
import type { AccessRequest } from '../model';
import { encodeWildcards, globRange } from '../policy/match';

export interface DenialFilter {
  readonly buckets: readonly string[];
  readonly principals: readonly string[];
  readonly since: Date | null;
  readonly until: Date | null;
  readonly errorCodes: readonly string[];
}

export const NO_FILTER: DenialFilter = {
  buckets: [],
  principals: [],
  since: null,
  until: null,
  errorCodes: [],
};

const UNITS: Readonly<Record<string, number>> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

/** An ISO 8601 time, or a duration before `now` (`90m`, `24h`, `7d`, also `s` and `w`); null when neither. */
export function parseTime(text: string, now: Date): Date | null {
  const rel = /^(\d+)\s*([smhdw])$/i.exec(text.trim());
  if (rel) return new Date(now.getTime() - Number(rel[1]) * UNITS[rel[2]!.toLowerCase()]!);
  // ISO 8601 only: a date, or a date and time (Date.parse alone accepts much more).
  if (
    !/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(text.trim())
  )
    return null;
  const t = Date.parse(text.trim());
  return Number.isNaN(t) ? null : new Date(t);
}

function glob(pattern: string, value: string): boolean {
  const p = encodeWildcards(pattern);
  return globRange(p, 0, p.length, value, 0, value.length);
}

/** The principal's names a `--principal` value may match: the session ARN, the IAM identity ARN, the id. */
export function principalNames(request: AccessRequest): string[] {
  const p = request.principal;
  return [p.arn, p.identityArn, p.principalId, p.accountId].filter((s): s is string => !!s);
}

export function isFiltering(f: DenialFilter): boolean {
  return (
    f.buckets.length > 0 ||
    f.principals.length > 0 ||
    f.since !== null ||
    f.until !== null ||
    f.errorCodes.length > 0
  );
}

export function matchesFilter(request: AccessRequest, f: DenialFilter): boolean {
  if (f.buckets.length > 0 && (request.bucket === null || !f.buckets.includes(request.bucket))) return false;
  if (f.errorCodes.length > 0 && !f.errorCodes.includes(request.errorCode)) return false;
  if (f.principals.length > 0) {
    const names = principalNames(request);
    if (!f.principals.some((pattern) => names.some((n) => glob(pattern, n)))) return false;
  }
  if (f.since !== null || f.until !== null) {
    const t = Date.parse(request.eventTime);
    if (Number.isNaN(t)) return false;
    if (f.since !== null && t < f.since.getTime()) return false;
    if (f.until !== null && t > f.until.getTime()) return false;
  }
  return true;
}
