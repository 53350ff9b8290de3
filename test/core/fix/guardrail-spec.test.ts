/**
 * The guardrail fix as each layer's checker asks for it (access point policy, VPC endpoint policy, session policy,
 * SCP, RCP): which policy is patched, whether the added Allow names the principal, when the fix is verified, and what
 * the fix says when the denying statement or the caller's identity is not known.
 *  - access point policies (a resource policy: in the same account the identity policy may grant on its own):
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
 *  - VPC endpoint policies (a resource policy naming principals):
 *    https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
 *  - SCPs (every level of the path must allow): https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 *  - creating and attaching an organization policy: https://docs.aws.amazon.com/cli/latest/reference/organizations/create-policy.html
 */
import { analyze, evaluateNeeds } from '../../../lambdas/core/analyze';
import type { CheckerInput } from '../../../lambdas/core/checkers/types';
import { guardrailDeny, type GuardrailSpec } from '../../../lambdas/core/fix/guardrail';
import { viewLayer } from '../../../lambdas/core/fix/layer-check';
import { orgTarget } from '../../../lambdas/core/fix/org';
import type {
  AccessRequest,
  OrgLevel,
  RequestFacts,
  RootCause,
  RootCauseId,
} from '../../../lambdas/core/model';
import { known } from '../../../lambdas/core/model';
import type { AuthorizationInput, LayerId } from '../../../lambdas/core/policy/types';
import { explain } from '../checkers/helpers';
import { A, recordFor, roleArn, type Stmt, viewOf, type WorldSpec } from '../world';

const BUCKET = 'reports-bucket';
const OBJECT = `arn:aws:s3:::${BUCKET}/q3.csv`;
const APP = roleArn(A, 'AppRole');
const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/reports-ap`;
const VPCE = 'vpce-0abc';
const read: Stmt = {
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: [`arn:aws:s3:::${BUCKET}/*`, `${AP}/object/*`],
};

function world(spec: Partial<WorldSpec>): WorldSpec {
  return {
    roles: [{ account: A, name: 'AppRole', statements: [read] }],
    buckets: { [BUCKET]: { account: A, objects: { 'q3.csv': {} } } },
    ...spec,
  };
}

function explainIn(spec: WorldSpec, over: { accessPoint?: string; vpcEndpointId?: string } = {}) {
  return explain(
    recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv', ...over }),
    viewOf(spec),
  );
}

function causeOf(finding: { rootCauses: readonly RootCause[] }, id: RootCauseId): RootCause {
  const found = finding.rootCauses.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id}: ${finding.rootCauses.map((c) => c.id).join(', ')}`);
  return found;
}

/** The checker input and the layer view of a denial, to call guardrailDeny with a spec of the test's own. */
function denialIn(request: AccessRequest, facts: RequestFacts, layer: LayerId) {
  const evaluations = evaluateNeeds(request, facts);
  const view = viewLayer(evaluations, layer, { implicitDenies: true });
  if (view.kind !== 'deny') throw new Error(`${layer} does not deny: ${view.kind}`);
  const input: CheckerInput = { request, facts, evaluations };
  return { input, view };
}

describe('an access point policy Deny', () => {
  const deny: Stmt = {
    Sid: 'NoReads',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `${AP}/object/*`,
  };
  const spec = (statements: Stmt[]) =>
    world({
      accessPoints: {
        [AP]: {
          Name: 'reports-ap',
          Bucket: BUCKET,
          NetworkOrigin: 'Internet',
          Policy: { Version: '2012-10-17', Statement: statements },
        },
      },
    });

  it("is fixed by the caller's exception alone when its own identity policy grants (the access point need not allow)", () => {
    const { finding } = explainIn(spec([deny]), { accessPoint: AP });
    const cause = causeOf(finding, 'access-point-policy');
    expect(cause.title).toBe(
      'The access point policy of reports-ap explicitly denies s3:GetObject (statement NoReads)',
    );
    const changed = cause.fix.policyPatch!['replaceStatement'] as Stmt;
    expect(changed).toEqual({ ...deny, Condition: { ArnNotEquals: { 'aws:PrincipalArn': APP } } });
    expect(cause.fix.policyPatch).toMatchObject({ layer: 'access-point-policy', statement: 'NoReads' });
    expect(cause.fix.verified).toBe(true);
    expect(explainIn(spec([changed]), { accessPoint: AP }).finding.rootCauses.map((c) => c.id)).toEqual([]);
  });
});

describe('a permissions boundary that only denies', () => {
  // the boundary must also allow: an exception to its Deny alone leaves the action outside the boundary
  const deny: Stmt = { Sid: 'NoReports', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' };
  const spec = world({ roles: [{ account: A, name: 'AppRole', statements: [read], boundary: [deny] }] });

  it('is given the exception and the Allow it then lacks, and the two together are verified', () => {
    const cause = causeOf(explainIn(spec).finding, 'permissions-boundary');
    expect(cause.fix.policyPatch).toMatchObject({
      statement: 'NoReports',
      replaceStatement: { ...deny, Condition: { ArnNotEquals: { 'aws:PrincipalArn': APP } } },
      // a boundary is an identity-side policy: no Principal element
      addStatement: { Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECT },
    });
    expect(cause.fix.policyPatch!['addStatement']).not.toHaveProperty('Principal');
    expect(cause.fix.summary).toContain(
      `, and an Allow for s3:GetObject on ${OBJECT} (without it the permissions boundary`,
    );
    expect(cause.fix.verified).toBe(true);
    expect(cause.fix.stillDeniedBy).toBeUndefined();
  });

  it('the exception alone is not enough: with it, the boundary still allows nothing', () => {
    const exempted: Stmt = { ...deny, Condition: { ArnNotEquals: { 'aws:PrincipalArn': APP } } };
    const alone = world({
      roles: [{ account: A, name: 'AppRole', statements: [read], boundary: [exempted] }],
    });
    expect(explainIn(alone).finding.rootCauses.map((c) => c.id)).toEqual(['permissions-boundary']);
  });
});

/** The world with one S3 gateway endpoint whose policy has these statements. */
const endpoint = (statements: Stmt[]) =>
  world({
    vpcEndpoints: {
      [VPCE]: {
        VpcEndpointId: VPCE,
        VpcId: 'vpc-0abc',
        ServiceName: 'com.amazonaws.us-east-1.s3',
        PolicyDocument: { Version: '2012-10-17', Statement: statements },
      },
    },
  });
/** The causes of the request through that endpoint. */
const ids = (spec: WorldSpec) => explainIn(spec, { vpcEndpointId: VPCE }).finding.rootCauses.map((c) => c.id);

describe('a VPC endpoint policy whose Deny is the only statement for the request', () => {
  it('the fix exempts the caller and adds an Allow naming the caller (an endpoint policy names principals)', () => {
    const deny: Stmt = {
      Sid: 'NoReads',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: '*',
    };
    const cause = causeOf(
      explainIn(endpoint([deny]), { vpcEndpointId: VPCE }).finding,
      'vpc-endpoint-policy',
    );
    const patch = cause.fix.policyPatch!;
    expect(patch).toMatchObject({
      layer: 'vpc-endpoint-policy',
      statement: 'NoReads',
      addStatement: {
        Effect: 'Allow',
        Principal: { AWS: APP },
        Action: 's3:GetObject',
        Resource: OBJECT,
      },
    });
    expect(cause.fix.verified).toBe(true);
    // applied to the endpoint, the patch lets the request through; either half alone does not
    const exempted = patch['replaceStatement'] as Stmt;
    const allow = patch['addStatement'] as Stmt;
    expect(ids(endpoint([exempted, allow]))).toEqual([]);
    expect(ids(endpoint([exempted]))).toEqual(['vpc-endpoint-policy']);
    expect(ids(endpoint([deny, allow]))).toEqual(['vpc-endpoint-policy']);
  });
});

describe('a VPC endpoint policy that allows only other actions', () => {
  const listOnly: Stmt = { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: '*' };

  it('gets an Allow naming this caller (an endpoint policy names principals), for exactly this object, verified', () => {
    const { finding } = explainIn(endpoint([listOnly]), { vpcEndpointId: VPCE });
    const cause = causeOf(finding, 'vpc-endpoint-policy');
    const added = cause.fix.policyPatch!['addStatement'] as Stmt;
    expect(added).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: APP },
      Action: 's3:GetObject',
      Resource: OBJECT,
    });
    expect(cause.fix.summary).toBe(
      `Add an Allow for s3:GetObject on ${OBJECT} to ${APP} in the VPC endpoint policy of ${VPCE}.`,
    );
    expect(cause.title).toBe(`The VPC endpoint policy of ${VPCE} does not allow s3:GetObject on ${OBJECT}`);
    expect(cause.explanation).toBe(
      `No statement of the VPC endpoint policy of ${VPCE} allows s3:GetObject on ${OBJECT}. A request through a VPC endpoint must be allowed by the endpoint policy as well as by IAM and the bucket.`,
    );
    expect(cause.confidence).toBe('confirmed');
    expect(cause.fix.verified).toBe(true);
    expect(ids(endpoint([listOnly, added]))).toEqual([]);
  });
});

describe('an allow-list service control policy at the account level', () => {
  const { request, facts } = explainIn(world({}));
  const levels = (facts.scpLevels.status === 'known' ? facts.scpLevels.value : null) ?? [];
  const ec2Only = {
    name: 'Ec2Only',
    id: 'p-ec2only',
    source: 'scp' as const,
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] },
  };
  const allowList: RequestFacts = {
    ...facts,
    scpLevels: known(levels.map((l) => (l.target === A ? { ...l, policies: [ec2Only] } : l))),
  };

  it('gets an Allow for this object in that SCP (an SCP names no principal), updated in place, verified', () => {
    const cause = causeOf(analyze(request, allowList), 'scp-deny');
    expect(cause.fix.policyPatch).toMatchObject({
      layer: 'scp',
      addStatement: { Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECT },
    });
    expect(cause.fix.policyPatch!['addStatement']).not.toHaveProperty('Principal');
    expect(cause.fix.summary).toBe(
      `Add an Allow for s3:GetObject on ${OBJECT} in the service control policy.`,
    );
    expect(cause.fix.commands[1]).toBe(
      'aws organizations update-policy --policy-id p-ec2only --content file://scp.json',
    );
    expect(cause.fix.verified).toBe(true);
  });
});

describe('the organization policy a fix patches, at one level of the path', () => {
  const { facts } = explainIn(world({}));
  const scp = (facts.scpLevels.status === 'known' ? facts.scpLevels.value : null) ?? [];
  const rcp = (facts.rcpLevels.status === 'known' ? facts.rcpLevels.value : null) ?? [];
  // the account level without any policy listed (a level the trace names by its target)
  const bare: OrgLevel[] = scp.map((l) => (l.target === A ? { ...l, policies: [] } : l));
  const withBare: RequestFacts = { ...facts, scpLevels: known(bare) };
  const patched = { name: 'patched', source: 'scp' as const, document: { Statement: [] } };
  const base = { scpLevels: facts.scpLevels, rcpLevels: facts.rcpLevels } as unknown as AuthorizationInput;
  const levelsOf = (f: AuthorizationInput['scpLevels']) => (f.status === 'known' ? f.value! : []);

  it('a level with no policy gets a new SCP, created and attached to that level only', () => {
    const target = orgTarget(withBare, 'scp', { name: A, source: 'scp' });
    expect(target.policy).toBeNull();
    expect(target.fallback).toEqual({ name: 's3-403-fix-scp', source: 'scp' });
    expect(target.principalElement).toBe(false);
    expect(target.commands).toEqual([
      "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name s3-403-fix-scp --description 's3-403 fix' --content file://scp.json",
      `aws organizations attach-policy --policy-id NEW_POLICY_ID --target-id ${A}`,
    ]);
    const after = levelsOf(target.apply(base, patched).scpLevels);
    expect(after.find((l) => l.target === A)?.policies).toEqual([patched]);
    expect(after.filter((l) => l.target !== A)).toEqual(bare.filter((l) => l.target !== A));
  });

  it('no policy named: a new RCP whose target is left to fill in, and the levels as they are', () => {
    const target = orgTarget(facts, 'rcp', null);
    expect(target.principalElement).toBe(true);
    expect(target.fallback).toEqual({ name: 's3-403-fix-rcp', source: 'rcp' });
    expect(target.commands).toEqual([
      "aws organizations create-policy --type RESOURCE_CONTROL_POLICY --name s3-403-fix-rcp --description 's3-403 fix' --content file://rcp.json",
      'aws organizations attach-policy --policy-id NEW_POLICY_ID --target-id TARGET_ID',
    ]);
    expect(target.apply(base, patched).rcpLevels).toEqual(known(rcp));
  });

  // An organization policy is one policy wherever it is attached: update-policy changes it at every target
  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdatePolicy.html
  it('a named RCP is one policy wherever it is attached: replaced at every level that lists it; the SCPs are left alone', () => {
    // RCPFullAWSAccess is listed at every level
    const policy = rcp[0]!.policies[0]!;
    expect(rcp[1]!.policies[0]!.name).toBe(policy.name);
    const target = orgTarget(facts, 'rcp', { name: policy.name, source: 'rcp' });
    expect(target.policy).toBe(policy);
    expect(target.commands[0]).toMatch(/^aws organizations describe-policy --policy-id \S+ .*> rcp\.json$/);
    const out = target.apply(base, patched);
    expect(out.scpLevels).toBe(facts.scpLevels);
    const after = levelsOf(out.rcpLevels);
    expect(after).toHaveLength(rcp.length);
    after.forEach((l, i) => {
      expect(l.policies).toEqual(rcp[i]!.policies.map((p) => (p.name === policy.name ? patched : p)));
    });
  });
});

describe('a guardrail fix when what denies is not fully known', () => {
  const deny: Stmt = { Sid: 'DenyReports', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' };
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
  const { request, facts } = explainIn(spec);
  const base = (over: Partial<GuardrailSpec> = {}): GuardrailSpec => ({
    layer: 'permissions-boundary',
    name: 'permissions boundary B',
    implicitWhy: 'why',
    locate: () => ({
      policy: null,
      fallback: { name: 'b', source: 'permissions-boundary' },
      commands: ['aws iam get-policy-version'],
      principalElement: false,
      apply: (b) => b,
    }),
    ...over,
  });

  it('a Deny whose policy document is not at hand: the advice names the statement, with no patch, not verified', () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const result = guardrailDeny(input, view, base());
    if (result.status !== 'deny') throw new Error(result.status);
    expect(result.fix.summary).toBe(
      `Add an aws:PrincipalArn exception for ${APP} to statement DenyReports of the permissions boundary B.`,
    );
    expect(result.fix).not.toHaveProperty('policyPatch');
    expect(result.fix.verified).toBe(false);
    expect(result.fix.commands).toEqual(['aws iam get-policy-version']);
    expect(result.confidence).toBe('confirmed');
  });

  it('names the denying statement and what it matched, and that an explicit Deny overrides every Allow', () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const result = guardrailDeny(input, view, base());
    if (result.status !== 'deny') throw new Error(result.status);
    expect(result.title).toBe(
      'The permissions boundary B explicitly denies s3:GetObject (statement DenyReports)',
    );
    expect(result.explanation).toBe(
      `Statement DenyReports of the permissions boundary B is a Deny that matches this request: Deny statement 2 (DenyReports) applies to s3:GetObject on ${OBJECT}. An explicit Deny overrides every Allow.`,
    );
  });

  it('only likely when the caller might be denied by this Deny but the decision is not known', () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    expect(guardrailDeny(input, { ...view, certain: false }, base())).toMatchObject({
      status: 'deny',
      confidence: 'likely',
    });
  });

  it('a Deny whose statement the trace does not list: "the Deny statement", nothing patched even with the policy at hand', () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const [hit] = view.explicit;
    const unlisted = { ...hit!, layer: { ...hit!.layer, policies: [] } };
    const boundary = facts.principal?.status === 'known' ? facts.principal.value.permissionsBoundary : null;
    const asked: unknown[] = [];
    const result = guardrailDeny(
      input,
      { ...view, explicit: [unlisted] },
      {
        ...base(),
        locate: (ref) => {
          asked.push(ref);
          return { ...base().locate(null), policy: boundary };
        },
      },
    );
    if (result.status !== 'deny') throw new Error(result.status);
    expect(asked).toEqual([null]);
    expect(result.title).toBe(
      'The permissions boundary B explicitly denies s3:GetObject (statement the Deny statement)',
    );
    expect(result.explanation).toBe(
      'Statement the Deny statement of the permissions boundary B is a Deny that matches this request. An explicit Deny overrides every Allow.',
    );
    expect(result.fix.summary).toBe(
      `Add an aws:PrincipalArn exception for ${APP} to statement the Deny statement of the permissions boundary B.`,
    );
    expect(result.fix).not.toHaveProperty('policyPatch');
    expect(result.fix.verified).toBe(false);
  });

  it("the checker's own advice comes first, and its confidence is kept", () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const result = guardrailDeny(
      input,
      view,
      base({ advice: 'Ask the platform team.', confidence: 'possible' }),
    );
    if (result.status !== 'deny') throw new Error(result.status);
    expect(result.fix.summary).toMatch(/^Ask the platform team\. Add an aws:PrincipalArn exception for /);
    expect(result.confidence).toBe('possible');
  });

  it('a caller whose identity ARN is not known: the exception is for "this principal", and nothing is patched', () => {
    const anonymous: AccessRequest = {
      ...request,
      principal: { ...request.principal, identityArn: null },
    };
    const unnamed = { ...facts, principal: null };
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const boundary = facts.principal?.status === 'known' ? facts.principal.value.permissionsBoundary : null;
    const result = guardrailDeny({ ...input, request: anonymous, facts: unnamed }, view, {
      ...base(),
      locate: () => ({ ...base().locate(null), policy: boundary }),
    });
    if (result.status !== 'deny') throw new Error(result.status);
    expect(result.fix.summary).toBe(
      'Add an aws:PrincipalArn exception for this principal to statement DenyReports of the permissions boundary B.',
    );
    expect(result.fix).not.toHaveProperty('policyPatch');
    // nothing was re-evaluated: no layer is named as still denying
    expect(result.fix).toEqual({
      summary: expect.any(String),
      commands: ['aws iam get-policy-version'],
      verified: false,
    });
  });
});

describe('a guardrail that gives no Allow, as the checker describes its policy', () => {
  const ec2Only: Stmt = { Effect: 'Allow', Action: 'ec2:*', Resource: '*' };
  const spec = world({
    roles: [{ account: A, name: 'AppRole', statements: [read], boundary: [ec2Only] }],
  });
  const { request, facts } = explainIn(spec);
  const Q4 = `arn:aws:s3:::${BUCKET}/q4.csv`;
  const newPolicy =
    (principalElement: boolean): GuardrailSpec['locate'] =>
    () => ({
      policy: null,
      fallback: { name: 'new-guardrail', source: 'permissions-boundary' },
      commands: ['create it'],
      principalElement,
      apply: (b, patched) => ({ ...b, permissionsBoundary: known(patched) }),
    });
  const specOf = (over: Partial<GuardrailSpec> = {}): GuardrailSpec => ({
    layer: 'permissions-boundary',
    name: 'guardrail G',
    implicitWhy: 'G caps the caller.',
    locate: newPolicy(false),
    ...over,
  });

  it('a new policy is named by its fallback name; the advice and the confidence of the checker come first', () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const result = guardrailDeny(input, view, specOf({ advice: 'Ask the owner.', confidence: 'possible' }));
    if (result.status !== 'deny') throw new Error(result.status);
    expect(result.confidence).toBe('possible');
    expect(result.fix.summary).toBe(
      `Ask the owner. Add an Allow for s3:GetObject on ${OBJECT} in the guardrail G.`,
    );
    expect(result.fix.commands).toEqual(['create it']);
    expect(result.fix.policyPatch).toEqual({
      layer: 'permissions-boundary',
      policy: 'new-guardrail',
      addStatement: {
        Sid: 'AllowGetObjectReportsBucketQ3Csv',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: OBJECT,
      },
    });
    expect(result.fix.verified).toBe(true);
  });

  it('a resource-side policy names the caller in the Allow and in the summary; a caller not known is not named', () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const named = guardrailDeny(input, view, specOf({ locate: newPolicy(true) }));
    if (named.status !== 'deny') throw new Error(named.status);
    expect(named.fix.summary).toBe(
      `Add an Allow for s3:GetObject on ${OBJECT} to ${APP} in the guardrail G.`,
    );
    expect(named.fix.policyPatch!['addStatement']).toMatchObject({ Principal: { AWS: APP } });
    const nobody: CheckerInput = {
      ...input,
      request: { ...request, principal: { ...request.principal, identityArn: null } },
      facts: { ...facts, principal: null },
    };
    const unnamed = guardrailDeny(nobody, view, specOf({ locate: newPolicy(true) }));
    if (unnamed.status !== 'deny') throw new Error(unnamed.status);
    expect(unnamed.fix.summary).toBe(`Add an Allow for s3:GetObject on ${OBJECT} in the guardrail G.`);
    expect(unnamed.fix.policyPatch!['addStatement']).not.toHaveProperty('Principal');
  });

  it('each refused resource once: one Allow per resource, listed in the summary', () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const [hit] = view.implicit;
    const q4 = { ...hit!, layer: { ...hit!.layer, resource: Q4 } };
    const result = guardrailDeny(input, { ...view, implicit: [hit!, q4, hit!] }, specOf());
    if (result.status !== 'deny') throw new Error(result.status);
    expect(result.fix.summary).toBe(
      `Add an Allow for s3:GetObject on ${OBJECT}, s3:GetObject on ${Q4} in the guardrail G.`,
    );
    expect(result.fix.policyPatch!['addStatement']).toEqual([
      expect.objectContaining({ Resource: OBJECT }),
      expect.objectContaining({ Resource: Q4 }),
    ]);
  });

  it('only likely when another layer might still grant (the decision is not known)', () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const result = guardrailDeny(input, { ...view, certain: false }, specOf());
    expect(result).toMatchObject({ status: 'deny', confidence: 'likely' });
  });

  it('a layer whose trace lists no policy: the checker locates its policy from nothing', () => {
    const { input, view } = denialIn(request, facts, 'permissions-boundary');
    const [hit] = view.implicit;
    const bare = { ...hit!, layer: { ...hit!.layer, policies: [] } };
    const asked: unknown[] = [];
    const result = guardrailDeny(
      input,
      { ...view, implicit: [bare] },
      specOf({
        locate: (ref) => {
          asked.push(ref);
          return newPolicy(false)(ref);
        },
      }),
    );
    expect(asked).toEqual([null]);
    expect(result).toMatchObject({ status: 'deny', fix: { verified: true } });
  });
});
