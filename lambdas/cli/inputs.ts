/**
 * The inputs of `explain`: any number of `--event` files, folders (every `*.json` / `*.json.gz` below them,
 * as CloudTrail lays out `AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/`) and `-` (stdin).
 * Every path is checked before anything is read, so a typo fails at once (exit 2) instead of after a
 * long run; folders are walked in name order (CloudTrail's names sort by time).
 */
import { UsageError, fileError } from './errors';
import type { CliIo } from './io';

export interface InputSource {
  /** What messages call it: the path, `stdin`, or `s3://bucket/key`. */
  readonly name: string;
  open(): AsyncIterable<Uint8Array>;
}

const LOG_FILE = /\.json(?:\.gz)?$/i;
const DAY_MS = 86_400_000;

/** A date folder `…/<yyyy>/<mm>/<dd>` wholly outside [since - 1 day, until + 1 day] can be skipped. */
function outsideWindow(path: string, window: { since: Date | null; until: Date | null }): boolean {
  const m = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\/?$/.exec(path);
  if (!m) return false;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(day)) return false;
  if (window.since && day + DAY_MS < window.since.getTime() - DAY_MS) return true;
  if (window.until && day > window.until.getTime() + DAY_MS) return true;
  return false;
}

const join = (dir: string, name: string): string => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

async function walk(
  io: CliIo,
  dir: string,
  window: { since: Date | null; until: Date | null },
  out: string[],
): Promise<void> {
  let entries: { name: string; directory: boolean }[];
  try {
    entries = await io.readDir(dir);
  } catch (err) {
    throw fileError(dir, err);
  }
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (e.directory) {
      if (!outsideWindow(path, window)) await walk(io, path, window, out);
    } else if (LOG_FILE.test(e.name)) out.push(path);
  }
}

/** Every input named by `--event`, in order, folders expanded; throws UsageError for a path that is not there. */
export async function resolveInputs(
  io: CliIo,
  events: readonly string[],
  window: { since: Date | null; until: Date | null },
): Promise<InputSource[]> {
  if (events.filter((e) => e === '-').length > 1)
    throw new UsageError('--event - (stdin) can be given only once');
  const sources: InputSource[] = [];
  for (const event of events) {
    if (event === '-') {
      sources.push({ name: 'stdin', open: () => io.stdinStream() });
      continue;
    }
    let directory: boolean;
    try {
      directory = await io.isDirectory(event);
    } catch (err) {
      throw fileError(event, err);
    }
    if (!directory) {
      sources.push({ name: event, open: () => io.openFile(event) });
      continue;
    }
    const files: string[] = [];
    await walk(io, event, window, files);
    if (files.length === 0 && !window.since && !window.until)
      throw new UsageError(`${event}: no *.json or *.json.gz file in this folder`);
    for (const f of files) sources.push({ name: f, open: () => io.openFile(f) });
  }
  return sources;
}
