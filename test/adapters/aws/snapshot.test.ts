/* eslint-disable @typescript-eslint/no-explicit-any -- the captured snapshot is plain JSON, navigated loosely in assertions */
import { DescribeVpcEndpointsCommand } from '@aws-sdk/client-ec2';
import { GetAccountAuthorizationDetailsCommand } from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListGrantsCommand,
} from '@aws-sdk/client-kms';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
} from '@aws-sdk/client-organizations';
import { GetBucketEncryptionCommand, GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import {
  GetAccessPointCommand,
  GetAccessPointPolicyCommand,
  ListAccessPointsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-s3-control';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsAccountView, captureSnapshot } from '../../../lambdas/adapters/aws';
import { loadSnapshot, snapshotSchema, SnapshotView } from '../../../lambdas/adapters/snapshot';
import type { BucketFacts } from '../../../lambdas/core/model';
import {
  ACCOUNT,
  BUCKET,
  BUCKET_POLICY,
  INLINE_DOC,
  MANAGED_DOC,
  ROLE_ARN,
  awsError,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
} from '../../../scripts/bench/live';

// The format: docs/SNAPSHOT.md (validated here with the snapshot view's own schema).
function world() {
  const aws = mockedAws(0);
  sameAccountScenario(aws);
  aws.on('sts', GetCallerIdentityCommand, () => ({
    Account: ACCOUNT,
    Arn: `arn:aws:iam::${ACCOUNT}:user/admin`,
    UserId: 'AIDAADMIN',
  }));
  aws.on('ec2', DescribeVpcEndpointsCommand, () => ({
    VpcEndpoints: [
      {
        VpcEndpointId: 'vpce-0abc1234def567890',
        VpcId: 'vpc-1',
        ServiceName: 'com.amazonaws.us-east-1.s3',
        VpcEndpointType: 'Gateway',
        PolicyDocument: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
      },
    ],
  }));
  return aws;
}

/**
 * The bucket facts both sources give. Requester Pays and Object Lock (issue 19) are left out: the live view reads them
 * only where they can decide (a caller from another account; a version delete), the capture always. So are the ABAC
 * status and the tags (read live only when a policy tests aws:ResourceTag), and the versioning configuration (MFA
 * delete: read live only for a version delete or a versioning change).
 */
const withoutObjects = (b: BucketFacts | undefined) => {
  if (!b) return b;
  const { requestPayment: _p, objectLock: _l, abac: _a, tags: _t, versioning: _v, ...rest } = b;
  return { ...rest, objects: {} };
};

/** The capture of BUCKET alone (no principal), as `s3-403 snapshot --bucket` runs it. */
const captureBucket = (aws: ReturnType<typeof world>) =>
  captureSnapshot({
    buckets: [BUCKET],
    principals: [],
    allIam: false,
    region: 'us-east-1',
    clients: aws.clients,
  });

describe('captureSnapshot', () => {
  it('writes buckets, account BPA, the principals, "not in an organization" and referenced VPC endpoints, valid per SNAPSHOT.md', async () => {
    const aws = world();
    const { snapshot, problems } = await captureSnapshot({
      buckets: [BUCKET],
      principals: [ROLE_ARN],
      allIam: false,
      region: 'us-east-1',
      clients: aws.clients,
    });
    expect(problems).toEqual([]);
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    const s = snapshot as Record<string, any>;
    expect(s.snapshotVersion).toBe(1);
    expect(typeof s.capturedAt).toBe('string');
    expect(s.organization).toBeNull();
    expect(s.buckets[BUCKET]).toEqual({
      accountId: ACCOUNT,
      region: 'us-east-1',
      policy: BUCKET_POLICY,
      publicAccessBlock: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      ownershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      // S3 answered without BlockedEncryptionTypes: written as blocking nothing, so "not captured" stays distinct
      encryption: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
            BucketKeyEnabled: false,
            BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
          },
        ],
      },
      acl: {
        Owner: { ID: 'c0ffee' },
        Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'c0ffee' }, Permission: 'FULL_CONTROL' }],
      },
      // issue 19: get-bucket-request-payment; get-object-lock-configuration (ObjectLockConfigurationNotFoundError = null)
      requestPayment: { Payer: 'BucketOwner' },
      objectLockConfiguration: null,
      // S3 ABAC: get-bucket-abac .AbacStatus; get-bucket-tagging .TagSet (NoSuchTagSet = [])
      abacStatus: { Status: 'Disabled' },
      tagSet: [],
      // get-bucket-versioning: {} for a bucket never versioned (MFA delete off)
      versioning: {},
    });
    const details = s.accounts[ACCOUNT].authorizationDetails;
    expect(details.RoleDetailList).toHaveLength(1);
    expect(details.RoleDetailList[0]).toMatchObject({
      RoleName: 'app-role',
      Arn: ROLE_ARN,
      RolePolicyList: [{ PolicyName: 'list-bucket', PolicyDocument: INLINE_DOC }],
      AttachedManagedPolicies: [{ PolicyName: 'ReportsRead' }],
    });
    expect(details.Policies[0]).toMatchObject({
      PolicyName: 'ReportsRead',
      DefaultVersionId: 'v2',
      PolicyVersionList: [{ VersionId: 'v2', IsDefaultVersion: true, Document: MANAGED_DOC }],
    });
    expect(s.accounts[ACCOUNT].publicAccessBlock).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(Object.keys(s.vpcEndpoints)).toEqual(['vpce-0abc1234def567890']);
    // the Region it was described in: s3-403's own field, which gives aws:SourceVpcArn's REGION (docs/SNAPSHOT.md)
    expect(s.vpcEndpoints['vpce-0abc1234def567890']).toMatchObject({ VpcId: 'vpc-1', Region: 'us-east-1' });
  });

  it("captures the account's access points of each bucket: settings, policy (null when none) and tags", async () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListAccessPoints.html, API_control_GetAccessPoint.html,
    // API_control_GetAccessPointPolicy.html, API_control_ListTagsForResource.html
    const aws = world();
    const arn = (name: string) => `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/${name}`;
    aws.on('s3control', ListAccessPointsCommand, (input: unknown) => {
      const { NextToken } = input as { NextToken?: string };
      return NextToken
        ? { AccessPointList: [{ Name: 'team-ap', AccessPointArn: arn('team-ap'), Bucket: BUCKET }] }
        : {
            AccessPointList: [{ Name: 'open-ap', AccessPointArn: arn('open-ap'), Bucket: BUCKET }],
            NextToken: 'page-2',
          };
    });
    aws.on('s3control', GetAccessPointCommand, (input: unknown) => ({
      Name: (input as { Name: string }).Name,
      Bucket: BUCKET,
      NetworkOrigin: 'Internet',
      BucketAccountId: ACCOUNT,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
    }));
    aws.on('s3control', GetAccessPointPolicyCommand, (input: unknown) => {
      if ((input as { Name: string }).Name === 'open-ap')
        throw awsError('NoSuchAccessPointPolicy', 'The access point policy does not exist', 404);
      return { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [] }) };
    });
    aws.on('s3control', ListTagsForResourceCommand, (input: unknown) => ({
      Tags: (input as { ResourceArn: string }).ResourceArn.endsWith('team-ap')
        ? [{ Key: 'team', Value: 'red' }]
        : [],
    }));
    const { snapshot, problems } = await captureBucket(aws);
    expect(problems).toEqual([]);
    const s = snapshot as Record<string, any>;
    expect(s.accessPoints).toEqual({
      [arn('open-ap')]: {
        Name: 'open-ap',
        Bucket: BUCKET,
        BucketAccountId: ACCOUNT,
        NetworkOrigin: 'Internet',
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
        Policy: null,
        Tags: [],
      },
      [arn('team-ap')]: {
        Name: 'team-ap',
        Bucket: BUCKET,
        BucketAccountId: ACCOUNT,
        NetworkOrigin: 'Internet',
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
        Policy: { Version: '2012-10-17', Statement: [] },
        Tags: [{ Key: 'team', Value: 'red' }],
      },
    });
    const view = new SnapshotView(loadSnapshot(JSON.stringify(snapshot), 'captured.json'));
    const ap = view.gatherSync(sampleRequest({ accessPointArn: arn('team-ap') })).accessPoint;
    expect(ap?.status === 'known' && ap.value.tags).toEqual({ status: 'known', value: { team: 'red' } });
  });

  it('read back by the snapshot view, it gives the same facts as the live view (one analysis, two sources)', async () => {
    const aws = world();
    const { snapshot } = await captureSnapshot({
      buckets: [BUCKET],
      principals: [ROLE_ARN],
      allIam: false,
      region: 'us-east-1',
      clients: aws.clients,
    });
    const offline = await new SnapshotView(loadSnapshot(JSON.stringify(snapshot), 'snap.json')).gather(
      sampleRequest(),
    );
    const live = await new AwsAccountView({
      clients: aws.clients,
      auditorAccountId: ACCOUNT,
      region: 'us-east-1',
    }).gather(sampleRequest());
    expect(offline.principal).toEqual(live.principal);
    const b = (f: typeof live) =>
      f.buckets[BUCKET]?.status === 'known' ? withoutObjects(f.buckets[BUCKET].value) : f.buckets[BUCKET];
    expect(b(offline)).toEqual(b(live));
    expect(offline.accountPublicAccessBlock).toEqual(live.accountPublicAccessBlock);
    expect(offline.principalOrganization).toEqual(live.principalOrganization);
    expect(offline.scpLevels).toEqual(live.scpLevels);
    expect(offline.rcpLevels).toEqual(live.rcpLevels);
  });

  it('lists what could not be read, one line each naming the permission, and leaves it out (absent = unknown)', async () => {
    const aws = world();
    aws.on('s3', GetBucketPolicyCommand, () => {
      throw awsError('AccessDenied', 'Access Denied', 403);
    });
    aws.on('organizations', DescribeOrganizationCommand, () => {
      throw awsError('AccessDeniedException', 'You don’t have permissions to access this resource.', 400);
    });
    const { snapshot, problems } = await captureSnapshot({
      buckets: [BUCKET],
      principals: [ROLE_ARN, 'arn:aws:iam::444455556666:role/x', 'bob'],
      allIam: false,
      region: 'us-east-1',
      clients: aws.clients,
    });
    const s = snapshot as Record<string, any>;
    expect(s.buckets[BUCKET]).not.toHaveProperty('policy');
    expect(s).not.toHaveProperty('organization');
    expect([...problems].sort()).toEqual([
      'bucket corp-reports policy: AccessDenied: Access Denied (the capturing identity needs s3:GetBucketPolicy)',
      'organization: AccessDeniedException: You don’t have permissions to access this resource. (the capturing identity needs organizations:DescribeOrganization)',
      'principal arn:aws:iam::444455556666:role/x: belongs to account 444455556666, not the capturing account 111122223333; capture it from that account',
      'principal bob: not an IAM user, role or assumed-role ARN',
    ]);
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
  });

  it('--all-iam: the whole GetAccountAuthorizationDetails, every page, documents decoded', async () => {
    const aws = world();
    const enc = (d: unknown) => encodeURIComponent(JSON.stringify(d));
    aws.stubs.iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        UserDetailList: [
          {
            UserName: 'bob',
            UserId: 'AIDABOB',
            Arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
            UserPolicyList: [{ PolicyName: 'p', PolicyDocument: enc(INLINE_DOC) }],
            GroupList: [],
          },
        ],
        RoleDetailList: [],
        GroupDetailList: [],
        Policies: [],
        IsTruncated: true,
        Marker: 'page2',
      })
      .resolvesOnce({
        UserDetailList: [],
        RoleDetailList: [
          {
            RoleName: 'app-role',
            RoleId: 'AROA1',
            Arn: ROLE_ARN,
            AssumeRolePolicyDocument: enc({ Statement: [] }),
            RolePolicyList: [],
          },
        ],
        GroupDetailList: [],
        Policies: [
          {
            PolicyName: 'ReportsRead',
            Arn: 'arn:aws:iam::111122223333:policy/ReportsRead',
            DefaultVersionId: 'v1',
            PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: enc(MANAGED_DOC) }],
          },
        ],
        IsTruncated: false,
      });
    const progress: [number, number, string][] = [];
    const { snapshot, problems } = await captureSnapshot({
      buckets: [],
      principals: [],
      allIam: true,
      region: 'us-east-1',
      clients: aws.clients,
      onProgress: (d, t, l) => progress.push([d, t, l]),
    });
    expect(problems).toEqual([]);
    const calls = aws.stubs.iam
      .commandCalls(GetAccountAuthorizationDetailsCommand)
      .map((c) => c.args[0].input);
    expect(calls).toEqual([{}, { Marker: 'page2' }]);
    const d = (snapshot as Record<string, any>).accounts[ACCOUNT].authorizationDetails;
    expect(d.UserDetailList[0].UserPolicyList[0].PolicyDocument).toEqual(INLINE_DOC);
    expect(d.RoleDetailList[0].AssumeRolePolicyDocument).toEqual({ Statement: [] });
    expect(d.Policies[0].PolicyVersionList[0].Document).toEqual(MANAGED_DOC);
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    const last = progress[progress.length - 1];
    expect(last?.[0]).toBe(last?.[1]);
    expect(progress.map((p) => p[0])).toEqual(progress.map((_, i) => i + 1));
  });

  it('an organization: Id, accounts, SCPs and RCPs with their targets, and the account path (nearest first)', async () => {
    const aws = world();
    aws.on('organizations', DescribeOrganizationCommand, () => ({
      Organization: {
        Id: 'o-exampleorg',
        MasterAccountId: '000011112222',
        Arn: 'arn:aws:organizations::000011112222:organization/o-exampleorg',
      },
    }));
    aws.on('organizations', ListAccountsCommand, () => ({
      Accounts: [
        { Id: ACCOUNT, Name: 'prod', Status: 'ACTIVE' },
        { Id: '000011112222', Name: 'mgmt', Status: 'ACTIVE' },
      ],
    }));
    aws.on('organizations', ListPoliciesCommand, (input: { Filter: string }) => ({
      Policies:
        input.Filter === 'SERVICE_CONTROL_POLICY'
          ? [{ Id: 'p-scp1', Name: 'DenyS3Delete', Arn: 'arn:scp1', AwsManaged: false }]
          : [{ Id: 'p-rcp1', Name: 'OrgOnly', Arn: 'arn:rcp1', AwsManaged: false }],
    }));
    aws.on('organizations', DescribePolicyCommand, (input: { PolicyId: string }) => ({
      Policy: {
        PolicySummary: { Id: input.PolicyId },
        Content: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: input.PolicyId, Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }],
        }),
      },
    }));
    aws.on('organizations', ListTargetsForPolicyCommand, (input: { PolicyId: string }) => ({
      Targets: [
        {
          TargetId: input.PolicyId === 'p-scp1' ? 'ou-ab12-cdef3456' : 'r-ab12',
          Type: 'ORGANIZATIONAL_UNIT',
          Name: 'x',
          Arn: 'arn:x',
        },
      ],
    }));
    aws.on('organizations', ListParentsCommand, (input: { ChildId: string }) => ({
      Parents: [
        input.ChildId === ACCOUNT
          ? { Id: 'ou-ab12-cdef3456', Type: 'ORGANIZATIONAL_UNIT' }
          : { Id: 'r-ab12', Type: 'ROOT' },
      ],
    }));
    const { snapshot, problems } = await captureSnapshot({
      buckets: [],
      principals: [],
      allIam: false,
      region: 'us-east-1',
      clients: aws.clients,
    });
    expect(problems).toEqual([]);
    const s = snapshot as Record<string, any>;
    expect(s.accounts[ACCOUNT].organizationPath).toEqual(['ou-ab12-cdef3456', 'r-ab12']);
    expect(s.organization).toMatchObject({
      Id: 'o-exampleorg',
      MasterAccountId: '000011112222',
      Accounts: [{ Id: ACCOUNT }, { Id: '000011112222' }],
      serviceControlPolicies: [
        {
          Id: 'p-scp1',
          Name: 'DenyS3Delete',
          Targets: ['ou-ab12-cdef3456'],
          Content: { Statement: [{ Sid: 'p-scp1' }] },
        },
      ],
      resourceControlPolicies: [{ Id: 'p-rcp1', Name: 'OrgOnly', Targets: ['r-ab12'] }],
    });
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    const view = new SnapshotView(loadSnapshot(JSON.stringify(snapshot), 'snap.json'));
    const facts = await view.gather(sampleRequest());
    expect(facts.scpLevels).toMatchObject({
      status: 'known',
      value: [
        { target: 'r-ab12' },
        { target: 'ou-ab12-cdef3456', policies: [{ name: 'DenyS3Delete' }] },
        { target: ACCOUNT },
      ],
    });
  });

  it('the KMS key of a bucket default encryption is captured (key policy, grants, aliases)', async () => {
    const aws = world();
    const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`;
    aws.on('s3', GetBucketEncryptionCommand, () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
            BucketKeyEnabled: true,
          },
        ],
      },
    }));
    aws.on('kms', DescribeKeyCommand, () => ({
      KeyMetadata: {
        Arn: keyArn,
        KeyId: 'k1',
        KeyManager: 'CUSTOMER',
        KeyState: 'Enabled',
        AWSAccountId: ACCOUNT,
      },
    }));
    aws.on('kms', GetKeyPolicyCommand, () => ({
      Policy: JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }],
      }),
    }));
    aws.on('kms', ListGrantsCommand, () => ({
      Grants: [
        {
          GrantId: 'g1',
          GranteePrincipal: 'arn:aws:iam::111122223333:role/app-role',
          Operations: ['Decrypt'],
        },
      ],
      Truncated: false,
    }));
    aws.on('kms', ListAliasesCommand, () => ({
      Aliases: [{ AliasName: 'alias/reports' }],
      Truncated: false,
    }));
    const { snapshot, problems } = await captureBucket(aws);
    expect(problems).toEqual([]);
    expect((snapshot as Record<string, any>).kmsKeys[keyArn]).toEqual({
      KeyManager: 'CUSTOMER',
      KeyState: 'Enabled',
      KeyPolicy: {
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }],
      },
      Grants: [
        {
          GrantId: 'g1',
          GranteePrincipal: 'arn:aws:iam::111122223333:role/app-role',
          Operations: ['Decrypt'],
        },
      ],
      Aliases: ['alias/reports'],
    });
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
  });
});
