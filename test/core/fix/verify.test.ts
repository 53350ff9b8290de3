/**
 * "Verified" means the engine, re-run on the request with the patch applied, finds that the layer the fix targets
 * now allows (or, for a Deny removed from a resource policy, no longer denies), for every need of the request; what
 * would still deny is named. A patch that does not change the outcome is never verified.
 */
import type { CheckerInput } from '../../../lambdas/core/checkers/types';
import type { ActionNeed, NamedPolicy } from '../../../lambdas/core/model';
import { known, unknown } from '../../../lambdas/core/model';
import type {
  AuthorizationInput,
  AuthorizationResult,
  KmsAuthorizationInput,
  LayerResult,
} from '../../../lambdas/core/policy/types';
import { needsOf, remainingDenials, verifyKms, verifyS3 } from '../../../lambdas/core/fix/verify';
import { explain } from '../checkers/helpers';
import { kmsDecryptInput } from './kms-input';
import { A, B, doc, OU_A, OU_B, recordFor, roleArn, type Stmt, viewOf } from '../world';

const BUCKET = 'reports-bucket';
const Q3 = `arn:aws:s3:::${BUCKET}/q3.csv`;
const Q4 = `arn:aws:s3:::${BUCKET}/q4.csv`;
const APP = roleArn(A, 'AppRole');

const read = (resource: string): Stmt => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: resource });
const denyRead: Stmt = {
  Sid: 'DenyRead',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
};

/** AppRole (account A) reads q3.csv from a bucket of its own account. */
function inputFor(roleStatements: Stmt[], bucketPolicy: Stmt[] | null = null): CheckerInput {
  const view = viewOf({
    roles: [{ account: A, name: 'AppRole', statements: roleStatements }],
    buckets: { [BUCKET]: { account: A, policy: bucketPolicy, objects: { 'q3.csv': {}, 'q4.csv': {} } } },
  });
  const { request, facts } = explain(
    recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv' }),
    view,
  );
  return { request, facts, evaluations: [] };
}

const needOf = (resource: string, action = 's3:GetObject'): ActionNeed => ({
  action,
  resource,
  resourceType: 'object',
  bucket: BUCKET,
  key: resource.slice(resource.lastIndexOf('/') + 1),
});

/** The patch of an identity fix: one more inline policy with these statements. */
const withIdentity =
  (...statements: Stmt[]) =>
  (base: AuthorizationInput): AuthorizationInput => {
    const prior = base.identityPolicies?.status === 'known' ? base.identityPolicies.value : [];
    const added: NamedPolicy = {
      name: 's3-403-fix',
      source: 'identity-inline',
      document: doc(...statements),
    };
    return { ...base, identityPolicies: known([...prior, added]) };
  };
const unchanged = (base: AuthorizationInput): AuthorizationInput => base;
const noBucketPolicy = (base: AuthorizationInput): AuthorizationInput => ({
  ...base,
  bucketPolicy: known(null),
});

describe('verifyS3: a fix is verified only when re-evaluation with it applied allows on its layer', () => {
  it('verifies an identity Allow for the denied object, with nothing left denying', () => {
    const input = inputFor([]);
    expect(verifyS3(input, [needOf(Q3)], 'identity-policy', withIdentity(read(Q3)))).toEqual({
      verified: true,
    });
  });

  it('does not verify a patch that changes nothing, and names the layer that still gives no allow', () => {
    const input = inputFor([]);
    expect(verifyS3(input, [needOf(Q3)], 'identity-policy', unchanged)).toEqual({
      verified: false,
      stillDeniedBy: ['identity-policy (no allow)'],
    });
  });

  it('does not verify an Allow for another object or another action', () => {
    const input = inputFor([]);
    expect(verifyS3(input, [needOf(Q3)], 'identity-policy', withIdentity(read(Q4))).verified).toBe(false);
    expect(
      verifyS3(input, [needOf(Q3)], 'identity-policy', withIdentity({ ...read(Q3), Action: 's3:PutObject' }))
        .verified,
    ).toBe(false);
  });

  it('verifies only when every need is allowed: an Allow for one of two objects is not enough', () => {
    const input = inputFor([]);
    const needs = [needOf(Q3), needOf(Q3, 's3:GetObjectVersion')];
    const both = { ...read(Q3), Action: ['s3:GetObject', 's3:GetObjectVersion'] };
    expect(verifyS3(input, needs, 'identity-policy', withIdentity(read(Q3)))).toEqual({
      verified: false,
      stillDeniedBy: ['identity-policy (no allow)'],
    });
    expect(verifyS3(input, needs, 'identity-policy', withIdentity(both))).toEqual({ verified: true });
    expect(verifyS3(input, [...needs].reverse(), 'identity-policy', withIdentity(read(Q3))).verified).toBe(
      false,
    );
  });

  it('names each layer that still denies once, however many needs it denies', () => {
    const input = inputFor([]);
    const out = verifyS3(
      input,
      [needOf(Q3), needOf(Q3, 's3:GetObjectVersion')],
      'identity-policy',
      unchanged,
    );
    expect(out.stillDeniedBy).toEqual(['identity-policy (no allow)']);
  });

  it('verifies nothing when there is no need to re-evaluate', () => {
    expect(verifyS3(inputFor([]), [], 'identity-policy', withIdentity(read(Q3)))).toEqual({
      verified: false,
    });
  });

  it('names the bucket-policy Deny that still refuses the request after an identity Allow', () => {
    const input = inputFor([], [denyRead]);
    expect(verifyS3(input, [needOf(Q3)], 'identity-policy', withIdentity(read(Q3)))).toEqual({
      verified: true,
      stillDeniedBy: ['bucket-policy (explicit deny)'],
    });
  });

  it('a layer that still cannot be evaluated is named as such', () => {
    const input = inputFor([read(Q3)]);
    const out = verifyS3(input, [needOf(Q3)], 'identity-policy', (base) => ({
      ...base,
      bucketPolicy: unknown('notCollected', 'bucket policy not read'),
    }));
    expect(out.verified).toBe(true);
    expect(out.stillDeniedBy).toEqual(['bucket-policy (could not be evaluated)']);
  });

  describe('a Deny removed from a same-account bucket policy (the identity policy grants)', () => {
    const input = inputFor([read(Q3)], [denyRead]);

    it('is verified when the goal is that the bucket policy no longer denies', () => {
      expect(verifyS3(input, [needOf(Q3)], 'bucket-policy', noBucketPolicy, 'not-denied')).toEqual({
        verified: true,
      });
    });

    it('is not verified when the goal is an Allow from the bucket policy (it now has none)', () => {
      expect(verifyS3(input, [needOf(Q3)], 'bucket-policy', noBucketPolicy, 'allowed').verified).toBe(false);
      expect(verifyS3(input, [needOf(Q3)], 'bucket-policy', noBucketPolicy).verified).toBe(false);
    });

    it('is not verified while the Deny is still there, whatever the goal', () => {
      for (const goal of ['allowed', 'not-denied'] as const)
        expect(verifyS3(input, [needOf(Q3)], 'bucket-policy', unchanged, goal)).toEqual({
          verified: false,
          stillDeniedBy: ['bucket-policy (explicit deny)'],
        });
    });

    it('a bucket policy left without any statement for the caller does not deny it', () => {
      const exempted = (base: AuthorizationInput): AuthorizationInput => ({
        ...base,
        bucketPolicy: known({
          name: 'bucket-policy',
          source: 'bucket-policy',
          document: doc(read('arn:aws:s3:::other/*')),
        }),
      });
      expect(verifyS3(input, [needOf(Q3)], 'bucket-policy', exempted, 'not-denied')).toEqual({
        verified: true,
      });
      expect(verifyS3(input, [needOf(Q3)], 'bucket-policy', exempted, 'allowed').verified).toBe(false);
    });
  });

  it('a layer that takes no part in the request meets "not denied" but never "allowed"', () => {
    // the request names no object-lock action: the Object Lock layer is not in the decision at all
    const input = inputFor([read(Q3)]);
    expect(verifyS3(input, [needOf(Q3)], 'object-lock', unchanged, 'not-denied')).toEqual({ verified: true });
    expect(verifyS3(input, [needOf(Q3)], 'object-lock', unchanged, 'allowed')).toEqual({ verified: false });
  });
});

// IAM evaluation logic: within one account an Allow in the identity-based policy or in the resource-based policy
// is enough; across accounts both must allow
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
describe('what still denies after a fix: a layer without an Allow is named only when no other layer grants', () => {
  const other: Stmt = {
    Sid: 'OtherTeam',
    Effect: 'Allow',
    Principal: { AWS: roleArn(A, 'OtherRole') },
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${BUCKET}/*`,
  };
  const scpDeny: Stmt = { Sid: 'NoReads', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' };
  /** AppRole of `account` reads q3.csv from account A's bucket; an SCP denies reads in both accounts' OUs. */
  function world(account: string, statements: Stmt[] = [read(`arn:aws:s3:::${BUCKET}/*`)]): CheckerInput {
    const view = viewOf({
      roles: [{ account, name: 'AppRole', statements }],
      buckets: { [BUCKET]: { account: A, policy: [denyRead, other], objects: { 'q3.csv': {} } } },
      scps: [{ name: 'NoReads', targets: [OU_A, OU_B], statements: [scpDeny] }],
    });
    const { request, facts } = explain(
      recordFor({ account, role: 'AppRole', bucket: BUCKET, bucketAccount: A, key: 'q3.csv' }),
      view,
    );
    return { request, facts, evaluations: [] };
  }
  const withoutDeny = (base: AuthorizationInput): AuthorizationInput => ({
    ...base,
    bucketPolicy: known({ name: 'bucket policy', source: 'bucket-policy', document: doc(other) }),
  });

  it("same account: the role's own policy allows, so after the bucket-policy Deny is removed only the SCP still denies", () => {
    expect(verifyS3(world(A), [needOf(Q3)], 'bucket-policy', withoutDeny, 'not-denied')).toEqual({
      verified: true,
      stillDeniedBy: ['scp (explicit deny)'],
    });
  });

  it('another account: the bucket policy (or an ACL grant) must allow too, so their missing Allow is named with the SCP', () => {
    expect(verifyS3(world(B), [needOf(Q3)], 'bucket-policy', withoutDeny, 'not-denied')).toEqual({
      verified: true,
      stillDeniedBy: ['scp (explicit deny)', 'bucket-policy (no allow)', 'acl (no allow)'],
    });
  });

  // The bucket owner's side of a cross-account request is granted by the bucket policy or an ACL:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
  it("another account: once the bucket policy grants the caller, the ACL's missing grant is not named (the caller's own is)", () => {
    const grantsCaller = (base: AuthorizationInput): AuthorizationInput => ({
      ...base,
      bucketPolicy: known({
        name: 'bucket policy',
        source: 'bucket-policy',
        document: doc({ ...other, Principal: { AWS: roleArn(B, 'AppRole') } }),
      }),
    });
    // the role's own policy grants nothing either: both sides must allow across accounts
    expect(verifyS3(world(B, []), [needOf(Q3)], 'bucket-policy', grantsCaller)).toEqual({
      verified: true,
      stillDeniedBy: ['scp (explicit deny)', 'identity-policy (no allow)'],
    });
  });
});

describe('remainingDenials: what would still deny a request the engine did not allow', () => {
  const layer = (id: LayerResult['layer'], result: LayerResult['result']): LayerResult => ({
    layer: id,
    result,
    policies: [],
  });
  const result: AuthorizationResult = {
    decision: 'explicitly-denied',
    layers: [
      layer('scp', 'allowed'),
      layer('bucket-policy', 'explicitly-denied'),
      layer('identity-policy', 'implicitly-denied'),
      layer('session-policy', 'unknown'),
      layer('vpc-endpoint-policy', 'not-applicable'),
    ],
  };

  it('names explicit denies, missing allows and layers that could not be evaluated, in layer order', () => {
    expect(remainingDenials(result)).toEqual([
      'bucket-policy (explicit deny)',
      'identity-policy (no allow)',
      'session-policy (could not be evaluated)',
    ]);
  });

  it('leaves out the excluded layers', () => {
    expect(remainingDenials(result, ['bucket-policy', 'session-policy'])).toEqual([
      'identity-policy (no allow)',
    ]);
  });

  it('names nothing when the request is allowed (an implicit deny of one layer is then no refusal)', () => {
    expect(remainingDenials({ ...result, decision: 'allowed' })).toEqual([]);
  });

  it('names the layers when the decision itself is unknown', () => {
    expect(remainingDenials({ ...result, decision: 'unknown' })).toHaveLength(3);
  });
});

describe('verifyKms: a key-policy or grant fix is verified when the KMS call S3 makes is allowed', () => {
  const keyPolicy = (...statements: Stmt[]): NamedPolicy => ({
    name: 'default',
    source: 'kms-key-policy',
    document: doc(...statements),
  });
  const allowApp: Stmt = {
    Sid: 'AllowApp',
    Effect: 'Allow',
    Principal: { AWS: APP },
    Action: 'kms:Decrypt',
    Resource: '*',
  };
  const kmsInput = (policy: NamedPolicy, scpStatements: Stmt[] = []): KmsAuthorizationInput =>
    kmsDecryptInput({
      keyPolicy: known(policy),
      scpLevels: known(
        scpStatements.length === 0
          ? null
          : [{ target: A, policies: [{ name: 'Guard', source: 'scp', document: doc(...scpStatements) }] }],
      ),
    });

  it('verifies a key policy that names the caller for kms:Decrypt', () => {
    expect(verifyKms(kmsInput(keyPolicy(allowApp)), ['kms-key-policy', 'kms-grants'])).toEqual({
      verified: true,
    });
  });

  it('does not verify a key policy that still does not allow, and does not name the targeted layers', () => {
    const out = verifyKms(kmsInput(keyPolicy({ ...allowApp, Action: 'kms:Encrypt' })), [
      'kms-key-policy',
      'kms-grants',
    ]);
    expect(out.verified).toBe(false);
    expect(out.stillDeniedBy ?? []).not.toContain('kms-key-policy (no allow)');
    expect(out.stillDeniedBy ?? []).not.toContain('kms-grants (no allow)');
  });

  it('verifies the key policy fix and names the SCP that still denies the call', () => {
    const scpDeny: Stmt = { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' };
    const out = verifyKms(
      kmsInput(keyPolicy(allowApp), [{ Effect: 'Allow', Action: '*', Resource: '*' }, scpDeny]),
      ['kms-key-policy', 'kms-grants'],
    );
    expect(out.verified).toBe(true);
    expect(out.stillDeniedBy).toContain('scp (explicit deny)');
    expect(out.stillDeniedBy).not.toContain('kms-grants (no allow)');
  });
});

describe('needsOf: each action on each resource once', () => {
  it('keeps the first evaluation of an (action, resource) and drops repeats', () => {
    const result: AuthorizationResult = { decision: 'implicitly-denied', layers: [] };
    const a = needOf(Q3);
    const b = needOf(Q3, 's3:GetObjectVersion');
    const c = needOf(Q4);
    expect(
      needsOf([
        { need: a, result },
        { need: { ...a }, result },
        { need: b, result },
        { need: c, result },
        { need: { ...b }, result },
      ]),
    ).toEqual([a, b, c]);
  });
});
