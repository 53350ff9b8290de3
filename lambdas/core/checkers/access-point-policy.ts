import { known } from '../model';
import { accessPointCommand, accessPointPolicyCommands } from '../fix/commands';
import { guardrailDeny } from '../fix/guardrail';
import { viewLayer } from '../fix/layer-check';
import type { Checker, CheckerInput, CheckResult } from './types';

export const checker: Checker = {
  id: 'access-point-policy',
  title: "The S3 access point's policy or network origin stops the request",
  detection:
    'For requests through an access point, the engine evaluates the access point policy and its network origin (a VPC-only access point refuses requests that do not come through that VPC); both the access point and the bucket must permit the request.',
  fixSummary:
    'Add an Allow for this principal on the access point ARN (aws s3control put-access-point-policy), or call a VPC-only access point from inside its VPC.',
  check(input): CheckResult {
    const { facts, request } = input;
    const origin = networkOriginDeny(input);
    if (origin) return origin;
    const view = viewLayer(input.evaluations, 'access-point-policy', { implicitDenies: true });
    if (view.kind === 'unknown') return { status: 'unknown', missing: view.missing };
    if (view.kind !== 'deny') {
      return {
        status: view.kind,
        detail:
          view.kind === 'not-applicable' ? 'the request did not go through an access point' : view.detail,
      };
    }
    const ap = facts.accessPoint?.status === 'known' ? facts.accessPoint.value : null;
    const policy = ap?.policy.status === 'known' ? ap.policy.value : null;
    const vpcOnly = ap?.networkOrigin === 'VPC' && request.vpcEndpointId === null;
    return guardrailDeny(input, view, {
      layer: 'access-point-policy',
      name: `access point policy of ${ap?.name ?? request.accessPointArn ?? 'the access point'}`,
      implicitWhy:
        'Both the access point policy and the bucket policy must permit a request made through an access point.',
      ...(vpcOnly
        ? {
            advice: `The access point only accepts requests from VPC ${ap?.vpcId ?? ''} through a VPC endpoint; this request came from ${request.sourceIp ?? 'outside the VPC'}.`,
          }
        : {}),
      locate: () => ({
        policy,
        fallback: { name: ap?.name ?? 'access-point', source: 'access-point-policy' },
        commands: ap ? accessPointPolicyCommands(ap.accountId, ap.name) : [],
        principalElement: true,
        apply: (base, patched) => ({ ...base, accessPointPolicy: known(patched) }),
      }),
    });
  },
};

/**
 * A VPC-only access point refuses requests that do not come from its VPC (through a VPC endpoint).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
 */
function networkOriginDeny({ request, facts }: CheckerInput): CheckResult | null {
  const ap = facts.accessPoint?.status === 'known' ? facts.accessPoint.value : null;
  if (ap?.networkOrigin !== 'VPC') return null;
  const vpce = facts.vpcEndpoint?.status === 'known' ? facts.vpcEndpoint.value : null;
  const sameVpc = vpce?.vpcId == null || ap.vpcId === null || vpce.vpcId === ap.vpcId;
  if (request.vpcEndpointId !== null && sameVpc) return null;
  const from =
    request.vpcEndpointId !== null
      ? `endpoint ${request.vpcEndpointId} in ${vpce?.vpcId ?? 'another VPC'}`
      : `the internet (${request.sourceIp ?? 'no VPC endpoint'})`;
  return {
    status: 'deny',
    confidence: 'confirmed',
    title: `Access point ${ap.name} only accepts requests from VPC ${ap.vpcId ?? '(its VPC)'}; this one came from ${from}`,
    explanation: `The access point's network origin is VPC: S3 rejects every request to it that does not arrive through a VPC endpoint in ${ap.vpcId ?? 'that VPC'}, whatever the policies allow.`,
    evidence: [
      {
        layer: 'access-point-policy',
        detail: `NetworkOrigin VPC (${ap.vpcId ?? 'unknown VPC'}); request from ${from}`,
      },
    ],
    fix: {
      summary: `Call ${ap.name} from inside ${ap.vpcId ?? 'its VPC'} through an S3 VPC endpoint, or use an access point whose network origin is Internet.`,
      commands: [accessPointCommand(ap.accountId, ap.name)],
      verified: false,
    },
  };
}
