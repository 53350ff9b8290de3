/**
 * AWS's own access-denied message, parsed. Phrases: docs/reference/ENHANCED-MESSAGES.md, from
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html and
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
 *
 * Format: `User: <arn> is not authorized to perform: <action> [on resource: <arn>] <context>`.
 */
import type { EnhancedMessage, EnhancedPolicyType } from '../model';

/** CloudTrail caps `errorMessage` at 1 KB; a message this long is taken as cut. */
const CLOUDTRAIL_MESSAGE_CAP_BYTES = 1024;
const NEAR_CAP_BYTES = CLOUDTRAIL_MESSAGE_CAP_BYTES - 4;

/** Policy-type phrases, longest first, with the spellings seen in AWS text. */
const POLICY_TYPES: readonly [RegExp, EnhancedPolicyType][] = [
  [/^identity[- ]based polic(?:y|ies)/i, 'identity-based policy'],
  [/^resource[- ]based polic(?:y|ies)/i, 'resource-based policy'],
  [/^service control polic(?:y|ies)/i, 'service control policy'],
  [/^resource control polic(?:y|ies)/i, 'resource control policy'],
  [/^VPC endpoint polic(?:y|ies)/i, 'VPC endpoint policy'],
  [/^permissions? boundar(?:y|ies)(?: polic(?:y|ies))?/i, 'permissions boundary'],
  [/^sessions? polic(?:y|ies)/i, 'session policy'],
  [/^(?:role )?trust polic(?:y|ies)/i, 'role trust policy'],
];

const HEAD = /^\s*User:\s*(\S+)\s+is not authorized to perform:\s*(\S+)/i;
const EXPLICIT = /\bwith an explicit deny in (?:an? |the )?/i;
const IMPLICIT = /\bbecause no /i;
const TRANSITIVE = /^\s*transitively through (?:an? |the )?/i;
const POLICY_ARN_SUFFIX = /^\s*:\s*(arn:[^\s"]+)/;
const BPA_ACLS = /public ACLs are prevented by the BlockPublicAcls setting/i;
const BPA_POLICY = /public policies are prevented by the BlockPublicPolicy setting/i;
const VPCE_NETWORK = /denied due to a VPC endpoint policy/i;
/**
 * S3's message for an SSE-C upload to a bucket that blocks SSE-C: "… because this bucket has blocked upload requests
 * that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side
 * encryption type" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html, "Access
 * denied due to Blocked Encryption Type").
 */
const SSE_C_BLOCKED =
  /blocked upload requests that specify server[- ]side encryption with customer[- ]provided keys/i;
/**
 * S3's message for a version delete or versioning change on a bucket with MFA delete, without the bucket owner's root
 * user's MFA: "Mfa Authentication must be used for this request" (https://repost.aws/knowledge-center/s3-bucket-mfa-delete).
 */
const MFA_DELETE = /\bmfa authentication must be used for this request\b/i;
const GENERIC = /^\s*access denied\.?\s*$/i;

export function parseEnhancedMessage(errorCode: string, errorMessage: string | null): EnhancedMessage {
  const raw = errorMessage ?? '';
  const base = emptyMessage(raw);
  if (raw.trim() === '') return { ...base, kind: errorCode === 'VpceAccessDenied' ? 'vpce' : 'generic' };
  if (GENERIC.test(raw)) return { ...base, kind: 'generic' };
  if (VPCE_NETWORK.test(raw)) return { ...base, kind: 'vpce', policyType: 'VPC endpoint policy' };

  const head = HEAD.exec(raw);
  if (!head) return { ...base, ...settingMessage(raw), truncated: isNearCap(raw) };
  const rest = raw.slice(head[0].length);
  const resource = parseResource(rest);
  const parsed = {
    ...base,
    principalArn: head[1] ?? null,
    action: trimPunctuation(head[2] ?? '') || null,
    resource: resource.value,
  };
  const { incomplete, ...reason } = parseReason(resource.rest);
  return { ...parsed, ...reason, truncated: isNearCap(raw) || resource.unterminated || incomplete };
}

function emptyMessage(raw: string): EnhancedMessage {
  return {
    raw,
    kind: 'other',
    principalArn: null,
    action: null,
    resource: null,
    policyType: null,
    policyArn: null,
    transitiveThrough: null,
    bpaSetting: null,
    truncated: false,
  };
}

const isNearCap = (raw: string): boolean => new TextEncoder().encode(raw).length >= NEAR_CAP_BYTES;

/** `on resource: "arn…"` (S3 quotes it), `on resource: arn…`, or absent (S3 implicit denies often omit it). */
function parseResource(rest: string): { value: string | null; rest: string; unterminated: boolean } {
  const m = /^\s*on resource:\s*/i.exec(rest);
  if (!m) return { value: null, rest, unterminated: false };
  const after = rest.slice(m[0].length);
  if (after.startsWith('"')) {
    const end = after.indexOf('"', 1);
    if (end < 0) return { value: after.slice(1) || null, rest: '', unterminated: true };
    return { value: after.slice(1, end), rest: after.slice(end + 1), unterminated: false };
  }
  const token = /^\S+/.exec(after)?.[0] ?? '';
  return { value: trimPunctuation(token) || null, rest: after.slice(token.length), unterminated: false };
}

type Reason = Pick<
  EnhancedMessage,
  'kind' | 'policyType' | 'policyArn' | 'transitiveThrough' | 'bpaSetting'
> & { incomplete: boolean };

function parseReason(rest: string): Reason {
  const none: Reason = {
    kind: 'other',
    policyType: null,
    policyArn: null,
    transitiveThrough: null,
    bpaSetting: null,
    incomplete: false,
  };
  const setting = settingMessage(rest);
  if (setting.kind !== 'other') return { ...none, ...setting };
  const explicit = EXPLICIT.exec(rest);
  if (explicit)
    return {
      ...none,
      kind: 'explicit-deny',
      ...policyPhrase(rest.slice(explicit.index + explicit[0].length)),
    };
  const implicit = IMPLICIT.exec(rest);
  if (implicit)
    return {
      ...none,
      kind: 'implicit-deny',
      ...policyPhrase(rest.slice(implicit.index + implicit[0].length)),
    };
  // A reason that starts but matches no phrase was cut off.
  return { ...none, incomplete: /\b(because|with)\b/i.test(rest) };
}

/** `<policy type>[: <arn>][ transitively through a <policy type>[: <arn>]]`. */
function policyPhrase(
  text: string,
): Pick<Reason, 'policyType' | 'policyArn' | 'transitiveThrough' | 'incomplete'> {
  const first = matchPolicyType(text);
  if (!first) return { policyType: null, policyArn: null, transitiveThrough: null, incomplete: true };
  let rest = text.slice(first.length);
  let policyArn = arnSuffix(rest);
  if (policyArn) rest = rest.replace(POLICY_ARN_SUFFIX, '');
  let transitiveThrough: EnhancedPolicyType | null = null;
  const transitive = TRANSITIVE.exec(rest);
  if (transitive) {
    const through = matchPolicyType(rest.slice(transitive[0].length));
    transitiveThrough = through?.type ?? null;
    if (through) policyArn ??= arnSuffix(rest.slice(transitive[0].length + through.length));
  }
  // Implicit denies may put the ARN after the sentence ("… allows the s3:GetObject action: arn:…").
  policyArn ??= trailingArn(rest);
  return {
    policyType: first.type,
    policyArn,
    transitiveThrough,
    incomplete: transitive !== null && !transitiveThrough,
  };
}

function matchPolicyType(text: string): { type: EnhancedPolicyType; length: number } | null {
  for (const [pattern, type] of POLICY_TYPES) {
    const m = pattern.exec(text);
    if (m) return { type, length: m[0].length };
  }
  return null;
}

const arnSuffix = (text: string): string | null => {
  const arn = POLICY_ARN_SUFFIX.exec(text)?.[1];
  return arn ? trimPunctuation(arn) : null;
};

const trailingArn = (text: string): string | null => {
  const arn = /:\s*(arn:[^\s"]+)\s*$/.exec(text)?.[1];
  return arn ? trimPunctuation(arn) : null;
};

/** A bucket setting's own message: Block Public Access, blocked SSE-C uploads, or MFA delete. */
function settingMessage(text: string): Pick<EnhancedMessage, 'kind' | 'bpaSetting'> {
  if (BPA_ACLS.test(text)) return { kind: 'bpa', bpaSetting: 'BlockPublicAcls' };
  if (BPA_POLICY.test(text)) return { kind: 'bpa', bpaSetting: 'BlockPublicPolicy' };
  if (SSE_C_BLOCKED.test(text)) return { kind: 'sse-c-blocked', bpaSetting: null };
  if (MFA_DELETE.test(text)) return { kind: 'mfa-delete', bpaSetting: null };
  return { kind: 'other', bpaSetting: null };
}

/** Drop sentence punctuation that trails a token (`s3:GetObject.`, `arn….`). */
const trimPunctuation = (token: string): string => token.replace(/[.,;"]+$/, '');
