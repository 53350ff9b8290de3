/**
 * What the command line needs from the outside world. `bin/s3-403.ts` passes the real process; tests pass
 * an in-memory one. Nothing under lambdas/cli touches `process` directly.
 */
import { safeLines } from '../core/render/safe';
import type { LiveAws } from './live';

export interface CliIo {
  /** Writes text as is (the caller adds newlines). */
  stdout(s: string): void;
  /**
   * Resolves once what was written to stdout has been taken by the reader (a pipe whose reader is slower than us
   * buffers every write in memory otherwise: issue 15, 100,000 simulated requests took 1.2 GB piped and 390 MB to a
   * file). Absent: nothing to wait for.
   */
  drain?(): Promise<void>;
  stderr(s: string): void;
  readStdin(): Promise<Buffer>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: string): Promise<void>;
  /** Streams stdin (inputs of any size). */
  stdinStream(): AsyncIterable<Uint8Array>;
  /** Streams a file; a file-system error (code ENOENT, EISDIR, …) is thrown while iterating. */
  openFile(path: string): AsyncIterable<Uint8Array>;
  /** Whether a path is a folder; throws a file-system error when it does not exist. */
  isDirectory(path: string): Promise<boolean>;
  /** The entries of a folder. */
  readDir(path: string): Promise<{ name: string; directory: boolean }[]>;
  /** Creates a folder and its parents (no error when it exists). */
  mkdir(path: string): Promise<void>;
  /** The current time (relative --since / --until). */
  now(): Date;
  /** Whether stdout is a terminal (colour for `text`). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  /** A terminal stream for the progress bar; only given when stderr is a terminal. */
  progressStream?: NodeJS.WritableStream;
  /** The live AWS adapter; defaults to lambdas/adapters/aws, loaded only when needed. Tests inject a fake. */
  aws?: LiveAws;
}

/**
 * The io whose stderr cannot act on a terminal: every diagnostic names input (a file name, a line's text, a value
 * from the command line or a JSON parser's quote of bad input), so each write goes through `safeLines` (every
 * control, bidi and separator character as a visible escape; our own line breaks kept). No diagnostic carries
 * colour. The one place for stderr, as lambdas/core/render/safe.ts is for findings (SECURITY.md).
 */
export function withSafeStderr(io: CliIo): CliIo {
  return { ...io, stderr: (s) => io.stderr(safeLines(s)) };
}

/** Colour only on a terminal, never when NO_COLOR is set (https://no-color.org: present and not empty). */
export function useColor(io: CliIo): boolean {
  const noColor = io.env['NO_COLOR'];
  return io.isTTY && (noColor === undefined || noColor === '');
}
