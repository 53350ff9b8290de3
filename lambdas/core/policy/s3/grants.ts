/**
 * Resource-side grants and how they combine with the caller's identity chain.
 *
 * Same account (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html):
 * either the identity-based or the resource-based policy may allow. But what a resource-policy Allow does depends
 * on the principal it names (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html):
 *  - direct: a role session ARN, an IAM user ARN, a federated user session, a service principal or "*":
 *    grants even when the boundary / session policy has no Allow;
 *  - role: the role ARN of the caller's session: still limited by the boundary and the session policy;
 *  - account: the account (id, root ARN) or its canonical user: only delegates to the account's IAM policies.
 * Cross account (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):
 * the resource side must grant (any kind) AND the caller's identity chain must allow.
 * Treating "*" like a direct grant for a role session is inferred (it names the session itself).
 */
import type { EnginePrincipal, StatementTrace, Tri } from '../types';
import { and3, or3 } from './tri';

export type GrantCategory = 'direct' | 'role' | 'account';
export type PrincipalMatchKind = 'wildcard' | 'account' | 'identity' | 'session' | 'service' | 'canonical';

export interface GrantSet {
  direct: Tri;
  role: Tri;
  account: Tri;
}

export const emptyGrants = (): GrantSet => ({ direct: false, role: false, account: false });

export function addGrant(g: GrantSet, category: GrantCategory, matched: Tri): void {
  g[category] = or3(g[category], matched);
}

export const anyGrant = (g: GrantSet): Tri => or3(g.direct, g.role, g.account);

/** Whether the caller acts through a session of an IAM identity (role session, federated user). */
export const hasSession = (p: EnginePrincipal): boolean =>
  p.arn !== null && p.identityArn !== null && p.arn !== p.identityArn;

export const matchKindOf = (s: StatementTrace): PrincipalMatchKind | undefined =>
  (s as StatementTrace & { readonly principalMatchKind?: PrincipalMatchKind }).principalMatchKind;

/** The category of an Allow statement of a resource policy; an unreported kind is treated as "account" (safest). */
export function categoryOf(kind: PrincipalMatchKind | undefined, p: EnginePrincipal): GrantCategory {
  switch (kind) {
    case 'service':
    case 'wildcard':
    case 'session':
      return 'direct';
    case 'identity':
      return hasSession(p) ? 'role' : 'direct';
    default:
      return 'account';
  }
}

/** The caller's identity chain: identity policies, permissions boundary, session policy (true when not applicable). */
export interface Chain {
  readonly identity: Tri;
  readonly boundary: Tri;
  readonly session: Tri;
}

export type CallerMode = 'same-account' | 'cross-account' | 'no-identity';

/** Whether one resource side (bucket policy + ACL, access point policy) lets the request through. */
export function sideGrant(g: GrantSet, mode: CallerMode, chain: Chain): Tri {
  if (mode === 'no-identity') return anyGrant(g);
  const full = and3(chain.identity, chain.boundary, chain.session);
  if (mode === 'cross-account') return and3(anyGrant(g), full);
  return or3(g.direct, and3(g.role, chain.boundary, chain.session), full);
}

/**
 * KMS: in the same account the key policy must allow, directly or by trusting the account so that IAM
 * policies decide (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html#key-policy-default-allow-root-enable-iam).
 */
export function keySideGrant(g: GrantSet, mode: CallerMode, chain: Chain): Tri {
  if (mode !== 'same-account') return sideGrant(g, mode, chain);
  const full = and3(chain.identity, chain.boundary, chain.session);
  return or3(g.direct, and3(g.role, chain.boundary, chain.session), and3(g.account, full));
}
