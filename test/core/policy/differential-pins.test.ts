/**
 * Pins of the differential test (docs/DIFFERENTIAL.md, `npm run differential`): for each class of disagreement
 * where AWS's documentation shows the independent engine (@cloud-copilot/iam-simulate) wrong, the minimal example
 * the differential found, with the decision AWS documents. Our engine must keep deciding these as AWS does.
 */
import { known } from '../../../lambdas/core/model';
import { authorize } from '../../../lambdas/core/policy';
import {
  ACCT,
  OTHER,
  allow,
  anonymous,
  bucketPolicy,
  deny,
  identity,
  iamUser,
  input,
  policy,
  request,
  roleSession,
} from './authorize/fixtures';

const decide = (...args: Parameters<typeof input>) => authorize(input(...args)).decision;

// Session policies: a resource-based policy that names the session ARN grants after the session is created and is
// not limited by the session policy; one that names the role ARN is limited by it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
describe('differential pins: session policies and resource-based policies', () => {
  const session = roleSession(ACCT, 'App', 'sess');
  const sessionPolicy = known(policy('session policy', 'session', allow('s3:ListBucket')));
  const grantTo = (principal: unknown) =>
    known(bucketPolicy(allow('s3:GetObject', '*', { Principal: principal })));

  it('a bucket policy naming the session ARN allows although the session policy does not', () => {
    expect(decide(request(session), { sessionPolicy, bucketPolicy: grantTo({ AWS: session.arn }) })).toBe(
      'allowed',
    );
  });

  it('a bucket policy naming only the role ARN is limited by the session policy', () => {
    expect(
      decide(request(session), {
        sessionPolicy,
        bucketPolicy: grantTo({ AWS: `arn:aws:iam::${ACCT}:role/App` }),
      }),
    ).toBe('implicitly-denied');
  });
});

describe('differential pins: AWS behaviour where the independent engine differs', () => {
  // IP address condition operators take standard CIDR blocks; 0.0.0.0/0 is the block of every IPv4 address.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
  it('IpAddress 0.0.0.0/0 matches every IPv4 source address (the CIDR block of all IPv4 addresses)', () => {
    const req = request(iamUser(), 's3:GetObject', undefined, { 'aws:SourceIp': '198.51.100.20' });
    const grant = identity(
      allow('s3:GetObject', '*', { Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }),
    );
    expect(decide(req, { identityPolicies: known([grant]) })).toBe('allowed');
  });

  it('NotIpAddress 0.0.0.0/0 in a Deny denies no IPv4 caller', () => {
    const req = request(iamUser(), 's3:GetObject', undefined, { 'aws:SourceIp': '192.0.2.33' });
    const policies = [
      identity(allow('s3:GetObject')),
      identity(deny('s3:GetObject', '*', { Condition: { NotIpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } })),
    ];
    expect(decide(req, { identityPolicies: known(policies) })).toBe('allowed');
  });

  // aws:SourceIp carries IPv4 or IPv6 addresses; NotIpAddress is true when the address is in none of the blocks, so
  // an IPv6 caller is outside an IPv4-only list.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
  it('NotIpAddress with only IPv4 blocks is true for an IPv6 caller (a Deny on it applies)', () => {
    const req = request(iamUser(), 's3:GetObject', undefined, { 'aws:SourceIp': '2001:db8::1' });
    const policies = [
      identity(allow('s3:GetObject')),
      identity(
        deny('s3:GetObject', '*', { Condition: { NotIpAddress: { 'aws:SourceIp': '198.51.100.20' } } }),
      ),
    ];
    expect(decide(req, { identityPolicies: known(policies) })).toBe('explicitly-denied');
  });

  // Date condition operators accept ISO 8601 dates and epoch (UNIX) time, and aws:EpochTime is a date key: the
  // request's epoch seconds compare as that instant. 1795173600 is 2026-11-20T10:00:00Z, after 2026-06-01.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-epochtime
  it('DateLessThanEquals compares aws:EpochTime (epoch seconds) with an ISO 8601 date as instants', () => {
    const req = request(iamUser(), 's3:GetObject', undefined, { 'aws:EpochTime': '1795173600' });
    const before = identity(
      allow('s3:GetObject', '*', {
        Condition: { DateLessThanEquals: { 'aws:EpochTime': '2026-06-01T00:00:00Z' } },
      }),
    );
    const after = identity(
      allow('s3:GetObject', '*', {
        Condition: { DateGreaterThan: { 'aws:EpochTime': '2026-06-01T00:00:00Z' } },
      }),
    );
    expect(decide(req, { identityPolicies: known([before]) })).toBe('implicitly-denied');
    expect(decide(req, { identityPolicies: known([after]) })).toBe('allowed');
  });

  // NotPrincipal with Deny: AWS may validate the account, then the role, then the assumed-role session; a caller is
  // spared only when the statement names it at every level it is validated at (account AND user, or account AND
  // role AND session). Naming only the account does not spare a user or a role session of that account.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
  it('a Deny with NotPrincipal naming only the account still denies a user of that account', () => {
    const req = request(iamUser(ACCT, 'bob'));
    const policy = bucketPolicy(
      allow('s3:GetObject', '*', { Principal: '*' }),
      deny('s3:GetObject', '*', { NotPrincipal: { AWS: [`arn:aws:iam::${ACCT}:user/alice`, ACCT] } }),
    );
    expect(decide(req, { bucketPolicy: known(policy) })).toBe('explicitly-denied');
  });

  it('a Deny with NotPrincipal naming only the account root still denies a role session of that account', () => {
    const req = request(roleSession(OTHER, 'Reader', 'sess-1'));
    const policy = bucketPolicy(
      allow('s3:GetObject', '*', { Principal: '*' }),
      deny('s3:GetObject', '*', { NotPrincipal: { AWS: [`arn:aws:iam::${OTHER}:root`] } }),
    );
    expect(
      decide(req, { bucketPolicy: known(policy), identityPolicies: known([identity(allow('s3:*'))]) }),
    ).toBe('explicitly-denied');
  });

  it('a Deny with NotPrincipal naming the account, the role and the session spares that session', () => {
    const session = roleSession(OTHER, 'Reader', 'sess-1');
    const req = request(session);
    const policy = bucketPolicy(
      allow('s3:GetObject', '*', { Principal: '*' }),
      deny('s3:GetObject', '*', {
        NotPrincipal: {
          AWS: [`arn:aws:iam::${OTHER}:root`, `arn:aws:iam::${OTHER}:role/Reader`, session.arn],
        },
      }),
    );
    expect(
      decide(req, { bucketPolicy: known(policy), identityPolicies: known([identity(allow('s3:*'))]) }),
    ).toBe('allowed');
  });

  // RestrictPublicBuckets: only AWS service principals and authorized users of the bucket owner's account may use a
  // public bucket policy's grant. No Deny statement is involved: the grant does not count, so the request is denied
  // for want of a grant (iam-simulate reports this as an explicit deny; both deny).
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
  it('RestrictPublicBuckets ignores a public bucket policy for an anonymous caller', () => {
    const result = authorize(
      input(
        request(anonymous),
        { bucketPolicy: known(bucketPolicy(allow('*', '*', { Principal: '*' }))) },
        { accountPublicAccessBlock: known({ RestrictPublicBuckets: true }) },
      ),
    );
    expect(result.decision).toBe('implicitly-denied');
    expect(result.layers.find((l) => l.layer === 'block-public-access')?.result).toBe('implicitly-denied');
  });
});
