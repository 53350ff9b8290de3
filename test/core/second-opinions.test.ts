import type { Finding, RootCause } from '../../lambdas/core/model';
import type { AuthorizationResult, LayerOutcome } from '../../lambdas/core/policy/types';
import { bareCause } from './checkers/helpers';
import {
  identitySideDecision,
  withKmsDenial,
  withSimulatorVerdict,
} from '../../lambdas/core/second-opinions';

const result = (layers: Record<string, LayerOutcome>): AuthorizationResult => ({
  decision: 'unknown',
  layers: Object.entries(layers).map(([layer, r]) => ({ layer: layer as never, result: r, policies: [] })),
});

describe('identitySideDecision: what SimulatePrincipalPolicy would decide, from our layers', () => {
  // The simulator covers identity policies, permissions boundaries and SCPs:
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
  it.each<[Record<string, LayerOutcome>, ReturnType<typeof identitySideDecision>]>([
    [{ scp: 'allowed', 'identity-policy': 'allowed', 'permissions-boundary': 'not-applicable' }, 'allowed'],
    [{ scp: 'not-applicable', 'identity-policy': 'allowed', 'permissions-boundary': 'allowed' }, 'allowed'],
    [
      { scp: 'allowed', 'identity-policy': 'implicitly-denied', 'permissions-boundary': 'not-applicable' },
      'implicitDeny',
    ],
    [
      { scp: 'allowed', 'identity-policy': 'allowed', 'permissions-boundary': 'implicitly-denied' },
      'implicitDeny',
    ],
    [
      { scp: 'explicitly-denied', 'identity-policy': 'allowed', 'permissions-boundary': 'unknown' },
      'explicitDeny',
    ],
    [
      { scp: 'unknown', 'identity-policy': 'implicitly-denied', 'permissions-boundary': 'not-applicable' },
      null,
    ],
    [{ scp: 'allowed', 'identity-policy': 'not-applicable', 'permissions-boundary': 'not-applicable' }, null],
  ])('%j -> %s', (layers, expected) => {
    expect(identitySideDecision(result(layers))).toBe(expected);
  });
});

const cause = bareCause;
const finding = (causes: RootCause[], verdict: Finding['verdict']): Finding =>
  ({ rootCauses: causes, verdict }) as unknown as Finding;

describe('withSimulatorVerdict', () => {
  it('records agreement', () => {
    const f = withSimulatorVerdict(finding([], 'unexplained'), 'implicitDeny', {
      decision: 'implicitDeny',
      matchedStatements: [],
    });
    expect(f.awsSimulator).toMatchObject({ decision: 'implicitDeny', ours: 'implicitDeny', agrees: true });
  });

  it('reports a disagreement instead of hiding it', () => {
    const f = withSimulatorVerdict(finding([], 'unexplained'), 'allowed', {
      decision: 'explicitDeny',
      matchedStatements: ['p1 line 3'],
    });
    expect(f.awsSimulator?.agrees).toBe(false);
    expect(f.awsSimulator?.note).toMatch(
      /^Disagreement: AWS's policy simulator says explicitDeny .* our evaluation says allowed/,
    );
    expect(f.awsSimulator?.matchedStatements).toEqual(['p1 line 3']);
  });

  it('does not claim agreement when our side is incomplete', () => {
    expect(
      withSimulatorVerdict(finding([], 'unexplained'), null, { decision: 'allowed', matchedStatements: [] })
        .awsSimulator?.agrees,
    ).toBeNull();
  });
});

describe('withKmsDenial: CloudTrail recorded the KMS call S3 made for the caller', () => {
  const denial = {
    eventId: 'k1',
    eventTime: '2026-11-20T10:15:01Z',
    action: 'kms:Decrypt',
    keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1',
    errorMessage: null,
  };

  it('confirms a likely KMS cause, puts it first among equals and makes the finding explained', () => {
    const f = withKmsDenial(
      finding(
        [cause('identity-policy-no-allow', 'likely'), cause('kms-key-access', 'likely')],
        'partially-explained',
      ),
      denial,
    );
    expect(f.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
      ['kms-key-access', 'confirmed'],
      ['identity-policy-no-allow', 'likely'],
    ]);
    expect(f.verdict).toBe('explained');
    expect(f.rootCauses[0]?.evidence.at(-1)).toEqual({
      layer: 'cloudtrail',
      detail:
        'CloudTrail recorded kms:Decrypt on arn:aws:kms:us-east-1:111122223333:key/1 denied at 2026-11-20T10:15:01Z (event k1)',
    });
  });

  it('changes nothing when no KMS cause was found', () => {
    const f = finding([cause('bucket-policy-explicit-deny', 'confirmed')], 'explained');
    expect(withKmsDenial(f, denial)).toBe(f);
  });
});
