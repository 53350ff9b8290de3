/**
 * "What changed": tie a root cause to the most recent management event that changed its layer on the
 * denying resource before the denial (issue 9). Pure: the events come from the facts (snapshot
 * `recentChanges` or the live view's CloudTrail LookupEvents).
 */
import type {
  AccessRequest,
  ChangeAttribution,
  ChangeRecord,
  Finding,
  RequestFacts,
  RootCause,
  RootCauseId,
} from '../model';
import { blameTarget, CHANGE_EVENTS, orgPolicyType, TAG_EVENTS, type BlameTarget } from './layers';
import { policyFromChange, statementDiff } from './diff';
import { ownValue } from '../own';
import {
  causeStatements,
  changedPolicyId,
  documentVerdict,
  membershipVerdict,
  samePolicy,
  settingVerdict,
  type CauseStatements,
  type ChangeRelation,
} from './statements';

export { ALL_CHANGE_EVENT_NAMES, CHANGE_EVENTS } from './layers';
export { statementDiff } from './diff';
export { changeRecordFromLookupEvent } from './lookup-event';

export const DEFAULT_CHANGE_WINDOW_DAYS = 7;

export interface ChangeOptions {
  /** How far back before the denial a change may be blamed. */
  readonly windowDays?: number;
}

const paramsOf = (c: ChangeRecord): Readonly<Record<string, unknown>> => {
  const p = c.record?.['requestParameters'];
  return p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
};

const principalOf = (c: ChangeRecord): string | null => {
  const id = c.record?.['userIdentity'] as Record<string, unknown> | undefined;
  const arn = id && typeof id['arn'] === 'string' ? id['arn'] : null;
  return arn ?? c.username;
};

function failed(c: ChangeRecord): boolean {
  const code = c.record?.['errorCode'];
  return typeof code === 'string' && code !== '';
}

function touches(cause: RootCause['id'], c: ChangeRecord, t: BlameTarget): boolean {
  const matcher = ownValue(CHANGE_EVENTS[cause], c.eventName);
  if (!matcher || failed(c)) return false;
  const params = paramsOf(c);
  if (cause === 'scp-deny' || cause === 'rcp-deny') {
    const type = orgPolicyType(params);
    if (type !== null && type !== (cause === 'scp-deny' ? 'scp' : 'rcp')) return false;
  }
  return matcher(c, params, t);
}

/** The tag layers a cause rests on (the evidence layers of fix/abac.ts and fix/resource-tags.ts). */
const tagLayers = (cause: RootCause): (keyof typeof TAG_EVENTS)[] =>
  cause.evidence.flatMap((e) => (e.layer === 'bucket-abac' || e.layer === 'resource-tags' ? [e.layer] : []));

/** A tag or ABAC change to the resource, when the cause rests on its tags. */
function touchesTags(cause: RootCause, c: ChangeRecord, t: BlameTarget): boolean {
  if (failed(c)) return false;
  return tagLayers(cause).some(
    (layer) => ownValue(TAG_EVENTS[layer], c.eventName)?.(c, paramsOf(c), t) === true,
  );
}

/** PutBucketAbac: the status it set ('Enabled' / 'Disabled'), null when the record does not tell. */
function abacStatusSet(c: ChangeRecord): string | null {
  const m = /"Status"\s*:\s*"(Enabled|Disabled)"/.exec(JSON.stringify(paramsOf(c)));
  return m?.[1] ?? null;
}

function describeTarget(c: ChangeRecord): string {
  const p = paramsOf(c);
  for (const k of [
    'bucketName',
    'roleName',
    'userName',
    'groupName',
    'policyArn',
    'keyId',
    'name',
    'policyId',
    'resourceArn',
    'ResourceArn',
  ]) {
    if (typeof p[k] === 'string') return `${p[k]}`;
  }
  const vpce = (p['ModifyVpcEndpointRequest'] as Record<string, unknown> | undefined)?.['VpcEndpointId'];
  if (typeof vpce === 'string') return vpce;
  return (
    c.resources
      .map((r) => r.name)
      .filter(Boolean)
      .join(', ') || 'the account'
  );
}

/** Events that set (or delete) a policy document, and the key of the document they set. */
function documentStream(c: ChangeRecord): string | null {
  const p = paramsOf(c);
  const s = (k: string): string => (typeof p[k] === 'string' ? (p[k] as string) : '');
  switch (c.eventName) {
    case 'PutBucketPolicy':
    case 'DeleteBucketPolicy':
      return `bucket|${s('bucketName')}`;
    case 'PutRolePolicy':
    case 'DeleteRolePolicy':
      return `role|${s('roleName')}|${s('policyName')}`;
    case 'PutUserPolicy':
    case 'DeleteUserPolicy':
      return `user|${s('userName')}|${s('policyName')}`;
    case 'PutGroupPolicy':
    case 'DeleteGroupPolicy':
      return `group|${s('groupName')}|${s('policyName')}`;
    case 'CreatePolicyVersion':
      return `managed|${s('policyArn')}`;
    case 'PutKeyPolicy':
      return `key|${s('keyId')}`;
    case 'ModifyVpcEndpoint':
      return `vpce|${describeTarget(c)}`;
    case 'PutAccessPointPolicy':
    case 'DeleteAccessPointPolicy':
      return `ap|${s('name')}`;
    case 'UpdatePolicy':
      return `org|${s('policyId')}`;
    default:
      return null;
  }
}

const SETTING_EVENT =
  /PublicAccessBlock$|^PutBucketOwnershipControls$|^PutBucketEncryption$|^PutBucketVersioning$|^DisableKey$|^ScheduleKeyDeletion$|^RevokeGrant$|^RetireGrant$|PermissionsBoundary$/;
const MEMBERSHIP_EVENT =
  /^(Attach|Detach)(Role|User|Group)?Policy$|^(AddUserToGroup|RemoveUserFromGroup|SetDefaultPolicyVersion)$/;

interface Verdict {
  readonly relation: ChangeRelation;
  readonly statements: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
}

/** How one relevant change relates to what denies. `earlier` are the relevant changes before it, oldest first. */
function verdictOf(
  cause: RootCause,
  cs: CauseStatements,
  c: ChangeRecord,
  earlier: readonly ChangeRecord[],
  target: BlameTarget,
  errorCode: string,
): Verdict {
  if (SETTING_EVENT.test(c.eventName))
    return { relation: settingVerdict(cause, c, target.kmsKeyIds, errorCode), statements: [] };
  // ABAC turned off on a tagged bucket is what the bucket-abac cause says; turning it on never removed access
  if (c.eventName === 'PutBucketAbac') {
    const status = abacStatusSet(c);
    return {
      relation: status === null ? 'unverified' : status === 'Disabled' ? 'setting' : 'unchanged',
      statements: [],
    };
  }
  // A bucket policy or ACL change behind a Block Public Access or ACL cause: the setting, not a statement, denies.
  if (cause.id === 'block-public-access' || cause.id === 'object-ownership-acl')
    return { relation: 'unverified', statements: [] };
  const stream = documentStream(c);
  if (stream !== null) {
    const id = changedPolicyId(c);
    const group = typeof paramsOf(c)['groupName'] === 'string' ? (paramsOf(c)['groupName'] as string) : null;
    const scoped =
      cs.mode === 'deny' &&
      /^(Put|Delete)(Role|User|Group)Policy$|^CreatePolicyVersion$|^UpdatePolicy$/.test(c.eventName)
        ? { ...cs, refs: cs.refs.filter((r) => samePolicy(r, id, group)) }
        : cs;
    if (cs.mode === 'deny' && scoped.refs.length === 0) return { relation: 'unchanged', statements: [] };
    const after = c.eventName.startsWith('Delete') ? null : policyFromChange(c);
    const previous = [...earlier].reverse().find((e) => documentStream(e) === stream);
    const before = previous
      ? previous.eventName.startsWith('Delete')
        ? null
        : policyFromChange(previous)
      : undefined;
    return { ...documentVerdict(scoped, after, before), before, after };
  }
  if (MEMBERSHIP_EVENT.test(c.eventName)) return { relation: membershipVerdict(cs, c), statements: [] };
  return { relation: 'unverified', statements: [] };
}

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

function settingWords(c: ChangeRecord): string {
  if (/PublicAccessBlock$/.test(c.eventName))
    return 'it turned on the Block Public Access setting that denies';
  if (c.eventName === 'PutBucketOwnershipControls') return 'it set the Object Ownership that denies';
  if (c.eventName === 'PutBucketEncryption') return 'it made SSE-KMS the default encryption';
  if (c.eventName === 'DisableKey') return 'it disabled the KMS key';
  if (c.eventName === 'ScheduleKeyDeletion') return 'it scheduled the KMS key for deletion';
  if (c.eventName === 'PutBucketAbac')
    return 'it disabled ABAC on the bucket, so its tags no longer take part';
  return 'it set the permissions boundary';
}

function relationWords(v: Verdict, c: ChangeRecord, cs: CauseStatements): string {
  switch (v.relation) {
    case 'added':
      return `: it added statement${v.statements.length > 1 ? 's' : ''} ${quoted(v.statements)}`;
    case 'altered':
      return `: it changed statement${v.statements.length > 1 ? 's' : ''} ${quoted(v.statements)}`;
    case 'removed':
      return v.statements.length > 0
        ? `: it removed access (statement${v.statements.length > 1 ? 's' : ''} ${quoted(v.statements)} removed or narrowed)`
        : '; it removed access';
    case 'setting':
      return `: ${settingWords(c)}`;
    default: {
      if (v.after === undefined && documentStream(c) !== null && !c.eventName.startsWith('Delete'))
        return ' (CloudTrail did not record the document it set, so whether it added the denying statement is not known)';
      if (v.statements.length > 0)
        return `; the policy it set contains ${quoted(v.statements)} (no earlier version in the window to compare with)`;
      if (cs.mode === 'deny' && cs.refs.length > 0)
        return ` (whether it added ${quoted(cs.refs.map((r) => r.label))} is not known from the record)`;
      return '';
    }
  }
}

export interface ChangeVerdict {
  readonly change: ChangeAttribution | null;
  /** Set when no change is blamed: why (e.g. the denying statement predates every change in the window). */
  readonly note?: string;
}

/**
 * The change that started this cause: the most recent change before the denial, within the window, that touched
 * the cause's layer and resource AND added or altered the statement (or setting) that denies — or, for an implicit
 * deny, removed an Allow. Changes whose documents CloudTrail did not record are named as "may have started".
 * When every change found left the denying statement as it was, none is blamed and the note says so.
 */
export function explainChange(
  cause: RootCause,
  request: AccessRequest,
  facts: RequestFacts,
  changes: readonly ChangeRecord[],
  opts: ChangeOptions = {},
): ChangeVerdict {
  const deniedAt = Date.parse(request.eventTime);
  if (Number.isNaN(deniedAt)) return { change: null };
  const windowDays = opts.windowDays ?? DEFAULT_CHANGE_WINDOW_DAYS;
  const windowMs = windowDays * 86_400_000;
  const target = blameTarget(request, facts);
  // Every recorded change to the layer before the denial; only those in the window may be blamed, but an older
  // one still tells what the document was before (a snapshot may carry more history than the window).
  const history = [...changes]
    .filter((c) => {
      const t = Date.parse(c.eventTime);
      return (
        !Number.isNaN(t) && t <= deniedAt && (touches(cause.id, c, target) || touchesTags(cause, c, target))
      );
    })
    .sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  const first = history.findIndex((c) => Date.parse(c.eventTime) >= deniedAt - windowMs);
  const cs = causeStatements(cause, facts);
  const cleared: ChangeRecord[] = [];
  for (let i = history.length - 1; first >= 0 && i >= first; i--) {
    const c = history[i]!;
    const v = verdictOf(cause, cs, c, history.slice(0, i), target, request.errorCode);
    if (v.relation === 'unchanged') {
      cleared.push(c);
      continue;
    }
    return { change: attribution(c, v, cs) };
  }
  if (Object.keys(CHANGE_EVENTS[cause.id]).length === 0) return { change: null };
  return {
    change: null,
    note: `${predatesNote(cs, cleared, windowDays)}${AWS_DEFAULT_CHANGES[cause.id] ?? ''}`,
  };
}

/**
 * Settings AWS itself changed, with no event in the account's history: said when no recorded change is blamed.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-s3-c-encryption-setting-faq.html
 */
const AWS_DEFAULT_CHANGES: Partial<Record<RootCauseId, string>> = {
  'sse-c-blocked':
    ". AWS itself blocked SSE-C from April 2026 on every new general purpose bucket, and on the existing buckets of accounts that held no SSE-C object, without a PutBucketEncryption in the account's history: code that always sent SSE-C headers fails on such buckets from their first upload",
};

function attribution(c: ChangeRecord, v: Verdict, cs: CauseStatements): ChangeAttribution {
  const who = principalOf(c);
  const what = describeTarget(c);
  let diff: string | undefined;
  if (v.after !== undefined && v.after !== null) diff = statementDiff(v.before ?? null, v.after);
  else if (v.after === null && v.before !== undefined && v.before !== null)
    diff = statementDiff(v.before, null);
  const relation = v.relation === 'unchanged' ? 'unverified' : v.relation;
  const lead = relation === 'unverified' ? 'may have started' : 'started';
  return {
    eventId: c.eventId,
    eventName: c.eventName,
    eventTime: c.eventTime,
    principal: who,
    summary: `${lead} after ${who ?? 'an unknown principal'} ran ${c.eventName} on ${what} at ${c.eventTime}${relationWords(v, c, cs)}`,
    ...(diff ? { diff } : {}),
    relation,
    ...(v.statements.length > 0 ? { statements: v.statements } : {}),
  };
}

function predatesNote(cs: CauseStatements, cleared: readonly ChangeRecord[], windowDays: number): string {
  const named = cs.mode === 'deny' && cs.refs.length > 0;
  const plural = named && cs.refs.length > 1;
  const what = named
    ? `the denying statement${plural ? 's' : ''} ${quoted(cs.refs.map((r) => r.label))}`
    : cs.mode === 'no-allow'
      ? 'the missing Allow'
      : 'what denies';
  if (cleared.length === 0)
    return `no change to this layer was found in the last ${windowDays} days: ${what} predate${plural ? '' : 's'} the window`;
  const listed = cleared
    .slice(0, 3)
    .map((c) => `${c.eventName} by ${principalOf(c) ?? 'an unknown principal'} at ${c.eventTime}`)
    .join('; ');
  const more = cleared.length > 3 ? ` and ${cleared.length - 3} more` : '';
  const didNot = named
    ? `add or alter ${plural ? 'them' : 'it'}`
    : cs.mode === 'no-allow'
      ? 'remove or narrow an Allow'
      : 'change it';
  return `${what} predate${plural ? '' : 's'} every change found in the last ${windowDays} days (${listed}${more} did not ${didNot})`;
}

/** The change that started this cause, or null (see explainChange for the reason when null). */
export function attributeChange(
  cause: RootCause,
  request: AccessRequest,
  facts: RequestFacts,
  changes: readonly ChangeRecord[],
  opts: ChangeOptions = {},
): ChangeAttribution | null {
  return explainChange(cause, request, facts, changes, opts).change;
}

/** Fills `change` (and, when none is blamed, `changeNote`) on every root cause and records the history check. */
export function attachChanges(
  finding: Finding,
  request: AccessRequest,
  facts: RequestFacts,
  opts: ChangeOptions = {},
): Finding {
  const windowDays = opts.windowDays ?? DEFAULT_CHANGE_WINDOW_DAYS;
  const history = facts.recentChanges;
  if (history.status !== 'known') {
    return {
      ...finding,
      changeLookup: {
        status: 'unknown',
        windowDays,
        detail: history.detail ?? `change history ${history.reason}`,
      },
    };
  }
  return {
    ...finding,
    rootCauses: finding.rootCauses.map((c) => {
      const { change, note } = explainChange(c, request, facts, history.value, opts);
      const { changeNote: _old, ...rest } = c;
      return { ...rest, change, ...(change === null && note ? { changeNote: note } : {}) };
    }),
    changeLookup: { status: 'checked', windowDays },
  };
}

/** One CloudTrail LookupEvents search: a resource name, in the account and region whose history records it. */
export interface ChangeTarget {
  readonly name: string;
  /** null = the auditor's own account. */
  readonly accountId: string | null;
  readonly region: string;
}

/** IAM and Organizations are global services: CloudTrail records their events in us-east-1. */
const GLOBAL_EVENTS_REGION = 'us-east-1';

/**
 * Where to look for the change behind each root cause of this finding: LookupEvents filters by one resource name
 * per call, and returns only the history of the account (and region) it is called in, so each name comes with the
 * account that owns the layer (the bucket's, the caller's, the endpoint's, the key's) and the region that records
 * it (us-east-1 for IAM; the request's region otherwise). Only the layers that denied are searched.
 */
export function changeLookupTargets(
  finding: Finding,
  request: AccessRequest,
  facts: RequestFacts,
): ChangeTarget[] {
  const t = blameTarget(request, facts);
  const bucketAccount = request.bucketAccountId;
  const callerAccount = request.principal.accountId;
  const out = new Map<string, ChangeTarget>();
  const add = (name: string | null, accountId: string | null, region: string): void => {
    if (name) out.set(`${accountId ?? ''}|${region}|${name}`, { name, accountId, region });
  };
  const identity = (): void => {
    add(t.principalName, callerAccount, GLOBAL_EVENTS_REGION);
    t.groups.forEach((g) => add(g, callerAccount, GLOBAL_EVENTS_REGION));
    t.policyArns.forEach((a) => add(a, callerAccount, GLOBAL_EVENTS_REGION));
  };
  for (const c of finding.rootCauses) {
    switch (c.id) {
      // the bucket's own changes; with them, the settings that refuse on their own (PutBucketRequestPayment, Object
      // Lock, PutBucketEncryption) and the bucket policy's grant to a service (layers.ts CHANGE_EVENTS)
      case 'bucket-policy-explicit-deny':
      case 'cross-account-no-bucket-grant':
      case 'block-public-access':
      case 'object-ownership-acl':
      case 'requester-pays':
      case 'object-lock':
      case 'sse-c-blocked':
      case 'mfa-delete':
      case 'service-principal-grant':
        add(t.bucket, bucketAccount, request.region);
        break;
      case 'identity-policy-explicit-deny':
      case 'identity-policy-no-allow':
      case 'resource-arn-mismatch':
        identity();
        // a cause that rests on resource tags: the tag / ABAC changes of that resource (TAG_EVENTS)
        if (tagLayers(c).length > 0) {
          if (t.accessPointArn !== null)
            add(t.accessPointArn, t.accessPointArn.split(':')[4] ?? bucketAccount, request.region);
          else add(t.bucket, bucketAccount, request.region);
        }
        break;
      case 'missing-object-no-list':
        identity();
        add(t.bucket, bucketAccount, request.region);
        break;
      case 'permissions-boundary':
        add(t.principalName, callerAccount, GLOBAL_EVENTS_REGION);
        add(t.boundaryArn, callerAccount, GLOBAL_EVENTS_REGION);
        break;
      case 'vpc-endpoint-policy':
        add(t.vpcEndpointId, request.vpcEndpointAccountId ?? callerAccount, request.region);
        break;
      case 'kms-key-access':
        for (const k of t.kmsKeyIds) {
          if (k.startsWith('arn:')) continue;
          const owner = t.kmsKeyIds.find((a) => a.startsWith('arn:') && a.endsWith(`/${k}`))?.split(':')[4];
          add(k, owner ?? bucketAccount, request.region);
        }
        add(t.bucket, bucketAccount, request.region);
        break;
      case 'access-point-policy':
        add(t.accessPointName, request.accessPointArn?.split(':')[4] ?? bucketAccount, request.region);
        break;
      default:
        break;
    }
  }
  return [...out.values()];
}
