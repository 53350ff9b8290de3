/**
 * The KMS call S3 makes for SSE-KMS: what the key policy and grants layers tell the user.
 * GRANTS = https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
 * CONSTRAINTS = https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html ("in a grant
 *   constraint, the key in each key-value pair is not case sensitive, but the value is case sensitive")
 * KEYPOL = https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 * MANAGED = https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 * KEYSTATE = https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
 * ANON = https://repost.aws/knowledge-center/s3-kms-signature-version-error (an anonymous request for an SSE-KMS
 *   object fails: KMS needs a Signature Version 4 request) and
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html ("All GET and PUT requests for an object
 *   protected by KMS fail if they're not made via SSL or using SigV4")
 */
import { known, unknown, type KmsGrant } from '../../../../lambdas/core/model';
import { authorizeKms } from '../../../../lambdas/core/policy';
import type { EnginePrincipal, KmsAuthorizationInput } from '../../../../lambdas/core/policy/types';
import {
  ACCT,
  EC,
  KEY,
  OTHER,
  allow,
  anonymous,
  deny,
  identity,
  keyPolicy,
  kmsInput,
  policy,
  roleSession,
  service,
  trustAccount,
  layerOf,
} from './fixtures';

const role = roleSession();
const foreign = roleSession(OTHER, 'Partner');
const grant = (over: Partial<KmsGrant> = {}): KmsGrant => ({
  GranteePrincipal: role.identityArn as string,
  Operations: ['Decrypt', 'GenerateDataKey'],
  Name: 'g1',
  ...over,
});
const noKeyPolicyAllow = { keyPolicy: known(keyPolicy()) };

describe('KMS grants (GRANTS, CONSTRAINTS)', () => {
  it('a grant that allows names itself, its grantee and the operation', () => {
    const r = authorizeKms(kmsInput(role, { ...noKeyPolicyAllow, grants: known([grant()]) }));
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'kms-grants')).toMatchObject({
      result: 'allowed',
      note: `grant g1 gives ${role.identityArn} kms:Decrypt`,
    });
  });

  it('a grant without a name is named by its id, else by its position', () => {
    const byId = authorizeKms(
      kmsInput(role, { ...noKeyPolicyAllow, grants: known([grant({ Name: undefined, GrantId: 'abc123' })]) }),
    );
    expect(layerOf(byId, 'kms-grants').note).toMatch(/^grant abc123 gives/);
    const byPosition = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([
          grant({ GranteePrincipal: 'arn:aws:iam::999999999999:role/X' }),
          grant({ Name: undefined }),
        ]),
      }),
    );
    expect(layerOf(byPosition, 'kms-grants').note).toMatch(/^grant #2 gives/);
  });

  it('operation names in a grant are matched whatever their case', () => {
    const r = authorizeKms(
      kmsInput(role, { ...noKeyPolicyAllow, grants: known([grant({ Operations: ['decrypt'] })]) }),
    );
    expect(r.decision).toBe('allowed');
  });

  it('a grant to the session ARN of the caller allows', () => {
    const r = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([grant({ GranteePrincipal: role.arn as string })]),
      }),
    );
    expect(r.decision).toBe('allowed');
  });

  it("a grant to the caller's account needs the account's IAM policies to allow too", () => {
    const toAccount = known([grant({ GranteePrincipal: `arn:aws:iam::${ACCT}:root` })]);
    const without = authorizeKms(kmsInput(role, { ...noKeyPolicyAllow, grants: toAccount }));
    expect(without.decision).toBe('implicitly-denied');
    const withIam = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: toAccount,
        identityPolicies: known([identity(allow('kms:Decrypt', KEY))]),
      }),
    );
    expect(withIam.decision).toBe('allowed');
    expect(layerOf(withIam, 'kms-grants').result).toBe('allowed');
    const byId = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([grant({ GranteePrincipal: ACCT })]),
        identityPolicies: known([identity(allow('kms:Decrypt', KEY))]),
      }),
    );
    expect(byId.decision).toBe('allowed');
  });

  it("a grant to the caller's account when its IAM policies could not be read: the grant may allow", () => {
    const r = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([grant({ GranteePrincipal: `arn:aws:iam::${ACCT}:root` })]),
        identityPolicies: unknown('accessDenied'),
      }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'kms-grants')).toMatchObject({
      result: 'unknown',
      note: 'a grant to the account needs its IAM policies to allow too',
      missing: ['the identity-based policies, boundary or session policy'],
    });
  });

  it('a key without grants: the grants layer says so', () => {
    const r = authorizeKms(kmsInput(role, noKeyPolicyAllow));
    expect(layerOf(r, 'kms-grants')).toMatchObject({
      result: 'implicitly-denied',
      note: 'the key has no grants',
    });
  });

  it('grants to other principals only: the layer says no grant names the caller', () => {
    const r = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([grant({ GranteePrincipal: 'arn:aws:iam::999999999999:role/X' })]),
      }),
    );
    expect(layerOf(r, 'kms-grants').note).toBe(`no grant names ${role.identityArn}`);
  });

  it('a grant without the operation names the missing operation without its kms: prefix', () => {
    const r = authorizeKms(
      kmsInput(role, { ...noKeyPolicyAllow, grants: known([grant({ Operations: ['Encrypt'] })]) }),
    );
    expect(layerOf(r, 'kms-grants').note).toBe(`grant g1 to ${role.identityArn} does not include Decrypt`);
  });

  it('the first near miss is the one reported', () => {
    const r = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([grant({ Operations: ['Encrypt'] }), grant({ Name: 'g2', Operations: ['Sign'] })]),
      }),
    );
    expect(layerOf(r, 'kms-grants').note).toMatch(/^grant g1 /);
  });

  it('EncryptionContextEquals needs exactly the same pairs: an extra pair in the request does not match', () => {
    const r = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([grant({ Constraints: { EncryptionContextEquals: EC } })]),
        encryptionContext: { ...EC, extra: 'x' },
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'kms-grants').note).toBe(
      'grant g1 to arn:aws:iam::111122223333:role/App: its encryption-context constraint does not match {"aws:s3:arn":"arn:aws:s3:::my-bucket/k","extra":"x"}',
    );
  });

  it('EncryptionContextEquals with as many pairs but one value different does not match (CONSTRAINTS)', () => {
    const r = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([grant({ Constraints: { EncryptionContextEquals: { ...EC, dept: 'finance' } } })]),
        encryptionContext: { ...EC, dept: 'sales' },
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'kms-grants').note).toMatch(/encryption-context constraint does not match/);
  });

  it('EncryptionContextEquals with the same pairs allows', () => {
    const r = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([grant({ Constraints: { EncryptionContextEquals: EC } })]),
      }),
    );
    expect(r.decision).toBe('allowed');
  });

  it('EncryptionContextSubset: every pair of the constraint must be in the request, with the same value', () => {
    const r = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([grant({ Constraints: { EncryptionContextSubset: { ...EC, dept: 'a' } } })]),
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    const caseOfValue = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([
          grant({ Constraints: { EncryptionContextSubset: { 'aws:s3:arn': 'ARN:AWS:S3:::MY-BUCKET/K' } } }),
        ]),
      }),
    );
    expect(caseOfValue.decision).toBe('implicitly-denied');
  });

  it('the keys of a grant constraint are not case sensitive (CONSTRAINTS)', () => {
    const subset = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([
          grant({ Constraints: { EncryptionContextSubset: { 'AWS:S3:ARN': EC['aws:s3:arn'] } } }),
        ]),
      }),
    );
    expect(subset.decision).toBe('allowed');
    const equals = authorizeKms(
      kmsInput(role, {
        ...noKeyPolicyAllow,
        grants: known([
          grant({ Constraints: { EncryptionContextEquals: { 'AWS:S3:Arn': EC['aws:s3:arn'] } } }),
        ]),
      }),
    );
    expect(equals.decision).toBe('allowed');
  });

  it('grants that could not be read do not matter when the key policy already allows', () => {
    const r = authorizeKms(
      kmsInput(role, {
        identityPolicies: known([identity(allow('kms:Decrypt', KEY))]),
        grants: unknown('accessDenied', undefined, 'kms:ListGrants'),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'kms-grants')).toMatchObject({
      result: 'not-applicable',
      note: 'the key policy allows: no grant is needed',
    });
  });

  it('grants that could not be read, with no other allow: unknown, naming the permission needed', () => {
    const r = authorizeKms(
      kmsInput(role, { ...noKeyPolicyAllow, grants: unknown('accessDenied', undefined, 'kms:ListGrants') }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'kms-grants')).toMatchObject({
      result: 'unknown',
      note: 'could not read the grants of the KMS key (accessDenied, needs kms:ListGrants)',
      missing: ['the grants of the KMS key (accessDenied, needs kms:ListGrants)'],
    });
  });

  it('the key policy allows and the grants were read: the grants layer still reports the grant that allows too', () => {
    const r = authorizeKms(
      kmsInput(role, {
        identityPolicies: known([identity(allow('kms:Decrypt', KEY))]),
        grants: known([grant()]),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'kms-grants')).toMatchObject({
      result: 'allowed',
      note: expect.stringMatching(/^grant g1 gives/),
    });
  });

  it('grants that could not be read do not make a disabled key usable: it stays denied', () => {
    const r = authorizeKms(kmsInput(role, { keyState: 'Disabled', grants: unknown('accessDenied') }));
    expect(r.decision).toBe('explicitly-denied');
  });

  it('for a key the caller cannot use, grants do not apply', () => {
    const r = authorizeKms(kmsInput(role, { keyState: 'Disabled', grants: known([grant()]) }));
    expect(layerOf(r, 'kms-grants')).toMatchObject({
      result: 'not-applicable',
      note: 'the key cannot be used by this caller',
    });
    expect(r.decision).toBe('explicitly-denied');
  });
});

describe('the key state and AWS managed keys (KEYSTATE, MANAGED)', () => {
  it('a disabled key: KMS refuses, and the note names the state', () => {
    const r = authorizeKms(kmsInput(role, { keyState: 'Disabled' }));
    expect(layerOf(r, 'kms-key-policy')).toMatchObject({
      result: 'explicitly-denied',
      note: 'the key is Disabled: KMS refuses cryptographic operations with it',
    });
  });

  it('a key whose state is not known is never allowed, and the key state is listed as missing', () => {
    const r = authorizeKms(
      kmsInput(role, { keyState: null, identityPolicies: known([identity(allow('kms:Decrypt', KEY))]) }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'kms-key-policy').missing).toEqual(['the key state']);
  });

  it('an AWS managed key whose policy was not read: its AWS-set policy lets principals of its account use it through S3', () => {
    const r = authorizeKms(
      kmsInput(role, {
        keyManager: 'AWS',
        keyPolicy: unknown('accessDenied'),
        request: {
          ...kmsInput(role).request,
          context: {
            values: {
              'aws:PrincipalArn': role.identityArn as string,
              'kms:ViaService': 's3.us-east-1.amazonaws.com',
            },
            absent: [],
            otherKeys: 'absent',
          },
        },
        identityPolicies: known([identity(allow('kms:Decrypt', KEY))]),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'kms-key-policy')).toMatchObject({
      result: 'allowed',
      rule: 'aws-managed-key',
      note: `AWS managed key: its key policy, set by AWS, lets every principal of account ${ACCT} use it through s3.us-east-1.amazonaws.com`,
    });
  });

  it('an AWS managed key whose policy was not read, called without kms:ViaService: not decided by that rule', () => {
    const r = authorizeKms(
      kmsInput(role, {
        keyManager: 'AWS',
        keyPolicy: unknown('accessDenied'),
        identityPolicies: known([identity(allow('kms:Decrypt', KEY))]),
      }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'kms-key-policy').rule).toBeUndefined();
  });

  it('an AWS managed key used from another account: denied by the rule, even when its policy was not read', () => {
    const r = authorizeKms(
      kmsInput(foreign, {
        keyManager: 'AWS',
        keyPolicy: unknown('accessDenied'),
        identityPolicies: known([identity(allow('kms:Decrypt', KEY))]),
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'kms-key-policy')).toMatchObject({
      result: 'implicitly-denied',
      rule: 'aws-managed-key',
      note: 'an AWS managed key cannot be used from another account',
    });
  });

  it('an AWS managed key and a caller whose account is not known: undecided, never allowed', () => {
    const r = authorizeKms(
      kmsInput(
        { ...role, accountId: null },
        { keyManager: 'AWS', identityPolicies: known([identity(allow('kms:Decrypt', KEY))]) },
      ),
    );
    expect(r.decision).toBe('unknown');
  });

  it('a customer managed key used from another account needs the key policy to trust that account', () => {
    const r = authorizeKms(
      kmsInput(foreign, {
        keyPolicy: known(keyPolicy(trustAccount(OTHER))),
        identityPolicies: known([identity(allow('kms:Decrypt', KEY))]),
      }),
    );
    expect(r.decision).toBe('allowed');
  });
});

describe('an AWS service calling KMS: the key policy grants to that service are noted', () => {
  it('a service caller gets the note, an IAM caller does not', () => {
    const pol = known(
      keyPolicy(allow('kms:Decrypt', '*', { Sid: 'Cf', Principal: { Service: 'cloudfront.amazonaws.com' } })),
    );
    const svc = authorizeKms(
      kmsInput(service('cloudfront.amazonaws.com'), {
        keyPolicy: pol,
        identityPolicies: null,
        permissionsBoundary: null,
        sessionPolicy: null,
      }),
    );
    expect(svc.service).toMatchObject({ service: 'cloudfront.amazonaws.com', policy: 'kms-key-policy' });
    expect('service' in authorizeKms(kmsInput(role, { keyPolicy: pol }))).toBe(false);
  });
});

/** S3 calls KMS on the caller's behalf: KMS sees kms:ViaService and kms:CallerAccount (MANAGED, CONDKEYS). */
const VIA_S3 = 's3.us-east-1.amazonaws.com';
const EC_KEYS = { 'kms:EncryptionContext:aws:s3:arn': EC['aws:s3:arn'] };
function throughS3(p: EnginePrincipal, over: Partial<KmsAuthorizationInput> = {}): KmsAuthorizationInput {
  const base = kmsInput(p, over);
  const values: Record<string, string> = { 'kms:ViaService': VIA_S3, ...EC_KEYS };
  if (p.identityArn) values['aws:PrincipalArn'] = p.identityArn;
  if (p.accountId) values['kms:CallerAccount'] = p.accountId;
  const noIam = p.type === 'Anonymous' || p.type === 'AWSService';
  return {
    ...base,
    ...(noIam ? { identityPolicies: null, permissionsBoundary: null, sessionPolicy: null } : {}),
    ...over,
    request: { ...base.request, context: { values, absent: [], otherKeys: 'absent' } },
  };
}

/** The policy AWS sets on an AWS managed key (aws/s3, aws/ebs …): the key's account may use it through that service. */
const awsManagedKeyPolicy = (via: string) =>
  known(
    keyPolicy(
      allow(
        ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        '*',
        {
          Sid: 'Allow access through the service for all principals in the account that are authorized to use it',
          Principal: { AWS: '*' },
          Condition: { StringEquals: { 'kms:CallerAccount': ACCT, 'kms:ViaService': via } },
        },
      ),
      allow(['kms:Describe*', 'kms:Get*', 'kms:List*'], '*', {
        Sid: 'Allow direct access to key metadata to the account',
        Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
      }),
    ),
  );
const idDecrypt = known([identity(allow('kms:Decrypt', KEY))]);

/**
 * MANAGED = https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key ("you cannot use
 *   AWS managed keys in cross-account operations"; their key policy, set by AWS, lets principals of the account use
 *   the key only through the service)
 * CONDKEYS = https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html (kms:ViaService, kms:CallerAccount)
 * OAC = https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 *   (for SSE-KMS the key policy must allow the CloudFront service principal: a customer managed key)
 */
describe('AWS managed keys: only principals of the key account, only through the service (MANAGED, CONDKEYS)', () => {
  it("with its AWS-set policy read: a principal of the key's account decrypts through S3", () => {
    const r = authorizeKms(
      throughS3(role, {
        keyManager: 'AWS',
        keyPolicy: awsManagedKeyPolicy(VIA_S3),
        identityPolicies: idDecrypt,
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'kms-key-policy').result).toBe('allowed');
  });

  it('with its AWS-set policy read: the key of another service (aws/ebs) cannot be used through S3', () => {
    const r = authorizeKms(
      throughS3(role, {
        keyManager: 'AWS',
        keyPolicy: awsManagedKeyPolicy('ec2.us-east-1.amazonaws.com'),
        identityPolicies: idDecrypt,
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'kms-key-policy').result).toBe('implicitly-denied');
  });

  it('used through S3 from another account, even with its policy not read: denied', () => {
    const r = authorizeKms(
      throughS3(foreign, {
        keyManager: 'AWS',
        keyPolicy: unknown('accessDenied'),
        identityPolicies: idDecrypt,
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'kms-key-policy').rule).toBe('aws-managed-key');
  });

  it('used from another account: a grant to the caller does not make it usable', () => {
    const r = authorizeKms(
      kmsInput(foreign, {
        keyManager: 'AWS',
        identityPolicies: idDecrypt,
        grants: known([grant({ GranteePrincipal: foreign.identityArn as string })]),
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(r.grant).toBe(false);
  });

  it('used from another account: grants that could not be read do not make it usable', () => {
    const r = authorizeKms(
      kmsInput(foreign, { keyManager: 'AWS', identityPolicies: idDecrypt, grants: unknown('accessDenied') }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(r.grant).toBe(false);
  });

  it('a service principal (CloudFront through OAC) cannot use an AWS managed key, even with its policy not read (OAC)', () => {
    const r = authorizeKms(
      throughS3(service('cloudfront.amazonaws.com'), {
        keyManager: 'AWS',
        keyPolicy: unknown('accessDenied'),
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'kms-key-policy').rule).toBe('aws-managed-key');
  });

  it('an anonymous caller cannot use an AWS managed key, even with its policy not read: no KMS key serves an anonymous request (ANON)', () => {
    const r = authorizeKms(throughS3(anonymous, { keyManager: 'AWS', keyPolicy: unknown('accessDenied') }));
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'kms-key-policy').rule).toBe('anonymous-caller');
  });

  it("an AWS managed key whose account is not known: its policy's Allow to every principal is undecided, not allowed", () => {
    const r = authorizeKms({
      ...kmsInput(role, {
        keyManager: 'AWS',
        keyPolicy: known(keyPolicy(allow('kms:*', '*', { Principal: { AWS: '*' } }))),
        identityPolicies: idDecrypt,
      }),
      request: { ...kmsInput(role).request, resourceAccountId: null },
    });
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'kms-key-policy').result).toBe('unknown');
  });
});

describe('customer managed keys used through S3: the key policy decides (KEYPOL, CONDKEYS)', () => {
  it('kms:ViaService does not let a customer managed key be used when its policy allows nobody', () => {
    const r = authorizeKms(throughS3(role, { keyPolicy: known(keyPolicy()), identityPolicies: idDecrypt }));
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'kms-key-policy').rule).toBeUndefined();
  });

  it('a customer managed key whose policy could not be read, used through S3: unknown, never allowed', () => {
    const r = authorizeKms(
      throughS3(role, {
        keyPolicy: unknown('accessDenied', undefined, 'kms:GetKeyPolicy'),
        identityPolicies: idDecrypt,
      }),
    );
    expect(r.decision).toBe('unknown');
    // the key is known to be enabled: only the policy is missing
    expect(layerOf(r, 'kms-key-policy')).toMatchObject({
      result: 'unknown',
      missing: ['the key policy (accessDenied, needs kms:GetKeyPolicy)'],
    });
  });

  it('a key policy that names only another service does not let CloudFront decrypt (OAC)', () => {
    const r = authorizeKms(
      throughS3(service('cloudfront.amazonaws.com'), {
        keyPolicy: known(
          keyPolicy(allow('kms:Decrypt', '*', { Principal: { Service: 'cloudtrail.amazonaws.com' } })),
        ),
      }),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(r.grant).toBe(false);
  });

  it("a key whose account is not known, its policy naming the caller's role: the key policy allows, the decision waits on the account", () => {
    // within the key's account the key policy alone is enough; from another account the IAM policy must allow too (XACCT)
    const r = authorizeKms({
      ...kmsInput(role, {
        keyPolicy: known(keyPolicy(allow('kms:Decrypt', '*', { Principal: { AWS: role.identityArn } }))),
      }),
      request: { ...kmsInput(role).request, resourceAccountId: null },
    });
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'kms-key-policy').result).toBe('allowed');
  });
});

describe('an anonymous request for an SSE-KMS object (ANON)', () => {
  const toEveryone = known(keyPolicy(allow(['kms:Decrypt', 'kms:GenerateDataKey'], '*', { Principal: '*' })));

  it('a key policy that allows every principal does not let an anonymous request use the key: no Allow applies, by rule', () => {
    const r = authorizeKms(throughS3(anonymous, { keyPolicy: toEveryone }));
    expect(r.decision).toBe('implicitly-denied');
    expect(r.grant).toBe(false);
    expect(layerOf(r, 'kms-key-policy')).toMatchObject({
      result: 'implicitly-denied',
      rule: 'anonymous-caller',
      note: expect.stringContaining('Signature Version 4'),
    });
  });

  it('a grant cannot make the key usable for an anonymous request, and grants not read do not make it unknown', () => {
    const withGrants = authorizeKms(
      throughS3(anonymous, { keyPolicy: toEveryone, grants: known([grant()]) }),
    );
    const grantsUnread = authorizeKms(
      throughS3(anonymous, { keyPolicy: toEveryone, grants: unknown('accessDenied') }),
    );
    for (const r of [withGrants, grantsUnread]) {
      expect(r.decision).toBe('implicitly-denied');
      expect(layerOf(r, 'kms-grants').result).toBe('not-applicable');
    }
  });

  it('a signed request of the same account, under the same key policy, may use the key', () => {
    expect(authorizeKms(throughS3(role, { keyPolicy: toEveryone })).decision).toBe('allowed');
  });
});

/**
 * BOUNDARY = https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html (a Deny with
 * NotPrincipal in a resource-based policy always denies a principal that has a permissions boundary)
 */
describe('a key policy Deny with NotPrincipal (BOUNDARY)', () => {
  const notPrincipalDeny = known(
    keyPolicy(
      trustAccount(ACCT),
      deny('kms:*', '*', {
        Sid: 'OnlyApp',
        NotPrincipal: { AWS: [role.arn, role.identityArn, `arn:aws:iam::${ACCT}:root`] },
      }),
    ),
  );

  it('spares the principal it names when that principal has no permissions boundary', () => {
    const r = authorizeKms(kmsInput(role, { keyPolicy: notPrincipalDeny, identityPolicies: idDecrypt }));
    expect(r.decision).toBe('allowed');
  });

  it('denies the principal it names when that principal has a permissions boundary', () => {
    const r = authorizeKms(
      kmsInput(role, {
        keyPolicy: notPrincipalDeny,
        identityPolicies: idDecrypt,
        permissionsBoundary: known(policy('B', 'permissions-boundary', allow('kms:*'))),
      }),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(layerOf(r, 'kms-key-policy').result).toBe('explicitly-denied');
  });
});
