/** docs/ROOT-CAUSES.md is generated from the checker list; the committed file must be up to date. */
import { readFileSync } from 'node:fs';
import { CHECKERS } from '../../../lambdas/core/checkers';
import { ROOT_CAUSES_DOC, rootCausesMarkdown } from '../../../scripts/gen-root-causes';

describe('docs/ROOT-CAUSES.md', () => {
  it('is up to date (run `npm run docs`)', () => {
    expect(readFileSync(ROOT_CAUSES_DOC, 'utf8')).toBe(rootCausesMarkdown());
  });

  it('has one row per checker', () => {
    const rows = rootCausesMarkdown()
      .split('\n')
      .filter((l) => l.startsWith('| `'));
    expect(rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1])).toEqual(CHECKERS.map((c) => c.id));
  });
});
