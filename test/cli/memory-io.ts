/** Test helper: an in-memory CliIo over real fixture files (read lazily) plus in-memory files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../lambdas/cli';

export const FIXTURES = join(__dirname, '../fixtures');
export const SNAPSHOT = join(FIXTURES, 'snapshot/small.json');
export const fixture = (name: string): string => join(FIXTURES, 'cli', name);

export interface MemoryIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
  readonly written: Map<string, string>;
  stdoutText(): string;
  stderrText(): string;
}

export function memoryIo(
  opts: {
    files?: Record<string, string | Buffer>;
    stdin?: string | Buffer;
    isTTY?: boolean;
    env?: Record<string, string | undefined>;
    aws?: CliIo['aws'];
  } = {},
): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, string>();
  return {
    out,
    err,
    written,
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    readStdin: () => Promise.resolve(Buffer.from(opts.stdin ?? '')),
    readFile: (path) => {
      const mem = opts.files?.[path];
      if (mem !== undefined) return Promise.resolve(Buffer.from(mem));
      try {
        return Promise.resolve(readFileSync(path));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    writeFile: (path, data) => {
      if (path.startsWith('/nonexistent-dir/'))
        return Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
      written.set(path, data);
      return Promise.resolve();
    },
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
    ...(opts.aws ? { aws: opts.aws } : {}),
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
  };
}
