/**
 * A fixed amount of engine work for instruction counts (./instructions.ts): `authorize` over the engine bench's main
 * workload (./engine.ts benchInputs: 10 managed policies x 20 statements, a boundary, a 30-statement bucket policy,
 * 3 SCP levels), N decisions, each on a fresh copy of its request, as the engine bench does. engine.ts runs for a
 * fixed CPU time instead, so its amount of work varies with the machine; this one does not.
 * Usage (bundled by instructions.ts): node engine-fixed.js [decisions, default 100000]
 */
import { authorize } from '../../lambdas/core/policy';
import { benchInputs } from './engine';

const all = benchInputs(1000);
const n = Number(process.argv[2] ?? 100_000);
const decisions: Record<string, number> = {};
for (let i = 0; i < n; i++) {
  const input = all[i % all.length]!;
  const d = authorize({ ...input, request: { ...input.request } }).decision;
  decisions[d] = (decisions[d] ?? 0) + 1;
}
console.log(`${n} decisions: ${JSON.stringify(decisions)}`);
