/**
 * Request-level authorization for the KMS call S3 makes on the caller's behalf (kms:Decrypt, kms:GenerateDataKey).
 *
 * - The key policy must allow: directly (naming the principal) or by trusting the account (root principal),
 *   in which case the IAM identity policy decides.
 *   https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 * - Grants can allow: grantee principal, operation and encryption-context constraints.
 *   https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
 * - Cross account: the key policy AND the caller's identity policy must allow.
 *   https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 * - AWS managed keys (aws/s3) cannot be used from another account, and RCPs do not apply to them; their key policy,
 *   set by AWS, lets the principals of the key's account use the key through the service (kms:CallerAccount +
 *   kms:ViaService), so when it was not read the engine applies that rule.
 *   https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html (cross-account: a customer managed key)
 *   https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html
 * - Grants are treated as usable without an IAM policy in the grantee's account (inferred from the grants page).
 * - An anonymous request cannot use a KMS key at all: every GET and PUT of an SSE-KMS object must be signed with
 *   Signature Version 4, so no key policy, grant or bucket policy makes it work: no Allow can apply (an implicit
 *   deny by rule `anonymous-caller`, as for an AWS managed key used from another account).
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-server-side-encryption-aws-kms-key-id)
 *   https://repost.aws/knowledge-center/s3-kms-signature-version-error
 */
import type { KmsGrant } from '../model';
import { withInferred } from './inferred';
import type { AuthorizationResult, EngineRequest, KmsAuthorizationInput, LayerResult, Tri } from './types';
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
import { factMissing, layer, resultsOf, withReferenceEvaluation, type LayerCalc } from './s3/evaluate';
import { addGrant, emptyGrants, keySideGrant, type CallerMode, type Chain } from './s3/grants';
import { grantLayer, resourcePolicy, type ResourcePolicy } from './s3/resource-policy';
import { and3, merge3, or3 } from './s3/tri';
import { contextValues } from './s3/bpa';
import { serviceGrantNote } from './s3/service-grant';

const contextValue = (req: EngineRequest, key: string): string | null => {
  const v = contextValues(req.context, key);
  return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
};

const sameAccountOf = (req: EngineRequest): Tri => {
  const a = req.principal.accountId;
  const b = req.resourceAccountId;
  return a === null || b === null ? 'unknown' : a === b;
};

/**
 * Whether the encryption context meets the grant's constraints. In a grant constraint the key of each pair is not
 * case sensitive, its value is: https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html
 */
function contextMatches(grant: KmsGrant, ec: Readonly<Record<string, string>>): boolean {
  const byKey = new Map(Object.entries(ec).map(([k, v]) => [k.toLowerCase(), v]));
  const has = (k: string, v: string) => byKey.get(k.toLowerCase()) === v;
  const eq = grant.Constraints?.EncryptionContextEquals;
  if (eq) {
    const pairs = Object.entries(eq);
    if (pairs.length !== Object.keys(ec).length) return false;
    if (!pairs.every(([k, v]) => has(k, v))) return false;
  }
  const sub = grant.Constraints?.EncryptionContextSubset;
  if (sub && !Object.entries(sub).every(([k, v]) => has(k, v))) return false;
  return true;
}

interface GrantMatch {
  readonly grant: KmsGrant;
  readonly category: 'direct' | 'account';
  readonly label: string;
}

function matchGrants(
  grants: readonly KmsGrant[],
  input: KmsAuthorizationInput,
): { matches: GrantMatch[]; nearMiss: string | null } {
  const req = input.request;
  const p = req.principal;
  const op = req.action.replace(/^kms:/i, '').toLowerCase();
  const direct = new Set([p.arn, p.identityArn, p.serviceName].filter((x): x is string => !!x));
  const account = p.accountId
    ? new Set([p.accountId, `arn:aws:iam::${p.accountId}:root`])
    : new Set<string>();
  const matches: GrantMatch[] = [];
  let nearMiss: string | null = null;
  grants.forEach((g, i) => {
    const label = `grant ${g.Name ?? g.GrantId ?? `#${i + 1}`}`;
    const grantee = g.GranteePrincipal ?? '';
    const category = direct.has(grantee) ? 'direct' : account.has(grantee) ? 'account' : null;
    if (category === null) return;
    if (!g.Operations.some((o) => o.toLowerCase() === op)) {
      nearMiss ??= `${label} to ${grantee} does not include ${req.action.replace(/^kms:/i, '')}`;
      return;
    }
    if (!contextMatches(g, input.encryptionContext)) {
      nearMiss ??= `${label} to ${grantee}: its encryption-context constraint does not match ${JSON.stringify(input.encryptionContext)}`;
      return;
    }
    matches.push({ grant: g, category, label });
  });
  return { matches, nearMiss };
}

function grantsLayer(
  input: KmsAuthorizationInput,
  usable: boolean,
  chain: Chain,
  keyGrant: Tri,
): { calc: LayerCalc; grant: Tri } {
  const f = input.grants;
  if (f.status === 'unknown' && keyGrant === true && usable) {
    // a grant can only allow: the key policy already does
    return {
      calc: {
        result: layer('kms-grants', 'not-applicable', [], 'the key policy allows: no grant is needed'),
        permit: true,
        deny: false,
      },
      grant: false,
    };
  }
  // no grant can make an unusable key usable: what the grants are does not matter
  if (!usable)
    return {
      calc: {
        result: layer('kms-grants', 'not-applicable', [], 'the key cannot be used by this caller'),
        permit: false,
        deny: false,
      },
      grant: false,
    };
  if (f.status === 'unknown') {
    const missing = factMissing('the grants of the KMS key', f);
    return {
      calc: {
        result: layer('kms-grants', 'unknown', [], `could not read ${missing}`, [missing]),
        permit: 'unknown',
        deny: false,
      },
      grant: 'unknown',
    };
  }
  const { matches, nearMiss } = matchGrants(f.value, input);
  const full = and3(chain.identity, chain.boundary, chain.session);
  const grant = or3(
    matches.some((m) => m.category === 'direct'),
    matches.some((m) => m.category === 'account') ? full : false,
  );
  if (grant === true) {
    const m = matches[0] as GrantMatch;
    return {
      calc: {
        result: layer(
          'kms-grants',
          'allowed',
          [],
          `${m.label} gives ${m.grant.GranteePrincipal} ${input.request.action}`,
        ),
        permit: true,
        deny: false,
      },
      grant,
    };
  }
  if (grant === 'unknown') {
    return {
      calc: {
        result: layer(
          'kms-grants',
          'unknown',
          [],
          'a grant to the account needs its IAM policies to allow too',
          ['the identity-based policies, boundary or session policy'],
        ),
        permit: 'unknown',
        deny: false,
      },
      grant,
    };
  }
  const note =
    f.value.length === 0
      ? 'the key has no grants'
      : (nearMiss ??
        `no grant names ${input.request.principal.identityArn ?? input.request.principal.arn ?? 'the caller'}`);
  return {
    calc: { result: layer('kms-grants', 'implicitly-denied', [], note), permit: false, deny: false },
    grant,
  };
}

function keyStateCalc(state: string | null): { permit: Tri; note: string | null } {
  if (state === null) return { permit: 'unknown', note: null };
  if (state === 'Enabled') return { permit: true, note: null };
  return { permit: false, note: `the key is ${state}: KMS refuses cryptographic operations with it` };
}

/**
 * The decision, with the recorded facts first and, where they leave a layer unknown, the values the record only
 * implies (marked `dependsOnInferred`: ./inferred.ts).
 */
export function authorizeKms(input: KmsAuthorizationInput): AuthorizationResult {
  return withInferred(input, authorizeKmsKnown);
}

function authorizeKmsKnown(input: KmsAuthorizationInput): AuthorizationResult {
  const req = input.request;
  const kind = callerKind(req.principal);
  const awsManaged = input.keyManager === 'AWS';
  const hasBoundary =
    input.permissionsBoundary?.status === 'known' && input.permissionsBoundary.value !== null;

  const rcp = rcpCalc(input, awsManaged ? 'RCPs do not apply to AWS managed keys' : null);
  const scp = scpCalc(input);
  const identity = identityCalc(input);
  const boundary = boundaryCalc(input);
  const session = sessionCalc(input);
  const chain = chainOf(identity, boundary, session);

  const inAccount = kind === 'anonymous' || kind === 'service' ? false : sameAccountOf(req);
  const modeOf = (same: boolean): CallerMode =>
    kind === 'anonymous' || kind === 'service' ? 'no-identity' : same ? 'same-account' : 'cross-account';
  const alternatives: boolean[] = inAccount === 'unknown' ? [true, false] : [inAccount];
  const crossAwsManaged: Tri = awsManaged ? (inAccount === 'unknown' ? 'unknown' : !inAccount) : false;

  const pol: ResourcePolicy = resourcePolicy(input.keyPolicy, req, hasBoundary);
  // An AWS managed key whose policy was not read: AWS's own policy lets the key's account use it through the service.
  const viaService = contextValue(req, 'kms:ViaService');
  const awsManagedByRule =
    awsManaged && input.keyPolicy.status === 'unknown' && inAccount === true && viaService !== null;
  // an anonymous request cannot use a KMS key: no key policy statement grants it
  const anonymous = kind === 'anonymous';
  const keyGrant = anonymous
    ? false
    : awsManagedByRule
      ? true
      : merge3(
          alternatives.map((same) => {
            if (awsManaged && !same) return false;
            const g = emptyGrants();
            for (const x of pol.grants) addGrant(g, x.category, x.matched);
            return keySideGrant(g, modeOf(same), chain);
          }),
        );
  const ownAllow = merge3(
    alternatives.map((same) => {
      if (awsManaged && !same) return false;
      return or3(...pol.grants.map((x) => x.matched));
    }),
  );
  const state = keyStateCalc(input.keyState);

  let key: LayerCalc;
  if (state.permit === false) {
    key = {
      result: layer(
        'kms-key-policy',
        'explicitly-denied',
        pol.evaluated ? [pol.evaluated.ev] : [],
        state.note ?? 'key unusable',
      ),
      permit: false,
      deny: true,
    };
  } else if (anonymous) {
    key = {
      result: {
        ...layer(
          'kms-key-policy',
          'implicitly-denied',
          [],
          'S3 cannot use a KMS key for an anonymous request: an SSE-KMS object is read or written only with a signed (Signature Version 4) request',
        ),
        rule: 'anonymous-caller',
      },
      permit: false,
      deny: false,
    };
  } else if (crossAwsManaged === true) {
    key = {
      result: {
        ...layer(
          'kms-key-policy',
          'implicitly-denied',
          pol.evaluated ? [pol.evaluated.ev] : [],
          'an AWS managed key cannot be used from another account',
        ),
        rule: 'aws-managed-key',
      },
      permit: false,
      deny: pol.deny === 'unknown' && input.keyPolicy.status === 'unknown' ? false : pol.deny,
    };
  } else if (awsManagedByRule) {
    key = {
      result: {
        ...layer(
          'kms-key-policy',
          'allowed',
          [],
          `AWS managed key: its key policy, set by AWS, lets every principal of account ${req.resourceAccountId ?? '(the key owner)'} use it through ${viaService ?? 'the service'}`,
        ),
        rule: 'aws-managed-key',
      },
      permit: true,
      deny: false,
    };
  } else {
    key = grantLayer(
      'kms-key-policy',
      pol,
      input.keyPolicy,
      'key policy',
      ownAllow,
      null,
      req,
      inAccount === true,
    );
    if (state.permit === 'unknown')
      key = { ...key, result: { ...key.result, missing: [...(key.result.missing ?? []), 'the key state'] } };
  }

  const usable = state.permit !== false && crossAwsManaged !== true && !anonymous;
  const grants = grantsLayer(input, usable, chain, keyGrant);

  const grant = or3(keyGrant, grants.grant);
  const allow = and3(rcp.permit, scp.permit, state.permit, grant);
  const ordered = [rcp, scp, key, grants.calc, identity, boundary, session];
  const decision = finalDecision(ordered, allow);
  const layers: LayerResult[] = resultsOf(ordered);
  // an AWS service caller (CloudFront reading an SSE-KMS object): the key policy's grants to that service
  const service = serviceGrantNote(pol, req, 'kms-key-policy');
  return { decision, layers, grant, ...(service !== undefined ? { service } : {}) };
}

/** The reference engine for KMS (see authorizeReference): every policy traced in full, eagerly. */
export function authorizeKmsReference(input: KmsAuthorizationInput): AuthorizationResult {
  return withReferenceEvaluation(() => authorizeKms(input));
}
