/**
 * Request-level evaluation for S3: what each layer tells the user (result, note, missing facts, the rule that
 * decided), for access points, Block Public Access and Object Ownership. Each case names the AWS page it states.
 * EVAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * AP = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
 * APVPC = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
 * RCP = https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 * BPA = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * OWNERSHIP = https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 * PUTPOLICY = https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
 */
import { known, unknown } from '../../../../lambdas/core/model';
import {
  authorize,
  type AuthorizationInput,
  type AuthorizationResult,
  type EnginePrincipal,
} from '../../../../lambdas/core/policy';
import {
  ACCT,
  BUCKET_ARN,
  OBJECT_ARN,
  OTHER,
  OTHER_CID,
  allow,
  anonymous,
  bucketPolicy,
  deny,
  identity,
  input,
  ownerAcl,
  policy,
  request,
  roleSession,
  service,
  layerOf,
  ALL_USERS,
} from './fixtures';

const OBJ = `${BUCKET_ARN}/*`;
const role = roleSession();
const foreign = roleSession(OTHER, 'Partner');
const rootOf = (a: string) => `arn:aws:iam::${a}:root`;

// ---------------------------------------------------------------------------------------------------------------
// Access points
// ---------------------------------------------------------------------------------------------------------------

/**
 * A partner account's role reads k through internet access point ap1 of the bucket owner: its own policy allows, the
 * access point policy grants everyone, and the bucket policy delegates to the owner's access points (the delegation
 * pattern of https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html).
 */
function partnerReadThroughPublicAccessPoint(s3: Parameters<typeof input>[2]): AuthorizationResult {
  const AP = `arn:aws:s3:us-east-1:${ACCT}:accesspoint/ap1`;
  return authorize(
    input(
      request(foreign, 's3:GetObject', `${AP}/object/k`, {
        's3:DataAccessPointArn': AP,
        's3:DataAccessPointAccount': ACCT,
      }),
      {
        identityPolicies: known([identity(allow('s3:GetObject', '*'))]),
        accessPoint: {
          bucketResource: OBJECT_ARN,
          networkOrigin: 'Internet',
          vpcId: null,
          sourceVpc: null,
        },
        accessPointPolicy: known(
          policy(
            'ap1-policy',
            'access-point-policy',
            allow('s3:GetObject', `${AP}/object/*`, { Principal: '*' }),
          ),
        ),
        bucketPolicy: known(
          bucketPolicy(
            allow('*', '*', {
              Principal: { AWS: '*' },
              Condition: { StringEquals: { 's3:DataAccessPointAccount': ACCT } },
            }),
          ),
        ),
      },
      s3,
    ),
  );
}

describe('a VPC-origin access point rejects requests from outside its VPC (APVPC)', () => {
  const AP = `arn:aws:s3:us-east-1:${ACCT}:accesspoint/ap1`;
  const AP_OBJ = `${AP}/object/k`;
  const apContext = { 's3:DataAccessPointArn': AP, 's3:DataAccessPointAccount': ACCT };
  const viaAp = request(role, 's3:GetObject', AP_OBJ, apContext);
  const idAp = known([identity(allow('s3:GetObject', `${AP}/object/*`))]);
  const through = (
    over: Partial<NonNullable<AuthorizationInput['accessPoint']>> = {},
  ): AuthorizationInput['accessPoint'] => ({
    bucketResource: OBJECT_ARN,
    networkOrigin: 'Internet',
    vpcId: null,
    sourceVpc: null,
    ...over,
  });
  const run = (
    over: Partial<NonNullable<AuthorizationInput['accessPoint']>>,
    extra: Partial<AuthorizationInput> = {},
  ) =>
    authorize(
      input(viaAp, {
        accessPoint: through(over),
        accessPointPolicy: known(null),
        identityPolicies: idAp,
        vpcEndpointPolicy: known(null),
        ...extra,
      }),
    );

  it('an internet-origin access point lets the request through: its layer only says there is no access point policy', () => {
    const r = run({});
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'access-point-policy');
    expect(l.result).toBe('not-applicable');
    expect(l.rule).toBeUndefined();
  });

  it('a request from the internet to a VPC-only access point is refused by the network origin rule, naming the VPC', () => {
    const r = run({ networkOrigin: 'VPC', vpcId: 'vpc-1', sourceVpc: null });
    expect(r.decision).toBe('implicitly-denied');
    const l = layerOf(r, 'access-point-policy');
    expect(l).toMatchObject({ result: 'implicitly-denied', rule: 'network-origin' });
    expect(l.note).toBe(
      "the access point's network origin is VPC (vpc-1): S3 rejects requests that do not come from that VPC, and this one did not come through a VPC endpoint",
    );
  });

  it('a request from another VPC is refused, and the note names both VPCs', () => {
    const l = layerOf(
      run({ networkOrigin: 'VPC', vpcId: 'vpc-1', sourceVpc: 'vpc-2' }),
      'access-point-policy',
    );
    expect(l).toMatchObject({ result: 'implicitly-denied', rule: 'network-origin' });
    expect(l.note).toBe(
      "the access point's network origin is VPC (vpc-1): S3 rejects this request, which came from vpc-2",
    );
  });

  it('a VPC-only access point whose VPC id is not recorded still refuses a request that came from no VPC at all', () => {
    const l = layerOf(run({ networkOrigin: 'VPC', vpcId: null, sourceVpc: null }), 'access-point-policy');
    expect(l.result).toBe('implicitly-denied');
    expect(l.note).toMatch(/network origin is VPC \(its VPC\)/);
  });

  it('an unknown network origin leaves the access point layer and the decision unknown, and says what is missing', () => {
    const r = run({ networkOrigin: null });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'access-point-policy');
    expect(l.result).toBe('unknown');
    expect(l.missing).toEqual(["the access point's network origin"]);
    expect(l.note).toBe(
      "there is no access point policy; the access point's network origin may refuse the request",
    );
    expect(l.rule).toBeUndefined();
  });

  it('a request through an endpoint of unknown VPC: the missing fact names the VPC the access point accepts', () => {
    const l = layerOf(
      run({ networkOrigin: 'VPC', vpcId: 'vpc-1', sourceVpc: 'unknown' }),
      'access-point-policy',
    );
    expect(l.result).toBe('unknown');
    expect(l.missing).toEqual([
      'the VPC of the endpoint the request came through (the access point accepts only vpc-1)',
    ]);
  });

  it('a request from a VPC to a VPC-only access point whose VPC id is not recorded is undecided, never allowed', () => {
    const r = run({ networkOrigin: 'VPC', vpcId: null, sourceVpc: 'vpc-2' });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'access-point-policy');
    expect(l.result).toBe('unknown');
    expect(l.missing).toEqual([
      'the VPC of the endpoint the request came through (the access point accepts only its VPC)',
    ]);
  });

  it('an access point policy Deny stays the explicit deny even when the network origin also refuses (EVAL: an explicit deny is final)', () => {
    const r = run(
      { networkOrigin: 'VPC', vpcId: 'vpc-1', sourceVpc: null },
      {
        accessPointPolicy: known(
          policy('ap1-policy', 'access-point-policy', deny('s3:*', '*', { Sid: 'ApDeny', Principal: '*' })),
        ),
      },
    );
    expect(r.decision).toBe('explicitly-denied');
    const l = layerOf(r, 'access-point-policy');
    expect(l.result).toBe('explicitly-denied');
    expect(l.rule).toBeUndefined();
  });

  it('an access point policy Deny with an unknown network origin is still an explicit deny', () => {
    const r = run(
      { networkOrigin: null },
      {
        accessPointPolicy: known(
          policy('ap1-policy', 'access-point-policy', deny('s3:*', '*', { Sid: 'ApDeny', Principal: '*' })),
        ),
      },
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(layerOf(r, 'access-point-policy').result).toBe('explicitly-denied');
  });

  it('an access point policy that may allow and a network origin that may refuse: both missing facts are listed', () => {
    const r = run(
      { networkOrigin: null },
      {
        request: { ...viaAp, context: { ...viaAp.context, otherKeys: 'unknown' } },
        accessPointPolicy: known(
          policy(
            'ap1-policy',
            'access-point-policy',
            allow('s3:GetObject', `${AP}/object/*`, {
              Sid: 'FromVpce',
              Principal: { AWS: role.identityArn },
              Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
            }),
          ),
        ),
      },
    );
    const l = layerOf(r, 'access-point-policy');
    expect(l.result).toBe('unknown');
    expect(l.missing).toContain("the access point's network origin");
    expect(l.missing?.some((m) => m.includes('aws:SourceVpce'))).toBe(true);
    expect(l.note).toMatch(/; the access point's network origin may refuse the request$/);
    expect(l.note).not.toMatch(/^; /);
  });
});

describe('through an access point, guardrails are evaluated against both the access point and the bucket (AP, RCP)', () => {
  const AP = `arn:aws:s3:us-east-1:${ACCT}:accesspoint/ap1`;
  const AP_OBJ = `${AP}/object/k`;
  const apContext = { 's3:DataAccessPointArn': AP, 's3:DataAccessPointAccount': ACCT };
  const viaAp = request(role, 's3:GetObject', AP_OBJ, apContext);
  const idAp = known([identity(allow('s3:GetObject', `${AP}/object/*`))]);
  const rcpDenying = (resource: string) =>
    known([
      {
        target: ACCT,
        policies: [
          policy('NoReads', 'rcp', deny('s3:GetObject', resource, { Sid: 'NoReads', Principal: '*' })),
        ],
      },
    ]);
  const run = (over: Partial<AuthorizationInput>) =>
    authorize(
      input(viaAp, {
        accessPoint: { bucketResource: OBJECT_ARN, networkOrigin: 'Internet', vpcId: null, sourceVpc: null },
        accessPointPolicy: known(null),
        identityPolicies: idAp,
        ...over,
      }),
    );

  it('an RCP that denies only the bucket ARN denies the request, and the layer names the bucket resource it was decided for', () => {
    const r = run({ rcpLevels: rcpDenying(OBJ) });
    expect(r.decision).toBe('explicitly-denied');
    const l = layerOf(r, 'rcp');
    expect(l.result).toBe('explicitly-denied');
    expect(l.resource).toBe(OBJECT_ARN);
  });

  it('an RCP that denies only the access point ARN denies the request; the layer is the access point one (no other resource named)', () => {
    const r = run({ rcpLevels: rcpDenying(`${AP}/object/*`) });
    expect(r.decision).toBe('explicitly-denied');
    const l = layerOf(r, 'rcp');
    expect(l.result).toBe('explicitly-denied');
    expect(l.resource).toBeUndefined();
  });

  it('an RCP Deny on the bucket ARN that may match (unknown condition key) leaves the request undecided and is shown for the bucket', () => {
    const r = run({
      request: { ...viaAp, context: { ...viaAp.context, otherKeys: 'unknown' } },
      rcpLevels: known([
        {
          target: ACCT,
          policies: [
            policy(
              'NoOutside',
              'rcp',
              deny('s3:GetObject', OBJ, {
                Principal: '*',
                Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
              }),
            ),
          ],
        },
      ]),
    });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'rcp');
    expect(l.result).toBe('unknown');
    expect(l.resource).toBe(OBJECT_ARN);
    expect(l.denyPossible).toBe(true);
  });

  it('an RCP denying both resources is shown once, for the access point request', () => {
    const l = layerOf(run({ rcpLevels: rcpDenying('*') }), 'rcp');
    expect(l.result).toBe('explicitly-denied');
    expect(l.resource).toBeUndefined();
  });

  it('the bucket policy layer names the bucket resource it was evaluated against', () => {
    const l = layerOf(run({}), 'bucket-policy');
    expect(l.resource).toBe(OBJECT_ARN);
  });

  it('without an access point no layer names another resource', () => {
    const r = authorize(
      input(request(role), { identityPolicies: known([identity(allow('s3:GetObject', OBJ))]) }),
    );
    expect(r.layers.every((l) => l.resource === undefined)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Block Public Access and Object Ownership: the notes that say why a grant does not count
// ---------------------------------------------------------------------------------------------------------------

describe('why a bucket-policy Allow does not count (BPA, OWNERSHIP)', () => {
  const publicRead = bucketPolicy(allow('s3:GetObject', OBJ, { Sid: 'PublicRead', Principal: '*' }));

  it("RestrictPublicBuckets: the bucket-policy layer says the public policy's Allow is ignored outside the owner's account", () => {
    const r = authorize(
      input(
        request(anonymous),
        { bucketPolicy: known(publicRead) },
        {
          accountPublicAccessBlock: known({ RestrictPublicBuckets: true }),
        },
      ),
    );
    expect(layerOf(r, 'bucket-policy').note).toBe(
      "RestrictPublicBuckets ignores the public policy's Allow for a caller outside the bucket owner's account",
    );
    expect(layerOf(r, 'block-public-access').note).toBe(
      "RestrictPublicBuckets (account): the bucket policy is public, so only AWS service principals and the bucket owner's account may use its grants",
    );
  });

  it('RestrictPublicBuckets set at two levels names both levels', () => {
    const r = authorize(
      input(
        request(anonymous),
        { bucketPolicy: known(publicRead) },
        {
          accountPublicAccessBlock: known({ RestrictPublicBuckets: true }),
          bucketPublicAccessBlock: known({ RestrictPublicBuckets: true, IgnorePublicAcls: true }),
        },
      ),
    );
    expect(layerOf(r, 'block-public-access').note).toMatch(/^RestrictPublicBuckets \(account, bucket\):/);
  });

  it('RestrictPublicBuckets does not void a public policy for an AWS service principal (BPA: "only AWS service principals and authorized users")', () => {
    const svc = service('cloudtrail.amazonaws.com');
    const r = authorize(
      input(
        request(svc),
        { bucketPolicy: known(publicRead) },
        {
          accountPublicAccessBlock: known({ RestrictPublicBuckets: true }),
        },
      ),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'bucket-policy').result).toBe('allowed');
  });

  it("another account's object (ObjectWriter): the bucket-policy layer says the Allow does not cover the object and names its owner", () => {
    const r = authorize(
      input(
        request(role),
        {
          bucketPolicy: known(
            bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: role.identityArn } })),
          ),
        },
        {
          ownership: known('ObjectWriter'),
          objectOwnerAccountId: known(OTHER),
          objectAcl: known({
            Owner: { ID: OTHER_CID },
            Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' }],
          }),
        },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    const l = layerOf(r, 'bucket-policy');
    expect(l.result).toBe('implicitly-denied');
    expect(l.note).toBe(
      `the object is owned by account ${OTHER}: the bucket policy's Allow does not cover it`,
    );
    expect(layerOf(r, 'object-ownership').note).toBe(
      `the object is owned by account ${OTHER}: the bucket policy's Allow does not cover it; only the object ACL can grant`,
    );
  });

  it('an object whose owner is not known (ObjectWriter): the bucket-policy Allow may not cover it, so nothing is allowed', () => {
    const r = authorize(
      input(
        request(role),
        {
          bucketPolicy: known(
            bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: role.identityArn } })),
          ),
        },
        { ownership: known('ObjectWriter'), objectOwnerAccountId: unknown('notCollected') },
      ),
    );
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'bucket-policy');
    expect(l.result).toBe('unknown');
    expect(l.note).toMatch(/may or may not allow/);
    expect(layerOf(r, 'object-ownership').result).toBe('unknown');
    expect(layerOf(r, 'object-ownership').missing?.[0]).toMatch(/^the object owner's account/);
  });

  it('an anonymous caller with a public policy under RestrictPublicBuckets and an object of unknown owner: RestrictPublicBuckets is named, whoever owns it', () => {
    const r = authorize(
      input(
        request(anonymous),
        { bucketPolicy: known(publicRead) },
        {
          ownership: known('ObjectWriter'),
          objectOwnerAccountId: unknown('notCollected'),
          objectAcl: known(ownerAcl()),
          accountPublicAccessBlock: known({ RestrictPublicBuckets: true }),
        },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'bucket-policy').note).toMatch(/^RestrictPublicBuckets ignores/);
  });

  it('a bucket-policy grant to someone else is not voided by anything: the note is the plain "no statement allows"', () => {
    const r = authorize(
      input(request(role), {
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: rootOf(OTHER) } }))),
      }),
    );
    expect(layerOf(r, 'bucket-policy').note).toBe('no statement of the bucket policy allows s3:GetObject');
  });

  it('a public access point policy under RestrictPublicBuckets: the access point layer and Block Public Access both say so (BPA, AP)', () => {
    const r = partnerReadThroughPublicAccessPoint({
      accessPointPublicAccessBlock: { RestrictPublicBuckets: true },
    });
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'access-point-policy').note).toBe(
      'RestrictPublicBuckets ignores the public access point policy for a caller outside the owner account',
    );
    expect(layerOf(r, 'block-public-access').note).toMatch(
      /RestrictPublicBuckets \(access point\): the access point policy is public/,
    );
  });

  it('IgnorePublicAcls: Block Public Access names the level and the ignored public-group grant', () => {
    const r = authorize(
      input(
        request(anonymous),
        {},
        {
          ownership: known('ObjectWriter'),
          objectAcl: known(ownerAcl(ALL_USERS)),
          bucketPublicAccessBlock: known({ IgnorePublicAcls: true }),
        },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'block-public-access').note).toBe(
      'IgnorePublicAcls (bucket) ignores the ACL grant to a public group',
    );
    expect(layerOf(r, 'acl').note).toBe('IgnorePublicAcls ignores object ACL grant #2: READ to AllUsers');
  });

  it('without IgnorePublicAcls the AllUsers grant allows an anonymous read (ACLs enabled)', () => {
    const r = authorize(
      input(
        request(anonymous),
        {},
        { ownership: known('ObjectWriter'), objectAcl: known(ownerAcl(ALL_USERS)) },
      ),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'acl').note).toBe('object ACL grant #2: READ to AllUsers covers s3:GetObject');
  });
});

describe("the bucket owner's root user and an unknown account (PUTPOLICY)", () => {
  const rootWithoutAccount: EnginePrincipal = {
    type: 'Root',
    arn: rootOf(ACCT),
    identityArn: rootOf(ACCT),
    accountId: null,
  };
  const denyAll = known(bucketPolicy(deny('s3:*', [BUCKET_ARN, OBJ], { Sid: 'LockedOut', Principal: '*' })));

  it('a root user whose account is not known may or may not be the bucket owner: its PutBucketPolicy is undecided, never allowed', () => {
    const r = authorize(
      input(request(rootWithoutAccount, 's3:PutBucketPolicy', BUCKET_ARN), { bucketPolicy: denyAll }),
    );
    expect(r.decision).toBe('unknown');
  });

  it('lock-out recovery is named as the rule that set the Deny aside', () => {
    const root: EnginePrincipal = { ...rootWithoutAccount, accountId: ACCT };
    const l = layerOf(
      authorize(input(request(root, 's3:deletebucketpolicy', BUCKET_ARN), { bucketPolicy: denyAll })),
      'bucket-policy',
    );
    expect(l).toMatchObject({ result: 'allowed', rule: 'root-lockout-recovery' });
    expect(l.note).toMatch(/bucket-policy #1 \(LockedOut\) does not apply to s3:deletebucketpolicy$/);
  });

  it('the recovery does not apply to a bucket policy without a Deny: the root user is simply allowed', () => {
    const root: EnginePrincipal = { ...rootWithoutAccount, accountId: ACCT };
    const l = layerOf(
      authorize(input(request(root, 's3:PutBucketPolicy', BUCKET_ARN), { bucketPolicy: known(null) })),
      'bucket-policy',
    );
    expect(l.result).toBe('not-applicable');
    expect(l.rule).toBeUndefined();
  });
});

describe('an AWS service caller: the result notes the bucket policy grants to that service', () => {
  it('a service caller gets the note; an IAM caller does not', () => {
    const pol = known(
      bucketPolicy(
        allow('s3:PutObject', OBJ, { Sid: 'Trail', Principal: { Service: 'cloudtrail.amazonaws.com' } }),
      ),
    );
    const svc = authorize(input(request(service(), 's3:PutObject'), { bucketPolicy: pol }));
    expect(svc.service).toMatchObject({ service: 'cloudtrail.amazonaws.com', policy: 'bucket-policy' });
    expect(svc.service?.grants.map((g) => g.sid)).toEqual(['Trail']);
    const iam = authorize(input(request(role, 's3:PutObject'), { bucketPolicy: pol }));
    expect('service' in iam).toBe(false);
  });
});

describe('Block Public Access and Object Ownership deny on their own, whatever the identity side says (BPA, OWNERSHIP)', () => {
  const publicRead = bucketPolicy(allow('s3:GetObject', OBJ, { Sid: 'PublicRead', Principal: '*' }));
  const rpb = { accountPublicAccessBlock: known({ RestrictPublicBuckets: true }) };

  it.each([
    ['no identity-based policies', known([])],
    ['identity-based policies that could not be read', unknown('accessDenied')],
  ] as const)(
    "a caller from another account with %s: RestrictPublicBuckets still voids the public policy's grant",
    (_, identityPolicies) => {
      const r = authorize(
        input(request(foreign), { identityPolicies, bucketPolicy: known(publicRead) }, rpb),
      );
      expect(r.decision).toBe('implicitly-denied');
      expect(layerOf(r, 'block-public-access').result).toBe('implicitly-denied');
    },
  );

  it('the same caller without RestrictPublicBuckets: Block Public Access is not what stops it', () => {
    const r = authorize(
      input(request(foreign), { identityPolicies: known([]), bucketPolicy: known(publicRead) }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'block-public-access').result).toBe('not-applicable');
    expect(layerOf(r, 'identity-policy').result).toBe('implicitly-denied');
  });

  it("a caller without identity policies, on another account's object: Object Ownership still takes the bucket-policy grant away", () => {
    const r = authorize(
      input(
        request(role),
        {
          identityPolicies: known([]),
          bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: role.arn } }))),
        },
        {
          ownership: known('ObjectWriter'),
          objectOwnerAccountId: known(OTHER),
          objectAcl: known({
            Owner: { ID: OTHER_CID },
            Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' }],
          }),
        },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'object-ownership').result).toBe('implicitly-denied');
  });

  it("a caller without identity policies on another account's object, with no bucket-policy grant: Object Ownership still takes the account's grants away", () => {
    const r = authorize(
      input(
        request(role),
        { identityPolicies: unknown('accessDenied') },
        {
          ownership: known('ObjectWriter'),
          objectOwnerAccountId: known(OTHER),
          objectAcl: known({
            Owner: { ID: OTHER_CID },
            Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' }],
          }),
        },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'object-ownership').result).toBe('implicitly-denied');
  });

  it('a public ACL grant under IgnorePublicAcls for a caller whose identity side does not allow: Block Public Access is named', () => {
    const r = authorize(
      input(
        request(foreign),
        { identityPolicies: known([]) },
        {
          ownership: known('ObjectWriter'),
          objectAcl: known(ownerAcl(ALL_USERS)),
          bucketPublicAccessBlock: known({ IgnorePublicAcls: true }),
        },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'block-public-access').result).toBe('implicitly-denied');
  });
});

describe("ACL grants placed by the ACL's owner when the caller's canonical id is not known (OWNERSHIP)", () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html: the object owner has FULL_CONTROL by
  // default; under ObjectWriter the account that uploaded an object owns it
  const writerObject = {
    ownership: known('ObjectWriter' as const),
    objectOwnerAccountId: known(OTHER),
    objectAcl: known({
      Owner: { ID: OTHER_CID },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' }],
    }),
  };
  const idGet = known([identity(allow('s3:GetObject', OBJ))]);

  it('the account that wrote an object reads it back through its own FULL_CONTROL grant (its identity policy allowing)', () => {
    const r = authorize(
      input(request({ ...foreign, canonicalId: null }), { identityPolicies: idGet }, writerObject),
    );
    expect(r.decision).toBe('allowed');
    expect(r.layers.find((l) => l.layer === 'acl')?.result).toBe('allowed');
  });

  it("the bucket owner's account is not the object owner: the object owner's grant does not name it", () => {
    const r = authorize(
      input(request({ ...role, canonicalId: null }), { identityPolicies: idGet }, writerObject),
    );
    expect(r.decision).toBe('implicitly-denied');
  });

  it('a caller whose account is not known may or may not be the object owner: undecided, never allowed', () => {
    const r = authorize(
      input(
        request({ ...foreign, accountId: null, canonicalId: null }),
        { identityPolicies: idGet },
        writerObject,
      ),
    );
    expect(r.decision).toBe('unknown');
  });

  it('a bucket ACL grant to the bucket owner (its Owner.ID) names a caller of the bucket account', () => {
    const r = authorize(
      input(
        request({ ...role, canonicalId: null }, 's3:ListBucket', BUCKET_ARN),
        { identityPolicies: known([]) },
        { ownership: known('ObjectWriter'), bucketOwnerCanonicalId: null },
      ),
    );
    expect(r.layers.find((l) => l.layer === 'acl')?.result).toBe('allowed');
  });

  it("the bucket owner's canonical id names a caller of the bucket account even when the ACL's owner is another id", () => {
    const r = authorize(
      input(
        request({ ...role, canonicalId: null }, 's3:ListBucket', BUCKET_ARN),
        { identityPolicies: known([]) },
        {
          ownership: known('ObjectWriter'),
          bucketAcl: known({
            Owner: { ID: '' },
            Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'a'.repeat(64) }, Permission: 'READ' }],
          }),
        },
      ),
    );
    expect(r.layers.find((l) => l.layer === 'acl')?.result).toBe('allowed');
  });
});

describe('unread Block Public Access or Object Ownership settings matter only where they could change the decision (BPA, OWNERSHIP)', () => {
  const publicRead = bucketPolicy(allow('s3:GetObject', OBJ, { Sid: 'PublicRead', Principal: '*' }));
  const bpaUnread = { accountPublicAccessBlock: unknown('accessDenied') };
  const bpaOf = (r: AuthorizationResult) => layerOf(r, 'block-public-access').result;

  it("a public policy's grant to a caller of the bucket owner's account: RestrictPublicBuckets cannot void it, so unread settings do not matter", () => {
    const r = authorize(input(request(role), { bucketPolicy: known(publicRead) }, bpaUnread));
    expect(r.decision).toBe('allowed');
    expect(bpaOf(r)).toBe('not-applicable');
  });

  it("a public policy's grant to an AWS service principal: RestrictPublicBuckets cannot void it either", () => {
    const r = authorize(input(request(service()), { bucketPolicy: known(publicRead) }, bpaUnread));
    expect(r.decision).toBe('allowed');
    expect(bpaOf(r)).toBe('not-applicable');
  });

  it('a public policy that grants nothing for this request: unread settings do not matter', () => {
    const r = authorize(
      input(
        request(roleSession(OTHER, 'Partner')),
        {
          identityPolicies: known([identity(allow('s3:GetObject', OBJ))]),
          bucketPolicy: known(bucketPolicy(allow('s3:PutObject', OBJ, { Principal: '*' }))),
        },
        bpaUnread,
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(bpaOf(r)).toBe('not-applicable');
  });

  it('a public policy granting a caller from another account: unread settings may void it', () => {
    const r = authorize(
      input(
        request(roleSession(OTHER, 'Partner')),
        { identityPolicies: known([identity(allow('s3:GetObject', OBJ))]), bucketPolicy: known(publicRead) },
        bpaUnread,
      ),
    );
    expect(r.decision).toBe('unknown');
    expect(bpaOf(r)).toBe('unknown');
  });

  it('a public access point policy granting a caller from another account: unread settings may void it', () => {
    const r = partnerReadThroughPublicAccessPoint(bpaUnread);
    expect(r.decision).toBe('unknown');
    expect(bpaOf(r)).toBe('unknown');
  });

  it('an object ACL with a public grant (ACLs enabled): unread settings may void it', () => {
    const r = authorize(
      input(
        request(anonymous),
        {},
        { ...bpaUnread, ownership: known('ObjectWriter'), objectAcl: known(ownerAcl(ALL_USERS)) },
      ),
    );
    expect(r.decision).toBe('unknown');
    expect(bpaOf(r)).toBe('unknown');
  });

  it('an object ACL that could not be read (ACLs enabled): unread settings may matter', () => {
    const r = authorize(
      input(
        request(roleSession(OTHER, 'Partner')),
        { identityPolicies: known([identity(allow('s3:GetObject', OBJ))]) },
        {
          ...bpaUnread,
          ownership: known('ObjectWriter'),
          objectAcl: unknown('accessDenied'),
        },
      ),
    );
    expect(r.decision).toBe('unknown');
    expect(bpaOf(r)).toBe('unknown');
  });

  it('a policy write under unread settings: BlockPublicPolicy may matter', () => {
    const r = authorize(
      input(
        request(role, 's3:PutBucketPolicy', BUCKET_ARN, {
          's3-403:RequestPolicy': JSON.stringify(
            bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: `arn:aws:iam::${ACCT}:root` } }))
              .document,
          ),
        }),
        { identityPolicies: known([identity(allow('s3:PutBucketPolicy', BUCKET_ARN))]) },
        bpaUnread,
      ),
    );
    expect(r.decision).toBe('allowed');
    expect(bpaOf(r)).toBe('unknown');
  });

  it('an object of the bucket owner, no ACL grant to the caller, no bucket-policy grant: an unread Object Ownership setting does not matter', () => {
    const r = authorize(
      input(
        request(role),
        { identityPolicies: known([identity(allow('s3:GetObject', OBJ))]) },
        {
          ownership: unknown('accessDenied'),
          objectAcl: known({
            Owner: { ID: OTHER_CID },
            Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' }],
          }),
        },
      ),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'object-ownership').result).toBe('not-applicable');
  });

  it("a bucket-policy grant on another account's object: the unread setting decides whether the grant counts", () => {
    const r = authorize(
      input(
        request(role),
        { bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: role.arn } }))) },
        {
          ownership: unknown('accessDenied'),
          objectOwnerAccountId: known(OTHER),
          objectAcl: known({
            Owner: { ID: OTHER_CID },
            Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' }],
          }),
        },
      ),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'object-ownership').result).toBe('unknown');
  });

  it('RestrictPublicBuckets with a public policy that grants nothing for this request: the bucket-policy note is the plain one', () => {
    const r = authorize(
      input(
        request(anonymous),
        { bucketPolicy: known(bucketPolicy(allow('s3:PutObject', OBJ, { Principal: '*' }))) },
        { accountPublicAccessBlock: known({ RestrictPublicBuckets: true }) },
      ),
    );
    expect(layerOf(r, 'bucket-policy').note).toBe('no statement of the bucket policy allows s3:GetObject');
    expect(layerOf(r, 'block-public-access').result).toBe('allowed');
  });

  it('through an access point whose bucket is not known, the bucket policy is evaluated against the request itself', () => {
    const AP = `arn:aws:s3:us-east-1:${ACCT}:accesspoint/ap1`;
    const r = authorize(
      input(request(role, 's3:GetObject', `${AP}/object/k`), {
        identityPolicies: known([identity(allow('s3:GetObject', '*'))]),
        accessPoint: { bucketResource: null, networkOrigin: 'Internet', vpcId: null, sourceVpc: null },
        accessPointPolicy: known(null),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'bucket-policy').resource).toBeUndefined();
  });
});

describe('more of what the layers tell the user (APVPC, VPCE, PUTPOLICY, XACCT, BPA, OWNERSHIP)', () => {
  const idGet = { identityPolicies: known([identity(allow('s3:GetObject', OBJ))]) };

  it('a request from the VPC of a VPC-only access point: the network origin adds nothing to the access point layer', () => {
    const AP = `arn:aws:s3:us-east-1:${ACCT}:accesspoint/ap1`;
    const r = authorize(
      input(request(role, 's3:GetObject', `${AP}/object/k`), {
        identityPolicies: known([identity(allow('s3:GetObject', '*'))]),
        accessPoint: { bucketResource: OBJECT_ARN, networkOrigin: 'VPC', vpcId: 'vpc-1', sourceVpc: 'vpc-1' },
        accessPointPolicy: known(null),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'access-point-policy')).toMatchObject({
      result: 'not-applicable',
      note: 'there is no access point policy',
    });
  });

  it('the VPC endpoint layer says whether the request came through an endpoint, and what its policy does', () => {
    const none = authorize(input(request(role), idGet));
    expect(layerOf(none, 'vpc-endpoint-policy').note).toBe('the request did not go through a VPC endpoint');
    const full = authorize(input(request(role), { ...idGet, vpcEndpointPolicy: known(null) }));
    expect(layerOf(full, 'vpc-endpoint-policy').note).toBe(
      'the VPC endpoint has the default full-access policy',
    );
    const narrow = authorize(
      input(request(role), {
        ...idGet,
        vpcEndpointPolicy: known(
          policy('vpce', 'vpc-endpoint-policy', allow('s3:PutObject', '*', { Principal: '*' })),
        ),
      }),
    );
    expect(layerOf(narrow, 'vpc-endpoint-policy').note).toBe(
      'no statement of the VPC endpoint policy allows s3:GetObject',
    );
  });

  it("the bucket owner's root user and a bucket policy without a Deny: no lock-out recovery is involved", () => {
    const root: EnginePrincipal = {
      type: 'Root',
      arn: rootOf(ACCT),
      identityArn: rootOf(ACCT),
      accountId: ACCT,
    };
    const l = layerOf(
      authorize(
        input(request(root, 's3:PutBucketPolicy', BUCKET_ARN), {
          bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: '*' }))),
        }),
      ),
      'bucket-policy',
    );
    expect(l.result).toBe('implicitly-denied');
    expect(l.rule).toBeUndefined();
  });

  it('a bucket policy granting another account: for a caller of that account the note says it allows (cross-account grants are not delegations)', () => {
    const r = authorize(
      input(request(foreign), {
        ...idGet,
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: rootOf(OTHER) } }))),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'bucket-policy').note).toBe('bucket-policy #1 allows s3:GetObject');
  });

  it('a request that is not for a bucket or an object: the S3 layers do not apply', () => {
    const r = authorize(
      input(
        { ...request(role, 's3:ListAllMyBuckets', '*') },
        { identityPolicies: known([identity(allow('s3:*'))]), s3: null },
      ),
    );
    expect(r.decision).toBe('allowed');
    for (const id of ['acl', 'block-public-access', 'object-ownership'] as const)
      expect(layerOf(r, id)).toMatchObject({
        result: 'not-applicable',
        note: 'not an S3 bucket or object request',
      });
  });

  it('IgnorePublicAcls at two levels: both are named', () => {
    const r = authorize(
      input(
        request(anonymous),
        {},
        {
          ownership: known('ObjectWriter'),
          objectAcl: known(ownerAcl(ALL_USERS)),
          accountPublicAccessBlock: known({ IgnorePublicAcls: true }),
          bucketPublicAccessBlock: known({ IgnorePublicAcls: true }),
        },
      ),
    );
    expect(layerOf(r, 'block-public-access').note).toBe(
      'IgnorePublicAcls (account, bucket) ignores the ACL grant to a public group',
    );
  });

  it("an object ACL with the caller's own grant and a public one: unread Block Public Access settings are reported, the own grant still allows", () => {
    const r = authorize(
      input(
        request(role),
        {},
        {
          ownership: known('ObjectWriter'),
          objectAcl: known(ownerAcl(ALL_USERS)),
          accountPublicAccessBlock: unknown('accessDenied'),
        },
      ),
    );
    expect(layerOf(r, 'block-public-access')).toMatchObject({
      result: 'unknown',
      note: 'some Block Public Access settings could not be read',
    });
  });

  it('an object ACL that could not be read and an Object Ownership setting that could not be read: ownership is undecided', () => {
    const r = authorize(
      input(request(role), idGet, { ownership: unknown('accessDenied'), objectAcl: unknown('accessDenied') }),
    );
    expect(layerOf(r, 'object-ownership').result).toBe('unknown');
  });
});
