import { abacRemedy } from '../fix/abac';
import { identityAllowFix } from '../fix/grants';
import { callerIdentityArn } from '../fix/input';
import { noAllowEvidence } from '../fix/layers';
import { describeNeeds, viewLayer } from '../fix/layer-check';
import { resourceTagRemedy } from '../fix/resource-tags';
import { needsOf } from '../fix/verify';
import type { Checker, CheckResult } from './types';

export const checker: Checker = {
  id: 'identity-policy-no-allow',
  title: 'No identity policy allows the action on the resource',
  detection:
    "The engine finds no Allow for the action and resource in the caller's identity policies, and no resource-based policy or ACL grants the request instead; an Allow that matches for certain rules it out, even when a Deny of the same policies could not be decided. An Allow that misses only on resource tags is named so, with its own verified fix: ABAC disabled on a tagged bucket (put-bucket-abac), or the tag the Allow requires against the one the access point or ABAC bucket carries (s3control tag-resource).",
  fixSummary:
    "Add an Allow for exactly this action and resource to the caller's identity (aws iam put-role-policy / put-user-policy); verified by re-evaluation.",
  check(input): CheckResult {
    const { request, facts, evaluations } = input;
    const view = viewLayer(evaluations, 'identity-policy');
    if (view.kind === 'unknown') {
      // an Allow matches for certain: only a Deny is undecided, which is identity-policy-explicit-deny's question
      if (view.unknown.every((h) => h.layer.allowMatches === true))
        return {
          status: 'pass',
          detail: `an Allow of the identity policies matches ${describeNeeds(view.unknown)}; only whether a Deny matches could not be decided (see identity-policy-explicit-deny)`,
        };
      return { status: 'unknown', missing: view.missing };
    }
    if (view.kind !== 'deny') return { status: view.kind, detail: view.detail };
    if (view.implicit.length === 0) {
      return {
        status: 'pass',
        detail: 'the identity policies deny explicitly (see identity-policy-explicit-deny)',
      };
    }
    const needs = needsOf(view.implicit.map((h) => h.evaluation));
    const principalArn = callerIdentityArn(request, facts) ?? 'the caller';
    const what = describeNeeds(view.implicit);
    const crossAccount = request.crossAccount === true;
    // a tag-conditioned Allow that only misses the bucket's tags: ABAC is disabled on the bucket
    const abac = abacRemedy(input, needs, 'identity-policy');
    if (abac !== null)
      return {
        status: 'deny',
        confidence: view.certain ? 'confirmed' : 'likely',
        title: `The Allow of ${principalArn} for ${what} rests on bucket tags, and ABAC is disabled on bucket ${request.bucket ?? ''}`,
        explanation: `An identity policy of ${principalArn} allows ${what} on a condition on aws:ResourceTag, and the bucket carries the tag, but ABAC is disabled on the bucket (every general purpose bucket's default): its tags serve cost allocation only, the condition finds no aws:ResourceTag key, and nothing else allows the request.`,
        evidence: [abac.evidence, ...noAllowEvidence(view.implicit, 'identity-policy')],
        fix: abac.fix,
      };
    // a tag-conditioned Allow that misses only because the access point (or ABAC bucket) is tagged otherwise
    const tagged = resourceTagRemedy(input, needs, view.implicit, 'identity-policy');
    if (tagged !== null)
      return {
        status: 'deny',
        confidence: view.certain ? 'confirmed' : 'likely',
        title: `The Allow of ${principalArn} for ${what} ${tagged.title}`,
        explanation: `An identity policy of ${principalArn} allows ${what} only on a resource with a given tag (aws:ResourceTag), the resource the request went to is tagged otherwise, and nothing else allows the request.`,
        evidence: [tagged.evidence, ...noAllowEvidence(view.implicit, 'identity-policy')],
        fix: tagged.fix,
      };
    return {
      status: 'deny',
      confidence: view.certain ? 'confirmed' : 'likely',
      title: `No identity policy of ${principalArn} allows ${what}`,
      explanation: crossAccount
        ? `${principalArn} has no identity policy statement that allows ${what}. For a cross-account request the caller's own identity policy must allow it, whatever the bucket policy grants.`
        : view.certain
          ? `${principalArn} has no identity policy statement that allows ${what}, and no bucket policy, access point policy or ACL grants it either, so the request is implicitly denied.`
          : `${principalArn} has no identity policy statement that allows ${what}. A resource-side grant (bucket policy, access point policy or ACL) could not be ruled out, so this is likely but not confirmed.`,
      evidence: noAllowEvidence(view.implicit, 'identity-policy'),
      fix: identityAllowFix(
        input,
        needs,
        `Allow ${needs.map((n) => `${n.action} on ${n.resource}`).join(', ')} in an inline policy of ${principalArn}.`,
      ),
    };
  },
};
