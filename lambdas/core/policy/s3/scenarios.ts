/**
 * The resource-side grant of an S3 request, computed for every combination of the unknown facts it depends on
 * (Block Public Access, Object Ownership, the caller's account) and merged: a value shared by every combination
 * is known, otherwise 'unknown'. Never turns an unknown fact into an allow.
 */
import type { Tri } from '../types';
import type { AclGrantMatch, AclNeed } from './acl';
import { addGrant, emptyGrants, sideGrant, type CallerMode, type Chain, type GrantSet } from './grants';
import type { ResourcePolicy } from './resource-policy';
import { and3, merge3 } from './tri';

// ---------------------------------------------------------------------------
// Scenarios over unknown facts: the grant is computed for every combination and merged.
// ---------------------------------------------------------------------------

export interface Scenario {
  rpb: boolean; // RestrictPublicBuckets in effect
  ipa: boolean; // IgnorePublicAcls in effect
  enforced: boolean; // BucketOwnerEnforced
  foreign: boolean; // the object is owned by another account than the bucket's
  inBucketAccount: boolean; // the caller belongs to the bucket owner's account
  inObjectAccount: boolean; // the caller belongs to the object owner's account
}
export type ScenarioFacts = { [K in keyof Scenario]: Tri };

export function scenarios(f: ScenarioFacts): Scenario[] {
  let out: Scenario[] = [
    {
      rpb: false,
      ipa: false,
      enforced: false,
      foreign: false,
      inBucketAccount: false,
      inObjectAccount: false,
    },
  ];
  for (const key of Object.keys(f) as (keyof Scenario)[]) {
    const v = f[key];
    if (v === 'unknown')
      out = out.flatMap((s) => [
        { ...s, [key]: true },
        { ...s, [key]: false },
      ]);
    else for (const s of out) s[key] = v;
  }
  return out;
}

export interface GrantContext {
  readonly noIdentity: boolean;
  readonly service: boolean;
  readonly chain: Chain;
  readonly objectRequest: boolean;
  readonly bucket: ResourcePolicy;
  readonly accessPoint: ResourcePolicy | null;
  readonly aclNeed: AclNeed | null;
  /** ACL grants that may match; 'unknown' when the ACL could not be read. */
  readonly aclGrants: readonly AclGrantMatch[] | 'unknown' | null;
}

export function policyGrants(into: GrantSet, pol: ResourcePolicy, voided: boolean): void {
  if (voided) return;
  for (const g of pol.grants) addGrant(into, g.category, g.matched);
}

/**
 * RestrictPublicBuckets voids a public policy's grants for callers outside the owner's account (AWS service principals
 * excepted). A policy that could not be read may or may not be public: its unknown grants are voided only for an
 * anonymous caller, whom only a public statement (Principal "*") can name; a named caller may hold a non-public grant.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 */
export const rpbVoids = (sc: Scenario, pol: ResourcePolicy, ctx: GrantContext): boolean =>
  sc.rpb && !ctx.service && !sc.inBucketAccount && (unreadable(pol) ? ctx.noIdentity : pol.isPublic);

/** A policy whose grants are not known (not read, or not parseable). */
const unreadable = (pol: ResourcePolicy): boolean =>
  pol.state === 'unknown' || (pol.evaluated !== null && pol.evaluated.error !== null);

export const ownershipVoidsBucketPolicy = (sc: Scenario, ctx: GrantContext): boolean =>
  ctx.objectRequest && sc.foreign && !sc.enforced;

export function aclGrantsInto(into: GrantSet, sc: Scenario, ctx: GrantContext): void {
  if (ctx.aclNeed === null || ctx.aclGrants === null || sc.enforced) return;
  if (ctx.aclGrants === 'unknown') {
    addGrant(into, 'direct', sc.ipa ? false : 'unknown');
    // An anonymous caller has no account: only a grant to the AllUsers group (public) can name it.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#specifying-grantee-predefined-groups
    addGrant(into, 'account', ctx.noIdentity && !ctx.service ? false : 'unknown');
    return;
  }
  for (const g of ctx.aclGrants) {
    if (sc.ipa && g.isPublic) continue;
    addGrant(into, g.category, g.matched);
  }
}

export const modeOf = (ctx: GrantContext, inAccount: boolean): CallerMode =>
  ctx.noIdentity ? 'no-identity' : inAccount ? 'same-account' : 'cross-account';

export function bucketSideGrants(sc: Scenario, ctx: GrantContext): GrantSet {
  const g = emptyGrants();
  policyGrants(g, ctx.bucket, ownershipVoidsBucketPolicy(sc, ctx) || rpbVoids(sc, ctx.bucket, ctx));
  aclGrantsInto(g, sc, ctx);
  return g;
}

export function grantUnder(sc: Scenario, ctx: GrantContext): Tri {
  const owner = ownershipVoidsBucketPolicy(sc, ctx) ? sc.inObjectAccount : sc.inBucketAccount;
  const bucket = sideGrant(bucketSideGrants(sc, ctx), modeOf(ctx, owner), ctx.chain);
  if (ctx.accessPoint === null) return bucket;
  const ap = emptyGrants();
  policyGrants(ap, ctx.accessPoint, rpbVoids(sc, ctx.accessPoint, ctx));
  return and3(bucket, sideGrant(ap, modeOf(ctx, sc.inBucketAccount), ctx.chain));
}

export const grantOver = (all: readonly Scenario[], ctx: GrantContext, tweak?: Partial<Scenario>): Tri =>
  merge3(all.map((sc) => grantUnder(tweak ? { ...sc, ...tweak } : sc, ctx)));
