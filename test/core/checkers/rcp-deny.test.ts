/**
 * rcp-deny: the fix for a resource control policy Deny, as the user applies it.
 *  - RCPs (a Deny restricts the organization's resources; RCPFullAWSAccess allows at every level):
 *    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 *  - a policy's content is replaced with update-policy:
 *    https://docs.aws.amazon.com/cli/latest/reference/organizations/update-policy.html
 */
import { evaluateNeeds } from '../../../lambdas/core/analyze';
import { checker } from '../../../lambdas/core/checkers/rcp-deny';
import { causeOf, exampleView, explain, requestOf, scenarioEvent, unsignedRead } from './helpers';

const AUDITOR = 'arn:aws:iam::999988887777:role/ExternalAuditor';
const RCP_ARN =
  'arn:aws:organizations::123456789012:policy/o-exampleorg/resource_control_policy/p-reportsorgonly';

describe('rcp-deny: the fix for the RCP statement that denies the outside auditor', () => {
  const cause = () => causeOf(explain(scenarioEvent('ExternalAuditor HeadObject')).finding, 'rcp-deny');

  it('reads and updates that RCP in place, by its policy id', () => {
    expect(cause().fix.commands).toEqual([
      'aws organizations describe-policy --policy-id p-reportsorgonly --query Policy.Content --output text > rcp.json',
      'aws organizations update-policy --policy-id p-reportsorgonly --content file://rcp.json',
    ]);
  });

  it('patches the RCP layer: the statement keeps its conditions and gains an aws:PrincipalArn exception for the caller, verified', () => {
    const { fix } = cause();
    expect(fix.policyPatch).toEqual({
      layer: 'rcp',
      policy: RCP_ARN,
      statement: 'DenyOutsideOrg',
      replaceStatement: {
        Sid: 'DenyOutsideOrg',
        Effect: 'Deny',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::reports-bucket', 'arn:aws:s3:::reports-bucket/*'],
        Principal: '*',
        Condition: {
          StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-exampleorg' },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          ArnNotEquals: { 'aws:PrincipalArn': AUDITOR },
        },
      },
    });
    expect(fix.verified).toBe(true);
  });

  it('the evidence names the RCP by its ARN and the statement that matched', () => {
    expect(cause().evidence).toEqual([
      {
        layer: 'rcp',
        statement: 'DenyOutsideOrg',
        policy: RCP_ARN,
        detail:
          'Deny statement 1 (DenyOutsideOrg) applies to s3:GetObject on arn:aws:s3:::reports-bucket/audit/2026.csv; aws:PrincipalOrgID is absent, so StringNotEqualsIfExists passes; aws:PrincipalIsAWSService false equals false',
      },
    ]);
  });
});

describe('rcp-deny: an anonymous (unsigned) request that the RCP denies', () => {
  // An unsigned request has no principal, so no aws:PrincipalArn exception can admit it; exempting every caller would
  // open the perimeter. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
  const unsigned = () =>
    causeOf(explain(unsignedRead('reports-bucket', 'reports/q3.csv')).finding, 'rcp-deny');

  it('is told to sign the request: no principal exception, no RCP change, no command', () => {
    const { fix } = unsigned();
    expect(fix.summary).toContain(
      'An anonymous (unsigned) request has no principal to exempt from statement DenyOutsideOrg of the resource control policy: sign the request with credentials of a principal the statement allows.',
    );
    expect(fix.summary).not.toContain('aws:PrincipalArn exception');
    expect(fix.commands).toEqual([]);
    expect(fix.policyPatch).toBeUndefined();
    expect(fix.verified).toBe(false);
  });
});

/**
 * The check read on its own, with the RCP layer of the engine's decision left undecided. RCPFullAWSAccess is attached
 * to every root, OU and account and cannot be detached, so an RCP restricts only through a Deny:
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
 */
describe('rcp-deny: an RCP that could not be decided', () => {
  /** The auditor's HeadObject with its RCP layer replaced by an undecided one, once per `denyPossible` given. */
  function undecided(...denyPossible: boolean[]) {
    const request = requestOf(scenarioEvent('ExternalAuditor HeadObject'));
    const facts = exampleView.gatherSync(request);
    const [evaluation] = evaluateNeeds(request, facts);
    const evaluations = denyPossible.map((possible, i) => ({
      need: { ...evaluation!.need, resource: `${evaluation!.need.resource}-${i}` },
      result: {
        ...evaluation!.result,
        decision: 'unknown' as const,
        layers: evaluation!.result.layers.map((l) =>
          l.layer === 'rcp'
            ? {
                layer: 'rcp' as const,
                result: 'unknown' as const,
                policies: [],
                missing: [`condition key aws:PrincipalTag/team (need ${i})`],
                denyPossible: possible,
              }
            : l,
        ),
      },
    }));
    return checker.check({ request, facts, evaluations });
  }

  it('passes when only an Allow side is undecided: without a Deny that could match, no RCP restricts the resource', () => {
    expect(undecided(false)).toEqual({
      status: 'pass',
      detail: 'no RCP Deny statement can match this request',
    });
    expect(undecided(false, false).status).toBe('pass');
  });

  it('stays unknown, naming what it could not read, when a Deny could match any one of the needed calls', () => {
    expect(undecided(false, true)).toEqual({
      status: 'unknown',
      missing: [
        'condition key aws:PrincipalTag/team (need 0)',
        'condition key aws:PrincipalTag/team (need 1)',
      ],
    });
    expect(undecided(true)).toEqual({
      status: 'unknown',
      missing: ['condition key aws:PrincipalTag/team (need 0)'],
    });
  });
});
