/**
 * Decides one world with both engines, maps both to allowed / explicitly-denied / implicitly-denied, and, for a
 * disagreement, shrinks the world to a minimal one that still disagrees the same way and names its class.
 */
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { evaluateNeeds } from '../../lambdas/core/analyze';
import { hypothetical, simulate } from '../../lambdas/core/simulate';
import type { Oracle, OracleResult } from './oracle';
import {
  A,
  fullContext,
  orgLevels,
  toOracleInput,
  toOurRequest,
  toSnapshot,
  type Doc,
  type Stmt,
  type World,
} from './world';

export type Outcome = 'allowed' | 'explicitly-denied' | 'implicitly-denied' | 'unknown' | 'error';

const ORACLE_OUTCOME: Record<OracleResult, Outcome> = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitly-denied',
  ImplicitlyDenied: 'implicitly-denied',
};

export interface OurDecision {
  readonly outcome: Outcome;
  /** For unknown: the facts our engine said were missing; for error: the message. */
  readonly detail?: string;
  /** The layers that were not allowed / not-applicable (for the report). */
  readonly layers: readonly string[];
}

export const nowOf = (w: World): Date => {
  const t = w.context['aws:CurrentTime'];
  return new Date(typeof t === 'string' ? t : '2026-11-20T10:00:00Z');
};

/** The snapshot as a file would be loaded (schema-validated), and its view. */
export function viewOf(w: World): SnapshotView {
  return new SnapshotView(loadSnapshot(JSON.stringify(toSnapshot(w)), 'generated.json'));
}

/**
 * The decision `simulate` gives, without the root-cause analysis `simulate` adds for denials (the differential
 * compares decisions only): the same hypothetical request, the same evaluation of every need, combined as simulate
 * combines them (explicit deny > implicit deny > unknown > allowed). test/differential/generator.test.ts checks
 * that this equals `simulate(...).decision`.
 */
export function decideOnly(
  w: World,
  view: SnapshotView,
): { decision: Outcome; layers: string[]; missing: string[] } {
  const { request, facts } = hypothetical(toOurRequest(w), view, nowOf(w));
  const results = evaluateNeeds(request, facts).map((e) => e.result);
  const decisions = results.map((r) => r.decision);
  const decision: Outcome = decisions.includes('explicitly-denied')
    ? 'explicitly-denied'
    : decisions.includes('implicitly-denied')
      ? 'implicitly-denied'
      : decisions.includes('unknown') || decisions.length === 0
        ? 'unknown'
        : 'allowed';
  const layers = results.flatMap((r) =>
    r.layers
      .filter((l) => l.result !== 'allowed' && l.result !== 'not-applicable')
      .map((l) => `${l.layer}:${l.result}`),
  );
  const missing = results.flatMap((r) => r.layers.flatMap((l) => l.missing ?? []));
  return { decision, layers: [...new Set(layers)].sort(), missing };
}

/** Our engine's decision on the world; `full` runs `simulate` itself (root causes included). */
export function ourDecision(w: World, full = false): OurDecision {
  let view: SnapshotView;
  try {
    view = viewOf(w);
  } catch (err) {
    return {
      outcome: 'error',
      detail: `snapshot: ${err instanceof Error ? err.message : String(err)}`,
      layers: [],
    };
  }
  try {
    if (full) {
      const sim = simulate(toOurRequest(w), view, { now: nowOf(w) });
      return { outcome: sim.decision, layers: [] };
    }
    const d = decideOnly(w, view);
    return {
      outcome: d.decision,
      layers: d.layers,
      ...(d.decision === 'unknown' ? { detail: d.missing.join('; ') } : {}),
    };
  } catch (err) {
    return { outcome: 'error', detail: err instanceof Error ? err.message : String(err), layers: [] };
  }
}

export interface OracleDecision {
  readonly outcome: Outcome;
  readonly detail?: string;
  readonly ignoredContextKeys: readonly string[];
}

export async function oracleDecision(oracle: Oracle, w: World): Promise<OracleDecision> {
  try {
    const res = await oracle.runSimulation(toOracleInput(w, oracle.anonymousPrincipal), {});
    if (res.resultType === 'error')
      return { outcome: 'error', detail: JSON.stringify(res.errors), ignoredContextKeys: [] };
    const ignored = res.resultType === 'single' ? (res.result.ignoredContextKeys ?? []) : [];
    return { outcome: ORACLE_OUTCOME[res.overallResult], ignoredContextKeys: ignored };
  } catch (err) {
    return {
      outcome: 'error',
      detail: err instanceof Error ? err.message : String(err),
      ignoredContextKeys: [],
    };
  }
}

// ---------------------------------------------------------------------------
// Shrinking: drop or simplify parts of the world while both engines keep deciding the same two ways.
// ---------------------------------------------------------------------------

/** Every policy document of the world, with a way to remove it (null when it cannot be removed). */
interface DocRef {
  doc: Doc;
  remove: (() => void) | null;
  layer: string;
  name?: string;
}

function docsOf(w: World): DocRef[] {
  const out: DocRef[] = [];
  const i = w.caller.identity;
  if (i) {
    for (const list of [i.inline, i.managed, i.group] as Doc[][])
      for (const d of list)
        out.push({ doc: d, layer: 'identity', remove: () => list.splice(list.indexOf(d), 1) });
    if (i.boundary) out.push({ doc: i.boundary, layer: 'boundary', remove: () => (i.boundary = null) });
  }
  const c = w.caller;
  if (c.sessionPolicy)
    out.push({ doc: c.sessionPolicy, layer: 'session', remove: () => (c.sessionPolicy = null) });
  if (w.bucketPolicy)
    out.push({ doc: w.bucketPolicy, layer: 'bucket', remove: () => (w.bucketPolicy = null) });
  const v = w.vpce;
  if (v?.policy) out.push({ doc: v.policy, layer: 'vpce', remove: () => (v.policy = null) });
  const org = w.org;
  if (org) {
    for (const p of org.scps) {
      // Every level keeps at least one SCP (AWS requires one once SCPs are enabled).
      const removable = p.targets.every((t) => org.scps.some((q) => q !== p && q.targets.includes(t)));
      out.push({
        doc: p.doc,
        layer: 'scp',
        name: p.name,
        remove: removable ? () => org.scps.splice(org.scps.indexOf(p), 1) : null,
      });
    }
    for (const p of org.rcps)
      out.push({ doc: p.doc, layer: 'rcp', remove: () => org.rcps.splice(org.rcps.indexOf(p), 1) });
  }
  return out;
}

const ALWAYS_PRESENT: ReadonlySet<string> = new Set([
  'aws:SecureTransport',
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:RequestedRegion',
  'aws:ViaAWSService',
  'aws:PrincipalIsAWSService',
  's3:authType',
  's3:signatureversion',
]);

const THROUGH_ENDPOINT: ReadonlySet<string> = new Set(['aws:SourceVpce', 'aws:SourceVpc', 'aws:VpcSourceIp']);
const FROM_INTERNET: ReadonlySet<string> = new Set(['aws:SourceIp']);

/** Candidate simplifications of a world, each applied to a fresh copy (by path into docsOf / fields). */
type Edit = (w: World) => boolean;

function edits(w: World): Edit[] {
  const out: Edit[] = [];
  const docs = docsOf(w);
  docs.forEach((d, di) => {
    if (d.remove) out.push((x) => (docsOf(x)[di]?.remove?.(), true));
    d.doc.Statement.forEach((s, si) => {
      const at = (x: World): Stmt | undefined => docsOf(x)[di]?.doc.Statement[si];
      if (d.doc.Statement.length > 1)
        out.push((x) => {
          const st = docsOf(x)[di]?.doc.Statement;
          if (!st) return false;
          st.splice(si, 1);
          return true;
        });
      const cond = s.Condition as Record<string, Record<string, unknown>> | undefined;
      if (cond) {
        out.push((x) => delete at(x)?.Condition);
        for (const [op, block] of Object.entries(cond)) {
          if (Object.keys(cond).length > 1)
            out.push((x) => delete (at(x)?.Condition as Record<string, unknown>)[op]);
          for (const [key, val] of Object.entries(block)) {
            if (Object.keys(block).length > 1)
              out.push(
                (x) => delete (at(x)?.Condition as Record<string, Record<string, unknown>>)[op]?.[key],
              );
            if (Array.isArray(val) && val.length > 1)
              for (const one of val)
                out.push((x) => {
                  const b = (at(x)?.Condition as Record<string, Record<string, unknown>>)[op];
                  if (b) b[key] = one;
                  return true;
                });
          }
        }
      }
      for (const el of ['Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal']) {
        const val = s[el];
        if (Array.isArray(val) && val.length > 1)
          for (const one of val)
            out.push((x) => {
              const st = at(x);
              if (st) st[el] = one;
              return true;
            });
      }
      if (s.Action !== undefined && s.Action !== w.action)
        out.push((x) => {
          const st = at(x);
          if (st) st.Action = w.action;
          return true;
        });
      if (s.Resource !== undefined && s.Resource !== '*')
        out.push((x) => {
          const st = at(x);
          if (st) st.Resource = '*';
          return true;
        });
      if (s.Principal !== undefined && s.Principal !== '*')
        out.push((x) => {
          const st = at(x);
          if (st) st.Principal = '*';
          return true;
        });
      if (s.NotAction !== undefined)
        out.push((x) => {
          const st = at(x);
          if (!st) return false;
          delete st.NotAction;
          st.Action = w.action;
          return true;
        });
      if (s.NotResource !== undefined)
        out.push((x) => {
          const st = at(x);
          if (!st) return false;
          delete st.NotResource;
          st.Resource = '*';
          return true;
        });
      if (s.Sid !== undefined) out.push((x) => delete at(x)?.Sid);
    });
  });
  // Listed only while it changes something: a no-op edit is always "accepted" and would spend the whole budget on
  // this position, never reaching the edits after it.
  if (w.org && (w.org.rcps.length > 0 || w.org.scps.some((p) => p.name !== 'FullAWSAccess')))
    out.push((x) => {
      if (!x.org) return false;
      x.org.rcps = [];
      x.org.scps = x.org.scps.filter((p) => p.name === 'FullAWSAccess');
      return x.org.scps.length > 0;
    });
  // Listing RCPFullAWSAccess changes nothing per AWS (it is attached everywhere): a disagreement that survives it
  // does not depend on how the snapshot shows the implicit RCP.
  if (w.org && !w.org.listsRcpFullAccess)
    out.push((x) => {
      if (x.org) x.org.listsRcpFullAccess = true;
      return true;
    });
  if (w.org) out.push((x) => ((x.org = null), true));
  // An endpoint with the default policy goes, and the request then comes from the internet
  if (w.vpce && w.vpce.policy === null)
    out.push((x) => {
      x.vpce = null;
      for (const k of THROUGH_ENDPOINT) delete x.context[k];
      x.context['aws:SourceIp'] = '203.0.113.7';
      return true;
    });
  if (w.vpce && w.vpce.owner !== A)
    out.push((x) => {
      if (x.vpce) x.vpce.owner = A;
      return true;
    });
  if (w.abac.enabled) out.push((x) => ((x.abac.enabled = false), true));
  for (const k of Object.keys(w.abac.tags)) out.push((x) => delete x.abac.tags[k]);
  if (w.restrictPublicBuckets) out.push((x) => ((x.restrictPublicBuckets = false), true));
  const i = w.caller.identity;
  if (i) for (const k of Object.keys(i.tags)) out.push((x) => delete x.caller.identity?.tags[k]);
  // Keys every request carries (our simulate adds them when absent, so removing them would not be the same
  // change for both engines) stay.
  // Nor do the keys of the network path (the endpoint's, or the caller's public address): without them the world
  // would say the request came through an endpoint (or from the internet) and carry none of its keys.
  const path = w.vpce ? THROUGH_ENDPOINT : FROM_INTERNET;
  for (const k of Object.keys(w.context))
    if (!ALWAYS_PRESENT.has(k) && !path.has(k)) out.push((x) => delete x.context[k]);
  return out;
}

export interface Pair {
  readonly ours: Outcome;
  readonly oracle: Outcome;
}

/**
 * Shrinks `w` while `decide` keeps answering `target`: greedy passes over the candidate edits (after an accepted
 * edit the pass goes on from the same position). Bounded: at most `budget` evaluations.
 */
export async function shrink(
  w: World,
  target: Pair,
  decide: (w: World) => Promise<Pair>,
  budget = 300,
): Promise<World> {
  let best = structuredClone(w);
  let spent = 0;
  let progress = true;
  while (progress && spent < budget) {
    progress = false;
    for (let k = 0; k < edits(best).length && spent < budget;) {
      const cand = structuredClone(best);
      const edit = edits(cand)[k];
      // an edit that changed nothing would be "accepted" for ever: it is skipped like a failed one
      if (!edit || !edit(cand) || JSON.stringify(cand) === JSON.stringify(best)) {
        k++;
        continue;
      }
      spent++;
      const got = await decide(cand);
      if (got.ours === target.ours && got.oracle === target.oracle) {
        best = cand;
        progress = true;
      } else k++;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------
// Class signature of a (shrunk) disagreement
// ---------------------------------------------------------------------------

const VARIABLE = /\$\{([^}]+)\}/g;

function principalKind(p: unknown): string[] {
  if (p === '*') return ['*'];
  if (typeof p !== 'object' || p === null) return ['?'];
  const out: string[] = [];
  for (const [type, v] of Object.entries(p as Record<string, unknown>)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      const s = String(one);
      if (type !== 'AWS') out.push(type);
      else if (s === '*') out.push('AWS:*');
      else if (/^\d{12}$/.test(s) || s.endsWith(':root')) out.push('account');
      else if (s.includes(':assumed-role/')) out.push('session');
      else if (s.includes(':role/')) out.push('role');
      else if (s.includes(':user/')) out.push('user');
      else out.push('AWS:other');
    }
  }
  return out;
}

const EPOCH = /^\d+$/;
const ALL_ADDRESSES = new Set(['0.0.0.0/0', '::/0']);

/** How a condition reads for the class: what AWS's rules for it depend on (key presence, qualifier, …). */
function conditionTag(op: string, key: string, values: unknown, ctx: ReadonlyMap<string, unknown>): string {
  const m = /^(ForAnyValue:|ForAllValues:)?(.*?)(IfExists)?$/.exec(op);
  const qualifier = m?.[1] ?? '';
  const base = m?.[2] ?? op;
  const ifExists = m?.[3] ?? '';
  const value = ctx.get(key.toLowerCase());
  const policyValues = (Array.isArray(values) ? values : [values]).map(String);
  if (base === 'Null') return `Null ${key}`;
  if (value === undefined) {
    const negated = /Not/.test(base) ? 'Not' : '';
    return `${qualifier}${negated}…${ifExists} on an absent key`;
  }
  if (/IpAddress$/.test(base) && !policyValues.some((v) => ALL_ADDRESSES.has(v))) {
    const addresses = (Array.isArray(value) ? value : [value]).map(String);
    if (addresses.some((a) => a.includes(':')) && !policyValues.some((v) => v.includes(':')))
      return `${qualifier}${base}${ifExists}: IPv6 address vs IPv4 blocks`;
  }
  if (policyValues.some((v) => ALL_ADDRESSES.has(v)))
    return `${base} ${policyValues.find((v) => ALL_ADDRESSES.has(v)) ?? ''}`;
  if (base.startsWith('Date')) {
    const requestEpoch = typeof value === 'string' && EPOCH.test(value);
    if (policyValues.some((v) => EPOCH.test(v) !== requestEpoch)) return `Date… epoch seconds vs ISO 8601`;
  }
  return `${qualifier}${base}${ifExists} ${key}`;
}

/** The policy-language features a world uses (conditions, Not* elements, variables, …), as AWS's rules see them. */
export function featureTags(w: World): Set<string> {
  const tags = new Set<string>();
  const ctx = new Map(Object.entries(fullContext(w)).map(([k, v]) => [k.toLowerCase(), v as unknown]));
  for (const d of docsOf(w)) {
    if (d.name === 'FullAWSAccess') continue;
    for (const s of d.doc.Statement) {
      const eff = String(s.Effect);
      if (s.NotAction !== undefined) tags.add(`${d.layer} ${eff} NotAction`);
      if (s.NotResource !== undefined) tags.add(`${d.layer} ${eff} NotResource`);
      if (s.NotPrincipal !== undefined)
        tags.add(`${d.layer} ${eff} NotPrincipal(${principalKind(s.NotPrincipal).join('|')})`);
      if (
        d.layer === 'bucket' &&
        s.Principal !== undefined &&
        (w.caller.sessionPolicy || w.caller.identity?.boundary)
      )
        tags.add(`bucket ${eff} Principal(${principalKind(s.Principal).join('|')})`);
      const where: [string, unknown][] = [
        [s.NotResource !== undefined ? 'NotResource' : 'Resource', s.Resource ?? s.NotResource],
        ['Condition', s.Condition ?? {}],
      ];
      for (const [element, value] of where)
        for (const v of JSON.stringify(value ?? null).matchAll(VARIABLE)) {
          const key = (v[1] ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
          tags.add(`variable \${${v[1] ?? ''}} in ${element} (key ${ctx.has(key) ? 'present' : 'absent'})`);
        }
      const cond = s.Condition as Record<string, Record<string, unknown>> | undefined;
      for (const [op, block] of Object.entries(cond ?? {}))
        for (const [key, values] of Object.entries(block)) tags.add(conditionTag(op, key, values, ctx));
    }
  }
  if (w.caller.sessionPolicy) tags.add('session policy');
  if (w.caller.identity?.boundary) tags.add('permissions boundary');
  if (w.restrictPublicBuckets) tags.add('RestrictPublicBuckets');
  if (w.vpce && w.vpce.owner !== A) tags.add('VPC endpoint of another account');
  if (w.abac.enabled && Object.keys(w.abac.tags).length > 0) tags.add('bucket ABAC with tags');
  if (w.org && !w.org.listsRcpFullAccess) tags.add('RCPFullAWSAccess implied (not listed)');
  // AWS keeps at least one SCP attached to every root, OU and account once SCPs are enabled: a shrunk world may not
  const scps = w.org?.scps ?? [];
  const callerLevels = w.org && w.caller.identity ? orgLevels(w.org, w.caller.identity.account) : null;
  if (scps.length > 0 && callerLevels?.some((t) => !scps.some((p) => p.targets.includes(t))))
    tags.add('an organization level with no SCP attached');
  return tags;
}

/** The decisions of a disagreement and the layers our engine did not allow (guardrails and explicit denies). */
export const groupOf = (pair: Pair, ourLayers: readonly string[]): string => {
  // A grant layer that grants nothing is the normal case, not a reason.
  const reasons = ourLayers.filter((l) => !/^(identity-policy|bucket-policy):implicitly-denied$/.test(l));
  return `ours=${pair.ours} iam-simulate=${pair.oracle}${reasons.length ? ` [${reasons.join(', ')}]` : ''}`;
};

/** The class of a (shrunk) disagreement: the features its minimal example still needs, as AWS's rules see them. */
export function signature(tags: ReadonlySet<string>): string {
  const sorted = [...tags].sort();
  return sorted.length ? sorted.join('; ') : '(no policy-language feature: a layer-combination difference)';
}

/** Which layers are present at all in the shrunk world (for the report). */
export function layersOf(w: World): string[] {
  return [...new Set(docsOf(w).map((d) => d.layer))];
}
