/** bucket-policy-explicit-deny as the user reads it: which statement denies, why, and the verified way out. */
import { A, recordFor, type Stmt, viewOf, type WorldSpec } from '../world';
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

describe('bucket-policy-explicit-deny in a bucket policy of several statements', () => {
  const OBJECT = 'arn:aws:s3:::reports-bucket/q3.csv';
  const officeOnly: Stmt = {
    Sid: 'DenyNonOfficeIPs',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: 'arn:aws:s3:::reports-bucket/*',
    Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  };
  const endpointOnly: Stmt = {
    Sid: 'DenyOutsideVpce',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: 'arn:aws:s3:::reports-bucket/*',
    Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0abc' } },
  };
  const publicRead: Stmt = {
    Sid: 'PublicRead',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::reports-bucket/*',
  };
  const world = (...policy: Stmt[]): WorldSpec => ({
    roles: [
      { account: A, name: 'AppRole', statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
    ],
    buckets: { 'reports-bucket': { account: A, policy, objects: { 'q3.csv': {} } } },
  });
  const read = (over: Partial<Parameters<typeof recordFor>[0]> = {}) =>
    recordFor({ account: A, role: 'AppRole', bucket: 'reports-bucket', key: 'q3.csv', ...over });
  const anonymous = (record: Record<string, unknown>) => ({
    ...record,
    // what CloudTrail writes for an unsigned request
    userIdentity: { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' },
  });

  it('two Deny statements match: the exception in the first is not called verified, and the bucket policy is named as still denying', () => {
    const c = causeOf(
      explain(read(), viewOf(world(officeOnly, endpointOnly, publicRead))).finding,
      'bucket-policy-explicit-deny',
    );
    expect(c.fix.policyPatch).toMatchObject({ statement: 'DenyNonOfficeIPs' });
    expect(c.fix.verified).toBe(false);
    expect(c.fix.stillDeniedBy).toEqual(['bucket-policy (explicit deny)']);
    // the evidence lists every matching Deny, as bucket policy statements
    expect(c.evidence).toEqual([
      {
        layer: 'bucket-policy',
        statement: 'DenyNonOfficeIPs',
        policy: 'arn:aws:s3:::reports-bucket',
        detail: `Deny statement 1 (DenyNonOfficeIPs) applies to s3:GetObject on ${OBJECT}; aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24`,
      },
      {
        layer: 'bucket-policy',
        statement: 'DenyOutsideVpce',
        policy: 'arn:aws:s3:::reports-bucket',
        detail: `Deny statement 2 (DenyOutsideVpce) applies to s3:GetObject on ${OBJECT}; aws:SourceVpce is absent, so StringNotEquals passes`,
      },
    ]);
  });

  it('an anonymous caller has no ARN to exempt: the fix says to narrow the statement, with no patch and nothing verified', () => {
    const c = causeOf(
      explain(anonymous(read()), viewOf(world(officeOnly, publicRead))).finding,
      'bucket-policy-explicit-deny',
    );
    expect(c.fix).toEqual({
      summary:
        'To stay within the policy, send the request from a network address the statement allows (aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24); or narrow statement DenyNonOfficeIPs.',
      commands: [
        'aws s3api get-bucket-policy --bucket reports-bucket --query Policy --output text > policy.json',
        'aws s3api put-bucket-policy --bucket reports-bucket --policy file://policy.json',
      ],
      verified: false,
    });
  });

  it('an anonymous caller denied for who it is (no request-side way out): "Narrow statement … if this caller should be allowed"', () => {
    const adminsOnly: Stmt = {
      Sid: 'DenyAllButAdmin',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports-bucket/*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Admin' } },
    };
    const c = causeOf(
      explain(anonymous(read()), viewOf(world(adminsOnly, publicRead))).finding,
      'bucket-policy-explicit-deny',
    );
    expect(c.fix.summary).toBe('Narrow statement DenyAllButAdmin if this caller should be allowed.');
    expect(c.fix).not.toHaveProperty('policyPatch');
  });

  it('only an Allow that cannot be decided (source IP unknown): no Deny can match, so the check passes and says why', () => {
    const officeRead: Stmt = {
      ...publicRead,
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    };
    const { finding } = explain(read({ sourceIp: 'AWS Internal' }), viewOf(world(officeRead)));
    expect(finding.checks.find((k) => k.layer === 'bucket-policy-explicit-deny')).toEqual({
      layer: 'bucket-policy-explicit-deny',
      status: 'pass',
      detail:
        'no Deny statement of the bucket policy can match this request (only an Allow could not be decided)',
    });
  });

  it('a Deny that may match one need leaves the check unknown, even when the other need only has an undecided Allow', () => {
    const officeRead: Stmt = {
      ...publicRead,
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    };
    const officeWrites: Stmt = { ...officeOnly, Sid: 'DenyWritesOutsideOffice', Action: 's3:PutObject' };
    const copy = read({
      sourceIp: 'AWS Internal',
      eventName: 'CopyObject',
      key: 'copy.csv',
      params: { 'x-amz-copy-source': 'reports-bucket/q3.csv' },
    });
    const { finding } = explain(copy, viewOf(world(officeRead, officeWrites)));
    expect(finding.checks.find((k) => k.layer === 'bucket-policy-explicit-deny')?.status).toBe('unknown');
  });
});
