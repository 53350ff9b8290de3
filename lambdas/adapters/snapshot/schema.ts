/**
 * zod schema of the account snapshot, version 1 (docs/SNAPSHOT.md).
 *
 * Tolerant: every object keeps unknown keys (looseObject), every field is optional (absent = not known).
 * Where a field may be `null`, null is a known "none" (no bucket policy, no ownership controls, ...).
 * Policy documents are decoded here, so the rest of the adapter only sees parsed objects.
 *
 * Extension to SNAPSHOT.md (optional, documented here and in lambdas/adapters/snapshot/README.md):
 *   "sessions": { "<session ARN or access key id>": { "Policy": {…} | null, "Tags": { "<key>": "<value>" } } }
 * carries the session policy of an assumed-role / federated session (`Policy: null` = known: none) and its session
 * tags (`Tags: {}` = known: none; absent = not known).
 *   "organization": null   means every account is known not to be in an organization.
 */
import { z } from 'zod';
import { decodePolicyDocument } from './policy-document';

/** A policy document in any of the three accepted forms, decoded to an object. */
const policyDocument = z.unknown().transform((value, ctx) => {
  const decoded = decodePolicyDocument(value);
  if (decoded.ok) return decoded.value;
  ctx.addIssue({ code: 'custom', message: decoded.problem });
  return z.NEVER;
});

/** Same, where `null` is a known "no policy". */
const nullablePolicyDocument = z.unknown().transform((value, ctx) => {
  if (value === null) return null;
  const decoded = decodePolicyDocument(value);
  if (decoded.ok) return decoded.value;
  ctx.addIssue({ code: 'custom', message: decoded.problem });
  return z.NEVER;
});

const publicAccessBlock = z.looseObject({
  BlockPublicAcls: z.boolean().optional(),
  IgnorePublicAcls: z.boolean().optional(),
  BlockPublicPolicy: z.boolean().optional(),
  RestrictPublicBuckets: z.boolean().optional(),
});

const tag = z.looseObject({ Key: z.string(), Value: z.string() });
const attachedPolicy = z.looseObject({ PolicyName: z.string().optional(), PolicyArn: z.string() });
const permissionsBoundary = z.looseObject({
  PermissionsBoundaryArn: z.string(),
  PermissionsBoundaryType: z.string().optional(),
});

const userDetail = z.looseObject({
  UserName: z.string(),
  UserId: z.string().optional(),
  Arn: z.string(),
  UserPolicyList: z
    .array(z.looseObject({ PolicyName: z.string(), PolicyDocument: policyDocument }))
    .optional(),
  GroupList: z.array(z.string()).optional(),
  AttachedManagedPolicies: z.array(attachedPolicy).optional(),
  PermissionsBoundary: permissionsBoundary.optional(),
  Tags: z.array(tag).optional(),
});

const groupDetail = z.looseObject({
  GroupName: z.string(),
  GroupId: z.string().optional(),
  Arn: z.string().optional(),
  GroupPolicyList: z
    .array(z.looseObject({ PolicyName: z.string(), PolicyDocument: policyDocument }))
    .optional(),
  AttachedManagedPolicies: z.array(attachedPolicy).optional(),
});

const roleDetail = z.looseObject({
  RoleName: z.string(),
  RoleId: z.string().optional(),
  Arn: z.string(),
  AssumeRolePolicyDocument: policyDocument.optional(),
  RolePolicyList: z
    .array(z.looseObject({ PolicyName: z.string(), PolicyDocument: policyDocument }))
    .optional(),
  AttachedManagedPolicies: z.array(attachedPolicy).optional(),
  PermissionsBoundary: permissionsBoundary.optional(),
  Tags: z.array(tag).optional(),
});

const managedPolicy = z.looseObject({
  PolicyName: z.string().optional(),
  Arn: z.string(),
  DefaultVersionId: z.string().optional(),
  PolicyVersionList: z
    .array(
      z.looseObject({
        Document: policyDocument.optional(),
        VersionId: z.string().optional(),
        IsDefaultVersion: z.boolean().optional(),
      }),
    )
    .optional(),
});

const authorizationDetails = z.looseObject({
  UserDetailList: z.array(userDetail).optional(),
  GroupDetailList: z.array(groupDetail).optional(),
  RoleDetailList: z.array(roleDetail).optional(),
  Policies: z.array(managedPolicy).optional(),
});

const account = z.looseObject({
  /** Extension: the account's canonical user id (`aws s3api list-buckets --query Owner.ID`). */
  canonicalUserId: z.string().optional(),
  publicAccessBlock: publicAccessBlock.nullable().optional(),
  authorizationDetails: authorizationDetails.optional(),
  organizationPath: z.array(z.string()).optional(),
});

/** list-targets-for-policy returns objects ({TargetId, …}); the contract shows plain ids. Both are accepted. */
const target = z
  .union([z.string(), z.looseObject({ TargetId: z.string() })])
  .transform((t) => (typeof t === 'string' ? t : t.TargetId));

const orgPolicy = z.looseObject({
  Id: z.string().optional(),
  Name: z.string().optional(),
  Arn: z.string().optional(),
  Targets: z.array(target),
  Content: policyDocument,
});

const organization = z.looseObject({
  Id: z.string().optional(),
  MasterAccountId: z.string().optional(),
  ManagementAccountId: z.string().optional(),
  Accounts: z.array(z.looseObject({ Id: z.string() })).optional(),
  serviceControlPolicies: z.array(orgPolicy).optional(),
  resourceControlPolicies: z.array(orgPolicy).optional(),
});

const grant = z.looseObject({
  Grantee: z.looseObject({
    Type: z.string().optional(),
    ID: z.string().optional(),
    URI: z.string().optional(),
    DisplayName: z.string().optional(),
    EmailAddress: z.string().optional(),
  }),
  Permission: z.string(),
});

const acl = z.looseObject({
  Owner: z.looseObject({ ID: z.string().optional(), DisplayName: z.string().optional() }).optional(),
  Grants: z.array(grant).optional(),
});

const lockMode = z.enum(['GOVERNANCE', 'COMPLIANCE']);

const objectEntry = z.looseObject({
  exists: z.boolean().optional(),
  ServerSideEncryption: z.string().optional(),
  SSEKMSKeyId: z.string().optional(),
  BucketKeyEnabled: z.boolean().optional(),
  ownerAccountId: z.string().optional(),
  acl: acl.optional(),
  /** get-object-retention .Retention; null = the version has no retention. */
  retention: z.looseObject({ Mode: lockMode, RetainUntilDate: z.string() }).nullable().optional(),
  /** get-object-legal-hold .LegalHold; null = none. */
  legalHold: z
    .looseObject({ Status: z.enum(['ON', 'OFF']) })
    .nullable()
    .optional(),
  /** get-object-tagging .TagSet */
  tags: z.array(tag).optional(),
});

const bucket = z.looseObject({
  accountId: z.string().optional(),
  region: z.string().nullable().optional(),
  policy: nullablePolicyDocument.optional(),
  publicAccessBlock: publicAccessBlock.nullable().optional(),
  ownershipControls: z
    .looseObject({
      Rules: z.array(
        z.looseObject({
          ObjectOwnership: z.enum(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']),
        }),
      ),
    })
    .nullable()
    .optional(),
  encryption: z
    .looseObject({
      Rules: z.array(
        z.looseObject({
          ApplyServerSideEncryptionByDefault: z
            .looseObject({ SSEAlgorithm: z.string(), KMSMasterKeyID: z.string().optional() })
            .optional(),
          BucketKeyEnabled: z.boolean().optional(),
          /** {"EncryptionType": ["SSE-C"] | ["NONE"]}; absent = not captured (an AWS CLI older than the field). */
          BlockedEncryptionTypes: z
            .looseObject({ EncryptionType: z.union([z.array(z.string()), z.string()]).optional() })
            .optional(),
        }),
      ),
    })
    .nullable()
    .optional(),
  acl: acl.optional(),
  objects: z.record(z.string(), objectEntry).optional(),
  /** get-bucket-abac .AbacStatus: {"Status": "Enabled" | "Disabled"}; no Status = not enabled (the default). */
  abacStatus: z.looseObject({ Status: z.string().optional() }).optional(),
  /** get-bucket-tagging .TagSet; [] = no tags (get-bucket-tagging answers NoSuchTagSet). */
  tagSet: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).optional(),
  /** get-bucket-request-payment (whole answer): {"Payer": "Requester" | "BucketOwner"}. */
  requestPayment: z.looseObject({ Payer: z.enum(['Requester', 'BucketOwner']) }).optional(),
  /** get-bucket-versioning ({} for a bucket never versioned): MFADelete Enabled is MFA delete. */
  versioning: z
    .looseObject({
      Status: z.enum(['Enabled', 'Suspended']).optional(),
      MFADelete: z.enum(['Enabled', 'Disabled']).optional(),
    })
    .optional(),
  /** get-object-lock-configuration .ObjectLockConfiguration; null = Object Lock is not enabled. */
  objectLockConfiguration: z
    .looseObject({
      ObjectLockEnabled: z.string().optional(),
      Rule: z
        .looseObject({
          DefaultRetention: z
            .looseObject({ Mode: lockMode, Days: z.number().optional(), Years: z.number().optional() })
            .optional(),
        })
        .optional(),
    })
    .nullable()
    .optional(),
});

const accessPoint = z.looseObject({
  Name: z.string().optional(),
  Bucket: z.string().optional(),
  BucketAccountId: z.string().optional(),
  NetworkOrigin: z.enum(['Internet', 'VPC']).optional(),
  VpcConfiguration: z.looseObject({ VpcId: z.string().optional() }).nullable().optional(),
  Policy: nullablePolicyDocument.optional(),
  PublicAccessBlockConfiguration: publicAccessBlock.nullable().optional(),
  /** s3control list-tags-for-resource --resource-arn <access point ARN> .Tags ([] = no tags) */
  Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).optional(),
});

const vpcEndpoint = z.looseObject({
  VpcEndpointId: z.string().optional(),
  VpcId: z.string().optional(),
  ServiceName: z.string().optional(),
  VpcEndpointType: z.string().optional(),
  OwnerId: z.string().optional(),
  PolicyDocument: nullablePolicyDocument.optional(),
  /**
   * s3-403's own field, not EC2's: the Region the endpoint was described in (endpoint ids are Regional), which with
   * VpcId and OwnerId gives aws:SourceVpcArn. `s3-403 snapshot` writes it.
   */
  Region: z
    .string()
    .regex(/^[a-z]{2}(?:-[a-z]+)+-\d+$/, 'expected a Region name such as us-east-1')
    .optional(),
});

/** The CLI prints EventTime as an ISO string; older outputs and SDK dumps may carry epoch seconds. */
const eventTime = z
  .union([z.string(), z.number()])
  .transform((t) => (typeof t === 'number' ? new Date(t * 1000).toISOString() : t));

const change = z.looseObject({
  EventId: z.string(),
  EventName: z.string(),
  EventTime: eventTime,
  Username: z.string().optional(),
  Resources: z
    .array(z.looseObject({ ResourceType: z.string().optional(), ResourceName: z.string().optional() }))
    .optional(),
  CloudTrailEvent: z.string().optional(),
});

const kmsGrant = z.looseObject({
  GranteePrincipal: z.string().optional(),
  RetiringPrincipal: z.string().optional(),
  Operations: z.array(z.string()),
  Constraints: z
    .looseObject({
      EncryptionContextEquals: z.record(z.string(), z.string()).optional(),
      EncryptionContextSubset: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  GrantId: z.string().optional(),
  Name: z.string().optional(),
});

const kmsKey = z.looseObject({
  KeyPolicy: policyDocument.optional(),
  Grants: z.array(kmsGrant).optional(),
  Aliases: z.array(z.string()).optional(),
  KeyManager: z.enum(['AWS', 'CUSTOMER']).optional(),
  KeyState: z.string().optional(),
  KeyMetadata: z
    .looseObject({ KeyManager: z.enum(['AWS', 'CUSTOMER']).optional(), KeyState: z.string().optional() })
    .optional(),
});

const session = z.looseObject({
  Policy: nullablePolicyDocument.optional(),
  // the session's own tags (session tags and incoming transitive tags, as its issuing event records them)
  Tags: z.record(z.string(), z.string()).optional(),
});

export const snapshotSchema = z.looseObject({
  snapshotVersion: z.literal(1).optional(),
  capturedAt: z.string().optional(),
  accounts: z.record(z.string(), account).optional(),
  organization: organization.nullable().optional(),
  buckets: z.record(z.string(), bucket).optional(),
  accessPoints: z.record(z.string(), accessPoint).optional(),
  vpcEndpoints: z.record(z.string(), vpcEndpoint).optional(),
  recentChanges: z.array(change).optional(),
  kmsKeys: z.record(z.string(), kmsKey).optional(),
  sessions: z.record(z.string(), session).optional(),
});

export type Snapshot = z.infer<typeof snapshotSchema>;
export type SnapshotSession = z.infer<typeof session>;
export type SnapshotAccount = z.infer<typeof account>;
export type SnapshotBucket = z.infer<typeof bucket>;
export type SnapshotObject = z.infer<typeof objectEntry>;
export type SnapshotUser = z.infer<typeof userDetail>;
export type SnapshotGroup = z.infer<typeof groupDetail>;
export type SnapshotRole = z.infer<typeof roleDetail>;
export type SnapshotManagedPolicy = z.infer<typeof managedPolicy>;
export type SnapshotOrganization = z.infer<typeof organization>;
export type SnapshotOrgPolicy = z.infer<typeof orgPolicy>;
export type SnapshotAccessPoint = z.infer<typeof accessPoint>;
export type SnapshotVpcEndpoint = z.infer<typeof vpcEndpoint>;
export type SnapshotKmsKey = z.infer<typeof kmsKey>;
export type SnapshotAcl = z.infer<typeof acl>;
