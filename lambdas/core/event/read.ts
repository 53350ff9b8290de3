/**
 * Input reading: bytes or text in, CloudTrail records out.
 *
 * Accepted forms (and any JSON array or JSON-lines stream of them):
 * - one CloudTrail record;
 * - an EventBridge event whose `detail` is a CloudTrail record ("AWS API Call via CloudTrail", and the other
 *   "… via CloudTrail" detail types); old CloudWatch Events envelopes without "version" are fine;
 * - an SQS batch (`{"Records": [{"eventSource": "aws:sqs", "body": "<event JSON>"}]}`), an SNS batch
 *   (`Records[].Sns.Message`) or an SNS notification (`{"Type": "Notification", "Message": …}`);
 * - a CloudTrail log file `{"Records": [...]}`, gzipped (magic bytes 1f 8b) or not;
 * - the output of `aws cloudtrail lookup-events`, and CloudWatch Logs forms (`aws logs filter-log-events` output,
 *   subscription data as Firehose writes it, a subscribed Lambda's `awslogs.data`): see extractLogs.
 * Values that hold no record are passed over and told to `onSkip` (./skipped.ts), never dropped silently.
 *
 * `readRecords` reads a whole buffer (the Lambda's SQS messages are small); `streamRecords` (./stream.ts)
 * reads input of any size as a stream with the same rules.
 */
import { kMaxLength } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { InputError } from './errors';
import { isObject, type JsonObject } from './fields';
import { skippedValue, type OnSkip } from './skipped';

export const NO_RECORD =
  'no CloudTrail record found (expected a record, an EventBridge event, an SQS batch, {"Records": [...]}, or the output of aws cloudtrail lookup-events or aws logs filter-log-events)';

/** The least a CloudTrail record has: which service and which call. */
const CloudTrailRecord = z.looseObject({ eventSource: z.string(), eventName: z.string() });
const EventBridgeEvent = z.looseObject({ 'detail-type': z.string(), detail: z.unknown() });
const MessageBatch = z.looseObject({ Records: z.array(z.unknown()) });
const SqsMessage = z.looseObject({ eventSource: z.literal('aws:sqs'), body: z.string() });
const SnsRecord = z.looseObject({ Sns: z.looseObject({ Message: z.string() }) });
const SnsNotification = z.looseObject({ Type: z.literal('Notification'), Message: z.string() });
/** `aws cloudtrail lookup-events` output: each event's CloudTrailEvent is the record as a JSON string. */
const LookupEventsOutput = z.looseObject({ Events: z.array(z.unknown()) });
/** `aws logs filter-log-events` / `get-log-events` output (a trail that sends to CloudWatch Logs). */
const LogEventsOutput = z.looseObject({ events: z.array(z.unknown()) });
/** CloudWatch Logs subscription data, decoded (as Firehose writes it to S3): logEvents[].message. */
const LogsSubscriptionData = z.looseObject({ messageType: z.string(), logEvents: z.array(z.unknown()) });
/** The same data as a Lambda subscribed to a log group receives it: base64 of gzip. */
const LogsSubscriptionEvent = z.looseObject({ awslogs: z.looseObject({ data: z.string() }) });

/** Nesting depth for envelopes inside envelopes (SQS -> SNS -> EventBridge -> record is 3). */
const MAX_DEPTH = 6;

/**
 * Read every CloudTrail record in `data`, in input order. Throws `InputError` (one line naming `source`)
 * when the input is unusable: not UTF-8, not JSON, truncated gzip, empty, or holding no recognisable record.
 * A CloudTrail log file with an empty `Records` array is usable and yields no record.
 */
export function readRecords(data: Uint8Array | string, source: string, opts: ReadOptions = {}): JsonObject[] {
  const textInput = typeof data === 'string' ? data : decode(data, source, maxJsonBytes(opts));
  const documents = parseJson(textInput, source);
  let sawLogFile = false;
  const records: JsonObject[] = [];
  for (const [n, doc] of documents.entries()) {
    // places inside the first value are named from it ("Records[3]"), inside later ones from "value 2"
    const at = n === 0 ? '' : `value ${n + 1}`;
    const found = extract(doc, source, 0, opts.onSkip, at);
    sawLogFile ||= found.logFile;
    // One push per record: `push(...found.records)` passes every record as an argument and overflows the
    // call stack past ~120,000 records ("Maximum call stack size exceeded").
    for (const record of found.records) records.push(record);
  }
  if (records.length === 0 && !sawLogFile) throw new InputError(source, NO_RECORD);
  return records;
}

export interface ReadOptions {
  /** The most bytes of JSON one input may hold after decompression (default 2 GiB); more is an InputError. */
  readonly maxJsonBytes?: number;
  /** Told of every value read and passed over as not a CloudTrail record (./skipped.ts): none goes unsaid. */
  readonly onSkip?: OnSkip;
}

/** 2 GiB: a CloudTrail log file is a few MB; far more is a decompression bomb or not a log file. */
export const DEFAULT_MAX_JSON_BYTES = 2 * 1024 ** 3;

export const maxJsonBytes = (opts: ReadOptions): number => opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;

/** The one-line problem for an input over the cap (the CLI names its option beside it). */
export const tooLarge = (cap: number): string =>
  `holds more than ${cap} bytes of JSON (the size cap${cap === DEFAULT_MAX_JSON_BYTES ? ', 2 GiB' : ''})`;

function decode(bytes: Uint8Array, source: string, cap: number): string {
  const raw = isGzip(bytes) ? gunzip(bytes, source, cap) : bytes;
  if (raw.length > cap) throw new InputError(source, tooLarge(cap));
  const decoder = textDecoderFor(raw);
  try {
    return decoder.decode(raw);
  } catch {
    throw new InputError(source, notText(decoder));
  }
}

/**
 * The decoder of an input, from its first bytes: UTF-16 (little or big endian) when it starts with that byte order
 * mark, as Windows PowerShell 5.1's `>` writes the output of `aws cloudtrail lookup-events` (its default encoding,
 * https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.core/about/about_character_encoding);
 * UTF-8 otherwise (RFC 8259 section 8.1), a UTF-8 byte order mark skipped. Invalid text throws.
 */
export function textDecoderFor(head: Uint8Array): TextDecoder {
  return new TextDecoder(encodingOf(head), { fatal: true });
}

/** The encoding `textDecoderFor` reads an input in, from its first bytes. */
export function encodingOf(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  return head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : 'utf-8';
}

/** The problem of an input its decoder refused. */
export const notText = (decoder: TextDecoder): string =>
  decoder.encoding === 'utf-8' ? 'not UTF-8 text' : `not valid ${decoder.encoding.toUpperCase()} text`;

export const isGzip = (bytes: Uint8Array): boolean =>
  bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

function gunzip(bytes: Uint8Array, source: string, cap: number): Uint8Array {
  try {
    // maxOutputLength stops a small gzip that expands to gigabytes before it takes the memory.
    return gunzipSync(bytes, { maxOutputLength: Math.min(cap + 1, kMaxLength) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new InputError(source, tooLarge(cap));
    throw gzipProblem(source, err);
  }
}

/** A zlib error as the reader's InputError. */
export function gzipProblem(source: string, err: unknown): InputError {
  const message = err instanceof Error ? err.message : String(err);
  if (/unexpected end of file/i.test(message)) return new InputError(source, 'truncated gzip data');
  return new InputError(source, `not valid gzip data (${message})`);
}

/** One JSON document, or JSON lines (one document a line). */
function parseJson(input: string, source: string): unknown[] {
  const body = input.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new InputError(source, 'empty input');
  try {
    return [JSON.parse(body) as unknown];
  } catch (err) {
    const lines = parseJsonLines(body);
    if (lines !== null) return lines;
    const message = err instanceof Error ? err.message : String(err);
    throw new InputError(source, `not JSON (${message})`);
  }
}

function parseJsonLines(body: string): unknown[] | null {
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length < 2) return null;
  try {
    return lines.map((line) => JSON.parse(line) as unknown);
  } catch {
    return null;
  }
}

export interface Extracted {
  readonly records: JsonObject[];
  /** A `{"Records": [...]}` CloudTrail log file was seen (possibly empty). */
  readonly logFile: boolean;
}
const none: Extracted = { records: [], logFile: false };

/**
 * The records in one JSON value. `at` says where the value sits in `source` ("Records[3]", "value 2", "" for the
 * whole input); a value that holds no record is told to `skip` with that place (a CloudTrail digest file counts as
 * an empty log file: CloudTrail writes one beside the logs when log file validation is on).
 */
export function extract(value: unknown, source: string, depth: number, skip?: OnSkip, at = ''): Extracted {
  if (depth > MAX_DEPTH) return passOver(value, source, at, skip, depth);
  if (Array.isArray(value))
    return merge(value.map((v, i) => extract(v, source, depth + 1, skip, `${at}[${i}]`)));
  if (!isObject(value)) return passOver(value, source, at, skip, depth);
  if (CloudTrailRecord.safeParse(value).success) return { records: [value], logFile: false };

  const event = EventBridgeEvent.safeParse(value);
  if (event.success) return extractEventBridge(event.data, value, source, depth, skip, at);

  const notification = SnsNotification.safeParse(value);
  if (notification.success)
    return extractEmbedded(
      notification.data.Message,
      `${source} (${at ? `${at}: ` : ''}SNS Message)`,
      depth,
      skip,
    );

  const batch = MessageBatch.safeParse(value);
  if (batch.success) return extractBatch(batch.data.Records, source, depth, skip);
  return extractLogs(value, source, depth, skip, at) ?? passOver(value, source, at, skip, depth);
}

/**
 * The forms other AWS tools give CloudTrail records in, or null for none of them:
 *  - `aws cloudtrail lookup-events` (`{"Events": [{"CloudTrailEvent": "<record JSON>", …}]}`,
 *    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html); it returns management events
 *    only, so of S3 the bucket-level calls;
 *  - CloudWatch Logs, for a trail that sends its events to a log group: `aws logs filter-log-events` or
 *    `get-log-events` (`{"events": [{"message": "<record JSON>"}]}`), the subscription data Firehose writes to S3
 *    (`{"messageType": "DATA_MESSAGE", "logEvents": [...]}`, concatenated) and the event of a subscribed Lambda
 *    (`{"awslogs": {"data": "<base64 of gzip>"}}`),
 *    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/logs/SubscriptionFilters.html.
 * A log event whose message is not JSON is passed over (a log group may hold other lines), not an error.
 */
function extractLogs(
  value: JsonObject,
  source: string,
  depth: number,
  skip: OnSkip | undefined,
  at: string,
): Extracted | null {
  const lookup = LookupEventsOutput.safeParse(value);
  if (lookup.success) {
    const items = lookup.data.Events;
    const parts = items.map((item, i) => extractArrayItem('Events', item, i, source, depth, skip, at));
    return { records: merge(parts).records, logFile: items.length === 0 };
  }
  const subscription = LogsSubscriptionData.safeParse(value);
  if (subscription.success && subscription.data.messageType === 'CONTROL_MESSAGE') {
    // CloudWatch Logs checks that the destination is reachable: no log event of the group
    skip?.({
      source,
      at: placeOf(at, depth),
      kind: 'control',
      what: 'a CloudWatch Logs control message',
      errorCode: null,
    });
    return { records: [], logFile: true };
  }
  const logEvents = subscription.success
    ? { items: subscription.data.logEvents, name: 'logEvents' as const }
    : ((e) => (e.success ? { items: e.data.events, name: 'events' as const } : null))(
        LogEventsOutput.safeParse(value),
      );
  if (logEvents !== null) {
    const parts = logEvents.items.map((item, i) =>
      extractArrayItem(logEvents.name, item, i, source, depth, skip, at),
    );
    return { records: merge(parts).records, logFile: logEvents.items.length === 0 };
  }
  const awslogs = LogsSubscriptionEvent.safeParse(value);
  if (awslogs.success) {
    const dataSource = `${source} (${inside(at, 'awslogs.data')})`;
    let text: string;
    try {
      text = gunzipSync(Buffer.from(awslogs.data.awslogs.data, 'base64'), {
        maxOutputLength: DEFAULT_MAX_JSON_BYTES,
      }).toString('utf8');
    } catch (err) {
      throw gzipProblem(dataSource, err);
    }
    return extractEmbedded(text, dataSource, depth, skip);
  }
  return null;
}

/** A place inside the value at `at` ("Records[2]" + "detail" = "Records[2].detail"; "" is the whole input). */
const inside = (at: string, path: string): string => (at ? `${at}.${path}` : path);

/** The place of a top-level value passed over whole: the first one is "value 1" (places inside it have no prefix). */
const placeOf = (at: string, depth: number): string => (at === '' && depth === 0 ? 'value 1' : at);

/** A value that holds no record: told to `skip`; CloudTrail's own files still count as (empty) log files. */
function passOver(
  value: unknown,
  source: string,
  at: string,
  skip: OnSkip | undefined,
  depth: number,
): Extracted {
  const skipped = skippedValue(value, depth > MAX_DEPTH);
  skip?.({ source, at: placeOf(at, depth), ...skipped });
  // CloudTrail's own files and events (digest, Insights, a log group's control message): a usable input
  return skipped.kind === 'other' ? none : { records: [], logFile: true };
}

function extractEventBridge(
  event: { 'detail-type': string; detail: unknown },
  value: unknown,
  source: string,
  depth: number,
  skip: OnSkip | undefined,
  at: string,
) {
  if (!/via CloudTrail$/i.test(event['detail-type'])) return passOver(value, source, at, skip, depth);
  return extract(event.detail, source, depth + 1, skip, inside(at, 'detail'));
}

/** `Records` is either a CloudTrail log file or an SQS / SNS message batch. */
function extractBatch(items: readonly unknown[], source: string, depth: number, skip?: OnSkip): Extracted {
  const results = items.map((item, i) => extractBatchItem(item, i, source, depth, skip));
  // An empty `{"Records": []}` is a valid (empty) CloudTrail log file.
  return { records: merge(results).records, logFile: items.length === 0 };
}

/** Item `i` of a `Records` array: an SQS message, an SNS record, or a CloudTrail record (a log file's). */
export function extractBatchItem(
  item: unknown,
  i: number,
  source: string,
  depth: number,
  skip?: OnSkip,
): Extracted {
  const sqs = SqsMessage.safeParse(item);
  if (sqs.success) return extractEmbedded(sqs.data.body, `${source} (Records[${i}].body)`, depth, skip);
  const sns = SnsRecord.safeParse(item);
  if (sns.success)
    return extractEmbedded(sns.data.Sns.Message, `${source} (Records[${i}].Sns.Message)`, depth, skip);
  if (CloudTrailRecord.safeParse(item).success) return { records: [item as JsonObject], logFile: true };
  return passOver(item, source, `Records[${i}]`, skip, depth);
}

/** The arrays whose elements hold records, by key: a log file or message batch, lookup-events, log events. */
export type RecordArrayKey = 'Records' | 'Events' | 'events' | 'logEvents';

/**
 * Element `i` of the array under `key` (the streaming reader hands each element of a top-level `Records`,
 * `Events` or `events` array here as it is read, so that memory does not grow with the input).
 */
export function extractArrayItem(
  key: RecordArrayKey,
  item: unknown,
  i: number,
  source: string,
  depth: number,
  skip?: OnSkip,
  at = '',
): Extracted {
  if (key === 'Records') return extractBatchItem(item, i, source, depth, skip);
  const path = inside(at, `${key}[${i}]`);
  if (key === 'Events') {
    const event = isObject(item) ? item['CloudTrailEvent'] : undefined;
    return typeof event === 'string'
      ? extractEmbedded(event, `${source} (${path}.CloudTrailEvent)`, depth, skip)
      : passOver(item, source, path, skip, depth);
  }
  const message = isObject(item) ? item['message'] : undefined;
  if (typeof message !== 'string') return passOver(item, source, path, skip, depth);
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    skip?.({
      source,
      at: path,
      kind: 'other',
      what: 'a log event whose message is not JSON',
      errorCode: null,
    });
    return none;
  }
  return extract(parsed, source, depth + 1, skip, `${path}.message`);
}

/** A JSON document inside a string (an SQS body, an SNS message). */
function extractEmbedded(body: string, where: string, depth: number, skip?: OnSkip): Extracted {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new InputError(where, `not JSON (${message})`);
  }
  return extract(parsed, where, depth + 1, skip);
}

function merge(parts: readonly Extracted[]): Extracted {
  const records: JsonObject[] = [];
  for (const p of parts) for (const r of p.records) records.push(r);
  return {
    records,
    logFile: parts.some((p) => p.logFile),
  };
}
