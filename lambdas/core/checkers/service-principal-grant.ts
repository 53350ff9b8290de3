import type { Evidence, Fix } from '../model';
import { known } from '../model';
import { bucketPolicyCommands, keyPolicyCommands, originAccessIdentitiesCommand } from '../fix/commands';
import { bucketPolicy } from '../fix/find';
import { addToBucketPolicy } from '../fix/grants';
import { bucketAccountId, buildKmsInput, objectFact } from '../fix/input';
import { kmsNeedOf } from '../fix/kms';
import { withStatement, type Json } from '../fix/patch';
import { isKmsNeed, layerOf } from '../fix/layers';
import { describeNeeds } from '../fix/layer-check';
import { needsOf, verifyKms } from '../fix/verify';
import {
  cloudFrontKeyStatement,
  recordedSource,
  serviceGrantStatement,
  serviceProfile,
} from '../fix/service-grants';
import type { LayerId, ServiceGrantNote } from '../policy/types';
import type { Checker, CheckerInput, CheckResult, NeedEvaluation } from './types';

/** Layers whose refusal is another cause than the missing service grant. */
const OTHER_CAUSES: readonly LayerId[] = [
  'rcp',
  'vpc-endpoint-policy',
  'access-point-policy',
  'block-public-access',
  'object-ownership',
  'requester-pays',
  'object-lock',
  'blocked-encryption',
  'mfa-delete',
];

const READS = /^s3:(GetObject|GetObjectVersion|GetObjectAttributes)$/i;

type Kind = 'no-grant' | 'source-mismatch' | 'source-unknown';

interface Classified {
  readonly evaluation: NeedEvaluation;
  readonly note: ServiceGrantNote;
  readonly kind: Kind;
  /** Every other layer of the need allows or does not take part. */
  readonly onlyThis: boolean;
}

const denying = (r: string | undefined): boolean => r === 'explicitly-denied' || r === 'implicitly-denied';

/** Why the resource policy did not let the service through, for one need; null when it is another cause. */
function classify(e: NeedEvaluation, policyLayer: LayerId): Classified | 'other' | 'unknown' | null {
  const note = e.result.service;
  if (!note) return null;
  if (e.result.decision === 'allowed') return null;
  const own = layerOf(e, policyLayer);
  if (own?.result === 'explicitly-denied') return 'other';
  if (
    e.result.layers.some(
      (l) => l.layer !== policyLayer && OTHER_CAUSES.includes(l.layer) && denying(l.result),
    )
  )
    return 'other';
  // every other layer lets the request through (an ACL or KMS grant that does not grant is an alternative, not a refusal)
  const onlyThis = e.result.layers.every(
    (l) =>
      l.layer === policyLayer ||
      l.result === 'allowed' ||
      l.result === 'not-applicable' ||
      ((l.layer === 'acl' || l.layer === 'kms-grants') && l.result === 'implicitly-denied'),
  );
  if (own?.result === 'implicitly-denied' || own?.result === 'not-applicable' || own === null) {
    if (!note.policyKnown) return 'unknown';
    const sourceFalse = note.grants.some(
      (g) => g.matched === false && g.source.some((c) => c.result === false),
    );
    return { evaluation: e, note, kind: sourceFalse ? 'source-mismatch' : 'no-grant', onlyThis };
  }
  if (own?.result === 'unknown' && note.sourceOnly)
    return { evaluation: e, note, kind: 'source-unknown', onlyThis };
  return 'unknown';
}

/** The layers that refuse a need classified 'other': the policy's own explicit Deny, or another cause's layer. */
const refusingLayers = (e: NeedEvaluation, policyLayer: LayerId): LayerId[] =>
  e.result.layers
    .filter((l) =>
      l.layer === policyLayer
        ? l.result === 'explicitly-denied'
        : OTHER_CAUSES.includes(l.layer) && denying(l.result),
    )
    .map((l) => l.layer);

/** What the grants name as source, for the explanation. */
function grantedSources(note: ServiceGrantNote): string[] {
  return [
    ...new Set(note.grants.flatMap((g) => g.source.flatMap((c) => c.values.map((v) => `${c.key} ${v}`)))),
  ];
}

function callerName(input: CheckerInput): string {
  const p = input.request.principal;
  if (p.originAccessIdentity === true)
    return `a CloudFront origin access identity (${p.principalId ?? 'id not recorded'})`;
  return p.arn ?? p.invokedBy ?? 'an AWS service';
}

/** A caller that acts through a service with someone's credentials (forward access session, service role). */
function viaServiceDetail(input: CheckerInput): string {
  const p = input.request.principal;
  const via = p.invokedBy ?? '';
  const who = p.identityArn ?? p.arn ?? 'the caller';
  if (/^s3\.amazonaws\.com$|batchoperations\.s3\.amazonaws\.com$/.test(via))
    return `${via} made this call with the role ${who} (S3 replication or Batch Operations): the role's own policies and the bucket policy decide, as for any role (see the other checks); cross-account, the destination bucket policy must grant the role`;
  return `${via} made this call with the credentials of ${who} (aws:ViaAWSService true${
    /athena|cloudformation|dynamodb|kms/.test(via) ? `, aws:CalledVia ${via}` : ''
  }): the caller's own policies decide (see the other checks)`;
}

/**
 * The policy a grant statement is in, labelled as every evidence item labels it (the bucket policy's ARN, the key
 * ARN), so that the statement can be found again (what changed, by statement).
 */
function policyOf(
  input: CheckerInput,
  c: { note: ServiceGrantNote; evaluation: NeedEvaluation },
): { policy?: string } {
  if (c.note.policy === 'kms-key-policy') return { policy: c.evaluation.need.resource };
  const p = bucketPolicy(input.facts, c.evaluation.need.bucket);
  return p ? { policy: p.arn ?? p.name } : {};
}

/** The KMS need of an evaluation (the call S3 makes for the service), with the key policy plus `statement`. */
function verifyKeyGrant(
  input: CheckerInput,
  e: NeedEvaluation,
  statement: Json,
): Pick<Fix, 'verified' | 'stillDeniedBy'> {
  const k = kmsNeedOf(input.request, input.facts, e.need);
  if (!k) return { verified: false };
  const base = buildKmsInput(input.request, k, input.facts);
  if (base.keyPolicy.status !== 'known') return { verified: false };
  const keyPolicy = withStatement(base.keyPolicy.value, statement, base.keyPolicy.value);
  return verifyKms({ ...base, keyPolicy: known(keyPolicy) }, ['kms-key-policy']);
}

export const checker: Checker = {
  id: 'service-principal-grant',
  title:
    'An AWS service called S3 as itself (CloudFront origin access, log delivery, …) and the bucket or key policy does not grant that service for this source',
  detection:
    "For a request CloudTrail records as made by an AWS service (userIdentity type AWSService, invokedBy), or by a legacy CloudFront origin access identity, the engine notes the bucket policy (and, for SSE-KMS objects, the key policy) statements that name the service and their aws:SourceArn / aws:SourceAccount conditions: no statement grants the service the action, or the grant is for another source. The record does not show the source (which distribution asked) unless it carries userIdentity.inScopeOf; when every other layer allows, the grant's source condition is what refused.",
  fixSummary:
    'Add the grant AWS documents for that service, scoped to the source: for CloudFront OAC, Principal {"Service": "cloudfront.amazonaws.com"}, s3:GetObject on arn:aws:s3:::bucket/*, Condition StringEquals AWS:SourceArn of the distribution (and the same grant in the KMS key policy for SSE-KMS objects); verified by re-evaluation when the record names the source.',
  check(input): CheckResult {
    const { request, facts, evaluations } = input;
    const p = request.principal;
    if (p.type !== 'AWSService') {
      if (p.invokedBy !== null && /\.amazonaws\.com$/.test(p.invokedBy))
        return { status: 'not-applicable', detail: viaServiceDetail(input) };
      return { status: 'not-applicable', detail: 'the caller is not an AWS service principal' };
    }
    const service = p.originAccessIdentity === true ? null : (p.arn ?? p.invokedBy);
    const profile = serviceProfile(service);
    const label =
      p.originAccessIdentity === true ? 'CloudFront origin access identity (legacy OAI)' : profile.label;
    const s3 = evaluations.filter((e) => !isKmsNeed(e) && e.result.service);
    const kms = evaluations.filter((e) => isKmsNeed(e) && e.result.service);
    if (s3.length === 0 && kms.length === 0)
      return { status: 'not-applicable', detail: `${callerName(input)}: no bucket or key policy takes part` };

    // A missing key: S3 answers 403 rather than 404 to a caller not allowed s3:ListBucket.
    const read = s3.find((e) => READS.test(e.need.action) && e.need.key !== null);
    const obj = read ? objectFact(facts, read.need.bucket, read.need.key) : null;
    const missingKey = obj?.status === 'known' && !obj.value.exists;

    const found: Classified[] = [];
    const unknownNeeds: NeedEvaluation[] = [];
    const refused: LayerId[] = [];
    for (const e of s3) {
      const c = classify(e, 'bucket-policy');
      if (c === 'unknown') unknownNeeds.push(e);
      else if (c === 'other') refused.push(...refusingLayers(e, 'bucket-policy'));
      else if (c !== null) found.push(c);
    }
    const kmsFound: Classified[] = [];
    for (const e of kms) {
      const c = classify(e, 'kms-key-policy');
      if (c === 'other') refused.push(...refusingLayers(e, 'kms-key-policy'));
      else if (c !== null && c !== 'unknown') kmsFound.push(c);
    }
    if (found.length === 0 && kmsFound.length === 0) {
      if (unknownNeeds.length > 0)
        return {
          status: 'unknown',
          missing: unknownNeeds.flatMap(
            (e) => layerOf(e, 'bucket-policy')?.missing ?? [`the bucket policy for ${e.need.action}`],
          ),
        };
      // An explicit Deny or another cause refuses: whether the policy grants the service is not what decided.
      const refusing = [...new Set(refused)];
      if (refusing.length > 0)
        return {
          status: 'pass',
          detail: `${callerName(input)} is refused by ${refusing.join(', ')} (see ${refusing.length > 1 ? 'those checks' : 'that check'}), whatever the policy grants it`,
        };
      if (missingKey)
        return {
          status: 'pass',
          detail: `s3://${read!.need.bucket}/${read!.need.key} does not exist: ${callerName(input)} receives 403, not 404, unless the bucket policy also grants it s3:ListBucket on the bucket (see missing-object-no-list)`,
        };
      return { status: 'pass', detail: `the bucket policy grants ${callerName(input)} ${describeNeeds(s3)}` };
    }
    const main = found[0] ?? kmsFound[0]!;
    const bucket = main.evaluation.need.bucket ?? request.bucket ?? 'BUCKET';
    const account = bucketAccountId(request, facts, bucket) ?? 'ACCOUNT_ID';
    const knownSource = recordedSource(input.request, profile.sourceKey);
    const source = knownSource ?? profile.placeholder(account, request.region);
    const confirmed =
      [...found, ...kmsFound].every((c) => c.kind !== 'source-unknown' || c.onlyThis) &&
      !(missingKey && found.some((c) => c.kind === 'source-unknown'));
    const sources = grantedSources(main.note);
    const what = describeNeeds(
      found.length > 0 ? found.map((c) => c.evaluation) : kmsFound.map((c) => c.evaluation),
    );

    const parts: string[] = [];
    for (const c of [...found, ...kmsFound]) {
      const where =
        c.note.policy === 'bucket-policy'
          ? `the bucket policy of ${c.evaluation.need.bucket ?? bucket}`
          : `the key policy of ${c.evaluation.need.resource}`;
      if (c.kind === 'no-grant')
        parts.push(
          `No statement of ${where} grants ${callerName(input)} ${c.evaluation.need.action} on ${c.evaluation.need.bucketResource ?? c.evaluation.need.resource}.`,
        );
      else if (c.kind === 'source-mismatch')
        parts.push(
          `${where[0]!.toUpperCase()}${where.slice(1)} grants ${callerName(input)} ${c.evaluation.need.action} only for ${grantedSources(c.note).join(', ')}; this request came from ${knownSource ?? 'another source'}.`,
        );
      else
        parts.push(
          `${where[0]!.toUpperCase()}${where.slice(1)} grants ${callerName(input)} ${c.evaluation.need.action} only for ${grantedSources(c.note).join(', ') || 'a source it names'}. The record does not show which ${service === 'cloudfront.amazonaws.com' ? 'CloudFront distribution' : 'source'} asked (CloudTrail names the service, not the ${service === 'cloudfront.amazonaws.com' ? 'distribution' : 'resource it acted for'})${
            c.onlyThis
              ? `; every other layer allows this request, so the source that asked is not one the grant names`
              : '; other layers could not all be evaluated'
          }.`,
        );
    }
    if (p.originAccessIdentity === true)
      parts.push(
        'A legacy origin access identity is not the cloudfront.amazonaws.com service principal: only statements naming the OAI (or its canonical user id) grant it, and it cannot read SSE-KMS objects; AWS recommends origin access control (OAC) instead.',
      );
    if (service === 'cloudfront.amazonaws.com' && missingKey)
      parts.push(
        'The key does not exist either: without s3:ListBucket CloudFront receives 403 instead of 404.',
      );
    if (kmsFound.length > 0 && service === 'cloudfront.amazonaws.com')
      parts.push(
        'The object is SSE-KMS encrypted: the KMS key policy must grant cloudfront.amazonaws.com kms:Decrypt for the distribution too.',
      );

    // The fix: the grant, verified when the record names the source.
    const needs = needsOf(found.map((c) => c.evaluation));
    const statement = serviceGrantStatement(
      service,
      p.originAccessIdentity === true,
      needs.length > 0 ? needs : needsOf(kmsFound.map((c) => c.evaluation)),
      source,
    );
    let outcome: Pick<Fix, 'verified' | 'stillDeniedBy'> = { verified: false };
    if (needs.length > 0 && knownSource !== null && p.originAccessIdentity !== true) {
      outcome = addToBucketPolicy(input, needs, bucket, [statement]);
    }
    // Only the key refuses CloudFront: the one key-policy statement AWS documents, verified by evaluating the KMS
    // call again with it when the record names the distribution.
    const keyOnly = needs.length === 0 && kmsFound.length > 0 && service === 'cloudfront.amazonaws.com';
    if (keyOnly && knownSource !== null)
      outcome = verifyKeyGrant(input, kmsFound[0]!.evaluation, cloudFrontKeyStatement(source));
    const locate = profile.locate(bucket, knownSource);
    const commands = [
      ...locate,
      ...(p.originAccessIdentity === true ? [originAccessIdentitiesCommand()] : []),
      ...(needs.length > 0 ? bucketPolicyCommands(bucket) : []),
      ...(kmsFound.length > 0 ? keyPolicyCommands(kmsFound[0]!.evaluation.need.resource) : []),
    ];
    const keyPatch =
      kmsFound.length > 0 && service === 'cloudfront.amazonaws.com'
        ? {
            keyPolicy: {
              key: kmsFound[0]!.evaluation.need.resource,
              addStatement: cloudFrontKeyStatement(source),
            },
          }
        : {};
    // An origin access identity is granted by its own id (no source condition); CloudTrail does not record that id.
    const sourceText =
      p.originAccessIdentity === true
        ? `the distribution's origin access identity (OAI_ID in the statement; the record does not show it: ${originAccessIdentitiesCommand()} lists them)`
        : knownSource
          ? `the source this request came from (${knownSource})`
          : `the ${profile.sourceKey === 'aws:SourceArn' ? 'ARN' : 'account'} of the ${service === 'cloudfront.amazonaws.com' ? 'distribution' : 'source'} that should be allowed (the record does not show it${locate.length > 0 ? ': find it with the commands below' : ''})`;
    const evidence: Evidence[] = [
      {
        layer: 'service-principal-grant',
        detail: `CloudTrail records the caller as ${p.originAccessIdentity === true ? 'a CloudFront origin access identity (userIdentity accountId CloudFront)' : `the AWS service ${service ?? '(unnamed)'} (userIdentity type AWSService, invokedBy)`}`,
      },
      ...[...found, ...kmsFound].flatMap((c) =>
        c.note.grants.length === 0
          ? [
              {
                layer: c.note.policy,
                detail: `no statement names ${callerName(input)} for ${c.evaluation.need.action}`,
              },
            ]
          : c.note.grants.map((g) => ({
              layer: c.note.policy,
              ...policyOf(input, c),
              ...(g.sid ? { statement: g.sid } : { statement: `#${g.index}` }),
              detail: `${g.statement} grants it only when ${g.source.map((s) => `${s.key} ${s.operator} ${s.values.join(', ')} (${s.result === 'unknown' ? 'not in the record' : s.result ? 'matches' : 'does not match'})`).join('; ') || 'its conditions hold'}`,
            })),
      ),
    ];
    return {
      status: 'deny',
      confidence: confirmed ? 'confirmed' : 'likely',
      title:
        main.kind === 'no-grant'
          ? `The ${main.note.policy === 'bucket-policy' ? 'bucket' : 'key'} policy grants nothing to ${label} for ${what}`
          : `The ${main.note.policy === 'bucket-policy' ? 'bucket' : 'key'} policy grants ${label} ${what} only for ${sources.join(', ') || 'another source'}`,
      explanation: parts.join(' '),
      evidence,
      fix: {
        summary:
          keyOnly && keyPatch.keyPolicy
            ? `Grant ${label} ${what} for ${sourceText} in the key policy: ${JSON.stringify(keyPatch.keyPolicy.addStatement)}.`
            : `Grant ${label} ${what} for ${sourceText}: ${JSON.stringify(statement)}${
                keyPatch.keyPolicy
                  ? `; and in the key policy: ${JSON.stringify(keyPatch.keyPolicy.addStatement)}`
                  : ''
              }.`,
        commands,
        policyPatch:
          keyOnly && keyPatch.keyPolicy
            ? { layer: 'kms-key-policy', ...keyPatch }
            : {
                layer: needs.length > 0 ? 'bucket-policy' : 'kms-key-policy',
                ...(needs.length > 0 ? { bucket } : {}),
                addStatement: statement,
                ...keyPatch,
              },
        ...outcome,
      },
    };
  },
};
