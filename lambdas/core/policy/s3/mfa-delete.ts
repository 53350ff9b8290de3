/**
 * MFA delete: a versioned bucket whose versioning configuration has MFADelete Enabled refuses to permanently delete an
 * object version, or to change the bucket's versioning configuration, unless the request is the bucket owner's root
 * user's and carries the root user's MFA (the x-amz-mfa header, over HTTPS), whatever the policies say.
 *
 *  - "When you configure MFA delete, only the root user can permanently delete object versions or change the
 *    versioning configuration on your S3 bucket. You must use an MFA device to authenticate the root user"; "the
 *    bucket owner must include the x-amz-mfa request header in requests to permanently delete an object version or
 *    change the versioning state of the bucket. Requests that include x-amz-mfa must use HTTPS ... If you don't include
 *    this request header, the request fails."
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMFADelete.html
 *  - Only the bucket owner's root user can enable it (and disable it), with x-amz-mfa:
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html,
 *    https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html ("If you are enabling or disabling
 *    MFA Delete ... you must include the x-amz-mfa request header").
 *  - S3 answers 403 AccessDenied "Mfa Authentication must be used for this request", also to an IAM user who sends
 *    an MFA code (https://repost.aws/knowledge-center/s3-bucket-mfa-delete).
 *  - A delete without a version id adds a delete marker and needs no MFA (same article), and multi-object delete
 *    fails whole when it names a version (API_DeleteObjects): so the layer applies to s3:DeleteObjectVersion and
 *    s3:PutBucketVersioning only.
 *
 * A refusal does not depend on any policy: the layer is 'explicitly-denied' with `rule: 'mfa-delete'`.
 */
import type { EngineRequest, MfaDeleteInput, Tri } from '../types';
import { lowerKey } from '../variables';
import { factMissing, layer, notApplicable, type LayerCalc } from './evaluate';

const ID = 'mfa-delete' as const;

const DELETE_VERSION = 's3:deleteobjectversion';
const PUT_VERSIONING = 's3:putbucketversioning';

/** The actions MFA delete can refuse. */
export const MFA_DELETE_ACTIONS: ReadonlySet<string> = new Set([DELETE_VERSION, PUT_VERSIONING]);

/** Whether MFA delete guards this request: enabled on the bucket, or a versioning change that enables it. */
function guarded(input: MfaDeleteInput, action: string): Tri {
  if (action === PUT_VERSIONING && input.requested === 'Enabled') return true;
  const v = input.versioning;
  if (v.status === 'unknown') return 'unknown';
  return v.value.mfaDelete === 'Enabled';
}

/** The MFA delete layer; null when the input does not model it for this request (the layer is then left out). */
export function mfaDeleteLayer(input: MfaDeleteInput | undefined, req: EngineRequest): LayerCalc | null {
  if (input === undefined) return null;
  const action = lowerKey(req.action);
  if (!MFA_DELETE_ACTIONS.has(action))
    return notApplicable(
      ID,
      'MFA delete guards permanent deletes of object versions and versioning changes only',
    );
  const what =
    action === DELETE_VERSION
      ? 'permanently delete an object version'
      : 'change the versioning configuration';
  const enabledHere = input.versioning.status === 'known' && input.versioning.value.mfaDelete === 'Enabled';
  const enabling = !enabledHere && action === PUT_VERSIONING && input.requested === 'Enabled';
  const on = guarded(input, action);
  const who = `only the bucket owner's root user, sending its MFA (x-amz-mfa) over HTTPS, can ${what}`;
  // what the bucket requires: enabled on it, enabled by this request, or (not read) enabled perhaps
  const rule = enabledHere
    ? `MFA delete is enabled on the bucket: ${who}`
    : enabling
      ? "enabling MFA delete takes the bucket owner's root user, sending its MFA (x-amz-mfa) over HTTPS"
      : `if MFA delete is enabled on the bucket, ${who}`;
  if (on === false)
    return notApplicable(
      ID,
      action === PUT_VERSIONING && input.requested === 'Disabled'
        ? 'MFA delete is not enabled on the bucket, and the request leaves it off'
        : 'MFA delete is not enabled on the bucket',
    );
  const refused = (why: string): LayerCalc => ({
    result: {
      ...layer(ID, 'explicitly-denied', [], `${rule}; ${why}: S3 refuses it (403) whatever the policies say`),
      rule: 'mfa-delete',
    },
    permit: false,
    deny: true,
  });
  const missing: string[] =
    on === 'unknown'
      ? [
          factMissing(
            'whether MFA delete is enabled on the bucket (get-bucket-versioning MFADelete)',
            input.versioning,
          ),
        ]
      : [];
  const undecided = (note: string, more: readonly string[]): LayerCalc => ({
    result: layer(ID, 'unknown', [], note, [...missing, ...more]),
    permit: 'unknown',
    deny: 'unknown',
  });
  if (input.bucketOwnerRoot === false) {
    if (on === true) return refused("the caller is not the bucket owner's root user");
    return undecided(`${rule}, and the caller is not that user`, []);
  }
  if (input.mfaHeader === false || input.secureTransport === false) {
    const why =
      input.mfaHeader === false
        ? 'the request did not send x-amz-mfa'
        : 'the request was not made over HTTPS';
    if (on === true) return refused(why);
    return undecided(`${rule}, and ${why}`, []);
  }
  if (input.bucketOwnerRoot === true && input.mfaHeader === true && input.secureTransport === true) {
    const note = `the bucket owner's root user sent its MFA (x-amz-mfa) over HTTPS, as MFA delete requires`;
    if (on === true) return { result: layer(ID, 'allowed', [], note), permit: true, deny: false };
    return undecided(note, []);
  }
  return undecided(rule, [
    ...(input.bucketOwnerRoot === 'unknown' ? ["whether the caller is the bucket owner's root user"] : []),
    ...(input.mfaHeader === 'unknown'
      ? ['whether the request sent x-amz-mfa (CloudTrail does not show it)']
      : []),
    ...(input.secureTransport === 'unknown' ? ['whether the request was made over HTTPS'] : []),
  ]);
}
