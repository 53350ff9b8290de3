/**
 * `s3-403 simulate`: would this request be allowed, and why? One request from the options, or a batch from a
 * JSON-lines file (one simulation object a line, in the same order, the snapshot loaded once). The batch is
 * read as a stream and each result is written as soon as it is decided; a bad line is named on stderr and the
 * others still run (exit 2 at the end). Without --snapshot the live account is read, as `explain` does.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { SimulationInputError, simulate, type Simulation, type SimulationRequest } from '../core/simulate';
import { describeFailure, EXIT, fileError, UsageError } from './errors';
import { loadSnapshotView } from './files';
import { useColor, type CliIo } from './io';
import { liveSimulationSource, snapshotSource, type SimulationSource } from './live-simulation';
import { simulateWarnings } from './simulate-warnings';
import { renderSimulationText } from './simulation-text';

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

async function runOne(
  request: SimulationRequest,
  source: SimulationSource,
  where: string | null,
): Promise<Simulation> {
  try {
    return await source.run((view, now) => simulate(request, view, { now }));
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

async function* lines(io: CliIo, path: string): AsyncGenerator<string> {
  const input = Readable.from(path === '-' ? io.stdinStream() : io.openFile(path));
  const reader = createInterface({ input, crlfDelay: Infinity });
  try {
    yield* reader;
  } catch (err) {
    throw fileError(path, err);
  } finally {
    reader.close();
    input.destroy();
  }
}

async function batch(
  opts: SimulateOptions & { requests: string },
  source: SimulationSource,
  io: CliIo,
): Promise<number> {
  const name = opts.requests === '-' ? 'stdin' : opts.requests;
  const asText = opts.formatGiven && opts.format === 'text';
  let mismatches = 0;
  let simulated = 0;
  let bad = 0;
  let n = 0;
  for await (const raw of lines(io, opts.requests)) {
    n += 1;
    try {
      const parsed = parseLine(raw, n, name);
      if (parsed === null) continue;
      const { request, expect, line } = parsed;
      for (const w of simulateWarnings(request)) io.stderr(`s3-403: warning: ${name}: line ${line}: ${w}\n`);
      const sim = await runOne(request, source, `${name}: line ${line}`);
      simulated += 1;
      const wanted = expect ?? opts.expect ?? null;
      if (wanted !== null && sim.decision !== wanted) mismatches += 1;
      io.stdout(asText ? renderSimulationText(sim, useColor(io)) : `${JSON.stringify(sim)}\n`);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      bad += 1;
      io.stderr(`${describeFailure(err).line}\n`);
    }
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
  const sim = await runOne(single, source, null);
  io.stdout(
    opts.format === 'json' ? `${JSON.stringify(sim, null, 2)}\n` : renderSimulationText(sim, useColor(io)),
  );
  if (opts.expect === undefined || sim.decision === opts.expect) return EXIT.ok;
  io.stderr(`s3-403: expected ${opts.expect}, got ${sim.decision}\n`);
  return EXIT.mismatch;
}
