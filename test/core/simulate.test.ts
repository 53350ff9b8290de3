/**
 * simulate() on the small snapshot fixture (test/fixtures/snapshot/small.json). Expected decisions follow AWS's
 * policy evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import {
  hypothetical,
  parsePrincipal,
  simulate,
  SimulationInputError,
  type SimulationRequest,
} from '../../lambdas/core/simulate';
import { buildAuthorizationInput } from '../../lambdas/core/fix/input';

const A = '111122223333';
const APP = `arn:aws:iam::${A}:role/App`;
const Q3 = 'arn:aws:s3:::my-bucket/reports/q3.csv';
const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const now = new Date('2026-11-20T10:00:00Z');
const view = new SnapshotView(
  loadSnapshot(readFileSync(join(__dirname, '../fixtures/snapshot/small.json'), 'utf8'), 'small.json'),
);

const req = (
  principal: string,
  action: string,
  resource: string,
  context: SimulationRequest['context'] = {},
): SimulationRequest => ({ principal, action, resource, context });
const run = (r: SimulationRequest) => simulate(r, view, { now });

describe('simulate decisions', () => {
  it('allows a same-account read granted by identity policy, boundary and (for SSE-KMS) key policy + IAM', () => {
    const sim = run(req(APP, 's3:GetObject', Q3));
    expect(sim.decision).toBe('allowed');
    expect(sim.rootCauses).toEqual([]);
    const identity = sim.layers.find((l) => l.layer === 'identity-policy' && l.resource === Q3);
    expect(identity?.result).toBe('allowed');
    expect(
      identity?.statements.some((s) => s.sid === 'ReadReports' && s.matched === true && s.effect === 'Allow'),
    ).toBe(true);
    // the KMS call S3 makes for the caller is evaluated too, against the object's key
    expect(
      sim.layers.some((l) => l.layer === 'kms-key-policy' && l.resource === KEY && l.result === 'allowed'),
    ).toBe(true);
  });

  it('echoes the request as given (contract shape)', () => {
    const r = req(APP, 's3:GetObject', Q3, { 'aws:SourceIp': '198.51.100.7' });
    const sim = run(r);
    expect(sim.request).toEqual(r);
    expect(Object.keys(sim)).toEqual(['request', 'decision', 'layers', 'rootCauses']);
    for (const layer of sim.layers) {
      for (const s of layer.statements)
        expect(Object.keys(s)).toEqual(
          expect.arrayContaining(['sid', 'index', 'effect', 'matched', 'detail']),
        );
    }
  });

  it('explicitly denies by the bucket policy when aws:SourceIp is outside the office range, naming the statement', () => {
    const sim = run(
      req(APP, 's3:GetObject', 'arn:aws:s3:::my-bucket/private/x', { 'aws:SourceIp': '198.51.100.7' }),
    );
    expect(sim.decision).toBe('explicitly-denied');
    const bucket = sim.layers.find((l) => l.layer === 'bucket-policy');
    expect(bucket?.result).toBe('explicitly-denied');
    expect(bucket?.statements.find((s) => s.sid === 'DenyNonOfficeIPs')).toMatchObject({
      index: 2,
      effect: 'Deny',
      matched: true,
    });
    expect(sim.rootCauses[0]?.id).toBe('bucket-policy-explicit-deny');
  });

  it('allows the same request from the office range (NotIpAddress does not match)', () => {
    expect(
      run(req(APP, 's3:GetObject', 'arn:aws:s3:::my-bucket/private/x', { 'aws:SourceIp': '203.0.113.9' }))
        .decision,
    ).toBe('allowed');
  });

  it('defaults aws:SecureTransport to true, and denies with DenyInsecure when the caller says false (key names case-insensitive)', () => {
    expect(run(req(APP, 's3:GetObject', Q3)).decision).toBe('allowed');
    const sim = run(req(APP, 's3:GetObject', Q3, { 'aws:securetransport': 'false' }));
    expect(sim.decision).toBe('explicitly-denied');
    expect(
      sim.layers.find((l) => l.layer === 'bucket-policy')?.statements.find((s) => s.sid === 'DenyInsecure')
        ?.matched,
    ).toBe(true);
  });

  it('explicitly denies by an inline identity Deny', () => {
    const sim = run(req(APP, 's3:DeleteObject', Q3));
    expect(sim.decision).toBe('explicitly-denied');
    expect(sim.rootCauses[0]?.id).toBe('identity-policy-explicit-deny');
  });

  it('explicitly denies by an SCP on the OU level (SCPs must allow at every level)', () => {
    const sim = run(req(APP, 's3:DeleteBucket', 'arn:aws:s3:::no-policy-bucket'));
    expect(sim.decision).toBe('explicitly-denied');
    expect(sim.layers.find((l) => l.layer === 'scp')?.result).toBe('explicitly-denied');
    expect(sim.rootCauses.map((c) => c.id)).toContain('scp-deny');
  });

  it('shows a policy attached at every level of the organization path once, the note naming the levels', () => {
    // FullAWSAccess and RCPFullAWSAccess are attached at the root, the OU and the account: the same statement at
    // each level. SCPs must allow at every level; the note says that they do, and where.
    const sim = run(req(APP, 's3:GetObject', Q3));
    for (const [layer, policy] of [
      ['scp', 'FullAWSAccess'],
      ['rcp', 'RCPFullAWSAccess'],
    ] as const) {
      const l = sim.layers.find((x) => x.layer === layer && x.resource === Q3);
      expect(l?.result).toBe('allowed');
      expect(l?.statements.map((s) => [s.policy, s.index, s.matched])).toEqual([[policy, 1, true]]);
      expect(l?.note).toContain('r-ab12 > ou-ab12-cdef3456 > 111122223333');
    }
  });

  it("denies a user whose group policies allow S3 but who may not use the object's KMS key", () => {
    const sim = run(req(`arn:aws:iam::${A}:user/alice`, 's3:GetObject', Q3));
    expect(sim.decision).toBe('implicitly-denied');
    expect(sim.layers.find((l) => l.layer === 'identity-policy' && l.resource === Q3)?.result).toBe(
      'allowed',
    );
    expect(sim.rootCauses[0]?.id).toBe('kms-key-access');
  });

  it('applies a session policy the snapshot carries (sessions extension)', () => {
    const sim = run(req(`arn:aws:sts::${A}:assumed-role/App/restricted`, 's3:GetObject', Q3));
    expect(sim.decision).toBe('implicitly-denied');
    expect(sim.rootCauses.map((c) => c.id)).toContain('session-policy');
  });

  it('denies through a VPC endpoint whose policy does not cover the bucket', () => {
    const sim = run(
      req(APP, 's3:GetObject', 'arn:aws:s3:::no-policy-bucket/a', { 'aws:SourceVpce': 'vpce-0abc123' }),
    );
    expect(sim.decision).toBe('implicitly-denied');
    expect(sim.layers.find((l) => l.layer === 'vpc-endpoint-policy')?.result).toBe('implicitly-denied');
    expect(sim.rootCauses[0]?.id).toBe('vpc-endpoint-policy');
    expect(
      run(req(APP, 's3:ListBucket', 'arn:aws:s3:::my-bucket', { 'aws:SourceVpce': 'vpce-0abc123' })).decision,
    ).toBe('allowed');
  });

  it('evaluates an access point request against the access point ARN, and its bucket policy against the bucket ARN', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
    const ap = `arn:aws:s3:us-east-1:${A}:accesspoint/reports/object/reports/q3.csv`;
    // "reports" has a VPC network origin (vpc-0123): from the internet S3 refuses it, whatever the policies say
    const internet = run(req(APP, 's3:GetObject', ap));
    expect(internet.decision).toBe('implicitly-denied');
    expect(internet.layers.find((l) => l.layer === 'access-point-policy')).toMatchObject({
      result: 'implicitly-denied',
      note: expect.stringMatching(/network origin is VPC/),
    });
    expect(internet.rootCauses[0]?.id).toBe('access-point-policy');
    // from the VPC, through an endpoint whose policy names only the bucket: the endpoint must allow both ARNs
    const vpc = run(req(APP, 's3:GetObject', ap, { 'aws:SourceVpce': 'vpce-0abc123' }));
    expect(vpc.decision).toBe('implicitly-denied');
    expect(vpc.layers.find((l) => l.layer === 'vpc-endpoint-policy')?.result).toBe('implicitly-denied');
    expect(vpc.layers.find((l) => l.layer === 'access-point-policy')?.result).toBe('allowed');
    // the bucket policy layer names the bucket ARN it was evaluated against, the others the access point ARN
    expect(vpc.layers.find((l) => l.layer === 'bucket-policy')?.resource).toBe(Q3);
    expect(vpc.layers.find((l) => l.layer === 'identity-policy')?.resource).toBe(ap);
  });

  it('says unknown (never allowed) when the principal is not in the snapshot, and names the missing fact', () => {
    const sim = run(req(`arn:aws:iam::${A}:role/Nope`, 's3:GetObject', Q3));
    expect(sim.decision).toBe('unknown');
    expect(sim.layers.find((l) => l.layer === 'identity-policy')?.result).toBe('unknown');
    // docs/CLI.md, Simulation: "missing" names each missing fact, only with an unknown decision
    expect(Object.keys(sim)).toEqual(['request', 'decision', 'missing', 'layers', 'rootCauses']);
    expect(sim.missing).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/identity-based policies of arn:aws:iam::111122223333:role\/Nope/),
      ]),
    );
  });

  it('a decided simulation carries no "missing"', () => {
    expect(run(req(APP, 's3:GetObject', Q3)).missing).toBeUndefined();
  });

  it('denies an anonymous caller the bucket policy does not grant', () => {
    expect(run(req('*', 's3:GetObject', Q3)).decision).toBe('implicitly-denied');
  });
});

describe('the hypothetical request', () => {
  it('fills the keys the snapshot determines: principal ARN, account, tags, org id and path, resource account', () => {
    // the keys are derived in one place for explain and simulate: the engine input
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
    const { request, facts } = hypothetical(req(APP, 's3:GetObject', Q3), view, now);
    const v = buildAuthorizationInput(request, request.needs[0]!, facts).request.context.values;
    expect(v['aws:PrincipalArn']).toBe(`arn:aws:iam::${A}:role/service/App`); // path from the snapshot
    expect(v['aws:PrincipalAccount']).toBe(A);
    expect(v['aws:PrincipalType']).toBe('AssumedRole');
    expect(v['aws:userid']).toBe('AROAAPPEXAMPLE0000001:s3-403-simulate');
    expect(v['aws:PrincipalTag/team']).toBe('reports');
    expect(v['aws:PrincipalOrgID']).toBe('o-exampleorg');
    // #condition-keys-principalorgpaths: "o-…/r-…/ou-…/", root first, multivalued
    expect(v['aws:PrincipalOrgPaths']).toEqual(['o-exampleorg/r-ab12/ou-ab12-cdef3456/']);
    expect(v['aws:ResourceOrgPaths']).toEqual(['o-exampleorg/r-ab12/ou-ab12-cdef3456/']);
    expect(v['aws:ResourceOrgID']).toBe('o-exampleorg');
    expect(v['aws:PrincipalIsAWSService']).toBe('false');
    expect(v['s3:ResourceAccount']).toBe(A);
    expect(v['aws:ResourceAccount']).toBe(A);
    expect(v['aws:SecureTransport']).toBe('true');
    expect(v['aws:CurrentTime']).toBe('2026-11-20T10:00:00Z');
    expect(request.context.otherKeys).toBe('absent');
    expect(request.crossAccount).toBe(false);
    expect(request.bucketAccountId).toBe(A);
  });

  it('lets the given context override a determined key, whatever its case, and keeps multi-valued keys', () => {
    const { request } = hypothetical(
      req(APP, 's3:GetObject', Q3, {
        'aws:principaltag/team': 'other',
        'aws:CalledVia': ['athena.amazonaws.com', 'glue.amazonaws.com'],
      }),
      view,
      now,
    );
    expect(request.context.values['aws:PrincipalTag/team']).toBeUndefined();
    expect(request.context.values['aws:principaltag/team']).toBe('other');
    expect(request.context.values['aws:CalledVia']).toEqual(['athena.amazonaws.com', 'glue.amazonaws.com']);
  });

  it('takes the source IP and VPC endpoint from the context', () => {
    const { request, facts } = hypothetical(
      req(APP, 's3:GetObject', Q3, { 'aws:SourceIp': '198.51.100.7', 'aws:SourceVpce': 'vpce-0abc123' }),
      view,
      now,
    );
    expect(request.sourceIp).toBe('198.51.100.7');
    expect(request.vpcEndpointId).toBe('vpce-0abc123');
    expect(facts.vpcEndpoint?.status).toBe('known');
  });

  it('marks a cross-account caller as such', () => {
    const { request } = hypothetical(
      req('arn:aws:iam::222222222222:role/Partner', 's3:GetObject', 'arn:aws:s3:::my-bucket/shared/a'),
      view,
      now,
    );
    expect(request.crossAccount).toBe(true);
  });

  it('simulates a role without a session policy unless the snapshot carries one', () => {
    expect(hypothetical(req(APP, 's3:GetObject', Q3), view, now).facts.sessionPolicy).toEqual({
      status: 'known',
      value: null,
    });
  });
});

describe('parsePrincipal', () => {
  it.each([
    [`arn:aws:iam::${A}:user/dev/bob`, 'IAMUser', `arn:aws:iam::${A}:user/dev/bob`],
    [APP, 'AssumedRole', APP],
    [`arn:aws:sts::${A}:assumed-role/App/s1`, 'AssumedRole', `arn:aws:iam::${A}:role/App`],
    [`arn:aws:iam::${A}:root`, 'Root', `arn:aws:iam::${A}:root`],
    [A, 'Root', `arn:aws:iam::${A}:root`],
    ['*', 'Anonymous', null],
    ['cloudtrail.amazonaws.com', 'AWSService', null],
  ])('%s is a %s with identity %s', (text, type, identityArn) => {
    const p = parsePrincipal(text);
    expect(p.type).toBe(type);
    expect(p.identityArn).toBe(identityArn);
  });
});

describe('unusable simulation requests', () => {
  it.each([
    [req('bob', 's3:GetObject', Q3), /principal "bob" is not/],
    [req(APP, 'GetObject', Q3), /action "GetObject" is not an S3 action/],
    [
      req(APP, 's3:GetObject', 'my-bucket/key'),
      /resource "my-bucket\/key" is not an S3 bucket, object or access point ARN/,
    ],
  ])('rejects %j with a SimulationInputError', (r, message) => {
    expect(() => run(r)).toThrow(SimulationInputError);
    expect(() => run(r)).toThrow(message);
  });
});
