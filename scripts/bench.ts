/**
 * `npm run bench`: prints the performance figures the issues ask for. Each part lives in scripts/bench/<part>.ts
 * and can also run alone (`npx tsx scripts/bench/engine.ts`). Figures are printed, never asserted in tests.
 */
import { benchEngineRuns } from './bench/engine';
import { benchExplain } from './bench/explain';
import { benchLive } from './bench/live';
import { benchHandler } from './bench/handler';
import { benchOrg } from './bench/org';
import { benchPreflight } from './bench/preflight';
import { benchStream } from './bench/stream';
import { benchThroughput } from './bench/throughput';

// Parts that measure this process's own memory run before the throughput part, which loads iam-simulate and its
// inputs into this process (its own figures come from fresh child processes).
const parts: [string, () => Promise<Record<string, number>>][] = [
  ['policy engine, five fresh processes on compiled code (issues 3, 15)', () => benchEngineRuns()],
  ['explain on a large snapshot (issue 4)', benchExplain],
  ['live account view, mocked AWS at 50 ms per call (issue 5)', benchLive],
  ['Lambda handler and bundle (issue 6)', benchHandler],
  ['organization burst: 50 accounts x 5 regions, mocked AWS, dedup on dynalite (issue 8)', () => benchOrg()],
  [
    'streaming: one CloudTrail log file of 1,000,000 records through the built CLI (issues 14, 16)',
    () => benchStream(),
  ],
  [
    'preflight: 1,000,000 recorded S3 requests replayed through the built CLI (issue 18)',
    () => benchPreflight(),
  ],
  [
    'throughput: batch simulate, explain and iam-simulate on the generated large account, built CLI (issue 15)',
    benchThroughput,
  ],
];

async function main(): Promise<void> {
  const only = process.argv[2];
  const summary: Record<string, Record<string, number>> = {};
  for (const [name, run] of parts) {
    if (only && !name.includes(only)) continue;
    console.log(`\n=== ${name} ===`);
    summary[name] = await run();
  }
  console.log('\n=== summary (JSON) ===');
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
