/** `s3-403 simulate` through run() with in-memory I/O (docs/CLI.md, "Simulation"). */
import { readFileSync } from 'node:fs';
import { run } from '../../lambdas/cli';
import type { Simulation } from '../../lambdas/core/simulate';
import { liveFromSnapshot } from './fake-aws';
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

/** APP reading Q3, one request, with these --context pairs (and any further options). */
const readQ3With = (
  pairs: readonly string[],
  ...more: string[]
): Promise<{ code: number; out: string; err: string }> =>
  simulate([
    '--principal',
    APP,
    '--action',
    's3:GetObject',
    '--resource',
    Q3,
    ...pairs.flatMap((p) => ['--context', p]),
    ...more,
  ]);

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

  it('as text, names the resource of the layers evaluated for another one: the KMS key S3 uses for an SSE-KMS object', async () => {
    const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const r = await simulate(['--principal', APP, '--action', 's3:GetObject', '--resource', Q3]);
    const lines = r.out.split('\n');
    const keyPolicy = lines.findIndex((l) => l.startsWith('  kms-key-policy '));
    expect(lines[keyPolicy + 1]).toBe(`      for ${KEY}`);
    // the layers of the request itself say nothing more
    const bucketPolicy = lines.findIndex((l) => l.startsWith('  bucket-policy '));
    expect(lines[bucketPolicy + 1]).not.toMatch(/^ {6}for /);
  });

  it('keeps --context keys named like Object.prototype members as given (constructor, __proto__)', async () => {
    const r = await readQ3With(['constructor=a', '__proto__=b', '__proto__=c'], '--format', 'json');
    const sim = JSON.parse(r.out) as Simulation;
    expect(Object.entries(sim.request.context)).toEqual([
      ['constructor', 'a'],
      ['__proto__', ['b', 'c']],
    ]);
  });

  it('collects a repeated --context key into a multi-valued key and keeps commas literally', async () => {
    const r = await readQ3With(
      ['aws:CalledVia=a.amazonaws.com', 'aws:CalledVia=b.amazonaws.com', 's3:prefix=a,b'],
      '--format',
      'json',
    );
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

  it('reads the live account without --snapshot, exactly as explain does (credentials, profile, view)', async () => {
    const aws = liveFromSnapshot();
    const io = memoryIo({ aws, env: { AWS_REGION: 'eu-west-1' } });
    const args = ['simulate', '--principal', APP, '--action', 's3:GetObject', '--resource', PRIVATE];
    expect(await run([...args, '--context', 'aws:SourceIp=198.51.100.7', '--format', 'json'], io)).toBe(0);
    const live = JSON.parse(io.stdoutText()) as Simulation;
    const offline = await simulate([
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
    expect(live).toEqual(JSON.parse(offline.out));
    expect(live.decision).toBe('explicitly-denied');
    expect(aws.calls).toEqual([
      ['checkCredentials', { region: 'eu-west-1' }],
      ['AwsAccountView', { region: 'eu-west-1' }],
    ]);
    expect(aws.gathered.length).toBeGreaterThan(0);
  });

  it('without --snapshot and without credentials, exits 2 with one line', async () => {
    const io = memoryIo({ aws: liveFromSnapshot({ credentials: new Error('no AWS credentials found') }) });
    expect(
      await run(['simulate', '--principal', APP, '--action', 's3:GetObject', '--resource', Q3], io),
    ).toBe(2);
    expect(io.stderrText()).toBe('s3-403: no AWS credentials found\n');
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

  it('decides first: each line is the decision, the layers and the statements that decided, rootCauses []', async () => {
    const r = await simulate(['--requests', fixture('requests.jsonl')]);
    const lines = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Simulation);
    const denied = lines[1]!;
    expect(Object.keys(denied)).toEqual(['request', 'decision', 'layers', 'rootCauses']);
    expect(denied.decision).toBe('explicitly-denied');
    expect(denied.rootCauses).toEqual([]);
    const bucket = denied.layers.find((l) => l.layer === 'bucket-policy');
    expect(bucket?.statements.find((s) => s.sid === 'DenyNonOfficeIPs')).toMatchObject({ matched: true });
    for (const l of lines.flatMap((s) => s.layers))
      for (const s of l.statements) expect(s.matched).not.toBe(false);
  });

  it('with --explain adds the root causes of each denial and every statement, as for one request', async () => {
    const r = await simulate(['--requests', fixture('requests.jsonl'), '--explain']);
    const lines = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Simulation);
    expect(lines.map((s) => s.decision)).toEqual(['allowed', 'explicitly-denied', 'explicitly-denied']);
    expect(lines[0]!.rootCauses).toEqual([]);
    expect(lines[1]!.rootCauses[0]?.id).toBe('bucket-policy-explicit-deny');
    const [, action, resource, context] = [
      '',
      lines[1]!.request.action,
      lines[1]!.request.resource,
      lines[1]!.request.context,
    ];
    const one = await simulate([
      '--principal',
      APP,
      '--action',
      action,
      '--resource',
      resource,
      ...Object.entries(context).flatMap(([k, v]) => ['--context', `${k}=${String(v)}`]),
      '--format',
      'json',
    ]);
    const single = JSON.parse(one.out) as Simulation;
    // the same layers and statements as the single request (which is always explained), near misses included
    expect(lines[1]!.layers).toEqual(single.layers);
    expect(lines[1]!.rootCauses.map((c) => c.id)).toEqual(single.rootCauses.map((c) => c.id));
    // the batch without --explain shows the same layers, each with its statements that decided
    const plain = (await simulate(['--requests', fixture('requests.jsonl')])).out.trimEnd().split('\n');
    const decided = JSON.parse(plain[1]!) as Simulation;
    expect(decided.layers).toEqual(
      single.layers.map((l) => ({ ...l, statements: l.statements.filter((s) => s.matched !== false) })),
    );
  });

  it('reads CRLF line endings, blank lines and a last line without a newline', async () => {
    const line = JSON.stringify({ principal: APP, action: 's3:GetObject', resource: Q3 });
    const io = memoryIo({ files: { 'r.jsonl': `${line}\r\n\r\n${line}\r\n${line}` } });
    const r = await simulate(['--requests', 'r.jsonl'], io);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n')).toHaveLength(3);
  });

  it('reads lines split anywhere across chunks (inside a UTF-8 character, between \\r and \\n)', async () => {
    const line = JSON.stringify({
      principal: APP,
      action: 's3:GetObject',
      resource: Q3,
      context: { 'aws:userid': 'é€' },
    });
    const bytes = Buffer.from(`${line}\r\n${line}\r\n`);
    const io = memoryIo();
    io.stdinStream = async function* () {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    };
    expect(await run(['simulate', '--snapshot', SNAPSHOT, '--requests', '-'], io)).toBe(0);
    const out = io.stdoutText().trimEnd().split('\n');
    expect(out.map((l) => (JSON.parse(l) as Simulation).request.context)).toEqual([
      { 'aws:userid': 'é€' },
      { 'aws:userid': 'é€' },
    ]);
  });

  it('waits for a slow reader: no chunk of input is read, and no line written, while stdout has not drained', async () => {
    // issue 15: piped to a slow reader, stdout buffered every line (100,000 requests took 1.2 GB); the batch now
    // awaits io.drain() after each chunk it has answered
    const line = JSON.stringify({ principal: APP, action: 's3:GetObject', resource: Q3 });
    const io = memoryIo();
    const events: string[] = [];
    let draining = false;
    let written = 0;
    io.stdinStream = async function* () {
      for (let i = 0; i < 5; i++) {
        events.push(draining ? 'read while draining' : 'read');
        yield Buffer.from(`${line}\n${line}\n`);
      }
    };
    io.stdout = (s: string) => {
      if (draining) events.push('written while draining');
      written += s.split('\n').length - 1;
    };
    io.drain = () => {
      draining = true;
      events.push('drain');
      return new Promise<void>((r) =>
        setTimeout(() => {
          draining = false;
          r();
        }, 2),
      );
    };
    expect(await run(['simulate', '--snapshot', SNAPSHOT, '--requests', '-'], io)).toBe(0);
    expect(written).toBe(10);
    expect(events.filter((e) => e.includes('while draining'))).toEqual([]);
    expect(events.filter((e) => e === 'drain').length).toBeGreaterThanOrEqual(5);
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

describe('simulate --requests streams its input and output', () => {
  it('reports a bad line by its number, still simulates the others, and exits 2 at the end', async () => {
    const good = (key: string) =>
      JSON.stringify({ principal: APP, action: 's3:GetObject', resource: `arn:aws:s3:::my-bucket/${key}` });
    const text = [
      good('a'),
      '{"principal": ',
      good('b'),
      JSON.stringify({ principal: APP, action: 's3:GetObject' }),
      good('c'),
    ].join('\n');
    const r = await simulate(['--requests', 'r.jsonl'], memoryIo({ files: { 'r.jsonl': text } }));
    expect(r.code).toBe(2);
    const out = r.out
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as Simulation).request.resource);
    expect(out).toEqual(['arn:aws:s3:::my-bucket/a', 'arn:aws:s3:::my-bucket/b', 'arn:aws:s3:::my-bucket/c']);
    expect(r.err).toMatch(/^s3-403: r\.jsonl: line 2: not valid JSON/m);
    expect(r.err).toMatch(/^s3-403: r\.jsonl: line 4: "resource" must be a non-empty string$/m);
    expect(r.err).toMatch(/^s3-403: 2 lines of r\.jsonl could not be simulated \(named above\)$/m);
  });

  it('writes each result as soon as it is decided, before the rest of the input has arrived', async () => {
    const line = JSON.stringify({ principal: APP, action: 's3:GetObject', resource: Q3 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const io = memoryIo();
    let seenBeforeRest = -1;
    const stdin = async function* () {
      yield Buffer.from(`${line}\n`);
      await new Promise((r) => setTimeout(r, 50));
      seenBeforeRest = io.out.length; // the first result is already out
      release();
      await gate;
      yield Buffer.from(`${line}\n`);
    };
    io.stdinStream = stdin;
    expect(await run(['simulate', '--snapshot', SNAPSHOT, '--requests', '-'], io)).toBe(0);
    expect(seenBeforeRest).toBe(1);
    expect(io.out).toHaveLength(2);
  });
});

describe('simulate warnings (stderr; the simulation still runs)', () => {
  it.each([
    [['--action', 's3:GetObjekt'], /warning: s3:GetObjekt is not an S3 action of the action table/],
    [
      ['--context', 'aws:SourceIp=notanip'],
      /warning: --context aws:SourceIp="notanip": aws:SourceIp takes an IP address/,
    ],
    [
      ['--context', 'aws:SecureTransport=yes'],
      /warning: --context aws:SecureTransport="yes": aws:SecureTransport takes true or false/,
    ],
    [['--context', 'aws:MultiFactorAuthAge=old'], /aws:MultiFactorAuthAge takes a number/],
    [['--context', 'aws:CurrentTime=yesterday'], /aws:CurrentTime takes a date/],
  ])('%j', async (extra, expected) => {
    const args = ['--principal', APP, '--action', 's3:GetObject', '--resource', Q3, '--format', 'json'];
    const merged =
      extra[0] === '--action' ? [...args.slice(0, 2), ...extra, ...args.slice(4)] : [...args, ...extra];
    const r = await simulate(merged);
    expect(r.err).toMatch(expected);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(() => JSON.parse(r.out) as unknown).not.toThrow();
  });

  it('says nothing for well-typed values', async () => {
    const r = await readQ3With([
      'aws:SourceIp=2001:db8::1',
      'aws:SecureTransport=false',
      'aws:EpochTime=1700000000',
    ]);
    expect(r.err).toBe('');
  });

  it('says nothing for keys named like Object.prototype members (no type to check)', async () => {
    const r = await readQ3With(
      ['constructor', '__proto__', 'toString', 'hasOwnProperty'].map((k) => `${k}=x`),
    );
    expect(r.err).toBe('');
  });
});
