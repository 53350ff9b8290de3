/**
 * A progress line on a terminal for the long runs of batch `simulate` and `explain` (the `snapshot` command has
 * its bar in ./snapshot.ts), drawn by cli-progress on stderr at most ten times a second. It is shown only when
 * stderr is a terminal (io.progressStream) and the command's output does not go to that terminal while it runs:
 * the caller says so. Lines for stderr written while it shows (warnings) go above it, and all of them are out
 * when it stops, which clears it.
 */
import cliProgress from 'cli-progress';
import { safeText } from '../core/render/safe';
import { withSafeStderr, type CliIo } from './io';

export interface Progress {
  /** The figures of the line (cli-progress's {value} and the format's own tokens); drawn on the next frame. */
  update(value: number, payload?: Record<string, string | number>): void;
  /** A line for stderr (ends with a newline), written above the progress line. */
  log(line: string): void;
  /** Writes every logged line, then clears the progress line. Safe to call twice. */
  stop(): void;
}

/** The io a command uses while the line shows: its stderr lines go above the line. */
export const aboveProgress = (io: CliIo, progress: Progress | null): CliIo =>
  progress === null ? io : withSafeStderr({ ...io, stderr: (s) => progress.log(s) });

/**
 * A progress line with `format` (cli-progress tokens, e.g. "{value} requests decided ({duration_formatted})"),
 * or null when there is no terminal to draw on or `outputOnTerminal` (the output would be interleaved with it).
 */
export function progressLine(
  io: CliIo,
  format: string,
  outputOnTerminal: boolean,
  payload: Record<string, string | number> = {},
): Progress | null {
  const stream = io.progressStream;
  if (stream === undefined || outputOnTerminal) return null;
  const multi = new cliProgress.MultiBar({
    stream,
    format: safeText(format),
    hideCursor: true,
    clearOnComplete: true,
    // a run stopped by Ctrl-C gets its cursor back
    gracefulExit: true,
  });
  const bar = multi.create(0, 0, payload);
  let active = true;
  return {
    update(value, more) {
      if (active) bar.update(value, more);
    },
    log(line) {
      if (active) multi.log(line);
      else io.stderr(line);
    },
    stop() {
      if (!active) return;
      active = false;
      multi.update(); // writes the logged lines (stop alone would drop them)
      multi.stop();
    },
  };
}
