/**
 * Which KMS calls S3 makes for a request (SSE-KMS): kms:Decrypt to read (and for multipart part uploads),
 * kms:GenerateDataKey to write. The key comes from a KMS denial record, the object's head-object facts,
 * the request's SSE headers, or the bucket's default encryption, in that order of certainty.
 * https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key
 */
import type { AccessRequest, ActionNeed, BucketEncryption, Fact, KmsKeyFacts, RequestFacts } from '../model';
import { bucketFact, type KmsNeed, objectFact, resolveKmsKey, sentHeader, specifiesSseC } from './input';

/** The AWS managed key S3 uses when SSE-KMS names no key. */
export const AWS_S3_KEY = 'alias/aws/s3';

const READS = new Set([
  's3:getobject',
  's3:getobjectversion',
  's3:getobjectattributes',
  's3:getobjectversionattributes',
]);
const WRITES = new Set(['s3:putobject']);
const MULTIPART_PARTS = new Set(['UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload']);

const isKms = (algorithm: string | null | undefined): boolean =>
  !!algorithm && algorithm.toLowerCase().startsWith('aws:kms');

function defaultKey(
  facts: RequestFacts,
  bucket: string | null,
): { enc: BucketEncryption; keyId: string } | null {
  const b = bucketFact(facts, bucket);
  if (b?.status !== 'known' || b.value.encryption.status !== 'known') return null;
  const enc = b.value.encryption.value;
  if (!enc || !isKms(enc.algorithm)) return null;
  return { enc, keyId: enc.kmsKeyId ?? AWS_S3_KEY };
}

/** The aws:s3:arn encryption context: the object ARN (behind an access point too), or the bucket ARN with a bucket key. */
function s3ArnFor(need: ActionNeed, bucketKey: boolean): string {
  return bucketKey && need.bucket ? `arn:aws:s3:::${need.bucket}` : (need.bucketResource ?? need.resource);
}

function kmsRecordNeed(request: AccessRequest): KmsNeed | null {
  if (!request.kms || !request.kms.keyArn) return null;
  const action = /^GenerateDataKey/i.test(request.eventName) ? 'kms:GenerateDataKey' : 'kms:Decrypt';
  const bucket = request.kms.s3Arn
    ? (/^arn:aws[\w-]*:s3:::([^/]+)/.exec(request.kms.s3Arn)?.[1] ?? null)
    : request.bucket;
  return { action, keyId: request.kms.keyArn, source: 'kms-record', s3Arn: request.kms.s3Arn ?? '', bucket };
}

function readNeed(facts: RequestFacts, need: ActionNeed): KmsNeed | null {
  const obj = objectFact(facts, need.bucket, need.key);
  // An object whose own encryption was not read (no s3:GetObject for HeadObject) falls through to the bucket's
  // default key, which makes a KMS cause 'likely' rather than missing it.
  if (obj?.status === 'known' && !(obj.value.exists && obj.value.sseNotCollected)) {
    if (!obj.value.exists || !isKms(obj.value.sseAlgorithm)) return null;
    const dk = defaultKey(facts, need.bucket);
    const keyId = obj.value.kmsKeyId ?? AWS_S3_KEY;
    // The bucket-key setting applies to objects written after it was enabled: the object's own head-object
    // BucketKeyEnabled decides its encryption context; the bucket's current setting only when it is not known.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
    return {
      action: 'kms:Decrypt',
      keyId,
      source: 'object',
      s3Arn: s3ArnFor(need, obj.value.bucketKeyEnabled ?? dk?.enc.bucketKeyEnabled ?? false),
      bucket: need.bucket,
    };
  }
  const dk = defaultKey(facts, need.bucket);
  if (!dk) return null;
  return {
    action: 'kms:Decrypt',
    keyId: dk.keyId,
    source: 'bucket-default',
    s3Arn: s3ArnFor(need, dk.enc.bucketKeyEnabled),
    bucket: need.bucket,
  };
}

function writeNeeds(request: AccessRequest, facts: RequestFacts, need: ActionNeed): KmsNeed[] {
  const dk = defaultKey(facts, need.bucket);
  const headerKms = isKms(request.sse?.algorithm) || !!request.sse?.kmsKeyId;
  const keyId = headerKms ? (request.sse?.kmsKeyId ?? dk?.keyId ?? AWS_S3_KEY) : dk?.keyId;
  if (!keyId) return [];
  const source = headerKms ? 'request' : 'bucket-default';
  const s3Arn = s3ArnFor(need, dk?.enc.bucketKeyEnabled ?? false);
  const action = MULTIPART_PARTS.has(request.eventName) ? 'kms:Decrypt' : 'kms:GenerateDataKey';
  return [{ action, keyId, source, s3Arn, bucket: need.bucket }];
}

/** Every KMS call the request involves, deduplicated by action and key. */
export function kmsNeeds(request: AccessRequest, facts: RequestFacts): KmsNeed[] {
  const out: KmsNeed[] = [];
  const add = (k: KmsNeed | null): void => {
    if (k && !out.some((o) => o.action === k.action && o.keyId === k.keyId)) out.push(k);
  };
  add(kmsRecordNeed(request));
  if (request.eventSource === 'kms.amazonaws.com') return out;
  for (const need of request.needs) {
    const action = need.action.toLowerCase();
    if (need.resourceType !== 'object') continue;
    // (the SSE-C headers are looked at only when a KMS key would otherwise be involved)
    if (READS.has(action) || need.role === 'source') {
      const k = readNeed(facts, need);
      if (k !== null && !customerKey(request, need.role === 'source')) add(k);
    } else if (WRITES.has(action)) {
      const ks = writeNeeds(request, facts, need);
      if (ks.length > 0 && !customerKey(request, false)) for (const k of ks) add(k);
    }
  }
  return out;
}

/**
 * Whether the object the need reads or writes is encrypted with a key the request provides (SSE-C): S3 then encrypts
 * or decrypts with that key itself, with no KMS call and whatever the bucket's default encryption
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-s3-c-encryption.html). A copy source is SSE-C when
 * the request carries the x-amz-copy-source-server-side-encryption-customer-algorithm header.
 */
function customerKey(request: AccessRequest, copySource: boolean): boolean {
  if (!copySource) return specifiesSseC(request) === true;
  return sentHeader(request, 'x-amz-copy-source-server-side-encryption-customer-algorithm') !== null;
}

/** The ActionNeed form of a KMS call, as stored in CheckerInput.evaluations. */
export function kmsActionNeed(k: KmsNeed, keyArn: string): ActionNeed {
  const key = k.s3Arn.includes('/') ? k.s3Arn.slice(k.s3Arn.indexOf('/') + 1) : null;
  return { action: k.action, resource: keyArn, resourceType: 'other', bucket: k.bucket, key };
}

/**
 * The ARN a KMS call's key resolves to in the facts (the reference as given when the facts do not describe it): a
 * bare key id or alias name in the caller's account only (./kms-ref.ts).
 */
export function kmsKeyArn(request: AccessRequest, facts: RequestFacts, k: KmsNeed): string {
  return resolveKmsKey(request, facts, k.keyId, k.bucket)?.arn ?? k.keyId;
}

/** The KMS call behind an evaluated KMS need (kmsActionNeed's inverse), or null. */
export function kmsNeedOf(request: AccessRequest, facts: RequestFacts, need: ActionNeed): KmsNeed | null {
  return (
    kmsNeeds(request, facts).find(
      (k) => k.action === need.action && kmsKeyArn(request, facts, k) === need.resource,
    ) ?? null
  );
}

/**
 * The accounts owning a key among `kmsKeys` other than the bucket's account: the accounts whose RCPs a view reads for
 * RequestFacts.keyAccountRcpLevels.
 */
export function otherKeyAccounts(
  kmsKeys: Readonly<Record<string, Fact<KmsKeyFacts>>>,
  bucketAccount: string | null,
): string[] {
  const out = new Set<string>();
  for (const key of Object.values(kmsKeys))
    if (key.status === 'known' && key.value.accountId !== '' && key.value.accountId !== bucketAccount)
      out.add(key.value.accountId);
  return [...out];
}
