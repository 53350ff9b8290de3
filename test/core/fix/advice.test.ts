/**
 * When a Deny matched because of how the request was made, the fix says how to make it differently. The statement
 * is the engine's trace of a real Deny matching a request (condition keys:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
 */
import { requestSideAdvice } from '../../../lambdas/core/fix/advice';
import { evaluate, request, statementDoc } from '../policy/language/helpers';

/** The trace of a Deny with one condition, matched by a request with `values`. */
function denyTrace(operator: string, key: string, policyValue: unknown, values: Record<string, string>) {
  const ev = evaluate(
    statementDoc({
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { [operator]: { [key]: policyValue } },
    }),
    request({ values }),
  );
  const st = ev.statements[0];
  if (!st) throw new Error('no statement traced');
  return st;
}

describe('requestSideAdvice', () => {
  it.each([
    ['Bool', 'aws:SecureTransport', 'false', 'false', 'send the request over HTTPS'],
    ['NumericLessThan', 's3:TlsVersion', '1.2', '1.1', 'use a newer TLS version'],
    [
      'NotIpAddress',
      'aws:SourceIp',
      '203.0.113.0/24',
      '198.51.100.7',
      'send the request from a network address',
    ],
    [
      'StringNotEquals',
      'aws:SourceVpce',
      'vpce-1a2b3c4d',
      'vpce-99999999',
      'send the request through the VPC endpoint',
    ],
    [
      'StringNotEquals',
      'aws:SourceVpc',
      'vpc-111bbb22',
      'vpc-99999999',
      'send the request through the VPC endpoint',
    ],
    [
      'NotIpAddress',
      'aws:VpcSourceIp',
      '10.0.0.0/16',
      '10.1.0.5',
      'send the request through the VPC endpoint',
    ],
    [
      'StringNotEquals',
      'aws:PrincipalOrgID',
      'o-a1b2c3d4e5',
      'o-other',
      'call as a principal of the organization',
    ],
    [
      'StringNotLike',
      'aws:PrincipalOrgPaths',
      'o-a1b2c3d4e5/*',
      'o-x/r-1/',
      'call as a principal of the organization',
    ],
    ['StringNotEquals', 'aws:ResourceOrgID', 'o-a1b2c3d4e5', 'o-other', 'use a bucket of the organization'],
    // set when the role is assumed (id_credentials_temp_control-access_monitor.html)
    [
      'StringNotLike',
      'aws:SourceIdentity',
      '*@example.com',
      'ci-bot',
      'assume the role with the source identity the statement requires',
    ],
    // the VPC endpoint owner keys (#condition-keys-vpceaccount, #condition-keys-vpceorgid, #condition-keys-vpceorgpaths)
    [
      'StringNotEquals',
      'aws:VpceAccount',
      '111122223333',
      '777788889999',
      'send the request through a VPC endpoint owned by an account the statement allows',
    ],
    [
      'StringNotEquals',
      'aws:VpceOrgID',
      'o-a1b2c3d4e5',
      'o-other',
      'send the request through a VPC endpoint owned by an account the statement allows',
    ],
    [
      'StringNotLike',
      'aws:VpceOrgPaths',
      'o-a1b2c3d4e5/*',
      'o-x/r-1/',
      'send the request through a VPC endpoint owned by an account the statement allows',
    ],
    [
      'StringNotLike',
      'aws:ResourceOrgPaths',
      'o-a1b2c3d4e5/*',
      'o-x/r-1/',
      'use a bucket of the organization',
    ],
    [
      'StringNotEquals',
      's3:x-amz-server-side-encryption',
      'aws:kms',
      'AES256',
      'send the server-side encryption headers',
    ],
    [
      'StringNotEquals',
      's3:x-amz-server-side-encryption-aws-kms-key-id',
      'arn:aws:kms:us-east-1:111122223333:key/k',
      'arn:x',
      'send the server-side encryption headers',
    ],
    [
      'StringEquals',
      's3:x-amz-acl',
      'public-read',
      'public-read',
      'send the ACL header the statement requires',
    ],
    ['StringLike', 's3:x-amz-grant-read', '*', 'uri=x', 'send the ACL header the statement requires'],
    ['BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', 'false', 'authenticate with MFA'],
    ['NumericGreaterThan', 'aws:MultiFactorAuthAge', '3600', '7200', 'authenticate with MFA'],
    [
      'StringNotEquals',
      'aws:RequestedRegion',
      'eu-west-1',
      'us-east-1',
      'call the Region the statement allows',
    ],
    ['StringNotEquals', 'aws:PrincipalTag/team', 'data', 'web', 'set the tag the statement requires'],
    ['StringNotEquals', 'aws:RequestTag/team', 'data', 'web', 'set the tag the statement requires'],
    [
      'StringNotEquals',
      's3:ExistingObjectTag/class',
      'public',
      'secret',
      'set the tag the statement requires',
    ],
    [
      'StringNotEquals',
      's3:RequestObjectTag/class',
      'public',
      'secret',
      'set the tag the statement requires',
    ],
    ['StringNotEquals', 'aws:ResourceTag/team', 'data', 'web', 'set the tag the statement requires'],
    [
      'NumericGreaterThan',
      's3:signatureAge',
      '600000',
      '900000',
      'sign the request the way the statement requires',
    ],
    ['StringNotEquals', 's3:authType', 'REST-HEADER', 'REST-QUERY-STRING', 'sign the request the way'],
    ['StringNotEquals', 's3:signatureversion', 'AWS4-HMAC-SHA256', 'AWS', 'sign the request the way'],
  ])('a Deny on %s %s: %s', (operator, key, policyValue, requestValue, advice) => {
    const st = denyTrace(operator, key, policyValue, { [key]: requestValue });
    expect(st.matched).toBe(true);
    const text = requestSideAdvice(st);
    expect(text).not.toBeNull();
    expect(text!.startsWith(advice)).toBe(true);
    // the advice quotes the condition that matched
    expect(text).toContain(`(${st.conditions[0]!.detail})`);
  });

  it('gives no advice for a condition the request cannot change', () => {
    const st = denyTrace('StringNotEquals', 'aws:PrincipalAccount', '111122223333', {
      'aws:PrincipalAccount': '444455556666',
    });
    expect(st.matched).toBe(true);
    expect(requestSideAdvice(st)).toBeNull();
    // look-alike keys are other keys
    for (const key of ['aws:SecureTransportX', 'x-aws:SourceIp', 'aws:SourceIpAddress', 'aws:PrincipalTagX'])
      expect(requestSideAdvice(denyTrace('StringEquals', key, 'v', { [key]: 'v' }))).toBeNull();
  });

  it('gives no advice for a Deny without conditions, or whose condition did not match', () => {
    const plain = evaluate(statementDoc({ Effect: 'Deny', Action: 's3:*', Resource: '*' }), request())
      .statements[0]!;
    expect(requestSideAdvice(plain)).toBeNull();
    const missed = denyTrace('Bool', 'aws:SecureTransport', 'false', { 'aws:SecureTransport': 'true' });
    expect(requestSideAdvice(missed)).toBeNull();
  });

  it('advises on the first condition that matched', () => {
    const ev = evaluate(
      statementDoc({
        Effect: 'Deny',
        Action: 's3:*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalAccount': '111122223333' },
          Bool: { 'aws:SecureTransport': 'false' },
        },
      }),
      request({ values: { 'aws:PrincipalAccount': '111122223333', 'aws:SecureTransport': 'false' } }),
    );
    expect(requestSideAdvice(ev.statements[0]!)).toMatch(/^send the request over HTTPS/);
  });
});
