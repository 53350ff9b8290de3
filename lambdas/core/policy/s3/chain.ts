/**
 * The layers shared by S3 and KMS authorization: RCPs, SCPs, identity policies, permissions boundary and
 * session policy, and the final combination rule.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 */
import type { Fact, NamedPolicy, OrgLevel } from '../../model';
import type { Decision, EnginePrincipal, EngineRequest, Tri } from '../types';
import type { Chain } from './grants';
import {
  evaluate,
  factMissing,
  guardrail,
  layer,
  notApplicable,
  orgLayer,
  policyGuardrail,
  unknownFact,
  type LayerCalc,
} from './evaluate';

export interface ChainInput {
  readonly request: EngineRequest;
  readonly identityPolicies: Fact<readonly NamedPolicy[]> | null;
  readonly permissionsBoundary: Fact<NamedPolicy | null> | null;
  readonly sessionPolicy: Fact<NamedPolicy | null> | null;
  readonly scpLevels: Fact<readonly OrgLevel[] | null>;
  readonly rcpLevels: Fact<readonly OrgLevel[] | null>;
  readonly principalIsManagementAccount?: boolean;
  readonly resourceIsManagementAccount?: boolean;
}

export type CallerKind = 'anonymous' | 'service' | 'root' | 'iam';

export function callerKind(p: EnginePrincipal): CallerKind {
  if (p.type === 'Anonymous') return 'anonymous';
  if (p.type === 'AWSService') return 'service';
  if (p.type === 'Root') return 'root';
  return 'iam';
}

/** Service-linked roles live under the /aws-service-role/ path. */
export const isServiceLinkedRole = (p: EnginePrincipal): boolean =>
  (p.identityArn ?? p.arn ?? '').includes(':role/aws-service-role/');

/**
 * SCPs apply to the IAM users, roles and root user of member accounts; not to the management account,
 * not to service-linked roles, not to anonymous callers or service principals.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
export function scpCalc(i: ChainInput): LayerCalc {
  const p = i.request.principal;
  const kind = callerKind(p);
  if (kind === 'anonymous' || kind === 'service')
    return notApplicable(
      'scp',
      `SCPs do not apply to ${kind === 'anonymous' ? 'anonymous callers' : 'AWS service principals'}`,
    );
  if (i.principalIsManagementAccount)
    return notApplicable('scp', "SCPs do not apply to the organization's management account");
  if (isServiceLinkedRole(p)) return notApplicable('scp', 'SCPs do not apply to service-linked roles');
  if (i.scpLevels.status === 'unknown')
    return unknownFact('scp', factMissing("the SCPs on the caller's organization path", i.scpLevels));
  if (i.scpLevels.value === null)
    return notApplicable('scp', "the caller's account is not in an organization");
  return orgLayer('scp', i.scpLevels.value, i.request);
}

/**
 * RCPs apply to the resources of member accounts, whoever the caller is; not to the management account's
 * resources and not to service-linked roles.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 */
export function rcpCalc(i: ChainInput, exemption: string | null = null): LayerCalc {
  if (exemption !== null) return notApplicable('rcp', exemption);
  if (i.resourceIsManagementAccount)
    return notApplicable('rcp', "RCPs do not apply to the management account's resources");
  if (isServiceLinkedRole(i.request.principal))
    return notApplicable('rcp', 'RCPs do not apply to service-linked roles');
  if (i.rcpLevels.status === 'unknown')
    return unknownFact(
      'rcp',
      factMissing("the RCPs on the resource account's organization path", i.rcpLevels),
    );
  if (i.rcpLevels.value === null)
    return notApplicable('rcp', "the resource's account is not in an organization");
  return orgLayer('rcp', i.rcpLevels.value, i.request);
}

export function identityCalc(i: ChainInput): LayerCalc {
  const p = i.request.principal;
  const kind = callerKind(p);
  if (kind === 'anonymous' || kind === 'service') {
    return notApplicable(
      'identity-policy',
      `${kind === 'anonymous' ? 'an anonymous caller' : 'an AWS service principal'} has no identity-based policies`,
    );
  }
  if (kind === 'root') {
    return {
      result: layer(
        'identity-policy',
        'allowed',
        [],
        'the root user has every permission in its own account',
      ),
      permit: true,
      deny: false,
    };
  }
  const f = i.identityPolicies;
  if (f === null)
    return unknownFact(
      'identity-policy',
      `the identity-based policies of ${p.identityArn ?? p.arn ?? 'the caller'}`,
    );
  if (f.status === 'unknown')
    return unknownFact(
      'identity-policy',
      factMissing(`the identity-based policies of ${p.identityArn ?? 'the caller'}`, f),
    );
  if (f.value.length === 0) {
    return {
      result: layer(
        'identity-policy',
        'implicitly-denied',
        [],
        `${p.identityArn ?? 'the caller'} has no identity-based policies`,
      ),
      permit: false,
      deny: false,
    };
  }
  return guardrail(
    'identity-policy',
    f.value.map((pol) => evaluate(pol, i.request)),
    'identity-based policies',
    i.request.action,
  );
}

const noIam = (p: EnginePrincipal): string | null => {
  const kind = callerKind(p);
  if (kind === 'anonymous') return 'an anonymous caller';
  if (kind === 'service') return 'an AWS service principal';
  if (kind === 'root') return 'the root user';
  return null;
};

export function boundaryCalc(i: ChainInput): LayerCalc {
  const who = noIam(i.request.principal);
  if (who) return notApplicable('permissions-boundary', `no permissions boundary for ${who}`);
  return policyGuardrail(
    'permissions-boundary',
    i.permissionsBoundary,
    i.request,
    'permissions boundary',
    'no permissions boundary applies',
    'the principal has no permissions boundary',
  );
}

export function sessionCalc(i: ChainInput): LayerCalc {
  const who = noIam(i.request.principal);
  if (who) return notApplicable('session-policy', `no session policy for ${who}`);
  return policyGuardrail(
    'session-policy',
    i.sessionPolicy,
    i.request,
    'session policy',
    'the caller is not a session',
    'the session was created without a session policy',
  );
}

export const chainOf = (identity: LayerCalc, boundary: LayerCalc, session: LayerCalc): Chain => ({
  identity: identity.permit,
  boundary: boundary.permit,
  session: session.permit,
});

/**
 * An explicit deny anywhere is decisive; otherwise allowed only when the allow formula is true and no layer
 * that might hold a Deny is unknown. A request that the known facts already deny is implicitly denied.
 */
export function finalDecision(calcs: readonly LayerCalc[], allow: Tri): Decision | 'unknown' {
  if (calcs.some((c) => c.deny === true)) return 'explicitly-denied';
  if (allow === false) return 'implicitly-denied';
  if (allow === true && !calcs.some((c) => c.deny === 'unknown')) return 'allowed';
  return 'unknown';
}
