/**
 * The CLI path equals the function path: every scenario record, as one CloudTrail log file per snapshot, through
 * `s3-403 explain --format json` gives exactly the findings that explainRequest (the one analysis the CLI and the
 * Lambda share) gives for each record, in order. What each finding must say is test/scenarios/scenarios.test.ts's
 * job; this proves the CLI adds and loses nothing (one test per snapshot, not one per scenario).
 */
import { join } from 'node:path';
import { explainRequest } from '../../lambdas/adapters/explain';
import { run } from '../../lambdas/cli';
import { readDenials } from '../../lambdas/core/event';
import type { Finding } from '../../lambdas/core/model';
import { ROOT, scenarioFiles, viewFor, type ScenarioFile } from '../scenarios/load';
import { memoryIo } from './memory-io';

/** The scenario files grouped by the snapshot they use (a path, or inline per file). */
const bySnapshot = new Map<string, ScenarioFile[]>();
for (const f of scenarioFiles()) {
  const key = typeof f.snapshot === 'string' ? f.snapshot : `inline:${f.file}`;
  bySnapshot.set(key, [...(bySnapshot.get(key) ?? []), f]);
}

describe('s3-403 explain on every scenario', () => {
  it.each([...bySnapshot.entries()])(
    'with %s: the CLI prints, in order, the findings explainRequest gives for each record',
    async (key, files) => {
      const records = files.flatMap((f) => f.cases.map((c) => c.event));
      const inline: Record<string, string> = key.startsWith('inline:')
        ? { 'snapshot.json': JSON.stringify(files[0]!.snapshot) }
        : {};
      const io = memoryIo({ files: { ...inline, 'log.json': JSON.stringify({ Records: records }) } });
      const snapshotPath = key.startsWith('inline:') ? 'snapshot.json' : join(ROOT, key);
      const code = await run(
        ['explain', '--event', 'log.json', '--snapshot', snapshotPath, '--format', 'json'],
        io,
      );
      expect(io.stderrText()).toBe('');
      expect(code).toBe(0);
      const cli = JSON.parse(io.stdoutText()) as Finding[];

      const view = viewFor(files[0]!);
      const direct: Finding[] = [];
      for (const request of readDenials(JSON.stringify({ Records: records }), 'log.json'))
        direct.push(await explainRequest(request, view));
      expect(cli).toHaveLength(records.length);
      expect(cli).toEqual(JSON.parse(JSON.stringify(direct)));
    },
  );
});
