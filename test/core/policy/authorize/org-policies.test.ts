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

/**
 * What each guardrail layer says when it does not apply to the caller.
 * BOUNDARY = https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html (a permissions boundary
 * is set on an IAM user or role); SESSION = https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 */
describe('layers that do not apply to the caller say why (SCPS, BOUNDARY, SESSION)', () => {
  const publicRead = known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: '*' })));
  const notes = (r: ReturnType<typeof authorize>) =>
    Object.fromEntries(r.layers.map((l) => [l.layer, `${l.result}: ${l.note}`]));

  it('an anonymous caller: no SCP, no identity-based policy, no boundary, no session policy', () => {
    const n = notes(authorize(input(request(anonymous), { bucketPolicy: publicRead })));
    expect(n).toMatchObject({
      scp: 'not-applicable: SCPs do not apply to anonymous callers',
      'identity-policy': 'not-applicable: an anonymous caller has no identity-based policies',
      'permissions-boundary': 'not-applicable: no permissions boundary for an anonymous caller',
      'session-policy': 'not-applicable: no session policy for an anonymous caller',
    });
  });

  it('an AWS service principal: no SCP, no identity-based policy, no boundary, no session policy', () => {
    const n = notes(
      authorize(input(request(service('cloudfront.amazonaws.com')), { bucketPolicy: publicRead })),
    );
    expect(n).toMatchObject({
      scp: 'not-applicable: SCPs do not apply to AWS service principals',
      'identity-policy': 'not-applicable: an AWS service principal has no identity-based policies',
      'permissions-boundary': 'not-applicable: no permissions boundary for an AWS service principal',
      'session-policy': 'not-applicable: no session policy for an AWS service principal',
    });
  });

  it("the account's root user: every permission in its account, no boundary, no session policy (EVAL)", () => {
    const root = {
      type: 'Root' as const,
      arn: `arn:aws:iam::${ACCT}:root`,
      identityArn: `arn:aws:iam::${ACCT}:root`,
      accountId: ACCT,
    };
    const n = notes(authorize(input(request(root))));
    expect(n).toMatchObject({
      'identity-policy': 'allowed: the root user has every permission in its own account',
      'permissions-boundary': 'not-applicable: no permissions boundary for the root user',
      'session-policy': 'not-applicable: no session policy for the root user',
    });
  });

  it('a role with no identity-based policy: the identity layer says so; a role without a boundary or session policy too', () => {
    const n = notes(authorize(input(request(roleSession()))));
    expect(n).toMatchObject({
      'identity-policy': `implicitly-denied: arn:aws:iam::${ACCT}:role/App has no identity-based policies`,
      'permissions-boundary': 'not-applicable: the principal has no permissions boundary',
      'session-policy': 'not-applicable: the session was created without a session policy',
    });
  });
});
