/** The organization guardrails as the user reads them: what the SCP check says when it denies or cannot tell. */
import { causeOf, exampleViewWith, explain, scenarioEvent } from './helpers';

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
describe('scp-deny: SCP evaluation (every level must allow; a Deny at any level denies)', () => {
  it('a missing Allow says which call the SCP does not allow and that every level of the organization path must allow it', () => {
    const { finding } = explain(scenarioEvent("partner account's allow-list SCP has no s3:PutObject"));
    const cause = causeOf(finding, 'scp-deny');
    expect(cause.title).toBe(
      'The service control policy does not allow s3:PutObject on arn:aws:s3:::analytics-bucket/incoming/new.csv',
    );
    expect(cause.explanation).toContain('Every level of the organization path must allow the action');
    expect(cause.fix.summary).toContain('in the service control policy');
  });

  it('an explicit Deny names the SCP statement and the principal to exempt', () => {
    const { finding } = explain(scenarioEvent('ProtectBucketConfig SCP denies DeleteBucket'));
    const cause = causeOf(finding, 'scp-deny');
    expect(cause.title).toBe(
      'The service control policy explicitly denies s3:DeleteBucket (statement DenyBucketConfigChanges)',
    );
    expect(cause.fix.summary).toContain('to statement DenyBucketConfigChanges of the service control policy');
  });

  // One SCP attached at two levels of the path (the root and the OU) is one policy: update-policy changes it at both, so
  // the exemption is verified with the change at every level it is attached to, not at the first level alone.
  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdatePolicy.html
  it('a Deny in an SCP attached at several levels of the path: one exemption in that policy, verified', () => {
    const atRootToo = exampleViewWith((s) => {
      const scp = s['organization']['serviceControlPolicies'].find(
        (p: { Id: string }) => p.Id === 'p-protectbuckets',
      );
      scp['Targets'] = ['r-ab12', 'ou-ab12-workloads'];
    });
    const cause = causeOf(
      explain(scenarioEvent('ProtectBucketConfig SCP denies DeleteBucket'), atRootToo).finding,
      'scp-deny',
    );
    expect(cause.fix.policyPatch).toMatchObject({ layer: 'scp', statement: 'DenyBucketConfigChanges' });
    expect(cause.fix.verified).toBe(true);
    expect(cause.fix.stillDeniedBy).toBeUndefined();
  });

  it("without the organization's SCPs the check cannot tell, names what it could not read, and SCPs stay a possible cause", () => {
    const noOrg = exampleViewWith((s) => delete s['organization']);
    const { finding } = explain(scenarioEvent('ProtectBucketConfig SCP denies DeleteBucket'), noOrg);
    const check = finding.checks.find((c) => c.layer === 'scp-deny');
    expect(check?.status).toBe('unknown');
    expect(check?.missing).toEqual([
      "the SCPs on the caller's organization path (notCollected: the snapshot has no organization)",
    ]);
    const cause = causeOf(finding, 'scp-deny');
    expect(cause.confidence).toBe('possible');
    expect(cause.evidence.map((e) => e.detail)).toEqual([
      "not read: the SCPs on the caller's organization path (notCollected: the snapshot has no organization)",
    ]);
  });
});
