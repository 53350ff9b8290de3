/**
 * The IAM permission each read needs (named in an unknown('accessDenied') when the auditor lacks it), and the
 * full list the auditor role must be granted. Sources: the "Permissions" sections of the S3, S3 Control, IAM,
 * EC2, KMS and Organizations API references, and the Service Authorization Reference.
 */

export const PERMISSION = {
  // S3 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html)
  GetBucketPolicy: 's3:GetBucketPolicy',
  GetBucketPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  GetBucketOwnershipControls: 's3:GetBucketOwnershipControls',
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  GetBucketAcl: 's3:GetBucketAcl',
  GetBucketLocation: 's3:GetBucketLocation',
  /**
   * Object existence: ListObjectsV2 needs s3:ListBucket, ListObjectVersions needs s3:ListBucketVersions
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html,
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html). Neither reads content.
   */
  ListObjectsV2: 's3:ListBucket',
  ListObjectVersions: 's3:ListBucketVersions',
  /**
   * HeadObject needs s3:GetObject (s3:GetObjectVersion with a version id), which also allow reading the
   * content: called only with the view option `objectMetadata`.
   */
  HeadObject: 's3:GetObject',
  HeadObjectVersion: 's3:GetObjectVersion',
  GetObjectAcl: 's3:GetObjectAcl',
  GetObjectVersionAcl: 's3:GetObjectVersionAcl',
  /**
   * Issue 19: Requester Pays (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketRequestPayment.html), the
   * Object Lock configuration and the version's retention and legal hold (API_GetObjectLockConfiguration.html,
   * API_GetObjectRetention.html, API_GetObjectLegalHold.html), the object's tags (API_GetObjectTagging.html). None
   * returns object content.
   */
  GetBucketRequestPayment: 's3:GetBucketRequestPayment',
  GetObjectLockConfiguration: 's3:GetBucketObjectLockConfiguration',
  GetObjectRetention: 's3:GetObjectRetention',
  GetObjectLegalHold: 's3:GetObjectLegalHold',
  GetObjectTagging: 's3:GetObjectTagging',
  /** MFA delete: the bucket's versioning configuration (API_GetBucketVersioning.html), read only for version deletes and versioning changes. */
  GetBucketVersioning: 's3:GetBucketVersioning',
  /**
   * S3 ABAC on general purpose buckets: whether it is enabled (API_GetBucketAbac.html) and the bucket's tags
   * (API_GetBucketTagging.html), read only when a policy of the request tests aws:ResourceTag.
   */
  GetBucketAbac: 's3:GetBucketAbac',
  GetBucketTagging: 's3:GetBucketTagging',
  GetObjectVersionTagging: 's3:GetObjectVersionTagging',
  // S3 Control
  GetAccountPublicAccessBlock: 's3:GetAccountPublicAccessBlock',
  GetAccessPoint: 's3:GetAccessPoint',
  GetAccessPointPolicy: 's3:GetAccessPointPolicy',
  /** `s3-403 snapshot` only: the access points of each captured bucket. */
  ListAccessPoints: 's3:ListAccessPoints',
  /**
   * The access point's tags (API_control_ListTagsForResource.html), aws:ResourceTag of a request through it: read only
   * when a policy of the request tests aws:ResourceTag.
   */
  ListTagsForResource: 's3:ListTagsForResource',
  // IAM
  GetRole: 'iam:GetRole',
  ListAttachedRolePolicies: 'iam:ListAttachedRolePolicies',
  ListRolePolicies: 'iam:ListRolePolicies',
  GetRolePolicy: 'iam:GetRolePolicy',
  GetUser: 'iam:GetUser',
  ListAttachedUserPolicies: 'iam:ListAttachedUserPolicies',
  ListUserPolicies: 'iam:ListUserPolicies',
  GetUserPolicy: 'iam:GetUserPolicy',
  ListGroupsForUser: 'iam:ListGroupsForUser',
  ListAttachedGroupPolicies: 'iam:ListAttachedGroupPolicies',
  ListGroupPolicies: 'iam:ListGroupPolicies',
  GetGroupPolicy: 'iam:GetGroupPolicy',
  GetPolicy: 'iam:GetPolicy',
  GetPolicyVersion: 'iam:GetPolicyVersion',
  GetAccountAuthorizationDetails: 'iam:GetAccountAuthorizationDetails',
  SimulatePrincipalPolicy: 'iam:SimulatePrincipalPolicy',
  // EC2
  DescribeVpcEndpoints: 'ec2:DescribeVpcEndpoints',
  // KMS
  DescribeKey: 'kms:DescribeKey',
  GetKeyPolicy: 'kms:GetKeyPolicy',
  ListGrants: 'kms:ListGrants',
  ListAliases: 'kms:ListAliases',
  // Organizations (ListParents and the policy reads work only from the management or a delegated admin account)
  DescribeOrganization: 'organizations:DescribeOrganization',
  ListParents: 'organizations:ListParents',
  ListPoliciesForTarget: 'organizations:ListPoliciesForTarget',
  DescribePolicy: 'organizations:DescribePolicy',
  ListAccounts: 'organizations:ListAccounts',
  ListPolicies: 'organizations:ListPolicies',
  ListTargetsForPolicy: 'organizations:ListTargetsForPolicy',
  // CloudTrail: the change lookup (lambdas/adapters/changes) reads the event history.
  LookupEvents: 'cloudtrail:LookupEvents',
  // STS: GetCallerIdentity needs no permission; AssumeRole is granted on the member role only.
  GetCallerIdentity: 'sts:GetCallerIdentity',
  AssumeRole: 'sts:AssumeRole',
} as const;

const NOT_GRANTED_AS_READS: ReadonlySet<string> = new Set([
  PERMISSION.AssumeRole,
  PERMISSION.GetCallerIdentity,
]);

const sorted = (actions: Iterable<string>): string[] => [...new Set(actions)].sort();

/**
 * Called only by `s3-403 snapshot` (captureSnapshot), never by the Lambda: listing every account of the
 * organization, every SCP/RCP and their targets.
 */
export const SNAPSHOT_ONLY_PERMISSIONS: string[] = sorted([
  PERMISSION.ListAccessPoints,
  PERMISSION.ListAccounts,
  PERMISSION.ListPolicies,
  PERMISSION.ListTargetsForPolicy,
]);

/**
 * Object metadata (HeadObject: the object's own SSE algorithm and KMS key). Granted only with the view option
 * `objectMetadata` (stack prop `readObjectMetadata`): these permissions also allow reading object content.
 */
export const OBJECT_METADATA_PERMISSIONS: string[] = sorted([
  PERMISSION.HeadObject,
  PERMISSION.HeadObjectVersion,
]);

/**
 * Exactly what the Lambda calls by default: the live view's gather(), crossCheckWithSimulator
 * (iam:SimulatePrincipalPolicy) and the change lookup (cloudtrail:LookupEvents). No snapshot-only action and no
 * permission that reads object content. sts:AssumeRole is not in it: grant it only on the member role ARN.
 */
export const LAMBDA_READ_PERMISSIONS: string[] = sorted(
  Object.values(PERMISSION).filter(
    (p) =>
      !NOT_GRANTED_AS_READS.has(p) &&
      !SNAPSHOT_ONLY_PERMISSIONS.includes(p) &&
      !OBJECT_METADATA_PERMISSIONS.includes(p),
  ),
);

/**
 * Every IAM action the live view (with `objectMetadata`), the snapshot capture, the simulator cross-check and the
 * change lookup call (Resource "*"): the policy of a person running `s3-403 snapshot` / `s3-403 explain --live`.
 * sts:AssumeRole is not in this list: grant it only on the member role ARN (organization mode).
 * Note: s3:GetObject / s3:GetObjectVersion (OBJECT_METADATA_PERMISSIONS) also allow reading object content.
 */
export const AUDITOR_READ_PERMISSIONS: string[] = sorted([
  ...LAMBDA_READ_PERMISSIONS,
  ...OBJECT_METADATA_PERMISSIONS,
  ...SNAPSHOT_ONLY_PERMISSIONS,
]);
