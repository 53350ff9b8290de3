/**
 * An AWS service calling S3 for a customer resource (CloudFront reading a bucket through origin access control):
 * which bucket-policy statements grant that service, and whether only the request's source (aws:SourceArn,
 * aws:SourceAccount), which the record does not carry, stands between.
 * DEPUTY = https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * OAC = https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 */
import { known, unknown, type Fact, type NamedPolicy } from '../../../../lambdas/core/model';
import { authorize, type EnginePrincipal } from '../../../../lambdas/core/policy';
import { ACCT, BUCKET_ARN, allow, bucketPolicy, deny, input, request, service, type Stmt } from './fixtures';

const OBJ = `${BUCKET_ARN}/*`;
const cf = service('cloudfront.amazonaws.com');
const DIST = `arn:aws:cloudfront::${ACCT}:distribution/EDFDVBD6EXAMPLE`;
const oac = (extra: Stmt = {}) =>
  allow('s3:GetObject', OBJ, {
    Sid: 'AllowCloudFront',
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Condition: { StringEquals: { 'AWS:SourceArn': DIST } },
    ...extra,
  });
const note = (
  p: EnginePrincipal,
  pol: Fact<NamedPolicy | null> = known(bucketPolicy(oac())),
  values: Record<string, string> = {},
) =>
  authorize(input(request(p, 's3:GetObject', `${BUCKET_ARN}/k`, values, 'unknown'), { bucketPolicy: pol }))
    .service;

describe('the bucket-policy grants to an AWS service caller (DEPUTY, OAC)', () => {
  it('a grant limited to one distribution, whose source the record does not carry: undecided only by its source', () => {
    const n = note(cf);
    expect(n).toMatchObject({
      service: 'cloudfront.amazonaws.com',
      originAccessIdentity: false,
      policy: 'bucket-policy',
      policyKnown: true,
      unknownSourceKeys: ['AWS:SourceArn'],
      sourceOnly: true,
    });
    expect(n?.grants).toHaveLength(1);
    expect(n?.grants[0]).toMatchObject({
      statement: 'bucket-policy #1 (AllowCloudFront)',
      sid: 'AllowCloudFront',
      index: 1,
      matched: 'unknown',
      otherUnknown: false,
    });
    expect(n?.grants[0]?.source).toEqual([
      { key: 'AWS:SourceArn', operator: 'StringEquals', values: [DIST], result: 'unknown' },
    ]);
  });

  it('with the source recorded, the grant is decided and nothing is left unknown', () => {
    const n = note(cf, known(bucketPolicy(oac())), { 'aws:SourceArn': DIST });
    expect(n).toMatchObject({ unknownSourceKeys: [], sourceOnly: false });
    expect(n?.grants[0]?.matched).toBe(true);
    expect(n?.grants[0]?.source[0]?.result).toBe(true);
  });

  it('a grant that also depends on another unknown condition is not undecided by its source only', () => {
    const n = note(cf, tlsOnlyOac);
    expect(n?.grants[0]?.otherUnknown).toBe(true);
    expect(n?.sourceOnly).toBe(false);
  });

  /** An OAC grant for the distribution, over TLS only. */
  const tlsOnlyOac = known(
    bucketPolicy(
      oac({
        Condition: {
          StringEquals: { 'AWS:SourceArn': DIST },
          Bool: { 'aws:SecureTransport': 'true' },
        },
      }),
    ),
  );

  it('a grant whose other condition the record decides (TLS) is undecided only by its source, which alone is listed', () => {
    const n = note(cf, tlsOnlyOac, { 'aws:SecureTransport': 'true' });
    expect(n?.grants[0]?.otherUnknown).toBe(false);
    expect(n?.grants[0]?.source.map((c) => c.key)).toEqual(['AWS:SourceArn']);
    expect(n?.sourceOnly).toBe(true);
  });

  it('a grant another condition already rules out (plain HTTP) is not undecided by its source', () => {
    const n = note(cf, tlsOnlyOac, { 'aws:SecureTransport': 'false' });
    expect(n?.grants[0]?.matched).toBe(false);
    expect(n?.sourceOnly).toBe(false);
  });

  it('a grant limited to a recorded source account and an unrecorded distribution: undecided only by the distribution', () => {
    const n = note(
      cf,
      known(
        bucketPolicy(
          oac({ Condition: { StringEquals: { 'AWS:SourceArn': DIST, 'AWS:SourceAccount': ACCT } } }),
        ),
      ),
      { 'aws:SourceAccount': ACCT },
    );
    expect(n).toMatchObject({ unknownSourceKeys: ['AWS:SourceArn'], sourceOnly: true });
  });

  it('a grant to everyone ("*") counts as a grant to the service', () => {
    const n = note(cf, known(bucketPolicy(allow('s3:GetObject', OBJ, { Principal: '*' }))));
    expect(n?.grants.map((g) => g.matched)).toEqual([true]);
  });

  it('statements for another service, another action, another resource, or a Deny are not grants to it', () => {
    const n = note(
      cf,
      known(
        bucketPolicy(
          allow('s3:GetObject', OBJ, { Principal: { Service: 'cloudtrail.amazonaws.com' } }),
          allow('s3:PutObject', OBJ, { Principal: { Service: 'cloudfront.amazonaws.com' } }),
          allow('s3:GetObject', 'arn:aws:s3:::other/*', {
            Principal: { Service: 'cloudfront.amazonaws.com' },
          }),
          deny('s3:GetObject', OBJ, { Principal: { Service: 'cloudfront.amazonaws.com' } }),
        ),
      ),
    );
    expect(n?.grants).toEqual([]);
    expect(n?.sourceOnly).toBe(false);
  });

  it('no bucket policy: known, with no grants; an unreadable one: not known', () => {
    expect(note(cf, known(null))).toMatchObject({
      policyKnown: true,
      grants: [],
      unknownSourceKeys: [],
      sourceOnly: false,
    });
    expect(note(cf, unknown('accessDenied'))).toMatchObject({ policyKnown: false, grants: [] });
  });

  it('a malformed bucket policy is not known', () => {
    const broken = known({ name: 'broken', source: 'bucket-policy' as const, document: '{"Statement": 5' });
    expect(note(cf, broken)?.policyKnown).toBe(false);
  });

  it('an origin access identity is named as such, with no service name', () => {
    const n = note({ ...cf, originAccessIdentity: true });
    expect(n).toMatchObject({ service: null, originAccessIdentity: true });
  });

  it('a service principal whose name is not recorded is noted without one', () => {
    const n = note({ ...cf, serviceName: undefined });
    expect(n?.service).toBeNull();
  });
});
