/**
 * "What changed, by statement" (issue 13 item 4): a change is blamed only when it added or altered the statement
 * (or the setting) that denies. This module says, for one management event, how it relates to the denying
 * statements of a root cause:
 *
 * - deny mode (the cause names Deny statements): 'added' / 'altered' when the document the change set holds the
 *   statement and the version before it did not / held it differently; 'unchanged' when the statement was already
 *   there as it is, or the change concerned another document; 'unverified' when CloudTrail did not record the
 *   document, or the version before it is older than the window.
 * - no-allow mode (an implicit deny: no statement denies, an Allow is missing): 'removed' when the change removed
 *   or altered a statement, or detached / deleted a policy; 'unchanged' when it only added statements (adding
 *   cannot take access away).
 * - settings: 'setting' when the change turned on the setting that denies (Block Public Access BlockPublicAcls …,
 *   Object Ownership BucketOwnerEnforced, SSE-KMS default encryption, a disabled key); 'unchanged' otherwise.
 *
 * Statement identity: by Sid when it has one, else by content (canonical JSON: key order and formatting do not
 * count). Pure: documents come from the change records and the facts.
 */
import type { ChangeRecord, NamedPolicy, RequestFacts, RootCause, RootCauseId } from '../model';
import { canonical, parseDoc, policyFromChange, statementsOf } from './diff';
import { requestedVersioning } from '../event/versioning';

export type ChangeRelation = 'added' | 'altered' | 'removed' | 'setting' | 'unverified' | 'unchanged';

/** One statement that denies (or, in no-allow mode, a near-miss Allow), as the cause's evidence names it. */
export interface StatementRef {
  /** Sid, or "#<index>" for a statement without one (Evidence.statement). */
  readonly label: string;
  /** The policy name or ARN (Evidence.policy), when given. */
  readonly policy: string | null;
  readonly sid: string | null;
  /** The statement as it is now (from the facts), when found. */
  readonly content: unknown;
  readonly effect: 'Allow' | 'Deny' | null;
}

export interface CauseStatements {
  /** 'unknown': the cause names no statement and may be an explicit or an implicit deny. */
  readonly mode: 'deny' | 'no-allow' | 'unknown';
  /** The Deny statements (deny mode) or the near-miss Allows (no-allow mode) the cause names. */
  readonly refs: readonly StatementRef[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Every policy the facts hold, by the label checkers use in evidence (ARN, else name). */
function factPolicies(facts: RequestFacts): Map<string, NamedPolicy> {
  const out = new Map<string, NamedPolicy>();
  const add = (p: NamedPolicy | null | undefined): void => {
    if (p) out.set(p.arn ?? p.name, p);
  };
  const principal = facts.principal?.status === 'known' ? facts.principal.value : null;
  principal?.identityPolicies.forEach(add);
  add(principal?.permissionsBoundary);
  for (const b of Object.values(facts.buckets))
    if (b.status === 'known' && b.value.policy.status === 'known') add(b.value.policy.value);
  if (facts.vpcEndpoint?.status === 'known') add(facts.vpcEndpoint.value.policy);
  if (facts.accessPoint?.status === 'known' && facts.accessPoint.value.policy.status === 'known')
    add(facts.accessPoint.value.policy.value);
  for (const k of Object.values(facts.kmsKeys))
    if (k.status === 'known' && k.value.keyPolicy.status === 'known') add(k.value.keyPolicy.value);
  for (const levels of [facts.scpLevels, facts.rcpLevels])
    if (levels.status === 'known') for (const l of levels.value ?? []) l.policies.forEach(add);
  if (facts.sessionPolicy?.status === 'known') add(facts.sessionPolicy.value);
  return out;
}

/** The statement `label` ("Sid" or "#index") of a document. */
function statementIn(doc: unknown, label: string): Record<string, unknown> | null {
  const list = statementsOf(doc);
  const index = /^#(\d+)$/.exec(label);
  // "#n" is the statement's 1-based position, as evidence labels it (fix/layers statementLabel, fix/patch statementAt)
  const found = index ? list[Number(index[1]) - 1] : list.find((s) => str(obj(s)['Sid']) === label);
  return found && typeof found === 'object' ? obj(found) : null;
}

/** The statements a root cause names, resolved against the current documents in the facts. */
export function causeStatements(cause: RootCause, facts: RequestFacts): CauseStatements {
  const policies = factPolicies(facts);
  const refs: StatementRef[] = [];
  const seen = new Set<string>();
  for (const e of cause.evidence) {
    if (!e.statement) continue;
    const key = `${e.policy ?? ''}|${e.statement}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const policy = e.policy ? (policies.get(e.policy) ?? null) : null;
    const content = policy ? statementIn(parseDoc(policy.document), e.statement) : null;
    const sid = /^#\d+$/.test(e.statement) ? (content ? str(content['Sid']) : null) : e.statement;
    const effect = str(content?.['Effect']) ?? (/^allows /.test(e.detail) ? 'Allow' : null);
    refs.push({
      label: e.statement,
      policy: e.policy ?? null,
      sid,
      content,
      effect: effect === 'Allow' || effect === 'Deny' ? effect : null,
    });
  }
  // Evidence statements are the matching Denies, except for no-allow causes, which list near-miss Allows.
  const denies = refs.filter((r) => r.effect !== 'Allow');
  if (denies.length > 0) return { mode: 'deny', refs: denies };
  return refs.length > 0 || NO_ALLOW_CAUSES.has(cause.id)
    ? { mode: 'no-allow', refs }
    : { mode: 'unknown', refs };
}

/** Causes that are always an implicit deny: a missing Allow. */
const NO_ALLOW_CAUSES: ReadonlySet<RootCauseId> = new Set([
  'identity-policy-no-allow',
  'resource-arn-mismatch',
  'cross-account-no-bucket-grant',
  'missing-object-no-list',
]);

/** How one statement ref appears in a document: by Sid, else by content. */
function findRef(doc: unknown, ref: StatementRef): Record<string, unknown> | null {
  const list = statementsOf(doc).map(obj);
  if (ref.sid !== null) return list.find((s) => str(s['Sid']) === ref.sid) ?? null;
  if (ref.content !== null) {
    const want = canonical(ref.content);
    return list.find((s) => canonical(s) === want) ?? null;
  }
  return null;
}

const identifiable = (ref: StatementRef): boolean => ref.sid !== null || ref.content !== null;

export interface DocumentVerdict {
  readonly relation: ChangeRelation;
  /** The statements the change added / altered / removed. */
  readonly statements: readonly string[];
}

/**
 * A change that set a policy document: `after` is the document it set (undefined = not recorded, null = removed),
 * `before` the version before it (undefined = not in the window, null = there was none).
 */
export function documentVerdict(cs: CauseStatements, after: unknown, before: unknown): DocumentVerdict {
  if (cs.mode === 'unknown') {
    if (after === undefined || before === undefined) return { relation: 'unverified', statements: [] };
    const same = canonical(statementsOf(after ?? {})) === canonical(statementsOf(before ?? {}));
    return { relation: same ? 'unchanged' : 'unverified', statements: [] };
  }
  if (cs.mode === 'no-allow') {
    if (after === null) return { relation: 'removed', statements: [] };
    if (after === undefined || before === undefined) return { relation: 'unverified', statements: [] };
    const kept = new Set(statementsOf(after).map(canonical));
    const gone = statementsOf(before).flatMap((s, i) =>
      kept.has(canonical(s)) ? [] : [str(obj(s)['Sid']) ?? `#${i}`],
    );
    return gone.length > 0
      ? { relation: 'removed', statements: gone }
      : { relation: 'unchanged', statements: [] };
  }
  // Deny mode: removing a document cannot add a Deny.
  if (after === null) return { relation: 'unchanged', statements: [] };
  if (after === undefined) return { relation: 'unverified', statements: [] };
  const known = cs.refs.filter(identifiable);
  if (known.length === 0) return { relation: 'unverified', statements: [] };
  const added: string[] = [];
  const altered: string[] = [];
  let present = false;
  for (const ref of known) {
    const now = findRef(after, ref);
    if (now === null) continue;
    present = true;
    if (before === undefined) continue;
    const then = before === null ? null : findRef(before, ref);
    if (then === null) added.push(ref.label);
    else if (canonical(then) !== canonical(now)) altered.push(ref.label);
  }
  if (added.length > 0) return { relation: 'added', statements: added };
  if (altered.length > 0) return { relation: 'altered', statements: altered };
  if (present && before === undefined)
    return { relation: 'unverified', statements: known.filter((r) => findRef(after, r)).map((r) => r.label) };
  return { relation: 'unchanged', statements: [] };
}

/** The policy a change event sets, for matching against a statement's policy (name or ARN). */
export function changedPolicyId(c: ChangeRecord): string | null {
  const p = obj(c.record?.['requestParameters']);
  return str(p['policyArn']) ?? str(p['policyName']) ?? str(p['policyId']);
}

/** Does the policy an event names hold the statement ref? (unknown = maybe) */
export function samePolicy(ref: StatementRef, id: string | null, groupName: string | null): boolean {
  if (id === null || ref.policy === null) return true;
  if (ref.policy === id || ref.policy.endsWith(`/${id}`)) return true;
  return groupName !== null && ref.policy === `${groupName}/${id}`;
}

const BPA_SETTINGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;

/** The Block Public Access settings a cause names (in its title, explanation or evidence); empty = not named. */
function bpaSettingsOf(cause: RootCause): string[] {
  const text = [cause.title, cause.explanation, ...cause.evidence.map((e) => e.detail)].join(' ');
  return BPA_SETTINGS.filter((s) => text.includes(s));
}

function truthy(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/**
 * PutBucketEncryption for a blocked SSE-C upload: 'setting' when its rule blocks SSE-C
 * (BlockedEncryptionTypes.EncryptionType ["SSE-C"]), 'unchanged' when it allows it (["NONE"]), 'unverified' when the
 * record does not show the field (https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html).
 */
function sseCBlockVerdict(p: Record<string, unknown>): ChangeRelation {
  const config = obj(p['ServerSideEncryptionConfiguration']);
  const raw = config['Rule'] ?? config['Rules'];
  const rules = (Array.isArray(raw) ? raw : [raw]).map(obj);
  const types = rules.flatMap((r) => {
    const t = obj(r['BlockedEncryptionTypes'])['EncryptionType'];
    return (Array.isArray(t) ? t : [t]).map(str).filter((v): v is string => v !== null);
  });
  if (types.length === 0) return 'unverified';
  return types.some((t) => t.toUpperCase() === 'SSE-C') ? 'setting' : 'unchanged';
}

/** Changes to a setting (not a document): whether it turned on the setting that denies. */
export function settingVerdict(
  cause: RootCause,
  c: ChangeRecord,
  kmsKeyIds: readonly string[],
  errorCode = '',
): ChangeRelation {
  const p = obj(c.record?.['requestParameters']);
  const id: RootCauseId = cause.id;
  if (/PublicAccessBlock$/.test(c.eventName)) {
    if (c.eventName.startsWith('Delete')) return 'unchanged'; // turning Block Public Access off never denies
    const config = obj(p['PublicAccessBlockConfiguration'] ?? p['publicAccessBlock']);
    if (Object.keys(config).length === 0) return 'unverified';
    const named = bpaSettingsOf(cause);
    const turnedOn = BPA_SETTINGS.filter((s) => truthy(config[s]));
    const relevant = named.length > 0 ? turnedOn.filter((s) => named.includes(s)) : turnedOn;
    return relevant.length > 0 ? 'setting' : 'unchanged';
  }
  if (c.eventName === 'PutBucketOwnershipControls') {
    const rule = obj(obj(p['OwnershipControls'])['Rule']);
    const set =
      str(rule['ObjectOwnership']) ?? str(obj(Array.isArray(rule) ? rule[0] : {})['ObjectOwnership']);
    if (set === null) return 'unverified';
    // ACLs disabled (AccessControlListNotSupported) is what BucketOwnerEnforced causes; an object owned by another
    // account is what the other settings allow (enforcing ownership would fix that one).
    const aclsDisabled =
      errorCode === 'AccessControlListNotSupported' || /ACLs are disabled/i.test(cause.title);
    return (set === 'BucketOwnerEnforced') === aclsDisabled ? 'setting' : 'unchanged';
  }
  if (c.eventName === 'PutBucketEncryption' && id === 'sse-c-blocked') return sseCBlockVerdict(p);
  if (c.eventName === 'PutBucketVersioning') {
    // the versioning configuration's MfaDelete: Enabled turned MFA delete on
    const mfa = requestedVersioning(p).mfaDelete;
    if (mfa === null) return 'unverified';
    return mfa === 'Enabled' ? 'setting' : 'unchanged';
  }
  if (c.eventName === 'PutBucketEncryption') {
    const rule = obj(obj(p['ServerSideEncryptionConfiguration'])['Rule']);
    const byDefault = obj(rule['ApplyServerSideEncryptionByDefault']);
    const algorithm = str(byDefault['SSEAlgorithm']);
    if (algorithm === null) return 'unverified';
    if (!algorithm.startsWith('aws:kms')) return 'unchanged';
    const key = str(byDefault['KMSMasterKeyID']);
    if (key === null || kmsKeyIds.length === 0) return 'setting';
    return kmsKeyIds.some((k) => k === key || k.endsWith(`/${key}`) || key.endsWith(`/${k}`))
      ? 'setting'
      : 'unchanged';
  }
  if (c.eventName === 'DisableKey' || c.eventName === 'ScheduleKeyDeletion') return 'setting';
  if (c.eventName === 'RevokeGrant' || c.eventName === 'RetireGrant') return 'removed';
  if (id === 'permissions-boundary' && /^Put(Role|User)PermissionsBoundary$/.test(c.eventName))
    return 'setting';
  if (/^Delete(Role|User)PermissionsBoundary$/.test(c.eventName)) return 'unchanged';
  return 'unverified';
}

/** Events that set no document and no setting but attach, detach, add or remove policies and members. */
export function membershipVerdict(cs: CauseStatements, c: ChangeRecord): ChangeRelation {
  const p = obj(c.record?.['requestParameters']);
  const removes = /^(Detach|Delete|Remove)/.test(c.eventName);
  if (cs.mode === 'unknown') return 'unverified';
  if (cs.mode === 'no-allow') return removes ? 'removed' : 'unchanged';
  if (removes) return 'unchanged'; // taking a policy away never adds a Deny
  const id = str(p['policyArn']) ?? str(p['policyId']);
  if (id !== null) {
    const known = cs.refs.filter((r) => r.policy !== null);
    if (known.length === 0) return 'unverified';
    if (!known.some((r) => samePolicy(r, id, null))) return 'unchanged';
    // Attaching the policy brings its statements in; a new default version may or may not have added this one.
    return c.eventName === 'SetDefaultPolicyVersion' ? 'unverified' : 'added';
  }
  return 'unverified'; // AddUserToGroup: the group's policies are not in the record
}

export { policyFromChange, parseDoc };
