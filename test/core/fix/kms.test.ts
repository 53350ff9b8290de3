/**
 * The KMS calls S3 makes on the caller's behalf for SSE-KMS, and with which key and encryption context:
 *  - reading an SSE-KMS object needs kms:Decrypt; writing one needs kms:GenerateDataKey; uploading a part of a
 *    multipart upload needs kms:Decrypt: https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key
 *  - the encryption context aws:s3:arn is the object ARN, or the bucket ARN when an S3 Bucket Key is used:
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 *  - SSE-KMS that names no key uses the AWS managed key aws/s3:
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
 */
import type { AccessRequest, ActionNeed } from '../../../lambdas/core/model';
import { AWS_S3_KEY, kmsActionNeed, kmsNeeds } from '../../../lambdas/core/fix/kms';
import { explain } from '../checkers/helpers';
import { A, type BucketSpec, recordFor, viewOf } from '../world';

const BUCKET = 'reports-bucket';
const KEY = `arn:aws:kms:us-east-1:${A}:key/1111aaaa-11aa-11aa-11aa-111111111111`;
const DEFAULT_KEY = `arn:aws:kms:us-east-1:${A}:key/2222bbbb-22bb-22bb-22bb-222222222222`;
const OBJECT = `arn:aws:s3:::${BUCKET}/q3.csv`;

/** AppRole calls `eventName` on q3.csv of a bucket set up as `bucket`. */
function call(
  bucket: Omit<BucketSpec, 'account'>,
  eventName = 'GetObject',
  params: Record<string, unknown> = {},
) {
  const view = viewOf({
    roles: [{ account: A, name: 'AppRole', statements: [] }],
    buckets: { [BUCKET]: { account: A, ...bucket } },
  });
  return explain(
    recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv', eventName, params }),
    view,
  );
}

const needs = (x: { request: AccessRequest; facts: Parameters<typeof kmsNeeds>[1] }) =>
  kmsNeeds(x.request, x.facts);

describe('reading an object', () => {
  it('an SSE-KMS object needs kms:Decrypt with its key, in the context of the object ARN', () => {
    expect(needs(call({ objects: { 'q3.csv': { sse: 'aws:kms', kmsKeyId: KEY } } }))).toEqual([
      { action: 'kms:Decrypt', keyId: KEY, source: 'object', s3Arn: OBJECT, bucket: BUCKET },
    ]);
  });

  it('an object written with an S3 Bucket Key is decrypted in the context of the bucket ARN', () => {
    const [need] = needs(
      call({ objects: { 'q3.csv': { sse: 'aws:kms', kmsKeyId: KEY, bucketKeyEnabled: true } } }),
    );
    expect(need?.s3Arn).toBe(`arn:aws:s3:::${BUCKET}`);
  });

  it("the object's own Bucket Key setting wins over the bucket's current one", () => {
    const [need] = needs(
      call({
        encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY, bucketKey: true },
        objects: { 'q3.csv': { sse: 'aws:kms', kmsKeyId: KEY, bucketKeyEnabled: false } },
      }),
    );
    expect(need?.s3Arn).toBe(OBJECT);
  });

  it("when the object does not tell, the bucket's Bucket Key setting decides", () => {
    const enc = (bucketKey: boolean) =>
      needs(
        call({
          encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY, bucketKey },
          objects: { 'q3.csv': { sse: 'aws:kms', kmsKeyId: KEY } },
        }),
      )[0]?.s3Arn;
    expect(enc(true)).toBe(`arn:aws:s3:::${BUCKET}`);
    expect(enc(false)).toBe(OBJECT);
  });

  it('an SSE-KMS object that names no key uses the AWS managed key aws/s3', () => {
    expect(AWS_S3_KEY).toBe('alias/aws/s3');
    expect(needs(call({ objects: { 'q3.csv': { sse: 'aws:kms' } } }))[0]?.keyId).toBe('alias/aws/s3');
  });

  it('an SSE-S3 object, or a key that does not exist, needs no KMS call', () => {
    expect(needs(call({ objects: { 'q3.csv': { sse: 'AES256' } } }))).toEqual([]);
    expect(needs(call({ objects: { 'q3.csv': {} } }))).toEqual([]);
    expect(
      needs(
        call({
          encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY },
          objects: { 'q3.csv': { exists: false } },
        }),
      ),
    ).toEqual([]);
  });

  it("an object whose encryption was not read falls back to the bucket's default key", () => {
    expect(needs(call({ encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY } }))).toEqual([
      { action: 'kms:Decrypt', keyId: DEFAULT_KEY, source: 'bucket-default', s3Arn: OBJECT, bucket: BUCKET },
    ]);
    expect(
      needs(call({ encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY, bucketKey: true } }))[0]?.s3Arn,
    ).toBe(`arn:aws:s3:::${BUCKET}`);
    expect(needs(call({ encryption: { algorithm: 'aws:kms' } }))[0]?.keyId).toBe('alias/aws/s3');
    // dual-layer SSE-KMS is SSE-KMS too
    expect(needs(call({ encryption: { algorithm: 'aws:kms:dsse', key: DEFAULT_KEY } }))[0]?.keyId).toBe(
      DEFAULT_KEY,
    );
    expect(needs(call({ encryption: { algorithm: 'AES256' } }))).toEqual([]);
    expect(needs(call({}))).toEqual([]);
  });
});

describe('writing an object', () => {
  it('a bucket with default SSE-KMS needs kms:GenerateDataKey on the default key', () => {
    expect(needs(call({ encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY } }, 'PutObject'))).toEqual([
      {
        action: 'kms:GenerateDataKey',
        keyId: DEFAULT_KEY,
        source: 'bucket-default',
        s3Arn: OBJECT,
        bucket: BUCKET,
      },
    ]);
  });

  it('SSE-KMS headers name the key (the request wins over the default)', () => {
    const headers = {
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': KEY,
    };
    expect(
      needs(call({ encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY } }, 'PutObject', headers)),
    ).toEqual([
      { action: 'kms:GenerateDataKey', keyId: KEY, source: 'request', s3Arn: OBJECT, bucket: BUCKET },
    ]);
  });

  it('an SSE-KMS header without a key id uses the default key, else aws/s3', () => {
    const headers = { 'x-amz-server-side-encryption': 'aws:kms' };
    expect(
      needs(call({ encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY } }, 'PutObject', headers))[0],
    ).toMatchObject({
      keyId: DEFAULT_KEY,
      source: 'request',
    });
    expect(needs(call({}, 'PutObject', headers))[0]).toMatchObject({
      keyId: 'alias/aws/s3',
      source: 'request',
    });
  });

  it('a write to a bucket without SSE-KMS, and without SSE-KMS headers, needs no KMS call', () => {
    expect(needs(call({}, 'PutObject'))).toEqual([]);
    expect(needs(call({ encryption: { algorithm: 'AES256' } }, 'PutObject'))).toEqual([]);
    expect(needs(call({}, 'PutObject', { 'x-amz-server-side-encryption': 'AES256' }))).toEqual([]);
  });

  it('uploading a part of a multipart upload needs kms:Decrypt (S3 decrypts the upload key)', () => {
    const x = call({ encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY } }, 'PutObject');
    expect(kmsNeeds({ ...x.request, eventName: 'UploadPart' }, x.facts)[0]?.action).toBe('kms:Decrypt');
    expect(kmsNeeds({ ...x.request, eventName: 'CompleteMultipartUpload' }, x.facts)[0]?.action).toBe(
      'kms:Decrypt',
    );
    expect(kmsNeeds({ ...x.request, eventName: 'PutObject' }, x.facts)[0]?.action).toBe(
      'kms:GenerateDataKey',
    );
  });
});

describe('needs that are not object reads or writes', () => {
  it('a bucket-level action needs no KMS call, even on an SSE-KMS bucket', () => {
    const x = call({ encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY } });
    const bucketNeed: ActionNeed = {
      action: 's3:GetObject',
      resource: `arn:aws:s3:::${BUCKET}`,
      resourceType: 'bucket',
      bucket: BUCKET,
      key: null,
    };
    expect(kmsNeeds({ ...x.request, needs: [bucketNeed] }, x.facts)).toEqual([]);
    const tagging = {
      ...bucketNeed,
      resource: OBJECT,
      resourceType: 'object' as const,
      action: 's3:GetObjectTagging',
    };
    expect(kmsNeeds({ ...x.request, needs: [tagging] }, x.facts)).toEqual([]);
  });

  it('the source of a copy is read (kms:Decrypt); other object reads too (versions, attributes)', () => {
    const x = call({ encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY } });
    const need = (action: string, role?: 'source'): ActionNeed => ({
      action,
      resource: OBJECT,
      resourceType: 'object',
      bucket: BUCKET,
      key: 'q3.csv',
      ...(role ? { role } : {}),
    });
    for (const action of [
      's3:GetObjectVersion',
      's3:GetObjectAttributes',
      's3:GetObjectVersionAttributes',
      'S3:GETOBJECT',
    ])
      expect(kmsNeeds({ ...x.request, needs: [need(action)] }, x.facts)[0]?.action).toBe('kms:Decrypt');
    expect(
      kmsNeeds({ ...x.request, needs: [need('s3:PutObjectTagging', 'source')] }, x.facts)[0]?.action,
    ).toBe('kms:Decrypt');
  });

  it('the same call on the same key is needed once', () => {
    const x = call({ encryption: { algorithm: 'aws:kms', key: DEFAULT_KEY } });
    const read: ActionNeed = {
      action: 's3:GetObject',
      resource: OBJECT,
      resourceType: 'object',
      bucket: BUCKET,
      key: 'q3.csv',
    };
    expect(
      kmsNeeds({ ...x.request, needs: [read, { ...read, action: 's3:GetObjectVersion' }] }, x.facts),
    ).toHaveLength(1);
  });
});

describe('a KMS denial record (kms.amazonaws.com) names the key and the S3 object itself', () => {
  const x = call({});
  const kmsRecord = (
    eventName: string,
    s3Arn: string | null,
    keyArn: string | null = KEY,
  ): AccessRequest => ({
    ...x.request,
    eventSource: 'kms.amazonaws.com',
    eventName,
    kms: { keyArn, s3Arn },
  });

  it('GenerateDataKey and Decrypt records need those calls, for the bucket of the encryption context', () => {
    expect(kmsNeeds(kmsRecord('GenerateDataKey', `arn:aws:s3:::other-bucket/a/b.csv`), x.facts)).toEqual([
      {
        action: 'kms:GenerateDataKey',
        keyId: KEY,
        source: 'kms-record',
        s3Arn: 'arn:aws:s3:::other-bucket/a/b.csv',
        bucket: 'other-bucket',
      },
    ]);
    expect(kmsNeeds(kmsRecord('Decrypt', 'arn:aws:s3:::other-bucket'), x.facts)[0]).toMatchObject({
      action: 'kms:Decrypt',
      bucket: 'other-bucket',
    });
    expect(kmsNeeds(kmsRecord('GenerateDataKeyWithoutPlaintext', OBJECT), x.facts)[0]?.action).toBe(
      'kms:GenerateDataKey',
    );
  });

  it("without an encryption context, the bucket is the record's and the context empty", () => {
    expect(kmsNeeds(kmsRecord('Decrypt', null), x.facts)[0]).toMatchObject({ s3Arn: '', bucket: BUCKET });
  });

  it('a record without the key names no call', () => {
    expect(kmsNeeds(kmsRecord('Decrypt', OBJECT, null), x.facts)).toEqual([]);
    expect(kmsNeeds({ ...x.request, eventSource: 'kms.amazonaws.com', kms: null }, x.facts)).toEqual([]);
  });
});

describe('kmsActionNeed: the KMS call as a need on the key', () => {
  it('names the key as the resource, and the object key of the encryption context', () => {
    const need = kmsActionNeed(
      {
        action: 'kms:Decrypt',
        keyId: 'alias/x',
        source: 'object',
        s3Arn: `arn:aws:s3:::${BUCKET}/a/q3.csv`,
        bucket: BUCKET,
      },
      KEY,
    );
    expect(need).toEqual({
      action: 'kms:Decrypt',
      resource: KEY,
      resourceType: 'other',
      bucket: BUCKET,
      key: 'a/q3.csv',
    });
    expect(
      kmsActionNeed(
        {
          action: 'kms:Decrypt',
          keyId: KEY,
          source: 'object',
          s3Arn: `arn:aws:s3:::${BUCKET}`,
          bucket: BUCKET,
        },
        KEY,
      ).key,
    ).toBeNull();
  });
});
