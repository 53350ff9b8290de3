/**
 * More Principal / NotPrincipal forms: paths, other partitions, several entries, other services.
 * PRINCIPAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * (IAM role, IAM user and assumed-role session ARNs, AWS service principals, canonical user IDs; an account ID
 * or the account's root ARN names the account and delegates to it)
 * NOTPRINCIPAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 * (with Effect Deny, the account ARN of a principal that must not be denied has to be listed too: AWS may
 * check the account first, then the role, then the assumed-role session)
 */
import type { EnginePrincipal } from '../../../../lambdas/core/policy/types';
import { ACCT, OTHER, evaluate, iamUser, request, roleSession, service, statementDoc } from './helpers';

const trace = (principal: unknown, caller: EnginePrincipal, effect = 'Allow', not = false) => {
  const doc = statementDoc({
    Effect: effect,
    [not ? 'NotPrincipal' : 'Principal']: principal,
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::b/*',
  });
  const ev = evaluate(doc, request({ principal: caller, resource: 'arn:aws:s3:::b/k' }), 'bucket-policy');
  return { ev, st: ev.statements[0]! };
};

const pathUser: EnginePrincipal = {
  type: 'IAMUser',
  arn: `arn:aws:iam::${ACCT}:user/division/team/alice`,
  identityArn: `arn:aws:iam::${ACCT}:user/division/team/alice`,
  accountId: ACCT,
};

describe('Principal forms (PRINCIPAL)', () => {
  it('a user ARN with a path names that user', () => {
    const { st } = trace({ AWS: `arn:aws:iam::${ACCT}:user/division/team/alice` }, pathUser);
    expect(st.principalMatched).toBe(true);
    expect(st.principalMatchKind).toBe('identity');
  });

  it('a user ARN names only its own account: the same name in another account is another user', () => {
    expect(trace({ AWS: `arn:aws:iam::${OTHER}:user/alice` }, iamUser('alice')).st.principalMatched).toBe(
      false,
    );
  });

  it("another account's root ARN does not name this account's principals", () => {
    expect(trace({ AWS: `arn:aws:iam::${OTHER}:root` }, iamUser()).st.principalMatched).toBe(false);
  });

  it('a role ARN in another partition (aws-cn) names the role sessions of that partition', () => {
    const cn: EnginePrincipal = {
      type: 'AssumedRole',
      arn: `arn:aws-cn:sts::${ACCT}:assumed-role/AppRole/s`,
      identityArn: `arn:aws-cn:iam::${ACCT}:role/AppRole`,
      accountId: ACCT,
    };
    const { st } = trace({ AWS: `arn:aws-cn:iam::${ACCT}:role/AppRole` }, cn);
    expect(st.principalMatched).toBe(true);
    expect(st.principalMatchKind).toBe('identity');
  });

  it('a session ARN names the session: the most specific entry of a list gives the kind', () => {
    const session = `arn:aws:sts::${ACCT}:assumed-role/AppRole/sess`;
    const role = `arn:aws:iam::${ACCT}:role/AppRole`;
    expect(trace({ AWS: [ACCT, role, session] }, roleSession('AppRole', 'sess')).st.principalMatchKind).toBe(
      'session',
    );
    expect(trace({ AWS: [session, role, ACCT] }, roleSession('AppRole', 'sess')).st.principalMatchKind).toBe(
      'session',
    );
    expect(trace({ AWS: [role, ACCT] }, roleSession('AppRole', 'sess')).st.principalMatchKind).toBe(
      'identity',
    );
    expect(trace({ AWS: [ACCT, '*'] }, roleSession('AppRole', 'sess')).st.principalMatchKind).toBe(
      'wildcard',
    );
  });

  it('a Service principal names only that service', () => {
    const { st } = trace({ Service: 'logging.s3.amazonaws.com' }, service('cloudtrail.amazonaws.com'));
    expect(st.principalMatched).toBe(false);
    const both = trace(
      { Service: ['logging.s3.amazonaws.com', 'cloudtrail.amazonaws.com'] },
      service('cloudtrail.amazonaws.com'),
    );
    expect(both.st.principalMatched).toBe(true);
    expect(both.st.principalMatchKind).toBe('service');
  });

  it('a Service principal and an AWS account in one Principal: each names its own kind of caller', () => {
    const p = { Service: 'cloudtrail.amazonaws.com', AWS: ACCT };
    expect(trace(p, service('cloudtrail.amazonaws.com')).st.principalMatchKind).toBe('service');
    expect(trace(p, iamUser()).st.principalMatchKind).toBe('account');
  });

  it('a CanonicalUser principal names the caller with that canonical id only', () => {
    const caller: EnginePrincipal = { ...iamUser(), canonicalId: 'a'.repeat(64) };
    expect(trace({ CanonicalUser: 'b'.repeat(64) }, caller).st.principalMatched).toBe(false);
    expect(trace({ CanonicalUser: 'a'.repeat(64) }, caller).st.principalMatched).toBe(true);
  });
});

describe('NotPrincipal with Deny (NOTPRINCIPAL)', () => {
  const role = `arn:aws:iam::${ACCT}:role/AppRole`;
  const root = `arn:aws:iam::${ACCT}:root`;

  it('the account alone, as its id, does not exclude its role sessions', () => {
    expect(trace({ AWS: [ACCT] }, roleSession('AppRole'), 'Deny', true).ev.decision).toBe('deny');
  });

  it('the account id and the role ARN together exclude the role session', () => {
    expect(trace({ AWS: [ACCT, role] }, roleSession('AppRole'), 'Deny', true).ev.decision).toBe('none');
  });

  it('the role and another account do not exclude the session', () => {
    expect(
      trace({ AWS: [role, `arn:aws:iam::${OTHER}:root`] }, roleSession('AppRole'), 'Deny', true).ev.decision,
    ).toBe('deny');
  });

  it('listing a user excludes that user, with its account', () => {
    expect(
      trace({ AWS: [root, `arn:aws:iam::${ACCT}:user/alice`] }, iamUser('alice'), 'Deny', true).ev.decision,
    ).toBe('none');
    expect(
      trace({ AWS: [root, `arn:aws:iam::${ACCT}:user/alice`] }, iamUser('bob'), 'Deny', true).ev.decision,
    ).toBe('deny');
  });

  it('a service not listed is denied', () => {
    expect(
      trace({ Service: 'logging.s3.amazonaws.com' }, service('cloudtrail.amazonaws.com'), 'Deny', true).ev
        .decision,
    ).toBe('deny');
  });

  it('an AWS account entry does not exclude a service principal', () => {
    expect(trace({ AWS: [root] }, service('cloudtrail.amazonaws.com'), 'Deny', true).ev.decision).toBe(
      'deny',
    );
  });
});
