import { guardrailDeny, guardrailUnknown } from '../fix/guardrail';
import { viewLayer } from '../fix/layer-check';
import { orgTarget } from '../fix/org';
import type { Checker, CheckResult } from './types';

export const checker: Checker = {
  id: 'rcp-deny',
  title: 'A resource control policy denies the request',
  detection:
    "The engine evaluates the RCPs at every level of the bucket account's organization path; a matching Deny (typically on aws:PrincipalOrgID or aws:SecureTransport) denies. RCPFullAWSAccess is attached to every level and cannot be detached, so a level without a Deny restricts nothing. RCPs do not apply to the management account's resources or to service-linked roles.",
  fixSummary:
    'Make the request satisfy the RCP (e.g. call from inside the organization, over TLS), or add an exception for this principal to the RCP statement (aws organizations update-policy).',
  check(input): CheckResult {
    const view = viewLayer(input.evaluations, 'rcp', { implicitDenies: true });
    const locate = (ref: Parameters<typeof orgTarget>[2]) => orgTarget(input.facts, 'rcp', ref);
    if (view.kind === 'unknown') {
      // RCPFullAWSAccess allows at every level: only a Deny that could match makes an RCP a possible cause
      if (view.unknown.every((h) => h.layer.denyPossible === false))
        return { status: 'pass', detail: 'no RCP Deny statement can match this request' };
      return guardrailUnknown(input, view.missing, { layer: 'rcp', name: 'resource control policy', locate });
    }
    if (view.kind !== 'deny') return { status: view.kind, detail: view.detail };
    return guardrailDeny(input, view, {
      layer: 'rcp',
      name: 'resource control policy',
      implicitWhy:
        'RCPFullAWSAccess allows everything at every level; only a Deny in an RCP restricts the resource.',
      locate,
    });
  },
};
