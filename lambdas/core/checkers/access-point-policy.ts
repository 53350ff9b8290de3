import { known } from '../model';
import { accessPointCommand, accessPointPolicyCommands } from '../fix/commands';
import { guardrailDeny } from '../fix/guardrail';
import { layerEvidence, noAllowEvidence } from '../fix/layers';
import { describeNeeds, viewLayer } from '../fix/layer-check';
import { resourceTagRemedy } from '../fix/resource-tags';
import { needsOf } from '../fix/verify';
import type { Checker, CheckerInput, CheckResult } from './types';
import type { LayerHit } from '../fix/layers';

export const checker: Checker = {
  id: 'access-point-policy',
  title: "The S3 access point's policy or network origin stops the request",
  detection:
    "For requests through an access point, the engine evaluates the access point policy against the access point ARN and its network origin (a VPC-only access point refuses requests that do not come from that VPC); both the access point and the bucket must permit the request. This checker reads the engine's access-point layer. An Allow that misses only on the access point's tags (aws:ResourceTag) is named so, with the tag it requires as a verified fix (s3control tag-resource).",
  fixSummary:
    'Add an Allow for this principal on the access point ARN (aws s3control put-access-point-policy), or call a VPC-only access point from inside its VPC.',
  check(input): CheckResult {
    const { facts, request } = input;
    const view = viewLayer(input.evaluations, 'access-point-policy', { implicitDenies: true });
    if (view.kind === 'unknown') return { status: 'unknown', missing: view.missing };
    const ap = facts.accessPoint?.status === 'known' ? facts.accessPoint.value : null;
    if (view.kind === 'pass') return { status: 'pass', detail: view.detail };
    if (view.kind === 'not-applicable') {
      // an access point without a policy takes no part either (the bucket and identity policies decide)
      const bare = ap?.policy.status === 'known' && ap.policy.value === null;
      return {
        status: 'not-applicable',
        detail: bare
          ? `the request went through access point ${ap.name}, which has no access point policy`
          : 'the request did not go through an access point',
      };
    }
    const origin =
      view.explicit.length === 0 ? view.implicit.filter((h) => h.layer.rule === 'network-origin') : [];
    if (origin.length > 0) return networkOriginDeny(input, origin);
    const name = ap?.name ?? request.accessPointArn ?? 'the access point';
    // an Allow of the access point policy that misses only on the access point's tags (aws:ResourceTag)
    if (view.explicit.length === 0 && view.implicit.length > 0) {
      const tagged = resourceTagRemedy(
        input,
        needsOf(view.implicit.map((h) => h.evaluation)),
        view.implicit,
        'access-point-policy',
      );
      if (tagged !== null)
        return {
          status: 'deny',
          confidence: view.certain ? 'confirmed' : 'likely',
          title: `The access point policy of ${name} allows ${describeNeeds(view.implicit)} only on a tag: it ${tagged.title}`,
          explanation:
            "Both the access point policy and the bucket policy must permit a request made through an access point, and the Allow of the access point policy rests on a condition on aws:ResourceTag (the access point's tags) that the access point does not meet.",
          evidence: [tagged.evidence, ...noAllowEvidence(view.implicit, 'access-point-policy')],
          fix: tagged.fix,
        };
    }
    const policy = ap?.policy.status === 'known' ? ap.policy.value : null;
    return guardrailDeny(input, view, {
      layer: 'access-point-policy',
      name: `access point policy of ${name}`,
      implicitWhy:
        'Both the access point policy and the bucket policy must permit a request made through an access point.',
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
 * The engine's access point layer refused the request for its network origin (a VPC-only access point called from
 * outside its VPC). https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
 */
function networkOriginDeny({ request, facts }: CheckerInput, hits: readonly LayerHit[]): CheckResult {
  const ap = facts.accessPoint?.status === 'known' ? facts.accessPoint.value : null;
  const name = ap?.name ?? request.accessPointArn ?? 'the access point';
  const vpc = ap?.vpcId ? `VPC ${ap.vpcId}` : 'its VPC';
  // a record without a source address ("AWS Internal") does not say the request came from the internet
  const from =
    request.vpcEndpointId !== null
      ? `came from endpoint ${request.vpcEndpointId}`
      : request.sourceIp !== null
        ? `came from the internet (${request.sourceIp})`
        : 'did not come through a VPC endpoint';
  return {
    status: 'deny',
    confidence: 'confirmed',
    title: `Access point ${name} only accepts requests from ${vpc}; this one ${from}`,
    explanation: `The access point's network origin is VPC: S3 rejects every request to it that does not come from ${vpc}, whatever the policies allow.`,
    evidence: hits.map((h) => layerEvidence(h, 'access-point-policy')),
    fix: {
      summary: `Call ${name} from inside ${vpc} through an S3 VPC endpoint, or use an access point whose network origin is Internet.`,
      commands: ap ? [accessPointCommand(ap.accountId, ap.name)] : [],
      verified: false,
    },
  };
}
