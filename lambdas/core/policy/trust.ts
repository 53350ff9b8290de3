/**
 * What a role's trust policy says about the tags of its sessions (PrincipalFacts.sessionTags).
 *
 * A role session's aws:PrincipalTag values are the role's own tags, the session tags passed when the role was
 * assumed (AssumeRole's Tags, the PrincipalTag attributes of a SAML assertion or an OIDC token, IAM Identity
 * Center's attributes for access control) and the transitive tags a chained session inherits
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html). "Session tags override a role tag with
 * the same key", and "if you used temporary credentials to perform this operation, the new session inherits any
 * transitive session tags from the calling session" (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
 * Tags). Passing session tags needs the role's trust policy to allow sts:TagSession
 * (id_session-tags.html#id_session-tags_permissions-required). S3's CloudTrail data events do not carry a
 * session's tags; the AssumeRole* event that created the session does (#id_session-tags_ctlogs).
 *
 * So a session can carry tags unless the trust policy grants sts:TagSession to nobody AND admits no AWS principal
 * (an account, a role, a user, "*"): AWS does not say that inheriting transitive tags needs sts:TagSession, so a
 * role that an AWS principal may assume could be reached by a chained, tagged session. Roles that only services or
 * identity providers assume without sts:TagSession (a Lambda or EC2 role) have exactly their own tags.
 * Principal and Condition are not evaluated: a grant to anyone, under any condition, makes tags possible.
 */
import { parseDoc } from '../changes/diff';
import { compileGlob, encodeWildcards, globTest } from './match';

const TAG_SESSION = 'sts:tagsession';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function strings(v: unknown): string[] | null {
  const list = Array.isArray(v) ? v : [v];
  return list.every((x) => typeof x === 'string') ? (list as string[]) : null;
}

/** Whether the statement's Action / NotAction covers sts:TagSession; null when the element is malformed. */
function coversTagSession(st: Record<string, unknown>): boolean | null {
  const not = st['NotAction'] !== undefined;
  const list = strings(not ? st['NotAction'] : st['Action']);
  if (list === null) return null;
  const listed = list.some((a) =>
    globTest(compileGlob(encodeWildcards(a.trim().toLowerCase())), TAG_SESSION),
  );
  return not ? !listed : listed;
}

/** Whether the statement admits an AWS principal (account, role, user, "*"), so a role session could chain in. */
function admitsAwsPrincipal(st: Record<string, unknown>): boolean {
  if (st['NotPrincipal'] !== undefined) return true;
  const p = st['Principal'];
  if (p === '*') return true;
  if (!isObject(p)) return p !== undefined;
  return p['AWS'] !== undefined;
}

/**
 * Whether sessions of a role with this trust policy can carry session tags: true when some Allow statement grants
 * sts:TagSession or admits an AWS principal, false when none does, null when the document cannot be read (then
 * nothing is known and the caller must not take the role's tags as the session's).
 */
export function sessionTagsPossible(trustPolicy: unknown): boolean | null {
  const doc = parseDoc(trustPolicy); // an object, JSON text, or URL-encoded JSON (GetRole)
  if (!isObject(doc)) return null;
  const raw = doc['Statement'];
  const statements = Array.isArray(raw) ? raw : [raw];
  let possible = false;
  for (const st of statements) {
    if (!isObject(st)) return null;
    if (st['Effect'] !== 'Allow') continue;
    const covers = coversTagSession(st);
    if (covers === null) return null;
    if (covers || admitsAwsPrincipal(st)) possible = true;
  }
  return possible;
}
