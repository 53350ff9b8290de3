/**
 * `npm start`, part 3: the real Lambda handler (the same middy handler the stack deploys), end to end
 * and offline, on the bundled examples:
 *   - examples/events/*.json, each sent as the EventBridge event the function receives, then all of them
 *     again as one SQS batch, to show the dedup counting repeats instead of alerting again;
 *   - examples/snapshot.json through the snapshot view instead of the live AWS account;
 *   - a loopback HTTP server standing in for the Slack incoming webhook;
 *   - SNS through an in-process fake client (aws-sdk-client-mock), an in-memory dedup store.
 * It prints each finding, the SNS subject and attributes, and what the Slack webhook received.
 *
 * Usage: npx tsx scripts/local-run.ts [--events DIR] [--snapshot FILE] [--verbose]
 * (without arguments: examples/, or the test fixtures when the examples are absent).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { explainRequest } from '../lambdas/adapters/explain';
import { loadSnapshot, SnapshotView } from '../lambdas/adapters/snapshot';
import type { Finding } from '../lambdas/core/model';
import { MemoryDedupStore, type DedupStore } from '../lambdas/delivery/dedup';
import { WebhookSlackSender } from '../lambdas/delivery/slack';
import { publishFinding } from '../lambdas/delivery/sns';
import type { BatchResponse, DirectResponse } from '../lambdas/handler/app';
import { createHandler } from '../lambdas/handler/create';

const ROOT = resolve(__dirname, '..');
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:s3-403-local';

export interface LocalRunOptions {
  readonly eventsDir?: string;
  readonly snapshotFile?: string;
  readonly verbose?: boolean;
  readonly print?: (line: string) => void;
}

export interface LocalRunResult {
  readonly events: number;
  readonly alerts: number;
  readonly counted: number;
  readonly skipped: number;
  readonly failedMessages: number;
  readonly slackPosts: number;
  readonly snsPublishes: number;
}

interface SlackPost {
  readonly body: { text?: string; blocks?: { type: string; text?: { text: string } }[] };
}

/** The loopback Slack webhook: answers 200 "ok" and keeps what it received. */
async function startWebhook(): Promise<{ url: string; posts: SlackPost[]; server: Server }> {
  const posts: SlackPost[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        posts.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackPost['body'] });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/services/TLOCAL/BLOCAL/local`, posts, server };
}

function defaultInputs(): { eventsDir: string; snapshotFile: string } {
  const examples = {
    eventsDir: join(ROOT, 'examples', 'events'),
    snapshotFile: join(ROOT, 'examples', 'snapshot.json'),
  };
  const hasEvents =
    existsSync(examples.eventsDir) && readdirSync(examples.eventsDir).some((f) => f.endsWith('.json'));
  if (hasEvents && existsSync(examples.snapshotFile)) return examples;
  return {
    eventsDir: join(ROOT, 'test', 'fixtures', 'events'),
    snapshotFile: join(ROOT, 'test', 'fixtures', 'snapshot', 'small.json'),
  };
}

const lambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 's3-403-local',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:s3-403-local',
  memoryLimitInMB: '512',
  awsRequestId: 'local-run',
  logGroupName: '/aws/lambda/s3-403-local',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

function describeFinding(f: Finding): string[] {
  const lines = [`  finding   ${f.verdict}${f.error ? ` (analysis failed: ${f.error})` : ''}`];
  for (const c of f.rootCauses) lines.push(`            - ${c.id} [${c.confidence}]: ${c.title}`);
  const unknown = f.checks.filter((c) => c.status === 'unknown').map((c) => c.layer);
  if (unknown.length > 0) lines.push(`            unchecked: ${unknown.join(', ')}`);
  return lines;
}

function describePublish(p: PublishCommandInput, print: (line: string) => void): void {
  const finding = JSON.parse(
    (JSON.parse(p.Message ?? '{}') as { default?: string }).default ?? '{}',
  ) as Finding;
  for (const l of describeFinding(finding)) print(l);
  print(`  SNS       subject: ${p.Subject ?? ''}`);
  const attrs = Object.entries(p.MessageAttributes ?? {}).map(([k, v]) => `${k}=${v.StringValue ?? ''}`);
  print(`            attributes: ${attrs.join(', ')}`);
}

function describeSlack(post: SlackPost, print: (line: string) => void): void {
  const blocks = post.body.blocks ?? [];
  print(`  Slack     text: ${post.body.text ?? ''}`);
  print(`            ${blocks.length} blocks: ${blocks.map((b) => b.type).join(', ')}`);
  const header = blocks.find((b) => b.type === 'header')?.text?.text;
  if (header) print(`            header: ${header}`);
}

export async function localRun(opts: LocalRunOptions = {}): Promise<LocalRunResult> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const inputs = defaultInputs();
  const eventsDir = opts.eventsDir ?? inputs.eventsDir;
  const snapshotFile = opts.snapshotFile ?? inputs.snapshotFile;
  const files = readdirSync(eventsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(eventsDir, f));
  const view = new SnapshotView(
    loadSnapshot(readFileSync(snapshotFile, 'utf8'), relative(process.cwd(), snapshotFile)),
  );

  const sns = mockClient(SNSClient);
  let published = 0;
  sns.on(PublishCommand).callsFake(() => ({ MessageId: `local-${++published}` }));
  const webhook = await startWebhook();
  const snsClient = new SNSClient({ region: 'us-east-1' });
  const memory = new MemoryDedupStore(900);
  let repeats = 0;
  const dedup: DedupStore = {
    claim: async (problem, now, channels) => {
      const claim = await memory.claim(problem, now, channels);
      if (!claim.alert) repeats += 1;
      return claim;
    },
    delivered: (claim, channel) => memory.delivered(claim, channel),
    release: (claim) => memory.release(claim),
  };
  const handler = createHandler({
    explain: (request) => explainRequest(request, view),
    publish: (finding, o) => publishFinding(snsClient, TOPIC, finding, o),
    slack: new WebhookSlackSender({ url: async () => webhook.url, timeoutMs: 30_000 }),
    dedup,
    logger: new Logger({ serviceName: 's3-403-local', logLevel: opts.verbose ? 'INFO' : 'SILENT' }),
    options: { redactKeys: false },
  });

  const totals = { events: 0, alerts: 0, counted: 0, skipped: 0, failedMessages: 0 };
  print(
    `snapshot: ${relative(process.cwd(), snapshotFile)}; Slack webhook: a loopback server; SNS: in-process fake`,
  );
  try {
    for (const file of files) {
      print('');
      print(`--- ${relative(process.cwd(), file)} (sent as the invocation event)`);
      const seenPublishes = sns.commandCalls(PublishCommand).length;
      const seenPosts = webhook.posts.length;
      try {
        const out = (await handler(
          JSON.parse(readFileSync(file, 'utf8')) as unknown,
          lambdaContext,
        )) as DirectResponse;
        totals.events += out.processed;
        totals.alerts += out.alerted;
        totals.counted += out.counted;
        totals.skipped += out.skipped;
        print(
          `  handler   ${out.processed} record(s): ${out.alerted} alerted, ${out.counted} counted, ${out.skipped} skipped`,
        );
      } catch (error) {
        totals.failedMessages += 1;
        print(
          `  handler   failed (would be retried, then dead-lettered): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      for (const call of sns.commandCalls(PublishCommand).slice(seenPublishes))
        describePublish(call.args[0].input, print);
      for (const post of webhook.posts.slice(seenPosts)) describeSlack(post, print);
    }

    if (files.length === 0)
      throw new Error(`local-run: no *.json event in ${relative(process.cwd(), eventsDir)}`);
    print('');
    print(`--- all ${files.length} events again, as one SQS batch (dedup window 15 minutes)`);
    const batch = {
      Records: files.map((file, i) => ({
        messageId: `local-${i}`,
        receiptHandle: `local-${i}`,
        body: readFileSync(file, 'utf8'),
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:s3-403-local',
        awsRegion: 'us-east-1',
      })),
    };
    const before = {
      publishes: sns.commandCalls(PublishCommand).length,
      posts: webhook.posts.length,
      repeats,
    };
    const out = (await handler(batch, lambdaContext)) as BatchResponse;
    const newAlerts = sns.commandCalls(PublishCommand).length - before.publishes;
    totals.failedMessages += out.batchItemFailures.length;
    print(`  handler   batchItemFailures: ${JSON.stringify(out.batchItemFailures)}`);
    totals.counted += repeats - before.repeats;
    print(
      `  dedup     ${repeats - before.repeats} repeat(s) counted; ${newAlerts} new alert(s), ${webhook.posts.length - before.posts} Slack post(s)`,
    );
  } finally {
    sns.restore();
    await new Promise<void>((r) => webhook.server.close(() => r()));
  }

  const result: LocalRunResult = {
    ...totals,
    slackPosts: webhook.posts.length,
    snsPublishes: published,
  };
  print('');
  print(
    `summary: ${result.events} record(s) from ${files.length} file(s): ${result.alerts} alert(s), ${result.counted} counted, ` +
      `${result.skipped} skipped; ${result.snsPublishes} SNS publish(es), ${result.slackPosts} Slack post(s), ${result.failedMessages} failed message(s)`,
  );
  return result;
}

function parseArgs(argv: readonly string[]): LocalRunOptions {
  const opts: { eventsDir?: string; snapshotFile?: string; verbose?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--events') opts.eventsDir = resolve(argv[++i] ?? '');
    else if (arg === '--snapshot') opts.snapshotFile = resolve(argv[++i] ?? '');
    else if (arg === '--verbose') opts.verbose = true;
    else throw new Error(`local-run: unknown argument ${arg} (use --events DIR, --snapshot FILE, --verbose)`);
  }
  return opts;
}

if (require.main === module) {
  (async () => {
    const result = await localRun(parseArgs(process.argv.slice(2)));
    if (result.failedMessages > 0) process.exitCode = 1;
  })().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
