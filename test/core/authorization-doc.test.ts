/**
 * docs/AUTHORIZATION.md stays true to the code: every test it cites exists, and every rule names an AWS source.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'AUTHORIZATION.md'), 'utf8');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const tests = files(join(ROOT, 'test'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n')
  // test names are written with escaped quotes and sometimes split by prettier; compare on plain text
  .replace(/\\(["'])/g, '$1');

const rows = doc
  .split('\n')
  .filter(
    (l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Rule') && !l.startsWith('| Key'),
  );

describe('docs/AUTHORIZATION.md', () => {
  it('cites only test names that exist (quoted names without an ellipsis)', () => {
    const cited = rows.flatMap((row) => {
      const test = row.split(' | ').pop() ?? '';
      return [...test.matchAll(/"((?:[^"\\]|\\.)+)"/g)].map((m) => (m[1] ?? '').replace(/\\"/g, '"'));
    });
    expect(cited.length).toBeGreaterThan(40);
    const missing = cited.filter((name) => !name.includes('…') && !tests.includes(name));
    expect(missing).toEqual([]);
  });

  it('cites only test files that exist', () => {
    const paths = [...doc.matchAll(/`(test\/[^`]+\.ts)`/g)].map((m) => m[1] ?? '');
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) expect(() => statSync(join(ROOT, p))).not.toThrow();
  });

  it('gives every rule an AWS source (a link) or says it is inferred or a project rule', () => {
    const unsourced = rows.filter((row) => {
      const cells = row.split(' | ');
      const source = cells.length >= 3 ? (cells[cells.length - 2] ?? '') : '';
      return !/https:\/\/(docs\.aws\.amazon\.com|repost\.aws)|inferred|project rule|same|policy-eval|UsingKMSEncryption/.test(
        source,
      );
    });
    expect(unsourced).toEqual([]);
  });
});
