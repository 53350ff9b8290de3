/**
 * The command line's own streams, fed the hostile strings of ./hostile.ts where a user's input reaches them:
 * - stderr: every diagnostic names input (an unknown command or option, a file name, a line of a batch file that
 *   is not JSON, quoted back by the JSON parser). Each is one line starting with `s3-403: `, with no raw control,
 *   bidi or separator character (lambdas/cli/io.ts withSafeStderr). Before, `simulate --requests` printed a
 *   line's ESC ] 0 ; … BEL back raw inside "not valid JSON (Unexpected token …)", which retitles a terminal.
 * - stdout JSON: the same value, with DEL, C1 controls (U+009B is CSI), bidi and separators as \u escapes
 *   (lambdas/core/render/safe.ts jsonText); JSON.stringify leaves them raw.
 */
import { run } from '../../lambdas/cli';
import { memoryIo, SNAPSHOT } from '../cli/memory-io';
import { HOSTILE } from './hostile';

/* eslint-disable no-control-regex -- these look for raw control characters */
const RAW =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
/* eslint-enable no-control-regex */

const APP = 'arn:aws:iam::111122223333:role/App';

/** What is wrong with stderr: a raw unsafe character, or a line that is not one of ours. */
function stderrProblems(err: string): string[] {
  const lines = err.split('\n');
  return [
    ...(RAW.test(err) ? [`a raw unsafe character in ${JSON.stringify(err)}`] : []),
    ...(lines.at(-1) === '' ? [] : ['no final line break']),
    ...lines
      .slice(0, -1)
      .filter((l) => !l.startsWith('s3-403: '))
      .map((l) => `a line not ours: ${JSON.stringify(l)}`),
  ];
}

async function problemsOf(h: string, args: string[], files: Record<string, string> = {}): Promise<string[]> {
  const io = memoryIo({ files });
  const code = await run(args, io);
  return [
    ...(code === 2 ? [] : [`exit ${code}`]),
    ...stderrProblems(io.stderrText()).map((p) => `${JSON.stringify(h)} ${args[0]}: ${p}`),
  ];
}

describe('stderr: every diagnostic that quotes input is one safe line', () => {
  it('an unknown command, an unknown option, a bad --format value', async () => {
    const problems: string[] = [];
    for (const h of HOSTILE) {
      problems.push(...(await problemsOf(h, [`x${h}`])));
      problems.push(...(await problemsOf(h, ['explain', `--x${h}`])));
      problems.push(...(await problemsOf(h, ['explain', '--event', 'e.json', '--format', h])));
    }
    expect(problems).toEqual([]);
  });

  it('a file name that does not exist, and a principal or action that is not one', async () => {
    const problems: string[] = [];
    for (const h of HOSTILE) {
      const missing = `/nonexistent/${h}.json`;
      problems.push(...(await problemsOf(h, ['explain', '--event', missing])));
      problems.push(...(await problemsOf(h, ['simulate', '--snapshot', SNAPSHOT, '--requests', missing])));
      const one = ['simulate', '--snapshot', SNAPSHOT, '--resource', 'arn:aws:s3:::b/k'];
      problems.push(...(await problemsOf(h, [...one, '--principal', `x${h}`, '--action', 's3:GetObject'])));
      problems.push(...(await problemsOf(h, [...one, '--principal', APP, '--action', `s3:${h}x`])));
    }
    expect(problems).toEqual([]);
  });

  it('a batch line that is not JSON, quoted back by the parser, in a file named with the same text', async () => {
    const body = `${HOSTILE.map((h) => `${h}x`).join('\r')}\n\u001b]0;retitled\u0007{\n`;
    const io = memoryIo({ files: { 'requests\u001b[2J.jsonl': body } });
    const code = await run(['simulate', '--snapshot', SNAPSHOT, '--requests', 'requests\u001b[2J.jsonl'], io);
    expect(code).toBe(2);
    const err = io.stderrText();
    expect(stderrProblems(err)).toEqual([]);
    expect(err).toContain('requests\\x1B[2J.jsonl: line ');
    expect(err).toContain('\\x1B]0;retitled\\x07');
  });
});

describe('stdout JSON: the same value, no raw unsafe character', () => {
  it('batch simulate writes each hostile resource exactly, escaped', async () => {
    const lines = HOSTILE.map((h) =>
      JSON.stringify({ principal: APP, action: 's3:GetObject', resource: `arn:aws:s3:::my-bucket/${h}` }),
    );
    const io = memoryIo({ files: { 'r.jsonl': `${lines.join('\n')}\n` } });
    expect(await run(['simulate', '--snapshot', SNAPSHOT, '--requests', 'r.jsonl'], io)).toBe(0);
    const out = io.stdoutText();
    expect(RAW.test(out)).toBe(false);
    const resources = out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { request: { resource: string } }).request.resource);
    expect(resources).toEqual(HOSTILE.map((h) => `arn:aws:s3:::my-bucket/${h}`));
    expect(out).toContain('\\u009B31m');
    expect(out).toContain('evil\\u202Egpj.exe');
  });

  it('one simulation with --format json', async () => {
    const io = memoryIo();
    const key = 'k\u009b31m\u202e\u2028';
    const args = [
      '--principal',
      APP,
      '--action',
      's3:GetObject',
      '--resource',
      `arn:aws:s3:::my-bucket/${key}`,
    ];
    expect(await run(['simulate', '--snapshot', SNAPSHOT, ...args, '--format', 'json'], io)).toBe(0);
    const out = io.stdoutText();
    expect(RAW.test(out)).toBe(false);
    expect((JSON.parse(out) as { request: { resource: string } }).request.resource).toBe(
      `arn:aws:s3:::my-bucket/${key}`,
    );
  });
});
