/**
 * The goal of a verified fix, seen from the layer it targets: "not denied" is met by a layer that now allows as well
 * as by one that takes no part or gives no Allow; a KMS fix is met when the KMS call is allowed at all, or when the
 * layer it targets (key policy or grants) allows.
 */
import type { CheckerInput } from '../../../lambdas/core/checkers/types';
import type { ActionNeed, NamedPolicy } from '../../../lambdas/core/model';
import { known } from '../../../lambdas/core/model';
import type { AuthorizationInput, KmsAuthorizationInput } from '../../../lambdas/core/policy/types';
import { verifyKms, verifyS3 } from '../../../lambdas/core/fix/verify';
import { explain } from '../checkers/helpers';
import { KEY, kmsDecryptInput } from './kms-input';
import { A, doc, recordFor, roleArn, type Stmt, viewOf } from '../world';

const BUCKET = 'reports-bucket';
const Q3 = `arn:aws:s3:::${BUCKET}/q3.csv`;
const APP = roleArn(A, 'AppRole');
const need: ActionNeed = {
  action: 's3:GetObject',
  resource: Q3,
  resourceType: 'object',
  bucket: BUCKET,
  key: 'q3.csv',
};

function input(): CheckerInput {
  const view = viewOf({
    roles: [{ account: A, name: 'AppRole', statements: [] }],
    buckets: { [BUCKET]: { account: A, objects: { 'q3.csv': {} } } },
  });
  const { request, facts } = explain(
    recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv' }),
    view,
  );
  return { request, facts, evaluations: [] };
}

const allowRead = (base: AuthorizationInput): AuthorizationInput => ({
  ...base,
  identityPolicies: known([
    {
      name: 'fix',
      source: 'identity-inline',
      document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: Q3 }),
    },
  ]),
});

describe('verifyS3 goals', () => {
  it('a layer that now allows meets "not denied" too', () => {
    expect(verifyS3(input(), [need], 'identity-policy', allowRead, 'not-denied')).toEqual({ verified: true });
  });

  it('a layer that still gives no Allow meets "not denied" but not "allowed"', () => {
    const same = (base: AuthorizationInput) => base;
    expect(verifyS3(input(), [need], 'identity-policy', same, 'not-denied').verified).toBe(true);
    expect(verifyS3(input(), [need], 'identity-policy', same, 'allowed').verified).toBe(false);
  });
});

describe('verifyKms goals', () => {
  const kms = (statements: Stmt[], identity: Stmt[] = []): KmsAuthorizationInput =>
    kmsDecryptInput({
      keyPolicy: known<NamedPolicy>({
        name: 'default',
        source: 'kms-key-policy',
        document: doc(...statements),
      }),
      identityPolicies: known([{ name: 'id', source: 'identity-inline', document: doc(...identity) }]),
      encryptionContext: { 'aws:s3:arn': Q3 },
    });
  const direct: Stmt = { Effect: 'Allow', Principal: { AWS: APP }, Action: 'kms:Decrypt', Resource: '*' };

  it('a grants fix is verified when the KMS call is allowed, even if the grants layer itself allows nothing', () => {
    expect(verifyKms(kms([direct]), ['kms-grants'])).toEqual({ verified: true });
  });

  it('a key-policy fix is verified when the key policy allows, though the identity policy still gives no Allow', () => {
    // the key policy trusts the account: the identity policy must also allow (key-policy-default-allow-root-enable-iam)
    const root: Stmt = {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${A}:root` },
      Action: 'kms:*',
      Resource: '*',
    };
    const out = verifyKms(kms([root]), ['kms-grants', 'kms-key-policy']);
    expect(out.verified).toBe(true);
    expect(out.stillDeniedBy).toEqual(['identity-policy (no allow)']);
    expect(
      verifyKms(kms([root], [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }]), ['kms-key-policy']),
    ).toEqual({
      verified: true,
    });
  });

  it('is not verified when neither the call nor any targeted layer allows', () => {
    expect(verifyKms(kms([]), ['kms-key-policy']).verified).toBe(false);
    expect(verifyKms(kms([]), []).verified).toBe(false);
  });
});
