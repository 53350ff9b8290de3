import type { ActionNeed, NamedPolicy } from '../model';
import { known } from '../model';
import { bucketPolicyCommands, identityPolicyCommands } from '../fix/commands';
import { bucketPolicy, findPolicy, identityPolicies } from '../fix/find';
import { callerIdentityArn } from '../fix/input';
import { type LayerHit, nearMissAllows, statementLabel } from '../fix/layers';
import { viewLayer } from '../fix/layer-check';
import { type Json, statementAt, withReplacedStatement, withResources } from '../fix/patch';
import { verifyS3 } from '../fix/verify';
import { compileGlob, encodeWildcards, globTest, type GlobPattern } from '../policy/match';
import type { LayerId, PolicyEvaluation, StatementTrace } from '../policy/types';
import type { Checker, CheckerInput, CheckResult } from './types';

const GLOBS = new Map<string, GlobPattern | RegExp>();
const GLOBS_MAX = 8192;
const SENTINEL = /[\uE000\uE001]/;

function globRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's', // `*` and `?` match any character, line breaks too, as in the engine (a key may hold them)
  );
}

/**
 * IAM-style wildcard match (* and ?), case-sensitive as ARNs are. Used only to classify a Resource pattern.
 * The policy engine's compiled glob (no RegExp to build), except for a pattern holding the engine's own wildcard
 * sentinels (private-use characters), which the RegExp form matches literally.
 */
export function globMatch(pattern: string, value: string): boolean {
  let g = GLOBS.get(pattern);
  if (g === undefined) {
    g = SENTINEL.test(pattern) ? globRegExp(pattern) : compileGlob(encodeWildcards(pattern));
    if (GLOBS.size >= GLOBS_MAX) GLOBS.clear();
    GLOBS.set(pattern, g);
  }
  return g instanceof RegExp ? g.test(value) : globTest(g, value);
}

const resourcesOf = (s: Json): string[] => {
  const r = s['Resource'];
  return (Array.isArray(r) ? r : r === undefined ? [] : [r]).filter(
    (x): x is string => typeof x === 'string',
  );
};

interface Mismatch {
  readonly layer: 'identity-policy' | 'bucket-policy';
  readonly need: ActionNeed;
  readonly policy: NamedPolicy;
  readonly trace: StatementTrace;
  readonly written: string;
  readonly needed: string;
}

/** The resource form the statement should also name, when it names the other form of the same bucket. */
function neededForm(
  need: ActionNeed,
  patterns: readonly string[],
): { written: string; needed: string } | null {
  if (!need.bucket) return null;
  const bucketArn = `arn:aws:s3:::${need.bucket}`;
  // Only when the statement names no resource of the needed form for this bucket: a statement that also
  // names bucket/dev/* is scoped on purpose, not mistaken.
  const objectForm = (p: string): boolean =>
    p.startsWith(`${bucketArn}/`) || (p.includes('/') && globMatch(p, `${bucketArn}/x`));
  if (need.resourceType === 'object') {
    if (patterns.some(objectForm)) return null;
    const written = patterns.find((p) => globMatch(p, bucketArn));
    return written ? { written, needed: `${bucketArn}/*` } : null;
  }
  if (need.resourceType === 'bucket') {
    if (patterns.some((p) => globMatch(p, bucketArn))) return null;
    const written = patterns.find(objectForm);
    return written ? { written, needed: bucketArn } : null;
  }
  return null;
}

/**
 * A need this mistake can concern: the bucket's own S3 ARN (object or bucket form). Through an access point the
 * policies name other ARN forms (…:accesspoint/name/object/key); directory buckets and Object Lambda have their own.
 */
const judgeable = (h: LayerHit): boolean => {
  const need = h.evaluation.need;
  return (
    need.bucketResource === undefined &&
    need.bucket !== null &&
    (need.resourceType === 'object' || need.resourceType === 'bucket') &&
    /^arn:[\w-]+:s3:::/.test(need.resource)
  );
};

function findMismatches(
  input: CheckerInput,
  hitsList: readonly LayerHit[],
  layer: Mismatch['layer'],
): Mismatch[] {
  const out: Mismatch[] = [];
  for (const h of hitsList) {
    if (!judgeable(h)) continue;
    const candidates: readonly NamedPolicy[] =
      layer === 'identity-policy'
        ? identityPolicies(input.facts)
        : [bucketPolicy(input.facts, h.evaluation.need.bucket)].filter((p): p is NamedPolicy => p !== null);
    for (const { policy, statement } of nearMissAllows(h.layer)) {
      if (statement.resourceMatched || statement.principalMatched === false) continue;
      if (statement.conditions.some((c) => c.result === false)) continue;
      const named = findPolicy(candidates, (policy as PolicyEvaluation).policy);
      const raw = named ? statementAt(named, statement.index) : null;
      if (!named || !raw) continue;
      const form = neededForm(h.evaluation.need, resourcesOf(raw));
      if (form) out.push({ layer, need: h.evaluation.need, policy: named, trace: statement, ...form });
    }
  }
  return out;
}

function apply(
  base: import('../policy/types').AuthorizationInput,
  m: Mismatch,
  patched: NamedPolicy,
  input: CheckerInput,
) {
  if (m.layer === 'bucket-policy') return { ...base, bucketPolicy: known(patched) };
  return {
    ...base,
    identityPolicies: known(identityPolicies(input.facts).map((p) => (p === m.policy ? patched : p))),
  };
}

export const checker: Checker = {
  id: 'resource-arn-mismatch',
  title: 'An Allow names the bucket ARN where the object ARN is needed, or the reverse',
  detection:
    'Among the Allow statements the engine reports as near misses (action matched, resource did not), one names arn:aws:s3:::bucket for an object action (which needs arn:aws:s3:::bucket/*) or bucket/* for a bucket action.',
  fixSummary:
    'Add the missing resource form (arn:aws:s3:::bucket/* or arn:aws:s3:::bucket) to that statement; verified by re-evaluation.',
  check(input): CheckResult {
    const layers: Mismatch['layer'][] = ['identity-policy', 'bucket-policy'];
    const views = layers.map((l) => ({ l, v: viewLayer(input.evaluations, l as LayerId) }));
    const mismatches = views.flatMap(({ l, v }) =>
      v.kind === 'deny' ? findMismatches(input, v.implicit, l) : [],
    );
    if (mismatches.length === 0) {
      // A layer whose policies could not be read may hold the mistake: unknown, not pass, even when the other was
      // read. A layer read but undecided (a condition key unknown) shows its statements: none names the wrong form.
      const unread = (h: LayerHit): boolean => judgeable(h) && h.layer.policies.length === 0;
      const unknown = views.filter(({ v }) => v.kind === 'unknown' && v.unknown.some(unread));
      if (unknown.length > 0) {
        return {
          status: 'unknown',
          missing: unknown.flatMap(({ v }) => (v.kind === 'unknown' ? v.missing : [])),
        };
      }
      if (views.every(({ v }) => v.kind === 'not-applicable')) return { status: 'not-applicable' };
      return { status: 'pass', detail: 'no Allow statement names the wrong resource form' };
    }
    const m = mismatches[0]!;
    const certain = views.some(({ l, v }) => l === m.layer && v.kind === 'deny' && v.certain);
    const label = statementLabel(m.trace);
    const original = statementAt(m.policy, m.trace.index)!;
    const changed = withResources(original, [m.needed]);
    const patched = withReplacedStatement(m.policy, m.trace.index, changed);
    const outcome = verifyS3(input, [m.need], m.layer, (base) => apply(base, m, patched, input));
    const principalArn = callerIdentityArn(input.request, input.facts);
    const where =
      m.layer === 'bucket-policy'
        ? `the bucket policy of ${m.need.bucket}`
        : `identity policy ${m.policy.arn ?? m.policy.name}`;
    return {
      status: 'deny',
      confidence: certain ? 'confirmed' : 'likely',
      title: `Statement ${label} of ${where} allows ${m.need.action} on ${m.written}, but the request needs ${m.need.resource}`,
      explanation: `${m.need.action} is ${m.need.resourceType === 'object' ? 'an object-level' : 'a bucket-level'} action: it applies to ${
        m.need.resourceType === 'object'
          ? 'object ARNs (arn:aws:s3:::bucket/key)'
          : 'the bucket ARN (arn:aws:s3:::bucket)'
      }. Statement ${label} names ${m.written}, which does not match ${m.need.resource}, so it grants nothing for this request.`,
      evidence: mismatches.map((x) => ({
        layer: x.layer,
        statement: statementLabel(x.trace),
        policy: x.policy.arn ?? x.policy.name,
        detail: `Resource ${x.written} does not match ${x.need.resource} (${x.need.action} needs ${x.needed})`,
      })),
      fix: {
        summary: `Add ${m.needed} to the Resource of statement ${label} in ${where}.`,
        commands:
          m.layer === 'bucket-policy'
            ? bucketPolicyCommands(m.need.bucket!)
            : identityPolicyCommands(principalArn, m.policy),
        policyPatch: {
          layer: m.layer,
          policy: m.policy.arn ?? m.policy.name,
          statement: label,
          replaceStatement: changed,
        },
        ...outcome,
      },
    };
  },
};
