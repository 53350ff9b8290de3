/**
 * The bucket blocks uploads that specify SSE-C (BlockedEncryptionTypes), and this upload specified it. Since April 2026
 * S3 blocks SSE-C by default on new general purpose buckets (and on the existing buckets of accounts that held no
 * SSE-C object), so code that has always sent SSE-C headers starts getting 403 on new buckets.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-s3-c-encryption-setting-faq.html
 *
 * The engine decides (policy/s3/blocked-encryption.ts); this reads its layer, and S3's own message when the setting
 * could not be read.
 */
import { awsLine, sseCUnblockCommand } from '../fix/commands';
import { bucketFact, sentHeader as header, sseCShownBy } from '../fix/input';
import { viewLayer } from '../fix/layer-check';
import { needsOf, verifyS3 } from '../fix/verify';
import type { AccessRequest, Evidence, Fix } from '../model';
import type { Checker, CheckResult } from './types';

const COPY_SOURCE_SSE_C = 'x-amz-copy-source-server-side-encryption-customer-algorithm';

/**
 * The upload retried without SSE-C, so the bucket's default encryption (SSE-S3 or SSE-KMS) applies. A copy keeps
 * the copy source's SSE-C arguments when the record shows the source is SSE-C encrypted (reading it is not blocked).
 */
function retryWithoutSseC(request: AccessRequest, bucket: string, key: string | null): string {
  const target = key ?? 'KEY';
  if (request.eventName === 'CopyObject' || request.eventName === 'UploadPartCopy') {
    const sourceSseC = header(request, COPY_SOURCE_SSE_C) !== null;
    return awsLine([
      's3api',
      'copy-object',
      '--copy-source',
      header(request, 'x-amz-copy-source') ?? 'SOURCE_BUCKET/SOURCE_KEY',
      '--bucket',
      bucket,
      '--key',
      target,
      ...(sourceSseC
        ? [
            '--copy-source-sse-customer-algorithm',
            'AES256',
            '--copy-source-sse-customer-key',
            'fileb://SOURCE_KEY_FILE',
          ]
        : []),
    ]);
  }
  return awsLine(['s3', 'cp', `./${target.split('/').pop() || 'file'}`, `s3://${bucket}/${target}`]);
}

const WHY =
  'S3 refuses an upload that specifies SSE-C (server-side encryption with customer-provided keys) to a bucket whose default encryption configuration blocks SSE-C, with 403 AccessDenied, before any policy can help; objects already encrypted with SSE-C can still be read. Since April 2026 S3 blocks SSE-C by default on every new general purpose bucket, and on the existing buckets of accounts that held no SSE-C object.';

const SUMMARY =
  "Upload without SSE-C: drop the x-amz-server-side-encryption-customer-* headers (SDK SSECustomerAlgorithm / SSECustomerKey, AWS CLI --sse-c) and let the bucket's default encryption (SSE-S3 or SSE-KMS) apply, as AWS recommends. Only if the workload must keep SSE-C: the bucket owner unblocks it with put-bucket-encryption, BlockedEncryptionTypes NONE, keeping the bucket's default rule (s3:PutEncryptionConfiguration).";

export const checker: Checker = {
  id: 'sse-c-blocked',
  title: 'The bucket blocks uploads that specify SSE-C (server-side encryption with customer-provided keys)',
  detection:
    'For a write (s3:PutObject: PutObject, PostObject, CopyObject, multipart uploads) whose record shows x-amz-server-side-encryption-customer-algorithm (or additionalEventData.SSEApplied SSE_C), the engine reads the bucket\'s BlockedEncryptionTypes (get-bucket-encryption; snapshot encryption.Rules[].BlockedEncryptionTypes): SSE-C blocked refuses the upload whatever the policies say. AWS\'s message "…because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C)" alone makes it likely.',
  fixSummary:
    "Upload without SSE-C (the bucket's default SSE-S3 or SSE-KMS applies), or have the bucket owner unblock SSE-C (put-bucket-encryption with BlockedEncryptionTypes NONE, keeping the default rule); verified by re-evaluation without the SSE-C headers.",
  check(input): CheckResult {
    const { request, facts, evaluations } = input;
    const view = viewLayer(evaluations, 'blocked-encryption', { implicitDenies: false });
    const saysBlocked = request.enhancedMessage.kind === 'sse-c-blocked';
    if (view.kind === 'not-applicable' || (view.kind === 'pass' && !saysBlocked))
      return { status: view.kind, detail: view.detail };
    const bucket = request.bucket ?? 'BUCKET';
    const b = bucketFact(facts, request.bucket);
    const encryption =
      b?.status === 'known' && b.value.encryption.status === 'known' ? b.value.encryption.value : undefined;
    const shownBy = sseCShownBy(request);
    const sentEvidence: Evidence = {
      layer: 'blocked-encryption',
      detail: `the request specified SSE-C: ${shownBy ?? 'not shown'}`,
    };
    const message: Evidence[] = saysBlocked
      ? [{ layer: 'blocked-encryption', detail: `errorMessage: ${request.errorMessage ?? ''}` }]
      : [];
    if (view.kind === 'deny') {
      const denied = view.explicit;
      const first = denied[0]!;
      const need = first.evaluation.need;
      const target = need.bucket ?? bucket;
      const needs = needsOf(denied.map((h) => h.evaluation));
      const without = verifyS3(
        input,
        needs,
        'blocked-encryption',
        (base) =>
          base.s3?.blockedEncryption
            ? {
                ...base,
                s3: { ...base.s3, blockedEncryption: { ...base.s3.blockedEncryption, sseC: false } },
              }
            : base,
        'not-denied',
      );
      const still = without.verified && 'stillDeniedBy' in without ? without.stillDeniedBy : undefined;
      const fix: Fix = {
        summary: SUMMARY,
        commands: [
          awsLine(['s3api', 'get-bucket-encryption', '--bucket', target]),
          retryWithoutSseC(request, target, need.key),
          sseCUnblockCommand(target, encryption),
        ],
        ...without,
      };
      return {
        status: 'deny',
        confidence: 'confirmed',
        title: `Bucket ${target} blocks uploads that specify SSE-C, and this ${request.eventName || 'upload'} specified SSE-C`,
        explanation: `${first.layer.note ?? 'The bucket blocks SSE-C uploads'}. ${WHY}${
          still && still.length > 0
            ? ` Without SSE-C, the request would still be denied by: ${still.join(', ')}.`
            : ''
        }${saysBlocked ? ` AWS's own message agrees: "${request.errorMessage ?? ''}".` : ''}`,
        evidence: [
          { layer: 'blocked-encryption', detail: first.layer.note ?? 'the bucket blocks SSE-C uploads' },
          {
            layer: 'blocked-encryption',
            detail: `get-bucket-encryption ${target}: BlockedEncryptionTypes EncryptionType SSE-C`,
          },
          sentEvidence,
          ...message,
        ],
        fix,
      };
    }
    // S3's own message is its answer at the time of the request, but not a fact read here: likely (confirmed only by
    // the setting itself), whether the setting could not be read or reads as allowing SSE-C now (changed since?)
    if (saysBlocked) {
      const readNow = view.kind === 'pass';
      return {
        status: 'deny',
        confidence: 'likely',
        title: `AWS reports that bucket ${bucket} blocks uploads that specify SSE-C`,
        explanation: `The record says "${request.errorMessage ?? ''}". ${WHY}${
          readNow
            ? " The bucket's encryption configuration read here allows SSE-C now: it may have been changed since the request."
            : view.kind === 'unknown'
              ? ` The bucket's setting could not be read (${view.missing.join('; ')}).`
              : ''
        }`,
        evidence: [...message, ...(shownBy !== null ? [sentEvidence] : [])],
        fix: {
          summary: SUMMARY,
          commands: [
            awsLine(['s3api', 'get-bucket-encryption', '--bucket', bucket]),
            retryWithoutSseC(request, bucket, request.key),
            sseCUnblockCommand(bucket, encryption),
          ],
          verified: false,
        },
      };
    }
    if (view.kind === 'unknown') return { status: 'unknown', missing: view.missing };
    return { status: view.kind, detail: view.detail };
  },
};
