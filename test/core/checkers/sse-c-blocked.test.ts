/**
 * sse-c-blocked as the user reads it: an upload that specifies SSE-C to a bucket that blocks SSE-C.
 * - BLOCK = https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html: "When
 *   SSE-C is blocked for a bucket, any PutObject, CopyObject, PostObject, Multipart Upload, or replication request
 *   that specifies SSE-C encryption will be rejected with an HTTP 403 AccessDenied error"; existing SSE-C objects can
 *   still be read.
 * - TYPES = https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html: EncryptionType NONE | SSE-C,
 *   part of the bucket's encryption configuration (get-bucket-encryption).
 * - FAQ = https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-s3-c-encryption-setting-faq.html: from April
 *   2026 S3 disables SSE-C on every new general purpose bucket.
 * - 403 = https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html ("Access denied due to
 *   Blocked Encryption Type"): S3's message for it.
 * - TRACK = https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption-tracking.html: CloudTrail's
 *   additionalEventData.SSEApplied "SSE_C".
 */
import { simulate } from '../../../lambdas/core/simulate';
import { parseEnhancedMessage } from '../../../lambdas/core/event/enhanced-message';
import { blockedEncryptionLayer } from '../../../lambdas/core/policy/s3/blocked-encryption';
import { explain } from './helpers';
import { A, recordFor, viewOf, type WorldSpec } from '../world';

const BUCKET = 'uploads';
const SSE_C = {
  'x-amz-server-side-encryption-customer-algorithm': 'AES256',
  'x-amz-server-side-encryption-customer-key-MD5': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const MESSAGE = `User: arn:aws:sts::${A}:assumed-role/Uploader/s1 is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/in/k.csv" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type`;

function world(blocked: readonly string[] | 'unread', key?: string): WorldSpec {
  return {
    roles: [
      {
        account: A,
        name: 'Uploader',
        statements: [
          { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${BUCKET}/*` },
        ],
      },
    ],
    buckets: {
      [BUCKET]: {
        account: A,
        encryption: {
          algorithm: key ? 'aws:kms' : 'AES256',
          ...(key ? { key, bucketKey: true } : {}),
          ...(blocked === 'unread' ? {} : { blocked }),
        },
        objects: { 'in/k.csv': { exists: false } },
      },
    },
  };
}

const upload = (
  params: Record<string, unknown> = SSE_C,
  extra: { errorMessage?: string; eventName?: string } = {},
) =>
  recordFor({
    account: A,
    role: 'Uploader',
    eventName: extra.eventName ?? 'PutObject',
    bucket: BUCKET,
    key: 'in/k.csv',
    params,
    ...(extra.errorMessage ? { errorMessage: extra.errorMessage } : {}),
  });

/** A denied GetObject of the object that carries the customer key headers (reading an SSE-C object). */
const readWithKey = () =>
  recordFor({
    account: A,
    role: 'Uploader',
    eventName: 'GetObject',
    bucket: BUCKET,
    key: 'in/k.csv',
    params: SSE_C,
  });

const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe('sse-c-blocked: an SSE-C upload to a bucket that blocks SSE-C (BLOCK, TYPES)', () => {
  it('is cause 1, confirmed: the layer refuses whatever the policies allow, and the fix drops SSE-C (verified)', () => {
    const { finding } = explain(upload(), viewOf(world(['SSE-C'])));
    const cause = finding.rootCauses[0]!;
    expect(cause.id).toBe('sse-c-blocked');
    expect(cause.confidence).toBe('confirmed');
    expect(cause.title).toBe(
      'Bucket uploads blocks uploads that specify SSE-C, and this PutObject specified SSE-C',
    );
    expect(cause.evidence).toEqual([
      {
        layer: 'blocked-encryption',
        detail:
          'the bucket blocks uploads that specify SSE-C (BlockedEncryptionTypes: SSE-C) and this request specifies SSE-C: S3 refuses it (403) whatever the policies say',
      },
      {
        layer: 'blocked-encryption',
        detail: 'get-bucket-encryption uploads: BlockedEncryptionTypes EncryptionType SSE-C',
      },
      {
        layer: 'blocked-encryption',
        detail: 'the request specified SSE-C: x-amz-server-side-encryption-customer-algorithm: AES256',
      },
    ]);
    expect(cause.fix.verified).toBe(true);
    expect(cause.fix.commands).toEqual([
      'aws s3api get-bucket-encryption --bucket uploads',
      'aws s3 cp ./k.csv s3://uploads/in/k.csv',
      `aws s3api put-bucket-encryption --bucket uploads --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"},"BlockedEncryptionTypes":{"EncryptionType":["NONE"]}}]}'`,
    ]);
    expect(cause.fix.summary).toMatch(/^Upload without SSE-C/);
    expect(cause.explanation).toContain(
      'Since April 2026 S3 blocks SSE-C by default on every new general purpose bucket',
    );
    expect(finding.checks.find((c) => c.layer === 'sse-c-blocked')?.status).toBe('deny');
    // no other cause is invented: the identity policy allows the upload
    expect(finding.rootCauses.map((c) => c.id)).toEqual(['sse-c-blocked']);
  });

  it("unblocking keeps the bucket's SSE-KMS default rule, since put-bucket-encryption replaces the configuration", () => {
    const { finding } = explain(upload(), viewOf(world(['SSE-C'], KEY)));
    expect(finding.rootCauses[0]?.fix.commands[2]).toBe(
      `aws s3api put-bucket-encryption --bucket uploads --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"${KEY}"},"BucketKeyEnabled":true,"BlockedEncryptionTypes":{"EncryptionType":["NONE"]}}]}'`,
    );
  });

  it('CloudTrail SSEApplied SSE_C alone marks the upload as SSE-C (TRACK)', () => {
    const record = upload({});
    (record['additionalEventData'] as Record<string, unknown>)['SSEApplied'] = 'SSE_C';
    const { finding } = explain(record, viewOf(world(['SSE-C'])));
    expect(finding.rootCauses[0]).toMatchObject({ id: 'sse-c-blocked', confidence: 'confirmed' });
    expect(finding.rootCauses[0]?.evidence[2]?.detail).toBe(
      'the request specified SSE-C: additionalEventData.SSEApplied: SSE_C',
    );
  });

  it('a copy to the blocking bucket keeps the copy source SSE-C arguments in the retried copy', () => {
    const { finding } = explain(
      upload(
        {
          ...SSE_C,
          'x-amz-copy-source': 'src-bucket/a.csv',
          'x-amz-copy-source-server-side-encryption-customer-algorithm': 'AES256',
        },
        { eventName: 'CopyObject' },
      ),
      viewOf({
        ...world(['SSE-C']),
        buckets: { ...world(['SSE-C']).buckets, 'src-bucket': { account: A, objects: { 'a.csv': {} } } },
      }),
    );
    const cause = finding.rootCauses.find((c) => c.id === 'sse-c-blocked')!;
    expect(cause.fix.commands[1]).toBe(
      'aws s3api copy-object --copy-source src-bucket/a.csv --bucket uploads --key in/k.csv --copy-source-sse-customer-algorithm AES256 --copy-source-sse-customer-key fileb://SOURCE_KEY_FILE',
    );
  });
});

describe('sse-c-blocked is ruled out where S3 would not refuse', () => {
  it('a bucket that allows SSE-C (BlockedEncryptionTypes NONE): pass', () => {
    const { finding } = explain(upload(), viewOf(world(['NONE'])));
    expect(finding.checks.find((c) => c.layer === 'sse-c-blocked')).toMatchObject({ status: 'pass' });
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('sse-c-blocked');
  });

  it('an upload without SSE-C headers to a blocking bucket: not applicable', () => {
    const { finding } = explain(upload({}), viewOf(world(['SSE-C'])));
    expect(finding.checks.find((c) => c.layer === 'sse-c-blocked')?.status).toBe('not-applicable');
  });

  it('reading an SSE-C object from a blocking bucket: not applicable (reads are not blocked)', () => {
    const { finding } = explain(readWithKey(), viewOf(world(['SSE-C'])));
    expect(finding.checks.find((c) => c.layer === 'sse-c-blocked')?.status).toBe('not-applicable');
  });
});

describe('sse-c-blocked when the setting was not read', () => {
  it('a snapshot without BlockedEncryptionTypes: unknown, and still cause 1 (possible) for an SSE-C upload the policies allow', () => {
    const { finding } = explain(upload(), viewOf(world('unread')));
    expect(finding.checks.find((c) => c.layer === 'sse-c-blocked')?.status).toBe('unknown');
    const first = finding.rootCauses[0]!;
    expect(first.id).toBe('sse-c-blocked');
    expect(first.confidence).not.toBe('confirmed');
    expect(first.fix.commands[0]).toBe('aws s3api get-bucket-encryption --bucket uploads');
  });

  it("S3's own message makes it likely without the setting (403), and the message is parsed as complete", () => {
    const parsed = parseEnhancedMessage('AccessDenied', MESSAGE);
    expect(parsed).toMatchObject({ kind: 'sse-c-blocked', action: 's3:PutObject', truncated: false });
    const { finding } = explain(upload(SSE_C, { errorMessage: MESSAGE }), viewOf(world('unread')));
    // AWS's message is not a fact read here: likely, as for Block Public Access and Object Lock messages
    expect(finding.rootCauses[0]).toMatchObject({ id: 'sse-c-blocked', confidence: 'likely' });
    expect(finding.rootCauses[0]?.title).toBe(
      'AWS reports that bucket uploads blocks uploads that specify SSE-C',
    );
  });

  it("S3's message against a setting read now as NONE: likely (it may have been changed since)", () => {
    const { finding } = explain(upload(SSE_C, { errorMessage: MESSAGE }), viewOf(world(['NONE'])));
    expect(finding.rootCauses[0]).toMatchObject({ id: 'sse-c-blocked', confidence: 'likely' });
  });
});

describe('simulate: the same engine for a hypothetical SSE-C upload', () => {
  const decide = (blocked: readonly string[] | 'unread', context: Record<string, string>) =>
    simulate(
      {
        principal: `arn:aws:iam::${A}:role/Uploader`,
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${BUCKET}/in/k.csv`,
        context,
      },
      viewOf(world(blocked)),
      { now: new Date('2026-12-04T12:00:00Z') },
    );
  const SSE_C_KEY = { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' };

  it('with the SSE-C condition key: explicitly denied by the blocked-encryption layer', () => {
    const sim = decide(['SSE-C'], SSE_C_KEY);
    expect(sim.decision).toBe('explicitly-denied');
    // the evidence names what showed SSE-C: here the condition key simulate was given
    expect(sim.rootCauses[0]?.evidence[2]?.detail).toBe(
      'the request specified SSE-C: s3:x-amz-server-side-encryption-customer-algorithm: AES256',
    );
    expect(sim.layers.find((l) => l.layer === 'blocked-encryption')?.result).toBe('explicitly-denied');
  });

  it('without SSE-C: allowed; with SSE-C and the setting unread: unknown, naming the read', () => {
    expect(decide(['SSE-C'], {}).decision).toBe('allowed');
    const sim = decide('unread', SSE_C_KEY);
    expect(sim.decision).toBe('unknown');
    expect(JSON.stringify(sim)).toContain('BlockedEncryptionTypes');
  });
});

describe('an SSE-C request involves no KMS key, whatever the bucket default', () => {
  // "When you upload an object specifying SSE-C, Amazon S3 uses the encryption key that you provide to apply AES-256
  // encryption" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-s3-c-encryption.html): no KMS call
  it('an SSE-C upload to a bucket whose default is SSE-KMS: the KMS key is not checked', () => {
    const { finding } = explain(upload(), viewOf(world(['SSE-C'], KEY)));
    expect(finding.checks.find((c) => c.layer === 'kms-key-access')?.status).toBe('not-applicable');
    expect(finding.rootCauses.map((c) => c.id)).toEqual(['sse-c-blocked']);
    // the same upload without SSE-C does need the default key (not in this snapshot: unknown)
    const plain = explain(upload({}), viewOf(world(['SSE-C'], KEY))).finding;
    expect(plain.checks.find((c) => c.layer === 'kms-key-access')?.status).toBe('unknown');
  });

  it('reading an SSE-C object (the request carries the customer key headers): no KMS key either', () => {
    const { finding } = explain(readWithKey(), viewOf(world(['SSE-C'], KEY)));
    expect(finding.checks.find((c) => c.layer === 'kms-key-access')?.status).toBe('not-applicable');
  });
});

describe('the layer itself (policy/s3/blocked-encryption.ts)', () => {
  const req = { action: 's3:PutObject' } as Parameters<typeof blockedEncryptionLayer>[1];
  const notRead = { status: 'unknown', reason: 'notCollected' } as const;

  it('a record that cannot show the header, on a bucket whose setting was not read either: both named as missing', () => {
    const calc = blockedEncryptionLayer({ blocked: notRead, sseC: 'unknown' }, req)!;
    expect(calc.result.result).toBe('unknown');
    expect(calc.result.note).toBe(
      'whether the bucket blocks uploads that specify SSE-C, and whether this request specified it, are not known',
    );
    expect(calc.result.missing).toHaveLength(2);
  });

  it('a bucket with no default encryption configuration blocks nothing', () => {
    const calc = blockedEncryptionLayer({ blocked: { status: 'known', value: null }, sseC: true }, req)!;
    expect(calc.result).toMatchObject({ result: 'allowed' });
  });
});
