/**
 * `s3-403 simulate` when a fact that could change the answer is missing: decision "unknown" and a top-level
 * "missing" naming each fact (docs/CLI.md, "Simulation").
 */
import { run } from '../../lambdas/cli';
import type { Simulation } from '../../lambdas/core/simulate';
import { memoryIo, SNAPSHOT } from './memory-io';

const NOPE = 'arn:aws:iam::111122223333:role/Nope'; // not in the snapshot
const Q3 = 'arn:aws:s3:::my-bucket/reports/q3.csv';

async function simulate(args: string[]): Promise<{ code: number; out: string }> {
  const io = memoryIo();
  const code = await run(['simulate', '--snapshot', SNAPSHOT, ...args], io);
  return { code, out: io.stdoutText() };
}

describe('simulate with a missing fact', () => {
  const args = ['--principal', NOPE, '--action', 's3:GetObject', '--resource', Q3];

  it('--format json: decision unknown, and "missing" names the fact', async () => {
    const r = await simulate([...args, '--format', 'json']);
    expect(r.code).toBe(0);
    const sim = JSON.parse(r.out) as Simulation;
    expect(sim.decision).toBe('unknown');
    expect(sim.missing?.some((m) => m.includes(NOPE))).toBe(true);
  });

  it('--format text: the missing facts are listed under their own heading', async () => {
    const r = await simulate(args);
    expect(r.out.split('\n')[0]).toMatch(/^UNKNOWN {2}/);
    expect(r.out).toMatch(/Missing facts \(the answer depends on them\):\n {2}- .*role\/Nope/);
  });

  it('a decided simulation prints no "missing"', async () => {
    const r = await simulate([
      '--principal',
      'arn:aws:iam::111122223333:role/App',
      '--action',
      's3:GetObject',
      '--resource',
      Q3,
      '--format',
      'json',
    ]);
    expect((JSON.parse(r.out) as Simulation).missing).toBeUndefined();
  });
});
