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
  /** HeadObject needs s3:GetObject (s3:GetObjectVersion with a version id). */
  HeadObject: 's3:GetObject',
  HeadObjectVersion: 's3:GetObjectVersion',
  GetObjectAcl: 's3:GetObjectAcl',
  GetObjectVersionAcl: 's3:GetObjectVersionAcl',
  // S3 Control
  GetAccountPublicAccessBlock: 's3:GetAccountPublicAccessBlock',
  GetAccessPoint: 's3:GetAccessPoint',
  GetAccessPointPolicy: 's3:GetAccessPointPolicy',
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
  // STS: GetCallerIdentity needs no permission; AssumeRole is granted on the member role only.
  GetCallerIdentity: 'sts:GetCallerIdentity',
  AssumeRole: 'sts:AssumeRole',
} as const;

/**
 * Every IAM action the live view, the snapshot capture and the simulator cross-check call (Resource "*").
 * sts:AssumeRole is not in this list: grant it only on the member role ARN (organization mode).
 * Note: HeadObject requires s3:GetObject / s3:GetObjectVersion, which also allow reading object content.
 */
export const AUDITOR_READ_PERMISSIONS: string[] = [
  ...new Set(
    Object.values(PERMISSION).filter(
      (p) => p !== PERMISSION.AssumeRole && p !== PERMISSION.GetCallerIdentity,
    ),
  ),
].sort();
