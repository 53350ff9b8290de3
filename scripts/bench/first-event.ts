/**
 * Issue 15 item 4: the Lambda's first event. In fresh node processes (./first-event-child.ts, bundled by esbuild
 * and run by plain node), the deployed handler bundle is required and invoked once with an SQS batch of one
 * same-account GetObject denial: the live view reads its facts from mocked SDK clients that answer at once (the
 * scenario of ./live.ts), the dedup table is dynalite on loopback, SNS Publish is mocked. So the figure is the
 * function's own work on a cold first event (module loads, lazy SDK packages, policy compilation, analysis, dedup,
 * rendering), without AWS's network latency, which ./live.ts measures separately. Median of `runs` processes.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startDynalite } from '../../test/delivery/dynalite';
import { cloudTrailRecord, eventBridgeEvent, sqsEvent } from '../../test/handler/fixtures';
import type { FirstEventFigures } from './first-event-child';
import { ACCOUNT, BUCKET, KEY, ROLE } from './live';

const ROOT = resolve(__dirname, '..', '..');

/** One SQS batch with the same-account denial of ./live.ts (role session app-role/alice, GetObject). */
function denialBatch(): ReturnType<typeof sqsEvent> {
  const record = cloudTrailRecord({ role: ROLE, account: ACCOUNT, key: KEY, eventId: 'first-event' });
  record.requestParameters = { bucketName: BUCKET, Host: `${BUCKET}.s3.us-east-1.amazonaws.com`, key: KEY };
  return sqsEvent([eventBridgeEvent(record)]);
}

async function childBundle(dir: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const outfile = join(dir, 'first-event-child.js');
  await esbuild.build({
    entryPoints: [join(__dirname, 'first-event-child.ts')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // the same SDK module instances as the handler bundle's (both resolve them through NODE_PATH)
    external: ['@aws-sdk/*', 'aws-sdk-client-mock'],
    // ./live.ts runs its own bench when it is the main module: in this bundle it never is
    define: { 'require.main': 'undefined' },
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/**
 * Over the runs: the times are medians, the SDK packages a union, failures and alerts sums (one alert per run
 * expected).
 */
export interface FirstEvent extends FirstEventFigures {
  readonly runs: number;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Cold require() and first invocation of the deployed bundle `bundle`, median of `runs` fresh processes. */
export async function firstEvent(bundle: string, dir: string, runs = 5): Promise<FirstEvent> {
  const child = await childBundle(dir);
  const eventFile = join(dir, 'first-event.json');
  writeFileSync(eventFile, JSON.stringify(denialBatch()));
  const all: FirstEventFigures[] = [];
  for (let i = 0; i < runs; i++) {
    const table = `first-event-${i}`;
    const dynamo = await startDynalite(table);
    try {
      const outFile = join(dir, `first-event-${i}.out.json`);
      // asynchronous: dynalite answers from this process's event loop
      await promisify(execFile)(process.execPath, [child], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_PATH: join(ROOT, 'node_modules'),
          BENCH_BUNDLE: bundle,
          BENCH_EVENT: eventFile,
          BENCH_OUT: outFile,
          SNS_TOPIC_ARN: `arn:aws:sns:us-east-1:${ACCOUNT}:s3-403-alerts`,
          DEDUP_TABLE_NAME: table,
          CHANGE_LOOKUP: 'false',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'fake',
          AWS_SECRET_ACCESS_KEY: 'fake',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          // any call the scenario does not answer fails at once on a closed loopback port, never the network
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        },
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      all.push(JSON.parse(readFileSync(outFile, 'utf8')) as FirstEventFigures);
    } finally {
      await dynamo.close();
    }
  }
  return {
    runs,
    requireMs: median(all.map((f) => f.requireMs)),
    requireCpuMs: median(all.map((f) => f.requireCpuMs)),
    firstEventMs: median(all.map((f) => f.firstEventMs)),
    firstEventCpuMs: median(all.map((f) => f.firstEventCpuMs)),
    loadedOnFirstEvent: [...new Set(all.flatMap((f) => f.loadedOnFirstEvent))].sort(),
    failures: all.reduce((n, f) => n + f.failures, 0),
    published: all.reduce((n, f) => n + f.published, 0),
  };
}
