import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsAccountView } from '../../../lambdas/adapters/aws';
import { ACCOUNT, BUCKET, KEY, awsError, sampleRequest } from '../../../scripts/bench/live';

// The Lambda builds the view without injected clients: every client is default-constructed. Class-level mocks
// catch every instance. Here the auditor has no read permission at all: every fact is unknown, nothing throws.
describe('an auditor without any read permission (default-constructed clients)', () => {
  const classes = [
    S3Client,
    S3ControlClient,
    IAMClient,
    EC2Client,
    KMSClient,
    OrganizationsClient,
    STSClient,
    CloudTrailClient,
  ];
  const mocks = classes.map((c) => mockClient(c as typeof S3Client));
  beforeEach(() => {
    for (const m of mocks) {
      m.reset();
      m.onAnyCommand().rejects(awsError('AccessDenied', 'Access Denied', 403));
    }
  });
  afterAll(() => {
    for (const m of mocks) m.restore();
  });

  it('reports every fact unknown(accessDenied) with the permission it lacks', async () => {
    const view = new AwsAccountView({ region: 'us-east-1', auditorAccountId: ACCOUNT });
    const facts = await view.gather(sampleRequest({ vpcEndpointId: 'vpce-0abc' }));
    expect(facts.principal).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: expect.stringMatching(/^iam:/),
    });
    const b = facts.buckets[BUCKET];
    expect(b?.status).toBe('known');
    if (b?.status !== 'known') return;
    expect(b.value.policy).toMatchObject({ reason: 'accessDenied', permission: 's3:GetBucketPolicy' });
    expect(b.value.region).toMatchObject({ reason: 'accessDenied', permission: 's3:GetBucketLocation' });
    // Existence is read by listing (ListObjectsV2 needs s3:ListBucket), never with s3:GetObject.
    expect(b.value.objects[KEY]).toMatchObject({ reason: 'accessDenied', permission: 's3:ListBucket' });
    expect(facts.accountPublicAccessBlock[ACCOUNT]).toMatchObject({
      reason: 'accessDenied',
      permission: 's3:GetAccountPublicAccessBlock',
    });
    expect(facts.principalOrganization).toMatchObject({
      reason: 'accessDenied',
      permission: 'organizations:DescribeOrganization',
    });
    expect(facts.vpcEndpoint).toMatchObject({
      reason: 'accessDenied',
      permission: 'ec2:DescribeVpcEndpoints',
    });
    expect(mocks[0]?.calls().length).toBeGreaterThan(0);
  });

  it('with a member role, an account it cannot enter is reported as such', async () => {
    const view = new AwsAccountView({
      region: 'us-east-1',
      auditorAccountId: '999999999999',
      memberRoleName: 'S3403Reader',
    });
    const facts = await view.gather(sampleRequest());
    expect(facts.buckets[BUCKET]).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 'sts:AssumeRole',
      detail: expect.stringContaining(`cannot assume arn:aws:iam::${ACCOUNT}:role/S3403Reader`),
    });
    expect(facts.principal).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 'sts:AssumeRole',
    });
  });
});
