/**
 * How a resource-side grant combines with the caller's identity chain (identity policies, permissions boundary,
 * session policy), by the kind of principal the grant names.
 * BASICS = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
 * EVAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * BOUNDARY = https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 * XACCT = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 * KEYPOL = https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
import {
  categoryOf,
  hasSession,
  keySideGrant,
  sideGrant,
  type Chain,
  type GrantSet,
} from '../../../../lambdas/core/policy/s3/grants';
import { and3, merge3, not3, or3 } from '../../../../lambdas/core/policy/s3/tri';
import { iamUser, roleSession, service } from './fixtures';

const chain = (
  identity: Chain['identity'],
  boundary: Chain['boundary'] = true,
  session: Chain['session'] = true,
) => ({
  identity,
  boundary,
  session,
});
const grants = (over: Partial<GrantSet>): GrantSet => ({
  direct: false,
  role: false,
  account: false,
  ...over,
});

describe('the kind of principal a resource-policy Allow names (EVAL, BOUNDARY)', () => {
  it('a service principal, "*" or the session itself is a direct grant', () => {
    for (const kind of ['service', 'wildcard', 'session'] as const)
      expect(categoryOf(kind, roleSession())).toBe('direct');
  });

  it("the role ARN of the caller's session is a role grant; an IAM user's own ARN is direct", () => {
    expect(categoryOf('identity', roleSession())).toBe('role');
    expect(categoryOf('identity', iamUser())).toBe('direct');
  });

  it('the account, its canonical user, or an unreported kind only delegate to the account', () => {
    expect(categoryOf('account', roleSession())).toBe('account');
    expect(categoryOf('canonical', roleSession())).toBe('account');
    expect(categoryOf(undefined, roleSession())).toBe('account');
  });

  it('a role session acts through a session; an IAM user and a service principal do not', () => {
    expect(hasSession(roleSession())).toBe(true);
    expect(hasSession(iamUser())).toBe(false);
    expect(hasSession(service())).toBe(false);
  });
});

describe('same account: either side may allow, by the kind of grant (BASICS, BOUNDARY)', () => {
  it('a direct grant allows even when the identity chain does not', () => {
    expect(sideGrant(grants({ direct: true }), 'same-account', chain(false, false, false))).toBe(true);
  });

  it('a grant to the role is still limited by the boundary and the session policy, not by the identity policies', () => {
    expect(sideGrant(grants({ role: true }), 'same-account', chain(false))).toBe(true);
    expect(sideGrant(grants({ role: true }), 'same-account', chain(false, false))).toBe(false);
    expect(sideGrant(grants({ role: true }), 'same-account', chain(false, true, false))).toBe(false);
    expect(sideGrant(grants({ role: true }), 'same-account', chain(false, 'unknown'))).toBe('unknown');
  });

  it('without a resource grant the identity chain alone decides', () => {
    expect(sideGrant(grants({}), 'same-account', chain(true))).toBe(true);
    expect(sideGrant(grants({}), 'same-account', chain(false))).toBe(false);
    expect(sideGrant(grants({}), 'same-account', chain('unknown'))).toBe('unknown');
    expect(sideGrant(grants({}), 'same-account', chain(true, false))).toBe(false);
  });
});

describe('cross account: the resource side must grant AND the identity chain must allow (XACCT)', () => {
  it.each([
    [grants({ direct: true }), chain(true), true],
    [grants({ account: true }), chain(true), true],
    [grants({ direct: true }), chain(false), false],
    [grants({}), chain(true), false],
    [grants({ role: 'unknown' }), chain(true), 'unknown'],
    [grants({ direct: true }), chain(true, true, 'unknown'), 'unknown'],
  ] as const)('grants %j with chain %j: %s', (g, c, expected) => {
    expect(sideGrant(g, 'cross-account', c)).toBe(expected);
  });

  it('a caller without an identity (anonymous, service principal) needs only the resource grant', () => {
    expect(sideGrant(grants({ account: true }), 'no-identity', chain(false))).toBe(true);
    expect(sideGrant(grants({}), 'no-identity', chain(true))).toBe(false);
  });
});

describe('KMS: in the same account the key policy must allow, directly or by trusting the account (KEYPOL)', () => {
  it('an identity Allow alone does not use a key whose policy does not trust the account', () => {
    expect(keySideGrant(grants({}), 'same-account', chain(true))).toBe(false);
  });

  it('a key policy that trusts the account lets the IAM policies decide', () => {
    expect(keySideGrant(grants({ account: true }), 'same-account', chain(true))).toBe(true);
    expect(keySideGrant(grants({ account: true }), 'same-account', chain(false))).toBe(false);
  });

  it('a key policy naming the principal allows without an IAM policy', () => {
    expect(keySideGrant(grants({ direct: true }), 'same-account', chain(false))).toBe(true);
    expect(keySideGrant(grants({ role: true }), 'same-account', chain(false))).toBe(true);
    expect(keySideGrant(grants({ role: true }), 'same-account', chain(false, false))).toBe(false);
  });

  it('cross account it is the same rule as any resource policy', () => {
    expect(keySideGrant(grants({ account: true }), 'cross-account', chain(true))).toBe(true);
    expect(keySideGrant(grants({ account: true }), 'cross-account', chain(false))).toBe(false);
  });
});

describe('three-valued logic: an unknown never turns into true', () => {
  it('and: false wins, then unknown', () => {
    expect(and3(true, 'unknown', false)).toBe(false);
    expect(and3(true, 'unknown')).toBe('unknown');
    expect(and3(true, true)).toBe(true);
    expect(and3()).toBe(true);
  });

  it('or: true wins, then unknown', () => {
    expect(or3(false, 'unknown', true)).toBe(true);
    expect(or3(false, 'unknown')).toBe('unknown');
    expect(or3(false, false)).toBe(false);
    expect(or3()).toBe(false);
  });

  it('not keeps unknown', () => {
    expect(not3(true)).toBe(false);
    expect(not3(false)).toBe(true);
    expect(not3('unknown')).toBe('unknown');
  });

  it('merging alternatives gives their shared value, or unknown when they disagree or there are none', () => {
    expect(merge3([true, true])).toBe(true);
    expect(merge3([false, false])).toBe(false);
    expect(merge3([true, false])).toBe('unknown');
    expect(merge3([])).toBe('unknown');
  });
});
