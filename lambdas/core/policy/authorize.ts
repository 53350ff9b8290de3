/**
 * Request-level authorization for S3: every layer of AWS's evaluation logic, each with its own result and the
 * statements that decided, and the overall decision.
 *
 * Layers, in evaluation order: RCP, SCP, VPC endpoint policy, access point policy, bucket policy, ACL,
 * Block Public Access, Object Ownership, identity-based policies, permissions boundary, session policy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html
 *
 * Fast path (decision first): every policy is evaluated without near misses, the layer logic reads only the
 * statements that match or might match, and the policies a layer result shows trace their near misses and
 * details when first read (see Evaluated in ./s3/evaluate.ts). `authorizeReference` is the same engine with
 * every policy traced in full, eagerly; test/core/policy/authorize/equivalence.test.ts proves them deep-equal.
 */
import type { Acl, Fact } from '../model';
import type {
  AuthorizationInput,
  AuthorizationResult,
  EngineRequest,
  LayerId,
  LayerResult,
  Tri,
} from './types';
import { aclNeedFor, matchAcl, type AclGrantMatch, type AclNeed } from './s3/acl';
import {
  contextValues,
  effectiveTriBpa,
  isAclPut,
  isPolicyPut,
  levelsWith,
  type BpaLevel,
  type TriBpa,
} from './s3/bpa';
import {
  boundaryCalc,
  callerKind,
  chainOf,
  finalDecision,
  identityCalc,
  rcpCalc,
  scpCalc,
  sessionCalc,
} from './s3/chain';
import { notApplicable, policyGuardrail, withReferenceEvaluation, type LayerCalc } from './s3/evaluate';
import { anyGrant, emptyGrants } from './s3/grants';
import { grantLayer, resourcePolicy, type ResourcePolicy } from './s3/resource-policy';
import { aclLayer, bpaLayer, bpaPutCheck, ownershipLayer, ownershipPutReject } from './s3/s3-layers';
import {
  grantOver,
  ownershipVoidsBucketPolicy,
  policyGrants,
  rpbVoids,
  scenarios,
  type GrantContext,
  type Scenario,
  type ScenarioFacts,
} from './s3/scenarios';
import { and3, merge3, or3 } from './s3/tri';

// ---------------------------------------------------------------------------
// Resource policies (bucket, access point) as grants
// ---------------------------------------------------------------------------

/** Through an access point, its policy names the access point ARN (…:accesspoint/name[/object/key]). */
function accessPointRequest(req: EngineRequest): EngineRequest {
  const ap = contextValues(req.context, 's3:DataAccessPointArn');
  const apArn = Array.isArray(ap) ? ap[0] : undefined;
  const m = /^arn:([^:]+):s3:::([^/]+)(?:\/(.*))?$/.exec(req.resource);
  if (!apArn || !m) return req;
  const resource = m[3] !== undefined ? `${apArn}/object/${m[3]}` : apArn;
  return { ...req, resource };
}

// ---------------------------------------------------------------------------
// authorize
// ---------------------------------------------------------------------------

const sameAs = (a: string | null, b: string | null): Tri => (a === null || b === null ? 'unknown' : a === b);

function aclGrantsFor(
  s3: NonNullable<AuthorizationInput['s3']>,
  need: AclNeed | null,
  req: EngineRequest,
  inOwner: Tri,
): readonly AclGrantMatch[] | 'unknown' | null {
  if (need === null) return null;
  const f: Fact<Acl> | null = need.scope === 'object' ? s3.objectAcl : s3.bucketAcl;
  if (f === null) return null;
  if (f.status === 'unknown') return 'unknown';
  const p = req.principal;
  const kind = callerKind(p);
  return matchAcl(
    f.value,
    need,
    {
      anonymous: kind === 'anonymous',
      canonicalId: p.canonicalId ?? null,
      serviceName: kind === 'service' ? (p.serviceName ?? p.arn ?? null) : null,
      inOwnerAccount: inOwner,
    },
    need.scope === 'bucket' ? s3.bucketOwnerCanonicalId : null,
  );
}

type S3Facts = NonNullable<AuthorizationInput['s3']>;

/** The S3 facts the grant depends on, as three-valued facts, plus the BPA levels for notes. */
interface GrantFacts {
  readonly levels: readonly BpaLevel[];
  readonly bpa: TriBpa;
  readonly objectOwner: string | null;
  readonly enforced: Tri;
  readonly foreign: Tri;
  readonly inBucketAccount: Tri;
  readonly inObjectAccount: Tri;
  readonly facts: ScenarioFacts;
}

function bpaLevels(s3: S3Facts | null): BpaLevel[] {
  if (!s3) return [];
  const levels: BpaLevel[] = [
    { name: 'account', value: s3.accountPublicAccessBlock },
    { name: 'bucket', value: s3.bucketPublicAccessBlock },
  ];
  if (s3.accessPointPublicAccessBlock) {
    levels.push({ name: 'access point', value: { status: 'known', value: s3.accessPointPublicAccessBlock } });
  }
  return levels;
}

function grantFacts(input: AuthorizationInput): GrantFacts {
  const { request: req, s3 } = input;
  const anonymous = callerKind(req.principal) === 'anonymous';
  const levels = bpaLevels(s3);
  const bpa = effectiveTriBpa(levels);
  const ownerFact = s3?.objectOwnerAccountId ?? null;
  const objectOwner = ownerFact?.status === 'known' ? ownerFact.value : null;
  let enforced: Tri = false;
  if (s3)
    enforced = s3.ownership.status === 'unknown' ? 'unknown' : s3.ownership.value === 'BucketOwnerEnforced';
  let foreign: Tri = false;
  if (ownerFact !== null) {
    foreign = ownerFact.status === 'unknown' ? 'unknown' : sameAs(ownerFact.value, req.resourceAccountId);
    if (foreign !== 'unknown') foreign = !foreign;
  }
  const inBucketAccount = sameAs(req.principal.accountId, req.resourceAccountId);
  const inObjectAccount =
    objectOwner !== null ? sameAs(req.principal.accountId, objectOwner) : inBucketAccount;
  const facts: ScenarioFacts = {
    rpb: s3 ? bpa.RestrictPublicBuckets : false,
    ipa: s3 ? bpa.IgnorePublicAcls : false,
    enforced,
    foreign,
    inBucketAccount: anonymous ? false : inBucketAccount,
    inObjectAccount: anonymous ? false : inObjectAccount,
  };
  return { levels, bpa, objectOwner, enforced, foreign, inBucketAccount, inObjectAccount, facts };
}

/** Why a resource policy's Allow does not count (first scenario), and the BPA notes. */
function voidNotes(ctx: GrantContext, all: readonly Scenario[], gf: GrantFacts) {
  const first = all[0];
  const voided: string[] = [];
  const rpbLevels = levelsWith(gf.levels, 'RestrictPublicBuckets').join(', ');
  let bucket: string | null = null;
  let accessPoint: string | null = null;
  if (first && or3(...ctx.bucket.grants.map((g) => g.matched)) !== false) {
    if (ownershipVoidsBucketPolicy(first, ctx)) {
      bucket = `the object is owned by account ${gf.objectOwner}: the bucket policy's Allow does not cover it`;
    } else if (rpbVoids(first, ctx.bucket, ctx)) {
      bucket =
        "RestrictPublicBuckets ignores the public policy's Allow for a caller outside the bucket owner's account";
      voided.push(
        `RestrictPublicBuckets (${rpbLevels}): the bucket policy is public, so only AWS service principals and the bucket owner's account may use its grants`,
      );
    }
  }
  const ap = ctx.accessPoint;
  if (ap && first && rpbVoids(first, ap, ctx) && or3(...ap.grants.map((g) => g.matched)) !== false) {
    accessPoint =
      'RestrictPublicBuckets ignores the public access point policy for a caller outside the owner account';
    voided.push(`RestrictPublicBuckets (${rpbLevels}): the access point policy is public`);
  }
  if (
    first?.ipa &&
    Array.isArray(ctx.aclGrants) &&
    ctx.aclGrants.some((g) => g.isPublic && g.matched !== false)
  ) {
    voided.push(
      `IgnorePublicAcls (${levelsWith(gf.levels, 'IgnorePublicAcls').join(', ')}) ignores the ACL grant to a public group`,
    );
  }
  return { bucket, accessPoint, voided };
}

/** A resource policy's own allow after Block Public Access and Object Ownership, over the scenarios. */
function policyEffective(
  pol: ResourcePolicy,
  all: readonly Scenario[],
  ctx: GrantContext,
  isBucket: boolean,
): Tri {
  return merge3(
    all.map((sc) => {
      const g = emptyGrants();
      policyGrants(g, pol, (isBucket && ownershipVoidsBucketPolicy(sc, ctx)) || rpbVoids(sc, pol, ctx));
      return anyGrant(g);
    }),
  );
}

/** Whether Block Public Access / Object Ownership could change anything here (else unread settings do not matter). */
function relevance(input: AuthorizationInput, ctx: GrantContext, gf: GrantFacts) {
  const req = input.request;
  const exempt = ctx.service || gf.inBucketAccount === true;
  const publicInPlay = (pol: ResourcePolicy | null) =>
    pol !== null && pol.isPublic && !exempt && pol.grants.some((g) => g.matched !== false);
  const acl = ctx.aclGrants;
  const bpa =
    publicInPlay(ctx.bucket) ||
    publicInPlay(ctx.accessPoint) ||
    acl === 'unknown' ||
    (Array.isArray(acl) && acl.some((g) => g.isPublic)) ||
    isAclPut(req.action) ||
    isPolicyPut(req.action);
  const ownership =
    acl === 'unknown' ||
    (Array.isArray(acl) && acl.length > 0) ||
    (ctx.objectRequest && gf.foreign !== false && ctx.bucket.grants.length > 0) ||
    ownershipPutReject(req, gf.enforced) !== false;
  return { bpa, ownership };
}

const notS3 = (id: LayerId): LayerCalc => notApplicable(id, 'not an S3 bucket or object request');

export function authorize(input: AuthorizationInput): AuthorizationResult {
  const req = input.request;
  const kind = callerKind(req.principal);
  const s3 = input.s3;
  const hasBoundary =
    input.permissionsBoundary?.status === 'known' && input.permissionsBoundary.value !== null;

  const rcp = rcpCalc(input);
  const scp = scpCalc(input);
  const vpce = policyGuardrail(
    'vpc-endpoint-policy',
    input.vpcEndpointPolicy,
    req,
    'VPC endpoint policy',
    'the request did not go through a VPC endpoint',
    'the VPC endpoint has the default full-access policy',
  );
  const identity = identityCalc(input);
  const boundary = boundaryCalc(input);
  const session = sessionCalc(input);

  const apReq = input.accessPointPolicy ? accessPointRequest(req) : req;
  const gf = grantFacts(input);
  const all = scenarios(gf.facts);
  const aclNeed = s3 ? aclNeedFor(req.action) : null;
  const ctx: GrantContext = {
    noIdentity: kind === 'anonymous' || kind === 'service',
    service: kind === 'service',
    chain: chainOf(identity, boundary, session),
    objectRequest: s3 !== null && s3.objectAcl !== null,
    bucket: resourcePolicy(input.bucketPolicy, req, hasBoundary),
    accessPoint: input.accessPointPolicy ? resourcePolicy(input.accessPointPolicy, apReq, hasBoundary) : null,
    aclNeed,
    aclGrants: s3
      ? aclGrantsFor(s3, aclNeed, req, aclNeed?.scope === 'object' ? gf.inObjectAccount : gf.inBucketAccount)
      : null,
  };

  const grant = grantOver(all, ctx);
  const notes = voidNotes(ctx, all, gf);
  const sameAccount = gf.inBucketAccount === true && kind !== 'anonymous';
  const bucketLayer = grantLayer(
    'bucket-policy',
    ctx.bucket,
    input.bucketPolicy,
    'bucket policy',
    policyEffective(ctx.bucket, all, ctx, true),
    notes.bucket,
    req,
    sameAccount,
  );
  const apLayer =
    input.accessPointPolicy && ctx.accessPoint
      ? grantLayer(
          'access-point-policy',
          ctx.accessPoint,
          input.accessPointPolicy,
          'access point policy',
          policyEffective(ctx.accessPoint, all, ctx, false),
          notes.accessPoint,
          apReq,
          sameAccount,
        )
      : notApplicable('access-point-policy', 'the request did not go through an access point');

  const relevant = relevance(input, ctx, gf);
  const acl = s3 ? aclLayer(s3, ctx, all, req) : notS3('acl');
  const bpaCalc = s3
    ? bpaLayer(
        gf.levels,
        gf.bpa,
        bpaPutCheck(req, gf.bpa),
        grant,
        grantOver(all, ctx, { rpb: false, ipa: false }),
        notes.voided,
        req,
        relevant.bpa,
      )
    : notS3('block-public-access');
  const ownership = s3
    ? ownershipLayer(
        s3,
        gf.facts,
        ownershipPutReject(req, gf.enforced),
        grant,
        grantOver(all, ctx, { enforced: false, foreign: false }),
        gf.objectOwner,
        relevant.ownership,
      )
    : notS3('object-ownership');

  const guards = and3(rcp.permit, scp.permit, vpce.permit, bpaCalc.permit, ownership.permit);
  const ordered = [
    rcp,
    scp,
    vpce,
    apLayer,
    bucketLayer,
    acl,
    bpaCalc,
    ownership,
    identity,
    boundary,
    session,
  ];
  const layers: LayerResult[] = ordered.map((c) => c.result);
  return { decision: finalDecision(ordered, and3(guards, grant)), layers };
}

/**
 * The reference engine: `authorize` with every policy traced in full, eagerly (no fast path). Same result,
 * deep-equal; kept for the equivalence tests and for debugging the fast path.
 */
export function authorizeReference(input: AuthorizationInput): AuthorizationResult {
  return withReferenceEvaluation(() => authorize(input));
}
