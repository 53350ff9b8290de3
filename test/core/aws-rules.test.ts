/**
 * S3 authorization rules of issue 12, end to end (snapshot -> simulate / analyze), each case naming the AWS page
 * it follows. The unit-level cases live in test/core/policy/authorize/authorize.test.ts.
 */
import { analyzeWithEvaluations } from '../../lambdas/core/analyze';
import { readDenials } from '../../lambdas/core/event';
import { simulate, type SimulationRequest } from '../../lambdas/core/simulate';
import {
  A,
  B,
  C,
  customerKey,
  OU_A,
  OU_B,
  ORG,
  ROOT,
  recordFor,
  roleArn,
  viewOf,
  type RecordSpec,
  type Stmt,
  type WorldSpec,
} from './world';

const now = new Date('2026-11-20T10:00:00Z');
const sim = (spec: WorldSpec, r: Partial<SimulationRequest> & Pick<SimulationRequest, 'principal'>) =>
  simulate({ action: 's3:GetObject', resource: 'arn:aws:s3:::data/k.csv', context: {}, ...r }, viewOf(spec), {
    now,
  });
const layer = (s: ReturnType<typeof simulate>, id: string) => s.layers.find((l) => l.layer === id);
const readAll: Stmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' };

/** explain: the record through the reader, the snapshot view and analyze; the finding and the engine's evaluations. */
function explain(spec: WorldSpec, r: RecordSpec) {
  const view = viewOf(spec);
  const [request] = readDenials(JSON.stringify(recordFor(r)), 'record');
  if (!request) throw new Error('no denial read');
  return { request, ...analyzeWithEvaluations(request, view.gatherSync(request)) };
}
const grantTo = (principal: string): Stmt => ({ ...readAll, Principal: { AWS: principal } });

describe('aws:PrincipalOrgPaths and aws:ResourceOrgPaths are derived from the organization path', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
  const ouScoped = (path: string): Stmt => ({
    ...readAll,
    Principal: '*',
    Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [path] } },
  });
  const world = (path: string): WorldSpec => ({
    roles: [{ account: B, name: 'Partner', statements: [readAll] }],
    buckets: { data: { account: A, policy: [ouScoped(path)], objects: { 'k.csv': {} } } },
  });

  it('an OU-scoped bucket grant (ForAnyValue:StringLike aws:PrincipalOrgPaths) admits a caller in that OU', () => {
    expect(sim(world(`${ORG}/${ROOT}/${OU_B}/*`), { principal: roleArn(B, 'Partner') }).decision).toBe(
      'allowed',
    );
  });

  it('and refuses a caller of another OU', () => {
    expect(sim(world(`${ORG}/${ROOT}/${OU_A}/*`), { principal: roleArn(B, 'Partner') }).decision).toBe(
      'implicitly-denied',
    );
  });

  it('a caller outside every organization has no org path: the grant does not match (never unknown)', () => {
    const s = sim(
      { ...world(`${ORG}/*`), roles: [{ account: C, name: 'Outsider', statements: [readAll] }] },
      { principal: roleArn(C, 'Outsider') },
    );
    expect(s.decision).toBe('implicitly-denied');
  });

  it('aws:ResourceOrgPaths names the bucket account path (an identity-side data perimeter)', () => {
    const perimeter: Stmt = {
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { 'ForAllValues:StringNotLike': { 'aws:ResourceOrgPaths': [`${ORG}/${ROOT}/${OU_B}/*`] } },
    };
    const spec: WorldSpec = {
      roles: [{ account: B, name: 'Partner', statements: [readAll, perimeter] }],
      buckets: { data: { account: A, policy: [grantTo(roleArn(B, 'Partner'))], objects: { 'k.csv': {} } } },
    };
    const s = sim(spec, { principal: roleArn(B, 'Partner') });
    expect(s.decision).toBe('explicitly-denied');
    expect(layer(s, 'identity-policy')?.result).toBe('explicitly-denied');
  });
});

describe('resource control policies: RCPFullAWSAccess is always attached', () => {
  // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
  const spec = (extra: Partial<WorldSpec>): WorldSpec => ({
    roles: [{ account: B, name: 'Partner', statements: [readAll] }],
    buckets: { data: { account: A, policy: [grantTo(roleArn(B, 'Partner'))], objects: { 'k.csv': {} } } },
    ...extra,
  });

  it('an organization whose resourceControlPolicies list is empty denies nothing (no rcp-deny)', () => {
    const s = sim(spec({ listRcpFullAccess: false }), { principal: roleArn(B, 'Partner') });
    expect(s.decision).toBe('allowed');
    expect(layer(s, 'rcp')?.result).toBe('not-applicable');
  });

  it('levels with no RCP listed restrict nothing: only the Deny of a custom RCP counts', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: '*' };
    const world = spec({
      listRcpFullAccess: false,
      rcps: [{ name: 'NoPuts', targets: [OU_A], statements: [deny] }],
    });
    const read = sim(world, { principal: roleArn(B, 'Partner') });
    expect(read.decision).toBe('allowed');
    expect(layer(read, 'rcp')?.result).toBe('allowed');
    const write = sim(world, { principal: roleArn(B, 'Partner'), action: 's3:PutObject' });
    expect(write.decision).toBe('explicitly-denied');
    expect(layer(write, 'rcp')?.result).toBe('explicitly-denied');
  });

  it('an explanation of a denial never blames RCPs when none denies', () => {
    const s = sim(
      spec({ listRcpFullAccess: false, buckets: { data: { account: A, objects: { 'k.csv': {} } } } }),
      {
        principal: roleArn(B, 'Partner'),
      },
    );
    expect(s.decision).toBe('implicitly-denied');
    expect(s.rootCauses.map((c) => c.id)).not.toContain('rcp-deny');
    expect(s.rootCauses[0]?.id).toBe('cross-account-no-bucket-grant');
  });
});

describe('access points: IAM and the access point policy name the access point ARN, the bucket policy the bucket ARN', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
  const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/data-ap`;
  const apObj = `${AP}/object/k.csv`;
  const delegate: Stmt = {
    Sid: 'DelegateToAccessPoints',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: '*',
    Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
    Condition: { StringEquals: { 's3:DataAccessPointAccount': A } },
  };
  const apPolicy = (principal: string) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ApRead',
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 's3:GetObject',
        Resource: `${AP}/object/*`,
      },
    ],
  });
  const world = (
    over: Partial<WorldSpec> = {},
    origin: Record<string, unknown> = { NetworkOrigin: 'Internet' },
  ): WorldSpec => ({
    roles: [
      {
        account: B,
        name: 'Partner',
        statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${AP}/object/*` }],
      },
      {
        account: A,
        name: 'ApOnly',
        statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${AP}/object/*` }],
      },
    ],
    buckets: { data: { account: A, policy: [delegate], objects: { 'k.csv': {} } } },
    accessPoints: {
      [AP]: { Name: 'data-ap', Bucket: 'data', ...origin, Policy: apPolicy(roleArn(B, 'Partner')) },
    },
    ...over,
  });

  it('a cross-account read through a delegated access point is allowed (simulate)', () => {
    const s = sim(world(), { principal: roleArn(B, 'Partner'), resource: apObj });
    expect(s.decision).toBe('allowed');
    expect(layer(s, 'bucket-policy')).toMatchObject({
      result: 'allowed',
      resource: 'arn:aws:s3:::data/k.csv',
    });
    expect(layer(s, 'access-point-policy')).toMatchObject({ result: 'allowed', resource: apObj });
  });

  it('the same read from a CloudTrail record: one need on the access point ARN, backed by the object ARN, allowed', () => {
    const { request, evaluations, finding } = explain(world(), {
      account: B,
      role: 'Partner',
      bucket: 'data',
      accessPoint: AP,
    });
    expect(request.needs).toEqual([
      expect.objectContaining({
        action: 's3:GetObject',
        resource: apObj,
        bucketResource: 'arn:aws:s3:::data/k.csv',
      }),
    ]);
    expect(request.resources).toEqual(['arn:aws:s3:::data/k.csv', apObj]);
    expect(evaluations.map((e) => e.result.decision)).toEqual(['allowed']);
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('cross-account-no-bucket-grant');
  });

  it('same account: an identity policy that names only the access point ARN is enough (no bucket or AP grant)', () => {
    const spec = world({ buckets: { data: { account: A, objects: { 'k.csv': {} } } } });
    expect(sim(spec, { principal: roleArn(A, 'ApOnly'), resource: apObj }).decision).toBe('allowed');
  });

  it('a VPC-origin access point refuses a request from the internet, in simulate and in explain alike', () => {
    const spec = world({}, { NetworkOrigin: 'VPC', VpcConfiguration: { VpcId: 'vpc-1' } });
    const s = sim(spec, { principal: roleArn(B, 'Partner'), resource: apObj });
    expect(s.decision).toBe('implicitly-denied');
    expect(layer(s, 'access-point-policy')?.note).toMatch(/network origin is VPC \(vpc-1\)/);
    expect(s.rootCauses[0]?.id).toBe('access-point-policy');
    const { evaluations, finding } = explain(spec, {
      account: B,
      role: 'Partner',
      bucket: 'data',
      accessPoint: AP,
    });
    expect(evaluations[0]?.result.layers.find((l) => l.layer === 'access-point-policy')).toMatchObject({
      result: 'implicitly-denied',
      rule: 'network-origin',
    });
    expect(finding.rootCauses[0]).toMatchObject({ id: 'access-point-policy', confidence: 'confirmed' });
    expect(finding.rootCauses[0]?.title).toMatch(/only accepts requests from VPC vpc-1/);
  });

  it('the same VPC-origin access point accepts the request through an endpoint in its VPC', () => {
    const spec = world(
      {
        vpcEndpoints: {
          'vpce-1': {
            VpcEndpointId: 'vpce-1',
            VpcId: 'vpc-1',
            ServiceName: 'com.amazonaws.us-east-1.s3',
            PolicyDocument: null,
          },
        },
      },
      { NetworkOrigin: 'VPC', VpcConfiguration: { VpcId: 'vpc-1' } },
    );
    const s = sim(spec, {
      principal: roleArn(B, 'Partner'),
      resource: apObj,
      context: { 'aws:SourceVpce': 'vpce-1' },
    });
    expect(s.decision).toBe('allowed');
  });
});

describe('SSE-KMS: the encryption context follows the object own bucket-key setting', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html (the context is the bucket ARN with a
  // bucket key); https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionRule.html (BucketKeyEnabled
  // applies to new objects; existing objects are not affected)
  const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const world = (objectBucketKey: boolean | undefined, context: string): WorldSpec => ({
    roles: [
      {
        account: A,
        name: 'Reader',
        statements: [readAll, { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }],
      },
    ],
    buckets: {
      data: {
        account: A,
        encryption: { algorithm: 'aws:kms', key: KEY, bucketKey: true }, // enabled today
        objects: {
          'k.csv': {
            sse: 'aws:kms',
            kmsKeyId: KEY,
            ...(objectBucketKey !== undefined ? { bucketKeyEnabled: objectBucketKey } : {}),
          },
        },
      },
    },
    kmsKeys: {
      [KEY]: customerKey({
        Sid: 'OnlyThisContext',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${A}:root` },
        Action: 'kms:*',
        Resource: '*',
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:s3:arn': context } },
      }),
    },
  });
  const kmsResult = (s: ReturnType<typeof simulate>) =>
    s.layers.find((l) => l.layer === 'kms-key-policy')?.result;

  it('an object written before the bucket key was enabled is decrypted with its own ARN as context', () => {
    const s = sim(world(false, 'arn:aws:s3:::data/k.csv'), { principal: roleArn(A, 'Reader') });
    expect(kmsResult(s)).toBe('allowed');
    expect(s.decision).toBe('allowed');
  });

  it('an object written with a bucket key is decrypted with the bucket ARN as context', () => {
    expect(sim(world(true, 'arn:aws:s3:::data'), { principal: roleArn(A, 'Reader') }).decision).toBe(
      'allowed',
    );
    expect(
      sim(world(true, 'arn:aws:s3:::data/k.csv'), { principal: roleArn(A, 'Reader') }).decision,
    ).not.toBe('allowed');
  });

  it("when the object's own setting is not known, the bucket's current setting stands for it", () => {
    expect(sim(world(undefined, 'arn:aws:s3:::data'), { principal: roleArn(A, 'Reader') }).decision).toBe(
      'allowed',
    );
  });
});

describe('an explicit deny is offered as a cause only when a Deny statement could match', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html:
  // an explicit deny is a Deny statement that applies; an Allow whose condition cannot be decided is not one.
  const tagged: Stmt = {
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::data/*',
    Condition: { StringEquals: { 's3:ExistingObjectTag/team': 'blue' } }, // not in the record: unknown
  };
  const world = (bucketPolicy: Stmt[], identity: Stmt[]): WorldSpec => ({
    roles: [{ account: A, name: 'Reader', statements: identity }],
    buckets: { data: { account: A, policy: bucketPolicy, objects: { 'k.csv': {} } } },
  });
  const ids = (f: ReturnType<typeof explain>['finding']) => f.rootCauses.map((c) => c.id);
  const check = (f: ReturnType<typeof explain>['finding'], id: string) =>
    f.checks.find((c) => c.layer === id)?.status;

  it('bucket policy with only an undecidable Allow: bucket-policy-explicit-deny is not even possible', () => {
    const { finding } = explain(world([{ ...tagged, Principal: { AWS: roleArn(A, 'Reader') } }], []), {
      account: A,
      role: 'Reader',
      bucket: 'data',
    });
    expect(ids(finding)).not.toContain('bucket-policy-explicit-deny');
    expect(check(finding, 'bucket-policy-explicit-deny')).toBe('pass');
  });

  it('identity policy with only an undecidable Allow: identity-policy-explicit-deny is not even possible', () => {
    const { finding } = explain(world([], [tagged]), { account: A, role: 'Reader', bucket: 'data' });
    expect(ids(finding)).not.toContain('identity-policy-explicit-deny');
    expect(check(finding, 'identity-policy-explicit-deny')).toBe('pass');
    expect(check(finding, 'identity-policy-no-allow')).toBe('unknown');
  });

  it('a Deny whose condition cannot be decided stays undecided: likely only by elimination (every other check passes), never confirmed', () => {
    const { finding } = explain(world([{ ...tagged, Effect: 'Deny', Principal: '*' }], [readAll]), {
      account: A,
      role: 'Reader',
      bucket: 'data',
    });
    expect(check(finding, 'bucket-policy-explicit-deny')).toBe('unknown');
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
      ['bucket-policy-explicit-deny', 'likely'],
    ]);
    expect(finding.verdict).toBe('partially-explained');
  });
});

describe('objects owned by another account: explain and simulate decide alike', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html: without BucketOwnerEnforced an
  // object uploaded by another account stays owned by it; the bucket owner's policies do not cover it, only its ACL.
  const world = (ownership: 'ObjectWriter' | 'BucketOwnerPreferred'): WorldSpec => ({
    roles: [{ account: A, name: 'Admin', statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }],
    buckets: { data: { account: A, ownership, objects: { 'k.csv': { owner: B } } } },
  });

  it.each(['ObjectWriter', 'BucketOwnerPreferred'] as const)(
    "%s: the bucket owner's role is denied the partner's object, by object ownership, in both",
    (ownership) => {
      const s = sim(world(ownership), { principal: roleArn(A, 'Admin') });
      expect(s.decision).toBe('implicitly-denied');
      expect(layer(s, 'object-ownership')?.result).toBe('implicitly-denied');
      // a record whose session policy the snapshot does not carry: the identity side is unknown, the object's
      // ownership still denies on its own
      const { finding, evaluations } = explain(world(ownership), {
        account: A,
        role: 'Admin',
        bucket: 'data',
        session: 'unrecorded',
      });
      expect(evaluations[0]?.result.layers.find((l) => l.layer === 'object-ownership')?.result).toBe(
        'implicitly-denied',
      );
      expect(finding.checks.find((c) => c.layer === 'object-ownership-acl')?.status).toBe('deny');
      expect(finding.rootCauses[0]?.id).toBe('object-ownership-acl');
    },
  );
});

describe('the AWS managed key aws/s3: the engine applies the rule its AWS-set key policy follows', () => {
  // https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key (AWS sets the key policy);
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html (cross-account: use a customer
  // managed key)
  const world: WorldSpec = {
    roles: [
      { account: A, name: 'Reader', statements: [readAll] },
      { account: B, name: 'Partner', statements: [readAll] },
    ],
    buckets: {
      data: {
        account: A,
        policy: [grantTo(roleArn(B, 'Partner'))],
        objects: { 'k.csv': { sse: 'aws:kms' } }, // no SSEKMSKeyId: aws/s3
      },
    },
  };

  it('a principal of the bucket account may use aws/s3 through S3 (no key facts needed)', () => {
    const s = sim(world, { principal: roleArn(A, 'Reader') });
    expect(s.decision).toBe('allowed');
    expect(layer(s, 'kms-key-policy')?.result).toBe('allowed');
  });

  it('a principal of another account may not, and kms-key-access says why', () => {
    const s = sim(world, { principal: roleArn(B, 'Partner') });
    expect(s.decision).toBe('implicitly-denied');
    expect(layer(s, 'kms-key-policy')).toMatchObject({ result: 'implicitly-denied' });
    expect(s.rootCauses[0]).toMatchObject({ id: 'kms-key-access' });
    expect(s.rootCauses[0]?.title).toMatch(/AWS managed key aws\/s3/);
  });
});
