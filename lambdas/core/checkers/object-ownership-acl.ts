import type { Evidence, Fix } from '../model';
import { known } from '../model';
import { bucketPolicyCommands, ownershipCommand } from '../fix/commands';
import { addToBucketPolicy, bucketAllowStatements } from '../fix/grants';
import { bucketAccountId, bucketFact, callerAccountId, callerIdentityArn, objectFact } from '../fix/input';
import { type LayerHit, layerEvidence } from '../fix/layers';
import { viewLayer } from '../fix/layer-check';
import { needsOf, verifyS3 } from '../fix/verify';
import type { Checker, CheckerInput, CheckResult } from './types';

function ownershipFix(input: CheckerInput, evaluations: CheckerInput['evaluations'], bucket: string): Fix {
  const owner = bucketAccountId(input.request, input.facts, bucket);
  const outcome = verifyS3(
    input,
    needsOf(evaluations),
    'object-ownership',
    (base) => ({
      ...base,
      s3: base.s3
        ? {
            ...base.s3,
            ownership: known('BucketOwnerEnforced' as const),
            ...(owner && base.s3.objectOwnerAccountId ? { objectOwnerAccountId: known(owner) } : {}),
          }
        : base.s3,
    }),
    'not-denied',
  );
  return {
    summary: `Set Object Ownership of ${bucket} to BucketOwnerEnforced: the bucket owner then owns every object (existing ones included) and ACLs stop mattering; grant access with the bucket policy.`,
    commands: [ownershipCommand(bucket)],
    policyPatch: {
      layer: 'object-ownership',
      bucket,
      ownershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    },
    ...outcome,
  };
}

/**
 * The bucket is BucketOwnerEnforced and the only grant was an ACL's, which S3 ignores: the bucket owner owns the object,
 * so the grant belongs in the bucket policy (setting BucketOwnerEnforced again would change nothing).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 */
function aclIgnored(input: CheckerInput, list: readonly LayerHit[], bucket: string): CheckResult {
  const { request, facts } = input;
  const needs = needsOf(list.map((h) => h.evaluation));
  const principalArn = callerIdentityArn(request, facts);
  const account = callerAccountId(request, facts);
  const anonymous = request.principal.type === 'Anonymous';
  const grantee =
    principalArn ?? (account ? `account ${account}` : anonymous ? 'anonymous callers' : 'the caller');
  const what = needs.map((n) => `${n.action} on ${n.bucketResource ?? n.resource}`).join(', ');
  // an anonymous grant would make the bucket policy public: no statement is proposed for it
  const principal = principalArn ?? (account ? `arn:aws:iam::${account}:root` : null);
  const statements = principal ? bucketAllowStatements(needs, principal) : [];
  const outcome =
    statements.length > 0 ? addToBucketPolicy(input, needs, bucket, statements) : { verified: false };
  const first = list[0]!;
  return {
    status: 'deny',
    confidence: 'confirmed',
    title: `ACLs are disabled on ${bucket} (Object Ownership BucketOwnerEnforced): the ACL grant of ${needs.map((n) => n.action).join(', ')} to ${grantee} is ignored`,
    explanation: `${sentence(first.layer.note ?? 'the ACL grant is ignored')} With BucketOwnerEnforced the bucket owner owns every object and ACLs no longer grant anything: access is granted by policies only.`,
    evidence: list.map((h) => layerEvidence(h, 'object-ownership')),
    fix: {
      summary: `Grant ${grantee} ${what} in the bucket policy of ${bucket}, in place of the ignored ACL grant.`,
      commands: bucketPolicyCommands(bucket),
      ...(statements.length > 0
        ? {
            policyPatch: {
              layer: 'bucket-policy',
              bucket,
              addStatement: statements.length === 1 ? statements[0] : statements,
            },
          }
        : {}),
      ...outcome,
    },
  };
}

/** A request that sets an ACL (other than bucket-owner-full-control) on a BucketOwnerEnforced bucket is rejected. */
function aclSent(bucket: string | null, evidence: Evidence[]): CheckResult {
  return {
    status: 'deny',
    confidence: 'confirmed',
    title: `ACLs are disabled on ${bucket ?? 'the bucket'} (Object Ownership BucketOwnerEnforced), and the request set one`,
    explanation:
      'With BucketOwnerEnforced, S3 rejects any request that sets an ACL other than bucket-owner-full-control (400 AccessControlListNotSupported); access is controlled by policies only.',
    evidence,
    fix: {
      summary:
        'Send the request without an ACL (or with bucket-owner-full-control) and grant access through the bucket policy.',
      commands: [],
      verified: false,
    },
  };
}

export const checker: Checker = {
  id: 'object-ownership-acl',
  title:
    'ACL-related: object owned by another account, ACLs disabled by BucketOwnerEnforced, or an ACL grant that no longer applies',
  detection:
    "The engine's object-ownership layer: a bucket-policy Allow does not cover an object uploaded (and still owned) by another account, which only its ACL can grant; and AccessControlListNotSupported when a request sets an ACL on a BucketOwnerEnforced bucket.",
  fixSummary:
    'Set Object Ownership to BucketOwnerEnforced (aws s3api put-bucket-ownership-controls) so the bucket owner owns every object; stop sending ACLs and grant through the bucket policy.',
  check(input): CheckResult {
    const { request, facts } = input;
    if (request.errorCode === 'AccessControlListNotSupported') {
      return aclSent(request.bucket, [
        {
          layer: 'object-ownership',
          detail: request.errorMessage ? `${request.errorCode}: ${request.errorMessage}` : request.errorCode,
        },
      ]);
    }
    const view = viewLayer(input.evaluations, 'object-ownership', { implicitDenies: true });
    if (view.kind === 'deny') {
      // the object-ownership layer denies explicitly only a request that sets an ACL on a BucketOwnerEnforced bucket
      if (view.explicit.length > 0)
        return aclSent(
          view.explicit[0]!.evaluation.need.bucket ?? request.bucket,
          view.explicit.map((h) => layerEvidence(h, 'object-ownership')),
        );
      const list = view.implicit;
      const first = list[0]!;
      const bucket = first.evaluation.need.bucket ?? request.bucket ?? 'BUCKET';
      const ownership = bucketFact(facts, bucket);
      if (
        ownership?.status === 'known' &&
        ownership.value.ownership.status === 'known' &&
        ownership.value.ownership.value === 'BucketOwnerEnforced'
      )
        return aclIgnored(input, list, bucket);
      const obj = objectFact(facts, bucket, first.evaluation.need.key);
      const foreign = obj?.status === 'known' ? obj.value.ownerAccountId : undefined;
      return {
        status: 'deny',
        confidence: 'confirmed',
        title: `s3://${bucket}/${first.evaluation.need.key ?? ''} is owned by ${foreign ? `account ${foreign}` : 'another account'}, so the bucket policy cannot grant it`,
        explanation: `${sentence(first.layer.note ?? 'the object is owned by another account')} A bucket policy Allow only covers objects the bucket owner owns; an object written by another account without BucketOwnerEnforced stays owned by it and is granted only through its ACL.`,
        evidence: list.map((h) => layerEvidence(h, 'object-ownership')),
        fix: ownershipFix(
          input,
          list.map((h) => h.evaluation),
          bucket,
        ),
      };
    }
    if (view.kind === 'unknown') {
      // the bucket's Object Ownership was read and lets other accounts own objects: only the object's owner is missing
      const b = bucketFact(facts, request.bucket);
      const setting =
        b?.status === 'known' && b.value.ownership.status === 'known' ? b.value.ownership.value : undefined;
      return {
        status: 'unknown',
        missing: view.missing,
        ...(setting !== undefined && setting !== 'BucketOwnerEnforced' ? { closeness: 1 as const } : {}),
      };
    }
    return { status: view.kind, detail: view.detail };
  },
};

const sentence = (s: string): string => `${s[0]!.toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;
