/**
 * session-policy for a federated user session (GetFederationToken): the session's permissions are "the intersection
 * of the user's identity-based policy and the session policies", and the session policy is passed to
 * GetFederationToken by the IAM user, not to AssumeRole:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getfederationtoken.html
 */
import { causeOf, exampleViewWith, explain, scenarioEvent } from './helpers';

const FEDERATED = 'arn:aws:sts::111122223333:federated-user/bob-fed';

/** bob (whose user policy reads reports-bucket/*) federated as bob-fed with a session policy that only lists. */
function federatedRead() {
  const view = exampleViewWith((s) => {
    s['sessions'][FEDERATED] = {
      Policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::reports-bucket' }],
      },
    };
  });
  const e = scenarioEvent("SessionRole's session policy only allows reads");
  e['eventName'] = 'GetObject';
  // the userIdentity CloudTrail writes for a GetFederationToken session: the IAM user is the session issuer
  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
  e['userIdentity'] = {
    type: 'FederatedUser',
    principalId: '111122223333:bob-fed',
    arn: FEDERATED,
    accountId: '111122223333',
    accessKeyId: 'ASIAEXAMPLEFED000001',
    sessionContext: {
      sessionIssuer: {
        type: 'IAMUser',
        principalId: 'AIDABOB0000000000002',
        arn: 'arn:aws:iam::111122223333:user/bob',
        accountId: '111122223333',
        userName: 'bob',
      },
      attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' },
    },
  };
  return causeOf(explain(e, view).finding, 'session-policy');
}

describe('session-policy: a federated user session whose session policy does not allow the call', () => {
  it("says the session's permissions are the intersection of the IAM user's policies and the session policy", () => {
    const c = federatedRead();
    expect(c.title).toBe(
      'The session policy does not allow s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv',
    );
    expect(c.explanation).toBe(
      "No statement of the session policy allows s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv. A session's permissions are the intersection of the IAM user's identity policies and the session policy.",
    );
  });

  it('the fix gets a new federation token with the widened session policy (not an AssumeRole of the user ARN), verified', () => {
    const c = federatedRead();
    expect(c.fix.commands).toEqual([
      'aws sts get-federation-token --name bob-fed --policy file://session-policy.json',
    ]);
    expect(c.fix.policyPatch).toEqual({
      layer: 'session-policy',
      policy: 'session policy',
      addStatement: {
        Sid: 'AllowGetObjectReportsBucketReportsQ3Csv',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::reports-bucket/reports/q3.csv',
      },
    });
    expect(c.fix.verified).toBe(true);
  });
});
