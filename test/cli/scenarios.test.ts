/**
 * Issue 4, "done when": every scenario passes through `s3-403 explain` (the CLI path, not only the functions):
 * the event and the snapshot go through run() as files, the findings come back as --format json.
 */
import { run } from '../../lambdas/cli';
import type { Finding } from '../../lambdas/core/model';
import { join } from 'node:path';
import { ROOT, scenarioFiles } from '../scenarios/load';
import { memoryIo } from './memory-io';

const files = scenarioFiles();

describe.each(files.map((f) => [f.file, f] as const))(
  's3-403 explain on the scenarios of %s',
  (_file, scenario) => {
    const snapshotPath =
      typeof scenario.snapshot === 'string' ? join(ROOT, scenario.snapshot) : 'snapshot.json';
    const snapshotFiles: Record<string, string> =
      typeof scenario.snapshot === 'string' ? {} : { 'snapshot.json': JSON.stringify(scenario.snapshot) };

    it.each(scenario.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const io = memoryIo({ files: { ...snapshotFiles, 'event.json': JSON.stringify(c.event) } });
      const code = await run(
        ['explain', '--event', 'event.json', '--snapshot', snapshotPath, '--format', 'json'],
        io,
      );
      expect(io.stderrText()).toBe('');
      expect(code).toBe(0);
      const findings = JSON.parse(io.stdoutText()) as Finding[];
      expect(findings).toHaveLength(1);
      const ids = findings[0]!.rootCauses.map((r) => r.id);
      expect(ids.slice(0, c.expect.rootCauses.length)).toEqual(c.expect.rootCauses);
      if (c.expect.rootCauses.length === 0) expect(ids).toEqual([]);
      if (c.expect.confidence) expect(findings[0]!.rootCauses[0]?.confidence).toBe(c.expect.confidence);
      if (c.expect.verdict) expect(findings[0]!.verdict).toBe(c.expect.verdict);
    });
  },
);
