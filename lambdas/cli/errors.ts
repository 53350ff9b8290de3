/**
 * Exit statuses (docs/CLI.md): 0 input read; 2 unusable input or arguments;
 * 1 internal failure; 3 `simulate --expect` mismatch.
 */
import { InputError } from '../core/event/errors';
import { SnapshotError } from '../adapters/snapshot';
import { SimulationInputError } from '../core/simulate';

export const EXIT = { ok: 0, internal: 1, usage: 2, mismatch: 3 } as const;

/** Unusable arguments or input, already phrased as one line (`<file>: <problem>` where a file is involved). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** One line for stderr, and the exit status, for any error a command throws. */
export function describeFailure(err: unknown): { line: string; code: number } {
  if (
    err instanceof UsageError ||
    err instanceof InputError ||
    err instanceof SnapshotError ||
    err instanceof SimulationInputError
  ) {
    return { line: `s3-403: ${oneLine(err.message)}`, code: EXIT.usage };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { line: `s3-403: internal error: ${oneLine(message)}`, code: EXIT.internal };
}

const FS_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
};

/** A file-system error as a UsageError naming the file. */
export function fileError(path: string, err: unknown, verb = 'cannot read'): UsageError {
  const code = (err as { code?: string } | null)?.code;
  const problem = (code && FS_PROBLEMS[code]) ?? (err instanceof Error ? err.message : String(err));
  return new UsageError(`${path}: ${verb}: ${problem}`);
}
