import { known } from '../model';
import { bucketPolicyCommands } from '../fix/commands';
import { bucketPolicy } from '../fix/find';
import { addToPolicy, allowStatements } from '../fix/grants';
import { bucketAccountId, callerAccountId, callerIdentityArn } from '../fix/input';
import { hits, isKmsNeed, layerOf, noAllowEvidence } from '../fix/layers';
import { describeNeeds } from '../fix/layer-check';
import { needsOf } from '../fix/verify';
import type { Checker, CheckResult, NeedEvaluation } from './types';

function crossAccount(input: Parameters<Checker['check']>[0], e: NeedEvaluation): boolean | null {
  if (input.request.crossAccount !== null && input.request.bucketAccountId !== null)
    return input.request.crossAccount;
  const caller = callerAccountId(input.request, input.facts);
  const owner = bucketAccountId(input.request, input.facts, e.need.bucket);
  return caller && owner ? caller !== owner : input.request.crossAccount;
}

const GRANTING = ['allowed'];

export const checker: Checker = {
  id: 'cross-account-no-bucket-grant',
  title: 'Cross-account request and the bucket policy (or ACL) grants the caller nothing',
  detection:
    "When the caller's account differs from the bucket owner's, the engine requires a grant on the resource side: no bucket policy statement (and no ACL grant) allows this principal the action.",
  fixSummary:
    "Add a bucket policy statement naming the caller's role or user ARN, this action and this resource (aws s3api put-bucket-policy); the caller's own IAM policy must allow it too.",
  check(input): CheckResult {
    const type = input.request.principal.type;
    if (type === 'Anonymous' || type === 'AWSService')
      return { status: 'not-applicable', detail: `${type} caller: no account of its own` };
    const s3 = input.evaluations.filter((e) => !isKmsNeed(e) && e.need.bucket !== null);
    if (s3.length === 0) return { status: 'not-applicable', detail: 'no bucket involved' };
    const cross = s3.filter((e) => crossAccount(input, e) === true);
    if (cross.length === 0) {
      if (s3.some((e) => crossAccount(input, e) === null))
        return { status: 'unknown', missing: ["the caller's or the bucket owner's account"] };
      return { status: 'not-applicable', detail: 'same-account request' };
    }
    // A bucket policy Allow that matches the caller but does not count (voided by Block Public Access or Object
    // Ownership, decided or not) is a grant: the cause is what voids it, not a missing grant.
    const grantsButVoid = (e: NeedEvaluation): boolean =>
      layerOf(e, 'bucket-policy')?.policies.some((p) =>
        p.statements.some((st) => st.effect === 'Allow' && st.matched === true),
      ) === true;
    // A bucket policy left undecided only by what may void its matching Allow is not a missing grant either.
    const unknown = hits(cross, 'bucket-policy', ['unknown']).filter((h) => !grantsButVoid(h.evaluation));
    const noGrant = cross.filter((e) => {
      const bp = layerOf(e, 'bucket-policy')?.result;
      const acl = layerOf(e, 'acl')?.result;
      // A grant voided by Block Public Access or Object Ownership (the layer implicitly denies) is those causes, not a
      // missing grant. Their explicit denial rejects the request (a public ACL or an ACL on BucketOwnerEnforced) and
      // voids no grant: the missing grant still stands in the way.
      const voided = ['block-public-access', 'object-ownership'].some(
        (id) => layerOf(e, id as 'block-public-access')?.result === 'implicitly-denied',
      );
      return (
        e.result.decision !== 'allowed' &&
        !voided &&
        !grantsButVoid(e) &&
        (bp === 'implicitly-denied' || bp === 'not-applicable') &&
        !GRANTING.includes(acl ?? '')
      );
    });
    if (noGrant.length === 0) {
      if (unknown.length > 0)
        return { status: 'unknown', missing: unknown.flatMap((h) => h.layer.missing ?? ['bucket policy']) };
      return { status: 'pass', detail: 'the bucket policy or ACL grants the cross-account caller' };
    }
    const needs = needsOf(noGrant);
    const bucket = needs[0]!.bucket!;
    const principalArn = callerIdentityArn(input.request, input.facts);
    const policy = bucketPolicy(input.facts, bucket);
    const statements = allowStatements(
      // the bucket policy names the bucket (object) ARN, also behind an access point
      needs.map((n) => (n.bucketResource ? { ...n, resource: n.bucketResource } : n)),
      principalArn ?? `arn:aws:iam::${callerAccountId(input.request, input.facts) ?? 'ACCOUNT_ID'}:root`,
    );
    const { outcome } = addToPolicy(
      input,
      needs,
      'bucket-policy',
      policy,
      { name: `${bucket} bucket policy`, source: 'bucket-policy' },
      statements,
      (base, patched) => ({
        ...base,
        bucketPolicy: known(patched),
      }),
    );
    const owner = bucketAccountId(input.request, input.facts, bucket) ?? 'the bucket owner';
    const caller = callerAccountId(input.request, input.facts) ?? 'another account';
    const hitsList = noGrant.map((e) => ({
      evaluation: e,
      layer: layerOf(e, 'bucket-policy') ?? {
        layer: 'bucket-policy' as const,
        result: 'not-applicable' as const,
        policies: [],
        note: `${bucket} has no bucket policy`,
      },
    }));
    return {
      status: 'deny',
      // an ACL that could not be read might still grant the caller
      confidence: noGrant.some((e) => layerOf(e, 'acl')?.result === 'unknown') ? 'likely' : 'confirmed',
      title: `Bucket ${bucket} (account ${owner}) grants nothing to ${principalArn ?? `account ${caller}`}`,
      explanation: `The caller is in account ${caller} and the bucket in account ${owner}. A cross-account request needs an Allow on both sides: the caller's identity policy and the bucket policy (or ACL). ${
        policy ? 'No statement of the bucket policy' : 'The bucket has no policy, and no ACL grant'
      } allows ${describeNeeds(noGrant)} for this principal.`,
      evidence: noAllowEvidence(hitsList, 'bucket-policy'),
      fix: {
        summary: `Add a statement to the bucket policy of ${bucket} allowing ${principalArn ?? `account ${caller}`} ${needs.map((n) => `${n.action} on ${n.bucketResource ?? n.resource}`).join(', ')}.`,
        commands: bucketPolicyCommands(bucket),
        policyPatch: {
          layer: 'bucket-policy',
          bucket,
          addStatement: statements.length === 1 ? statements[0] : statements,
        },
        ...outcome,
      },
    };
  },
};
