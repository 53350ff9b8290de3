/**
 * The exported production `handler` (lambdas/handler/index.ts): configuration from the environment at cold
 * start, the Slack URL from Secrets Manager, the dedup table through DynamoDB (dynalite on loopback via
 * AWS_ENDPOINT_URL_DYNAMODB), every other AWS client mocked so nothing reaches AWS.
 */

import type { GetSecretValueCommand as GetSecretValue } from '@aws-sdk/client-secrets-manager';
import type { PublishCommand as Publish, SNSClient as Sns } from '@aws-sdk/client-sns';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { startDynalite, type LocalDynamo } from '../delivery/dynalite';
import { startFakeSlack, type FakeSlack } from '../delivery/slack-server';
import { AUDITOR_ROLE_ARN, cloudTrailRecord, eventBridgeEvent, lambdaContext, sqsEvent } from './fixtures';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const ENV_KEYS = [
  'SNS_TOPIC_ARN',
  'DEDUP_TABLE_NAME',
  'SLACK_SECRET_NAME',
  'AUDITOR_ROLE_ARN',
  'CHANGE_LOOKUP',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'POWERTOOLS_LOG_LEVEL',
  'REDACT_KEYS',
  'DEDUP_WINDOW_SECONDS',
];
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

/* eslint-disable @typescript-eslint/no-require-imports */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStub = AwsStub<any, any, any>;

interface Loaded {
  handler: Handler;
  sns: AnyStub;
  secrets: AnyStub;
  others: AnyStub[];
  Publish: typeof Publish;
  GetSecretValue: typeof GetSecretValue;
}

/** The first client class a package exports (SNSClient, S3Client, ...). */
function clientClass(mod: Record<string, unknown>): never {
  return Object.entries(mod).find(
    ([k]) => /^[A-Z0-9]\w*Client$/.test(k) && !k.endsWith('ServiceClient'),
  )![1] as never;
}

/**
 * The SDK packages the handler loads only on first use (Secrets Manager, STS, EC2, KMS, CloudTrail): their lazy
 * `require` runs after the cold start, in the test's own module registry, so they are mocked there (once per
 * loadHandler, the previous stubs restored).
 */
const LAZY_PACKAGES = [
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-sts',
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-kms',
  '@aws-sdk/client-cloudtrail',
];
let lazyStubs: AnyStub[] = [];

/**
 * A cold start: the handler module loaded afresh with `env`. The SDK clients are mocked in the same
 * module registry (and the lazily loaded ones in the registry their first use loads them from), so every client
 * the handler builds is a mock: nothing reaches AWS.
 */
function loadHandler(env: Record<string, string>, secretValue: () => Promise<unknown>): Loaded {
  for (const k of ENV_KEYS) delete process.env[k];
  Object.assign(process.env, env);
  for (const stub of lazyStubs) stub.restore();
  lazyStubs = LAZY_PACKAGES.map((name) => mockClient(clientClass(require(name) as Record<string, unknown>)));
  const { GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager') as {
    GetSecretValueCommand: typeof GetSecretValue;
  };
  const secrets = lazyStubs[0]!;
  secrets.on(GetSecretValueCommand).callsFake(secretValue);
  let loaded: Loaded | undefined;
  jest.isolateModules(() => {
    const { PublishCommand, SNSClient } = require('@aws-sdk/client-sns') as {
      PublishCommand: typeof Publish;
      SNSClient: typeof Sns;
    };
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    // Everything the live account view may call answers nothing: the facts become unknown, never AWS.
    const others = [
      '@aws-sdk/client-s3',
      '@aws-sdk/client-s3-control',
      '@aws-sdk/client-iam',
      '@aws-sdk/client-organizations',
      ...LAZY_PACKAGES.slice(1),
    ].map((name) => mockClient(clientClass(require(name) as Record<string, unknown>)) as AnyStub);
    const handler = (require('../../lambdas/handler') as { handler: Handler }).handler;
    loaded = {
      handler,
      sns: sns as unknown as AnyStub,
      secrets,
      others: [...others, ...lazyStubs.slice(1)],
      Publish: PublishCommand,
      GetSecretValue: GetSecretValueCommand,
    };
  });
  return loaded!;
}
/* eslint-enable @typescript-eslint/no-require-imports */

let dynamo: LocalDynamo;
let slack: FakeSlack;
let quiet: jest.SpyInstance[];

beforeAll(async () => {
  dynamo = await startDynalite('prod-dedup');
});
afterAll(async () => {
  for (const stub of lazyStubs) stub.restore();
  await dynamo.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
beforeEach(async () => {
  slack = await startFakeSlack();
  quiet = [process.stdout, process.stderr].map((s) => jest.spyOn(s, 'write').mockImplementation(() => true));
});
afterEach(async () => {
  for (const q of quiet) q.mockRestore();
  await slack.close();
});

const goodEnv = (): Record<string, string> => ({
  SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:999988887777:s3-403-alerts',
  DEDUP_TABLE_NAME: 'prod-dedup',
  SLACK_SECRET_NAME: 's3-403/slack',
  AUDITOR_ROLE_ARN,
  CHANGE_LOOKUP: 'false',
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
});

describe('the exported handler', () => {
  const slackSecret = async () => ({ SecretString: JSON.stringify({ url: slack.url }) });

  it('fails every invocation with one line naming the bad variables when the configuration is invalid', async () => {
    const { handler, sns, Publish } = loadHandler(
      { DEDUP_TABLE_NAME: 'x', DEDUP_WINDOW_SECONDS: 'soon' },
      slackSecret,
    );
    const err = (await handler(eventBridgeEvent(cloudTrailRecord()), lambdaContext()).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.name).toBe('ConfigError');
    expect(err.message).toBe(
      'Invalid Lambda configuration: SNS_TOPIC_ARN is required (the alert topic ARN); DEDUP_TABLE_NAME must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -); ' +
        'DEDUP_WINDOW_SECONDS must be a whole number of seconds from 1 to 604800, got "soon"',
    );
    expect(err.message).not.toContain('\n');
    expect(sns.commandCalls(Publish)).toHaveLength(0);
  });

  it('wires SNS, Slack (URL from Secrets Manager) and the DynamoDB dedup table end to end', async () => {
    const { handler, sns, secrets, Publish, GetSecretValue } = loadHandler(goodEnv(), slackSecret);
    const first = await handler(
      sqsEvent([eventBridgeEvent(cloudTrailRecord({ eventId: 'p1' }))]),
      lambdaContext(),
    );
    expect(first).toEqual({ batchItemFailures: [] });
    const calls = sns.commandCalls(Publish);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input as { TopicArn: string; Subject: string };
    expect(input.TopicArn).toBe('arn:aws:sns:us-east-1:999988887777:s3-403-alerts');
    expect(input.Subject).toMatch(/^S3 403: AppRole GetObject corp-data - /);
    expect(slack.received).toHaveLength(1);
    expect((secrets.commandCalls(GetSecretValue)[0]!.args[0].input as { SecretId: string }).SecretId).toBe(
      's3-403/slack',
    );
    // The repeat is counted in DynamoDB, not alerted again.
    const second = await handler(eventBridgeEvent(cloudTrailRecord({ eventId: 'p2' })), lambdaContext());
    expect(second).toEqual({ processed: 1, alerted: 0, counted: 1, skipped: 0 });
    expect(sns.commandCalls(Publish)).toHaveLength(1);
    // Another problem alerts; the webhook URL comes from the Parameters cache, not a second GetSecretValue.
    const third = await handler(
      eventBridgeEvent(cloudTrailRecord({ eventId: 'p4', role: 'App4' })),
      lambdaContext(),
    );
    expect(third).toEqual({ processed: 1, alerted: 1, counted: 0, skipped: 0 });
    expect(slack.received).toHaveLength(2);
    expect(secrets.commandCalls(GetSecretValue)).toHaveLength(1);
  });

  it('applies the loop guard from AUDITOR_ROLE_ARN and skips non-denials without touching AWS', async () => {
    const { handler, sns, others, Publish } = loadHandler(goodEnv(), slackSecret);
    const out = await handler(
      sqsEvent([
        eventBridgeEvent(cloudTrailRecord({ account: '999988887777', role: 's3-403-auditor' })),
        eventBridgeEvent(cloudTrailRecord({ errorCode: null })),
      ]),
      lambdaContext(),
    );
    expect(out).toEqual({ batchItemFailures: [] });
    expect(sns.commandCalls(Publish)).toHaveLength(0);
    for (const m of others) expect(m.calls()).toHaveLength(0);
  });

  it('fails the record (to be retried) when the Slack secret cannot be read', async () => {
    const denied = async () => {
      throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    };
    const { handler } = loadHandler(goodEnv(), denied);
    const out = await handler(
      sqsEvent([eventBridgeEvent(cloudTrailRecord({ eventId: 'p3', role: 'App3' }))]),
      lambdaContext(),
    );
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-0' }] });
  });
});
