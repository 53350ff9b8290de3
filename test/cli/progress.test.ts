/**
 * The progress line of batch `simulate` and `explain` (lambdas/cli/progress.ts): drawn on stderr only when it is a
 * terminal and the output goes elsewhere; the output is the same with it or without it; warnings written while it
 * shows still reach stderr (above it); it is cleared when the command ends, and the command's process is left
 * with no timer running.
 */
import { Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { run } from '../../lambdas/cli';
import { IP_DENIED, logFile, occurrence } from './logs';
import { fixture, memoryIo, SNAPSHOT } from './memory-io';

/** A terminal for the progress line: what is written to it, as text. */
function terminal(): Writable & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY: true, columns: 120, text: () => chunks.join('') });
}

const REQUESTS = readFileSync(fixture('requests.jsonl'), 'utf8');

async function simulate(opts: { progress: boolean; stdoutTTY?: boolean; requests?: string }) {
  const tty = terminal();
  const io = memoryIo({ files: { 'r.jsonl': opts.requests ?? REQUESTS }, isTTY: opts.stdoutTTY ?? false });
  const withTty = opts.progress ? Object.assign(io, { progressStream: tty }) : io;
  const code = await run(['simulate', '--snapshot', SNAPSHOT, '--requests', 'r.jsonl'], withTty);
  return { code, out: io.stdoutText(), err: io.stderrText(), tty: tty.text() };
}

describe('simulate --requests: progress on a terminal', () => {
  it('shows the count of decided requests on stderr, the output unchanged, and clears the line at the end', async () => {
    const plain = await simulate({ progress: false });
    const shown = await simulate({ progress: true });
    expect(shown.code).toBe(plain.code);
    expect(shown.out).toBe(plain.out);
    expect(shown.tty).toMatch(/simulate r\.jsonl: \d+ requests decided/);
    // the last thing written shows the cursor again, turns line wrapping back on and erases the line
    expect(shown.tty.endsWith('\u001b[?25h\u001b[?7h\u001b[1G\u001b[0J')).toBe(true);
  });

  it('is not drawn when stdout is the terminal (the lines would mix) or stderr is not one', async () => {
    expect((await simulate({ progress: true, stdoutTTY: true })).tty).toBe('');
    expect((await simulate({ progress: false })).tty).toBe('');
  });

  it('a warning written while it shows reaches stderr', async () => {
    const bad = `${REQUESTS.trimEnd()}\n{"principal": 1}\n`;
    const shown = await simulate({ progress: true, requests: bad });
    expect(shown.code).toBe(2);
    const lines = REQUESTS.trimEnd().split('\n').length;
    expect(shown.tty).toContain(`s3-403: r.jsonl: line ${lines + 1}: `);
    expect(shown.err).toMatch(/could not be simulated/);
  });
});

describe('explain: progress on a terminal', () => {
  it('counts records and denials unless findings are written to the terminal as they come', async () => {
    const log = logFile([occurrence(IP_DENIED, 1), occurrence(IP_DENIED, 2)]);
    const runOnce = async (progress: boolean, stdoutTTY: boolean, extra: string[] = []) => {
      const tty = terminal();
      const io = memoryIo({ files: { 'log.json': log }, isTTY: stdoutTTY });
      const code = await run(
        ['explain', '--event', 'log.json', '--snapshot', SNAPSHOT, '--format', 'json', ...extra],
        progress ? Object.assign(io, { progressStream: tty }) : io,
      );
      return { code, out: io.stdoutText(), tty: tty.text() };
    };
    const plain = await runOnce(false, false);
    const shown = await runOnce(true, false);
    expect(shown.out).toBe(plain.out);
    expect(shown.tty).toMatch(/explain: \d+ records read, \d+ denials \(log\.json, /);
    expect((await runOnce(true, true)).tty).toBe('');
    // grouped, the report is written at the end: the line shows even with stdout on the terminal
    expect((await runOnce(true, true, ['--group'])).tty).toMatch(/records read/);
  });
});
