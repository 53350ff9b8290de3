/**
 * Principal entries other than plain ARNs, callers whose identity the record only partly gives, and what the
 * statement detail says about the principal test.
 * PRINCIPAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * (unique principal IDs: a policy shows the ID instead of the ARN after the named role or user was deleted;
 * account IDs are 12 digits; service principals; canonical user IDs)
 * NOTPRINCIPAL = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 * OAI = https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 * (a bucket policy names a legacy origin access identity by its IAM-style ARN
 * "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity <id>" or by its canonical user ID)
 * USERID = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-userid
 * (aws:userid: the user's unique ID; for a role session "role-id:caller-specified-role-name")
 */
import type { CompiledPrincipal } from '../../../../lambdas/core/policy/principal';
import { compilePrincipal, principalDetail } from '../../../../lambdas/core/policy/principal';
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

const trace = (
  principal: unknown,
  caller: EnginePrincipal,
  opts: { effect?: string; not?: boolean; values?: Record<string, string>; otherKeys?: 'unknown' } = {},
) => {
  const doc = statementDoc({
    Effect: opts.effect ?? 'Allow',
    [opts.not === true ? 'NotPrincipal' : 'Principal']: principal,
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::b/*',
  });
  const req = request({
    principal: caller,
    resource: 'arn:aws:s3:::b/k',
    ...(opts.values ? { values: opts.values } : {}),
    ...(opts.otherKeys ? { otherKeys: opts.otherKeys } : {}),
  });
  const ev = evaluate(doc, req, 'bucket-policy');
  return { ev, st: ev.statements[0]! };
};

const OAI_ARN = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLEID';
const oai: EnginePrincipal = {
  type: 'AWSService',
  arn: null,
  identityArn: null,
  accountId: null,
  serviceName: 'cloudfront.amazonaws.com',
  originAccessIdentity: true,
};
const ROLE_ID = 'AROA1234567890EXAMPLE';
const USER_ID = 'AIDA1234567890EXAMPLE';

describe('unique principal IDs (PRINCIPAL, USERID)', () => {
  it('a role ID names the sessions of that role: aws:userid is "role-id:session-name"', () => {
    const { st } = trace({ AWS: ROLE_ID }, roleSession(), { values: { 'aws:userid': `${ROLE_ID}:sess` } });
    expect(st.principalMatched).toBe(true);
    expect(st.principalMatchKind).toBe('identity');
  });

  it('a user ID names the user whose aws:userid it is', () => {
    const { st } = trace({ AWS: USER_ID }, iamUser(), { values: { 'aws:userid': USER_ID } });
    expect(st.principalMatched).toBe(true);
    expect(st.principalMatchKind).toBe('identity');
  });

  it('a unique ID does not name a caller with another ID (a recreated role has a new ID)', () => {
    expect(
      trace({ AWS: ROLE_ID }, roleSession(), { values: { 'aws:userid': 'AROA0000000000NEWROLE:sess' } }).st
        .principalMatched,
    ).toBe(false);
    expect(
      trace({ AWS: ROLE_ID }, roleSession(), { values: { 'aws:userid': `X${ROLE_ID}:sess` } }).st
        .principalMatched,
    ).toBe(false);
  });

  it('a unique ID never names a service or the anonymous caller', () => {
    const values = { 'aws:userid': ROLE_ID };
    expect(trace({ AWS: ROLE_ID }, service('cloudtrail.amazonaws.com'), { values }).st.principalMatched).toBe(
      false,
    );
    expect(trace({ AWS: ROLE_ID }, anonymous, { values }).st.principalMatched).toBe(false);
  });

  it('without aws:userid in the request a unique ID names nobody', () => {
    expect(trace({ AWS: ROLE_ID }, roleSession()).st.principalMatched).toBe(false);
    expect(trace({ AWS: ROLE_ID }, roleSession(), { otherKeys: 'unknown' }).st.principalMatched).toBe(false);
  });

  it('text that is not a unique ID (lower case, too short, a prefix before it) names nobody, even when aws:userid equals it', () => {
    for (const text of ['aroa1234567890example', 'AROA123456789', `x${ROLE_ID}`, `${ROLE_ID}!`]) {
      const { st } = trace({ AWS: text }, roleSession(), { values: { 'aws:userid': `${text}:sess` } });
      expect([text, st.principalMatched]).toEqual([text, false]);
    }
  });
});

describe('account IDs are 12 digits (PRINCIPAL)', () => {
  it.each([
    ['13 digits', `${ACCT}4`],
    ['11 digits', ACCT.slice(1)],
    ['a letter before the digits', `a${ACCT}`],
    ['a letter after the digits', `${ACCT}a`],
  ])('%s is not an account ID: it names no principal of the account', (_name, text) => {
    expect(trace({ AWS: text }, iamUser()).st.principalMatched).toBe(false);
    expect(trace({ AWS: text }, rootUser()).st.principalMatched).toBe(false);
  });

  it('the root ARN names the account only when it is exactly ":root"', () => {
    expect(trace({ AWS: `arn:aws:iam::${ACCT}:rootx` }, iamUser()).st.principalMatched).toBe(false);
    expect(trace({ AWS: `xarn:aws:iam::${ACCT}:root` }, iamUser()).st.principalMatched).toBe(false);
    expect(trace({ AWS: `arn:aws:iam::${ACCT}1:root` }, iamUser()).st.principalMatched).toBe(false);
  });

  it('a role ARN without a role name, or with a bad partition, names nobody', () => {
    const caller = roleSession('AppRole');
    expect(trace({ AWS: `arn:aws:iam::${ACCT}:role/` }, caller).st.principalMatched).toBe(false);
    expect(trace({ AWS: `arn:AWS:iam::${ACCT}:role/AppRole` }, caller).st.principalMatched).toBe(false);
    expect(trace({ AWS: `arn:aws:iam::${ACCT}:role/AppRole` }, caller).st.principalMatched).toBe(true);
  });

  it('an account ID written with surrounding spaces is still the account', () => {
    expect(trace({ AWS: ` ${ACCT} ` }, iamUser()).st.principalMatchKind).toBe('account');
  });
});

describe('session ARNs (PRINCIPAL)', () => {
  const session = `arn:aws:sts::${ACCT}:assumed-role/AppRole/sess`;

  it('a session ARN names nobody when its role or session part is missing', () => {
    const caller: EnginePrincipal = {
      ...roleSession('AppRole', 'sess'),
      arn: `arn:aws:sts::${ACCT}:assumed-role/AppRole/`,
    };
    expect(trace({ AWS: `arn:aws:sts::${ACCT}:assumed-role/AppRole/` }, caller).st.principalMatched).toBe(
      false,
    );
    const slash: EnginePrincipal = { ...roleSession(), arn: `arn:aws:sts::${ACCT}:assumed-role//sess` };
    expect(trace({ AWS: `arn:aws:sts::${ACCT}:assumed-role//sess` }, slash).st.principalMatched).toBe(false);
  });

  it('a session ARN does not name a service', () => {
    expect(trace({ AWS: session }, service('cloudtrail.amazonaws.com')).st.principalMatched).toBe(false);
  });

  it('a caller whose session ARN the record lacks: unknown in the same account, no in another', () => {
    const partial: EnginePrincipal = { type: 'AssumedRole', arn: null, identityArn: null, accountId: ACCT };
    expect(trace({ AWS: session }, partial).st.principalMatched).toBe('unknown');
    expect(trace({ AWS: session }, { ...partial, accountId: OTHER }).st.principalMatched).toBe(false);
    const noAccount: EnginePrincipal = { ...partial, accountId: null };
    expect(trace({ AWS: session }, noAccount).st.principalMatched).toBe('unknown');
    expect(trace({ AWS: `arn:aws:iam::${ACCT}:role/AppRole` }, noAccount).st.principalMatched).toBe(
      'unknown',
    );
  });

  it('session ARNs compare exactly: another case of the session name is another session', () => {
    expect(
      trace({ AWS: `arn:aws:sts::${ACCT}:assumed-role/AppRole/SESS` }, roleSession()).st.principalMatched,
    ).toBe(false);
  });
});

describe('service and canonical user principals (PRINCIPAL)', () => {
  it('a role or user ARN never names a service', () => {
    const svc = service('cloudtrail.amazonaws.com');
    expect(trace({ AWS: `arn:aws:iam::${ACCT}:role/AppRole` }, svc).st.principalMatched).toBe(false);
    expect(trace({ AWS: `arn:aws:iam::${ACCT}:user/alice` }, svc).st.principalMatched).toBe(false);
  });

  it('a service the record does not name might be the listed one', () => {
    const unnamed: EnginePrincipal = { ...service('x'), serviceName: null };
    const { ev, st } = trace({ Service: 'cloudtrail.amazonaws.com' }, unnamed);
    expect(st.principalMatched).toBe('unknown');
    expect(ev.decision).toBe('unknown');
  });

  it('service principal names compare without regard to case and surrounding spaces', () => {
    expect(
      trace({ Service: ' CloudTrail.amazonaws.com ' }, service('cloudtrail.amazonaws.com')).st
        .principalMatched,
    ).toBe(true);
  });

  it("a canonical user ID: unknown when the record lacks the caller's canonical ID, never a service or anonymous", () => {
    const id = 'a'.repeat(64);
    expect(trace({ CanonicalUser: id }, iamUser()).st.principalMatched).toBe('unknown');
    expect(trace({ CanonicalUser: id }, anonymous).st.principalMatched).toBe(false);
    expect(trace({ CanonicalUser: id }, service('cloudtrail.amazonaws.com')).st.principalMatched).toBe(false);
    expect(trace({ CanonicalUser: ` ${id} ` }, { ...iamUser(), canonicalId: id }).st.principalMatched).toBe(
      true,
    );
  });

  it('the most specific entry gives the kind: a service before "*", a canonical ID before the account', () => {
    const svc = service('cloudtrail.amazonaws.com');
    expect(trace({ AWS: '*', Service: 'cloudtrail.amazonaws.com' }, svc).st.principalMatchKind).toBe(
      'service',
    );
    expect(trace({ Service: 'cloudtrail.amazonaws.com', AWS: '*' }, svc).st.principalMatchKind).toBe(
      'service',
    );
    const caller = { ...iamUser(), canonicalId: 'c'.repeat(64) };
    expect(trace({ AWS: ACCT, CanonicalUser: 'c'.repeat(64) }, caller).st.principalMatchKind).toBe(
      'canonical',
    );
    expect(trace({ CanonicalUser: 'c'.repeat(64), AWS: ACCT }, caller).st.principalMatchKind).toBe(
      'canonical',
    );
    expect(trace({ CanonicalUser: 'c'.repeat(64), AWS: '*' }, caller).st.principalMatchKind).toBe('wildcard');
    expect(trace({ AWS: ['*', `arn:aws:iam::${ACCT}:user/alice`] }, iamUser()).st.principalMatchKind).toBe(
      'identity',
    );
  });

  it('a Federated entry does not stop another entry of the Principal from naming the caller', () => {
    const { st } = trace({ Federated: 'cognito-identity.amazonaws.com', AWS: ACCT }, iamUser());
    expect(st.principalMatched).toBe(true);
    expect(st.principalMatchKind).toBe('account');
  });
});

describe('CloudFront origin access identities (OAI, PRINCIPAL)', () => {
  it('a bucket policy naming an OAI by ARN might name the calling OAI (the record does not say which one asked)', () => {
    const { ev, st } = trace({ AWS: OAI_ARN }, oai);
    expect(st.principalMatched).toBe('unknown');
    expect(ev.decision).toBe('unknown');
  });

  it('an OAI ARN names no IAM user, role session or ordinary service', () => {
    expect(trace({ AWS: OAI_ARN }, iamUser()).st.principalMatched).toBe(false);
    expect(trace({ AWS: OAI_ARN }, roleSession()).st.principalMatched).toBe(false);
    expect(trace({ AWS: OAI_ARN }, service('cloudfront.amazonaws.com')).st.principalMatched).toBe(false);
  });

  it('the OAI ARN form needs the identity ID after "CloudFront Origin Access Identity"', () => {
    const noId = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ';
    expect(trace({ AWS: noId }, oai).st.principalMatched).toBe(false);
    expect(trace({ AWS: `x${OAI_ARN}` }, oai).st.principalMatched).toBe(false);
    expect(trace({ AWS: `${OAI_ARN} extra` }, oai).st.principalMatched).toBe(false);
  });

  it('an OAI is not the cloudfront.amazonaws.com service principal', () => {
    expect(trace({ Service: 'cloudfront.amazonaws.com' }, oai).st.principalMatched).toBe(false);
  });

  it('a canonical user ID might be the calling OAI (its canonical ID is not recorded)', () => {
    expect(trace({ CanonicalUser: 'a'.repeat(64) }, oai).st.principalMatched).toBe('unknown');
  });

  it('an account or "*" : an account never names an OAI, "*" does', () => {
    expect(trace({ AWS: ACCT }, oai).st.principalMatched).toBe(false);
    expect(trace('*', oai).st.principalMatched).toBe(true);
  });
});

describe('NotPrincipal with Deny: what the record leaves open (NOTPRINCIPAL)', () => {
  const deny = (notPrincipal: unknown, caller: EnginePrincipal) =>
    trace(notPrincipal, caller, { effect: 'Deny', not: true }).ev.decision;

  it('a NotPrincipal canonical ID might exclude the calling OAI; a NotPrincipal service never does', () => {
    expect(deny({ CanonicalUser: 'a'.repeat(64) }, oai)).toBe('unknown');
    expect(deny({ AWS: OAI_ARN }, oai)).toBe('unknown');
    expect(deny({ Service: 'cloudfront.amazonaws.com' }, oai)).toBe('deny');
  });

  it('a service is excluded by its Service entry only, not by an OAI entry', () => {
    expect(deny({ AWS: OAI_ARN }, service('cloudfront.amazonaws.com'))).toBe('deny');
    expect(deny({ Service: 'cloudfront.amazonaws.com' }, service('cloudfront.amazonaws.com'))).toBe('none');
  });

  it('a user whose account the record lacks, listed with a root ARN: the exclusion is unknown', () => {
    const noAccount: EnginePrincipal = { ...iamUser('alice'), accountId: null };
    expect(deny({ AWS: [`arn:aws:iam::${ACCT}:root`, `arn:aws:iam::${ACCT}:user/alice`] }, noAccount)).toBe(
      'unknown',
    );
  });

  it('a user whose ARN the record lacks, its account listed: the exclusion is unknown', () => {
    const noArn: EnginePrincipal = { type: 'IAMUser', arn: null, identityArn: null, accountId: ACCT };
    expect(deny({ AWS: [`arn:aws:iam::${ACCT}:root`, `arn:aws:iam::${ACCT}:user/alice`] }, noArn)).toBe(
      'unknown',
    );
  });

  it('a caller the record does not identify enough: the exclusion is unknown, not a deny', () => {
    const rootNoAccount: EnginePrincipal = { ...rootUser(), accountId: null };
    expect(deny({ AWS: [`arn:aws:iam::${ACCT}:root`] }, rootNoAccount)).toBe('unknown');
    const unnamed: EnginePrincipal = { ...service('x'), serviceName: null };
    expect(deny({ Service: 'cloudtrail.amazonaws.com' }, unnamed)).toBe('unknown');
  });

  it('NotPrincipal "*" excludes every caller, and the detail says so', () => {
    const { ev, st } = trace('*', anonymous, { effect: 'Deny', not: true });
    expect(ev.decision).toBe('none');
    expect(st.detail).toBe('Deny statement 1 does not apply: NotPrincipal * excludes the anonymous caller');
  });

  it('a root user of an account that is not listed is denied', () => {
    expect(deny({ AWS: [`arn:aws:iam::${OTHER}:root`] }, rootUser())).toBe('deny');
  });

  it('a canonical user ID counts as the account of a caller with that canonical ID', () => {
    const caller = { ...iamUser('alice'), canonicalId: 'c'.repeat(64) };
    expect(deny({ CanonicalUser: 'c'.repeat(64), AWS: `arn:aws:iam::${ACCT}:user/alice` }, caller)).toBe(
      'none',
    );
  });

  it('a unique ID excludes the identity that carries it, with its account', () => {
    const { ev } = trace({ AWS: [ACCT, ROLE_ID] }, roleSession(), {
      effect: 'Deny',
      not: true,
      values: { 'aws:userid': `${ROLE_ID}:sess` },
    });
    expect(ev.decision).toBe('none');
  });
});

describe('what the statement detail says about the principal', () => {
  const detail = (principal: unknown, caller: EnginePrincipal, not = false) =>
    trace(principal, caller, { effect: not ? 'Deny' : 'Allow', not }).st.detail;

  it('names the caller in the words the record allows', () => {
    const other = { AWS: `arn:aws:iam::${OTHER}:root` };
    expect(detail(other, anonymous)).toContain('does not name the anonymous caller');
    expect(detail(other, oai)).toContain('does not name a CloudFront origin access identity');
    expect(detail(other, service('cloudtrail.amazonaws.com'))).toContain(
      'does not name cloudtrail.amazonaws.com',
    );
    expect(detail(other, { ...service('x'), serviceName: null })).toContain(
      'does not name the calling AWS service',
    );
    const user = iamUser('alice');
    expect(detail(other, { ...user, arn: null })).toContain(`does not name arn:aws:iam::${ACCT}:user/alice`);
    expect(detail(other, { ...user, arn: null, identityArn: null })).toContain(
      `does not name a principal of account ${ACCT}`,
    );
    expect(detail(other, { type: 'Unknown', arn: null, identityArn: null, accountId: null })).toContain(
      'cannot tell whether the principal names the caller',
    );
  });

  it('a principal list is shown as written, in brackets', () => {
    expect(detail({ AWS: [`arn:aws:iam::${OTHER}:root`, OTHER] }, iamUser('alice'))).toBe(
      `Allow statement 1 does not apply: principal [arn:aws:iam::${OTHER}:root, ${OTHER}] does not name arn:aws:iam::${ACCT}:user/alice`,
    );
  });

  it('says when NotPrincipal excludes the caller, and when it cannot tell', () => {
    expect(detail({ AWS: `arn:aws:iam::${ACCT}:root` }, rootUser(), true)).toBe(
      `Deny statement 1 does not apply: NotPrincipal arn:aws:iam::${ACCT}:root excludes arn:aws:iam::${ACCT}:root`,
    );
    const noArn: EnginePrincipal = { type: 'IAMUser', arn: null, identityArn: null, accountId: ACCT };
    expect(
      detail({ AWS: [`arn:aws:iam::${ACCT}:root`, `arn:aws:iam::${ACCT}:user/alice`] }, noArn, true),
    ).toBe(
      `Deny statement 1 might apply: cannot tell whether NotPrincipal excludes a principal of account ${ACCT}`,
    );
  });

  it('the principal sentence for a caller the principal names, or NotPrincipal does not exclude', () => {
    const cp = compilePrincipal({ AWS: [ACCT, `arn:aws:iam::${ACCT}:user/alice`] }) as CompiledPrincipal;
    const alice = iamUser('alice');
    expect(principalDetail(cp, { matched: true, kind: 'identity', entry: 'E', not: false }, alice)).toBe(
      `principal E names arn:aws:iam::${ACCT}:user/alice (identity)`,
    );
    expect(principalDetail(cp, { matched: true, not: false }, alice)).toBe(
      `principal [${ACCT}, arn:aws:iam::${ACCT}:user/alice] names arn:aws:iam::${ACCT}:user/alice (match)`,
    );
    expect(principalDetail(cp, { matched: true, not: true }, alice)).toBe(
      `NotPrincipal [${ACCT}, arn:aws:iam::${ACCT}:user/alice] does not exclude arn:aws:iam::${ACCT}:user/alice (its account and its own ARN must both be listed)`,
    );
  });
});

describe('malformed Principal elements (PRINCIPAL)', () => {
  it.each([
    ['a number', 5, 'must be "*" or an object'],
    ['a list', ['*'], 'must be "*" or an object'],
    ['null', null, 'must be "*" or an object'],
    ['an unknown type', { Aws: ACCT }, 'has an unknown principal type "Aws"'],
    ['an empty list', { AWS: [] }, 'has an empty AWS list'],
    ['a non-string value', { Service: [5] }, 'Service values must be strings'],
    ['no type at all', {}, 'names no principal'],
  ])('%s is rejected', (_name, value, message) => {
    expect(compilePrincipal(value)).toEqual(expect.stringContaining(message));
  });

  it('"*" and {"AWS": "*"} name everyone; a list with "*" too', () => {
    for (const p of ['*', { AWS: '*' }, { AWS: [ACCT, '*'] }]) {
      const cp = compilePrincipal(p) as CompiledPrincipal;
      expect(cp.wildcard).toBe(true);
    }
    expect((compilePrincipal({ AWS: ACCT }) as CompiledPrincipal).wildcard).toBe(false);
    expect((compilePrincipal('*') as CompiledPrincipal).listedText).toBe('*');
  });
});
