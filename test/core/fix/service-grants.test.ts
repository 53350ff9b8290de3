/**
 * The bucket-policy grants AWS documents for services that write to or read from S3 as themselves, each scoped to
 * the source it acts for (the confused-deputy protection), evaluated by the engine as AWS would:
 *  - CloudFront OAC: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 *  - S3 server access logs: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 *  - CloudTrail: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 *  - AWS Config: https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
 *  - confused deputy: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
import type { ActionNeed } from '../../../lambdas/core/model';
import {
  cloudFrontKeyStatement,
  serviceGrantStatement,
  serviceProfile,
} from '../../../lambdas/core/fix/service-grants';
import { evaluate, request, service, statementDoc } from '../policy/language/helpers';
import { type ArgvPrinter, argvPrinter } from '../../security/argv-printer';

let printer: ArgvPrinter;
beforeAll(() => {
  printer = argvPrinter();
});
afterAll(() => printer.close());

/** The arguments `aws` receives when the printed commands run in bash. */
const argvOf = (lines: readonly string[]): string[][] => printer.run(lines, false).calls;
/** The --query argument of the first command. */
const queryOf = (lines: readonly string[]): string => {
  const [argv] = argvOf(lines.slice(0, 1));
  return argv![argv!.indexOf('--query') + 1]!;
};

const BUCKET = 'logs-bucket';
const OBJECT = `arn:aws:s3:::${BUCKET}/AWSLogs/111122223333/x.gz`;
const need = (action: string, resource = OBJECT, extra: Partial<ActionNeed> = {}): ActionNeed => ({
  action,
  resource,
  resourceType: resource.includes('/') ? 'object' : 'bucket',
  bucket: BUCKET,
  key: null,
  ...extra,
});

/** The engine's decision for `svc` calling `action` on `resource`, with the request's condition values. */
const decide = (
  statement: Record<string, unknown>,
  svc: string,
  values: Record<string, string>,
  action = 's3:PutObject',
  resource = OBJECT,
) =>
  evaluate(
    statementDoc(statement),
    request({ principal: service(svc), action, resource, values }),
    'bucket-policy',
  ).decision;

describe('CloudFront origin access control', () => {
  const DIST = 'arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE';
  const s = serviceGrantStatement('cloudfront.amazonaws.com', false, [need('s3:GetObject')], DIST);

  it('lets that distribution read every object of the bucket, and no other distribution', () => {
    expect(s).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringEquals: { 'aws:SourceArn': DIST } },
    });
    const read = (source: string, resource = OBJECT) =>
      decide(s, 'cloudfront.amazonaws.com', { 'aws:SourceArn': source }, 's3:GetObject', resource);
    expect(read(DIST)).toBe('allow');
    expect(read(DIST, `arn:aws:s3:::${BUCKET}/other/key.html`)).toBe('allow');
    expect(read('arn:aws:cloudfront::444455556666:distribution/EOTHER')).toBe('none');
    expect(decide(s, 'cloudfront.amazonaws.com', { 'aws:SourceArn': DIST }, 's3:PutObject')).toBe('none');
  });

  it('locates the distributions that serve the bucket and the one that asked', () => {
    const cf = serviceProfile('cloudfront.amazonaws.com');
    expect(queryOf(cf.locate(BUCKET, DIST))).toContain(`starts_with(DomainName, '${BUCKET}.s3')`);
    const id = (source: string | null) => {
      const argv = argvOf(cf.locate(BUCKET, source).slice(1))[0]!;
      return argv[argv.indexOf('--id') + 1];
    };
    expect(id(DIST)).toBe('EDFDVBD6EXAMPLE');
    expect(id(null)).toBe('DISTRIBUTION_ID');
    expect(id('arn:aws:s3:::x')).toBe('DISTRIBUTION_ID');
  });

  it('puts only a valid bucket name inside the JMESPath literal, so no request text can end it', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    const cf = serviceProfile('cloudfront.amazonaws.com');
    for (const hostile of ["x') || `1`", 'Upper.Case', 'a', `${'a'.repeat(64)}`, '-leading', 'trailing-'])
      expect(queryOf(cf.locate(hostile, null))).toContain("starts_with(DomainName, 'BUCKET.s3')");
    expect(queryOf(cf.locate('my.logs-1', null))).toContain("starts_with(DomainName, 'my.logs-1.s3')");
    // "Bucket names must be between 3 (min) and 63 (max) characters long."
    expect(queryOf(cf.locate('abc', null))).toContain("'abc.s3'");
    expect(queryOf(cf.locate('a'.repeat(63), null))).toContain(`'${'a'.repeat(63)}.s3'`);
    expect(queryOf(cf.locate('ab', null))).toContain("'BUCKET.s3'");
    const ct = serviceProfile('cloudtrail.amazonaws.com');
    expect(queryOf(ct.locate("x']", null))).toBe("trailList[?S3BucketName=='BUCKET']");
    expect(queryOf(ct.locate(BUCKET, null))).toBe(`trailList[?S3BucketName=='${BUCKET}']`);
  });

  it('an SSE-KMS object also needs the key policy to let that distribution decrypt', () => {
    // same page, "SSE-KMS": kms:Decrypt, kms:Encrypt, kms:GenerateDataKey* for cloudfront.amazonaws.com
    const k = cloudFrontKeyStatement(DIST);
    expect(k).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'aws:SourceArn': DIST } },
    });
    const key = 'arn:aws:kms:us-east-1:111122223333:key/1111aaaa-11aa-11aa-11aa-111111111111';
    expect(decide(k, 'cloudfront.amazonaws.com', { 'aws:SourceArn': DIST }, 'kms:Decrypt', key)).toBe(
      'allow',
    );
    expect(decide(k, 'cloudfront.amazonaws.com', { 'aws:SourceArn': 'arn:x' }, 'kms:Decrypt', key)).toBe(
      'none',
    );
  });

  it('a legacy origin access identity is granted as its CloudFront user, without a source condition', () => {
    const oai = serviceGrantStatement('cloudfront.amazonaws.com', true, [need('s3:GetObject')], DIST);
    expect(oai).toEqual({
      Sid: 'AllowCloudFrontOriginAccessIdentity',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity OAI_ID' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    });
  });
});

describe('log delivery services', () => {
  it('S3 server access logs: logging.s3.amazonaws.com may write for the source bucket only (ArnLike aws:SourceArn)', () => {
    const src = 'arn:aws:s3:::app-bucket';
    const s = serviceGrantStatement('logging.s3.amazonaws.com', false, [need('s3:PutObject')], src);
    expect(s['Condition']).toEqual({ ArnLike: { 'aws:SourceArn': src } });
    expect(decide(s, 'logging.s3.amazonaws.com', { 'aws:SourceArn': src })).toBe('allow');
    expect(decide(s, 'logging.s3.amazonaws.com', { 'aws:SourceArn': 'arn:aws:s3:::other-bucket' })).toBe(
      'none',
    );
    expect(decide(s, 'cloudtrail.amazonaws.com', { 'aws:SourceArn': src })).toBe('none');
    expect(serviceProfile('logging.s3.amazonaws.com').placeholder('111122223333', 'us-east-1')).toBe(
      'arn:aws:s3:::SOURCE_BUCKET',
    );
  });

  it('CloudTrail writes only with bucket-owner-full-control, for that trail', () => {
    const trail = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main';
    const s = serviceGrantStatement('cloudtrail.amazonaws.com', false, [need('s3:PutObject')], trail);
    expect(s['Condition']).toEqual({
      StringEquals: { 'aws:SourceArn': trail, 's3:x-amz-acl': 'bucket-owner-full-control' },
    });
    const put = (acl: string | null, source = trail) =>
      decide(s, 'cloudtrail.amazonaws.com', {
        'aws:SourceArn': source,
        ...(acl ? { 's3:x-amz-acl': acl } : {}),
      });
    expect(put('bucket-owner-full-control')).toBe('allow');
    expect(put(null)).toBe('none');
    expect(put('private')).toBe('none');
    expect(put('bucket-owner-full-control', 'arn:aws:cloudtrail:us-east-1:444455556666:trail/x')).toBe(
      'none',
    );
    const profile = serviceProfile('cloudtrail.amazonaws.com');
    expect(profile.placeholder('111122223333', 'eu-west-1')).toBe(
      'arn:aws:cloudtrail:eu-west-1:111122223333:trail/TRAIL_NAME',
    );
    expect(profile.placeholder('111122223333', '')).toBe(
      'arn:aws:cloudtrail:REGION:111122223333:trail/TRAIL_NAME',
    );
  });

  it('CloudTrail checking the bucket ACL needs no ACL header condition', () => {
    const trail = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main';
    const s = serviceGrantStatement(
      'cloudtrail.amazonaws.com',
      false,
      [need('s3:GetBucketAcl', `arn:aws:s3:::${BUCKET}`)],
      trail,
    );
    expect(s['Condition']).toEqual({ StringEquals: { 'aws:SourceArn': trail } });
    expect(s['Resource']).toBe(`arn:aws:s3:::${BUCKET}`);
  });

  it.each([
    ['config.amazonaws.com', 'AWSConfigBucket'],
    ['delivery.logs.amazonaws.com', 'AWSLogDelivery'],
  ])('%s writes for the source account, with bucket-owner-full-control', (svc, sid) => {
    const s = serviceGrantStatement(
      svc,
      false,
      [need('s3:PutObject'), need('s3:PutObjectAcl')],
      '111122223333',
    );
    expect(s).toMatchObject({
      Sid: sid,
      Action: ['s3:PutObject', 's3:PutObjectAcl'],
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111122223333', 's3:x-amz-acl': 'bucket-owner-full-control' },
      },
    });
    const put = (account: string) =>
      decide(s, svc, { 'aws:SourceAccount': account, 's3:x-amz-acl': 'bucket-owner-full-control' });
    expect(put('111122223333')).toBe('allow');
    expect(put('444455556666')).toBe('none');
    expect(serviceProfile(svc).placeholder('111122223333', 'us-east-1')).toBe('111122223333');
    expect(serviceProfile(svc).locate(BUCKET, null).length).toBeGreaterThan(0);
  });
});

describe('any other service: the generic confused-deputy grant', () => {
  it('names the service and scopes it to the source account', () => {
    const s = serviceGrantStatement('backup.amazonaws.com', false, [need('s3:PutObject')], '111122223333');
    expect(s).toEqual({
      Sid: 'AllowAwsService',
      Effect: 'Allow',
      Principal: { Service: 'backup.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    });
    expect(serviceProfile('backup.amazonaws.com')).toMatchObject({
      label: 'backup.amazonaws.com',
      sid: 'AllowAwsService',
    });
    expect(serviceProfile('backup.amazonaws.com').locate(BUCKET, null)).toEqual([]);
    expect(serviceProfile('backup.amazonaws.com').placeholder('111122223333', 'us-east-1')).toBe(
      '111122223333',
    );
  });

  it('a service not known by name is a placeholder to fill in', () => {
    expect(serviceProfile(null).label).toBe('the AWS service');
    expect(serviceGrantStatement(null, false, [need('s3:GetObject')], '111122223333')['Principal']).toEqual({
      Service: 'SERVICE.amazonaws.com',
    });
  });

  it('a service name that is an object property name is still just a name', () => {
    expect(serviceProfile('constructor').label).toBe('constructor');
    expect(serviceProfile('toString').sid).toBe('AllowAwsService');
  });
});

describe('the resource a grant names', () => {
  it('every object of the bucket for object actions (also through an access point), the bucket for bucket actions', () => {
    const ap = 'arn:aws:s3:us-east-1:111122223333:accesspoint/logs-ap/object/x.gz';
    const s = serviceGrantStatement(
      'backup.amazonaws.com',
      false,
      [
        need('s3:GetObject', ap, { resourceType: 'object', bucketResource: OBJECT }),
        need('s3:ListBucket', `arn:aws:s3:::${BUCKET}`),
        need('s3:PutObject', `arn:aws-cn:s3:::cn-bucket/k`),
      ],
      '111122223333',
    );
    expect(s['Resource']).toEqual([
      `arn:aws:s3:::${BUCKET}/*`,
      `arn:aws:s3:::${BUCKET}`,
      'arn:aws:s3:::cn-bucket/*',
    ]);
    expect(s['Action']).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  it('an object resource that is not an S3 ARN is kept as it is', () => {
    const s = serviceGrantStatement('backup.amazonaws.com', false, [need('s3:GetObject', 'arn:x:y/z')], '1');
    expect(s['Resource']).toBe('arn:x:y/z');
  });
});
