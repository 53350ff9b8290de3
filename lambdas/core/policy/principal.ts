/**
 * Principal / NotPrincipal: compiled at parse time, matched against the caller.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 *  - "*" and {"AWS": "*"} match everyone, anonymous callers included;
 *  - an account id or "arn:aws:iam::ACCT:root" matches every principal of that account (kind 'account':
 *    it delegates to that account's IAM);
 *  - a role ARN matches the role's sessions (identityArn), a user ARN the user (kind 'identity');
 *  - an assumed-role session ARN (and a federated-user ARN) matches only that session (kind 'session');
 *  - Service matches the calling AWS service; CanonicalUser the canonical id of the caller's account;
 *  - Federated (web identity / SAML providers) only appears in role trust policies: never matches here;
 *  - a unique id (AIDA…/AROA…, what a policy shows after the named identity was deleted) matches only the
 *    identity with that id (aws:userid), i.e. practically never.
 * IAM user and role names are not distinguished by case
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), so user/role ARNs
 * compare case-insensitively; session ARNs compare exactly.
 *
 * NotPrincipal (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html):
 * AWS "might validate the account first, then the role, and then the assumed-role user", so the caller
 * is excluded only when its account AND its user / role / session are all listed (the root user: its
 * account is enough; a service: its name; anonymous: only "*").
 */
import type { EnginePrincipal, StatementTrace, Tri } from './types';
import type { ContextView } from './variables';

export type PrincipalMatchKind = NonNullable<StatementTrace['principalMatchKind']>;

type EntryKind =
  | 'wildcard'
  | 'account'
  | 'iam'
  | 'session'
  | 'service'
  | 'canonical'
  | 'federated'
  | 'uniqueId'
  | 'oai'
  | 'other';

export interface PrincipalEntry {
  readonly kind: EntryKind;
  /** As written (display). */
  readonly value: string;
  /** Comparison form: lower-cased for iam/service, account id for account, as written otherwise. */
  readonly match: string;
  /** The account the ARN names, when it names one. */
  readonly account: string | null;
}

export interface CompiledPrincipal {
  readonly entries: readonly PrincipalEntry[];
  /** "*" | {"AWS": "*"} present. */
  readonly wildcard: boolean;
  /** The entries as written, formatted once for details. */
  readonly listedText: string;
}

const ACCOUNT_ID = /^\d{12}$/;
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/;
const IAM_ARN = /^arn:[a-z-]+:iam::(\d{12}):(root|user\/.+|role\/.+)$/;
const STS_ARN = /^arn:[a-z-]+:sts::(\d{12}):(assumed-role\/[^/]+\/.+|federated-user\/.+)$/;
/**
 * A CloudFront origin access identity as a bucket policy names it
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html).
 */
const OAI_ARN = /^arn:[a-z-]+:iam::cloudfront:user\/CloudFront Origin Access Identity \S+$/i;

function awsEntry(value: string): PrincipalEntry {
  const v = value.trim();
  if (v === '*') return { kind: 'wildcard', value, match: '*', account: null };
  if (ACCOUNT_ID.test(v)) return { kind: 'account', value, match: v, account: v };
  const iam = IAM_ARN.exec(v);
  if (iam !== null) {
    const account = iam[1] as string;
    if (iam[2] === 'root') return { kind: 'account', value, match: account, account };
    return { kind: 'iam', value, match: v.toLowerCase(), account };
  }
  const sts = STS_ARN.exec(v);
  if (sts !== null) return { kind: 'session', value, match: v, account: sts[1] as string };
  if (UNIQUE_ID.test(v)) return { kind: 'uniqueId', value, match: v, account: null };
  if (OAI_ARN.test(v)) return { kind: 'oai', value, match: v, account: null };
  return { kind: 'other', value, match: v, account: null };
}

const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

/** Compiles a Principal / NotPrincipal value; a string is the error. */
export function compilePrincipal(value: unknown): CompiledPrincipal | string {
  if (value === '*')
    return {
      entries: [{ kind: 'wildcard', value: '*', match: '*', account: null }],
      wildcard: true,
      listedText: '*',
    };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'must be "*" or an object such as {"AWS": [...]}';
  const entries: PrincipalEntry[] = [];
  for (const [type, raw] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type))
      return `has an unknown principal type "${type}" (AWS, Service, Federated, CanonicalUser)`;
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) return `has an empty ${type} list`;
    for (const item of list) {
      if (typeof item !== 'string') return `${type} values must be strings`;
      if (type === 'AWS') entries.push(awsEntry(item));
      else if (type === 'Service')
        entries.push({ kind: 'service', value: item, match: item.trim().toLowerCase(), account: null });
      else if (type === 'CanonicalUser')
        entries.push({ kind: 'canonical', value: item, match: item.trim(), account: null });
      else entries.push({ kind: 'federated', value: item, match: item, account: null });
    }
  }
  if (entries.length === 0) return 'names no principal';
  const values = entries.map((e) => e.value);
  const listedText = values.length === 1 ? (values[0] as string) : `[${values.join(', ')}]`;
  return { entries, wildcard: entries.some((e) => e.kind === 'wildcard'), listedText };
}

const RANK: Readonly<Record<PrincipalMatchKind, number>> = {
  session: 6,
  identity: 5,
  service: 4,
  wildcard: 3,
  canonical: 2,
  account: 1,
};

function entryKind(kind: EntryKind): PrincipalMatchKind | null {
  switch (kind) {
    case 'wildcard':
    case 'account':
    case 'session':
    case 'service':
    case 'canonical':
      return kind;
    case 'iam':
    case 'uniqueId':
    case 'oai':
      return 'identity';
    default:
      return null;
  }
}

const isPerson = (p: EnginePrincipal): boolean => p.type !== 'Anonymous' && p.type !== 'AWSService';

/** Does one entry name the caller? */
export function entryMatches(e: PrincipalEntry, p: EnginePrincipal, ctx: ContextView | null): Tri {
  switch (e.kind) {
    case 'wildcard':
      return true;
    case 'account':
      if (!isPerson(p)) return false;
      return p.accountId === null ? 'unknown' : p.accountId === e.match;
    case 'iam':
      if (!isPerson(p)) return false;
      if (p.identityArn !== null) return p.identityArn.toLowerCase() === e.match;
      return p.accountId !== null && p.accountId !== e.account ? false : 'unknown';
    case 'session':
      if (!isPerson(p)) return false;
      if (p.arn !== null) return p.arn === e.match;
      return p.accountId !== null && p.accountId !== e.account ? false : 'unknown';
    case 'service':
      // an origin access identity is not the cloudfront.amazonaws.com service principal
      if (p.type !== 'AWSService' || p.originAccessIdentity === true) return false;
      return p.serviceName ? p.serviceName.toLowerCase() === e.match : 'unknown';
    case 'oai':
      // CloudTrail does not record which origin access identity asked
      return p.originAccessIdentity === true ? 'unknown' : false;
    case 'canonical':
      // an origin access identity also has a canonical user id, which the record does not give
      if (p.originAccessIdentity === true) return 'unknown';
      if (!isPerson(p)) return false;
      return p.canonicalId ? p.canonicalId === e.match : 'unknown';
    case 'uniqueId': {
      if (!isPerson(p) || ctx === null) return false;
      const id = ctx.single('aws:userid');
      if (typeof id !== 'string') return false;
      const colon = id.indexOf(':');
      return (colon < 0 ? id : id.slice(0, colon)) === e.match;
    }
    default:
      return false;
  }
}

export interface PrincipalResult {
  readonly matched: Tri;
  readonly kind?: PrincipalMatchKind;
  /** The entry that matched, as written. */
  readonly entry?: string;
  readonly not: boolean;
}

const NO_MATCH: PrincipalResult = { matched: false, not: false };
const MAYBE: PrincipalResult = { matched: 'unknown', not: false };
const EXCLUDED: PrincipalResult = { matched: false, not: true };
const MAYBE_EXCLUDED: PrincipalResult = { matched: 'unknown', not: true };
const NOT_EXCLUDED: PrincipalResult = { matched: true, not: true };

function callerName(p: EnginePrincipal): string {
  if (p.type === 'Anonymous') return 'the anonymous caller';
  if (p.type === 'AWSService')
    return p.originAccessIdentity === true
      ? 'a CloudFront origin access identity'
      : (p.serviceName ?? 'the calling AWS service');
  return p.arn ?? p.identityArn ?? (p.accountId ? `a principal of account ${p.accountId}` : 'the caller');
}

/** One line on the principal test, built only when a detail is read. */
export function principalDetail(cp: CompiledPrincipal, r: PrincipalResult, p: EnginePrincipal): string {
  const caller = callerName(p);
  if (r.not) {
    if (r.matched === false) return `NotPrincipal ${cp.listedText} excludes ${caller}`;
    if (r.matched === 'unknown') return `cannot tell whether NotPrincipal excludes ${caller}`;
    return `NotPrincipal ${cp.listedText} does not exclude ${caller} (its account and its own ARN must both be listed)`;
  }
  if (r.matched === true)
    return `principal ${r.entry ?? cp.listedText} names ${caller} (${r.kind ?? 'match'})`;
  if (r.matched === 'unknown') return `cannot tell whether the principal names ${caller}`;
  return `principal ${cp.listedText} does not name ${caller}`;
}

/** Principal element: does any entry name the caller? The most specific matching entry gives the kind. */
export function matchPrincipal(
  cp: CompiledPrincipal,
  p: EnginePrincipal,
  ctx: ContextView | null,
): PrincipalResult {
  let best: PrincipalEntry | null = null;
  let bestKind: PrincipalMatchKind | null = null;
  let unknown = false;
  for (const e of cp.entries) {
    const m = entryMatches(e, p, ctx);
    if (m === 'unknown') unknown = true;
    if (m !== true) continue;
    const k = entryKind(e.kind);
    if (k !== null && (bestKind === null || RANK[k] > RANK[bestKind])) {
      best = e;
      bestKind = k;
    }
  }
  if (best !== null && bestKind !== null)
    return { matched: true, kind: bestKind, entry: best.value, not: false };
  return unknown ? MAYBE : NO_MATCH;
}

function anyOf(
  cp: CompiledPrincipal,
  kinds: readonly EntryKind[],
  p: EnginePrincipal,
  ctx: ContextView | null,
): Tri {
  let result: Tri = false;
  for (const e of cp.entries) {
    if (!kinds.includes(e.kind)) continue;
    const m = entryMatches(e, p, ctx);
    if (m === true) return true;
    if (m === 'unknown') result = 'unknown';
  }
  return result;
}

/** NotPrincipal: is the caller excluded (then the statement does not apply)? */
export function notPrincipalExcludes(
  cp: CompiledPrincipal,
  p: EnginePrincipal,
  ctx: ContextView | null,
): Tri {
  if (cp.wildcard) return true;
  if (p.type === 'Anonymous') return false;
  if (p.type === 'AWSService')
    return anyOf(cp, p.originAccessIdentity === true ? ['oai', 'canonical'] : ['service'], p, ctx);
  const account = anyOf(cp, ['account', 'canonical'], p, ctx);
  if (p.type === 'Root') return account;
  const self = anyOf(cp, ['iam', 'session', 'uniqueId'], p, ctx);
  if (account === false || self === false) return false;
  return account === true && self === true ? true : 'unknown';
}

/** NotPrincipal as a statement test: the statement applies unless the caller is excluded. */
export function matchNotPrincipal(
  cp: CompiledPrincipal,
  p: EnginePrincipal,
  ctx: ContextView | null,
): PrincipalResult {
  const excluded = notPrincipalExcludes(cp, p, ctx);
  return excluded === true ? EXCLUDED : excluded === 'unknown' ? MAYBE_EXCLUDED : NOT_EXCLUDED;
}
