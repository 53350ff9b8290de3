/**
 * Object tags as condition keys: s3:ExistingObjectTag/<key> is the tag of the object the request names
 * (get-object-tagging), s3:RequestObjectTag/<key> a tag the request sets (x-amz-tagging):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html
 * Once the object's tag set is known, a tag key a policy tests that the object does not have is absent (and so
 * for the request's tags once the request's tag keys are known), rather than unknown.
 */
import type {
  AccessRequest,
  BucketFacts,
  Fact,
  NamedPolicy,
  ObjectFacts,
  RequestFacts,
} from '../../../lambdas/core/model';
import { known } from '../../../lambdas/core/model';
import { derivedContext } from '../../../lambdas/core/fix/context';
import { explain } from '../checkers/helpers';
import { A, OU_A, recordFor, type Stmt, viewOf, type WorldSpec } from '../world';

const BUCKET = 'reports-bucket';
const tagDeny = (key: string): Stmt => ({
  Sid: 'TagRule',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: { StringNotEquals: { [key]: 'public' } },
});

/** AppRole reads q3.csv (with `tags`, or tags not read); the request has no condition key of its own. */
function setup(spec: Partial<WorldSpec>, tags?: Record<string, string>) {
  const { request, facts } = explain(
    recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv' }),
    viewOf({
      roles: [{ account: A, name: 'AppRole', statements: [] }],
      buckets: { [BUCKET]: { account: A, objects: { 'q3.csv': {} } } },
      ...spec,
    }),
  );
  const bucket = facts.buckets[BUCKET] as { status: 'known'; value: BucketFacts };
  const object = bucket.value.objects['q3.csv'] as { status: 'known'; value: ObjectFacts };
  const withTags: RequestFacts = {
    ...facts,
    buckets: {
      ...facts.buckets,
      [BUCKET]: known({
        ...bucket.value,
        objects: {
          ...bucket.value.objects,
          'q3.csv': known({ ...object.value, ...(tags ? { tags: known(tags) } : {}) }) as Fact<ObjectFacts>,
        },
      }),
    },
  };
  const bare: AccessRequest = { ...request, context: { values: {}, absent: [], otherKeys: 'unknown' } };
  return { request: bare, facts: withTags };
}

const bucketRule = (key: string): Partial<WorldSpec> => ({
  buckets: { [BUCKET]: { account: A, policy: [tagDeny(key)], objects: { 'q3.csv': {} } } },
});

describe('s3:ExistingObjectTag/<key>', () => {
  it("is the object's tag value", () => {
    const { request, facts } = setup(bucketRule('s3:ExistingObjectTag/class'), {
      class: 'public',
      owner: 'finance',
    });
    const c = derivedContext(request, facts, A);
    expect(c.values['s3:ExistingObjectTag/class']).toBe('public');
    expect(c.values['s3:ExistingObjectTag/owner']).toBe('finance');
  });

  it('a tag key a policy tests that the object does not have is absent, whatever the case it is written in', () => {
    const { request, facts } = setup(bucketRule('s3:ExistingObjectTag/Classification'), { owner: 'finance' });
    const c = derivedContext(request, facts, A);
    expect(c.absent).toContain('s3:existingobjecttag/classification');
    expect(c.values).not.toHaveProperty('s3:ExistingObjectTag/Classification');
  });

  it('a tag the object has is not also made absent', () => {
    const { request, facts } = setup(bucketRule('s3:ExistingObjectTag/Class'), { class: 'public' });
    const c = derivedContext(request, facts, A);
    expect(c.absent.filter((k) => k.toLowerCase().startsWith('s3:existingobjecttag/'))).toEqual([]);
  });

  it('an object whose tags were not read: no tag key is set, none is absent', () => {
    const { request, facts } = setup(bucketRule('s3:ExistingObjectTag/class'));
    const c = derivedContext(request, facts, A);
    expect(Object.keys(c.values).filter((k) => /objecttag/i.test(k))).toEqual([]);
    expect(c.absent.filter((k) => /objecttag/i.test(k))).toEqual([]);
  });

  it.each<[string, Partial<WorldSpec>]>([
    [
      'an identity policy',
      {
        roles: [
          {
            account: A,
            name: 'AppRole',
            statements: [{ ...tagDeny('s3:ExistingObjectTag/class'), Principal: undefined }],
          },
        ],
      },
    ],
    [
      'a permissions boundary',
      {
        roles: [
          {
            account: A,
            name: 'AppRole',
            statements: [],
            boundary: [{ ...tagDeny('s3:ExistingObjectTag/class'), Principal: undefined }],
          },
        ],
      },
    ],
    [
      'an SCP',
      {
        scps: [
          {
            name: 'TagGuard',
            targets: [OU_A],
            statements: [{ ...tagDeny('s3:ExistingObjectTag/class'), Principal: undefined }],
          },
        ],
      },
    ],
    [
      'an RCP',
      { rcps: [{ name: 'TagGuard', targets: [A], statements: [tagDeny('s3:ExistingObjectTag/class')] }] },
    ],
  ])('a key tested in %s counts too', (_where, spec) => {
    const { request, facts } = setup(spec, { owner: 'finance' });
    expect(derivedContext(request, facts, A).absent).toContain('s3:existingobjecttag/class');
  });

  it('a key tested in the session policy, the access point or VPC endpoint policy counts too', () => {
    const { request, facts } = setup({}, { owner: 'finance' });
    const policy = (name: string): NamedPolicy => ({
      name,
      source: 'session',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [tagDeny(`s3:ExistingObjectTag/${name}`)],
      }),
    });
    const more: RequestFacts = {
      ...facts,
      sessionPolicy: known(policy('session')),
      accessPoint: known({ policy: known(policy('ap')) } as never),
      vpcEndpoint: known({ policy: policy('vpce') } as never),
    };
    const absent = derivedContext(request, more, A).absent;
    expect(absent).toEqual(
      expect.arrayContaining([
        's3:existingobjecttag/session',
        's3:existingobjecttag/ap',
        's3:existingobjecttag/vpce',
      ]),
    );
  });
});

describe('s3:RequestObjectTag/<key>', () => {
  it('once the request tag keys are known, a tested tag key the request does not set is absent', () => {
    const { request, facts } = setup(bucketRule('s3:RequestObjectTag/class'));
    const tagged: AccessRequest = {
      ...request,
      context: {
        ...request.context,
        values: { 's3:RequestObjectTagKeys': ['owner'], 's3:RequestObjectTag/owner': 'x' },
      },
    };
    expect(derivedContext(tagged, facts, A).absent).toContain('s3:requestobjecttag/class');
    const none: AccessRequest = {
      ...request,
      context: { ...request.context, absent: ['S3:RequestObjectTagKeys'] },
    };
    expect(derivedContext(none, facts, A).absent).toContain('s3:requestobjecttag/class');
  });

  it('a tested tag key the request sets is not made absent', () => {
    const { request, facts } = setup(bucketRule('s3:RequestObjectTag/class'));
    const tagged: AccessRequest = {
      ...request,
      context: {
        ...request.context,
        values: { 's3:RequestObjectTagKeys': ['class'], 's3:RequestObjectTag/class': 'public' },
      },
    };
    expect(derivedContext(tagged, facts, A).absent).not.toContain('s3:requestobjecttag/class');
  });

  it('request tag keys not known: a tested request tag is not absent (it may be set)', () => {
    const { request, facts } = setup(bucketRule('s3:RequestObjectTag/class'), { owner: 'finance' });
    expect(derivedContext(request, facts, A).absent).not.toContain('s3:requestobjecttag/class');
  });
});
