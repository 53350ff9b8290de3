/**
 * The "every S3 request" reader (lambdas/core/event/requests.ts): CloudTrail log files are cut into their
 * records by a scanner that must agree with JSON.parse whatever the strings hold and wherever the chunks
 * split; every other input form goes through the usual streaming reader; allowed and denied requests both
 * come out, with the outcome CloudTrail recorded.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { InputError } from '../../lambdas/core/event';
import {
  recordedOutcome,
  recordsOfText,
  streamRecordTexts,
  streamS3Requests,
  type RecordItem,
} from '../../lambdas/core/event/requests';

async function* chunked(data: Buffer, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let i = 0;
  let k = 0;
  while (i < data.length) {
    const size = Math.max(1, sizes[k++ % Math.max(1, sizes.length)] ?? 7);
    yield data.subarray(i, i + size);
    i += size;
  }
}

async function collect(data: string | Buffer, sizes: readonly number[] = [4096]): Promise<RecordItem[]> {
  const out: RecordItem[] = [];
  for await (const item of streamRecordTexts(chunked(Buffer.from(data), sizes), 'input')) out.push(item);
  return out;
}

const values = (items: readonly RecordItem[]): unknown[] =>
  items.flatMap((i) => (i.kind === 'text' ? recordsOfText(i, 'input') : [i.record]));

const hostileString = fc.string({
  unit: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', 'a', ' ', '\n', 'é', '\u2028'),
});
const record = fc.record({
  eventSource: fc.constant('s3.amazonaws.com'),
  eventName: fc.constantFrom('GetObject', 'PutObject'),
  requestParameters: fc.record({ bucketName: fc.constant('b'), key: hostileString }),
  nested: fc.array(
    fc.oneof(hostileString, fc.integer(), fc.constant(null), fc.dictionary(hostileString, hostileString)),
    { maxLength: 3 },
  ),
});

describe('reading every S3 request of a CloudTrail log file', () => {
  it('cuts a log file into exactly the records JSON.parse sees, whatever the strings hold and however the input is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom('', ' ', '\n  ', '\t'),
        async (records, sizes, ws) => {
          const text = `${ws}{${ws}"Records"${ws}:${ws}[${ws}${records.map((r) => JSON.stringify(r)).join(`${ws},${ws}`)}${ws}]${ws},"digest":{"x":"]"}}${ws}`;
          const items = await collect(text, sizes);
          expect(items.every((i) => i.kind === 'text')).toBe(true);
          expect(values(items)).toEqual(records);
        },
      ),
    );
  });

  it('reads a gzipped log file as it comes', async () => {
    const records = [
      { eventSource: 's3.amazonaws.com', eventName: 'GetObject' },
      { eventSource: 's3.amazonaws.com', eventName: 'PutObject' },
    ];
    const items = await collect(gzipSync(JSON.stringify({ Records: records })), [5, 9]);
    expect(values(items)).toEqual(records);
  });

  it('an empty log file holds no record; a truncated one is one clear input error', async () => {
    expect(await collect('{"Records": []}')).toEqual([]);
    await expect(
      collect('{"Records": [{"eventSource": "s3.amazonaws.com", "eventName": "GetObject"}'),
    ).rejects.toThrow(InputError);
    await expect(collect('{"Records": [{"eventSource": "s3.amazonaws.com"} {"a": 1}]}')).rejects.toThrow(
      /expected "," or "\]" between records/,
    );
  });

  it('other forms (one record, an EventBridge event, JSON lines) are read by the usual reader', async () => {
    const one = { eventSource: 's3.amazonaws.com', eventName: 'GetObject' };
    const event = { version: '0', 'detail-type': 'AWS API Call via CloudTrail', detail: one };
    expect(values(await collect(JSON.stringify(one)))).toEqual([one]);
    expect(values(await collect(JSON.stringify(event)))).toEqual([one]);
    expect(values(await collect(`${JSON.stringify(one)}\n${JSON.stringify(one)}\n`))).toEqual([one, one]);
    await expect(collect('')).rejects.toThrow(/empty input/);
  });

  it('keeps allowed and denied S3 requests alike, with their recorded outcome, and skips other services', async () => {
    const rec = (extra: Record<string, unknown>) => ({
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      requestParameters: { bucketName: 'b', key: 'k' },
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/u', accountId: '111122223333' },
      ...extra,
    });
    const log = JSON.stringify({
      Records: [
        rec({}),
        rec({ errorCode: 'AccessDenied' }),
        rec({ errorCode: 'NoSuchKey' }),
        { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' },
      ],
    });
    const out: string[] = [];
    for await (const r of streamS3Requests(chunked(Buffer.from(log), [64]), 'log')) out.push(r.outcome);
    expect(out).toEqual(['allowed', 'denied', 'error']);
    expect(recordedOutcome({ errorCode: 'AccessControlListNotSupported' })).toBe('denied');
  });
});
