/**
 * Guardrail fixes (SCP, RCP, permissions boundary): the denying statement gets an aws:PrincipalArn exception for
 * this caller, or the layer that gives no Allow gets one scoped to this action and resource. Each fix is applied to
 * the world as the printed commands would, the same request explained again, and the cause is gone.
 *  - SCPs: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 *  - RCPs: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 *  - permissions boundaries: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
import type { RootCause, RootCauseId } from '../../../lambdas/core/model';
import { explain } from '../checkers/helpers';
import { A, OU_A, recordFor, roleArn, type Stmt, viewOf, type WorldSpec } from '../world';

const BUCKET = 'reports-bucket';
const OBJECT = `arn:aws:s3:::${BUCKET}/q3.csv`;
const APP = roleArn(A, 'AppRole');
const read: Stmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` };

function world(spec: Partial<WorldSpec>): WorldSpec {
  return {
    roles: [{ account: A, name: 'AppRole', statements: [read] }],
    buckets: { [BUCKET]: { account: A, objects: { 'q3.csv': {} } } },
    ...spec,
  };
}

const explainIn = (spec: WorldSpec) =>
  explain(recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv' }), viewOf(spec)).finding;

function causeIn(spec: WorldSpec, id: RootCauseId): RootCause {
  const found = explainIn(spec).rootCauses.find((c) => c.id === id);
  if (!found)
    throw new Error(
      `no ${id}: ${explainIn(spec)
        .rootCauses.map((c) => c.id)
        .join(', ')}`,
    );
  return found;
}
const ids = (spec: WorldSpec) => explainIn(spec).rootCauses.map((c) => c.id);

describe('a service control policy Deny', () => {
  const deny: Stmt = {
    Sid: 'DenyReports',
    Effect: 'Deny',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${BUCKET}/*`,
  };
  const spec = world({ scps: [{ name: 'DenyReports', targets: [OU_A], statements: [deny] }] });

  it('is fixed by an exception for this caller in that statement, verified, and the cause is gone once applied', () => {
    const cause = causeIn(spec, 'scp-deny');
    expect(cause.confidence).toBe('confirmed');
    expect(cause.title).toContain('DenyReports');
    expect(cause.fix.verified).toBe(true);
    expect(cause.fix.stillDeniedBy).toBeUndefined();
    expect(cause.fix.policyPatch).toMatchObject({ layer: 'scp', statement: 'DenyReports' });
    const changed = cause.fix.policyPatch!['replaceStatement'] as Stmt;
    expect(changed).toEqual({ ...deny, Condition: { ArnNotEquals: { 'aws:PrincipalArn': APP } } });
    expect(cause.fix.summary).toContain(`aws:PrincipalArn exception for ${APP} to statement DenyReports`);
    const fixed = world({ scps: [{ name: 'DenyReports', targets: [OU_A], statements: [changed] }] });
    expect(ids(fixed)).toEqual([]);
  });

  it('is read to scp.json with describe-policy and written back with update-policy, the same policy', () => {
    const [get, put] = causeIn(spec, 'scp-deny').fix.commands;
    const id = /--policy-id (\S+)/.exec(get!)?.[1];
    expect(id).toMatch(/DenyReports/);
    expect(get).toBe(
      `aws organizations describe-policy --policy-id ${id} --query Policy.Content --output text > scp.json`,
    );
    expect(put).toBe(`aws organizations update-policy --policy-id ${id} --content file://scp.json`);
  });

  it('the evidence names the statement and the policy', () => {
    const cause = causeIn(spec, 'scp-deny');
    expect(cause.evidence).toContainEqual(
      expect.objectContaining({ layer: 'scp', statement: 'DenyReports' }),
    );
    expect(cause.explanation).toContain('Statement DenyReports of the service control policy is a Deny');
  });

  it('a Deny on the network address first advises calling from an address the statement allows', () => {
    const office: Stmt = { ...deny, Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } };
    const s = world({ scps: [{ name: 'OfficeOnly', targets: [OU_A], statements: [office] }] });
    const cause = causeIn(s, 'scp-deny');
    expect(cause.fix.summary).toMatch(
      /^To stay within the policy, send the request from a network address the statement allows \(.*\); or add an aws:PrincipalArn exception/,
    );
    expect(cause.fix.verified).toBe(true);
  });
});

describe('a resource control policy Deny (it names principals: Principal "*")', () => {
  const deny: Stmt = {
    Sid: 'DenyOutsideReads',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${BUCKET}/*`,
  };
  const spec = world({ rcps: [{ name: 'DenyOutsideReads', targets: [A], statements: [deny] }] });

  it('gets the exception, verified, written back with rcp.json', () => {
    const cause = causeIn(spec, 'rcp-deny');
    const changed = cause.fix.policyPatch!['replaceStatement'] as Stmt;
    expect(changed['Condition']).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': APP } });
    expect(cause.fix.verified).toBe(true);
    expect(cause.fix.commands[0]).toMatch(/describe-policy --policy-id \S*DenyOutsideReads .* > rcp\.json$/);
    expect(cause.fix.commands[1]).toMatch(
      /update-policy --policy-id \S*DenyOutsideReads --content file:\/\/rcp\.json$/,
    );
    expect(ids(world({ rcps: [{ name: 'DenyOutsideReads', targets: [A], statements: [changed] }] }))).toEqual(
      [],
    );
  });
});

describe('a permissions boundary', () => {
  const BOUNDARY = `arn:aws:iam::${A}:policy/AppRole-boundary`;

  it('that allows nothing of S3 gets an Allow for exactly this action and object, verified', () => {
    const spec = world({
      roles: [
        {
          account: A,
          name: 'AppRole',
          statements: [read],
          boundary: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
        },
      ],
    });
    const cause = causeIn(spec, 'permissions-boundary');
    const added = cause.fix.policyPatch!['addStatement'] as Stmt;
    expect(added).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECT });
    // a boundary is an identity-side policy: no Principal element
    expect(added).not.toHaveProperty('Principal');
    expect(cause.fix.policyPatch!['policy']).toBe(BOUNDARY);
    expect(cause.fix.verified).toBe(true);
    expect(cause.title).toBe(`The permissions boundary ${BOUNDARY} does not allow s3:GetObject on ${OBJECT}`);
    expect(cause.fix.summary).toContain(`Add an Allow for s3:GetObject on ${OBJECT}`);
    expect(cause.fix.commands.join('\n')).toContain(`create-policy-version --policy-arn ${BOUNDARY}`);
    const fixed = world({
      roles: [
        {
          account: A,
          name: 'AppRole',
          statements: [read],
          boundary: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }, added],
        },
      ],
    });
    expect(ids(fixed)).toEqual([]);
  });

  it('with a Deny gets the exception for this role', () => {
    const deny: Stmt = { Sid: 'NoReports', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' };
    const spec = world({
      roles: [
        {
          account: A,
          name: 'AppRole',
          statements: [read],
          boundary: [{ Effect: 'Allow', Action: '*', Resource: '*' }, deny],
        },
      ],
    });
    const cause = causeIn(spec, 'permissions-boundary');
    expect(cause.fix.policyPatch).toMatchObject({ policy: BOUNDARY, statement: 'NoReports' });
    expect(cause.fix.verified).toBe(true);
  });
});
