/**
 * Whether a bucket or access point policy is "public" in the sense of S3 Block Public Access.
 *
 * S3 considers a policy public unless every Allow statement grants only to fixed values: a fixed principal
 * (account, user, role, service principal) or a condition that pins a fixed value of one of the keys below,
 * with a non-negated operator and no wildcard. aws:SourceIp counts when it limits access to a set of CIDRs.
 * Sources: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * ("The meaning of public") and the PublicAccessBlockConfiguration API reference
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html).
 */
import type { NamedPolicy } from '../../model';

/** Condition keys whose fixed value makes a grant non-public (lower case). */
const FIXED_KEYS: ReadonlySet<string> = new Set([
  'aws:sourceip',
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  'aws:userid',
  'aws:principalorgid',
  'aws:principalaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
]);

/** Operators that pin values (negated operators, IfExists and ForAllValues do not). */
const FIXING_OPERATORS: ReadonlySet<string> = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
  'ipaddress',
]);

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const hasWildcard = (s: string): boolean => s.includes('*') || s.includes('?');
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function principalIsFixed(principal: unknown): boolean {
  if (principal === undefined) return true; // resource policies always name a principal; nothing to open up
  if (typeof principal === 'string') return !hasWildcard(principal);
  if (!isRecord(principal)) return false;
  for (const values of Object.values(principal)) {
    for (const v of asArray(values)) {
      if (typeof v !== 'string' || hasWildcard(v)) return false;
    }
  }
  return true;
}

function cidrLimits(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return value.length > 0;
  const prefix = Number(value.slice(slash + 1));
  return Number.isInteger(prefix) && prefix > 0; // 0.0.0.0/0 and ::/0 limit nothing
}

function valueIsFixed(key: string, value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || hasWildcard(value)) return false;
  if (key === 'aws:sourceip') return cidrLimits(value);
  return true;
}

/** True when one condition pins a fixed value of a key that S3 accepts as non-public. */
function conditionFixes(condition: unknown): boolean {
  if (!isRecord(condition)) return false;
  for (const [rawOp, block] of Object.entries(condition)) {
    let op = rawOp.toLowerCase();
    if (op.startsWith('foranyvalue:')) op = op.slice('foranyvalue:'.length);
    if (!FIXING_OPERATORS.has(op) || !isRecord(block)) continue;
    for (const [rawKey, values] of Object.entries(block)) {
      const key = rawKey.toLowerCase();
      if (!FIXED_KEYS.has(key)) continue;
      const list = asArray(values);
      if (list.length > 0 && list.every((v) => valueIsFixed(key, v))) return true;
    }
  }
  return false;
}

function statementIsPublic(st: unknown): boolean {
  if (!isRecord(st) || st.Effect !== 'Allow') return false;
  if ('NotPrincipal' in st) return !conditionFixes(st.Condition); // Allow + NotPrincipal grants to everyone else
  if (principalIsFixed(st.Principal)) return false;
  return !conditionFixes(st.Condition);
}

function documentOf(policy: NamedPolicy): Record<string, unknown> | null {
  const doc = policy.document;
  if (typeof doc === 'string') {
    try {
      const parsed: unknown = JSON.parse(doc);
      return isRecord(parsed) ? parsed : null;
    } catch {
      return null; // a malformed document cannot be attached to a bucket, so it grants nothing
    }
  }
  return isRecord(doc) ? doc : null;
}

const cache = new WeakMap<NamedPolicy, boolean>();

/** Whether S3 Block Public Access treats the policy as public (RestrictPublicBuckets, BlockPublicPolicy). */
export function isPublicPolicy(policy: NamedPolicy): boolean {
  const hit = cache.get(policy);
  if (hit !== undefined) return hit;
  const doc = documentOf(policy);
  const result = doc !== null && asArray(doc.Statement).some(statementIsPublic);
  cache.set(policy, result);
  return result;
}
