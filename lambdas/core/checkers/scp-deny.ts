import { guardrailDeny, guardrailUnknown } from '../fix/guardrail';
import { viewLayer } from '../fix/layer-check';
import { orgTarget } from '../fix/org';
import type { Checker, CheckResult } from './types';

export const checker: Checker = {
  id: 'scp-deny',
  title: 'A service control policy denies, or does not allow, the action',
  detection:
    "The engine evaluates the SCPs at every level of the caller's organization path (root, each OU, the account); a matching Deny at any level, or a level without a matching Allow, denies. The management account is exempt.",
  fixSummary:
    'Add an aws:PrincipalArn exception to the denying SCP statement, or an Allow at the level that lacks one (aws organizations update-policy); SCPs are guardrails, so confirm the exception with whoever owns them.',
  check(input): CheckResult {
    const view = viewLayer(input.evaluations, 'scp', { implicitDenies: true });
    const locate = (ref: Parameters<typeof orgTarget>[2]) => orgTarget(input.facts, 'scp', ref);
    if (view.kind === 'unknown')
      return guardrailUnknown(input, view.missing, { layer: 'scp', name: 'service control policy', locate });
    if (view.kind !== 'deny') return { status: view.kind, detail: view.detail };
    return guardrailDeny(input, view, {
      layer: 'scp',
      name: 'service control policy',
      implicitWhy:
        'Every level of the organization path must allow the action through an SCP (FullAWSAccess or an explicit Allow).',
      locate,
    });
  },
};
