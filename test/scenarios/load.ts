/**
 * Scenario files: test/scenarios/<root-cause>.json, each `{ snapshot, cases: [{ name, event, expect }] }`.
 * `snapshot` is inline or a path relative to the repository root; `expect.rootCauses` is the WHOLE ordered list of
 * the finding's root causes as `[id, confidence]` pairs (an extra or missing cause, a cause out of order or with
 * another confidence fails: issue 20); `expect.verdict` the verdict; `expect.checks` maps checker ids to the status
 * their check must have.
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
    /** Every cause of the finding, in order, with its confidence. */
    readonly rootCauses: readonly ExpectedCause[];
    readonly verdict?: Verdict;
    readonly checks?: Readonly<Partial<Record<RootCauseId, CheckStatus>>>;
  };
}

export type ExpectedCause = readonly [RootCauseId, Confidence];

/** The cause a case names first (null when it expects none). */
export const firstCause = (c: ScenarioCase): RootCauseId | null => c.expect.rootCauses[0]?.[0] ?? null;

/** A case's expected list, checked: a bare id (the old prefix format) is refused with one clear line. */
export function expectedCauses(c: ScenarioCase): ExpectedCause[] {
  return c.expect.rootCauses.map((e) => {
    if (!Array.isArray(e) || e.length !== 2)
      throw new Error(
        `scenario "${c.name}": expect.rootCauses must list every cause as [id, confidence], got ${JSON.stringify(e)}`,
      );
    return e;
  });
}

/** A finding's causes in the expectation's shape. */
export const actualCauses = (f: {
  readonly rootCauses: readonly { readonly id: RootCauseId; readonly confidence: Confidence }[];
}): ExpectedCause[] => f.rootCauses.map((r) => [r.id, r.confidence] as const);

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
