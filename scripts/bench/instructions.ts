/**
 * Issue 15: instruction counts instead of seconds, for comparing two builds on a machine whose speed varies from run
 * to run. Each count is valgrind's callgrind total ("I refs") of one fresh `node --predictable` process: the same
 * build, inputs and environment repeat it to about 0.003% here, whatever else the machine is doing. A code change
 * also moves when V8 collects garbage and compiles, so a difference under about 1% says little.
 *
 * Counts, each on the generated workload (./workload.ts) or the engine bench's (./engine.ts):
 *  - engine: `authorize`, 100,000 decisions of the engine bench's main workload (./engine-fixed.ts, bundled);
 *  - simulate: the built CLI, `simulate --requests` of 20,000 requests on the generated account;
 *  - explain: the built CLI, `explain` of a log of 1,000 denial records on the same account.
 *
 * Usage: npx tsx scripts/bench/instructions.ts [--only engine|simulate|explain] [--dist DIR]
 * `--dist` counts another build of the CLI (a dist/ folder whose node_modules resolve, e.g. a git worktree's);
 * the engine count always uses this checkout's sources. valgrind must be on PATH. Under valgrind the simulate
 * count takes several minutes (about 7 on the 2-core machine of the README). Not part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleEntry, ROOT } from './compiled';
import { benchEvents, benchRequests, benchSnapshotText } from './workload';

const PARTS = ['engine', 'simulate', 'explain'] as const;
type Part = (typeof PARTS)[number];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function fail(line: string): never {
  console.error(`instructions: ${line}`);
  process.exit(2);
}

/**
 * The callgrind total of one process: node --predictable with `args`. The same process runs once first without
 * valgrind, so that the CLI's compile cache (bin/s3-403.ts) holds every module it loads, as on a user's second run.
 */
function count(args: readonly string[], env: NodeJS.ProcessEnv = {}): number {
  spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', ...env } });
  const r = spawnSync(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--predictable', ...args],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } },
  );
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  if (r.status !== 0 || !m)
    fail(`valgrind run failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`);
  return Number(m[1]!.replace(/,/g, ''));
}

const giga = (n: number): string => `${(n / 1e9).toFixed(2)} G`;

async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) fail('valgrind is not on PATH');
  const only = option('--only');
  if (only !== undefined && !PARTS.includes(only as Part)) fail(`--only takes ${PARTS.join(', ')}`);
  const parts = only === undefined ? PARTS : [only as Part];
  const dist = resolve(option('--dist') ?? join(ROOT, 'dist'));
  const bin = join(dist, 'bin/s3-403.js');
  if (parts.some((p) => p !== 'engine') && !existsSync(bin))
    fail(`${bin} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 's3-403-instructions-'));
  const figures: Record<string, number> = {};
  try {
    // the CLI's compile cache in the run's own folder
    const env = { XDG_CACHE_HOME: join(dir, 'cache') };
    if (parts.includes('engine')) {
      const { file, cleanup } = await bundleEntry('scripts/bench/engine-fixed.ts');
      try {
        figures.engine = count([file, '100000'], { NODE_PATH: join(ROOT, 'node_modules'), NO_MAIN: '1' });
      } finally {
        cleanup();
      }
      console.log(
        `engine, 100,000 decisions of the engine bench's workload: ${giga(figures.engine)} instructions`,
      );
    }
    if (parts.some((p) => p !== 'engine')) {
      writeFileSync(join(dir, 'snapshot.json'), benchSnapshotText());
      writeFileSync(join(dir, 'requests.jsonl'), `${benchRequests(20_000).join('\n')}\n`);
      writeFileSync(join(dir, 'events.json'), `{"Records":[${benchEvents(1000).join(',')}]}`);
    }
    const snapshot = join(dir, 'snapshot.json');
    if (parts.includes('simulate')) {
      const args = [bin, 'simulate', '--snapshot', snapshot, '--requests', join(dir, 'requests.jsonl')];
      figures.simulate = count(args, env);
      console.log(
        `simulate --requests, 20,000 requests, built CLI (${dist}): ${giga(figures.simulate)} instructions`,
      );
    }
    if (parts.includes('explain')) {
      const args = [
        bin,
        'explain',
        '--snapshot',
        snapshot,
        '--event',
        join(dir, 'events.json'),
        '--format',
        'json',
      ];
      figures.explain = count(args, env);
      console.log(
        `explain, 1,000 denial records, built CLI (${dist}): ${giga(figures.explain)} instructions`,
      );
    }
    console.log(JSON.stringify(figures));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
