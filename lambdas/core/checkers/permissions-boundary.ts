import { boundaryPolicy } from '../fix/find';
import { guardrailDeny, guardrailUnknown } from '../fix/guardrail';
import { boundaryTarget } from '../fix/targets';
import { callerIdentityArn } from '../fix/input';
import { viewLayer } from '../fix/layer-check';
import type { Checker, CheckResult } from './types';

export const checker: Checker = {
  id: 'permissions-boundary',
  title: "The principal's permissions boundary does not allow the action",
  detection:
    "When the caller's user or role has a permissions boundary, the engine evaluates it: the boundary must allow the action (and not deny it), whatever the identity policies grant.",
  fixSummary:
    'Add the action and resource to the boundary policy (aws iam create-policy-version --set-as-default), if the boundary owner agrees.',
  check(input): CheckResult {
    const view = viewLayer(input.evaluations, 'permissions-boundary', { implicitDenies: true });
    const boundary = boundaryPolicy(input.facts);
    const name = `permissions boundary ${boundary?.arn ?? boundary?.name ?? ''}`.trim();
    const locate = () => boundaryTarget(input);
    if (view.kind === 'unknown')
      return guardrailUnknown(input, view.missing, { layer: 'permissions-boundary', name, locate });
    if (view.kind !== 'deny') return { status: view.kind, detail: view.detail };
    const principalArn = callerIdentityArn(input.request, input.facts);
    return guardrailDeny(input, view, {
      layer: 'permissions-boundary',
      name,
      implicitWhy: `The boundary caps what ${principalArn ?? 'the caller'} may do: an action it does not allow is denied even when an identity policy allows it.`,
      locate,
    });
  },
};
