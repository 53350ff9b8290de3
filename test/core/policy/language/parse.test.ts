/**
 * parsePolicy: document forms, the grammar, clear errors, the cache.
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * Elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 * URL-encoded documents: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html
 * ("The policy document returned in this structure is URL-encoded compliant with RFC 3986").
 */
import { parsePolicy } from '../../../../lambdas/core/policy/parse';
import { PolicyParseError } from '../../../../lambdas/core/policy/types';
import { policy } from './helpers';

const doc = {
  Version: '2012-10-17',
  Id: 'policy-id',
  Statement: [
    { Sid: 'One', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
    {
      Effect: 'Deny',
      NotAction: ['s3:Get*'],
      NotResource: 'arn:aws:s3:::b/*',
      Principal: { AWS: ['111122223333'] },
    },
  ],
};

describe('document forms', () => {
  it.each([
    ['an object', doc],
    ['a JSON string', JSON.stringify(doc)],
    ['a URL-encoded JSON string (IAM GetPolicyVersion)', encodeURIComponent(JSON.stringify(doc))],
    ['a JSON string with surrounding whitespace', `\n  ${JSON.stringify(doc)}  \n`],
  ])('parses %s', (_name, document) => {
    const p = parsePolicy(policy(document, 'ReadOnly', 'identity-managed'));
    expect(p.name).toBe('ReadOnly');
    expect(p.source).toBe('identity-managed');
    expect(p.statements.map((s) => [s.index, s.sid, s.effect])).toEqual([
      [1, 'One', 'Allow'],
      [2, null, 'Deny'],
    ]);
    expect(p.statements[1]?.raw).toEqual(doc.Statement[1]);
  });

  it('accepts a single Statement object', () => {
    const p = parsePolicy(policy({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }));
    expect(p.statements).toHaveLength(1);
    expect(p.statements[0]?.index).toBe(1);
  });

  it('keeps the policy ARN', () => {
    const p = parsePolicy({
      name: 'x',
      arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      source: 'identity-managed',
      document: doc,
    });
    expect(p.arn).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
  });
});

describe('malformed policies give one clear PolicyParseError naming the policy and the statement', () => {
  const st = (s: Record<string, unknown>) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, s],
  });
  it.each([
    ['not JSON', '{"Statement": [', /bucket policy of my-bucket: the document is not valid JSON/],
    ['bad URL encoding', '%7B%E0%A4%A', /not valid URL-encoded JSON/],
    ['not an object', '[1, 2]', /must be a JSON object/],
    ['null', null, /must be a JSON object/],
    ['no Statement', { Version: '2012-10-17' }, /Statement element is missing/],
    [
      'a bad Version',
      { Version: '2020-01-01', Statement: [] },
      /Version must be "2012-10-17" or "2008-10-17"/,
    ],
    ['an unknown top-level element', { Statment: [] }, /unknown top-level element "Statment"/],
    [
      'a bad Effect',
      st({ Sid: 'X', Effect: 'Alow', Action: '*', Resource: '*' }),
      /^bucket policy of my-bucket, statement 2 \(Sid "X"\): Effect must be "Allow" or "Deny"$/,
    ],
    [
      'Action and NotAction',
      st({ Effect: 'Allow', Action: '*', NotAction: '*', Resource: '*' }),
      /statement 2: exactly one of Action and NotAction/,
    ],
    [
      'no Resource',
      st({ Effect: 'Allow', Action: '*' }),
      /statement 2: exactly one of Resource and NotResource/,
    ],
    [
      'a non-string Action',
      st({ Effect: 'Allow', Action: [1], Resource: '*' }),
      /Action values must be strings/,
    ],
    ['a statement that is not an object', { Statement: ['x'] }, /statement 1: a statement must be an object/],
    [
      'a misspelled element',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Conditon: {} }),
      /unknown element "Conditon"/,
    ],
    ['a non-string Sid', st({ Sid: 3, Effect: 'Allow', Action: '*', Resource: '*' }), /Sid must be a string/],
    [
      'Principal and NotPrincipal',
      st({ Effect: 'Deny', Principal: '*', NotPrincipal: '*', Action: '*', Resource: '*' }),
      /cannot both be present/,
    ],
    [
      'an unknown principal type',
      st({ Effect: 'Allow', Principal: { User: 'x' }, Action: '*', Resource: '*' }),
      /unknown principal type "User"/,
    ],
    [
      'a principal that is a number',
      st({ Effect: 'Allow', Principal: 5, Action: '*', Resource: '*' }),
      /Principal must be "\*" or an object/,
    ],
    [
      'an unknown condition operator',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEqual: { k: 'v' } } }),
      /unknown condition operator "StringEqual"/,
    ],
    [
      'NullIfExists',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { NullIfExists: { k: 'true' } } }),
      /takes no IfExists/,
    ],
    [
      'a Null value that is not true/false',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Null: { k: 'yes' } } }),
      /must be "true" or "false"/,
    ],
    [
      'a condition value that is null',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { k: null } } }),
      /values must be strings/,
    ],
    [
      'a condition block that is a string',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: 'k' } }),
      /must be an object of condition keys/,
    ],
  ])('%s', (_name, document, message) => {
    let error: unknown;
    try {
      parsePolicy(policy(document, 'my-bucket', 'bucket-policy'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyParseError);
    expect((error as PolicyParseError).message).toMatch(message);
    expect((error as PolicyParseError).policyName).toBe('my-bucket');
    expect((error as PolicyParseError).message).not.toContain('\n');
  });

  it('records the statement index', () => {
    try {
      parsePolicy(policy({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'x' }] }));
      throw new Error('expected a parse error');
    } catch (e) {
      expect((e as PolicyParseError).statementIndex).toBe(2);
    }
  });
});

describe('cache', () => {
  it('the same NamedPolicy parses once', () => {
    const p = policy(doc);
    expect(parsePolicy(p)).toBe(parsePolicy(p));
  });

  it('the same document object or string compiles once, whatever the name', () => {
    const text = JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } });
    const a = parsePolicy(policy(text, 'a'));
    const b = parsePolicy(policy(text, 'b'));
    expect(a.name).toBe('a');
    expect(b.name).toBe('b');
    expect(a.statements).toBe(b.statements);
    const c = parsePolicy(policy(doc, 'c'));
    const d = parsePolicy(policy(doc, 'd'));
    expect(c.statements).toBe(d.statements);
  });
});

describe('error messages stay on one line', () => {
  it('even when the JSON error quotes a multi-line document', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html (a document is JSON)
    try {
      parsePolicy(policy('{\n "Statement": x\n}', 'multi'));
      throw new Error('expected a parse error');
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyParseError);
      expect((e as Error).message).toMatch(/^inline policy multi: the document is not valid JSON/);
      expect((e as Error).message).not.toMatch(/[\r\n]/);
    }
  });

  it('and for element names with line breaks', () => {
    expect(() => parsePolicy(policy({ Statement: [{ 'Bad\nKey': 1 }] }, 'multi2'))).toThrow(
      /^inline policy multi2, statement 1: unknown element "Bad Key"$/,
    );
  });
});
