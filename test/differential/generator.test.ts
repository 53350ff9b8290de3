/**
 * The differential generator (scripts/differential), run through OUR engine only: no network, no
 * @cloud-copilot/iam-simulate. Every generated snapshot is complete, so it must load (valid per the snapshot
 * schema, docs/SNAPSHOT.md) and our engine must decide every request: allowed, explicitly denied or implicitly
 * denied, never "unknown" (issue 12 item 5: on a complete snapshot `simulate` never answers unknown).
 */
import { loadSnapshot } from '../../lambdas/adapters/snapshot';
import { simulate } from '../../lambdas/core/simulate';
import { decideOnly, featureTags, nowOf, shrink, viewOf } from '../../scripts/differential/compare';
import { caseSeed, generateWorld } from '../../scripts/differential/generate';
import { parseArgs } from '../../scripts/differential/index';
import {
  A,
  B,
  C,
  FULL_ACCESS,
  N,
  ORG_ID,
  OU_N,
  ROOT_ID,
  fullContext,
  toOracleInput,
  toOurRequest,
  toSnapshot,
  type World,
} from '../../scripts/differential/world';

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

  it('covers the VPC endpoint perimeter keys and bucket ABAC: conditions on them, endpoints of four owners, ABAC on and off', () => {
    const text = worlds.map((w) => JSON.stringify(toSnapshot(w))).join('\n');
    for (const key of ['aws:VpceAccount', 'aws:VpceOrgID', 'aws:VpceOrgPaths', 'aws:ResourceTag/'])
      expect(text).toContain(`"${key}`);
    const owners = new Set(worlds.flatMap((w) => (w.vpce ? [w.vpce.owner] : [])));
    for (const owner of [A, N, C]) expect(owners).toContain(owner);
    const tagged = worlds.filter((w) => Object.keys(w.abac.tags).length > 0);
    expect(tagged.some((w) => w.abac.enabled)).toBe(true);
    expect(tagged.some((w) => !w.abac.enabled)).toBe(true);
  });

  /** A world whose caller may do anything, with `bucketPolicy` the only other policy, and no organization policies. */
  function perimeterWorld(statement: Record<string, unknown>, change: (w: World) => void): World {
    const base = worlds.find((x) => x.caller.kind === 'session' && x.caller.identity?.account === A);
    if (!base?.caller.identity) throw new Error('no same-account session among the generated worlds');
    const w = structuredClone(base);
    const identity = w.caller.identity;
    if (!identity) throw new Error('unreachable');
    Object.assign(identity, { inline: [FULL_ACCESS], managed: [], group: [], boundary: null });
    w.caller.sessionPolicy = null;
    if (w.org) Object.assign(w.org, { scps: [], rcps: [] });
    w.restrictPublicBuckets = false;
    w.bucketPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', ...statement }],
    };
    change(w);
    return w;
  }

  const withEndpoint = (owner: string) => (w: World) => {
    w.vpce = { id: 'vpce-1a2b3c4d', vpc: 'vpc-11112222', owner, policy: null };
    for (const k of ['aws:SourceIp', 'aws:SourceVpce', 'aws:SourceVpc', 'aws:VpcSourceIp'])
      delete w.context[k];
    w.context['aws:SourceVpce'] = 'vpce-1a2b3c4d';
  };
  const organized = (w: World) => {
    if (!w.org)
      w.org = {
        paths: { [A]: ['ou-ab12-11111111'], [B]: [] },
        scps: [],
        rcps: [],
        listsRcpFullAccess: false,
      };
  };

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpceaccount
  // (#condition-keys-vpceorgid, #condition-keys-vpceorgpaths): the endpoint owner's account, organization and path,
  // present only for a request through a VPC endpoint.
  it('the reference context and our engine agree on the endpoint keys: owner, its organization, its path; none from the internet', () => {
    const perimeter = { Condition: { StringNotEqualsIfExists: { 'aws:VpceOrgID': ORG_ID } } };
    const central = perimeterWorld(perimeter, (w) => (organized(w), withEndpoint(N)(w)));
    expect(fullContext(central)).toMatchObject({
      'aws:VpceAccount': N,
      'aws:VpceOrgID': ORG_ID,
      'aws:VpceOrgPaths': [`${ORG_ID}/${ROOT_ID}/${OU_N}/`],
    });
    expect(decideOnly(central, viewOf(central)).decision).toBe('allowed');
    const outside = perimeterWorld(perimeter, (w) => (organized(w), withEndpoint(C)(w)));
    expect(fullContext(outside)['aws:VpceAccount']).toBe(C);
    expect(fullContext(outside)).not.toHaveProperty(['aws:VpceOrgID']);
    expect(decideOnly(outside, viewOf(outside)).decision).toBe('explicitly-denied');
    const account = perimeterWorld(
      { Condition: { StringEquals: { 'aws:VpceAccount': N } } },
      withEndpoint(N),
    );
    expect(decideOnly(account, viewOf(account)).decision).toBe('explicitly-denied');
    const internet = perimeterWorld({ Condition: { Null: { 'aws:VpceAccount': 'true' } } }, (w) => {
      w.vpce = null;
    });
    for (const k of ['aws:VpceAccount', 'aws:VpceOrgID', 'aws:VpceOrgPaths'])
      expect(fullContext(internet)).not.toHaveProperty([k]);
    expect(decideOnly(internet, viewOf(internet)).decision).toBe('explicitly-denied');
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html: with ABAC enabled the
  // bucket's tags are aws:ResourceTag/<key>; disabled (the default), the tags are not evaluated.
  it('the reference context and our engine agree on bucket tags: aws:ResourceTag with ABAC enabled, absent with it disabled', () => {
    const deny = { Condition: { StringEquals: { 'aws:ResourceTag/team': 'red' } } };
    const on = perimeterWorld(deny, (w) => (w.abac = { enabled: true, tags: { team: 'red' } }));
    expect(fullContext(on)['aws:ResourceTag/team']).toBe('red');
    expect(toOracleInput(on, {})).toMatchObject({ additionalSettings: { s3: { bucketAbacEnabled: true } } });
    expect(decideOnly(on, viewOf(on)).decision).toBe('explicitly-denied');
    const off = perimeterWorld(deny, (w) => (w.abac = { enabled: false, tags: { team: 'red' } }));
    expect(fullContext(off)).not.toHaveProperty(['aws:ResourceTag/team']);
    expect(decideOnly(off, viewOf(off)).decision).toBe('allowed');
  });

  // A disagreement that survives every edit shrinks to the bare world. The edit "keep only FullAWSAccess" used to be
  // offered (and "accepted") when it changed nothing, spending the whole budget on one position: no edit after it
  // (the organization, the endpoint, ABAC, tags, request keys) was ever tried.
  it('shrinking tries every edit: a no-op edit does not spend the budget', async () => {
    const w = worlds.find(
      (x) => x.org !== null && x.org.rcps.length === 0 && x.org.scps.every((p) => p.name === 'FullAWSAccess'),
    );
    if (!w) throw new Error('no world with only FullAWSAccess among the generated ones');
    const rich = structuredClone(w);
    rich.abac = { enabled: true, tags: { team: 'red' } };
    let calls = 0;
    const small = await shrink(
      rich,
      { ours: 'allowed', oracle: 'allowed' },
      () => {
        calls++;
        return Promise.resolve({ ours: 'allowed', oracle: 'allowed' });
      },
      200,
    );
    expect(calls).toBeLessThan(200);
    expect(small.org).toBeNull();
    expect(small.abac).toEqual({ enabled: false, tags: {} });
    expect(featureTags(small).size).toBe(0);
  });

  // Shrinking never makes a world AWS cannot produce: a request through an endpoint carries its keys, one from the
  // internet carries aws:SourceIp (an endpoint going away takes its keys with it).
  it('shrinking keeps the network path whole: endpoint keys with an endpoint, aws:SourceIp without', async () => {
    const keep = () => Promise.resolve({ ours: 'allowed' as const, oracle: 'allowed' as const });
    const consistent = (x: World): boolean =>
      x.vpce === null
        ? 'aws:SourceIp' in x.context && !('aws:SourceVpce' in x.context)
        : x.context['aws:SourceVpce'] === x.vpce.id && x.context['aws:SourceVpc'] === x.vpce.vpc;
    const viaEndpoint = worlds.filter((x) => x.vpce !== null).slice(0, 8);
    const fromInternet = worlds.filter((x) => x.vpce === null).slice(0, 8);
    expect(viaEndpoint.length).toBeGreaterThan(0);
    for (const w of [...viaEndpoint, ...fromInternet]) {
      const small = await shrink(w, { ours: 'allowed', oracle: 'allowed' }, keep, 400);
      expect(consistent(small)).toBe(true);
    }
  });

  it('rejects a bad option with one clear message', () => {
    expect(() => parseArgs(['--count', 'many'])).toThrow('--count needs a non-negative integer, got "many"');
    expect(() => parseArgs(['--frobnicate'])).toThrow('unknown option "--frobnicate"');
    expect(parseArgs(['--seed', '7', '--count', '10'])).toMatchObject({ seed: 7, count: 10, bench: false });
  });
});
