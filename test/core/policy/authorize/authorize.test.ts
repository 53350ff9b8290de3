/**
 * Request-level evaluation for S3, layer by layer. Each case names the AWS page its expectation comes from.
 * EVAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * BASICS = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
 * XACCT = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 * BOUNDARY = https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 * SESSION = https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 * S3EVAL = https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html
 * BPA = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * OWNERSHIP = https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 * AP = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
 * APVPC = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
 * VPCE = https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html
 * SCP = https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html
 * RCP = https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 * RCPEVAL = https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
 * SCPATTACH = https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html
 */
import { known, unknown, type NamedPolicy } from '../../../../lambdas/core/model';
import {
  authorize,
  type AuthorizationInput,
  type AuthorizationResult,
  type EnginePrincipal,
  type LayerId,
  type LayerOutcome,
} from '../../../../lambdas/core/policy';
import {
  ACCT,
  BUCKET_ARN,
  OBJECT_ARN,
  OTHER,
  OTHER_CID,
  OWNER_CID,
  allow,
  anonymous,
  bucketPolicy,
  deny,
  iamUser,
  identity,
  input,
  orgPath,
  ownerAcl,
  policy,
  request,
  roleSession,
  service,
  ALL_USERS,
} from './fixtures';

const OBJ = `${BUCKET_ARN}/*`;
const role = roleSession();
const sessionArn = role.arn as string;
const roleArn = role.identityArn as string;
const rootOf = (a: string) => `arn:aws:iam::${a}:root`;
const idAllowGet = identity(allow('s3:GetObject', OBJ));

/** A caller whose identity policy allows the read and whose permissions boundary allows s3:*, and these bucket policy statements. */
const withBoundary = (req: Parameters<typeof input>[0], ...statements: Parameters<typeof bucketPolicy>) =>
  input(req, {
    identityPolicies: known([idAllowGet]),
    permissionsBoundary: known(boundaryPolicy(allow('s3:*'))),
    bucketPolicy: known(bucketPolicy(...statements)),
  });
const boundaryPolicy = (...s: Parameters<typeof policy>[2][]): NamedPolicy =>
  policy('Boundary', 'permissions-boundary', ...s);
const sessionPolicy = (...s: Parameters<typeof policy>[2][]): NamedPolicy =>
  policy('session', 'session', ...s);
const publicRead = bucketPolicy(allow('s3:GetObject', OBJ, { Sid: 'PublicRead', Principal: '*' }));

interface Case {
  readonly name: string;
  readonly input: AuthorizationInput;
  readonly decision: AuthorizationResult['decision'];
  /** The layer that decided and its result. */
  readonly layer?: LayerId;
  readonly result?: LayerOutcome;
  /** Sid of the deciding statement in that layer. */
  readonly sid?: string;
  readonly note?: RegExp;
}

const layerOf = (r: AuthorizationResult, id: LayerId) => r.layers.find((l) => l.layer === id);

function check(c: Case): void {
  const r = authorize(c.input);
  expect(r.decision).toBe(c.decision);
  if (c.layer) {
    const l = layerOf(r, c.layer);
    expect(l?.result).toBe(c.result);
    if (c.sid)
      expect(
        l?.policies.flatMap((p) => p.statements.filter((s) => s.matched === true).map((s) => s.sid)),
      ).toContain(c.sid);
    if (c.note) expect(l?.note).toMatch(c.note);
  }
}

describe('identity, boundary and session policies in one account (EVAL, BASICS)', () => {
  it.each<Case>([
    {
      name: 'identity Allow alone allows (BASICS)',
      input: input(request(role), { identityPolicies: known([idAllowGet]) }),
      decision: 'allowed',
      layer: 'identity-policy',
      result: 'allowed',
    },
    {
      name: 'no Allow anywhere is an implicit deny (EVAL)',
      input: input(request(role)),
      decision: 'implicitly-denied',
      layer: 'identity-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'identity Deny beats identity Allow (EVAL)',
      input: input(request(role), {
        identityPolicies: known([idAllowGet, identity(deny('s3:*', '*', { Sid: 'NoS3' }))]),
      }),
      decision: 'explicitly-denied',
      layer: 'identity-policy',
      result: 'explicitly-denied',
      sid: 'NoS3',
    },
    {
      name: 'a boundary without the action limits an identity Allow (BOUNDARY)',
      input: input(request(role), {
        identityPolicies: known([idAllowGet]),
        permissionsBoundary: known(boundaryPolicy(allow('s3:ListBucket'))),
      }),
      decision: 'implicitly-denied',
      layer: 'permissions-boundary',
      result: 'implicitly-denied',
    },
    {
      name: 'a boundary that allows lets an identity Allow through (BOUNDARY)',
      input: input(request(role), {
        identityPolicies: known([idAllowGet]),
        permissionsBoundary: known(boundaryPolicy(allow('s3:*'))),
      }),
      decision: 'allowed',
      layer: 'permissions-boundary',
      result: 'allowed',
    },
    {
      name: 'a session policy without the action limits the session (SESSION)',
      input: input(request(role), {
        identityPolicies: known([idAllowGet]),
        sessionPolicy: known(sessionPolicy(allow('s3:PutObject'))),
      }),
      decision: 'implicitly-denied',
      layer: 'session-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'group and managed policies count like inline ones (any Allow in the list)',
      input: input(request(iamUser()), {
        identityPolicies: known([
          identity(allow('s3:ListBucket')),
          policy('GroupPolicy', 'group-managed', allow('s3:Get*', OBJ)),
        ]),
      }),
      decision: 'allowed',
      layer: 'identity-policy',
      result: 'allowed',
    },
    {
      name: 'a Deny naming the role ARN applies to a role session (EVAL; aws:PrincipalArn is the role ARN)',
      input: input(request(role), {
        identityPolicies: known([idAllowGet]),
        bucketPolicy: known(
          bucketPolicy(deny('s3:*', [BUCKET_ARN, OBJ], { Sid: 'DenyApp', Principal: { AWS: roleArn } })),
        ),
      }),
      decision: 'explicitly-denied',
      layer: 'bucket-policy',
      result: 'explicitly-denied',
      sid: 'DenyApp',
    },
    {
      name: 'aws:PrincipalArn of an assumed role is the role ARN: an ArnNotEquals exception for the role does not deny',
      input: input(request(role), {
        identityPolicies: known([idAllowGet]),
        bucketPolicy: known(
          bucketPolicy(
            deny('s3:*', [BUCKET_ARN, OBJ], {
              Sid: 'OnlyApp',
              Principal: '*',
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArn } },
            }),
          ),
        ),
      }),
      decision: 'allowed',
      layer: 'bucket-policy',
      result: 'implicitly-denied',
    },
  ])('$name', check);
});

describe('resource policy principals in the same account (EVAL resource-based policies, BOUNDARY, SESSION)', () => {
  const grantTo = (principal: unknown) =>
    known(bucketPolicy(allow('s3:GetObject', OBJ, { Sid: 'Grant', Principal: principal })));
  const tightBoundary = known(boundaryPolicy(allow('s3:ListBucket')));
  it.each<Case>([
    {
      name: 'an account principal (root ARN) only delegates to IAM: no identity Allow, no access',
      input: input(request(role), { bucketPolicy: grantTo({ AWS: rootOf(ACCT) }) }),
      decision: 'implicitly-denied',
      layer: 'bucket-policy',
      result: 'allowed',
      note: /delegates/,
    },
    {
      name: 'an account principal (bare account id) only delegates to IAM',
      input: input(request(iamUser()), { bucketPolicy: grantTo({ AWS: ACCT }) }),
      decision: 'implicitly-denied',
      layer: 'identity-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'a grant to the role ARN allows without an identity Allow',
      input: input(request(role), { bucketPolicy: grantTo({ AWS: roleArn }) }),
      decision: 'allowed',
      layer: 'bucket-policy',
      result: 'allowed',
      sid: 'Grant',
    },
    {
      name: 'a grant to the role ARN is still limited by the boundary (BOUNDARY)',
      input: input(request(role), {
        bucketPolicy: grantTo({ AWS: roleArn }),
        permissionsBoundary: tightBoundary,
      }),
      decision: 'implicitly-denied',
      layer: 'permissions-boundary',
      result: 'implicitly-denied',
    },
    {
      name: 'a grant to the exact session ARN is not limited by the boundary (BOUNDARY)',
      input: input(request(role), {
        bucketPolicy: grantTo({ AWS: sessionArn }),
        permissionsBoundary: tightBoundary,
      }),
      decision: 'allowed',
      layer: 'bucket-policy',
      result: 'allowed',
    },
    {
      name: 'a grant to the role ARN is limited by the session policy (SESSION)',
      input: input(request(role), {
        bucketPolicy: grantTo({ AWS: roleArn }),
        sessionPolicy: known(sessionPolicy(allow('s3:ListBucket'))),
      }),
      decision: 'implicitly-denied',
      layer: 'session-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'a grant to the session ARN is not limited by the session policy (SESSION)',
      input: input(request(role), {
        bucketPolicy: grantTo({ AWS: sessionArn }),
        sessionPolicy: known(sessionPolicy(allow('s3:ListBucket'))),
      }),
      decision: 'allowed',
    },
    {
      name: 'a grant to an IAM user ARN is not limited by its boundary (BOUNDARY)',
      input: input(request(iamUser()), {
        bucketPolicy: grantTo({ AWS: iamUser().arn }),
        permissionsBoundary: tightBoundary,
      }),
      decision: 'allowed',
      layer: 'bucket-policy',
      result: 'allowed',
    },
    {
      name: 'a boundary Deny still applies to a session-ARN grant',
      input: input(request(role), {
        bucketPolicy: grantTo({ AWS: sessionArn }),
        permissionsBoundary: known(boundaryPolicy(allow('*'), deny('s3:GetObject', '*', { Sid: 'NoGet' }))),
      }),
      decision: 'explicitly-denied',
      layer: 'permissions-boundary',
      result: 'explicitly-denied',
      sid: 'NoGet',
    },
    {
      name: 'NotPrincipal + Deny always denies a principal with a boundary, even one it names (BOUNDARY)',
      input: withBoundary(
        request(role),
        deny('s3:*', [BUCKET_ARN, OBJ], { NotPrincipal: { AWS: [roleArn, sessionArn, rootOf(ACCT)] } }),
      ),
      decision: 'explicitly-denied',
      layer: 'bucket-policy',
      result: 'explicitly-denied',
      note: /NotPrincipal/,
    },
    {
      name: 'the same NotPrincipal + Deny spares a named principal without a boundary',
      input: input(request(role), {
        identityPolicies: known([idAllowGet]),
        bucketPolicy: known(
          bucketPolicy(
            deny('s3:*', [BUCKET_ARN, OBJ], { NotPrincipal: { AWS: [roleArn, sessionArn, rootOf(ACCT)] } }),
          ),
        ),
      }),
      decision: 'allowed',
    },
    {
      name: 'a NotPrincipal + Deny of another action does not deny a principal with a boundary (BOUNDARY)',
      input: withBoundary(
        request(role),
        deny('s3:DeleteObject', OBJ, { NotPrincipal: { AWS: [roleArn, sessionArn, rootOf(ACCT)] } }),
      ),
      decision: 'allowed',
    },
    {
      name: 'beside a NotPrincipal + Deny, an Allow with NotPrincipal is a grant, not a Deny, for a principal with a boundary (BOUNDARY)',
      input: withBoundary(
        request(role),
        deny('s3:DeleteObject', OBJ, { NotPrincipal: { AWS: [roleArn, sessionArn, rootOf(ACCT)] } }),
        allow('s3:GetObject', OBJ, { NotPrincipal: { AWS: rootOf(OTHER) } }),
      ),
      decision: 'allowed',
    },
    {
      name: 'beside a NotPrincipal + Deny, a Deny naming another account does not deny a principal with a boundary (BOUNDARY)',
      input: withBoundary(
        request(role),
        deny('s3:DeleteObject', OBJ, { NotPrincipal: { AWS: [roleArn, sessionArn, rootOf(ACCT)] } }),
        deny('s3:GetObject', OBJ, { Principal: { AWS: rootOf(OTHER) } }),
      ),
      decision: 'allowed',
    },
    {
      name: 'a NotPrincipal + Deny whose condition does not hold (TLS used) does not deny a principal with a boundary (BOUNDARY)',
      input: withBoundary(
        request(role, 's3:GetObject', OBJECT_ARN, { 'aws:SecureTransport': 'true' }),
        deny('s3:*', [BUCKET_ARN, OBJ], {
          NotPrincipal: { AWS: [roleArn, sessionArn, rootOf(ACCT)] },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ),
      decision: 'allowed',
    },
    {
      name: 'a NotPrincipal + Deny whose condition the record does not tell: undecided for a principal with a boundary (BOUNDARY)',
      input: withBoundary(
        request(role, 's3:GetObject', OBJECT_ARN, {}, 'unknown'),
        deny('s3:*', [BUCKET_ARN, OBJ], {
          NotPrincipal: { AWS: [roleArn, sessionArn, rootOf(ACCT)] },
          Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
        }),
      ),
      decision: 'unknown',
      layer: 'bucket-policy',
      result: 'unknown',
    },
    {
      name: 'a bucket policy that allows the caller but may also deny it (a condition the record does not tell) is undecided, not allowed (EVAL)',
      input: input(request(role, 's3:GetObject', OBJECT_ARN, {}, 'unknown'), {
        bucketPolicy: known(
          bucketPolicy(
            allow('s3:GetObject', OBJ, { Principal: { AWS: sessionArn } }),
            deny('s3:GetObject', OBJ, {
              Principal: '*',
              Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
            }),
          ),
        ),
      }),
      decision: 'unknown',
      layer: 'bucket-policy',
      result: 'unknown',
    },
    {
      name: 'a conditional bucket-policy Deny that does not match leaves the Allow in force (EVAL)',
      input: input(request(role), {
        bucketPolicy: known(
          bucketPolicy(
            allow('s3:GetObject', OBJ, { Principal: '*' }),
            deny('s3:GetObject', OBJ, {
              Sid: 'NoHttp',
              Principal: '*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ),
        ),
      }),
      decision: 'allowed',
    },
  ])('$name', check);

  it('a bucket-policy Deny on aws:SecureTransport=false denies a plain-HTTP request (EVAL)', () => {
    const pol = known(
      bucketPolicy(
        deny('s3:*', [BUCKET_ARN, OBJ], {
          Sid: 'NoHttp',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ),
    );
    check({
      name: '',
      input: input(request(role, 's3:GetObject', OBJECT_ARN, { 'aws:SecureTransport': 'false' }), {
        identityPolicies: known([idAllowGet]),
        bucketPolicy: pol,
      }),
      decision: 'explicitly-denied',
      layer: 'bucket-policy',
      result: 'explicitly-denied',
      sid: 'NoHttp',
    });
  });
});

describe('cross-account requests need both sides (XACCT)', () => {
  const foreign = roleSession(OTHER, 'Partner');
  const grantPartner = known(
    bucketPolicy(allow('s3:GetObject', OBJ, { Sid: 'Partner', Principal: { AWS: rootOf(OTHER) } })),
  );
  it.each<Case>([
    {
      name: 'bucket grant + identity Allow: allowed',
      input: input(request(foreign), { bucketPolicy: grantPartner, identityPolicies: known([idAllowGet]) }),
      decision: 'allowed',
      layer: 'bucket-policy',
      result: 'allowed',
      sid: 'Partner',
    },
    {
      name: 'identity Allow without a bucket grant: denied',
      input: input(request(foreign), { identityPolicies: known([idAllowGet]) }),
      decision: 'implicitly-denied',
      layer: 'bucket-policy',
      result: 'not-applicable',
    },
    {
      name: 'bucket grant without an identity Allow: denied',
      input: input(request(foreign), { bucketPolicy: grantPartner }),
      decision: 'implicitly-denied',
      layer: 'identity-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'a grant to the session ARN still needs the identity Allow cross-account',
      input: input(request(foreign), {
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: foreign.arn } }))),
      }),
      decision: 'implicitly-denied',
    },
    {
      name: 'an object ACL grant to the caller account counts as the resource side (S3EVAL)',
      input: input(
        request(foreign),
        { identityPolicies: known([idAllowGet]) },
        {
          ownership: known('BucketOwnerPreferred'),
          objectAcl: known(
            ownerAcl({ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'READ' }),
          ),
        },
      ),
      decision: 'allowed',
      layer: 'acl',
      result: 'allowed',
    },
  ])('$name', check);
});

describe('anonymous callers and service principals (S3EVAL, EVAL)', () => {
  it.each<Case>([
    {
      name: 'anonymous + public bucket policy: allowed',
      input: input(request(anonymous), { bucketPolicy: known(publicRead) }),
      decision: 'allowed',
      layer: 'bucket-policy',
      result: 'allowed',
      sid: 'PublicRead',
    },
    {
      name: 'anonymous with no public grant: denied',
      input: input(request(anonymous)),
      decision: 'implicitly-denied',
    },
    {
      name: 'anonymous + a grant to an account: does not match',
      input: input(request(anonymous), {
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: rootOf(ACCT) } }))),
      }),
      decision: 'implicitly-denied',
    },
    {
      name: 'anonymous + AllUsers object ACL (ACLs enabled): allowed',
      input: input(
        request(anonymous),
        {},
        { ownership: known('ObjectWriter'), objectAcl: known(ownerAcl(ALL_USERS)) },
      ),
      decision: 'allowed',
      layer: 'acl',
      result: 'allowed',
    },
    {
      name: 'a service principal granted by the bucket policy: allowed',
      input: input(request(service('cloudtrail.amazonaws.com'), 's3:PutObject'), {
        bucketPolicy: known(
          bucketPolicy(allow('s3:PutObject', OBJ, { Principal: { Service: 'cloudtrail.amazonaws.com' } })),
        ),
      }),
      decision: 'allowed',
      layer: 'scp',
      result: 'not-applicable',
    },
  ])('$name', check);
});

describe('Block Public Access (BPA)', () => {
  const rpb = { bucketPublicAccessBlock: known({ RestrictPublicBuckets: true }) };
  const foreign = roleSession(OTHER, 'Partner');
  it.each<Case>([
    {
      name: 'RestrictPublicBuckets voids a public policy grant for an anonymous caller',
      input: input(request(anonymous), { bucketPolicy: known(publicRead) }, rpb),
      decision: 'implicitly-denied',
      layer: 'block-public-access',
      result: 'implicitly-denied',
      note: /RestrictPublicBuckets \(bucket\)/,
    },
    {
      name: 'RestrictPublicBuckets marks the voided bucket-policy Allow',
      input: input(request(anonymous), { bucketPolicy: known(publicRead) }, rpb),
      decision: 'implicitly-denied',
      layer: 'bucket-policy',
      result: 'implicitly-denied',
      note: /RestrictPublicBuckets/,
    },
    {
      name: 'RestrictPublicBuckets also voids cross-account grants inside a public policy',
      input: input(
        request(foreign),
        {
          identityPolicies: known([idAllowGet]),
          bucketPolicy: known(
            bucketPolicy(
              allow('s3:GetObject', OBJ, { Principal: { AWS: rootOf(OTHER) } }),
              allow('s3:GetObject', OBJ, { Principal: '*' }),
            ),
          ),
        },
        { accountPublicAccessBlock: known({ RestrictPublicBuckets: true }) },
      ),
      decision: 'implicitly-denied',
      layer: 'block-public-access',
      result: 'implicitly-denied',
      note: /account/,
    },
    {
      name: 'RestrictPublicBuckets keeps a cross-account grant in a non-public policy',
      input: input(
        request(foreign),
        {
          identityPolicies: known([idAllowGet]),
          bucketPolicy: known(
            bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: rootOf(OTHER) } })),
          ),
        },
        rpb,
      ),
      decision: 'allowed',
    },
    {
      name: 'RestrictPublicBuckets keeps grants to the bucket owner account',
      input: input(request(role), { bucketPolicy: known(publicRead) }, rpb),
      decision: 'allowed',
      layer: 'block-public-access',
      result: 'allowed',
    },
    {
      name: 'IgnorePublicAcls ignores an AllUsers grant',
      input: input(
        request(anonymous),
        {},
        {
          ownership: known('ObjectWriter'),
          objectAcl: known(ownerAcl(ALL_USERS)),
          accountPublicAccessBlock: known({ IgnorePublicAcls: true }),
        },
      ),
      decision: 'implicitly-denied',
      layer: 'block-public-access',
      result: 'implicitly-denied',
      note: /IgnorePublicAcls/,
    },
    {
      name: 'BlockPublicAcls rejects PutObject with x-amz-acl public-read',
      input: input(
        request(role, 's3:PutObject', OBJECT_ARN, { 's3:x-amz-acl': 'public-read' }),
        { identityPolicies: known([identity(allow('s3:PutObject', OBJ))]) },
        { bucketPublicAccessBlock: known({ BlockPublicAcls: true }), ownership: known('ObjectWriter') },
      ),
      decision: 'explicitly-denied',
      layer: 'block-public-access',
      result: 'explicitly-denied',
      note: /BlockPublicAcls/,
    },
    {
      name: 'BlockPublicAcls lets a private PutObject through',
      input: input(
        request(role, 's3:PutObject', OBJECT_ARN, { 's3:x-amz-acl': 'private' }),
        { identityPolicies: known([identity(allow('s3:PutObject', OBJ))]) },
        { bucketPublicAccessBlock: known({ BlockPublicAcls: true }), ownership: known('ObjectWriter') },
      ),
      decision: 'allowed',
    },
    {
      name: 'BlockPublicPolicy rejects PutBucketPolicy with a public policy',
      input: input(
        request(role, 's3:PutBucketPolicy', BUCKET_ARN, {
          's3-403:RequestPolicy': JSON.stringify(publicRead.document),
        }),
        { identityPolicies: known([identity(allow('s3:PutBucketPolicy', BUCKET_ARN))]) },
        { accountPublicAccessBlock: known({ BlockPublicPolicy: true }) },
      ),
      decision: 'explicitly-denied',
      layer: 'block-public-access',
      result: 'explicitly-denied',
      note: /BlockPublicPolicy/,
    },
    {
      name: 'unknown BPA settings make a public grant unknown, never allowed',
      input: input(
        request(anonymous),
        { bucketPolicy: known(publicRead) },
        { accountPublicAccessBlock: unknown('accessDenied', undefined, 's3:GetAccountPublicAccessBlock') },
      ),
      decision: 'unknown',
      layer: 'block-public-access',
      result: 'unknown',
    },
  ])('$name', check);
});

describe('ACLs and Object Ownership (OWNERSHIP, S3EVAL)', () => {
  const foreignOwned = {
    ownership: known('ObjectWriter' as const),
    objectOwnerAccountId: known(OTHER),
    objectAcl: known({
      Owner: { ID: OTHER_CID },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' }],
    }),
  };
  it.each<Case>([
    {
      name: 'BucketOwnerEnforced: an AllUsers ACL grant is ignored',
      input: input(request(anonymous), {}, { objectAcl: known(ownerAcl(ALL_USERS)) }),
      decision: 'implicitly-denied',
      layer: 'object-ownership',
      result: 'implicitly-denied',
      note: /BucketOwnerEnforced/,
    },
    {
      name: 'BucketOwnerEnforced: PutObjectAcl with public-read fails',
      input: input(request(role, 's3:PutObjectAcl', OBJECT_ARN, { 's3:x-amz-acl': 'public-read' }), {
        identityPolicies: known([identity(allow('s3:*', OBJ))]),
      }),
      decision: 'explicitly-denied',
      layer: 'object-ownership',
      result: 'explicitly-denied',
      note: /AccessControlListNotSupported/,
    },
    {
      name: 'BucketOwnerEnforced: PutObject with bucket-owner-full-control succeeds',
      input: input(
        request(role, 's3:PutObject', OBJECT_ARN, { 's3:x-amz-acl': 'bucket-owner-full-control' }),
        { identityPolicies: known([identity(allow('s3:PutObject', OBJ))]) },
      ),
      decision: 'allowed',
    },
    {
      name: 'ObjectWriter, object owned by another account: the bucket-policy Allow does not cover it',
      input: input(
        request(role),
        { bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: roleArn } }))) },
        foreignOwned,
      ),
      decision: 'implicitly-denied',
      layer: 'object-ownership',
      result: 'implicitly-denied',
      note: /owned by account 444455556666/,
    },
    {
      name: 'ObjectWriter, foreign object: even an identity Allow needs the object ACL grant',
      input: input(request(role), { identityPolicies: known([idAllowGet]) }, foreignOwned),
      decision: 'implicitly-denied',
    },
    {
      name: 'ObjectWriter, foreign object with bucket-owner-full-control: identity Allow suffices',
      input: input(
        request(role),
        { identityPolicies: known([idAllowGet]) },
        {
          ...foreignOwned,
          objectAcl: known({
            Owner: { ID: OTHER_CID },
            Grants: [
              { Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' },
              { Grantee: { Type: 'CanonicalUser', ID: OWNER_CID }, Permission: 'FULL_CONTROL' },
            ],
          }),
        },
      ),
      decision: 'allowed',
      layer: 'acl',
      result: 'allowed',
    },
    {
      name: 'ObjectWriter, foreign object: the bucket-policy Deny still applies',
      input: input(
        request(roleSession(OTHER, 'Writer')),
        {
          identityPolicies: known([idAllowGet]),
          bucketPolicy: known(bucketPolicy(deny('s3:GetObject', OBJ, { Sid: 'NoGet', Principal: '*' }))),
        },
        foreignOwned,
      ),
      decision: 'explicitly-denied',
      layer: 'bucket-policy',
      result: 'explicitly-denied',
      sid: 'NoGet',
    },
    {
      name: 'bucket ACL READ grants ListBucket to an anonymous caller (ACLs enabled)',
      input: input(
        request(anonymous, 's3:ListBucket', BUCKET_ARN),
        {},
        { ownership: known('ObjectWriter'), bucketAcl: known(ownerAcl(ALL_USERS)) },
      ),
      decision: 'allowed',
      layer: 'acl',
      result: 'allowed',
    },
    {
      // the pipeline never knows the caller's own canonical id: the grant is placed by the bucket ACL's Owner.ID
      name: "bucket-owner-full-control on a foreign object is decided from the bucket ACL's Owner.ID (OWNERSHIP, ACL)",
      input: input(
        request({ ...role, canonicalId: null }),
        { identityPolicies: known([idAllowGet]) },
        {
          ...foreignOwned,
          bucketOwnerCanonicalId: OWNER_CID,
          objectAcl: known({
            Owner: { ID: OTHER_CID },
            Grants: [
              { Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' },
              { Grantee: { Type: 'CanonicalUser', ID: OWNER_CID }, Permission: 'FULL_CONTROL' },
            ],
          }),
        },
      ),
      decision: 'allowed',
      layer: 'acl',
      result: 'allowed',
    },
    {
      name: 'the same foreign object without that grant is decided too: implicitly denied (OWNERSHIP, ACL)',
      input: input(
        request({ ...role, canonicalId: null }),
        { identityPolicies: known([idAllowGet]) },
        foreignOwned,
      ),
      decision: 'implicitly-denied',
      layer: 'object-ownership',
      result: 'implicitly-denied',
    },
    {
      name: 'BucketOwnerEnforced: ACLs are disabled, so an unread ACL is not applicable, never unknown (OWNERSHIP)',
      input: input(
        request(role),
        { identityPolicies: known([idAllowGet]) },
        {
          bucketAcl: unknown('accessDenied', undefined, 's3:GetBucketAcl'),
          objectAcl: unknown('notCollected'),
          objectOwnerAccountId: unknown('notCollected'),
        },
      ),
      decision: 'allowed',
      layer: 'acl',
      result: 'not-applicable',
      note: /disabled/,
    },
    {
      name: 'BucketOwnerEnforced: the object writer does not matter, the bucket owner owns every object (OWNERSHIP)',
      input: input(
        request(role),
        { bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: roleArn } }))) },
        { ...foreignOwned, ownership: known('BucketOwnerEnforced') },
      ),
      decision: 'allowed',
      layer: 'object-ownership',
      result: 'allowed',
    },
    {
      name: 'unknown ownership with a foreign-owned object: unknown, never allowed',
      input: input(
        request(role),
        { bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: roleArn } }))) },
        { ...foreignOwned, ownership: unknown('accessDenied', undefined, 's3:GetBucketOwnershipControls') },
      ),
      decision: 'unknown',
      layer: 'object-ownership',
      result: 'unknown',
    },
  ])('$name', check);
});

describe("the bucket owner's root user and the bucket policy (PUTPOLICY)", () => {
  // PUTPOLICY = https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html: "the root principal in a
  // bucket owner's AWS account can perform the GetBucketPolicy, PutBucketPolicy, and DeleteBucketPolicy API actions,
  // even if their bucket policy explicitly denies the root principal's access. Bucket owner root principals can only
  // be blocked from performing these API actions by VPC endpoint policies and AWS Organizations policies."
  const root = (acct: string): EnginePrincipal => ({
    type: 'Root',
    arn: rootOf(acct),
    identityArn: rootOf(acct),
    accountId: acct,
  });
  const denyAll = known(bucketPolicy(deny('s3:*', [BUCKET_ARN, OBJ], { Sid: 'LockedOut', Principal: '*' })));
  it.each(['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'])(
    'the root user may %s even when the bucket policy denies everyone (PUTPOLICY)',
    (action) => {
      check({
        name: '',
        input: input(request(root(ACCT), action, BUCKET_ARN), { bucketPolicy: denyAll }),
        decision: 'allowed',
        layer: 'bucket-policy',
        result: 'allowed',
        note: /lock-out recovery/,
      });
    },
  );
  it.each<Case>([
    {
      name: 'the root user is still denied other actions by that policy (PUTPOLICY)',
      input: input(request(root(ACCT), 's3:GetObject', OBJECT_ARN), { bucketPolicy: denyAll }),
      decision: 'explicitly-denied',
      layer: 'bucket-policy',
      result: 'explicitly-denied',
    },
    {
      name: "another account's root user gets no such recovery (PUTPOLICY)",
      input: input(request(root(OTHER), 's3:PutBucketPolicy', BUCKET_ARN), { bucketPolicy: denyAll }),
      decision: 'explicitly-denied',
      layer: 'bucket-policy',
      result: 'explicitly-denied',
    },
    {
      name: 'an IAM role of the bucket owner account gets no such recovery (PUTPOLICY)',
      input: input(request(role, 's3:PutBucketPolicy', BUCKET_ARN), {
        identityPolicies: known([identity(allow('s3:*'))]),
        bucketPolicy: denyAll,
      }),
      decision: 'explicitly-denied',
    },
    {
      name: 'an SCP still stops the root user (PUTPOLICY: AWS Organizations policies)',
      input: input(request(root(ACCT), 's3:PutBucketPolicy', BUCKET_ARN), {
        bucketPolicy: denyAll,
        scpLevels: known(
          orgPath('scp', {
            2: [FULL_SCP(), policy('NoPolicy', 'scp', deny('s3:PutBucketPolicy', '*', { Sid: 'NoPut' }))],
          }),
        ),
      }),
      decision: 'explicitly-denied',
      layer: 'scp',
      result: 'explicitly-denied',
    },
    {
      name: 'a VPC endpoint policy still stops the root user (PUTPOLICY)',
      input: input(request(root(ACCT), 's3:PutBucketPolicy', BUCKET_ARN), {
        bucketPolicy: denyAll,
        vpcEndpointPolicy: known(
          policy('vpce', 'vpc-endpoint-policy', allow('s3:GetObject', '*', { Principal: '*' })),
        ),
      }),
      decision: 'implicitly-denied',
      layer: 'vpc-endpoint-policy',
      result: 'implicitly-denied',
    },
  ])('$name', check);
});

describe('access points (AP), VPC endpoints (VPCE)', () => {
  // Through an access point the request names the access point ARN (IAM policies, AP policy); the bucket policy is
  // evaluated against the bucket ARN behind it (AP); the VPC endpoint policy must allow both (APVPC).
  const AP = `arn:aws:s3:us-east-1:${ACCT}:accesspoint/ap1`;
  const AP_OBJ = `${AP}/object/reports/q3.csv`;
  const apContext = { 's3:DataAccessPointArn': AP, 's3:DataAccessPointAccount': ACCT };
  const viaAp = request(role, 's3:GetObject', AP_OBJ, apContext);
  const foreign = roleSession(OTHER, 'Partner');
  const viaApX = request(foreign, 's3:GetObject', AP_OBJ, apContext);
  const through = (
    over: Partial<NonNullable<AuthorizationInput['accessPoint']>> = {},
  ): AuthorizationInput['accessPoint'] => ({
    bucketResource: OBJECT_ARN,
    networkOrigin: 'Internet',
    vpcId: null,
    sourceVpc: null,
    ...over,
  });
  const delegate = known(
    bucketPolicy(
      allow('*', '*', {
        Sid: 'Delegate',
        Principal: { AWS: '*' },
        Condition: { StringEquals: { 's3:DataAccessPointAccount': ACCT } },
      }),
    ),
  );
  const apGrant = (p: string) =>
    known(
      policy(
        'ap1-policy',
        'access-point-policy',
        allow('s3:GetObject', `${AP}/object/*`, { Sid: 'ApRead', Principal: { AWS: p } }),
      ),
    );
  const idAp = known([identity(allow('s3:GetObject', `${AP}/object/*`))]);
  it.each<Case>([
    {
      name: 'cross-account via a delegated access point: AP policy grants the account, bucket policy delegates (AP)',
      input: input(viaApX, {
        accessPoint: through(),
        accessPointPolicy: apGrant(rootOf(OTHER)),
        bucketPolicy: delegate,
        identityPolicies: idAp,
      }),
      decision: 'allowed',
      layer: 'access-point-policy',
      result: 'allowed',
      sid: 'ApRead',
    },
    {
      name: 'the bucket policy is evaluated against the bucket ARN behind the access point (AP)',
      input: input(viaApX, {
        accessPoint: through(),
        accessPointPolicy: apGrant(rootOf(OTHER)),
        bucketPolicy: delegate,
        identityPolicies: idAp,
      }),
      decision: 'allowed',
      layer: 'bucket-policy',
      result: 'allowed',
      sid: 'Delegate',
    },
    {
      name: 'cross-account via an access point: the AP policy alone is not enough (bucket must permit too) (AP)',
      input: input(viaApX, {
        accessPoint: through(),
        accessPointPolicy: apGrant(rootOf(OTHER)),
        identityPolicies: idAp,
      }),
      decision: 'implicitly-denied',
    },
    {
      name: 'cross-account via an access point: the bucket alone is not enough (AP must permit too) (AP)',
      input: input(viaApX, {
        accessPoint: through(),
        accessPointPolicy: known(null),
        bucketPolicy: delegate,
        identityPolicies: idAp,
      }),
      decision: 'implicitly-denied',
      layer: 'access-point-policy',
      result: 'not-applicable',
    },
    {
      name: "cross-account via an access point: the caller's IAM policy must allow the access point ARN (XACCT, AP)",
      input: input(viaApX, {
        accessPoint: through(),
        accessPointPolicy: apGrant(rootOf(OTHER)),
        bucketPolicy: delegate,
        identityPolicies: known([identity(allow('s3:GetObject', OBJ))]),
      }),
      decision: 'implicitly-denied',
      layer: 'identity-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'same account: an identity policy naming only the access point ARN allows, without bucket or AP grant (BASICS, AP)',
      input: input(viaAp, { accessPoint: through(), accessPointPolicy: known(null), identityPolicies: idAp }),
      decision: 'allowed',
      layer: 'identity-policy',
      result: 'allowed',
    },
    {
      name: 'same account: an identity policy naming only the bucket ARN does not cover the access point ARN (AP)',
      input: input(viaAp, {
        accessPoint: through(),
        accessPointPolicy: known(null),
        identityPolicies: known([idAllowGet]),
      }),
      decision: 'implicitly-denied',
      layer: 'identity-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'an access point policy Deny denies (AP)',
      input: input(viaAp, {
        accessPoint: through(),
        accessPointPolicy: known(
          policy('ap1-policy', 'access-point-policy', deny('s3:*', '*', { Sid: 'ApDeny', Principal: '*' })),
        ),
        identityPolicies: idAp,
      }),
      decision: 'explicitly-denied',
      layer: 'access-point-policy',
      result: 'explicitly-denied',
      sid: 'ApDeny',
    },
    {
      name: 'a bucket policy Deny on the bucket ARN reaches requests through the access point (AP)',
      input: input(viaAp, {
        accessPoint: through(),
        accessPointPolicy: known(null),
        bucketPolicy: known(bucketPolicy(deny('s3:GetObject', OBJ, { Sid: 'NoReads', Principal: '*' }))),
        identityPolicies: idAp,
      }),
      decision: 'explicitly-denied',
      layer: 'bucket-policy',
      result: 'explicitly-denied',
      sid: 'NoReads',
    },
    {
      name: 'a VPC-origin access point refuses a request from the internet, whatever the policies allow (APVPC)',
      input: input(viaAp, {
        accessPoint: through({ networkOrigin: 'VPC', vpcId: 'vpc-1', sourceVpc: null }),
        accessPointPolicy: known(null),
        identityPolicies: idAp,
      }),
      decision: 'implicitly-denied',
      layer: 'access-point-policy',
      result: 'implicitly-denied',
      note: /network origin is VPC/,
    },
    {
      name: 'a VPC-origin access point refuses a request from another VPC (APVPC)',
      input: input(viaAp, {
        accessPoint: through({ networkOrigin: 'VPC', vpcId: 'vpc-1', sourceVpc: 'vpc-2' }),
        accessPointPolicy: known(null),
        identityPolicies: idAp,
        vpcEndpointPolicy: known(null),
      }),
      decision: 'implicitly-denied',
      layer: 'access-point-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'a VPC-origin access point accepts a request from its VPC (APVPC)',
      input: input(viaAp, {
        accessPoint: through({ networkOrigin: 'VPC', vpcId: 'vpc-1', sourceVpc: 'vpc-1' }),
        accessPointPolicy: known(null),
        identityPolicies: idAp,
        vpcEndpointPolicy: known(null),
      }),
      decision: 'allowed',
    },
    {
      name: 'a VPC-origin access point with an endpoint of unknown VPC: unknown, never allowed (APVPC)',
      input: input(viaAp, {
        accessPoint: through({ networkOrigin: 'VPC', vpcId: 'vpc-1', sourceVpc: 'unknown' }),
        accessPointPolicy: known(null),
        identityPolicies: idAp,
        vpcEndpointPolicy: known(null),
      }),
      decision: 'unknown',
      layer: 'access-point-policy',
      result: 'unknown',
    },
    {
      name: 'through an access point the VPC endpoint policy must allow the bucket ARN too (APVPC)',
      input: input(viaAp, {
        accessPoint: through(),
        accessPointPolicy: known(null),
        identityPolicies: idAp,
        vpcEndpointPolicy: known(
          policy('vpce', 'vpc-endpoint-policy', allow('s3:GetObject', `${AP}/object/*`, { Principal: '*' })),
        ),
      }),
      decision: 'implicitly-denied',
      layer: 'vpc-endpoint-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'through an access point a VPC endpoint policy naming both ARNs allows (APVPC)',
      input: input(viaAp, {
        accessPoint: through(),
        accessPointPolicy: known(null),
        identityPolicies: idAp,
        vpcEndpointPolicy: known(
          policy(
            'vpce',
            'vpc-endpoint-policy',
            allow('s3:GetObject', [`${AP}/object/*`, OBJ], { Principal: '*' }),
          ),
        ),
      }),
      decision: 'allowed',
      layer: 'vpc-endpoint-policy',
      result: 'allowed',
    },
    {
      name: 'a VPC endpoint policy Deny denies',
      input: input(request(role), {
        identityPolicies: known([idAllowGet]),
        vpcEndpointPolicy: known(
          policy(
            'vpce',
            'vpc-endpoint-policy',
            allow('*', '*', { Principal: '*' }),
            deny('s3:GetObject', '*', { Sid: 'NoGet', Principal: '*' }),
          ),
        ),
      }),
      decision: 'explicitly-denied',
      layer: 'vpc-endpoint-policy',
      result: 'explicitly-denied',
      sid: 'NoGet',
    },
    {
      name: 'a VPC endpoint policy without an Allow for the request is an implicit deny',
      input: input(request(role), {
        identityPolicies: known([idAllowGet]),
        vpcEndpointPolicy: known(
          policy('vpce', 'vpc-endpoint-policy', allow('s3:PutObject', '*', { Principal: '*' })),
        ),
      }),
      decision: 'implicitly-denied',
      layer: 'vpc-endpoint-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'the default (full access) VPC endpoint policy allows',
      input: input(request(role), { identityPolicies: known([idAllowGet]), vpcEndpointPolicy: known(null) }),
      decision: 'allowed',
      layer: 'vpc-endpoint-policy',
      result: 'not-applicable',
    },
  ])('$name', check);
});

describe('SCPs and RCPs: every level must allow (SCP, RCP)', () => {
  const ok = { identityPolicies: known([idAllowGet]) };
  const denyS3 = (source: 'scp' | 'rcp') =>
    policy(
      `Deny${source}`,
      source,
      deny('s3:GetObject', '*', { Sid: 'NoGet', ...(source === 'rcp' ? { Principal: '*' } : {}) }),
    );
  it.each<Case>([
    {
      name: 'FullAWSAccess at every level: allowed',
      input: input(request(role), { ...ok, scpLevels: known(orgPath('scp')) }),
      decision: 'allowed',
      layer: 'scp',
      result: 'allowed',
    },
    {
      name: 'an OU without an Allow denies, even with Allows at root and account',
      input: input(request(role), {
        ...ok,
        scpLevels: known(orgPath('scp', { 1: [policy('OnlyEc2', 'scp', allow('ec2:*'))] })),
      }),
      decision: 'implicitly-denied',
      layer: 'scp',
      result: 'implicitly-denied',
      note: /ou-abcd-11111111/,
    },
    {
      name: 'an SCP Deny at the account level denies',
      input: input(request(role), {
        ...ok,
        scpLevels: known(orgPath('scp', { 2: [policy('FullAWSAccess', 'scp', allow('*')), denyS3('scp')] })),
      }),
      decision: 'explicitly-denied',
      layer: 'scp',
      result: 'explicitly-denied',
      sid: 'NoGet',
    },
    {
      name: 'SCPs do not apply to the management account',
      input: input(request(role), {
        ...ok,
        principalIsManagementAccount: true,
        scpLevels: known(orgPath('scp', { 0: [denyS3('scp')] })),
      }),
      decision: 'allowed',
      layer: 'scp',
      result: 'not-applicable',
    },
    {
      name: 'an RCP Deny denies',
      input: input(request(role), {
        ...ok,
        rcpLevels: known(orgPath('rcp', { 2: [FULL(), denyS3('rcp')] })),
      }),
      decision: 'explicitly-denied',
      layer: 'rcp',
      result: 'explicitly-denied',
      sid: 'NoGet',
    },
    {
      name: 'RCPs apply to anonymous callers too',
      input: input(request(anonymous), {
        bucketPolicy: known(publicRead),
        rcpLevels: known(orgPath('rcp', { 0: [FULL(), denyS3('rcp')] })),
      }),
      decision: 'explicitly-denied',
      layer: 'rcp',
      result: 'explicitly-denied',
    },
    {
      name: "RCPs do not apply to the management account's resources",
      input: input(request(role), {
        ...ok,
        resourceIsManagementAccount: true,
        rcpLevels: known(orgPath('rcp', { 0: [denyS3('rcp')] })),
      }),
      decision: 'allowed',
      layer: 'rcp',
      result: 'not-applicable',
    },
  ])('$name', check);

  it.each<Case>([
    {
      // RCPFullAWSAccess is attached to every root, OU and account and cannot be detached (RCPEVAL)
      name: 'a level with no RCP listed restricts nothing (RCPFullAWSAccess is always attached) (RCPEVAL)',
      input: input(request(role), {
        ...ok,
        rcpLevels: known(orgPath('rcp', { 0: [], 1: [], 2: [FULL()] })),
      }),
      decision: 'allowed',
      layer: 'rcp',
      result: 'allowed',
    },
    {
      name: 'no RCP listed anywhere: the RCP layer does not apply (RCPEVAL)',
      input: input(request(role), { ...ok, rcpLevels: known(orgPath('rcp', { 0: [], 1: [], 2: [] })) }),
      decision: 'allowed',
      layer: 'rcp',
      result: 'not-applicable',
    },
    {
      name: 'a Deny-only custom RCP without a listed RCPFullAWSAccess still allows what it does not deny (RCPEVAL)',
      input: input(request(role, 's3:ListBucket', BUCKET_ARN), {
        identityPolicies: known([identity(allow('s3:ListBucket', BUCKET_ARN))]),
        rcpLevels: known(orgPath('rcp', { 0: [], 1: [denyS3('rcp')], 2: [] })),
      }),
      decision: 'allowed',
      layer: 'rcp',
      result: 'allowed',
    },
    {
      name: 'a Deny-only custom RCP without a listed RCPFullAWSAccess denies what it denies (RCPEVAL)',
      input: input(request(role), { ...ok, rcpLevels: known(orgPath('rcp', { 0: [], 1: [denyS3('rcp')] })) }),
      decision: 'explicitly-denied',
      layer: 'rcp',
      result: 'explicitly-denied',
      sid: 'NoGet',
    },
    {
      // AWS keeps at least one SCP attached to every level once SCPs are enabled (SCPATTACH)
      name: 'an SCP level with no SCP listed means SCPs are not enabled there: it restricts nothing (SCPATTACH)',
      input: input(request(role), { ...ok, scpLevels: known(orgPath('scp', { 1: [] })) }),
      decision: 'allowed',
      layer: 'scp',
      result: 'allowed',
      note: /not enabled there/,
    },
    {
      name: 'no SCP listed anywhere: SCPs are not enabled, the layer does not apply (SCPATTACH)',
      input: input(request(role), { ...ok, scpLevels: known(orgPath('scp', { 0: [], 1: [], 2: [] })) }),
      decision: 'allowed',
      layer: 'scp',
      result: 'not-applicable',
    },
    {
      name: 'RCPs apply to AWS service principals (RCP)',
      input: input(request(service('cloudtrail.amazonaws.com')), {
        bucketPolicy: known(
          bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { Service: 'cloudtrail.amazonaws.com' } })),
        ),
        rcpLevels: known(orgPath('rcp', { 0: [FULL(), denyS3('rcp')] })),
      }),
      decision: 'explicitly-denied',
      layer: 'rcp',
      result: 'explicitly-denied',
    },
  ])('$name', check);

  it('a real service-linked role path is exempt from SCPs', () => {
    const slr = {
      ...roleSession(),
      identityArn: `arn:aws:iam::${ACCT}:role/aws-service-role/replication.s3.amazonaws.com/AWSServiceRoleForS3`,
    };
    check({
      name: '',
      input: input(request(slr), { ...ok, scpLevels: known(orgPath('scp', { 0: [denyS3('scp')] })) }),
      decision: 'allowed',
      layer: 'scp',
      result: 'not-applicable',
    });
  });
});

function FULL_SCP(): NamedPolicy {
  return policy('FullAWSAccess', 'scp', allow('*', '*'));
}

function FULL(): NamedPolicy {
  return policy('RCPFullAWSAccess', 'rcp', allow('*', '*', { Principal: '*' }));
}

describe('unknown facts never become "allowed"', () => {
  const ok = { identityPolicies: known([idAllowGet]) };
  it.each<Case>([
    {
      name: 'unreadable bucket policy with an identity Allow: unknown (it may Deny)',
      input: input(request(role), {
        ...ok,
        bucketPolicy: unknown('accessDenied', undefined, 's3:GetBucketPolicy'),
      }),
      decision: 'unknown',
      layer: 'bucket-policy',
      result: 'unknown',
    },
    {
      name: 'unreadable SCPs with an identity Allow: unknown',
      input: input(request(role), {
        ...ok,
        scpLevels: unknown('accessDenied', undefined, 'organizations:ListPoliciesForTarget'),
      }),
      decision: 'unknown',
      layer: 'scp',
      result: 'unknown',
    },
    {
      name: 'unreadable identity policies: unknown',
      input: input(request(role), { identityPolicies: unknown('notCollected') }),
      decision: 'unknown',
      layer: 'identity-policy',
      result: 'unknown',
    },
    {
      name: 'an unknown condition key in a bucket-policy Deny: unknown',
      input: input(request(role, 's3:GetObject', OBJECT_ARN, {}, 'unknown'), {
        ...ok,
        bucketPolicy: known(
          bucketPolicy(
            deny('s3:*', '*', {
              Principal: '*',
              Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
            }),
          ),
        ),
      }),
      decision: 'unknown',
      layer: 'bucket-policy',
      result: 'unknown',
    },
    {
      name: 'an explicit Deny is decisive even with unknown layers',
      input: input(request(role), {
        identityPolicies: known([identity(deny('s3:*'))]),
        scpLevels: unknown('accessDenied'),
        bucketPolicy: unknown('accessDenied'),
      }),
      decision: 'explicitly-denied',
      layer: 'identity-policy',
      result: 'explicitly-denied',
    },
    {
      name: 'a malformed policy makes its layer unknown (not a crash)',
      input: input(request(role), {
        ...ok,
        bucketPolicy: known({
          name: 'broken',
          source: 'bucket-policy',
          document: '{"Statement": [{"Effect": "Maybe"}]}',
        }),
      }),
      decision: 'unknown',
      layer: 'bucket-policy',
      result: 'unknown',
    },
  ])('$name', check);

  it('reports what is missing for an unknown layer', () => {
    const r = authorize(
      input(request(role), {
        identityPolicies: known([idAllowGet]),
        bucketPolicy: unknown('accessDenied', undefined, 's3:GetBucketPolicy'),
      }),
    );
    expect(layerOf(r, 'bucket-policy')?.missing?.[0]).toMatch(/s3:GetBucketPolicy/);
  });
});

describe('the result shape', () => {
  it('lists every layer once, in evaluation order, each with a one-line note', () => {
    const r = authorize(input(request(role), { identityPolicies: known([idAllowGet]) }));
    expect(r.layers.map((l) => l.layer)).toEqual([
      'rcp',
      'scp',
      'vpc-endpoint-policy',
      'access-point-policy',
      'bucket-policy',
      'acl',
      'block-public-access',
      'object-ownership',
      'identity-policy',
      'permissions-boundary',
      'session-policy',
    ]);
    for (const l of r.layers) expect(l.note).toMatch(/^[^\n]+$/);
  });
  it('names the policy and statement that allowed', () => {
    const r = authorize(
      input(request(role), {
        identityPolicies: known([identity(allow('s3:GetObject', OBJ, { Sid: 'ReadK' }))]),
      }),
    );
    const l = layerOf(r, 'identity-policy');
    expect(l?.policies[0]?.policy.name).toBe('AppPolicy');
    expect(l?.policies[0]?.statements[0]).toMatchObject({ sid: 'ReadK', index: 1, matched: true });
  });
});

describe('more callers and facts', () => {
  const root = {
    type: 'Root' as const,
    arn: rootOf(ACCT),
    identityArn: rootOf(ACCT),
    accountId: ACCT,
    canonicalId: OWNER_CID,
  };
  const otherRoot = {
    type: 'Root' as const,
    arn: rootOf(OTHER),
    identityArn: rootOf(OTHER),
    accountId: OTHER,
    canonicalId: OTHER_CID,
  };
  const AUTH_USERS = {
    Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' },
    Permission: 'READ',
  };
  const LOG_DELIVERY = {
    Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' },
    Permission: 'WRITE',
  };
  const unknownAccount = (p: ReturnType<typeof roleSession>) => ({ ...request(p), resourceAccountId: null });
  it.each<Case>([
    {
      name: 'the root user of the bucket account needs no identity policy (EVAL: root has full access)',
      input: input(request(root)),
      decision: 'allowed',
      layer: 'identity-policy',
      result: 'allowed',
    },
    {
      name: 'the root user of another account still needs a bucket grant (XACCT)',
      input: input(request(otherRoot)),
      decision: 'implicitly-denied',
    },
    {
      name: 'the root user of another account with a grant to its account: allowed (XACCT)',
      input: input(request(otherRoot), {
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: OTHER } }))),
      }),
      decision: 'allowed',
    },
    {
      name: 'unknown bucket account with only an identity Allow: unknown (same- or cross-account?)',
      input: input(unknownAccount(role), { identityPolicies: known([idAllowGet]) }),
      decision: 'unknown',
    },
    {
      name: 'unknown bucket account, identity Allow and a grant to the caller: allowed either way',
      input: input(unknownAccount(role), {
        identityPolicies: known([idAllowGet]),
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: rootOf(ACCT) } }))),
      }),
      decision: 'allowed',
    },
    {
      name: 'AuthenticatedUsers ACL grant does not cover an anonymous caller (S3EVAL)',
      input: input(
        request(anonymous),
        {},
        { ownership: known('ObjectWriter'), objectAcl: known(ownerAcl(AUTH_USERS)) },
      ),
      decision: 'implicitly-denied',
      layer: 'acl',
      result: 'implicitly-denied',
    },
    {
      name: 'AuthenticatedUsers ACL grant + identity Allow covers a caller from another account',
      input: input(
        request(roleSession(OTHER, 'P')),
        { identityPolicies: known([idAllowGet]) },
        { ownership: known('ObjectWriter'), objectAcl: known(ownerAcl(AUTH_USERS)) },
      ),
      decision: 'allowed',
      layer: 'acl',
      result: 'allowed',
    },
    {
      name: 'LogDelivery WRITE on the bucket ACL lets the S3 log delivery service write (ACLs enabled)',
      input: input(
        request(service('logging.s3.amazonaws.com'), 's3:PutObject'),
        {},
        { ownership: known('ObjectWriter'), bucketAcl: known(ownerAcl(LOG_DELIVERY)) },
      ),
      decision: 'allowed',
      layer: 'acl',
      result: 'allowed',
    },
    {
      name: 'an unreadable VPC endpoint policy: unknown',
      input: input(request(role), {
        identityPolicies: known([idAllowGet]),
        vpcEndpointPolicy: unknown('accessDenied', undefined, 'ec2:DescribeVpcEndpoints'),
      }),
      decision: 'unknown',
      layer: 'vpc-endpoint-policy',
      result: 'unknown',
    },
    {
      name: 'an identity Allow that depends on an unknown condition key: unknown',
      input: input(request(role, 's3:GetObject', OBJECT_ARN, {}, 'unknown'), {
        identityPolicies: known([
          identity(
            allow('s3:GetObject', OBJ, { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
          ),
        ]),
      }),
      decision: 'unknown',
      layer: 'identity-policy',
      result: 'unknown',
    },
    {
      name: 'a condition on a known-absent key in an identity Allow: implicitly denied',
      input: input(request(role), {
        identityPolicies: known([
          identity(
            allow('s3:GetObject', OBJ, { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
          ),
        ]),
      }),
      decision: 'implicitly-denied',
      layer: 'identity-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'a non-S3 request (s3 facts null) still evaluates the policy layers',
      input: { ...input(request(role), { identityPolicies: known([idAllowGet]) }), s3: null },
      decision: 'allowed',
      layer: 'acl',
      result: 'not-applicable',
    },
  ])('$name', check);

  it.each<Case>([
    {
      name: 'unreadable BPA settings do not matter when no public grant is involved',
      input: input(
        request(role),
        { identityPolicies: known([idAllowGet]) },
        { accountPublicAccessBlock: unknown('accessDenied') },
      ),
      decision: 'allowed',
      layer: 'block-public-access',
      result: 'not-applicable',
    },
    {
      name: 'unreadable Object Ownership does not matter when no ACL grant or foreign object is involved',
      input: input(
        request(role),
        { identityPolicies: known([idAllowGet]) },
        { ownership: unknown('accessDenied'), objectAcl: known({ Grants: [] }) },
      ),
      decision: 'allowed',
      layer: 'object-ownership',
      result: 'not-applicable',
    },
    {
      name: 'unreadable Object Ownership matters when only an ACL grant could allow',
      input: input(
        request(anonymous),
        {},
        { ownership: unknown('accessDenied'), objectAcl: known(ownerAcl(ALL_USERS)) },
      ),
      decision: 'unknown',
      layer: 'object-ownership',
      result: 'unknown',
    },
  ])('$name', check);

  it('an unknown layer lists the missing condition key', () => {
    const r = authorize(
      input(request(role, 's3:GetObject', OBJECT_ARN, {}, 'unknown'), {
        identityPolicies: known([
          identity(
            allow('s3:GetObject', OBJ, { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
          ),
        ]),
      }),
    );
    expect(layerOf(r, 'identity-policy')?.missing?.join(' ')).toMatch(/aws:SourceVpce/);
  });
});
