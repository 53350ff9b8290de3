/**
 * Where each service's source is configured (the commands printed to find which one asked), and which writes
 * carry the ACL condition of the AWS templates (s3:x-amz-acl applies to PutObject and PutObjectAcl:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
 */
import type { ActionNeed } from '../../../lambdas/core/model';
import {
  cloudFrontKeyStatement,
  serviceGrantStatement,
  serviceProfile,
} from '../../../lambdas/core/fix/service-grants';
import { type ArgvPrinter, argvPrinter } from '../../security/argv-printer';

let printer: ArgvPrinter;
beforeAll(() => {
  printer = argvPrinter();
});
afterAll(() => printer.close());

const BUCKET = 'logs-bucket';
const DIST = 'arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE';
const need = (action: string, resource = `arn:aws:s3:::${BUCKET}/k`): ActionNeed => ({
  action,
  resource,
  resourceType: resource.includes('/') ? 'object' : 'bucket',
  bucket: BUCKET,
  key: null,
});

describe('locating the source', () => {
  it('CloudFront: the distributions with an origin on the bucket, then the origins of the one that asked', () => {
    expect(printer.run(serviceProfile('cloudfront.amazonaws.com').locate(BUCKET, DIST), false).calls).toEqual(
      [
        [
          'cloudfront',
          'list-distributions',
          '--query',
          `DistributionList.Items[?Origins.Items[?starts_with(DomainName, '${BUCKET}.s3')]].{Id:Id,ARN:ARN,OAC:Origins.Items[0].OriginAccessControlId}`,
        ],
        [
          'cloudfront',
          'get-distribution-config',
          '--id',
          'EDFDVBD6EXAMPLE',
          '--query',
          'DistributionConfig.Origins.Items[].{Domain:DomainName,OAC:OriginAccessControlId,OAI:S3OriginConfig.OriginAccessIdentity}',
        ],
      ],
    );
    expect(serviceProfile('cloudfront.amazonaws.com').placeholder('111122223333', 'us-east-1')).toBe(
      'arn:aws:cloudfront::111122223333:distribution/DISTRIBUTION_ID',
    );
  });

  it('a CloudFront source that is not a distribution ARN leaves the id to fill in', () => {
    const [, config] = serviceProfile('cloudfront.amazonaws.com').locate(BUCKET, `${DIST}/extra`);
    expect(config).toContain('--id DISTRIBUTION_ID');
  });

  it('the other services: the command that lists where they deliver', () => {
    const lines = [
      ...serviceProfile('cloudtrail.amazonaws.com').locate(BUCKET, null),
      ...serviceProfile('logging.s3.amazonaws.com').locate(BUCKET, null),
      ...serviceProfile('config.amazonaws.com').locate(BUCKET, null),
      ...serviceProfile('delivery.logs.amazonaws.com').locate(BUCKET, null),
    ];
    expect(printer.run(lines, false).calls).toEqual([
      ['cloudtrail', 'describe-trails', '--query', `trailList[?S3BucketName=='${BUCKET}']`],
      ['s3api', 'get-bucket-logging', '--bucket', 'SOURCE_BUCKET'],
      ['configservice', 'describe-delivery-channels'],
      ['logs', 'describe-deliveries'],
      ['ec2', 'describe-flow-logs'],
    ]);
  });
});

describe('the ACL condition of log delivery writes', () => {
  const trail = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main';

  it('is added when any of the needed actions writes an object or its ACL', () => {
    const s = serviceGrantStatement(
      'cloudtrail.amazonaws.com',
      false,
      [need('s3:GetBucketAcl', `arn:aws:s3:::${BUCKET}`), need('s3:PutObject')],
      trail,
    );
    expect(s['Condition']).toEqual({
      StringEquals: { 'aws:SourceArn': trail, 's3:x-amz-acl': 'bucket-owner-full-control' },
    });
  });

  it('is not added for object actions that take no ACL header', () => {
    const s = serviceGrantStatement('cloudtrail.amazonaws.com', false, [need('s3:PutObjectTagging')], trail);
    expect(s['Condition']).toEqual({ StringEquals: { 'aws:SourceArn': trail } });
  });
});

describe('the key-policy statement for CloudFront', () => {
  it('carries the Sid of the AWS example', () => {
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
    expect(cloudFrontKeyStatement(DIST)['Sid']).toBe('AllowCloudFrontServicePrincipalSSE-KMS');
  });
});
