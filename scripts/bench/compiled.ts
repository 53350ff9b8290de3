/**
 * Runs a benchmark on compiled JavaScript in a fresh node process, as the code ships (tsc's dist/ for the CLI,
 * an esbuild bundle for the Lambda), not through tsx: tsx compiles on the fly with esbuild's keepNames, which
 * wraps every function expression in a naming call and makes hot engine code about twice slower than the
 * shipped code. The entry is bundled with esbuild (node22, CommonJS, not minified) into a temporary folder.
 *
 * Protocol: the child prints its human-readable lines, then one last line `BENCH-JSON <json>` with its figures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
const MARK = 'BENCH-JSON ';

/** Bundles `entry` (a path under the repository) once; returns the bundle's path and a cleanup. */
export async function bundleEntry(entry: string): Promise<{ file: string; cleanup: () => void }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 's3-403-bench-'));
  const file = join(dir, 'bench.js');
  await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile: file,
    // packages that must stay the project's own copies (native modules, the SDK the Lambda runtime provides)
    external: ['esbuild', '@aws-sdk/*', '@smithy/*', 'aws-sdk-client-mock', 'dynalite'],
    logLevel: 'silent',
  });
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Prints what the child printed (but the JSON line) and returns its figures. */
export function runBundle(
  file: string,
  args: readonly string[] = [],
  opts: { nodeArgs?: readonly string[]; quiet?: boolean; env?: NodeJS.ProcessEnv } = {},
): Record<string, number> {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), file, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...opts.env },
  });
  if (r.status !== 0) throw new Error(`bench child exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  const lines = r.stdout.split('\n');
  const json = lines.find((l) => l.startsWith(MARK));
  if (!json) throw new Error('bench child printed no figures');
  if (!opts.quiet) for (const l of lines) if (l !== '' && !l.startsWith(MARK)) console.log(l);
  return JSON.parse(json.slice(MARK.length)) as Record<string, number>;
}

/** For a child: prints the figures line the parent reads. */
export function printFigures(figures: Record<string, number>): void {
  console.log(`${MARK}${JSON.stringify(figures)}`);
}

/**
 * Runs `one(dir, n)` for each size in a fresh temporary folder (removed after) and returns the figures keyed
 * `<size>.<figure>`. The built CLI must exist (npm run build).
 */
export async function bySize(
  bin: string,
  sizes: readonly number[],
  one: (dir: string, n: number) => Promise<Record<string, number>>,
): Promise<Record<string, number>> {
  if (!existsSync(bin)) throw new Error('dist/bin/s3-403.js is missing: run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 's3-403-bench-'));
  try {
    const out: Record<string, number> = {};
    for (const n of sizes) {
      const f = await one(dir, n);
      for (const [k, v] of Object.entries(f)) out[`${n}.${k}`] = v;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
