/**
 * The real middy handler (createHandler), invoked with EventBridge events and SQS batches and a fake
 * Lambda context. Real parts: the analysis on a snapshot, the Slack client against a loopback
 * webhook server, the dedup table on dynalite. SNS is aws-sdk-client-mock.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { explainRequest } from '../../lambdas/adapters/explain';
import { toAccessRequest } from '../../lambdas/core/event';
import type { AccessRequest, Finding } from '../../lambdas/core/model';
import {
  DynamoDedupStore,
  keyOf,
  MemoryDedupStore,
  problemKey,
  type DedupStore,
} from '../../lambdas/delivery/dedup';
import { WebhookSlackSender } from '../../lambdas/delivery/slack';
import { publishFinding } from '../../lambdas/delivery/sns';
import type { AppDeps, AppOptions, BatchResponse, DirectResponse } from '../../lambdas/handler/app';
import { createHandler } from '../../lambdas/handler/create';
import { keyToken } from '../../lambdas/handler/redact';
import { startDynalite, type LocalDynamo } from '../delivery/dynalite';
import { startFakeSlack, type FakeSlack } from '../delivery/slack-server';
import {
  AUDITOR_ROLE_ARN,
  cloudTrailRecord,
  eventBridgeEvent,
  lambdaContext,
  snapshotView,
  sqsEvent,
} from './fixtures';

const TOPIC = 'arn:aws:sns:us-east-1:999988887777:s3-403-alerts';
const sns = mockClient(SNSClient);
let slack: FakeSlack;
let dynamo: LocalDynamo;
let logs: string[];
let writeSpies: jest.SpyInstance[];

beforeAll(async () => {
  dynamo = await startDynalite('dedup');
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(async () => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  slack = await startFakeSlack();
  logs = [];
  // Powertools writes INFO to stdout and WARN/ERROR to stderr.
  writeSpies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logs.push(String(chunk));
      return true;
    }),
  );
});
afterEach(async () => {
  for (const spy of writeSpies) spy.mockRestore();
  await slack.close();
});

interface Setup {
  dedup?: DedupStore;
  explain?: (r: AccessRequest) => Promise<Finding>;
  options?: Partial<AppOptions>;
  slackSender?: WebhookSlackSender | null;
}

function makeHandler(s: Setup = {}) {
  const view = snapshotView();
  const client = new SNSClient({});
  const deps: AppDeps = {
    explain: s.explain ?? ((r) => explainRequest(r, view)),
    publish: (f, o) => publishFinding(client, TOPIC, f, o),
    slack:
      s.slackSender === undefined
        ? new WebhookSlackSender({ url: async () => slack.url, maxRetryAfterSeconds: 5 })
        : s.slackSender,
    dedup: s.dedup ?? new MemoryDedupStore(900),
    logger: new Logger({ serviceName: 's3-403-test', logLevel: 'INFO' }),
    options: {
      redactKeys: false,
      auditorRoleArn: AUDITOR_ROLE_ARN,
      memberRoleName: 'S3403Audit',
      ...s.options,
    },
  };
  const handler = createHandler(deps);
  return (event: unknown) => handler(event, lambdaContext()) as Promise<BatchResponse | DirectResponse>;
}

const publishes = (): PublishCommandInput[] => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
const jsonLogs = (): Record<string, unknown>[] =>
  logs
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('handler: EventBridge event invoked directly', () => {
  it('explains the denial and alerts once on SNS and Slack', async () => {
    const out = await makeHandler()(eventBridgeEvent(cloudTrailRecord()));
    expect(out).toEqual({ processed: 1, alerted: 1, counted: 0, skipped: 0 });
    const [p] = publishes();
    expect(p!.Subject).toBe('S3 403: AppRole GetObject corp-data - bucket policy Deny DenyNonOfficeIPs');
    expect(p!.MessageAttributes!.rootCause!.StringValue).toBe('bucket-policy-explicit-deny');
    const finding = JSON.parse((JSON.parse(p!.Message!) as { default: string }).default) as Finding;
    expect(finding.eventId).toBe('ev-0001');
    expect(finding.rootCauses[0]!.evidence[0]!.statement).toBe('DenyNonOfficeIPs');
    expect(slack.received).toHaveLength(1);
    const body = slack.received[0]!.body as { text: string; blocks: { type: string }[] };
    expect(body.text).toContain('S3 403: AppRole GetObject on corp-data');
    expect(body.blocks[0]!.type).toBe('header');
    expect(JSON.stringify(body.blocks)).toContain('DenyNonOfficeIPs');
  });

  it('counts a repeat of the same problem without a second alert', async () => {
    const handler = makeHandler();
    await handler(eventBridgeEvent(cloudTrailRecord({ eventId: 'a' })));
    const out = await handler(eventBridgeEvent(cloudTrailRecord({ eventId: 'b', key: 'other/key.csv' })));
    expect(out).toEqual({ processed: 1, alerted: 0, counted: 1, skipped: 0 });
    expect(publishes()).toHaveLength(1);
    expect(slack.received).toHaveLength(1);
  });

  it('ignores records that are not denials', async () => {
    const out = await makeHandler()(eventBridgeEvent(cloudTrailRecord({ errorCode: null })));
    expect(out).toEqual({ processed: 1, alerted: 0, counted: 0, skipped: 1 });
    expect(publishes()).toHaveLength(0);
    expect(slack.received).toHaveLength(0);
  });

  it.each([
    ['the auditor role itself', { account: '999988887777', role: 's3-403-auditor' }],
    ['the member read role of the account the denial happened in', { role: 'S3403Audit' }],
  ])('ignores a denial caused by %s (loop guard)', async (_name, o) => {
    const out = await makeHandler()(eventBridgeEvent(cloudTrailRecord(o)));
    expect(out).toEqual({ processed: 1, alerted: 0, counted: 0, skipped: 1 });
    expect(publishes()).toHaveLength(0);
    expect(jsonLogs().some((l) => String(l.message).includes('loop guard'))).toBe(true);
  });

  it('still alerts, with the request and the error, when the analysis fails', async () => {
    const out = await makeHandler({
      explain: async () => {
        throw new Error('facts: GetBucketPolicy timed out');
      },
    })(eventBridgeEvent(cloudTrailRecord()));
    expect(out).toMatchObject({ alerted: 1 });
    const [p] = publishes();
    expect(p!.Subject).toBe('S3 403: AppRole GetObject corp-data - analysis failed');
    expect(p!.MessageAttributes!.rootCause!.StringValue).toBe('analysis-failed');
    const structured = JSON.parse(p!.Message!) as { default: string; email: string };
    expect(structured.email).toContain('GetBucketPolicy timed out');
    const finding = JSON.parse(structured.default) as Finding;
    expect(finding.error).toContain('GetBucketPolicy timed out');
    expect(finding.request.principal.identityArn).toBe('arn:aws:iam::111122223333:role/AppRole');
    expect(JSON.stringify(slack.received[0]!.body)).toContain('The analysis failed');
  });

  it('throws when delivery fails, so the invocation is retried (then dead-lettered)', async () => {
    slack.replies.push({ status: 500, body: 'rollup_error' });
    const handler = makeHandler();
    await expect(handler(eventBridgeEvent(cloudTrailRecord()))).rejects.toThrow(
      'alert delivery failed (Slack: SlackDeliveryError: Slack webhook answered HTTP 500: rollup_error)',
    );
    // The retry alerts again: the failed claim was released.
    await expect(handler(eventBridgeEvent(cloudTrailRecord()))).resolves.toMatchObject({ alerted: 1 });
    expect(slack.received).toHaveLength(2);
  });

  it('handles every record of a CloudTrail log file given directly, one alert per problem', async () => {
    const out = await makeHandler()({
      Records: [
        cloudTrailRecord({ eventId: 'l1' }),
        cloudTrailRecord({ eventId: 'l2', key: 'x/y' }),
        cloudTrailRecord({ eventId: 'l3', errorCode: null }),
      ],
    });
    expect(out).toEqual({ processed: 3, alerted: 1, counted: 1, skipped: 1 });
    expect(publishes()).toHaveLength(1);
  });

  it('logs a warning for each value of the event that is not a CloudTrail record (never dropped silently)', async () => {
    const out = await makeHandler()({
      Records: [
        cloudTrailRecord({ eventId: 'w1' }),
        { eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied' },
      ],
    });
    expect(out).toEqual({ processed: 1, alerted: 1, counted: 0, skipped: 0 });
    const warned = jsonLogs().filter((l) => l.level === 'WARN');
    expect(warned).toEqual([
      expect.objectContaining({
        message: 'a value of the message is not a CloudTrail record and was skipped',
        at: 'Records[1]',
        what: 'an object without a string eventName',
        kind: 'other',
        errorCode: 'AccessDenied',
      }),
    ]);
  });

  it('throws a one-line error naming the input when the event is unreadable', async () => {
    await expect(makeHandler()({ hello: 'world' })).rejects.toThrow(
      /the invocation event: no CloudTrail record found/,
    );
  });

  it('replaces the object key with a hash everywhere when REDACT_KEYS is on', async () => {
    await makeHandler({ options: { redactKeys: true } })(
      eventBridgeEvent(cloudTrailRecord({ key: 'customers/jane.doe@example.com.csv' })),
    );
    const [p] = publishes();
    expect(JSON.stringify(p)).not.toContain('jane.doe');
    expect(JSON.stringify(slack.received)).not.toContain('jane.doe');
    expect(JSON.stringify(p)).toContain(keyToken('customers/jane.doe@example.com.csv'));
  });

  it('logs structured JSON with the Lambda context and the CloudTrail eventID as correlation id, never the webhook URL', async () => {
    slack.replies.push({ status: 500, body: 'rollup_error' });
    const handler = makeHandler();
    await expect(handler(eventBridgeEvent(cloudTrailRecord({ eventId: 'ev-corr-1' })))).rejects.toThrow();
    await handler(eventBridgeEvent(cloudTrailRecord({ eventId: 'ev-corr-1' })));
    const sent = jsonLogs().find((l) => l.message === 'alert sent');
    expect(sent).toMatchObject({
      level: 'INFO',
      service: 's3-403-test',
      function_name: 's3-403-auditor',
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      correlation_id: 'ev-corr-1',
      eventId: 'ev-corr-1',
      rootCause: 'bucket-policy-explicit-deny',
    });
    expect(logs.join('')).not.toContain(slack.url);
    expect(logs.join('')).not.toContain('/services/T000');
  });
});

describe('handler: SQS batches (partial batch failure reporting)', () => {
  it('processes every message and reports no failure when all succeed', async () => {
    const out = await makeHandler()(
      sqsEvent([
        eventBridgeEvent(cloudTrailRecord({ eventId: 'e1', role: 'App0' })),
        eventBridgeEvent(cloudTrailRecord({ eventId: 'e2', role: 'App1' })),
        eventBridgeEvent(cloudTrailRecord({ eventId: 'e3', errorCode: null })),
      ]),
    );
    expect(out).toEqual({ batchItemFailures: [] });
    expect(publishes()).toHaveLength(2);
    expect(slack.received).toHaveLength(2);
  });

  it('fails only the message whose Slack delivery got HTTP 500; its retry then alerts', async () => {
    slack.replies.push({ status: 500, body: 'rollup_error' });
    const handler = makeHandler({ slackSender: new WebhookSlackSender({ url: async () => slack.url }) });
    const first = await handler(
      sqsEvent([eventBridgeEvent(cloudTrailRecord({ eventId: 'e1', role: 'App0' }))]),
    );
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
    const mixed = await handler(
      sqsEvent([
        eventBridgeEvent(cloudTrailRecord({ eventId: 'e1', role: 'App0' })),
        eventBridgeEvent(cloudTrailRecord({ eventId: 'e2', role: 'App1' })),
      ]),
    );
    expect(mixed).toEqual({ batchItemFailures: [] });
    expect(slack.received).toHaveLength(3);
  });

  it('honours a Slack 429 Retry-After and then succeeds without failing the message', async () => {
    slack.replies.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } });
    const out = await makeHandler()(sqsEvent([eventBridgeEvent(cloudTrailRecord())]));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(slack.received).toHaveLength(2);
    expect(slack.received[1]!.at - slack.received[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('fails the message when Retry-After is beyond the budget', async () => {
    slack.replies.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '600' } });
    const out = await makeHandler()(sqsEvent([eventBridgeEvent(cloudTrailRecord())]));
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
  });

  it('fails a message SNS could not take, and only that one', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }))
      .resolves({ MessageId: 'ok' });
    const out = (await makeHandler()(
      sqsEvent([
        eventBridgeEvent(cloudTrailRecord({ eventId: 'e1', role: 'App0' })),
        eventBridgeEvent(cloudTrailRecord({ eventId: 'e2', role: 'App1' })),
      ]),
    )) as BatchResponse;
    expect(out.batchItemFailures).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    const failed = out.batchItemFailures[0]!.itemIdentifier;
    expect(jsonLogs().some((l) => l.messageId === failed && l.level === 'WARN')).toBe(true);
  });

  it('reads an EventBridge event that reached the queue through an SNS topic (SNS envelope in the body)', async () => {
    const envelope = {
      Type: 'Notification',
      MessageId: 'n1',
      TopicArn: 'arn:aws:sns:us-east-1:1:t',
      Message: JSON.stringify(eventBridgeEvent(cloudTrailRecord())),
    };
    const out = await makeHandler()(sqsEvent([envelope]));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(publishes()).toHaveLength(1);
  });

  it('fails an unreadable message and processes the others', async () => {
    const out = await makeHandler()(sqsEvent(['not json at all', eventBridgeEvent(cloudTrailRecord())]));
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
    expect(publishes()).toHaveLength(1);
  });

  it('1,000 events of 10 distinct problems in concurrent batches: exactly 10 alerts, 990 counted (dynalite)', async () => {
    const dedup = new DynamoDedupStore(dynamo.client, { tableName: 'dedup', windowSeconds: 900 });
    // 1,000 analyses share the event loop with the loopback webhook: a generous timeout keeps a busy machine
    // from failing a Slack post that is only slow.
    const slackSender = new WebhookSlackSender({ url: async () => slack.url, timeoutMs: 60_000 });
    const handler = makeHandler({ dedup, slackSender });
    const records = Array.from({ length: 1000 }, (_, i) =>
      cloudTrailRecord({ eventId: `c-${i}`, role: `App${i % 10}` }),
    );
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < records.length; i += 10) batches.push(records.slice(i, i + 10).map(eventBridgeEvent));
    const outs = await Promise.all(batches.map((b) => handler(sqsEvent(b))));
    // On failure, the handler's own error lines say why.
    const failed = outs.flatMap((o) => (o as BatchResponse).batchItemFailures);
    const errors = jsonLogs()
      .filter((l) => l.level === 'ERROR')
      .map((l) => `${String(l.message)}: ${String(l.error)}`);
    expect({ failed: failed.length, errors: [...new Set(errors)] }).toEqual({ failed: 0, errors: [] });
    expect(publishes()).toHaveLength(10);
    expect(slack.received).toHaveLength(10);
    expect(new Set(publishes().map((p) => p.Subject)).size).toBe(10);
    const view = snapshotView();
    for (let r = 0; r < 10; r++) {
      const finding = await explainRequest(toAccessRequest(cloudTrailRecord({ role: `App${r}` })), view);
      const item = await dynamo.client.send(
        new GetItemCommand({ TableName: 'dedup', Key: { pk: { S: keyOf(problemKey(finding)) } } }),
      );
      expect(item.Item?.repeats?.N).toBe('99');
    }
  }, 120_000);
});
