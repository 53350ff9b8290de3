/**
 * Attribute-based access control on S3 general purpose buckets: with ABAC enabled on a bucket its tags are
 * aws:ResourceTag/<key>; while ABAC is disabled (every bucket's default) "you can only use tags for cost tracking"
 * and a tag condition finds no aws:ResourceTag key.
 * - https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html ("By default, ABAC is
 *   disabled for all Amazon S3 general purpose buckets. To use ABAC for general purpose buckets, you must enable it.")
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbacStatus.html ("When ABAC is disabled for the general
 *   purpose buckets, you can only use tags for cost tracking purposes.")
 * - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-tagging.html (through an access point,
 *   aws:ResourceTag "covers the underlying access point tags only")
 */
import { derivedContext } from '../../../lambdas/core/fix/context';
import { simulate } from '../../../lambdas/core/simulate';
import { explain } from '../checkers/helpers';
import { A, recordFor, viewOf, type Stmt, type WorldSpec } from '../world';

const BUCKET = 'dev-data';
/** The AWS News Blog's example: developers may use the buckets tagged environment=development. */
const abacAllow: Stmt = {
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::*/*',
  Condition: { StringEquals: { 'aws:ResourceTag/environment': 'development' } },
};

function world(bucket: { abac?: boolean; tags?: Record<string, string> } | 'unread'): WorldSpec {
  return {
    roles: [{ account: A, name: 'Developer', statements: [abacAllow] }],
    buckets: {
      [BUCKET]: { account: A, ...(bucket === 'unread' ? {} : bucket), objects: { 'app.log': {} } },
    },
  };
}

const record = () => recordFor({ account: A, role: 'Developer', bucket: BUCKET, key: 'app.log' });

function viewWithoutAbac() {
  const v = viewOf(world({ tags: { environment: 'development' } }));
  const b = (v.snapshot as unknown as { buckets: Record<string, Record<string, unknown>> }).buckets[BUCKET]!;
  delete b['abacStatus'];
  return v;
}

describe('a bucket tagged environment=development', () => {
  it('ABAC disabled (the default): the tag is not aws:ResourceTag, so the ABAC Allow does not match: cause 1, confirmed', () => {
    const { request, facts, finding } = explain(
      record(),
      viewOf(world({ abac: false, tags: { environment: 'development' } })),
    );
    const c = derivedContext(request, facts, A);
    expect(c.values).not.toHaveProperty('aws:ResourceTag/environment');
    expect(c.absent).toContain('aws:resourcetag/environment');
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'confirmed' });
    expect(JSON.stringify(finding.rootCauses[0])).toContain('aws:ResourceTag/environment');
  });

  it('ABAC disabled: the cause says so and the fix enables ABAC on the bucket, verified by re-evaluation', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAbac.html
    const { finding } = explain(
      record(),
      viewOf(world({ abac: false, tags: { environment: 'development' } })),
    );
    const cause = finding.rootCauses[0]!;
    expect(cause.title).toBe(
      `The Allow of arn:aws:iam::${A}:role/Developer for s3:GetObject on arn:aws:s3:::${BUCKET}/app.log rests on bucket tags, and ABAC is disabled on bucket ${BUCKET}`,
    );
    expect(cause.evidence[0]).toEqual({
      layer: 'bucket-abac',
      detail: `bucket ${BUCKET} is tagged environment=development, but ABAC is disabled on it: its tags serve cost allocation only and are not aws:ResourceTag keys`,
    });
    expect(cause.fix).toMatchObject({
      verified: true,
      commands: [`aws s3api put-bucket-abac --bucket ${BUCKET} --abac-status Status=Enabled`],
    });
  });

  it('ABAC disabled on a bucket whose tags would not match either: the usual fix, not ABAC', () => {
    const { finding } = explain(
      record(),
      viewOf(world({ abac: false, tags: { environment: 'production' } })),
    );
    expect(finding.rootCauses[0]?.id).toBe('identity-policy-no-allow');
    expect(finding.rootCauses[0]?.fix.commands.join('\n')).not.toContain('put-bucket-abac');
  });

  it('ABAC enabled: the tag is aws:ResourceTag/environment and the Allow matches', () => {
    const { request, facts, finding } = explain(
      record(),
      viewOf(world({ abac: true, tags: { environment: 'development' } })),
    );
    expect(derivedContext(request, facts, A).values['aws:ResourceTag/environment']).toBe('development');
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('identity-policy-no-allow');
    expect(finding.checks.find((c) => c.layer === 'identity-policy-no-allow')?.status).toBe('pass');
  });

  it('ABAC enabled but the bucket tagged otherwise: the key the policy tests is absent, cause 1 confirmed', () => {
    const { request, facts, finding } = explain(
      record(),
      viewOf(world({ abac: true, tags: { team: 'web' } })),
    );
    const c = derivedContext(request, facts, A);
    expect(c.values['aws:ResourceTag/team']).toBe('web');
    expect(c.absent).toContain('aws:resourcetag/environment');
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'confirmed' });
    // the Allow wants environment=development: the cause says which tag, the fix tags the bucket (S3 Control
    // TagResource, the way tags change once ABAC is on: API_PutBucketAbac.html), verified by re-evaluation
    expect(finding.rootCauses[0]?.title).toContain(
      `requires environment=development on bucket ${BUCKET}, which carries no environment tag`,
    );
    expect(finding.rootCauses[0]?.fix).toMatchObject({
      verified: true,
      commands: [
        `aws s3control tag-resource --account-id ${A} --resource-arn arn:aws:s3:::${BUCKET} --tags '[{"Key":"environment","Value":"development"}]'`,
      ],
    });
  });
});

describe('what is not known stays unknown, and the cause names the read that settles it', () => {
  it('ABAC status not read: aws:ResourceTag is unknown, settled by get-bucket-abac', () => {
    const { request, facts, finding } = explain(record(), viewWithoutAbac());
    const c = derivedContext(request, facts, A);
    expect(c.values).not.toHaveProperty('aws:ResourceTag/environment');
    expect(c.absent).not.toContain('aws:resourcetag/environment');
    const cause = finding.rootCauses.find((x) => x.id === 'identity-policy-no-allow');
    // undecided: likely only by elimination, every other check passing (docs/CLI.md, "Confidence")
    expect(finding.checks.find((k) => k.layer === 'identity-policy-no-allow')?.status).toBe('unknown');
    expect(cause?.confidence).toBe('likely');
    expect(cause?.fix.commands).toEqual([`aws s3api get-bucket-abac --bucket ${BUCKET}`]);
  });

  it('simulate on a snapshot without the ABAC status: unknown, not "implicitly denied" (the status could change it)', () => {
    const sim = simulate(
      {
        principal: `arn:aws:iam::${A}:role/Developer`,
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${BUCKET}/app.log`,
        context: {},
      },
      viewWithoutAbac(),
      { now: new Date('2026-12-04T12:00:00Z') },
    );
    expect(sim.decision).toBe('unknown');
    expect(JSON.stringify(sim.missing)).toContain('aws:ResourceTag/environment');
  });

  it('ABAC enabled but the tags not read: unknown, settled by get-bucket-tagging', () => {
    const v = viewOf(world({ abac: true }));
    const b = (v.snapshot as unknown as { buckets: Record<string, Record<string, unknown>> }).buckets[
      BUCKET
    ]!;
    delete b['tagSet'];
    const { finding } = explain(record(), v);
    const cause = finding.rootCauses.find((x) => x.id === 'identity-policy-no-allow');
    // undecided: likely only by elimination, every other check passing (docs/CLI.md, "Confidence")
    expect(finding.checks.find((k) => k.layer === 'identity-policy-no-allow')?.status).toBe('unknown');
    expect(cause?.confidence).toBe('likely');
    expect(cause?.fix.commands).toEqual([`aws s3api get-bucket-tagging --bucket ${BUCKET}`]);
  });

  it('through an access point aws:ResourceTag is the access point tags: the bucket ABAC status is not used', () => {
    const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/dev-ap`;
    const { request, facts } = explain(
      recordFor({ account: A, role: 'Developer', bucket: BUCKET, key: 'app.log', accessPoint: AP }),
      viewOf({
        ...world({ abac: false, tags: { environment: 'development' } }),
        accessPoints: { [AP]: { Name: 'dev-ap', Bucket: BUCKET, NetworkOrigin: 'Internet', Policy: null } },
      }),
    );
    const c = derivedContext(request, facts, A);
    expect(c.absent).not.toContain('aws:resourcetag/environment');
    expect(c.values).not.toHaveProperty('aws:ResourceTag/environment');
  });
});
