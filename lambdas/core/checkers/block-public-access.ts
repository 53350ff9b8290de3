import type { Evidence } from '../model';
import { originAccessControlCommand, presignCommand } from '../fix/commands';
import { bucketAccountId } from '../fix/input';
import { layerEvidence } from '../fix/layers';
import { viewLayer } from '../fix/layer-check';
import type { Checker, CheckResult } from './types';

export const checker: Checker = {
  id: 'block-public-access',
  title: 'Account- or bucket-level Block Public Access stops a public grant from applying',
  detection:
    'The engine combines the account, bucket and access point Block Public Access settings (most restrictive wins): RestrictPublicBuckets ignores a public bucket policy for anyone outside the account, IgnorePublicAcls ignores public ACL grants, and BlockPublicAcls / BlockPublicPolicy reject requests that set them.',
  fixSummary:
    'Keep Block Public Access on: share objects with presigned URLs or through CloudFront with Origin Access Control; grant other accounts by name in a non-public policy; never send public ACLs.',
  check(input): CheckResult {
    const { request, facts } = input;
    const view = viewLayer(input.evaluations, 'block-public-access', { implicitDenies: true });
    const saysBpa = request.enhancedMessage.kind === 'bpa';
    if (view.kind === 'deny') {
      const list = [...view.explicit, ...view.implicit];
      const first = list[0]!;
      const bucket = first.evaluation.need.bucket ?? request.bucket ?? 'BUCKET';
      const note = first.layer.note ?? 'Block Public Access applies';
      const evidence: Evidence[] = list.map((h) => layerEvidence(h, 'block-public-access'));
      const owner = bucketAccountId(request, facts, bucket);
      const aclWrite =
        /acl/i.test(first.evaluation.need.action) ||
        (/putobject/i.test(first.evaluation.need.action) && /acl/i.test(note));
      const policyWrite = /policy/i.test(first.evaluation.need.action);
      return {
        status: 'deny',
        confidence: 'confirmed',
        title: `Block Public Access stops ${first.evaluation.need.action} on ${bucket}: ${note}`,
        explanation: `${note}. Block Public Access overrides public grants in bucket policies and ACLs${
          owner ? ` (bucket account ${owner})` : ''
        }; it is working as intended, so the fix is to stop relying on public access rather than to turn it off.`,
        evidence,
        fix: aclWrite
          ? {
              summary:
                'Send the request without a public ACL (no x-amz-acl public-read / public-read-write, no AllUsers or AuthenticatedUsers grants); grant access through the bucket policy to named principals instead.',
              commands: [],
              verified: false,
            }
          : policyWrite
            ? {
                summary:
                  'Make the new bucket policy non-public: name specific principals or accounts, or condition on aws:SourceVpce / aws:PrincipalOrgID, instead of Principal "*".',
                commands: [],
                verified: false,
              }
            : {
                summary: `Do not disable Block Public Access: give anonymous readers a presigned URL, serve the bucket through CloudFront with Origin Access Control, or grant other accounts by ARN in a policy that is not public.`,
                // `aws s3 presign` makes a download (GET) URL only: no use to a caller that writes
                commands: [
                  ...(/^s3:GetObject(Version)?$/i.test(first.evaluation.need.action)
                    ? [presignCommand(bucket, first.evaluation.need.key)]
                    : []),
                  originAccessControlCommand(bucket),
                ],
                verified: false,
              },
      };
    }
    if (saysBpa) {
      return {
        status: 'deny',
        confidence: 'likely',
        title: `AWS reports that Block Public Access stopped the request (${request.enhancedMessage.bpaSetting ?? 'Block Public Access'})`,
        explanation: `The record says "${request.errorMessage ?? ''}"; ${
          view.kind === 'unknown'
            ? `the Block Public Access settings could not all be read (${view.missing.join('; ')})`
            : // the settings read do not block the request: AWS's own message wins over facts that may be stale
              'the Block Public Access settings that were read do not stop it: they have probably changed since they were read'
        }.`,
        evidence: [{ layer: 'block-public-access', detail: request.errorMessage ?? request.errorCode }],
        fix: {
          summary:
            'Do not send public ACLs or public policies; share objects with presigned URLs or CloudFront with Origin Access Control.',
          commands: [],
          verified: false,
        },
      };
    }
    if (view.kind === 'unknown') return { status: 'unknown', missing: view.missing };
    return { status: view.kind, detail: view.detail };
  },
};
