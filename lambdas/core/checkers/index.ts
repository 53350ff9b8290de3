/**
 * Every root-cause checker, one per contract id (model.ts ROOT_CAUSE_IDS), one file each.
 * Adding a root cause: a new file exporting `checker`, its scenarios, and one line here.
 */
import type { Checker } from './types';
import { checker as accessPointPolicy } from './access-point-policy';
import { checker as blockPublicAccess } from './block-public-access';
import { checker as bucketPolicyExplicitDeny } from './bucket-policy-explicit-deny';
import { checker as crossAccountNoBucketGrant } from './cross-account-no-bucket-grant';
import { checker as identityPolicyExplicitDeny } from './identity-policy-explicit-deny';
import { checker as identityPolicyNoAllow } from './identity-policy-no-allow';
import { checker as kmsKeyAccess } from './kms-key-access';
import { checker as mfaDelete } from './mfa-delete';
import { checker as missingObjectNoList } from './missing-object-no-list';
import { checker as objectLock } from './object-lock';
import { checker as objectOwnershipAcl } from './object-ownership-acl';
import { checker as permissionsBoundary } from './permissions-boundary';
import { checker as rcpDeny } from './rcp-deny';
import { checker as requestExpiredOrInvalid } from './request-expired-or-invalid';
import { checker as requesterPays } from './requester-pays';
import { checker as resourceArnMismatch } from './resource-arn-mismatch';
import { checker as scpDeny } from './scp-deny';
import { checker as servicePrincipalGrant } from './service-principal-grant';
import { checker as sessionPolicy } from './session-policy';
import { checker as sseCBlocked } from './sse-c-blocked';
import { checker as vpcEndpointPolicy } from './vpc-endpoint-policy';

/** In the order a reader checks them: request, organization, network, resource, identity, encryption. */
export const CHECKERS: readonly Checker[] = [
  requestExpiredOrInvalid,
  rcpDeny,
  scpDeny,
  vpcEndpointPolicy,
  accessPointPolicy,
  bucketPolicyExplicitDeny,
  blockPublicAccess,
  objectOwnershipAcl,
  requesterPays,
  objectLock,
  sseCBlocked,
  mfaDelete,
  servicePrincipalGrant,
  crossAccountNoBucketGrant,
  identityPolicyExplicitDeny,
  resourceArnMismatch,
  identityPolicyNoAllow,
  permissionsBoundary,
  sessionPolicy,
  kmsKeyAccess,
  missingObjectNoList,
];

export type { Checker, CheckerInput, CheckResult, NeedEvaluation } from './types';
