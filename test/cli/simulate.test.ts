/** `s3-403 simulate` through run() with in-memory I/O (docs/CLI.md, "Simulation"). */
import { readFileSync } from 'node:fs';
import { run } from '../../lambdas/cli';
import type { Simulation } from '../../lambdas/core/simulate';
import { fixture, memoryIo, SNAPSHOT } from './memory-io';

const APP = 'arn:aws:iam::111122223333:role/App';
const Q3 = 'arn:aws:s3:::my-bucket/reports/q3.csv';
const PRIVATE = 'arn:aws:s3:::my-bucket/private/x';

async function simulate(
  args: string[],
  io = memoryIo(),
): Promise<{ code: number; out: string; err: string }> {
  const code = await run(['simulate', '--snapshot', SNAPSHOT, ...args], io);
  return { code, out: io.stdoutText(), err: io.stderrText() };
}

describe('simulate, one request', () => {
  it('prints the contract shape with --format json', async () => {
    const r = await simulate([
      '--principal',
      APP,
      '--action',
      's3:GetObject',
      '--resource',
      PRIVATE,
      '--context',
      'aws:SourceIp=198.51.100.7',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const sim = JSON.parse(r.out) as Simulation;
    expect(sim.request).toEqual({
      principal: APP,
      action: 's3:GetObject',
      resource: PRIVATE,
      context: { 'aws:SourceIp': '198.51.100.7' },
    });
    expect(sim.decision).toBe('explicitly-denied');
    const bucket = sim.layers.find((l) => l.layer === 'bucket-policy');
    expect(bucket?.result).toBe('explicitly-denied');
    expect(bucket?.statements.find((s) => s.sid === 'DenyNonOfficeIPs')).toMatchObject({
      index: 2,
      effect: 'Deny',
      matched: true,
    });
    expect(sim.rootCauses[0]?.id).toBe('bucket-policy-explicit-deny');
  });

  it('prints the decision, the layers and the causes as text', async () => {
    const r = await simulate([
      '--principal',
      APP,
      '--action',
      's3:GetObject',
      '--resource',
      PRIVATE,
      '--context',
      'aws:SourceIp=198.51.100.7',
    ]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(`EXPLICITLY-DENIED  ${APP}  s3:GetObject  ${PRIVATE}`);
    expect(r.out).toContain('Deny DenyNonOfficeIPs (statement 2 of my-bucket) matched');
    expect(r.out).toContain('bucket-policy-explicit-deny');
  });

  it('collects a repeated --context key into a multi-valued key and keeps commas literally', async () => {
    const r = await simulate([
      '--principal',
      APP,
      '--action',
      's3:GetObject',
      '--resource',
      Q3,
      '--context',
      'aws:CalledVia=a.amazonaws.com',
      '--context',
      'aws:CalledVia=b.amazonaws.com',
      '--context',
      's3:prefix=a,b',
      '--format',
      'json',
    ]);
    const sim = JSON.parse(r.out) as Simulation;
    expect(sim.request.context).toEqual({
      'aws:CalledVia': ['a.amazonaws.com', 'b.amazonaws.com'],
      's3:prefix': 'a,b',
    });
  });

  it('exits 0 with --expect matching the decision and 3 when it differs, naming both', async () => {
    const args = ['--principal', APP, '--action', 's3:GetObject', '--resource', Q3];
    expect((await simulate([...args, '--expect', 'allowed'])).code).toBe(0);
    const r = await simulate([...args, '--expect', 'explicitly-denied']);
    expect(r.code).toBe(3);
    expect(r.err).toBe('s3-403: expected explicitly-denied, got allowed\n');
    expect(r.out.startsWith('ALLOWED')).toBe(true);
  });

  it.each([
    [
      ['--principal', APP, '--action', 's3:GetObject'],
      /^s3-403: simulate needs --principal, --action and --resource \(missing --resource\)/,
    ],
    [
      ['--principal', APP, '--action', 's3:GetObject', '--resource', Q3, '--context', 'novalue'],
      /^s3-403: --context "novalue": expected key=value/,
    ],
    [['--principal', 'bob', '--action', 's3:GetObject', '--resource', Q3], /^s3-403: principal "bob" is not/],
    [
      ['--principal', APP, '--action', 'GetObject', '--resource', Q3],
      /^s3-403: action "GetObject" is not an S3 action/,
    ],
    [
      ['--principal', APP, '--action', 's3:GetObject', '--resource', Q3, '--expect', 'maybe'],
      /^s3-403: option '--expect <decision>' argument 'maybe' is invalid/,
    ],
    [['--requests', fixture('requests.jsonl'), '--principal', APP], /^s3-403: use either --requests FILE or/],
  ])('exits 2 with one line for unusable arguments %j', async (args, expected) => {
    const r = await simulate(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(expected);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('requires --snapshot', async () => {
    const io = memoryIo();
    expect(
      await run(['simulate', '--principal', APP, '--action', 's3:GetObject', '--resource', Q3], io),
    ).toBe(2);
    expect(io.stderrText()).toBe("s3-403: required option '--snapshot <file>' not specified\n");
  });
});

describe('simulate --requests (batch, JSON lines)', () => {
  it('prints one simulation object a line, in the same order', async () => {
    const r = await simulate(['--requests', fixture('requests.jsonl')]);
    expect(r.code).toBe(0);
    const lines = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Simulation);
    expect(lines.map((s) => [s.request.resource, s.request.action, s.decision])).toEqual([
      [Q3, 's3:GetObject', 'allowed'],
      [PRIVATE, 's3:GetObject', 'explicitly-denied'],
      [Q3, 's3:DeleteObject', 'explicitly-denied'],
    ]);
  });

  it('reads the batch from stdin with --requests -', async () => {
    const io = memoryIo({ stdin: readFileSync(fixture('requests.jsonl')) });
    const r = await simulate(['--requests', '-'], io);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n')).toHaveLength(3);
  });

  it('prints one text block per request when --format text is asked for explicitly', async () => {
    const r = await simulate(['--requests', fixture('requests.jsonl'), '--format', 'text']);
    expect(r.code).toBe(0);
    expect(r.out.match(/^(ALLOWED|EXPLICITLY-DENIED) /gm)).toEqual([
      'ALLOWED ',
      'EXPLICITLY-DENIED ',
      'EXPLICITLY-DENIED ',
    ]);
  });

  it('exits 3 when --expect differs for some line, and says how many', async () => {
    const r = await simulate(['--requests', fixture('requests.jsonl'), '--expect', 'allowed']);
    expect(r.code).toBe(3);
    expect(r.err).toBe('s3-403: 1 of 3 requests differ from the expected decision\n');
    expect(r.out.trimEnd().split('\n')).toHaveLength(3);
  });

  it('checks a per-line "expect"', async () => {
    const io = memoryIo({
      files: {
        'r.jsonl': `${JSON.stringify({ principal: APP, action: 's3:GetObject', resource: Q3, expect: 'implicitly-denied' })}\n`,
      },
    });
    expect((await simulate(['--requests', 'r.jsonl'], io)).code).toBe(3);
  });

  it.each([
    ['not JSON', '{"principal": \n', /^s3-403: r\.jsonl: line 1: not valid JSON/],
    ['not an object', '[1]\n', /^s3-403: r\.jsonl: line 1: expected a JSON object/],
    [
      'a missing field',
      `${JSON.stringify({ principal: APP, action: 's3:GetObject', resource: Q3 })}\n\n${JSON.stringify({ principal: APP, action: 's3:GetObject' })}\n`,
      /^s3-403: r\.jsonl: line 3: "resource" must be a non-empty string/,
    ],
    [
      'a bad principal',
      `${JSON.stringify({ principal: 'x', action: 's3:GetObject', resource: Q3 })}\n`,
      /^s3-403: r\.jsonl: line 1: principal "x" is not/,
    ],
    [
      'a bad context',
      `${JSON.stringify({ principal: APP, action: 's3:GetObject', resource: Q3, context: { k: { nested: 1 } } })}\n`,
      /^s3-403: r\.jsonl: line 1: context key "k" must be/,
    ],
    ['no request at all', '\n\n', /^s3-403: r\.jsonl: no request found/],
  ])('exits 2 naming the file and line for %s, printing nothing', async (_n, text, expected) => {
    const r = await simulate(['--requests', 'r.jsonl'], memoryIo({ files: { 'r.jsonl': text } }));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(expected);
  });

  it('turns JSON booleans and numbers in the context into strings', async () => {
    const io = memoryIo({
      files: {
        'r.jsonl': `${JSON.stringify({ principal: APP, action: 's3:GetObject', resource: Q3, context: { 'aws:SecureTransport': false } })}\n`,
      },
    });
    const r = await simulate(['--requests', 'r.jsonl'], io);
    const sim = JSON.parse(r.out) as Simulation;
    expect(sim.request.context).toEqual({ 'aws:SecureTransport': 'false' });
    expect(sim.decision).toBe('explicitly-denied');
  });

  it('handles a batch of 2,000 requests with the snapshot loaded once', async () => {
    const line = (i: number) =>
      JSON.stringify({
        principal: APP,
        action: 's3:GetObject',
        resource: `arn:aws:s3:::my-bucket/reports/f${i}.csv`,
        context: { 'aws:SourceIp': '203.0.113.9' },
      });
    const io = memoryIo({
      files: { 'big.jsonl': Array.from({ length: 2000 }, (_, i) => line(i)).join('\n') },
    });
    const t0 = performance.now();
    const r = await simulate(['--requests', 'big.jsonl'], io);
    const ms = performance.now() - t0;
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n')).toHaveLength(2000);
    expect(ms).toBeLessThan(10_000);
  });
});
