/**
 * The account as it would be after a policy change: the facts of a request with the proposed documents in
 * place of the current ones. The engine then runs on these facts exactly as it runs on the current ones
 * (`ProposedView` wraps any view: a snapshot or the live account), so "before" and "after" differ only by the
 * documents, never by the code path.
 *
 * What each proposed document replaces (docs/CLI.md, Preflight):
 * - bucket-policy BUCKET: the bucket policy of BUCKET.
 * - identity-policy MANAGED-POLICY-ARN: the default version of that customer managed policy, wherever it is
 *   attached (to the user, the role, the user's groups, or as a permissions boundary).
 * - identity-policy USER-OR-ROLE-ARN[#NAME]: the inline policy NAME of that user or role (added when it has
 *   none of that name); NAME defaults to the file's base name without extension.
 * - identity-policy GROUP-ARN[#NAME]: the inline policy NAME of that group, for every member.
 * - scp / rcp POLICY-ID (p-…, or the policy's ARN or name): that policy's content, wherever it is attached.
 * - scp / rcp TARGET[#NAME] (r-…, ou-…, or a 12-digit account id): a new policy NAME attached to that root, OU
 *   or account.
 * - vpc-endpoint-policy VPCE-ID: the policy of that VPC endpoint.
 * - bucket-abac BUCKET: the ABAC status of BUCKET (`document` is the AbacStatus, `{"Status": "Enabled"}`): with
 *   ABAC enabled the bucket's tags become aws:ResourceTag, with it disabled they stop taking part. AWS asks for
 *   exactly this audit before enabling it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html).
 * - blocked-encryption BUCKET: the encryption types BUCKET blocks (`document` is BlockedEncryptionTypes,
 *   `{"EncryptionType": ["SSE-C"]}` or `["NONE"]`), the rest of its default encryption as it is: which recorded
 *   uploads specify SSE-C and would be refused (https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html).
 * - mfa-delete BUCKET: the bucket's MFA delete (`document` is `{"MFADelete": "Enabled"}` or `Disabled`): which
 *   recorded version deletes and versioning changes only the root user with its MFA could then make
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMFADelete.html).
 *
 * For each request a proposal is `applied` (the facts changed), `not-applicable` (the request does not reach
 * it) or `unknown` (the fact it would change could not be read, so whether the request reaches it is not
 * known: e.g. the caller's identity policies when the change is a managed policy).
 */
import {
  isKnown,
  known,
  type BucketFacts,
  type Fact,
  type NamedPolicy,
  type OrgLevel,
  type PrincipalFacts,
  type AccessRequest,
  type RequestFacts,
} from '../model';
import { ownValue } from '../own';

export type ProposalKind =
  | 'bucket-policy'
  | 'identity-policy'
  | 'scp'
  | 'rcp'
  | 'vpc-endpoint-policy'
  | 'bucket-abac'
  | 'blocked-encryption'
  | 'mfa-delete';

export interface Proposal {
  readonly kind: ProposalKind;
  /** What the command line named: a bucket, an ARN, a policy id, a target, a VPC endpoint id. */
  readonly target: string;
  /** For an inline policy or a new SCP / RCP: its name. */
  readonly name: string;
  /** The proposed document (parsed JSON with a Statement). */
  readonly document: Readonly<Record<string, unknown>>;
  /** How the user wrote it, for messages: `--bucket-policy my-bucket=new.json`. */
  readonly label: string;
  /** SCP / RCP: other names of the same policy (its id, name and ARN, when the snapshot tells them). */
  readonly aliases?: readonly string[];
}

export type Applicability = 'applied' | 'not-applicable' | 'unknown';

export interface Substituted {
  readonly facts: RequestFacts;
  /** The labels of the proposals that changed these facts. */
  readonly applied: readonly string[];
  /** Proposals whose reach could not be told, with the missing fact. */
  readonly unknown: readonly { readonly label: string; readonly missing: string }[];
}

/** How a target of `--identity-policy` is read. */
export type IdentityTarget =
  | { readonly type: 'managed'; readonly arn: string }
  | {
      readonly type: 'user' | 'role' | 'group';
      readonly accountId: string;
      readonly name: string;
    };

const MANAGED = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/(?:.*\/)?[^/]+$/;
const IDENTITY = /^arn:aws[a-z-]*:iam::(\d{12}):(user|role|group)\/(?:.*\/)?([^/]+)$/;

/** The meaning of an `--identity-policy` target, or null when it is not an IAM policy, user, role or group ARN. */
export function identityTarget(target: string): IdentityTarget | null {
  if (MANAGED.test(target)) return { type: 'managed', arn: target };
  const m = IDENTITY.exec(target);
  if (!m) return null;
  return { type: m[2] as 'user' | 'role' | 'group', accountId: m[1]!, name: m[3]! };
}

/** Whether an SCP / RCP target names an attachment point (a new policy there) rather than a policy. */
export const isOrgTarget = (target: string): boolean =>
  /^r-[0-9a-z]{4,32}$/.test(target) ||
  /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(target) ||
  /^\d{12}$/.test(target);

const policyOf = (p: Proposal, source: NamedPolicy['source'], base?: NamedPolicy): NamedPolicy => ({
  name: base?.name ?? p.name,
  ...(base?.arn !== undefined ? { arn: base.arn } : {}),
  source,
  document: p.document,
});

/** The last path segment of an IAM ARN (the user or role name). */
const lastSegment = (arn: string): string | null => /\/([^/]+)$/.exec(arn)?.[1] ?? null;
const accountOf = (arn: string): string | null => /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1] ?? null;

/** The facts with every proposal applied that the request reaches. Pure: the input facts are not changed. */
export function substitute(
  request: AccessRequest,
  facts: RequestFacts,
  proposals: readonly Proposal[],
): Substituted {
  let out = facts;
  const applied: string[] = [];
  const unknownReach: { label: string; missing: string }[] = [];
  for (const p of proposals) {
    const r = applyOne(request, out, p);
    if (r.status === 'applied') {
      out = r.facts;
      applied.push(p.label);
    } else if (r.status === 'unknown') unknownReach.push({ label: p.label, missing: r.missing });
  }
  return { facts: out, applied, unknown: unknownReach };
}

type One =
  | { readonly status: 'applied'; readonly facts: RequestFacts }
  | { readonly status: 'not-applicable' }
  | { readonly status: 'unknown'; readonly missing: string };

const NA: One = { status: 'not-applicable' };
const missingOf = (f: Fact<unknown>, what: string): string =>
  f.status === 'unknown' ? `${what}: ${f.detail ?? f.reason}` : what;

function applyOne(request: AccessRequest, facts: RequestFacts, p: Proposal): One {
  switch (p.kind) {
    case 'bucket-policy':
      return bucketPolicy(facts, p);
    case 'identity-policy':
      return identityPolicy(request, facts, p);
    case 'scp':
    case 'rcp':
      return orgPolicy(facts, p);
    case 'vpc-endpoint-policy':
      return endpointPolicy(request, facts, p);
    case 'bucket-abac':
      return bucketAbac(facts, p);
    case 'blocked-encryption':
      return blockedEncryption(facts, p);
    case 'mfa-delete':
      return mfaDelete(facts, p);
  }
}

/**
 * The bucket with the proposed MFA delete (`document` is `{"MFADelete": "Enabled"}`): only the MFA delete layer reads
 * it, so the bucket's versioning state need not be known; enabling it keeps (or turns on) versioning, which MFA
 * delete needs (https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html).
 */
function mfaDelete(facts: RequestFacts, p: Proposal): One {
  const bucket = ownValue(facts.buckets, p.target);
  if (bucket === undefined) return NA;
  if (!isKnown(bucket)) return { status: 'unknown', missing: missingOf(bucket, `bucket ${p.target}`) };
  const mfa = p.document['MFADelete'] === 'Enabled' ? 'Enabled' : 'Disabled';
  const current = bucket.value.versioning?.status === 'known' ? bucket.value.versioning.value.status : null;
  const versioning = known({ status: mfa === 'Enabled' ? 'Enabled' : current, mfaDelete: mfa } as const);
  return {
    status: 'applied',
    facts: { ...facts, buckets: { ...facts.buckets, [p.target]: known({ ...bucket.value, versioning }) } },
  };
}

/**
 * A proposal that changes one bucket: not applicable to a request that does not name the bucket, unknown when the
 * bucket's facts (or the one `change` needs) were not read.
 */
function onBucket(
  facts: RequestFacts,
  p: Proposal,
  change: (bucket: BucketFacts) => BucketFacts | { readonly missing: string },
): One {
  const bucket = ownValue(facts.buckets, p.target);
  if (bucket === undefined) return NA;
  if (!isKnown(bucket)) return { status: 'unknown', missing: missingOf(bucket, `bucket ${p.target}`) };
  const next = change(bucket.value);
  if ('missing' in next) return { status: 'unknown', missing: next.missing };
  return { status: 'applied', facts: { ...facts, buckets: { ...facts.buckets, [p.target]: known(next) } } };
}

/** The bucket with the proposed blocked encryption types; its default encryption rule as it is (SSE-S3 when none). */
function blockedEncryption(facts: RequestFacts, p: Proposal): One {
  return onBucket(facts, p, (bucket) => {
    const current = bucket.encryption;
    if (!isKnown(current))
      return { missing: missingOf(current, `the default encryption of bucket ${p.target}`) };
    const types = p.document['EncryptionType'];
    const encryption = known({
      ...(current.value ?? { algorithm: 'AES256', kmsKeyId: null, bucketKeyEnabled: false }),
      blockedEncryptionTypes: known(Array.isArray(types) ? types.map(String) : []),
    });
    return { ...bucket, encryption };
  });
}

function bucketAbac(facts: RequestFacts, p: Proposal): One {
  return onBucket(facts, p, (bucket) => ({ ...bucket, abac: known(p.document['Status'] === 'Enabled') }));
}

function bucketPolicy(facts: RequestFacts, p: Proposal): One {
  const policy: NamedPolicy = {
    name: p.target,
    arn: `arn:aws:s3:::${p.target}`,
    source: 'bucket-policy',
    document: p.document,
  };
  return onBucket(facts, p, (bucket) => ({ ...bucket, policy: known(policy) }));
}

function identityPolicy(request: AccessRequest, facts: RequestFacts, p: Proposal): One {
  const target = identityTarget(p.target);
  if (target === null || facts.principal === null) return NA;
  const principal = facts.principal;
  // A customer managed policy, a group, a user or a role belongs to one account: other callers never reach it.
  const owner = target.type === 'managed' ? accountOf(target.arn) : target.accountId;
  const caller = isKnown(principal) ? principal.value.accountId : request.principal.accountId;
  if (owner !== null && caller !== null && owner !== caller) return NA;
  if (!isKnown(principal)) {
    // Whether the caller is (or is attached to) the target is not known without its IAM facts.
    if (target.type === 'managed' || target.type === 'group')
      return { status: 'unknown', missing: missingOf(principal, 'the caller’s identity policies') };
    const arn = request.principal.identityArn;
    if (arn !== null && !sameIdentity(arn, target)) return NA;
    return { status: 'unknown', missing: missingOf(principal, 'the caller’s identity policies') };
  }
  const f = principal.value;
  const next = replaceIdentity(f, target, p);
  return next === null ? NA : { status: 'applied', facts: { ...facts, principal: known(next) } };
}

function sameIdentity(arn: string, t: Exclude<IdentityTarget, { type: 'managed' }>): boolean {
  const kind = /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\//.exec(arn)?.[1];
  return kind === t.type && accountOf(arn) === t.accountId && lastSegment(arn) === t.name;
}

function replaceIdentity(f: PrincipalFacts, t: IdentityTarget, p: Proposal): PrincipalFacts | null {
  if (t.type === 'managed') {
    let changed = false;
    const identityPolicies = f.identityPolicies.map((x) => {
      if (x.arn !== t.arn) return x;
      changed = true;
      return policyOf(p, x.source, x);
    });
    let boundary = f.permissionsBoundary;
    if (boundary?.arn === t.arn) {
      changed = true;
      boundary = policyOf(p, 'permissions-boundary', boundary);
    }
    return changed ? { ...f, identityPolicies, permissionsBoundary: boundary } : null;
  }
  if (accountOf(f.identityArn) !== t.accountId) return null;
  if (t.type === 'group') {
    if (f.kind !== 'user' || !f.groups.includes(t.name)) return null;
    const name = `${t.name}/${p.name}`;
    return { ...f, identityPolicies: upsertInline(f.identityPolicies, name, 'group-inline', p) };
  }
  if (f.kind !== t.type || lastSegment(f.identityArn) !== t.name) return null;
  return { ...f, identityPolicies: upsertInline(f.identityPolicies, p.name, 'identity-inline', p) };
}

function upsertInline(
  list: readonly NamedPolicy[],
  name: string,
  source: 'identity-inline' | 'group-inline',
  p: Proposal,
): NamedPolicy[] {
  const policy: NamedPolicy = { name, source, document: p.document };
  const i = list.findIndex((x) => x.source === source && x.name === name);
  return i < 0 ? [...list, policy] : list.map((x, j) => (j === i ? policy : x));
}

/** Whether an organization policy is the one a `--scp` / `--rcp` id (or one of its aliases) names. */
function namesPolicy(policy: NamedPolicy, p: Proposal): boolean {
  return [p.target, ...(p.aliases ?? [])].some(
    (id) =>
      policy.arn === id || (policy.arn !== undefined && policy.arn.endsWith(`/${id}`)) || policy.name === id,
  );
}

function orgPolicy(facts: RequestFacts, p: Proposal): One {
  const kind = p.kind as 'scp' | 'rcp';
  const levels = kind === 'scp' ? facts.scpLevels : facts.rcpLevels;
  if (!isKnown(levels))
    return {
      status: 'unknown',
      missing: missingOf(levels, kind === 'scp' ? 'the caller’s SCPs' : 'the bucket account’s RCPs'),
    };
  if (levels.value === null) return NA;
  let changed = false;
  const attach = isOrgTarget(p.target);
  const next: OrgLevel[] = levels.value.map((level) => {
    if (attach) {
      if (level.target !== p.target) return level;
      changed = true;
      return { ...level, policies: [...level.policies, policyOf(p, kind)] };
    }
    if (!level.policies.some((x) => namesPolicy(x, p))) return level;
    changed = true;
    return {
      ...level,
      policies: level.policies.map((x) => (namesPolicy(x, p) ? policyOf(p, kind, x) : x)),
    };
  });
  if (!changed) return NA;
  return {
    status: 'applied',
    facts: kind === 'scp' ? { ...facts, scpLevels: known(next) } : { ...facts, rcpLevels: known(next) },
  };
}

function endpointPolicy(request: AccessRequest, facts: RequestFacts, p: Proposal): One {
  const e = facts.vpcEndpoint;
  if (e === null || request.vpcEndpointId !== p.target) return NA;
  if (!isKnown(e))
    return { status: 'unknown', missing: missingOf(e, 'the VPC endpoint the request went through') };
  if (e.value.id !== p.target) return NA;
  const policy: NamedPolicy = { name: p.target, source: 'vpc-endpoint-policy', document: p.document };
  return { status: 'applied', facts: { ...facts, vpcEndpoint: known({ ...e.value, policy }) } };
}

/** Anything that gives the facts of a request (a snapshot view, the live account view). */
export interface FactsSource {
  gather(request: AccessRequest): Promise<RequestFacts>;
}

/**
 * The account after the change, as a view: the facts of the wrapped view with the proposals applied. Anything
 * that reads facts through a view (the engine, the checkers, `explain`'s analysis) sees the proposed account.
 */
export class ProposedView implements FactsSource {
  constructor(
    private readonly base: FactsSource,
    private readonly proposals: readonly Proposal[],
  ) {}

  async gather(request: AccessRequest): Promise<RequestFacts> {
    return substitute(request, await this.base.gather(request), this.proposals).facts;
  }
}
