/**
 * KMS authorization for the calls S3 makes with SSE-KMS.
 * KEYPOL = https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 * CONTROL = https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html ("To use an IAM policy to allow
 *   access to a KMS key, the key policy must explicitly allow it")
 * XACCT = https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 * GRANTS = https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
 * RCPKMS = https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html
 */
import { known, unknown, type KmsGrant } from '../../../../lambdas/core/model';
import {
  authorizeKms,
  type AuthorizationResult,
  type KmsAuthorizationInput,
  type LayerId,
  type LayerOutcome,
} from '../../../../lambdas/core/policy';
import {
  ACCT,
  EC,
  KEY,
  OTHER,
  allow,
  deny,
  identity,
  keyPolicy,
  kmsInput,
  orgPath,
  policy,
  roleSession,
  trustAccount,
} from './fixtures';

const role = roleSession();
const foreign = roleSession(OTHER, 'Partner');
const idDecrypt = identity(allow('kms:Decrypt', KEY));

interface Case {
  readonly name: string;
  readonly input: KmsAuthorizationInput;
  readonly decision: AuthorizationResult['decision'];
  readonly layer?: LayerId;
  readonly result?: LayerOutcome;
  readonly note?: RegExp;
}

const grant = (over: Partial<KmsGrant> = {}): KmsGrant => ({
  GranteePrincipal: role.identityArn as string,
  Operations: ['Decrypt', 'GenerateDataKey'],
  Name: 'g1',
  ...over,
});

describe('authorizeKms', () => {
  it.each<Case>([
    {
      name: 'key policy trusts the account and the identity policy allows (KEYPOL)',
      input: kmsInput(role, { identityPolicies: known([idDecrypt]) }),
      decision: 'allowed',
      layer: 'kms-key-policy',
      result: 'allowed',
      note: /delegates/,
    },
    {
      name: 'key policy trusts the account but no identity Allow: denied (KEYPOL)',
      input: kmsInput(role),
      decision: 'implicitly-denied',
      layer: 'identity-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'an identity Allow without a key policy that trusts the account: denied (CONTROL)',
      input: kmsInput(role, {
        keyPolicy: known(
          keyPolicy(allow('kms:*', '*', { Principal: { AWS: `arn:aws:iam::${ACCT}:role/Admin` } })),
        ),
        identityPolicies: known([idDecrypt]),
      }),
      decision: 'implicitly-denied',
      layer: 'kms-key-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'a key policy naming the role allows without an identity policy (CONTROL)',
      input: kmsInput(role, {
        keyPolicy: known(keyPolicy(allow('kms:Decrypt', '*', { Principal: { AWS: role.identityArn } }))),
      }),
      decision: 'allowed',
      layer: 'kms-key-policy',
      result: 'allowed',
      note: /^key-policy #1 allows kms:Decrypt$/,
    },
    {
      name: 'a key policy that trusts the account and also names the role allows the role by itself (CONTROL)',
      input: kmsInput(role, {
        keyPolicy: known(
          keyPolicy(trustAccount(ACCT), allow('kms:Decrypt', '*', { Principal: { AWS: role.identityArn } })),
        ),
      }),
      decision: 'allowed',
      layer: 'kms-key-policy',
      result: 'allowed',
      note: /allows kms:Decrypt$/,
    },
    {
      name: 'a key policy Deny denies',
      input: kmsInput(role, {
        identityPolicies: known([idDecrypt]),
        keyPolicy: known(
          keyPolicy(trustAccount(ACCT), deny('kms:Decrypt', '*', { Sid: 'NoDecrypt', Principal: '*' })),
        ),
      }),
      decision: 'explicitly-denied',
      layer: 'kms-key-policy',
      result: 'explicitly-denied',
    },
    {
      name: 'cross-account: key policy trusts the caller account and its identity policy allows (XACCT)',
      input: kmsInput(foreign, {
        keyPolicy: known(keyPolicy(trustAccount(ACCT), trustAccount(OTHER))),
        identityPolicies: known([idDecrypt]),
      }),
      decision: 'allowed',
    },
    {
      name: 'cross-account: key policy names the caller but no identity Allow (XACCT)',
      input: kmsInput(foreign, {
        keyPolicy: known(keyPolicy(allow('kms:Decrypt', '*', { Principal: { AWS: foreign.identityArn } }))),
      }),
      decision: 'implicitly-denied',
      layer: 'identity-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'cross-account: identity Allow but the key policy does not name the account (XACCT)',
      input: kmsInput(foreign, { identityPolicies: known([idDecrypt]) }),
      decision: 'implicitly-denied',
      layer: 'kms-key-policy',
      result: 'implicitly-denied',
    },
    {
      name: 'an AWS managed key cannot be used from another account',
      input: kmsInput(foreign, {
        keyManager: 'AWS',
        keyPolicy: known(keyPolicy(allow('kms:*', '*', { Principal: { AWS: '*' } }))),
        identityPolicies: known([idDecrypt]),
      }),
      decision: 'implicitly-denied',
      layer: 'kms-key-policy',
      result: 'implicitly-denied',
      note: /AWS managed key/,
    },
    {
      name: 'a grant to the role with the operation allows without key policy or IAM allow (GRANTS)',
      input: kmsInput(role, { keyPolicy: known(keyPolicy()), grants: known([grant()]) }),
      decision: 'allowed',
      layer: 'kms-grants',
      result: 'allowed',
    },
    {
      name: 'a grant without the operation does not allow (GRANTS)',
      input: kmsInput(role, {
        keyPolicy: known(keyPolicy()),
        grants: known([grant({ Operations: ['Encrypt'] })]),
      }),
      decision: 'implicitly-denied',
      layer: 'kms-grants',
      result: 'implicitly-denied',
      note: /does not include Decrypt/,
    },
    {
      name: 'a grant with a matching EncryptionContextSubset allows (GRANTS)',
      input: kmsInput(role, {
        keyPolicy: known(keyPolicy()),
        grants: known([grant({ Constraints: { EncryptionContextSubset: EC } })]),
      }),
      decision: 'allowed',
    },
    {
      name: 'a grant with a different EncryptionContextEquals does not allow (GRANTS)',
      input: kmsInput(role, {
        keyPolicy: known(keyPolicy()),
        grants: known([
          grant({ Constraints: { EncryptionContextEquals: { 'aws:s3:arn': 'arn:aws:s3:::other/k' } } }),
        ]),
      }),
      decision: 'implicitly-denied',
      layer: 'kms-grants',
      result: 'implicitly-denied',
      note: /encryption-context/,
    },
    {
      name: 'a disabled key is denied with a note',
      input: kmsInput(role, { identityPolicies: known([idDecrypt]), keyState: 'Disabled' }),
      decision: 'explicitly-denied',
      layer: 'kms-key-policy',
      result: 'explicitly-denied',
      note: /Disabled/,
    },
    {
      name: 'a key pending deletion is denied',
      input: kmsInput(role, { identityPolicies: known([idDecrypt]), keyState: 'PendingDeletion' }),
      decision: 'explicitly-denied',
      layer: 'kms-key-policy',
      result: 'explicitly-denied',
    },
    {
      name: 'an SCP Deny applies to KMS',
      input: kmsInput(role, {
        identityPolicies: known([idDecrypt]),
        scpLevels: known(orgPath('scp', { 1: [policy('NoKms', 'scp', allow('*'), deny('kms:Decrypt'))] })),
      }),
      decision: 'explicitly-denied',
      layer: 'scp',
      result: 'explicitly-denied',
    },
    {
      name: 'the permissions boundary applies to KMS',
      input: kmsInput(role, {
        identityPolicies: known([idDecrypt]),
        permissionsBoundary: known(policy('B', 'permissions-boundary', allow('s3:*'))),
      }),
      decision: 'implicitly-denied',
      layer: 'permissions-boundary',
      result: 'implicitly-denied',
    },
    {
      name: 'RCPs do not apply to AWS managed keys (RCPKMS)',
      input: kmsInput(role, {
        keyManager: 'AWS',
        identityPolicies: known([idDecrypt]),
        rcpLevels: known(
          orgPath('rcp', { 0: [policy('NoKms', 'rcp', deny('kms:*', '*', { Principal: '*' }))] }),
        ),
      }),
      decision: 'allowed',
      layer: 'rcp',
      result: 'not-applicable',
      note: /AWS managed keys/,
    },
    {
      name: 'RCPs apply to customer managed keys',
      input: kmsInput(role, {
        identityPolicies: known([idDecrypt]),
        rcpLevels: known(
          orgPath('rcp', { 0: [policy('NoKms', 'rcp', deny('kms:*', '*', { Principal: '*' }))] }),
        ),
      }),
      decision: 'explicitly-denied',
      layer: 'rcp',
      result: 'explicitly-denied',
    },
    {
      name: 'an unreadable key policy gives unknown, never allowed',
      input: kmsInput(role, {
        identityPolicies: known([idDecrypt]),
        keyPolicy: unknown('accessDenied', undefined, 'kms:GetKeyPolicy'),
      }),
      decision: 'unknown',
      layer: 'kms-key-policy',
      result: 'unknown',
    },
    {
      name: 'unreadable grants with no other allow give unknown',
      input: kmsInput(role, {
        keyPolicy: known(keyPolicy()),
        grants: unknown('accessDenied', undefined, 'kms:ListGrants'),
      }),
      decision: 'unknown',
      layer: 'kms-grants',
      result: 'unknown',
    },
  ])('$name', (c) => {
    const r = authorizeKms(c.input);
    expect(r.decision).toBe(c.decision);
    if (c.layer) {
      const l = r.layers.find((x) => x.layer === c.layer);
      expect(l?.result).toBe(c.result);
      if (c.note) expect(l?.note).toMatch(c.note);
    }
  });

  it('lists its layers in evaluation order', () => {
    expect(authorizeKms(kmsInput()).layers.map((l) => l.layer)).toEqual([
      'rcp',
      'scp',
      'kms-key-policy',
      'kms-grants',
      'identity-policy',
      'permissions-boundary',
      'session-policy',
    ]);
  });
});
