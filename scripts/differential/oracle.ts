/**
 * The independent engine: @cloud-copilot/iam-simulate, installed on demand into a temporary folder and loaded at run
 * time. It is AGPL-licensed: it is never a dependency of this package, never bundled, never copied, never committed.
 * The install is cached under the OS temp folder, keyed by version, so reruns do not reinstall.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ORACLE_PACKAGE = '@cloud-copilot/iam-simulate';
/** Pinned so that a figure can be reproduced; `--oracle-version` picks another. */
export const ORACLE_VERSION = '0.1.173';

export type OracleResult = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** The part of iam-simulate's public API this script uses (its README / index.d.ts). */
export interface Oracle {
  readonly version: string;
  readonly anonymousPrincipal: unknown;
  runSimulation(
    simulation: unknown,
    options: Record<string, unknown>,
  ): Promise<
    | { resultType: 'error'; errors: { message: string } & Record<string, unknown> }
    | { resultType: 'single'; overallResult: OracleResult; result: { ignoredContextKeys?: string[] } }
    | { resultType: 'wildcard'; overallResult: OracleResult }
  >;
}

export class OracleUnavailable extends Error {
  override readonly name = 'OracleUnavailable';
}

export function oracleDir(version: string): string {
  return join(tmpdir(), `s3-403-oracle-iam-simulate-${version.replace(/[^0-9A-Za-z.-]/g, '_')}`);
}

/** Installs the oracle (once per version) and loads it. Throws OracleUnavailable with one line on any failure. */
export function loadOracle(version: string = ORACLE_VERSION, log: (line: string) => void = () => {}): Oracle {
  const dir = oracleDir(version);
  const marker = join(dir, 'node_modules', ...ORACLE_PACKAGE.split('/'), 'package.json');
  if (!existsSync(marker)) {
    log(`installing ${ORACLE_PACKAGE}@${version} into ${dir} (once; cached for reruns)`);
    mkdirSync(dir, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = spawnSync(
      npm,
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
        // Without network, fail in seconds rather than after a minute of retries.
        '--fetch-retries=1',
        '--fetch-retry-mintimeout=1000',
        '--fetch-retry-maxtimeout=3000',
        `${ORACLE_PACKAGE}@${version}`,
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    if (run.status !== 0 || !existsSync(marker)) {
      rmSync(dir, { recursive: true, force: true }); // no half-installed cache
      const why =
        (run.error?.message ?? run.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? 'no output';
      throw new OracleUnavailable(
        `could not install ${ORACLE_PACKAGE}@${version} (network or registry unavailable?): ${why.trim()}`,
      );
    }
  }
  try {
    const req = createRequire(join(dir, 'package.json'));
    const mod = req(ORACLE_PACKAGE) as Omit<Oracle, 'version'>;
    const pkg = JSON.parse(readFileSync(marker, 'utf8')) as { version?: string };
    if (typeof mod.runSimulation !== 'function') throw new Error('runSimulation is not exported');
    return {
      version: pkg.version ?? version,
      anonymousPrincipal: mod.anonymousPrincipal,
      runSimulation: mod.runSimulation.bind(mod),
    };
  } catch (err) {
    throw new OracleUnavailable(
      `could not load ${ORACLE_PACKAGE} from ${dir}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
