/**
 * S3 ACLs: which ACL permission an action needs (bucket ACL for bucket actions and object writes, object ACL
 * for object reads and object ACL actions) and which grants match the caller.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 * ("Mapping of ACL permissions and access policy permissions")
 */
import type { Acl, AclGrant } from '../../model';
import type { Tri } from '../types';
import { lowerKey } from '../variables';
import {
  ALL_USERS_URI,
  AUTHENTICATED_USERS_URI,
  LOG_DELIVERY_URI,
  granteeUri,
  isPublicGrant,
} from './public-acl';

export type AclScope = 'bucket' | 'object';

export interface AclNeed {
  readonly scope: AclScope;
  /** The ACL permission that maps to the action (FULL_CONTROL also grants it). */
  readonly permission: 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';
}

const NEEDS: Readonly<Record<string, AclNeed>> = {
  's3:getobject': { scope: 'object', permission: 'READ' },
  's3:getobjectversion': { scope: 'object', permission: 'READ' },
  's3:getobjecttorrent': { scope: 'object', permission: 'READ' },
  's3:getobjectversiontorrent': { scope: 'object', permission: 'READ' },
  's3:getobjectacl': { scope: 'object', permission: 'READ_ACP' },
  's3:getobjectversionacl': { scope: 'object', permission: 'READ_ACP' },
  's3:putobjectacl': { scope: 'object', permission: 'WRITE_ACP' },
  's3:putobjectversionacl': { scope: 'object', permission: 'WRITE_ACP' },
  's3:listbucket': { scope: 'bucket', permission: 'READ' },
  's3:listbucketversions': { scope: 'bucket', permission: 'READ' },
  's3:listbucketmultipartuploads': { scope: 'bucket', permission: 'READ' },
  's3:putobject': { scope: 'bucket', permission: 'WRITE' },
  's3:deleteobject': { scope: 'bucket', permission: 'WRITE' },
  's3:getbucketacl': { scope: 'bucket', permission: 'READ_ACP' },
  's3:putbucketacl': { scope: 'bucket', permission: 'WRITE_ACP' },
};

/** The ACL permission an action maps to, or null when no ACL permission grants it. */
export function aclNeedFor(action: string): AclNeed | null {
  return NEEDS[lowerKey(action)] ?? null;
}

export interface AclCaller {
  readonly anonymous: boolean;
  /** The canonical user id of the caller's account, when known. */
  readonly canonicalId: string | null;
  /** AWS service principal name, for service callers. */
  readonly serviceName: string | null;
  /**
   * Canonical user ids the facts can place even when the caller's own is not known (the bucket owner's, the object
   * owner's), with whether the caller belongs to that account.
   */
  readonly owners: readonly { readonly id: string; readonly inAccount: Tri }[];
}

export interface AclGrantMatch {
  readonly index: number; // 1-based position in Grants
  readonly grant: AclGrant;
  /** AllUsers / AuthenticatedUsers grant (ignored under IgnorePublicAcls). */
  readonly isPublic: boolean;
  /** direct: a group grant, usable without identity policies; account: a grant to the caller's account. */
  readonly category: 'direct' | 'account';
  readonly matched: Tri;
  readonly detail: string;
}

function granteeMatches(grant: AclGrant, caller: AclCaller): Tri {
  const uri = granteeUri(grant);
  if (uri === ALL_USERS_URI) return true;
  if (uri === AUTHENTICATED_USERS_URI) return !caller.anonymous;
  if (uri === LOG_DELIVERY_URI) return caller.serviceName === 'logging.s3.amazonaws.com';
  const id = grant.Grantee?.ID;
  if (typeof id !== 'string' || caller.anonymous || caller.serviceName) return false;
  if (caller.canonicalId) return id === caller.canonicalId;
  const owner = caller.owners.find((o) => o.id === id);
  if (owner) return owner.inAccount;
  return 'unknown'; // the caller's canonical id is not known: a grant to another id may be to its account
}

const grantsPermission = (grant: AclGrant, need: AclNeed): boolean =>
  grant.Permission === 'FULL_CONTROL' || grant.Permission === need.permission;

function describe(grant: AclGrant): string {
  const uri = granteeUri(grant);
  if (uri) return uri.slice(uri.lastIndexOf('/') + 1);
  return `canonical user ${grant.Grantee?.ID ?? grant.Grantee?.EmailAddress ?? '?'}`;
}

/** The grants of `acl` that give `need` and may match the caller (matched !== false). */
export function matchAcl(acl: Acl, need: AclNeed, caller: AclCaller): AclGrantMatch[] {
  const out: AclGrantMatch[] = [];
  const grants = Array.isArray(acl?.Grants) ? acl.Grants : [];
  grants.forEach((grant, i) => {
    if (grant == null || !grantsPermission(grant, need)) return;
    const matched = granteeMatches(grant, caller);
    if (matched === false) return;
    const isPublic = isPublicGrant(grant);
    out.push({
      index: i + 1,
      grant,
      isPublic,
      category: granteeUri(grant) ? 'direct' : 'account',
      matched,
      detail: `${need.scope} ACL grant #${i + 1}: ${grant.Permission} to ${describe(grant)}`,
    });
  });
  return out;
}
