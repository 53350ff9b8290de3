/** The small things of issue 16 item 7, and the text people read (item 4). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../lambdas/cli';
import { liveFromSnapshot } from './fake-aws';
import { memoryIo } from './memory-io';

const ROOT = join(__dirname, '../..');
const EVENT = join(ROOT, 'examples/events/bucket-policy-explicit-deny.json');
const SNAPSHOT = join(ROOT, 'examples/snapshot.json');
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

describe('--version', () => {
  it('prints the version of package.json and exits 0', async () => {
    const io = memoryIo();
    expect(await run(['--version'], io)).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(io.stdoutText()).toBe(`${pkg.version}\n`);
  });
});

describe('a value option given twice is an error naming it (exit 2), on every command', () => {
  it.each([
    [['explain', '--event', EVENT, '--format', 'json', '--format', 'text']],
    [
      [
        'simulate',
        '--snapshot',
        SNAPSHOT,
        '--snapshot',
        SNAPSHOT,
        '--principal',
        'a',
        '--action',
        's3:GetObject',
        '--resource',
        'r',
      ],
    ],
    [['snapshot', '--bucket', 'b', '--out', 'a.json', '--out', 'b.json']],
  ])('%j', async (args) => {
    const io = memoryIo();
    expect(await run(args, io)).toBe(2);
    expect(io.stderrText()).toMatch(/^s3-403: --(format|snapshot|out) was given twice: give it once\n$/);
  });

  it('repeatable options stay repeatable', async () => {
    const io = memoryIo();
    expect(
      await run(
        ['explain', '--event', EVENT, '--event', EVENT, '--snapshot', SNAPSHOT, '--format', 'json'],
        io,
      ),
    ).toBe(0);
    expect(JSON.parse(io.stdoutText())).toHaveLength(2);
  });
});

describe('live account messages', () => {
  it('--profile nosuch says the profile does not exist, in one line (exit 2)', async () => {
    const io = memoryIo({ aws: liveFromSnapshot({ profiles: ['default', 'prod'] }) });
    expect(await run(['explain', '--event', EVENT, '--profile', 'nosuch'], io)).toBe(2);
    expect(io.stderrText()).toBe(
      's3-403: profile "nosuch" does not exist (not in the AWS config or credentials file: see aws configure list-profiles)\n',
    );
  });

  it('AWS_PROFILE naming a missing profile is reported the same way', async () => {
    const io = memoryIo({ aws: liveFromSnapshot(), env: { AWS_PROFILE: 'gone' } });
    expect(await run(['snapshot', '--bucket', 'b', '--out', '-'], io)).toBe(2);
    expect(io.stderrText()).toMatch(/^s3-403: profile "gone" does not exist/);
  });

  it("snapshot's no-credentials message names its own options, not --snapshot FILE", async () => {
    const message =
      'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile, or use --snapshot FILE for offline analysis';
    const io = memoryIo({ aws: liveFromSnapshot({ credentials: new Error(message) }) });
    expect(await run(['snapshot', '--bucket', 'b', '--out', '-'], io)).toBe(2);
    expect(io.stderrText()).toBe(
      's3-403: no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile\n',
    );
    const explain = memoryIo({ aws: liveFromSnapshot({ credentials: new Error(message) }) });
    expect(await run(['explain', '--event', EVENT], explain)).toBe(2);
    expect(explain.stderrText()).toBe(`s3-403: ${message}\n`);
  });
});

describe('text people read', () => {
  const text = async (args: string[], opts: Parameters<typeof memoryIo>[0] = {}) => {
    const io = memoryIo(opts);
    expect(await run(['explain', '--event', EVENT, '--snapshot', SNAPSHOT, ...args], io)).toBe(0);
    return io.stdoutText();
  };

  it('is compact by default: caller, cause, evidence, fix, what changed, the check counts (about 17 lines)', async () => {
    const out = await text([]);
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(lines[0]).toBe(
      '✖ GetObject denied: s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv  [explained]',
    );
    for (const part of ['  caller   ', 'Cause 1: ', '  Evidence:', '  Fix: ', '  What changed: ', 'Checks: '])
      expect(out).toContain(part);
    expect(out).not.toContain('Policy change:');
    expect(out).not.toMatch(/^ {2}✓ /m);
  });

  it('--verbose adds every check, the explanation and the policy change', async () => {
    const compact = await text([]);
    const verbose = await text(['--verbose']);
    expect(verbose.split('\n').length).toBeGreaterThan(compact.split('\n').length + 20);
    expect(verbose).toContain('Policy change:');
    expect(verbose).toMatch(/^ {2}✓ request-expired-or-invalid/m);
    expect(verbose).toContain('An explicit Deny overrides every Allow');
  });

  it.each([
    ['a terminal', { isTTY: true }, true],
    ['a terminal with NO_COLOR', { isTTY: true, env: { NO_COLOR: '1' } }, false],
    ['a pipe', { isTTY: false }, false],
  ])('colour on %s: %s', async (_n, opts, coloured) => {
    expect(ANSI.test(await text([], opts))).toBe(coloured);
  });
});
