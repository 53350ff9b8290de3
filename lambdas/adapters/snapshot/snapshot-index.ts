/**
 * Lookup maps over a loaded snapshot, built once, so that gathering the facts of one request is O(request):
 * IAM identities by ARN, by (account, name) and by unique id; managed policies by ARN; KMS keys by ARN, alias ARN
 * and, within their account, key id and alias; organization policies by target.
 */
import { isBareKmsRef } from '../../core/fix/kms-ref';
import type {
  Snapshot,
  SnapshotAccount,
  SnapshotBucket,
  SnapshotGroup,
  SnapshotKmsKey,
  SnapshotManagedPolicy,
  SnapshotOrgPolicy,
  SnapshotRole,
  SnapshotSession,
  SnapshotUser,
} from './schema';

export type Identity =
  | { readonly kind: 'user'; readonly accountId: string; readonly entry: SnapshotUser }
  | { readonly kind: 'role'; readonly accountId: string; readonly entry: SnapshotRole };

export interface AccountIndex {
  readonly id: string;
  readonly account: SnapshotAccount;
  readonly hasIam: boolean;
  readonly usersByName: ReadonlyMap<string, SnapshotUser>;
  readonly rolesByName: ReadonlyMap<string, SnapshotRole>;
  readonly groupsByName: ReadonlyMap<string, SnapshotGroup>;
}

/** `arn:aws:iam::111122223333:role/path/Name` -> { accountId, type: 'role', name: 'Name' }. */
export function parseIamArn(arn: string): { accountId: string; type: string; name: string } | null {
  const m = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):([a-z-]+)(?:\/(.*))?$/.exec(arn);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const rest = m[3] ?? '';
  const parts = rest.split('/');
  return { accountId: m[1], type: m[2], name: parts[parts.length - 1] ?? '' };
}

export class SnapshotIndex {
  readonly accounts = new Map<string, AccountIndex>();
  readonly identitiesByArn = new Map<string, Identity>();
  readonly identitiesByUniqueId = new Map<string, Identity>();
  readonly managedPolicies = new Map<string, SnapshotManagedPolicy>();
  /** KMS keys by key ARN and alias ARN. */
  readonly kmsKeys = new Map<string, { arn: string; entry: SnapshotKmsKey }>();
  /** KMS keys by "account|key id" and "account|alias/name": a bare reference names a key of one account only. */
  private readonly kmsKeysInAccount = new Map<string, { arn: string; entry: SnapshotKmsKey }>();
  readonly scpByTarget = new Map<string, SnapshotOrgPolicy[]>();
  readonly rcpByTarget = new Map<string, SnapshotOrgPolicy[]>();
  readonly orgAccountIds: ReadonlySet<string> | null;
  /** Canonical user ids by account id: accounts.<id>.canonicalUserId, else the Owner.ID of a bucket / object ACL. */
  readonly canonicalIds: Readonly<Record<string, string>>;
  /** `sessions` by session ARN or access key id. */
  readonly sessions: ReadonlyMap<string, SnapshotSession>;
  /** `buckets` by name, with the snapshot's own text of the name. */
  readonly buckets: ReadonlyMap<string, { readonly name: string; readonly entry: SnapshotBucket }>;

  constructor(readonly snapshot: Snapshot) {
    this.sessions = new Map(Object.entries(snapshot.sessions ?? {}));
    this.buckets = new Map(
      Object.entries(snapshot.buckets ?? {}).map(([name, entry]) => [name, { name, entry }]),
    );
    for (const [id, account] of Object.entries(snapshot.accounts ?? {})) this.indexAccount(id, account);
    this.canonicalIds = canonicalIdsOf(snapshot);
    for (const [arn, entry] of Object.entries(snapshot.kmsKeys ?? {})) this.indexKmsKey(arn, entry);
    const org = snapshot.organization;
    this.orgAccountIds = org?.Accounts ? new Set(org.Accounts.map((a) => a.Id)) : null;
    for (const p of org?.serviceControlPolicies ?? [])
      for (const t of p.Targets) push(this.scpByTarget, t, p);
    for (const p of org?.resourceControlPolicies ?? [])
      for (const t of p.Targets) push(this.rcpByTarget, t, p);
  }

  private indexAccount(id: string, account: SnapshotAccount): void {
    const details = account.authorizationDetails;
    const usersByName = new Map<string, SnapshotUser>();
    const rolesByName = new Map<string, SnapshotRole>();
    const groupsByName = new Map<string, SnapshotGroup>();
    for (const user of details?.UserDetailList ?? []) {
      usersByName.set(user.UserName, user);
      const identity: Identity = { kind: 'user', accountId: id, entry: user };
      this.identitiesByArn.set(user.Arn, identity);
      if (user.UserId) this.identitiesByUniqueId.set(user.UserId, identity);
    }
    for (const role of details?.RoleDetailList ?? []) {
      rolesByName.set(role.RoleName, role);
      const identity: Identity = { kind: 'role', accountId: id, entry: role };
      this.identitiesByArn.set(role.Arn, identity);
      if (role.RoleId) this.identitiesByUniqueId.set(role.RoleId, identity);
    }
    for (const group of details?.GroupDetailList ?? []) groupsByName.set(group.GroupName, group);
    for (const policy of details?.Policies ?? []) this.managedPolicies.set(policy.Arn, policy);
    this.accounts.set(id, {
      id,
      account,
      hasIam: details !== undefined,
      usersByName,
      rolesByName,
      groupsByName,
    });
  }

  /**
   * A key under its ARN and its alias ARNs (which name its account), and under its bare key id and alias names in its
   * own account only: AWS KMS resolves a bare key id or alias name in the caller's account, never in another
   * (https://docs.aws.amazon.com/kms/latest/developerguide/alias-using.html; core/fix/kms-ref.ts).
   */
  private indexKmsKey(arn: string, entry: SnapshotKmsKey): void {
    const key = { arn, entry };
    this.kmsKeys.set(arn, key);
    // an entry named by an alias ARN (a hand-made snapshot) is that alias's key in the account the ARN names
    const byAlias = /^arn:aws[a-z-]*:kms:[^:]*:(\d{12}):(alias\/.+)$/.exec(arn);
    if (byAlias) this.kmsKeysInAccount.set(`${byAlias[1]!}|${byAlias[2]!}`, key);
    const m = /^arn:aws[a-z-]*:kms:([^:]*):(\d{12}):key\/(.+)$/.exec(arn);
    if (m && m[2] !== undefined && m[3] !== undefined) {
      this.kmsKeysInAccount.set(`${m[2]}|${m[3]}`, key);
      for (const alias of entry.Aliases ?? []) {
        const name = alias.startsWith('alias/') ? alias : alias.replace(/^arn:[^:]+:kms:[^:]*:\d{12}:/, '');
        this.kmsKeysInAccount.set(`${m[2]}|${name}`, key);
        this.kmsKeys.set(`arn:aws:kms:${m[1]}:${m[2]}:${name}`, key);
      }
    }
  }

  /**
   * The key a reference names: a key ARN or alias ARN in the account it names; a bare key id or alias name only in
   * `account` (the account AWS KMS resolves it in: core/fix/kms-ref.ts kmsRefAccount), else an entry the snapshot
   * names by that very reference (which does not say its account).
   */
  kmsKey(ref: string, account: string | null): { arn: string; entry: SnapshotKmsKey } | null {
    if (!isBareKmsRef(ref)) return this.kmsKeys.get(ref) ?? null;
    const inAccount = account === null ? undefined : this.kmsKeysInAccount.get(`${account}|${ref}`);
    return inAccount ?? this.kmsKeys.get(ref) ?? null;
  }

  /** A user or role by ARN (with or without path), in its own account's authorizationDetails. */
  identityByArn(arn: string): Identity | null {
    const exact = this.identitiesByArn.get(arn);
    if (exact) return exact;
    const parsed = parseIamArn(arn);
    if (!parsed) return null;
    const account = this.accounts.get(parsed.accountId);
    if (!account) return null;
    if (parsed.type === 'role') {
      const entry = account.rolesByName.get(parsed.name);
      return entry ? { kind: 'role', accountId: parsed.accountId, entry } : null;
    }
    if (parsed.type === 'user') {
      const entry = account.usersByName.get(parsed.name);
      return entry ? { kind: 'user', accountId: parsed.accountId, entry } : null;
    }
    return null;
  }

  /** `AROA…:session` or `AIDA…`, resolved through RoleId / UserId in any account. */
  identityByUniqueId(principalId: string): Identity | null {
    const id = principalId.split(':')[0] ?? '';
    return this.identitiesByUniqueId.get(id) ?? null;
  }

  /** The default version's document of a managed policy, or null when the snapshot does not carry it. */
  managedPolicyDocument(arn: string): { name: string; document: Record<string, unknown> } | null {
    const policy = this.managedPolicies.get(arn);
    if (!policy) return null;
    const versions = policy.PolicyVersionList ?? [];
    const version =
      versions.find((v) => v.IsDefaultVersion === true) ??
      (policy.DefaultVersionId ? versions.find((v) => v.VersionId === policy.DefaultVersionId) : undefined) ??
      (versions.length === 1 ? versions[0] : undefined);
    if (!version?.Document) return null;
    return { name: policy.PolicyName ?? arn.split('/').pop() ?? arn, document: version.Document };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function canonicalIdsOf(snapshot: Snapshot): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (account: string | undefined, id: string | undefined): void => {
    if (account && id && out[account] === undefined) out[account] = id;
  };
  for (const [id, account] of Object.entries(snapshot.accounts ?? {})) add(id, account.canonicalUserId);
  for (const bucket of Object.values(snapshot.buckets ?? {})) {
    add(bucket.accountId, bucket.acl?.Owner?.ID);
    for (const o of Object.values(bucket.objects ?? {})) add(o.ownerAccountId, o.acl?.Owner?.ID);
  }
  return out;
}
