/**
 * One decision path (issue 12): `simulate` and `explain` ask the same engine the same question. For every denial of
 * the scenario suite and the examples, and for generated worlds, the decision and the denying layers simulate gives
 * for each need equal what explain used (the evaluations analyze ran), wherever explain could decide.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { readDenials } from '../../lambdas/core/event';
import { ROOT, scenarioFiles, viewFor } from '../scenarios/load';
import { compare } from './one-path';

describe('simulate and explain agree on every scenario denial', () => {
  const cases = scenarioFiles().flatMap((f) => f.cases.map((c) => [`${f.file}: ${c.name}`, f, c] as const));
  it.each(cases)('%s', (_name, file, c) => {
    const view = viewFor(file);
    for (const request of readDenials(JSON.stringify(c.event), c.name)) {
      expect(compare(request, view).diffs).toEqual([]);
    }
  });
});

describe('simulate and explain agree on the examples (examples/events, examples/snapshot.json)', () => {
  const view = new SnapshotView(
    loadSnapshot(readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8'), 'examples/snapshot.json'),
  );
  const dir = join(ROOT, 'examples', 'events');
  it.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('%s', (file) => {
    const requests = readDenials(readFileSync(join(dir, file), 'utf8'), file);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) expect(compare(request, view).diffs).toEqual([]);
  });
});
