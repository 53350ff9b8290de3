/**
 * permissions-boundary read on its own: what the finding says when the engine's boundary layer refused the call but
 * the boundary itself, or who the caller is, was not read with the rest of the facts.
 *  - a permissions boundary sets the maximum permissions an identity-based policy can grant to a user or role; an
 *    action the boundary does not allow is denied: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
import { evaluateNeeds } from '../../../lambdas/core/analyze';
import { checker } from '../../../lambdas/core/checkers/permissions-boundary';
import { unknown } from '../../../lambdas/core/model';
import { exampleView, requestOf, scenarioEvent } from './helpers';

const OBJECT = 'arn:aws:s3:::reports-bucket/reports/q3.csv';

/** BoundedRole's PutObject, refused by its read-only boundary, with the caller's facts (and the boundary in them) unread. */
function boundaryUnread(caller: 'named' | 'nameless') {
  const request = requestOf(scenarioEvent("BoundedRole's read-only boundary blocks PutObject"));
  const facts = exampleView.gatherSync(request);
  const evaluations = evaluateNeeds(request, facts);
  const principal =
    caller === 'named' ? request.principal : { ...request.principal, identityArn: null, arn: null };
  return checker.check({
    request: { ...request, principal },
    facts: { ...facts, principal: unknown('notCollected', 'the caller was not looked up') },
    evaluations,
  });
}

describe('permissions-boundary: the boundary refused the call, but its policy was not read with the facts', () => {
  it('the finding still names the layer (not an empty policy name) and the caller the boundary caps', () => {
    const c = boundaryUnread('named');
    expect(c).toMatchObject({
      status: 'deny',
      title: `The permissions boundary does not allow s3:PutObject on ${OBJECT}`,
      explanation: `No statement of the permissions boundary allows s3:PutObject on ${OBJECT}. The boundary caps what arn:aws:iam::111122223333:role/BoundedRole may do: an action it does not allow is denied even when an identity policy allows it.`,
    });
  });

  it('the Allow to add is addressed to the permissions boundary', () => {
    const c = boundaryUnread('named');
    if (c.status !== 'deny') throw new Error(c.status);
    expect(c.fix.summary).toBe(`Add an Allow for s3:PutObject on ${OBJECT} in the permissions boundary.`);
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'permissions-boundary',
      policy: 'permissions-boundary',
      addStatement: { Effect: 'Allow', Action: 's3:PutObject', Resource: OBJECT },
    });
  });

  it('a caller known by no ARN is called "the caller"', () => {
    const c = boundaryUnread('nameless');
    if (c.status !== 'deny') throw new Error(c.status);
    expect(c.explanation).toContain(
      'The boundary caps what the caller may do: an action it does not allow is denied even when an identity policy allows it.',
    );
  });
});
