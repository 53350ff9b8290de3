import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
} from '@aws-sdk/client-iam';
import {
  GetBucketLocationCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { AwsAccountView, bucketTargets } from '../../../lambdas/adapters/aws';
import { objectNeed } from '../snapshot/request-builder';
import {
  ACCOUNT,
  BUCKET,
  BUCKET_POLICY,
  INLINE_DOC,
  KEY,
  MANAGED_ARN,
  MANAGED_DOC,
  ROLE_ARN,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
} from '../../../scripts/bench/live';

// Response shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html (URL-encoded
// PolicyDocument), https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html (Policy as a JSON string).

function setup() {
  const aws = mockedAws(0);
  sameAccountScenario(aws);
  const view = new AwsAccountView({ clients: aws.clients, auditorAccountId: ACCOUNT, region: 'us-east-1' });
  return { aws, view };
}

describe('AwsAccountView.gather, same-account role session', () => {
  it('reads the role: inline and managed policies decoded from URL-encoded JSON, tags, unique id, trust policy', async () => {
    const { view } = setup();
    const facts = await view.gather(sampleRequest());
    expect(facts.principal?.status).toBe('known');
    if (facts.principal?.status !== 'known') return;
    const p = facts.principal.value;
    expect(p).toMatchObject({
      identityArn: ROLE_ARN,
      accountId: ACCOUNT,
      kind: 'role',
      uniqueId: 'AROAEXAMPLEROLEID1234',
      tags: { team: 'finance' },
      groups: [],
      // GetRole's URL-encoded AssumeRolePolicyDocument: only Lambda assumes it, without sts:TagSession
      sessionTags: false,
    });
    expect(p.identityPolicies).toEqual([
      { name: 'list-bucket', source: 'identity-inline', document: INLINE_DOC },
      { name: 'ReportsRead', arn: MANAGED_ARN, source: 'identity-managed', document: MANAGED_DOC },
    ]);
    expect(p.permissionsBoundary).toBeNull();
  });

  it('reads the default version of a managed policy (GetPolicy.DefaultVersionId -> GetPolicyVersion)', async () => {
    const { aws, view } = setup();
    await view.gather(sampleRequest());
    const v = aws.calls.find((c) => c.command === 'GetPolicyVersion');
    expect(v?.input).toEqual({ PolicyArn: MANAGED_ARN, VersionId: 'v2' });
    expect(aws.stubs.iam.commandCalls(GetPolicyVersionCommand)).toHaveLength(1);
    expect(aws.stubs.iam.commandCalls(GetRoleCommand)[0]?.args[0].input).toEqual({ RoleName: 'app-role' });
  });

  it('reads the bucket: policy parsed from the JSON string, BPA, ownership, encryption, ACL, region, object', async () => {
    const { view } = setup();
    const facts = await view.gather(sampleRequest());
    const b = facts.buckets[BUCKET];
    expect(b?.status).toBe('known');
    if (b?.status !== 'known') return;
    expect(b.value.accountId).toEqual({ status: 'known', value: ACCOUNT });
    expect(b.value.region).toEqual({ status: 'known', value: 'us-east-1' });
    expect(b.value.policy).toEqual({
      status: 'known',
      value: {
        name: BUCKET,
        arn: `arn:aws:s3:::${BUCKET}`,
        source: 'bucket-policy',
        document: BUCKET_POLICY,
      },
    });
    expect(b.value.publicAccessBlock).toEqual({
      status: 'known',
      value: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(b.value.ownership).toEqual({ status: 'known', value: 'BucketOwnerEnforced' });
    expect(b.value.encryption).toEqual({
      status: 'known',
      value: {
        algorithm: 'AES256',
        kmsKeyId: null,
        bucketKeyEnabled: false,
        blockedEncryptionTypes: { status: 'known', value: ['NONE'] },
      },
    });
    expect(b.value.acl).toEqual({
      status: 'known',
      value: {
        Owner: { ID: 'c0ffee' },
        Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'c0ffee' }, Permission: 'FULL_CONTROL' }],
      },
    });
    // BucketOwnerEnforced: the bucket owner owns every object, no object ACL read is needed. Without
    // objectMetadata the object's own encryption is not read (the bucket default stands for it).
    expect(b.value.objects[KEY]).toEqual({
      status: 'known',
      value: { exists: true, sseNotCollected: true, ownerAccountId: ACCOUNT },
    });
  });

  it('reads the account BPA, reports "not in an organization" as known null, and no SCP/RCP layer', async () => {
    const { view } = setup();
    const facts = await view.gather(sampleRequest());
    expect(facts.accountPublicAccessBlock[ACCOUNT]).toEqual({
      status: 'known',
      value: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(facts.principalOrganization).toEqual({ status: 'known', value: null });
    expect(facts.resourceOrganization).toEqual({ status: 'known', value: null });
    expect(facts.scpLevels).toEqual({ status: 'known', value: null });
    expect(facts.rcpLevels).toEqual({ status: 'known', value: null });
  });

  it('marks the session policy notCollected for a session, leaves VPC endpoint, access point and KMS empty', async () => {
    const { view } = setup();
    const facts = await view.gather(sampleRequest());
    expect(facts.sessionPolicy).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(facts.vpcEndpoint).toBeNull();
    expect(facts.accessPoint).toBeNull();
    expect(facts.kmsKeys).toEqual({});
    expect(facts.recentChanges).toMatchObject({ status: 'unknown', reason: 'notCollected' });
  });

  it('gives no principal, no session policy and no organization for an anonymous caller', async () => {
    const { view } = setup();
    const anon = await view.gather(
      sampleRequest({
        principal: {
          ...sampleRequest().principal,
          type: 'Anonymous',
          arn: null,
          identityArn: null,
          accountId: null,
          principalId: null,
        },
      }),
    );
    expect(anon.principal).toBeNull();
    expect(anon.sessionPolicy).toBeNull();
    expect(anon.principalOrganization).toEqual({ status: 'known', value: null });
  });

  it('reads the root caller without any IAM call', async () => {
    const { aws, view } = setup();
    const facts = await view.gather(
      sampleRequest({
        principal: {
          ...sampleRequest().principal,
          type: 'Root',
          arn: `arn:aws:iam::${ACCOUNT}:root`,
          identityArn: `arn:aws:iam::${ACCOUNT}:root`,
        },
      }),
    );
    expect(facts.principal).toEqual({
      status: 'known',
      value: {
        identityArn: `arn:aws:iam::${ACCOUNT}:root`,
        accountId: ACCOUNT,
        kind: 'root',
        identityPolicies: [],
        permissionsBoundary: null,
        tags: {},
        groups: [],
      },
    });
    expect(aws.calls.filter((c) => c.client === 'iam')).toHaveLength(0);
    expect(facts.sessionPolicy).toBeNull();
  });

  it('a caller known only by unique id (AROA…:session) is resolved by RoleId in GetAccountAuthorizationDetails', async () => {
    const { aws, view } = setup();
    aws.on('iam', GetAccountAuthorizationDetailsCommand, () => ({
      RoleDetailList: [
        { RoleName: 'other', RoleId: 'AROAOTHER', Arn: `arn:aws:iam::${ACCOUNT}:role/other` },
        { RoleName: 'app-role', RoleId: 'AROAEXAMPLEROLEID1234', Arn: ROLE_ARN },
      ],
      IsTruncated: false,
    }));
    const byId = {
      ...sampleRequest().principal,
      type: 'AWSAccount' as const,
      arn: null,
      identityArn: null,
      principalId: 'AROAEXAMPLEROLEID1234:alice',
    };
    const facts = await view.gather(sampleRequest({ principal: byId }));
    expect(facts.principal).toMatchObject({
      status: 'known',
      value: { identityArn: ROLE_ARN, kind: 'role' },
    });
    expect(aws.stubs.iam.commandCalls(GetAccountAuthorizationDetailsCommand)[0]?.args[0].input).toEqual({
      Filter: ['Role'],
    });
    expect(facts.sessionPolicy).toMatchObject({ status: 'unknown', reason: 'notCollected' });

    const gone = await view.gather(sampleRequest({ principal: { ...byId, principalId: 'AROADELETED:bob' } }));
    expect(gone.principal).toMatchObject({
      status: 'unknown',
      reason: 'notFound',
      detail: expect.stringContaining('AROADELETED'),
    });
  });

  it('a caller with neither ARN nor unique id is unknown(notCollected)', async () => {
    const { view } = setup();
    const facts = await view.gather(
      sampleRequest({
        principal: {
          ...sampleRequest().principal,
          type: 'Unknown',
          arn: null,
          identityArn: null,
          principalId: null,
        },
      }),
    );
    expect(facts.principal).toMatchObject({ status: 'unknown', reason: 'notCollected' });
  });

  it('a versioned request: ListObjectVersions (Prefix = key) finds that version id; no ListObjectsV2, no HeadObject', async () => {
    const { aws, view } = setup();
    aws.on('s3', ListObjectVersionsCommand, () => ({
      Versions: [
        { Key: KEY, VersionId: 'v-456', IsLatest: true },
        { Key: KEY, VersionId: 'v-123', IsLatest: false },
      ],
      IsTruncated: false,
    }));
    const facts = await view.gather(sampleRequest({ versionId: 'v-123' }));
    expect(aws.stubs.s3.commandCalls(ListObjectVersionsCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Prefix: KEY,
    });
    expect(aws.stubs.s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
    expect(aws.stubs.s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
    const b = facts.buckets[BUCKET];
    expect(b?.status === 'known' && b.value.objects[KEY]).toEqual({
      status: 'known',
      value: { exists: true, sseNotCollected: true, ownerAccountId: ACCOUNT },
    });
  });

  it('with objectMetadata, HeadObject is sent with the version id from the request', async () => {
    const aws = mockedAws(0);
    sameAccountScenario(aws);
    aws.on('s3', ListObjectVersionsCommand, () => ({
      Versions: [{ Key: KEY, VersionId: 'v-123', IsLatest: true }],
      IsTruncated: false,
    }));
    const view = new AwsAccountView({
      clients: aws.clients,
      auditorAccountId: ACCOUNT,
      region: 'us-east-1',
      objectMetadata: true,
    });
    await view.gather(sampleRequest({ versionId: 'v-123' }));
    expect(aws.stubs.s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: KEY,
      VersionId: 'v-123',
    });
  });

  it('maps GetBucketLocation: null -> us-east-1, "EU" -> eu-west-1, else the constraint (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html)', async () => {
    for (const [constraint, region] of [
      ['EU', 'eu-west-1'],
      ['', 'us-east-1'],
      ['ap-southeast-2', 'ap-southeast-2'],
    ] as const) {
      const { aws, view } = setup();
      aws.on('s3', GetBucketLocationCommand, () => ({ LocationConstraint: constraint }));
      const facts = await view.gather(sampleRequest());
      const b = facts.buckets[BUCKET];
      expect(b?.status === 'known' && b.value.region).toEqual({ status: 'known', value: region });
    }
  });
});

describe('bucketTargets', () => {
  it('lists every bucket of the needs with the object keys, the copy source included, owner only for the main bucket', () => {
    const r = sampleRequest({
      eventName: 'CopyObject',
      needs: [
        { ...objectNeed('s3:PutObject', BUCKET, KEY), role: 'destination' },
        { ...objectNeed('s3:GetObject', 'src', 'a.txt'), role: 'source' },
      ],
    });
    expect(bucketTargets(r)).toEqual([
      { name: BUCKET, accountId: ACCOUNT, regionHint: 'us-east-1', objects: [{ key: KEY, versionId: null }] },
      { name: 'src', accountId: null, regionHint: 'us-east-1', objects: [{ key: 'a.txt', versionId: null }] },
    ]);
  });
});
