/**
 * Requester Pays: a request to a Requester Pays bucket from outside the bucket owner's account must carry
 * `x-amz-request-payer: requester`, else S3 answers 403 (whatever the policies say); the bucket owner's account
 * never needs it; anonymous requests are refused; a Requester Pays bucket cannot receive server access logs.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ObjectsinRequesterPaysBuckets.html
 *
 * The rejection does not depend on any policy, so it is decisive (an explicit refusal, like Block Public Access
 * refusing a public ACL): the layer is 'explicitly-denied' with `rule: 'requester-pays'`.
 */
import type { EngineRequest, RequestPaymentInput, Tri } from '../types';
import { lowerKey } from '../variables';
import { callerKind } from './chain';
import { factMissing, layer, notApplicable, type LayerCalc } from './evaluate';

const ID = 'requester-pays' as const;

/** Server access log delivery cannot write to a Requester Pays bucket (RequesterPaysBuckets.html). */
const LOG_DELIVERY = 'logging.s3.amazonaws.com';

const refused = (note: string): LayerCalc => ({
  result: { ...layer(ID, 'explicitly-denied', [], note), rule: 'requester-pays' },
  permit: false,
  deny: true,
});

const allowed = (note: string): LayerCalc => ({
  result: layer(ID, 'allowed', [], note),
  permit: true,
  deny: false,
});

const undecided = (note: string, missing: string): LayerCalc => ({
  result: layer(ID, 'unknown', [], note, [missing]),
  permit: 'unknown',
  deny: 'unknown',
});

/** The Requester Pays layer; null when the input does not model it (the layer is then left out). */
export function requesterPaysLayer(
  input: RequestPaymentInput | undefined,
  req: EngineRequest,
  inBucketAccount: Tri,
): LayerCalc | null {
  if (input === undefined) return null;
  if (!lowerKey(req.action).startsWith('s3:'))
    return notApplicable(ID, 'Requester Pays applies to general purpose bucket requests only');
  const kind = callerKind(req.principal);
  const header = input.header;
  const accepts =
    typeof header === 'string' && header !== 'unknown' && header.trim().toLowerCase() === 'requester';
  const payer = input.payer;
  if (payer.status === 'unknown') {
    // The setting matters only for a request that would be refused if it were on.
    if (kind !== 'anonymous' && kind !== 'service' && inBucketAccount === true)
      return notApplicable(
        ID,
        "the caller belongs to the bucket owner's account: Requester Pays never refuses it",
      );
    if (accepts && kind !== 'anonymous')
      return notApplicable(ID, 'the request carries x-amz-request-payer: requester');
    // AWS documents Requester Pays for requesters of an account; for a service principal only log delivery
    // (refused): an unread setting does not make another service's request undecided.
    if (kind === 'service' && req.principal.serviceName?.toLowerCase() !== LOG_DELIVERY)
      return notApplicable(
        ID,
        "Requester Pays charges the requester's account; an AWS service principal has none",
      );
    const missing = factMissing('the Requester Pays setting of the bucket', payer);
    return undecided(
      'if the bucket is a Requester Pays bucket, S3 refuses this request (it does not carry x-amz-request-payer: requester)',
      missing,
    );
  }
  if (payer.value !== 'Requester')
    return notApplicable(ID, 'the bucket owner pays for requests (Requester Pays is off)');
  if (kind === 'anonymous')
    return refused('the bucket is a Requester Pays bucket: S3 refuses anonymous requests to it');
  if (kind === 'service') {
    const service = req.principal.serviceName?.toLowerCase() ?? null;
    if (service === LOG_DELIVERY)
      return refused(
        'the bucket is a Requester Pays bucket: S3 server access logs cannot be delivered to it',
      );
    if (accepts) return allowed('the request carries x-amz-request-payer: requester');
    return undecided(
      `the bucket is a Requester Pays bucket and ${service ?? 'the calling AWS service'} did not send x-amz-request-payer: requester`,
      `whether S3 charges ${service ?? 'this AWS service'} as a requester (AWS does not document it)`,
    );
  }
  if (inBucketAccount === true)
    return allowed(
      "the bucket is a Requester Pays bucket; the caller belongs to the bucket owner's account, which pays without x-amz-request-payer",
    );
  if (accepts)
    return allowed(
      'the bucket is a Requester Pays bucket and the request carries x-amz-request-payer: requester',
    );
  if (header === 'unknown')
    return undecided(
      'the bucket is a Requester Pays bucket; the record does not show whether the request carried x-amz-request-payer',
      'the x-amz-request-payer header of the request',
    );
  if (inBucketAccount === 'unknown')
    return undecided(
      "the bucket is a Requester Pays bucket and the request did not carry x-amz-request-payer: requester; S3 refuses it unless the caller belongs to the bucket owner's account",
      "the caller's or the bucket owner's account",
    );
  const sent =
    header === null ? 'did not carry x-amz-request-payer' : `carried x-amz-request-payer: ${header}`;
  return refused(
    `the bucket is a Requester Pays bucket and the request, from outside the bucket owner's account, ${sent}: S3 refuses it (403) whatever the policies say`,
  );
}
