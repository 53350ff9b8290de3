/**
 * MFA delete: the bucket's versioning configuration has MFADelete Enabled, so only the bucket owner's root user, with
 * its MFA (x-amz-mfa, over HTTPS), can permanently delete an object version or change the versioning configuration.
 * Automation that deletes versions (cleanup jobs, replication tooling, Terraform changing versioning) gets
 * 403 AccessDenied "Mfa Authentication must be used for this request", whatever its policies allow.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMFADelete.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html
 * https://repost.aws/knowledge-center/s3-bucket-mfa-delete
 *
 * The engine decides (policy/s3/mfa-delete.ts); this reads its layer, and S3's own message when the setting could not
 * be read.
 */
import { awsLine, versionArgs } from '../fix/commands';
import { requestedVersioning } from '../event/versioning';
import { bucketFact } from '../fix/input';
import { viewLayer } from '../fix/layer-check';
import { MFA_DELETE_ACTIONS } from '../policy/s3/mfa-delete';
import { needsOf, verifyS3 } from '../fix/verify';
import type { AccessRequest, Evidence, Fix } from '../model';
import type { Checker, CheckResult } from './types';

const WHY =
  'With MFA delete enabled on a bucket, S3 lets only the bucket owner\'s root user, authenticated with its MFA device (the x-amz-mfa header, over HTTPS), permanently delete an object version or change the bucket\'s versioning configuration; every other caller gets 403 AccessDenied ("Mfa Authentication must be used for this request") whatever its policies allow, even with an MFA code of its own. A delete without a version id still works for anyone allowed s3:DeleteObject: it adds a delete marker and keeps the version.';

const SUMMARY =
  'Have the bucket owner\'s root user make the request with its MFA device (AWS CLI --mfa "MFA_SERIAL CODE"), or delete without a version id (a delete marker, no MFA needed) if the version may stay. Only if automation must delete versions: the root user turns MFA delete off (put-bucket-versioning with MFADelete=Disabled and its MFA), which removes the protection for every version of the bucket.';

/**
 * The request retried by the bucket owner's root user with its MFA: the same call, with --mfa; a version delete always
 * names the version (without one, delete-object adds a delete marker instead).
 */
function asRootWithMfa(request: AccessRequest, action: string, bucket: string, key: string | null): string {
  const mfa = ['--mfa', 'MFA_SERIAL CODE'];
  if (action.toLowerCase() === 's3:putbucketversioning') {
    const config = versioningConfiguration(request);
    return awsLine([
      's3api',
      'put-bucket-versioning',
      '--bucket',
      bucket,
      '--versioning-configuration',
      config,
      ...mfa,
    ]);
  }
  return awsLine([
    's3api',
    'delete-object',
    ...versionArgs(bucket, key, request.versionId ?? 'VERSION_ID'),
    ...mfa,
  ]);
}

/** The versioning configuration the record asked for, as the AWS CLI's shorthand (Status=…,MFADelete=…). */
function versioningConfiguration(request: AccessRequest): string {
  const { status, mfaDelete } = requestedVersioning(request.raw['requestParameters']);
  return `Status=${status ?? 'Enabled'}${mfaDelete ? `,MFADelete=${mfaDelete}` : ''}`;
}

/** MFA delete turned off by the root user, the versioning state kept as it is (Suspended stays suspended). */
const disableCommand = (bucket: string, status: 'Enabled' | 'Suspended' | null): string =>
  awsLine([
    's3api',
    'put-bucket-versioning',
    '--bucket',
    bucket,
    '--versioning-configuration',
    `Status=${status ?? 'Enabled'},MFADelete=Disabled`,
    '--mfa',
    'MFA_SERIAL CODE',
  ]);

export const checker: Checker = {
  id: 'mfa-delete',
  title:
    "MFA delete is enabled on the bucket: only the bucket owner's root user, with its MFA, can delete object versions or change versioning",
  detection:
    "For a permanent delete of an object version (s3:DeleteObjectVersion) or a versioning change (s3:PutBucketVersioning), the engine reads the bucket's versioning configuration (get-bucket-versioning MFADelete; snapshot versioning): with MFA delete enabled, or a request that enables it, every caller but the bucket owner's root user sending x-amz-mfa over HTTPS is refused whatever the policies say. AWS's message \"Mfa Authentication must be used for this request\" alone makes it likely.",
  fixSummary:
    "Make the request as the bucket owner's root user with its MFA (--mfa), or delete without a version id (a delete marker); or have the root user turn MFA delete off; verified by re-evaluation as the root user with x-amz-mfa.",
  check(input): CheckResult {
    const { request, facts, evaluations } = input;
    const view = viewLayer(evaluations, 'mfa-delete', { implicitDenies: false });
    const saysMfa = request.enhancedMessage.kind === 'mfa-delete';
    // S3's own message outweighs a setting read here as off (changed since?): it is handled below, as likely
    if (view.kind === 'not-applicable' && !saysMfa) {
      // the layer's own note for a need it guards (MFA delete not enabled), else: no need is one it guards
      const notes = evaluations.flatMap((e) =>
        e.result.layers
          .filter((l) => l.layer === 'mfa-delete' && l.result === 'not-applicable')
          .map((l) => ({ guarded: MFA_DELETE_ACTIONS.has(e.need.action.toLowerCase()), note: l.note })),
      );
      const note = (notes.find((n) => n.guarded) ?? notes[0])?.note;
      return {
        status: 'not-applicable',
        detail:
          note ??
          "the request neither permanently deletes an object version nor changes the bucket's versioning",
      };
    }
    if (view.kind === 'pass' && !saysMfa) return { status: view.kind, detail: view.detail };
    const message: Evidence[] = saysMfa
      ? [{ layer: 'mfa-delete', detail: `errorMessage: ${request.errorMessage ?? ''}` }]
      : [];
    const bucket = request.bucket ?? 'BUCKET';
    if (view.kind === 'deny') {
      const first = view.explicit[0]!;
      const need = first.evaluation.need;
      const target = need.bucket ?? bucket;
      // the fix: the same request by the bucket owner's root user, with its MFA, over HTTPS
      const asRoot = verifyS3(
        input,
        needsOf(view.explicit.map((h) => h.evaluation)),
        'mfa-delete',
        (base) =>
          base.s3?.mfaDelete
            ? {
                ...base,
                s3: {
                  ...base.s3,
                  mfaDelete: {
                    ...base.s3.mfaDelete,
                    bucketOwnerRoot: true,
                    mfaHeader: true,
                    secureTransport: true,
                  },
                },
              }
            : base,
        'not-denied',
      );
      const b = bucketFact(facts, target);
      const versioning =
        b?.status === 'known' && b.value.versioning?.status === 'known' ? b.value.versioning.value : null;
      const enabled = versioning?.mfaDelete === 'Enabled';
      const still = asRoot.verified && 'stillDeniedBy' in asRoot ? asRoot.stillDeniedBy : undefined;
      const fix: Fix = {
        summary: SUMMARY,
        commands: [
          awsLine(['s3api', 'get-bucket-versioning', '--bucket', target]),
          asRootWithMfa(request, need.action, target, need.key),
          ...(need.action.toLowerCase() === 's3:deleteobjectversion'
            ? [awsLine(['s3api', 'delete-object', '--bucket', target, '--key', need.key ?? 'KEY'])]
            : []),
          disableCommand(target, versioning?.status ?? null),
        ],
        ...asRoot,
      };
      return {
        status: 'deny',
        confidence: 'confirmed',
        title: `MFA delete on bucket ${target} refuses this ${request.eventName || need.action}: only the bucket owner's root user, with its MFA, can make it`,
        explanation: `${first.layer.note ?? 'MFA delete refused the request'}. ${WHY}${
          still && still.length > 0
            ? ` As the root user with its MFA, the request would still be denied by: ${still.join(', ')}.`
            : ''
        }${saysMfa ? ` AWS's own message agrees: "${request.errorMessage ?? ''}".` : ''}`,
        evidence: [
          { layer: 'mfa-delete', detail: first.layer.note ?? 'MFA delete refused the request' },
          enabled
            ? { layer: 'mfa-delete', detail: `get-bucket-versioning ${target}: MFADelete Enabled` }
            : {
                layer: 'mfa-delete',
                detail: 'the request enables MFA delete (VersioningConfiguration MfaDelete Enabled)',
              },
          ...message,
        ],
        fix,
      };
    }
    // S3's own message is its answer at the time of the request, but not a fact read here: likely, whether the
    // setting could not be read or reads as off now (changed since?)
    if (saysMfa) {
      return {
        status: 'deny',
        confidence: 'likely',
        title: `AWS reports that MFA delete on bucket ${bucket} refused this ${request.eventName || 'request'}`,
        explanation: `The record says "${request.errorMessage ?? ''}". ${WHY}${
          view.kind === 'pass' || view.kind === 'not-applicable'
            ? " The bucket's versioning configuration read here does not refuse it now: MFA delete may have been turned off since the request, or the facts are incomplete."
            : view.kind === 'unknown'
              ? ` The bucket's setting could not be evaluated (${view.missing.join('; ')}).`
              : ''
        }`,
        evidence: message,
        fix: {
          summary: SUMMARY,
          commands: [
            awsLine(['s3api', 'get-bucket-versioning', '--bucket', bucket]),
            asRootWithMfa(
              request,
              request.eventName === 'PutBucketVersioning'
                ? 's3:PutBucketVersioning'
                : 's3:DeleteObjectVersion',
              bucket,
              request.key,
            ),
          ],
          verified: false,
        },
      };
    }
    if (view.kind === 'unknown') return { status: 'unknown', missing: view.missing };
    return { status: view.kind, detail: view.detail };
  },
};
