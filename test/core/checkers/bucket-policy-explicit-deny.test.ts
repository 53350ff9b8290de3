/** bucket-policy-explicit-deny as the user reads it: which statement denies, why, and the verified way out. */
import { causeOf, explain, scenarioEvent } from './helpers';

const cause = (n: string) => causeOf(explain(scenarioEvent(n)).finding, 'bucket-policy-explicit-deny');

// An explicit Deny overrides any Allow:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// the exception names the caller with aws:PrincipalArn:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
describe('bucket-policy-explicit-deny: a matching Deny in the bucket policy', () => {
  it('names the bucket, the call and the statement, and says an explicit Deny overrides every Allow', () => {
    const c = cause('DeleteObject by a non-admin role hits DenyDeleteExceptAdmin');
    expect(c.title).toBe(
      'Bucket policy of reports-bucket explicitly denies s3:DeleteObject (statement DenyDeleteExceptAdmin)',
    );
    expect(c.explanation).toBe(
      'Statement DenyDeleteExceptAdmin of the bucket policy is a Deny that matches this request: Deny statement 3 (DenyDeleteExceptAdmin) applies to s3:DeleteObject on arn:aws:s3:::reports-bucket/reports/q3.csv; aws:PrincipalArn arn:aws:iam::111122223333:role/AppRole does not match arn:aws:iam::111122223333:role/Admin. An explicit Deny overrides every Allow, in any policy.',
    );
  });

  it('a Deny on who the caller is: the fix exempts the caller by aws:PrincipalArn in that statement, as a patch verified by re-evaluation', () => {
    expect(cause('DeleteObject by a non-admin role hits DenyDeleteExceptAdmin').fix).toEqual({
      summary:
        'Add an aws:PrincipalArn exception for arn:aws:iam::111122223333:role/AppRole to statement DenyDeleteExceptAdmin if this caller should be allowed.',
      commands: [
        'aws s3api get-bucket-policy --bucket reports-bucket --query Policy --output text > policy.json',
        'aws s3api put-bucket-policy --bucket reports-bucket --policy file://policy.json',
      ],
      policyPatch: {
        layer: 'bucket-policy',
        bucket: 'reports-bucket',
        statement: 'DenyDeleteExceptAdmin',
        replaceStatement: {
          Sid: 'DenyDeleteExceptAdmin',
          Effect: 'Deny',
          Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          Resource: 'arn:aws:s3:::reports-bucket/*',
          Principal: '*',
          Condition: {
            ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Admin' },
            ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AppRole' },
          },
        },
      },
      verified: true,
    });
  });

  it('a Deny on where the request comes from: the fix first says how to stay within the policy, then the exception', () => {
    const c = cause('AppRole reads a report from outside the office network');
    expect(c.fix.summary).toBe(
      'To stay within the policy, send the request from a network address the statement allows (aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24); or add an aws:PrincipalArn exception for arn:aws:iam::111122223333:role/AppRole to statement DenyNonOfficeIPs.',
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'bucket-policy',
      bucket: 'reports-bucket',
      statement: 'DenyNonOfficeIPs',
    });
  });

  it('a Deny that matches only on values the record does not give (source IP unknown) leaves the check unknown, naming those keys', () => {
    const e = scenarioEvent('AppRole reads a report from outside the office network');
    e['sourceIPAddress'] = 'AWS Internal';
    const check = explain(e).finding.checks.find((k) => k.layer === 'bucket-policy-explicit-deny');
    expect(check).toEqual({
      layer: 'bucket-policy-explicit-deny',
      status: 'unknown',
      missing: [
        'condition key aws:SourceIp (reports-bucket #1 (DenyNonOfficeIPs))',
        'condition key aws:SourceVpce (reports-bucket #1 (DenyNonOfficeIPs))',
      ],
    });
  });
});
