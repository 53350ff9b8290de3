/**
 * The child process of the first-event bench (./first-event.ts): bundled by esbuild with `@aws-sdk/*` and
 * aws-sdk-client-mock left external, and run by plain node (no TypeScript loader in the timed part).
 *
 * Before the clock starts, the SDK clients the handler loads at cold start (S3, S3 Control, IAM, Organizations, SNS)
 * are mocked class-wide with the same-account scenario of ./live.ts (every instance the handler builds answers from
 * it, at once), and SNS Publish succeeds. DynamoDB is real: dynalite on loopback (AWS_ENDPOINT_URL_DYNAMODB). Any
 * other AWS call goes to AWS_ENDPOINT_URL, a closed loopback port: nothing reaches the network.
 *
 * Then, timed: require() of the deployed handler bundle (BENCH_BUNDLE), and its first invocation with the SQS
 * batch in BENCH_EVENT. The figures go to BENCH_OUT as JSON (stdout carries the handler's own log lines).
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { sameAccountScenario, type MockedAws } from './live';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyStub = AwsStub<any, any, any>;
type Handler = (event: unknown, context: unknown) => Promise<{ batchItemFailures?: unknown[] } | undefined>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface FirstEventFigures {
  readonly requireMs: number;
  readonly requireCpuMs: number;
  readonly firstEventMs: number;
  readonly firstEventCpuMs: number;
  /** The @aws-sdk packages the first event loaded (not loaded at cold start). */
  readonly loadedOnFirstEvent: readonly string[];
  readonly failures: number;
  readonly published: number;
}

const SDK_MODULE = /node_modules\/@aws-sdk\/([a-z0-9-]+)\/dist-cjs\/index\.js$/;

async function main(): Promise<void> {
  const stubs: Record<string, AnyStub> = {
    s3: mockClient(S3Client) as unknown as AnyStub,
    s3control: mockClient(S3ControlClient) as unknown as AnyStub,
    iam: mockClient(IAMClient) as unknown as AnyStub,
    organizations: mockClient(OrganizationsClient) as unknown as AnyStub,
  };
  // the scenario only registers answers (`on`): class-wide stubs answer every instance the handler builds
  const aws = {
    on: (client: string, command: new (input: never) => unknown, answer: (input: unknown) => unknown) =>
      stubs[client]?.on(command as never).callsFake(async (input: unknown) => answer(input)),
  } as unknown as MockedAws;
  sameAccountScenario(aws);
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).resolves({ MessageId: 'first-event' });
  const event = JSON.parse(readFileSync(process.env.BENCH_EVENT ?? '', 'utf8')) as unknown;
  const sdkBefore = new Set(Object.keys(require.cache).filter((k) => SDK_MODULE.test(k)));

  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(process.env.BENCH_BUNDLE ?? '') as { handler: Handler };
  const c1 = process.cpuUsage(c0);
  const t1 = process.hrtime.bigint();
  const sdkAtLoad = new Set(Object.keys(require.cache).filter((k) => SDK_MODULE.test(k)));
  const out = await handler(event, {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 's3-403-auditor',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:s3-403-auditor',
    memoryLimitInMB: '512',
    awsRequestId: 'first-event',
    logGroupName: '/aws/lambda/s3-403-auditor',
    logStreamName: 'first-event',
    getRemainingTimeInMillis: () => 60_000,
  });
  const c2 = process.cpuUsage(c0);
  const t2 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint): number => Number(b - a) / 1e6;
  const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e3;
  const loaded = Object.keys(require.cache)
    .filter((k) => SDK_MODULE.test(k) && !sdkAtLoad.has(k) && !sdkBefore.has(k))
    .map((k) => SDK_MODULE.exec(k)?.[1] ?? k);
  const figures: FirstEventFigures = {
    requireMs: ms(t0, t1),
    requireCpuMs: cpuMs(c1),
    firstEventMs: ms(t1, t2),
    firstEventCpuMs: cpuMs(c2) - cpuMs(c1),
    loadedOnFirstEvent: [...new Set(loaded)].sort(),
    failures: out?.batchItemFailures?.length ?? 0,
    published: sns.commandCalls(PublishCommand).length,
  };
  writeFileSync(process.env.BENCH_OUT ?? '', JSON.stringify(figures));
}

main().catch((err: unknown) => {
  process.stderr.write(`first-event child failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
