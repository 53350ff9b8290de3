/**
 * The policy patches a fix prints: each patched document is evaluated by the engine, as AWS would evaluate the
 * policy the user puts back, so a test says what the patch allows or denies, and what it leaves as it was.
 * Policy evaluation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import type { NamedPolicy } from '../../../lambdas/core/model';
import {
  allowStatement,
  bucketArn,
  exemptPrincipal,
  iamKind,
  iamName,
  policyDocument,
  sidFor,
  statementAt,
  withoutActions,
  withoutStatement,
  withReplacedStatement,
  withResources,
  withStatement,
} from '../../../lambdas/core/fix/patch';
import { evaluate, request, roleSession } from '../policy/language/helpers';

const OBJECT = 'arn:aws:s3:::reports-bucket/q3.csv';
const APP = 'arn:aws:iam::111122223333:role/AppRole';
const OTHER = 'arn:aws:iam::111122223333:role/OtherRole';
const app = roleSession('AppRole');
const other = roleSession('OtherRole');

/** The engine's decision for the principal's s3:GetObject (or `action`) on the report object. */
const decide = (document: unknown, principal = app, action = 's3:GetObject', resource = OBJECT): string =>
  evaluate(document, request({ principal, action, resource }), 'bucket-policy').decision;

const named = (document: unknown, name = 'AppPolicy'): NamedPolicy => ({
  name,
  source: 'identity-inline',
  document,
});

const denyAll = {
  Sid: 'DenyEveryone',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::reports-bucket/*',
};
const allowAll = {
  Sid: 'AllowEveryone',
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::reports-bucket/*',
};
const readDoc = { Version: '2012-10-17', Id: 'reports', Statement: [allowAll] };

describe('policyDocument: a policy as the AWS APIs return it, read as a document', () => {
  it('keeps an object document, its Id and Version, with the statements as a list', () => {
    expect(policyDocument(readDoc)).toEqual(readDoc);
  });

  it('reads a JSON string (GetBucketPolicy returns the policy as text)', () => {
    expect(policyDocument(JSON.stringify(readDoc))).toEqual(readDoc);
  });

  it('reads URL-encoded JSON (IAM returns policy documents URL-encoded, RFC 3986), in either hex case', () => {
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyVersion.html ("URL-encoded compliant with RFC 3986")
    const upper = encodeURIComponent(JSON.stringify(readDoc));
    expect(upper.startsWith('%7B')).toBe(true);
    expect(policyDocument(upper)).toEqual(readDoc);
    expect(policyDocument(upper.replace(/^%7B/, '%7b'))).toEqual(readDoc);
    expect(policyDocument(`  ${upper}`)).toEqual(readDoc);
  });

  it('does not URL-decode a JSON string that merely contains a percent sign', () => {
    const withPercent = { ...readDoc, Id: '100%25 sure' };
    expect(policyDocument(JSON.stringify(withPercent)).Id).toBe('100%25 sure');
  });

  it('reads a single Statement object as a list of one', () => {
    expect(policyDocument({ Version: '2012-10-17', Statement: allowAll }).Statement).toEqual([allowAll]);
  });

  it('reads text that is not a policy as an empty 2012-10-17 document', () => {
    const empty = { Version: '2012-10-17', Statement: [] };
    expect(policyDocument('{not json')).toEqual(empty);
    expect(policyDocument('%7Bnot json')).toEqual(empty);
    expect(policyDocument(null)).toEqual(empty);
    expect(policyDocument(undefined)).toEqual(empty);
    expect(policyDocument([allowAll])).toEqual(empty);
    expect(policyDocument(42)).toEqual(empty);
    expect(policyDocument({ Statement: 'Allow everything' })).toEqual(empty);
    expect(policyDocument({ Statement: null })).toEqual(empty);
  });

  it('gives a document without a (string) Version the current policy language version 2012-10-17', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
    expect(policyDocument({ Statement: [allowAll] }).Version).toBe('2012-10-17');
    expect(policyDocument({ Version: 2012, Statement: [allowAll] }).Version).toBe('2012-10-17');
    expect(policyDocument({ Version: '2008-10-17', Statement: [allowAll] }).Version).toBe('2008-10-17');
  });

  it('copies the statements: changing the result leaves the stored policy as it was', () => {
    const stored = { Version: '2012-10-17', Statement: [{ ...allowAll }] };
    policyDocument(stored).Statement[0]!['Effect'] = 'Deny';
    expect(stored.Statement[0]!.Effect).toBe('Allow');
  });
});

describe('sidFor: statement ids IAM accepts', () => {
  // "The Sid element supports ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers (0-9)."
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
  it('joins the words of free text, each capitalised, with letters and digits only', () => {
    expect(sidFor('Allow', 'GetObject', 'reports-bucket/q3.csv')).toBe('AllowGetObjectReportsBucketQ3Csv');
    expect(sidFor('  allow   list ', "it's $(x)")).toBe('AllowListItSX');
  });

  it('gives an empty id for text without a letter or digit', () => {
    expect(sidFor('')).toBe('');
    expect(sidFor('--- /', '!!')).toBe('');
  });

  it('stays short (at most 100 characters) for a long key', () => {
    const sid = sidFor('Allow', 'GetObject', 'a'.repeat(300));
    expect(sid.length).toBeLessThanOrEqual(100);
    expect(sid.length).toBeGreaterThanOrEqual(90);
    expect(sid.startsWith('AllowGetObjectA')).toBe(true);
    expect(sid).toMatch(/^[A-Za-z0-9]+$/);
  });
});

describe('allowStatement: the Allow a fix adds', () => {
  it('allows exactly the named principal, action and resource', () => {
    const s = allowStatement({
      sid: 'AllowRead',
      actions: ['s3:GetObject'],
      resources: [OBJECT],
      principalArn: APP,
    });
    const d = { Version: '2012-10-17', Statement: [s] };
    expect(decide(d, app)).toBe('allow');
    expect(decide(d, other)).toBe('none');
    expect(decide(d, app, 's3:PutObject')).toBe('none');
    expect(decide(d, app, 's3:GetObject', 'arn:aws:s3:::reports-bucket/other.csv')).toBe('none');
  });

  it('writes one action or resource as a string and several as a list', () => {
    expect(allowStatement({ sid: 'S', actions: ['s3:GetObject'], resources: [OBJECT] })).toEqual({
      Sid: 'S',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: OBJECT,
    });
    expect(
      allowStatement({
        sid: 'S',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [OBJECT, 'arn:aws:s3:::reports-bucket'],
      }),
    ).toMatchObject({
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [OBJECT, 'arn:aws:s3:::reports-bucket'],
    });
  });

  it('has no Principal element for an identity policy (IAM rejects one there) and carries a condition', () => {
    const s = allowStatement({
      sid: 'S',
      actions: ['s3:GetObject'],
      resources: [OBJECT],
      condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
    });
    expect(s).not.toHaveProperty('Principal');
    const d = { Version: '2012-10-17', Statement: [s] };
    const ev = (values: Record<string, string>) =>
      evaluate(d, request({ principal: app, resource: OBJECT, values })).decision;
    expect(ev({ 'aws:SourceVpce': 'vpce-1a2b3c4d' })).toBe('allow');
    expect(ev({ 'aws:SourceVpce': 'vpce-99999999' })).toBe('none');
    expect(allowStatement({ sid: 'S', actions: ['s3:GetObject'], resources: [OBJECT] })).not.toHaveProperty(
      'Condition',
    );
  });
});

describe('withStatement / withReplacedStatement / withoutStatement / statementAt', () => {
  const policy = named({ Version: '2012-10-17', Id: 'keep-me', Statement: [denyAll, allowAll] });

  it('adds a statement after the others, which stay as they were', () => {
    const added = { Sid: 'New', Effect: 'Allow', Action: 's3:PutObject', Resource: OBJECT };
    const patched = withStatement(policy, added, { name: 'unused', source: 'bucket-policy' });
    expect(patched.name).toBe('AppPolicy');
    expect(patched.source).toBe('identity-inline');
    expect(patched.document).toEqual({
      Version: '2012-10-17',
      Id: 'keep-me',
      Statement: [denyAll, allowAll, added],
    });
    // the Deny still wins for s3:GetObject
    expect(decide(patched.document)).toBe('deny');
  });

  it('adds to a stored policy given as text', () => {
    const patched = withStatement(named(JSON.stringify(readDoc)), denyAll, {
      name: 'unused',
      source: 'bucket-policy',
    });
    expect(patched.document).toEqual({ ...readDoc, Statement: [allowAll, denyAll] });
  });

  it('without a policy, makes a new 2012-10-17 document with only that statement, named by the fallback', () => {
    const patched = withStatement(null, allowAll, { name: 's3-403-fix', source: 'bucket-policy' });
    expect(patched).toEqual({
      name: 's3-403-fix',
      source: 'bucket-policy',
      document: { Version: '2012-10-17', Statement: [allowAll] },
    });
    expect(decide(patched.document)).toBe('allow');
  });

  it('replaces statement number N (counted from 1) and no other', () => {
    const patched = withReplacedStatement(policy, 1, { ...denyAll, Effect: 'Allow', Sid: 'NowAllow' });
    expect(patched.document).toEqual({
      Version: '2012-10-17',
      Id: 'keep-me',
      Statement: [{ ...denyAll, Effect: 'Allow', Sid: 'NowAllow' }, allowAll],
    });
    expect(decide(patched.document)).toBe('allow');
    expect(withReplacedStatement(policy, 2, denyAll).document).toEqual({
      Version: '2012-10-17',
      Id: 'keep-me',
      Statement: [denyAll, denyAll],
    });
  });

  it('removes statement number N (counted from 1) and keeps the rest', () => {
    const patched = withoutStatement(policy, 1);
    expect(patched.document).toEqual({ Version: '2012-10-17', Id: 'keep-me', Statement: [allowAll] });
    expect(decide(patched.document)).toBe('allow');
    expect(withoutStatement(policy, 2).document).toEqual({
      Version: '2012-10-17',
      Id: 'keep-me',
      Statement: [denyAll],
    });
  });

  it('reads statement number N (counted from 1), null past the end', () => {
    expect(statementAt(policy, 1)).toEqual(denyAll);
    expect(statementAt(policy, 2)).toEqual(allowAll);
    expect(statementAt(policy, 3)).toBeNull();
    expect(statementAt(policy, 0)).toBeNull();
  });
});

describe('exemptPrincipal: a Deny that no longer applies to one principal', () => {
  const inDoc = (s: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [allowAll, s] });

  it('lets the exempted principal through and keeps denying every other one', () => {
    const changed = exemptPrincipal(denyAll, APP);
    expect(changed).toEqual({ ...denyAll, Condition: { ArnNotEquals: { 'aws:PrincipalArn': APP } } });
    const d = inDoc(changed);
    expect(
      evaluate(d, { ...request({ principal: app, resource: OBJECT }), context: ctx(APP) }).decision,
    ).toBe('allow');
    expect(
      evaluate(d, { ...request({ principal: other, resource: OBJECT }), context: ctx(OTHER) }).decision,
    ).toBe('deny');
  });

  it('keeps the conditions the Deny already had', () => {
    const deny = { ...denyAll, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const changed = exemptPrincipal(deny, APP);
    expect(changed['Condition']).toEqual({
      Bool: { 'aws:SecureTransport': 'false' },
      ArnNotEquals: { 'aws:PrincipalArn': APP },
    });
    // another principal over plain HTTP is still denied, over HTTPS it is not
    const over = (secure: string) => ({
      ...request({ principal: other, resource: OBJECT }),
      context: { ...ctx(OTHER), values: { 'aws:PrincipalArn': OTHER, 'aws:SecureTransport': secure } },
    });
    expect(evaluate(inDoc(changed), over('false')).decision).toBe('deny');
    expect(evaluate(inDoc(changed), over('true')).decision).toBe('allow');
  });

  it('adds the principal to an existing aws:PrincipalArn exception list, in the case the author wrote', () => {
    const deny = {
      ...denyAll,
      Condition: {
        arnNotEquals: { 'AWS:PrincipalARN': OTHER, 'aws:SourceArn': 'arn:aws:s3:::x' },
        StringEquals: { 'aws:PrincipalAccount': '111122223333' },
      },
    };
    const changed = exemptPrincipal(deny, APP);
    expect(changed['Condition']).toEqual({
      arnNotEquals: { 'AWS:PrincipalARN': [OTHER, APP], 'aws:SourceArn': 'arn:aws:s3:::x' },
      StringEquals: { 'aws:PrincipalAccount': '111122223333' },
    });
    // the policy the user wrote is not changed in place
    expect(deny.Condition.arnNotEquals['AWS:PrincipalARN']).toBe(OTHER);
  });

  it('extends a list of exceptions, and leaves it as it is when the principal is already there', () => {
    const listed = { ...denyAll, Condition: { ArnNotEquals: { 'aws:PrincipalArn': [OTHER] } } };
    expect(exemptPrincipal(listed, APP)['Condition']).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': [OTHER, APP] },
    });
    const already = { ...denyAll, Condition: { ArnNotEquals: { 'aws:PrincipalArn': APP } } };
    expect(exemptPrincipal(already, APP)).toEqual(already);
    const both = { ...denyAll, Condition: { ArnNotEquals: { 'aws:PrincipalArn': [OTHER, APP] } } };
    expect(exemptPrincipal(both, APP)).toEqual(both);
  });
});

/** The request context an IAM principal's request carries: its aws:PrincipalArn. */
function ctx(principalArn: string) {
  return { values: { 'aws:PrincipalArn': principalArn }, absent: [], otherKeys: 'absent' as const };
}

describe('withResources: a statement that names one more resource', () => {
  const bucketOnly = {
    Sid: 'Read',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::reports-bucket',
  };

  it('adds the object ARN pattern next to the bucket ARN, so object reads are allowed', () => {
    expect(decide({ Version: '2012-10-17', Statement: [{ ...bucketOnly, Principal: '*' }] })).toBe('none');
    const changed = withResources(bucketOnly, ['arn:aws:s3:::reports-bucket/*']);
    expect(changed).toEqual({
      ...bucketOnly,
      Resource: ['arn:aws:s3:::reports-bucket', 'arn:aws:s3:::reports-bucket/*'],
    });
    expect(decide({ Version: '2012-10-17', Statement: [{ ...changed, Principal: '*' }] })).toBe('allow');
  });

  it('does not repeat a resource already named, and keeps a single resource a string', () => {
    expect(withResources(bucketOnly, ['arn:aws:s3:::reports-bucket'])).toEqual(bucketOnly);
    const list = { ...bucketOnly, Resource: ['arn:aws:s3:::a', 'arn:aws:s3:::b'] };
    expect(withResources(list, ['arn:aws:s3:::b', 'arn:aws:s3:::c', 'arn:aws:s3:::c'])).toEqual({
      ...bucketOnly,
      Resource: ['arn:aws:s3:::a', 'arn:aws:s3:::b', 'arn:aws:s3:::c'],
    });
    expect(list.Resource).toEqual(['arn:aws:s3:::a', 'arn:aws:s3:::b']);
    expect(withResources({ Effect: 'Allow', Action: '*' }, [OBJECT])).toEqual({
      Effect: 'Allow',
      Action: '*',
      Resource: OBJECT,
    });
  });
});

describe('withoutActions: a Deny narrowed to stop denying some actions', () => {
  const deny = {
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    Resource: 'arn:aws:s3:::reports-bucket/*',
  };

  it('removes the listed actions, matched without regard to case, and keeps denying the others', () => {
    const narrowed = withoutActions(deny, ['S3:getobject']);
    expect(narrowed).toEqual({ ...deny, Action: ['s3:PutObject', 's3:DeleteObject'] });
    const d = { Version: '2012-10-17', Statement: [allowAll, { ...allowAll, Action: 's3:*' }, narrowed!] };
    expect(decide(d)).toBe('allow');
    expect(decide(d, app, 's3:PutObject')).toBe('deny');
  });

  it('writes a single remaining action as a string', () => {
    expect(withoutActions(deny, ['s3:GetObject', 's3:DeleteObject'])).toEqual({
      ...deny,
      Action: 's3:PutObject',
    });
    expect(
      withoutActions({ ...deny, Action: ['s3:GetObject', 7, 's3:PutObject'] }, ['s3:GetObject']),
    ).toEqual({
      ...deny,
      Action: 's3:PutObject',
    });
  });

  it('gives null when removing listed actions cannot narrow the statement', () => {
    // an action matched through a wildcard only
    expect(withoutActions({ ...deny, Action: 's3:*' }, ['s3:GetObject'])).toBeNull();
    // every action would go (the statement would be invalid without Action)
    expect(withoutActions({ ...deny, Action: 's3:GetObject' }, ['s3:GetObject'])).toBeNull();
    // a NotAction statement has no Action to narrow
    expect(
      withoutActions({ Effect: 'Deny', NotAction: 's3:ListBucket', Resource: '*' }, ['s3:GetObject']),
    ).toBeNull();
  });
});

describe('iamName / iamKind: which IAM entity a fix command names', () => {
  it('names a role or user by the last segment of its path', () => {
    expect(iamName(APP)).toBe('AppRole');
    expect(iamName('arn:aws:iam::111122223333:role/service-role/team/Deployer')).toBe('Deployer');
    expect(iamName('arn:aws:iam::111122223333:user/alice')).toBe('alice');
    expect(iamName('arn:aws:iam::111122223333:group/admins')).toBe('admins');
    expect(iamName('arn:aws-cn:iam::111122223333:role/AppRole')).toBe('AppRole');
  });

  it('has no name for what is not an IAM role, user or group ARN', () => {
    expect(iamName(null)).toBeNull();
    expect(iamName('')).toBeNull();
    expect(iamName('arn:aws:sts::111122223333:assumed-role/AppRole/s1')).toBeNull();
    expect(iamName('arn:aws:iam::111122223333:policy/AppPolicy')).toBeNull();
    expect(iamName('arn:aws:iam::111122223333:root')).toBeNull();
    expect(iamName('arn:aws:iam::11112222333:role/AppRole')).toBeNull();
    expect(iamName('arn:aws:iam::111122223333:role/')).toBeNull();
    expect(iamName(`x${APP}`)).toBeNull();
    expect(iamName('arn:aws:iam::111122223333:role/AppRole/')).toBeNull();
  });

  it('tells a role from a user from an account root', () => {
    expect(iamKind(APP)).toBe('role');
    expect(iamKind('arn:aws:iam::111122223333:role/path/AppRole')).toBe('role');
    expect(iamKind('arn:aws:iam::111122223333:user/alice')).toBe('user');
    expect(iamKind('arn:aws:iam::111122223333:root')).toBe('root');
    expect(iamKind('arn:aws:iam::111122223333:group/admins')).toBeNull();
    expect(iamKind('arn:aws:sts::111122223333:assumed-role/AppRole/s1')).toBeNull();
    expect(iamKind('arn:aws:iam::111122223333:rootless/x')).toBeNull();
    expect(iamKind(`x${APP}`)).toBeNull();
    expect(iamKind('arn:aws:iam::11112222333:role/AppRole')).toBeNull();
    expect(iamKind(null)).toBeNull();
    expect(iamKind('')).toBeNull();
  });

  it('writes a bucket ARN as S3 does', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html
    expect(bucketArn('reports-bucket')).toBe('arn:aws:s3:::reports-bucket');
  });
});
