/**
 * Who SCPs and RCPs apply to, and an organization path that could not be read.
 * SCPS = https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 * ("SCPs affect only IAM users and roles that are managed by accounts that are part of the organization. SCPs
 * don't affect resource-based policies directly"; "SCPs do not affect any service-linked role")
 * RCP = https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 * (RCPs restrict the resources of member accounts whoever the principal is, anonymous callers included;
 * they do not restrict service-linked roles)
 * EVAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * (an explicit Deny anywhere decides; without an Allow the request is implicitly denied; the root user of the
 * account has every permission there)
 */
import { known, unknown } from '../../../../lambdas/core/model';
import { authorize, type LayerId } from '../../../../lambdas/core/policy';
import {
  ACCT,
  BUCKET_ARN,
  allow,
  anonymous,
  bucketPolicy,
  deny,
  identity,
  input,
  orgPath,
  policy,
  request,
  roleSession,
  service,
} from './fixtures';

const OBJ = `${BUCKET_ARN}/*`;
const denyAllScp = policy('DenyS3', 'scp', deny('s3:*', '*', { Sid: 'NoS3' }));
const denyAllRcp = policy('DenyS3', 'rcp', deny('s3:*', '*', { Sid: 'NoS3', Principal: '*' }));
const layerResult = (r: ReturnType<typeof authorize>, id: LayerId) => r.layers.find((l) => l.layer === id);

describe('who SCPs apply to (SCPS)', () => {
  it('an SCP Deny does not stop an anonymous caller granted by a public bucket policy', () => {
    const r = authorize(
      input(request(anonymous), {
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: '*' }))),
        scpLevels: known(orgPath('scp', { 0: [denyAllScp] })),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerResult(r, 'scp')?.result).toBe('not-applicable');
  });

  it('an SCP Deny does not stop an AWS service principal granted by the bucket policy', () => {
    const r = authorize(
      input(request(service('cloudtrail.amazonaws.com')), {
        bucketPolicy: known(
          bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { Service: 'cloudtrail.amazonaws.com' } })),
        ),
        scpLevels: known(orgPath('scp', { 0: [denyAllScp] })),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerResult(r, 'scp')?.result).toBe('not-applicable');
  });

  it('SCPs that could not be read leave an IAM caller undecided, never allowed', () => {
    const r = authorize(
      input(request(roleSession()), {
        identityPolicies: known([identity(allow('s3:GetObject', OBJ))]),
        scpLevels: unknown('accessDenied'),
      }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerResult(r, 'scp')?.result).toBe('unknown');
  });

  it("SCPs that could not be read do not matter for an anonymous caller (SCPs apply to the organization's principals only)", () => {
    const r = authorize(
      input(request(anonymous), {
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: '*' }))),
        scpLevels: unknown('accessDenied'),
      }),
    );
    expect(r.decision).toBe('allowed');
  });
});

describe('who RCPs apply to (RCP)', () => {
  const slr = {
    ...roleSession(),
    identityArn: `arn:aws:iam::${ACCT}:role/aws-service-role/replication.s3.amazonaws.com/AWSServiceRoleForS3`,
  };

  it('an RCP Deny does not apply to a service-linked role', () => {
    const r = authorize(
      input(request(slr), {
        identityPolicies: known([identity(allow('s3:GetObject', OBJ))]),
        rcpLevels: known(orgPath('rcp', { 0: [denyAllRcp] })),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerResult(r, 'rcp')?.result).toBe('not-applicable');
  });

  it('the same RCP Deny applies to an ordinary role of the account', () => {
    const r = authorize(
      input(request(roleSession()), {
        identityPolicies: known([identity(allow('s3:GetObject', OBJ))]),
        rcpLevels: known(orgPath('rcp', { 0: [denyAllRcp] })),
      }),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(layerResult(r, 'rcp')?.result).toBe('explicitly-denied');
  });

  it('RCPs that could not be read leave even an anonymous caller undecided (RCPs apply whoever the caller is)', () => {
    const r = authorize(
      input(request(anonymous), {
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: '*' }))),
        rcpLevels: unknown('accessDenied'),
      }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerResult(r, 'rcp')?.result).toBe('unknown');
  });
});

describe('the root user and the IAM layers (EVAL)', () => {
  it('the root user of the bucket account is allowed without identity policies, and has no boundary or session policy', () => {
    const root = {
      type: 'Root' as const,
      arn: `arn:aws:iam::${ACCT}:root`,
      identityArn: `arn:aws:iam::${ACCT}:root`,
      accountId: ACCT,
    };
    const r = authorize(input(request(root), { identityPolicies: null }));
    expect(r.decision).toBe('allowed');
    expect(layerResult(r, 'identity-policy')?.result).toBe('allowed');
    expect(layerResult(r, 'permissions-boundary')?.result).toBe('not-applicable');
    expect(layerResult(r, 'session-policy')?.result).toBe('not-applicable');
  });

  it('identity policies that could not be read leave an IAM caller undecided', () => {
    const r = authorize(input(request(roleSession()), { identityPolicies: null }));
    expect(r.decision).toBe('unknown');
    expect(layerResult(r, 'identity-policy')?.result).toBe('unknown');
  });
});
