/**
 * The streaming reader reads what readRecords reads, as a stream: the same records from every accepted form,
 * the same one-line InputError for unusable input, and inputs of any size in bounded memory.
 * CloudTrail log files: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { InputError, readRecords } from '../../../lambdas/core/event';
import { streamRecords } from '../../../lambdas/core/event/stream';
import { CORPUS_DIR } from '../../fixtures/corpus';

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(data: Uint8Array | string, source: string, size = 7, maxJsonBytes?: number) {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const out: unknown[] = [];
  for await (const r of streamRecords(chunked(bytes, size), source, maxJsonBytes ? { maxJsonBytes } : {}))
    out.push(r);
  return out;
}

async function outcome(fn: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    return { ok: await fn() };
  } catch (err) {
    if (err instanceof InputError) return { error: err.message };
    throw err;
  }
}

const corpus = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, readFileSync(join(CORPUS_DIR, f))] as const);
const records = corpus.flatMap(([f, b]) => readRecords(b, f));
const envelope = (detail: unknown) => ({
  version: '0',
  'detail-type': 'AWS API Call via CloudTrail',
  detail,
});
const sqs = (...bodies: unknown[]) => ({
  Records: bodies.map((b) => ({ eventSource: 'aws:sqs', body: JSON.stringify(b) })),
});

describe('streamRecords reads every accepted form like readRecords', () => {
  const forms: [string, string | Uint8Array][] = [
    ['one CloudTrail record', JSON.stringify(records[0])],
    ['a CloudTrail log file', JSON.stringify({ Records: records })],
    ['a gzipped CloudTrail log file', gzipSync(JSON.stringify({ Records: records }))],
    [
      'a log file with keys after Records',
      JSON.stringify({ Records: records.slice(0, 3), next: { a: [1] } }),
    ],
    ['an empty log file', '{"Records": []}'],
    ['an EventBridge event', JSON.stringify(envelope(records[1]))],
    ['an SQS batch of EventBridge events', JSON.stringify(sqs(envelope(records[0]), envelope(records[2])))],
    ['an SNS notification', JSON.stringify({ Type: 'Notification', Message: JSON.stringify(records[3]) })],
    ['JSON lines', records.map((r) => JSON.stringify(r)).join('\n')],
    ['a JSON array of records', JSON.stringify(records.slice(0, 5))],
    ['a BOM before the JSON', `\uFEFF${JSON.stringify(records[0])}`],
    ['Records that is not an array', JSON.stringify({ Records: 5, ...records[0] })],
  ];
  it.each(forms)('%s', async (_name, data) => {
    for (const size of [1, 7, 65536]) {
      expect(await outcome(() => collect(data, 'x.json', size))).toEqual(
        await outcome(() => readRecords(data, 'x.json')),
      );
    }
  });

  it.each(corpus.map(([f, b]) => [f, b] as const))('corpus record %s', async (f, b) => {
    expect(await collect(b, f, 4096)).toEqual(readRecords(b, f));
  });
});

describe('streamRecords: unusable input is one InputError naming the input', () => {
  it.each([
    ['empty input', '', /^e\.json: empty input$/],
    ['only whitespace', ' \n\t', /^e\.json: empty input$/],
    ['not JSON', '{"eventName": ', /^e\.json: not JSON \(.+\)$/],
    ['garbage after a value', '{"Records": []} x', /^e\.json: not JSON \(.+near character \d+\)$/],
    ['no record', '{"hello": 1}', /^e\.json: no CloudTrail record found/],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /^e\.json: not UTF-8 text$/],
    [
      'truncated gzip',
      gzipSync(JSON.stringify({ Records: records })).subarray(0, 40),
      /^e\.json: truncated gzip data$/,
    ],
    [
      'an SQS body that is not JSON',
      '{"Records":[{"eventSource":"aws:sqs","body":"nope"}]}',
      /^e\.json \(Records\[0\]\.body\): not JSON/,
    ],
  ])('%s', async (_n, data, expected) => {
    await expect(collect(data, 'e.json')).rejects.toThrow(expected);
    await expect(collect(data, 'e.json')).rejects.toBeInstanceOf(InputError);
  });

  it('refuses a gzip that expands past the cap, naming the input and the cap, before reading it all', async () => {
    const bomb = gzipSync(Buffer.alloc(50_000_000, 0x20)); // 50 MB of spaces in ~50 kB
    await expect(collect(bomb, 'bomb.json.gz', 65536, 1_000_000)).rejects.toThrow(
      /^bomb\.json\.gz: holds more than 1000000 bytes of JSON \(the size cap\)$/,
    );
    expect(() => readRecords(bomb, 'bomb.json.gz', { maxJsonBytes: 1_000_000 })).toThrow(
      /^bomb\.json\.gz: holds more than 1000000 bytes of JSON \(the size cap\)$/,
    );
  });

  it('never throws anything but InputError, and agrees with readRecords on what it accepts (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify({ Records: [v] })),
        ),
        async (text) => {
          const streamed = await outcome(() => collect(text, 's', 5));
          const whole = await outcome(() => readRecords(text, 's'));
          if ('ok' in (whole as object)) expect(streamed).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('large log files', () => {
  it('readRecords reads a log file of 150,000 records (it overflowed the call stack past ~120,000)', () => {
    const record = { eventSource: 's3.amazonaws.com', eventName: 'GetObject' };
    const text = `{"Records":[${Array.from({ length: 150_000 }, () => JSON.stringify(record)).join(',')}]}`;
    expect(readRecords(text, 'big.json')).toHaveLength(150_000);
  });
});
