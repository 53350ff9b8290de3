/**
 * Organization facts from a snapshot: the organization an account belongs to, and the SCP / RCP levels on its
 * path, root first (SNAPSHOT.md's organizationPath is nearest first and does not include the account itself).
 * No `organization` in the snapshot = unknown; `"organization": null` = known: no organization.
 */
import {
  known,
  unknown,
  type Fact,
  type NamedPolicy,
  type OrganizationFacts,
  type OrgLevel,
} from '../../core/model';
import type { SnapshotIndex } from './snapshot-index';
import type { SnapshotOrgPolicy } from './schema';

type Membership =
  | { readonly status: 'member'; readonly path: readonly string[] | null }
  | { readonly status: 'outside' }
  | { readonly status: 'unknown'; readonly detail: string };

function membership(index: SnapshotIndex, accountId: string | null): Membership {
  const org = index.snapshot.organization;
  if (org === undefined) return { status: 'unknown', detail: 'the snapshot has no organization' };
  if (org === null) return { status: 'outside' };
  if (accountId === null) return { status: 'unknown', detail: 'the account is not known' };
  const path = index.accounts.get(accountId)?.account.organizationPath ?? null;
  if (path !== null && path.length > 0) return { status: 'member', path };
  if (index.orgAccountIds === null)
    return {
      status: 'unknown',
      detail: `the snapshot has no organization.Accounts and no organizationPath for ${accountId}`,
    };
  if (index.orgAccountIds.has(accountId)) return { status: 'member', path: null };
  // An account the snapshot describes but the organization does not list is outside it; an account the snapshot
  // knows nothing about may belong to another organization.
  if (index.accounts.has(accountId)) return { status: 'outside' };
  return {
    status: 'unknown',
    detail: `account ${accountId} is not in the snapshot's organization and not described by the snapshot`,
  };
}

export function organizationFacts(
  index: SnapshotIndex,
  accountId: string | null,
): Fact<OrganizationFacts | null> {
  const m = membership(index, accountId);
  if (m.status === 'unknown') return unknown('notCollected', m.detail);
  if (m.status === 'outside') return known(null);
  const org = index.snapshot.organization;
  if (!org?.Id) return unknown('notCollected', 'the snapshot has no organization.Id');
  return known({
    id: org.Id,
    managementAccountId: org.ManagementAccountId ?? org.MasterAccountId ?? null,
    accountIds: org.Accounts ? org.Accounts.map((a) => a.Id) : [],
    // organizationPath is nearest first; the org path keys read root first
    path: m.path === null ? null : [...m.path].reverse(),
  });
}

/**
 * One NamedPolicy per organization policy of the snapshot: a policy attached at several levels of a path
 * (FullAWSAccess at the root, each OU and the account) is the same object at each, so the engine evaluates it once
 * per request.
 */
const namedOf = new WeakMap<SnapshotOrgPolicy, NamedPolicy>();

function levelPolicies(list: readonly SnapshotOrgPolicy[] | undefined, source: 'scp' | 'rcp'): NamedPolicy[] {
  return (list ?? []).map((p) => {
    let named = namedOf.get(p);
    if (named === undefined || named.source !== source) {
      named = {
        name: p.Name ?? p.Id ?? 'unnamed',
        ...(p.Arn ? { arn: p.Arn } : {}),
        ...(p.Id ? { id: p.Id } : {}),
        source,
        document: p.Content,
      };
      namedOf.set(p, named);
    }
    return named;
  });
}

/** SCP (caller's account) or RCP (bucket's account) levels, root first; known(null) when not in an organization. */
export function orgLevels(
  index: SnapshotIndex,
  accountId: string | null,
  kind: 'scp' | 'rcp',
): Fact<readonly OrgLevel[] | null> {
  const m = membership(index, accountId);
  if (m.status === 'unknown') return unknown('notCollected', m.detail);
  if (m.status === 'outside') return known(null);
  if (m.path === null)
    return unknown('notCollected', `the snapshot has no organizationPath for account ${accountId ?? ''}`);
  const org = index.snapshot.organization;
  const list = kind === 'scp' ? org?.serviceControlPolicies : org?.resourceControlPolicies;
  if (list === undefined)
    return unknown(
      'notCollected',
      `the snapshot has no organization.${kind === 'scp' ? 'serviceControlPolicies' : 'resourceControlPolicies'}`,
    );
  const byTarget = kind === 'scp' ? index.scpByTarget : index.rcpByTarget;
  const targets = [...m.path].reverse();
  targets.push(accountId ?? '');
  return known(targets.map((target) => ({ target, policies: levelPolicies(byTarget.get(target), kind) })));
}
