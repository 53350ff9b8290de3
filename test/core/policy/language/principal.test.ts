/**
 * Principal and NotPrincipal.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 */
import type { EnginePrincipal } from '../../../../lambdas/core/policy/types';
import {
  ACCT,
  OTHER,
  anonymous,
  evaluate,
  iamUser,
  request,
  roleSession,
  rootUser,
  service,
  statementDoc,
} from './helpers';

const principalTrace = (principal: unknown, caller: EnginePrincipal, effect = 'Allow', not = false) => {
  const doc = statementDoc({
    Effect: effect,
    [not ? 'NotPrincipal' : 'Principal']: principal,
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::b/*',
  });
  const ev = evaluate(doc, request({ principal: caller, resource: 'arn:aws:s3:::b/k' }), 'bucket-policy');
  return { ev, st: ev.statements[0]! };
};

const awsService: EnginePrincipal = service('cloudtrail.amazonaws.com');
const withCanonical: EnginePrincipal = { ...iamUser(), canonicalId: '79a59df900b949e55d96a1e698fbaced' };

describe('Principal forms (reference_policies_elements_principal.html)', () => {
  type Row = [string, unknown, EnginePrincipal, boolean | 'unknown', string | undefined];
  const rows: Row[] = [
    ['"*" matches everyone, anonymous included', '*', anonymous, true, 'wildcard'],
    ['{"AWS":"*"} is the same as "*"', { AWS: '*' }, anonymous, true, 'wildcard'],
    ['an account id matches every principal of the account', { AWS: ACCT }, roleSession(), true, 'account'],
    [
      'the account root ARN means the account',
      { AWS: `arn:aws:iam::${ACCT}:root` },
      iamUser(),
      true,
      'account',
    ],
    ['an account does not match another account', { AWS: OTHER }, iamUser(), false, undefined],
    ['an account does not match the anonymous caller', { AWS: ACCT }, anonymous, false, undefined],
    [
      'a role ARN matches the sessions of the role',
      { AWS: `arn:aws:iam::${ACCT}:role/AppRole` },
      roleSession('AppRole', 'x'),
      true,
      'identity',
    ],
    [
      'a role ARN does not match another role',
      { AWS: `arn:aws:iam::${ACCT}:role/Other` },
      roleSession('AppRole'),
      false,
      undefined,
    ],
    [
      'role names are not case-sensitive',
      { AWS: `arn:aws:iam::${ACCT}:role/approle` },
      roleSession('AppRole'),
      true,
      'identity',
    ],
    [
      'a session ARN matches only that session',
      { AWS: `arn:aws:sts::${ACCT}:assumed-role/AppRole/sess` },
      roleSession('AppRole', 'sess'),
      true,
      'session',
    ],
    [
      '… and not another session of the role',
      { AWS: `arn:aws:sts::${ACCT}:assumed-role/AppRole/sess` },
      roleSession('AppRole', 'other'),
      false,
      undefined,
    ],
    [
      'a user ARN matches the user',
      { AWS: `arn:aws:iam::${ACCT}:user/alice` },
      iamUser('alice'),
      true,
      'identity',
    ],
    [
      'a user ARN does not match a role session',
      { AWS: `arn:aws:iam::${ACCT}:user/alice` },
      roleSession(),
      false,
      undefined,
    ],
    [
      'a list matches when one entry matches, the most specific kind wins',
      { AWS: [ACCT, `arn:aws:iam::${ACCT}:role/AppRole`] },
      roleSession(),
      true,
      'identity',
    ],
    [
      'Service matches the calling service',
      { Service: 'cloudtrail.amazonaws.com' },
      awsService,
      true,
      'service',
    ],
    ['Service does not match a user', { Service: 'cloudtrail.amazonaws.com' }, iamUser(), false, undefined],
    ['an account does not match a service principal', { AWS: ACCT }, awsService, false, undefined],
    [
      'CanonicalUser matches the canonical id',
      { CanonicalUser: '79a59df900b949e55d96a1e698fbaced' },
      withCanonical,
      true,
      'canonical',
    ],
    [
      'Federated only appears in trust policies',
      { Federated: 'cognito-identity.amazonaws.com' },
      roleSession(),
      false,
      undefined,
    ],
    [
      'a unique id (deleted identity) does not match',
      { AWS: 'AROA1234567890EXAMPLE' },
      roleSession(),
      false,
      undefined,
    ],
    ['the root user is a principal of its account', { AWS: ACCT }, rootUser(), true, 'account'],
  ];
  it.each(rows)('%s', (_name, principal, caller, matched, kind) => {
    const { st } = principalTrace(principal, caller);
    expect(st.principalMatched).toBe(matched);
    expect(st.principalMatchKind).toBe(kind);
  });

  it('a caller whose ARN is not known gives unknown for ARN principals of its account, false for others', () => {
    const partial: EnginePrincipal = { type: 'AWSAccount', arn: null, identityArn: null, accountId: ACCT };
    expect(principalTrace({ AWS: `arn:aws:iam::${ACCT}:role/R` }, partial).st.principalMatched).toBe(
      'unknown',
    );
    expect(principalTrace({ AWS: `arn:aws:iam::${OTHER}:role/R` }, partial).st.principalMatched).toBe(false);
    expect(principalTrace({ AWS: ACCT }, partial).st.principalMatched).toBe(true);
    expect(principalTrace({ AWS: `arn:aws:iam::${ACCT}:role/R` }, partial).ev.decision).toBe('unknown');
  });

  it('identity policies have no Principal: principalMatched is undefined', () => {
    const ev = evaluate(statementDoc({ Effect: 'Allow', Action: '*', Resource: '*' }), request());
    expect(ev.statements[0]?.principalMatched).toBeUndefined();
  });
});

describe('NotPrincipal with Deny (reference_policies_elements_notprincipal.html)', () => {
  const role = `arn:aws:iam::${ACCT}:role/AppRole`;
  const sessionArn = `arn:aws:sts::${ACCT}:assumed-role/AppRole/sess`;
  const root = `arn:aws:iam::${ACCT}:root`;
  type Row = [string, unknown, EnginePrincipal, 'deny' | 'none'];
  const rows: Row[] = [
    ['denies everyone not listed', { AWS: [role, root] }, iamUser('bob'), 'deny'],
    [
      'excludes the role session when the role and its account are listed',
      { AWS: [role, root] },
      roleSession('AppRole', 'sess'),
      'none',
    ],
    [
      'excludes the session when the session ARN and the account are listed',
      { AWS: [sessionArn, root] },
      roleSession('AppRole', 'sess'),
      'none',
    ],
    // "you must also specify the account ARN of the not-denied principal": the role alone is not enough
    [
      'denies the role session when its account is not listed',
      { AWS: [role] },
      roleSession('AppRole', 'sess'),
      'deny',
    ],
    [
      'denies users of a listed account that are not listed themselves',
      { AWS: [root] },
      iamUser('bob'),
      'deny',
    ],
    ['excludes the root user when its account is listed', { AWS: [root] }, rootUser(), 'none'],
    ['denies anonymous callers unless "*" is listed', { AWS: [role, root] }, anonymous, 'deny'],
    ['"*" excludes everyone', '*', anonymous, 'none'],
    ['excludes a listed service', { Service: 'cloudtrail.amazonaws.com' }, awsService, 'none'],
  ];
  it.each(rows)('%s', (_name, notPrincipal, caller, decision) => {
    const { ev, st } = principalTrace(notPrincipal, caller, 'Deny', true);
    expect(ev.decision).toBe(decision);
    expect(st.principalMatched).toBe(decision === 'deny');
    expect(st.principalMatchKind).toBeUndefined();
  });
});

describe('other callers (reference_policies_elements_principal.html)', () => {
  it('a federated-user session ARN matches that federated user', () => {
    const fed: EnginePrincipal = {
      type: 'FederatedUser',
      arn: `arn:aws:sts::${ACCT}:federated-user/carol`,
      identityArn: `arn:aws:iam::${ACCT}:user/broker`,
      accountId: ACCT,
    };
    const { st } = principalTrace({ AWS: `arn:aws:sts::${ACCT}:federated-user/carol` }, fed);
    expect(st.principalMatched).toBe(true);
    expect(st.principalMatchKind).toBe('session');
  });

  it('a caller of unknown type and account: only "*" is sure', () => {
    const nobody: EnginePrincipal = { type: 'Unknown', arn: null, identityArn: null, accountId: null };
    expect(principalTrace('*', nobody).st.principalMatched).toBe(true);
    expect(principalTrace({ AWS: ACCT }, nobody).st.principalMatched).toBe('unknown');
    expect(principalTrace({ AWS: `arn:aws:iam::${ACCT}:user/alice` }, nobody).st.principalMatched).toBe(
      'unknown',
    );
    // an unknown caller never escapes a NotPrincipal Deny for sure: the decision is unknown, not none
    expect(
      principalTrace(
        { AWS: [`arn:aws:iam::${ACCT}:root`, `arn:aws:iam::${ACCT}:user/alice`] },
        nobody,
        'Deny',
        true,
      ).ev.decision,
    ).toBe('unknown');
  });
});
