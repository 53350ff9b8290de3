/**
 * parsePolicy: document forms, the grammar, clear errors, the cache.
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * Elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 * URL-encoded documents: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html
 * ("The policy document returned in this structure is URL-encoded compliant with RFC 3986").
 */
import type { NamedPolicy } from '../../../../lambdas/core/model';
import {
  compileCachesOn,
  compiledOf,
  parsePolicy,
  withoutCompileCaches,
  type CompiledPolicy,
} from '../../../../lambdas/core/policy/parse';
import { PolicyParseError, type ParsedPolicy } from '../../../../lambdas/core/policy/types';
import { evaluate, iamUser, policy, request, statementDoc } from './helpers';

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

  it('a plain JSON string (GetBucketPolicy returns one) keeps a literal "%" in its values: only IAM URL-encodes', () => {
    const text = JSON.stringify({
      Statement: {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/100%/*',
        Principal: '*',
      },
    });
    const p = parsePolicy(policy(text));
    expect(p.statements[0]?.raw).toMatchObject({ Resource: 'arn:aws:s3:::b/100%/*' });
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

describe('policy names in messages (the kind of policy, then its name)', () => {
  const messageFor = (p: Partial<NamedPolicy>) => {
    try {
      parsePolicy({ name: 'n', source: 'identity-inline', document: 'not json', ...p } as NamedPolicy);
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  };

  it.each([
    ['identity-inline', 'inline policy n'],
    ['identity-managed', 'managed policy n'],
    ['group-inline', 'group inline policy n'],
    ['group-managed', 'group managed policy n'],
    ['permissions-boundary', 'permissions boundary n'],
    ['session', 'session policy n'],
    ['bucket-policy', 'bucket policy of n'],
    ['access-point-policy', 'access point policy of n'],
    ['vpc-endpoint-policy', 'VPC endpoint policy of n'],
    ['scp', 'SCP n'],
    ['rcp', 'RCP n'],
    ['kms-key-policy', 'key policy of n'],
  ])('a %s is "%s"', (source, label) => {
    expect(messageFor({ source: source as NamedPolicy['source'] })).toMatch(new RegExp(`^${label}: `));
  });

  it('a policy without a name is named by its ARN, else "(unnamed)"; an unknown kind is a "policy"', () => {
    expect(messageFor({ name: '', arn: 'arn:aws:iam::aws:policy/X' })).toMatch(
      /^inline policy arn:aws:iam::aws:policy\/X: /,
    );
    expect(messageFor({ name: '' })).toMatch(/^inline policy \(unnamed\): /);
    expect(messageFor({ source: 'toString' as NamedPolicy['source'] })).toMatch(/^policy n: /);
  });

  it('the JSON error is quoted after "not valid JSON"', () => {
    expect(messageFor({})).toMatch(/^inline policy n: the document is not valid JSON \(.+\)$/);
  });

  it('a statement with a Sid is named with it', () => {
    expect(messageFor({ document: { Statement: [{ Sid: 'S1', Effect: 'Allow', Action: '*' }] } })).toBe(
      'inline policy n, statement 1 (Sid "S1"): exactly one of Resource and NotResource is required',
    );
  });
});

describe('more grammar errors (reference_policies_grammar.html)', () => {
  const errorOf = (document: unknown): string => {
    try {
      parsePolicy(policy(document, 'g'));
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyParseError);
      return (e as Error).message;
    }
    return '';
  };
  const st = (s: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [s] });

  it.each([
    [
      'Resource and NotResource together',
      st({ Effect: 'Allow', Action: '*', Resource: '*', NotResource: '*' }),
      'statement 1: exactly one of Resource and NotResource is required',
    ],
    [
      'neither Action nor NotAction',
      st({ Effect: 'Allow', Resource: '*' }),
      'statement 1: exactly one of Action and NotAction is required',
    ],
    [
      'a non-string NotAction',
      st({ Effect: 'Allow', NotAction: [5], Resource: '*' }),
      'statement 1: NotAction values must be strings',
    ],
    [
      'a non-string Resource',
      st({ Effect: 'Allow', Action: '*', Resource: [true] }),
      'statement 1: Resource values must be strings',
    ],
    [
      'a non-string NotResource',
      st({ Effect: 'Allow', Action: '*', NotResource: {} }),
      'statement 1: NotResource values must be strings',
    ],
    [
      'a NotPrincipal of the wrong shape',
      st({ Effect: 'Deny', NotPrincipal: 5, Action: '*', Resource: '*' }),
      'statement 1: NotPrincipal must be "*" or an object',
    ],
    [
      'a Condition that is not an object',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Condition: [] }),
      'statement 1: Condition must be an object of operators',
    ],
    [
      'a Condition with an empty key',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { ' ': 'v' } } }),
      'statement 1: Condition StringEquals has an empty key',
    ],
    [
      'a condition value that is an object',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { k: [{}] } } }),
      'statement 1: Condition StringEquals k values must be strings, numbers or booleans',
    ],
    [
      'a Null value that is not true or false',
      st({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Null: { k: ['true', 'no'] } } }),
      'statement 1: Condition Null k must be "true" or "false"',
    ],
    ['an Id that is not a string', { Id: 5, Statement: [] }, 'inline policy g: Id must be a string'],
    [
      'a Version that is not a string',
      { Version: 2012, Statement: [] },
      'Version must be "2012-10-17" or "2008-10-17"',
    ],
    ['a document that is a number', 5, 'inline policy g: the document must be a JSON object'],
    ['a JSON string that is not an object', '"text"', 'the document must be a JSON object'],
    ['URL-encoded text that is not JSON', '%41', 'the document is not valid JSON'],
  ])('%s', (_name, document, message) => {
    expect(errorOf(document)).toContain(message);
  });

  it('a document that cannot be read gives a PolicyParseError, never another error', () => {
    const document = {
      get Statement(): unknown {
        throw new Error('boom');
      },
    };
    expect(errorOf(document)).toBe('inline policy g: cannot be parsed (boom)');
    const thrower = {
      get Statement(): unknown {
        throw 'text';
      },
    };
    expect(errorOf(thrower)).toBe('inline policy g: cannot be parsed (text)');
  });

  it('something that is not a named policy is rejected with a PolicyParseError', () => {
    expect(() => parsePolicy(null as unknown as NamedPolicy)).toThrow(PolicyParseError);
    expect(() => parsePolicy('x' as unknown as NamedPolicy)).toThrow(
      'policy: expected a named policy object',
    );
  });
});

describe('what the grammar allows (reference_policies_grammar.html)', () => {
  const req = request({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' });

  it('Null accepts "true" / "false" in any case and with spaces, and booleans', () => {
    for (const v of ['TRUE', ' false ', true, false]) {
      const document = statementDoc({
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { Null: { k: v } },
      });
      expect(() => parsePolicy(policy(document))).not.toThrow();
    }
  });

  it('numbers and booleans in condition values are read as their text', () => {
    const document = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': true } },
    });
    const ev = evaluate(
      document,
      request({ values: { 's3:max-keys': '10', 'aws:SecureTransport': 'true' } }),
    );
    expect(ev.decision).toBe('allow');
  });

  it('an empty Action list or Resource list parses and matches nothing', () => {
    expect(evaluate(statementDoc({ Effect: 'Allow', Action: [], Resource: '*' }), req).decision).toBe('none');
    expect(evaluate(statementDoc({ Effect: 'Allow', Action: '*', Resource: [] }), req).decision).toBe('none');
  });

  it('actions are compared without regard to case or surrounding spaces', () => {
    expect(
      evaluate(statementDoc({ Effect: 'Allow', Action: ' S3:GETOBJECT ', Resource: '*' }), req).decision,
    ).toBe('allow');
  });

  it('the Id is kept; without one it is null', () => {
    const withId = parsePolicy(policy({ Id: 'my-id', Statement: [] })) as CompiledPolicy;
    expect(withId.id).toBe('my-id');
    expect((parsePolicy(policy({ Statement: [] })) as CompiledPolicy).id).toBeNull();
  });

  it('without a Version element the 2008-10-17 rules apply', () => {
    expect((parsePolicy(policy({ Statement: [] })) as CompiledPolicy).version).toBe('2008-10-17');
    expect((parsePolicy(policy({ Version: '2008-10-17', Statement: [] })) as CompiledPolicy).version).toBe(
      '2008-10-17',
    );
    expect((parsePolicy(policy({ Version: '2012-10-17', Statement: [] })) as CompiledPolicy).version).toBe(
      '2012-10-17',
    );
  });

  it('a policy without an ARN has no arn field', () => {
    const p = parsePolicy(policy({ Statement: [] }));
    expect('arn' in p).toBe(false);
    expect(p.arn).toBeUndefined();
  });

  it('statement labels give the effect, the position and the Sid', () => {
    const p = parsePolicy(
      policy({
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Sid: 'Two', Effect: 'Deny', Action: '*', Resource: ['a', 'b'] },
        ],
      }),
    ) as CompiledPolicy;
    expect(p.statements.map((s) => s.label)).toEqual(['Allow statement 1', 'Deny statement 2 (Two)']);
    expect(p.statements.map((s) => s.resourceText)).toEqual(['*', '[a, b]']);
  });
});

describe('one statement object in several policies (compiled per position and version)', () => {
  it('the same statement object at another position is labelled with its own position', () => {
    const shared = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    const first = parsePolicy(policy({ Statement: [shared] })) as CompiledPolicy;
    const second = parsePolicy(
      policy({ Statement: [{ Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }, shared] }),
    ) as CompiledPolicy;
    expect(first.statements[0]?.label).toBe('Allow statement 1');
    expect(second.statements[1]?.label).toBe('Allow statement 2');
    expect(second.statements[1]?.index).toBe(2);
  });

  it('the same statement object in a 2008-10-17 policy keeps its variables literal, in a 2012-10-17 policy substitutes them', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
    const shared = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' };
    const alice = request({ principal: iamUser('alice'), resource: 'arn:aws:s3:::b/alice/k' });
    const literal = request({ principal: iamUser('alice'), resource: 'arn:aws:s3:::b/${aws:username}/k' });
    expect(evaluate({ Version: '2012-10-17', Statement: [shared] }, alice).decision).toBe('allow');
    expect(evaluate({ Version: '2008-10-17', Statement: [shared] }, alice).decision).toBe('none');
    expect(evaluate({ Version: '2008-10-17', Statement: [shared] }, literal).decision).toBe('allow');
    expect(evaluate({ Version: '2012-10-17', Statement: [shared] }, literal).decision).toBe('none');
  });

  it('a policy patched by replacing one statement evaluates the new statement', () => {
    const keep = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    const req = request({ action: 's3:PutObject' });
    expect(
      evaluate({ Statement: [keep, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }] }, req)
        .decision,
    ).toBe('deny');
    expect(
      evaluate({ Statement: [keep, { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }, req)
        .decision,
    ).toBe('allow');
  });

  it('the same malformed statement object fails again, in every policy that holds it', () => {
    const bad = { Effect: 'Allow', Action: '*' };
    expect(() => parsePolicy(policy({ Statement: [bad] }))).toThrow(/statement 1: exactly one of Resource/);
    expect(() =>
      parsePolicy(policy({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, bad] })),
    ).toThrow(/statement 2: exactly one of Resource/);
  });
});

describe('hand-made policies (a ParsedPolicy not built by parsePolicy)', () => {
  it('is compiled from its statements once, and keeps its ARN', () => {
    const hand: ParsedPolicy = {
      name: 'hand',
      arn: 'arn:aws:iam::111122223333:policy/hand',
      source: 'identity-managed',
      statements: [
        { index: 1, sid: null, effect: 'Allow', raw: { Effect: 'Allow', Action: '*', Resource: '*' } },
      ],
    };
    const a = compiledOf(hand);
    expect(a.arn).toBe('arn:aws:iam::111122223333:policy/hand');
    expect(a.version).toBe('2012-10-17');
    expect(compiledOf(hand)).toBe(a);
    expect(compiledOf(a)).toBe(a);
    const noArn: ParsedPolicy = { ...hand, arn: undefined as unknown as string };
    expect(
      'arn' in compiledOf({ name: noArn.name, source: noArn.source, statements: noArn.statements }),
    ).toBe(false);
  });
});

describe('compile caches', () => {
  it('with the caches off each parse compiles anew, to the same result; the caches are on again afterwards', () => {
    const p = policy({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }],
    });
    expect(compileCachesOn()).toBe(true);
    const [a, b, on] = withoutCompileCaches(
      () => [parsePolicy(p), parsePolicy(p), compileCachesOn()] as const,
    );
    expect(on).toBe(false);
    expect(a).not.toBe(b);
    expect(a.statements[0]).not.toBe(b.statements[0]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(compileCachesOn()).toBe(true);
    expect(parsePolicy(p)).toBe(parsePolicy(p));
  });

  it('the caches are on again even when the function throws', () => {
    expect(() =>
      withoutCompileCaches(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(compileCachesOn()).toBe(true);
  });

  it('a malformed statement object compiled with the caches off still fails with its statement named', () => {
    const bad = { Effect: 'Allow', Action: '*' };
    expect(() => withoutCompileCaches(() => parsePolicy(policy({ Statement: [bad] })))).toThrow(
      /statement 1: exactly one of Resource/,
    );
  });

  it('the document-text cache is bounded: the oldest text is compiled again after 2000 newer ones', () => {
    const text = (i: number) => JSON.stringify({ Id: `bounded-${i}`, Statement: [] });
    const first = parsePolicy(policy(text(0), 'first'));
    for (let i = 1; i <= 2000; i++) parsePolicy(policy(text(i), `p${i}`));
    const again = parsePolicy(policy(text(0), 'again'));
    expect(again.statements).not.toBe(first.statements);
    expect((again as CompiledPolicy).id).toBe('bounded-0');
    const recent = parsePolicy(policy(text(2000), 'recent'));
    expect(recent.statements).toBe(parsePolicy(policy(text(2000), 'recent2')).statements);
  });
});
