/**
 * The S3-specific layers: ACL, Block Public Access and Object Ownership, each judged by whether it changed
 * the resource-side grant (the grant with and without the setting) or rejects an ACL / policy write.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 */
import type { AuthorizationInput, EngineRequest, Tri } from '../types';
import { lowerKey } from '../variables';
import {
  BPA_SETTINGS,
  REQUEST_POLICY_KEY,
  contextValues,
  isAclPut,
  isPolicyPut,
  levelsWith,
  requestSetsPublicAcl,
  type BpaLevel,
  type BpaSetting,
  type TriBpa,
} from './bpa';
import { factMissing, layer, notApplicable, type LayerCalc } from './evaluate';
import { anyGrant, emptyGrants } from './grants';
import { isPublicPolicy } from './public-policy';
import { aclGrantsInto, type GrantContext, type Scenario, type ScenarioFacts } from './scenarios';
import { and3, merge3 } from './tri';

// ---------------------------------------------------------------------------
// Layer results for the S3-specific layers
// ---------------------------------------------------------------------------

export function aclLayer(
  s3: NonNullable<AuthorizationInput['s3']>,
  ctx: GrantContext,
  all: readonly Scenario[],
  req: EngineRequest,
): LayerCalc {
  if (ctx.aclNeed === null) return notApplicable('acl', `no ACL permission grants ${req.action}`);
  // BucketOwnerEnforced disables ACLs: they take no part, whatever they say (even unread).
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
  if (all.length > 0 && all.every((sc) => sc.enforced))
    return notApplicable(
      'acl',
      'ACLs are disabled (BucketOwnerEnforced): they grant nothing and deny nothing',
    );
  const scope = ctx.aclNeed.scope;
  if (ctx.aclGrants === 'unknown') {
    const f = scope === 'object' ? s3.objectAcl : s3.bucketAcl;
    const missing = factMissing(`the ${scope} ACL`, f ?? s3.bucketAcl);
    return {
      result: layer('acl', 'unknown', [], `could not read ${missing}`, [missing]),
      permit: 'unknown',
      deny: false,
    };
  }
  const grants = ctx.aclGrants ?? [];
  const effective = merge3(
    all.map((sc) => {
      const g = emptyGrants();
      aclGrantsInto(g, sc, ctx);
      return anyGrant(g);
    }),
  );
  const first = grants.find((g) => g.matched === true);
  if (effective === true) {
    return {
      result: layer('acl', 'allowed', [], `${first?.detail ?? 'an ACL grant'} covers ${req.action}`),
      permit: true,
      deny: false,
    };
  }
  if (effective === 'unknown') {
    const missing = grants.some((g) => g.matched === 'unknown')
      ? ["the caller's canonical user id"]
      : ['Object Ownership or Block Public Access settings'];
    return {
      result: layer('acl', 'unknown', [], `an ACL grant may cover ${req.action}`, missing),
      permit: 'unknown',
      deny: false,
    };
  }
  const sc = all[0];
  if (sc?.enforced) {
    const ignored = first ? `; ${first.detail} is ignored` : '';
    return notApplicable('acl', `ACLs are disabled (BucketOwnerEnforced)${ignored}`);
  }
  let note = `no ${scope} ACL grant gives ${ctx.aclNeed.permission} to the caller`;
  if (first && sc?.ipa) note = `IgnorePublicAcls ignores ${first.detail}`;
  return { result: layer('acl', 'implicitly-denied', [], note), permit: false, deny: false };
}

export function bpaPutCheck(req: EngineRequest, bpa: TriBpa): { reject: Tri; setting: BpaSetting | null } {
  if (isAclPut(req.action))
    return {
      reject: and3(bpa.BlockPublicAcls, requestSetsPublicAcl(req.context)),
      setting: 'BlockPublicAcls',
    };
  if (isPolicyPut(req.action)) {
    const doc = contextValues(req.context, REQUEST_POLICY_KEY);
    const pub: Tri =
      Array.isArray(doc) && doc[0] !== undefined
        ? isPublicPolicy({ name: 'requested policy', source: 'bucket-policy', document: doc[0] })
        : 'unknown';
    return { reject: and3(bpa.BlockPublicPolicy, pub), setting: 'BlockPublicPolicy' };
  }
  return { reject: false, setting: null };
}

export function bpaLayer(
  levels: readonly BpaLevel[],
  bpa: TriBpa,
  put: { reject: Tri; setting: BpaSetting | null },
  actual: Tri,
  withoutBpa: Tri,
  voided: string[],
  req: EngineRequest,
  relevant: boolean,
): LayerCalc {
  const where = (s: BpaSetting) => levelsWith(levels, s).join(', ') || 'unknown level';
  if (put.reject === true && put.setting) {
    const what = put.setting === 'BlockPublicAcls' ? 'a public ACL' : 'a public policy';
    return {
      result: layer(
        'block-public-access',
        'explicitly-denied',
        [],
        `${put.setting} (${where(put.setting)}) rejects ${req.action} with ${what}`,
      ),
      permit: false,
      deny: true,
    };
  }
  const missing = levels
    .filter((l) => l.value.status === 'unknown')
    .map((l) => factMissing(`${l.name} Block Public Access settings`, l.value));
  if (put.reject === 'unknown') {
    return {
      result: layer(
        'block-public-access',
        'unknown',
        [],
        `${put.setting} may reject ${req.action}`,
        missing.length ? missing : ['the ACL or policy in the request'],
      ),
      permit: 'unknown',
      deny: 'unknown',
    };
  }
  if (withoutBpa === true && actual === false) {
    return {
      result: layer(
        'block-public-access',
        'implicitly-denied',
        [],
        voided.join('; ') || 'Block Public Access voids the grant',
      ),
      permit: false,
      deny: false,
    };
  }
  if (withoutBpa === true && actual === 'unknown' && missing.length > 0) {
    return {
      result: layer(
        'block-public-access',
        'unknown',
        [],
        'Block Public Access may void the public grant',
        missing,
      ),
      permit: 'unknown',
      deny: false,
    };
  }
  // A public grant in play that could not be decided (an unreadable bucket policy, an object whose owner or ACL is
  // not known): RestrictPublicBuckets / IgnorePublicAcls may void it. When no grant survives them at all, everything
  // known points at Block Public Access (`leansDeny`).
  const voiding = (['RestrictPublicBuckets', 'IgnorePublicAcls'] as const).filter((s) => bpa[s] === true);
  if (missing.length === 0 && relevant && withoutBpa === 'unknown' && actual !== true && voiding.length > 0) {
    // it leans to deny when no grant survives, or when a grant known to name the caller is voided
    const all = actual === false || voided.length > 0;
    return {
      result: {
        ...layer(
          'block-public-access',
          'unknown',
          [],
          actual === false
            ? `${voiding.join(' and ')} void every public grant for this caller; whether a grant would apply without them could not be decided`
            : voided.length > 0
              ? `${voided.join('; ')}; whether another grant applies could not be decided`
              : `${voiding.join(' and ')} may void a public grant that could not be decided`,
          [
            'whether a public bucket-policy or ACL grant applies to this caller (a fact it depends on could not be read)',
          ],
        ),
        ...(all ? { leansDeny: true as const } : {}),
      },
      permit: 'unknown',
      deny: false,
    };
  }
  const on = BPA_SETTINGS.filter((s) => bpa[s] === true);
  if (missing.length > 0 && !relevant) {
    return notApplicable(
      'block-public-access',
      'no public grant and no public ACL or policy write is involved',
    );
  }
  if (missing.length > 0)
    return {
      result: layer(
        'block-public-access',
        'unknown',
        [],
        'some Block Public Access settings could not be read',
        missing,
      ),
      permit: true,
      deny: false,
    };
  if (on.length === 0)
    return notApplicable('block-public-access', 'Block Public Access is off at every level');
  return {
    result: layer(
      'block-public-access',
      'allowed',
      [],
      `${on.join(', ')} on; no public grant is needed for this request`,
    ),
    permit: true,
    deny: false,
  };
}

export const OWNER_ACL = 'bucket-owner-full-control';

export function ownershipPutReject(req: EngineRequest, enforced: Tri): Tri {
  const a = lowerKey(req.action);
  if (!['s3:putobject', 's3:putobjectacl', 's3:putobjectversionacl', 's3:putbucketacl'].includes(a))
    return false;
  const canned = contextValues(req.context, 's3:x-amz-acl');
  let sets: Tri;
  if (canned === 'unknown') sets = 'unknown';
  else if (canned === null)
    sets = a === 's3:putobject' ? false : 'unknown'; // the ACL may be in the body
  else sets = canned.some((v) => v.toLowerCase() !== OWNER_ACL);
  return and3(enforced, sets);
}

export function ownershipLayer(
  s3: NonNullable<AuthorizationInput['s3']>,
  facts: ScenarioFacts,
  putReject: Tri,
  actual: Tri,
  withoutOwnership: Tri,
  objectOwner: string | null,
  relevant: boolean,
): LayerCalc {
  const id = 'object-ownership';
  const own = s3.ownership;
  if (putReject === true) {
    return {
      result: layer(
        id,
        'explicitly-denied',
        [],
        `ACLs are disabled (BucketOwnerEnforced): a request that sets an ACL other than ${OWNER_ACL} fails (400 AccessControlListNotSupported)`,
      ),
      permit: false,
      deny: true,
    };
  }
  const missing: string[] = [];
  if (own.status === 'unknown') missing.push(factMissing('the Object Ownership setting', own));
  if (s3.objectOwnerAccountId?.status === 'unknown' && facts.enforced !== true)
    missing.push(factMissing("the object owner's account", s3.objectOwnerAccountId));
  if (putReject === 'unknown') {
    return {
      result: layer(
        id,
        'unknown',
        [],
        'ACLs may be disabled for an ACL-setting request',
        missing.length ? missing : ['the ACL in the request'],
      ),
      permit: 'unknown',
      deny: 'unknown',
    };
  }
  if (withoutOwnership === true && actual === false) {
    const note =
      facts.foreign === true && facts.enforced === false
        ? `the object is owned by account ${objectOwner}: the bucket policy's Allow does not cover it; only the object ACL can grant`
        : 'ACLs are disabled (BucketOwnerEnforced): the ACL grant is ignored';
    return { result: layer(id, 'implicitly-denied', [], note), permit: false, deny: false };
  }
  if (withoutOwnership === true && actual === 'unknown' && missing.length > 0) {
    return {
      result: layer(id, 'unknown', [], 'object ownership may void the grant', missing),
      permit: 'unknown',
      deny: false,
    };
  }
  if (missing.length > 0 && !relevant) {
    return notApplicable(
      id,
      "no ACL grant and no bucket-policy grant on another account's object is involved",
    );
  }
  if (missing.length > 0)
    return {
      result: layer(id, 'unknown', [], 'object ownership facts could not be read', missing),
      permit: true,
      deny: false,
    };
  const setting = own.status === 'known' ? (own.value ?? 'ObjectWriter (no ownership controls)') : 'unknown';
  if (facts.foreign === true && facts.enforced === false) {
    return {
      result: layer(
        id,
        'allowed',
        [],
        `${setting}; the object is owned by account ${objectOwner}, and its ACL grants the request`,
      ),
      permit: true,
      deny: false,
    };
  }
  return {
    result: layer(id, 'allowed', [], `${setting}; the bucket owner's policies cover this request`),
    permit: true,
    deny: false,
  };
}
