/**
 * Checks on the test sources themselves: a test that cannot fail protects nothing.
 *
 * In jest, `toMatchObject` compares its expected value as a subset, and a RegExp has no own properties: a RegExp
 * literal in the expected object (`toMatchObject({ note: /denies/ })`) matches any value, so that check asserts
 * nothing. `expect.stringMatching(/denies/)` is the matcher that tests a string against a pattern.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Each RegExp literal in the expected value of a toMatchObject call, not inside another call, as "line: text". */
export function vacuousPatterns(source: string): string[] {
  const file = ts.createSourceFile('t.ts', source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const inExpected = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) return; // expect.stringMatching(/x/) and the like test the pattern
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${line + 1}: ${node.getText()}`);
      return;
    }
    ts.forEachChild(node, inExpected);
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'toMatchObject'
    )
      for (const arg of node.arguments) inExpected(arg);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('test sources: every check can fail', () => {
  it('finds a RegExp literal in a toMatchObject expectation, and not one wrapped in expect.stringMatching', () => {
    expect(vacuousPatterns('expect(x).toMatchObject({ a: 1, note: /denies/ });')).toEqual(['1: /denies/']);
    expect(vacuousPatterns('expect(x).toMatchObject({ note: expect.stringMatching(/denies/) });')).toEqual(
      [],
    );
  });

  it('no toMatchObject expectation holds a bare RegExp (it would match anything)', () => {
    const offenders = testFiles(__dirname).flatMap((f) =>
      vacuousPatterns(readFileSync(f, 'utf8')).map((p) => `${relative(root, f)}:${p}`),
    );
    expect(offenders).toEqual([]);
  });
});
