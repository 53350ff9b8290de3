/**
 * What the command line needs from the outside world. `bin/s3-403.ts` passes the real process; tests pass
 * an in-memory one. Nothing under lambdas/cli touches `process` directly.
 */
import type { LiveAws } from './live';

export interface CliIo {
  /** Writes text as is (the caller adds newlines). */
  stdout(s: string): void;
  stderr(s: string): void;
  readStdin(): Promise<Buffer>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: string): Promise<void>;
  /** Whether stdout is a terminal (colour for `text`). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  /** A terminal stream for the progress bar; only given when stderr is a terminal. */
  progressStream?: NodeJS.WritableStream;
  /** The live AWS adapter; defaults to lambdas/adapters/aws, loaded only when needed. Tests inject a fake. */
  aws?: LiveAws;
}

/** Colour only on a terminal, never when NO_COLOR is set (https://no-color.org: present and not empty). */
export function useColor(io: CliIo): boolean {
  const noColor = io.env['NO_COLOR'];
  return io.isTTY && (noColor === undefined || noColor === '');
}
