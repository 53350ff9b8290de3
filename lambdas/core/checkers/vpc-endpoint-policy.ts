import { known } from '../model';
import { vpcEndpointCommands } from '../fix/commands';
import { guardrailDeny } from '../fix/guardrail';
import { viewLayer } from '../fix/layer-check';
import type { Checker, CheckResult } from './types';

export const checker: Checker = {
  id: 'vpc-endpoint-policy',
  title: 'The VPC endpoint policy the request went through does not allow it, or denies it',
  detection:
    'For requests with a vpcEndpointId, the engine evaluates the endpoint policy (absent = full access); a matching Deny, or no matching Allow, stops the request. A VpceAccessDenied network-activity record alone makes it likely.',
  fixSummary:
    'Add an Allow for this principal, action and resource to the endpoint policy (aws ec2 modify-vpc-endpoint --policy-document), or exempt the principal from the Deny.',
  check(input): CheckResult {
    const { request, facts, evaluations } = input;
    const endpointId =
      request.vpcEndpointId ?? (facts.vpcEndpoint?.status === 'known' ? facts.vpcEndpoint.value.id : null);
    const view = viewLayer(evaluations, 'vpc-endpoint-policy', { implicitDenies: true });
    const saysVpce = request.errorCode === 'VpceAccessDenied' || request.enhancedMessage.kind === 'vpce';
    if (view.kind === 'deny') {
      const vpce = facts.vpcEndpoint?.status === 'known' ? facts.vpcEndpoint.value : null;
      return guardrailDeny(input, view, {
        layer: 'vpc-endpoint-policy',
        name: `VPC endpoint policy of ${endpointId ?? 'the endpoint'}`,
        implicitWhy:
          'A request through a VPC endpoint must be allowed by the endpoint policy as well as by IAM and the bucket.',
        locate: () => ({
          policy: vpce?.policy ?? null,
          fallback: { name: `${endpointId ?? 'vpce'} policy`, source: 'vpc-endpoint-policy' },
          commands: endpointId ? vpcEndpointCommands(endpointId) : [],
          principalElement: true,
          apply: (base, patched) => ({ ...base, vpcEndpointPolicy: known(patched) }),
        }),
      });
    }
    if (saysVpce && view.kind !== 'pass') {
      return {
        status: 'deny',
        confidence: 'likely',
        title: `AWS reports that the VPC endpoint policy of ${endpointId ?? 'the endpoint'} denied the request`,
        explanation: `The record says "${request.errorMessage ?? request.errorCode}". ${
          view.kind === 'unknown'
            ? `The endpoint policy itself could not be evaluated (${view.missing.join('; ')})`
            : endpointId
              ? // the facts read say the endpoint has the default full-access policy: AWS's own error code wins
                'The endpoint policy that was read is the default full-access policy, which denies nothing: it has probably changed since it was read'
              : 'The record does not say which endpoint the request went through'
        }, so the statement is not known.`,
        evidence: [
          {
            layer: 'vpc-endpoint-policy',
            // a record without a message is quoted by its code alone (not "VpceAccessDenied:")
            detail: request.errorMessage
              ? `${request.errorCode}: ${request.errorMessage}`
              : request.errorCode,
          },
        ],
        fix: {
          summary: `Allow ${request.actions.join(', ')} on ${request.resources.join(', ')} in the endpoint policy of ${endpointId ?? 'the VPC endpoint'}.`,
          commands: endpointId ? vpcEndpointCommands(endpointId) : [],
          verified: false,
        },
      };
    }
    if (view.kind === 'unknown') return { status: 'unknown', missing: view.missing };
    if (view.kind !== 'not-applicable') return { status: view.kind, detail: view.detail };
    return {
      status: view.kind,
      // the layer takes no part either without an endpoint or through one with the default full-access policy
      detail: endpointId
        ? `the request went through ${endpointId}, whose endpoint policy is the default full-access policy`
        : 'the request did not go through a VPC endpoint',
    };
  },
};
