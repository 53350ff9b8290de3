/**
 * What the bucket-policy layer says about a bucket policy that was read, could not be read or could not be parsed:
 * which statement allows or denies, when an Allow only names the account, and what is missing when a Deny may apply.
 * EVAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
 *   (within one account, an Allow in either the identity-based or the resource-based policy is enough; an explicit
 *   deny in any policy overrides the allow)
 * CROSS = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 *   (across accounts, both the identity-based policy and the resource-based policy must allow)
 * PRINCIPAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 *   (an AWS account principal in a resource-based policy delegates to that account's administrators, who grant
 *   through identity-based policies)
 * BPA = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 *   (RestrictPublicBuckets: a bucket with a public policy is reachable only by AWS service principals and authorized
 *   users of the bucket owner's account)
 */
import { known, unknown, type NamedPolicy } from '../../../../lambdas/core/model';
import { authorize } from '../../../../lambdas/core/policy/authorize';
import {
  ACCT,
  BUCKET_ARN,
  OBJECT_ARN,
  OTHER,
  allow,
  anonymous,
  bucketPolicy,
  deny,
  identity,
  input,
  layerOf,
  policy,
  request,
  roleSession,
} from './fixtures';

const OBJ = `${BUCKET_ARN}/*`;
const role = roleSession();
const partner = roleSession(OTHER);
const idGet = { identityPolicies: known([identity(allow('s3:GetObject'))]) };
const accountGrant = allow('s3:GetObject', OBJ, {
  Sid: 'Account',
  Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
});
const roleGrant = allow('s3:GetObject', OBJ, { Sid: 'App', Principal: { AWS: role.identityArn } });
/** A document S3 would not accept: its Statement is not a list of objects. */
const malformed: NamedPolicy = {
  name: 'bucket-policy',
  source: 'bucket-policy',
  document: { Version: '2012-10-17', Statement: 'oops' } as unknown as NamedPolicy['document'],
};

describe('which bucket-policy statement the layer names when it allows (EVAL, PRINCIPAL)', () => {
  it('a bucket policy that names the role itself allows the request on its own, and the layer names that statement', () => {
    const r = authorize(input(request(role), { bucketPolicy: known(bucketPolicy(roleGrant)) }));
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'bucket-policy')).toMatchObject({
      result: 'allowed',
      note: 'bucket-policy #1 (App) allows s3:GetObject',
    });
  });

  it('in the same account, an Allow that names only the account is said to delegate to the IAM policies', () => {
    const r = authorize(input(request(role), { ...idGet, bucketPolicy: known(bucketPolicy(accountGrant)) }));
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'bucket-policy').note).toBe(
      "bucket-policy #1 (Account) names the account: it only delegates to the account's IAM policies",
    );
  });

  it('an Allow naming the role beside one naming the account is a grant of its own, not a delegation', () => {
    const r = authorize(
      input(request(role), { ...idGet, bucketPolicy: known(bucketPolicy(accountGrant, roleGrant)) }),
    );
    expect(layerOf(r, 'bucket-policy').note).toBe('bucket-policy #1 (Account) allows s3:GetObject');
  });

  it('an Allow for the role that may not apply (a VPC the record does not tell) is not the statement named: the account Allow that applies is', () => {
    const fromVpc = allow('s3:GetObject', OBJ, {
      Sid: 'FromVpc',
      Principal: { AWS: role.identityArn },
      Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
    });
    const r = authorize(
      input(request(role, 's3:GetObject', OBJECT_ARN, {}, 'unknown'), {
        ...idGet,
        bucketPolicy: known(bucketPolicy(fromVpc, accountGrant)),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'bucket-policy').note).toBe(
      "bucket-policy #2 (Account) names the account: it only delegates to the account's IAM policies",
    );
  });
});

describe('a bucket policy whose Deny may apply, or that denies (EVAL, CROSS)', () => {
  it('another account allowed by the bucket policy, with a Deny whose VPC endpoint condition the record does not tell: undecided, naming the condition key', () => {
    const r = authorize(
      input(request(partner, 's3:GetObject', OBJECT_ARN, {}, 'unknown'), {
        ...idGet,
        bucketPolicy: known(
          bucketPolicy(
            allow('s3:GetObject', OBJ, { Sid: 'Partner', Principal: { AWS: partner.identityArn } }),
            deny('s3:*', OBJ, {
              Sid: 'VpcOnly',
              Principal: '*',
              Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
            }),
          ),
        ),
      }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'bucket-policy')).toMatchObject({
      result: 'unknown',
      note: 'bucket-policy #1 (Partner) allows s3:GetObject',
      missing: ['condition key aws:SourceVpce (bucket-policy #2 (VpcOnly))'],
    });
  });

  it('a Deny that names the caller is named as the statement that denies, also for a role with a permissions boundary', () => {
    const r = authorize(
      input(request(role), {
        ...idGet,
        permissionsBoundary: known(policy('Boundary', 'permissions-boundary', allow('s3:*'))),
        bucketPolicy: known(bucketPolicy(deny('s3:GetObject', OBJ, { Sid: 'NoReads', Principal: '*' }))),
      }),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(layerOf(r, 'bucket-policy')).toMatchObject({
      result: 'explicitly-denied',
      note: 'bucket-policy #1 (NoReads) denies s3:GetObject',
    });
  });
});

describe('a bucket policy that could not be read or parsed (EVAL, BPA)', () => {
  it('an unreadable bucket policy leaves the layer unknown, naming the policy and the permission the auditor lacks', () => {
    const r = authorize(
      input(request(role), {
        ...idGet,
        bucketPolicy: unknown('accessDenied', undefined, 's3:GetBucketPolicy'),
      }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'bucket-policy')).toMatchObject({
      result: 'unknown',
      note: 'could not read the bucket policy (accessDenied, needs s3:GetBucketPolicy)',
      missing: ['the bucket policy (accessDenied, needs s3:GetBucketPolicy)'],
    });
  });

  it('a bucket policy that cannot be parsed may hold a Deny: an identity Allow in the same account is not enough to allow', () => {
    const r = authorize(input(request(role), { ...idGet, bucketPolicy: known(malformed) }));
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'bucket-policy')).toMatchObject({
      result: 'unknown',
      note: 'the bucket policy may or may not allow s3:GetObject',
    });
  });

  it('an anonymous caller under RestrictPublicBuckets is denied whatever an unreadable bucket policy says (it may be public)', () => {
    const r = authorize(
      input(
        request(anonymous),
        { bucketPolicy: unknown('accessDenied', undefined, 's3:GetBucketPolicy') },
        { bucketPublicAccessBlock: known({ RestrictPublicBuckets: true }) },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'block-public-access')).toMatchObject({ result: 'unknown', leansDeny: true });
  });

  it('an anonymous caller under RestrictPublicBuckets is denied whatever a bucket policy that cannot be parsed says', () => {
    const r = authorize(
      input(
        request(anonymous),
        { bucketPolicy: known(malformed) },
        { bucketPublicAccessBlock: known({ RestrictPublicBuckets: true }) },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'block-public-access')).toMatchObject({ result: 'unknown', leansDeny: true });
  });
});
