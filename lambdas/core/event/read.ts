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
 */
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { InputError } from './errors';
import { isObject, type JsonObject } from './fields';

const NO_RECORD =
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
export function readRecords(data: Uint8Array | string, source: string): JsonObject[] {
  const textInput = typeof data === 'string' ? data : decode(data, source);
  const documents = parseJson(textInput, source);
  let sawLogFile = false;
  const records: JsonObject[] = [];
  for (const doc of documents) {
    const found = extract(doc, source, 0);
    sawLogFile ||= found.logFile;
    records.push(...found.records);
  }
  if (records.length === 0 && !sawLogFile) throw new InputError(source, NO_RECORD);
  return records;
}

function decode(bytes: Uint8Array, source: string): string {
  const raw = isGzip(bytes) ? gunzip(bytes, source) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new InputError(source, 'not UTF-8 text');
  }
}

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/unexpected end of file/i.test(message)) throw new InputError(source, 'truncated gzip data');
    throw new InputError(source, `not valid gzip data (${message})`);
  }
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

interface Extracted {
  readonly records: JsonObject[];
  /** A `{"Records": [...]}` CloudTrail log file was seen (possibly empty). */
  readonly logFile: boolean;
}
const none: Extracted = { records: [], logFile: false };

function extract(value: unknown, source: string, depth: number): Extracted {
  if (depth > MAX_DEPTH) return none;
  if (Array.isArray(value)) return merge(value.map((v) => extract(v, source, depth + 1)));
  if (!isObject(value)) return none;
  if (CloudTrailRecord.safeParse(value).success) return { records: [value], logFile: false };

  const event = EventBridgeEvent.safeParse(value);
  if (event.success) return extractEventBridge(event.data, source, depth);

  const notification = SnsNotification.safeParse(value);
  if (notification.success)
    return extractEmbedded(notification.data.Message, `${source} (SNS Message)`, depth);

  const batch = MessageBatch.safeParse(value);
  if (batch.success) return extractBatch(batch.data.Records, source, depth);
  return none;
}

function extractEventBridge(
  event: { 'detail-type': string; detail: unknown },
  source: string,
  depth: number,
) {
  if (!/via CloudTrail$/i.test(event['detail-type'])) return none;
  return extract(event.detail, source, depth + 1);
}

/** `Records` is either a CloudTrail log file or an SQS / SNS message batch. */
function extractBatch(items: readonly unknown[], source: string, depth: number): Extracted {
  const results = items.map((item, i) => {
    const sqs = SqsMessage.safeParse(item);
    if (sqs.success) return extractEmbedded(sqs.data.body, `${source} (Records[${i}].body)`, depth);
    const sns = SnsRecord.safeParse(item);
    if (sns.success)
      return extractEmbedded(sns.data.Sns.Message, `${source} (Records[${i}].Sns.Message)`, depth);
    if (CloudTrailRecord.safeParse(item).success) return { records: [item as JsonObject], logFile: true };
    return none;
  });
  // An empty `{"Records": []}` is a valid (empty) CloudTrail log file.
  return { records: merge(results).records, logFile: items.length === 0 };
}

/** A JSON document inside a string (an SQS body, an SNS message). */
function extractEmbedded(body: string, where: string, depth: number): Extracted {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new InputError(where, `not JSON (${message})`);
  }
  return extract(parsed, where, depth + 1);
}

function merge(parts: readonly Extracted[]): Extracted {
  return {
    records: parts.flatMap((p) => p.records),
    logFile: parts.some((p) => p.logFile),
  };
}
