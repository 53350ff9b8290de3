/**
 * Input reading: bytes or text in, CloudTrail records out.
 *
 * Accepted forms (and any JSON array or JSON-lines stream of them):
 * - one CloudTrail record;
 * - an EventBridge event whose `detail` is a CloudTrail record ("AWS API Call via CloudTrail", and the other
 *   "… via CloudTrail" detail types); old CloudWatch Events envelopes without "version" are fine;
 * - an SQS batch (`{"Records": [{"eventSource": "aws:sqs", "body": "<event JSON>"}]}`), an SNS batch
 *   (`Records[].Sns.Message`) or an SNS notification (`{"Type": "Notification", "Message": …}`);
 * - a CloudTrail log file `{"Records": [...]}`, gzipped (magic bytes 1f 8b) or not.
 *
 * `readRecords` reads a whole buffer (the Lambda's SQS messages are small); `streamRecords` (./stream.ts)
 * reads input of any size as a stream with the same rules.
 */
import { kMaxLength } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { InputError } from './errors';
import { isObject, type JsonObject } from './fields';
import { skippedValue, type OnSkip } from './skipped';

export const NO_RECORD =
  'no CloudTrail record found (expected a record, an EventBridge event, an SQS batch or {"Records": [...]})';

/** The least a CloudTrail record has: which service and which call. */
const CloudTrailRecord = z.looseObject({ eventSource: z.string(), eventName: z.string() });
const EventBridgeEvent = z.looseObject({ 'detail-type': z.string(), detail: z.unknown() });
const MessageBatch = z.looseObject({ Records: z.array(z.unknown()) });
const SqsMessage = z.looseObject({ eventSource: z.literal('aws:sqs'), body: z.string() });
const SnsRecord = z.looseObject({ Sns: z.looseObject({ Message: z.string() }) });
const SnsNotification = z.looseObject({ Type: z.literal('Notification'), Message: z.string() });

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
    // a value passed over is named by its place: "value 2", or "[3]" inside the only value (an array)
    const at = documents.length > 1 || !Array.isArray(doc) ? `value ${n + 1}` : '';
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
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new InputError(source, 'not UTF-8 text');
  }
}

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
      `${source} (${at ? `${at}.` : ''}Message)`,
      depth,
      skip,
    );

  const batch = MessageBatch.safeParse(value);
  if (batch.success) return extractBatch(batch.data.Records, source, depth, skip);
  return passOver(value, source, at, skip, depth);
}

/** A value that holds no record: told to `skip`; a digest file still counts as an (empty) log file. */
function passOver(
  value: unknown,
  source: string,
  at: string,
  skip: OnSkip | undefined,
  depth: number,
): Extracted {
  const skipped = skippedValue(value, depth > MAX_DEPTH);
  skip?.({ source, at, ...skipped });
  return skipped.kind === 'digest' ? { records: [], logFile: true } : none;
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
  return extract(event.detail, source, depth + 1, skip, at ? `${at}.detail` : 'detail');
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
