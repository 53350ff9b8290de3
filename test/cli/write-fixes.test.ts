/**
 * `explain --write-fixes DIR` (issue 16 item 5): per distinct problem with a verified policy patch, the
 * complete patched document, the current one beside it, and apply.sh with the one command that applies it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../lambdas/cli';
import { safeName } from '../../lambdas/cli/write-fixes';
import { DOCUMENT_LAYERS } from '../../lambdas/core/report/fixes';
import type { Finding } from '../../lambdas/core/model';
import { memoryIo } from './memory-io';

const ROOT = join(__dirname, '../..');
const EXAMPLES = join(ROOT, 'examples/events');
const SNAPSHOT = join(ROOT, 'examples/snapshot.json');

describe('--write-fixes', () => {
  it('writes the patched bucket policy, the current one and apply.sh for the bucket policy Deny', async () => {
    const io = memoryIo();
    const code = await run(
      [
        'explain',
        '--event',
        join(EXAMPLES, 'bucket-policy-explicit-deny.json'),
        '--snapshot',
        SNAPSHOT,
        '--write-fixes',
        'fixes',
        '--format',
        'json',
      ],
      io,
    );
    expect(code).toBe(0);
    const [finding] = JSON.parse(io.stdoutText()) as Finding[];
    const patch = finding!.rootCauses[0]!.fix.policyPatch as { replaceStatement: Record<string, unknown> };
    const dir = 'fixes/01-bucket-policy-explicit-deny-reports-bucket';
    expect([...io.written.keys()].sort()).toEqual(
      [`${dir}/`, `${dir}/apply.sh`, `${dir}/policy.current.json`, `${dir}/policy.json`].sort(),
    );
    const current = JSON.parse(io.written.get(`${dir}/policy.current.json`)!) as {
      Statement: { Sid?: string }[];
    };
    const patched = JSON.parse(io.written.get(`${dir}/policy.json`)!) as { Statement: unknown[] };
    const i = current.Statement.findIndex((s) => s.Sid === 'DenyNonOfficeIPs');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(patched.Statement).toEqual(
      current.Statement.map((s, j) => (j === i ? patch.replaceStatement : s)),
    );
    const script = io.written.get(`${dir}/apply.sh`)!;
    expect(script.split('\n')).toEqual([
      '#!/bin/sh',
      expect.stringMatching(/^# s3-403: Bucket policy of reports-bucket explicitly denies s3:GetObject/),
      expect.stringMatching(/^# event .*; review the change first:$/),
      '#   diff -u policy.current.json policy.json',
      'set -eu',
      'cd "$(dirname "$0")"',
      finding!.rootCauses[0]!.fix.commands.find((c) => c.includes('put-bucket-policy')),
      '',
    ]);
    expect(io.stderrText()).toContain(
      `s3-403: wrote 1 fix to fixes (review the diff, then run sh apply.sh):\n  ${dir}/apply.sh\n`,
    );
  });

  it('writes one fix per distinct problem with a verified policy patch across the examples', async () => {
    const io = memoryIo();
    expect(
      await run(
        ['explain', '--event', EXAMPLES, '--snapshot', SNAPSHOT, '--write-fixes', 'out', '--format', 'json'],
        io,
      ),
    ).toBe(0);
    const findings = JSON.parse(io.stdoutText()) as Finding[];
    const verified = findings.filter((f) =>
      f.rootCauses.some((c) => c.fix.verified && DOCUMENT_LAYERS.has(String(c.fix.policyPatch?.['layer']))),
    );
    const scripts = [...io.written.keys()].filter((k) => k.endsWith('/apply.sh'));
    expect(verified.length).toBeGreaterThan(3);
    const skipped = (io.stderrText().match(/not written:/g) ?? []).length;
    expect(scripts.length + skipped).toBe(verified.length);
    for (const s of scripts) {
      const body = io.written.get(s)!;
      const files = [...body.matchAll(/file:\/\/([A-Za-z0-9._-]+)/g)].map((m) => m[1]);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(io.written.has(s.replace(/apply\.sh$/, f!))).toBe(true);
    }
    expect(readdirSync(EXAMPLES).length).toBe(findings.length);
  });

  it('names files from untrusted text with [A-Za-z0-9._-] only: nothing can leave DIR', () => {
    for (const hostile of [
      '../../etc/passwd',
      '/abs/path',
      '..',
      'a\nb$(rm -rf ~)',
      '\u202eevil',
      '',
      '.hidden',
    ])
      expect(safeName(hostile)).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
    expect(safeName('../../etc/passwd')).toBe('etc-passwd');
  });

  it('exits 2 with one line when DIR cannot be created', async () => {
    const io = memoryIo();
    const code = await run(
      [
        'explain',
        '--event',
        join(EXAMPLES, 'bucket-policy-explicit-deny.json'),
        '--snapshot',
        SNAPSHOT,
        '--write-fixes',
        '/nonexistent-dir/x',
      ],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderrText()).toMatch(
      /^s3-403: \/nonexistent-dir\/x\/01-bucket-policy-explicit-deny-reports-bucket: cannot create: permission denied\n$/,
    );
  });
});
