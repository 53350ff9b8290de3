/**
 * Date condition operators: ISO 8601 dates / date-times, or epoch seconds.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
 * ("you must specify a date value that conforms to the W3C implementation of the ISO 8601 date formats
 * … or in epoch (UNIX) time"). A date-time without a zone is read as UTC. Unparsable values never match.
 */
import { comparisons, INVALID, type ConditionOperator, type Invalid } from './operator';

const EPOCH = /^\s*-?\d+(\.\d+)?\s*$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Milliseconds since the epoch, or INVALID. */
export function parseDate(v: string): number | Invalid {
  if (EPOCH.test(v)) return Number(v) * 1000;
  const m = ISO.exec(v.trim());
  if (m === null) return INVALID;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const ms = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number((frac + '000').slice(0, 3)),
  );
  if (Number.isNaN(ms) || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31)
    return INVALID;
  if (zone === undefined || zone === 'Z' || zone === 'z') return ms;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  return ms - sign * offset * 60_000;
}

const date = comparisons(parseDate);

export const DATE_OPERATORS: readonly ConditionOperator[] = [
  date('DateEquals', false, ['equals', 'does not equal'], (r, p) => r === p),
  date('DateNotEquals', true, ['equals', 'does not equal'], (r, p) => r === p),
  date('DateLessThan', false, ['is before', 'is not before'], (r, p) => r < p),
  date('DateLessThanEquals', false, ['is at or before', 'is not at or before'], (r, p) => r <= p),
  date('DateGreaterThan', false, ['is after', 'is not after'], (r, p) => r > p),
  date('DateGreaterThanEquals', false, ['is at or after', 'is not at or after'], (r, p) => r >= p),
] as readonly ConditionOperator[];
