/**
 * `simulate` warnings (stderr, the simulation still runs): an action that is not in the project's S3
 * action table (lambdas/core/actions: every IAM action an S3 operation needs), and a context value of the
 * wrong type for a known key, which no condition operator of that type would ever match.
 * Key types: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html and
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-policy-keys
 */
import { S3_OPERATIONS } from '../core/actions';
import { parseDate } from '../core/policy/conditions/date';
import { parseRequestIp } from '../core/policy/conditions/ip';
import { parseNumber } from '../core/policy/conditions/numeric';
import { INVALID } from '../core/policy/conditions/operator';

/** Every IAM action of the operation table, lower-cased. */
const KNOWN_ACTIONS: ReadonlySet<string> = new Set(
  Object.values(S3_OPERATIONS).flatMap((s) =>
    [s.action, ...(s.versionAction ? [s.versionAction] : [])].map((a) => a.toLowerCase()),
  ),
);

type KeyType = 'ip' | 'bool' | 'number' | 'date' | 'number-or-date';

/** By lower-cased key; a Map, so that a key named like an Object.prototype member has no type. */
const KEY_TYPES: ReadonlyMap<string, KeyType> = new Map(
  Object.entries({
    'aws:sourceip': 'ip',
    'aws:vpcsourceip': 'ip',
    'aws:securetransport': 'bool',
    'aws:multifactorauthpresent': 'bool',
    'aws:viaawsservice': 'bool',
    'aws:principalisawsservice': 'bool',
    'aws:multifactorauthage': 'number',
    'aws:epochtime': 'number-or-date',
    'aws:currenttime': 'date',
    'aws:tokenissuetime': 'date',
    's3:max-keys': 'number',
    's3:signatureage': 'number',
    's3:object-lock-remaining-retention-days': 'number',
    's3:object-lock-retain-until-date': 'date',
  } satisfies Record<string, KeyType>),
);

const EXPECTED: Record<KeyType, string> = {
  ip: 'an IP address, e.g. 198.51.100.7',
  bool: 'true or false',
  number: 'a number',
  date: 'a date, e.g. 2026-11-20T10:00:00Z',
  'number-or-date': 'a number of seconds since 1970 or a date',
};

function fits(type: KeyType, value: string): boolean {
  switch (type) {
    case 'ip':
      return parseRequestIp(value) !== INVALID;
    case 'bool':
      return /^(true|false)$/i.test(value.trim());
    case 'number':
      return parseNumber(value) !== INVALID;
    case 'date':
      return parseDate(value) !== INVALID;
    case 'number-or-date':
      return parseNumber(value) !== INVALID || parseDate(value) !== INVALID;
  }
}

/** Warnings for one simulation request, each one line (without a prefix). */
export function simulateWarnings(request: {
  action: string;
  context: Readonly<Record<string, string | readonly string[]>>;
}): string[] {
  const out: string[] = [];
  if (/^s3:[A-Za-z0-9]+$/.test(request.action) && !KNOWN_ACTIONS.has(request.action.toLowerCase()))
    out.push(`${request.action} is not an S3 action of the action table (a typo?); simulated as given`);
  for (const [key, raw] of Object.entries(request.context)) {
    const type = KEY_TYPES.get(key.toLowerCase());
    if (!type) continue;
    for (const value of typeof raw === 'string' ? [raw] : raw) {
      if (!fits(type, value))
        out.push(
          `--context ${key}=${JSON.stringify(value)}: ${key} takes ${EXPECTED[type]}; no ${type === 'ip' ? 'IpAddress' : type === 'bool' ? 'Bool' : type === 'date' ? 'Date' : 'Numeric'} condition will match this value`,
        );
    }
  }
  return out;
}
