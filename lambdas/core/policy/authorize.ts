/**
 * Request-level authorization for S3: every layer of AWS's evaluation logic, each with its own result and the
 * statements that decided, and the overall decision.
 *
 * Layers, in evaluation order: RCP, SCP, VPC endpoint policy, access point policy, bucket policy, ACL,
 * Block Public Access, Object Ownership, Requester Pays, Object Lock, blocked encryption types and MFA delete (only
 * when the input models them: see ./s3/requester-pays.ts, ./s3/object-lock.ts, ./s3/blocked-encryption.ts and
 * ./s3/mfa-delete.ts), identity-based policies, permissions boundary, session policy.
 * For an AWS service caller the result also notes the bucket policy's grants to that service (./s3/service-grant.ts).
 * The rule table, with sources and the tests that cover each rule: docs/AUTHORIZATION.md.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html
 *
 * Fast path (decision first): every policy is evaluated without near misses, the layer logic reads only the
 * statements that match or might match, and the policies a layer result shows trace their near misses and
 * details when first read (see Evaluated in ./s3/evaluate.ts). `authorizeReference` is the same engine with
 * every policy traced in full, eagerly; test/core/policy/authorize/equivalence.test.ts proves them deep-equal.
 */
import type { Acl, Fact } from '../model';
import { withInferred } from './inferred';
import type {
  AccessPointInput,
  AuthorizationInput,
  AuthorizationResult,
  EngineRequest,
  LayerId,
  LayerOutcome,
  LayerResult,
  Tri,
} from './types';
import { aclNeedFor, matchAcl, type AclGrantMatch, type AclNeed } from './s3/acl';
import { effectiveTriBpa, isAclPut, isPolicyPut, levelsWith, type BpaLevel, type TriBpa } from './s3/bpa';
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
import {
  layer,
  notApplicable,
  policyGuardrail,
  resultsOf,
  withReferenceEvaluation,
  type LayerCalc,
} from './s3/evaluate';
import { anyGrant, emptyGrants } from './s3/grants';
import { grantLayer, resourcePolicy, type ResourcePolicy } from './s3/resource-policy';
import { objectLockLayer } from './s3/object-lock';
import { requesterPaysLayer } from './s3/requester-pays';
import { blockedEncryptionLayer } from './s3/blocked-encryption';
import { mfaDeleteLayer } from './s3/mfa-delete';
import { aclLayer, bpaLayer, bpaPutCheck, ownershipLayer, ownershipPutReject } from './s3/s3-layers';
import { serviceGrantNote } from './s3/service-grant';
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
import { lowerKey } from './variables';

// ---------------------------------------------------------------------------
// authorize
// ---------------------------------------------------------------------------

const sameAs = (a: string | null, b: string | null): Tri => (a === null || b === null ? 'unknown' : a === b);

function aclGrantsFor(
  s3: NonNullable<AuthorizationInput['s3']>,
  need: AclNeed | null,
  req: EngineRequest,
  gf: GrantFacts,
): readonly AclGrantMatch[] | 'unknown' | null {
  if (need === null) return null;
  const f: Fact<Acl> | null = need.scope === 'object' ? s3.objectAcl : s3.bucketAcl;
  if (f === null) return null;
  if (f.status === 'unknown') return 'unknown';
  const p = req.principal;
  const kind = callerKind(p);
  // Grants to a canonical user id the facts can place: the bucket owner's (bucket ACL Owner.ID) and, for an object
  // ACL, the object owner's (its own Owner.ID) - e.g. bucket-owner-full-control on another account's object.
  const owners: { id: string; inAccount: Tri }[] = [];
  const aclOwner = f.value?.Owner?.ID;
  if (typeof aclOwner === 'string' && aclOwner !== '')
    owners.push({
      id: aclOwner,
      inAccount: need.scope === 'object' ? gf.inObjectAccount : gf.inBucketAccount,
    });
  if (s3.bucketOwnerCanonicalId && s3.bucketOwnerCanonicalId !== aclOwner)
    owners.push({ id: s3.bucketOwnerCanonicalId, inAccount: gf.inBucketAccount });
  return matchAcl(f.value, need, {
    anonymous: kind === 'anonymous',
    canonicalId: p.canonicalId ?? null,
    serviceName: kind === 'service' ? (p.serviceName ?? p.arn ?? null) : null,
    owners,
  });
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
  let enforced: Tri = false;
  if (s3)
    enforced = s3.ownership.status === 'unknown' ? 'unknown' : s3.ownership.value === 'BucketOwnerEnforced';
  const ownerFact = s3?.objectOwnerAccountId ?? null;
  const objectOwner = ownerFact?.status === 'known' && enforced !== true ? ownerFact.value : null;
  let foreign: Tri = false;
  // Under BucketOwnerEnforced the bucket owner owns every object: who wrote it does not matter.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
  if (ownerFact !== null && enforced !== true) {
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
    // RestrictPublicBuckets voiding the grant whoever owns the object is named before an ownership that is not known
    const rpbEverywhere = all.every((sc) => rpbVoids(sc, ctx.bucket, ctx));
    if (ownershipVoidsBucketPolicy(first, ctx) && !(rpbEverywhere && gf.objectOwner === null)) {
      bucket =
        gf.objectOwner !== null
          ? `the object is owned by account ${gf.objectOwner}: the bucket policy's Allow does not cover it`
          : "the object may be owned by another account (its owner is not known): the bucket policy's Allow would not cover it";
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

const SEVERITY: Readonly<Record<LayerOutcome, number>> = {
  'not-applicable': 0,
  allowed: 1,
  unknown: 2,
  'implicitly-denied': 3,
  'explicitly-denied': 4,
};

/**
 * A guardrail evaluated against both resources of a request through an access point (the access point ARN and the
 * bucket ARN behind it): both must let the request through; the layer shows the stricter of the two.
 */
function onBoth(main: LayerCalc, behind: LayerCalc | null, resource: string): LayerCalc {
  if (behind === null) return main;
  const worse = SEVERITY[behind.result.result] > SEVERITY[main.result.result];
  return {
    result: worse ? { ...behind.result, resource } : main.result,
    permit: and3(main.permit, behind.permit),
    deny: or3(main.deny, behind.deny),
  };
}

/**
 * A VPC-origin access point rejects every request that does not come from its VPC, whatever the policies say.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
 */
function networkOrigin(ap: AccessPointInput): { permit: Tri; note: string | null; missing: string | null } {
  if (ap.networkOrigin === 'Internet') return { permit: true, note: null, missing: null };
  if (ap.networkOrigin === null)
    return { permit: 'unknown', note: null, missing: "the access point's network origin" };
  const vpc = ap.vpcId ?? 'its VPC';
  if (ap.sourceVpc === null)
    return {
      permit: false,
      note: `the access point's network origin is VPC (${vpc}): S3 rejects requests that do not come from that VPC, and this one did not come through a VPC endpoint`,
      missing: null,
    };
  if (ap.sourceVpc === 'unknown' || ap.vpcId === null)
    return {
      permit: 'unknown',
      note: null,
      missing: `the VPC of the endpoint the request came through (the access point accepts only ${vpc})`,
    };
  if (ap.sourceVpc !== ap.vpcId)
    return {
      permit: false,
      note: `the access point's network origin is VPC (${vpc}): S3 rejects this request, which came from ${ap.sourceVpc}`,
      missing: null,
    };
  return { permit: true, note: null, missing: null };
}

/** The access point layer with its network origin: a VPC-only access point refusing the request decides it. */
function withNetworkOrigin(calc: LayerCalc, ap: AccessPointInput | null): LayerCalc {
  if (ap === null) return calc;
  const n = networkOrigin(ap);
  if (n.permit === true || calc.result.result === 'explicitly-denied') {
    return n.permit === true ? calc : { ...calc, permit: and3(calc.permit, n.permit) };
  }
  if (n.permit === false)
    return {
      result: {
        ...layer('access-point-policy', 'implicitly-denied', calc.result.policies, n.note ?? ''),
        rule: 'network-origin',
      },
      permit: false,
      deny: calc.deny,
    };
  const missing = [...(calc.result.missing ?? []), n.missing ?? "the access point's network origin"];
  return {
    result: layer(
      'access-point-policy',
      'unknown',
      calc.result.policies,
      `${calc.result.note ?? ''}; the access point's network origin may refuse the request`.replace(
        /^; /,
        '',
      ),
      missing,
    ),
    permit: and3(calc.permit, n.permit),
    deny: calc.deny,
  };
}

/**
 * The bucket owner account's root user can always get, put and delete the bucket policy, even when the bucket policy
 * denies it; only VPC endpoint policies and AWS Organizations policies can stop it.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html (also GetBucketPolicy, DeleteBucketPolicy)
 */
const LOCKOUT_RECOVERY: ReadonlySet<string> = new Set([
  's3:getbucketpolicy',
  's3:putbucketpolicy',
  's3:deletebucketpolicy',
]);

function rootRecovery(req: EngineRequest, inBucketAccount: Tri): Tri {
  if (callerKind(req.principal) !== 'root' || !LOCKOUT_RECOVERY.has(lowerKey(req.action))) return false;
  return inBucketAccount;
}

/** The bucket policy with its Deny set aside where the root user's lock-out recovery applies. */
function exemptRoot(pol: ResourcePolicy, exempt: Tri): ResourcePolicy {
  if (exempt === false || pol.deny === false) return pol;
  if (exempt === true) return { ...pol, deny: false, denyExempt: true };
  return { ...pol, deny: pol.deny === true ? 'unknown' : pol.deny };
}

/**
 * The decision, with the recorded facts first and, where they leave a layer unknown, the values the record only
 * implies (marked `dependsOnInferred`: ./inferred.ts).
 */
export function authorize(input: AuthorizationInput): AuthorizationResult {
  return withInferred(input, authorizeKnown);
}

function authorizeKnown(input: AuthorizationInput): AuthorizationResult {
  const req = input.request;
  const kind = callerKind(req.principal);
  const s3 = input.s3;
  const hasBoundary =
    input.permissionsBoundary?.status === 'known' && input.permissionsBoundary.value !== null;
  // Through an access point: req names the access point, bucketReq the bucket (object) behind it.
  const ap = input.accessPoint ?? null;
  const bucketReq = ap?.bucketResource ? { ...req, resource: ap.bucketResource } : req;
  const behind = bucketReq !== req;

  const rcp = onBoth(
    rcpCalc(input),
    behind ? rcpCalc({ ...input, request: bucketReq }) : null,
    bucketReq.resource,
  );
  const scp = scpCalc(input);
  const vpceOf = (r: EngineRequest) =>
    policyGuardrail(
      'vpc-endpoint-policy',
      input.vpcEndpointPolicy,
      r,
      'VPC endpoint policy',
      'the request did not go through a VPC endpoint',
      'the VPC endpoint has the default full-access policy',
    );
  const vpce = onBoth(vpceOf(req), behind ? vpceOf(bucketReq) : null, bucketReq.resource);
  const identity = identityCalc(input);
  const boundary = boundaryCalc(input);
  const session = sessionCalc(input);

  const gf = grantFacts(input);
  const all = scenarios(gf.facts);
  const aclNeed = s3 ? aclNeedFor(req.action) : null;
  const ctx: GrantContext = {
    noIdentity: kind === 'anonymous' || kind === 'service',
    service: kind === 'service',
    chain: chainOf(identity, boundary, session),
    objectRequest: s3 !== null && s3.objectAcl !== null,
    bucket: exemptRoot(
      resourcePolicy(input.bucketPolicy, bucketReq, hasBoundary),
      rootRecovery(req, gf.inBucketAccount),
    ),
    accessPoint: input.accessPointPolicy ? resourcePolicy(input.accessPointPolicy, req, hasBoundary) : null,
    aclNeed,
    aclGrants: s3 ? aclGrantsFor(s3, aclNeed, req, gf) : null,
  };

  const grant = grantOver(all, ctx);
  const notes = voidNotes(ctx, all, gf);
  const sameAccount = gf.inBucketAccount === true && kind !== 'anonymous';
  const bucketCalc = grantLayer(
    'bucket-policy',
    ctx.bucket,
    input.bucketPolicy,
    'bucket policy',
    policyEffective(ctx.bucket, all, ctx, true),
    notes.bucket,
    bucketReq,
    sameAccount,
  );
  const bucketLayer = behind
    ? { ...bucketCalc, result: { ...bucketCalc.result, resource: bucketReq.resource } }
    : bucketCalc;
  const apLayer = withNetworkOrigin(
    input.accessPointPolicy && ctx.accessPoint
      ? grantLayer(
          'access-point-policy',
          ctx.accessPoint,
          input.accessPointPolicy,
          'access point policy',
          policyEffective(ctx.accessPoint, all, ctx, false),
          notes.accessPoint,
          req,
          sameAccount,
        )
      : notApplicable('access-point-policy', 'the request did not go through an access point'),
    ap,
  );

  const relevant = relevance(input, ctx, gf);
  // Whether Block Public Access / Object Ownership take a grant away is judged with the caller's identity chain
  // taken as allowing: the setting denies on its own, whatever the identity side says (or could not be read).
  // (Without a public grant in play, or an ACL grant / another account's object, the setting changes nothing: the
  // grant with and without it is the same, and is not computed again.)
  const chainAllows =
    ctx.chain.identity === true && ctx.chain.boundary === true && ctx.chain.session === true;
  const permitted: GrantContext = chainAllows
    ? ctx
    : { ...ctx, chain: { identity: true, boundary: true, session: true } };
  // another account's object takes the bucket owner's identity grants away too, bucket grants or not
  const ownershipMatters = relevant.ownership || (ctx.objectRequest && gf.foreign !== false);
  const grantPermitted =
    relevant.bpa || ownershipMatters ? (chainAllows ? grant : grantOver(all, permitted)) : grant;
  const acl = s3 ? aclLayer(s3, ctx, all, req) : notS3('acl');
  const bpaCalc = s3
    ? bpaLayer(
        gf.levels,
        gf.bpa,
        bpaPutCheck(req, gf.bpa),
        grantPermitted,
        relevant.bpa ? grantOver(all, permitted, { rpb: false, ipa: false }) : grantPermitted,
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
        grantPermitted,
        ownershipMatters ? grantOver(all, permitted, { enforced: false, foreign: false }) : grantPermitted,
        gf.objectOwner,
        relevant.ownership,
      )
    : notS3('object-ownership');

  // Requester Pays, Object Lock, blocked encryption types and MFA delete refuse requests whatever the policies say
  // (left out when not modelled).
  const payment = s3 ? requesterPaysLayer(s3.requestPayment, req, gf.inBucketAccount) : null;
  const lock = s3 ? objectLockLayer(s3.objectLock, req) : null;
  const blockedSseC = s3 ? blockedEncryptionLayer(s3.blockedEncryption, req) : null;
  const mfa = s3 ? mfaDeleteLayer(s3.mfaDelete, req) : null;
  const refusals = [payment, lock, blockedSseC, mfa].filter((c): c is LayerCalc => c !== null);

  // the access point layer's permit is its network origin (its policy's grant is part of `grant`)
  const network = ap ? networkOrigin(ap).permit : true;
  const guards = and3(
    rcp.permit,
    scp.permit,
    vpce.permit,
    bpaCalc.permit,
    ownership.permit,
    network,
    ...refusals.map((c) => c.permit),
  );
  const ordered = [
    rcp,
    scp,
    vpce,
    apLayer,
    bucketLayer,
    acl,
    bpaCalc,
    ownership,
    ...refusals,
    identity,
    boundary,
    session,
  ];
  const layers: LayerResult[] = resultsOf(ordered);
  const service = serviceGrantNote(ctx.bucket, bucketReq, 'bucket-policy');
  return {
    decision: finalDecision(ordered, and3(guards, grant)),
    layers,
    grant,
    ...(service !== undefined ? { service } : {}),
  };
}

/**
 * The reference engine: `authorize` with every policy traced in full, eagerly (no fast path). Same result,
 * deep-equal; kept for the equivalence tests and for debugging the fast path.
 */
export function authorizeReference(input: AuthorizationInput): AuthorizationResult {
  return withReferenceEvaluation(() => authorize(input));
}
