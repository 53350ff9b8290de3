/**
 * `s3-403 simulate`: would this request be allowed, and why? One request from the options, or a batch from a
 * JSON-lines file (one simulation object a line, in the same order, the snapshot loaded once).
 */
import { SimulationInputError, simulate, type Simulation, type SimulationRequest } from '../core/simulate';
import type { SnapshotView } from '../adapters/snapshot';
import { EXIT, UsageError } from './errors';
import { loadSnapshotView, readText } from './files';
import { useColor, type CliIo } from './io';
import { renderSimulationText } from './simulation-text';

export const DECISIONS = ['allowed', 'explicitly-denied', 'implicitly-denied', 'unknown'] as const;
export type ExpectedDecision = (typeof DECISIONS)[number];

export interface SimulateOptions {
  readonly principal?: string;
  readonly action?: string;
  readonly resource?: string;
  readonly context?: Record<string, string | string[]>;
  readonly requests?: string;
  readonly snapshot: string;
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

/** Parses the whole batch first, so that a bad line fails the run before anything is printed. */
export function parseBatch(text: string, name: string): BatchLine[] {
  const lines: BatchLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const body = raw.trim();
    if (body === '' || body.startsWith('#')) return;
    const where = `${name}: line ${i + 1}`;
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
    lines.push({
      request: {
        principal: v['principal'] as string,
        action: v['action'] as string,
        resource: v['resource'] as string,
        context: contextOf(v['context'], where),
      },
      expect,
      line: i + 1,
    });
  });
  if (lines.length === 0) throw new UsageError(`${name}: no request found (expected one JSON object a line)`);
  return lines;
}

function runOne(request: SimulationRequest, view: SnapshotView, where: string | null): Simulation {
  try {
    return simulate(request, view);
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

async function batch(
  opts: SimulateOptions & { requests: string },
  view: SnapshotView,
  io: CliIo,
): Promise<number> {
  const { text, name } = await readText(io, opts.requests);
  const lines = parseBatch(text, name);
  const asText = opts.formatGiven && opts.format === 'text';
  const out: string[] = [];
  let mismatches = 0;
  for (const { request, expect, line } of lines) {
    const sim = runOne(request, view, `${name}: line ${line}`);
    const wanted = expect ?? opts.expect ?? null;
    if (wanted !== null && sim.decision !== wanted) mismatches += 1;
    out.push(asText ? renderSimulationText(sim, useColor(io)) : `${JSON.stringify(sim)}\n`);
  }
  for (let i = 0; i < out.length; i += 1000) io.stdout(out.slice(i, i + 1000).join(''));
  if (mismatches === 0) return EXIT.ok;
  io.stderr(`s3-403: ${mismatches} of ${lines.length} requests differ from the expected decision\n`);
  return EXIT.mismatch;
}

export async function simulateCommand(opts: SimulateOptions, io: CliIo): Promise<number> {
  if (opts.requests !== undefined && (opts.principal || opts.action || opts.resource || opts.context)) {
    throw new UsageError('use either --requests FILE or --principal/--action/--resource/--context, not both');
  }
  if (opts.requests === '-' && opts.snapshot === '-')
    throw new UsageError('--requests and --snapshot cannot both be - (stdin)');
  const single = opts.requests === undefined ? singleRequest(opts) : null;
  const view = await loadSnapshotView(io, opts.snapshot);
  if (single === null) return batch({ ...opts, requests: opts.requests ?? '' }, view, io);
  const sim = runOne(single, view, null);
  io.stdout(
    opts.format === 'json' ? `${JSON.stringify(sim, null, 2)}\n` : renderSimulationText(sim, useColor(io)),
  );
  if (opts.expect === undefined || sim.decision === opts.expect) return EXIT.ok;
  io.stderr(`s3-403: expected ${opts.expect}, got ${sim.decision}\n`);
  return EXIT.mismatch;
}
