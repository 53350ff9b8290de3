/**
 * Input of any size, read as a stream: bytes in (a file, stdin, an S3 object body), CloudTrail records out,
 * one at a time, with the rules of `readRecords` (./read.ts). Memory stays bounded by one record, not by the
 * input: a CloudTrail log file (`{"Records": [...]}`) is tokenised by stream-json's parser
 * (https://github.com/uhop/stream-json/wiki/Parser) and each element of `Records` is assembled alone, handed
 * on, and dropped. Gzip (magic bytes 1f 8b) is decompressed as a stream, with a cap on the JSON it may expand to.
 *
 * Other forms (one record, an EventBridge event, an SQS / SNS batch, JSON lines, an array) are read value by
 * value the same way; a top-level value that is not a `Records` batch is assembled whole (those are small).
 * A top-level object whose first key is `Records` holding an array is read as a batch (a CloudTrail log file
 * or an SQS / SNS batch), whatever keys follow it; so are `Events` (`aws cloudtrail lookup-events` output) and
 * `events` (`aws logs filter-log-events` output), element by element.
 */
import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import { none } from 'stream-chain/defs.js';
import Assembler from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { InputError } from './errors';
import type { JsonObject } from './fields';
import {
  extract,
  extractArrayItem,
  gzipProblem,
  isGzip,
  maxJsonBytes,
  NO_RECORD,
  notText,
  textDecoderFor,
  tooLarge,
  type Extracted,
  type ReadOptions,
  type RecordArrayKey,
} from './read';
import type { OnSkip } from './skipped';

/** The value of a token that is a whole scalar (packValues: true), else undefined. */
function scalarOf(token: Token): unknown {
  switch (token.name) {
    case 'numberValue':
      return Number(token.value);
    case 'stringValue':
    case 'nullValue':
    case 'trueValue':
    case 'falseValue':
      return token.value;
    default:
      return undefined;
  }
}

/** Text is fed to the tokenizer in slices of this many characters (its regexes scan the pending buffer). */
const SLICE = 8192;

/**
 * Every CloudTrail record of the input, in input order, as the input is read. Throws `InputError` (one line
 * naming `source`) as soon as the input turns out unusable; records before that point have been yielded.
 */
export async function* streamRecords(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
  opts: ReadOptions = {},
): AsyncGenerator<JsonObject> {
  const cap = maxJsonBytes(opts);
  const reader = new RecordReader(source, opts.onSkip);
  // chosen on the first bytes: UTF-8, or UTF-16 after its byte order mark (read.ts textDecoderFor)
  let decoder: TextDecoder | null = null;
  let bytes = 0;
  for await (const chunk of jsonBytes(chunks, source)) {
    bytes += chunk.length;
    if (bytes > cap) throw new InputError(source, tooLarge(cap));
    if (chunk.length === 0) continue; // nothing to decode, nor to choose the decoder by
    const d = (decoder ??= textDecoderFor(chunk));
    yield* reader.text(decodeChunk(d, chunk, source, true));
  }
  yield* reader.text(
    decodeChunk(decoder ?? textDecoderFor(new Uint8Array()), new Uint8Array(), source, false),
  );
  yield* reader.end();
}

function decodeChunk(decoder: TextDecoder, chunk: Uint8Array, source: string, stream: boolean): string {
  try {
    return decoder.decode(chunk, { stream });
  } catch {
    throw new InputError(source, notText(decoder));
  }
}

/** The input's bytes, gunzipped as they come when the input starts with the gzip magic bytes. */
export async function* jsonBytes(
  chunks: AsyncIterable<Uint8Array>,
  source: string,
): AsyncGenerator<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < 2) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    if (next.value.length === 0) continue;
    head.push(next.value);
    length += next.value.length;
  }
  const first = head.length === 1 ? head[0]! : Buffer.concat(head);
  async function* all(): AsyncGenerator<Uint8Array> {
    if (first.length > 0) yield first;
    if (done) return;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  if (!isGzip(first)) {
    yield* all();
    return;
  }
  const gunzip = createGunzip();
  const input = Readable.from(all(), { objectMode: false });
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    // zlib's own errors (Z_DATA_ERROR, Z_BUF_ERROR) are the input's; anything else (a read error) is not
    if (!String((err as { code?: unknown }).code ?? '').startsWith('Z_')) throw err;
    throw gzipProblem(source, err);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

type Mode =
  | 'top' // between top-level values
  | 'first-key' // just inside a top-level object, before its first key
  | 'records-key' // the first key was "Records" (or "Events", "events": STREAMED_KEYS)
  | 'records' // inside that top-level array
  | 'skip' // the rest of a top-level object after that array
  | 'array' // inside a top-level array: each element is assembled alone
  | 'whole'; // assembling a whole top-level value

/**
 * First keys of a top-level object whose array is read element by element, as it comes: a CloudTrail log file or
 * message batch (Records), `aws cloudtrail lookup-events` output (Events), `aws logs filter-log-events` output
 * (events). Such outputs run to any size; other top-level objects are small and assembled whole.
 */
const STREAMED_KEYS: ReadonlySet<string> = new Set<RecordArrayKey>(['Records', 'Events', 'events']);

/** Token-driven state machine over the tokenizer's output (JSON Streaming: any number of top-level values). */
class RecordReader {
  private readonly parser = jsonParser({ jsonStreaming: true, streamValues: false, packValues: true });
  private mode: Mode = 'top';
  private depth = 0;
  private asm: Assembler | null = null;
  private index = 0;
  private chars = 0;
  private content = false;
  private logFile = false;
  private records = 0;
  /** The key of the array being read element by element (mode 'records'). */
  private arrayKey: RecordArrayKey = 'Records';
  /** Top-level values begun (1-based place of the current one, for a value passed over). */
  private values = 0;
  private out: JsonObject[] = [];

  constructor(
    private readonly source: string,
    private readonly onSkip?: OnSkip,
  ) {}

  /** The records completed by this text (internals push to `out`: one generator per token would cost more). */
  text(s: string): JsonObject[] {
    this.out = [];
    for (let i = 0; i < s.length; i += SLICE) {
      const slice = i === 0 && s.length <= SLICE ? s : s.slice(i, i + SLICE);
      if (!this.content && /\S/.test(slice)) this.content = true;
      this.feed(slice);
      this.chars += slice.length;
    }
    return this.out;
  }

  end(): JsonObject[] {
    if (!this.content) throw new InputError(this.source, 'empty input');
    this.out = [];
    this.feed(none);
    if (this.records === 0 && !this.logFile) throw new InputError(this.source, NO_RECORD);
    return this.out;
  }

  private feed(input: string | typeof none): void {
    let out: unknown;
    try {
      out = this.parser(input as string); // `none` flushes (stream-chain's protocol)
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).replace(
        /^Parser (cannot parse input: )?/,
        '',
      );
      throw new InputError(this.source, `not JSON (${message}, near character ${this.chars + 1})`);
    }
    if (out === none) return;
    for (const token of (out as { values: Token[] }).values) this.token(token);
  }

  private emit(found: Extracted): void {
    this.logFile ||= found.logFile;
    for (const r of found.records) {
      this.records += 1;
      this.out.push(r);
    }
  }

  /** Feeds the current assembler; returns the assembled value once it is complete. */
  private assemble(token: Token): { value: unknown } | null {
    const asm = (this.asm ??= new Assembler());
    asm.consume(token);
    if (!asm.done) return null;
    this.asm = null;
    return { value: asm.current };
  }

  private token(token: Token): void {
    // every token of a log file's records comes here: that case first, the others in small methods
    if (this.mode === 'records') return this.recordsToken(token);
    const opens = token.name === 'startObject' || token.name === 'startArray';
    const closes = token.name === 'endObject' || token.name === 'endArray';
    switch (this.mode) {
      case 'top':
        return this.topToken(token);
      case 'first-key':
      case 'records-key':
        return this.keyToken(token);
      case 'skip':
        if (opens) this.depth += 1;
        else if (closes) this.depth -= 1;
        if (this.depth === 0) this.mode = 'top';
        return;
      case 'array': {
        if (this.asm === null && token.name === 'endArray') {
          this.mode = 'top';
          this.depth = 0;
          return;
        }
        const item = this.assemble(token);
        if (item)
          this.emit(extract(item.value, this.source, 1, this.onSkip, `${this.place()}[${this.index++}]`));
        return;
      }
      case 'whole':
        this.whole(token);
        return;
    }
  }

  /** Between top-level values: the start of the next one (a scalar is passed over at once). */
  private topToken(token: Token): void {
    if (token.name === 'startObject' || token.name === 'startArray') {
      this.values += 1;
      this.mode = token.name === 'startObject' ? 'first-key' : 'array';
      this.depth = 1;
      this.index = 0;
      return;
    }
    const scalar = scalarOf(token);
    if (scalar === undefined) return;
    this.values += 1; // a top-level scalar holds no record: said, not read
    this.emit(extract(scalar, this.source, 0, this.onSkip, this.place()));
  }

  /** The first key of a top-level object, and the value after a streamed key (an array, or read whole). */
  private keyToken(token: Token): void {
    if (this.mode === 'first-key') {
      if (token.name === 'keyValue' && STREAMED_KEYS.has(token.value)) {
        this.arrayKey = token.value as RecordArrayKey;
        this.mode = 'records-key';
        return;
      }
      this.mode = 'whole';
      this.assemble({ name: 'startObject' });
      this.whole(token);
      return;
    }
    if (token.name === 'startArray') {
      this.mode = 'records';
      this.index = 0;
      this.depth = 2;
      return;
    }
    this.mode = 'whole';
    this.assemble({ name: 'startObject' });
    this.assemble({ name: 'keyValue', value: this.arrayKey });
    this.whole(token);
  }

  /** Inside a streamed array: each element assembled alone and read as it completes. */
  private recordsToken(token: Token): void {
    if (this.asm === null && token.name === 'endArray') {
      if (this.index === 0) this.logFile = true; // `{"Records": []}`: an empty log file (or answer)
      this.mode = 'skip';
      this.depth = 1;
      return;
    }
    const item = this.assemble(token);
    if (item === null) return;
    this.emit(
      extractArrayItem(this.arrayKey, item.value, this.index++, this.source, 0, this.onSkip, this.place()),
    );
  }

  private whole(token: Token): void {
    const value = this.assemble(token);
    if (!value) return;
    this.mode = 'top';
    this.depth = 0;
    this.emit(extract(value.value, this.source, 0, this.onSkip, this.place()));
  }

  /** Where the current top-level value sits: "" for the first (places inside it need no prefix), else "value N". */
  private place(): string {
    return this.values <= 1 ? '' : `value ${this.values}`;
  }
}
