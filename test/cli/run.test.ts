/** The command line as a whole: --help on every command, exit statuses, snapshot capture (fake AWS). */
import { Writable } from 'node:stream';
import { run } from '../../lambdas/cli';
import type { CaptureOptions, LiveAws } from '../../lambdas/cli/live';
import { loadSnapshot } from '../../lambdas/adapters/snapshot';
import { memoryIo } from './memory-io';

describe('--help', () => {
  it.each([
    [
      'explain',
      ['--event <file>', '--snapshot <file>', '--format <format>', '--profile <name>', '--region <region>'],
    ],
    [
      'simulate',
      [
        '--principal <arn>',
        '--action <action>',
        '--resource <arn>',
        '--context <key=value>',
        '--requests <file>',
        '--snapshot <file>',
        '--expect <decision>',
      ],
    ],
    [
      'snapshot',
      [
        '--bucket <name>',
        '--principal <arn>',
        '--all-iam',
        '--out <file>',
        '--profile <name>',
        '--region <region>',
      ],
    ],
  ])('%s --help lists its options with an example and exits 0', async (command, options) => {
    const io = memoryIo();
    expect(await run([command, '--help'], io)).toBe(0);
    const help = io.stdoutText();
    for (const option of options) expect(help).toContain(option);
    expect(help).toMatch(/Examples?:\n\s+\$ s3-403 /);
    expect(help).toContain(`$ s3-403 ${command} `);
    expect(io.stderrText()).toBe('');
  });

  it('lists the commands with an example at the top level', async () => {
    const io = memoryIo();
    expect(await run(['--help'], io)).toBe(0);
    for (const c of ['explain', 'simulate', 'snapshot']) expect(io.stdoutText()).toContain(c);
    expect(io.stdoutText()).toContain('Example');
  });

  it('answers "s3-403 help <command>" like --help', async () => {
    const io = memoryIo();
    expect(await run(['help', 'simulate'], io)).toBe(0);
    expect(io.stdoutText()).toContain('--requests <file>');
  });

  it('prints the help on stderr and exits 2 without a command', async () => {
    const io = memoryIo();
    expect(await run([], io)).toBe(2);
    expect(io.stderrText()).toContain('Usage: s3-403');
  });

  it('exits 2 with one line for an unknown command', async () => {
    const io = memoryIo();
    expect(await run(['explian'], io)).toBe(2);
    expect(io.stderrText()).toMatch(/^s3-403: unknown command 'explian' \(Did you mean explain\?\)\n$/);
  });
});

function fakeAws(
  opts: {
    credentials?: Error;
    capture?: (o: CaptureOptions) => Promise<{ snapshot: unknown; problems: string[] }>;
  } = {},
): LiveAws & { captured: CaptureOptions[] } {
  const captured: CaptureOptions[] = [];
  return {
    captured,
    checkCredentials: () => (opts.credentials ? Promise.reject(opts.credentials) : Promise.resolve()),
    AwsAccountView: class {
      gather(): Promise<never> {
        return Promise.reject(new Error('not used'));
      }
    },
    captureSnapshot: (o) => {
      captured.push(o);
      if (opts.capture) return opts.capture(o);
      o.onProgress?.(1, 2, 'bucket my-bucket');
      o.onProgress?.(2, 2, 'role App');
      return Promise.resolve({
        snapshot: {
          snapshotVersion: 1,
          capturedAt: '2026-11-20T10:00:00Z',
          buckets: { 'my-bucket': { accountId: '111122223333', policy: null } },
        },
        problems: ['buckets.my-bucket.acl: AccessDenied (s3:GetBucketAcl)'],
      });
    },
  };
}

describe('snapshot', () => {
  it('writes the captured snapshot (readable by the snapshot loader) and summarises what could not be read', async () => {
    const aws = fakeAws();
    const io = memoryIo({ aws, env: { AWS_PROFILE: 'audit' } });
    const code = await run(
      [
        'snapshot',
        '--bucket',
        'my-bucket',
        '--principal',
        'arn:aws:iam::111122223333:role/App',
        '--out',
        'snap.json',
        '--region',
        'eu-west-1',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(aws.captured[0]).toMatchObject({
      buckets: ['my-bucket'],
      principals: ['arn:aws:iam::111122223333:role/App'],
      allIam: false,
      profile: 'audit',
      region: 'eu-west-1',
    });
    const written = io.written.get('snap.json') ?? '';
    expect(loadSnapshot(written, 'snap.json').buckets?.['my-bucket']?.policy).toBeNull();
    expect(io.stderrText()).toBe(
      's3-403: wrote snap.json (1 bucket, 1 principal); 1 item could not be read (unknown in the snapshot):\n  - buckets.my-bucket.acl: AccessDenied (s3:GetBucketAcl)\n',
    );
    expect(io.stdoutText()).toBe('');
  });

  it('passes repeated --bucket / --principal and --all-iam through, and writes to stdout for --out -', async () => {
    const aws = fakeAws();
    const io = memoryIo({ aws });
    expect(await run(['snapshot', '--bucket', 'a', '--bucket', 'b', '--all-iam', '--out', '-'], io)).toBe(0);
    expect(aws.captured[0]).toMatchObject({ buckets: ['a', 'b'], principals: [], allIam: true });
    expect(JSON.parse(io.stdoutText())).toMatchObject({ snapshotVersion: 1 });
  });

  it('does not ask for progress when not on a terminal', async () => {
    const aws = fakeAws();
    await run(['snapshot', '--bucket', 'a', '--out', 'x.json'], memoryIo({ aws }));
    expect(aws.captured[0]?.onProgress).toBeUndefined();
  });

  it('draws a progress bar on a terminal stream', async () => {
    const aws = fakeAws();
    const chunks: string[] = [];
    const writable = new Writable({
      write: (c: Buffer, _e, cb) => {
        chunks.push(c.toString());
        cb();
      },
    });
    const stream = Object.assign(writable, {
      isTTY: true,
      columns: 100,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    const io = { ...memoryIo({ aws, isTTY: true }), progressStream: stream };
    expect(await run(['snapshot', '--bucket', 'a', '--out', 'x.json'], io)).toBe(0);
    expect(typeof aws.captured[0]?.onProgress).toBe('function');
    expect(chunks.join('')).toMatch(/capturing \[.*\] \d\/2/);
  });

  it.each([
    [['snapshot', '--out', 'x.json'], /^s3-403: snapshot needs at least one --bucket NAME/, {}],
    [['snapshot', '--bucket', 'a'], /^s3-403: required option '--out <file>' not specified/, {}],
    [
      ['snapshot', '--bucket', 'a', '--out', 'x.json'],
      /^s3-403: no credentials: use --profile\n$/,
      { credentials: new Error('no credentials: use --profile') },
    ],
    [
      ['snapshot', '--bucket', 'a', '--out', '/nonexistent-dir/x.json'],
      /^s3-403: \/nonexistent-dir\/x\.json: cannot write: no such file\n$/,
      {},
    ],
  ])('exits 2 with one line: %j', async (args, expected, fake) => {
    const io = memoryIo({ aws: fakeAws(fake) });
    expect(await run(args, io)).toBe(2);
    expect(io.stderrText()).toMatch(expected);
  });

  it('exits 1 with one line on an internal failure', async () => {
    const io = memoryIo({ aws: fakeAws({ capture: () => Promise.reject(new TypeError('boom')) }) });
    expect(await run(['snapshot', '--bucket', 'a', '--out', 'x.json'], io)).toBe(1);
    expect(io.stderrText()).toBe('s3-403: internal error: boom\n');
  });
});

describe('snapshot: recent access-control changes (issue 9)', () => {
  it('records the changes of the captured buckets and principals as recentChanges, in the LookupEvents shape', async () => {
    const targets: unknown[] = [];
    const change = {
      EventId: 'ev-1',
      EventName: 'PutBucketPolicy',
      EventTime: new Date('2026-11-20T08:12:31Z'),
      Username: 'bob',
      Resources: [{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'my-bucket' }],
      CloudTrailEvent: JSON.stringify({ eventID: 'ev-1', requestParameters: { bucketName: 'my-bucket' } }),
    };
    const aws: LiveAws = {
      ...fakeAws(),
      changeSource: () => ({
        recentChanges: () => Promise.reject(new Error('not used')),
        snapshotChanges: (o) => {
          targets.push(...o.targets);
          return Promise.resolve({
            events: [change],
            problems: ['recent changes of App (us-east-1): AccessDenied'],
          });
        },
      }),
    };
    const io = memoryIo({ aws });
    const argv = ['snapshot', '--bucket', 'my-bucket', '--principal', 'arn:aws:iam::111122223333:role/App'];
    expect(await run([...argv, '--out', 'snap.json', '--region', 'eu-west-1'], io)).toBe(0);
    expect(targets).toEqual([
      { name: 'my-bucket', accountId: null, region: 'eu-west-1' },
      { name: 'App', accountId: null, region: 'us-east-1' },
    ]);
    const snap = loadSnapshot(io.written.get('snap.json') ?? '', 'snap.json');
    expect(snap.recentChanges?.[0]).toMatchObject({
      EventId: 'ev-1',
      EventName: 'PutBucketPolicy',
      EventTime: '2026-11-20T08:12:31.000Z',
    });
    expect(io.stderrText()).toContain('  - recent changes of App (us-east-1): AccessDenied');
  });
});
