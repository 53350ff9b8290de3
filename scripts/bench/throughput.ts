/**
 * Issue 15 item 3: the commands users run, end to end, on the large generated account (./workload.ts), through the
 * built CLI (dist/bin/s3-403.js) in a fresh process each, as a user runs them:
 *  - batch `simulate --requests`: decisions per second, wall clock, one process, snapshot load included, every line
 *    written (counted); target >= 20,000/s;
 *  - the same with 100,000 requests: peak RSS; target < 600 MB with every line written;
 *  - `explain` over a CloudTrail log file of 1,000 denial records: records per second and peak RSS; target
 *    >= 2,000/s and < 400 MB;
 *  - @cloud-copilot/iam-simulate on the same requests, in the same run: its decisions per second with every input
 *    prepared before the clock starts (an advantage we give it), and the ratio; target >= 50x. It is AGPL: installed
 *    on demand into a temporary folder by ../differential/oracle.ts, never a dependency. Offline and not cached, the
 *    comparison is skipped with one line saying so.
 * Figures are printed, never asserted. Run alone with `npx tsx scripts/bench/throughput.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadOracle, OracleUnavailable } from '../differential/oracle';
import { ACCT, benchEvents, benchRequests, benchSnapshotText } from './workload';

const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'dist/bin/s3-403.js');
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');

interface Run {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
  readonly stdout: string;
}

/**
 * Runs the built CLI once, in a fresh node process, with its peak memory and CPU time recorded on exit. Its compile
 * cache (bin/s3-403.ts) lives in the bench's own folder: the first run fills it, as a user's first run does.
 */
function cli(dir: string, args: readonly string[], tag: string, env: NodeJS.ProcessEnv = {}): Run {
  const rssFile = join(dir, `rss-${tag}.json`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', join(__dirname, 'rss-on-exit.js'), BIN, ...args], {
    env: {
      ...process.env,
      XDG_CACHE_HOME: join(dir, 'cache'),
      BENCH_RSS_FILE: rssFile,
      NO_COLOR: '1',
      ...env,
    },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`s3-403 ${args[0]} exited ${r.status}: ${r.stderr.trim().split('\n')[0]}`);
  const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssMB: number; cpuMs: number };
  return { seconds, cpuSeconds: usage.cpuMs / 1000, peakRssMB: usage.maxRssMB, stdout: r.stdout };
}

const lineCount = (s: string): number => s.split('\n').filter((l) => l.trim() !== '').length;

type Doc = { Statement: unknown };
interface SnapshotShape {
  accounts: Record<
    string,
    {
      authorizationDetails: {
        RoleDetailList: {
          Arn: string;
          AttachedManagedPolicies?: { PolicyArn: string }[];
          RolePolicyList?: { PolicyName: string; PolicyDocument: Doc }[];
        }[];
        Policies: {
          Arn: string;
          PolicyName: string;
          PolicyVersionList: { Document: Doc; IsDefaultVersion: boolean }[];
        }[];
      };
      organizationPath: string[];
    }
  >;
  organization: {
    serviceControlPolicies: { Name: string; Targets: string[]; Content: Doc }[];
    resourceControlPolicies: { Name: string; Targets: string[]; Content: Doc }[];
  };
  buckets: Record<string, { policy?: Doc }>;
  vpcEndpoints: Record<string, { PolicyDocument?: Doc }>;
}

/**
 * The same requests in iam-simulate's input (its README: identity policies, SCP/RCP levels root first, the bucket
 * policy, the VPC endpoint policy), built before its clock starts.
 */
export function oracleInputs(snapshotText: string, lines: readonly string[]): Record<string, unknown>[] {
  const s = JSON.parse(snapshotText) as SnapshotShape;
  const account = s.accounts[ACCT]!;
  const managed = new Map(account.authorizationDetails.Policies.map((p) => [p.Arn, p]));
  const roles = new Map(account.authorizationDetails.RoleDetailList.map((r) => [r.Arn, r]));
  const path = [...account.organizationPath].reverse().concat(ACCT); // root first
  const levels = (list: SnapshotShape['organization']['serviceControlPolicies']) =>
    path.map((target) => ({
      orgIdentifier: target,
      policies: list
        .filter((p) => p.Targets.includes(target))
        .map((p) => ({ name: p.Name, policy: p.Content })),
    }));
  const scps = levels(s.organization.serviceControlPolicies);
  // iam-simulate refuses RCPFullAWSAccess as an input ("Effect must be Deny in a resource control policy"): it
  // stands for that AWS managed policy itself, so only the organization's own RCPs are passed
  const rcps = levels(s.organization.resourceControlPolicies.filter((p) => p.Name !== 'RCPFullAWSAccess'));
  return lines.map((line) => {
    const r = JSON.parse(line) as {
      principal: string;
      action: string;
      resource: string;
      context: Record<string, string>;
    };
    const role = roles.get(r.principal);
    const identityPolicies = [
      ...(role?.RolePolicyList ?? []).map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument })),
      ...(role?.AttachedManagedPolicies ?? []).map((a) => {
        const p = managed.get(a.PolicyArn)!;
        return { name: p.PolicyName, policy: p.PolicyVersionList.find((v) => v.IsDefaultVersion)!.Document };
      }),
    ];
    const bucket = /^arn:aws:s3:::([^/]+)/.exec(r.resource)?.[1] ?? '';
    const vpce = r.context['aws:SourceVpce'];
    const sim: Record<string, unknown> = {
      request: {
        principal: r.principal,
        action: r.action,
        resource: { resource: r.resource, accountId: ACCT },
        contextVariables: { 'aws:SecureTransport': 'true', ...r.context },
      },
      identityPolicies,
      serviceControlPolicies: scps,
      resourceControlPolicies: rcps,
    };
    const policy = s.buckets[bucket]?.policy;
    if (policy) sim.resourcePolicy = policy;
    const endpoint = vpce ? s.vpcEndpoints[vpce]?.PolicyDocument : undefined;
    if (endpoint) sim.vpcEndpointPolicies = [{ name: vpce, policy: endpoint }];
    return sim;
  });
}

async function oracleRate(
  snapshotText: string,
  lines: readonly string[],
): Promise<{ perSecond: number; decisions: number } | string> {
  let oracle;
  try {
    oracle = loadOracle(undefined, (l) => console.log(l));
  } catch (err) {
    if (err instanceof OracleUnavailable) return err.message;
    throw err;
  }
  const inputs = oracleInputs(snapshotText, lines);
  for (const i of inputs.slice(0, 200)) await oracle.runSimulation(i, {}); // warm-up
  const t0 = performance.now();
  let errors = 0;
  for (const i of inputs) if ((await oracle.runSimulation(i, {})).resultType === 'error') errors += 1;
  const seconds = (performance.now() - t0) / 1000;
  // an input it refuses is decided in microseconds: a rate over refusals would flatter us
  if (errors > 0) return `iam-simulate refused ${errors} of ${inputs.length} inputs`;
  return { perSecond: inputs.length / seconds, decisions: inputs.length };
}

export async function benchThroughput(): Promise<Record<string, number>> {
  if (!existsSync(BIN)) throw new Error('dist/bin/s3-403.js is missing: run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 's3-403-bench-'));
  try {
    const snapshotText = benchSnapshotText();
    const snapshot = join(dir, 'snapshot.json');
    writeFileSync(snapshot, snapshotText);
    console.log(
      `workload: generated account (1,000 roles, 2,000 managed policies, 500 buckets x 30 statements, 4-level SCP path), snapshot ${fmt(snapshotText.length / 1e6)} MB`,
    );
    const out: Record<string, number> = {};

    // start-up of the command (`--version` loads every command's modules): compile cache on (warm), and off
    const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)] ?? NaN;
    const startup = (env: NodeJS.ProcessEnv): { wall: number; cpu: number } => {
      const runs = Array.from({ length: 7 }, (_, i) => cli(dir, ['--version'], `v${i}`, env));
      return {
        wall: median(runs.map((r) => r.seconds * 1000)),
        cpu: median(runs.map((r) => r.cpuSeconds * 1000)),
      };
    };
    cli(dir, ['--version'], 'fill'); // fills the compile cache
    const warm = startup({});
    const none = startup({ NODE_DISABLE_COMPILE_CACHE: '1' });
    console.log(
      `CLI start-up (s3-403 --version, median of 7): ${fmt(warm.wall)} ms wall, ${fmt(warm.cpu)} ms CPU with the compile cache; ` +
        `${fmt(none.wall)} ms wall, ${fmt(none.cpu)} ms CPU without it (NODE_DISABLE_COMPILE_CACHE=1)`,
    );
    out.cliStartupMs = Math.round(warm.wall);
    out.cliStartupNoCacheMs = Math.round(none.wall);

    // batch simulate, 20,000 requests: rate end to end
    const small = benchRequests(20_000);
    writeFileSync(join(dir, 'requests-20k.jsonl'), `${small.join('\n')}\n`);
    const a = cli(
      dir,
      ['simulate', '--snapshot', snapshot, '--requests', join(dir, 'requests-20k.jsonl')],
      'sim20k',
    );
    const aLines = lineCount(a.stdout);
    if (aLines !== small.length)
      throw new Error(`simulate wrote ${aLines} lines for ${small.length} requests`);
    const simRate = small.length / a.seconds;
    console.log(
      `simulate --requests, ${fmt(small.length)} requests: ${a.seconds.toFixed(2)} s wall (${a.cpuSeconds.toFixed(2)} s CPU), ` +
        `${fmt(simRate)} decisions/s end to end (snapshot load and output included), peak RSS ${fmt(a.peakRssMB)} MB   target >= 20,000/s   ${verdict(simRate >= 20_000)}`,
    );
    const outBytes = Buffer.byteLength(a.stdout);
    console.log(
      `  output: ${(outBytes / 1e6).toFixed(1)} MB of JSON lines, ${fmt(outBytes / small.length)} bytes per decision`,
    );
    out.simulateBytesPerDecision = Math.round(outBytes / small.length);
    out.simulateDecisionsPerSecond = Math.round(simRate);
    out.simulateSeconds = Math.round(a.seconds * 100) / 100;

    // batch simulate, 100,000 requests: memory
    const big = benchRequests(100_000);
    writeFileSync(join(dir, 'requests-100k.jsonl'), `${big.join('\n')}\n`);
    const b = cli(
      dir,
      ['simulate', '--snapshot', snapshot, '--requests', join(dir, 'requests-100k.jsonl')],
      'sim100k',
    );
    const bLines = lineCount(b.stdout);
    if (bLines !== big.length) throw new Error(`simulate wrote ${bLines} lines for ${big.length} requests`);
    console.log(
      `simulate --requests, ${fmt(big.length)} requests: ${b.seconds.toFixed(1)} s wall, every line written (${fmt(bLines)}), ` +
        `peak RSS ${fmt(b.peakRssMB)} MB   target < 600 MB   ${verdict(b.peakRssMB < 600)}`,
    );
    out.simulate100kPeakRssMB = Math.round(b.peakRssMB);
    out.simulate100kDecisionsPerSecond = Math.round(big.length / b.seconds);

    // explain over a log file of 1,000 denial records
    const events = benchEvents(1000);
    writeFileSync(join(dir, 'events.json'), `{"Records":[${events.join(',')}]}`);
    const e = cli(
      dir,
      ['explain', '--snapshot', snapshot, '--event', join(dir, 'events.json'), '--format', 'json'],
      'explain',
    );
    const findings = (JSON.parse(e.stdout) as unknown[]).length;
    if (findings !== events.length)
      throw new Error(`explain gave ${findings} findings for ${events.length} denials`);
    const explainRate = events.length / e.seconds;
    console.log(
      `explain, a log of ${fmt(events.length)} denial records: ${e.seconds.toFixed(2)} s wall (${e.cpuSeconds.toFixed(2)} s CPU), ` +
        `${fmt(explainRate)} records/s, peak RSS ${fmt(e.peakRssMB)} MB   target >= 2,000/s and < 400 MB   ${verdict(explainRate >= 2000 && e.peakRssMB < 400)}`,
    );
    out.explainRecordsPerSecond = Math.round(explainRate);
    out.explainPeakRssMB = Math.round(e.peakRssMB);

    // iam-simulate on the same requests, same run
    const oracle = await oracleRate(snapshotText, small.slice(0, 5000));
    if (typeof oracle === 'string') {
      console.log(`iam-simulate comparison skipped: ${oracle}`);
    } else {
      const ratio = simRate / oracle.perSecond;
      console.log(
        `@cloud-copilot/iam-simulate, the first ${fmt(oracle.decisions)} of the same requests (inputs prepared before the clock): ` +
          `${fmt(oracle.perSecond)} decisions/s; batch simulate end to end is ${ratio.toFixed(1)}x that   target >= 50x   ${verdict(ratio >= 50)}`,
      );
      out.iamSimulateDecisionsPerSecond = Math.round(oracle.perSecond);
      out.ratioToIamSimulate = Math.round(ratio * 10) / 10;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchThroughput().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
