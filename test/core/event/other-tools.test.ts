/**
 * CloudTrail records as other AWS tools give them (lambdas/core/event/read.ts, extractLogs): the output of
 * `aws cloudtrail lookup-events` (CloudTrailEvent is the record as a JSON string,
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html), and CloudWatch Logs for a trail
 * that sends to a log group: `aws logs filter-log-events` output, the subscription data Firehose writes to S3
 * (messageType, logEvents; control messages hold no log event) and a subscribed Lambda's `awslogs.data` (base64
 * of gzip), https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/logs/SubscriptionFilters.html.
 * The streaming reader (explain, preflight) and the whole-buffer reader (the Lambda) read them alike.
 */
import { gzipSync } from 'node:zlib';
import { InputError } from '../../../lambdas/core/event/errors';
import { readRecords } from '../../../lambdas/core/event/read';
import type { SkipReport } from '../../../lambdas/core/event/skipped';
import { streamRecords } from '../../../lambdas/core/event/stream';

const record = (id: string, eventName = 'GetBucketPolicy'): Record<string, unknown> => ({
  eventVersion: '1.09',
  eventSource: 's3.amazonaws.com',
  eventName,
  errorCode: 'AccessDenied',
  eventID: id,
});

async function* chunked(data: Buffer | string, size = 11): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(data);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function both(data: string | Buffer): Promise<{ records: unknown[]; skipped: SkipReport[] }> {
  const skipped: SkipReport[] = [];
  const records: unknown[] = [];
  for await (const r of streamRecords(chunked(data), 'in.json', { onSkip: (s) => skipped.push(s) }))
    records.push(r);
  const whole: SkipReport[] = [];
  expect(
    readRecords(data instanceof Buffer ? new Uint8Array(data) : data, 'in.json', {
      onSkip: (s) => whole.push(s),
    }),
  ).toEqual(records);
  expect(whole).toEqual(skipped);
  return { records, skipped };
}

describe('records as other AWS tools give them', () => {
  it('aws cloudtrail lookup-events: each CloudTrailEvent, in order; an event without one is said', async () => {
    const output = {
      Events: [
        {
          EventId: 'a',
          EventName: 'GetBucketPolicy',
          EventSource: 's3.amazonaws.com',
          CloudTrailEvent: JSON.stringify(record('a')),
        },
        { EventId: 'b', EventName: 'PutBucketPolicy' },
        { EventId: 'c', CloudTrailEvent: JSON.stringify(record('c', 'PutBucketAcl')) },
      ],
      NextToken: 'tok',
    };
    const { records, skipped } = await both(JSON.stringify(output));
    expect(records).toEqual([record('a'), record('c', 'PutBucketAcl')]);
    expect(skipped.map((s) => [s.at, s.kind])).toEqual([['Events[1]', 'other']]);
  });

  it('aws cloudtrail lookup-events with no event: an empty answer, not an error', async () => {
    expect(await both('{"Events": []}')).toEqual({ records: [], skipped: [] });
  });

  it('aws logs filter-log-events: each message that is a record; a message that is not JSON is said', async () => {
    const output = {
      events: [
        {
          logStreamName: '111122223333_CloudTrail_us-east-1',
          timestamp: 1,
          message: JSON.stringify(record('a')),
          eventId: '1',
        },
        { logStreamName: 's', timestamp: 2, message: 'START RequestId: x', eventId: '2' },
      ],
      searchedLogStreams: [],
    };
    const { records, skipped } = await both(JSON.stringify(output));
    expect(records).toEqual([record('a')]);
    expect(skipped).toEqual([
      {
        source: 'in.json',
        at: 'events[1]',
        kind: 'other',
        what: 'a log event whose message is not JSON',
        errorCode: null,
      },
    ]);
  });

  it('subscription data as Firehose writes it to S3: concatenated, gzipped; a control message is counted', async () => {
    const control = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [
        { id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' },
      ],
    };
    const data = {
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: 'CloudTrail',
      logStream: '111122223333_CloudTrail_us-east-1',
      subscriptionFilters: ['Destination'],
      logEvents: [
        { id: '1', timestamp: 1, message: JSON.stringify(record('a')) },
        { id: '2', timestamp: 2, message: JSON.stringify(record('b', 'PutObject')) },
      ],
    };
    // Firehose concatenates the objects (the streaming reader reads that); with its newline delimiter on, it is
    // JSON lines, which the whole-buffer reader reads too
    const streamed: SkipReport[] = [];
    const records: unknown[] = [];
    const archive = gzipSync(JSON.stringify(control) + JSON.stringify(data));
    for await (const r of streamRecords(chunked(archive), 'in.json', { onSkip: (x) => streamed.push(x) }))
      records.push(r);
    expect(records).toEqual([record('a'), record('b', 'PutObject')]);
    expect(streamed.map((x) => [x.at, x.kind])).toEqual([['value 1', 'control']]);
    const lines = await both(gzipSync(`${JSON.stringify(control)}\n${JSON.stringify(data)}\n`));
    expect(lines.records).toEqual(records);
    expect(lines.skipped).toEqual(streamed);
  });

  it("a subscribed Lambda's awslogs.data (base64 of gzip); bad data is one clear error", async () => {
    const data = {
      messageType: 'DATA_MESSAGE',
      logEvents: [{ id: '1', timestamp: 1, message: JSON.stringify(record('a')) }],
    };
    const event = { awslogs: { data: gzipSync(JSON.stringify(data)).toString('base64') } };
    expect((await both(JSON.stringify(event))).records).toEqual([record('a')]);
    const bad = JSON.stringify({ awslogs: { data: 'bm90IGd6aXA=' } });
    expect(() => readRecords(bad, 'in.json')).toThrow(InputError);
    expect(() => readRecords(bad, 'in.json')).toThrow(/^in\.json \(awslogs\.data\): not valid gzip data/);
  });

  it.each([
    ['Events', (r: Record<string, unknown>) => ({ EventId: r.eventID, CloudTrailEvent: JSON.stringify(r) })],
    [
      'events',
      (r: Record<string, unknown>) => ({ timestamp: 1, message: JSON.stringify(r), eventId: r.eventID }),
    ],
  ])('a large %s output is read as a stream: records come out before the input ends', async (key, wrap) => {
    const n = 200;
    const pieces = [`{"${key}": [`];
    for (let i = 0; i < n; i++) pieces.push(`${i === 0 ? '' : ','}${JSON.stringify(wrap(record(`e${i}`)))}`);
    pieces.push('], "NextToken": "t"}');
    let consumed = 0;
    async function* input(): AsyncGenerator<Uint8Array> {
      for (const p of pieces) {
        consumed += 1;
        yield Buffer.from(p);
      }
    }
    let consumedAtFirst = -1;
    let count = 0;
    for await (const r of streamRecords(input(), 'big.json')) {
      if (count === 0) consumedAtFirst = consumed;
      expect(r).toEqual(record(`e${count}`));
      count += 1;
    }
    expect(count).toBe(n);
    expect(consumedAtFirst).toBeLessThan(5);
  });
});

/**
 * Windows PowerShell 5.1 writes what `>` redirects (`aws cloudtrail lookup-events > events.json`) as UTF-16LE with
 * a byte order mark, its default encoding
 * (https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.core/about/about_character_encoding).
 * Both readers take UTF-16 (either byte order) after its byte order mark, gzipped or not; RFC 8259 section 8.1
 * asks for UTF-8 between systems, so without a byte order mark the input is read as UTF-8.
 */
describe('text encodings: UTF-16 after its byte order mark', () => {
  const text = JSON.stringify({
    Events: [
      {
        EventId: 'a',
        CloudTrailEvent: JSON.stringify({ ...record('a'), requestParameters: { key: 'é/日本' } }),
      },
    ],
  });
  const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const utf16be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);

  it('UTF-16LE, UTF-16BE and gzipped UTF-16LE give the records of the UTF-8 text', async () => {
    const { records } = await both(text);
    expect(records).toHaveLength(1);
    expect((await both(utf16le)).records).toEqual(records);
    expect((await both(utf16be)).records).toEqual(records);
    expect((await both(gzipSync(utf16le))).records).toEqual(records);
  });

  it('UTF-16 cut in the middle of a character is one clear line from both readers', async () => {
    const cut = utf16le.subarray(0, utf16le.length - 1);
    expect(() => readRecords(new Uint8Array(cut), 'in.json')).toThrow(/^in\.json: not valid UTF-16LE text$/);
    await expect(async () => {
      for await (const r of streamRecords(chunked(cut), 'in.json')) void r;
    }).rejects.toThrow(/^in\.json: not valid UTF-16LE text$/);
  });
});
