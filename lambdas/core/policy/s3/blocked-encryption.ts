/**
 * Blocked encryption types: a general purpose bucket can block writes that specify SSE-C (server-side encryption with
 * customer-provided keys). "When SSE-C is blocked for a bucket, any PutObject, CopyObject, PostObject, Multipart
 * Upload, or replication request that specifies SSE-C encryption will be rejected with an HTTP 403 AccessDenied
 * error"; reads of existing SSE-C objects still work. The setting is part of the bucket's default encryption
 * configuration (get-bucket-encryption .Rules[].BlockedEncryptionTypes.EncryptionType: NONE | SSE-C).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html
 *
 * Since April 2026 S3 blocks SSE-C by default on every new general purpose bucket, and on the existing buckets of
 * accounts that held no SSE-C object (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-s3-c-encryption-setting-faq.html):
 * a setting that could not be read, for a write that specifies SSE-C, leans towards the refusal.
 *
 * Every write S3 authorizes as s3:PutObject (PutObject, PostObject, CopyObject's destination, CreateMultipartUpload,
 * UploadPart, UploadPartCopy) is checked; the copy source's own SSE-C headers are a read and are not. The refusal does
 * not depend on any policy: the layer is 'explicitly-denied' with `rule: 'sse-c-blocked'`.
 */
import type { BlockedEncryptionInput, EngineRequest } from '../types';
import { lowerKey } from '../variables';
import { factMissing, layer, notApplicable, type LayerCalc } from './evaluate';

const ID = 'blocked-encryption' as const;

/** The value of BlockedEncryptionTypes.EncryptionType that blocks SSE-C (the only type S3 can block today). */
export const SSE_C = 'SSE-C';

const blocksSseC = (types: readonly string[]): boolean => types.some((t) => t.trim().toUpperCase() === SSE_C);

/** The layer; null when the input does not model it for this request (the layer is then left out). */
export function blockedEncryptionLayer(
  input: BlockedEncryptionInput | undefined,
  req: EngineRequest,
): LayerCalc | null {
  if (input === undefined) return null;
  if (lowerKey(req.action) !== 's3:putobject')
    return notApplicable(ID, 'blocked encryption types refuse new writes (s3:PutObject) only');
  const { blocked, sseC } = input;
  if (sseC === false)
    return notApplicable(
      ID,
      'the request does not specify SSE-C (x-amz-server-side-encryption-customer-algorithm), the only encryption type a bucket can block',
    );
  if (blocked.status === 'known' && (blocked.value === null || !blocksSseC(blocked.value))) {
    const setting =
      blocked.value === null
        ? 'the bucket has no default encryption configuration, so it blocks no encryption type'
        : `the bucket allows SSE-C uploads (BlockedEncryptionTypes: ${blocked.value.length > 0 ? blocked.value.join(', ') : 'none'})`;
    return { result: layer(ID, 'allowed', [], setting), permit: true, deny: false };
  }
  if (sseC === 'unknown') {
    const header = 'whether the request specified SSE-C (x-amz-server-side-encryption-customer-algorithm)';
    return {
      result: layer(
        ID,
        'unknown',
        [],
        blocked.status === 'known'
          ? 'the bucket blocks uploads that specify SSE-C; the record does not show whether this request specified it'
          : 'whether the bucket blocks uploads that specify SSE-C, and whether this request specified it, are not known',
        blocked.status === 'known'
          ? [header]
          : [
              header,
              factMissing('the blocked encryption types of the bucket (get-bucket-encryption)', blocked),
            ],
      ),
      permit: 'unknown',
      deny: 'unknown',
    };
  }
  if (blocked.status === 'unknown') {
    return {
      result: {
        ...layer(
          ID,
          'unknown',
          [],
          'the request specifies SSE-C; if the bucket blocks SSE-C (the default for buckets created since April 2026), S3 refuses it whatever the policies say',
          [factMissing('the blocked encryption types of the bucket (get-bucket-encryption)', blocked)],
        ),
        leansDeny: true,
      },
      permit: 'unknown',
      deny: 'unknown',
    };
  }
  return {
    result: {
      ...layer(
        ID,
        'explicitly-denied',
        [],
        'the bucket blocks uploads that specify SSE-C (BlockedEncryptionTypes: SSE-C) and this request specifies SSE-C: S3 refuses it (403) whatever the policies say',
      ),
      rule: 'sse-c-blocked',
    },
    permit: false,
    deny: true,
  };
}
