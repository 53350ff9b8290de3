/** Locating and patching one organization policy (SCP or RCP) at one level of the organization path. */
import type { NamedPolicy, OrgLevel, RequestFacts } from '../model';
import { known } from '../model';
import type { PolicyEvaluation } from '../policy/types';
import { newOrgPolicyCommands, orgPolicyCommands } from './commands';
import { findOrgPolicy, orgLevels } from './find';
import type { GuardrailTarget } from './guardrail';

export function orgTarget(
  facts: RequestFacts,
  kind: 'scp' | 'rcp',
  ref: PolicyEvaluation['policy'] | null,
): GuardrailTarget {
  const levels = orgLevels(facts, kind);
  const found = ref ? findOrgPolicy(levels, ref) : null;
  const file = kind === 'scp' ? 'scp.json' : 'rcp.json';
  const type = kind === 'scp' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY';
  const policy = found?.policy ?? null;
  const levelTarget = found?.level.target ?? 'TARGET_ID';
  // An organization policy is one policy wherever it is attached: a changed policy (update-policy) changes at every
  // level of the path it is attached to. A new policy is attached at the one level that lacks an Allow.
  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdatePolicy.html
  const isIt = (p: NamedPolicy): boolean =>
    policy !== null &&
    (p === policy ||
      (policy.arn !== undefined && p.arn === policy.arn) ||
      (policy.id !== undefined && p.id === policy.id));
  const apply = (patched: NamedPolicy): readonly OrgLevel[] =>
    levels.map((l, i) => {
      if (policy !== null)
        return l.policies.some(isIt) ? { ...l, policies: l.policies.map((p) => (isIt(p) ? patched : p)) } : l;
      return i !== found?.levelIndex ? l : { ...l, policies: [...l.policies, patched] };
    });
  return {
    policy,
    fallback: { name: `s3-403-fix-${kind}`, source: kind },
    commands: policy
      ? orgPolicyCommands(policy, file)
      : newOrgPolicyCommands(type, `s3-403-fix-${kind}`, file, levelTarget),
    principalElement: kind === 'rcp',
    apply: (base, patched) =>
      kind === 'scp'
        ? { ...base, scpLevels: known(apply(patched)) }
        : { ...base, rcpLevels: known(apply(patched)) },
  };
}
