/**
 * The network-origin keys of a request through a VPC endpoint, derived from the record and the facts:
 *
 * - aws:SourceVpc is the VPC of the endpoint the request came through ("This key is included in the request context
 *   only if the requester uses a VPC endpoint to make the request",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpc).
 * - aws:VpceAccount, aws:VpceOrgID, aws:VpceOrgPaths: the account that owns the endpoint, its organization and its
 *   path in it, present only for requests through a VPC endpoint to a service that supports them, S3 among them
 *   (#condition-keys-vpceaccount, #condition-keys-vpceorgid, #condition-keys-vpceorgpaths; AWS Security Blog, "Use
 *   scalable controls to help prevent access from unexpected networks", 2025,
 *   https://aws.amazon.com/blogs/security/use-scalable-controls-to-help-prevent-access-from-unexpected-networks/).
 *   CloudTrail names the owner in vpcEndpointAccountId
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html);
 *   describe-vpc-endpoints names it in OwnerId.
 *
 * A request from an IP address has none of these keys: a perimeter Deny on them is decided, not unknown. Through an
 * endpoint, a value the facts do not give stays unknown, and the cause names the read that would give it.
 */
import { derivedContext } from '../../../lambdas/core/fix/context';
import { simulate } from '../../../lambdas/core/simulate';
import type { Finding } from '../../../lambdas/core/model';
import { explain } from '../checkers/helpers';
import { A, B, C, ORG, OU_B, ROOT, recordFor, viewOf, type Stmt, type WorldSpec } from '../world';

const BUCKET = 'lake-bucket';
const VPCE = 'vpce-0perimeter0001';
const allowRead: Stmt = {
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
};
/** The blog's pattern: only requests through the organization's endpoints (or no endpoint at all: IfExists). */
const perimeter = (condition: Record<string, Record<string, string>>): Stmt => ({
  Sid: 'OnlyOurEndpoints',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: condition,
});

function world(policy: Stmt, endpoint: Record<string, unknown> | null = { PolicyDocument: null }): WorldSpec {
  return {
    roles: [{ account: A, name: 'Analyst', statements: [allowRead] }],
    buckets: { [BUCKET]: { account: A, policy: [policy] } },
    ...(endpoint
      ? { vpcEndpoints: { [VPCE]: { VpcEndpointId: VPCE, VpcId: 'vpc-0lake', ...endpoint } } }
      : {}),
  };
}

/** A denied GetObject by Analyst (account A); through VPCE, owned by `owner` as the record says, unless null. */
function record(through: { owner?: string | null } | 'internet'): Record<string, unknown> {
  const base = recordFor({ account: A, role: 'Analyst', bucket: BUCKET, key: 'q3.parquet' });
  if (through === 'internet') return base;
  return {
    ...base,
    sourceIPAddress: '10.20.0.15',
    vpcEndpointId: VPCE,
    ...(through.owner ? { vpcEndpointAccountId: through.owner } : {}),
  };
}

const bucketPolicyCheck = (f: Finding) => f.checks.find((c) => c.layer === 'bucket-policy-explicit-deny');

describe('a request from an IP address has no VPC endpoint keys', () => {
  const notOurs = perimeter({ StringNotEquals: { 'aws:VpceOrgID': ORG } });

  it('aws:VpceAccount, aws:VpceOrgID and aws:VpceOrgPaths are absent, so the perimeter Deny is decided and named', () => {
    const { request, finding } = explain(record('internet'), viewOf(world(notOurs, null)));
    expect(request.context.absent).toEqual(
      expect.arrayContaining([
        'aws:SourceVpce',
        'aws:SourceVpc',
        'aws:VpceAccount',
        'aws:VpceOrgID',
        'aws:VpceOrgPaths',
      ]),
    );
    const cause = finding.rootCauses[0]!;
    expect(cause).toMatchObject({ id: 'bucket-policy-explicit-deny', confidence: 'confirmed' });
    expect(JSON.stringify(cause)).toContain('OnlyOurEndpoints');
  });

  it('IfExists matches a missing key, so the IfExists form denies it too (and says so)', () => {
    const ifExists = perimeter({ StringNotEqualsIfExists: { 'aws:VpceOrgID': ORG } });
    const { finding } = explain(record('internet'), viewOf(world(ifExists, null)));
    expect(finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'confirmed',
    });
  });

  it('a perimeter that exempts requests without an endpoint (Null aws:SourceVpce false) passes it, decided', () => {
    const endpointsOnly = perimeter({
      StringNotEquals: { 'aws:VpceOrgID': ORG },
      Null: { 'aws:SourceVpce': 'false' },
    });
    const { finding } = explain(record('internet'), viewOf(world(endpointsOnly, null)));
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('bucket-policy-explicit-deny');
    expect(bucketPolicyCheck(finding)?.status).toBe('pass');
  });
});

describe('through an endpoint of an account of the organization', () => {
  it('the record names the owner: aws:VpceAccount from it, aws:VpceOrgID and the path from its organization', () => {
    const { request, facts } = explain(record({ owner: A }), viewOf(world(allowRead)));
    const c = derivedContext(request, facts, A);
    expect(c.values).toMatchObject({
      'aws:SourceVpce': VPCE,
      'aws:SourceVpc': 'vpc-0lake',
      'aws:VpceAccount': A,
      'aws:VpceOrgID': ORG,
    });
    expect(c.values['aws:VpceOrgPaths']).toEqual([`${ORG}/${ROOT}/ou-ab12-workloads/`]);
    expect(c.unknown ?? []).not.toEqual(expect.arrayContaining(['aws:VpceOrgID']));
  });

  it('a central network account owns it (describe-vpc-endpoints OwnerId): its own organization path', () => {
    const { request, facts } = explain(
      record({ owner: null }),
      viewOf(world(allowRead, { PolicyDocument: null, OwnerId: B })),
    );
    const c = derivedContext(request, facts, A);
    expect(c.values).toMatchObject({ 'aws:VpceAccount': B, 'aws:VpceOrgID': ORG });
    expect(c.values['aws:VpceOrgPaths']).toEqual([`${ORG}/${ROOT}/${OU_B}/`]);
  });

  it('the perimeter Deny does not apply: the request is not denied by the bucket policy', () => {
    const notOurs = perimeter({ StringNotEquals: { 'aws:VpceOrgID': ORG } });
    const { finding } = explain(record({ owner: A }), viewOf(world(notOurs)));
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('bucket-policy-explicit-deny');
    expect(bucketPolicyCheck(finding)?.status).toBe('pass');
  });
});

describe('through an endpoint of an account outside the organization', () => {
  it('aws:VpceOrgID is absent: the perimeter Deny applies and is cause 1', () => {
    const notOurs = perimeter({ StringNotEqualsIfExists: { 'aws:VpceOrgID': ORG } });
    const { request, facts, finding } = explain(record({ owner: C }), viewOf(world(notOurs)));
    const c = derivedContext(request, facts, A);
    expect(c.values['aws:VpceAccount']).toBe(C);
    expect(c.absent).toEqual(expect.arrayContaining(['aws:VpceOrgID', 'aws:VpceOrgPaths']));
    expect(finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'confirmed',
    });
  });
});

describe('through an endpoint whose owner nothing names', () => {
  const notOurs = perimeter({ StringNotEquals: { 'aws:VpceOrgID': ORG } });

  it('the keys are unknown, never absent, and the cause names the read that gives the owner', () => {
    const { request, facts, finding } = explain(record({ owner: null }), viewOf(world(notOurs)));
    const c = derivedContext(request, facts, A);
    expect(c.unknown).toEqual(
      expect.arrayContaining(['aws:VpceAccount', 'aws:VpceOrgID', 'aws:VpceOrgPaths']),
    );
    expect(c.absent).not.toEqual(expect.arrayContaining(['aws:VpceOrgID']));
    const cause = finding.rootCauses.find((x) => x.id === 'bucket-policy-explicit-deny');
    expect(cause?.confidence).toBe('possible');
    expect(cause?.fix.commands).toEqual([`aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${VPCE}`]);
  });

  it('aws:SourceVpc is unknown when the endpoint was not read, and taken from it when it was', () => {
    const unread = explain(record({ owner: A }), viewOf(world(allowRead, null)));
    expect(derivedContext(unread.request, unread.facts, A).unknown).toContain('aws:SourceVpc');
    const read = explain(record({ owner: A }), viewOf(world(allowRead)));
    expect(derivedContext(read.request, read.facts, A).values['aws:SourceVpc']).toBe('vpc-0lake');
  });
});

describe('a value the request carries wins', () => {
  it('aws:VpceAccount given by the request is kept over the facts', () => {
    const { request, facts } = explain(
      record({ owner: A }),
      viewOf(world(allowRead, { PolicyDocument: null, OwnerId: B })),
    );
    const c = derivedContext(request, facts, A);
    expect(c.values['aws:VpceAccount']).toBe(A);
  });
});

describe('simulate: a hypothetical request through an endpoint names its owner with aws:VpceAccount', () => {
  const notOurs = perimeter({ StringNotEquals: { 'aws:VpceOrgID': ORG } });
  const view = viewOf(world(notOurs));
  const decide = (owner: string) =>
    simulate(
      {
        principal: `arn:aws:iam::${A}:role/Analyst`,
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${BUCKET}/q3.parquet`,
        context: { 'aws:SourceVpce': VPCE, 'aws:VpceAccount': owner },
      },
      view,
      { now: new Date('2026-12-04T12:00:00Z') },
    ).decision;

  it('an account of the organization (the calling account or another) passes the perimeter; one outside it is denied', () => {
    expect(decide(A)).not.toBe('explicitly-denied');
    expect(decide(B)).not.toBe('explicitly-denied');
    expect(decide(C)).toBe('explicitly-denied');
  });

  it('an account the snapshot knows nothing about leaves the answer unknown', () => {
    expect(decide('999999999999')).toBe('unknown');
  });
});

describe('aws:SourceVpcArn, the ARN of the VPC the request came through', () => {
  // "aws:SourceVpcArn: Through VPC endpoint: Yes; Over public internet: No"
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_condition_keys_federated.html; #condition-keys-sourcevpcarn)
  const VPC_ARN = `arn:aws:ec2:us-east-1:${A}:vpc/vpc-0lake`;
  const ourVpc = perimeter({ StringNotEquals: { 'aws:SourceVpcArn': VPC_ARN } });

  it('from an IP address it is absent: a Deny unless the request comes from our VPC is decided, confirmed', () => {
    const { request, finding } = explain(record('internet'), viewOf(world(ourVpc, null)));
    expect(request.context.absent).toContain('aws:SourceVpcArn');
    expect(finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'confirmed',
    });
  });

  it('through an endpoint whose Region no fact gives: set but unknown (never absent), also in simulate', () => {
    const { request, facts } = explain(record({ owner: A }), viewOf(world(ourVpc)));
    expect(derivedContext(request, facts, A).unknown).toContain('aws:SourceVpcArn');
    // the possible cause names the read that settles it: the owner of the endpoint's VPC
    const { finding } = explain(record({ owner: A }), viewOf(world(ourVpc)));
    expect(finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'possible',
    });
    expect(finding.rootCauses[0]?.fix.commands).toContain(
      "aws ec2 describe-vpcs --vpc-ids vpc-0lake --query 'Vpcs[0].OwnerId' --output text",
    );
    // the owner is known (the record names it): only the endpoint's Region is missing, a field of the snapshot
    expect(JSON.stringify(finding.rootCauses[0])).toContain(`(snapshot: vpcEndpoints.${VPCE}.Region)`);
    const decide = (context: Record<string, string>) =>
      simulate(
        {
          principal: `arn:aws:iam::${A}:role/Analyst`,
          action: 's3:GetObject',
          resource: `arn:aws:s3:::${BUCKET}/q3.parquet`,
          context: { 'aws:SourceVpce': VPCE, ...context },
        },
        viewOf(world(ourVpc)),
        { now: new Date('2026-12-04T12:00:00Z') },
      );
    expect(decide({}).decision).toBe('unknown');
    // given with --context, it decides
    expect(decide({ 'aws:SourceVpcArn': VPC_ARN }).decision).toBe('allowed');
    expect(decide({ 'aws:SourceVpcArn': `arn:aws:ec2:us-east-1:${B}:vpc/vpc-0other` }).decision).toBe(
      'explicitly-denied',
    );
  });

  // Only a VPC's owner creates its gateway and interface endpoints, also in a shared VPC
  // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html), and a gateway endpoint reaches only
  // the service of its own VPC's Region (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html):
  // the endpoint's owner, VPC and Region give the VPC's ARN.
  const gateway = (owner: string) => ({
    PolicyDocument: null,
    VpcEndpointType: 'Gateway',
    ServiceName: 'com.amazonaws.us-east-1.s3',
    OwnerId: owner,
  });

  it("a gateway endpoint's owner, VPC and Region give it: from our VPC the perimeter passes, from another account's it denies, confirmed", () => {
    const ours = explain(record({ owner: A }), viewOf(world(ourVpc, gateway(A))));
    expect(derivedContext(ours.request, ours.facts, A).values['aws:SourceVpcArn']).toBe(VPC_ARN);
    expect(ours.finding.rootCauses.map((c) => c.id)).not.toContain('bucket-policy-explicit-deny');
    const theirs = explain(record({ owner: B }), viewOf(world(ourVpc, gateway(B))));
    expect(derivedContext(theirs.request, theirs.facts, A).values['aws:SourceVpcArn']).toBe(
      `arn:aws:ec2:us-east-1:${B}:vpc/vpc-0lake`,
    );
    expect(theirs.finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'confirmed',
    });
  });

  it('an interface endpoint in a snapshot without its Region (its service maybe in another Region): still unknown', () => {
    const iface = { ...gateway(A), VpcEndpointType: 'Interface' };
    const { request, facts } = explain(record({ owner: A }), viewOf(world(ourVpc, iface)));
    expect(derivedContext(request, facts, A).unknown).toContain('aws:SourceVpcArn');
  });

  it("an interface endpoint with the snapshot's Region (where `s3-403 snapshot` described it) gives it: decided, confirmed", () => {
    // endpoint ids are Regional: the Region an endpoint is described in is its own, whatever its service's
    const iface = (owner: string, region: string) => ({
      ...gateway(owner),
      VpcEndpointType: 'Interface',
      ServiceName: 'com.amazonaws.eu-west-1.s3',
      Region: region,
    });
    const ours = explain(record({ owner: A }), viewOf(world(ourVpc, iface(A, 'us-east-1'))));
    expect(derivedContext(ours.request, ours.facts, A).values['aws:SourceVpcArn']).toBe(VPC_ARN);
    expect(ours.finding.rootCauses.map((c) => c.id)).not.toContain('bucket-policy-explicit-deny');
    const elsewhere = explain(record({ owner: A }), viewOf(world(ourVpc, iface(A, 'eu-west-1'))));
    expect(derivedContext(elsewhere.request, elsewhere.facts, A).values['aws:SourceVpcArn']).toBe(
      `arn:aws:ec2:eu-west-1:${A}:vpc/vpc-0lake`,
    );
    expect(elsewhere.finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'confirmed',
    });
  });
});
