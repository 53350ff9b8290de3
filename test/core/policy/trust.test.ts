/**
 * Whether a role's sessions can carry session tags, read from its trust policy (lambdas/core/policy/trust.ts).
 * AWS: passing session tags needs the trust policy to allow sts:TagSession
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required);
 * a session created with temporary credentials "inherits any transitive session tags from the calling session"
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, Tags), so a role an AWS principal may
 * assume could be reached by a chained, tagged session.
 */
import { sessionTagsPossible } from '../../../lambdas/core/policy/trust';

const trust = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const assume = (Principal: unknown, Action: unknown = 'sts:AssumeRole') => ({
  Effect: 'Allow',
  Principal,
  Action,
});

describe('sessionTagsPossible: can sessions of this role carry session tags?', () => {
  it('no: only a service assumes the role, without sts:TagSession (a Lambda or EC2 role)', () => {
    expect(sessionTagsPossible(trust(assume({ Service: 'lambda.amazonaws.com' })))).toBe(false);
    expect(
      sessionTagsPossible(trust(assume({ Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'] }))),
    ).toBe(false);
  });

  it('no: an identity provider assumes it with AssumeRoleWithWebIdentity / WithSAML, without sts:TagSession', () => {
    const oidc = assume(
      { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
      'sts:AssumeRoleWithWebIdentity',
    );
    expect(sessionTagsPossible(trust(oidc))).toBe(false);
  });

  it('yes: some Allow grants sts:TagSession, by name or wildcard, under any condition', () => {
    const sso = assume({ Federated: 'arn:aws:iam::111122223333:saml-provider/AWSSSO_0123_DO_NOT_DELETE' }, [
      'sts:AssumeRoleWithSAML',
      'sts:TagSession',
    ]);
    expect(sessionTagsPossible(trust(sso))).toBe(true);
    expect(
      sessionTagsPossible(
        trust(assume({ Service: 'pods.eks.amazonaws.com' }, ['sts:AssumeRole', 'sts:Tag*'])),
      ),
    ).toBe(true);
    expect(sessionTagsPossible(trust(assume({ Service: 'x.amazonaws.com' }, 'STS:*')))).toBe(true);
    expect(
      sessionTagsPossible(
        trust({
          ...assume({ Service: 'x.amazonaws.com' }, 'sts:TagSession'),
          Condition: { StringEquals: { 'aws:RequestTag/a': 'b' } },
        }),
      ),
    ).toBe(true);
  });

  it('yes: an AWS principal (account, role, user, "*", NotPrincipal) may assume it: a chained session inherits transitive tags', () => {
    expect(sessionTagsPossible(trust(assume({ AWS: 'arn:aws:iam::111122223333:root' })))).toBe(true);
    expect(sessionTagsPossible(trust(assume({ AWS: ['111122223333'] })))).toBe(true);
    expect(sessionTagsPossible(trust(assume('*')))).toBe(true);
    expect(
      sessionTagsPossible(
        trust({ Effect: 'Allow', NotPrincipal: { Service: 'x.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      ),
    ).toBe(true);
  });

  it('a Deny or a NotAction that names sts:TagSession grants nothing; a NotAction that leaves it out does', () => {
    const svc = { Service: 'ec2.amazonaws.com' };
    expect(
      sessionTagsPossible(trust(assume(svc), { Effect: 'Deny', Principal: svc, Action: 'sts:TagSession' })),
    ).toBe(false);
    expect(sessionTagsPossible(trust({ Effect: 'Allow', Principal: svc, NotAction: 'sts:TagSession' }))).toBe(
      false,
    );
    expect(sessionTagsPossible(trust({ Effect: 'Allow', Principal: svc, NotAction: 'sts:AssumeRole' }))).toBe(
      true,
    );
  });

  it('reads the document as an object, JSON text, or URL-encoded JSON (GetRole); one statement without a list', () => {
    const doc = { Version: '2012-10-17', Statement: assume({ Service: 'ec2.amazonaws.com' }) };
    expect(sessionTagsPossible(doc)).toBe(false);
    expect(sessionTagsPossible(JSON.stringify(doc))).toBe(false);
    expect(
      sessionTagsPossible(encodeURIComponent(JSON.stringify(trust(assume({ AWS: '111122223333' }))))),
    ).toBe(true);
  });

  it('not known (null) when the trust policy is missing or unreadable: never taken as "no session tags"', () => {
    for (const bad of [
      undefined,
      null,
      '',
      '%E0%A4%A',
      '{',
      42,
      [],
      { Statement: [42] },
      { Version: '2012-10-17' },
    ])
      expect(sessionTagsPossible(bad)).toBeNull();
    expect(
      sessionTagsPossible(trust({ Effect: 'Allow', Principal: { Service: 'x' }, Action: [1] })),
    ).toBeNull();
  });
});
