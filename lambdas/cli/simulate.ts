/**
 * `s3-403 simulate`: would this request be allowed, and why? One request from the options, or a batch from a
 * JSON-lines file (one simulation object a line, in the same order, the snapshot loaded once). The batch is
 * read as a stream and each result is written as soon as it is decided; a bad line is named on stderr and the
 * others still run (exit 2 at the end). Without --snapshot the live account is read, as `explain` does.
 */
import { StringDecoder } from 'node:string_decoder';
import {
  SimulationInputError,
  simulate,
  type Simulation,
  type SimulationDetail,
  type SimulationRequest,
} from '../core/simulate';
import { encodingOf } from '../core/event/read';
import { describeFailure, EXIT, fileError, UsageError } from './errors';
import { loadSnapshotView } from './files';
import { jsonText, safeText } from '../core/render/safe';
import { aboveProgress, progressLine } from './progress';
import { useColor, type CliIo } from './io';
import { liveSimulationSource, snapshotSource, type SimulationSource } from './live-simulation';
import { simulateWarnings } from './simulate-warnings';
import { renderSimulationText } from './simulation-text';
import { optimizeSooner } from './tiering';

export const DECISIONS = ['allowed', 'explicitly-denied', 'implicitly-denied', 'unknown'] as const;
export type ExpectedDecision = (typeof DECISIONS)[number];

export interface SimulateOptions {
  readonly principal?: string;
  readonly action?: string;
  readonly resource?: string;
  readonly context?: Record<string, string | string[]>;
  readonly requests?: string;
  readonly snapshot?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly format: 'text' | 'json';
  /** Whether --format was given explicitly (batch output is JSON lines unless text is asked for). */
  readonly formatGiven: boolean;
  readonly expect?: ExpectedDecision;
  /**
   * Batch: also the root causes and verified fixes of each request that is not allowed, and every statement of
   * the policies a layer shows (near misses included). Without it a batch line is the decision, the layers and
   * the statements that decided (docs/CLI.md). A single request is always explained.
   */
  readonly explain?: boolean;
}

interface BatchLine {
  readonly request: SimulationRequest;
  readonly expect: string | null;
  readonly line: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function contextOf(v: unknown, where: string): Record<string, string | string[]> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new UsageError(`${where}: "context" must be an object of key: value`);
  const out: Record<string, string | string[]> = {};
  for (const [k, value] of Object.entries(v)) {
    if (Array.isArray(value)) out[k] = value.map((x) => String(x));
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[k] = String(value);
    else
      throw new UsageError(`${where}: context key "${k}" must be a string, a number, a boolean or an array`);
  }
  return out;
}

/** One line of a batch: null for a blank or comment line; throws UsageError naming the line. */
export function parseLine(raw: string, line: number, name: string): BatchLine | null {
  const body = raw.trim();
  if (body === '' || body.startsWith('#')) return null;
  const where = `${name}: line ${line}`;
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (err) {
    throw new UsageError(`${where}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isObject(v))
    throw new UsageError(`${where}: expected a JSON object {"principal", "action", "resource", "context"}`);
  for (const field of ['principal', 'action', 'resource'] as const) {
    if (typeof v[field] !== 'string' || v[field] === '')
      throw new UsageError(`${where}: "${field}" must be a non-empty string`);
  }
  const expect = typeof v['expect'] === 'string' ? v['expect'] : null;
  return {
    request: {
      principal: v['principal'] as string,
      action: v['action'] as string,
      resource: v['resource'] as string,
      context: contextOf(v['context'], where),
    },
    expect,
    line,
  };
}

function runOneSync(
  request: SimulationRequest,
  runSync: NonNullable<SimulationSource['runSync']>,
  where: string,
  detail: SimulationDetail,
): Simulation {
  try {
    return runSync((view, now) => simulate(request, view, { now, detail }));
  } catch (err) {
    if (err instanceof SimulationInputError) throw new UsageError(`${where}: ${err.message}`);
    throw err;
  }
}

async function runOne(
  request: SimulationRequest,
  source: SimulationSource,
  where: string | null,
  detail: SimulationDetail,
): Promise<Simulation> {
  try {
    return await source.run((view, now) => simulate(request, view, { now, detail }));
  } catch (err) {
    if (err instanceof SimulationInputError && where !== null)
      throw new UsageError(`${where}: ${err.message}`);
    throw err;
  }
}

function singleRequest(opts: SimulateOptions): SimulationRequest {
  const missing = (['principal', 'action', 'resource'] as const).filter((k) => !opts[k]);
  if (missing.length > 0) {
    throw new UsageError(
      `simulate needs --principal, --action and --resource (missing ${missing.map((m) => `--${m}`).join(', ')}), or --requests FILE`,
    );
  }
  return {
    principal: opts.principal ?? '',
    action: opts.action ?? '',
    resource: opts.resource ?? '',
    context: opts.context ?? {},
  };
}

/** A line break as readline reads it (crlfDelay: Infinity): \r\n, \n or a lone \r. */
const BREAK = /\r\n|\r|\n/;

/** The position of the last complete line break in `text` (a final \r may be the start of \r\n), or -1. */
function lastBreak(text: string): number {
  const lf = text.lastIndexOf('\n');
  const cr = text.lastIndexOf('\r', text.length - 2);
  return Math.max(lf, cr);
}

/** A decoder of text that comes in chunks, chosen on the first bytes. */
function textLines(head: Uint8Array): { write(chunk: Uint8Array): string; end(): string } {
  const encoding = encodingOf(head);
  if (encoding === 'utf-8') return new StringDecoder('utf8'); // the fast path, as before
  const decoder = new TextDecoder(encoding); // not fatal: a bad line is named by its number
  return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
}

/**
 * The lines of FILE (or stdin), read as a stream, a batch per chunk read: the caller decides every line a chunk
 * completes, then writes their results at once (one write per chunk, not per line) before waiting for more input.
 */
async function* lineBatches(io: CliIo, path: string): AsyncGenerator<string[]> {
  // UTF-8, or UTF-16 after its byte order mark (Windows PowerShell 5.1's `>`): read.ts encodingOf. Not fatal:
  // a line that is not valid text is named by its number, as any line that is not JSON.
  let decoder: { write(chunk: Uint8Array): string; end(): string } | null = null;
  let pending = '';
  try {
    for await (const chunk of path === '-' ? io.stdinStream() : io.openFile(path)) {
      if (chunk.length === 0) continue;
      decoder ??= textLines(chunk);
      const text = pending + decoder.write(chunk);
      const cut = lastBreak(text);
      if (cut < 0) {
        pending = text;
        continue;
      }
      pending = text.slice(cut + 1);
      const body = text.charCodeAt(cut) === 10 && text.charCodeAt(cut - 1) === 13 ? cut - 1 : cut;
      yield text.slice(0, body).split(BREAK);
    }
    const rest = pending + (decoder?.end() ?? '');
    if (rest !== '') yield rest.split(BREAK).filter((l, i, all) => l !== '' || i < all.length - 1);
  } catch (err) {
    throw fileError(path, err);
  }
}

async function batch(
  opts: SimulateOptions & { requests: string },
  source: SimulationSource,
  io: CliIo,
): Promise<number> {
  const name = opts.requests === '-' ? 'stdin' : opts.requests;
  const asText = opts.formatGiven && opts.format === 'text';
  const detail: SimulationDetail = opts.explain === true ? 'explain' : 'decision';
  const color = useColor(io);
  // every request runs the same narrow code: have V8 optimize it sooner (./tiering.ts; not with --explain)
  if (detail === 'decision') optimizeSooner();
  let mismatches = 0;
  let simulated = 0;
  let bad = 0;
  let n = 0;
  // Results decided but not yet written: written together once the lines at hand are decided (and before
  // any wait: for more input, or for a live account's answer), so each is out as soon as nothing else is ready.
  const out: string[] = [];
  const flush = (): void => {
    if (out.length === 0) return;
    io.stdout(out.length === 1 ? (out[0] as string) : out.join(''));
    out.length = 0;
  };
  // on a terminal, while the output goes elsewhere: how many requests are decided so far
  const progress = progressLine(
    io,
    'simulate {input}: {value} requests decided ({duration_formatted})',
    io.isTTY,
    { input: safeText(name) },
  );
  const err = aboveProgress(io, progress);
  const warn = (line: string): void => {
    flush();
    err.stderr(line);
  };
  try {
    for await (const batchOfLines of lineBatches(io, opts.requests)) {
      for (const raw of batchOfLines) {
        n += 1;
        try {
          const parsed = parseLine(raw, n, name);
          if (parsed === null) continue;
          const { request, expect, line } = parsed;
          for (const w of simulateWarnings(request)) warn(`s3-403: warning: ${name}: line ${line}: ${w}\n`);
          const where = `${name}: line ${line}`;
          let sim: Simulation;
          if (source.runSync !== undefined) sim = runOneSync(request, source.runSync, where, detail);
          else {
            flush();
            sim = await runOne(request, source, where, detail);
            progress?.update(simulated + 1); // a live account answers slowly: each decision shows
          }
          simulated += 1;
          const wanted = expect ?? opts.expect ?? null;
          if (wanted !== null && sim.decision !== wanted) mismatches += 1;
          out.push(asText ? renderSimulationText(sim, color) : `${jsonText(sim)}\n`);
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          bad += 1;
          warn(`${describeFailure(err).line}\n`);
        }
      }
      flush();
      progress?.update(simulated);
      // memory grows with what is kept, not with what is read: wait for a slow reader before reading on
      await io.drain?.();
    }
  } finally {
    flush();
    progress?.stop();
  }
  if (simulated === 0 && bad === 0)
    throw new UsageError(`${name}: no request found (expected one JSON object a line)`);
  if (mismatches > 0)
    io.stderr(`s3-403: ${mismatches} of ${simulated} requests differ from the expected decision\n`);
  if (bad > 0) {
    io.stderr(`s3-403: ${bad} line${bad === 1 ? '' : 's'} of ${name} could not be simulated (named above)\n`);
    return EXIT.usage;
  }
  return mismatches > 0 ? EXIT.mismatch : EXIT.ok;
}

export async function simulateCommand(opts: SimulateOptions, io: CliIo): Promise<number> {
  if (opts.requests !== undefined && (opts.principal || opts.action || opts.resource || opts.context)) {
    throw new UsageError('use either --requests FILE or --principal/--action/--resource/--context, not both');
  }
  if (opts.requests === '-' && opts.snapshot === '-')
    throw new UsageError('--requests and --snapshot cannot both be - (stdin)');
  const single = opts.requests === undefined ? singleRequest(opts) : null;
  if (opts.requests !== undefined && opts.requests !== '-') {
    try {
      if (await io.isDirectory(opts.requests)) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    } catch (err) {
      throw fileError(opts.requests, err);
    }
  }
  const source: SimulationSource =
    opts.snapshot !== undefined
      ? snapshotSource(await loadSnapshotView(io, opts.snapshot))
      : await liveSimulationSource(io, opts);
  if (single === null) return batch({ ...opts, requests: opts.requests ?? '' }, source, io);
  for (const w of simulateWarnings(single)) io.stderr(`s3-403: warning: ${w}\n`);
  const sim = await runOne(single, source, null, 'explain');
  io.stdout(opts.format === 'json' ? `${jsonText(sim, 2)}\n` : renderSimulationText(sim, useColor(io)));
  if (opts.expect === undefined || sim.decision === opts.expect) return EXIT.ok;
  io.stderr(`s3-403: expected ${opts.expect}, got ${sim.decision}\n`);
  return EXIT.mismatch;
}
