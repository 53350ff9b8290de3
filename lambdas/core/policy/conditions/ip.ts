/**
 * IpAddress / NotIpAddress: IPv4 and IPv6 addresses against CIDR ranges (a bare address is a /32 or /128).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
 * An IPv4-mapped IPv6 request address (::ffff:a.b.c.d) is compared as IPv4. Different families never match.
 */
import * as ipaddr from 'ipaddr.js';
import { textMemo } from '../../text-memo';
import { INVALID, operator, type ConditionOperator, type Invalid } from './operator';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Addr, number];

/**
 * Policy ranges repeat across statements and policies (office ranges, VPC CIDRs), and patched copies of a policy
 * (fix verification) compile again: parse each text once (bounded cache; a range is never mutated).
 */
export const parseCidr: (v: string) => Range | Invalid = textMemo(8192, parseCidrUncached);

/** parseCidr without the cache (for the tests that prove the cache changes nothing). */
export function parseCidrUncached(v: string): Range | Invalid {
  const t = v.trim();
  try {
    if (t.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(t);
      return [addr, bits];
    }
    const addr = ipaddr.parse(t);
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return INVALID;
  }
}

/** Request addresses repeat across statements and policies: parse each once (bounded cache). */
const requestCache = new Map<string, Addr | Invalid>();
const REQUEST_CACHE_MAX = 4096;

export function parseRequestIp(v: string): Addr | Invalid {
  const hit = requestCache.get(v);
  if (hit !== undefined) return hit;
  let parsed: Addr | Invalid;
  try {
    parsed = ipaddr.isValid(v.trim()) ? ipaddr.process(v.trim()) : INVALID;
  } catch {
    parsed = INVALID;
  }
  if (requestCache.size >= REQUEST_CACHE_MAX) requestCache.clear();
  requestCache.set(v, parsed);
  return parsed;
}

function inRange(a: Addr, r: Range): boolean {
  return a.kind() === r[0].kind() && a.match(r);
}

/** IpAddress's comparison of one request address with one policy range, from their texts (false when either is invalid). */
export function addressInRange(address: string, range: string): boolean {
  const r = parseCidr(range);
  const a = parseRequestIp(address);
  return r !== INVALID && a !== INVALID && inRange(a, r);
}

export const IP_OPERATORS: readonly ConditionOperator[] = [
  operator({
    name: 'IpAddress',
    negated: false,
    wildcards: false,
    relation: ['is in', 'is not in'],
    preparePolicy: parseCidr,
    prepareRequest: parseRequestIp,
    matches: inRange,
  }),
  operator({
    name: 'NotIpAddress',
    negated: true,
    wildcards: false,
    relation: ['is in', 'is not in'],
    preparePolicy: parseCidr,
    prepareRequest: parseRequestIp,
    matches: inRange,
  }),
] as readonly ConditionOperator[];
