/**
 * Organization facts, read live. DescribeOrganization is read with the credentials of the account concerned
 * (it tells which organization that account is in). The organization's structure and policies (ListParents,
 * ListPoliciesForTarget, DescribePolicy) can only be read from the management account or a delegated
 * administrator (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html), so they are
 * read with the auditor's own credentials; an AccessDenied there is unknown('accessDenied'), never "no SCP".
 */
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  type Parent,
  type PolicySummary,
} from '@aws-sdk/client-organizations';
import {
  known,
  unknown,
  type Fact,
  type NamedPolicy,
  type OrganizationFacts,
  type OrgLevel,
} from '../../core/model';
import type { Scope, ScopeResult } from './accounts';
import { policyDocument } from './documents';
import type { Outcome } from './errors';
import { unknownOf } from './facts';
import { PERMISSION } from './permissions';
import { readAll, type CachedReader } from './reader';

export type OrgPolicyKind = 'scp' | 'rcp';
const FILTER: Record<OrgPolicyKind, 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'> = {
  scp: 'SERVICE_CONTROL_POLICY',
  rcp: 'RESOURCE_CONTROL_POLICY',
};

/** At most this many levels (root + 5 OU levels + account is the Organizations maximum). */
const MAX_DEPTH = 8;

export class OrgReader {
  constructor(
    private readonly reader: CachedReader,
    private readonly orgScope: Scope,
    private readonly region: string,
  ) {}

  /** The organization `accountId` is in (DescribeOrganization with that account's credentials); null = none. */
  async organizationOf(
    scoped: ScopeResult,
    accountId: string | null,
  ): Promise<Fact<OrganizationFacts | null>> {
    if (accountId === null) return unknown('notCollected', 'the account is not known');
    if (!scoped.ok) return scoped.fact;
    const scope = scoped.scope;
    const org = scope.clients(this.region).organizations;
    const o = await this.reader.read(
      `${scope.label}|org|DescribeOrganization`,
      PERMISSION.DescribeOrganization,
      () => org.send(new DescribeOrganizationCommand({})),
    );
    if (!o.ok)
      return o.failure.kind === 'absent'
        ? known(null)
        : unknownOf(o.failure, `organization of account ${accountId}`);
    const v = o.value.Organization;
    if (!v?.Id) return unknown('error', 'DescribeOrganization returned no organization id');
    const accountIds = [
      ...new Set([v.MasterAccountId, accountId].filter((a): a is string => typeof a === 'string')),
    ];
    // accountIds is partial: the accounts the view saw in this organization (listing all needs ListAccounts).
    return known({ id: v.Id, managementAccountId: v.MasterAccountId ?? null, accountIds });
  }

  private parent(child: string): Promise<Outcome<Parent[]>> {
    const org = this.orgScope.clients(this.region).organizations;
    return readAll(
      this.reader,
      `${this.orgScope.label}|org|ListParents|${child}`,
      PERMISSION.ListParents,
      async (NextToken) => {
        const r = await org.send(
          new ListParentsCommand({ ChildId: child, ...(NextToken ? { NextToken } : {}) }),
        );
        return { items: r.Parents ?? [], next: r.NextToken };
      },
    );
  }

  private async policiesOf(target: string, kind: OrgPolicyKind): Promise<Outcome<NamedPolicy[]>> {
    const org = this.orgScope.clients(this.region).organizations;
    const list = await readAll<PolicySummary>(
      this.reader,
      `${this.orgScope.label}|org|ListPoliciesForTarget|${target}|${FILTER[kind]}`,
      PERMISSION.ListPoliciesForTarget,
      async (NextToken) => {
        const r = await org.send(
          new ListPoliciesForTargetCommand({
            TargetId: target,
            Filter: FILTER[kind],
            ...(NextToken ? { NextToken } : {}),
          }),
        );
        return { items: r.Policies ?? [], next: r.NextToken };
      },
    );
    if (!list.ok) return list;
    const described = await Promise.all(
      list.value
        .filter((s) => s.Id)
        .map((s) =>
          this.reader.read(
            `${this.orgScope.label}|org|DescribePolicy|${s.Id ?? ''}`,
            PERMISSION.DescribePolicy,
            () => org.send(new DescribePolicyCommand({ PolicyId: s.Id })),
          ),
        ),
    );
    const out: NamedPolicy[] = [];
    for (const d of described) {
      if (!d.ok) return d;
      const p = d.value.Policy;
      const summary = p?.PolicySummary;
      out.push({
        name: summary?.Name ?? summary?.Id ?? 'unnamed',
        ...(summary?.Arn ? { arn: summary.Arn } : {}),
        ...(summary?.Id ? { id: summary.Id } : {}),
        source: kind,
        document: policyDocument(p?.Content),
      });
    }
    return { ok: true, value: out };
  }

  /**
   * The parents of an account, root first (["r-…", "ou-…", …]), walked with ListParents (each call cached by the
   * reader, so the SCP / RCP levels and the org path keys share one walk).
   */
  async pathOf(accountId: string): Promise<Outcome<string[]>> {
    const parents: string[] = [];
    let child = accountId;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const r = await this.parent(child);
      if (!r.ok) return r;
      const parent = r.value[0];
      if (!parent?.Id)
        return {
          ok: false,
          failure: {
            kind: 'error',
            code: 'NoParent',
            message: `ListParents returned no parent for ${child}`,
            permission: PERMISSION.ListParents,
          },
        };
      parents.push(parent.Id);
      if (parent.Type === 'ROOT') break;
      child = parent.Id;
    }
    return { ok: true, value: parents.reverse() };
  }

  /**
   * The organization fact with the account's path (aws:PrincipalOrgPaths / aws:ResourceOrgPaths). A path that
   * cannot be read leaves the path unknown (null), not the organization.
   */
  async withPath(
    organization: Fact<OrganizationFacts | null>,
    accountId: string | null,
  ): Promise<Fact<OrganizationFacts | null>> {
    if (organization.status !== 'known' || organization.value === null || accountId === null)
      return organization;
    const path = await this.pathOf(accountId);
    return known({ ...organization.value, path: path.ok ? path.value : null });
  }

  /**
   * The SCP or RCP levels of an account, root first, given the organization fact of that account. Walks ListParents
   * to the root; each level's policies are read once the level is known.
   */
  async levels(
    accountId: string | null,
    organization: Fact<OrganizationFacts | null>,
    kind: OrgPolicyKind,
  ): Promise<Fact<readonly OrgLevel[] | null>> {
    if (organization.status === 'unknown') return organization;
    if (organization.value === null) return known(null);
    if (accountId === null) return unknown('notCollected', 'the account is not known');
    const own = this.policiesOf(accountId, kind);
    const path = await this.pathOf(accountId);
    if (!path.ok) return unknownOf(path.failure, `organization path of account ${accountId}`);
    const targets = [...path.value, accountId];
    const results = await Promise.all([...path.value.map((t) => this.policiesOf(t, kind)), own]);
    const levels: OrgLevel[] = [];
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (!r) continue;
      if (!r.ok) {
        // The policy type is not enabled in the organization: such policies do not apply at all.
        if (r.failure.kind === 'absent') return known(null);
        return unknownOf(r.failure, `${kind === 'scp' ? 'SCPs' : 'RCPs'} attached to ${targets[i] ?? ''}`);
      }
      levels.push({ target: targets[i] ?? '', policies: r.value });
    }
    return known(levels);
  }
}
