/**
 * The public API of the IAM policy engine (lambdas/core/policy). Pure types only.
 *
 * Two levels:
 *  - policy level: `parsePolicy` + `evaluatePolicy` decide one policy document against one request;
 *  - request level: `authorize` runs every layer of AWS's evaluation logic for S3 (and `authorizeKms`
 *    for the KMS call S3 makes on the caller's behalf) and returns the decision per layer.
 */
import type {
  Acl,
  BucketVersioning,
  ConditionContext,
  Fact,
  NamedPolicy,
  ObjectLockConfiguration,
  ObjectOwnership,
  ObjectRetention,
  OrgLevel,
  PrincipalType,
  PublicAccessBlock,
  KmsGrant,
} from '../model';

// ---------------------------------------------------------------------------
// Request as the engine sees it
// ---------------------------------------------------------------------------

export interface EnginePrincipal {
  readonly type: PrincipalType;
  /** Caller ARN (session ARN for assumed roles); null for anonymous. */
  readonly arn: string | null;
  /** IAM identity ARN (role ARN for sessions); aws:PrincipalArn. */
  readonly identityArn: string | null;
  readonly accountId: string | null;
  /** AWS service principal name (e.g. "cloudtrail.amazonaws.com") for AWSService callers. */
  readonly serviceName?: string | null;
  /** Canonical user id of the caller's account, when known (for ACL grants). */
  readonly canonicalId?: string | null;
  /**
   * A CloudFront origin access identity (legacy OAI, type AWSService): it matches only statements naming an origin
   * access identity or a canonical user id (which OAI asked is not recorded), never a Service principal.
   */
  readonly originAccessIdentity?: boolean;
}

export interface EngineRequest {
  readonly principal: EnginePrincipal;
  readonly action: string; // "s3:GetObject"
  readonly resource: string; // ARN or "*"
  /** The account that owns the resource; unknown when the facts do not tell. */
  readonly resourceAccountId: string | null;
  readonly context: ConditionContext;
  /**
   * Evaluate with the context's inferred values (ConditionContext.inferred) wherever a key is otherwise unknown.
   * Set only by the engine itself, for its second pass (policy/inferred.ts): callers leave it unset.
   */
  readonly useInferred?: boolean;
  /**
   * Collects the lower-cased inferred keys the evaluation asked for while the recorded facts left them unknown
   * (policy/variables.ts ContextView), conditions and policy variables alike: with `useInferred` the keys it answered
   * from an inferred value, without it the keys such a second pass would answer. Set only by the engine itself
   * (policy/inferred.ts).
   */
  readonly inferredRead?: Set<string>;
}

// ---------------------------------------------------------------------------
// Parsed policies
// ---------------------------------------------------------------------------

/** Thrown by parsePolicy for a malformed document; the message names the policy and the statement. */
export class PolicyParseError extends Error {
  constructor(
    message: string,
    readonly policyName: string,
    readonly statementIndex: number | null,
  ) {
    super(message);
    this.name = 'PolicyParseError';
  }
}

/** Opaque-ish compiled policy: parse once, evaluate many times. */
export interface ParsedPolicy {
  readonly name: string;
  readonly arn?: string;
  readonly source: NamedPolicy['source'];
  readonly statements: readonly ParsedStatement[];
}

export interface ParsedStatement {
  readonly index: number; // 1-based
  readonly sid: string | null;
  readonly effect: 'Allow' | 'Deny';
  /** The statement as written (JSON), for display and patches. */
  readonly raw: Readonly<Record<string, unknown>>;
}

// ---------------------------------------------------------------------------
// Traces: the reasons, as data
// ---------------------------------------------------------------------------

export type Tri = true | false | 'unknown';

export interface ConditionTrace {
  readonly operator: string; // as written, e.g. "ForAnyValue:StringLikeIfExists"
  readonly key: string;
  /** The request's value(s); null when the key is absent; 'unknown' when the request does not tell. */
  readonly requestValues: readonly string[] | null | 'unknown';
  /** The policy's values, after policy-variable substitution. */
  readonly policyValues: readonly string[];
  readonly result: Tri;
  /** One line, e.g. "aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24". */
  readonly detail: string;
  /**
   * The request value (or a policy variable's value) was inferred from what the record lacks
   * (ConditionContext.inferred), not recorded: the result is only as sure as the inference ('likely').
   */
  readonly inferred?: true;
}

export interface StatementTrace {
  readonly index: number; // 1-based
  readonly sid: string | null;
  readonly effect: 'Allow' | 'Deny';
  readonly actionMatched: boolean;
  readonly resourceMatched: boolean;
  /** undefined for policies without a Principal element (identity policies, SCPs). */
  readonly principalMatched?: Tri;
  /**
   * How the Principal element matched the caller (only when principalMatched is true and the statement
   * has a Principal, not a NotPrincipal): "*" (wildcard), an account id / account root ARN (account:
   * delegation to that account's IAM), the caller's user or role ARN (identity), the caller's
   * assumed-role session ARN (session), a service principal (service), a canonical user id (canonical).
   * When several entries match, the most specific wins: session > identity > service > wildcard >
   * canonical > account.
   */
  readonly principalMatchKind?: 'wildcard' | 'account' | 'identity' | 'session' | 'service' | 'canonical';
  readonly conditions: readonly ConditionTrace[];
  /** All of action, resource, principal and conditions matched (unknown if any is unknown). */
  readonly matched: Tri;
  readonly detail: string;
  /** `matched` is decided only thanks to an inferred value: without it, it would be 'unknown'. */
  readonly dependsOnInferred?: true;
}

export interface PolicyEvaluation {
  readonly policy: { readonly name: string; readonly arn?: string; readonly source: NamedPolicy['source'] };
  /** deny: a Deny statement matched; allow: an Allow matched and no Deny; none: nothing matched. */
  readonly decision: 'allow' | 'deny' | 'none' | 'unknown';
  /** Every statement that matched or might match (matched !== false), plus near misses
   * (statements whose action matched but resource, principal or a condition did not). */
  readonly statements: readonly StatementTrace[];
}

// ---------------------------------------------------------------------------
// Request-level authorization
// ---------------------------------------------------------------------------

export type LayerId =
  | 'rcp'
  | 'scp'
  | 'vpc-endpoint-policy'
  | 'access-point-policy'
  | 'bucket-policy'
  | 'acl'
  | 'block-public-access'
  | 'object-ownership'
  | 'identity-policy'
  | 'permissions-boundary'
  | 'session-policy'
  | 'requester-pays'
  | 'object-lock'
  | 'blocked-encryption'
  | 'mfa-delete'
  | 'kms-key-policy'
  | 'kms-grants';

/**
 * The layers that grant (IAM's "allow" side): one of them allowing may be enough, so one implicitly denying is not on
 * its own a denial (see AuthorizationResult.grant). A layer decided by a rule (LayerResult.rule: an access point's
 * network origin, an AWS managed key used from another account) refuses whatever the policies say.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
export const GRANT_SIDE_LAYERS: ReadonlySet<LayerId> = new Set<LayerId>([
  'identity-policy',
  'permissions-boundary',
  'session-policy',
  'bucket-policy',
  'access-point-policy',
  'acl',
  'kms-key-policy',
  'kms-grants',
]);

/**
 * Grant-side layers that grant in place of one another: one of them allowing, the others' missing Allow stands in
 * nobody's way (their explicit Deny still does). The bucket owner's side of a cross-account request is granted by the
 * bucket policy or an ACL; a KMS key is granted by its key policy or a grant.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
 */
export const ALTERNATIVE_GRANTS: readonly ReadonlySet<LayerId>[] = [
  new Set<LayerId>(['bucket-policy', 'acl']),
  new Set<LayerId>(['kms-key-policy', 'kms-grants']),
];

export type LayerOutcome =
  'allowed' | 'explicitly-denied' | 'implicitly-denied' | 'not-applicable' | 'unknown';

export interface LayerResult {
  readonly layer: LayerId;
  readonly result: LayerOutcome;
  /** The policies of the layer that decided (for SCP/RCP: one entry per organization level). */
  readonly policies: readonly PolicyEvaluation[];
  /** For unknown: which facts were missing. */
  readonly missing?: readonly string[];
  /** One line explaining the layer's result (e.g. "RestrictPublicBuckets ignores the public grant to *"). */
  readonly note?: string;
  /**
   * The resource this layer was decided for, when it is not the request's own resource: through an access point
   * the bucket policy is evaluated against the bucket (object) ARN behind it.
   */
  readonly resource?: string;
  /**
   * The rule that decided the layer when it is not a policy statement: an access point's VPC network origin
   * refusing the request, or the bucket owner's root user getting past a bucket-policy Deny (lock-out recovery).
   */
  readonly rule?:
    | 'network-origin'
    | 'root-lockout-recovery'
    | 'aws-managed-key'
    | 'anonymous-caller'
    | 'requester-pays'
    | 'object-lock-retention'
    | 'object-lock-legal-hold'
    | 'sse-c-blocked'
    | 'mfa-delete';
  /**
   * For an unknown layer: whether an explicit Deny of this layer may match (false when only its Allow side could not
   * be decided, e.g. an Allow whose condition key is unknown and no Deny statement that could match).
   */
  readonly denyPossible?: boolean;
  /**
   * For an unknown policy layer: an Allow statement of it matches for certain, so only whether an explicit Deny matches
   * is open (the layer cannot be "no Allow").
   */
  readonly allowMatches?: true;
  /**
   * For an unknown layer that is not a policy: everything known points at a denial, only unknown facts stand between
   * (Block Public Access voids every grant that could apply to the caller, whether one would apply without it could
   * not be decided). For policies the same is read from the traces: a Deny statement with `matched: 'unknown'`.
   */
  readonly leansDeny?: true;
  /**
   * The result rests on inferred values (ConditionContext.inferred), here the keys: with the recorded facts alone
   * the layer is 'unknown'. A cause read from such a layer is at most 'likely', never 'confirmed'.
   */
  readonly dependsOnInferred?: readonly string[];
}

export type Decision = 'allowed' | 'explicitly-denied' | 'implicitly-denied';

export interface AuthorizationResult {
  /** 'unknown' when a layer that could change the outcome could not be evaluated. */
  readonly decision: Decision | 'unknown';
  readonly layers: readonly LayerResult[];
  /**
   * Whether the grant side lets the request through: the identity-based and resource-based policies (and ACLs, KMS
   * grants) together, as the caller's case requires them (either one in the same account, both across accounts,
   * the permission chain of boundary and session policies included), before the guardrails (SCP, RCP, VPC endpoint
   * policy, Block Public Access, Object Ownership, Requester Pays, Object Lock). When true, a grant-side layer that
   * is implicitly denied on its own stands in nobody's way: another grant-side layer allows.
   */
  readonly grant?: Tri;
  /** The decision rests on these inferred keys: with the recorded facts alone it is 'unknown' (see LayerResult). */
  readonly dependsOnInferred?: readonly string[];
  /** For an AWS service caller (or a CloudFront origin access identity): the resource policy's grants to it. */
  readonly service?: ServiceGrantNote;
}

/** One resource-policy Allow statement that names the calling service (or could), for the action and resource. */
export interface ServiceGrant {
  /** "<policy name> #<index> (<sid>)" */
  readonly statement: string;
  readonly sid: string | null;
  readonly index: number;
  readonly matched: Tri;
  /** Its conditions on the request's source (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths). */
  readonly source: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values: readonly string[];
    readonly result: Tri;
  }[];
  /** A condition other than a source condition could not be decided. */
  readonly otherUnknown: boolean;
}

/**
 * The resource policy's grants to an AWS service caller: which statements name it for this action and resource,
 * their source conditions, and whether the grant is undecided only because the record does not carry the
 * request's source (e.g. which CloudFront distribution asked).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export interface ServiceGrantNote {
  /** The service principal name (cloudfront.amazonaws.com …); null for an origin access identity. */
  readonly service: string | null;
  readonly originAccessIdentity: boolean;
  /** The policy the grants were read from: the bucket policy (S3) or the key policy (KMS). */
  readonly policy: 'bucket-policy' | 'kms-key-policy';
  /** false = there is no such policy, or it could not be read. */
  readonly policyKnown: boolean;
  readonly grants: readonly ServiceGrant[];
  /** Source keys the policy's grants test that the request context does not give. */
  readonly unknownSourceKeys: readonly string[];
  /** Some grant is undecided, and only its source conditions are unknown. */
  readonly sourceOnly: boolean;
}

/**
 * Requester Pays (absent = not modelled for this request). https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
 */
export interface RequestPaymentInput {
  /** get-bucket-request-payment .Payer */
  readonly payer: Fact<'Requester' | 'BucketOwner'>;
  /** The x-amz-request-payer header: its value when sent, null when the request did not carry it, or unknown. */
  readonly header: string | null | 'unknown';
}

/**
 * The bucket's BlockedEncryptionTypes (get-bucket-encryption .Rules[].BlockedEncryptionTypes.EncryptionType) and
 * whether the write specifies SSE-C (absent = not modelled for this request).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
 */
export interface BlockedEncryptionInput {
  /** The encryption types the bucket blocks (["SSE-C"], ["NONE"] or []); null = the bucket has no encryption configuration. */
  readonly blocked: Fact<readonly string[] | null>;
  /** The request specifies SSE-C (x-amz-server-side-encryption-customer-algorithm), does not, or unknown. */
  readonly sseC: Tri;
}

/**
 * MFA delete of the bucket a request permanently deletes a version of, or changes the versioning of (absent = not
 * modelled for this request). https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html
 */
export interface MfaDeleteInput {
  readonly versioning: Fact<BucketVersioning>;
  /** PutBucketVersioning: the MfaDelete the request sets, when recorded (null: not set, or not recorded). */
  readonly requested: 'Enabled' | 'Disabled' | null;
  /** The caller is the root user of the bucket's account (true), is not (false), or unknown. */
  readonly bucketOwnerRoot: Tri;
  /** The request sent x-amz-mfa (true), did not (false), or unknown (a record need not show it). */
  readonly mfaHeader: Tri;
  /** Over HTTPS (aws:SecureTransport): requests with x-amz-mfa must use HTTPS. */
  readonly secureTransport: Tri;
}

/** Object Lock of the version a request deletes or re-locks (absent = not modelled for this request). */
export interface ObjectLockInput {
  readonly configuration: Fact<ObjectLockConfiguration | null>;
  readonly retention: Fact<ObjectRetention | null>;
  readonly legalHold: Fact<'ON' | 'OFF' | null>;
  /** x-amz-bypass-governance-retention: true was sent (true), not sent (false), or unknown. */
  readonly bypassHeader: Tri;
  /** When the request was made (ISO 8601), to compare with the retain-until date; null = not known. */
  readonly at: string | null;
  /** PutObjectRetention: the retention the request sets, when recorded; null = not recorded. */
  readonly requested: ObjectRetention | null;
}

/**
 * A request through an S3 access point. `request.resource` is then the access point ARN (…:accesspoint/name or
 * …:accesspoint/name/object/key): the caller's IAM policies, SCPs and the access point policy are evaluated against
 * it; the bucket policy against `bucketResource`; the VPC endpoint policy and RCPs against both.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
 */
export interface AccessPointInput {
  /** The bucket or object ARN behind the access point; null when the bucket is not known. */
  readonly bucketResource: string | null;
  /** The access point's network origin; null = not known. */
  readonly networkOrigin: 'Internet' | 'VPC' | null;
  /** For a VPC origin: the VPC it accepts requests from (null = not known). */
  readonly vpcId: string | null;
  /** The VPC the request came from: null = not from a VPC (no VPC endpoint), 'unknown' = not known. */
  readonly sourceVpc: string | null | 'unknown';
}

/**
 * Everything `authorize` needs. For each layer: `null` = the layer does not apply to this request
 * (e.g. no VPC endpoint), a Fact = it applies and is known or unknown.
 */
export interface AuthorizationInput {
  readonly request: EngineRequest;
  /** null for anonymous callers and service principals (no identity policies). */
  readonly identityPolicies: Fact<readonly NamedPolicy[]> | null;
  readonly permissionsBoundary: Fact<NamedPolicy | null> | null;
  readonly sessionPolicy: Fact<NamedPolicy | null> | null;
  /** The bucket policy (null inside the Fact = bucket has no policy). */
  readonly bucketPolicy: Fact<NamedPolicy | null>;
  readonly accessPointPolicy: Fact<NamedPolicy | null> | null;
  /** Through an access point (absent or null = not through one). */
  readonly accessPoint?: AccessPointInput | null;
  /** null = not through a VPC endpoint; Fact(null) = through one with the default full-access policy. */
  readonly vpcEndpointPolicy: Fact<NamedPolicy | null> | null;
  /** Root first. Fact(null) = the account is not in an organization. */
  readonly scpLevels: Fact<readonly OrgLevel[] | null>;
  readonly rcpLevels: Fact<readonly OrgLevel[] | null>;
  /** Whether the caller's account is the organization's management account (SCPs do not apply). */
  readonly principalIsManagementAccount?: boolean;
  /** Whether the bucket's account is the organization's management account (RCPs do not apply). */
  readonly resourceIsManagementAccount?: boolean;
  readonly s3: {
    /** Effective BPA settings from account, bucket and access point (the engine combines them). */
    readonly accountPublicAccessBlock: Fact<PublicAccessBlock | null>;
    readonly bucketPublicAccessBlock: Fact<PublicAccessBlock | null>;
    readonly accessPointPublicAccessBlock: PublicAccessBlock | null;
    readonly bucketAcl: Fact<Acl>;
    /** For object requests: the object's ACL (when known). null = bucket-level request. */
    readonly objectAcl: Fact<Acl> | null;
    readonly ownership: Fact<ObjectOwnership | null>;
    /** For object requests: the account that owns the object, when known. */
    readonly objectOwnerAccountId: Fact<string> | null;
    /** The canonical user id of the bucket owner, when known. */
    readonly bucketOwnerCanonicalId: string | null;
    /** Requester Pays; absent = the layer is not evaluated (hand-built inputs). */
    readonly requestPayment?: RequestPaymentInput;
    /** Object Lock, for the actions it can refuse (deleting a version, changing its retention); absent = none. */
    readonly objectLock?: ObjectLockInput;
    /** The bucket's blocked encryption types (SSE-C), for writes; absent = the layer is not evaluated. */
    readonly blockedEncryption?: BlockedEncryptionInput;
    /** MFA delete, for version deletes and versioning changes; absent = the layer is not evaluated. */
    readonly mfaDelete?: MfaDeleteInput;
  } | null;
}

export interface KmsAuthorizationInput {
  readonly request: EngineRequest; // action kms:Decrypt / kms:GenerateDataKey, resource = key ARN
  readonly keyPolicy: Fact<NamedPolicy>;
  readonly grants: Fact<readonly KmsGrant[]>;
  readonly identityPolicies: Fact<readonly NamedPolicy[]> | null;
  readonly permissionsBoundary: Fact<NamedPolicy | null> | null;
  readonly sessionPolicy: Fact<NamedPolicy | null> | null;
  readonly scpLevels: Fact<readonly OrgLevel[] | null>;
  readonly rcpLevels: Fact<readonly OrgLevel[] | null>;
  /** The encryption context S3 uses: { "aws:s3:arn": "arn:aws:s3:::bucket/key" or bucket ARN with bucket keys }. */
  readonly encryptionContext: Readonly<Record<string, string>>;
  readonly keyManager: 'AWS' | 'CUSTOMER' | null;
  readonly keyState: string | null;
}
