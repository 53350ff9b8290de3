import { GetPolicyVersionCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import type { BucketFacts, RequestFacts } from '../../../lambdas/core/model';
import { AwsAccountView } from '../../../lambdas/adapters/aws';
import { classifyError } from '../../../lambdas/adapters/aws/errors';
import {
  ACCOUNT,
  BUCKET,
  KEY,
  awsError,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
} from '../../../scripts/bench/live';

async function gatherWith(
  override: (aws: ReturnType<typeof mockedAws>) => void,
): Promise<{ facts: RequestFacts; aws: ReturnType<typeof mockedAws> }> {
  const aws = mockedAws(0);
  sameAccountScenario(aws);
  override(aws);
  const view = new AwsAccountView({ clients: aws.clients, auditorAccountId: ACCOUNT, region: 'us-east-1' });
  return { facts: await view.gather(sampleRequest()), aws };
}

function bucketOf(facts: RequestFacts): BucketFacts {
  const b = facts.buckets[BUCKET];
  if (b?.status !== 'known') throw new Error(`bucket not known: ${JSON.stringify(b)}`);
  return b.value;
}

const fail = (code: string, message: string, status: number) => () => {
  throw awsError(code, message, status);
};

// Error codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
describe('"not configured" answers are known none (null), not unknown', () => {
  it.each([
    ['NoSuchBucketPolicy', GetBucketPolicyCommand, 'policy'],
    ['NoSuchPublicAccessBlockConfiguration', GetPublicAccessBlockCommand, 'publicAccessBlock'],
    ['OwnershipControlsNotFoundError', GetBucketOwnershipControlsCommand, 'ownership'],
    ['ServerSideEncryptionConfigurationNotFoundError', GetBucketEncryptionCommand, 'encryption'],
  ] as const)('%s -> known(null)', async (code, command, field) => {
    const { facts } = await gatherWith((aws) =>
      aws.on('s3', command, fail(code, 'The configuration does not exist', 404)),
    );
    expect(bucketOf(facts)[field]).toEqual({ status: 'known', value: null });
  });

  it('account-level NoSuchPublicAccessBlockConfiguration (S3 Control) -> known(null)', async () => {
    const { facts } = await gatherWith((aws) =>
      aws.on(
        's3control',
        GetAccountPublicAccessBlockCommand,
        fail(
          'NoSuchPublicAccessBlockConfiguration',
          'The public access block configuration was not found',
          404,
        ),
      ),
    );
    expect(facts.accountPublicAccessBlock[ACCOUNT]).toEqual({ status: 'known', value: null });
  });
});

describe("the auditor's own AccessDenied is unknown(accessDenied) naming the permission it lacks", () => {
  it.each([
    [GetBucketPolicyCommand, 'policy', 's3:GetBucketPolicy'],
    [GetPublicAccessBlockCommand, 'publicAccessBlock', 's3:GetBucketPublicAccessBlock'],
    [GetBucketOwnershipControlsCommand, 'ownership', 's3:GetBucketOwnershipControls'],
    [GetBucketEncryptionCommand, 'encryption', 's3:GetEncryptionConfiguration'],
    [GetBucketAclCommand, 'acl', 's3:GetBucketAcl'],
    [GetBucketLocationCommand, 'region', 's3:GetBucketLocation'],
  ] as const)('%p -> %s unknown, permission %s', async (command, field, permission) => {
    const { facts } = await gatherWith((aws) =>
      aws.on('s3', command, fail('AccessDenied', 'Access Denied', 403)),
    );
    expect(bucketOf(facts)[field]).toEqual({
      status: 'unknown',
      reason: 'accessDenied',
      detail: expect.stringContaining('AccessDenied: Access Denied'),
      permission,
    });
  });

  // ListObjectsV2 needs s3:ListBucket: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
  it('ListObjectsV2 AccessDenied -> object unknown, s3:ListBucket', async () => {
    const { facts } = await gatherWith((aws) =>
      aws.on('s3', ListObjectsV2Command, fail('AccessDenied', 'Access Denied', 403)),
    );
    expect(bucketOf(facts).objects[KEY]).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 's3:ListBucket',
    });
  });

  it('account BPA AccessDenied -> unknown, s3:GetAccountPublicAccessBlock', async () => {
    const { facts } = await gatherWith((aws) =>
      aws.on('s3control', GetAccountPublicAccessBlockCommand, fail('AccessDenied', 'Access Denied', 403)),
    );
    expect(facts.accountPublicAccessBlock[ACCOUNT]).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 's3:GetAccountPublicAccessBlock',
    });
  });

  it.each([
    [GetRoleCommand, 'iam:GetRole'],
    [GetPolicyVersionCommand, 'iam:GetPolicyVersion'],
  ] as const)(
    'IAM %p AccessDenied -> the whole principal unknown (a partial policy set could hide a deny), %s',
    async (command, permission) => {
      const { facts } = await gatherWith((aws) =>
        aws.on(
          'iam',
          command,
          fail(
            'AccessDenied',
            'User: arn:aws:sts::111122223333:assumed-role/auditor/x is not authorized to perform: ' +
              permission,
            403,
          ),
        ),
      );
      expect(facts.principal).toMatchObject({ status: 'unknown', reason: 'accessDenied', permission });
    },
  );

  it('Organizations AccessDeniedException -> organization and SCP/RCP levels unknown, never "no SCP"', async () => {
    const { facts } = await gatherWith((aws) =>
      aws.on(
        'organizations',
        DescribeOrganizationCommand,
        fail('AccessDeniedException', 'You don’t have permissions to access this resource.', 400),
      ),
    );
    expect(facts.principalOrganization).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 'organizations:DescribeOrganization',
    });
    expect(facts.scpLevels).toMatchObject({ status: 'unknown', reason: 'accessDenied' });
    expect(facts.rcpLevels).toMatchObject({ status: 'unknown', reason: 'accessDenied' });
  });
});

describe('missing things', () => {
  it('ListObjectsV2 (Prefix = key) lists no key -> the object is known not to exist', async () => {
    const { facts } = await gatherWith((aws) =>
      aws.on('s3', ListObjectsV2Command, () => ({ KeyCount: 0, IsTruncated: false })),
    );
    expect(bucketOf(facts).objects[KEY]).toEqual({ status: 'known', value: { exists: false } });
  });

  it('NoSuchBucket -> the bucket is unknown(notFound)', async () => {
    const { facts } = await gatherWith((aws) =>
      aws.on(
        's3',
        GetBucketLocationCommand,
        fail('NoSuchBucket', 'The specified bucket does not exist', 404),
      ),
    );
    expect(facts.buckets[BUCKET]).toMatchObject({ status: 'unknown', reason: 'notFound' });
  });

  it('IAM NoSuchEntity (a deleted role) -> principal unknown(notFound)', async () => {
    const { facts } = await gatherWith((aws) =>
      aws.on(
        'iam',
        GetRoleCommand,
        fail('NoSuchEntity', 'The role with name app-role cannot be found.', 404),
      ),
    );
    expect(facts.principal).toMatchObject({
      status: 'unknown',
      reason: 'notFound',
      detail: expect.stringContaining('NoSuchEntity'),
    });
  });
});

describe('throttling (after the SDK adaptive retries) is unknown(throttled) and not cached', () => {
  it.each([
    ['s3', GetBucketPolicyCommand, 'SlowDown', 503],
    ['iam', GetRoleCommand, 'Throttling', 400],
  ] as const)('%s %p %s', async (client, command, code, status) => {
    const aws = mockedAws(0);
    sameAccountScenario(aws);
    aws.on(client, command, fail(code, 'Rate exceeded', status));
    const view = new AwsAccountView({ clients: aws.clients, auditorAccountId: ACCOUNT, region: 'us-east-1' });
    const facts = await view.gather(sampleRequest());
    const fact = client === 's3' ? bucketOf(facts).policy : facts.principal;
    expect(fact).toMatchObject({ status: 'unknown', reason: 'throttled' });
    aws.resetCalls();
    await view.gather(sampleRequest());
    expect(aws.calls.map((c) => c.command)).toEqual([command.name.replace(/Command$/, '')]);
  });
});

describe('classifyError', () => {
  it.each([
    ['NoSuchBucketPolicy', 404, 'absent'],
    ['AWSOrganizationsNotInUseException', 400, 'absent'],
    ['NoSuchEntity', 404, 'notFound'],
    ['NotFoundException', 400, 'notFound'],
    ['InvalidVpcEndpointId.NotFound', 400, 'notFound'],
    ['AccessDenied', 403, 'accessDenied'],
    ['AccessDeniedException', 400, 'accessDenied'],
    ['UnauthorizedOperation', 403, 'accessDenied'],
    ['Throttling', 400, 'throttled'],
    ['ThrottlingException', 400, 'throttled'],
    ['SlowDown', 503, 'throttled'],
    ['RequestLimitExceeded', 503, 'throttled'],
    ['PermanentRedirect', 301, 'wrongRegion'],
    ['InternalError', 500, 'error'],
    ['Unknown', 403, 'accessDenied'],
    ['Unknown', 404, 'notFound'],
  ] as const)('%s (HTTP %i) -> %s', (code, status, kind) => {
    expect(classifyError(awsError(code, 'm', status), 'x:Y').kind).toBe(kind);
  });

  it('keeps only the first line of the message and the permission', () => {
    expect(classifyError(awsError('AccessDenied', 'line one\nline two', 403), 's3:GetBucketPolicy')).toEqual({
      kind: 'accessDenied',
      code: 'AccessDenied',
      message: 'line one',
      permission: 's3:GetBucketPolicy',
    });
  });

  it('handles a non-Error throw', () => {
    expect(classifyError('boom', 'x:Y')).toMatchObject({ kind: 'error', message: 'boom' });
  });
});
