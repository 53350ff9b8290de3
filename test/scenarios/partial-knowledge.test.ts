/**
 * Scenario tables for partial knowledge (issue 13 item 5): every scenario that names a root cause, explained again
 * with one fact removed from its snapshot (the variants are made here from the scenario files, by removing snapshot
 * keys). With a fact missing, the finding must never confirm a cause the full facts do not confirm, and the right
 * cause must stay first: confirmed (by the remaining facts or the record's evidence), or, when nothing is confirmed,
 * first among the likely and possible causes.
 */
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { analyze } from '../../lambdas/core/analyze';
import { readDenials } from '../../lambdas/core/event';
import type { Finding, RootCauseId } from '../../lambdas/core/model';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedCauses, firstCause, ROOT, scenarioFiles, type ScenarioFile } from './load';

type Json = Record<string, unknown>;
type Snapshot = Json & { buckets?: Record<string, Json>; kmsKeys?: Record<string, Json> };

/** One fact removed: the snapshot keys an auditor without that read would not have. */
const FACTS: readonly { readonly name: string; readonly drop: (s: Snapshot) => void }[] = [
  { name: 'no organization facts', drop: (s) => delete s['organization'] },
  {
    name: 'no bucket policy',
    drop: (s) => Object.values(s.buckets ?? {}).forEach((b) => delete b['policy']),
  },
  {
    name: 'no object metadata',
    drop: (s) => Object.values(s.buckets ?? {}).forEach((b) => delete b['objects']),
  },
  {
    name: 'no KMS key policy',
    drop: (s) => Object.values(s.kmsKeys ?? {}).forEach((k) => delete k['KeyPolicy']),
  },
  { name: 'no session information', drop: (s) => delete s['sessions'] },
];

/**
 * Where the removed fact is exactly what tells the right cause from another one, nothing left can rank it first;
 * it must still be listed. Each entry says why.
 */
const KNOWN_TIES: Readonly<Record<string, string>> = {
  "scp-deny|no organization facts|partner account's allow-list SCP has no s3:PutObject":
    "without the organization, an SCP allow-list of the caller's account and an RCP of the bucket's account are equally possible for a cross-account write; the cross-account prior puts RCPs first",
  'block-public-access|no bucket policy|cross-account read through the public policy is blocked too':
    'without the bucket policy, nothing shows a public grant; for a named cross-account caller a missing bucket grant is the more common cause',
  'cross-account-no-bucket-grant|no bucket policy|an unsigned (anonymous) read of a private bucket: nothing grants it':
    "without the bucket policy, whether it grants anonymous callers is unknown, while the account's Block Public Access (RestrictPublicBuckets) is known to void any public grant an anonymous caller could have: that is the closer cause",
};

function snapshotOf(f: ScenarioFile): Snapshot {
  const text =
    typeof f.snapshot === 'string'
      ? readFileSync(join(ROOT, f.snapshot), 'utf8')
      : JSON.stringify(f.snapshot);
  return JSON.parse(text) as Snapshot;
}

const variantViews = new Map<string, SnapshotView>();
function variantView(f: ScenarioFile, fact: (typeof FACTS)[number]): SnapshotView {
  const key = `${typeof f.snapshot === 'string' ? f.snapshot : f.file}|${fact.name}`;
  let view = variantViews.get(key);
  if (!view) {
    const s = snapshotOf(f);
    fact.drop(s);
    view = new SnapshotView(loadSnapshot(JSON.stringify(s), `${key}`));
    variantViews.set(key, view);
  }
  return view;
}

const confirmed = (f: Finding): RootCauseId[] =>
  f.rootCauses.filter((c) => c.confidence === 'confirmed').map((c) => c.id);

const tables = scenarioFiles().flatMap((file) => {
  const id = file.file.replace(/\.json$/, '') as RootCauseId;
  const cases = file.cases.filter((c) => firstCause(c) === id);
  return FACTS.map((fact) => [id, fact, file, cases] as const);
});

describe('partial knowledge: each scenario with one fact removed', () => {
  it.each(
    tables.map(([id, fact, file, cases]) => [`${id} with ${fact.name}`, id, fact, file, cases] as const),
  )(
    '%s: still first (confirmed, or first among the likely and possible causes)',
    (_title, id, fact, file, cases) => {
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        const [request] = readDenials(JSON.stringify(c.event), c.name);
        const finding = analyze(request!, variantView(file, fact).gatherSync(request!));
        const where = `${id} with ${fact.name}, "${c.name}"`;
        expect({ where, error: finding.error }).toEqual({ where, error: undefined });
        // never confirms what the full facts do not confirm
        const full = expectedCauses(c)
          .filter(([, conf]) => conf === 'confirmed')
          .map(([x]) => x);
        expect({ where, wrong: confirmed(finding).filter((x) => !full.includes(x)) }).toEqual({
          where,
          wrong: [],
        });
        const ids = finding.rootCauses.map((r) => r.id);
        if (confirmed(finding).includes(id)) continue;
        // another cause the full facts confirm explains the denial: nothing merely possible is listed then
        if (confirmed(finding).length > 0) continue;
        const tie = KNOWN_TIES[`${id}|${fact.name}|${c.name}`];
        if (tie) expect({ where, listed: ids.includes(id) }).toEqual({ where, listed: true });
        else expect({ where, first: ids[0] }).toEqual({ where, first: id });
      }
    },
  );

  it('every known tie is still one (the ranking did not learn to tell them apart: drop the entry if so)', () => {
    for (const key of Object.keys(KNOWN_TIES)) {
      const [id, factName, name] = key.split('|') as [RootCauseId, string, string];
      const file = scenarioFiles().find((f) => f.file === `${id}.json`)!;
      const c = file.cases.find((x) => x.name === name)!;
      const fact = FACTS.find((x) => x.name === factName)!;
      const [request] = readDenials(JSON.stringify(c.event), c.name);
      const finding = analyze(request!, variantView(file, fact).gatherSync(request!));
      expect({ key, first: finding.rootCauses[0]?.id === id }).toEqual({ key, first: false });
    }
  });
});
