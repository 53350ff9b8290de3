/**
 * Least privilege: the live view tells whether an object exists by listing, never by reading it.
 * - ListObjectsV2 (s3:ListBucket) with Prefix = key, MaxKeys = 1: keys come back in ascending UTF-8 binary order,
 *   so the key itself, when present, is the first one (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 * - ListObjectVersions (s3:ListBucketVersions) with Prefix = key for a version id: versions of a key come together,
 *   newest first (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html).
 * - HeadObject (s3:GetObject / s3:GetObjectVersion, which also read content) only with `objectMetadata`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
 */
import { DescribeKeyCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { AwsAccountView } from '../../../lambdas/adapters/aws';
import { MAX_VERSION_PAGES } from '../../../lambdas/adapters/aws/bucket';
import type { AccessRequest, Fact, ObjectFacts, RequestFacts } from '../../../lambdas/core/model';
import {
  ACCOUNT,
  BUCKET,
  awsError,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
  type MockedAws,
} from '../../../scripts/bench/live';

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function setup(objectMetadata?: boolean) {
  const aws = mockedAws(0);
  sameAccountScenario(aws);
  const view = new AwsAccountView({
    clients: aws.clients,
    auditorAccountId: ACCOUNT,
    region: 'us-east-1',
    ...(objectMetadata === undefined ? {} : { objectMetadata }),
  });
  return { aws, view };
}

/** A GetObject denial on `key` (and only that key). */
function requestFor(key: string, versionId: string | null = null): AccessRequest {
  const resource = `arn:aws:s3:::${BUCKET}/${key}`;
  return sampleRequest({
    key,
    versionId,
    resources: [resource],
    needs: [{ action: 's3:GetObject', resource, resourceType: 'object', bucket: BUCKET, key }],
  });
}

function objectOf(facts: RequestFacts, key: string): Fact<ObjectFacts> | undefined {
  const b = facts.buckets[BUCKET];
  if (b?.status !== 'known') throw new Error(`bucket not known: ${JSON.stringify(b)}`);
  return b.value.objects[key];
}

/** ListObjectsV2 answers `keys` that start with the prefix, in order, at most MaxKeys. */
function listing(aws: MockedAws, keys: string[]) {
  aws.on('s3', ListObjectsV2Command, (i: { Prefix?: string; MaxKeys?: number }) => {
    const hits = keys.filter((k) => k.startsWith(i.Prefix ?? '')).sort();
    const page = hits.slice(0, i.MaxKeys ?? 1000);
    return {
      ...(page.length > 0 ? { Contents: page.map((Key) => ({ Key, Size: 1 })) } : {}),
      KeyCount: page.length,
      IsTruncated: hits.length > page.length,
    };
  });
}

const noContentReads = (aws: MockedAws) => {
  expect(aws.stubs.s3.commandCalls(GetObjectCommand)).toHaveLength(0);
};

describe('object existence by ListObjectsV2 (s3:ListBucket), the default', () => {
  it('the key is listed first -> exists; one call with Prefix = key and MaxKeys = 1, no HeadObject', async () => {
    const { aws, view } = setup();
    listing(aws, ['reports/a.csv', 'reports/a.csv.bak']);
    const facts = await view.gather(requestFor('reports/a.csv'));
    expect(objectOf(facts, 'reports/a.csv')).toMatchObject({ status: 'known', value: { exists: true } });
    const calls = aws.stubs.s3.commandCalls(ListObjectsV2Command);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ Bucket: BUCKET, Prefix: 'reports/a.csv', MaxKeys: 1 });
    expect(aws.stubs.s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
    noContentReads(aws);
  });

  it('nothing is listed -> known not to exist', async () => {
    const { aws, view } = setup();
    listing(aws, ['other.csv']);
    const facts = await view.gather(requestFor('reports/missing.csv'));
    expect(objectOf(facts, 'reports/missing.csv')).toEqual({ status: 'known', value: { exists: false } });
  });

  // a key named like an Object.prototype member is an entry of its own (core/own.ts), never the record's prototype
  it.each(['__proto__', 'constructor'])(
    'keeps the facts of key %s as an own entry of the bucket',
    async (key) => {
      const { aws, view } = setup();
      listing(aws, [key]);
      const facts = await view.gather(requestFor(key));
      const b = facts.buckets[BUCKET];
      if (b?.status !== 'known') throw new Error('bucket not known');
      expect(Object.keys(b.value.objects)).toEqual([key]);
      expect(Object.getPrototypeOf(b.value.objects)).toBe(Object.prototype);
      expect(objectOf(facts, key)).toMatchObject({ status: 'known', value: { exists: true } });
    },
  );

  it('prefix collision: asking for "a" when only "ab" exists -> "a" does not exist', async () => {
    const { aws, view } = setup();
    listing(aws, ['ab']);
    const facts = await view.gather(requestFor('a'));
    expect(objectOf(facts, 'a')).toEqual({ status: 'known', value: { exists: false } });
  });

  it('prefix collision: "a" and "ab" both exist -> "a" is listed first and exists', async () => {
    const { aws, view } = setup();
    listing(aws, ['ab', 'a']);
    const facts = await view.gather(requestFor('a'));
    expect(objectOf(facts, 'a')).toMatchObject({ status: 'known', value: { exists: true } });
  });

  it('AccessDenied on the listing -> unknown(accessDenied) naming s3:ListBucket', async () => {
    const { aws, view } = setup();
    aws.on('s3', ListObjectsV2Command, () => {
      throw awsError('AccessDenied', 'Access Denied', 403);
    });
    const facts = await view.gather(requestFor('reports/a.csv'));
    expect(objectOf(facts, 'reports/a.csv')).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 's3:ListBucket',
      detail: expect.stringContaining('object reports/a.csv: AccessDenied'),
    });
    expect(aws.stubs.s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });

  it("an existing object: its own encryption is marked not collected, and the bucket's default SSE-KMS key is read in its place", async () => {
    const { aws, view } = setup();
    listing(aws, ['reports/a.csv']);
    aws.on('s3', GetBucketEncryptionCommand, () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN },
            BucketKeyEnabled: false,
          },
        ],
      },
    }));
    aws.on('kms', DescribeKeyCommand, () => ({
      KeyMetadata: {
        KeyId: 'k',
        Arn: KEY_ARN,
        AWSAccountId: ACCOUNT,
        KeyManager: 'CUSTOMER',
        KeyState: 'Enabled',
      },
    }));
    aws.on('kms', GetKeyPolicyCommand, () => ({ PolicyName: 'default', Policy: '{"Statement":[]}' }));
    const facts = await view.gather(requestFor('reports/a.csv'));
    const o = objectOf(facts, 'reports/a.csv');
    expect(o).toMatchObject({ status: 'known', value: { exists: true, sseNotCollected: true } });
    expect(o?.status === 'known' && o.value.sseAlgorithm).toBeUndefined();
    expect(facts.kmsKeys[KEY_ARN]).toMatchObject({ status: 'known', value: { arn: KEY_ARN } });
  });

  it('a missing object: the default key is not read for a GetObject', async () => {
    const { aws, view } = setup();
    listing(aws, []);
    aws.on('s3', GetBucketEncryptionCommand, () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }],
      },
    }));
    const facts = await view.gather(requestFor('reports/a.csv'));
    expect(facts.kmsKeys).toEqual({});
    expect(aws.stubs.kms.commandCalls(DescribeKeyCommand)).toHaveLength(0);
  });
});

describe('a versioned request: ListObjectVersions (s3:ListBucketVersions)', () => {
  it('finds the version id among the versions of the key', async () => {
    const { aws, view } = setup();
    aws.on('s3', ListObjectVersionsCommand, () => ({
      Versions: [
        { Key: 'a', VersionId: 'v3', IsLatest: true },
        { Key: 'a', VersionId: 'v2', IsLatest: false },
        { Key: 'ab', VersionId: 'v9', IsLatest: true },
      ],
      IsTruncated: false,
    }));
    const facts = await view.gather(requestFor('a', 'v2'));
    expect(objectOf(facts, 'a')).toMatchObject({ status: 'known', value: { exists: true } });
    expect(aws.stubs.s3.commandCalls(ListObjectVersionsCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Prefix: 'a',
    });
    expect(aws.stubs.s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
    noContentReads(aws);
  });

  it('the version id belongs to a longer key only ("ab") -> does not exist', async () => {
    const { aws, view } = setup();
    aws.on('s3', ListObjectVersionsCommand, () => ({
      Versions: [
        { Key: 'a', VersionId: 'v3', IsLatest: true },
        { Key: 'ab', VersionId: 'v2', IsLatest: true },
      ],
      IsTruncated: false,
    }));
    const facts = await view.gather(requestFor('a', 'v2'));
    expect(objectOf(facts, 'a')).toEqual({ status: 'known', value: { exists: false } });
  });

  it('the version id is a delete marker -> no object content there (exists: false)', async () => {
    const { aws, view } = setup();
    aws.on('s3', ListObjectVersionsCommand, () => ({
      Versions: [{ Key: 'a', VersionId: 'v1', IsLatest: false }],
      DeleteMarkers: [{ Key: 'a', VersionId: 'v2', IsLatest: true }],
      IsTruncated: false,
    }));
    const facts = await view.gather(requestFor('a', 'v2'));
    expect(objectOf(facts, 'a')).toEqual({ status: 'known', value: { exists: false } });
  });

  it('pages while the listing is still on the key (KeyMarker/VersionIdMarker), and stops when it moved on', async () => {
    const { aws, view } = setup();
    aws.on('s3', ListObjectVersionsCommand, (i: { KeyMarker?: string; VersionIdMarker?: string }) =>
      i.KeyMarker === undefined
        ? {
            Versions: [{ Key: 'a', VersionId: 'v9', IsLatest: true }],
            IsTruncated: true,
            NextKeyMarker: 'a',
            NextVersionIdMarker: 'v9',
          }
        : {
            Versions: [{ Key: 'a', VersionId: 'v1', IsLatest: false }],
            IsTruncated: true,
            NextKeyMarker: 'ab',
            NextVersionIdMarker: 'v7',
          },
    );
    const facts = await view.gather(requestFor('a', 'v1'));
    expect(objectOf(facts, 'a')).toMatchObject({ status: 'known', value: { exists: true } });
    const inputs = aws.stubs.s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { Bucket: BUCKET, Prefix: 'a' },
      { Bucket: BUCKET, Prefix: 'a', KeyMarker: 'a', VersionIdMarker: 'v9' },
    ]);

    // Not found, and the next page is about "ab": no third call.
    const again = setup();
    again.aws.on('s3', ListObjectVersionsCommand, () => ({
      Versions: [{ Key: 'a', VersionId: 'v9', IsLatest: true }],
      IsTruncated: true,
      NextKeyMarker: 'ab',
      NextVersionIdMarker: 'v7',
    }));
    const f2 = await again.view.gather(requestFor('a', 'v1'));
    expect(objectOf(f2, 'a')).toEqual({ status: 'known', value: { exists: false } });
    expect(again.aws.stubs.s3.commandCalls(ListObjectVersionsCommand)).toHaveLength(1);
  });

  it(`more than ${MAX_VERSION_PAGES} pages of versions of the key without the id -> unknown(notCollected)`, async () => {
    const { aws, view } = setup();
    let n = 0;
    aws.on('s3', ListObjectVersionsCommand, () => ({
      Versions: [{ Key: 'a', VersionId: `v${++n}`, IsLatest: n === 1 }],
      IsTruncated: true,
      NextKeyMarker: 'a',
      NextVersionIdMarker: `v${n}`,
    }));
    const facts = await view.gather(requestFor('a', 'v-old'));
    expect(objectOf(facts, 'a')).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(aws.stubs.s3.commandCalls(ListObjectVersionsCommand)).toHaveLength(MAX_VERSION_PAGES);
  });

  it('AccessDenied -> unknown(accessDenied) naming s3:ListBucketVersions', async () => {
    const { aws, view } = setup();
    aws.on('s3', ListObjectVersionsCommand, () => {
      throw awsError('AccessDenied', 'Access Denied', 403);
    });
    const facts = await view.gather(requestFor('a', 'v2'));
    expect(objectOf(facts, 'a')).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 's3:ListBucketVersions',
      detail: expect.stringContaining('object a version v2'),
    });
  });
});

describe('objectMetadata: HeadObject for the object’s own encryption', () => {
  const kmsHead = () => ({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN });

  it('off (default): HeadObject is never called', async () => {
    for (const option of [undefined, false]) {
      const { aws, view } = setup(option);
      aws.on('s3', HeadObjectCommand, kmsHead);
      const facts = await view.gather(sampleRequest());
      expect(aws.stubs.s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
      expect(facts.kmsKeys[KEY_ARN]).toBeUndefined();
    }
  });

  it("on: HeadObject (no version) in the first round; the object's SSE algorithm and key are facts, and the key is read", async () => {
    const { aws, view } = setup(true);
    listing(aws, ['reports/a.csv']);
    aws.on('s3', HeadObjectCommand, kmsHead);
    aws.on('kms', DescribeKeyCommand, () => ({
      KeyMetadata: {
        KeyId: 'k',
        Arn: KEY_ARN,
        AWSAccountId: ACCOUNT,
        KeyManager: 'CUSTOMER',
        KeyState: 'Enabled',
      },
    }));
    const facts = await view.gather(requestFor('reports/a.csv'));
    expect(aws.stubs.s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: 'reports/a.csv',
    });
    expect(aws.stubs.s3.commandCalls(ListObjectsV2Command)).toHaveLength(1);
    const o = objectOf(facts, 'reports/a.csv');
    expect(o).toMatchObject({
      status: 'known',
      value: { exists: true, sseAlgorithm: 'aws:kms', kmsKeyId: KEY_ARN },
    });
    expect(o?.status === 'known' && o.value.sseNotCollected).toBeUndefined();
    expect(facts.kmsKeys[KEY_ARN]).toMatchObject({ status: 'known' });
    noContentReads(aws);
  });

  it('on, HeadObject denied (no s3:GetObject): existence still comes from the listing; encryption not collected', async () => {
    const { aws, view } = setup(true);
    listing(aws, ['reports/a.csv']);
    aws.on('s3', HeadObjectCommand, () => {
      throw awsError('Forbidden', 'Forbidden', 403);
    });
    const facts = await view.gather(requestFor('reports/a.csv'));
    expect(objectOf(facts, 'reports/a.csv')).toMatchObject({
      status: 'known',
      value: { exists: true, sseNotCollected: true },
    });
  });

  it('on, listing denied: HeadObject 200 -> exists; HeadObject 404 -> does not exist; both denied -> unknown s3:ListBucket', async () => {
    const denyList = (aws: MockedAws) =>
      aws.on('s3', ListObjectsV2Command, () => {
        throw awsError('AccessDenied', 'Access Denied', 403);
      });
    const ok = setup(true);
    denyList(ok.aws);
    ok.aws.on('s3', HeadObjectCommand, () => ({ ServerSideEncryption: 'AES256' }));
    expect(objectOf(await ok.view.gather(requestFor('x')), 'x')).toMatchObject({
      status: 'known',
      value: { exists: true, sseAlgorithm: 'AES256' },
    });

    const missing = setup(true);
    denyList(missing.aws);
    missing.aws.on('s3', HeadObjectCommand, () => {
      throw awsError('NotFound', 'Not Found', 404);
    });
    expect(objectOf(await missing.view.gather(requestFor('x')), 'x')).toEqual({
      status: 'known',
      value: { exists: false },
    });

    const denied = setup(true);
    denyList(denied.aws);
    denied.aws.on('s3', HeadObjectCommand, () => {
      throw awsError('Forbidden', 'Forbidden', 403);
    });
    expect(objectOf(await denied.view.gather(requestFor('x')), 'x')).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 's3:ListBucket',
    });
  });

  it('on, versioned request: HeadObject with the version id; the listing still decides existence', async () => {
    const { aws, view } = setup(true);
    aws.on('s3', ListObjectVersionsCommand, () => ({ Versions: [], IsTruncated: false }));
    aws.on('s3', HeadObjectCommand, () => ({ ServerSideEncryption: 'AES256' }));
    const facts = await view.gather(requestFor('a', 'v2'));
    expect(aws.stubs.s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: 'a',
      VersionId: 'v2',
    });
    expect(objectOf(facts, 'a')).toEqual({ status: 'known', value: { exists: false } });
  });
});
