import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  buildMessage,
  findingAttributes,
  publishFinding,
  SNS_MAX_MESSAGE_BYTES,
  SnsDeliveryError,
} from '../../lambdas/delivery/sns';
import { ROOT_CAUSE_IDS, type Finding } from '../../lambdas/core/model';
import { bucketPolicyDeny, makeFinding } from './fixtures';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:s3-403-alerts';
const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());

function lastPublish() {
  const calls = sns.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
}

describe('publishFinding (aws-sdk-client-mock)', () => {
  it('publishes a short subject, a structured message and filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const finding = makeFinding();
    await expect(
      publishFinding(new SNSClient({}), TOPIC, finding, { repeatCount: 4, since: '2026-11-28T00:00:00Z' }),
    ).resolves.toEqual({
      messageId: 'm-1',
    });
    const input = lastPublish();
    expect(input.TopicArn).toBe(TOPIC);
    // Subject: ASCII, no line breaks, < 100 characters: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
    expect(input.Subject).toBe('S3 403: AppRole GetObject corp-data - bucket policy Deny DenyNonOfficeIPs');
    expect(input.Subject!.length).toBeLessThan(100);
    expect(input.MessageStructure).toBe('json');
    const structured = JSON.parse(input.Message!) as Record<string, string>;
    expect(Object.keys(structured).sort()).toEqual(['default', 'email']);
    expect(structured.email).toContain('S3 request denied: AppRole GetObject s3://corp-data/reports/q3.csv');
    expect(structured.email).toContain('Seen 4 more times since 2026-11-28T00:00:00Z.');
    const parsed = JSON.parse(structured.default!) as Finding & { repeatCount: number; since: string };
    expect(parsed.eventId).toBe('ev-0001');
    expect(parsed.rootCauses[0]!.id).toBe('bucket-policy-explicit-deny');
    expect(parsed.repeatCount).toBe(4);
    expect(parsed.since).toBe('2026-11-28T00:00:00Z');
    // Subscription filter policies match these: https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html
    expect(input.MessageAttributes).toEqual({
      rootCause: { DataType: 'String', StringValue: 'bucket-policy-explicit-deny' },
      rootCauses: { DataType: 'String.Array', StringValue: '["bucket-policy-explicit-deny"]' },
      verdict: { DataType: 'String', StringValue: 'explained' },
      bucket: { DataType: 'String', StringValue: 'corp-data' },
      account: { DataType: 'String', StringValue: '111122223333' },
      principalAccount: { DataType: 'String', StringValue: '111122223333' },
      eventName: { DataType: 'String', StringValue: 'GetObject' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
      repeatCount: { DataType: 'Number', StringValue: '4' },
    });
  });

  it('never sends more than 10 attributes, and no empty String values (SNS rejects both)', () => {
    const base = makeFinding();
    const bare = makeFinding({
      request: {
        ...base.request,
        bucket: null,
        bucketAccountId: null,
        principal: { ...base.request.principal, accountId: null },
      },
      rootCauses: [],
      verdict: 'unexplained',
    });
    for (const f of [base, bare]) {
      const attrs = findingAttributes(f, { repeatCount: 1 });
      expect(Object.keys(attrs).length).toBeLessThanOrEqual(10);
      for (const v of Object.values(attrs)) expect(v.StringValue).not.toBe('');
    }
    expect(findingAttributes(bare).rootCause!.StringValue).toBe('unexplained');
    expect(findingAttributes(bare).bucket).toBeUndefined();
  });

  it('marks analysis failures with rootCause "analysis-failed"', () => {
    expect(findingAttributes(makeFinding({ error: 'x', rootCauses: [] })).rootCause!.StringValue).toBe(
      'analysis-failed',
    );
  });

  it('keeps a huge finding within 256 KB by cutting long strings and marking it truncated', () => {
    const policy = {
      Statement: Array.from({ length: 3000 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Deny',
        Resource: 'x'.repeat(200),
      })),
    };
    const huge = makeFinding({
      rootCauses: Array.from({ length: 5 }, () => ({
        ...bucketPolicyDeny,
        fix: { ...bucketPolicyDeny.fix, policyPatch: { policy } },
      })),
    });
    const { message } = buildMessage(huge);
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    const inner = JSON.parse((JSON.parse(message) as { default: string }).default) as {
      truncated?: boolean;
      eventId: string;
    };
    expect(inner.truncated).toBe(true);
    expect(inner.eventId).toBe('ev-0001');
  });

  it('leaves a normal finding whole', () => {
    const inner = JSON.parse(
      (JSON.parse(buildMessage(makeFinding()).message) as { default: string }).default,
    ) as Record<string, unknown>;
    expect(inner.truncated).toBeUndefined();
    expect(inner).toEqual(JSON.parse(JSON.stringify(makeFinding())));
  });

  it('writes the JSON for subscribers with control and bidi characters as \\u escapes, the same value', () => {
    // email-json subscribers read `default` in a mail client, SQS consumers often on a terminal: a key with CSI
    // (U+009B), DEL, RLO (U+202E) or a line separator must not act there (SECURITY.md, core/render/safe.ts).
    const key = 'a\u009b2J\u007fb\u202eexe.txt\u2028c';
    const base = makeFinding();
    const finding = makeFinding({ request: { ...base.request, key } });
    const { message } = buildMessage(finding);
    const structured = JSON.parse(message) as { default: string; email: string };
    const raw = /[\u007f-\u009f\u202e\u2028]/;
    expect(structured.default).not.toMatch(raw);
    expect(structured.default).toContain('\\u009B2J\\u007Fb\\u202Eexe.txt\\u2028c');
    expect(structured.email).not.toMatch(raw);
    expect((JSON.parse(structured.default) as Finding).request.key).toBe(key);
  });

  it('wraps an SNS error in SnsDeliveryError naming the topic and the cause', async () => {
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }));
    const err = await publishFinding(new SNSClient({}), TOPIC, makeFinding()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnsDeliveryError);
    expect((err as Error).message).toBe(
      `SNS Publish to ${TOPIC} failed: NotFoundException: Topic does not exist`,
    );
  });
});

// SNS Publish: "Maximum message size 256 KB" (262,144 bytes), https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
const SNS_LIMIT_BYTES = 256 * 1024;
type Inner = Finding & { truncated?: boolean };
const innerOf = (message: string): Inner =>
  JSON.parse((JSON.parse(message) as { default: string }).default) as Inner;

describe('a finding too big for one SNS message keeps its shape: only its long strings are cut', () => {
  const long = (c: string): string => c.repeat(40_000);
  const huge = makeFinding({
    rootCauses: Array.from({ length: 8 }, (_, i) => ({
      ...bucketPolicyDeny,
      id: i === 0 ? bucketPolicyDeny.id : ROOT_CAUSE_IDS[i]!,
      explanation: long('e'),
      fix: { ...bucketPolicyDeny.fix, policyPatch: { policy: long('p') } },
    })),
  });
  // Built inside each test, so the mutation run knows which tests cover the cutting.
  const build = (): { message: string; inner: Inner } => {
    const { message } = buildMessage(huge);
    return { message, inner: innerOf(message) };
  };

  it('fits 256 KB and says it was truncated', () => {
    const { message, inner } = build();
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(SNS_LIMIT_BYTES);
    expect(inner.truncated).toBe(true);
  });

  it('keeps every root cause, in order, with its id, title and evidence', () => {
    const { inner } = build();
    expect(Array.isArray(inner.rootCauses)).toBe(true);
    expect(inner.rootCauses.map((c) => c.id)).toEqual(huge.rootCauses.map((c) => c.id));
    expect(inner.rootCauses[0]!.title).toBe(bucketPolicyDeny.title);
    expect(inner.rootCauses[0]!.evidence).toEqual(bucketPolicyDeny.evidence);
    expect(inner.checks).toEqual(huge.checks);
  });

  it('keeps numbers, booleans and short strings as they were', () => {
    const { inner } = build();
    expect(inner.eventId).toBe('ev-0001');
    expect(inner.region).toBe('us-east-1');
    expect(inner.request).toEqual(huge.request);
    expect(inner.rootCauses[0]!.fix.verified).toBe(true);
    expect(inner.awsMessage).toEqual(huge.awsMessage);
  });

  it('cuts a long string to a prefix of it, marked "… (truncated)"', () => {
    const { inner } = build();
    const cut = inner.rootCauses[0]!.explanation;
    expect(cut.endsWith('… (truncated)')).toBe(true);
    const kept = cut.slice(0, -'… (truncated)'.length);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(40_000);
    expect(long('e').startsWith(kept)).toBe(true);
  });

  it('still fits when even cut strings are too many: the event id and the request are kept', () => {
    const crowded = makeFinding({
      checks: Array.from({ length: 30_000 }, (_, i) => ({
        layer: ROOT_CAUSE_IDS[i % ROOT_CAUSE_IDS.length]!,
        status: 'pass' as const,
        detail: `allowed ${i}`,
      })),
    });
    const out = buildMessage(crowded);
    expect(Buffer.byteLength(out.message, 'utf8')).toBeLessThanOrEqual(SNS_LIMIT_BYTES);
    const kept = innerOf(out.message);
    expect(kept).toMatchObject({ eventId: 'ev-0001', truncated: true });
    expect(kept.request).toEqual(crowded.request);
    expect((JSON.parse(out.message) as { email: string }).email).toContain('S3 request denied');
  });
});

describe('message attributes (subscription filter policies match them)', () => {
  const base = makeFinding();

  it("names the bucket's account as `account` and the caller's as `principalAccount` (cross-account)", () => {
    const cross = makeFinding({
      request: { ...base.request, bucketAccountId: '444455556666', crossAccount: true },
    });
    const attrs = findingAttributes(cross);
    expect(attrs.account).toEqual({ DataType: 'String', StringValue: '444455556666' });
    expect(attrs.principalAccount).toEqual({ DataType: 'String', StringValue: '111122223333' });
  });

  it("falls back to the caller's account when the bucket's account is unknown", () => {
    const attrs = findingAttributes(makeFinding({ request: { ...base.request, bucketAccountId: null } }));
    expect(attrs.account).toEqual({ DataType: 'String', StringValue: '111122223333' });
  });

  it('leaves out what is unknown instead of sending an attribute without a value (SNS rejects those)', () => {
    const bare = makeFinding({
      region: '',
      request: {
        ...base.request,
        eventName: '',
        bucket: null,
        bucketAccountId: null,
        principal: { ...base.request.principal, accountId: null },
      },
      rootCauses: [],
      verdict: 'unexplained',
    });
    expect(findingAttributes(bare)).toEqual({
      rootCause: { DataType: 'String', StringValue: 'unexplained' },
      verdict: { DataType: 'String', StringValue: 'unexplained' },
      eventName: { DataType: 'String', StringValue: 'unknown' },
      region: { DataType: 'String', StringValue: 'unknown' },
    });
  });

  it('lists every root cause in the String.Array attribute', () => {
    const two = makeFinding({ rootCauses: [bucketPolicyDeny, { ...bucketPolicyDeny, id: 'scp-deny' }] });
    expect(findingAttributes(two).rootCauses).toEqual({
      DataType: 'String.Array',
      StringValue: '["bucket-policy-explicit-deny","scp-deny"]',
    });
  });
});

describe('a failed publish is heard', () => {
  it('keeps the SDK error as the cause and names itself SnsDeliveryError', async () => {
    const sdkError = Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    sns.on(PublishCommand).rejects(sdkError);
    const err = (await publishFinding(new SNSClient({}), TOPIC, makeFinding()).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.name).toBe('SnsDeliveryError');
    expect(err.cause).toBe(sdkError);
  });

  it('also when something other than an Error is thrown', async () => {
    sns.on(PublishCommand).callsFake(() => Promise.reject('socket hang up'));
    const err = await publishFinding(new SNSClient({}), TOPIC, makeFinding()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnsDeliveryError);
    expect((err as Error).message).toBe(`SNS Publish to ${TOPIC} failed: Error: socket hang up`);
  });

  it('resolves with an empty message id when SNS returns none', async () => {
    sns.on(PublishCommand).resolves({});
    await expect(publishFinding(new SNSClient({}), TOPIC, makeFinding())).resolves.toEqual({ messageId: '' });
  });
});
