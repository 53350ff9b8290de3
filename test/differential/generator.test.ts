/**
 * The differential generator (scripts/differential), run through OUR engine only: no network, no
 * @cloud-copilot/iam-simulate. Every generated snapshot is complete, so it must load (valid per the snapshot
 * schema, docs/SNAPSHOT.md) and our engine must decide every request: allowed, explicitly denied or implicitly
 * denied, never "unknown" (issue 12 item 5: on a complete snapshot `simulate` never answers unknown).
 */
import { loadSnapshot } from '../../lambdas/adapters/snapshot';
import { simulate } from '../../lambdas/core/simulate';
import { decideOnly, featureTags, nowOf, viewOf } from '../../scripts/differential/compare';
import { caseSeed, generateWorld } from '../../scripts/differential/generate';
import { parseArgs } from '../../scripts/differential/index';
import { fullContext, toOracleInput, toOurRequest, toSnapshot } from '../../scripts/differential/world';

const SEED = 20261202;
const COUNT = 300;
const worlds = Array.from({ length: COUNT }, (_, i) => generateWorld(SEED, i));

describe('differential generator', () => {
  it('is deterministic: the same seed and index give the same world', () => {
    expect(generateWorld(SEED, 17)).toEqual(worlds[17]);
    expect(caseSeed(SEED, 3)).not.toBe(caseSeed(SEED, 4));
    expect(JSON.stringify(generateWorld(SEED + 1, 17))).not.toBe(JSON.stringify(worlds[17]));
  });

  it('every generated snapshot loads: it is valid per the snapshot schema', () => {
    for (const w of worlds)
      expect(() => loadSnapshot(JSON.stringify(toSnapshot(w)), 'generated.json')).not.toThrow();
  });

  it('covers the policy language: every operator family, both set qualifiers, IfExists, Not* elements, variables', () => {
    const text = worlds.map((w) => JSON.stringify(toSnapshot(w))).join('\n');
    for (const op of [
      '"String',
      '"Numeric',
      '"Date',
      '"Bool"',
      '"BinaryEquals',
      '"IpAddress',
      '"NotIpAddress',
      '"Arn',
      '"Null"',
    ])
      expect(text).toContain(op);
    for (const bit of [
      'ForAnyValue:',
      'ForAllValues:',
      'IfExists"',
      '"NotAction"',
      '"NotResource"',
      '"NotPrincipal"',
      '${aws:',
    ])
      expect(text).toContain(bit);
    expect(worlds.some((w) => featureTags(w).has('session policy'))).toBe(true);
    const kinds = new Set(worlds.map((w) => w.caller.kind));
    expect([...kinds].sort()).toEqual(['anonymous', 'session', 'user']);
    expect(worlds.some((w) => w.org !== null && w.org.scps.length > 1)).toBe(true);
    expect(worlds.some((w) => w.org !== null && w.org.rcps.length > 0)).toBe(true);
    expect(worlds.some((w) => w.caller.identity?.boundary)).toBe(true);
  });

  it('builds the oracle input from the same facts (same principal, action, resource and policies)', () => {
    const w = worlds.find((x) => x.caller.kind === 'session' && x.bucketPolicy !== null);
    expect(w).toBeDefined();
    if (!w) return;
    const sim = toOracleInput(w, { type: 'Anonymous' }) as {
      request: { principal: string; action: string; resource: { resource: string } };
    };
    const ours = toOurRequest(w);
    expect(sim.request.principal).toBe(ours.principal);
    expect(sim.request.action).toBe(ours.action);
    expect(sim.request.resource.resource).toBe(ours.resource);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-userid:
  // aws:userid is in the request context of every request, anonymous ones included ("anonymous", the value our
  // engine derives: test/core/fix/context.test.ts). Without it iam-simulate was asked a different question.
  it('the reference context of an anonymous caller carries aws:userid "anonymous", as AWS builds it', () => {
    const anonymous = worlds.filter((x) => x.caller.kind === 'anonymous');
    expect(anonymous.length).toBeGreaterThan(0);
    for (const ctx of anonymous.map(fullContext)) {
      expect(ctx).toMatchObject({ 'aws:PrincipalType': 'Anonymous', 'aws:userid': 'anonymous' });
      expect(ctx).not.toHaveProperty(['aws:PrincipalArn']);
    }
  });

  it('our engine decides every generated request on its complete snapshot (never unknown)', () => {
    const undecided: string[] = [];
    for (const [i, w] of worlds.entries()) {
      const d = decideOnly(w, viewOf(w));
      expect(['allowed', 'explicitly-denied', 'implicitly-denied', 'unknown']).toContain(d.decision);
      if (d.decision === 'unknown') undecided.push(`case ${i}: ${d.missing.join('; ')}`);
    }
    expect(undecided).toEqual([]);
  });

  it('the decision-only path the differential uses equals simulate()', () => {
    for (const w of worlds.slice(0, 120)) {
      const view = viewOf(w);
      expect(decideOnly(w, view).decision).toBe(simulate(toOurRequest(w), view, { now: nowOf(w) }).decision);
    }
  });

  it('rejects a bad option with one clear message', () => {
    expect(() => parseArgs(['--count', 'many'])).toThrow('--count needs a non-negative integer, got "many"');
    expect(() => parseArgs(['--frobnicate'])).toThrow('unknown option "--frobnicate"');
    expect(parseArgs(['--seed', '7', '--count', '10'])).toMatchObject({ seed: 7, count: 10, bench: false });
  });
});
