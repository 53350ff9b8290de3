/**
 * Cold start (issue 6): the SDK packages of the rarely needed clients are loaded on first use. EC2 alone costs
 * ~180 ms of CPU to load, about half of the Lambda's cold start, and only a request through a VPC endpoint
 * (DescribeVpcEndpoints) or a snapshot needs it; KMS is needed only for SSE-KMS; the view never reads CloudTrail.
 *
 * This file must not import those packages (nor scripts/bench/live.ts, which does): the mocks below count how
 * often each is loaded. The tests run in order; the ones that expect a package unloaded come first.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsAccountView } from '../../../lambdas/adapters/aws';
import { defaultClients, releaseClients, withInjected } from '../../../lambdas/adapters/aws/clients';
import type { AccessRequest } from '../../../lambdas/core/model';
import { request as buildRequest } from '../snapshot/request-builder';

type Ec2Sdk = typeof import('@aws-sdk/client-ec2');
type KmsSdk = typeof import('@aws-sdk/client-kms');

const mockLoads = { ec2: 0, kms: 0, cloudtrail: 0 };
jest.mock('@aws-sdk/client-ec2', () => {
  mockLoads.ec2++;
  return jest.requireActual('@aws-sdk/client-ec2');
});
jest.mock('@aws-sdk/client-kms', () => {
  mockLoads.kms++;
  return jest.requireActual('@aws-sdk/client-kms');
});
jest.mock('@aws-sdk/client-cloudtrail', () => {
  mockLoads.cloudtrail++;
  return jest.requireActual('@aws-sdk/client-cloudtrail');
});

const ACCOUNT = '111122223333';
const BUCKET = 'corp-reports';
const KEY = 'q3/summary.csv';

function request(vpcEndpointId: string | null, kmsKeyArn: string | null = null): AccessRequest {
  return buildRequest(
    {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/alice`,
      identityArn: `arn:aws:iam::${ACCOUNT}:role/app-role`,
      accountId: ACCOUNT,
      sessionName: 'alice',
      principalId: 'AROAEXAMPLEROLEID1234:alice',
      accessKeyId: 'ASIAEXAMPLE',
      mfaAuthenticated: false,
    },
    {
      eventId: 'e-lazy',
      bucket: BUCKET,
      key: KEY,
      bucketAccountId: ACCOUNT,
      sourceIp: '10.0.0.5',
      vpcEndpointId,
      vpcEndpointAccountId: vpcEndpointId ? ACCOUNT : null,
      tlsVersion: 'TLSv1.3',
      userAgent: 'aws-cli/2',
      context: { values: { 'aws:SecureTransport': 'true' }, absent: [], otherKeys: 'unknown' },
      kms: kmsKeyArn ? { keyArn: kmsKeyArn, s3Arn: `arn:aws:s3:::${BUCKET}/${KEY}` } : null,
    },
  );
}

const denied = (): Error =>
  Object.assign(new Error('Access Denied'), {
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
  });

// Class-level mocks of every other client: the view below builds its own (default) clients, as the Lambda does.
const others = [S3Client, S3ControlClient, IAMClient, OrganizationsClient, STSClient].map((c) =>
  mockClient(c as typeof S3Client),
);
beforeEach(() => {
  for (const m of others) {
    m.reset();
    m.onAnyCommand().rejects(denied());
  }
});
afterAll(() => {
  for (const m of others) m.restore();
});

describe('the EC2, KMS and CloudTrail packages are loaded on first use only', () => {
  it('importing the live view loads none of them', () => {
    expect(AwsAccountView).toBeDefined();
    expect(mockLoads).toEqual({ ec2: 0, kms: 0, cloudtrail: 0 });
  });

  it('a request without a VPC endpoint or KMS key is explained without loading them', async () => {
    const view = new AwsAccountView({ region: 'us-east-1', auditorAccountId: ACCOUNT });
    const facts = await view.gather(request(null));
    expect(facts.vpcEndpoint).toBeNull();
    expect(facts.accountPublicAccessBlock[ACCOUNT]).toMatchObject({
      reason: 'accessDenied',
      permission: 's3:GetAccountPublicAccessBlock',
    });
    expect(mockLoads).toEqual({ ec2: 0, kms: 0, cloudtrail: 0 });
  });

  it('default clients build the other clients, not these, until they are read', () => {
    const c = defaultClients('eu-west-1');
    expect(c.s3).toBeInstanceOf(S3Client);
    expect(c.organizations).toBeInstanceOf(OrganizationsClient);
    expect(mockLoads).toEqual({ ec2: 0, kms: 0, cloudtrail: 0 });
  });

  it('injected clients replace the defaults without reading the lazy ones', () => {
    const s3 = new S3Client({ region: 'eu-west-1' });
    const merged = withInjected(defaultClients('eu-west-1'), { s3 });
    expect(merged.s3).toBe(s3);
    expect(merged.iam).toBeInstanceOf(IAMClient);
    expect(Object.keys(merged).sort()).toEqual(
      ['cloudtrail', 'ec2', 'iam', 'kms', 'organizations', 's3', 's3control', 'sts'].sort(),
    );
    expect(mockLoads).toEqual({ ec2: 0, kms: 0, cloudtrail: 0 });
  });

  it('releasing clients destroys the built ones and does not build a lazy one to destroy it', () => {
    const c = defaultClients('eu-west-1');
    const s3Destroy = jest.spyOn(c.s3, 'destroy');
    const stsDestroy = jest.spyOn(c.sts, 'destroy');
    releaseClients(c);
    expect(s3Destroy).toHaveBeenCalledTimes(1);
    expect(stsDestroy).toHaveBeenCalledTimes(1);
    expect(mockLoads).toEqual({ ec2: 0, kms: 0, cloudtrail: 0 });
  });

  it('reading the EC2 client loads the package once and builds one client with the same settings', async () => {
    const { EC2Client } = jest.requireActual<Ec2Sdk>('@aws-sdk/client-ec2');
    const c = defaultClients('eu-west-1');
    const ec2 = c.ec2;
    expect(mockLoads.ec2).toBe(1);
    expect(ec2).toBeInstanceOf(EC2Client);
    expect(c.ec2).toBe(ec2);
    expect(await ec2.config.region()).toBe('eu-west-1');
    expect(((await ec2.config.retryStrategy()) as { mode?: string }).mode).toBe('adaptive');
    const destroy = jest.spyOn(ec2, 'destroy');
    releaseClients(c);
    expect(destroy).toHaveBeenCalledTimes(1);
  });

  it('a request through a VPC endpoint reads it with the (class-mocked) EC2 client', async () => {
    const { EC2Client, DescribeVpcEndpointsCommand } = jest.requireActual<Ec2Sdk>('@aws-sdk/client-ec2');
    const ec2 = mockClient(EC2Client);
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [
        {
          VpcEndpointId: 'vpce-0abc1234',
          VpcId: 'vpc-1',
          ServiceName: 'com.amazonaws.us-east-1.s3',
          VpcEndpointType: 'Gateway',
        },
      ],
    });
    try {
      const view = new AwsAccountView({ region: 'us-east-1', auditorAccountId: ACCOUNT });
      const facts = await view.gather(request('vpce-0abc1234'));
      expect(facts.vpcEndpoint).toMatchObject({
        status: 'known',
        value: { id: 'vpce-0abc1234', vpcId: 'vpc-1', type: 'Gateway' },
      });
      expect(ec2.commandCalls(DescribeVpcEndpointsCommand).map((call) => call.args[0].input)).toEqual([
        { VpcEndpointIds: ['vpce-0abc1234'] },
      ]);
      expect(mockLoads.ec2).toBe(1);
    } finally {
      ec2.restore();
    }
  });

  it('a request with an SSE-KMS key reads it with the (class-mocked) KMS client', async () => {
    const { KMSClient, DescribeKeyCommand, GetKeyPolicyCommand, ListGrantsCommand, ListAliasesCommand } =
      jest.requireActual<KmsSdk>('@aws-sdk/client-kms');
    const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const kms = mockClient(KMSClient);
    kms.on(DescribeKeyCommand).resolves({
      KeyMetadata: {
        KeyId: '1234abcd',
        Arn: keyArn,
        AWSAccountId: ACCOUNT,
        KeyManager: 'CUSTOMER',
        KeyState: 'Enabled',
      },
    });
    kms
      .on(GetKeyPolicyCommand)
      .resolves({ PolicyName: 'default', Policy: '{"Version":"2012-10-17","Statement":[]}' });
    kms.on(ListGrantsCommand).resolves({ Grants: [], Truncated: false });
    kms.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: 'alias/reports' }], Truncated: false });
    try {
      expect(mockLoads.kms).toBe(0);
      const view = new AwsAccountView({ region: 'us-east-1', auditorAccountId: ACCOUNT });
      const facts = await view.gather(request(null, keyArn));
      expect(facts.kmsKeys[keyArn]).toMatchObject({
        status: 'known',
        value: { arn: keyArn, keyManager: 'CUSTOMER', keyState: 'Enabled', aliases: ['alias/reports'] },
      });
      expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(1);
      expect(mockLoads.kms).toBe(1);
      expect(mockLoads.cloudtrail).toBe(0);
    } finally {
      kms.restore();
    }
  });

  it('the CloudTrail client is still there for who reads it', async () => {
    const c = defaultClients('ap-south-1');
    expect(mockLoads.cloudtrail).toBe(0);
    const { CloudTrailClient } = jest.requireActual<typeof import('@aws-sdk/client-cloudtrail')>(
      '@aws-sdk/client-cloudtrail',
    );
    expect(c.cloudtrail).toBeInstanceOf(CloudTrailClient);
    expect(await c.cloudtrail.config.region()).toBe('ap-south-1');
    expect(mockLoads.cloudtrail).toBe(1);
  });
});
