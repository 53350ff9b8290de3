/**
 * Scenario files: test/scenarios/<root-cause>.json, each `{ snapshot, cases: [{ name, event, expect }] }`.
 * `snapshot` is inline or a path relative to the repository root; `expect.rootCauses` is an ordered prefix of
 * the finding's root-cause ids; `expect.checks` maps checker ids to the status their check must have.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import type { CheckStatus, Confidence, RootCauseId, Verdict } from '../../lambdas/core/model';

export const ROOT = join(__dirname, '..', '..');
export const SCENARIO_DIR = __dirname;

export interface ScenarioCase {
  readonly name: string;
  readonly event: Record<string, unknown>;
  readonly expect: {
    readonly rootCauses: readonly RootCauseId[];
    readonly confidence?: Confidence;
    readonly verdict?: Verdict;
    readonly checks?: Readonly<Partial<Record<RootCauseId, CheckStatus>>>;
  };
}

export interface ScenarioFile {
  readonly file: string;
  readonly snapshot: unknown;
  readonly cases: readonly ScenarioCase[];
}

export function scenarioFiles(): ScenarioFile[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(readFileSync(join(SCENARIO_DIR, file), 'utf8')) as Omit<ScenarioFile, 'file'>),
    }));
}

const views = new Map<string, SnapshotView>();

/** The snapshot view of a scenario file (loaded once per snapshot path). */
export function viewFor(s: ScenarioFile): SnapshotView {
  const key = typeof s.snapshot === 'string' ? s.snapshot : `inline:${s.file}`;
  let view = views.get(key);
  if (!view) {
    const text =
      typeof s.snapshot === 'string'
        ? readFileSync(join(ROOT, s.snapshot), 'utf8')
        : JSON.stringify(s.snapshot);
    view = new SnapshotView(loadSnapshot(text, key));
    views.set(key, view);
  }
  return view;
}
