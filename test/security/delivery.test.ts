/**
 * Delivery exactly once per channel (issue 14, item 5): the real handler, the dedup table on a local DynamoDB
 * (dynalite), Slack a loopback webhook, SNS aws-sdk-client-mock. When only one channel fails, every retry of the
 * record sends to that channel alone: the other never gets the same alert twice.
 * SQS redelivers a failed message (partial batch response, reportBatchItemFailures):
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { explainRequest } from '../../lambdas/adapters/explain';
import { DynamoDedupStore } from '../../lambdas/delivery/dedup';
import { WebhookSlackSender } from '../../lambdas/delivery/slack';
import { publishFinding } from '../../lambdas/delivery/sns';
import type { BatchResponse } from '../../lambdas/handler/app';
import { createHandler } from '../../lambdas/handler/create';
import { startDynalite, type LocalDynamo } from '../delivery/dynalite';
import { startFakeSlack, type FakeSlack } from '../delivery/slack-server';
import {
  cloudTrailRecord,
  eventBridgeEvent,
  lambdaContext,
  snapshotView,
  sqsEvent,
} from '../handler/fixtures';

const sns = mockClient(SNSClient);
let dynamo: LocalDynamo;
let slack: FakeSlack;
let writes: jest.SpyInstance[];
let serial = 0;

beforeAll(async () => {
  dynamo = await startDynalite('dedup');
});
afterAll(async () => dynamo.close());
beforeEach(async () => {
  sns.reset();
  slack = await startFakeSlack();
  writes = [process.stdout, process.stderr].map((s) => jest.spyOn(s, 'write').mockImplementation(() => true));
});
afterEach(async () => {
  writes.forEach((w) => w.mockRestore());
  await slack.close();
});

function makeHandler() {
  const view = snapshotView();
  const client = new SNSClient({});
  const h = createHandler({
    explain: (r) => explainRequest(r, view),
    publish: (f, o) => publishFinding(client, 'arn:aws:sns:us-east-1:999988887777:alerts', f, o),
    slack: new WebhookSlackSender({ url: async () => slack.url }),
    dedup: new DynamoDedupStore(dynamo.client, { tableName: 'dedup', windowSeconds: 900 }),
    logger: new Logger({ serviceName: 's3-403-test' }),
    options: { redactKeys: false },
  });
  return (event: unknown) => h(event, lambdaContext()) as Promise<BatchResponse>;
}

/** One SQS message carrying one denial of a problem no other test uses; each call is one (re)delivery. */
const message = () =>
  sqsEvent([
    eventBridgeEvent(
      cloudTrailRecord({ eventId: `ev-${++serial}`, key: `t${serial}/x.csv`, role: `App${serial % 10}` }),
    ),
  ]);

describe('one channel failing, the record retried by SQS', () => {
  it('Slack fails five times: SNS is published once, Slack delivered once after it recovers, no duplicate', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    for (let i = 0; i < 5; i++) slack.replies.push({ status: 500, body: 'internal_error' });
    const handler = makeHandler();
    const event = message();
    const outcomes: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++)
      outcomes.push((await handler(event)).batchItemFailures.length);
    expect(outcomes).toEqual([1, 1, 1, 1, 1, 0]); // five failed deliveries, then success
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(slack.received).toHaveLength(6);
    // A late redelivery of the same message (at-least-once) finds both channels done: it only counts.
    expect((await handler(event)).batchItemFailures).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(slack.received).toHaveLength(6);
  });

  it('SNS fails twice: Slack is delivered once, SNS published once it recovers', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(new Error('Throttling'))
      .rejectsOnce(new Error('Throttling'))
      .resolves({ MessageId: 'm-1' });
    const handler = makeHandler();
    const event = message();
    const outcomes: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++)
      outcomes.push((await handler(event)).batchItemFailures.length);
    expect(outcomes).toEqual([1, 1, 0]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(3); // two failed calls, one success
    expect(slack.received).toHaveLength(1);
  });

  it('another occurrence of the problem, arriving before the retry, delivers the pending channel itself', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    slack.replies.push({ status: 500, body: 'internal_error' });
    const handler = makeHandler();
    const n = ++serial;
    const record = (id: string) =>
      sqsEvent([
        eventBridgeEvent(cloudTrailRecord({ eventId: id, key: `t${n}/x.csv`, role: `App${n % 10}` })),
      ]);
    expect((await handler(record('first'))).batchItemFailures).toHaveLength(1);
    expect((await handler(record('second'))).batchItemFailures).toEqual([]); // takes Slack over
    expect((await handler(record('first'))).batchItemFailures).toEqual([]); // the retry only counts
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(slack.received).toHaveLength(2); // the failed attempt, then the delivery
    expect(JSON.stringify(slack.received[1]!.body)).toContain('CloudTrail event `second`');
  });
});
