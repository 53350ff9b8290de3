/**
 * Action and Resource matching.
 * Actions: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 *   ("action names are not case-sensitive"; `*` and `?` wildcards).
 * Resources: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 *   ("Using wildcards in resource ARNs": wildcards within the colon-separated segments; `*` can replace
 *   "/" inside a segment; "If the * wildcard is the last character of a resource ARN segment, it can
 *   expand to match beyond the colon boundaries"). Resource ARNs are case-sensitive.
 */
import {
  arnMatchEncoded,
  compileArnPattern,
  arnTest,
  compileGlob,
  decodeWildcards,
  encodeWildcards,
  globTest,
  startsAt,
} from '../../../../lambdas/core/policy/match';
import fc from 'fast-check';
import { evaluatePolicy } from '../../../../lambdas/core/policy/evaluate-policy';
import { parsePolicy } from '../../../../lambdas/core/policy/parse';
import { conditionResult, evaluate, iamUser, request, statementDoc } from './helpers';

const actionMatches = (pattern: string, action: string): boolean =>
  evaluate(statementDoc({ Effect: 'Allow', Action: pattern, Resource: '*' }), request({ action }))
    .decision === 'allow';

const resourceMatches = (pattern: string, resource: string): boolean =>
  evaluate(statementDoc({ Effect: 'Allow', Action: '*', Resource: pattern }), request({ resource }))
    .decision === 'allow';

describe('Action matching (reference_policies_elements_action.html)', () => {
  it.each([
    ['s3:GetObject', 's3:GetObject', true],
    ['s3:getobject', 's3:GetObject', true], // case-insensitive
    ['S3:GETOBJECT', 's3:GetObject', true],
    ['s3:Get*', 's3:GetObjectVersion', true],
    ['s3:Get*', 's3:PutObject', false],
    ['s3:*Object', 's3:DeleteObject', true],
    ['s3:*Object', 's3:DeleteObjectVersion', false],
    ['s3:?etObject', 's3:GetObject', true],
    ['s3:?etObject', 's3:GGetObject', false],
    ['*', 's3:GetObject', true],
    ['s3:*', 's3:ListBucket', true],
    ['s3:*', 's3-object-lambda:GetObject', false],
    ['kms:Decrypt', 's3:GetObject', false],
  ])('%s vs %s -> %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});

describe('Resource matching (reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards)', () => {
  it.each([
    ['arn:aws:s3:::amzn-s3-demo-bucket/*', 'arn:aws:s3:::amzn-s3-demo-bucket/a/b/c.txt', true],
    ['arn:aws:s3:::amzn-s3-demo-bucket/*', 'arn:aws:s3:::amzn-s3-demo-bucket', false],
    ['arn:aws:s3:::amzn-s3-demo-bucket', 'arn:aws:s3:::amzn-s3-demo-bucket', true],
    ['arn:aws:s3:::AMZN-s3-demo-bucket/*', 'arn:aws:s3:::amzn-s3-demo-bucket/k', false], // case-sensitive
    // "*" may replace "/" inside a segment: the doc's own example
    [
      'arn:aws:s3:::amzn-s3-demo-bucket/*/test/*',
      'arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg',
      true,
    ],
    ['arn:aws:s3:::amzn-s3-demo-bucket/*/test/*', 'arn:aws:s3:::amzn-s3-demo-bucket//test/object.jpg', true],
    [
      'arn:aws:s3:::amzn-s3-demo-bucket/*/test/*',
      'arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg',
      false,
    ],
    ['arn:aws:s3:::example?bucket/*', 'arn:aws:s3:::example1bucket/k', true],
    ['arn:aws:s3:::example?bucket/*', 'arn:aws:s3:::example12bucket/k', false],
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket-logs/key', true],
    // a bucket pattern never reaches into the region / account segments of another ARN
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:us-east-1:111122223333:accesspoint/bucket-ap', false],
    ['arn:aws:s3:::*', 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap', false],
    ['arn:aws:s3:::*', 'arn:aws:s3:::any-bucket/any/key', true],
    // object keys may contain ':' — the resource part is one segment
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/a:b:c', true],
    ['*', 'arn:aws:s3:::b/k', true],
    ['*', '*', true],
    ['arn:aws:s3:::*', '*', false],
    // head segments: a wildcard inside a segment never crosses ':'
    ['arn:aws:s3:us-*-1:*:accesspoint/ap', 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap', true],
    ['arn:aws:s3:us-*-1:*:accesspoint/ap', 'arn:aws:s3:us-east:1-1:111122223333:accesspoint/ap', false],
    ['arn:aws:s3:*:111122223333:accesspoint/*', 'arn:aws:s3:us-east-1:444455556666:accesspoint/ap', false],
    ['arn:aws:s3:*:*:accesspoint/*', 'arn:aws:s3:us-east-1:444455556666:accesspoint/ap', true],
    ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket:extra', false],
    ['arn:aws:s3*:::bucket/*', 'arn:aws:s3-object-lambda:::bucket/k', true],
    ['arn:aws:s3?:::bucket/*', 'arn:aws:s3:::bucket/k', false],
    // a trailing "*" of the pattern's last segment expands beyond the colon boundaries (doc sentence)
    ['arn:aws:s3:*', 'arn:aws:s3:::bucket/key', true],
    ['arn:aws:s3:*', 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap', true],
    ['arn:aws:s3*', 'arn:aws:s3:::bucket/key', true],
    ['arn:aws:s3:*', 'arn:aws:sqs:us-east-1:111122223333:q', false],
    ['arn:aws:s3:us-east-1', 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap', false],
  ])('%s vs %s -> %s', (pattern, resource, expected) => {
    expect(resourceMatches(pattern, resource)).toBe(expected);
  });
});

describe('compiled patterns agree with the generic matcher', () => {
  it.each([
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/x'],
    ['arn:aws:s3:::b/*.txt', 'arn:aws:s3:::b/a/b.txt'],
    ['arn:aws:s3:::b/?', 'arn:aws:s3:::b/xy'],
    ['arn:aws:s3:::b', 'arn:aws:s3:::b'],
    ['arn:aws:*:*:*:*', 'arn:aws:s3:::b'],
  ])('%s vs %s', (pattern, s) => {
    const enc = encodeWildcards(pattern);
    expect(arnTest(compileArnPattern(enc, true), s)).toBe(arnMatchEncoded(enc, s, true));
  });

  it('globs: exact, prefix, any and general shapes', () => {
    expect(compileGlob(encodeWildcards('abc')).kind).toBe('exact');
    expect(compileGlob(encodeWildcards('ab*')).kind).toBe('prefix');
    expect(compileGlob(encodeWildcards('*')).kind).toBe('any');
    expect(compileGlob(encodeWildcards('a*b?')).kind).toBe('glob');
    expect(globTest(compileGlob(encodeWildcards('a*b?')), 'axxbz')).toBe(true);
    expect(globTest(compileGlob(encodeWildcards('a*b?')), 'axxb')).toBe(false);
    expect(globTest(compileGlob(encodeWildcards('*a*a*a*')), 'aaa')).toBe(true);
    expect(globTest(compileGlob(encodeWildcards('*a*a*a*')), 'aa')).toBe(false);
  });
});

describe('no regular expression is built while evaluating (issue 3: precompile patterns at parse time)', () => {
  it('evaluatePolicy never calls the RegExp constructor', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html (wildcards)
    const doc = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:Get*', 's3:?ut*'],
          Resource: ['arn:aws:s3:::b/*/x?', 'arn:aws:s3:*:*:accesspoint/*'],
        },
        {
          Effect: 'Deny',
          Action: '*',
          Resource: 'arn:aws:s3:::b/${aws:username}/*',
          Condition: {
            StringLike: { 's3:prefix': 'a*${aws:username}?' },
            ArnLike: { 'aws:SourceArn': 'arn:aws:*:*:*:*' },
          },
        },
      ],
    };
    const parsed = parsePolicy({ name: 'p', source: 'bucket-policy', document: doc });
    const original = global.RegExp;
    let built = 0;
    global.RegExp = new Proxy(original, {
      construct(target, args) {
        built++;
        return Reflect.construct(target, args) as object;
      },
      apply(target, self, args) {
        built++;
        return Reflect.apply(target, self, args) as unknown;
      },
    });
    try {
      for (const resource of [
        'arn:aws:s3:::b/1/xy',
        'arn:aws:s3:::b/alice/k',
        'arn:aws:s3:us-east-1:1:accesspoint/a',
      ])
        evaluatePolicy(
          parsed,
          request({
            resource,
            values: {
              'aws:username': 'alice',
              's3:prefix': 'abalicex',
              'aws:SourceArn': 'arn:aws:sns:us-east-1:1:t',
            },
          }),
        );
    } finally {
      global.RegExp = original;
    }
    expect(built).toBe(0);
  });
});

describe('more wildcard shapes (reference_policies_elements_action.html, reference_policies_elements_resource.html)', () => {
  // "*" matches any run of characters, "?" exactly one; action names are not case-sensitive, resource ARNs are.
  it.each([
    ['s3:Get*Acl', 's3:GetObjectAcl', true],
    ['s3:Get*Acl', 's3:GetObjectAclX', false],
    ['s3:*Object*', 's3:GetObjectAcl', true],
    ['s3:Get**', 's3:Get', true],
    ['s3:Get?*', 's3:Get', false],
    ['s3:Get?*', 's3:GetX', true],
    ['s3:Get?', 's3:GetXY', false],
    ['s3:Get?', 's3:GetX', true],
    ['s3:*bucket', 's3:ListBucket', true],
    ['s3:*Object', 's3:Object', true],
    ['s3:*ab', 's3:aab', true],
    ['s3:*ab', 's3:abb', false],
    ['s3:?*?', 's3:a', false],
    ['s3:?*?', 's3:ab', true],
  ])('Action %s vs %s -> %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });

  it.each([
    // after a literal head "arn:aws:s3:::" the rest is compared on its own
    ['arn:aws:s3:::b', 'arn:aws:s3:::bb', false],
    ['arn:aws:s3:::b', 'arn:aws:s3:::c', false],
    ['arn:aws:s3:::bb', 'arn:aws:s3:::b', false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::c/k', false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/', true],
    ['arn:aws:s3:::b/k?', 'arn:aws:s3:::b/k1', true],
    ['arn:aws:s3:::b/k?', 'arn:aws:s3:::b/k12', false],
    ['arn:aws:s3:::b/?*', 'arn:aws:s3:::b/', false],
    ['arn:aws:s3:::b/*/*.txt', 'arn:aws:s3:::b/x/y.txt', true],
    ['arn:aws:s3:::b/*/*.txt', 'arn:aws:s3:::b/y.txt', false],
    // a different head never matches, whatever the rest
    ['arn:aws:s3:::b/*', 'arn:aws-cn:s3:::b/k', false],
    [
      'arn:aws:s3:us-east-1:111122223333:accesspoint/ap',
      'arn:aws:s3:us-east-1:111122223333:accesspoint/ap',
      true,
    ],
    [
      'arn:aws:s3:us-east-1:111122223333:accesspoint/ap',
      'arn:aws:s3:us-east-1:444455556666:accesspoint/ap',
      false,
    ],
    // a wildcard in a head segment: segment by segment
    ['arn:aws:s3:*:111122223333:accesspoint/ap', 'arn:aws:s3:eu-west-1:111122223333:accesspoint/ap', true],
    [
      'arn:aws:s3:*:111122223333:accesspoint/ap',
      'arn:aws:s3:eu-west-1:111122223333:accesspoint/other',
      false,
    ],
    ['arn:aws:s3:*:111122223333:accesspoint/ap', 'arn:aws:s3:eu-west-1:111122223333', false],
    ['arn:aws:s?:::b/k', 'arn:aws:s3:::b/k', true],
    ['arn:aws:s?:::b/k', 'arn:aws:s3:::b/k2', false],
    ['arn:*:s3:::b/k', 'arn:aws:s3:::b', false],
    // a pattern that stops early without a trailing "*" matches only a resource that stops there too
    ['arn:aws:s?', 'arn:aws:s3', true],
    ['arn:aws:s?', 'arn:aws:s3:::b', false],
    ['arn:aws:s3:*', 'arn:aws:s3', false],
  ])('Resource %s vs %s -> %s', (pattern, resource, expected) => {
    expect(resourceMatches(pattern, resource)).toBe(expected);
  });

  it('a resource head test does not carry over from one pattern or resource to the next', () => {
    const a = compileArnPattern(encodeWildcards('arn:aws:s3:::b/*'), true);
    const b = compileArnPattern(encodeWildcards('arn:aws:s3:us-east-1:111122223333:accesspoint/*'), true);
    const inB = 'arn:aws:s3:::b/k';
    const inAp = 'arn:aws:s3:us-east-1:111122223333:accesspoint/x';
    const steps: [typeof a, string, boolean][] = [
      [a, inB, true],
      [a, inAp, false],
      [b, inAp, true],
      [a, inAp, false],
      [b, inB, false],
      [a, inB, true],
      [b, inAp, true],
      [b, inAp, true],
      [a, inB, true],
      [a, inB, true],
    ];
    expect(steps.map(([p, s]) => arnTest(p, s))).toEqual(steps.map(([, , e]) => e));
  });
});

describe('a Resource with a policy variable is matched after substitution', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
  const doc = (resource: string) => ({
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: '*', Resource: resource },
  });
  const alice = (resource: string) => request({ principal: iamUser('alice'), resource });

  it.each([
    ['arn:aws:s3:::${aws:username}-*', 'arn:aws:s3:::alice-bucket/k', true],
    ['arn:aws:s3:::${aws:username}-*', 'arn:aws:s3:::bob-bucket/k', false],
    [
      'arn:aws:s3:*:*:accesspoint/${aws:username}',
      'arn:aws:s3:us-east-1:111122223333:accesspoint/alice',
      true,
    ],
    [
      'arn:aws:s3:*:*:accesspoint/${aws:username}',
      'arn:aws:s3:us-east-1:111122223333:accesspoint/bob',
      false,
    ],
    ['arn:aws:s3:*:*:accesspoint/${aws:username}', 'arn:aws:s3:us-east-1:111122223333', false],
    ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/alice', true],
    ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/alice/x', false],
    ['arn:aws:s3:::b/${aws:username}?', 'arn:aws:s3:::b/alice1', true],
  ])('%s vs %s -> %s', (pattern, resource, expected) => {
    expect(evaluate(doc(pattern), alice(resource)).decision === 'allow').toBe(expected);
  });

  it('the detail shows the substituted value with its wildcards as written', () => {
    const ev = evaluate(doc('arn:aws:s3:::b/${aws:username}/?x'), alice('arn:aws:s3:::other/k'));
    expect(ev.statements[0]?.detail).toBe(
      'Allow statement 1 does not apply: arn:aws:s3:::other/k does not match Resource arn:aws:s3:::b/${aws:username}/?x (= arn:aws:s3:::b/alice/?x)',
    );
    const plain = evaluate(doc('arn:aws:s3:::b/${aws:username}'), alice('arn:aws:s3:::other/k'));
    expect(plain.statements[0]?.detail).toContain('(= arn:aws:s3:::b/alice)');
  });
});

describe('pattern encoding', () => {
  it('decodes what it encodes', () => {
    for (const text of ['a*b', 'a?b', '*', '?', 'plain', 'a*?*b']) {
      expect(decodeWildcards(encodeWildcards(text))).toBe(text);
      expect(encodeWildcards(text) === text).toBe(!/[*?]/.test(text));
    }
  });

  it('compiled glob shapes: "ab?" is no prefix pattern, "a?*" neither', () => {
    expect(globTest(compileGlob(encodeWildcards('ab?')), 'abcd')).toBe(false);
    expect(globTest(compileGlob(encodeWildcards('a?*')), 'a')).toBe(false);
    expect(globTest(compileGlob(encodeWildcards('a?*')), 'abc')).toBe(true);
    expect(compileGlob(encodeWildcards('AbC')).text).toBe('AbC');
    expect(compileGlob(encodeWildcards('Ab*')).text).toBe('Ab');
  });
});

describe('wildcards at the edges (reference_policies_elements_resource.html, reference_policies_elements_condition_operators.html)', () => {
  it('a "?" at the very start of an action pattern is a wildcard too', () => {
    expect(actionMatches('?3:GetObject', 's3:GetObject')).toBe(true);
    expect(actionMatches('?3:GetObject', 's33:GetObject')).toBe(false);
  });

  it('"?" is exactly one character: StringLike "a?c" does not match "abxc"', () => {
    // #Conditions_String: "a question mark (?) … matches any single character"
    expect(conditionResult('StringLike', 's3:prefix', 'a?c', { values: { 's3:prefix': 'abxc' } })).toBe(
      false,
    );
    expect(conditionResult('StringLike', 's3:prefix', 'a?c', { values: { 's3:prefix': 'abc' } })).toBe(true);
  });

  it('ArnLike "*" matches every ARN', () => {
    // #Conditions_ARN: ArnLike with wildcards
    expect(
      conditionResult('ArnLike', 'aws:SourceArn', '*', {
        values: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:topic' },
      }),
    ).toBe(true);
  });

  it('a "*" that is not the last character of a segment does not cross a colon', () => {
    expect(resourceMatches('arn:aws:*b', 'arn:aws:s3:::b')).toBe(false);
    expect(resourceMatches('arn:aws:*3', 'arn:aws:s3')).toBe(true);
  });

  it('a resource with fewer segments than the pattern does not match, even where the pattern has only "*"', () => {
    expect(resourceMatches('arn:aws:s3:*:*:*', 'arn:aws:s3')).toBe(false);
    expect(resourceMatches('arn:aws:*:*:*:*', 'arn:aws')).toBe(false);
    expect(resourceMatches('arn:aws:*:*:*:*', 'arn:aws:s3')).toBe(false);
    expect(resourceMatches('arn:aws:s3:*:*:*', 'arn:aws:s3:us-east-1:111122223333:accesspoint/a')).toBe(true);
  });

  it('after substitution, "*" in the resource part matches across ":" and "/" in an object key', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/${aws:username}/*/end' },
    };
    const alice = (resource: string) => request({ principal: iamUser('alice'), resource });
    expect(evaluate(doc, alice('arn:aws:s3:::b/alice/a:b/c/end')).decision).toBe('allow');
    expect(evaluate(doc, alice('arn:aws:s3:::b/alice/a:b/c/ends')).decision).toBe('none');
  });

  it('the detail shows a substituted value that starts with a wildcard as written', () => {
    const doc = (resource: string) => ({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: '*', Resource: resource },
    });
    const alice = request({ principal: iamUser('alice'), resource: 'arn:aws:s3:::other/k' });
    expect(evaluate(doc('*${aws:username}'), alice).statements[0]?.detail).toContain('(= *alice)');
    expect(evaluate(doc('?${aws:username}'), alice).statements[0]?.detail).toContain('(= ?alice)');
  });
});

describe('startsAt, the prefix test of compiled patterns', () => {
  it('answers as String.prototype.startsWith for any strings and position (UTF-16 code units, surrogates included)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(text, text, text, (a, b, c) => {
        const s = a + b + c;
        for (const t of [b, b + c, a + b, c, `${b}x`, '']) {
          for (const from of [0, a.length, Math.max(0, a.length - 1), s.length, s.length + 1])
            expect(startsAt(s, t, from)).toBe(s.startsWith(t, from));
        }
      }),
      { numRuns: 300 },
    );
  });
});
