/**
 * `explain` over many denials (docs/CLI.md "Many denials at once", issue 16): many inputs (files, folders in
 * CloudTrail's layout, stdin), filters, --group with the contract's JSON shape and the Lambda's dedup key,
 * one analysis for identical denials, findings written as they are decided, a bad input among many.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from '../../lambdas/cli';
import { explainRequest } from '../../lambdas/adapters/explain';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { readDenials } from '../../lambdas/core/event';
import type { Finding } from '../../lambdas/core/model';
import type { GroupReport } from '../../lambdas/core/report/group';
import { keyOf, problemKey } from '../../lambdas/delivery/dedup';
import { readFileSync } from 'node:fs';
import { liveFromSnapshot } from './fake-aws';
import { ALLOWED, DELETE_DENIED, IP_DENIED, logFile, occurrence, tempDir, writeTrail } from './logs';
import { memoryIo, SNAPSHOT } from './memory-io';

async function explain(args: string[], io = memoryIo()) {
  const code = await run(['explain', ...args], io);
  return { code, out: io.stdoutText(), err: io.stderrText(), io };
}

const spike = (n: number) => Array.from({ length: n }, (_, i) => occurrence(IP_DENIED, i, i * 6));

describe('many inputs: files, folders (CloudTrail layout, gzipped) and stdin, in order', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('explains every denial of every input, folders walked in name (= time) order', async () => {
    const paths = writeTrail(tmp.dir, [
      {
        day: '2026-11-20',
        time: '1010',
        records: [occurrence(DELETE_DENIED, 2, 600), occurrence(ALLOWED, 3)],
      },
      { day: '2026-11-20', time: '1005', records: [occurrence(IP_DENIED, 1, 300)] },
      { day: '2026-11-21', time: '0005', records: [occurrence(IP_DENIED, 4, 86_400)] },
    ]);
    writeFileSync(join(tmp.dir, 'notes.txt'), 'not a log');
    const io = memoryIo({
      files: { 'one.json': JSON.stringify(occurrence(IP_DENIED, 0)) },
      stdin: logFile([occurrence(DELETE_DENIED, 5, 10)]),
    });
    const r = await explain(
      ['--event', 'one.json', '--event', tmp.dir, '--event', '-', '--snapshot', SNAPSHOT, '--format', 'json'],
      io,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.out) as Finding[]).map((f) => Number(f.eventId.slice(-12)));
    expect(ids).toEqual([0, 1, 2, 4, 5]);
    expect(paths).toHaveLength(3);
  });

  it('skips date folders outside --since/--until', async () => {
    const r = await explain([
      '--event',
      tmp.dir,
      '--since',
      '2026-11-22T00:00:00Z',
      '--snapshot',
      SNAPSHOT,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([]);
  });

  it('names a bad input on stderr, still explains the others, and exits 2 with complete output', async () => {
    const io = memoryIo({
      files: {
        'a.json': logFile([occurrence(IP_DENIED, 1)]),
        'bad.json.gz': gzipSync(logFile([occurrence(IP_DENIED, 2)])).subarray(0, 30),
        'c.json': logFile([occurrence(DELETE_DENIED, 3)]),
      },
    });
    const r = await explain(
      [
        '--event',
        'a.json',
        '--event',
        'bad.json.gz',
        '--event',
        'c.json',
        '--snapshot',
        SNAPSHOT,
        '--format',
        'json',
      ],
      io,
    );
    expect(r.code).toBe(2);
    expect(r.err).toBe('s3-403: bad.json.gz: truncated gzip data\n');
    expect((JSON.parse(r.out) as Finding[]).map((f) => f.eventId.slice(-1))).toEqual(['1', '3']);
  });

  it('fails before reading anything when a path does not exist', async () => {
    const r = await explain(['--event', tmp.dir, '--event', 'missing.json', '--snapshot', SNAPSHOT]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('s3-403: missing.json: cannot read: no such file\n');
  });

  it('accepts stdin only once', async () => {
    const r = await explain(['--event', '-', '--event', '-', '--snapshot', SNAPSHOT]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('s3-403: --event - (stdin) can be given only once\n');
  });
});

const BOB = {
  type: 'IAMUser',
  principalId: 'AIDABOBEXAMPLE000001',
  arn: 'arn:aws:iam::111122223333:user/bob',
  accountId: '111122223333',
  userName: 'bob',
};

describe('filters', () => {
  const io = () =>
    memoryIo({
      files: {
        'log.json': logFile([
          occurrence(IP_DENIED, 1, 0),
          occurrence(DELETE_DENIED, 2, 3600, { userIdentity: BOB }),
          occurrence(IP_DENIED, 3, 7200, {
            requestParameters: { ...(IP_DENIED['requestParameters'] as object), bucketName: 'other-bucket' },
          }),
        ]),
      },
      now: new Date('2026-11-20T12:30:00Z'),
    });
  const ids = async (args: string[]) => {
    const r = await explain(
      ['--event', 'log.json', '--snapshot', SNAPSHOT, '--format', 'json', ...args],
      io(),
    );
    expect(r.err).toBe('');
    return (JSON.parse(r.out) as Finding[]).map((f) => Number(f.eventId.slice(-1)));
  };

  it.each([
    [
      ['--bucket', 'my-bucket'],
      [1, 2],
    ],
    [['--bucket', 'other-bucket', '--bucket', 'nope'], [3]],
    [
      ['--principal', 'arn:aws:iam::111122223333:role/service/App'],
      [1, 3],
    ],
    [
      ['--principal', 'arn:aws:sts::111122223333:assumed-role/*'],
      [1, 3],
    ],
    [['--principal', 'arn:aws:iam::111122223333:user/*'], [2]],
    [['--principal', 'arn:aws:iam::*:user/bob', '--principal', 'nobody'], [2]],
    [['--principal', 'arn:aws:iam::111122223333:user/bo?'], [2]],
    [
      ['--since', '2026-11-20T11:00:00Z'],
      [2, 3],
    ],
    [
      ['--since', '90m'],
      [2, 3],
    ],
    [['--until', '2026-11-20T10:30:00Z'], [1]],
    [['--since', '3h', '--until', '2h'], [1]],
    [
      ['--error-code', 'AccessDenied'],
      [1, 2, 3],
    ],
    [['--error-code', 'AllAccessDisabled'], []],
  ])('%j', async (args, expected) => {
    expect(await ids(args)).toEqual(expected);
  });

  it.each([
    [['--since', 'yesterday'], /^s3-403: --since "yesterday": expected an ISO 8601 time/],
    [['--since', '1h', '--until', '2h'], /^s3-403: --since is after --until/],
    [['--since', '1h', '--since', '2h'], /^s3-403: --since was given twice: give it once\n$/],
  ])('rejects %j with one line', async (args, expected) => {
    const r = await explain(['--event', 'log.json', '--snapshot', SNAPSHOT, ...args], io());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(expected);
  });

  it('says how many denials the filters left out, not that the input held none', async () => {
    const text = await explain(['--event', 'log.json', '--snapshot', SNAPSHOT, '--bucket', 'nope'], io());
    expect(text.out).toBe(
      'No S3 access denial matches the filters (3 denials in the input did not match).\n',
    );
    const grouped = await explain(
      ['--event', 'log.json', '--snapshot', SNAPSHOT, '--bucket', 'my-bucket', '--group', '--format', 'json'],
      io(),
    );
    expect(JSON.parse(grouped.out)).toMatchObject({ records: 3, denials: 2, filteredOut: 1 });
    const groupedText = await explain(
      ['--event', 'log.json', '--snapshot', SNAPSHOT, '--bucket', 'nope', '--group'],
      io(),
    );
    expect(groupedText.out).toBe(
      '3 records read, 0 denials (3 more left out by the filters), 0 distinct problems\n' +
        'No S3 access denial matches the filters (3 denials in the input did not match).\n',
    );
    const unfiltered = await explain(
      ['--event', 'log.json', '--snapshot', SNAPSHOT, '--group', '--format', 'json'],
      io(),
    );
    expect(JSON.parse(unfiltered.out)).not.toHaveProperty('filteredOut');
  });
});

describe('--group', () => {
  const log = () =>
    logFile([
      ...spike(598),
      occurrence(DELETE_DENIED, 9001, 120),
      occurrence(DELETE_DENIED, 9002, 4000),
      ...Array.from({ length: 50 }, (_, i) => occurrence(ALLOWED, 10_000 + i)),
    ]);

  it('prints the contract shape: records, denials, groups most frequent first, at most 20 event ids', async () => {
    const r = await explain(
      ['--event', 'log.json', '--snapshot', SNAPSHOT, '--group', '--format', 'json'],
      memoryIo({ files: { 'log.json': log() } }),
    );
    expect(r.err).toBe('');
    const report = JSON.parse(r.out) as GroupReport;
    expect(Object.keys(report)).toEqual(['records', 'denials', 'groups']);
    expect(report.records).toBe(650);
    expect(report.denials).toBe(600);
    expect(report.groups.map((g) => [g.count, g.rootCause])).toEqual([
      [598, 'bucket-policy-explicit-deny'],
      [2, 'identity-policy-explicit-deny'],
    ]);
    const g = report.groups[0]!;
    expect(Object.keys(g)).toEqual([
      'count',
      'firstSeen',
      'lastSeen',
      'rootCause',
      'principal',
      'bucket',
      'actions',
      'eventIds',
      'finding',
    ]);
    expect(g).toMatchObject({
      firstSeen: '2026-11-20T10:00:00Z',
      lastSeen: '2026-11-20T10:59:42Z',
      principal: 'arn:aws:iam::111122223333:role/service/App',
      bucket: 'my-bucket',
      actions: ['s3:GetObject'],
    });
    expect(g.eventIds).toHaveLength(20);
    expect(g.finding.eventId).toBe(g.eventIds[0]);
    expect(report.groups[1]!.eventIds).toHaveLength(2);
  });

  it("groups by the Lambda's dedup key (one function: lambdas/core/problem-key.ts)", async () => {
    const r = await explain(
      ['--event', 'log.json', '--snapshot', SNAPSHOT, '--format', 'json'],
      memoryIo({ files: { 'log.json': log() } }),
    );
    const findings = JSON.parse(r.out) as Finding[];
    const keys = new Map<string, number>();
    for (const f of findings) keys.set(keyOf(problemKey(f)), (keys.get(keyOf(problemKey(f))) ?? 0) + 1);
    expect([...keys.values()].sort((a, b) => b - a)).toEqual([598, 2]);
  });

  it('as text: a summary line and one entry per problem, each with its compact finding', async () => {
    const r = await explain(
      ['--event', 'log.json', '--snapshot', SNAPSHOT, '--group'],
      memoryIo({ files: { 'log.json': log() } }),
    );
    expect(r.out.split('\n')[0]).toBe('650 records read, 600 denials, 2 distinct problems');
    expect(r.out).toMatch(
      /^#1 598× {2}bucket-policy-explicit-deny {2}arn:aws:iam::111122223333:role\/service\/App {2}my-bucket {2}s3:GetObject$/m,
    );
    expect(r.out).toMatch(/^#2 {3}2× {2}identity-policy-explicit-deny /m);
    expect(r.out).toContain('(+578 more)');
    expect(r.out.match(/^Cause 1: /gm)).toHaveLength(2);
  });

  it('600 identical denials gather facts once and run the engine once, with the same findings', async () => {
    const aws = liveFromSnapshot();
    const io = memoryIo({ files: { 'log.json': logFile(spike(600)) }, aws });
    const r = await explain(['--event', 'log.json', '--format', 'json'], io);
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.out) as Finding[];
    expect(findings).toHaveLength(600);
    expect(aws.gathered).toHaveLength(1);
    // Each occurrence keeps its own id and time, and equals the finding a fresh analysis gives.
    const view = new SnapshotView(loadSnapshot(readFileSync(SNAPSHOT, 'utf8'), 'small.json'));
    const requests = readDenials(logFile(spike(600)), 'log.json');
    for (const i of [0, 1, 299, 599])
      expect(findings[i]).toEqual(JSON.parse(JSON.stringify(await explainRequest(requests[i]!, view))));
  });

  it('reuses nothing across requests that differ in what the analysis reads (source address, key)', async () => {
    const varied = [
      occurrence(IP_DENIED, 1),
      occurrence(IP_DENIED, 2, 2, { sourceIPAddress: '203.0.113.9' }),
      occurrence(IP_DENIED, 3, 3, {
        requestParameters: { ...(IP_DENIED['requestParameters'] as object), key: 'private/y' },
      }),
      occurrence(IP_DENIED, 4, 4),
    ];
    const aws = liveFromSnapshot();
    const r = await explain(
      ['--event', 'log.json', '--format', 'json'],
      memoryIo({ files: { 'log.json': logFile(varied) }, aws }),
    );
    const findings = JSON.parse(r.out) as Finding[];
    expect(aws.gathered).toHaveLength(3);
    const view = new SnapshotView(loadSnapshot(readFileSync(SNAPSHOT, 'utf8'), 'small.json'));
    const requests = readDenials(logFile(varied), 'log.json');
    for (const [i, req] of requests.entries())
      expect(findings[i]).toEqual(JSON.parse(JSON.stringify(await explainRequest(req, view))));
    expect(findings[1]!.rootCauses[0]?.id).not.toBe('bucket-policy-explicit-deny'); // 203.0.113.9 is an office address
  });
});

describe('findings are written as they are decided', () => {
  it('prints the first finding before the rest of the input has arrived', async () => {
    const io = memoryIo();
    let before = -1;
    const first = logFile([occurrence(IP_DENIED, 1)]);
    io.stdinStream = async function* () {
      yield Buffer.from(`${first}\n`);
      await new Promise((r) => setTimeout(r, 50));
      before = io.out.length;
      yield Buffer.from(`${logFile([occurrence(IP_DENIED, 2)])}\n`);
    };
    const r = await explain(['--event', '-', '--snapshot', SNAPSHOT, '--format', 'json'], io);
    expect(r.code).toBe(0);
    expect(before).toBe(1);
    expect(JSON.parse(r.out)).toHaveLength(2);
  });

  it('prints the same bytes as before streaming: one JSON array, 2-space indented', async () => {
    const r = await explain(
      ['--event', 'log.json', '--snapshot', SNAPSHOT, '--format', 'json'],
      memoryIo({ files: { 'log.json': logFile(spike(3)) } }),
    );
    expect(r.out).toBe(`${JSON.stringify(JSON.parse(r.out), null, 2)}\n`);
  });
});

describe('the JSON size cap', () => {
  const bomb = gzipSync(Buffer.alloc(20_000_000, 0x20));
  it.each([
    [['--max-json-bytes', '1M'], {}],
    [[], { S3_403_MAX_JSON_BYTES: '1048576' }],
  ])('%j %j: one line naming the file and the cap, exit 2', async (args, env) => {
    const r = await explain(
      ['--event', 'bomb.json.gz', '--snapshot', SNAPSHOT, ...args],
      memoryIo({ files: { 'bomb.json.gz': bomb }, env }),
    );
    expect(r.code).toBe(2);
    expect(r.err).toBe('s3-403: bomb.json.gz: holds more than 1048576 bytes of JSON (the size cap)\n');
  });

  it('rejects a cap that is not a size', async () => {
    const r = await explain(['--event', 'x.json', '--snapshot', SNAPSHOT, '--max-json-bytes', 'lots']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^s3-403: --max-json-bytes "lots": expected a positive number of bytes/);
  });
});

describe('a CloudTrail log file of any size is read as a stream', () => {
  // 200,000 records (mostly not denials) in one file, generated here; the 1,000,000-record run and the peak
  // memory are measured by `npm run bench` (scripts/bench/stream.ts). Before streaming, more than about
  // 120,000 records in one file crashed with "Maximum call stack size exceeded".
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('explains every denial of a 200,000-record log file', async () => {
    const path = join(tmp.dir, 'big.json');
    const parts: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      // a small allowed record (a real one is ~1.5 kB: the bench reads those)
      const filler = { eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventID: `e${i}` };
      parts.push(JSON.stringify(i % 10_000 === 0 ? occurrence(IP_DENIED, i, i % 3600) : filler));
    }
    writeFileSync(path, `{"Records":[${parts.join(',')}]}`);
    parts.length = 0;
    const r = await explain(['--event', path, '--snapshot', SNAPSHOT, '--group', '--format', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as GroupReport;
    expect(report.records).toBe(200_000);
    expect(report.denials).toBe(20);
    expect(report.groups.map((g) => g.count)).toEqual([20]);
  }, 120_000);
});
