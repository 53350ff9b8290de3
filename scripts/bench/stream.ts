/**
 * Streaming benchmark (issue 14 item 4, issue 16): one CloudTrail log file of 1,000,000 records (gzipped,
 * 1 denial in 5,000), explained by the built CLI (`dist/bin/s3-403.js explain --group`) in a child process.
 * Prints records per second and the child's peak memory, for 100,000 and 1,000,000 records: memory must
 * not grow with the records read (only with the denials kept). Needs `npm run build` first.
 * Run alone with `npx tsx scripts/bench/stream.ts [records]`, or through `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGzip } from 'node:zlib';
import { bySize } from './compiled';

const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'dist/bin/s3-403.js');
const SNAPSHOT = join(ROOT, 'test/fixtures/snapshot/small.json');
const DENIED = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/cli/getobject-ip-denied.json'), 'utf8'),
) as Record<string, unknown>;

/** A typical S3 data event that is not a denial (about 700 bytes). */
function allowed(i: number): Record<string, unknown> {
  return {
    ...DENIED,
    errorCode: undefined,
    errorMessage: undefined,
    eventID: `a-${i}`,
    requestID: `R${i}`,
    eventTime: new Date(Date.UTC(2026, 10, 20, 10) + (i % 3_600_000)).toISOString(),
    requestParameters: {
      bucketName: 'my-bucket',
      Host: 'my-bucket.s3.us-east-1.amazonaws.com',
      key: `data/${i}.csv`,
    },
  };
}

async function writeLog(path: string, records: number): Promise<number> {
  const gz = createGzip({ level: 1 });
  const out = createWriteStream(path);
  gz.pipe(out);
  let denials = 0;
  const write = async (s: string): Promise<void> => {
    if (!gz.write(s)) await new Promise<void>((r) => gz.once('drain', () => r()));
  };
  await write('{"Records":[');
  for (let i = 0; i < records; i++) {
    const denial = i % 5000 === 0;
    if (denial) denials += 1;
    const r = denial ? { ...DENIED, eventID: `d-${i}`, requestID: `D${i}` } : allowed(i);
    await write(`${i === 0 ? '' : ','}${JSON.stringify(r)}`);
  }
  gz.end(']}');
  await new Promise<void>((r) => out.on('finish', () => r()));
  return denials;
}

async function one(dir: string, records: number): Promise<Record<string, number>> {
  const path = join(dir, `log-${records}.json.gz`);
  const denials = await writeLog(path, records);
  const rssFile = join(dir, `rss-${records}.json`);
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '--require',
      join(__dirname, 'rss-on-exit.js'),
      BIN,
      'explain',
      '--event',
      path,
      '--snapshot',
      SNAPSHOT,
      '--group',
      '--format',
      'json',
    ],
    { env: { ...process.env, BENCH_RSS_FILE: rssFile }, encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`explain exited ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { records: number; denials: number };
  if (report.records !== records || report.denials !== denials)
    throw new Error(
      `read ${report.records} records / ${report.denials} denials, expected ${records} / ${denials}`,
    );
  const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssMB: number; cpuMs: number };
  const jsonMB = (records * JSON.stringify(allowed(records)).length) / 1e6;
  const figures = {
    records,
    denials,
    gzipMB: Math.round(statSync(path).size / 1e5) / 10,
    approxJsonMB: Math.round(jsonMB),
    seconds: Math.round(seconds * 10) / 10,
    cpuSeconds: Math.round(usage.cpuMs / 100) / 10,
    recordsPerCpuSecond: Math.round(records / (usage.cpuMs / 1000)),
    peakRssMB: Math.round(usage.maxRssMB),
  };
  console.log(
    `${records} records (${figures.approxJsonMB} MB of JSON, ${figures.gzipMB} MB gzipped), ${denials} denials: ` +
      `${figures.seconds} s wall, ${figures.cpuSeconds} s CPU (${figures.recordsPerCpuSecond} records/CPU-s), peak RSS ${figures.peakRssMB} MB`,
  );
  rmSync(path);
  return figures;
}

export async function benchStream(sizes = [100_000, 1_000_000]): Promise<Record<string, number>> {
  return bySize(BIN, sizes, one);
}

if (require.main === module) {
  const n = Number(process.argv[2]);
  benchStream(Number.isInteger(n) && n > 0 ? [n] : undefined).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
