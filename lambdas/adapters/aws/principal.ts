/**
 * The caller's IAM facts, read live: identity policies (inline, managed, the user's groups'), permissions
 * boundary, tags. Critical path for a role: GetRole | ListAttachedRolePolicies | ListRolePolicies, then
 * GetRolePolicy | GetPolicy, then GetPolicyVersion (3 round trips). Any read that fails makes the whole
 * principal unknown: a partial set of policies could hide a deny.
 */
import {
  GetAccountAuthorizationDetailsCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  type AttachedPolicy,
  type Group,
  type IAMClient,
  type Tag,
} from '@aws-sdk/client-iam';
import {
  known,
  unknown,
  type AccessRequest,
  type Fact,
  type NamedPolicy,
  type PolicySource,
  type PrincipalFacts,
} from '../../core/model';
import { sessionTagsPossible } from '../../core/policy/trust';
import type { Scope, ScopeResult } from './accounts';
import type { Failure, Outcome } from './errors';
import { unknownOf } from './facts';
import { policyDocument } from './documents';
import { PERMISSION } from './permissions';
import { readAll, type CachedReader } from './reader';

export interface PrincipalContext {
  readonly reader: CachedReader;
  readonly region: string;
  scopeFor(accountId: string | null): Promise<ScopeResult>;
}

export interface IamIdentity {
  readonly kind: 'user' | 'role' | 'root';
  readonly partition: string;
  readonly accountId: string;
  /** The user or role name (last path segment); '' for root. */
  readonly name: string;
  readonly arn: string;
}

/** Parses an IAM user / role / root ARN, or an STS assumed-role ARN (as its role). */
export function parseIdentityArn(arn: string): IamIdentity | null {
  const iam = /^arn:(aws[a-z-]*):iam::(\d{12}):(root|user\/.+|role\/.+)$/.exec(arn);
  if (iam) {
    const [, partition = 'aws', accountId = '', rest = ''] = iam;
    if (rest === 'root') return { kind: 'root', partition, accountId, name: '', arn };
    const kind = rest.startsWith('user/') ? 'user' : 'role';
    const name = rest.split('/').pop() ?? '';
    return { kind, partition, accountId, name, arn };
  }
  const sts = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (sts) {
    const [, partition = 'aws', accountId = '', name = ''] = sts;
    return {
      kind: 'role',
      partition,
      accountId,
      name,
      arn: `arn:${partition}:iam::${accountId}:role/${name}`,
    };
  }
  return null;
}

const NO_PRINCIPAL = new Set(['Anonymous', 'AWSService']);

class ReadFailed extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Unwraps an outcome inside the principal read; a failure aborts it (caught in `principalFacts`). */
function must<T>(o: Outcome<T>): T {
  if (!o.ok) throw new ReadFailed(o.failure);
  return o.value;
}

function tagsOf(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

class PrincipalReader {
  private readonly iam: IAMClient;
  constructor(
    private readonly ctx: PrincipalContext,
    private readonly scope: Scope,
  ) {
    this.iam = scope.clients(ctx.region).iam;
  }

  private key(api: string, ...params: string[]): string {
    return `${this.scope.label}|iam|${api}|${params.join('|')}`;
  }

  /** A managed policy's default version. AWS managed policies are the same in every account: cached once. */
  async managed(arn: string, name: string | undefined, source: PolicySource): Promise<NamedPolicy> {
    const owner = arn.split(':')[4] === 'aws' ? 'aws' : this.scope.label;
    const policy = must(
      await this.ctx.reader.read(`${owner}|iam|GetPolicy|${arn}`, PERMISSION.GetPolicy, () =>
        this.iam.send(new GetPolicyCommand({ PolicyArn: arn })),
      ),
    ).Policy;
    const versionId = policy?.DefaultVersionId ?? 'v1';
    const version = must(
      await this.ctx.reader.read(
        `${owner}|iam|GetPolicyVersion|${arn}|${versionId}`,
        PERMISSION.GetPolicyVersion,
        () => this.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })),
      ),
    ).PolicyVersion;
    return {
      name: name ?? policy?.PolicyName ?? arn,
      arn,
      source,
      document: policyDocument(version?.Document),
    };
  }

  private async attached(
    api: string,
    permission: string,
    name: string,
    list: (
      marker?: string,
    ) => Promise<{ AttachedPolicies?: AttachedPolicy[]; IsTruncated?: boolean; Marker?: string }>,
  ) {
    return must(
      await readAll(this.ctx.reader, this.key(api, name), permission, async (marker) => {
        const r = await list(marker);
        return { items: r.AttachedPolicies ?? [], next: r.IsTruncated ? r.Marker : undefined };
      }),
    );
  }

  private async inlineNames(
    api: string,
    permission: string,
    name: string,
    list: (marker?: string) => Promise<{ PolicyNames?: string[]; IsTruncated?: boolean; Marker?: string }>,
  ) {
    return must(
      await readAll(this.ctx.reader, this.key(api, name), permission, async (marker) => {
        const r = await list(marker);
        return { items: r.PolicyNames ?? [], next: r.IsTruncated ? r.Marker : undefined };
      }),
    );
  }

  private managedAll(list: readonly AttachedPolicy[], source: PolicySource): Promise<NamedPolicy[]> {
    return Promise.all(
      list.filter((p) => p.PolicyArn).map((p) => this.managed(p.PolicyArn ?? '', p.PolicyName, source)),
    );
  }

  async role(id: IamIdentity): Promise<PrincipalFacts> {
    const n = id.name;
    const [roleOut, attached, inline] = await Promise.all([
      this.ctx.reader.read(this.key('GetRole', n), PERMISSION.GetRole, () =>
        this.iam.send(new GetRoleCommand({ RoleName: n })),
      ),
      this.attached('ListAttachedRolePolicies', PERMISSION.ListAttachedRolePolicies, n, (Marker) =>
        this.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: n, ...(Marker ? { Marker } : {}) })),
      ),
      this.inlineNames('ListRolePolicies', PERMISSION.ListRolePolicies, n, (Marker) =>
        this.iam.send(new ListRolePoliciesCommand({ RoleName: n, ...(Marker ? { Marker } : {}) })),
      ),
    ]);
    const role = must(roleOut).Role;
    checkAccount(id, role?.Arn);
    const boundaryArn = role?.PermissionsBoundary?.PermissionsBoundaryArn;
    const [inlinePolicies, managedPolicies, boundary] = await Promise.all([
      Promise.all(
        inline.map(async (policyName): Promise<NamedPolicy> => {
          const r = must(
            await this.ctx.reader.read(
              this.key('GetRolePolicy', n, policyName),
              PERMISSION.GetRolePolicy,
              () => this.iam.send(new GetRolePolicyCommand({ RoleName: n, PolicyName: policyName })),
            ),
          );
          return { name: policyName, source: 'identity-inline', document: policyDocument(r.PolicyDocument) };
        }),
      ),
      this.managedAll(attached, 'identity-managed'),
      boundaryArn ? this.managed(boundaryArn, undefined, 'permissions-boundary') : Promise.resolve(null),
    ]);
    return {
      identityArn: role?.Arn ?? id.arn,
      accountId: id.accountId,
      kind: 'role',
      ...(role?.RoleId ? { uniqueId: role.RoleId } : {}),
      identityPolicies: [...inlinePolicies, ...managedPolicies],
      permissionsBoundary: boundary,
      tags: tagsOf(role?.Tags),
      groups: [],
      // GetRole's AssumeRolePolicyDocument (URL-encoded JSON): whether sessions can carry session tags
      sessionTags: sessionTagsPossible(role?.AssumeRolePolicyDocument),
    };
  }

  private async group(g: Group): Promise<NamedPolicy[]> {
    const gn = g.GroupName ?? '';
    const [names, attached] = await Promise.all([
      this.inlineNames('ListGroupPolicies', PERMISSION.ListGroupPolicies, gn, (Marker) =>
        this.iam.send(new ListGroupPoliciesCommand({ GroupName: gn, ...(Marker ? { Marker } : {}) })),
      ),
      this.attached('ListAttachedGroupPolicies', PERMISSION.ListAttachedGroupPolicies, gn, (Marker) =>
        this.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: gn, ...(Marker ? { Marker } : {}) })),
      ),
    ]);
    const [inline, managed] = await Promise.all([
      Promise.all(
        names.map(async (policyName): Promise<NamedPolicy> => {
          const r = must(
            await this.ctx.reader.read(
              this.key('GetGroupPolicy', gn, policyName),
              PERMISSION.GetGroupPolicy,
              () => this.iam.send(new GetGroupPolicyCommand({ GroupName: gn, PolicyName: policyName })),
            ),
          );
          return {
            name: `${gn}/${policyName}`,
            source: 'group-inline',
            document: policyDocument(r.PolicyDocument),
          };
        }),
      ),
      this.managedAll(attached, 'group-managed'),
    ]);
    return [...inline, ...managed];
  }

  async user(id: IamIdentity): Promise<PrincipalFacts> {
    const n = id.name;
    const [userOut, attached, inline, groups] = await Promise.all([
      this.ctx.reader.read(this.key('GetUser', n), PERMISSION.GetUser, () =>
        this.iam.send(new GetUserCommand({ UserName: n })),
      ),
      this.attached('ListAttachedUserPolicies', PERMISSION.ListAttachedUserPolicies, n, (Marker) =>
        this.iam.send(new ListAttachedUserPoliciesCommand({ UserName: n, ...(Marker ? { Marker } : {}) })),
      ),
      this.inlineNames('ListUserPolicies', PERMISSION.ListUserPolicies, n, (Marker) =>
        this.iam.send(new ListUserPoliciesCommand({ UserName: n, ...(Marker ? { Marker } : {}) })),
      ),
      readAll(
        this.ctx.reader,
        this.key('ListGroupsForUser', n),
        PERMISSION.ListGroupsForUser,
        async (Marker) => {
          const r = await this.iam.send(
            new ListGroupsForUserCommand({ UserName: n, ...(Marker ? { Marker } : {}) }),
          );
          return { items: r.Groups ?? [], next: r.IsTruncated ? r.Marker : undefined };
        },
      ).then(must),
    ]);
    const user = must(userOut).User;
    checkAccount(id, user?.Arn);
    const boundaryArn = user?.PermissionsBoundary?.PermissionsBoundaryArn;
    const [inlinePolicies, managedPolicies, groupPolicies, boundary] = await Promise.all([
      Promise.all(
        inline.map(async (policyName): Promise<NamedPolicy> => {
          const r = must(
            await this.ctx.reader.read(
              this.key('GetUserPolicy', n, policyName),
              PERMISSION.GetUserPolicy,
              () => this.iam.send(new GetUserPolicyCommand({ UserName: n, PolicyName: policyName })),
            ),
          );
          return { name: policyName, source: 'identity-inline', document: policyDocument(r.PolicyDocument) };
        }),
      ),
      this.managedAll(attached, 'identity-managed'),
      Promise.all(groups.map((g) => this.group(g))),
      boundaryArn ? this.managed(boundaryArn, undefined, 'permissions-boundary') : Promise.resolve(null),
    ]);
    return {
      identityArn: user?.Arn ?? id.arn,
      accountId: id.accountId,
      kind: 'user',
      ...(user?.UserId ? { uniqueId: user.UserId } : {}),
      identityPolicies: [...inlinePolicies, ...managedPolicies, ...groupPolicies.flat()],
      permissionsBoundary: boundary,
      tags: tagsOf(user?.Tags),
      groups: groups.map((g) => g.GroupName ?? '').filter((g) => g !== ''),
    };
  }
}

class WrongAccount extends Error {}

/** IAM reads by name in the credentials' own account: a role of the same name elsewhere is not the caller. */
function checkAccount(id: IamIdentity, foundArn: string | undefined): void {
  const found = foundArn?.split(':')[4];
  if (found !== undefined && found !== id.accountId) {
    throw new WrongAccount(
      `the caller belongs to account ${id.accountId} but the auditor's credentials read account ${found}; configure a member role (memberRoleName) to read other accounts`,
    );
  }
}

/**
 * A caller seen only by unique id (the bucket owner's copy of a cross-account event: principalId "AROA…:session"
 * or "AIDA…", no ARN) is looked up by RoleId / UserId in its account's GetAccountAuthorizationDetails, read
 * with the member role. Only ids and ARNs are kept in the cache.
 */
async function resolveUniqueId(
  ctx: PrincipalContext,
  principalId: string,
  accountId: string,
): Promise<Fact<IamIdentity>> {
  const uniqueId = principalId.split(':')[0] ?? '';
  const filter = uniqueId.startsWith('AROA') ? 'Role' : uniqueId.startsWith('AIDA') ? 'User' : null;
  if (filter === null)
    return unknown(
      'notCollected',
      `the caller is identified only by ${principalId}, which is not a role or user id`,
    );
  const scoped = await ctx.scopeFor(accountId);
  if (!scoped.ok) return scoped.fact;
  const { scope } = scoped;
  if (scope.accountId !== null && scope.accountId !== accountId) {
    return unknown(
      'notCollected',
      `the caller (${principalId}) belongs to account ${accountId}, which the auditor cannot read; configure a member role (memberRoleName)`,
    );
  }
  const iam = scope.clients(ctx.region).iam;
  const key = `${scope.label}|iam|GetAccountAuthorizationDetails|${filter}`;
  const all = await readAll<{ id: string; arn: string }>(
    ctx.reader,
    key,
    PERMISSION.GetAccountAuthorizationDetails,
    async (Marker) => {
      const r = await iam.send(
        new GetAccountAuthorizationDetailsCommand({ Filter: [filter], ...(Marker ? { Marker } : {}) }),
      );
      const list =
        filter === 'Role'
          ? (r.RoleDetailList ?? []).map((d) => ({ id: d.RoleId, arn: d.Arn }))
          : (r.UserDetailList ?? []).map((d) => ({ id: d.UserId, arn: d.Arn }));
      return {
        items: list.filter((e): e is { id: string; arn: string } => !!e.id && !!e.arn),
        next: r.IsTruncated ? r.Marker : undefined,
      };
    },
  );
  if (!all.ok) return unknownOf(all.failure, `looking up ${principalId} in account ${accountId}`);
  const hit = all.value.find((e) => e.id === uniqueId);
  const id = hit ? parseIdentityArn(hit.arn) : null;
  if (id) return known(id);
  const detail = `no ${filter.toLowerCase()} with unique id ${uniqueId} in account ${accountId}`;
  // Only when the credentials are known to read that very account is "not there" a fact (a deleted identity).
  return scope.accountId === accountId
    ? unknown('notFound', `${detail} (deleted?)`)
    : unknown('notCollected', `${detail} readable by the auditor`);
}

/** The caller's IAM facts; null when the caller has no identity policies (anonymous, AWS service). */
export async function principalFacts(
  ctx: PrincipalContext,
  request: AccessRequest,
): Promise<Fact<PrincipalFacts> | null> {
  const p = request.principal;
  if (NO_PRINCIPAL.has(p.type)) return null;
  const arn = p.identityArn ?? p.arn;
  let id = arn ? parseIdentityArn(arn) : null;
  if (!id) {
    if (p.type === 'Root' && p.accountId) return known(rootFacts(p.accountId, 'aws'));
    if (!p.principalId) return unknown('notCollected', 'the caller is identified by no ARN and no unique id');
    if (!p.accountId)
      return unknown(
        'notCollected',
        `the caller is identified only by its unique id ${p.principalId}, without an account`,
      );
    const resolved = await resolveUniqueId(ctx, p.principalId, p.accountId);
    if (resolved.status === 'unknown') return resolved;
    id = resolved.value;
  }
  if (id.kind === 'root') return known(rootFacts(id.accountId, id.partition));
  const scoped = await ctx.scopeFor(id.accountId);
  if (!scoped.ok) return scoped.fact;
  const reader = new PrincipalReader(ctx, scoped.scope);
  try {
    return known(id.kind === 'role' ? await reader.role(id) : await reader.user(id));
  } catch (err) {
    if (err instanceof ReadFailed) return unknownOf(err.failure, id.arn);
    if (err instanceof WrongAccount) return unknown('notCollected', err.message);
    return unknown('error', `${id.arn}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Managed policies by ARN, read in `accountId` (iam:GetPolicy + iam:GetPolicyVersion, cached like the caller's
 * own managed policies): the managed session policies (PolicyArns) a session was created with (issue 13).
 * Any failure makes the whole set unknown: a missing part could change the session's permissions.
 */
export async function managedPoliciesByArn(
  ctx: PrincipalContext,
  accountId: string,
  arns: readonly string[],
  source: PolicySource,
): Promise<Fact<NamedPolicy[]>> {
  const scoped = await ctx.scopeFor(accountId);
  if (!scoped.ok) return scoped.fact;
  const reader = new PrincipalReader(ctx, scoped.scope);
  try {
    return known(await Promise.all(arns.map((arn) => reader.managed(arn, undefined, source))));
  } catch (err) {
    if (err instanceof ReadFailed) return unknownOf(err.failure, `managed session policy in ${accountId}`);
    return unknown('error', err instanceof Error ? err.message : String(err));
  }
}

function rootFacts(accountId: string, partition: string): PrincipalFacts {
  return {
    identityArn: `arn:${partition}:iam::${accountId}:root`,
    accountId,
    kind: 'root',
    identityPolicies: [],
    permissionsBoundary: null,
    tags: {},
    groups: [],
  };
}
