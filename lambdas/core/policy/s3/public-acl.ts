/**
 * Public ACLs. An ACL is public when it grants anything to the AllUsers or AuthenticatedUsers group.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html ("The meaning of public")
 */
import type { Acl, AclGrant } from '../../model';

export const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS_URI = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY_URI = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

/** Canned ACLs (x-amz-acl) that grant to AllUsers or AuthenticatedUsers. */
export const PUBLIC_CANNED_ACLS: ReadonlySet<string> = new Set([
  'public-read',
  'public-read-write',
  'authenticated-read',
]);

const normalizeUri = (uri: string): string => uri.trim().replace(/^https:/i, 'http:');

export function isPublicGrant(grant: AclGrant): boolean {
  const uri = grant.Grantee?.URI;
  if (typeof uri !== 'string') return false;
  const u = normalizeUri(uri);
  return u === ALL_USERS_URI || u === AUTHENTICATED_USERS_URI;
}

export function isPublicAcl(acl: Acl): boolean {
  return Array.isArray(acl?.Grants) && acl.Grants.some((g) => g != null && isPublicGrant(g));
}

export function granteeUri(grant: AclGrant): string | null {
  const uri = grant.Grantee?.URI;
  return typeof uri === 'string' ? normalizeUri(uri) : null;
}
