/** vpc-endpoint-policy as the user reads it: what the check says about the endpoint the request went through. */
import { causeOf, exampleViewWith, explain, scenarioEvent } from './helpers';

const check = (n: string, view?: Parameters<typeof explain>[1]) =>
  explain(scenarioEvent(n), view).finding.checks.find((c) => c.layer === 'vpc-endpoint-policy');

// https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html (an endpoint created without a policy
// gets the default policy, which allows full access)
describe('vpc-endpoint-policy: an endpoint with the default policy restricts nothing', () => {
  it('says the request went through the endpoint, whose default policy allows full access (not that no endpoint was used)', () => {
    expect(check('ruled out: endpoint with the default full-access policy')).toEqual({
      layer: 'vpc-endpoint-policy',
      status: 'not-applicable',
      detail:
        'the request went through vpce-0fullaccess000002, whose endpoint policy is the default full-access policy',
    });
  });

  it('a request that used no endpoint says so', () => {
    expect(check('ruled out: not through an endpoint')).toEqual({
      layer: 'vpc-endpoint-policy',
      status: 'not-applicable',
      detail: 'the request did not go through a VPC endpoint',
    });
  });
});

describe('vpc-endpoint-policy when the endpoint policy could not be read', () => {
  const noEndpoints = exampleViewWith((s) => delete s['vpcEndpoints']);

  it('a VpceAccessDenied record alone names the endpoint policy: the record says so, the statement is not known', () => {
    const { finding } = explain(
      scenarioEvent(
        'network-activity VpceAccessDenied record for a bucket the endpoint policy does not list',
      ),
      noEndpoints,
    );
    const cause = finding.rootCauses.find((c) => c.id === 'vpc-endpoint-policy');
    expect(cause?.title).toBe(
      'AWS reports that the VPC endpoint policy of vpce-0a1b2c3d4e5f60001 denied the request',
    );
    expect(cause?.explanation).toBe(
      'The record says "The request was denied due to a VPC endpoint policy". The endpoint policy itself could not be evaluated (the VPC endpoint policy (notCollected: the snapshot does not carry VPC endpoint vpce-0a1b2c3d4e5f60001)), so the statement is not known.',
    );
    expect(cause?.fix.summary).toBe(
      'Allow s3:GetObject on arn:aws:s3:::secure-bucket/finance/ledger.csv in the endpoint policy of vpce-0a1b2c3d4e5f60001.',
    );
    expect(cause?.fix.commands).toEqual([
      "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-0a1b2c3d4e5f60001 --query 'VpcEndpoints[0].PolicyDocument' --output text > vpce-policy.json",
      'aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0a1b2c3d4e5f60001 --policy-document file://vpce-policy.json',
    ]);
    // AWS's own error code decides the cause; the statement is not known, so the fix cannot be checked
    expect(cause?.confidence).toBe('confirmed');
    expect(cause?.fix.verified).toBe(false);
    expect(cause?.evidence).toContainEqual({
      layer: 'vpc-endpoint-policy',
      detail: 'VpceAccessDenied: The request was denied due to a VPC endpoint policy',
    });
  });

  it('when the policy read is the default full-access one, AWS still decides, and the finding says the facts are stale (not "could not be evaluated")', () => {
    const defaultPolicy = exampleViewWith((s) => {
      const endpoints = s['vpcEndpoints'] as Record<string, Record<string, unknown>>;
      endpoints['vpce-0a1b2c3d4e5f60001']!['PolicyDocument'] = null;
    });
    const { finding } = explain(
      scenarioEvent(
        'network-activity VpceAccessDenied record for a bucket the endpoint policy does not list',
      ),
      defaultPolicy,
    );
    const cause = finding.rootCauses.find((c) => c.id === 'vpc-endpoint-policy');
    expect(cause?.explanation).toBe(
      'The record says "The request was denied due to a VPC endpoint policy". The endpoint policy that was read is the default full-access policy, which denies nothing: it has probably changed since it was read, so the statement is not known.',
    );
    expect(cause?.fix.verified).toBe(false);
  });

  it('an ordinary AccessDenied through the endpoint leaves the check unknown, naming the endpoint policy it could not read', () => {
    expect(check('PutObject through an endpoint that only allows reads', noEndpoints)).toEqual({
      layer: 'vpc-endpoint-policy',
      status: 'unknown',
      missing: [
        'the VPC endpoint policy (notCollected: the snapshot does not carry VPC endpoint vpce-0a1b2c3d4e5f60001)',
      ],
    });
  });
});

// A VpceAccessDenied network-activity event is written when the endpoint policy denied the request:
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html
describe('vpc-endpoint-policy from the VpceAccessDenied record alone', () => {
  const VPCE_RECORD =
    'network-activity VpceAccessDenied record for a bucket the endpoint policy does not list';
  const noEndpoints = exampleViewWith((s) => delete s['vpcEndpoints']);
  const endpointPolicy = (statement: Record<string, unknown>) =>
    exampleViewWith((s) => {
      const endpoints = s['vpcEndpoints'] as Record<string, Record<string, unknown>>;
      endpoints['vpce-0a1b2c3d4e5f60001']!['PolicyDocument'] = JSON.stringify({
        Version: '2012-10-17',
        Statement: [statement],
      });
    });

  it('a record without a message is quoted by its error code, in the explanation and in the evidence', () => {
    const e = scenarioEvent(VPCE_RECORD);
    delete e['errorMessage'];
    const c = causeOf(explain(e, noEndpoints).finding, 'vpc-endpoint-policy');
    expect(c.explanation).toMatch(
      /^The record says "VpceAccessDenied"\. The endpoint policy itself could not be evaluated/,
    );
    expect(c.evidence).toContainEqual({ layer: 'vpc-endpoint-policy', detail: 'VpceAccessDenied' });
  });

  it('the VpceAccessDenied error code alone names the endpoint policy, whatever the message says', () => {
    const e = scenarioEvent(VPCE_RECORD);
    e['errorMessage'] = 'Access Denied';
    const c = causeOf(explain(e, noEndpoints).finding, 'vpc-endpoint-policy');
    expect(c.title).toBe(
      'AWS reports that the VPC endpoint policy of vpce-0a1b2c3d4e5f60001 denied the request',
    );
    expect(c.evidence).toContainEqual({
      layer: 'vpc-endpoint-policy',
      detail: 'VpceAccessDenied: Access Denied',
    });
  });

  // docs/CLI.md: AWS's message naming a layer that could not be read makes the cause likely; the record's own error
  // code (VpceAccessDenied) confirms it
  it("AWS's message that a VPC endpoint policy denied the request names the endpoint policy under a plain AccessDenied too, as likely", () => {
    const e = scenarioEvent(VPCE_RECORD);
    e['errorCode'] = 'AccessDenied';
    const c = causeOf(explain(e, noEndpoints).finding, 'vpc-endpoint-policy');
    expect(c.confidence).toBe('likely');
    expect(c.title).toBe(
      'AWS reports that the VPC endpoint policy of vpce-0a1b2c3d4e5f60001 denied the request',
    );
    expect(c.evidence).toContainEqual({
      layer: 'vpc-endpoint-policy',
      detail: 'AccessDenied: The request was denied due to a VPC endpoint policy',
    });
  });

  it('a CopyObject names both actions and both objects the endpoint policy must allow', () => {
    const e = scenarioEvent(VPCE_RECORD);
    e['eventName'] = 'CopyObject';
    (e['requestParameters'] as Record<string, unknown>)['x-amz-copy-source'] =
      'secure-bucket/finance/2025.csv';
    const c = causeOf(explain(e, noEndpoints).finding, 'vpc-endpoint-policy');
    expect(c.fix.summary).toBe(
      'Allow s3:GetObject, s3:PutObject on arn:aws:s3:::secure-bucket/finance/2025.csv, arn:aws:s3:::secure-bucket/finance/ledger.csv in the endpoint policy of vpce-0a1b2c3d4e5f60001.',
    );
  });

  it('an endpoint policy whose conditions cannot be decided names each undecided key, one after the other', () => {
    const conditional = endpointPolicy({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x', 's3:ExistingObjectTag/c': 'y' } },
    });
    const c = causeOf(explain(scenarioEvent(VPCE_RECORD), conditional).finding, 'vpc-endpoint-policy');
    expect(c.explanation).toBe(
      'The record says "The request was denied due to a VPC endpoint policy". The endpoint policy itself could not be evaluated (condition key aws:PrincipalTag/team (vpce-0a1b2c3d4e5f60001 #1); condition key s3:ExistingObjectTag/c (vpce-0a1b2c3d4e5f60001 #1)), so the statement is not known.',
    );
  });

  it('a record that does not name the endpoint: the cause says so, names "the VPC endpoint" in the fix and gives no endpoint command', () => {
    const e = scenarioEvent(VPCE_RECORD);
    delete e['vpcEndpointId'];
    const c = causeOf(explain(e).finding, 'vpc-endpoint-policy');
    expect(c.title).toBe('AWS reports that the VPC endpoint policy of the endpoint denied the request');
    expect(c.explanation).toBe(
      'The record says "The request was denied due to a VPC endpoint policy". The record does not say which endpoint the request went through, so the statement is not known.',
    );
    expect(c.fix).toEqual({
      summary:
        'Allow s3:GetObject on arn:aws:s3:::secure-bucket/finance/ledger.csv in the endpoint policy of the VPC endpoint.',
      commands: [],
      verified: false,
    });
  });

  it("an endpoint policy read as allowing the request: the check passes on those facts, and AWS's record still names the endpoint policy (the facts may be stale)", () => {
    const allowAll = endpointPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' });
    const { finding } = explain(scenarioEvent(VPCE_RECORD), allowAll);
    expect(finding.checks.find((k) => k.layer === 'vpc-endpoint-policy')).toEqual({
      layer: 'vpc-endpoint-policy',
      status: 'pass',
      detail: 'vpc-endpoint-policy allows s3:GetObject on arn:aws:s3:::secure-bucket/finance/ledger.csv',
    });
    expect(causeOf(finding, 'vpc-endpoint-policy').explanation).toContain(
      'The facts read here say this layer does not deny (they may be stale or incomplete)',
    );
  });
});

// An endpoint policy is a resource policy naming principals, checked with IAM and the bucket policy:
// https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
describe('vpc-endpoint-policy: a Deny statement of the endpoint policy', () => {
  const c = () =>
    causeOf(
      explain(scenarioEvent('DeleteObject explicitly denied by the endpoint policy')).finding,
      'vpc-endpoint-policy',
    );

  it('is named with the endpoint it belongs to', () => {
    expect(c().title).toBe(
      'The VPC endpoint policy of vpce-0a1b2c3d4e5f60001 explicitly denies s3:DeleteObject (statement DenyDeletesThroughEndpoint)',
    );
  });

  it("the fix reads and rewrites that endpoint's policy: the caller's exception plus an Allow naming the caller, verified", () => {
    const { fix } = c();
    expect(fix.commands).toEqual([
      "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-0a1b2c3d4e5f60001 --query 'VpcEndpoints[0].PolicyDocument' --output text > vpce-policy.json",
      'aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0a1b2c3d4e5f60001 --policy-document file://vpce-policy.json',
    ]);
    expect(fix.policyPatch).toMatchObject({
      layer: 'vpc-endpoint-policy',
      policy: 'vpce-0a1b2c3d4e5f60001',
      statement: 'DenyDeletesThroughEndpoint',
      replaceStatement: {
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AppRole' } },
      },
      addStatement: {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:role/AppRole' },
        Action: 's3:DeleteObject',
        Resource: 'arn:aws:s3:::data-bucket/raw/events.json',
      },
    });
    expect(fix.verified).toBe(true);
  });
});

// A request through a gateway or interface endpoint must be allowed by the endpoint policy, as well as by the
// identity-based and resource-based policies: https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
describe('vpc-endpoint-policy: an endpoint policy without an Allow for the call', () => {
  it('says no statement of that endpoint policy allows it, and that the endpoint policy must allow it as well as IAM and the bucket', () => {
    const c = causeOf(
      explain(scenarioEvent('PutObject through an endpoint that only allows reads')).finding,
      'vpc-endpoint-policy',
    );
    expect(c.title).toBe(
      'The VPC endpoint policy of vpce-0a1b2c3d4e5f60001 does not allow s3:PutObject on arn:aws:s3:::data-bucket/raw/new.json',
    );
    expect(c.explanation).toBe(
      'No statement of the VPC endpoint policy of vpce-0a1b2c3d4e5f60001 allows s3:PutObject on arn:aws:s3:::data-bucket/raw/new.json. A request through a VPC endpoint must be allowed by the endpoint policy as well as by IAM and the bucket.',
    );
    expect(c.fix.verified).toBe(true);
  });
});
