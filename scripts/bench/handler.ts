/**
 * Benchmark of the Lambda (issue 6): handler throughput on a burst of 10,000 events, the bundle's size and
 * the cold-start module load time of that bundle.
 *
 * - Throughput: the real middy handler (createHandler) with the snapshot view, the dedup table on dynalite
 *   (a DynamoDB API on loopback), SNS through an in-process fake, Slack through a loopback webhook; the
 *   events (10 distinct problems) arrive as SQS batches of 10, as the stack's event source delivers them,
 *   with 20 batches in flight (concurrent invocations). Target: 500 events/s or more.
 * - Bundle: esbuild of lambdas/handler/index.ts, minified, node22, CommonJS, with `@aws-sdk/*` external
 *   exactly as CDK's NodejsFunction bundles it for Node 22 (the runtime provides the SDK v3). Target < 1.5 MB.
 *   The size with the SDK inlined is printed too.
 * - Cold start: `require()` of that bundle in fresh node processes (the median CPU time). Target < 300 ms.
 *   The @aws-sdk packages it loads at init are listed; EC2, KMS and CloudTrail are meant to load on first use.
 *
 * Run alone with `npx tsx scripts/bench/handler.ts` (`--cold-start`: the bundle part only), or `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { explainRequest } from '../../lambdas/adapters/explain';
import { DynamoDedupStore } from '../../lambdas/delivery/dedup';
import { WebhookSlackSender } from '../../lambdas/delivery/slack';
import { publishFinding } from '../../lambdas/delivery/sns';
import type { BatchResponse } from '../../lambdas/handler/app';
import { createHandler } from '../../lambdas/handler/create';
import { startDynalite } from '../../test/delivery/dynalite';
import { startFakeSlack } from '../../test/delivery/slack-server';
import {
  cloudTrailRecord,
  eventBridgeEvent,
  lambdaContext,
  snapshotView,
  sqsEvent,
} from '../../test/handler/fixtures';
import { firstEvent } from './first-event';

const ROOT = resolve(__dirname, '..', '..');
const EVENTS = 10_000;
const PROBLEMS = 10;
const BATCH = 10;
const IN_FLIGHT = 20;

interface Throughput {
  eventsPerSecond: number;
  /** Events per second of CPU used by this process (handler and the in-process dynalite): the rate on an idle core. */
  eventsPerCpuSecond: number;
  alerts: number;
  failures: number;
  seconds: number;
}

async function throughput(): Promise<Throughput> {
  const dynamo = await startDynalite('dedup-bench');
  const slack = await startFakeSlack();
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).resolves({ MessageId: 'bench' });
  try {
    const view = snapshotView();
    const client = new SNSClient({ region: 'us-east-1' });
    const handler = createHandler({
      explain: (request) => explainRequest(request, view),
      publish: (finding, opts) =>
        publishFinding(client, 'arn:aws:sns:us-east-1:111122223333:bench', finding, opts),
      slack: new WebhookSlackSender({ url: async () => slack.url }),
      dedup: new DynamoDedupStore(dynamo.client, { tableName: 'dedup-bench', windowSeconds: 900 }),
      logger: new Logger({ serviceName: 's3-403-bench', logLevel: 'SILENT' }),
      options: { redactKeys: false },
    });
    const batches: ReturnType<typeof sqsEvent>[] = [];
    for (let i = 0; i < EVENTS; i += BATCH) {
      const bodies = Array.from({ length: BATCH }, (_, j) =>
        eventBridgeEvent(
          cloudTrailRecord({
            eventId: `bench-${i + j}`,
            role: `App${(i + j) % PROBLEMS}`,
            key: `k/${i + j}`,
          }),
        ),
      );
      batches.push(sqsEvent(bodies));
    }
    let next = 0;
    let failures = 0;
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const out = (await handler(batch, lambdaContext())) as BatchResponse;
        failures += out.batchItemFailures.length;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    return {
      eventsPerSecond: EVENTS / seconds,
      eventsPerCpuSecond: EVENTS / cpuSeconds,
      alerts: sns.commandCalls(PublishCommand).length,
      failures,
      seconds,
    };
  } finally {
    sns.restore();
    await slack.close();
    await dynamo.close();
  }
}

async function bundle(dir: string, external: string[]): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const outfile = join(dir, external.length > 0 ? 'deployed' : 'inlined', 'index.js');
  await esbuild.build({
    entryPoints: [join(ROOT, 'lambdas', 'handler', 'index.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external,
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

interface LoadTime {
  wall: number;
  cpu: number;
  /** The @aws-sdk/* packages (direct or not) in node's require cache once the bundle is loaded. */
  sdkLoaded: string[];
}

/** Runs of each cold-start measurement; CPU time is the figure to compare (wall time follows the machine's load). */
const LOAD_RUNS = 9;

/**
 * Median over `runs` fresh node processes of the wall and CPU time of require() of the bundle. With
 * `preloadSdk`, the @aws-sdk packages the bundle requires are loaded first, untimed: what remains is the
 * load time of the bundle's own code.
 */
function loadMs(file: string, runs = LOAD_RUNS, preloadSdk = false): LoadTime {
  const preload = preloadSdk
    ? `for(const m of new Set(require('fs').readFileSync(${JSON.stringify(file)},'utf8').match(/require\\("@aws-sdk\\/[a-z0-9-]+"\\)/g)||[]))require(m.slice(9,-2));`
    : '';
  const sdkLoaded = `Object.keys(require.cache).map(k=>/node_modules\\/@aws-sdk\\/([a-z0-9-]+)\\/dist-cjs\\/index\\.js$/.exec(k)?.[1]).filter(Boolean)`;
  const script =
    `${preload}const t=process.hrtime.bigint(),c=process.cpuUsage();require(${JSON.stringify(file)});` +
    `const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([Number(process.hrtime.bigint()-t)/1e6,(u.user+u.system)/1e3,${sdkLoaded}]))`;
  const walls: number[] = [];
  const cpus: number[] = [];
  let sdk: string[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['-e', script], {
      // The deployed bundle finds @aws-sdk/* where the Lambda runtime provides it; here, the project's node_modules.
      env: {
        ...process.env,
        NODE_PATH: join(ROOT, 'node_modules'),
        SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:bench',
        DEDUP_TABLE_NAME: 'dedup-bench',
        AWS_REGION: 'us-east-1',
      },
      encoding: 'utf8',
    });
    const [wall, cpu, loaded] = JSON.parse(out) as [number, number, string[]];
    walls.push(wall);
    cpus.push(cpu);
    sdk = loaded;
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus), sdkLoaded: [...new Set(sdk)].sort() };
}

/** The @aws-sdk/* packages the bundle may require (at load or later). */
function sdkRequired(file: string): string[] {
  const found = readFileSync(file, 'utf8').match(/require\("@aws-sdk\/[a-z0-9-]+"\)/g) ?? [];
  return [...new Set(found.map((m) => m.slice('require("@aws-sdk/'.length, -2)))].sort();
}

/**
 * The bundle (its size with the SDK external as deployed, and inlined) and its cold-start load time: median
 * CPU and wall time of require() in fresh processes, with the @aws-sdk packages it loads at init and those it
 * loads only on first use. Standalone: `npx tsx scripts/bench/handler.ts --cold-start`.
 */
export async function benchColdStart(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 's3-403-bundle-'));
  try {
    const deployed = await bundle(dir, ['@aws-sdk/*']);
    const inlined = await bundle(dir, []);
    const deployedBytes = statSync(deployed).size;
    const inlinedBytes = statSync(inlined).size;
    const deployedLoad = loadMs(deployed);
    const inlinedLoad = loadMs(inlined);
    const ownLoad = loadMs(deployed, LOAD_RUNS, true);
    const first = await firstEvent(deployed, dir);
    const required = sdkRequired(deployed);
    const eager = required.filter((p) => deployedLoad.sdkLoaded.includes(p));
    const lazy = required.filter((p) => !deployedLoad.sdkLoaded.includes(p));
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(2);
    console.log(
      `bundle: ${mb(deployedBytes)} MB minified with @aws-sdk/* external as CDK deploys it (target < 1.5 MB); ` +
        `${mb(inlinedBytes)} MB with the SDK inlined`,
    );
    console.log(
      `cold start (median of ${LOAD_RUNS}): require() of the bundle ${deployedLoad.wall.toFixed(0)} ms wall, ${deployedLoad.cpu.toFixed(0)} ms CPU (target < 300 ms); ` +
        `SDK inlined: ${inlinedLoad.wall.toFixed(0)} ms wall, ${inlinedLoad.cpu.toFixed(0)} ms CPU; ` +
        `the bundle's own code, SDK already loaded: ${ownLoad.wall.toFixed(0)} ms wall, ${ownLoad.cpu.toFixed(0)} ms CPU`,
    );
    console.log(
      `first event (median of ${first.runs} fresh processes; AWS answered in-process, dedup on dynalite): ` +
        `require() ${first.requireMs.toFixed(0)} ms wall (SDK clients already loaded by the mocks), then the first ` +
        `SQS batch of one denial ${first.firstEventMs.toFixed(0)} ms wall, ${first.firstEventCpuMs.toFixed(0)} ms CPU; ` +
        `SDK packages it loaded: ${first.loadedOnFirstEvent.join(', ') || 'none'}; ` +
        `${first.published} alerts published, ${first.failures} failed records over the ${first.runs} runs`,
    );
    console.log(
      `@aws-sdk packages the bundle loads at cold start: ${eager.join(', ') || 'none'}; ` +
        `loaded on first use only: ${lazy.join(', ') || 'none'}`,
    );
    return {
      bundleBytes: deployedBytes,
      bundleBytesSdkInlined: inlinedBytes,
      coldStartLoadMs: Number(deployedLoad.wall.toFixed(1)),
      coldStartLoadCpuMs: Number(deployedLoad.cpu.toFixed(1)),
      coldStartLoadMsSdkInlined: Number(inlinedLoad.wall.toFixed(1)),
      coldStartLoadCpuMsSdkInlined: Number(inlinedLoad.cpu.toFixed(1)),
      coldStartOwnCodeCpuMs: Number(ownLoad.cpu.toFixed(1)),
      coldStartSdkPackages: eager.length,
      firstEventMs: Number(first.firstEventMs.toFixed(1)),
      firstEventCpuMs: Number(first.firstEventCpuMs.toFixed(1)),
      firstEventAlerts: first.published,
      lazySdkPackages: lazy.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchHandler(): Promise<Record<string, number>> {
  const load = loadAverage();
  const t = await throughput();
  console.log(
    `handler: ${EVENTS} events (${PROBLEMS} problems, SQS batches of ${BATCH}, ${IN_FLIGHT} in flight) in ${t.seconds.toFixed(2)} s` +
      ` = ${t.eventsPerSecond.toFixed(0)} events/s wall, ${t.eventsPerCpuSecond.toFixed(0)} events per CPU second (target >= 500);` +
      ` ${t.alerts} alerts, ${t.failures} failed records`,
  );
  const cold = await benchColdStart();
  console.log(
    `machine load average at start: ${load.toFixed(1)} on ${cpus().length} CPUs (wall times grow with it; CPU times much less)`,
  );
  return {
    eventsPerSecond: Math.round(t.eventsPerSecond),
    eventsPerCpuSecond: Math.round(t.eventsPerCpuSecond),
    burstSeconds: Number(t.seconds.toFixed(3)),
    alerts: t.alerts,
    failedRecords: t.failures,
    ...cold,
    loadAverage: Number(load.toFixed(2)),
  };
}

const loadAverage = (): number => loadavg()[0] ?? 0;

if (require.main === module) {
  (process.argv.includes('--cold-start') ? benchColdStart() : benchHandler())
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((error: unknown) => {
      console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
}
