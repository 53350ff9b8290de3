/**
 * The shared data model of the analysis core. Pure types only.
 *
 * Flow: CloudTrail record -> AccessRequest (core/event) -> RequestFacts (an adapter:
 * snapshot or live AWS) -> layered decisions (core/policy) -> checkers -> Finding -> renderers.
 */

// ---------------------------------------------------------------------------
// Facts: every fact is either known or unknown with a reason. Unknown never means allowed.
// ---------------------------------------------------------------------------

export type UnknownReason =
  | 'accessDenied' // the auditor was denied reading it (see `permission`)
  | 'notFound' // the thing the fact is about does not exist or could not be found (e.g. deleted role)
  | 'notCollected' // the snapshot / view does not carry it
  | 'throttled' // AWS throttled the read after retries
  | 'error'; // any other failure (see `detail`)

export interface Known<T> {
  readonly status: 'known';
  readonly value: T;
}
export interface Unknown {
  readonly status: 'unknown';
  readonly reason: UnknownReason;
  /** Human-readable detail, e.g. the AWS error message. */
  readonly detail?: string;
  /** For accessDenied: the IAM permission the auditor lacks, e.g. "s3:GetBucketPolicy". */
  readonly permission?: string;
}
export type Fact<T> = Known<T> | Unknown;

export const known = <T>(value: T): Known<T> => ({ status: 'known', value });
export const unknown = (reason: UnknownReason, detail?: string, permission?: string): Unknown => ({
  status: 'unknown',
  reason,
  ...(detail !== undefined ? { detail } : {}),
  ...(permission !== undefined ? { permission } : {}),
});
export const isKnown = <T>(f: Fact<T>): f is Known<T> => f.status === 'known';

// ---------------------------------------------------------------------------
// The denied request, reconstructed from a CloudTrail record (core/event).
// ---------------------------------------------------------------------------

export type PrincipalType =
  | 'IAMUser'
  | 'AssumedRole'
  | 'FederatedUser'
  | 'Root'
  | 'AWSAccount' // the bucket owner's copy of a cross-account call: only principalId, no ARN
  | 'AWSService'
  | 'Anonymous'
  | 'WebIdentityUser'
  | 'SAMLUser'
  | 'IdentityCenterUser'
  | 'Unknown';

export interface Principal {
  readonly type: PrincipalType;
  /** The caller as CloudTrail names it (the session ARN for an assumed role). */
  readonly arn: string | null;
  /** The IAM identity whose policies apply: the user ARN, the role ARN of a session, the root ARN. */
  readonly identityArn: string | null;
  readonly accountId: string | null;
  readonly sessionName: string | null;
  /** Unique id: AIDA… for users, AROA…:session for role sessions. */
  readonly principalId: string | null;
  readonly accessKeyId: string | null;
  /** The AWS service that made the call on the caller's behalf (userIdentity.invokedBy). */
  readonly invokedBy: string | null;
  /** IAM user name (aws:username), when the caller is an IAM user. */
  readonly userName: string | null;
  /** sessionContext.attributes.mfaAuthenticated, when recorded. */
  readonly mfaAuthenticated: boolean | null;
  /** Web identity / SAML provider, when recorded. */
  readonly federatedProvider: string | null;
  /**
   * The legacy CloudFront origin access identity (OAI): CloudTrail records it as `{"type": "AWSAccount",
   * "accountId": "CloudFront", "principalId": "AIDA…"}`. Such a caller is reconstructed as type AWSService (CloudFront
   * acting, no identity policy of the customer) with this flag set: it matches only bucket-policy statements that
   * name an origin access identity (or its canonical user id), never the cloudfront.amazonaws.com service principal.
   */
  readonly originAccessIdentity?: boolean;
}

/**
 * One IAM authorization the call needs: an action on a resource.
 *
 * Through an access point, `resource` is the access point ARN (…:accesspoint/name or …:accesspoint/name/object/key)
 * that the caller's IAM policies, the access point policy and the VPC endpoint policy are evaluated against, and
 * `bucketResource` the bucket or object ARN behind it that the bucket policy is evaluated against
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html).
 */
export interface ActionNeed {
  readonly action: string; // e.g. "s3:GetObject"
  readonly resource: string; // e.g. "arn:aws:s3:::bucket/key", or "*"
  readonly resourceType: 'object' | 'bucket' | 'accesspoint' | 'account' | 'job' | 'other';
  /** Through an access point: the bucket or object ARN behind `resource` (absent when the bucket is not known). */
  readonly bucketResource?: string;
  /** For copies: which side of the copy this need is for. */
  readonly role?: 'source' | 'destination';
  readonly bucket: string | null;
  readonly key: string | null;
}

/**
 * IAM condition context. Key names are matched case-insensitively by the engine.
 * A key in `values` is present; a key in `absent` is known to be missing from the request;
 * any other key is treated as `otherKeys` says ('unknown' for reconstructed CloudTrail requests,
 * 'absent' for hypothetical requests in `simulate`).
 */
export interface ConditionContext {
  readonly values: Readonly<Record<string, string | readonly string[]>>;
  readonly absent: readonly string[];
  readonly otherKeys: 'unknown' | 'absent';
  /**
   * Keys known to be set but whose value the facts do not give (e.g. aws:PrincipalOrgPaths of an organization member
   * whose path was not read): unknown even when `otherKeys` is 'absent'.
   */
  readonly unknown?: readonly string[];
  /**
   * Where each key of `values` came from in the record (e.g. "sourceIPAddress", "tlsDetails.tlsVersion"),
   * for explanations. Optional: hypothetical requests (simulate) have none.
   */
  readonly provenance?: Readonly<Record<string, string>>;
  /**
   * Values the record implies but does not state (e.g. aws:SecureTransport "false" when a recent S3 record made
   * by a caller carries no TLS details). NOT in `values`: an engine that ignores this field treats the key as
   * unknown (as before). An engine that reads it may evaluate with the value, but any decision that depends on
   * it is at most 'likely' (see lambdas/core/event/evidence.ts).
   */
  readonly inferred?: Readonly<Record<string, InferredValue>>;
}

/** A condition-key value inferred from the record, with why. */
export interface InferredValue {
  /** The likely value; an empty list: the key is likely absent (e.g. aws:SourceIdentity, event/context.ts). */
  readonly value: string | readonly string[];
  readonly confidence: 'likely';
  /** Human-readable: what in the record implies it. */
  readonly reason: string;
  /** The record fields it was inferred from (their absence counts); ['facts'] for a value the facts imply. */
  readonly from: readonly string[];
  /**
   * 'record' (the default): implied by what the CloudTrail record holds or lacks; 'facts': implied by what was read
   * of the account (a role's own tag, which a session tag may override: fix/context.ts sessionTagInference).
   */
  readonly source?: 'record' | 'facts';
}

/** One fact the CloudTrail record itself establishes, before any AWS read (issue 13, lambdas/core/event/evidence.ts). */
export interface RecordEvidenceItem {
  readonly kind: 'error-code' | 'aws-message' | 'transport' | 'network' | 'authentication' | 'header';
  /** 'confirmed' = the record states it; 'likely' = inferred from what the record lacks. */
  readonly confidence: 'confirmed' | 'likely';
  /** The root causes this evidence points at (empty = it only describes the request). */
  readonly pointsAt: readonly RootCauseId[];
  /** The root causes this evidence rules out (e.g. every policy cause when authentication failed). */
  readonly rulesOut: readonly RootCauseId[];
  /** The condition key it sets or infers, when it is one. */
  readonly conditionKey?: string;
  readonly value?: string;
  /** The record fields it comes from, e.g. ["errorCode"], ["tlsDetails", "additionalEventData.CipherSuite"]. */
  readonly source: readonly string[];
  readonly detail: string;
  /** The AWS documentation the meaning comes from. */
  readonly url?: string;
}

/** What the error code alone says (lambdas/core/event/evidence.ts ERROR_CODES). */
export interface ErrorCodeEvidence {
  readonly code: string;
  /** The layer (or non-policy condition) the code points at. */
  readonly layer:
    | 'object-ownership'
    | 'vpc-endpoint-policy'
    | 'kms-key'
    | 'authentication'
    | 'account-or-resource-suspended'
    | 'object-state'
    | 'authorization';
  /** true = the code alone names the cause: no other layer needs to be considered. */
  readonly decisive: boolean;
  /** The root causes it points at; empty for non-policy conditions with no root-cause id (AllAccessDisabled …). */
  readonly pointsAt: readonly RootCauseId[];
  readonly meaning: string;
  readonly url: string;
}

export interface RecordEvidence {
  readonly errorCode: ErrorCodeEvidence;
  readonly items: readonly RecordEvidenceItem[];
}

export type EnhancedPolicyType =
  | 'identity-based policy'
  | 'resource-based policy'
  | 'service control policy'
  | 'resource control policy'
  | 'VPC endpoint policy'
  | 'permissions boundary'
  | 'session policy'
  | 'role trust policy';

/** AWS's own error message, parsed (see docs/reference/ENHANCED-MESSAGES.md). */
export interface EnhancedMessage {
  readonly raw: string;
  /**
   * generic: "Access Denied" or no message; vpce: the network-activity VPCE message; bpa: an S3 BPA message;
   * sse-c-blocked: S3's message for an SSE-C upload to a bucket that blocks SSE-C; mfa-delete: S3's message for a
   * version delete or versioning change on a bucket with MFA delete, without the root user's MFA.
   */
  readonly kind:
    'explicit-deny' | 'implicit-deny' | 'bpa' | 'vpce' | 'sse-c-blocked' | 'mfa-delete' | 'generic' | 'other';
  readonly principalArn: string | null;
  readonly action: string | null;
  readonly resource: string | null;
  readonly policyType: EnhancedPolicyType | null;
  /** The ": <policy-arn>" suffix, when present. */
  readonly policyArn: string | null;
  /** "… transitively through a service control policy": the policy type it came through. */
  readonly transitiveThrough: EnhancedPolicyType | null;
  readonly bpaSetting: 'BlockPublicAcls' | 'BlockPublicPolicy' | null;
  /** The message was cut (CloudTrail caps errorMessage at 1 KB). */
  readonly truncated: boolean;
}

export interface AccessRequest {
  readonly eventId: string;
  readonly eventTime: string;
  readonly region: string;
  readonly eventSource: string; // s3.amazonaws.com | kms.amazonaws.com | s3-outposts.amazonaws.com …
  readonly eventName: string;
  /** IAM actions the call needs, in contract form (unique, in order). */
  readonly actions: readonly string[];
  /** Resource ARNs the call touches, in contract form (unique, in order). */
  readonly resources: readonly string[];
  /** Every (action, resource) pair the call needs. */
  readonly needs: readonly ActionNeed[];
  /** false when the eventName is not in the operation table (a finding still comes out, marked unmapped). */
  readonly mapped: boolean;
  readonly bucket: string | null;
  readonly key: string | null;
  readonly versionId: string | null;
  /**
   * The bucket owner's account, when the record tells it (resources[].accountId, else recipientAccountId for S3 data
   * events); null in the caller's copy of a cross-account denial, from which CloudTrail removes it (crossAccount true).
   */
  readonly bucketAccountId: string | null;
  /** null when the caller's or the bucket's account is not known. */
  readonly crossAccount: boolean | null;
  readonly principal: Principal;
  readonly sourceIp: string | null;
  readonly vpcEndpointId: string | null;
  readonly vpcEndpointAccountId: string | null;
  readonly accessPointArn: string | null;
  readonly secureTransport: boolean | null;
  readonly tlsVersion: string | null;
  readonly userAgent: string | null;
  readonly errorCode: string;
  readonly errorMessage: string | null;
  readonly enhancedMessage: EnhancedMessage;
  readonly context: ConditionContext;
  /** For KMS denials made on S3's behalf: the S3 object/bucket ARN from the encryption context, and the key ARN. */
  readonly kms: { readonly keyArn: string | null; readonly s3Arn: string | null } | null;
  /** SSE headers of the request, when recorded (PutObject etc.). */
  readonly sse: { readonly algorithm: string | null; readonly kmsKeyId: string | null } | null;
  /** The whole CloudTrail record, as read. */
  readonly raw: Readonly<Record<string, unknown>>;
  /**
   * What the record itself establishes (error code, AWS message, transport, network, headers), with provenance.
   * Set by toAccessRequest; absent on hand-built (simulated) requests.
   */
  readonly evidence?: RecordEvidence;
}

// ---------------------------------------------------------------------------
// Facts about the account(s) that one request needs (built by an adapter, consumed by the core).
// ---------------------------------------------------------------------------

export type PolicySource =
  | 'identity-inline'
  | 'identity-managed'
  | 'group-inline'
  | 'group-managed'
  | 'permissions-boundary'
  | 'session'
  | 'bucket-policy'
  | 'access-point-policy'
  | 'vpc-endpoint-policy'
  | 'scp'
  | 'rcp'
  | 'kms-key-policy';

/** A policy document as found, with where it came from. `document` is raw JSON (object or string). */
export interface NamedPolicy {
  readonly name: string;
  readonly arn?: string;
  /** An organization policy's id (p-…), when the snapshot or AWS gives it. */
  readonly id?: string;
  readonly source: PolicySource;
  readonly document: unknown;
}

export interface PrincipalFacts {
  readonly identityArn: string;
  readonly accountId: string;
  readonly kind: 'user' | 'role' | 'root';
  readonly uniqueId?: string; // AIDA… / AROA…
  readonly identityPolicies: readonly NamedPolicy[]; // inline + managed + group policies
  readonly permissionsBoundary: NamedPolicy | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
  /**
   * Roles: whether the role's sessions can carry session tags, from its trust policy (policy/trust.ts). false: a
   * session's aws:PrincipalTag values are exactly the role's tags; true: session tags may override or add to them;
   * null or absent: the trust policy was not read, so nothing is known either way.
   */
  readonly sessionTags?: boolean | null;
}

export interface PublicAccessBlock {
  readonly BlockPublicAcls?: boolean;
  readonly IgnorePublicAcls?: boolean;
  readonly BlockPublicPolicy?: boolean;
  readonly RestrictPublicBuckets?: boolean;
}

export interface AclGrant {
  readonly Grantee: {
    readonly Type?: string; // CanonicalUser | Group | AmazonCustomerByEmail
    readonly ID?: string;
    readonly URI?: string;
    readonly DisplayName?: string;
    readonly EmailAddress?: string;
  };
  readonly Permission: string; // FULL_CONTROL | READ | WRITE | READ_ACP | WRITE_ACP
}
export interface Acl {
  readonly Owner?: { readonly ID?: string; readonly DisplayName?: string };
  readonly Grants: readonly AclGrant[];
}

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

export interface BucketEncryption {
  readonly algorithm: string; // AES256 | aws:kms | aws:kms:dsse
  readonly kmsKeyId: string | null;
  readonly bucketKeyEnabled: boolean;
  /**
   * The encryption types the bucket blocks for new writes (.Rules[].BlockedEncryptionTypes.EncryptionType: "SSE-C"
   * or "NONE"); [] = none. Absent = not read (a snapshot written by a tool that did not know the field).
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html
   */
  readonly blockedEncryptionTypes?: Fact<readonly string[]>;
}

export interface ObjectFacts {
  readonly exists: boolean;
  readonly sseAlgorithm?: string;
  readonly kmsKeyId?: string;
  /**
   * true = the object's own encryption was not read (the live view without `objectMetadata` checks existence by
   * listing, without HeadObject): an absent sseAlgorithm / kmsKeyId then means unknown, not "no SSE-KMS", and
   * the bucket's default encryption stands for it (as 'likely').
   */
  readonly sseNotCollected?: boolean;
  /**
   * head-object BucketKeyEnabled: whether the object was encrypted with an S3 Bucket Key (its KMS encryption context
   * is then the bucket ARN). Absent = not known (the bucket's current setting stands for it).
   */
  readonly bucketKeyEnabled?: boolean;
  readonly ownerAccountId?: string;
  readonly acl?: Acl;
  /**
   * Object Lock retention of the version (get-object-retention .Retention); null = the version has none;
   * absent = not collected. https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html
   */
  readonly retention?: Fact<ObjectRetention | null>;
  /** Legal hold of the version (get-object-legal-hold .LegalHold.Status); null = none; absent = not collected. */
  readonly legalHold?: Fact<'ON' | 'OFF' | null>;
  /** The object's tags (get-object-tagging .TagSet, as key -> value); absent = not collected. */
  readonly tags?: Fact<Readonly<Record<string, string>>>;
}

export interface ObjectRetention {
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  /** ISO 8601 timestamp. */
  readonly retainUntilDate: string;
}

/**
 * get-bucket-versioning: the versioning state and MFA delete (each null when S3 does not return it: a bucket that was
 * never versioned, or never configured with MFA delete).
 */
export interface BucketVersioning {
  readonly status: 'Enabled' | 'Suspended' | null;
  readonly mfaDelete: 'Enabled' | 'Disabled' | null;
}

/** get-object-lock-configuration .ObjectLockConfiguration, reduced to what authorization needs. */
export interface ObjectLockConfiguration {
  readonly enabled: boolean;
  /** The bucket's default retention for new versions, when configured. */
  readonly defaultRetention: {
    readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
    readonly days?: number;
    readonly years?: number;
  } | null;
}

export interface BucketFacts {
  readonly name: string;
  readonly accountId: Fact<string>;
  readonly region: Fact<string>;
  /** null = the bucket has no policy (NoSuchBucketPolicy). */
  readonly policy: Fact<NamedPolicy | null>;
  /** null = no bucket-level configuration. */
  readonly publicAccessBlock: Fact<PublicAccessBlock | null>;
  /** null = no ownership controls (ObjectWriter behaviour). */
  readonly ownership: Fact<ObjectOwnership | null>;
  /** null = no default encryption configuration. */
  readonly encryption: Fact<BucketEncryption | null>;
  readonly acl: Fact<Acl>;
  /** Sparse: a key that is not here is notCollected. */
  readonly objects: Readonly<Record<string, Fact<ObjectFacts>>>;
  /**
   * Who pays for requests (get-bucket-request-payment .Payer). Optional: an adapter that does not read it leaves it
   * out, which the analysis takes as notCollected. https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
   */
  readonly requestPayment?: Fact<'Requester' | 'BucketOwner'>;
  /**
   * Object Lock configuration (get-object-lock-configuration); null = Object Lock is not enabled (known).
   * Optional: absent = notCollected.
   */
  readonly objectLock?: Fact<ObjectLockConfiguration | null>;
  /**
   * The versioning configuration (get-bucket-versioning), for MFA delete
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html). Optional: absent =
   * notCollected.
   */
  readonly versioning?: Fact<BucketVersioning>;
  /**
   * Whether attribute-based access control is enabled (get-bucket-abac .AbacStatus.Status "Enabled"): with it the
   * bucket's tags are aws:ResourceTag/<key>; without it (the default) they serve cost allocation only
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html). Optional: absent =
   * notCollected.
   */
  readonly abac?: Fact<boolean>;
  /** The bucket's tags (get-bucket-tagging .TagSet); {} = none. Optional: absent = notCollected. */
  readonly tags?: Fact<Readonly<Record<string, string>>>;
}

/** One level of the organization path (root, an OU, the account) and the policies attached to it. */
export interface OrgLevel {
  readonly target: string; // r-…, ou-…, or the account id
  readonly policies: readonly NamedPolicy[];
}

export interface OrganizationFacts {
  readonly id: string;
  readonly managementAccountId: string | null;
  readonly accountIds: readonly string[];
  /**
   * The path of the account this fact was built for: its parents, root first (["r-ab12", "ou-ab12-11111111"]);
   * null or absent = not known. Gives aws:PrincipalOrgPaths / aws:ResourceOrgPaths ("o-…/r-…/ou-…/").
   */
  readonly path?: readonly string[] | null;
}

export interface VpcEndpointFacts {
  readonly id: string;
  readonly vpcId: string | null;
  readonly serviceName: string | null;
  readonly type: string | null; // Gateway | Interface
  /** The account that owns the endpoint (describe-vpc-endpoints OwnerId): aws:VpceAccount; undefined = not read. */
  readonly ownerId?: string | null;
  /** The Region the endpoint, and so its VPC, is in; undefined or null = not known. */
  readonly region?: string | null;
  /** null = the default full-access policy. */
  readonly policy: NamedPolicy | null;
}

export interface AccessPointFacts {
  readonly arn: string;
  readonly name: string;
  readonly bucket: string;
  readonly accountId: string;
  readonly networkOrigin: 'Internet' | 'VPC' | null;
  readonly vpcId: string | null;
  readonly policy: Fact<NamedPolicy | null>;
  readonly publicAccessBlock: PublicAccessBlock | null;
  /**
   * The access point's tags (s3control list-tags-for-resource .Tags, as key -> value; {} = none): through an access
   * point, aws:ResourceTag "covers the underlying access point tags only", and ABAC is on by default for access
   * points (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-tagging.html). Optional: absent =
   * not collected.
   */
  readonly tags?: Fact<Readonly<Record<string, string>>>;
}

export interface KmsGrant {
  readonly GranteePrincipal?: string;
  readonly RetiringPrincipal?: string;
  readonly Operations: readonly string[];
  readonly Constraints?: {
    readonly EncryptionContextEquals?: Readonly<Record<string, string>>;
    readonly EncryptionContextSubset?: Readonly<Record<string, string>>;
  };
  readonly GrantId?: string;
  readonly Name?: string;
}

export interface KmsKeyFacts {
  readonly arn: string;
  readonly accountId: string;
  readonly keyPolicy: Fact<NamedPolicy>;
  readonly grants: Fact<readonly KmsGrant[]>;
  readonly keyManager: 'AWS' | 'CUSTOMER' | null;
  readonly keyState: string | null; // Enabled | Disabled | PendingDeletion …
  readonly aliases: readonly string[];
}

/** A management event that changed access control (CloudTrail LookupEvents shape, parsed). */
export interface ChangeRecord {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: string;
  readonly username: string | null;
  readonly resources: readonly { readonly type: string | null; readonly name: string | null }[];
  /** The whole CloudTrail record, parsed, when available. */
  readonly record: Readonly<Record<string, unknown>> | null;
}

/** Everything the analysis of one request may read. Built by an adapter; never fetched by the core. */
export interface RequestFacts {
  /** null = not applicable (anonymous caller, AWS service principal). */
  readonly principal: Fact<PrincipalFacts> | null;
  /** The organization the caller's account belongs to; null = not in an organization. */
  readonly principalOrganization: Fact<OrganizationFacts | null>;
  /** The organization the bucket's account belongs to; null = not in an organization. */
  readonly resourceOrganization: Fact<OrganizationFacts | null>;
  /** Every bucket the request touches (destination and copy source). */
  readonly buckets: Readonly<Record<string, Fact<BucketFacts>>>;
  /** Account-level Block Public Access, by account id; null = not configured. */
  readonly accountPublicAccessBlock: Readonly<Record<string, Fact<PublicAccessBlock | null>>>;
  /** SCPs on the caller's account path, root first; null = account not in an organization. */
  readonly scpLevels: Fact<readonly OrgLevel[] | null>;
  /** RCPs on the bucket account's path, root first; null = account not in an organization. */
  readonly rcpLevels: Fact<readonly OrgLevel[] | null>;
  /** null = the request did not go through a VPC endpoint. */
  readonly vpcEndpoint: Fact<VpcEndpointFacts> | null;
  /**
   * The organization of the account that owns that endpoint (aws:VpceOrgID, aws:VpceOrgPaths) when it is neither the
   * caller's nor the bucket's account (those use principalOrganization / resourceOrganization); absent = not read.
   */
  readonly vpcEndpointOrganization?: Fact<OrganizationFacts | null>;
  /** null = the request did not go through an access point. */
  readonly accessPoint: Fact<AccessPointFacts> | null;
  /** KMS keys that the request involves, by key ARN. */
  readonly kmsKeys: Readonly<Record<string, Fact<KmsKeyFacts>>>;
  /**
   * RCPs on the path of each account that owns one of `kmsKeys` when it is not the bucket's account, by account id
   * (RCPs apply to the key's account: a key of another account is capped by that account's RCPs). Absent: not read.
   */
  readonly keyAccountRcpLevels?: Readonly<Record<string, Fact<readonly OrgLevel[] | null>>>;
  /** The session policy of an assumed-role / federated session; null = no session (not applicable). */
  readonly sessionPolicy: Fact<NamedPolicy | null> | null;
  /**
   * The session's own tags (session tags and incoming transitive tags, not its role's), from the event that created
   * the session (changes/session-issuance.ts) or a snapshot's `sessions` entry. Absent or null: not read.
   */
  readonly sessionTags?: Fact<Readonly<Record<string, string>>> | null;
  /** Recent access-control changes (newest last). */
  readonly recentChanges: Fact<readonly ChangeRecord[]>;
  /**
   * Canonical user ids of accounts, by account id, where the facts tell them (the owner of a bucket ACL, the account's
   * `s3api list-buckets` Owner.ID): places ACL grants to a canonical user on the caller's account.
   */
  readonly canonicalIds?: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------
// The finding (the outside contract: docs/CLI.md).
// ---------------------------------------------------------------------------

export const ROOT_CAUSE_IDS = [
  'block-public-access',
  'bucket-policy-explicit-deny',
  'identity-policy-explicit-deny',
  'identity-policy-no-allow',
  'resource-arn-mismatch',
  'vpc-endpoint-policy',
  'cross-account-no-bucket-grant',
  'object-ownership-acl',
  'kms-key-access',
  'scp-deny',
  'rcp-deny',
  'permissions-boundary',
  'session-policy',
  'access-point-policy',
  'missing-object-no-list',
  'request-expired-or-invalid',
  'service-principal-grant',
  'requester-pays',
  'object-lock',
  'sse-c-blocked',
  'mfa-delete',
] as const;
export type RootCauseId = (typeof ROOT_CAUSE_IDS)[number];

export type Confidence = 'confirmed' | 'likely' | 'possible';
export type CheckStatus = 'pass' | 'deny' | 'not-applicable' | 'unknown';
export type Verdict = 'explained' | 'partially-explained' | 'unexplained';

export interface Evidence {
  readonly layer: string;
  readonly statement?: string; // Sid, or "#<index>" when the statement has no Sid
  readonly policy?: string; // policy name or ARN
  readonly detail: string;
}

export interface Fix {
  readonly summary: string;
  readonly commands: readonly string[];
  /** The minimal change: e.g. { addStatement: {...} } or { policy: name, replaceStatement: {...} }. */
  readonly policyPatch?: Readonly<Record<string, unknown>>;
  /** true only when re-evaluating the request with the fix applied gives "allowed" on that layer. */
  readonly verified: boolean;
  /** What would still deny after the fix, when re-evaluation shows it. */
  readonly stillDeniedBy?: readonly string[];
}

export interface ChangeAttribution {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: string;
  readonly principal: string | null;
  readonly summary: string;
  readonly diff?: string;
  /**
   * How the change relates to what denies (issue 13): it added / altered the denying statement, removed an Allow
   * (implicit denies), turned on the denying setting, or 'unverified' (CloudTrail did not record the document, or
   * the version before it is older than the window: the summary then says "may have started").
   */
  readonly relation?: 'added' | 'altered' | 'removed' | 'setting' | 'unverified';
  /** The statements (Sid or #index) it added, altered or removed. */
  readonly statements?: readonly string[];
}

export interface RootCause {
  readonly id: RootCauseId;
  readonly confidence: Confidence;
  readonly title: string;
  readonly explanation: string;
  readonly evidence: readonly Evidence[];
  readonly fix: Fix;
  readonly change: ChangeAttribution | null;
  /**
   * When `change` is null after the history was checked: why no change is blamed, e.g. the denying statement
   * predates every change found in the window.
   */
  readonly changeNote?: string;
}

export interface Check {
  readonly layer: RootCauseId;
  readonly status: CheckStatus;
  readonly detail?: string;
  /** For unknown: the facts that could not be read (and the permission the auditor lacks, if any). */
  readonly missing?: readonly string[];
}

export interface FindingRequest {
  readonly eventSource: string;
  readonly eventName: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly bucket: string | null;
  readonly key: string | null;
  readonly bucketAccountId: string | null;
  readonly crossAccount: boolean | null;
  readonly principal: {
    readonly type: PrincipalType;
    readonly arn: string | null;
    readonly identityArn: string | null;
    readonly accountId: string | null;
    readonly sessionName: string | null;
    readonly principalId: string | null;
    /**
     * The AWS service that made the call with this principal's credentials (CloudTrail userIdentity.invokedBy: Athena,
     * Glue), present only then; the call came from the service's network.
     */
    readonly invokedBy?: string;
  };
  readonly sourceIp: string | null;
  readonly vpcEndpointId: string | null;
  readonly accessPointArn: string | null;
  readonly secureTransport: boolean | null;
  readonly errorCode: string;
  readonly errorMessage: string | null;
  readonly mapped: boolean;
}

export interface Finding {
  readonly eventId: string;
  readonly eventTime: string;
  readonly region: string;
  readonly request: FindingRequest;
  readonly verdict: Verdict;
  readonly rootCauses: readonly RootCause[];
  readonly checks: readonly Check[];
  /** What AWS's own message says, parsed; and whether our evaluation agrees with it. */
  readonly awsMessage: {
    readonly kind: EnhancedMessage['kind'];
    readonly policyType: EnhancedPolicyType | null;
    readonly policyArn: string | null;
    readonly agreesWithEvaluation: boolean | null;
    readonly note?: string;
  };
  /**
   * Set only when no root cause describes a denial our evaluation makes: the layers that deny ("bucket-policy (no
   * allow)"). A safety net: every denial should have a cause, so the finding says so instead of "every layer allows".
   */
  readonly unmatchedDenial?: readonly string[];
  /** Whether the access-control change history was searched for the cause (issue 9). */
  readonly changeLookup?: {
    readonly status: 'checked' | 'unknown';
    readonly windowDays: number;
    readonly detail?: string;
  };
  /**
   * Live mode: AWS's own policy simulator (iam:SimulatePrincipalPolicy) on the same-account identity decision,
   * and whether it agrees with our evaluation. Disagreement is reported, never hidden.
   */
  readonly awsSimulator?: {
    readonly decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
    readonly ours: 'allowed' | 'explicitDeny' | 'implicitDeny' | null;
    readonly agrees: boolean | null;
    readonly matchedStatements: readonly string[];
    readonly note: string;
  };
  /**
   * What the CloudTrail record itself establishes, before any AWS read (AccessRequest.evidence): the error code's
   * meaning (a decisive code names the cause, or says no access-control layer refused the request) and each
   * evidence item with the record fields it comes from, e.g. plain HTTP inferred from a recent record without TLS
   * details. Absent on hand-built requests.
   */
  readonly recordEvidence?: RecordEvidence;
  /** Set when the analysis itself failed: the alert still goes out with what is known. */
  readonly error?: string;
}

/** A KMS call that S3 made for the caller and that KMS denied, as CloudTrail recorded it. */
export interface KmsDenialRecord {
  readonly eventId: string;
  readonly eventTime: string;
  readonly action: string; // kms:Decrypt | kms:GenerateDataKey
  readonly keyArn: string | null;
  readonly errorMessage: string | null;
}
