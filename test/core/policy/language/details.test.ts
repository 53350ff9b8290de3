/**
 * The one-line details of traces (reasons as data, issue 3 item 3).
 * Condition semantics cited per case:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * Variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import { evaluate, iamUser, request, roleSession, statementDoc } from './helpers';

const conditionDetail = (
  condition: Record<string, unknown>,
  values: Record<string, string | string[]>,
  absent: string[] = [],
  otherKeys: 'absent' | 'unknown' = 'absent',
) => {
  const ev = evaluate(
    statementDoc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition }),
    request({ values, absent, otherKeys }),
  );
  return ev.statements[0]!.conditions[0]!;
};

describe('condition details', () => {
  it.each([
    [
      { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      { 'aws:SourceIp': '203.0.113.9' },
      [],
      'aws:SourceIp 203.0.113.9 is in 203.0.113.0/24',
    ],
    [
      { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
      { 'aws:SourceIp': '203.0.113.9' },
      [],
      'aws:SourceIp 203.0.113.9 is in any of [203.0.113.0/24, 2001:db8::/32]',
    ],
    [
      { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
      { 'aws:SourceVpce': 'vpce-2' },
      [],
      'aws:SourceVpce vpce-2 does not equal vpce-1',
    ],
    [
      { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
      {},
      ['aws:SourceVpce'],
      'aws:SourceVpce is absent, so StringEquals fails',
    ],
    [
      { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
      {},
      ['aws:SourceVpce'],
      'aws:SourceVpce is absent, so StringNotEquals passes',
    ],
    [
      { StringLike: { 's3:prefix': 'home/*' } },
      { 's3:prefix': 'tmp/' },
      [],
      's3:prefix tmp/ does not match home/*',
    ],
    [
      { NumericLessThan: { 's3:max-keys': '10' } },
      { 's3:max-keys': '50' },
      [],
      's3:max-keys 50 is not less than 10',
    ],
    [
      { Bool: { 'aws:SecureTransport': 'true' } },
      { 'aws:SecureTransport': 'false' },
      [],
      'aws:SecureTransport false does not equal true',
    ],
    [
      { Null: { 'aws:TokenIssueTime': 'true' } },
      { 'aws:TokenIssueTime': 'x' },
      [],
      'aws:TokenIssueTime is present; Null true fails',
    ],
    [
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } },
      { 'aws:TagKeys': ['a', 'b'] },
      [],
      'aws:TagKeys [a, b] vs a: ForAllValues:StringEquals fails',
    ],
  ])('%j with %j', (condition, values, absent, detail) => {
    expect(conditionDetail(condition, values, absent).detail).toBe(detail);
  });

  it('names a key the request does not tell about', () => {
    const c = conditionDetail({ StringEquals: { 'aws:SourceVpce': 'vpce-1' } }, {}, [], 'unknown');
    expect(c.requestValues).toBe('unknown');
    expect(c.detail).toBe('aws:SourceVpce is not known for this request, so StringEquals cannot be decided');
  });

  it('keeps the operator and key as written', () => {
    const c = conditionDetail({ 'ForAnyValue:StringLikeIfExists': { 'AWS:TagKeys': 'a*' } }, {}, [
      'aws:tagkeys',
    ]);
    expect(c.operator).toBe('ForAnyValue:StringLikeIfExists');
    expect(c.key).toBe('AWS:TagKeys');
    // ForAnyValue …IfExists on a missing key fails: IfExists does not change a set operator
    // (https://repost.aws/questions/QU9HFmDzP0QGuU-fd7rS6B7w)
    expect(c.result).toBe(false);
  });
});

describe('statement details', () => {
  it('shows what a Resource with a variable became for this request', () => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/home/${aws:username}/*',
    });
    const bob = evaluate(
      doc,
      request({ principal: iamUser('bob'), resource: 'arn:aws:s3:::b/home/alice/x' }),
    );
    expect(bob.statements[0]?.detail).toBe(
      'Allow statement 1 does not apply: arn:aws:s3:::b/home/alice/x does not match Resource arn:aws:s3:::b/home/${aws:username}/* (= arn:aws:s3:::b/home/bob/*)',
    );
    const session = evaluate(
      doc,
      request({ principal: roleSession(), resource: 'arn:aws:s3:::b/home/alice/x' }),
    );
    expect(session.statements[0]?.detail).toContain('(a variable has no value)');
  });

  it('names the principal that does not match', () => {
    const doc = statementDoc({
      Sid: 'P',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: '*',
      Resource: '*',
    });
    const ev = evaluate(doc, request({ principal: roleSession('AppRole', 'sess') }), 'bucket-policy');
    expect(ev.statements[0]?.detail).toBe(
      'Allow statement 1 (P) does not apply: principal arn:aws:iam::444455556666:root does not name arn:aws:sts::111122223333:assumed-role/AppRole/sess',
    );
  });

  it('says what applies', () => {
    const ev = evaluate(statementDoc({ Sid: 'A', Effect: 'Deny', Action: 's3:*', Resource: '*' }), request());
    expect(ev.statements[0]?.detail).toBe(
      'Deny statement 1 (A) applies to s3:GetObject on arn:aws:s3:::amzn-s3-demo-bucket/key.txt',
    );
  });
});

describe('context values', () => {
  it('numbers and booleans in the context are read as their text', () => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { NumericLessThan: { 's3:max-keys': '10' } },
    });
    const req = request();
    const ctx = {
      values: { 's3:max-keys': 5 as unknown as string },
      absent: [],
      otherKeys: 'absent' as const,
    };
    expect(evaluate(doc, { ...req, context: ctx }).decision).toBe('allow');
  });
});
