/**
 * `npm run differential`: differential testing of our IAM / S3 authorization engine against an independent engine,
 * @cloud-copilot/iam-simulate (installed on demand into a temporary folder; AGPL, never a dependency).
 *
 *   npm run differential -- [--seed N] [--count N] [--out DIR] [--oracle-version V] [--bench]
 *
 * Generates seeded random complete snapshots and requests (./generate.ts), decides each with both engines, and
 * reports the agreement and each disagreement class with a minimal example (written as JSON under
 * differential-out/). `--bench` times both engines on the same generated requests instead (./bench.ts).
 * See docs/DIFFERENTIAL.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBench } from './bench';
import {
  featureTags,
  groupOf,
  layersOf,
  oracleDecision,
  ourDecision,
  shrink,
  signature,
  type Outcome,
  type Pair,
} from './compare';
import { causesOf, CAUSES } from './causes';
import { COVERAGE, generateWorld } from './generate';
import { loadOracle, ORACLE_VERSION, OracleUnavailable, type Oracle } from './oracle';
import { toOracleInput, toOurRequest, toSnapshot, type World } from './world';

export interface Options {
  seed: number;
  count: number;
  out: string;
  oracleVersion: string;
  bench: boolean;
  shrinkBudget: number;
  /** Disagreements shrunk per coarse group before later ones may be attributed to a class found in the group. */
  shrinkPerGroup: number;
  countGiven: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    seed: Math.floor(Math.random() * 0x7fffffff),
    count: 30_000,
    out: 'differential-out',
    oracleVersion: ORACLE_VERSION,
    bench: false,
    shrinkBudget: 200,
    shrinkPerGroup: 12,
    countGiven: false,
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const value = (): string => {
      const v = argv[++k];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const int = (): number => {
      const v = value();
      if (!/^\d+$/.test(v)) throw new UsageError(`${a} needs a non-negative integer, got "${v}"`);
      return Number(v);
    };
    if (a === '--seed') o.seed = int();
    else if (a === '--count') {
      o.count = int();
      o.countGiven = true;
    } else if (a === '--out') o.out = value();
    else if (a === '--oracle-version') o.oracleVersion = value();
    else if (a === '--shrink-budget') o.shrinkBudget = int();
    else if (a === '--shrink-per-group') o.shrinkPerGroup = int();
    else if (a === '--bench') o.bench = true;
    else
      throw new UsageError(
        `unknown option "${a}" (use --seed N, --count N, --out DIR, --oracle-version V, --bench)`,
      );
  }
  return o;
}

interface ClassEntry {
  signature: string;
  /** How the two engines decided, and our non-allowed layers, with counts (shrunk cases only). */
  pairs: Map<string, number>;
  tags: ReadonlySet<string>;
  /** Disagreements shrunk to this class, and disagreements attributed to it without shrinking. */
  shrunk: number;
  attributed: number;
  firstIndex: number;
  example: Record<string, unknown>;
}

const isSubset = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => [...a].every((t) => b.has(t));

const pct = (n: number, d: number): string => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(2)}%`);

function example(w: World, ours: ReturnType<typeof ourDecision>, oracle: Outcome, oracleAnon: unknown) {
  return {
    request: toOurRequest(w),
    decisions: { ours: ours.outcome, 'iam-simulate': oracle },
    ourDeniedLayers: ours.layers,
    ...(ours.detail ? { ourDetail: ours.detail } : {}),
    layersPresent: layersOf(w),
    snapshot: toSnapshot(w),
    oracleInput: toOracleInput(w, oracleAnon),
  };
}

async function differential(o: Options, oracle: Oracle): Promise<void> {
  const started = Date.now();
  console.log(
    `differential: seed ${o.seed}, ${o.count} requests, our engine vs @cloud-copilot/iam-simulate ${oracle.version}`,
  );
  console.log(`covered: ${COVERAGE.covered}`);
  console.log(`held neutral: ${COVERAGE.neutral}`);
  const decide = async (w: World): Promise<Pair> => ({
    ours: ourDecision(w).outcome,
    oracle: (await oracleDecision(oracle, w)).outcome,
  });
  const classes = new Map<string, ClassEntry>();
  const groups = new Map<string, { shrunk: number; classes: Set<ClassEntry> }>();
  const outcomes = new Map<string, number>();
  const ignoredKeys = new Map<string, number>();
  let agree = 0;
  let compared = 0;
  let oracleErrors = 0;
  let ourUnknown = 0;
  let firstOracleError: string | null = null;
  for (let index = 0; index < o.count; index++) {
    if (index > 0 && index % 5000 === 0)
      console.log(`  … ${index} done, ${compared - agree} disagreements in ${classes.size} classes so far`);
    const w = generateWorld(o.seed, index);
    const ours = ourDecision(w);
    const theirs = await oracleDecision(oracle, w);
    for (const k of theirs.ignoredContextKeys) ignoredKeys.set(k, (ignoredKeys.get(k) ?? 0) + 1);
    if (theirs.outcome === 'error') {
      oracleErrors++;
      firstOracleError ??= `case ${index}: ${theirs.detail ?? ''}`;
      continue;
    }
    compared++;
    if (ours.outcome === 'unknown') ourUnknown++;
    const key = `${ours.outcome}/${theirs.outcome}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (ours.outcome === theirs.outcome) {
      agree++;
      continue;
    }
    const pair: Pair = { ours: ours.outcome, oracle: theirs.outcome };
    const group = groupOf(pair, ours.layers);
    const seen = groups.get(group) ?? { shrunk: 0, classes: new Set<ClassEntry>() };
    groups.set(group, seen);
    if (seen.shrunk >= o.shrinkPerGroup) {
      // Enough of this group shrunk: a class of the group whose features this case has too takes it (the most
      // specific one); a case that fits none is shrunk like the first ones.
      const tags = featureTags(w);
      const fits = [...seen.classes].filter((c) => isSubset(c.tags, tags));
      const best = fits.sort((a, b) => b.tags.size - a.tags.size || b.shrunk - a.shrunk)[0];
      if (best) {
        best.attributed++;
        continue;
      }
    }
    seen.shrunk++;
    const small = await shrink(w, pair, decide, o.shrinkBudget);
    const smallOurs = ourDecision(small);
    const tags = featureTags(small);
    const sig = signature(tags);
    const how = groupOf(pair, smallOurs.layers);
    let entry = classes.get(sig);
    if (entry) entry.shrunk++;
    else {
      entry = {
        signature: sig,
        pairs: new Map(),
        tags,
        shrunk: 1,
        attributed: 0,
        firstIndex: index,
        example: example(small, smallOurs, theirs.outcome, oracle.anonymousPrincipal),
      };
      classes.set(sig, entry);
    }
    entry.pairs.set(how, (entry.pairs.get(how) ?? 0) + 1);
    seen.classes.add(entry);
  }
  const total = (c: ClassEntry): number => c.shrunk + c.attributed;
  const sorted = [...classes.values()].sort((a, b) => total(b) - total(a));
  const date = new Date().toISOString().slice(0, 10);
  console.log(`\ncompared ${compared} of ${o.count} (iam-simulate refused ${oracleErrors} as invalid input)`);
  if (firstOracleError) console.log(`  first refusal: ${firstOracleError.slice(0, 300)}`);
  console.log(`agreement: ${agree} / ${compared} = ${pct(agree, compared)}  (seed ${o.seed}, ${date})`);
  console.log(`our engine said "unknown" on a complete snapshot: ${ourUnknown}`);
  console.log('decisions (ours/iam-simulate):');
  for (const [k, n] of [...outcomes].sort((a, b) => b[1] - a[1])) console.log(`  ${k}: ${n}`);
  if (ignoredKeys.size > 0) {
    console.log('context keys iam-simulate ignored as not applicable to the action (count):');
    for (const [k, n] of ignoredKeys) console.log(`  ${k}: ${n}`);
  }
  console.log(
    `\n${sorted.length} disagreement classes (count = shrunk + attributed; class = the features its minimal example needs; then how the engines decided):`,
  );
  for (const c of sorted) {
    console.log(`  ${String(total(c)).padStart(6)} (${c.shrunk}+${c.attributed})  ${c.signature}`);
    for (const [how, n] of c.pairs) console.log(`${' '.repeat(18)}${n} x ${how}`);
  }
  // Root causes (./causes.ts): each class under its first cause, and every cause a class involves.
  const byCause = new Map<string, { first: number; involved: number; classes: number }>();
  const unexplained: ClassEntry[] = [];
  for (const c of sorted) {
    const causes = causesOf(c.tags);
    if (causes.length === 0) unexplained.push(c);
    causes.forEach((cause, n) => {
      const e = byCause.get(cause.id) ?? { first: 0, involved: 0, classes: 0 };
      if (n === 0) e.first += total(c);
      e.involved += total(c);
      e.classes++;
      byCause.set(cause.id, e);
    });
  }
  console.log(
    '\nroot causes (disagreements counted under their first cause / involving the cause, classes):',
  );
  for (const cause of CAUSES) {
    const e = byCause.get(cause.id);
    if (!e) continue;
    console.log(
      `  ${cause.id} ${String(e.first).padStart(6)} / ${String(e.involved).padStart(6)} ${String(e.classes).padStart(4)}  [${cause.verdict}] ${cause.title}`,
    );
  }
  const unexplainedCount = unexplained.reduce((n, c) => n + total(c), 0);
  console.log(`  unexplained: ${unexplainedCount} disagreements in ${unexplained.length} classes`);
  for (const c of unexplained) console.log(`    ${total(c)}  ${c.signature}`);
  mkdirSync(o.out, { recursive: true });
  const file = join(o.out, `differential-seed-${o.seed}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        date,
        seed: o.seed,
        count: o.count,
        compared,
        agree,
        agreement: pct(agree, compared),
        oracle: `@cloud-copilot/iam-simulate@${oracle.version}`,
        coverage: COVERAGE,
        oracleRefused: oracleErrors,
        ourUnknown,
        outcomes: Object.fromEntries(outcomes),
        causes: CAUSES.filter((c) => byCause.has(c.id)).map((c) => ({
          id: c.id,
          title: c.title,
          verdict: c.verdict,
          source: c.source,
          pin: c.pin,
          ...byCause.get(c.id),
        })),
        unexplained: unexplainedCount,
        classes: sorted.map((c) => ({
          count: total(c),
          shrunk: c.shrunk,
          attributed: c.attributed,
          signature: c.signature,
          causes: causesOf(c.tags).map((x) => x.id),
          decisions: Object.fromEntries(c.pairs),
          firstIndex: c.firstIndex,
          example: c.example,
        })),
      },
      null,
      2,
    )}\n`,
  );
  console.log(
    `\nclasses with one minimal example each: ${file}  (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`differential: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
    return;
  }
  let oracle: Oracle;
  try {
    oracle = loadOracle(o.oracleVersion, (line) => console.log(line));
  } catch (err) {
    if (err instanceof OracleUnavailable) {
      console.error(`differential: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  if (o.bench) await runBench({ seed: o.seed, count: o.countGiven ? o.count : 5000 }, oracle);
  else await differential(o, oracle);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`differential failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
