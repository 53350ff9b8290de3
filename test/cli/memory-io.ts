/** Test helper: an in-memory CliIo over real fixture files (read lazily) plus in-memory files. */
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../lambdas/cli';

export const FIXTURES = join(__dirname, '../fixtures');
export const SNAPSHOT = join(FIXTURES, 'snapshot/small.json');
export const fixture = (name: string): string => join(FIXTURES, 'cli', name);

/** Bytes as a stream of small chunks (records and gzip members straddle chunk boundaries). */
async function* chunks(data: Buffer, size = 4096): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

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
    now?: Date;
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
    stdinStream: () => chunks(Buffer.from(opts.stdin ?? '')),
    openFile: (path) => {
      const mem = opts.files?.[path];
      return mem !== undefined
        ? chunks(Buffer.from(mem))
        : createReadStream(path, { highWaterMark: 1 << 16 });
    },
    isDirectory: (path) => {
      if (opts.files?.[path] !== undefined) return Promise.resolve(false);
      try {
        return Promise.resolve(statSync(path).isDirectory());
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    readDir: (path) =>
      Promise.resolve(
        readdirSync(path, { withFileTypes: true }).map((e) => ({ name: e.name, directory: e.isDirectory() })),
      ),
    mkdir: (path) => {
      if (path.startsWith('/nonexistent-dir/'))
        return Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' }));
      written.set(`${path}/`, '');
      return Promise.resolve();
    },
    now: () => opts.now ?? new Date('2026-11-20T12:00:00Z'),
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
    ...(opts.aws ? { aws: opts.aws } : {}),
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
  };
}
