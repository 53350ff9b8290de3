/**
 * A resource-based policy (bucket, access point, KMS key policy) seen as grants: each Allow statement that may
 * match, with the kind of principal it names, and whether a Deny matches.
 */
import type { Fact, NamedPolicy } from '../../model';
import type { EngineRequest, LayerId, Tri } from '../types';
import {
  denyTri,
  evaluate,
  factMissing,
  firstMatching,
  layer,
  missingOf,
  notApplicable,
  stmtLabel,
  type Evaluated,
  type LayerCalc,
} from './evaluate';
import { categoryOf, matchKindOf, type GrantCategory } from './grants';
import { isPublicPolicy } from './public-policy';
import { and3, or3 } from './tri';

export interface PolicyGrant {
  readonly category: GrantCategory;
  readonly matched: Tri;
  readonly label: string;
}

export interface ResourcePolicy {
  /** 'absent': no policy; 'unknown': the policy could not be read. */
  readonly state: 'present' | 'absent' | 'unknown';
  readonly evaluated: Evaluated | null;
  readonly isPublic: boolean;
  readonly grants: readonly PolicyGrant[];
  readonly deny: Tri;
  /** A Deny that matched (or may match) is set aside by a rule of AWS (the root user's lock-out recovery). */
  readonly denyExempt?: boolean;
}

const UNKNOWN_GRANTS: readonly PolicyGrant[] = (['direct', 'role', 'account'] as const).map((category) => ({
  category,
  matched: 'unknown',
  label: 'unreadable policy',
}));

/**
 * A Deny with NotPrincipal always denies a principal that has a permissions boundary, whatever NotPrincipal names.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
function notPrincipalBoundaryDeny(e: Evaluated, hasBoundary: boolean): Tri {
  if (!hasBoundary || e.parsed === null) return false;
  // near misses are read below (a NotPrincipal that does not match): open the full traces only when needed
  if (!e.parsed.statements.some((st) => st.effect === 'Deny' && 'NotPrincipal' in st.raw)) return false;
  let result: Tri = false;
  for (const s of e.ev.statements) {
    if (s.effect !== 'Deny' || s.matched === true || !s.actionMatched || !s.resourceMatched) continue;
    const raw = e.parsed.statements[s.index - 1]?.raw;
    if (!raw || !('NotPrincipal' in raw)) continue;
    const cond = and3(...s.conditions.map((c) => c.result));
    if (cond === true) return true;
    if (cond === 'unknown') result = 'unknown';
  }
  return result;
}

export function resourcePolicy(
  fact: Fact<NamedPolicy | null>,
  req: EngineRequest,
  hasBoundary: boolean,
): ResourcePolicy {
  if (fact.status === 'unknown')
    return { state: 'unknown', evaluated: null, isPublic: true, grants: UNKNOWN_GRANTS, deny: 'unknown' };
  if (fact.value === null)
    return { state: 'absent', evaluated: null, isPublic: false, grants: [], deny: false };
  const e = evaluate(fact.value, req);
  if (e.error !== null)
    return { state: 'present', evaluated: e, isPublic: true, grants: UNKNOWN_GRANTS, deny: 'unknown' };
  const grants: PolicyGrant[] = [];
  for (const s of e.applying) {
    if (s.effect !== 'Allow' || s.matched === false) continue;
    grants.push({
      category: categoryOf(matchKindOf(s), req.principal),
      matched: s.matched,
      label: `${e.policy.name} ${stmtLabel(s)}`,
    });
  }
  const deny = or3(denyTri(e), notPrincipalBoundaryDeny(e, hasBoundary));
  return { state: 'present', evaluated: e, isPublic: isPublicPolicy(fact.value), grants, deny };
}

export function grantLayer(
  id: LayerId,
  pol: ResourcePolicy,
  fact: Fact<NamedPolicy | null>,
  what: string,
  effective: Tri,
  voidNote: string | null,
  req: EngineRequest,
  sameAccount: boolean,
): LayerCalc {
  if (pol.state === 'unknown') {
    const missing = factMissing(`the ${what}`, fact);
    return {
      result: layer(id, 'unknown', [], `could not read ${missing}`, [missing]),
      permit: 'unknown',
      deny: 'unknown',
    };
  }
  if (pol.state === 'absent' || pol.evaluated === null) return notApplicable(id, `there is no ${what}`);
  const e = pol.evaluated;
  const evs = [e.ev];
  if (pol.denyExempt) {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
    return {
      result: {
        ...layer(
          id,
          'allowed',
          evs,
          `the bucket owner account's root user may always get, put and delete the bucket policy (lock-out recovery): ${firstMatching([e], 'Deny')} does not apply to ${req.action}`,
        ),
        rule: 'root-lockout-recovery',
      },
      permit: effective,
      deny: false,
    };
  }
  if (pol.deny === true) {
    const note =
      denyTri(e) === true
        ? `${firstMatching([e], 'Deny')} denies ${req.action}`
        : `a Deny with NotPrincipal always denies a principal that has a permissions boundary (${e.policy.name})`;
    return { result: layer(id, 'explicitly-denied', evs, note), permit: false, deny: true };
  }
  if (effective === true) {
    const onlyAccount =
      sameAccount && pol.grants.filter((g) => g.matched === true).every((g) => g.category === 'account');
    const label = pol.grants.find((g) => g.matched === true)?.label ?? e.policy.name;
    const note = onlyAccount
      ? `${label} names the account: it only delegates to the account's IAM policies`
      : `${label} allows ${req.action}`;
    return {
      result: layer(id, pol.deny === 'unknown' ? 'unknown' : 'allowed', evs, note, missingOf([e])),
      permit: true,
      deny: pol.deny,
    };
  }
  if (effective === 'unknown' || pol.deny === 'unknown') {
    return {
      result: layer(id, 'unknown', evs, `the ${what} may or may not allow ${req.action}`, missingOf([e])),
      permit: effective,
      deny: pol.deny,
    };
  }
  const note = voidNote ?? `no statement of the ${what} allows ${req.action}`;
  return { result: layer(id, 'implicitly-denied', evs, note), permit: false, deny: false };
}
