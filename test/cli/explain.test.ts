/** `s3-403 explain` through run() with in-memory I/O (docs/CLI.md). */
import { readFileSync } from 'node:fs';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { run } from '../../lambdas/cli';
import { readDenials } from '../../lambdas/core/event';
import type { LiveAws } from '../../lambdas/cli/live';
import type { AccessRequest, Finding, RequestFacts } from '../../lambdas/core/model';
import { fixture, memoryIo, SNAPSHOT } from './memory-io';

const IP_DENIED = fixture('getobject-ip-denied.json');
const IP_DENIED_ID = '11111111-1111-4111-8111-111111111111';
const DELETE_DENIED_ID = '22222222-2222-4222-8222-222222222222';
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

async function explain(args: string[], io = memoryIo()): Promise<{ code: number; out: string; err: string }> {
  const code = await run(['explain', ...args], io);
  return { code, out: io.stdoutText(), err: io.stderrText() };
}

const json = (text: string): Finding[] => JSON.parse(text) as Finding[];
const readDenialsOf = (data: Buffer): AccessRequest[] => readDenials(data, 'event.json');

describe('explain --format json', () => {
  it('explains one CloudTrail record: the bucket policy Deny on the source IP', async () => {
    const r = await explain(['--event', IP_DENIED, '--snapshot', SNAPSHOT, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const findings = json(r.out);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.eventId).toBe(IP_DENIED_ID);
    expect(f.request).toMatchObject({
      eventName: 'GetObject',
      actions: ['s3:GetObject'],
      bucket: 'my-bucket',
      key: 'private/x',
      bucketAccountId: '111122223333',
    });
    expect(f.request.principal).toMatchObject({
      type: 'AssumedRole',
      identityArn: 'arn:aws:iam::111122223333:role/service/App',
      sessionName: 's1',
    });
    expect(f.verdict).toBe('explained');
    expect(f.rootCauses[0]).toMatchObject({ id: 'bucket-policy-explicit-deny', confidence: 'confirmed' });
    expect(f.rootCauses[0]?.evidence.some((e) => e.statement === 'DenyNonOfficeIPs')).toBe(true);
    expect(f.checks.length).toBeGreaterThan(0);
  });

  it.each([
    ['a CloudTrail log file', 'trail-log.json'],
    ['a gzipped CloudTrail log file', 'trail-log.json.gz'],
  ])('explains every denial of %s in input order and skips the rest', async (_n, file) => {
    const r = await explain(['--event', fixture(file), '--snapshot', SNAPSHOT, '--format', 'json']);
    expect(r.code).toBe(0);
    const findings = json(r.out);
    expect(findings.map((f) => f.eventId)).toEqual([IP_DENIED_ID, DELETE_DENIED_ID]);
    expect(findings[1]?.rootCauses[0]?.id).toBe('identity-policy-explicit-deny');
  });

  it('reads an EventBridge event', async () => {
    const r = await explain([
      '--event',
      fixture('eventbridge-delete-denied.json'),
      '--snapshot',
      SNAPSHOT,
      '--format',
      'json',
    ]);
    expect(json(r.out).map((f) => f.eventId)).toEqual([DELETE_DENIED_ID]);
  });

  it('prints [] and exits 0 when the input holds no denial', async () => {
    const r = await explain([
      '--event',
      fixture('getobject-allowed.json'),
      '--snapshot',
      SNAPSHOT,
      '--format',
      'json',
    ]);
    expect(r).toEqual({ code: 0, out: '[]\n', err: '' });
  });

  it('reads stdin for --event -', async () => {
    const io = memoryIo({ stdin: readFileSync(IP_DENIED) });
    const r = await explain(['--event', '-', '--snapshot', SNAPSHOT, '--format', 'json'], io);
    expect(r.code).toBe(0);
    expect(json(r.out)[0]?.eventId).toBe(IP_DENIED_ID);
  });

  it('reports every layer as unknown against an empty snapshot, and never calls the request allowed', async () => {
    const io = memoryIo({ files: { 'empty.json': '{}' } });
    const r = await explain(['--event', IP_DENIED, '--snapshot', 'empty.json', '--format', 'json'], io);
    expect(r.code).toBe(0);
    const f = json(r.out)[0]!;
    expect(f.verdict).not.toBe('explained');
    expect(f.checks.some((c) => c.status === 'unknown')).toBe(true);
    expect(f.rootCauses.every((c) => c.confidence !== 'confirmed')).toBe(true);
  });
});

describe('explain --format slack / sns / text', () => {
  it('prints one Block Kit payload per finding as a JSON array', async () => {
    const r = await explain([
      '--event',
      fixture('trail-log.json'),
      '--snapshot',
      SNAPSHOT,
      '--format',
      'slack',
    ]);
    expect(r.code).toBe(0);
    const payloads = JSON.parse(r.out) as { text: string; blocks: unknown[] }[];
    expect(payloads).toHaveLength(2);
    for (const p of payloads) {
      expect(typeof p.text).toBe('string');
      expect(p.blocks.length).toBeGreaterThan(0);
      expect(p.blocks.length).toBeLessThanOrEqual(50); // Slack's limit of 50 blocks per message
    }
  });

  it('prints the SNS subject (at most 100 characters) and message per finding', async () => {
    const r = await explain([
      '--event',
      fixture('trail-log.json'),
      '--snapshot',
      SNAPSHOT,
      '--format',
      'sns',
    ]);
    const messages = JSON.parse(r.out) as { subject: string; message: string }[];
    expect(messages).toHaveLength(2);
    for (const m of messages) {
      expect(m.subject.length).toBeGreaterThan(0);
      expect(m.subject.length).toBeLessThanOrEqual(100); // https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
      expect(m.message).toContain('my-bucket');
    }
  });

  it('prints text for people, naming the cause, without colour when not on a terminal', async () => {
    const r = await explain(['--event', IP_DENIED, '--snapshot', SNAPSHOT]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('bucket-policy-explicit-deny');
    expect(r.out).toContain('DenyNonOfficeIPs');
    expect(r.out).not.toMatch(ANSI);
  });

  it('uses colour on a terminal, and never when NO_COLOR is set', async () => {
    const tty = await explain(['--event', IP_DENIED, '--snapshot', SNAPSHOT], memoryIo({ isTTY: true }));
    expect(tty.out).toMatch(ANSI);
    const noColor = await explain(
      ['--event', IP_DENIED, '--snapshot', SNAPSHOT],
      memoryIo({ isTTY: true, env: { NO_COLOR: '1' } }),
    );
    expect(noColor.out).not.toMatch(ANSI);
    expect(noColor.out).toContain('bucket-policy-explicit-deny');
  });
});

describe('explain: unusable input exits 2 with one line naming the file', () => {
  const oneLine = (err: string) => {
    expect(err.endsWith('\n')).toBe(true);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  };

  it.each([
    [
      'a missing file',
      ['--event', 'nope.json', '--snapshot', SNAPSHOT],
      /^s3-403: nope\.json: cannot read: no such file\n$/,
      {},
    ],
    [
      'a folder without log files',
      ['--event', __dirname, '--snapshot', SNAPSHOT],
      /^s3-403: .*test\/cli: no \*\.json or \*\.json\.gz file in this folder\n$/,
      {},
    ],
    [
      'an event file that is not JSON',
      ['--event', 'bad.json', '--snapshot', SNAPSHOT],
      /^s3-403: bad\.json: /,
      { 'bad.json': '{"eventName": ' },
    ],
    [
      'an event with no CloudTrail record',
      ['--event', 'x.json', '--snapshot', SNAPSHOT],
      /^s3-403: x\.json: no CloudTrail record/,
      { 'x.json': '{"hello": 1}' },
    ],
    [
      'truncated gzip',
      ['--event', 't.gz', '--snapshot', SNAPSHOT],
      /^s3-403: t\.gz: truncated gzip/,
      { 't.gz': readFileSync(fixture('trail-log.json.gz')).subarray(0, 40) },
    ],
    ['empty stdin', ['--event', '-', '--snapshot', SNAPSHOT], /^s3-403: stdin: empty input/, {}],
    [
      'an invalid snapshot',
      ['--event', IP_DENIED, '--snapshot', 's.json'],
      /^s3-403: s\.json: buckets\.b\.ownershipControls\.Rules\[0\]\.ObjectOwnership: expected one of/,
      {
        's.json': JSON.stringify({
          buckets: { b: { ownershipControls: { Rules: [{ ObjectOwnership: 'X' }] } } },
        }),
      },
    ],
    [
      'a snapshot that is not JSON',
      ['--event', IP_DENIED, '--snapshot', 's.json'],
      /^s3-403: s\.json: not valid JSON/,
      { 's.json': 'nope' },
    ],
    [
      'stdin twice',
      ['--event', '-', '--snapshot', '-'],
      /^s3-403: --event and --snapshot cannot both be - \(stdin\)\n$/,
      {},
    ],
    [
      'a missing --event',
      ['--snapshot', SNAPSHOT],
      /^s3-403: explain needs --event FILE \(repeatable: files, folders, - for stdin\) or --trail-bucket NAME\n$/,
      {},
    ],
    [
      'an unknown format',
      ['--event', IP_DENIED, '--format', 'xml'],
      /^s3-403: option '--format <format>' argument 'xml' is invalid/,
      {},
    ],
    ['an unknown option', ['--event', IP_DENIED, '--verbos'], /^s3-403: unknown option '--verbos'/, {}],
    [
      'a value option given twice',
      ['--event', IP_DENIED, '--snapshot', SNAPSHOT, '--snapshot', SNAPSHOT],
      /^s3-403: --snapshot was given twice: give it once\n$/,
      {},
    ],
  ])('%s', async (_n, args, expected, files) => {
    const r = await explain(args, memoryIo({ files }));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(expected);
    oneLine(r.err);
  });
});

/** A fake live adapter: facts come from the fixture snapshot; credentials can be made to fail. */
function fakeAws(
  opts: { credentials?: Error; gather?: (r: AccessRequest) => Promise<RequestFacts> } = {},
): LiveAws & { calls: unknown[] } {
  const calls: unknown[] = [];
  const snapshotView = new SnapshotView(loadSnapshot(readFileSync(SNAPSHOT, 'utf8'), 'small.json'));
  return {
    calls,
    checkCredentials: (o) => {
      calls.push(['checkCredentials', o]);
      return opts.credentials ? Promise.reject(opts.credentials) : Promise.resolve();
    },
    AwsAccountView: class {
      constructor(o: unknown) {
        calls.push(['AwsAccountView', o]);
      }
      gather(r: AccessRequest): Promise<RequestFacts> {
        return opts.gather ? opts.gather(r) : snapshotView.gather(r);
      }
    },
    captureSnapshot: () => Promise.reject(new Error('not used')),
  };
}

/** Any request: the snapshot's recentChanges do not depend on it. */
const request0 = (): AccessRequest => readDenialsOf(readFileSync(IP_DENIED))[0]!;

describe('explain without --snapshot (live account)', () => {
  it('checks credentials, then reads the live view with --profile / --region', async () => {
    const aws = fakeAws();
    const r = await explain(
      ['--event', IP_DENIED, '--format', 'json', '--profile', 'prod', '--region', 'eu-west-1'],
      memoryIo({ aws }),
    );
    expect(r.code).toBe(0);
    expect(json(r.out)[0]?.rootCauses[0]?.id).toBe('bucket-policy-explicit-deny');
    expect(aws.calls).toEqual([
      ['checkCredentials', { profile: 'prod', region: 'eu-west-1' }],
      ['AwsAccountView', { profile: 'prod', region: 'eu-west-1' }],
    ]);
  });

  it('honours AWS_PROFILE and AWS_REGION', async () => {
    const aws = fakeAws();
    await explain(
      ['--event', IP_DENIED, '--format', 'json'],
      memoryIo({ aws, env: { AWS_PROFILE: 'dev', AWS_REGION: 'us-west-2' } }),
    );
    expect(aws.calls[0]).toEqual(['checkCredentials', { profile: 'dev', region: 'us-west-2' }]);
  });

  it('fails fast with exit 2 and one line when there are no credentials', async () => {
    const aws = fakeAws({
      credentials: new Error('no AWS credentials found: set AWS_PROFILE or use --snapshot FILE'),
    });
    const r = await explain(['--event', IP_DENIED], memoryIo({ aws }));
    expect(r).toEqual({
      code: 2,
      out: '',
      err: 's3-403: no AWS credentials found: set AWS_PROFILE or use --snapshot FILE\n',
    });
  });

  it('says so once, not once per input, when several inputs hold denials and there are no credentials', async () => {
    const aws = fakeAws({
      credentials: new Error('no AWS credentials found: set AWS_PROFILE or use --snapshot FILE'),
    });
    const r = await explain(
      ['--event', IP_DENIED, '--event', IP_DENIED, '--event', IP_DENIED],
      memoryIo({ aws }),
    );
    expect(r).toEqual({
      code: 2,
      out: '',
      err: 's3-403: no AWS credentials found: set AWS_PROFILE or use --snapshot FILE\n',
    });
  });

  it('does not need credentials when the input holds no denial', async () => {
    const aws = fakeAws({ credentials: new Error('no credentials') });
    const r = await explain(
      ['--event', fixture('getobject-allowed.json'), '--format', 'json'],
      memoryIo({ aws }),
    );
    expect(r).toEqual({ code: 0, out: '[]\n', err: '' });
  });

  it("attributes the cause to a recent change looked up live (CloudTrail), with the command's profile and region", async () => {
    const snapshotView = new SnapshotView(loadSnapshot(readFileSync(SNAPSHOT, 'utf8'), 'small.json'));
    const gather = async (r: AccessRequest): Promise<RequestFacts> => ({
      ...(await snapshotView.gather(r)),
      recentChanges: { status: 'unknown', reason: 'notCollected' },
    });
    const lookups: unknown[] = [];
    const aws = {
      ...fakeAws({ gather }),
      changeSource: (o: unknown) => ({
        recentChanges: (q: { targets: readonly { name: string }[] }) => {
          lookups.push([o, q.targets.map((t) => t.name)]);
          return snapshotView.gather(request0()).then((f) => f.recentChanges);
        },
      }),
    };
    const r = await explain(
      ['--event', IP_DENIED, '--format', 'json', '--region', 'us-east-1'],
      memoryIo({ aws }),
    );
    expect(r.code).toBe(0);
    const cause = json(r.out)[0]?.rootCauses[0];
    expect(cause?.id).toBe('bucket-policy-explicit-deny');
    expect(cause?.change).toMatchObject({ eventId: 'e-1', eventName: 'PutBucketPolicy' });
    expect(lookups[0]).toEqual([{ region: 'us-east-1' }, expect.arrayContaining(['my-bucket'])]);
  });

  it('keeps a record whose analysis failed, with the error, and explains the others', async () => {
    const snapshotView = new SnapshotView(loadSnapshot(readFileSync(SNAPSHOT, 'utf8'), 'small.json'));
    const aws = fakeAws({
      gather: (r) =>
        r.eventId === IP_DENIED_ID ? Promise.reject(new Error('throttled for good')) : snapshotView.gather(r),
    });
    const r = await explain(['--event', fixture('trail-log.json'), '--format', 'json'], memoryIo({ aws }));
    expect(r.code).toBe(0);
    const findings = json(r.out);
    expect(findings.map((f) => f.eventId)).toEqual([IP_DENIED_ID, DELETE_DENIED_ID]);
    expect(findings[0]?.error).toContain('throttled for good');
    expect(findings[0]?.request.bucket).toBe('my-bucket');
    expect(findings[1]?.rootCauses[0]?.id).toBe('identity-policy-explicit-deny');
  });
});
