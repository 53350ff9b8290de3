import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  buildMessage,
  findingAttributes,
  publishFinding,
  SNS_MAX_MESSAGE_BYTES,
  SnsDeliveryError,
} from '../../lambdas/delivery/sns';
import type { Finding } from '../../lambdas/core/model';
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
