/**
 * Finding the policy document behind an engine trace, so a fix can patch the very statement that decided.
 */
import type { NamedPolicy, OrgLevel, RequestFacts } from '../model';
import type { PolicyEvaluation } from '../policy/types';
import { bucketFact } from './input';

const same = (p: NamedPolicy, e: PolicyEvaluation['policy']): boolean =>
  (e.arn !== undefined && p.arn === e.arn) ||
  (p.name === e.name && (e.arn === undefined || p.arn === undefined));

export function identityPolicies(facts: RequestFacts): readonly NamedPolicy[] {
  return facts.principal?.status === 'known' ? facts.principal.value.identityPolicies : [];
}

export function bucketPolicy(facts: RequestFacts, bucket: string | null): NamedPolicy | null {
  const b = bucketFact(facts, bucket);
  return b?.status === 'known' && b.value.policy.status === 'known' ? b.value.policy.value : null;
}

export function boundaryPolicy(facts: RequestFacts): NamedPolicy | null {
  return facts.principal?.status === 'known' ? facts.principal.value.permissionsBoundary : null;
}

export function sessionPolicy(facts: RequestFacts): NamedPolicy | null {
  return facts.sessionPolicy?.status === 'known' ? facts.sessionPolicy.value : null;
}

export function orgLevels(facts: RequestFacts, kind: 'scp' | 'rcp'): readonly OrgLevel[] {
  const f = kind === 'scp' ? facts.scpLevels : facts.rcpLevels;
  return f.status === 'known' && f.value ? f.value : [];
}

/** The policy of `candidates` that a trace names. */
export function findPolicy(
  candidates: readonly NamedPolicy[],
  e: PolicyEvaluation['policy'],
): NamedPolicy | null {
  return candidates.find((p) => same(p, e)) ?? null;
}

/** For SCP/RCP: the level (index) and policy a trace names; the engine reports one entry per level. */
export function findOrgPolicy(
  levels: readonly OrgLevel[],
  e: PolicyEvaluation['policy'],
): { level: OrgLevel; levelIndex: number; policy: NamedPolicy | null } | null {
  for (const [i, level] of levels.entries()) {
    const p = findPolicy(level.policies, e);
    if (p) return { level, levelIndex: i, policy: p };
  }
  for (const [i, level] of levels.entries()) {
    if (e.name === level.target || e.name.includes(level.target))
      return { level, levelIndex: i, policy: level.policies[0] ?? null };
  }
  return null;
}
