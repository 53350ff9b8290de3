/** vpc-endpoint-policy as the user reads it: what the check says about the endpoint the request went through. */
import { exampleViewWith, explain, scenarioEvent } from './helpers';

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
