/**
 * Live-mode second opinions on a finding (issue 5): AWS's policy simulator on the identity decision, and the
 * KMS denial that CloudTrail recorded when S3 called KMS for the caller. Pure: the calls are made by adapters.
 */
import type { Finding, KmsDenialRecord, RootCause, Verdict } from './model';
import type { AuthorizationResult, LayerResult } from './policy/types';

export type IdentityDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

const layer = (r: AuthorizationResult, id: LayerResult['layer']): LayerResult | undefined =>
  r.layers.find((l) => l.layer === id);

/**
 * What SimulatePrincipalPolicy decides is the identity side only: identity policies, the permissions boundary
 * and SCPs (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html). Our verdict
 * on those same layers; null when one of them is unknown.
 */
export function identitySideDecision(result: AuthorizationResult): IdentityDecision | null {
  const layers = (['scp', 'identity-policy', 'permissions-boundary'] as const).map((id) => layer(result, id));
  const outcomes = layers.map((l) => l?.result ?? 'not-applicable');
  if (outcomes.includes('explicitly-denied')) return 'explicitDeny';
  if (outcomes.includes('unknown')) return null;
  if (outcomes.includes('implicitly-denied')) return 'implicitDeny';
  return outcomes[1] === 'allowed' ? 'allowed' : null;
}

export function withSimulatorVerdict(
  finding: Finding,
  ours: IdentityDecision | null,
  aws: { decision: IdentityDecision; matchedStatements: readonly string[] },
): Finding {
  const agrees = ours === null ? null : ours === aws.decision;
  const note =
    agrees === null
      ? `AWS's policy simulator says ${aws.decision}; our evaluation of the identity side is incomplete (a layer is unknown).`
      : agrees
        ? `AWS's policy simulator agrees: ${aws.decision} on the identity side (identity policies, permissions boundary, SCPs).`
        : `Disagreement: AWS's policy simulator says ${aws.decision} on the identity side where our evaluation says ${ours}. Treat this finding with care and check the statements the simulator names.`;
  return {
    ...finding,
    awsSimulator: {
      decision: aws.decision,
      ours,
      agrees,
      matchedStatements: [...aws.matchedStatements],
      note,
    },
  };
}

const RANK: Record<RootCause['confidence'], number> = { confirmed: 0, likely: 1, possible: 2 };

function verdictOf(causes: readonly RootCause[]): Verdict {
  if (causes.some((c) => c.confidence === 'confirmed')) return 'explained';
  return causes.length > 0 ? 'partially-explained' : 'unexplained';
}

/**
 * CloudTrail recorded the KMS call S3 made for this request as denied: the kms-key-access cause is confirmed
 * (and shows the record as evidence). A finding without that cause is returned unchanged.
 */
export function withKmsDenial(finding: Finding, denial: KmsDenialRecord): Finding {
  if (!finding.rootCauses.some((c) => c.id === 'kms-key-access')) return finding;
  const rootCauses = finding.rootCauses
    .map((c) =>
      c.id !== 'kms-key-access'
        ? c
        : {
            ...c,
            confidence: 'confirmed' as const,
            evidence: [
              ...c.evidence,
              {
                layer: 'cloudtrail',
                detail: `CloudTrail recorded ${denial.action}${denial.keyArn ? ` on ${denial.keyArn}` : ''} denied at ${denial.eventTime} (event ${denial.eventId})${denial.errorMessage ? `: ${denial.errorMessage}` : ''}`,
              },
            ],
          },
    )
    .map((c, i) => ({ c, i }))
    .sort((a, b) => RANK[a.c.confidence] - RANK[b.c.confidence] || a.i - b.i)
    .map(({ c }) => c);
  return { ...finding, rootCauses, verdict: verdictOf(rootCauses) };
}
