import { guardrailDeny } from '../fix/guardrail';
import { sessionTarget } from '../fix/targets';
import { viewLayer } from '../fix/layer-check';
import type { Checker, CheckResult } from './types';

export const checker: Checker = {
  id: 'session-policy',
  title: 'The session policy of the assumed-role or federated session does not allow it',
  detection:
    'When the session was created with a session policy (AssumeRole --policy / --policy-arns, GetFederationToken), the engine evaluates it: it must allow the action as well as the identity policy.',
  fixSummary:
    'Pass a session policy that also allows the action and resource when the session is created (aws sts assume-role --policy file://session-policy.json).',
  check(input): CheckResult {
    const view = viewLayer(input.evaluations, 'session-policy', { implicitDenies: true });
    if (view.kind === 'unknown') return { status: 'unknown', missing: view.missing };
    if (view.kind !== 'deny') return { status: view.kind, detail: view.detail };
    // a federated user session is created by its IAM user with GetFederationToken, not by assuming a role
    const federated = input.request.principal.type === 'FederatedUser';
    return guardrailDeny(input, view, {
      layer: 'session-policy',
      name: 'session policy',
      implicitWhy: `A session's permissions are the intersection of the ${federated ? 'IAM user' : 'role'}'s identity policies and the session policy.`,
      locate: () => sessionTarget(input),
    });
  },
};
