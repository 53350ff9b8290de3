import { DescribeVpcEndpointsCommand } from '@aws-sdk/client-ec2';
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListGrantsCommand,
} from '@aws-sdk/client-kms';
import {
  GetBucketAbacCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketTaggingCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
} from '@aws-sdk/client-s3';
import {
  GetAccessPointCommand,
  GetAccessPointPolicyCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-s3-control';
import { AwsAccountView } from '../../../lambdas/adapters/aws';
import { objectNeed } from '../snapshot/request-builder';
import {
  ACCOUNT,
  BUCKET,
  KEY,
  ROLE,
  awsError,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
} from '../../../scripts/bench/live';

const enc = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));
const doc = (action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
});

function setup(objectMetadata = false) {
  const aws = mockedAws(0);
  sameAccountScenario(aws);
  const view = new AwsAccountView({
    clients: aws.clients,
    auditorAccountId: ACCOUNT,
    region: 'us-east-1',
    objectMetadata,
  });
  return { aws, view };
}

describe('IAM user callers: own, group and boundary policies', () => {
  const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/ops/bob`;
  const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/Boundary`;
  const AWS_MANAGED = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
  function userWorld() {
    const { aws, view } = setup();
    aws.on('iam', GetUserCommand, () => ({
      User: {
        Path: '/ops/',
        UserName: 'bob',
        UserId: 'AIDABOB',
        Arn: USER_ARN,
        CreateDate: new Date(0),
        PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY },
        Tags: [{ Key: 'cc', Value: '42' }],
      },
    }));
    aws.on('iam', ListUserPoliciesCommand, () => ({ PolicyNames: ['own'], IsTruncated: false }));
    aws.on('iam', GetUserPolicyCommand, () => ({
      UserName: 'bob',
      PolicyName: 'own',
      PolicyDocument: enc(doc('s3:ListAllMyBuckets')),
    }));
    aws.on('iam', ListAttachedUserPoliciesCommand, () => ({ AttachedPolicies: [], IsTruncated: false }));
    aws.on('iam', ListGroupsForUserCommand, () => ({
      Groups: [
        {
          GroupName: 'readers',
          GroupId: 'AGPA1',
          Arn: `arn:aws:iam::${ACCOUNT}:group/readers`,
          Path: '/',
          CreateDate: new Date(0),
        },
      ],
      IsTruncated: false,
    }));
    aws.on('iam', ListGroupPoliciesCommand, () => ({ PolicyNames: ['g-inline'], IsTruncated: false }));
    aws.on('iam', GetGroupPolicyCommand, () => ({
      GroupName: 'readers',
      PolicyName: 'g-inline',
      PolicyDocument: enc(doc('s3:GetObject')),
    }));
    aws.on('iam', ListAttachedGroupPoliciesCommand, () => ({
      AttachedPolicies: [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: AWS_MANAGED }],
      IsTruncated: false,
    }));
    aws.on('iam', GetPolicyCommand, (input: { PolicyArn: string }) => ({
      Policy: { Arn: input.PolicyArn, PolicyName: input.PolicyArn.split('/').pop(), DefaultVersionId: 'v3' },
    }));
    aws.on('iam', GetPolicyVersionCommand, (input: { PolicyArn: string }) => ({
      PolicyVersion: {
        VersionId: 'v3',
        IsDefaultVersion: true,
        Document: enc(doc(input.PolicyArn === BOUNDARY ? 's3:*' : 's3:Get*')),
      },
    }));
    const request = sampleRequest({
      principal: {
        ...sampleRequest().principal,
        type: 'IAMUser',
        arn: USER_ARN,
        identityArn: USER_ARN,
        userName: 'bob',
        principalId: 'AIDABOB',
        sessionName: null,
      },
    });
    return { aws, view, request };
  }

  it('collects inline, group inline and group managed policies, the boundary, tags and groups', async () => {
    const { view, request } = userWorld();
    const facts = await view.gather(request);
    expect(facts.principal).toEqual({
      status: 'known',
      value: {
        identityArn: USER_ARN,
        accountId: ACCOUNT,
        kind: 'user',
        uniqueId: 'AIDABOB',
        identityPolicies: [
          { name: 'own', source: 'identity-inline', document: doc('s3:ListAllMyBuckets') },
          { name: 'readers/g-inline', source: 'group-inline', document: doc('s3:GetObject') },
          {
            name: 'AmazonS3ReadOnlyAccess',
            arn: AWS_MANAGED,
            source: 'group-managed',
            document: doc('s3:Get*'),
          },
        ],
        permissionsBoundary: {
          name: 'Boundary',
          arn: BOUNDARY,
          source: 'permissions-boundary',
          document: doc('s3:*'),
        },
        tags: { cc: '42' },
        groups: ['readers'],
      },
    });
    expect(facts.sessionPolicy).toBeNull();
  });

  it('reads by user name (last path segment) and follows IsTruncated/Marker pages', async () => {
    const { aws, view, request } = userWorld();
    aws.stubs.iam
      .on(ListUserPoliciesCommand)
      .resolvesOnce({ PolicyNames: ['own'], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ PolicyNames: ['second'], IsTruncated: false });
    const facts = await view.gather(request);
    expect(aws.stubs.iam.commandCalls(GetUserCommand)[0]?.args[0].input).toEqual({ UserName: 'bob' });
    const pages = aws.stubs.iam.commandCalls(ListUserPoliciesCommand).map((c) => c.args[0].input);
    expect(pages).toEqual([{ UserName: 'bob' }, { UserName: 'bob', Marker: 'm1' }]);
    expect(
      facts.principal?.status === 'known' && facts.principal.value.identityPolicies.map((p) => p.name),
    ).toEqual(['own', 'second', 'readers/g-inline', 'AmazonS3ReadOnlyAccess']);
  });

  it('AWS managed policies are cached once for every account', async () => {
    const { aws, view, request } = userWorld();
    await view.gather(request);
    expect(
      aws.stubs.iam.commandCalls(GetPolicyCommand).filter((c) => c.args[0].input.PolicyArn === AWS_MANAGED),
    ).toHaveLength(1);
  });

  it("a role's trust policy: sts:TagSession makes its tags only likely; no trust document in the answer, not known", async () => {
    const trusting = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ],
    };
    for (const [answer, expected] of [
      [{ AssumeRolePolicyDocument: enc(trusting) }, true],
      [{}, null],
    ] as const) {
      const { aws, view } = setup();
      aws.on('iam', GetRoleCommand, () => ({
        Role: {
          RoleName: ROLE,
          Arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
          Path: '/',
          RoleId: 'AROA1',
          CreateDate: new Date(0),
          Tags: [{ Key: 'team', Value: 'finance' }],
          ...answer,
        },
      }));
      const facts = await view.gather(sampleRequest());
      expect(facts.principal?.status === 'known' && facts.principal.value.sessionTags).toBe(expected);
    }
  });

  it('a role with a permissions boundary', async () => {
    const { aws, view } = setup();
    aws.on('iam', GetRoleCommand, () => ({
      Role: {
        RoleName: 'app-role',
        Arn: `arn:aws:iam::${ACCOUNT}:role/app-role`,
        Path: '/',
        RoleId: 'AROA1',
        CreateDate: new Date(0),
        PermissionsBoundary: {
          PermissionsBoundaryType: 'Policy',
          PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/Edge`,
        },
      },
    }));
    aws.on('iam', ListAttachedRolePoliciesCommand, () => ({ AttachedPolicies: [], IsTruncated: false }));
    aws.on('iam', GetPolicyCommand, () => ({ Policy: { PolicyName: 'Edge', DefaultVersionId: 'v1' } }));
    aws.on('iam', GetPolicyVersionCommand, () => ({ PolicyVersion: { Document: enc(doc('s3:List*')) } }));
    const facts = await view.gather(sampleRequest());
    expect(facts.principal?.status === 'known' && facts.principal.value.permissionsBoundary).toEqual({
      name: 'Edge',
      arn: `arn:aws:iam::${ACCOUNT}:policy/Edge`,
      source: 'permissions-boundary',
      document: doc('s3:List*'),
    });
  });
});

describe('object ACLs are read only when ACLs are in effect', () => {
  it('BucketOwnerPreferred: GetObjectAcl is read; the object owner is the bucket account when the canonical ids match', async () => {
    const { aws, view } = setup();
    aws.on('s3', GetBucketOwnershipControlsCommand, () => ({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
    }));
    const facts = await view.gather(sampleRequest());
    const b = facts.buckets[BUCKET];
    expect(b?.status === 'known' && b.value.objects[KEY]).toEqual({
      status: 'known',
      value: {
        exists: true,
        sseNotCollected: true,
        ownerAccountId: ACCOUNT,
        acl: {
          Owner: { ID: 'c0ffee' },
          Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'c0ffee' }, Permission: 'FULL_CONTROL' }],
        },
      },
    });
    expect(aws.stubs.s3.commandCalls(GetObjectAclCommand)).toHaveLength(1);
  });

  it('an object written by another account: the owner account stays unknown (only a canonical id)', async () => {
    const { aws, view } = setup();
    aws.on('s3', GetBucketOwnershipControlsCommand, () => {
      throw awsError('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', 404);
    });
    aws.on('s3', GetObjectAclCommand, () => ({
      Owner: { ID: 'beef' },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'beef' }, Permission: 'FULL_CONTROL' }],
    }));
    const facts = await view.gather(sampleRequest());
    const b = facts.buckets[BUCKET];
    const obj = b?.status === 'known' ? b.value.objects[KEY] : undefined;
    expect(obj?.status === 'known' && obj.value.ownerAccountId).toBeUndefined();
    expect(obj?.status === 'known' && obj.value.acl?.Owner).toEqual({ ID: 'beef' });
  });

  it('BucketOwnerEnforced: no GetObjectAcl call', async () => {
    const { aws, view } = setup();
    await view.gather(sampleRequest());
    expect(aws.stubs.s3.commandCalls(GetObjectAclCommand)).toHaveLength(0);
  });
});

describe('KMS keys', () => {
  const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const KEY_POLICY = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
  /** A PutObject of KEY into BUCKET (the bucket's default encryption names the key). */
  const putObject = () =>
    sampleRequest({
      eventName: 'PutObject',
      actions: ['s3:PutObject'],
      needs: [objectNeed('s3:PutObject', BUCKET, KEY)],
    });
  /** The object's own key is read only with objectMetadata (HeadObject). */
  function kmsWorld() {
    const { aws, view } = setup(true);
    aws.on('s3', HeadObjectCommand, () => ({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_ARN,
      BucketKeyEnabled: true,
    }));
    aws.on('kms', DescribeKeyCommand, () => ({
      KeyMetadata: {
        KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
        Arn: KEY_ARN,
        AWSAccountId: ACCOUNT,
        KeyManager: 'CUSTOMER',
        KeyState: 'Enabled',
      },
    }));
    aws.on('kms', GetKeyPolicyCommand, () => ({ PolicyName: 'default', Policy: JSON.stringify(KEY_POLICY) }));
    aws.on('kms', ListGrantsCommand, () => ({
      Grants: [
        {
          GrantId: 'g1',
          GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/app-role`,
          Operations: ['Decrypt'],
          Constraints: { EncryptionContextSubset: { 'aws:s3:arn': `arn:aws:s3:::${BUCKET}` } },
        },
      ],
      Truncated: false,
    }));
    aws.on('kms', ListAliasesCommand, () => ({
      Aliases: [{ AliasName: 'alias/reports', TargetKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }],
      Truncated: false,
    }));
    return { aws, view };
  }
  /** A new object (HeadObject: 404) in a bucket whose default encryption is `rule` (with or without a Bucket Key). */
  function kmsDefaultWorld(rule: { SSEAlgorithm: string; KMSMasterKeyID: string }, bucketKey?: boolean) {
    const world = kmsWorld();
    world.aws.on('s3', HeadObjectCommand, () => {
      throw awsError('NotFound', 'Not Found', 404);
    });
    world.aws.on('s3', GetBucketEncryptionCommand, () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: rule,
            ...(bucketKey !== undefined ? { BucketKeyEnabled: bucketKey } : {}),
          },
        ],
      },
    }));
    return world;
  }

  it("reads the object's SSE-KMS key: DescribeKey, GetKeyPolicy (default), ListGrants, ListAliases", async () => {
    const { aws, view } = kmsWorld();
    const facts = await view.gather(sampleRequest());
    expect(facts.kmsKeys[KEY_ARN]).toEqual({
      status: 'known',
      value: {
        arn: KEY_ARN,
        accountId: ACCOUNT,
        keyPolicy: {
          status: 'known',
          value: { name: 'default', arn: KEY_ARN, source: 'kms-key-policy', document: KEY_POLICY },
        },
        grants: {
          status: 'known',
          value: [
            {
              GrantId: 'g1',
              GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/app-role`,
              Operations: ['Decrypt'],
              Constraints: { EncryptionContextSubset: { 'aws:s3:arn': `arn:aws:s3:::${BUCKET}` } },
            },
          ],
        },
        keyManager: 'CUSTOMER',
        keyState: 'Enabled',
        aliases: ['alias/reports'],
      },
    });
    expect(aws.stubs.kms.commandCalls(GetKeyPolicyCommand)[0]?.args[0].input).toEqual({
      KeyId: KEY_ARN,
      PolicyName: 'default',
    });
  });

  it('a key named both by the KMS denial event and by the object is read once', async () => {
    const { aws, view } = kmsWorld();
    await view.gather(sampleRequest({ kms: { keyArn: KEY_ARN, s3Arn: `arn:aws:s3:::${BUCKET}/${KEY}` } }));
    expect(aws.stubs.kms.commandCalls(DescribeKeyCommand)).toHaveLength(1);
  });

  it('the bucket default key is read for a PutObject; a bare key id is resolved in the bucket region and account', async () => {
    const { aws, view } = kmsDefaultWorld(
      {
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: '1234abcd-12ab-34cd-56ef-1234567890ab',
      },
      true,
    );
    const put = putObject();
    const facts = await view.gather(put);
    expect(aws.stubs.kms.commandCalls(DescribeKeyCommand)[0]?.args[0].input).toEqual({ KeyId: KEY_ARN });
    expect(facts.kmsKeys[KEY_ARN]?.status).toBe('known');
  });

  // AWS KMS resolves a bare key id or alias name in the caller's account, never in another:
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html (KMSMasterKeyID),
  // https://docs.aws.amazon.com/kms/latest/developerguide/alias-using.html
  it("a bucket default alias for a caller of another account is read in the caller's account too (where KMS resolves it) as well as the bucket's", async () => {
    const OTHER = '444455556666';
    const { aws, view } = kmsDefaultWorld({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/reports' });
    aws.on('kms', DescribeKeyCommand, (input: { KeyId?: string }) => {
      if (input.KeyId?.includes(OTHER))
        throw awsError('NotFoundException', `Alias ${input.KeyId} is not found.`, 400);
      return {
        KeyMetadata: { Arn: KEY_ARN, AWSAccountId: ACCOUNT, KeyManager: 'CUSTOMER', KeyState: 'Enabled' },
      };
    });
    const put = putObject();
    const partner = {
      ...put,
      principal: {
        ...put.principal,
        accountId: OTHER,
        arn: `arn:aws:sts::${OTHER}:assumed-role/Partner/p`,
        identityArn: `arn:aws:iam::${OTHER}:role/Partner`,
      },
    };
    const facts = await view.gather(partner);
    expect(
      aws.stubs.kms
        .commandCalls(DescribeKeyCommand)
        .map((c) => c.args[0].input.KeyId)
        .sort(),
    ).toEqual([
      `arn:aws:kms:us-east-1:${ACCOUNT}:alias/reports`,
      `arn:aws:kms:us-east-1:${OTHER}:alias/reports`,
    ]);
    expect(facts.kmsKeys[KEY_ARN]?.status).toBe('known');
    expect(facts.kmsKeys['alias/reports']).toMatchObject({ status: 'unknown', reason: 'notFound' });
  });

  it('NotFoundException -> the key is unknown(notFound); the key policy AccessDenied -> only the policy is unknown', async () => {
    const { aws, view } = kmsWorld();
    aws.on('kms', GetKeyPolicyCommand, () => {
      throw awsError('AccessDeniedException', 'not authorized to perform: kms:GetKeyPolicy', 400);
    });
    const facts = await view.gather(sampleRequest());
    const k = facts.kmsKeys[KEY_ARN];
    expect(k?.status === 'known' && k.value.keyPolicy).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 'kms:GetKeyPolicy',
    });

    const again = kmsWorld();
    again.aws.on('kms', DescribeKeyCommand, () => {
      throw awsError('NotFoundException', `Key '${KEY_ARN}' does not exist`, 400);
    });
    const f2 = await again.view.gather(sampleRequest());
    expect(f2.kmsKeys[KEY_ARN]).toMatchObject({ status: 'unknown', reason: 'notFound' });
  });
});

describe('VPC endpoint and access point', () => {
  it('DescribeVpcEndpoints: the endpoint, its owner (aws:VpceAccount) and its policy (JSON string)', async () => {
    const { aws, view } = setup();
    const policy = {
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' },
      ],
    };
    aws.on('ec2', DescribeVpcEndpointsCommand, () => ({
      VpcEndpoints: [
        {
          VpcEndpointId: 'vpce-0abc',
          VpcId: 'vpc-1',
          ServiceName: 'com.amazonaws.us-east-1.s3',
          VpcEndpointType: 'Gateway',
          OwnerId: '444455556666',
          PolicyDocument: JSON.stringify(policy),
        },
      ],
    }));
    const facts = await view.gather(sampleRequest({ vpcEndpointId: 'vpce-0abc' }));
    expect(facts.vpcEndpoint).toEqual({
      status: 'known',
      value: {
        id: 'vpce-0abc',
        vpcId: 'vpc-1',
        serviceName: 'com.amazonaws.us-east-1.s3',
        type: 'Gateway',
        ownerId: '444455556666',
        // endpoint ids are Regional: it is in the Region it was found in (the request's)
        region: 'us-east-1',
        policy: { name: 'vpce-0abc', source: 'vpc-endpoint-policy', document: policy },
      },
    });
    expect(aws.stubs.ec2.commandCalls(DescribeVpcEndpointsCommand)[0]?.args[0].input).toEqual({
      VpcEndpointIds: ['vpce-0abc'],
    });
  });

  it('an endpoint of another account (InvalidVpcEndpointId.NotFound) is unknown(notFound); UnauthorizedOperation is accessDenied', async () => {
    const a = setup();
    a.aws.on('ec2', DescribeVpcEndpointsCommand, () => {
      throw awsError('InvalidVpcEndpointId.NotFound', "The Vpc Endpoint Id 'vpce-0abc' does not exist", 400);
    });
    expect((await a.view.gather(sampleRequest({ vpcEndpointId: 'vpce-0abc' }))).vpcEndpoint).toMatchObject({
      status: 'unknown',
      reason: 'notFound',
    });
    const b = setup();
    b.aws.on('ec2', DescribeVpcEndpointsCommand, () => {
      throw awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
    });
    expect((await b.view.gather(sampleRequest({ vpcEndpointId: 'vpce-0abc' }))).vpcEndpoint).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 'ec2:DescribeVpcEndpoints',
    });
  });

  it('GetAccessPoint + GetAccessPointPolicy; NoSuchAccessPointPolicy is a known "no policy"', async () => {
    const { aws, view } = setup();
    const arn = `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/reports`;
    aws.on('s3control', GetAccessPointCommand, () => ({
      Name: 'reports',
      Bucket: BUCKET,
      NetworkOrigin: 'VPC',
      VpcConfiguration: { VpcId: 'vpc-1' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      BucketAccountId: ACCOUNT,
    }));
    aws.on('s3control', GetAccessPointPolicyCommand, () => {
      throw awsError('NoSuchAccessPointPolicy', 'The access point policy does not exist', 404);
    });
    const facts = await view.gather(sampleRequest({ accessPointArn: arn }));
    expect(facts.accessPoint).toEqual({
      status: 'known',
      value: {
        arn,
        name: 'reports',
        bucket: BUCKET,
        accountId: ACCOUNT,
        networkOrigin: 'VPC',
        vpcId: 'vpc-1',
        policy: { status: 'known', value: null },
        publicAccessBlock: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      },
    });
    expect(aws.stubs.s3control.commandCalls(GetAccessPointCommand)[0]?.args[0].input).toEqual({
      AccountId: ACCOUNT,
      Name: 'reports',
    });
  });
});

describe('S3 ABAC: the bucket ABAC status and tags, read only when a policy tests aws:ResourceTag', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAbac.html, API_GetBucketTagging.html
  const ABAC_DOC = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::*/*',
        Condition: { StringEquals: { 'aws:ResourceTag/environment': 'development' } },
      },
    ],
  };
  const abacReads = (aws: ReturnType<typeof setup>['aws']) =>
    aws.calls.filter((c) => c.command === 'GetBucketAbac' || c.command === 'GetBucketTagging').length;

  it('a policy testing aws:ResourceTag: one more round trip reads both, and the bucket fact carries them', async () => {
    const { aws, view } = setup();
    aws.on('iam', GetRolePolicyCommand, () => ({
      RoleName: ROLE,
      PolicyName: 'list-bucket',
      PolicyDocument: encodeURIComponent(JSON.stringify(ABAC_DOC)),
    }));
    aws.on('s3', GetBucketAbacCommand, () => ({ AbacStatus: { Status: 'Disabled' } }));
    aws.on('s3', GetBucketTaggingCommand, () => ({ TagSet: [{ Key: 'environment', Value: 'development' }] }));
    const facts = await view.gather(sampleRequest());
    const bucket = facts.buckets[BUCKET];
    expect(bucket?.status === 'known' && bucket.value.abac).toEqual({ status: 'known', value: false });
    expect(bucket?.status === 'known' && bucket.value.tags).toEqual({
      status: 'known',
      value: { environment: 'development' },
    });
    expect(abacReads(aws)).toBe(2);
  });

  it('a bucket without tags (NoSuchTagSet) has none; no policy testing aws:ResourceTag: nothing is read', async () => {
    const a = setup();
    a.aws.on('iam', GetRolePolicyCommand, () => ({
      RoleName: ROLE,
      PolicyName: 'list-bucket',
      PolicyDocument: encodeURIComponent(JSON.stringify(ABAC_DOC)),
    }));
    a.aws.on('s3', GetBucketAbacCommand, () => ({ AbacStatus: { Status: 'Enabled' } }));
    a.aws.on('s3', GetBucketTaggingCommand, () => {
      throw awsError('NoSuchTagSet', 'The TagSet does not exist', 404);
    });
    const bucket = (await a.view.gather(sampleRequest())).buckets[BUCKET];
    expect(bucket?.status === 'known' && bucket.value.tags).toEqual({ status: 'known', value: {} });
    expect(bucket?.status === 'known' && bucket.value.abac).toEqual({ status: 'known', value: true });

    const b = setup();
    const plain = (await b.view.gather(sampleRequest())).buckets[BUCKET];
    expect(plain?.status === 'known' && plain.value.abac).toBeUndefined();
    expect(abacReads(b.aws)).toBe(0);
  });
});

describe('object tags (s3:ExistingObjectTag): read whichever policy tests the key, and only then', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html; tagging-and-policies.html
  const objectAbac = (where: 'identity' | 'bucket') => ({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnTeamObjects',
        Effect: where === 'identity' ? 'Allow' : 'Deny',
        ...(where === 'bucket' ? { Principal: '*' } : {}),
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: {
          [where === 'identity' ? 'StringEquals' : 'StringNotEquals']: {
            's3:ExistingObjectTag/team': '${aws:PrincipalTag/team}',
          },
        },
      },
    ],
  });
  const tagReads = (aws: ReturnType<typeof setup>['aws']) =>
    aws.calls.filter((c) => c.command === 'GetObjectTagging');
  const objectTags = (facts: Awaited<ReturnType<AwsAccountView['gather']>>) => {
    const b = facts.buckets[BUCKET];
    const o = b?.status === 'known' ? b.value.objects[KEY] : undefined;
    return o?.status === 'known' ? o.value.tags : undefined;
  };

  it('an identity policy (ABAC on objects): one more round trip reads the tags, and the object fact carries them', async () => {
    const { aws, view } = setup();
    aws.on('iam', GetRolePolicyCommand, () => ({
      RoleName: ROLE,
      PolicyName: 'list-bucket',
      PolicyDocument: encodeURIComponent(JSON.stringify(objectAbac('identity'))),
    }));
    aws.on('s3', GetObjectTaggingCommand, () => ({ TagSet: [{ Key: 'team', Value: 'marketing' }] }));
    const facts = await view.gather(sampleRequest());
    expect(objectTags(facts)).toEqual({ status: 'known', value: { team: 'marketing' } });
    expect(tagReads(aws)).toHaveLength(1);
    expect(tagReads(aws)[0]?.input).toEqual({ Bucket: BUCKET, Key: KEY });
  });

  it('a bucket policy: read with the bucket, once; no policy testing the key: never read', async () => {
    const a = setup();
    a.aws.on('s3', GetBucketPolicyCommand, () => ({ Policy: JSON.stringify(objectAbac('bucket')) }));
    a.aws.on('s3', GetObjectTaggingCommand, () => ({ TagSet: [] }));
    expect(objectTags(await a.view.gather(sampleRequest()))).toEqual({ status: 'known', value: {} });
    expect(tagReads(a.aws)).toHaveLength(1);

    const b = setup();
    expect(objectTags(await b.view.gather(sampleRequest()))).toBeUndefined();
    expect(tagReads(b.aws)).toHaveLength(0);
  });

  it('the read denied: the tags are unknown, naming s3:GetObjectTagging, never "no tags"', async () => {
    const { aws, view } = setup();
    aws.on('iam', GetRolePolicyCommand, () => ({
      RoleName: ROLE,
      PolicyName: 'list-bucket',
      PolicyDocument: encodeURIComponent(JSON.stringify(objectAbac('identity'))),
    }));
    aws.on('s3', GetObjectTaggingCommand, () => {
      throw awsError('AccessDenied', 'Access Denied', 403);
    });
    expect(objectTags(await view.gather(sampleRequest()))).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 's3:GetObjectTagging',
    });
  });
});

describe('ABAC through an access point: its tags, read only when a policy tests aws:ResourceTag', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-tagging.html (aws:ResourceTag "covers the
  // underlying access point tags only"); https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListTagsForResource.html
  const arn = `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/reports`;
  const TEAM_DOC = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/*/object/*`,
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'red' } },
      },
    ],
  };
  const withAccessPoint = (aws: ReturnType<typeof setup>['aws']) => {
    aws.on('s3control', GetAccessPointCommand, () => ({
      Name: 'reports',
      Bucket: BUCKET,
      NetworkOrigin: 'Internet',
    }));
    aws.on('s3control', GetAccessPointPolicyCommand, () => {
      throw awsError('NoSuchAccessPointPolicy', 'The access point policy does not exist', 404);
    });
  };
  const tagReads = (aws: ReturnType<typeof setup>['aws']) =>
    aws.calls.filter((c) => c.command === 'ListTagsForResource').length;

  it('a policy testing aws:ResourceTag: ListTagsForResource on the access point ARN, and its tags on the fact', async () => {
    const { aws, view } = setup();
    withAccessPoint(aws);
    aws.on('iam', GetRolePolicyCommand, () => ({
      RoleName: ROLE,
      PolicyName: 'team',
      PolicyDocument: encodeURIComponent(JSON.stringify(TEAM_DOC)),
    }));
    aws.on('s3control', ListTagsForResourceCommand, () => ({ Tags: [{ Key: 'team', Value: 'blue' }] }));
    const facts = await view.gather(sampleRequest({ accessPointArn: arn }));
    expect(facts.accessPoint?.status === 'known' && facts.accessPoint.value.tags).toEqual({
      status: 'known',
      value: { team: 'blue' },
    });
    expect(aws.stubs.s3control.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({
      AccountId: ACCOUNT,
      ResourceArn: arn,
    });
    expect(tagReads(aws)).toBe(1);
  });

  it('denied: the tags are unknown naming s3:ListTagsForResource; no policy testing the key: nothing is read', async () => {
    const a = setup();
    withAccessPoint(a.aws);
    a.aws.on('iam', GetRolePolicyCommand, () => ({
      RoleName: ROLE,
      PolicyName: 'team',
      PolicyDocument: encodeURIComponent(JSON.stringify(TEAM_DOC)),
    }));
    a.aws.on('s3control', ListTagsForResourceCommand, () => {
      throw awsError('AccessDenied', 'Access Denied', 403);
    });
    const denied = (await a.view.gather(sampleRequest({ accessPointArn: arn }))).accessPoint;
    expect(denied?.status === 'known' && denied.value.tags).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 's3:ListTagsForResource',
    });

    const b = setup();
    withAccessPoint(b.aws);
    const plain = (await b.view.gather(sampleRequest({ accessPointArn: arn }))).accessPoint;
    expect(plain?.status === 'known' && plain.value.tags).toBeUndefined();
    expect(tagReads(b.aws)).toBe(0);
  });
});

describe('blocked encryption types: part of the GetBucketEncryption answer the view reads anyway', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html (Rules[].BlockedEncryptionTypes)
  it('a rule that blocks SSE-C is on the bucket fact; no extra call', async () => {
    const { aws, view } = setup();
    aws.on('s3', GetBucketEncryptionCommand, () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
            BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
          },
        ],
      },
    }));
    const facts = await view.gather(sampleRequest());
    const bucket = facts.buckets[BUCKET];
    expect(bucket?.status === 'known' && bucket.value.encryption).toEqual({
      status: 'known',
      value: {
        algorithm: 'AES256',
        kmsKeyId: null,
        bucketKeyEnabled: false,
        blockedEncryptionTypes: { status: 'known', value: ['SSE-C'] },
      },
    });
    expect(aws.calls.filter((c) => c.command === 'GetBucketEncryption')).toHaveLength(1);
  });
});

describe('MFA delete: the versioning configuration, read only for a version delete or a versioning change', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html (Status, MFADelete: returned only
  // when the bucket was ever so configured); https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMFADelete.html
  const versioningReads = (aws: ReturnType<typeof setup>['aws']) =>
    aws.calls.filter((c) => c.command === 'GetBucketVersioning').length;

  it('a version delete reads it (s3:GetBucketVersioning) onto the bucket fact', async () => {
    const { aws, view } = setup();
    aws.on('s3', GetBucketVersioningCommand, () => ({ Status: 'Enabled', MFADelete: 'Enabled' }));
    const facts = await view.gather(
      sampleRequest({ needs: [objectNeed('s3:DeleteObjectVersion', BUCKET, KEY)] }),
    );
    const bucket = facts.buckets[BUCKET];
    expect(bucket?.status === 'known' && bucket.value.versioning).toEqual({
      status: 'known',
      value: { status: 'Enabled', mfaDelete: 'Enabled' },
    });
    expect(versioningReads(aws)).toBe(1);
  });

  it('a bucket never versioned answers {}: known, MFA delete off', async () => {
    const { aws, view } = setup();
    aws.on('s3', GetBucketVersioningCommand, () => ({}));
    const facts = await view.gather(
      sampleRequest({ needs: [objectNeed('s3:DeleteObjectVersion', BUCKET, KEY)] }),
    );
    const bucket = facts.buckets[BUCKET];
    expect(bucket?.status === 'known' && bucket.value.versioning).toEqual({
      status: 'known',
      value: { status: null, mfaDelete: null },
    });
  });

  it('a read it cannot decide is not made (GetObject), and a refused read is unknown with its permission', async () => {
    const { aws, view } = setup();
    await view.gather(sampleRequest());
    expect(versioningReads(aws)).toBe(0);
    const denied = setup();
    denied.aws.on('s3', GetBucketVersioningCommand, () => {
      throw awsError('AccessDenied', 'Access Denied', 403);
    });
    const facts = await denied.view.gather(
      sampleRequest({ needs: [objectNeed('s3:DeleteObjectVersion', BUCKET, KEY)] }),
    );
    const bucket = facts.buckets[BUCKET];
    expect(bucket?.status === 'known' && bucket.value.versioning).toMatchObject({
      status: 'unknown',
      permission: 's3:GetBucketVersioning',
    });
  });
});
