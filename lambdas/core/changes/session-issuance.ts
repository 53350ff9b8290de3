/**
 * Session policies (issue 13 item 3): a session policy is passed when the session is created (AssumeRole,
 * AssumeRoleWithSAML, AssumeRoleWithWebIdentity, GetFederationToken: `Policy` and/or `PolicyArns`) and no API
 * returns it afterwards; the CloudTrail event that issued the session's credentials is the only record of it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 *
 * Pure: which session a request ran under (and when it was created), and what the issuing event says about its
 * session policy. The live adapter finds the event (lambdas/adapters/changes/cloudtrail-lookup.ts) and reads the
 * managed session policies; this module never fetches.
 */
import type { AccessRequest, NamedPolicy } from '../model';
import { parseDoc } from './diff';

export const SESSION_ISSUING_EVENTS: readonly string[] = [
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'GetFederationToken',
];

/** Role sessions last at most 12 hours, federation tokens 36 hours (STS API reference, DurationSeconds). */
const MAX_ROLE_SESSION_MS = 12 * 3_600_000;
const MAX_FEDERATION_SESSION_MS = 36 * 3_600_000;

export interface SessionRef {
  /** The temporary access key id (ASIA…) the request was signed with. */
  readonly accessKeyId: string;
  /** The account whose CloudTrail records the issuing event: the role's (or the federating user's) account. */
  readonly accountId: string;
  readonly kind: 'role' | 'federated';
  /** The role ARN (issuing events list the role in their resources); null for federated users. */
  readonly roleArn: string | null;
  /** userIdentity.sessionContext.attributes.creationDate, when recorded. */
  readonly createdAt: Date | null;
  /** Earliest and latest time the issuing event can have. */
  readonly from: Date;
  readonly to: Date;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Five minutes either side of the recorded creation time: the issuing event's eventTime is that second. */
const CREATION_SLACK_MS = 5 * 60_000;

/**
 * The session behind a request, when the record names it well enough to find its issuing event: temporary
 * credentials (ASIA…), a role session or a federated user, an account. null otherwise (with no session at all,
 * the caller is not a session; without an ASIA key there is nothing to look up).
 */
export function sessionOf(request: AccessRequest): SessionRef | null {
  const p = request.principal;
  const key = p.accessKeyId;
  if (key === null || !key.startsWith('ASIA') || p.accountId === null) return null;
  const role = p.type === 'AssumedRole' || /:assumed-role\//.test(p.arn ?? '');
  const federated = p.type === 'FederatedUser' || /:federated-user\//.test(p.arn ?? '');
  if (!role && !federated) return null;
  const attributes = obj(obj(obj(request.raw['userIdentity'])['sessionContext'])['attributes']);
  const created = Date.parse(str(attributes['creationDate']) ?? '');
  const at = Date.parse(request.eventTime);
  if (Number.isNaN(at)) return null;
  const createdAt = Number.isNaN(created) ? null : new Date(created);
  const longest = federated ? MAX_FEDERATION_SESSION_MS : MAX_ROLE_SESSION_MS;
  return {
    accessKeyId: key,
    accountId: p.accountId,
    kind: role ? 'role' : 'federated',
    roleArn: role ? p.identityArn : null,
    createdAt,
    from: new Date(createdAt ? created - CREATION_SLACK_MS : at - longest),
    to: new Date(createdAt ? Math.min(created + CREATION_SLACK_MS, at) : at),
  };
}

/**
 * The Region of the IAM Identity Center instance that provisioned a permission-set role, from the role's path:
 * `role/aws-reserved/sso.amazonaws.com/REGION/AWSReservedSSO_…` (no Region segment for us-east-1). The session of such
 * a role is created by Identity Center's own AssumeRoleWithSAML call, so its issuing event is searched in that Region
 * too. A place to look, never a fact: the event found is still matched on its access key id. null for other roles.
 */
export function identityCenterRegion(roleArn: string | null): string | null {
  if (roleArn === null) return null;
  const m = /:role\/aws-reserved\/sso\.amazonaws\.com\/(?:([a-z]{2}(?:-[a-z]+)+-\d+)\/)?AWSReservedSSO_/.exec(
    roleArn,
  );
  return m === null ? null : (m[1] ?? 'us-east-1');
}

/** What an issuing event records about the session policy. */
export type InlineSessionPolicy =
  | { readonly status: 'none' }
  | { readonly status: 'document'; readonly document: unknown }
  | { readonly status: 'unreadable'; readonly detail: string };

/**
 * The session tags an issuing event records (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_ctlogs):
 * AssumeRole's and GetFederationToken's `tags` ([{key, value}]), AssumeRoleWithSAML's and
 * AssumeRoleWithWebIdentity's `principalTags` ({key: value}), and `incomingTransitiveTags` ({key: value}), the
 * transitive tags a chained session inherits. 'known' with none of them: the session has no session tags.
 */
export type SessionTagsRecord =
  | { readonly status: 'known'; readonly tags: Readonly<Record<string, string>> }
  | { readonly status: 'unreadable'; readonly detail: string };

export interface SessionIssuance {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: string;
  readonly region: string | null;
  readonly accessKeyId: string;
  readonly policy: InlineSessionPolicy;
  /** Managed session policies (PolicyArns), to read with iam:GetPolicy / GetPolicyVersion. */
  readonly policyArns: readonly string[];
  /** The session's own tags (not its role's). */
  readonly tags: SessionTagsRecord;
}

/** The credentials an issuing event handed out (responseElements.credentials.accessKeyId). */
export function issuedAccessKey(record: Readonly<Record<string, unknown>>): string | null {
  return str(obj(obj(record['responseElements'])['credentials'])['accessKeyId']);
}

const REDACTED = /^HIDDEN_DUE_TO_SECURITY_REASONS$/;

/**
 * Reads an STS issuing event (the CloudTrail record). null when it is not one, or not successful. CloudTrail
 * truncates oversized fields and marks the record `omitted: true`
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html):
 * a policy that is present but redacted, cut or unparsable is 'unreadable', never "no policy".
 */
export function parseIssuance(record: Readonly<Record<string, unknown>>): SessionIssuance | null {
  const eventName = str(record['eventName']);
  if (eventName === null || !SESSION_ISSUING_EVENTS.includes(eventName)) return null;
  if (str(record['errorCode']) !== null) return null;
  const accessKeyId = issuedAccessKey(record);
  if (accessKeyId === null) return null;
  const params = obj(record['requestParameters']);
  const omitted = record['omitted'] === true || params['omitted'] === true;
  return {
    eventId: str(record['eventID']) ?? '',
    eventName,
    eventTime: str(record['eventTime']) ?? '',
    region: str(record['awsRegion']),
    accessKeyId,
    policy: inlinePolicy(params, omitted),
    policyArns: policyArnsOf(params['policyArns']),
    tags: sessionTagsOf(params, omitted),
  };
}

/** Session tags from the request parameters of an issuing event (SessionTagsRecord). */
function sessionTagsOf(params: Record<string, unknown>, omitted: boolean): SessionTagsRecord {
  const list = params['tags'];
  const maps = [params['incomingTransitiveTags'], params['principalTags']];
  if (list === undefined && maps.every((m) => m === undefined))
    return omitted
      ? { status: 'unreadable', detail: 'CloudTrail truncated the request parameters (omitted: true)' }
      : { status: 'known', tags: {} };
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  const bad = {
    status: 'unreadable',
    detail: 'the recorded session tags are not key-value strings',
  } as const;
  for (const m of maps) {
    if (m === undefined || m === null) continue;
    if (typeof m !== 'object' || Array.isArray(m)) return bad;
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'string') return bad;
      tags[k] = v;
    }
  }
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list)) return bad;
    for (const t of list) {
      const o = obj(t);
      const key = o['key'] ?? o['Key'];
      const value = o['value'] ?? o['Value'];
      if (typeof key !== 'string' || typeof value !== 'string') return bad;
      tags[key] = value;
    }
  }
  if (Object.values(tags).some((v) => REDACTED.test(v.trim())))
    return { status: 'unreadable', detail: 'CloudTrail recorded the session tags as hidden' };
  return { status: 'known', tags: { ...tags } };
}

function inlinePolicy(params: Record<string, unknown>, omitted: boolean): InlineSessionPolicy {
  const raw = params['policy'];
  if (raw === undefined || raw === null) {
    return omitted
      ? { status: 'unreadable', detail: 'CloudTrail truncated the request parameters (omitted: true)' }
      : { status: 'none' };
  }
  if (typeof raw === 'string' && REDACTED.test(raw.trim()))
    return { status: 'unreadable', detail: 'CloudTrail recorded the session policy as hidden' };
  const doc = parseDoc(raw);
  if (doc === undefined || doc === null || typeof doc !== 'object' || Array.isArray(doc))
    return {
      status: 'unreadable',
      detail: `the recorded session policy is not a readable JSON document${omitted ? ' (CloudTrail truncated it)' : ''}`,
    };
  return { status: 'document', document: doc };
}

/** PolicyArns as CloudTrail records them: [{arn}] (also a bare list of ARNs, tolerated). */
function policyArnsOf(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((x) => {
    const arn = typeof x === 'string' ? x : (str(obj(x)['arn']) ?? str(obj(x)['Arn']));
    return arn !== null && /^arn:[^:]+:iam::(\d{12}|aws):policy\//.test(arn) ? [arn] : [];
  });
}

/**
 * The session policy as one document: the inline policy and the managed session policies together. A session's
 * permissions are the intersection of its identity policies and its session policies, and the session policies
 * count as one layer (an action must be allowed by one of them, and a Deny in any denies): their statements are
 * concatenated, which evaluates exactly that way. Version: 2012-10-17 when any part has it (policy variables).
 */
export function sessionPolicyDocument(
  issuance: SessionIssuance,
  inline: unknown,
  managed: readonly NamedPolicy[],
): NamedPolicy {
  const parts: unknown[] = [
    ...(inline !== undefined && inline !== null ? [inline] : []),
    ...managed.map((m) => parseDoc(m.document)),
  ];
  const name = `session policy (${issuance.eventName} at ${issuance.eventTime})`;
  if (parts.length === 1 && managed.length === 1 && inline == null) {
    return {
      name,
      ...(managed[0]!.arn ? { arn: managed[0]!.arn } : {}),
      source: 'session',
      document: managed[0]!.document,
    };
  }
  if (parts.length === 1) return { name, source: 'session', document: parts[0] };
  const statements = parts.flatMap((p) => {
    const s = obj(p)['Statement'];
    return Array.isArray(s) ? s : s === undefined ? [] : [s];
  });
  const version = parts.some((p) => obj(p)['Version'] === '2012-10-17') ? '2012-10-17' : '2008-10-17';
  return { name, source: 'session', document: { Version: version, Statement: statements } };
}
