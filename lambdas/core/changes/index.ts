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
} from '../model';
import { blameTarget, CHANGE_EVENTS, orgPolicyType, type BlameTarget } from './layers';
import { policyFromChange, statementDiff } from './diff';

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
  const matcher = CHANGE_EVENTS[cause][c.eventName];
  if (!matcher || failed(c)) return false;
  const params = paramsOf(c);
  if (cause === 'scp-deny' || cause === 'rcp-deny') {
    const type = orgPolicyType(params);
    if (type !== null && type !== (cause === 'scp-deny' ? 'scp' : 'rcp')) return false;
  }
  return matcher(c, params, t);
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

/** The most recent change before the denial, within the window, that touched this cause's layer and resource. */
export function attributeChange(
  cause: RootCause,
  request: AccessRequest,
  facts: RequestFacts,
  changes: readonly ChangeRecord[],
  opts: ChangeOptions = {},
): ChangeAttribution | null {
  const deniedAt = Date.parse(request.eventTime);
  if (Number.isNaN(deniedAt)) return null;
  const windowMs = (opts.windowDays ?? DEFAULT_CHANGE_WINDOW_DAYS) * 86_400_000;
  const target = blameTarget(request, facts);
  const ordered = [...changes]
    .filter((c) => {
      const t = Date.parse(c.eventTime);
      return !Number.isNaN(t) && t <= deniedAt && t >= deniedAt - windowMs;
    })
    .sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  const relevant = ordered.filter((c) => touches(cause.id, c, target));
  const change = relevant.at(-1);
  if (!change) return null;

  const who = principalOf(change);
  const what = describeTarget(change);
  const after = policyFromChange(change);
  const previous = relevant
    .slice(0, -1)
    .reverse()
    .find((c) => c.eventName === change.eventName && describeTarget(c) === what);
  const before = previous ? policyFromChange(previous) : undefined;
  let diff: string | undefined;
  let detail = '';
  if (after !== undefined && before !== undefined) {
    diff = statementDiff(before, after);
  } else if (after !== undefined) {
    const sids = cause.evidence.map((e) => e.statement).filter((s): s is string => !!s);
    const present = sids.filter((s) => JSON.stringify(after).includes(`"${s}"`));
    if (present.length > 0)
      detail = `; the policy it set contains ${present.map((s) => `"${s}"`).join(', ')}`;
    diff = statementDiff(null, after);
  } else if (/^Delete|^Detach|^Remove|^Revoke|^Retire|^Disable|^Schedule/.test(change.eventName)) {
    detail = '; it removed access';
  }
  return {
    eventId: change.eventId,
    eventName: change.eventName,
    eventTime: change.eventTime,
    principal: who,
    summary: `started after ${who ?? 'an unknown principal'} ran ${change.eventName} on ${what} at ${change.eventTime}${detail}`,
    ...(diff ? { diff } : {}),
  };
}

/** Fills `change` on every root cause and records whether the change history was checked. */
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
    rootCauses: finding.rootCauses.map((c) => ({
      ...c,
      change: attributeChange(c, request, facts, history.value, opts),
    })),
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
      case 'bucket-policy-explicit-deny':
      case 'cross-account-no-bucket-grant':
      case 'block-public-access':
      case 'object-ownership-acl':
        add(t.bucket, bucketAccount, request.region);
        break;
      case 'identity-policy-explicit-deny':
      case 'identity-policy-no-allow':
      case 'resource-arn-mismatch':
        identity();
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
