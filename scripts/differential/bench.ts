/**
 * `npm run differential -- --bench`: throughput of our engine and of @cloud-copilot/iam-simulate on the same
 * generated requests, in the same process run (issue 15, item 3: "at least 50x iam-simulate measured in the same
 * run"). Figures are printed, never asserted.
 *
 * Paths timed (each over the same requests; snapshots loaded and inputs built before the clock starts):
 *  - ours `simulate()`: the batch path of `s3-403 simulate` (lambdas/core/simulate.ts) on a SnapshotView, root
 *    causes included for denials, as the command computes them today;
 *  - ours decision only: the same hypothetical request and evaluation of every need, without the root causes;
 *  - ours `authorize()`: the request-level engine alone, on a prebuilt AuthorizationInput (first pass: every
 *    generated world has its own policies, so each is compiled on first use; second pass: compiled already);
 *  - iam-simulate `runSimulation()`: its public (validating) entry point.
 */
import { performance } from 'node:perf_hooks';
import type { SnapshotView } from '../../lambdas/adapters/snapshot';
import { buildAuthorizationInput } from '../../lambdas/core/analyze';
import { authorize } from '../../lambdas/core/policy';
import type { AuthorizationInput } from '../../lambdas/core/policy/types';
import { hypothetical, simulate } from '../../lambdas/core/simulate';
import { decideOnly, nowOf, viewOf } from './compare';
import { generateWorld } from './generate';
import type { Oracle } from './oracle';
import { toOracleInput, toOurRequest, type World } from './world';

interface Prepared {
  readonly world: World;
  readonly view: SnapshotView;
  readonly request: ReturnType<typeof toOurRequest>;
  readonly now: Date;
  readonly inputs: readonly AuthorizationInput[];
  readonly oracleInput: Record<string, unknown>;
}

function prepare(w: World, oracle: Oracle): Prepared {
  const view = viewOf(w);
  const now = nowOf(w);
  const request = toOurRequest(w);
  const h = hypothetical(request, view, now);
  const inputs = h.request.needs.map((need) => buildAuthorizationInput(h.request, need, h.facts));
  return { world: w, view, request, now, inputs, oracleInput: toOracleInput(w, oracle.anonymousPrincipal) };
}

interface Timing {
  readonly name: string;
  readonly decisions: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
}

async function time(name: string, n: number, run: () => Promise<void> | void): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { name, decisions: n, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const rate = (t: Timing): number => t.decisions / t.seconds;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function runBench(
  o: { seed: number; count: number },
  oracle: Oracle,
): Promise<Record<string, number>> {
  console.log(
    `differential bench: seed ${o.seed}, ${o.count} generated requests, our engine vs @cloud-copilot/iam-simulate ${oracle.version} (same process, same requests)`,
  );
  const worlds = Array.from({ length: o.count }, (_, i) => generateWorld(o.seed, i));
  const prepared = worlds.map((w) => prepare(w, oracle));
  // Warm-up: every path once over a slice, so that no path pays the JIT for the others.
  const warm = prepared.slice(0, Math.min(200, prepared.length));
  for (const p of warm) {
    simulate(p.request, p.view, { now: p.now });
    decideOnly(p.world, p.view);
    for (const i of p.inputs) authorize(i);
    await oracle.runSimulation(p.oracleInput, {});
  }
  let sink = 0;
  const timings: Timing[] = [];
  timings.push(
    await time('ours simulate() (batch path, root causes for denials)', prepared.length, () => {
      for (const p of prepared) sink += simulate(p.request, p.view, { now: p.now }).layers.length;
    }),
  );
  timings.push(
    await time('ours decision only (hypothetical + every need)', prepared.length, () => {
      for (const p of prepared) sink += decideOnly(p.world, p.view).layers.length;
    }),
  );
  timings.push(
    await time('ours authorize() (engine alone, prebuilt input)', prepared.length, () => {
      for (const p of prepared) for (const i of p.inputs) sink += authorize(i).layers.length;
    }),
  );
  timings.push(
    await time('ours authorize() again (policies already compiled)', prepared.length, () => {
      for (const p of prepared) for (const i of p.inputs) sink += authorize(i).layers.length;
    }),
  );
  const oracleTiming = await time('iam-simulate runSimulation()', prepared.length, async () => {
    for (const p of prepared) {
      const r = await oracle.runSimulation(p.oracleInput, {});
      sink += r.resultType.length;
    }
  });
  timings.push(oracleTiming);
  console.log(
    `\n${'path'.padEnd(56)} ${'decisions/s'.padStart(12)} ${'per CPU-s'.padStart(12)} ${'x iam-simulate'.padStart(15)}`,
  );
  const summary: Record<string, number> = {};
  for (const t of timings) {
    const ratio = rate(t) / rate(oracleTiming);
    console.log(
      `${t.name.padEnd(56)} ${fmt(rate(t)).padStart(12)} ${fmt(t.decisions / t.cpuSeconds).padStart(12)} ${ratio.toFixed(1).padStart(15)}`,
    );
    summary[t.name] = Math.round(rate(t));
  }
  console.log(
    `\nratios in this run: simulate() ${(rate(timings[0] as Timing) / rate(oracleTiming)).toFixed(1)}x, authorize() ${(rate(timings[2] as Timing) / rate(oracleTiming)).toFixed(1)}x iam-simulate (issue 15 target for batch simulate: 50x)`,
  );
  if (sink === -1) console.log(''); // keeps the work observable
  return summary;
}
