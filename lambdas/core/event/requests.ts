/**
 * Every S3 request in CloudTrail input, allowed and denied alike (issue 18, `s3-403 preflight`): the reader
 * `explain` uses keeps only denials (`readDenials`, `isDenial`); this one keeps every call whose event source
 * is S3 (data events and management calls: both are S3 requests the same policies decide), with the outcome
 * CloudTrail recorded.
 *
 * `streamRecordTexts` reads input of any size as a stream. A CloudTrail log file (`{"Records": [...]}`, the
 * form a trail delivers, gzipped or not) takes a fast path: the elements of `Records` are cut out of the text
 * by a small scanner that only tracks strings and nesting, and each is handed on as its own JSON text, to be
 * parsed with the native JSON.parse only when needed. A replay reads millions of records, most of them repeats
 * of a few requests (an application reading its bucket all day): the caller can recognise a repeat from its
 * text and skip parsing it. The token-level streaming parser (./stream.ts) costs about 70 µs a record, the
 * scanner a few. Every other form (one record, an EventBridge event, an SQS / SNS batch, JSON lines, an array)
 * goes through `streamRecords` with its usual rules.
 */
import { TextDecoder } from 'node:util';
import type { AccessRequest } from '../model';
import { S3_DENIAL_CODES, S3_EVENT_SOURCES } from './denial';
import { InputError } from './errors';
import { isObject, text, type JsonObject } from './fields';
import { extractBatchItem, maxJsonBytes, tooLarge, type ReadOptions } from './read';
import { toAccessRequest } from './request';
import type { OnSkip } from './skipped';
import { jsonBytes, streamRecords } from './stream';

/** What CloudTrail recorded for a request: no error, an access denial, or another error (NoSuchKey, …). */
export type RecordedOutcome = 'allowed' | 'denied' | 'error';

/** Whether a record is an S3 request (any S3 event source: S3, S3 on Outposts, S3 Express). */
export function isS3Request(record: JsonObject): boolean {
  if (!isObject(record)) return false;
  const source = text(record['eventSource']);
  return source !== null && S3_EVENT_SOURCES.has(source);
}

/**
 * The outcome a record shows: `denied` for the S3 denial codes `explain` explains (lambdas/core/event/denial.ts),
 * `allowed` when there is no error code, `error` for any other error (the request was answered with an error
 * that is not an access decision, e.g. NoSuchKey: it is replayed but not compared with the recorded outcome).
 */
export function recordedOutcome(record: JsonObject): RecordedOutcome {
  const code = text(record['errorCode']);
  if (code === null || code === '') return 'allowed';
  return S3_DENIAL_CODES.has(code) ? 'denied' : 'error';
}

export interface RecordedRequest {
  readonly request: AccessRequest;
  readonly outcome: RecordedOutcome;
}

/** The S3 request a record holds, with its recorded outcome; null when the record is not an S3 request. */
export function toRecordedRequest(record: JsonObject): RecordedRequest | null {
  if (!isS3Request(record)) return null;
  return { request: toAccessRequest(record), outcome: recordedOutcome(record) };
}

/**
 * One element of the input: the JSON text of one `Records` element of a CloudTrail log file (fast path), or a
 * record already parsed (every other form). `index` counts the elements of the input.
 */
export type RecordItem =
  | { readonly kind: 'text'; readonly text: string; readonly index: number }
  | { readonly kind: 'record'; readonly record: JsonObject; readonly index: number };

/** The CloudTrail records one `Records` element text holds (none for a scalar; SQS / SNS batches unwrap). */
export function recordsOfText(
  item: { text: string; index: number },
  source: string,
  onSkip?: OnSkip,
): JsonObject[] {
  let value: unknown;
  try {
    value = JSON.parse(item.text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new InputError(source, `not JSON (${message}, in Records[${item.index}])`);
  }
  return extractBatchItem(value, item.index, source, 0, onSkip).records;
}

/** Every S3 request of the input, as AccessRequests with their recorded outcome, in input order. */
export async function* streamS3Requests(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  opts: ReadOptions = {},
): AsyncGenerator<RecordedRequest> {
  for await (const item of streamRecordTexts(chunks, source, opts)) {
    const records = item.kind === 'text' ? recordsOfText(item, source) : [item.record];
    for (const record of records) {
      const r = toRecordedRequest(record);
      if (r) yield r;
    }
  }
}

/** Enough of the input's start to tell a CloudTrail log file from the other forms. */
const HEAD_CHARS = 64;
const LOG_FILE_HEAD = /^\uFEFF?\s*\{\s*"Records"\s*:\s*\[/;
const WS = /\s/;

/**
 * The elements of a CloudTrail log file as texts (fast path), or the records of any other input (through
 * `streamRecords`). Throws `InputError` naming `source` when the input is unusable, as `streamRecords` does.
 */
export async function* streamRecordTexts(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  opts: ReadOptions = {},
): AsyncGenerator<RecordItem> {
  const cap = maxJsonBytes(opts);
  const it = jsonBytes(chunks, source)[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headText = '';
  const peek = new TextDecoder('utf-8', { fatal: false });
  let ended = false;
  while (headText.replace(/^\uFEFF?\s+/, '').length < HEAD_CHARS) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headText += peek.decode(next.value, { stream: true });
  }
  if (!LOG_FILE_HEAD.test(headText)) {
    // Not a log file: the usual streaming reader, over the bytes already read and the rest.
    async function* replay(): AsyncGenerator<Uint8Array> {
      yield* head;
      if (ended) return;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
    }
    let index = 0;
    for await (const record of streamRecords(replay(), source, opts))
      yield { kind: 'record', record, index: index++ };
    return;
  }
  const splitter = new RecordsSplitter(source);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk: Uint8Array, stream: boolean): string => {
    try {
      return decoder.decode(chunk, { stream });
    } catch {
      throw new InputError(source, 'not UTF-8 text');
    }
  };
  let bytes = 0;
  const feed = function* (chunk: Uint8Array): Generator<RecordItem> {
    bytes += chunk.length;
    if (bytes > cap) throw new InputError(source, tooLarge(cap));
    for (const text of splitter.text(decode(chunk, true))) yield text;
  };
  for (const chunk of head) yield* feed(chunk);
  if (!ended) for (let next = await it.next(); !next.done; next = await it.next()) yield* feed(next.value);
  yield* splitter.text(decode(new Uint8Array(), false));
  splitter.end();
}

const QUOTE = 34; // "
const BACKSLASH = 92; // \
const OPEN_OBJECT = 123; // {
const CLOSE_OBJECT = 125; // }
const OPEN_ARRAY = 91; // [
const CLOSE_ARRAY = 93; // ]
const COMMA = 44; // ,

/**
 * Cuts the elements of the top-level `Records` array out of the text, as the text comes. It tracks strings
 * (with their escapes) and nesting only; each element is validated when it is parsed (JSON.parse). Between
 * elements only whitespace and one comma may stand; the rest of the file after the array is not read (as
 * ./stream.ts does: a log file may carry other keys after `Records`).
 */
class RecordsSplitter {
  /** 'start': before the `[` of Records; 'between': between elements; 'element': inside one; 'after': past `]`. */
  private state: 'start' | 'between' | 'element' | 'after' = 'start';
  /** The text not consumed yet: the current element so far (from its first character), or nothing. */
  private buf = '';
  /** Where scanning resumes in `buf` (the part of the element before it is scanned). */
  private resume = 0;
  private depth = 0;
  private inString = false;
  private commaSeen = true; // the first element needs no comma
  private index = 0;
  /** Characters consumed before `buf` (for error positions). */
  private chars = 0;

  constructor(private readonly source: string) {}

  private fail(problem: string, at: number): never {
    throw new InputError(this.source, `not JSON (${problem}, near character ${this.chars + at + 1})`);
  }

  text(chunk: string): RecordItem[] {
    const out: RecordItem[] = [];
    if (chunk === '' || this.state === 'after') return out;
    const s = this.buf + chunk;
    let i = this.resume;
    const n = s.length;
    if (this.state === 'start') {
      const open = s.indexOf('[');
      if (open < 0) {
        this.buf = s; // the head check saw `{"Records": [`, so it is in the first chunks
        return out;
      }
      i = open + 1;
      this.state = 'between';
    }
    let start = this.state === 'element' ? 0 : -1;
    while (i < n) {
      if (this.state === 'between') {
        const c = s.charCodeAt(i);
        if (c === CLOSE_ARRAY) {
          if (this.commaSeen && this.index > 0) this.fail('unexpected "]" after ","', i);
          this.state = 'after';
          this.buf = '';
          this.resume = 0;
          return out;
        }
        if (c === COMMA) {
          if (this.commaSeen) this.fail('unexpected ","', i);
          this.commaSeen = true;
          i += 1;
          continue;
        }
        if (WS.test(s[i]!)) {
          i += 1;
          continue;
        }
        if (!this.commaSeen) this.fail('expected "," or "]" between records', i);
        this.state = 'element';
        this.commaSeen = false;
        this.depth = 0;
        this.inString = false;
        start = i;
        continue;
      }
      // inside an element
      if (this.inString) {
        const q = s.indexOf('"', i);
        if (q < 0) break; // the string goes on in the next chunk
        let b = 0;
        for (let k = q - 1; k >= start && s.charCodeAt(k) === BACKSLASH; k--) b += 1;
        i = q + 1;
        if (b % 2 === 0) {
          this.inString = false;
          if (this.depth === 0) {
            out.push(this.emit(s, start, i));
            start = -1;
          }
        }
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth += 1;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (this.depth === 0) {
          // a scalar element ends at the array's close
          out.push(this.emit(s, start, i));
          start = -1;
          continue;
        }
        this.depth -= 1;
        if (this.depth === 0) {
          out.push(this.emit(s, start, i + 1));
          start = -1;
        }
      } else if (c === COMMA && this.depth === 0) {
        out.push(this.emit(s, start, i));
        start = -1;
        continue;
      }
      i += 1;
    }
    // keep the unfinished element (or nothing)
    if (this.state === 'element') {
      this.chars += start;
      this.buf = s.slice(start);
      this.resume = n - start;
    } else {
      this.chars += n;
      this.buf = '';
      this.resume = 0;
    }
    return out;
  }

  private emit(s: string, start: number, end: number): RecordItem {
    this.state = 'between';
    return { kind: 'text', text: s.slice(start, end), index: this.index++ };
  }

  end(): void {
    if (this.state !== 'after') this.fail('the input ends inside the Records array', this.buf.length);
  }
}
