/**
 * The KMS call S3 makes with the caller's credentials to read or write an SSE-KMS object is a forward access session
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html, whose example it is): "The
 * aws:ViaAWSService condition key value is set to true whenever a FAS request is made"; aws:CalledVia,
 * aws:CalledViaFirst and aws:CalledViaLast "are populated with the service principal of the service that initiated the
 * FAS call"; "When a FAS request is made after an initial request is made through a VPC endpoint, the condition key
 * values for aws:SourceVpce, aws:SourceVpc, and aws:VpcSourceIp from the initial request are not used in FAS requests
 * ... When a FAS request is made after an initial request is received by a public AWS service endpoint, subsequent FAS
 * requests will be made with the same aws:SourceIP condition key value." So a key policy that denies unless the call
 * came through the caller's VPC endpoint refuses every SSE-KMS read through that endpoint
 * (lambdas/core/fix/context.ts forwardedRequest, used by fix/input.ts buildKmsInput).
 */
import { simulate, type SimulationRequest } from '../../../lambdas/core/simulate';
import { forwardedRequest } from '../../../lambdas/core/fix/context';
import type { AccessRequest } from '../../../lambdas/core/model';
import { causeOf, explain } from '../checkers/helpers';
import { A, customerKey, OU_A, recordFor, roleArn, type Stmt, viewOf, type WorldSpec } from '../world';

const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const VPCE = 'vpce-0a1b2c3d4e5f60001';
const OFFICE = '203.0.113.0/24';
const now = new Date('2026-11-20T10:00:00Z');

const world = (...keyStatements: Stmt[]): WorldSpec => ({
  roles: [
    {
      account: A,
      name: 'Reader',
      statements: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
      ],
    },
  ],
  buckets: {
    data: {
      account: A,
      encryption: { algorithm: 'aws:kms', key: KEY },
      objects: { 'k.csv': { sse: 'aws:kms', kmsKeyId: KEY } },
    },
  },
  vpcEndpoints: {
    [VPCE]: {
      VpcEndpointId: VPCE,
      VpcId: 'vpc-0app',
      OwnerId: A,
      ServiceName: 'com.amazonaws.us-east-1.s3',
      PolicyDocument: null,
    },
  },
  kmsKeys: {
    [KEY]: customerKey(
      {
        Sid: 'EnableRootAccess',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${A}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      ...keyStatements,
    ),
  },
});

const denyAll = (Sid: string, Condition: Record<string, unknown>): Stmt => ({
  Sid,
  Effect: 'Deny',
  Principal: '*',
  Action: 'kms:*',
  Resource: '*',
  Condition,
});

const read = (spec: WorldSpec, context: SimulationRequest['context']) => {
  const s = simulate(
    { principal: roleArn(A, 'Reader'), action: 's3:GetObject', resource: 'arn:aws:s3:::data/k.csv', context },
    viewOf(spec),
    { now },
  );
  return { decision: s.decision, key: s.layers.find((l) => l.layer === 'kms-key-policy')?.result };
};

describe('the KMS call S3 makes for an SSE-KMS read carries the keys of a forward access session', () => {
  it('a key policy that denies unless the call came through the VPC endpoint refuses a read through it: the call to KMS carries no aws:SourceVpce', () => {
    const spec = world(denyAll('OnlyThroughEndpoint', { StringNotEquals: { 'aws:SourceVpce': VPCE } }));
    expect(read(spec, { 'aws:SourceVpce': VPCE })).toEqual({
      decision: 'explicitly-denied',
      key: 'explicitly-denied',
    });
  });

  it("AWS's exception for such calls (aws:ViaAWSService) lets the read through", () => {
    const spec = world(
      denyAll('OnlyThroughEndpoint', {
        StringNotEquals: { 'aws:SourceVpce': VPCE },
        BoolIfExists: { 'aws:ViaAWSService': 'false' },
      }),
    );
    expect(read(spec, { 'aws:SourceVpce': VPCE })).toEqual({ decision: 'allowed', key: 'allowed' });
  });

  it("a Deny of calls not made through an AWS service lets S3's call through (aws:ViaAWSService is true)", () => {
    const spec = world(denyAll('OnlyThroughServices', { Bool: { 'aws:ViaAWSService': 'false' } }));
    expect(read(spec, { 'aws:SourceIp': '198.51.100.7' })).toEqual({ decision: 'allowed', key: 'allowed' });
  });

  it('aws:CalledVia names S3 for a direct read: a Deny of calls not via S3 lets it through', () => {
    const spec = world(
      denyAll('OnlyViaS3', { 'ForAllValues:StringNotEquals': { 'aws:CalledVia': 's3.amazonaws.com' } }),
    );
    expect(read(spec, { 'aws:SourceIp': '198.51.100.7' }).decision).toBe('allowed');
    const first = world(
      denyAll('FirstNotS3', { StringNotEquals: { 'aws:CalledViaFirst': 's3.amazonaws.com' } }),
    );
    expect(read(first, { 'aws:SourceIp': '198.51.100.7' }).decision).toBe('allowed');
  });

  it("aws:SourceIp carries over from a request over the internet: the office's reads pass an office-only key, others are refused", () => {
    const spec = world(denyAll('OfficeOnly', { NotIpAddress: { 'aws:SourceIp': OFFICE } }));
    expect(read(spec, { 'aws:SourceIp': '203.0.113.9' }).decision).toBe('allowed');
    expect(read(spec, { 'aws:SourceIp': '198.51.100.7' }).key).toBe('explicitly-denied');
  });

  it('after a request through an endpoint, the address the call to KMS carries is not known: unknown, never allowed', () => {
    const spec = world(denyAll('OfficeOnly', { NotIpAddress: { 'aws:SourceIp': OFFICE } }));
    expect(read(spec, { 'aws:SourceVpce': VPCE }).key).toBe('unknown');
  });
});

describe('explain: a key policy network Deny that refuses the call S3 makes to KMS', () => {
  const throughEndpoint = () => ({
    ...recordFor({ account: A, role: 'Reader', bucket: 'data', sourceIp: '10.0.1.2', vpcEndpointId: VPCE }),
    vpcEndpointAccountId: A,
  });

  it("names the key policy's statement and adds AWS's exception for forward access sessions, verified", () => {
    const deny = denyAll('OnlyThroughEndpoint', { StringNotEquals: { 'aws:SourceVpce': VPCE } });
    const c = causeOf(explain(throughEndpoint(), viewOf(world(deny))).finding, 'kms-key-access');
    expect(c.confidence).toBe('confirmed');
    expect(c.fix.summary).toBe(
      `S3 calls kms:Decrypt on ${KEY} with the caller's credentials (a forward access session: aws:ViaAWSService is true). ` +
        "That call carries none of the caller's VPC endpoint keys (aws:SourceVpce, aws:SourceVpc, aws:VpcSourceIp), so StringNotEquals on aws:SourceVpce in statement OnlyThroughEndpoint of the key policy refuses every SSE-KMS read and write the caller makes through a VPC endpoint. " +
        "Add AWS's exception for such calls to statement OnlyThroughEndpoint (BoolIfExists aws:ViaAWSService false, as AWS's data-perimeter policies do); the caller's own calls to KMS stay held to the network the statement names.",
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch).toEqual({
      layer: 'kms-key-policy',
      policy: KEY,
      statement: 'OnlyThroughEndpoint',
      replaceStatement: {
        ...deny,
        Condition: { ...(deny['Condition'] as object), BoolIfExists: { 'aws:ViaAWSService': 'false' } },
      },
    });
  });

  it('an SCP network perimeter without the exception lets the read through the endpoint but refuses the call to KMS: the SCP statement gets the exception, verified', () => {
    const perimeter: Stmt = {
      Sid: 'NetworkPerimeter',
      Effect: 'Deny',
      Action: ['s3:*', 'kms:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': VPCE } },
    };
    const spec = {
      ...world(),
      scps: [{ name: 'network-perimeter', targets: [OU_A], statements: [perimeter] }],
    };
    const { finding } = explain(throughEndpoint(), viewOf(spec));
    const c = finding.rootCauses[0]!;
    expect(c.id).toBe('kms-key-access');
    expect(c.fix.summary).toMatch(
      /^S3 calls kms:Decrypt on .* so StringNotEquals on aws:SourceVpce in statement NetworkPerimeter of a service control policy \(SCP\) refuses every SSE-KMS read and write the caller makes through a VPC endpoint\. /,
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'scp',
      statement: 'NetworkPerimeter',
      replaceStatement: { Condition: { BoolIfExists: { 'aws:ViaAWSService': 'false' } } },
    });
  });

  it("an address outside an office-only key is the caller's own (it carries over to KMS): no exception is proposed", () => {
    const deny = denyAll('OfficeOnly', { NotIpAddress: { 'aws:SourceIp': OFFICE } });
    const record = recordFor({ account: A, role: 'Reader', bucket: 'data', sourceIp: '198.51.100.7' });
    const c = causeOf(explain(record, viewOf(world(deny))).finding, 'kms-key-access');
    expect(c.fix.summary).not.toContain('aws:ViaAWSService');
  });
});

describe('forwardedRequest', () => {
  const request = (values: Record<string, string>, vpcEndpointId: string | null) =>
    ({
      vpcEndpointId,
      vpcEndpointAccountId: vpcEndpointId ? A : null,
      context: { values, absent: ['aws:SourceIp'], otherKeys: 'unknown' },
    }) as unknown as AccessRequest;

  it('drops the endpoint keys (absent), keeps the rest, and marks the call as made through S3', () => {
    const f = forwardedRequest(
      request(
        {
          'aws:SourceVpce': VPCE,
          'aws:VpcSourceIp': '10.0.0.5',
          'aws:ViaAWSService': 'false',
          's3:prefix': 'a/',
        },
        VPCE,
      ),
    );
    expect(f.vpcEndpointId).toBeNull();
    expect(f.context.values).toEqual({
      'aws:ViaAWSService': 'true',
      'aws:CalledVia': ['s3.amazonaws.com'],
      'aws:CalledViaFirst': 's3.amazonaws.com',
      'aws:CalledViaLast': 's3.amazonaws.com',
      's3:prefix': 'a/',
    });
    expect(f.context.absent).toEqual(
      expect.arrayContaining(['aws:SourceVpce', 'aws:SourceVpc', 'aws:VpcSourceIp']),
    );
    expect(f.context.absent).not.toContain('aws:SourceIp');
    expect(f.context.unknown).toEqual(['aws:SourceIp']);
  });

  it('after a call a service made for the caller (Athena), S3 is the last of a chain whose start is not known', () => {
    const f = forwardedRequest(
      request({ 'aws:ViaAWSService': 'true', 'aws:SourceIp': '198.51.100.7' }, null),
    );
    expect(f.context.values).toEqual({
      'aws:ViaAWSService': 'true',
      'aws:CalledViaLast': 's3.amazonaws.com',
      'aws:SourceIp': '198.51.100.7',
    });
    expect(f.context.unknown).toEqual(['aws:CalledVia', 'aws:CalledViaFirst']);
  });
});
