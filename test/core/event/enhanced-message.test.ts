/**
 * AWS's own access-denied message, one case per phrase of docs/reference/ENHANCED-MESSAGES.md.
 * Phrases: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 * S3 forms: https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
 * Policy ARNs: https://aws.amazon.com/blogs/security/enhanced-access-denied-error-messages-with-policy-arns
 */
import fc from 'fast-check';
import { parseEnhancedMessage } from '../../../lambdas/core/event';
import type { EnhancedPolicyType } from '../../../lambdas/core/model';

const USER = 'arn:aws:iam::111122223333:user/alice';
const ROLE_SESSION = 'arn:aws:sts::111122223333:assumed-role/App/s1';
const OBJECT = 'arn:aws:s3:::my-bucket/reports/q3.csv';
const head = (action = 's3:GetObject') => `User: ${ROLE_SESSION} is not authorized to perform: ${action}`;
const onResource = `${head()} on resource: "${OBJECT}"`;

describe('explicit deny phrases', () => {
  it.each<[string, EnhancedPolicyType]>([
    ['with an explicit deny in an identity-based policy', 'identity-based policy'],
    ['with an explicit deny in a resource-based policy', 'resource-based policy'],
    ['with an explicit deny in a service control policy', 'service control policy'],
    ['with an explicit deny in a resource control policy', 'resource control policy'],
    ['with an explicit deny in a VPC endpoint policy', 'VPC endpoint policy'],
    ['with an explicit deny in a permissions boundary', 'permissions boundary'],
    ['with an explicit deny in a session policy', 'session policy'],
    // The IAM guide's own example spells it "sessions policy".
    ['with an explicit deny in a sessions policy', 'session policy'],
    ['with an explicit deny in the role trust policy', 'role trust policy'],
  ])('"… %s" is an explicit deny in a %s', (phrase, policyType) => {
    const m = parseEnhancedMessage('AccessDenied', `${onResource} ${phrase}`);
    expect(m).toMatchObject({
      kind: 'explicit-deny',
      policyType,
      principalArn: ROLE_SESSION,
      action: 's3:GetObject',
      resource: OBJECT,
      policyArn: null,
      transitiveThrough: null,
      truncated: false,
    });
  });

  it('reads "… VPC endpoint policy transitively through a service control policy"', () => {
    const m = parseEnhancedMessage(
      'AccessDenied',
      `${onResource} with an explicit deny in a VPC endpoint policy transitively through a service control policy`,
    );
    expect(m).toMatchObject({
      kind: 'explicit-deny',
      policyType: 'VPC endpoint policy',
      transitiveThrough: 'service control policy',
      truncated: false,
    });
  });
});

describe('implicit deny phrases ("because no <type> allows the <action> action")', () => {
  it.each<[string, EnhancedPolicyType]>([
    ['identity-based policy', 'identity-based policy'],
    ['resource-based policy', 'resource-based policy'],
    ['service control policy', 'service control policy'],
    ['VPC endpoint policy', 'VPC endpoint policy'],
    ['permissions boundary', 'permissions boundary'],
    ['session policy', 'session policy'],
    ['role trust policy', 'role trust policy'],
  ])('"because no %s allows …"', (phrase, policyType) => {
    const m = parseEnhancedMessage(
      'AccessDenied',
      `${onResource} because no ${phrase} allows the s3:GetObject action`,
    );
    expect(m).toMatchObject({ kind: 'implicit-deny', policyType, action: 's3:GetObject', resource: OBJECT });
  });

  it('reads an S3 implicit deny without "on resource:" (S3 often omits it)', () => {
    const raw =
      'User: arn:aws:iam::111122223333:user/iam-demo-user is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action';
    expect(parseEnhancedMessage('AccessDenied', raw)).toMatchObject({
      kind: 'implicit-deny',
      principalArn: 'arn:aws:iam::111122223333:user/iam-demo-user',
      action: 's3:ListAllMyBuckets',
      resource: null,
      policyType: 'identity-based policy',
      truncated: false,
    });
  });

  it('reads an unquoted resource (IAM style)', () => {
    const raw = `User: ${USER} is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action`;
    expect(parseEnhancedMessage('AccessDenied', raw)).toMatchObject({
      kind: 'implicit-deny',
      action: 'kms:Decrypt',
      resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
  });
});

describe('the ": <policy-arn>" suffix', () => {
  it.each<[string, EnhancedPolicyType, string]>([
    [
      'with an explicit deny in a service control policy',
      'service control policy',
      'arn:aws:organizations::987654321098:policy/o-exampleorg/service_control_policy/p-examplescp',
    ],
    [
      'with an explicit deny in a resource control policy',
      'resource control policy',
      'arn:aws:organizations::987654321098:policy/o-exampleorg/resource_control_policy/p-examplercp',
    ],
    [
      'because no permissions boundary allows the s3:GetObject action',
      'permissions boundary',
      'arn:aws:iam::111122223333:policy/Boundary',
    ],
    [
      'with an explicit deny in an identity-based policy',
      'identity-based policy',
      'arn:aws:iam::111122223333:policy/DenyReports',
    ],
  ])('"… %s: <arn>" keeps the policy ARN', (phrase, policyType, arn) => {
    // The blog's form puts the ARN right after the policy type; for implicit denies after the sentence.
    const raw = phrase.startsWith('because')
      ? `${onResource} because no permissions boundary: ${arn} allows the s3:GetObject action`
      : `${onResource} ${phrase}: ${arn}`;
    const m = parseEnhancedMessage('AccessDenied', raw);
    expect(m).toMatchObject({ policyType, policyArn: arn });
  });

  it('keeps an ARN put after an implicit-deny sentence', () => {
    // Form not shown in the blog (which gives an explicit-deny example); accepted so that either placement works.
    const arn = 'arn:aws:iam::111122223333:policy/Boundary';
    const m = parseEnhancedMessage(
      'AccessDenied',
      `${onResource} because no permissions boundary allows the s3:GetObject action: ${arn}`,
    );
    expect(m).toMatchObject({ kind: 'implicit-deny', policyType: 'permissions boundary', policyArn: arn });
  });

  it('keeps an ARN that follows the transitive policy type', () => {
    const arn = 'arn:aws:organizations::987654321098:policy/o-exampleorg/service_control_policy/p-examplescp';
    const m = parseEnhancedMessage(
      'AccessDenied',
      `${onResource} with an explicit deny in a VPC endpoint policy transitively through a service control policy: ${arn}`,
    );
    expect(m).toMatchObject({ transitiveThrough: 'service control policy', policyArn: arn });
  });

  it('drops a trailing full stop from the ARN', () => {
    const m = parseEnhancedMessage(
      'AccessDenied',
      `${onResource} with an explicit deny in an identity-based policy: arn:aws:iam::111122223333:policy/Deny.`,
    );
    expect(m.policyArn).toBe('arn:aws:iam::111122223333:policy/Deny');
  });
});

describe('S3 Block Public Access phrases', () => {
  it('reads the BlockPublicAcls message', () => {
    const raw = `${head('s3:PutBucketAcl')} on resource: "arn:aws:s3:::my-bucket" because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.`;
    expect(parseEnhancedMessage('AccessDenied', raw)).toMatchObject({
      kind: 'bpa',
      bpaSetting: 'BlockPublicAcls',
      action: 's3:PutBucketAcl',
      resource: 'arn:aws:s3:::my-bucket',
    });
  });

  it('reads the BlockPublicPolicy message', () => {
    const raw = `${head('s3:PutBucketPolicy')} on resource: "arn:aws:s3:::my-bucket" because public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access.`;
    expect(parseEnhancedMessage('AccessDenied', raw)).toMatchObject({
      kind: 'bpa',
      bpaSetting: 'BlockPublicPolicy',
    });
  });
});

describe('generic, VPC endpoint network-activity, and other messages', () => {
  it.each([['Access Denied'], ['Access Denied.'], ['access denied']])('"%s" is generic', (raw) => {
    expect(parseEnhancedMessage('AccessDenied', raw)).toMatchObject({
      kind: 'generic',
      raw,
      policyType: null,
    });
  });

  it('a missing message is generic', () => {
    expect(parseEnhancedMessage('AccessDenied', null)).toMatchObject({
      kind: 'generic',
      raw: '',
      truncated: false,
    });
  });

  it('the network-activity VPC endpoint message names the VPC endpoint policy', () => {
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
    const m = parseEnhancedMessage('VpceAccessDenied', 'The request was denied due to a VPC endpoint policy');
    expect(m).toMatchObject({ kind: 'vpce', policyType: 'VPC endpoint policy' });
  });

  it('VpceAccessDenied without a message is still a VPC endpoint denial', () => {
    expect(parseEnhancedMessage('VpceAccessDenied', null).kind).toBe('vpce');
  });

  it('an unrelated message is "other" and keeps the raw text', () => {
    const raw = 'The bucket does not allow ACLs';
    expect(parseEnhancedMessage('AccessControlListNotSupported', raw)).toMatchObject({ kind: 'other', raw });
  });

  it('an IAM message with no reason clause keeps principal, action and resource', () => {
    const m = parseEnhancedMessage(
      'AccessDenied',
      `User: ${USER} is not authorized to perform: s3:GetObject on resource: ${OBJECT}`,
    );
    expect(m).toMatchObject({
      kind: 'other',
      principalArn: USER,
      action: 's3:GetObject',
      resource: OBJECT,
      truncated: false,
    });
  });

  it('reads "User: anonymous"', () => {
    const m = parseEnhancedMessage(
      'AccessDenied',
      `User: anonymous is not authorized to perform: s3:GetObject on resource: "${OBJECT}" because no resource-based policy allows the s3:GetObject action`,
    );
    expect(m).toMatchObject({
      kind: 'implicit-deny',
      principalArn: 'anonymous',
      policyType: 'resource-based policy',
    });
  });
});

describe('truncation (CloudTrail caps errorMessage at 1 KB)', () => {
  it('a 1 KB message cut inside the quoted resource is truncated, with what was read', () => {
    const longKey = 'k'.repeat(1100);
    const full = `${head()} on resource: "arn:aws:s3:::my-bucket/${longKey}" because no identity-based policy allows the s3:GetObject action`;
    const cut = full.slice(0, 1024);
    const m = parseEnhancedMessage('AccessDenied', cut);
    expect(m.truncated).toBe(true);
    expect(m.action).toBe('s3:GetObject');
    expect(m.resource?.startsWith('arn:aws:s3:::my-bucket/kkk')).toBe(true);
    expect(m.policyType).toBeNull();
  });

  it('a message cut inside the reason is truncated and keeps the kind it can tell', () => {
    const m = parseEnhancedMessage('AccessDenied', `${onResource} with an explicit deny in a serv`);
    expect(m).toMatchObject({ kind: 'explicit-deny', policyType: null, truncated: true });
  });

  it('a message cut right after "because" is truncated with kind other', () => {
    const m = parseEnhancedMessage('AccessDenied', `${onResource} because`);
    expect(m).toMatchObject({ kind: 'other', truncated: true });
  });

  it('a complete message under the cap is not truncated', () => {
    const m = parseEnhancedMessage(
      'AccessDenied',
      `${onResource} because no identity-based policy allows the s3:GetObject action`,
    );
    expect(m.truncated).toBe(false);
  });
});

describe('any text', () => {
  const FIELDS = [
    'action',
    'bpaSetting',
    'kind',
    'policyArn',
    'policyType',
    'principalArn',
    'raw',
    'resource',
    'transitiveThrough',
    'truncated',
  ];

  it('parses without throwing, keeps the raw text and returns exactly the EnhancedMessage fields', () => {
    const phrase = fc.constantFrom(
      'User: ',
      'arn:aws:iam::1:user/u ',
      'is not authorized to perform: ',
      's3:GetObject ',
      'on resource: ',
      '"',
      'because no ',
      'with an explicit deny in a ',
      'permissions boundary',
      ' transitively through a ',
      ': arn:x ',
      'allows the s3:GetObject action',
    );
    const text = fc.oneof(
      fc.string(),
      fc.array(phrase, { maxLength: 12 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(fc.string(), text, (code, raw) => {
        const m = parseEnhancedMessage(code, raw);
        return m.raw === raw && Object.keys(m).sort().join() === FIELDS.join();
      }),
      { numRuns: 500 },
    );
  });
});
