import type { Evidence, Fix } from '../model';
import { abacRemedy } from '../fix/abac';
import { resourceTagRemedy } from '../fix/resource-tags';
import { bucketPolicyCommands, callerIdentityCommand, presignCommand } from '../fix/commands';
import { bucketPolicy } from '../fix/find';
import { addToBucketPolicy, bucketAllowStatements } from '../fix/grants';
import { bucketAccountId, callerAccountId, callerIdentityArn } from '../fix/input';
import { hits, isKmsNeed, layerOf, noAllowEvidence, type LayerHit } from '../fix/layers';
import { describeNeeds } from '../fix/layer-check';
import { needsOf } from '../fix/verify';
import type { Checker, CheckerInput, CheckResult, NeedEvaluation } from './types';

function crossAccount(input: Parameters<Checker['check']>[0], e: NeedEvaluation): boolean | null {
  if (input.request.crossAccount !== null && input.request.bucketAccountId !== null)
    return input.request.crossAccount;
  const caller = callerAccountId(input.request, input.facts);
  const owner = bucketAccountId(input.request, input.facts, e.need.bucket);
  return caller && owner ? caller !== owner : input.request.crossAccount;
}

const GRANTING = ['allowed'];

/**
 * An anonymous (unsigned) request: like a caller of another account, only the bucket side (bucket policy or ACL) can
 * grant it, and here nothing does. The usual cause is a client that sent no credentials; a public grant is the fix
 * only for data meant to be public, so none is proposed as a patch (it would be applied by --write-fixes).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html (presigned URLs)
 */
function anonymousNoGrant(
  input: CheckerInput,
  noGrant: readonly NeedEvaluation[],
  hitsList: LayerHit[],
): CheckResult {
  const needs = needsOf(noGrant);
  const bucket = needs[0]!.bucket!;
  const what = describeNeeds(noGrant);
  const policy = bucketPolicy(input.facts, bucket);
  const read = needs.find((n) => n.action.toLowerCase() === 's3:getobject');
  // public data is read or listed; nobody should configure a bucket or write to it unsigned
  const mayBePublic = needs.every((n) => ['s3:getobject', 's3:listbucket'].includes(n.action.toLowerCase()));
  const fix: Fix = {
    summary: `Sign the request: the client sent no AWS credentials. Use an AWS SDK or the AWS CLI with credentials of a principal that may ${needs.map((n) => n.action).join(', ')}${read ? ', or hand out a presigned URL made by one' : ''}.${mayBePublic ? ' Grant anonymous access in the bucket policy only if the data is meant to be public (Block Public Access must then allow it).' : ''}`,
    commands: [callerIdentityCommand(), ...(read ? [presignCommand(bucket, read.key)] : [])],
    verified: false,
  };
  const evidence: Evidence[] = [
    {
      layer: 'record',
      detail: 'the request carried no AWS signature (CloudTrail records the caller as anonymous)',
    },
    ...noAllowEvidence(hitsList, 'bucket-policy'),
  ];
  return {
    status: 'deny',
    confidence: noGrant.some((e) => layerOf(e, 'acl')?.result === 'unknown') ? 'likely' : 'confirmed',
    title: `Bucket ${bucket} grants nothing to anonymous callers, and the request was not signed`,
    explanation: `An anonymous request is granted only by the bucket side: ${
      policy ? 'no statement of the bucket policy' : 'the bucket has no policy, and no ACL grant'
    } allows ${what} for everyone. Most often the client sent no credentials (a browser, curl, or an SDK without credentials configured).`,
    evidence,
    fix,
  };
}

export const checker: Checker = {
  id: 'cross-account-no-bucket-grant',
  title: 'Cross-account request and the bucket policy (or ACL) grants the caller nothing',
  detection:
    "When the caller's account differs from the bucket owner's, or the request is anonymous (unsigned), the engine requires a grant on the resource side: no bucket policy statement (and no ACL grant) allows this principal the action. A grant that misses only on the bucket's tags is named so, with its own verified fix: ABAC disabled on the tagged bucket (put-bucket-abac), or the tag it requires against the one the bucket carries (s3control tag-resource).",
  fixSummary:
    "Add a bucket policy statement naming the caller's role or user ARN, this action and this resource (aws s3api put-bucket-policy); the caller's own IAM policy must allow it too. An anonymous caller is told to sign its requests (credentials or a presigned URL); no public grant is proposed.",
  check(input): CheckResult {
    const type = input.request.principal.type;
    if (type === 'AWSService')
      return { status: 'not-applicable', detail: `${type} caller: no account of its own` };
    const anonymous = type === 'Anonymous';
    const s3 = input.evaluations.filter((e) => !isKmsNeed(e) && e.need.bucket !== null);
    if (s3.length === 0) return { status: 'not-applicable', detail: 'no bucket involved' };
    // an anonymous caller is outside every account: only the bucket side can grant it
    const cross = anonymous ? s3 : s3.filter((e) => crossAccount(input, e) === true);
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
      return {
        status: 'pass',
        detail: `the bucket policy or ACL grants the ${anonymous ? 'anonymous' : 'cross-account'} caller`,
      };
    }
    const needs = needsOf(noGrant);
    const bucket = needs[0]!.bucket!;
    const hitsList = noGrant.map((e) => ({
      evaluation: e,
      layer: layerOf(e, 'bucket-policy') ?? {
        layer: 'bucket-policy' as const,
        result: 'not-applicable' as const,
        policies: [],
        note: `${bucket} has no bucket policy`,
      },
    }));
    if (anonymous) return anonymousNoGrant(input, noGrant, hitsList);
    const principalArn = callerIdentityArn(input.request, input.facts);
    const policy = bucketPolicy(input.facts, bucket);
    const statements = bucketAllowStatements(
      needs,
      principalArn ?? `arn:aws:iam::${callerAccountId(input.request, input.facts) ?? 'ACCOUNT_ID'}:root`,
    );
    const outcome = addToBucketPolicy(input, needs, bucket, statements);
    const owner = bucketAccountId(input.request, input.facts, bucket) ?? 'the bucket owner';
    const caller = callerAccountId(input.request, input.facts) ?? 'another account';
    const confidence = noGrant.some((e) => layerOf(e, 'acl')?.result === 'unknown') ? 'likely' : 'confirmed';
    const who = principalArn ?? `account ${caller}`;
    // a grant that rests on resource tags: ABAC disabled on the tagged bucket, or the resource tagged otherwise
    const abac = abacRemedy(input, needs, 'bucket-policy');
    const tagged = abac === null ? resourceTagRemedy(input, needs, hitsList, 'bucket-policy') : null;
    const remedy = abac ?? tagged;
    if (remedy !== null)
      return {
        status: 'deny',
        confidence,
        title:
          abac !== null
            ? `The bucket policy of ${bucket} grants ${who} ${describeNeeds(noGrant)} on bucket tags, and ABAC is disabled on bucket ${bucket}`
            : `The bucket policy grant of ${bucket} for ${who} ${tagged?.title ?? ''}`,
        explanation: `The caller is in account ${caller} and the bucket in account ${owner}: the bucket policy must allow the request, and its Allow for this principal rests on a condition on aws:ResourceTag ${
          abac !== null
            ? 'while ABAC is disabled on the bucket (its tags serve cost allocation only, so the condition finds no key)'
            : 'that the resource the request went to does not meet'
        }.`,
        evidence: [remedy.evidence, ...noAllowEvidence(hitsList, 'bucket-policy')],
        fix: remedy.fix,
      };
    return {
      status: 'deny',
      // an ACL that could not be read might still grant the caller
      confidence,
      title: `Bucket ${bucket} (account ${owner}) grants nothing to ${who}`,
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
