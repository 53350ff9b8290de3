/**
 * ABAC through an access point: the request's aws:ResourceTag keys are the access point's tags.
 * - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-tagging.html: "The aws:ResourceTag condition
 *   key can only be used for S3 actions performed via an access point ARN for general purpose buckets and covers the
 *   underlying access point tags only."
 * - https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging.html: ABAC is disabled by default for general
 *   purpose buckets; "for Amazon S3 resources such as access points and directory buckets, ABAC is enabled by default".
 * - https://docs.aws.amazon.com/AmazonS3/API/API_control_ListTagsForResource.html: the access point's tags
 *   (snapshot `accessPoints[arn].Tags`).
 */
import { derivedContext } from '../../../lambdas/core/fix/context';
import { simulate } from '../../../lambdas/core/simulate';
import { explain } from '../checkers/helpers';
import { A, B, recordFor, SERVICE_TRUST, viewOf, type Stmt, type WorldSpec } from '../world';

const BUCKET = 'shared-data';
const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/team-ap`;

/** ABAC on access points: a role may read through the access points of its own team. */
const teamAllow: Stmt = {
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:us-east-1:${A}:accesspoint/*/object/*`,
  Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
};

/** The bucket delegates access control to the account's access points (access-points-policies.html). */
const delegate: Stmt = {
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: '*',
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { StringEquals: { 's3:DataAccessPointAccount': A } },
};

function world(
  apTags: Record<string, string> | 'unread',
  bucket: { abac?: boolean; tags?: Record<string, string> } = { abac: false, tags: {} },
): WorldSpec {
  return {
    // a role only EC2 assumes, without sts:TagSession: its sessions carry exactly its tags (policy/trust.ts)
    roles: [
      { account: A, name: 'Analyst', statements: [teamAllow], tags: { team: 'red' }, trust: SERVICE_TRUST },
    ],
    buckets: {
      [BUCKET]: { account: A, policy: [delegate], ...bucket, objects: { 'q3.csv': {} } },
    },
    accessPoints: {
      [AP]: {
        Name: 'team-ap',
        Bucket: BUCKET,
        NetworkOrigin: 'Internet',
        Policy: null,
        ...(apTags === 'unread'
          ? {}
          : { Tags: Object.entries(apTags).map(([Key, Value]) => ({ Key, Value })) }),
      },
    },
  };
}

const record = () =>
  recordFor({ account: A, role: 'Analyst', bucket: BUCKET, key: 'q3.csv', accessPoint: AP });

const decide = (w: WorldSpec) =>
  simulate(
    {
      principal: `arn:aws:iam::${A}:role/Analyst`,
      action: 's3:GetObject',
      resource: `${AP}/object/q3.csv`,
      context: {},
    },
    viewOf(w),
    { now: new Date('2026-12-04T12:00:00Z') },
  );

describe('through an access point, aws:ResourceTag is the access point tags', () => {
  it("the access point tagged with the caller's team: the key carries its tag and the ABAC Allow matches", () => {
    const { request, facts, finding } = explain(record(), viewOf(world({ team: 'red' })));
    expect(derivedContext(request, facts, A).values['aws:ResourceTag/team']).toBe('red');
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('identity-policy-no-allow');
    expect(decide(world({ team: 'red' })).decision).toBe('allowed');
  });

  it("another team's access point: no Allow, cause 1 confirmed, and the evidence shows the tag that did not match", () => {
    const { request, facts, finding } = explain(record(), viewOf(world({ team: 'blue' })));
    expect(derivedContext(request, facts, A).values['aws:ResourceTag/team']).toBe('blue');
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'confirmed' });
    expect(JSON.stringify(finding.rootCauses[0]?.evidence)).toContain('aws:ResourceTag/team');
    expect(decide(world({ team: 'blue' })).decision).toBe('implicitly-denied');
  });

  it('the cause names the tag the Allow requires and the one the access point carries; the fix tags it, verified', () => {
    const { finding } = explain(record(), viewOf(world({ team: 'blue' })));
    const cause = finding.rootCauses[0]!;
    expect(cause.title).toBe(
      `The Allow of arn:aws:iam::${A}:role/Analyst for s3:GetObject on ${AP}/object/q3.csv requires team=red on access point team-ap, which carries team=blue`,
    );
    expect(cause.evidence[0]).toEqual({
      layer: 'resource-tags',
      detail:
        'access point team-ap carries team=blue; the Allow of statement #1 of Analyst-inline requires team=red (aws:ResourceTag)',
    });
    expect(cause.fix).toMatchObject({
      verified: true,
      commands: [
        `aws s3control tag-resource --account-id ${A} --resource-arn ${AP} --tags '[{"Key":"team","Value":"red"}]'`,
      ],
    });
    expect(cause.fix.summary).toContain('through an access point tagged team=red');
    // no tags at all: "no team tag"
    expect(explain(record(), viewOf(world({}))).finding.rootCauses[0]?.title).toContain(
      'which carries no team tag',
    );
  });

  it('an Allow that also misses on another condition gets the usual fix, not a tag change', () => {
    const both: Stmt = {
      ...teamAllow,
      Condition: {
        StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' },
        IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
      },
    };
    const w = world({ team: 'blue' });
    const spec = { ...w, roles: [{ ...w.roles![0]!, statements: [both] }] };
    const { finding } = explain(record(), viewOf(spec));
    expect(finding.rootCauses[0]?.id).toBe('identity-policy-no-allow');
    expect(finding.rootCauses[0]?.title).toMatch(/^No identity policy/);
    expect(finding.rootCauses[0]?.fix.commands.join('\n')).not.toContain('tag-resource');
  });

  it('an access point with no tags: every tested key is absent, so the Allow is decided not to match', () => {
    const { request, facts, finding } = explain(record(), viewOf(world({})));
    expect(derivedContext(request, facts, A).absent).toContain('aws:resourcetag/team');
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'confirmed' });
  });

  it("the bucket's tags do not stand in for the access point's, even with ABAC enabled on the bucket", () => {
    const w = world({ team: 'blue' }, { abac: true, tags: { team: 'red' } });
    const { request, facts } = explain(record(), viewOf(w));
    expect(derivedContext(request, facts, A).values['aws:ResourceTag/team']).toBe('blue');
    expect(decide(w).decision).toBe('implicitly-denied');
  });
});

describe('access point tags not read: unknown, and the read that settles it is named', () => {
  it('explain: the cause is undecided (likely only by elimination) and its first step lists the access point tags', () => {
    const { request, facts, finding } = explain(record(), viewOf(world('unread')));
    const c = derivedContext(request, facts, A);
    expect(c.values).not.toHaveProperty('aws:ResourceTag/team');
    expect(c.absent).not.toContain('aws:resourcetag/team');
    const cause = finding.rootCauses.find((x) => x.id === 'identity-policy-no-allow');
    expect(finding.checks.find((k) => k.layer === 'identity-policy-no-allow')?.status).toBe('unknown');
    expect(cause?.confidence).toBe('likely');
    expect(cause?.fix.commands).toEqual([
      `aws s3control list-tags-for-resource --account-id ${A} --resource-arn ${AP}`,
    ]);
  });

  it('simulate: unknown (not "implicitly denied"), because the snapshot does not hold the tags', () => {
    const sim = decide(world('unread'));
    expect(sim.decision).toBe('unknown');
    expect(JSON.stringify(sim.missing)).toContain('aws:ResourceTag/team');
  });
});

describe('an access point policy whose Allow rests on the access point tags', () => {
  // A partner account reads through the access point; the access point policy must grant it (a caller of another
  // account needs the resource side: reference_policies_evaluation-logic-cross-account.html), and grants it only what
  // goes through an access point tagged data=shared.
  const apAllow: Stmt = {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${B}:role/Partner` },
    Action: 's3:GetObject',
    Resource: `${AP}/object/*`,
    Condition: { StringEquals: { 'aws:ResourceTag/data': 'shared' } },
  };
  const apWorld = (tags: Record<string, string>): WorldSpec => {
    const w = world(tags);
    return {
      ...w,
      roles: [
        {
          account: B,
          name: 'Partner',
          statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${AP}/object/*` }],
        },
      ],
      accessPoints: {
        [AP]: { ...w.accessPoints![AP]!, Policy: { Version: '2012-10-17', Statement: [apAllow] } },
      },
    };
  };
  const partnerRecord = () =>
    recordFor({
      account: B,
      role: 'Partner',
      bucket: BUCKET,
      bucketAccount: A,
      key: 'q3.csv',
      accessPoint: AP,
    });

  it('tagged data=internal: the access point policy cause names the tag it requires, and the fix tags it, verified', () => {
    const { finding } = explain(partnerRecord(), viewOf(apWorld({ data: 'internal' })));
    const cause = finding.rootCauses.find((c) => c.id === 'access-point-policy');
    expect(cause?.title).toBe(
      `The access point policy of team-ap allows s3:GetObject on ${AP}/object/q3.csv only on a tag: it requires data=shared on access point team-ap, which carries data=internal`,
    );
    expect(cause?.fix).toMatchObject({
      verified: true,
      commands: [
        `aws s3control tag-resource --account-id ${A} --resource-arn ${AP} --tags '[{"Key":"data","Value":"shared"}]'`,
      ],
    });
  });

  it('tagged data=shared: the access point policy grants, no access point cause', () => {
    const { finding } = explain(partnerRecord(), viewOf(apWorld({ data: 'shared' })));
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('access-point-policy');
  });
});
