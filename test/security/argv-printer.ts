/**
 * A real bash with `aws` replaced by an argument printer on PATH: each call's argv is recorded exactly, so a test
 * can check that a printed command delivers every argument literally and that nothing else runs.
 * Run as a script (bash reading the lines) or as a paste into an interactive bash with history expansion on.
 * Bash quoting: https://www.gnu.org/software/bash/manual/bash.html#Quoting
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Run {
  readonly calls: string[][];
  readonly files: string[];
  readonly stderr: string;
  readonly status: number | null;
}

export interface ArgvPrinter {
  /** Runs `lines` in bash (a script, or pasted into an interactive shell), from an empty directory. */
  run(lines: readonly string[], interactive: boolean): Run;
  /** Removes the temporary directory. */
  close(): void;
}

export function argvPrinter(): ArgvPrinter {
  const base = mkdtempSync(join(tmpdir(), 's3-403-quoting-'));
  mkdirSync(join(base, 'bin'));
  // The argument printer: each call's argv, NUL-separated, in its own numbered file; "v1" on stdout (the value
  // a command substitution reads back).
  writeFileSync(
    join(base, 'bin', 'aws'),
    [
      '#!/usr/bin/env bash',
      'shopt -s nullglob',
      'calls=("$ARGV_LOG"/call-*)',
      'printf -v n \'%04d\' "${#calls[@]}"',
      'printf \'%s\\0\' "$@" > "$ARGV_LOG/call-$n"',
      "printf 'v1'",
      '',
    ].join('\n'),
  );
  chmodSync(join(base, 'bin', 'aws'), 0o755);
  let runs = 0;
  return {
    run(lines, interactive) {
      const dir = join(base, `run-${runs++}`);
      const log = join(dir, 'log');
      const cwd = join(dir, 'cwd');
      mkdirSync(log, { recursive: true });
      mkdirSync(cwd);
      const env = {
        PATH: `${join(base, 'bin')}:${process.env.PATH ?? ''}`,
        ARGV_LOG: log,
        HOME: dir,
        HISTFILE: join(dir, 'history'),
        LANG: 'C.UTF-8',
      };
      const script = `${lines.join('\n')}\n`;
      const out = interactive
        ? spawnSync('bash', ['--norc', '--noprofile', '-i'], { cwd, env, input: `set -H\n${script}exit\n` })
        : spawnSync('bash', ['--norc', '--noprofile', '-s'], { cwd, env, input: script });
      const calls = readdirSync(log)
        .sort()
        .map((f) => {
          const text = readFileSync(join(log, f), 'utf8');
          return text === '' ? [] : text.slice(0, -1).split('\u0000');
        });
      return { calls, files: readdirSync(cwd).sort(), stderr: out.stderr.toString(), status: out.status };
    },
    close() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}
