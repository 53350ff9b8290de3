/**
 * The caller's IAM facts from a snapshot: identity policies (inline, managed, groups'), permissions boundary, tags.
 * A principal is looked up in its own account's authorizationDetails; a caller seen only by unique id
 * (AROA…:session, AIDA…) is resolved through RoleId / UserId in any account.
 * Anything the snapshot does not carry makes the whole principal unknown('notCollected'), naming what is missing.
 */
import {
  known,
  unknown,
  type Fact,
  type NamedPolicy,
  type Principal,
  type PrincipalFacts,
} from '../../core/model';
import { sessionTagsPossible } from '../../core/policy/trust';
import { parseIamArn, type Identity, type SnapshotIndex } from './snapshot-index';

type AttachedList = readonly { PolicyName?: string | undefined; PolicyArn: string }[] | undefined;

function managed(
  index: SnapshotIndex,
  list: AttachedList,
  source: NamedPolicy['source'],
  missing: string[],
): NamedPolicy[] {
  const out: NamedPolicy[] = [];
  for (const attached of list ?? []) {
    const resolved = index.managedPolicyDocument(attached.PolicyArn);
    if (resolved)
      out.push({
        name: attached.PolicyName ?? resolved.name,
        arn: attached.PolicyArn,
        source,
        document: resolved.document,
      });
    else missing.push(`managed policy ${attached.PolicyArn}`);
  }
  return out;
}

function tagsOf(list: readonly { Key: string; Value: string }[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of list ?? []) tags[t.Key] = t.Value;
  return tags;
}

function groupPolicies(
  index: SnapshotIndex,
  identity: Identity,
  missing: string[],
): { policies: NamedPolicy[]; groups: string[] } {
  if (identity.kind !== 'user') return { policies: [], groups: [] };
  const groups = [...(identity.entry.GroupList ?? [])];
  const account = index.accounts.get(identity.accountId);
  const policies: NamedPolicy[] = [];
  for (const name of groups) {
    const group = account?.groupsByName.get(name);
    if (!group) {
      missing.push(`group ${name}`);
      continue;
    }
    for (const p of group.GroupPolicyList ?? [])
      policies.push({ name: `${name}/${p.PolicyName}`, source: 'group-inline', document: p.PolicyDocument });
    policies.push(...managed(index, group.AttachedManagedPolicies, 'group-managed', missing));
  }
  return { policies, groups };
}

/** Builds the PrincipalFacts of a known identity, or an unknown naming the policies the snapshot lacks. */
export function identityFacts(index: SnapshotIndex, identity: Identity): Fact<PrincipalFacts> {
  const missing: string[] = [];
  const entry = identity.entry;
  const inline = identity.kind === 'user' ? identity.entry.UserPolicyList : identity.entry.RolePolicyList;
  const policies: NamedPolicy[] = (inline ?? []).map((p) => ({
    name: p.PolicyName,
    source: 'identity-inline',
    document: p.PolicyDocument,
  }));
  policies.push(...managed(index, entry.AttachedManagedPolicies, 'identity-managed', missing));
  const fromGroups = groupPolicies(index, identity, missing);
  policies.push(...fromGroups.policies);
  let boundary: NamedPolicy | null = null;
  if (entry.PermissionsBoundary) {
    const arn = entry.PermissionsBoundary.PermissionsBoundaryArn;
    const resolved = index.managedPolicyDocument(arn);
    if (resolved)
      boundary = { name: resolved.name, arn, source: 'permissions-boundary', document: resolved.document };
    else missing.push(`permissions boundary ${arn}`);
  }
  if (missing.length > 0) {
    return unknown('notCollected', `${entry.Arn}: the snapshot does not carry ${missing.join(', ')}`);
  }
  const uniqueId = identity.kind === 'user' ? identity.entry.UserId : identity.entry.RoleId;
  return known({
    identityArn: entry.Arn,
    accountId: identity.accountId,
    kind: identity.kind,
    ...(uniqueId ? { uniqueId } : {}),
    identityPolicies: policies,
    permissionsBoundary: boundary,
    tags: tagsOf(entry.Tags),
    groups: fromGroups.groups,
    // a role's AssumeRolePolicyDocument (GetAccountAuthorizationDetails); absent in older snapshots: not known
    ...(identity.kind === 'role'
      ? { sessionTags: sessionTagsPossible(identity.entry.AssumeRolePolicyDocument) }
      : {}),
  });
}

const NO_IDENTITY_POLICIES: ReadonlySet<Principal['type']> = new Set(['Anonymous', 'AWSService']);

function rootFacts(accountId: string): Fact<PrincipalFacts> {
  return known({
    identityArn: `arn:aws:iam::${accountId}:root`,
    accountId,
    kind: 'root',
    identityPolicies: [],
    permissionsBoundary: null,
    tags: {},
    groups: [],
  });
}

/** Why an identity ARN could not be found, for the unknown's detail. */
function notFoundDetail(index: SnapshotIndex, arn: string): Fact<PrincipalFacts> {
  const parsed = parseIamArn(arn);
  const account = parsed ? index.accounts.get(parsed.accountId) : undefined;
  if (!account?.hasIam) {
    return unknown(
      'notCollected',
      `the snapshot has no authorizationDetails for account ${parsed?.accountId ?? '(unknown)'}`,
    );
  }
  return unknown(
    'notCollected',
    `${arn} is not in the snapshot's authorizationDetails for account ${account.id}`,
  );
}

/** The caller's facts, or null when the caller has no identity policies (anonymous, AWS service). */
export function principalFacts(
  index: SnapshotIndex,
  principal: Principal,
  cache: Map<string, Fact<PrincipalFacts>>,
): Fact<PrincipalFacts> | null {
  if (NO_IDENTITY_POLICIES.has(principal.type)) return null;
  const arn = principal.identityArn;
  if (principal.type === 'Root' || (arn !== null && /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(arn))) {
    const accountId = principal.accountId ?? (arn ? parseIamArn(arn)?.accountId : undefined);
    return accountId ? rootFacts(accountId) : unknown('notCollected', 'the root caller has no account id');
  }
  // The bucket owner's copy of a cross-account call made by the other account's root names only its account id.
  if (arn === null && principal.principalId !== null && /^\d{12}$/.test(principal.principalId)) {
    return rootFacts(principal.principalId);
  }
  const cacheKey = arn ?? (principal.principalId ? `id:${principal.principalId}` : null);
  if (cacheKey === null)
    return unknown('notCollected', 'the caller is not identified (no ARN, no unique id)');
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  let identity: Identity | null = null;
  if (arn !== null) identity = index.identityByArn(arn);
  if (!identity && principal.principalId) identity = index.identityByUniqueId(principal.principalId);
  let facts: Fact<PrincipalFacts>;
  if (identity) facts = identityFacts(index, identity);
  else if (arn !== null) facts = notFoundDetail(index, arn);
  else
    facts = unknown(
      'notCollected',
      `unique id ${principal.principalId ?? ''} is not in any account's authorizationDetails in the snapshot`,
    );
  cache.set(cacheKey, facts);
  return facts;
}
