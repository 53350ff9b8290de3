/** identity-policy-no-allow as the user reads it: who lacks which Allow, why that denies, and what it cannot tell. */
import { causeOf, exampleViewWith, explain, scenarioEvent } from './helpers';
import { A, recordFor, viewOf } from '../world';

const check = (n: string, view?: Parameters<typeof explain>[1]) =>
  explain(scenarioEvent(n), view).finding.checks.find((c) => c.layer === 'identity-policy-no-allow');

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
describe('identity-policy-no-allow: a request no policy allows is implicitly denied', () => {
  it('names the caller, the call, and says that no resource-side grant allows it either', () => {
    const cause = causeOf(
      explain(scenarioEvent('NoS3Role has no S3 permissions at all')).finding,
      'identity-policy-no-allow',
    );
    expect(cause.title).toBe(
      'No identity policy of arn:aws:iam::111122223333:role/NoS3Role allows s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv',
    );
    expect(cause.explanation).toBe(
      'arn:aws:iam::111122223333:role/NoS3Role has no identity policy statement that allows s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv, and no bucket policy, access point policy or ACL grants it either, so the request is implicitly denied.',
    );
    expect(cause.fix.summary).toBe(
      'Allow s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv in an inline policy of arn:aws:iam::111122223333:role/NoS3Role.',
    );
    // the evidence is the identity-policy layer, naming the policies that were read
    expect(cause.evidence).toEqual([
      {
        layer: 'identity-policy',
        policy: 'ec2-only',
        detail:
          'no statement of the identity-based policies allows s3:GetObject (s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv)',
      },
    ]);
  });

  it('an explicit Deny in the identity policies is not a missing Allow: the check passes and points to the explicit deny', () => {
    expect(check('ruled out: explicit deny in identity policy')).toEqual({
      layer: 'identity-policy-no-allow',
      status: 'pass',
      detail: 'the identity policies deny explicitly (see identity-policy-explicit-deny)',
    });
  });

  it("without the caller's identity policies the check cannot tell and names the policies it could not read", () => {
    const noAccounts = exampleViewWith((s) => delete s['accounts']);
    expect(check('NoS3Role has no S3 permissions at all', noAccounts)).toEqual({
      layer: 'identity-policy-no-allow',
      status: 'unknown',
      missing: [
        'the identity-based policies of arn:aws:iam::111122223333:role/NoS3Role (notCollected: the snapshot has no authorizationDetails for account 111122223333)',
      ],
    });
  });
});

// An Allow that matches for certain rules this cause out, even when a Deny of the same policies could not be decided:
// whether the Deny matches is identity-policy-explicit-deny's question, and the only open one
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
describe('identity-policy-no-allow when an Allow matches and only a Deny is undecided', () => {
  // a read made by Athena on the caller's behalf: CloudTrail records the service, not the caller's address, so the
  // Deny on aws:SourceIp cannot be decided
  const world = {
    roles: [
      {
        account: A,
        name: 'AppRole',
        statements: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          {
            Sid: 'OfficeOnly',
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
          },
        ],
      },
    ],
    buckets: { b1: { account: A, policy: null, objects: { 'k.csv': {} } } },
  };
  const viaAthena = () => {
    const r = recordFor({ account: A, role: 'AppRole', bucket: 'b1', sourceIp: 'athena.amazonaws.com' });
    (r['userIdentity'] as Record<string, unknown>)['invokedBy'] = 'athena.amazonaws.com';
    return explain(r, viewOf(world)).finding;
  };

  it('passes, saying the Allow matches and pointing at the undecided Deny', () => {
    expect(viaAthena().checks.find((c) => c.layer === 'identity-policy-no-allow')).toEqual({
      layer: 'identity-policy-no-allow',
      status: 'pass',
      detail:
        'an Allow of the identity policies matches s3:GetObject on arn:aws:s3:::b1/k.csv; only whether a Deny matches could not be decided (see identity-policy-explicit-deny)',
    });
  });

  it('so the undecided Deny is cause 1 (likely by elimination), not a "no Allow" that the policies rule out', () => {
    const finding = viaAthena();
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
      ['identity-policy-explicit-deny', 'likely'],
    ]);
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
describe("identity-policy-no-allow across accounts: the caller's own account must allow the request too", () => {
  it("says the caller's identity policy must allow it whatever the bucket policy grants", () => {
    const cause = causeOf(
      explain(scenarioEvent('ExternalAuditor lists the bucket')).finding,
      'identity-policy-no-allow',
    );
    expect(cause.explanation).toContain(
      "For a cross-account request the caller's own identity policy must allow it, whatever the bucket policy grants.",
    );
  });
});

describe('identity-policy-no-allow when a resource-side grant could not be read', () => {
  it('is likely, not confirmed, and says the bucket policy, access point policy or ACL could not be ruled out', () => {
    const noBucketPolicy = exampleViewWith((s) => delete s['buckets']['reports-bucket']['policy']);
    const { finding } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'), noBucketPolicy);
    const cause = causeOf(finding, 'identity-policy-no-allow');
    expect(cause.confidence).toBe('likely');
    expect(cause.explanation).toBe(
      'arn:aws:iam::111122223333:role/NoS3Role has no identity policy statement that allows s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv. A resource-side grant (bucket policy, access point policy or ACL) could not be ruled out, so this is likely but not confirmed.',
    );
  });
});
