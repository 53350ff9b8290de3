/** RCPs, permissions boundaries and session policies as the user reads them: the limit, why it binds, what was unread. */
import { causeOf, exampleViewWith, explain, scenarioEvent } from './helpers';

const checkOf = (n: string, id: string, view?: Parameters<typeof explain>[1]) =>
  explain(scenarioEvent(n), view).finding.checks.find((c) => c.layer === id);

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
describe('rcp-deny: a resource control policy Deny applies to principals from outside the organization', () => {
  it('names the RCP statement, and the fix says how to stay within it before the exception', () => {
    const c = causeOf(explain(scenarioEvent('ExternalAuditor HeadObject')).finding, 'rcp-deny');
    expect(c.title).toBe(
      'The resource control policy explicitly denies s3:GetObject (statement DenyOutsideOrg)',
    );
    expect(c.fix.summary).toBe(
      'To stay within the policy, call as a principal of the organization the statement allows (aws:PrincipalOrgID is absent, so StringNotEqualsIfExists passes); or add an aws:PrincipalArn exception for arn:aws:iam::999988887777:role/ExternalAuditor to statement DenyOutsideOrg of the resource control policy.',
    );
  });

  it("without the organization the check cannot tell, and names the bucket account's RCPs as what it could not read", () => {
    const noOrg = exampleViewWith((s) => delete s['organization']);
    expect(checkOf('ExternalAuditor HeadObject', 'rcp-deny', noOrg)).toEqual({
      layer: 'rcp-deny',
      status: 'unknown',
      missing: [
        "the RCPs on the resource account's organization path (notCollected: the snapshot has no organization)",
      ],
    });
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
describe('permissions-boundary: the boundary caps what the identity policies can grant', () => {
  it('names the boundary policy and says an action it does not allow is denied even when an identity policy allows it', () => {
    const c = causeOf(
      explain(scenarioEvent("BoundedRole's read-only boundary blocks PutObject")).finding,
      'permissions-boundary',
    );
    expect(c.title).toBe(
      'The permissions boundary arn:aws:iam::111122223333:policy/S3ReadOnlyBoundary does not allow s3:PutObject on arn:aws:s3:::reports-bucket/reports/q3.csv',
    );
    expect(c.explanation).toBe(
      'No statement of the permissions boundary arn:aws:iam::111122223333:policy/S3ReadOnlyBoundary allows s3:PutObject on arn:aws:s3:::reports-bucket/reports/q3.csv. The boundary caps what arn:aws:iam::111122223333:role/BoundedRole may do: an action it does not allow is denied even when an identity policy allows it.',
    );
    expect(c.fix.summary).toBe(
      'Add an Allow for s3:PutObject on arn:aws:s3:::reports-bucket/reports/q3.csv in the permissions boundary arn:aws:iam::111122223333:policy/S3ReadOnlyBoundary.',
    );
    // a new default version of the boundary policy, with an Allow that names no principal (an identity-side policy)
    expect(c.fix.policyPatch).toEqual({
      layer: 'permissions-boundary',
      policy: 'arn:aws:iam::111122223333:policy/S3ReadOnlyBoundary',
      addStatement: {
        Sid: 'AllowPutObjectReportsBucketReportsQ3Csv',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::reports-bucket/reports/q3.csv',
      },
    });
    expect(c.fix.commands[1]).toBe(
      'aws iam create-policy-version --policy-arn arn:aws:iam::111122223333:policy/S3ReadOnlyBoundary --policy-document file://policy.json --set-as-default',
    );
    expect(c.fix.verified).toBe(true);
  });

  it("without the account's IAM details the check cannot tell and names the boundary it could not read", () => {
    const noAccounts = exampleViewWith((s) => delete s['accounts']);
    expect(
      checkOf("BoundedRole's read-only boundary blocks PutObject", 'permissions-boundary', noAccounts),
    ).toEqual({
      layer: 'permissions-boundary',
      status: 'unknown',
      missing: [
        'the permissions boundary (notCollected: the snapshot has no authorizationDetails for account 111122223333)',
      ],
    });
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
describe("session-policy: a session's permissions are the intersection of the role's policies and the session policy", () => {
  it('says the session policy does not allow the call, and why that denies', () => {
    const c = causeOf(
      explain(scenarioEvent("SessionRole's session policy only allows reads")).finding,
      'session-policy',
    );
    expect(c.title).toBe(
      'The session policy does not allow s3:PutObject on arn:aws:s3:::reports-bucket/reports/q3.csv',
    );
    expect(c.explanation).toBe(
      "No statement of the session policy allows s3:PutObject on arn:aws:s3:::reports-bucket/reports/q3.csv. A session's permissions are the intersection of the role's identity policies and the session policy.",
    );
    expect(c.fix.summary).toBe(
      'Add an Allow for s3:PutObject on arn:aws:s3:::reports-bucket/reports/q3.csv in the session policy.',
    );
    // the session policy is passed when the session is created: the command is an AssumeRole for the same role and session
    expect(c.fix.commands).toEqual([
      'aws sts assume-role --role-arn arn:aws:iam::111122223333:role/SessionRole --role-session-name scoped --policy file://session-policy.json',
    ]);
    // the Allow goes into the session policy, an identity-side policy: no Principal element
    expect(c.fix.policyPatch).toEqual({
      layer: 'session-policy',
      policy: 'session policy',
      addStatement: {
        Sid: 'AllowPutObjectReportsBucketReportsQ3Csv',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::reports-bucket/reports/q3.csv',
      },
    });
  });

  it('without the session policy the check cannot tell and says it does not have it', () => {
    const noSessions = exampleViewWith((s) => delete s['sessions']);
    expect(checkOf("SessionRole's session policy only allows reads", 'session-policy', noSessions)).toEqual({
      layer: 'session-policy',
      status: 'unknown',
      missing: [
        'the session policy (notCollected: the snapshot does not carry the session policy of this session)',
      ],
    });
  });
});
