import { GetAccountAuthorizationDetailsCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
} from '@aws-sdk/client-organizations';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListGrantsCommand,
} from '@aws-sdk/client-kms';
import { DescribeVpcEndpointsCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsAccountView, type AwsClients, type TemporaryCredentials } from '../../../lambdas/adapters/aws';
import {
  awsError,
  BUCKET,
  mockedAws,
  ROLE,
  sameAccountScenario,
  sampleRequest,
  type MockedAws,
} from '../../../scripts/bench/live';

// Issue 8 item 4: the live view assumes the member role in the bucket's and the caller's account.
const AUDITOR = '999999999999';
const CALLER = '111122223333';
const OWNER = '444455556666';
const NETWORK = '555566667777'; // a central network account that owns the VPC endpoints
const MEMBER_ROLE = 'S3403Reader';
const roleArn = (acct: string) => `arn:aws:iam::${acct}:role/${MEMBER_ROLE}`;

const DENY_DELETE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }],
};
const FULL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const ORG_ONLY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-exampleorg' } },
    },
  ],
};

const PARENTS: Record<string, { Id: string; Type: string }> = {
  [CALLER]: { Id: 'ou-ab12-11111111', Type: 'ORGANIZATIONAL_UNIT' },
  [OWNER]: { Id: 'ou-ab12-22222222', Type: 'ORGANIZATIONAL_UNIT' },
  [NETWORK]: { Id: 'ou-ab12-33333333', Type: 'ORGANIZATIONAL_UNIT' },
  'ou-ab12-33333333': { Id: 'r-ab12', Type: 'ROOT' },
  'ou-ab12-11111111': { Id: 'r-ab12', Type: 'ROOT' },
  'ou-ab12-22222222': { Id: 'r-ab12', Type: 'ROOT' },
};
const ATTACHED: Record<string, Record<string, string[]>> = {
  'r-ab12': { SERVICE_CONTROL_POLICY: ['p-FullAWSAccess'], RESOURCE_CONTROL_POLICY: ['p-RCPFullAWSAccess'] },
  'ou-ab12-11111111': { SERVICE_CONTROL_POLICY: ['p-denydelete'] },
  'ou-ab12-22222222': { RESOURCE_CONTROL_POLICY: ['p-orgonly'] },
};
const CONTENT: Record<string, { name: string; doc: unknown }> = {
  'p-FullAWSAccess': { name: 'FullAWSAccess', doc: FULL },
  'p-RCPFullAWSAccess': {
    name: 'RCPFullAWSAccess',
    doc: { ...FULL, Statement: [{ ...FULL.Statement[0], Principal: '*' }] },
  },
  'p-denydelete': { name: 'DenyDelete', doc: DENY_DELETE },
  'p-orgonly': { name: 'OrgOnly', doc: ORG_ONLY },
};

function organization(aws: MockedAws): void {
  aws.on('organizations', DescribeOrganizationCommand, () => ({
    Organization: {
      Id: 'o-exampleorg',
      MasterAccountId: '000011112222',
      Arn: 'arn:aws:organizations::000011112222:organization/o-exampleorg',
    },
  }));
}

function world(opts: { assumeFails?: string } = {}) {
  const auditor = mockedAws(0);
  const caller = mockedAws(0);
  const owner = mockedAws(0);
  sameAccountScenario(caller);
  sameAccountScenario(owner);
  organization(caller);
  organization(owner);
  let keyNo = 0;
  auditor.on('sts', AssumeRoleCommand, (input: { RoleArn: string }) => {
    if (opts.assumeFails && input.RoleArn === roleArn(opts.assumeFails)) {
      throw awsError(
        'AccessDenied',
        `User: arn:aws:sts::${AUDITOR}:assumed-role/auditor/fn is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
        403,
      );
    }
    keyNo++;
    return {
      Credentials: {
        AccessKeyId: `ASIA${input.RoleArn.split(':')[4]}${keyNo}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(clock + 10 * 60_000),
      },
    };
  });
  auditor.on('sts', GetCallerIdentityCommand, () => ({
    Account: AUDITOR,
    Arn: `arn:aws:sts::${AUDITOR}:assumed-role/auditor/fn`,
    UserId: 'AROAAUDITOR:fn',
  }));
  auditor.on('organizations', ListParentsCommand, (input: { ChildId: string }) => ({
    Parents: [PARENTS[input.ChildId]],
  }));
  auditor.on(
    'organizations',
    ListPoliciesForTargetCommand,
    (input: { TargetId: string; Filter: string }) => ({
      Policies: (ATTACHED[input.TargetId]?.[input.Filter] ?? []).map((id) => ({
        Id: id,
        Name: CONTENT[id]?.name,
        Arn: `arn:aws:organizations::000011112222:policy/o-exampleorg/x/${id}`,
        AwsManaged: id.includes('Full'),
      })),
    }),
  );
  auditor.on('organizations', DescribePolicyCommand, (input: { PolicyId: string }) => ({
    Policy: {
      PolicySummary: {
        Id: input.PolicyId,
        Name: CONTENT[input.PolicyId]?.name,
        Arn: `arn:aws:organizations::000011112222:policy/o-exampleorg/x/${input.PolicyId}`,
      },
      Content: JSON.stringify(CONTENT[input.PolicyId]?.doc),
    },
  }));
  const factoryCalls: { accountId: string | null; region: string; credentials?: TemporaryCredentials }[] = [];
  const byAccount: Record<string, AwsClients> = { [CALLER]: caller.clients, [OWNER]: owner.clients };
  let clock = 1_000_000;
  const view = new AwsAccountView({
    region: 'us-east-1',
    memberRoleName: MEMBER_ROLE,
    externalId: 'ext-123',
    now: () => clock,
    clientFactory: (accountId, region, credentials) => {
      factoryCalls.push({ accountId, region, ...(credentials ? { credentials } : {}) });
      return accountId === null ? auditor.clients : (byAccount[accountId] ?? auditor.clients);
    },
  });
  const request = sampleRequest({
    bucketAccountId: OWNER,
    crossAccount: true,
    principal: {
      ...sampleRequest().principal,
      arn: `arn:aws:sts::${CALLER}:assumed-role/${ROLE}/alice`,
      identityArn: `arn:aws:iam::${CALLER}:role/${ROLE}`,
      accountId: CALLER,
    },
  });
  // The role in the caller's account has its own ARN.
  caller.on('iam', GetRoleCommand, () => ({
    Role: {
      Path: '/',
      RoleName: ROLE,
      RoleId: 'AROACALLER',
      Arn: `arn:aws:iam::${CALLER}:role/${ROLE}`,
      CreateDate: new Date(0),
    },
  }));
  return { auditor, caller, owner, view, request, factoryCalls, advance: (ms: number) => (clock += ms) };
}

describe('cross-account reads through the member role (STS AssumeRole)', () => {
  it('assumes the member role in the caller account and in the bucket account, with the external id', async () => {
    const w = world();
    await w.view.gather(w.request);
    const assumed = w.auditor.stubs.sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
    expect(assumed).toEqual(
      expect.arrayContaining([
        { RoleArn: roleArn(CALLER), RoleSessionName: 's3-403-auditor', ExternalId: 'ext-123' },
        { RoleArn: roleArn(OWNER), RoleSessionName: 's3-403-auditor', ExternalId: 'ext-123' },
      ]),
    );
    expect(assumed).toHaveLength(2);
    expect(w.auditor.stubs.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it("reads the caller's IAM in the caller account and the bucket in the bucket account, with the assumed credentials", async () => {
    const w = world();
    const facts = await w.view.gather(w.request);
    expect(facts.principal).toMatchObject({
      status: 'known',
      value: { identityArn: `arn:aws:iam::${CALLER}:role/${ROLE}`, accountId: CALLER },
    });
    expect(w.caller.calls.some((c) => c.command === 'GetRole')).toBe(true);
    expect(w.owner.calls.some((c) => c.command === 'GetRole')).toBe(false);
    expect(w.owner.calls.some((c) => c.command === 'GetBucketPolicy')).toBe(true);
    expect(w.caller.calls.some((c) => c.command === 'GetBucketPolicy')).toBe(false);
    expect(facts.buckets[BUCKET]).toMatchObject({
      status: 'known',
      value: { accountId: { status: 'known', value: OWNER } },
    });
    expect(facts.accountPublicAccessBlock[OWNER]?.status).toBe('known');
    const ownerCreds = w.factoryCalls.find((f) => f.accountId === OWNER)?.credentials;
    expect(ownerCreds).toMatchObject({
      accessKeyId: expect.stringContaining(`ASIA${OWNER}`),
      secretAccessKey: 's',
      sessionToken: 't',
    });
  });

  it('reads SCPs on the caller account path and RCPs on the bucket account path, root first', async () => {
    const w = world();
    const facts = await w.view.gather(w.request);
    expect(facts.principalOrganization).toEqual({
      status: 'known',
      value: {
        id: 'o-exampleorg',
        managementAccountId: '000011112222',
        accountIds: ['000011112222', CALLER],
        path: ['r-ab12', 'ou-ab12-11111111'], // ListParents walked to the root (aws:PrincipalOrgPaths)
      },
    });
    expect(facts.scpLevels.status).toBe('known');
    if (facts.scpLevels.status !== 'known' || facts.rcpLevels.status !== 'known') return;
    expect(facts.scpLevels.value?.map((l) => [l.target, l.policies.map((p) => p.name)])).toEqual([
      ['r-ab12', ['FullAWSAccess']],
      ['ou-ab12-11111111', ['DenyDelete']],
      [CALLER, []],
    ]);
    expect(facts.scpLevels.value?.[1]?.policies[0]).toMatchObject({ source: 'scp', document: DENY_DELETE });
    expect(facts.rcpLevels.value?.map((l) => [l.target, l.policies.map((p) => p.name)])).toEqual([
      ['r-ab12', ['RCPFullAWSAccess']],
      ['ou-ab12-22222222', ['OrgOnly']],
      [OWNER, []],
    ]);
    expect(facts.rcpLevels.value?.[1]?.policies[0]).toMatchObject({ source: 'rcp', document: ORG_ONLY });
    // Organization structure is read with the auditor's own credentials (management / delegated admin).
    expect(w.caller.calls.some((c) => c.command === 'ListParents')).toBe(false);
  });

  // RCPs cap the resources of the accounts they apply to: a KMS key of another account than the bucket's is capped by
  // the RCPs of the key's account. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
  it("reads the RCPs of a KMS key's account when it is not the bucket's account", async () => {
    const w = world();
    const keyArn = `arn:aws:kms:us-east-1:${CALLER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    w.caller.on('kms', DescribeKeyCommand, () => ({
      KeyMetadata: { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', Arn: keyArn, AWSAccountId: CALLER },
    }));
    w.caller.on('kms', GetKeyPolicyCommand, () => ({ PolicyName: 'default', Policy: JSON.stringify(FULL) }));
    w.caller.on('kms', ListGrantsCommand, () => ({ Grants: [], Truncated: false }));
    w.caller.on('kms', ListAliasesCommand, () => ({ Aliases: [], Truncated: false }));
    const facts = await w.view.gather({ ...w.request, sse: { algorithm: 'aws:kms', kmsKeyId: keyArn } });
    expect(facts.kmsKeys[keyArn]?.status).toBe('known');
    const levels = facts.keyAccountRcpLevels?.[CALLER];
    expect(levels?.status).toBe('known');
    if (levels?.status !== 'known') return;
    expect(levels.value?.map((l) => [l.target, l.policies.map((p) => p.name)])).toEqual([
      ['r-ab12', ['RCPFullAWSAccess']],
      ['ou-ab12-11111111', []],
      [CALLER, []],
    ]);
    // the bucket's own account is not read twice
    expect(facts.keyAccountRcpLevels?.[OWNER]).toBeUndefined();
  });

  it('reads no other RCPs for a request without a key of another account', async () => {
    const w = world();
    expect((await w.view.gather(w.request)).keyAccountRcpLevels).toBeUndefined();
  });

  it('caches the credentials: a second gather assumes nothing', async () => {
    const w = world();
    await w.view.gather(w.request);
    w.auditor.resetCalls();
    w.caller.resetCalls();
    w.owner.resetCalls();
    await w.view.gather(w.request);
    expect(w.auditor.calls).toHaveLength(0);
    expect(w.caller.calls.length + w.owner.calls.length).toBeLessThanOrEqual(2);
  });

  it('assumes the role again shortly (5 minutes) before the credentials expire', async () => {
    const w = world();
    await w.view.gather(w.request);
    w.auditor.resetCalls();
    w.advance(4 * 60_000);
    await w.view.gather(w.request);
    expect(w.auditor.calls.filter((c) => c.command === 'AssumeRole')).toHaveLength(0);
    w.advance(2 * 60_000); // 6 minutes in: 4 minutes left, inside the refresh margin
    await w.view.gather(w.request);
    expect(w.auditor.calls.filter((c) => c.command === 'AssumeRole')).toHaveLength(2);
  });

  it("an account it cannot enter makes that account's facts unknown(accessDenied, 'cannot assume …'), the other account is still read", async () => {
    const w = world({ assumeFails: OWNER });
    const facts = await w.view.gather(w.request);
    const expected = {
      status: 'unknown',
      reason: 'accessDenied',
      permission: 'sts:AssumeRole',
      detail: expect.stringContaining(`cannot assume ${roleArn(OWNER)}`),
    };
    expect(facts.buckets[BUCKET]).toMatchObject(expected);
    expect(facts.accountPublicAccessBlock[OWNER]).toMatchObject(expected);
    expect(facts.resourceOrganization).toMatchObject(expected);
    expect(facts.rcpLevels).toMatchObject(expected);
    expect(facts.principal?.status).toBe('known');
    expect(w.owner.calls).toHaveLength(0);
  });

  it('does not assume anything for the auditor account itself', async () => {
    const w = world();
    const same = sampleRequest({
      bucketAccountId: AUDITOR,
      principal: {
        ...w.request.principal,
        accountId: AUDITOR,
        identityArn: `arn:aws:iam::${AUDITOR}:role/${ROLE}`,
      },
    });
    sameAccountScenario(w.auditor);
    w.auditor.on('iam', GetRoleCommand, () => ({
      Role: {
        RoleName: ROLE,
        Arn: `arn:aws:iam::${AUDITOR}:role/${ROLE}`,
        Path: '/',
        RoleId: 'AROAX',
        CreateDate: new Date(0),
      },
    }));
    const facts = await w.view.gather(same);
    expect(w.auditor.stubs.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(facts.principal?.status).toBe('known');
  });
});

describe('the bucket owner copy of a cross-account event (caller known only by unique id)', () => {
  it('resolves the caller by RoleId in the caller account, through the member role', async () => {
    const w = world();
    w.caller.on('iam', GetAccountAuthorizationDetailsCommand, () => ({
      RoleDetailList: [{ RoleName: ROLE, RoleId: 'AROACALLER', Arn: `arn:aws:iam::${CALLER}:role/${ROLE}` }],
      IsTruncated: false,
    }));
    const byId = sampleRequest({
      bucketAccountId: OWNER,
      crossAccount: true,
      principal: {
        ...w.request.principal,
        type: 'AWSAccount',
        arn: null,
        identityArn: null,
        accountId: CALLER,
        principalId: 'AROACALLER:alice',
      },
    });
    const facts = await w.view.gather(byId);
    expect(facts.principal).toMatchObject({
      status: 'known',
      value: { identityArn: `arn:aws:iam::${CALLER}:role/${ROLE}`, accountId: CALLER },
    });
    expect(w.caller.calls.map((c) => c.command)).toContain('GetAccountAuthorizationDetails');
    expect(w.owner.calls.map((c) => c.command)).not.toContain('GetAccountAuthorizationDetails');
  });
});

describe('without a member role', () => {
  it("a caller from another account is not confused with a same-named role in the auditor's account", async () => {
    const aws = mockedAws(0);
    sameAccountScenario(aws); // GetRole answers with the auditor account's app-role (111122223333)
    const view = new AwsAccountView({ clients: aws.clients, region: 'us-east-1' });
    const facts = await view.gather(
      sampleRequest({
        principal: {
          ...sampleRequest().principal,
          accountId: '777788889999',
          identityArn: `arn:aws:iam::777788889999:role/${ROLE}`,
        },
      }),
    );
    expect(facts.principal).toMatchObject({
      status: 'unknown',
      reason: 'notCollected',
      detail: expect.stringContaining('memberRoleName'),
    });
    expect(aws.stubs.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });
});

describe('cloudTrailFor: whose event history the change lookup reads', () => {
  it("returns the member account's CloudTrail client (LookupEvents only sees the calling account's history)", async () => {
    const w = world();
    expect(await w.view.cloudTrailFor(OWNER, 'eu-west-1')).toBe(w.owner.clients.cloudtrail);
    expect(await w.view.cloudTrailFor(null, 'us-east-1')).toBe(w.auditor.clients.cloudtrail);
    expect(w.factoryCalls).toEqual(
      expect.arrayContaining([expect.objectContaining({ accountId: OWNER, region: 'eu-west-1' })]),
    );
  });

  it('names the account it cannot enter, and why', async () => {
    const w = world({ assumeFails: OWNER });
    await expect(w.view.cloudTrailFor(OWNER, 'us-east-1')).rejects.toMatchObject({
      name: 'CannotEnterAccount',
      message: expect.stringMatching(
        new RegExp(`^cannot assume arn:aws:iam::${OWNER}:role/.* to read account ${OWNER}: AccessDenied`),
      ),
    });
  });
});

describe('a request through a VPC endpoint of a third account (aws:VpceOrgID, aws:VpceOrgPaths)', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpceorgpaths:
  // the organization and path of the account that owns the endpoint, here neither the caller's nor the bucket's
  it("reads the endpoint in its owner's account, then that account's organization and path", async () => {
    const w = world();
    const network = mockedAws(0);
    organization(network);
    network.on('ec2', DescribeVpcEndpointsCommand, () => ({
      VpcEndpoints: [
        { VpcEndpointId: 'vpce-0net', VpcId: 'vpc-0net', OwnerId: NETWORK, PolicyDocument: null },
      ],
    }));
    const view = new AwsAccountView({
      region: 'us-east-1',
      memberRoleName: MEMBER_ROLE,
      externalId: 'ext-123',
      clientFactory: (accountId) =>
        accountId === NETWORK
          ? network.clients
          : accountId === CALLER
            ? w.caller.clients
            : accountId === OWNER
              ? w.owner.clients
              : w.auditor.clients,
    });
    const facts = await view.gather({
      ...w.request,
      vpcEndpointId: 'vpce-0net',
      vpcEndpointAccountId: NETWORK,
    });
    expect(facts.vpcEndpoint).toMatchObject({
      status: 'known',
      value: { vpcId: 'vpc-0net', ownerId: NETWORK },
    });
    expect(facts.vpcEndpointOrganization).toEqual({
      status: 'known',
      value: {
        id: 'o-exampleorg',
        managementAccountId: '000011112222',
        accountIds: ['000011112222', NETWORK],
        path: ['r-ab12', 'ou-ab12-33333333'],
      },
    });
  });

  it("an endpoint of the caller's own account reads no organization twice", async () => {
    const w = world();
    w.caller.on('ec2', DescribeVpcEndpointsCommand, () => ({
      VpcEndpoints: [
        { VpcEndpointId: 'vpce-0own', VpcId: 'vpc-0own', OwnerId: CALLER, PolicyDocument: null },
      ],
    }));
    const facts = await w.view.gather({
      ...w.request,
      vpcEndpointId: 'vpce-0own',
      vpcEndpointAccountId: CALLER,
    });
    expect(facts.vpcEndpoint?.status).toBe('known');
    expect(facts).not.toHaveProperty('vpcEndpointOrganization');
  });
});
