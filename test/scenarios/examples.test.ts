/**
 * examples/events/<root-cause>.json (used by the README demo): each file is read like the CLI reads it (single
 * record or EventBridge envelope) and explained against examples/snapshot.json with its cause first, confirmed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { analyze } from '../../lambdas/core/analyze';
import { readDenials } from '../../lambdas/core/event';
import { ROOT_CAUSE_IDS } from '../../lambdas/core/model';
import { ROOT } from './load';

const dir = join(ROOT, 'examples', 'events');
const view = new SnapshotView(
  loadSnapshot(readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8'), 'examples/snapshot.json'),
);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('examples/events', () => {
  it('holds one event per root cause', () => {
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual([...ROOT_CAUSE_IDS].sort());
  });

  it.each(files)('%s is explained with that cause first, confirmed', (file) => {
    const requests = readDenials(readFileSync(join(dir, file)), file);
    expect(requests).toHaveLength(1);
    const finding = analyze(requests[0]!, view.gatherSync(requests[0]!));
    expect(finding.verdict).toBe('explained');
    expect(finding.rootCauses[0]).toMatchObject({ id: file.replace(/\.json$/, ''), confidence: 'confirmed' });
  });
});
