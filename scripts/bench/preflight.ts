/**
 * Preflight benchmark (issue 18 item 5): 1,000,000 recorded S3 requests (./preflight-traffic.ts, streamed to a
 * gzipped CloudTrail log file in a temporary folder) replayed by the built CLI (`dist/bin/s3-403.js preflight`)
 * in a child process against examples/preflight/ (snapshot and proposed bucket policy). Prints records per
 * CPU-second, the distinct requests decided, the newly denied found, and the child's CPU time and peak memory
 * (the target: 1,000,000 records in under a minute of CPU on one core). Needs `npm run build` first.
 *
 * Run alone with `npx tsx scripts/bench/preflight.ts [records]`, or through `npm run bench`.
 * `npx tsx scripts/bench/preflight.ts --example` rewrites examples/preflight/traffic.json (60 records).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGzip } from 'node:zlib';
import { bySize } from './compiled';
import { trafficRecord } from './preflight-traffic';

const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'dist/bin/s3-403.js');
const EXAMPLE = join(ROOT, 'examples/preflight');

/** Object keys per writer in the bench traffic: about 4 distinct requests per key (about 800 distinct in all). */
const BENCH_DAYS = 200;

async function writeLog(path: string, records: number): Promise<void> {
  const gz = createGzip({ level: 1 });
  const out = createWriteStream(path);
  gz.pipe(out);
  const write = async (s: string): Promise<void> => {
    if (!gz.write(s)) await new Promise<void>((r) => gz.once('drain', () => r()));
  };
  await write('{"Records":[');
  let batch: string[] = [];
  for (let i = 0; i < records; i++) {
    batch.push(`${i === 0 ? '' : ','}${JSON.stringify(trafficRecord(i, records, BENCH_DAYS))}`);
    if (batch.length === 1000) {
      await write(batch.join(''));
      batch = [];
    }
  }
  await write(batch.join(''));
  gz.end(']}');
  await new Promise<void>((r) => out.on('finish', () => r()));
}

interface Report {
  records: number;
  requests: number;
  distinct: number;
  newlyDenied: { count: number }[];
  stillAllowed: { requests: number };
  stillDenied: { requests: number };
}

async function one(dir: string, records: number): Promise<Record<string, number>> {
  const path = join(dir, `traffic-${records}.json.gz`);
  const t0 = performance.now();
  await writeLog(path, records);
  const generated = (performance.now() - t0) / 1000;
  const rssFile = join(dir, `rss-${records}.json`);
  const t1 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '--require',
      join(__dirname, 'rss-on-exit.js'),
      BIN,
      'preflight',
      '--snapshot',
      join(EXAMPLE, 'snapshot.json'),
      '--events',
      path,
      '--bucket-policy',
      `reports-bucket=${join(EXAMPLE, 'proposed-bucket-policy.json')}`,
      '--format',
      'json',
    ],
    { env: { ...process.env, BENCH_RSS_FILE: rssFile }, encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const seconds = (performance.now() - t1) / 1000;
  if (r.status !== 4) throw new Error(`preflight exited ${r.status} (expected 4: newly denied): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as Report;
  if (report.records !== records || report.requests !== records)
    throw new Error(`replayed ${report.requests} of ${report.records} records, expected ${records}`);
  const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssMB: number; cpuMs: number };
  const newlyDenied = report.newlyDenied.reduce((a, i) => a + i.count, 0);
  const figures = {
    records,
    distinct: report.distinct,
    newlyDeniedRequests: newlyDenied,
    newlyDeniedDistinct: report.newlyDenied.length,
    gzipMB: Math.round(statSync(path).size / 1e5) / 10,
    generateSeconds: Math.round(generated * 10) / 10,
    seconds: Math.round(seconds * 10) / 10,
    cpuSeconds: Math.round(usage.cpuMs / 100) / 10,
    recordsPerCpuSecond: Math.round(records / (usage.cpuMs / 1000)),
    peakRssMB: Math.round(usage.maxRssMB),
  };
  console.log(
    `${records} records (${figures.distinct} distinct requests, ${figures.gzipMB} MB gzipped): replayed in ` +
      `${figures.seconds} s wall, ${figures.cpuSeconds} s CPU (${figures.recordsPerCpuSecond} records/CPU-s), ` +
      `peak RSS ${figures.peakRssMB} MB; ${newlyDenied} requests (${figures.newlyDeniedDistinct} distinct) newly denied`,
  );
  rmSync(path);
  return figures;
}

export async function benchPreflight(sizes = [100_000, 1_000_000]): Promise<Record<string, number>> {
  return bySize(BIN, sizes, one);
}

/** examples/preflight/traffic.json: 60 records of the same traffic, one record a line. */
function writeExample(): void {
  const n = 60;
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify(trafficRecord(i, n)));
  writeFileSync(join(EXAMPLE, 'traffic.json'), `{"Records":[\n${lines.join(',\n')}\n]}\n`);
  console.log(`wrote examples/preflight/traffic.json (${n} records)`);
}

if (require.main === module) {
  if (process.argv[2] === '--example') writeExample();
  else {
    const n = Number(process.argv[2]);
    benchPreflight(Number.isInteger(n) && n > 0 ? [n] : undefined).catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    });
  }
}
