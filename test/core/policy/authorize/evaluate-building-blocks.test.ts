/**
 * The policy-level building blocks of the request-level engine (lambdas/core/policy/s3/evaluate.ts), stated as
 * AWS behaviour and read through `authorize` (the layers a user sees) wherever the request can be built:
 *  - the guardrails: permissions boundary, session policy, VPC endpoint policy, and identity-based policies as a
 *    group. A guardrail lets a request through only when one of its statements allows it and none denies it.
 *    EVAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 *    BOUNDARY = https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 *    ("An explicit deny in any of these policies overrides the allow"; the effective permissions are the
 *    intersection of the identity-based policies and the boundary)
 *    SESSION = https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 *    VPCE = https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
 *    ("An endpoint policy does not override or replace identity-based policies or resource-based policies")
 *  - the organization levels: SCPs and RCPs at the root, each OU and the account.
 *    SCP = https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html
 *    ("For a permission to be allowed for a specific account, there must be an explicit Allow statement at every
 *    level from the root through each OU in the direct path to the account"; a Deny at any level denies)
 *    RCP = https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
 *    (RCPFullAWSAccess is attached at every level and cannot be detached: only a Deny restricts)
 * A condition on a key whose request value is unknown (the event did not record it) makes a statement one that
 * might match: the engine then says "unknown" rather than guessing either way.
 */
import { known, unknown, type NamedPolicy } from '../../../../lambdas/core/model';
import { authorize, authorizeReference } from '../../../../lambdas/core/policy/authorize';
import {
  allowTri,
  applyingStatements,
  denyTri,
  evaluate,
  guardrail,
} from '../../../../lambdas/core/policy/s3/evaluate';
import type {
  AuthorizationInput,
  AuthorizationResult,
  EngineRequest,
} from '../../../../lambdas/core/policy/types';
import {
  ACCT,
  BUCKET_ARN,
  OTHER,
  FULL_ACCESS,
  allow,
  deny,
  identity,
  input,
  layerOf,
  orgPath,
  policy,
  request,
  roleSession,
  type Stmt,
} from './fixtures';

const OBJ = `${BUCKET_ARN}/*`;
const BOUNDARY_ARN = `arn:aws:iam::${ACCT}:policy/Boundary`;
const boundary = (...s: Stmt[]): NamedPolicy => ({
  ...policy('Boundary', 'permissions-boundary', ...s),
  arn: BOUNDARY_ARN,
});
const sessionPolicy = (...s: Stmt[]): NamedPolicy => policy('SessionPolicy', 'session', ...s);
const endpointPolicy = (...s: Stmt[]): NamedPolicy => policy('vpce-1a2b3c4d', 'vpc-endpoint-policy', ...s);
const scp = (name: string, ...s: Stmt[]): NamedPolicy => policy(name, 'scp', ...s);
const rcp = (name: string, ...s: Stmt[]): NamedPolicy => policy(name, 'rcp', ...s);

/** aws:SourceVpce is not in the request: with otherKeys 'unknown' a condition on it might or might not match. */
const ifNotFromEndpoint = { Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } };
const ifTagged = { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } };

/** A role session reading an object of its own account; condition keys the request does not name are unknown. */
const getReq = (): EngineRequest => request(roleSession(), 's3:GetObject', `${BUCKET_ARN}/k`, {}, 'unknown');
const idAllowsGet = { identityPolicies: known([identity(allow('s3:GetObject', OBJ))]) };
const decide = (over: Partial<AuthorizationInput>, req: EngineRequest = getReq()): AuthorizationResult =>
  authorize(input(req, { ...idAllowsGet, ...over }));
const names = (r: AuthorizationResult, id: Parameters<typeof layerOf>[1]): string[] =>
  layerOf(r, id).policies.map((p) => p.policy.name);

describe('a guardrail needs an Allow and no Deny (EVAL, BOUNDARY)', () => {
  it('a permissions boundary Deny is an explicit deny, and the note names the Deny that matched, not the Allow before it', () => {
    const r = decide({
      permissionsBoundary: known(
        boundary(
          allow('s3:*', '*', { Sid: 'AllowS3' }),
          deny('s3:GetObject', '*', { Sid: 'MaybeNoGet', ...ifNotFromEndpoint }),
          deny('s3:GetObject', OBJ, { Sid: 'NoGet' }),
        ),
      ),
    });
    expect(r.decision).toBe('explicitly-denied');
    const l = layerOf(r, 'permissions-boundary');
    expect(l.result).toBe('explicitly-denied');
    expect(l.note).toBe('Boundary #3 (NoGet) denies s3:GetObject');
    expect(l.policies.map((p) => p.policy)).toEqual([
      { name: 'Boundary', arn: BOUNDARY_ARN, source: 'permissions-boundary' },
    ]);
    expect(l.policies[0]?.decision).toBe('deny');
    // the permission chain (identity policy, then boundary) grants nothing once the boundary denies
    expect(r.grant).toBe(false);
  });

  it('an explicit Deny in one identity-based policy lists that policy as the one that denies, not the policy that allows', () => {
    const r = decide({
      identityPolicies: known([
        identity(allow('s3:GetObject', OBJ)),
        policy('DenyReads', 'identity-inline', deny('s3:GetObject', '*', { Sid: 'NoReads' })),
      ]),
    });
    expect(r.decision).toBe('explicitly-denied');
    const l = layerOf(r, 'identity-policy');
    expect(l.result).toBe('explicitly-denied');
    expect(names(r, 'identity-policy')).toEqual(['DenyReads']);
    expect(l.note).toBe('DenyReads #1 (NoReads) denies s3:GetObject');
  });

  it('one identity-based policy that allows is enough: the others, which say nothing about the action, do not take it back', () => {
    const r = decide({
      identityPolicies: known([
        identity(allow('s3:GetObject', OBJ, { Sid: 'Read' })),
        policy('Ec2Admin', 'identity-managed', allow('ec2:*')),
        policy('OtherBucket', 'identity-inline', allow('s3:GetObject', 'arn:aws:s3:::other-bucket/*')),
      ]),
    });
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'identity-policy');
    expect(l.result).toBe('allowed');
    // the layer shows the policy that allows, and says which statement
    expect(names(r, 'identity-policy')).toEqual(['AppPolicy']);
    expect(l.note).toBe('AppPolicy #1 (Read) allows s3:GetObject');
    expect(l).not.toHaveProperty('denyPossible');
    expect(l).not.toHaveProperty('missing');
  });

  it('identity-based policies whose Deny might match are undecided, and the layer shows the policies that might still decide, not the one that is settled', () => {
    const r = decide({
      identityPolicies: known([
        identity(allow('s3:GetObject', OBJ)),
        policy('OnlyViaEndpoint', 'identity-inline', deny('s3:*', '*', ifNotFromEndpoint)),
        policy('TeamRead', 'identity-managed', allow('s3:GetObject', '*', ifTagged)),
      ]),
    });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'identity-policy');
    expect(l.result).toBe('unknown');
    expect(l.denyPossible).toBe(true);
    expect(names(r, 'identity-policy')).toEqual(['OnlyViaEndpoint', 'TeamRead']);
  });

  it('an explicit Deny in one identity-based policy decides, even when a later policy only might deny', () => {
    const r = decide({
      identityPolicies: known([
        policy('DenyReads', 'identity-inline', deny('s3:GetObject', '*', { Sid: 'NoReads' })),
        policy('OnlyViaEndpoint', 'identity-inline', deny('s3:*', '*', ifNotFromEndpoint)),
        identity(allow('s3:GetObject', OBJ)),
      ]),
    });
    expect(r.decision).toBe('explicitly-denied');
    expect(layerOf(r, 'identity-policy').result).toBe('explicitly-denied');
  });

  it('an identity-based policy that allows is enough, even when a later policy only might allow', () => {
    const r = decide({
      identityPolicies: known([
        identity(allow('s3:GetObject', OBJ)),
        policy('TeamRead', 'identity-managed', allow('s3:GetObject', '*', ifTagged)),
      ]),
    });
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'identity-policy').result).toBe('allowed');
  });

  it('an undecided layer names only the condition keys it lacked: not a key the request has, not those of a statement that cannot match anyway', () => {
    // statement 1 cannot match (the caller is not in account 444455556666), whatever aws:SourceVpce is;
    // statement 2 might match: aws:PrincipalAccount is known to match, aws:PrincipalTag/team is not recorded
    const b = boundary(
      allow('s3:GetObject', '*', {
        Sid: 'Partner',
        Condition: {
          StringEquals: { 'aws:PrincipalAccount': OTHER, 'aws:SourceVpce': 'vpce-1a2b3c4d' },
        },
      }),
      allow('s3:GetObject', '*', {
        Sid: 'Team',
        Condition: { StringEquals: { 'aws:PrincipalAccount': ACCT, 'aws:PrincipalTag/team': 'data' } },
      }),
    );
    const i = input(getReq(), { ...idAllowsGet, permissionsBoundary: known(b) });
    for (const r of [authorize(i), authorizeReference(i)]) {
      const l = layerOf(r, 'permissions-boundary');
      expect(l.result).toBe('unknown');
      expect(l.missing).toEqual(['condition key aws:PrincipalTag/team (Boundary #2 (Team))']);
    }
  });

  it('a session policy with no statement for the action implicitly denies, and shows the session policy it read', () => {
    const r = decide({ sessionPolicy: known(sessionPolicy(allow('s3:PutObject', OBJ))) });
    expect(r.decision).toBe('implicitly-denied');
    const l = layerOf(r, 'session-policy');
    expect(l.result).toBe('implicitly-denied');
    expect(l.note).toBe('no statement of the session policy allows s3:GetObject');
    expect(l.policies.map((p) => p.policy.name)).toEqual(['SessionPolicy']);
    expect(l.policies[0]?.decision).toBe('none');
  });

  it('a permissions boundary that allows the action and has a Deny that might match is undecided, never allowed', () => {
    const r = decide({
      permissionsBoundary: known(
        boundary(allow('s3:*'), deny('s3:GetObject', '*', { Sid: 'OnlyViaEndpoint', ...ifNotFromEndpoint })),
      ),
    });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'permissions-boundary');
    expect(l.result).toBe('unknown');
    expect(l.denyPossible).toBe(true);
    // its Allow matches for certain: only the Deny is open, so the layer is never "no Allow"
    expect(l.allowMatches).toBe(true);
    expect(l.note).toBe('the permissions boundary may or may not allow s3:GetObject');
    expect(l.missing).toEqual(['condition key aws:SourceVpce (Boundary #2 (OnlyViaEndpoint))']);
    expect(l.policies.map((p) => p.policy.name)).toEqual(['Boundary']);
  });

  it('a permissions boundary whose only Allow might match (a condition on an unknown key) is undecided, without a possible Deny', () => {
    const r = decide({
      permissionsBoundary: known(boundary(allow('s3:GetObject', '*', { Sid: 'Team', ...ifTagged }))),
    });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'permissions-boundary');
    expect(l.result).toBe('unknown');
    expect(l.denyPossible).toBe(false);
    expect(l).not.toHaveProperty('allowMatches');
    expect(l.missing).toEqual(['condition key aws:PrincipalTag/team (Boundary #1 (Team))']);
  });

  it('a permissions boundary with no Allow for the action implicitly denies, even when its Deny might also match', () => {
    // whether or not the Deny matches, nothing in the boundary allows s3:GetObject: denied either way (BOUNDARY)
    const b = boundary(
      allow('s3:PutObject', OBJ),
      deny('s3:GetObject', '*', { Sid: 'OnlyViaEndpoint', ...ifNotFromEndpoint }),
    );
    const r = decide({ permissionsBoundary: known(b) });
    expect(r.decision).toBe('implicitly-denied');
    const l = layerOf(r, 'permissions-boundary');
    expect(l.result).toBe('implicitly-denied');
    expect(l.note).toBe('no statement of the permissions boundary allows s3:GetObject');
  });

  it('the same holds when the boundary has an Allow for the action on another bucket (full traces, near misses included)', () => {
    const b = boundary(
      allow('s3:GetObject', 'arn:aws:s3:::other-bucket/*', { Sid: 'OtherBucket' }),
      deny('s3:GetObject', '*', { Sid: 'OnlyViaEndpoint', ...ifNotFromEndpoint }),
    );
    const i = input(getReq(), { ...idAllowsGet, permissionsBoundary: known(b) });
    const full = authorizeReference(i);
    expect(full.decision).toBe('implicitly-denied');
    expect(layerOf(full, 'permissions-boundary').result).toBe('implicitly-denied');
    expect(authorize(i)).toEqual(full);
  });

  it('a permissions boundary Deny for another bucket does not apply to this request (full traces, near misses included)', () => {
    const b = boundary(
      allow('s3:*'),
      deny('s3:GetObject', 'arn:aws:s3:::other-bucket/*', { Sid: 'NotThere' }),
    );
    const i = input(getReq(), { ...idAllowsGet, permissionsBoundary: known(b) });
    const full = authorizeReference(i);
    expect(full.decision).toBe('allowed');
    expect(layerOf(full, 'permissions-boundary').result).toBe('allowed');
    expect(authorize(i)).toEqual(full);
  });

  it('a permissions boundary whose Allow and Deny might both match is undecided, not implicitly denied', () => {
    const b = boundary(
      allow('s3:GetObject', '*', { Sid: 'Team', ...ifTagged }),
      deny('s3:GetObject', '*', { Sid: 'OnlyViaEndpoint', ...ifNotFromEndpoint }),
    );
    const i = input(getReq(), { ...idAllowsGet, permissionsBoundary: known(b) });
    for (const r of [authorize(i), authorizeReference(i)]) {
      expect(r.decision).toBe('unknown');
      const l = layerOf(r, 'permissions-boundary');
      expect(l.result).toBe('unknown');
      expect(l.denyPossible).toBe(true);
      expect(l.missing).toEqual([
        'condition key aws:PrincipalTag/team (Boundary #1 (Team))',
        'condition key aws:SourceVpce (Boundary #2 (OnlyViaEndpoint))',
      ]);
    }
  });

  it('a VPC endpoint policy must allow the request: without an Allow for the action the request is denied (VPCE)', () => {
    const r = decide({
      vpcEndpointPolicy: known(endpointPolicy(allow('s3:PutObject', '*', { Principal: '*' }))),
    });
    expect(r.decision).toBe('implicitly-denied');
    const l = layerOf(r, 'vpc-endpoint-policy');
    expect(l.result).toBe('implicitly-denied');
    expect(l.note).toBe('no statement of the VPC endpoint policy allows s3:GetObject');
  });

  it('a VPC endpoint policy that could not be read leaves the decision unknown and says which policy and why', () => {
    const r = decide({ vpcEndpointPolicy: unknown('accessDenied', undefined, 'ec2:DescribeVpcEndpoints') });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'vpc-endpoint-policy');
    expect(l.result).toBe('unknown');
    expect(l.missing).toEqual(['the VPC endpoint policy (accessDenied, needs ec2:DescribeVpcEndpoints)']);
    expect(l.note).toBe(
      'could not read the VPC endpoint policy (accessDenied, needs ec2:DescribeVpcEndpoints)',
    );
    expect(l.policies).toEqual([]);
    expect(l.denyPossible).toBe(true);
  });

  it("a VPC endpoint policy that names a role cannot tell whether the bucket owner's copy of a cross-account call (account only, no ARN) is that role", () => {
    const partner = { type: 'AWSAccount' as const, arn: null, identityArn: null, accountId: OTHER };
    const role = `arn:aws:iam::${OTHER}:role/Partner`;
    const r = decide(
      {
        vpcEndpointPolicy: known(
          endpointPolicy(allow('s3:GetObject', '*', { Sid: 'PartnerOnly', Principal: { AWS: role } })),
        ),
      },
      request(partner, 's3:GetObject', `${BUCKET_ARN}/k`),
    );
    const l = layerOf(r, 'vpc-endpoint-policy');
    expect(l.result).toBe('unknown');
    expect(l.missing).toEqual(['principal of vpce-1a2b3c4d #1 (PartnerOnly)']);
  });

  it('through an access point, RCPs that could not be read may hold a Deny', () => {
    const AP = `arn:aws:s3:us-east-1:${ACCT}:accesspoint/ap1`;
    const r = authorize(
      input(
        request(roleSession(), 's3:GetObject', `${AP}/object/k`, {
          's3:DataAccessPointArn': AP,
          's3:DataAccessPointAccount': ACCT,
        }),
        {
          identityPolicies: known([identity(allow('s3:GetObject', '*'))]),
          accessPoint: {
            bucketResource: `${BUCKET_ARN}/k`,
            networkOrigin: 'Internet',
            vpcId: null,
            sourceVpc: null,
          },
          accessPointPolicy: known(null),
          rcpLevels: unknown('accessDenied'),
        },
      ),
    );
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'rcp');
    expect(l.result).toBe('unknown');
    expect(l.denyPossible).toBe(true);
  });

  it('a request that did not go through a VPC endpoint has no endpoint policy to pass: the layer does not apply and shows no policy', () => {
    const r = decide({ vpcEndpointPolicy: null });
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'vpc-endpoint-policy');
    expect(l.result).toBe('not-applicable');
    expect(l.policies).toEqual([]);
    expect(l).not.toHaveProperty('denyPossible');
  });
});

describe('a policy that cannot be parsed decides nothing (EVAL)', () => {
  const broken = (): NamedPolicy => ({
    name: 'Boundary',
    arn: BOUNDARY_ARN,
    source: 'permissions-boundary',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 's3:*', Resource: '*' }] },
  });

  it('a permissions boundary that cannot be parsed leaves the decision unknown: it might hold a Deny, and the layer names the policy and the parse error', () => {
    const r = decide({ permissionsBoundary: known(broken()) });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'permissions-boundary');
    expect(l.result).toBe('unknown');
    expect(l.denyPossible).toBe(true);
    expect(l.missing).toHaveLength(1);
    expect(l.missing?.[0]).toMatch(/^policy Boundary: .*Effect must be "Allow" or "Deny"/);
    // shown as undecided, with its name and ARN, and no statement that decided
    expect(l.policies).toEqual([
      {
        policy: { name: 'Boundary', arn: BOUNDARY_ARN, source: 'permissions-boundary' },
        decision: 'unknown',
        statements: [],
      },
    ]);
  });

  it('an unparseable session policy without an ARN is shown by its name alone', () => {
    const bad = { ...broken(), name: 'SessionPolicy', source: 'session' as const, arn: undefined };
    delete (bad as { arn?: string }).arn;
    const l = layerOf(decide({ sessionPolicy: known(bad) }), 'session-policy');
    expect(l.result).toBe('unknown');
    expect(l.policies.map((p) => p.policy)).toEqual([{ name: 'SessionPolicy', source: 'session' }]);
  });

  it('an SCP that cannot be parsed leaves its level undecided', () => {
    const bad = { ...broken(), name: 'BrokenScp', source: 'scp' as const };
    const r = decide({ scpLevels: known(orgPath('scp', { 1: [FULL_ACCESS('scp'), bad] })) });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'scp');
    expect(l.result).toBe('unknown');
    expect(l.denyPossible).toBe(true);
    expect(l.missing?.[0]).toMatch(/^policy BrokenScp: /);
  });

  it('a policy the evaluator failed on neither allows nor denies: the guardrail is undecided and says what it lacked', () => {
    // evaluation never throws: a failure gives an unknown evaluation (lambdas/core/policy/evaluate-policy.ts)
    const bad = { ...getReq(), action: 5 } as unknown as EngineRequest;
    const e = evaluate(boundary(allow('s3:*')), bad);
    expect(denyTri(e)).toBe('unknown');
    expect(allowTri(e)).toBe('unknown');
    const calc = guardrail('permissions-boundary', [e], 'permissions boundary', 's3:GetObject');
    expect(calc.permit).toBe('unknown');
    expect(calc.result.result).toBe('unknown');
    expect(calc.result.missing).toEqual([
      'a fact the layer needs (the permissions boundary may or may not allow s3:GetObject)',
    ]);
  });
});

describe('SCPs: every level of the organization path must allow; a Deny at any level denies (SCP)', () => {
  const denyS3 = scp('DenyS3', deny('s3:*', '*', { Sid: 'NoS3' }));

  it('an SCP Deny at an OU is an explicit deny; the layer names the SCP, its statement and the level', () => {
    const r = decide({ scpLevels: known(orgPath('scp', { 1: [FULL_ACCESS('scp'), denyS3] })) });
    expect(r.decision).toBe('explicitly-denied');
    const l = layerOf(r, 'scp');
    expect(l.result).toBe('explicitly-denied');
    expect(l.note).toBe('SCP DenyS3 #1 (NoS3) at ou-abcd-11111111 denies s3:GetObject');
    expect(l.policies.map((p) => p.policy.name)).toEqual(['DenyS3']);
  });

  it('a level whose SCPs do not allow the action implicitly denies, even when the other levels allow everything', () => {
    const ec2Only = scp('Ec2Only', allow('ec2:*'));
    const r = decide({ scpLevels: known(orgPath('scp', { 2: [ec2Only] })) });
    expect(r.decision).toBe('implicitly-denied');
    const l = layerOf(r, 'scp');
    expect(l.result).toBe('implicitly-denied');
    expect(l.note).toBe(`no SCP at ${ACCT} allows s3:GetObject (each level must allow)`);
    expect(l.policies.map((p) => p.policy.name)).toEqual(['Ec2Only']);
  });

  it('an SCP Deny that might match leaves the layer undecided, says a Deny is possible and names the level', () => {
    const maybe = scp('OnlyViaEndpoint', deny('s3:*', '*', { Sid: 'Vpce', ...ifNotFromEndpoint }));
    const r = decide({ scpLevels: known(orgPath('scp', { 0: [FULL_ACCESS('scp'), maybe] })) });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'scp');
    expect(l.result).toBe('unknown');
    expect(l.denyPossible).toBe(true);
    expect(l.note).toBe('SCPs at r-root may not allow s3:GetObject');
    expect(l.missing).toEqual(['condition key aws:SourceVpce (OnlyViaEndpoint #1 (Vpce))']);
    expect(l.policies.map((p) => p.policy.name)).toEqual(['FullAWSAccess', 'OnlyViaEndpoint']);
  });

  it('SCP Denies that might match at two levels: the note names both levels', () => {
    const maybe = scp('OnlyViaEndpoint', deny('s3:*', '*', ifNotFromEndpoint));
    const r = decide({
      scpLevels: known(orgPath('scp', { 0: [FULL_ACCESS('scp'), maybe], 2: [FULL_ACCESS('scp'), maybe] })),
    });
    expect(layerOf(r, 'scp').note).toBe(`SCPs at r-root, ${ACCT} may not allow s3:GetObject`);
  });

  it('an SCP Allow that might match leaves the layer undecided without a possible Deny', () => {
    const team = scp('TeamOnly', allow('s3:*', '*', { Sid: 'Team', ...ifTagged }));
    const r = decide({ scpLevels: known(orgPath('scp', { 2: [team] })) });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'scp');
    expect(l.result).toBe('unknown');
    expect(l.denyPossible).toBe(false);
    expect(l.note).toBe(`SCPs at ${ACCT} may not allow s3:GetObject`);
  });

  it('SCPs that allow at every level allow; the layer shows the allowing SCPs and the path', () => {
    const r = decide({ scpLevels: known(orgPath('scp')) });
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'scp');
    expect(l.result).toBe('allowed');
    expect(l.note).toBe(`SCPs allow s3:GetObject at every level (r-root > ou-abcd-11111111 > ${ACCT})`);
    expect(l.policies.map((p) => p.policy.name)).toEqual(['FullAWSAccess', 'FullAWSAccess', 'FullAWSAccess']);
  });

  it('a level with no SCP listed restricts nothing (SCPs not enabled there), and the note says which level', () => {
    const r = decide({ scpLevels: known(orgPath('scp', { 1: [] })) });
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'scp');
    expect(l.result).toBe('allowed');
    expect(l.note).toBe(
      `SCPs allow s3:GetObject at every level (r-root > ou-abcd-11111111 > ${ACCT}); no SCP listed at ou-abcd-11111111 (SCPs not enabled there)`,
    );
  });

  it('two levels with no SCP listed are both named', () => {
    const r = decide({ scpLevels: known(orgPath('scp', { 0: [], 1: [] })) });
    expect(layerOf(r, 'scp').note).toBe(
      `SCPs allow s3:GetObject at every level (r-root > ou-abcd-11111111 > ${ACCT}); no SCP listed at r-root, ou-abcd-11111111 (SCPs not enabled there)`,
    );
  });

  it('with no SCP listed at any level SCPs are not enabled: the layer does not apply', () => {
    const r = decide({ scpLevels: known(orgPath('scp', { 0: [], 1: [], 2: [] })) });
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'scp');
    expect(l.result).toBe('not-applicable');
    expect(l.note).toBe(
      `no SCP is listed on the path (r-root > ou-abcd-11111111 > ${ACCT}): SCPs are not enabled`,
    );
  });

  it('SCPs that could not be read: the layer says what it could not read', () => {
    const r = decide({
      scpLevels: unknown('accessDenied', undefined, 'organizations:ListPoliciesForTarget'),
    });
    const l = layerOf(r, 'scp');
    expect(l.result).toBe('unknown');
    expect(l.missing).toEqual([
      "the SCPs on the caller's organization path (accessDenied, needs organizations:ListPoliciesForTarget)",
    ]);
  });
});

describe('RCPs: RCPFullAWSAccess allows at every level; only a Deny restricts (RCP)', () => {
  const denyS3 = rcp('DenyS3', deny('s3:*', '*', { Sid: 'NoS3', Principal: '*' }));

  it('an RCP Deny at the account is an explicit deny; the layer names the RCP, its statement and the level', () => {
    const r = decide({ rcpLevels: known(orgPath('rcp', { 2: [FULL_ACCESS('rcp'), denyS3] })) });
    expect(r.decision).toBe('explicitly-denied');
    const l = layerOf(r, 'rcp');
    expect(l.result).toBe('explicitly-denied');
    expect(l.note).toBe(`RCP DenyS3 #1 (NoS3) at ${ACCT} denies s3:GetObject`);
    expect(l.policies.map((p) => p.policy.name)).toEqual(['DenyS3']);
  });

  it('a level whose listed RCPs only deny other actions still allows (RCPFullAWSAccess cannot be detached)', () => {
    const denyEc2 = rcp('DenyEc2', deny('ec2:*', '*', { Principal: '*' }));
    const r = decide({ rcpLevels: known(orgPath('rcp', { 1: [denyEc2] })) });
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'rcp');
    expect(l.result).toBe('allowed');
    expect(l.note).toBe(
      `no RCP denies s3:GetObject (RCPFullAWSAccess allows at every level: r-root > ou-abcd-11111111 > ${ACCT})`,
    );
  });

  it('an RCP Deny that might match leaves the layer undecided and says the RCPs may deny', () => {
    const maybe = rcp('OnlyViaEndpoint', deny('s3:*', '*', { Principal: '*', ...ifNotFromEndpoint }));
    const r = decide({ rcpLevels: known(orgPath('rcp', { 1: [FULL_ACCESS('rcp'), maybe] })) });
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'rcp');
    expect(l.result).toBe('unknown');
    expect(l.denyPossible).toBe(true);
    expect(l.note).toBe('RCPs at ou-abcd-11111111 may deny s3:GetObject');
  });

  it('with no RCP listed at any level nothing beyond RCPFullAWSAccess restricts the resource', () => {
    const r = decide({ rcpLevels: known(orgPath('rcp', { 0: [], 1: [], 2: [] })) });
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'rcp');
    expect(l.result).toBe('not-applicable');
    expect(l.note).toBe(
      `no RCP is listed on the path (r-root > ou-abcd-11111111 > ${ACCT}): nothing beyond RCPFullAWSAccess restricts the resource`,
    );
  });
});

describe('the statements a layer shows', () => {
  // a boundary with a near miss (an Allow for the action on another bucket) and the Deny that decides
  const b = boundary(
    allow('s3:GetObject', 'arn:aws:s3:::other-bucket/*', { Sid: 'OtherBucket' }),
    deny('s3:GetObject', OBJ, { Sid: 'MaybeNoGet', ...ifNotFromEndpoint }),
    deny('s3:GetObject', OBJ, { Sid: 'NoGet' }),
  );
  const i = (): AuthorizationInput => input(getReq(), { ...idAllowsGet, permissionsBoundary: known(b) });

  it('the explanation of a layer lists every statement for the action, near misses included, and names the policy', () => {
    const shown = layerOf(authorize(i()), 'permissions-boundary').policies[0];
    const json = JSON.parse(JSON.stringify(shown)) as {
      policy: { name: string };
      decision: string;
      statements: { sid: string; matched: unknown }[];
    };
    expect(json.policy.name).toBe('Boundary');
    expect(json.decision).toBe('deny');
    expect(json.statements.map((s) => [s.sid, s.matched])).toEqual([
      ['OtherBucket', false],
      ['MaybeNoGet', 'unknown'],
      ['NoGet', true],
    ]);
  });

  it('the statements that decided or could decide leave the near misses out (what a batch simulation shows)', () => {
    for (const r of [authorize(i()), authorizeReference(i())]) {
      const shown = layerOf(r, 'permissions-boundary').policies[0]!;
      expect(applyingStatements(shown).map((s) => s.sid)).toEqual(['MaybeNoGet', 'NoGet']);
    }
  });

  it('a lazily traced evaluation is a plain object: policy, decision and statements, nothing hidden that a copy or a comparison would see', () => {
    const fast = layerOf(authorize(i()), 'permissions-boundary').policies[0]!;
    const reference = layerOf(authorizeReference(i()), 'permissions-boundary').policies[0]!;
    expect(Object.getPrototypeOf(fast)).toBe(Object.prototype);
    expect(Object.keys(fast)).toEqual(['policy', 'decision', 'statements']);
    expect(Object.getOwnPropertySymbols(fast)).toEqual([]);
    expect(fast.statements).toBe(fast.statements); // traced once, on first read
    expect({ ...fast }).toStrictEqual({ ...reference });
    expect(structuredClone(fast)).toStrictEqual(structuredClone(reference));
    // a copy is a plain evaluation: its statements are all of them, so nothing to leave out is known
    expect(applyingStatements({ ...fast }).map((s) => s.sid)).toEqual(['MaybeNoGet', 'NoGet']);
  });

  it('a session policy whose statements for the action all name another bucket implicitly denies, and shows none that decided', () => {
    const other = sessionPolicy(allow('s3:GetObject', 'arn:aws:s3:::other-bucket/*', { Sid: 'OtherBucket' }));
    const i = input(getReq(), { ...idAllowsGet, sessionPolicy: known(other) });
    for (const r of [authorize(i), authorizeReference(i)]) {
      expect(r.decision).toBe('implicitly-denied');
      expect(layerOf(r, 'session-policy').result).toBe('implicitly-denied');
      const shown = layerOf(r, 'session-policy').policies[0]!;
      expect(shown.statements.map((s) => s.sid)).toEqual(['OtherBucket']);
      expect(applyingStatements(shown)).toEqual([]);
    }
  });
});
