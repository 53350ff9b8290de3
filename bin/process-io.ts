/** The `s3-403` command line: real process I/O around lambdas/cli (see docs/CLI.md), loaded by ./s3-403.ts. */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { run } from '../lambdas/cli';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

// A reader that stops early (`s3-403 … | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') process.stderr.write(`s3-403: cannot write the output: ${err.message}\n`);
  process.exit(err.code === 'EPIPE' ? 0 : 1);
});

run(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  drain: async () => {
    if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
  },
  stderr: (s) => process.stderr.write(s),
  readStdin,
  readFile: (path) => readFile(path),
  writeFile: (path, data) => writeFile(path, data, 'utf8'),
  stdinStream: () => process.stdin,
  openFile: (path) => createReadStream(path, { highWaterMark: 1 << 16 }),
  isDirectory: async (path) => (await stat(path)).isDirectory(),
  readDir: async (path) =>
    (await readdir(path, { withFileTypes: true })).map((e) => ({ name: e.name, directory: e.isDirectory() })),
  mkdir: async (path) => void (await mkdir(path, { recursive: true })),
  now: () => new Date(),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
  ...(process.stderr.isTTY === true ? { progressStream: process.stderr } : {}),
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    process.stderr.write(`s3-403: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
