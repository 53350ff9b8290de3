/**
 * `s3-403 snapshot`: captures an account's access-control configuration in the snapshot format
 * (docs/SNAPSHOT.md). Every leaf is the output shape of the AWS API call named next to it there;
 * policy documents are decoded into JSON objects (one of the three forms the format accepts). What could not be
 * read is left out (absent = unknown) and listed in `problems`, one line each, naming the missing permission.
 */
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  type Account,
  type PolicySummary,
} from '@aws-sdk/client-organizations';
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
  type GroupDetail,
  type ManagedPolicyDetail,
  type RoleDetail,
  type UserDetail,
} from '@aws-sdk/client-iam';
import type { GrantListEntry } from '@aws-sdk/client-kms';
import {
  GetBucketAbacCommand,
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketRequestPaymentCommand,
  GetBucketVersioningCommand,
  GetBucketTaggingCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import {
  GetAccessPointCommand,
  GetAccessPointPolicyCommand,
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  ListAccessPointsCommand,
  ListTagsForResourceCommand,
  type AccessPoint,
} from '@aws-sdk/client-s3-control';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  baseRegion,
  defaultClients,
  ec2Sdk,
  kmsSdk,
  partitionOf,
  regionFromLocation,
  withInjected,
  type AwsClients,
} from './clients';
import { policyDocument } from './documents';
import { classifyError, type Outcome } from './errors';
import { keyRef } from './kms';
import { PERMISSION } from './permissions';
import { parseIdentityArn } from './principal';

export interface CaptureOptions {
  readonly buckets: string[];
  readonly principals: string[];
  readonly allIam: boolean;
  readonly region?: string;
  readonly profile?: string;
  readonly clients?: Partial<AwsClients>;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

type Json = Record<string, unknown>;

/** Drops undefined fields and turns Dates into ISO strings, so the snapshot is plain JSON. */
function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * The default encryption configuration as captured: a rule S3 answered without BlockedEncryptionTypes blocks nothing,
 * and says so ({"EncryptionType": ["NONE"]}), so that reading the snapshot tells "not blocked" from "not captured".
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html
 */
function withBlockedTypes<C extends { Rules?: object[] | undefined }>(config: C | null): C | null {
  if (config === null || config.Rules === undefined) return config;
  return {
    ...config,
    Rules: config.Rules.map((r) =>
      'BlockedEncryptionTypes' in r && r.BlockedEncryptionTypes !== undefined
        ? r
        : { ...r, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } },
    ),
  };
}

class Capture {
  readonly problems: string[] = [];
  private readonly byRegion = new Map<string, AwsClients>();
  private done = 0;
  total = 0;
  readonly allIam: boolean;
  readonly principalArns: readonly string[];

  constructor(private readonly opts: CaptureOptions) {
    this.allIam = opts.allIam;
    this.principalArns = opts.principals;
  }

  clients(region: string): AwsClients {
    let c = this.byRegion.get(region);
    if (!c) {
      const injected = this.opts.clients ?? {};
      const complete = ['s3', 's3control', 'iam', 'ec2', 'kms', 'organizations', 'sts', 'cloudtrail'].every(
        (k) => k in injected,
      );
      const base = complete
        ? {}
        : defaultClients(region, this.opts.profile ? { profile: this.opts.profile } : {});
      c = withInjected(base, injected);
      this.byRegion.set(region, c);
    }
    return c;
  }

  step(label: string): void {
    this.done++;
    this.opts.onProgress?.(this.done, Math.max(this.total, this.done), label);
  }

  /** Runs one read; a failure other than "not configured" is recorded as a problem. */
  async read<T>(what: string, permission: string, send: () => Promise<T>): Promise<Outcome<T>> {
    try {
      const value = await send();
      if (value === undefined || value === null)
        throw Object.assign(new Error('the AWS call returned no response'), { name: 'EmptyResponse' });
      return { ok: true, value };
    } catch (err) {
      const failure = classifyError(err, permission);
      if (failure.kind !== 'absent') {
        const needs = failure.kind === 'accessDenied' ? ` (the capturing identity needs ${permission})` : '';
        this.problems.push(`${what}: ${failure.code}: ${failure.message}${needs}`);
      }
      return { ok: false, failure };
    }
  }

  /** A read whose "not configured" answer is a known none (null); undefined = could not be read. */
  async readOrNull<T, U>(
    what: string,
    permission: string,
    send: () => Promise<T>,
    pick: (v: T) => U,
  ): Promise<U | null | undefined> {
    const o = await this.read(what, permission, send);
    if (o.ok) return pick(o.value);
    return o.failure.kind === 'absent' ? null : undefined;
  }

  async pages<T>(
    what: string,
    permission: string,
    page: (marker: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
  ): Promise<T[] | undefined> {
    const items: T[] = [];
    let marker: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const current = marker;
      const o = await this.read(what, permission, () => page(current));
      if (!o.ok) return undefined;
      items.push(...o.value.items);
      marker = o.value.next;
      if (!marker) break;
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------- buckets

async function captureBucket(
  c: Capture,
  name: string,
  accountId: string | null,
  baseRegionName: string,
): Promise<Json> {
  const loc = await c.read(`bucket ${name} location`, PERMISSION.GetBucketLocation, () =>
    c.clients(baseRegionName).s3.send(new GetBucketLocationCommand({ Bucket: name })),
  );
  const region = loc.ok ? regionFromLocation(loc.value.LocationConstraint) : baseRegionName;
  const s3 = c.clients(region).s3;
  const Bucket = name;
  const [policy, pab, ownership, encryption, acl, requestPayment, objectLock, abac, tags, versioning] =
    await Promise.all([
      c.readOrNull(
        `bucket ${name} policy`,
        PERMISSION.GetBucketPolicy,
        () => s3.send(new GetBucketPolicyCommand({ Bucket })),
        (v) => (v.Policy ? policyDocument(v.Policy) : null),
      ),
      c.readOrNull(
        `bucket ${name} Block Public Access`,
        PERMISSION.GetBucketPublicAccessBlock,
        () => s3.send(new GetPublicAccessBlockCommand({ Bucket })),
        (v) => v.PublicAccessBlockConfiguration ?? null,
      ),
      c.readOrNull(
        `bucket ${name} ownership controls`,
        PERMISSION.GetBucketOwnershipControls,
        () => s3.send(new GetBucketOwnershipControlsCommand({ Bucket })),
        (v) => v.OwnershipControls ?? null,
      ),
      c.readOrNull(
        `bucket ${name} default encryption`,
        PERMISSION.GetBucketEncryption,
        () => s3.send(new GetBucketEncryptionCommand({ Bucket })),
        (v) => withBlockedTypes(v.ServerSideEncryptionConfiguration ?? null),
      ),
      c.readOrNull(
        `bucket ${name} ACL`,
        PERMISSION.GetBucketAcl,
        () => s3.send(new GetBucketAclCommand({ Bucket })),
        (v) => ({ ...(v.Owner ? { Owner: v.Owner } : {}), Grants: v.Grants ?? [] }),
      ),
      // issue 19: Requester Pays ({"Payer": …}, the whole answer) and Object Lock (null = not enabled)
      c.readOrNull(
        `bucket ${name} request payment`,
        PERMISSION.GetBucketRequestPayment,
        () => s3.send(new GetBucketRequestPaymentCommand({ Bucket })),
        (v) => ({ Payer: v.Payer === 'Requester' ? 'Requester' : 'BucketOwner' }),
      ),
      c.readOrNull(
        `bucket ${name} Object Lock configuration`,
        PERMISSION.GetObjectLockConfiguration,
        () => s3.send(new GetObjectLockConfigurationCommand({ Bucket })),
        (v) => v.ObjectLockConfiguration ?? null,
      ),
      // S3 ABAC: whether the bucket's tags are aws:ResourceTag ({"Status": …}), and the tags ([] = none)
      c.readOrNull(
        `bucket ${name} ABAC status`,
        PERMISSION.GetBucketAbac,
        () => s3.send(new GetBucketAbacCommand({ Bucket })),
        (v) => v.AbacStatus ?? {},
      ),
      c.readOrNull(
        `bucket ${name} tags`,
        PERMISSION.GetBucketTagging,
        () => s3.send(new GetBucketTaggingCommand({ Bucket })),
        (v) => v.TagSet ?? [],
      ),
      // MFA delete: the versioning configuration ({} for a bucket never versioned)
      c.readOrNull(
        `bucket ${name} versioning`,
        PERMISSION.GetBucketVersioning,
        () => s3.send(new GetBucketVersioningCommand({ Bucket })),
        (v) => ({
          ...(v.Status ? { Status: v.Status } : {}),
          ...(v.MFADelete ? { MFADelete: v.MFADelete } : {}),
        }),
      ),
    ]);
  const out: Json = {};
  if (accountId !== null) out.accountId = accountId;
  if (loc.ok) out.region = region;
  const fields: [string, unknown][] = [
    ['policy', policy],
    ['publicAccessBlock', pab],
    ['ownershipControls', ownership],
    ['encryption', encryption],
    ['acl', acl],
    // a request-payment answer is never "not configured": null here only means the read failed
    ['requestPayment', requestPayment === null ? undefined : requestPayment],
    ['objectLockConfiguration', objectLock],
    // neither is ever "not configured": null here means the read failed, or (NoSuchTagSet) no tags
    ['abacStatus', abac === null ? undefined : abac],
    ['tagSet', tags === null ? [] : tags],
    // never "not configured" either: null here means the read failed
    ['versioning', versioning === null ? undefined : versioning],
  ];
  for (const [k, v] of fields) if (v !== undefined) out[k] = plain(v);
  return out;
}

// ---------------------------------------------------------------------------------------------- IAM

interface IamCollect {
  users: UserDetail[];
  groups: GroupDetail[];
  roles: RoleDetail[];
  policies: Map<string, ManagedPolicyDetail>;
}

async function inlinePolicies(
  c: Capture,
  what: string,
  list: (m: string | undefined) => Promise<{
    PolicyNames?: string[] | undefined;
    IsTruncated?: boolean | undefined;
    Marker?: string | undefined;
  }>,
  get: (name: string) => Promise<{ PolicyDocument?: string | undefined }>,
  listPermission: string,
  getPermission: string,
): Promise<{ PolicyName: string; PolicyDocument: unknown }[] | undefined> {
  const names = await c.pages(`${what} inline policies`, listPermission, async (m) => {
    const r = await list(m);
    return { items: r.PolicyNames ?? [], next: r.IsTruncated ? r.Marker : undefined };
  });
  if (!names) return undefined;
  const docs = await Promise.all(
    names.map((n) => c.read(`${what} inline policy ${n}`, getPermission, () => get(n))),
  );
  if (docs.some((d) => !d.ok)) return undefined;
  return names.map((n, i) => {
    const d = docs[i];
    return { PolicyName: n, PolicyDocument: d?.ok ? policyDocument(d.value.PolicyDocument) : null };
  });
}

async function attachedPolicies(
  c: Capture,
  what: string,
  permission: string,
  list: (m: string | undefined) => Promise<{
    AttachedPolicies?: AttachedPolicy[] | undefined;
    IsTruncated?: boolean | undefined;
    Marker?: string | undefined;
  }>,
): Promise<AttachedPolicy[] | undefined> {
  return c.pages(`${what} attached policies`, permission, async (m) => {
    const r = await list(m);
    return { items: r.AttachedPolicies ?? [], next: r.IsTruncated ? r.Marker : undefined };
  });
}

async function managedPolicy(
  c: Capture,
  iam: AwsClients['iam'],
  arn: string,
  into: IamCollect,
): Promise<void> {
  if (into.policies.has(arn)) return;
  const p = await c.read(`managed policy ${arn}`, PERMISSION.GetPolicy, () =>
    iam.send(new GetPolicyCommand({ PolicyArn: arn })),
  );
  if (!p.ok || !p.value.Policy) return;
  const policy = p.value.Policy;
  const versionId = policy.DefaultVersionId ?? 'v1';
  const v = await c.read(`managed policy ${arn} ${versionId}`, PERMISSION.GetPolicyVersion, () =>
    iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })),
  );
  if (!v.ok) return;
  const version = v.value.PolicyVersion;
  into.policies.set(arn, {
    ...policy,
    PolicyVersionList: [
      {
        ...version,
        Document: policyDocument(version?.Document) as string,
        VersionId: versionId,
        IsDefaultVersion: true,
      },
    ],
  });
}

async function captureRole(
  c: Capture,
  iam: AwsClients['iam'],
  name: string,
  into: IamCollect,
): Promise<void> {
  const what = `role ${name}`;
  const [role, inline, attached] = await Promise.all([
    c.read(what, PERMISSION.GetRole, () => iam.send(new GetRoleCommand({ RoleName: name }))),
    inlinePolicies(
      c,
      what,
      (Marker) => iam.send(new ListRolePoliciesCommand({ RoleName: name, ...(Marker ? { Marker } : {}) })),
      (PolicyName) => iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName })),
      PERMISSION.ListRolePolicies,
      PERMISSION.GetRolePolicy,
    ),
    attachedPolicies(c, what, PERMISSION.ListAttachedRolePolicies, (Marker) =>
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, ...(Marker ? { Marker } : {}) })),
    ),
  ]);
  if (!role.ok || !role.value.Role || !inline || !attached) return;
  const r = role.value.Role;
  const managedArns = [
    ...attached.map((a) => a.PolicyArn ?? ''),
    r.PermissionsBoundary?.PermissionsBoundaryArn ?? '',
  ].filter((a) => a !== '');
  await Promise.all(managedArns.map((a) => managedPolicy(c, iam, a, into)));
  into.roles.push({
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: policyDocument(r.AssumeRolePolicyDocument) as string,
    RolePolicyList: inline as { PolicyName: string; PolicyDocument: string }[],
    AttachedManagedPolicies: attached,
    ...(r.PermissionsBoundary ? { PermissionsBoundary: r.PermissionsBoundary } : {}),
    ...(r.Tags ? { Tags: r.Tags } : {}),
  });
}

async function captureGroup(
  c: Capture,
  iam: AwsClients['iam'],
  g: { GroupName?: string; GroupId?: string; Arn?: string; Path?: string; CreateDate?: Date },
  into: IamCollect,
): Promise<void> {
  const name = g.GroupName ?? '';
  if (into.groups.some((x) => x.GroupName === name)) return;
  const what = `group ${name}`;
  const [inline, attached] = await Promise.all([
    inlinePolicies(
      c,
      what,
      (Marker) => iam.send(new ListGroupPoliciesCommand({ GroupName: name, ...(Marker ? { Marker } : {}) })),
      (PolicyName) => iam.send(new GetGroupPolicyCommand({ GroupName: name, PolicyName })),
      PERMISSION.ListGroupPolicies,
      PERMISSION.GetGroupPolicy,
    ),
    attachedPolicies(c, what, PERMISSION.ListAttachedGroupPolicies, (Marker) =>
      iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: name, ...(Marker ? { Marker } : {}) })),
    ),
  ]);
  if (!inline || !attached) return;
  await Promise.all(
    attached.map((a) => (a.PolicyArn ? managedPolicy(c, iam, a.PolicyArn, into) : Promise.resolve())),
  );
  into.groups.push({
    Path: g.Path,
    GroupName: name,
    GroupId: g.GroupId,
    Arn: g.Arn,
    CreateDate: g.CreateDate,
    GroupPolicyList: inline as { PolicyName: string; PolicyDocument: string }[],
    AttachedManagedPolicies: attached,
  });
}

async function captureUser(
  c: Capture,
  iam: AwsClients['iam'],
  name: string,
  into: IamCollect,
): Promise<void> {
  const what = `user ${name}`;
  const [user, inline, attached, groups] = await Promise.all([
    c.read(what, PERMISSION.GetUser, () => iam.send(new GetUserCommand({ UserName: name }))),
    inlinePolicies(
      c,
      what,
      (Marker) => iam.send(new ListUserPoliciesCommand({ UserName: name, ...(Marker ? { Marker } : {}) })),
      (PolicyName) => iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName })),
      PERMISSION.ListUserPolicies,
      PERMISSION.GetUserPolicy,
    ),
    attachedPolicies(c, what, PERMISSION.ListAttachedUserPolicies, (Marker) =>
      iam.send(new ListAttachedUserPoliciesCommand({ UserName: name, ...(Marker ? { Marker } : {}) })),
    ),
    c.pages(`${what} groups`, PERMISSION.ListGroupsForUser, async (Marker) => {
      const r = await iam.send(
        new ListGroupsForUserCommand({ UserName: name, ...(Marker ? { Marker } : {}) }),
      );
      return { items: r.Groups ?? [], next: r.IsTruncated ? r.Marker : undefined };
    }),
  ]);
  if (!user.ok || !user.value.User || !inline || !attached || !groups) return;
  const u = user.value.User;
  const managedArns = [
    ...attached.map((a) => a.PolicyArn ?? ''),
    u.PermissionsBoundary?.PermissionsBoundaryArn ?? '',
  ].filter((a) => a !== '');
  await Promise.all([
    ...managedArns.map((a) => managedPolicy(c, iam, a, into)),
    ...groups.map((g) => captureGroup(c, iam, g, into)),
  ]);
  into.users.push({
    Path: u.Path,
    UserName: u.UserName,
    UserId: u.UserId,
    Arn: u.Arn,
    CreateDate: u.CreateDate,
    UserPolicyList: inline as { PolicyName: string; PolicyDocument: string }[],
    GroupList: groups.map((g) => g.GroupName ?? '').filter((g) => g !== ''),
    AttachedManagedPolicies: attached,
    ...(u.PermissionsBoundary ? { PermissionsBoundary: u.PermissionsBoundary } : {}),
    ...(u.Tags ? { Tags: u.Tags } : {}),
  });
}

/** Decodes the URL-encoded documents of a GetAccountAuthorizationDetails page. */
function decodeDetails(d: {
  UserDetailList?: UserDetail[];
  GroupDetailList?: GroupDetail[];
  RoleDetailList?: RoleDetail[];
  Policies?: ManagedPolicyDetail[];
}): IamCollect {
  const inline = (l: { PolicyName?: string; PolicyDocument?: string }[] | undefined) =>
    (l ?? []).map((p) => ({ ...p, PolicyDocument: policyDocument(p.PolicyDocument) as string }));
  return {
    users: (d.UserDetailList ?? []).map((u) => ({ ...u, UserPolicyList: inline(u.UserPolicyList) })),
    groups: (d.GroupDetailList ?? []).map((g) => ({ ...g, GroupPolicyList: inline(g.GroupPolicyList) })),
    roles: (d.RoleDetailList ?? []).map((r) => ({
      ...r,
      AssumeRolePolicyDocument: policyDocument(r.AssumeRolePolicyDocument) as string,
      RolePolicyList: inline(r.RolePolicyList),
    })),
    policies: new Map(
      (d.Policies ?? []).map((p) => [
        p.Arn ?? '',
        {
          ...p,
          PolicyVersionList: (p.PolicyVersionList ?? []).map((v) => ({
            ...v,
            Document: policyDocument(v.Document) as string,
          })),
        },
      ]),
    ),
  };
}

async function captureIam(
  c: Capture,
  iam: AwsClients['iam'],
  accountId: string | null,
): Promise<Json | undefined> {
  const into: IamCollect = { users: [], groups: [], roles: [], policies: new Map() };
  if (c.allIam) {
    let complete = true;
    let marker: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const current = marker;
      const page = await c.read('IAM authorization details', PERMISSION.GetAccountAuthorizationDetails, () =>
        iam.send(new GetAccountAuthorizationDetailsCommand({ ...(current ? { Marker: current } : {}) })),
      );
      if (!page.ok) {
        complete = false;
        break;
      }
      const d = decodeDetails(page.value);
      into.users.push(...d.users);
      into.groups.push(...d.groups);
      into.roles.push(...d.roles);
      for (const [k, v] of d.policies) into.policies.set(k, v);
      marker = page.value.IsTruncated ? page.value.Marker : undefined;
      if (!marker) break;
    }
    c.step('IAM authorization details');
    if (!complete) return undefined;
  }
  for (const arn of c.principalArns) {
    const id = parseIdentityArn(arn);
    if (!id || id.kind === 'root') {
      if (!id) c.problems.push(`principal ${arn}: not an IAM user, role or assumed-role ARN`);
      c.step(`principal ${arn}`);
      continue;
    }
    if (accountId !== null && id.accountId !== accountId) {
      c.problems.push(
        `principal ${arn}: belongs to account ${id.accountId}, not the capturing account ${accountId}; capture it from that account`,
      );
    } else if (!c.allIam) {
      if (id.kind === 'role') await captureRole(c, iam, id.name, into);
      else await captureUser(c, iam, id.name, into);
    }
    c.step(`principal ${arn}`);
  }
  return plain({
    UserDetailList: into.users,
    GroupDetailList: into.groups,
    RoleDetailList: into.roles,
    Policies: [...into.policies.values()],
  }) as Json;
}

// ---------------------------------------------------------------------------------------------- Organizations

async function captureOrgPolicies(
  c: Capture,
  org: AwsClients['organizations'],
  filter: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY',
): Promise<Json[] | undefined> {
  const summaries = await c.pages<PolicySummary>(
    `organization ${filter} list`,
    PERMISSION.ListPolicies,
    async (NextToken) => {
      const r = await org.send(
        new ListPoliciesCommand({ Filter: filter, ...(NextToken ? { NextToken } : {}) }),
      );
      return { items: r.Policies ?? [], next: r.NextToken };
    },
  );
  if (!summaries) return undefined;
  const out = await Promise.all(
    summaries.map(async (s) => {
      const [described, targets] = await Promise.all([
        c.read(`organization policy ${s.Id ?? ''}`, PERMISSION.DescribePolicy, () =>
          org.send(new DescribePolicyCommand({ PolicyId: s.Id })),
        ),
        c.pages(
          `targets of organization policy ${s.Id ?? ''}`,
          PERMISSION.ListTargetsForPolicy,
          async (NextToken) => {
            const r = await org.send(
              new ListTargetsForPolicyCommand({ PolicyId: s.Id, ...(NextToken ? { NextToken } : {}) }),
            );
            return { items: r.Targets ?? [], next: r.NextToken };
          },
        ),
      ]);
      if (!described.ok || !targets) return undefined;
      return {
        Id: s.Id,
        Name: s.Name,
        Arn: s.Arn,
        AwsManaged: s.AwsManaged,
        Targets: targets.map((t) => t.TargetId ?? '').filter((t) => t !== ''),
        Content: policyDocument(described.value.Policy?.Content),
      };
    }),
  );
  return out.some((p) => p === undefined) ? undefined : (plain(out) as Json[]);
}

async function captureOrganization(
  c: Capture,
  org: AwsClients['organizations'],
  accountId: string | null,
): Promise<{ organization: Json | null | undefined; path: string[] | undefined }> {
  const d = await c.read('organization', PERMISSION.DescribeOrganization, () =>
    org.send(new DescribeOrganizationCommand({})),
  );
  if (!d.ok) return { organization: d.failure.kind === 'absent' ? null : undefined, path: undefined };
  const o = d.value.Organization;
  const organization: Json = { Id: o?.Id, MasterAccountId: o?.MasterAccountId, Arn: o?.Arn };
  const [accounts, scps, rcps, path] = await Promise.all([
    c.pages<Account>('organization accounts', PERMISSION.ListAccounts, async (NextToken) => {
      const r = await org.send(new ListAccountsCommand({ ...(NextToken ? { NextToken } : {}) }));
      return { items: r.Accounts ?? [], next: r.NextToken };
    }),
    captureOrgPolicies(c, org, 'SERVICE_CONTROL_POLICY'),
    captureOrgPolicies(c, org, 'RESOURCE_CONTROL_POLICY'),
    accountId === null ? Promise.resolve(undefined) : orgPath(c, org, accountId),
  ]);
  if (accounts) organization.Accounts = plain(accounts);
  if (scps) organization.serviceControlPolicies = scps;
  if (rcps) organization.resourceControlPolicies = rcps;
  return { organization: plain(organization) as Json, path };
}

/** list-parents walked to the root, nearest first (the account itself excluded). */
async function orgPath(
  c: Capture,
  org: AwsClients['organizations'],
  accountId: string,
): Promise<string[] | undefined> {
  const path: string[] = [];
  let child = accountId;
  for (let i = 0; i < 8; i++) {
    const r = await c.read(`organization parents of ${child}`, PERMISSION.ListParents, () =>
      org.send(new ListParentsCommand({ ChildId: child })),
    );
    const parent = r.ok ? r.value.Parents?.[0] : undefined;
    if (!parent?.Id) return undefined;
    path.push(parent.Id);
    if (parent.Type === 'ROOT') return path;
    child = parent.Id;
  }
  return path;
}

// ---------------------------------------------------------------------------------------------- VPC endpoints, KMS

/** vpce-… ids named in bucket policies (aws:SourceVpce conditions). */
function vpceIdsIn(doc: unknown): string[] {
  return [...new Set(JSON.stringify(doc ?? null).match(/vpce-[0-9a-f]{8,17}/g) ?? [])];
}

async function captureVpce(c: Capture, region: string, id: string): Promise<Json | undefined> {
  const r = await c.read(`VPC endpoint ${id} (${region})`, PERMISSION.DescribeVpcEndpoints, () =>
    c.clients(region).ec2.send(new (ec2Sdk().DescribeVpcEndpointsCommand)({ VpcEndpointIds: [id] })),
  );
  const e = r.ok ? r.value.VpcEndpoints?.[0] : undefined;
  if (r.ok && !e)
    c.problems.push(`VPC endpoint ${id}: not visible in ${region} (it may belong to another account)`);
  // Region: s3-403's own field (the snapshot format), where the endpoint was found, as the live view uses it
  return e ? { ...(plain(e) as Json), Region: region } : undefined;
}

async function captureKey(
  c: Capture,
  ref: string,
  region: string,
  accountId: string | null,
): Promise<[string, Json] | undefined> {
  const k = keyRef(ref, { region, accountId, partition: partitionOf(region) });
  const kms = c.clients(k.region).kms;
  const { DescribeKeyCommand, GetKeyPolicyCommand, ListAliasesCommand, ListGrantsCommand } = kmsSdk();
  const d = await c.read(`KMS key ${ref}`, PERMISSION.DescribeKey, () =>
    kms.send(new DescribeKeyCommand({ KeyId: k.keyId })),
  );
  const meta = d.ok ? d.value.KeyMetadata : undefined;
  if (!meta?.Arn) return undefined;
  const arn = meta.Arn;
  const [policy, grants, aliases] = await Promise.all([
    c.read(`KMS key ${arn} policy`, PERMISSION.GetKeyPolicy, () =>
      kms.send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: 'default' })),
    ),
    c.pages<GrantListEntry>(`KMS key ${arn} grants`, PERMISSION.ListGrants, async (Marker) => {
      const r = await kms.send(new ListGrantsCommand({ KeyId: arn, ...(Marker ? { Marker } : {}) }));
      return { items: r.Grants ?? [], next: r.Truncated ? r.NextMarker : undefined };
    }),
    c.pages(`KMS key ${arn} aliases`, PERMISSION.ListAliases, async (Marker) => {
      const r = await kms.send(new ListAliasesCommand({ KeyId: arn, ...(Marker ? { Marker } : {}) }));
      return { items: r.Aliases ?? [], next: r.Truncated ? r.NextMarker : undefined };
    }),
  ]);
  const entry: Json = { KeyManager: meta.KeyManager, KeyState: meta.KeyState };
  if (policy.ok) entry.KeyPolicy = policyDocument(policy.value.Policy);
  if (grants) entry.Grants = grants;
  if (aliases) entry.Aliases = aliases.map((a) => a.AliasName ?? '').filter((a) => a !== '');
  return [arn, plain(entry) as Json];
}

// ---------------------------------------------------------------------------------------------- access points

/**
 * The capturing account's access points of a bucket (s3control list-access-points --bucket), each as SNAPSHOT.md
 * `accessPoints[arn]`: get-access-point (network origin, VPC, Block Public Access), get-access-point-policy (null
 * when none) and list-tags-for-resource .Tags (aws:ResourceTag of a request through it).
 */
async function captureAccessPoints(
  c: Capture,
  bucket: string,
  accountId: string,
  region: string,
): Promise<(readonly [string, Json])[]> {
  const s3control = c.clients(region).s3control;
  const AccountId = accountId;
  const list = await c.pages<AccessPoint>(
    `access points of bucket ${bucket}`,
    PERMISSION.ListAccessPoints,
    async (NextToken) => {
      const r = await s3control.send(
        new ListAccessPointsCommand({ AccountId, Bucket: bucket, ...(NextToken ? { NextToken } : {}) }),
      );
      return { items: r.AccessPointList ?? [], next: r.NextToken };
    },
  );
  return Promise.all(
    (list ?? []).flatMap((a) => {
      const { AccessPointArn: arn, Name } = a;
      if (!arn || !Name) return [];
      return [
        (async () => {
          const [point, policy, tags] = await Promise.all([
            c.read(`access point ${arn}`, PERMISSION.GetAccessPoint, () =>
              s3control.send(new GetAccessPointCommand({ AccountId, Name })),
            ),
            c.readOrNull(
              `access point ${arn} policy`,
              PERMISSION.GetAccessPointPolicy,
              () => s3control.send(new GetAccessPointPolicyCommand({ AccountId, Name })),
              (v) => (v.Policy ? policyDocument(v.Policy) : null),
            ),
            c.read(`access point ${arn} tags`, PERMISSION.ListTagsForResource, () =>
              s3control.send(new ListTagsForResourceCommand({ AccountId, ResourceArn: arn })),
            ),
          ]);
          const entry: Json = { Name, Bucket: bucket };
          if (point.ok) {
            const p = point.value;
            if (p.BucketAccountId) entry.BucketAccountId = p.BucketAccountId;
            if (p.NetworkOrigin) entry.NetworkOrigin = p.NetworkOrigin;
            if (p.VpcConfiguration) entry.VpcConfiguration = plain(p.VpcConfiguration) as Json;
            if (p.PublicAccessBlockConfiguration)
              entry.PublicAccessBlockConfiguration = plain(p.PublicAccessBlockConfiguration) as Json;
          }
          if (policy !== undefined) entry.Policy = policy as Json;
          if (tags.ok) entry.Tags = plain(tags.value.Tags ?? []) as Json;
          return [arn, entry] as const;
        })(),
      ];
    }),
  );
}

// ---------------------------------------------------------------------------------------------- entry point

export async function captureSnapshot(
  opts: CaptureOptions,
): Promise<{ snapshot: unknown; problems: string[] }> {
  const c = new Capture(opts);
  const region = baseRegion(opts.region);
  const own = c.clients(region);
  c.total = 3 + opts.buckets.length + opts.principals.length + (opts.allIam ? 1 : 0);

  const who = await c.read('caller identity', PERMISSION.GetCallerIdentity, () =>
    own.sts.send(new GetCallerIdentityCommand({})),
  );
  const accountId = who.ok ? (who.value.Account ?? null) : null;
  c.step('caller identity');

  const accountPabP = accountId
    ? c
        .readOrNull(
          `account ${accountId} Block Public Access`,
          PERMISSION.GetAccountPublicAccessBlock,
          () => own.s3control.send(new GetAccountPublicAccessBlockCommand({ AccountId: accountId })),
          (v) => v.PublicAccessBlockConfiguration ?? null,
        )
        .finally(() => c.step('account Block Public Access'))
    : Promise.resolve(undefined).finally(() => c.step('account Block Public Access'));
  const bucketsP = Promise.all(
    opts.buckets.map((b) =>
      captureBucket(c, b, accountId, region).then((r) => {
        c.step(`bucket ${b}`);
        return [b, r] as const;
      }),
    ),
  );
  const iamP = captureIam(c, own.iam, accountId);
  const orgP = captureOrganization(c, own.organizations, accountId).finally(() => c.step('organization'));
  const [accountPab, buckets, iamDetails, org] = await Promise.all([accountPabP, bucketsP, iamP, orgP]);

  // Referenced VPC endpoints and KMS keys.
  const vpces = new Map<string, string>();
  const keys = new Map<string, { region: string; accountId: string | null }>();
  for (const [, b] of buckets) {
    const bRegion = typeof b.region === 'string' ? b.region : region;
    for (const id of vpceIdsIn(b.policy)) if (!vpces.has(id)) vpces.set(id, bRegion);
    const rule = (
      b.encryption as
        | {
            Rules?: {
              ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string };
            }[];
          }
        | null
        | undefined
    )?.Rules?.[0];
    const def = rule?.ApplyServerSideEncryptionByDefault;
    if (def?.SSEAlgorithm?.startsWith('aws:kms') && def.KMSMasterKeyID)
      keys.set(def.KMSMasterKeyID, { region: bRegion, accountId });
  }
  c.total += vpces.size + keys.size + (accountId ? buckets.length : 0);
  const [vpceEntries, keyEntries, apEntries] = await Promise.all([
    Promise.all(
      [...vpces].map(
        async ([id, r]) =>
          [id, await captureVpce(c, r, id).finally(() => c.step(`VPC endpoint ${id}`))] as const,
      ),
    ),
    Promise.all(
      [...keys].map(async ([ref, where]) =>
        captureKey(c, ref, where.region, where.accountId).finally(() => c.step(`KMS key ${ref}`)),
      ),
    ),
    Promise.all(
      accountId
        ? buckets.map(async ([name, b]) =>
            captureAccessPoints(c, name, accountId, typeof b.region === 'string' ? b.region : region).finally(
              () => c.step(`access points of ${name}`),
            ),
          )
        : [],
    ),
  ]);

  const account: Json = {};
  if (accountPab !== undefined) account.publicAccessBlock = plain(accountPab);
  if (iamDetails !== undefined) account.authorizationDetails = iamDetails;
  if (org.path !== undefined) account.organizationPath = org.path;
  const snapshot: Json = {
    snapshotVersion: 1,
    capturedAt: new Date().toISOString(),
    accounts: accountId ? { [accountId]: account } : {},
    ...(org.organization !== undefined ? { organization: org.organization } : {}),
    buckets: Object.fromEntries(buckets),
    accessPoints: Object.fromEntries(apEntries.flat()),
    vpcEndpoints: Object.fromEntries(
      vpceEntries.filter((e): e is readonly [string, Json] => e[1] !== undefined),
    ),
    kmsKeys: Object.fromEntries(keyEntries.filter((e): e is [string, Json] => e !== undefined)),
  };
  return { snapshot, problems: c.problems };
}
