/**
 * The engine says whether the grant side (identity-based and resource-based policies, ACLs, KMS grants) lets a request
 * through, apart from the guardrails, so that a reader never calls one grant layer's missing Allow a denial when another
 * grant layer allows. IAM evaluation logic: within an account an Allow in either the identity-based or the
 * resource-based policy is enough; across accounts both must allow; SCPs, RCPs and VPC endpoint policies only limit
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 */
import { known, unknown } from '../../../../lambdas/core/model';
import { authorize } from '../../../../lambdas/core/policy';
import {
  allow,
  bucketPolicy,
  deny,
  identity,
  input,
  OBJECT_ARN,
  OTHER,
  orgPath,
  policy,
  request,
  roleSession,
} from './fixtures';

const scpDenyingReads = known(orgPath('scp', { 1: [policy('NoReads', 'scp', deny('s3:GetObject'))] }));

describe('the grant side of a decision, apart from the guardrails', () => {
  it("same account, only the role's policy allows: the grant side allows while the bucket policy has no Allow", () => {
    const r = authorize(
      input(request(roleSession()), {
        identityPolicies: known([identity(allow('s3:GetObject', OBJECT_ARN))]),
        bucketPolicy: known(
          bucketPolicy(
            allow('s3:GetObject', OBJECT_ARN, { Principal: { AWS: `arn:aws:iam::${OTHER}:root` } }),
          ),
        ),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(r.grant).toBe(true);
    expect(r.layers.find((l) => l.layer === 'bucket-policy')?.result).toBe('implicitly-denied');
  });

  it('same account, an SCP Deny: the request is denied but the grant side still allows (the guardrail is what denies)', () => {
    const r = authorize(
      input(request(roleSession()), {
        identityPolicies: known([identity(allow('s3:GetObject', OBJECT_ARN))]),
        scpLevels: scpDenyingReads,
      }),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(r.grant).toBe(true);
  });

  it('same account, only the bucket policy allows the role: the grant side allows', () => {
    const session = roleSession();
    const r = authorize(
      input(request(session), {
        bucketPolicy: known(
          bucketPolicy(allow('s3:GetObject', OBJECT_ARN, { Principal: { AWS: session.identityArn } })),
        ),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(r.grant).toBe(true);
  });

  it("another account, only the caller's own policy allows: the grant side does not (the bucket policy must allow too)", () => {
    const r = authorize(
      input(request(roleSession(OTHER)), {
        identityPolicies: known([identity(allow('s3:GetObject', OBJECT_ARN))]),
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(r.grant).toBe(false);
  });

  it('a bucket-policy Deny that may apply (a condition the record does not tell) grants nothing: denied', () => {
    const r = authorize(
      input(request(roleSession(), 's3:GetObject', OBJECT_ARN, {}, 'unknown'), {
        bucketPolicy: known(
          bucketPolicy(
            deny('s3:GetObject', OBJECT_ARN, {
              Principal: '*',
              Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
            }),
          ),
        ),
      }),
    );
    expect(r.grant).toBe(false);
    expect(r.decision).toBe('implicitly-denied');
  });

  it('nothing allows anywhere: the grant side does not allow', () => {
    const r = authorize(input(request(roleSession())));
    expect(r.decision).toBe('implicitly-denied');
    expect(r.grant).toBe(false);
  });

  it("the caller's policies could not be read and the bucket policy does not name it: the grant side is unknown", () => {
    const r = authorize(input(request(roleSession()), { identityPolicies: unknown('accessDenied') }));
    expect(r.grant).toBe('unknown');
    expect(r.decision).toBe('unknown');
  });
});
