/**
 * End to end: the built bin (`npm run build` -> dist/bin/s3-403.js), spawned as a real process with real
 * stdin/stdout/stderr and exit statuses. Skipped only when dist is missing (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, SNAPSHOT } from './memory-io';

const BIN = join(__dirname, '../../dist/bin/s3-403.js');
const built = existsSync(BIN);
const describeBuilt = describe;

function cli(args: string[], input?: Buffer | string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...env },
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describeBuilt('the built s3-403 command', () => {
  it('starts with a node shebang', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('explains a denial from stdin as JSON and exits 0', () => {
    const r = cli(
      ['explain', '--event', '-', '--snapshot', SNAPSHOT, '--format', 'json'],
      readFileSync(fixture('trail-log.json.gz')),
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.out) as { eventId: string; rootCauses: { id: string }[] }[];
    expect(findings.map((f) => f.rootCauses[0]?.id)).toEqual([
      'bucket-policy-explicit-deny',
      'identity-policy-explicit-deny',
    ]);
  });

  it('prints text without colour when piped', () => {
    const r = cli(['explain', '--event', fixture('getobject-ip-denied.json'), '--snapshot', SNAPSHOT]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('bucket-policy-explicit-deny');
    expect(r.out).not.toContain('\u001b[');
  });

  it('exits 2 with one line and no stack trace for unusable input', () => {
    const r = cli(['explain', '--event', 'does-not-exist.json', '--snapshot', SNAPSHOT]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('s3-403: does-not-exist.json: cannot read: no such file\n');
  });

  it('exits 3 when simulate --expect differs from the decision', () => {
    const args = [
      'simulate',
      '--snapshot',
      SNAPSHOT,
      '--principal',
      'arn:aws:iam::111122223333:role/App',
      '--action',
      's3:DeleteObject',
      '--resource',
      'arn:aws:s3:::my-bucket/reports/q3.csv',
    ];
    expect(cli([...args, '--expect', 'explicitly-denied']).code).toBe(0);
    const r = cli([...args, '--expect', 'allowed', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ decision: 'explicitly-denied' });
  });

  it('runs a batch of JSON lines', () => {
    const r = cli(['simulate', '--snapshot', SNAPSHOT, '--requests', fixture('requests.jsonl')]);
    expect(r.code).toBe(0);
    expect(
      r.out
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { decision: string }).decision),
    ).toEqual(['allowed', 'explicitly-denied', 'explicitly-denied']);
  });

  it('fails fast (exit 2, one line, under 5 s) without AWS credentials and without --snapshot', () => {
    // Issue 5: no instance-metadata hang. Only credential resolution runs; nothing is sent to AWS.
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
    Object.assign(env, {
      HOME: '/nonexistent-home',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent-home/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent-home/credentials',
    });
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'explain', '--event', fixture('getobject-ip-denied.json')], {
      encoding: 'utf8',
      env,
      timeout: 30_000,
    });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^s3-403: no AWS credentials found: .*--snapshot FILE.*\n$/);
  });

  it('prints --help with an example', () => {
    const r = cli(['simulate', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('$ s3-403 simulate');
  });
});

it('runs against the built CLI (`npm test` builds dist/ first)', () => {
  expect(built).toBe(true);
});

describeBuilt('the built s3-403 command, issue 16', () => {
  it('--profile nosuch says that profile does not exist (one line, exit 2), reading the real AWS config files', () => {
    const r = cli(
      ['explain', '--event', fixture('getobject-ip-denied.json'), '--profile', 'nosuch'],
      undefined,
      {
        AWS_CONFIG_FILE: fixture('aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: fixture('aws-credentials'),
      },
    );
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      's3-403: profile "nosuch" does not exist (not in the AWS config or credentials file: see aws configure list-profiles)\n',
    );
  });

  it('--version prints the version', () => {
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('reads a folder of gzipped logs and groups the denials', () => {
    const r = cli([
      'explain',
      '--event',
      join(__dirname, '../fixtures/cli'),
      '--snapshot',
      SNAPSHOT,
      '--group',
      '--format',
      'json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { records: number; denials: number; groups: { count: number }[] };
    expect(report.denials).toBeGreaterThanOrEqual(4);
    expect(report.groups.length).toBeGreaterThan(0);
  });
});

describeBuilt('the built s3-403 command, start-up (issue 15)', () => {
  const node22 = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
  const cacheRun = (env: NodeJS.ProcessEnv) => {
    const folder = mkdtempSync(join(tmpdir(), 's3-403-xdg-'));
    try {
      const r = cli(['--version'], undefined, { XDG_CACHE_HOME: folder, ...env });
      const cache = join(folder, 's3-403', 'node-compile-cache');
      return { code: r.code, err: r.err, cached: existsSync(cache) ? readdirSync(cache).length : 0 };
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };

  (node22 ? it : it.skip)(
    "keeps Node's compile cache in the user's cache folder (XDG_CACHE_HOME/s3-403), so a second run skips compiling",
    () => {
      const r = cacheRun({});
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.cached).toBeGreaterThan(0);
    },
  );

  it('NODE_DISABLE_COMPILE_CACHE=1 writes no compile cache, and the command runs the same', () => {
    expect(cacheRun({ NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual({ code: 0, err: '', cached: 0 });
  });

  it('a cache folder it cannot create changes nothing: same output, no warning', () => {
    const r = cli(['--version'], undefined, {
      XDG_CACHE_HOME: '/nonexistent-root/cache',
      HOME: '/nonexistent-home',
    });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
