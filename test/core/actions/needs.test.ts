/**
 * eventName + request -> (action, resource) needs, case by case.
 * Permissions per operation: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 */
import { parseCopySource, resolveNeeds, type OperationInput } from '../../../lambdas/core/actions';

const input = (eventName: string, over: Partial<OperationInput> = {}): OperationInput => ({
  eventSource: 's3.amazonaws.com',
  eventName,
  region: 'us-east-1',
  bucket: 'b',
  key: 'k.txt',
  versionId: null,
  params: {},
  resources: [],
  accountId: '111122223333',
  accessPoint: null,
  kmsKeyArn: null,
  ...over,
});
const pairs = (i: OperationInput) => resolveNeeds(i).needs.map((n) => `${n.action} ${n.resource}`);
const AP = {
  arn: 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap1',
  name: 'ap1',
  accountId: '111122223333',
  region: 'us-east-1',
};

describe('object reads and writes', () => {
  it.each([
    ['GetObject', 's3:GetObject'],
    ['HeadObject', 's3:GetObject'], // API_HeadObject.html: "you must have the s3:GetObject permission"
    ['SelectObjectContent', 's3:GetObject'],
    ['PutObject', 's3:PutObject'],
    ['DeleteObject', 's3:DeleteObject'],
    ['GetObjectAcl', 's3:GetObjectAcl'],
    ['PutObjectAcl', 's3:PutObjectAcl'],
    ['GetObjectTagging', 's3:GetObjectTagging'],
    ['PutObjectTagging', 's3:PutObjectTagging'],
    ['DeleteObjectTagging', 's3:DeleteObjectTagging'],
    ['GetObjectAttributes', 's3:GetObjectAttributes'],
    ['GetObjectRetention', 's3:GetObjectRetention'],
    ['PutObjectLegalHold', 's3:PutObjectLegalHold'],
    ['RestoreObject', 's3:RestoreObject'],
  ])('%s needs %s on the object', (eventName, action) => {
    expect(pairs(input(eventName))).toEqual([`${action} arn:aws:s3:::b/k.txt`]);
  });

  it.each([
    ['GetObject', 's3:GetObjectVersion'],
    ['HeadObject', 's3:GetObjectVersion'],
    ['DeleteObject', 's3:DeleteObjectVersion'],
    ['GetObjectAcl', 's3:GetObjectVersionAcl'],
    ['PutObjectAcl', 's3:PutObjectVersionAcl'],
    ['GetObjectTagging', 's3:GetObjectVersionTagging'],
    ['PutObjectTagging', 's3:PutObjectVersionTagging'],
    ['DeleteObjectTagging', 's3:DeleteObjectVersionTagging'],
    ['GetObjectAttributes', 's3:GetObjectVersionAttributes'],
    ['GetObjectTorrent', 's3:GetObjectVersionTorrent'],
    // Retention and legal hold have no version-specific action.
    ['GetObjectRetention', 's3:GetObjectRetention'],
    ['PutObjectLegalHold', 's3:PutObjectLegalHold'],
  ])('%s with a versionId needs %s', (eventName, action) => {
    expect(pairs(input(eventName, { versionId: 'v1' }))).toEqual([`${action} arn:aws:s3:::b/k.txt`]);
  });

  it('PutObject with x-amz-acl also needs s3:PutObjectAcl (API_PutObject.html, Permissions)', () => {
    expect(pairs(input('PutObject', { params: { 'x-amz-acl': ['bucket-owner-full-control'] } }))).toEqual([
      's3:PutObject arn:aws:s3:::b/k.txt',
      's3:PutObjectAcl arn:aws:s3:::b/k.txt',
    ]);
  });

  it('PutObject with tags and Object Lock headers needs the tagging, retention and legal-hold actions', () => {
    const params = {
      'x-amz-tagging': 'team=a',
      'x-amz-object-lock-mode': 'COMPLIANCE',
      'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z',
      'x-amz-object-lock-legal-hold': 'ON',
    };
    expect(resolveNeeds(input('PutObject', { params })).needs.map((n) => n.action)).toEqual([
      's3:PutObject',
      's3:PutObjectTagging',
      's3:PutObjectRetention',
      's3:PutObjectLegalHold',
    ]);
  });

  it('DeleteObject bypassing governance retention needs s3:BypassGovernanceRetention', () => {
    const params = { 'x-amz-bypass-governance-retention': 'true' };
    expect(resolveNeeds(input('DeleteObject', { params })).needs.map((n) => n.action)).toEqual([
      's3:DeleteObject',
      's3:BypassGovernanceRetention',
    ]);
  });

  it('an object call with no key recorded is authorized on bucket/*', () => {
    expect(pairs(input('PutObject', { key: null }))).toEqual(['s3:PutObject arn:aws:s3:::b/*']);
  });

  it('uses the partition of the region (China)', () => {
    expect(pairs(input('GetObject', { region: 'cn-north-1' }))).toEqual([
      's3:GetObject arn:aws-cn:s3:::b/k.txt',
    ]);
  });
});

describe('copies: a read of the source and a write of the destination (API_CopyObject.html, Permissions)', () => {
  it('CopyObject needs s3:GetObject on the source and s3:PutObject on the destination', () => {
    const needs = resolveNeeds(input('CopyObject', { params: { 'x-amz-copy-source': 'src/a/b.txt' } })).needs;
    expect(needs.map((n) => [n.action, n.resource, n.role, n.bucket, n.key])).toEqual([
      ['s3:GetObject', 'arn:aws:s3:::src/a/b.txt', 'source', 'src', 'a/b.txt'],
      ['s3:PutObject', 'arn:aws:s3:::b/k.txt', 'destination', 'b', 'k.txt'],
    ]);
  });

  it('a versioned, URL-encoded copy source needs s3:GetObjectVersion on the decoded key', () => {
    const params = { 'x-amz-copy-source': '/src/my%20dir/r%C3%A9sum%C3%A9.txt?versionId=abc' };
    expect(pairs(input('CopyObject', { params }))).toEqual([
      's3:GetObjectVersion arn:aws:s3:::src/my dir/résumé.txt',
      's3:PutObject arn:aws:s3:::b/k.txt',
    ]);
  });

  it('UploadPartCopy needs the same read and write', () => {
    expect(pairs(input('UploadPartCopy', { params: { 'x-amz-copy-source': 'src/x' } }))).toEqual([
      's3:GetObject arn:aws:s3:::src/x',
      's3:PutObject arn:aws:s3:::b/k.txt',
    ]);
  });

  it('CopyObject with x-amz-acl needs s3:PutObjectAcl on the destination', () => {
    const needs = resolveNeeds(
      input('CopyObject', { params: { 'x-amz-copy-source': 'src/x', 'x-amz-acl': 'private' } }),
    ).needs;
    expect(needs.map((n) => `${n.action} ${n.role}`)).toEqual([
      's3:GetObject source',
      's3:PutObject destination',
      's3:PutObjectAcl destination',
    ]);
  });

  it('a copy source through an access point reads the access point object ARN', () => {
    const params = {
      'x-amz-copy-source': 'arn:aws:s3:us-west-2:444455556666:accesspoint/src-ap/object/dir/f.txt',
    };
    expect(resolveNeeds(input('CopyObject', { params })).needs[0]).toMatchObject({
      action: 's3:GetObject',
      resource: 'arn:aws:s3:us-west-2:444455556666:accesspoint/src-ap/object/dir/f.txt',
      resourceType: 'accesspoint',
      role: 'source',
    });
  });

  it('a copy with no usable source still needs the destination write', () => {
    expect(pairs(input('CopyObject', { params: { 'x-amz-copy-source': 'no-slash' } }))).toEqual([
      's3:PutObject arn:aws:s3:::b/k.txt',
    ]);
  });
});

describe('parseCopySource', () => {
  it.each([
    ['bucket/key', { bucket: 'bucket', key: 'key', versionId: null, accessPointArn: null }],
    ['/bucket/a/b', { bucket: 'bucket', key: 'a/b', versionId: null, accessPointArn: null }],
    [
      'bucket/a%3Fb?versionId=v%2B1',
      { bucket: 'bucket', key: 'a?b', versionId: 'v+1', accessPointArn: null },
    ],
    ['bucket/%E0%A4%A', { bucket: 'bucket', key: '%E0%A4%A', versionId: null, accessPointArn: null }],
    // a key may hold any UTF-8 character, line breaks too
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html, "Object key naming guidelines")
    [
      'arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/a%0Ab%E2%80%A8c',
      {
        bucket: null,
        key: 'a\nb\u2028c',
        versionId: null,
        accessPointArn: 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap',
      },
    ],
  ])('%s', (raw, expected) => {
    expect(parseCopySource(raw)).toEqual(expected);
  });

  it.each([[''], ['bucket'], ['bucket/'], ['/']])('rejects %p', (raw) => {
    expect(parseCopySource(raw)).toBeNull();
  });
});

describe('multipart uploads (API_CreateMultipartUpload.html, Permissions)', () => {
  it.each([['CreateMultipartUpload'], ['UploadPart'], ['CompleteMultipartUpload']])(
    '%s needs s3:PutObject',
    (name) => {
      expect(pairs(input(name))).toEqual(['s3:PutObject arn:aws:s3:::b/k.txt']);
    },
  );
  it('AbortMultipartUpload needs s3:AbortMultipartUpload', () => {
    expect(pairs(input('AbortMultipartUpload'))).toEqual(['s3:AbortMultipartUpload arn:aws:s3:::b/k.txt']);
  });
  it('ListParts needs s3:ListMultipartUploadParts; ListMultipartUploads s3:ListBucketMultipartUploads', () => {
    expect(pairs(input('ListParts'))).toEqual(['s3:ListMultipartUploadParts arn:aws:s3:::b/k.txt']);
    expect(pairs(input('ListMultipartUploads', { key: null }))).toEqual([
      's3:ListBucketMultipartUploads arn:aws:s3:::b',
    ]);
  });
});

describe('DeleteObjects: s3:DeleteObject per key', () => {
  it('per key recorded in the request, s3:DeleteObjectVersion for a version', () => {
    const params = { delete: { Object: [{ Key: 'x' }, { Key: 'y', VersionId: 'v' }], Quiet: 'true' } };
    expect(pairs(input('DeleteObjects', { key: null, params }))).toEqual([
      's3:DeleteObject arn:aws:s3:::b/x',
      's3:DeleteObjectVersion arn:aws:s3:::b/y',
    ]);
  });

  it('a single Object element (XML-to-JSON style) counts as one key', () => {
    const params = { Delete: { Object: { Key: 'only' } } };
    expect(pairs(input('DeleteObjects', { key: null, params }))).toEqual([
      's3:DeleteObject arn:aws:s3:::b/only',
    ]);
  });

  it('from resources[] object ARNs when the request body is not recorded', () => {
    const resources = [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::b/r1' }, { ARN: 'arn:aws:s3:::b' }];
    expect(pairs(input('DeleteObjects', { key: null, resources }))).toEqual([
      's3:DeleteObject arn:aws:s3:::b/r1',
    ]);
  });

  it('on bucket/* when CloudTrail recorded no key (https://docs.aws.amazon.com/AmazonS3/latest/userguide/logging-with-S3.html)', () => {
    expect(pairs(input('DeleteObjects', { key: null }))).toEqual(['s3:DeleteObject arn:aws:s3:::b/*']);
  });
});

describe('bucket and account calls', () => {
  it.each([
    ['HeadBucket', 's3:ListBucket'], // API_HeadBucket.html
    ['ListObjects', 's3:ListBucket'],
    ['ListObjectVersions', 's3:ListBucketVersions'],
    ['GetBucketEncryption', 's3:GetEncryptionConfiguration'],
    ['PutBucketEncryption', 's3:PutEncryptionConfiguration'],
    ['DeleteBucketEncryption', 's3:PutEncryptionConfiguration'],
    ['PutPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
    ['GetPublicAccessBlock', 's3:GetBucketPublicAccessBlock'],
    ['GetBucketLifecycle', 's3:GetLifecycleConfiguration'],
    ['GetBucketReplication', 's3:GetReplicationConfiguration'],
    ['GetBucketCors', 's3:GetBucketCORS'],
    ['GetObjectLockConfiguration', 's3:GetBucketObjectLockConfiguration'],
    ['PutBucketAccelerateConfiguration', 's3:PutAccelerateConfiguration'],
    ['GetBucketPolicyStatus', 's3:GetBucketPolicyStatus'],
  ])('%s needs %s on the bucket', (eventName, action) => {
    expect(pairs(input(eventName, { key: null }))).toEqual([`${action} arn:aws:s3:::b`]);
  });

  it('ListObjects with "list-type": "2" (how CloudTrail records ListObjectsV2) needs s3:ListBucket', () => {
    expect(pairs(input('ListObjects', { key: null, params: { 'list-type': '2', prefix: 'p/' } }))).toEqual([
      's3:ListBucket arn:aws:s3:::b',
    ]);
  });

  it('ListBuckets needs s3:ListAllMyBuckets on "*"', () => {
    expect(pairs(input('ListBuckets', { bucket: null, key: null }))).toEqual(['s3:ListAllMyBuckets *']);
  });

  it('the S3 Control account PublicAccessBlock calls (no bucket) need the account actions on "*"', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html
    expect(pairs(input('PutPublicAccessBlock', { bucket: null, key: null }))).toEqual([
      's3:PutAccountPublicAccessBlock *',
    ]);
    expect(pairs(input('GetPublicAccessBlock', { bucket: null, key: null }))).toEqual([
      's3:GetAccountPublicAccessBlock *',
    ]);
  });

  it('S3 Control access point calls need the access point ARN built from name, region and account', () => {
    expect(
      pairs(input('PutAccessPointPolicy', { bucket: null, key: null, params: { name: 'ap1' } })),
    ).toEqual(['s3:PutAccessPointPolicy arn:aws:s3:us-east-1:111122223333:accesspoint/ap1']);
  });

  it('S3 Control calls without the resource id or account fall back to "*"', () => {
    expect(pairs(input('DescribeJob', { bucket: null, key: null }))).toEqual(['s3:DescribeJob *']);
    expect(pairs(input('DescribeJob', { params: { id: 'j1' }, accountId: null }))).toEqual([
      's3:DescribeJob *',
    ]);
    expect(pairs(input('DescribeJob', { params: { id: 'j1' } }))).toEqual([
      's3:DescribeJob arn:aws:s3:us-east-1:111122223333:job/j1',
    ]);
  });
});

describe('through an access point: one need on the access point ARN, with the bucket ARN behind it', () => {
  // IAM policies and the access point policy name the access point ARN; the bucket policy the bucket ARN
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html)
  const both = (i: OperationInput) =>
    resolveNeeds(i).needs.map((n) => `${n.action} ${n.resource} <- ${n.bucketResource ?? '?'}`);

  it('object calls need the access point object ARN, backed by the object ARN', () => {
    expect(resolveNeeds(input('GetObject', { accessPoint: AP })).needs).toEqual([
      {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/k.txt',
        resourceType: 'object',
        bucketResource: 'arn:aws:s3:::b/k.txt',
        bucket: 'b',
        key: 'k.txt',
      },
    ]);
  });

  it('ListObjects needs the access point ARN; PutBucketAcl (no access point resource type) the bucket ARN', () => {
    expect(both(input('ListObjects', { key: null, accessPoint: AP }))).toEqual([
      `s3:ListBucket ${AP.arn} <- arn:aws:s3:::b`,
    ]);
    expect(pairs(input('PutBucketAcl', { key: null, accessPoint: AP }))).toEqual([
      's3:PutBucketAcl arn:aws:s3:::b',
    ]);
  });

  it('an unknown bucket behind the access point still yields the access point need', () => {
    expect(both(input('GetObject', { bucket: null, accessPoint: AP }))).toEqual([
      `s3:GetObject ${AP.arn}/object/k.txt <- ?`,
    ]);
  });

  it('DeleteObjects through an access point: each key on the access point, backed by its object ARN', () => {
    const params = { delete: { Object: [{ Key: 'x' }] } };
    expect(both(input('DeleteObjects', { key: null, params, accessPoint: AP }))).toEqual([
      `s3:DeleteObject ${AP.arn}/object/x <- arn:aws:s3:::b/x`,
    ]);
  });

  it('the permissions that write headers add go through the access point too', () => {
    expect(both(input('PutObject', { accessPoint: AP, params: { 'x-amz-acl': 'private' } }))).toEqual([
      `s3:PutObject ${AP.arn}/object/k.txt <- arn:aws:s3:::b/k.txt`,
      `s3:PutObjectAcl ${AP.arn}/object/k.txt <- arn:aws:s3:::b/k.txt`,
    ]);
  });
});

describe('KMS, other S3 flavours and unknown calls', () => {
  const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  it.each([
    ['Decrypt', ['kms:Decrypt']],
    ['GenerateDataKey', ['kms:GenerateDataKey']],
    ['ReEncrypt', ['kms:ReEncryptFrom', 'kms:ReEncryptTo']],
  ])('KMS %s needs %p on the key', (eventName, actions) => {
    const r = resolveNeeds(input(eventName, { eventSource: 'kms.amazonaws.com', kmsKeyArn: key }));
    expect(r.mapped).toBe(true);
    expect(r.needs.map((n) => `${n.action} ${n.resource}`)).toEqual(actions.map((a) => `${a} ${key}`));
  });

  it('a KMS call without a known key is on "*"; an unknown KMS call is unmapped', () => {
    expect(pairs(input('Decrypt', { eventSource: 'kms.amazonaws.com' }))).toEqual(['kms:Decrypt *']);
    expect(resolveNeeds(input('ScheduleKeyDeletion', { eventSource: 'kms.amazonaws.com' }))).toEqual({
      mapped: false,
      needs: [],
    });
  });

  it('an unknown S3 eventName is unmapped with no invented action', () => {
    expect(resolveNeeds(input('FrobnicateBucket'))).toEqual({ mapped: false, needs: [] });
    expect(resolveNeeds(input('constructor'))).toEqual({ mapped: false, needs: [] });
    expect(resolveNeeds(input('__proto__'))).toEqual({ mapped: false, needs: [] });
  });

  it('S3 on Outposts: the s3-outposts: action on the Outposts ARN the record names', () => {
    const arn = 'arn:aws:s3-outposts:us-east-1:111122223333:outpost/op-1/bucket/b/object/k.txt';
    const resources = [{ type: 'AWS::S3Outposts::Object', ARN: arn }];
    expect(pairs(input('PutObject', { eventSource: 's3-outposts.amazonaws.com', resources }))).toEqual([
      `s3-outposts:PutObject ${arn}`,
    ]);
  });

  // Zonal endpoint calls are authorized by the session: s3express:CreateSession on the bucket (issue 19 item 5,
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-authenticating-authorizing.html)
  it('directory buckets: CreateSession and the Zonal calls it authorizes (GetObject) need s3express:CreateSession on the bucket', () => {
    const i = { eventSource: 's3express.amazonaws.com', bucket: 'b--use1-az4--x-s3', key: null };
    expect(pairs(input('CreateSession', i))).toEqual([
      's3express:CreateSession arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3',
    ]);
    expect(pairs(input('GetObject', { ...i, key: 'k' }))).toEqual([
      's3express:CreateSession arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3',
    ]);
    expect(resolveNeeds(input('SomethingNew', i)).mapped).toBe(false);
  });
});
