/**
 * S3 authorization rules of issue 12, end to end (snapshot -> simulate / analyze), each case naming the AWS page
 * it follows. The unit-level cases live in test/core/policy/authorize/authorize.test.ts.
 */
import { analyze } from '../../lambdas/core/analyze';
import { simulate, type SimulationRequest } from '../../lambdas/core/simulate';
import { A, B, C, OU_A, OU_B, ORG, ROOT, roleArn, viewOf, type Stmt, type WorldSpec } from './world';

const now = new Date('2026-11-20T10:00:00Z');
const sim = (spec: WorldSpec, r: Partial<SimulationRequest> & Pick<SimulationRequest, 'principal'>) =>
  simulate({ action: 's3:GetObject', resource: 'arn:aws:s3:::data/k.csv', context: {}, ...r }, viewOf(spec), {
    now,
  });
const layer = (s: ReturnType<typeof simulate>, id: string) => s.layers.find((l) => l.layer === id);
const readAll: Stmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' };
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

export { analyze };
