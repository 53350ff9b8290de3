/**
 * Every scenario through the real pipeline: CloudTrail reader -> snapshot view -> analyze. The finding's causes must
 * equal the expected list exactly: every cause, in order, with its confidence.
 */
import { analyze } from '../../lambdas/core/analyze';
import { readDenials } from '../../lambdas/core/event';
import { ROOT_CAUSE_IDS } from '../../lambdas/core/model';
import { actualCauses, expectedCauses, scenarioFiles, viewFor } from './load';

const files = scenarioFiles();

describe.each(files.map((f) => [f.file, f] as const))('scenarios in %s', (_file, scenario) => {
  it.each(scenario.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const requests = readDenials(JSON.stringify(c.event), c.name);
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    const finding = analyze(request, viewFor(scenario).gatherSync(request));
    expect(finding.error).toBeUndefined();
    // the whole ordered list of causes and their confidences, not a prefix
    expect(actualCauses(finding)).toEqual(expectedCauses(c));
    if (c.expect.verdict) expect(finding.verdict).toBe(c.expect.verdict);
    for (const [id, status] of Object.entries(c.expect.checks ?? {})) {
      expect({ id, status: finding.checks.find((k) => k.layer === id)?.status }).toEqual({ id, status });
    }
    // one check per checker, every layer included
    expect(finding.checks.map((k) => k.layer).sort()).toEqual([...ROOT_CAUSE_IDS].sort());
    // a confirmed cause always carries evidence and a fix
    for (const cause of finding.rootCauses.filter((r) => r.confidence === 'confirmed')) {
      expect(cause.evidence.length).toBeGreaterThan(0);
      expect(cause.fix.summary).not.toBe('');
    }
  });
});
