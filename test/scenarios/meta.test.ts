/**
 * The checker list against the contract and the scenarios: ids unique and from the contract table, one file per
 * checker named after its id, each checker the cause in at least one scenario and passing in at least one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKERS } from '../../lambdas/core/checkers';
import { ROOT_CAUSE_IDS } from '../../lambdas/core/model';
import { firstCause, ROOT, scenarioFiles } from './load';

// The command-line and finding contract, as the repository ships it (docs/CLI.md).
const contract = readFileSync(join(ROOT, 'docs', 'CLI.md'), 'utf8');

describe('the checker list', () => {
  it('has one checker per contract root-cause id, no duplicates', () => {
    const ids = CHECKERS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...ROOT_CAUSE_IDS].sort());
  });

  it.each(CHECKERS.map((c) => [c.id, c] as const))(
    '%s is in the contract table, lives in its own file and documents itself',
    (id, c) => {
      expect(contract).toContain(`| \`${id}\` |`);
      const file = join(ROOT, 'lambdas', 'core', 'checkers', `${id}.ts`);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toContain(`id: '${id}'`);
      expect(c.title.length).toBeGreaterThan(10);
      expect(c.detection.length).toBeGreaterThan(20);
      expect(c.fixSummary.length).toBeGreaterThan(20);
    },
  );
});

describe('scenario coverage', () => {
  const cases = scenarioFiles().flatMap((f) => f.cases);

  it.each(CHECKERS.map((c) => [c.id] as const))(
    '%s is the first cause in >= 3 scenarios and ruled out (pass / not-applicable) in >= 2, passing in >= 1',
    (id) => {
      const asCause = cases.filter((c) => firstCause(c) === id);
      const ruledOut = cases.filter(
        (c) => c.expect.checks?.[id] === 'pass' || c.expect.checks?.[id] === 'not-applicable',
      );
      const passing = cases.filter((c) => c.expect.checks?.[id] === 'pass');
      expect(asCause.length).toBeGreaterThanOrEqual(3);
      expect(ruledOut.length).toBeGreaterThanOrEqual(2);
      expect(passing.length).toBeGreaterThanOrEqual(1);
    },
  );

  it('each scenario file is named after a root cause', () => {
    for (const f of scenarioFiles()) expect(ROOT_CAUSE_IDS).toContain(f.file.replace(/\.json$/, ''));
  });
});
