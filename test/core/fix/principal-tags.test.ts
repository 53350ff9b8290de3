/**
 * aws:PrincipalTag/<key> (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag):
 * an IAM user's tags; a role session's are the role's tags plus its session tags, and "session tags override a role
 * tag with the same key" (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, Tags). S3's
 * CloudTrail records do not carry session tags, so for `explain` the role's tags are the session's only when the
 * role's trust policy rules session tags out (lambdas/core/policy/trust.ts); otherwise they are inferred values (a
 * cause resting on them is likely, not confirmed) and a tag the role lacks stays unknown. `simulate` evaluates a
 * session without session tags (given ones with --context).
 */
import { derivedContext, sessionTagInference } from '../../../lambdas/core/fix/context';
import { sessionTagsRead } from '../../../lambdas/core/settle';
import { known } from '../../../lambdas/core/model';
import { simulate } from '../../../lambdas/core/simulate';
import { explain } from '../checkers/helpers';
import {
  A,
  recordFor,
  roleArn,
  SERVICE_TRUST,
  TAGGING_TRUST,
  viewOf,
  type RoleSpec,
  type Stmt,
} from '../world';

const BUCKET = 'team-bucket';
const OBJECT = `arn:aws:s3:::${BUCKET}/q3.csv`;

/** The bucket denies every caller whose team tag is not finance. */
const denyOtherTeams: Stmt = {
  Sid: 'OnlyFinance',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'finance' } },
};
const readAll: Stmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
/** The role may read only when its team tag is finance. */
const readIfFinance: Stmt = {
  ...readAll,
  Condition: { StringEquals: { 'aws:PrincipalTag/team': 'finance' } },
};

function world(role: Partial<RoleSpec>, bucketPolicy: Stmt[] | null = null) {
  return viewOf({
    roles: [{ account: A, name: 'AppRole', statements: [readAll], ...role }],
    buckets: { [BUCKET]: { account: A, policy: bucketPolicy, objects: { 'q3.csv': {} } } },
  });
}

const denial = (role: Partial<RoleSpec>, bucketPolicy: Stmt[] | null = null) =>
  explain(
    recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv' }),
    world(role, bucketPolicy),
  );

describe('a role session: are the role tags the session tags?', () => {
  it('a role that only a service assumes (no sts:TagSession): its tags are known, a tag it lacks is absent', () => {
    const { request, facts } = denial({ tags: { team: 'eng' }, trust: SERVICE_TRUST }, [denyOtherTeams]);
    const ctx = derivedContext(request, facts, A);
    expect(ctx.values['aws:PrincipalTag/team']).toBe('eng');
    expect(sessionTagInference(request, facts)).toBeNull();
    const bare = denial({ tags: {}, statements: [readIfFinance], trust: SERVICE_TRUST });
    expect(derivedContext(bare.request, bare.facts, A).absent).toContain('aws:principaltag/team');
  });

  it('the trust policy allows sts:TagSession: the role tag is only likely (inferred), a tag it lacks unknown', () => {
    const { request, facts } = denial({ tags: { team: 'eng' }, trust: TAGGING_TRUST(A) }, [denyOtherTeams]);
    const ctx = derivedContext(request, facts, A);
    expect(ctx.values).not.toHaveProperty('aws:PrincipalTag/team');
    expect(ctx.inferred?.['aws:PrincipalTag/team']).toMatchObject({ value: 'eng', source: 'facts' });
    expect(ctx.inferred?.['aws:PrincipalTag/team']?.reason).toContain('sts:TagSession');
    const bare = denial({ tags: {}, statements: [readIfFinance], trust: TAGGING_TRUST(A) });
    const bareCtx = derivedContext(bare.request, bare.facts, A);
    expect(bareCtx.absent).not.toContain('aws:principaltag/team');
    expect(bareCtx.values).not.toHaveProperty('aws:PrincipalTag/team');
  });

  it('a snapshot without the trust policy: nothing is known either way, and the reason says so', () => {
    const { request, facts } = denial({ tags: { team: 'eng' } }, [denyOtherTeams]);
    expect(sessionTagInference(request, facts)?.['aws:PrincipalTag/team']?.reason).toContain('was not read');
  });

  it('a value the record (or --context) gives wins over the inference', () => {
    const { request, facts } = denial({ tags: { team: 'eng' }, trust: TAGGING_TRUST(A) }, [denyOtherTeams]);
    const given = {
      ...request,
      context: { ...request.context, values: { 'aws:principaltag/TEAM': 'finance' } },
    };
    const ctx = derivedContext(given, facts, A);
    expect(ctx.inferred ?? {}).not.toHaveProperty('aws:PrincipalTag/team');
    expect(ctx.values['aws:principaltag/TEAM']).toBe('finance');
  });
});

describe('the cause', () => {
  it('bucket policy Deny on the role tag, no session tags possible: confirmed', () => {
    const { finding } = denial({ tags: { team: 'eng' }, trust: SERVICE_TRUST }, [denyOtherTeams]);
    expect(finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'confirmed',
    });
  });

  it('the same Deny when the session may carry tags: still cause 1, but likely, saying a session tag may override the role tag', () => {
    const { finding, request } = denial({ tags: { team: 'eng' }, trust: TAGGING_TRUST(A) }, [denyOtherTeams]);
    const cause = finding.rootCauses[0];
    expect(cause).toMatchObject({ id: 'bucket-policy-explicit-deny', confidence: 'likely' });
    expect(cause?.explanation).toContain(
      "aws:PrincipalTag/team, the role's own tags, which a session tag the record does not show may override",
    );
    expect(cause?.evidence).toContainEqual({
      layer: 'principal',
      detail: expect.stringMatching(
        /^aws:PrincipalTag\/team = eng is likely, not certain: the role arn:aws:iam::\d{12}:role\/AppRole has the tag team=eng/,
      ),
    });
    // the read that settles it: the AssumeRole event that created the session lists its session tags
    expect(cause?.evidence.find((e) => e.layer === 'principal')?.detail).toContain(
      `To settle it, read the session tags of ${request.principal.arn} (aws:PrincipalTag/team): the AssumeRole event that created the session lists them: aws cloudtrail lookup-events --lookup-attributes AttributeKey=ResourceName,AttributeValue=${roleArn(A, 'AppRole')}`,
    );
    expect(finding.verdict).toBe('partially-explained'); // no confirmed cause
  });

  it('a role tag read as a policy variable in a Resource: the cause rests on that tag alone, not on every inferred key', () => {
    const perTeam: Stmt = { ...readAll, Resource: `arn:aws:s3:::${BUCKET}/\${aws:PrincipalTag/team}/*` };
    const { finding } = denial({ tags: { team: 'eng' }, trust: TAGGING_TRUST(A), statements: [perTeam] });
    const cause = finding.rootCauses[0];
    expect(cause).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'likely' });
    expect(cause?.explanation).toContain('aws:PrincipalTag/team');
    // the record also implies aws:SourceIdentity absent, which no policy here reads
    expect(JSON.stringify(cause)).not.toContain('aws:SourceIdentity');
  });

  it('an Allow that needs a tag the role lacks, no session tags possible: the missing tag is a fact, the cause confirmed', () => {
    const { finding } = denial({ tags: {}, statements: [readIfFinance], trust: SERVICE_TRUST });
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'confirmed' });
  });

  it('the same when the session may carry tags: not confirmed, and the read that settles it is the AssumeRole event', () => {
    const { finding } = denial({ tags: {}, statements: [readIfFinance], trust: TAGGING_TRUST(A) });
    const cause = finding.rootCauses[0];
    expect(cause?.id).toBe('identity-policy-no-allow');
    expect(cause?.confidence).not.toBe('confirmed');
    const text = JSON.stringify(finding);
    expect(text).toContain(
      `aws cloudtrail lookup-events --lookup-attributes AttributeKey=ResourceName,AttributeValue=${roleArn(A, 'AppRole')}`,
    );
    expect(text).not.toContain('list-role-tags');
  });

  it("the bucket owner's copy of a cross-account record (a caller typed AWSAccount, AROA… id): the same read", () => {
    const event = recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv' }) as {
      userIdentity: Record<string, unknown>;
    };
    const id = String(event.userIdentity['principalId']);
    event.userIdentity = { type: 'AWSAccount', principalId: id, accountId: A };
    const { finding } = explain(
      event as unknown as Record<string, unknown>,
      world({ tags: {}, statements: [readIfFinance], trust: TAGGING_TRUST(A) }),
    );
    expect(JSON.stringify(finding)).toContain('aws cloudtrail lookup-events');
    expect(JSON.stringify(finding)).not.toContain('list-role-tags');
  });

  it('an IAM user: its tags are all its principal tags (a tag it lacks is absent)', () => {
    const { request, facts } = denial({ tags: {}, statements: [readIfFinance] });
    const user = {
      ...request,
      principal: {
        ...request.principal,
        type: 'IAMUser' as const,
        arn: 'arn:aws:iam::111122223333:user/alice',
      },
    };
    const p = facts.principal?.status === 'known' ? facts.principal.value : null;
    const asUser = {
      ...facts,
      principal: known({ ...p!, kind: 'user' as const, identityArn: 'arn:aws:iam::111122223333:user/alice' }),
    };
    expect(derivedContext(user, asUser, A).absent).toContain('aws:principaltag/team');
    expect(sessionTagInference(user, asUser)).toBeNull();
  });
});

describe("the session's own tags, read (the event that created the session; a snapshot's sessions[…].Tags)", () => {
  it('a session tag overrides the role tag with the same key, whatever its case: the Deny on it is confirmed', () => {
    const { request, facts, finding } = denial(
      { tags: { team: 'finance' }, trust: TAGGING_TRUST(A), sessionTags: { TEAM: 'audit' } },
      [denyOtherTeams],
    );
    const ctx = derivedContext(request, facts, A);
    expect(ctx.values).toMatchObject({ 'aws:PrincipalTag/TEAM': 'audit' });
    expect(ctx.values).not.toHaveProperty('aws:PrincipalTag/team');
    expect(ctx.inferred ?? {}).not.toHaveProperty('aws:PrincipalTag/team');
    expect(finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'confirmed',
    });
    expect(JSON.stringify(finding.rootCauses[0]?.evidence)).toContain(
      'aws:PrincipalTag/team audit does not equal finance',
    );
  });

  it('a session known to carry no tags: the role tags are all there is, a tag the role lacks is absent', () => {
    const { request, facts, finding } = denial({
      tags: {},
      statements: [readIfFinance],
      trust: TAGGING_TRUST(A),
      sessionTags: {},
    });
    expect(derivedContext(request, facts, A).absent).toContain('aws:principaltag/team');
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'confirmed' });
    expect(JSON.stringify(finding)).not.toContain('lookup-events');
  });

  it('a session tag the role lacks is a principal tag too', () => {
    const { finding } = denial({
      tags: {},
      statements: [readIfFinance],
      trust: TAGGING_TRUST(A),
      sessionTags: { team: 'finance' },
    });
    expect(finding.verdict).not.toBe('explained'); // allowed by the facts: nothing here denies
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('identity-policy-no-allow');
  });
});

describe('a federated user (GetFederationToken): "session tags override a user tag with the same key" (API_GetFederationToken, Tags)', () => {
  const USER = 'arn:aws:iam::111122223333:user/proxy';
  /** The denial of a federated user whose IAM user (the session issuer) has `tags`; `sessionTags`: the issuing event's. */
  function federated(tags: Record<string, string>, sessionTags?: Record<string, string>) {
    const { request, facts } = denial({ tags, statements: [readIfFinance] }, [denyOtherTeams]);
    const p = facts.principal?.status === 'known' ? facts.principal.value : null;
    return {
      request: {
        ...request,
        principal: {
          ...request.principal,
          type: 'FederatedUser' as const,
          arn: 'arn:aws:sts::111122223333:federated-user/bob',
          identityArn: USER,
          accessKeyId: 'ASIAFEDERATED0000001',
        },
      },
      facts: {
        ...facts,
        principal: known({ ...p!, kind: 'user' as const, identityArn: USER, tags }),
        ...(sessionTags !== undefined ? { sessionTags: known(sessionTags) } : {}),
      },
    };
  }

  it("the creating event not read: the user's tag is only likely, a tag the user lacks unknown", () => {
    const { request, facts } = federated({ team: 'eng' });
    const ctx = derivedContext(request, facts, A);
    expect(ctx.values).not.toHaveProperty('aws:PrincipalTag/team');
    expect(ctx.inferred?.['aws:PrincipalTag/team']).toMatchObject({ value: 'eng', source: 'facts' });
    expect(ctx.inferred?.['aws:PrincipalTag/team']?.reason).toContain(
      `the IAM user ${USER} has the tag team=eng, but the session's own tags are not recorded: GetFederationToken may pass session tags`,
    );
    const bare = federated({});
    expect(derivedContext(bare.request, bare.facts, A).absent).not.toContain('aws:principaltag/team');
    // the read that settles it is the GetFederationToken event that issued the session's access key
    const read = sessionTagsRead(request, facts, 'aws:PrincipalTag/team');
    expect(read?.command).toContain(
      'aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=GetFederationToken',
    );
    expect(read?.command).toContain('ASIAFEDERATED0000001');
    expect(read?.what).toContain('the GetFederationToken event that created the session lists them');
  });

  it("the event read: its session tags over the user's tags (keys without case), every other tested key absent", () => {
    const over = federated({ team: 'finance' }, { TEAM: 'audit' });
    const ctx = derivedContext(over.request, over.facts, A);
    expect(ctx.values).toMatchObject({ 'aws:PrincipalTag/TEAM': 'audit' });
    expect(ctx.values).not.toHaveProperty('aws:PrincipalTag/team');
    expect(sessionTagInference(over.request, over.facts)).toBeNull();
    const none = federated({}, {});
    expect(derivedContext(none.request, none.facts, A).absent).toContain('aws:principaltag/team');
  });
});

describe('the root user', () => {
  it('has no tags (only IAM users, roles and other IAM resources can be tagged: id_tags.html): a tested key is absent', () => {
    const { request, facts } = denial({ tags: {} }, [denyOtherTeams]);
    const root = {
      ...request,
      principal: { ...request.principal, type: 'Root' as const, arn: `arn:aws:iam::${A}:root` },
    };
    const rootFacts = {
      ...facts,
      principal: known({
        identityArn: `arn:aws:iam::${A}:root`,
        accountId: A,
        kind: 'root' as const,
        identityPolicies: [],
        permissionsBoundary: null,
        tags: {},
        groups: [],
      }),
    };
    expect(derivedContext(root, rootFacts, A).absent).toContain('aws:principaltag/team');
  });
});

describe('simulate: a hypothetical session carries no session tags', () => {
  it('the role tag decides, confirmed, whatever the trust policy', () => {
    for (const trust of [TAGGING_TRUST(A), SERVICE_TRUST, undefined]) {
      const view = world({ tags: { team: 'eng' }, ...(trust ? { trust } : {}) }, [denyOtherTeams]);
      const sim = simulate(
        { principal: roleArn(A, 'AppRole'), action: 's3:GetObject', resource: OBJECT, context: {} },
        view,
      );
      expect(sim.decision).toBe('explicitly-denied');
      expect(sim.rootCauses[0]).toMatchObject({ id: 'bucket-policy-explicit-deny', confidence: 'confirmed' });
      const given = simulate(
        {
          principal: roleArn(A, 'AppRole'),
          action: 's3:GetObject',
          resource: OBJECT,
          context: { 'aws:PrincipalTag/team': 'finance' },
        },
        view,
      );
      expect(given.decision).toBe('allowed');
    }
  });
});
