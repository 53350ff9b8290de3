/**
 * S3 Block Public Access: combining the account, bucket and access point settings (the most restrictive wins)
 * and the put-time checks of BlockPublicAcls / BlockPublicPolicy.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html
 */
import type { ConditionContext, Fact, PublicAccessBlock } from '../../model';
import type { Tri } from '../types';
import { loweredContext, lowerKey } from '../variables';
import { PUBLIC_CANNED_ACLS, ALL_USERS_URI, AUTHENTICATED_USERS_URI } from './public-acl';
import { or3 } from './tri';

export type BpaSetting = keyof Required<PublicAccessBlock>;
export const BPA_SETTINGS: readonly BpaSetting[] = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
];

/** The effective settings: a setting is on when any level turns it on. */
export function effectivePublicAccessBlock(
  ...levels: (PublicAccessBlock | null | undefined)[]
): Required<PublicAccessBlock> {
  const on = (s: BpaSetting): boolean => levels.some((l) => l != null && l[s] === true);
  return {
    BlockPublicAcls: on('BlockPublicAcls'),
    IgnorePublicAcls: on('IgnorePublicAcls'),
    BlockPublicPolicy: on('BlockPublicPolicy'),
    RestrictPublicBuckets: on('RestrictPublicBuckets'),
  };
}

export interface BpaLevel {
  readonly name: string; // "account", "bucket", "access point"
  readonly value: Fact<PublicAccessBlock | null>;
}

export type TriBpa = Readonly<Record<BpaSetting, Tri>>;

/** The effective settings when some levels are unknown: on if a known level turns it on, else unknown. */
export function effectiveTriBpa(levels: readonly BpaLevel[]): TriBpa {
  const flag = (s: BpaSetting): Tri =>
    or3(...levels.map((l): Tri => (l.value.status === 'unknown' ? 'unknown' : l.value.value?.[s] === true)));
  return {
    BlockPublicAcls: flag('BlockPublicAcls'),
    IgnorePublicAcls: flag('IgnorePublicAcls'),
    BlockPublicPolicy: flag('BlockPublicPolicy'),
    RestrictPublicBuckets: flag('RestrictPublicBuckets'),
  };
}

/** The levels that turn a setting on, for notes ("RestrictPublicBuckets (account)"). */
export function levelsWith(levels: readonly BpaLevel[], s: BpaSetting): string[] {
  return levels.filter((l) => l.value.status === 'known' && l.value.value?.[s] === true).map((l) => l.name);
}

/** Case-insensitive lookup of a context key: the value(s), null when absent, 'unknown' when not told. */
export function contextValues(ctx: ConditionContext, key: string): readonly string[] | null | 'unknown' {
  const lower = lowerKey(key);
  const l = loweredContext(ctx);
  const v = l.values.get(lower);
  if (v !== undefined) return v;
  if (l.absent.has(lower)) return null;
  if (l.unknown?.has(lower)) return 'unknown';
  return ctx.otherKeys === 'absent' ? null : 'unknown';
}

const ACL_PUT_ACTIONS: ReadonlySet<string> = new Set([
  's3:putbucketacl',
  's3:putobjectacl',
  's3:putobjectversionacl',
  's3:putobject',
  's3:createbucket',
]);
const POLICY_PUT_ACTIONS: ReadonlySet<string> = new Set(['s3:putbucketpolicy', 's3:putaccesspointpolicy']);
const GRANT_HEADERS = [
  's3:x-amz-grant-read',
  's3:x-amz-grant-write',
  's3:x-amz-grant-read-acp',
  's3:x-amz-grant-write-acp',
  's3:x-amz-grant-full-control',
];

/**
 * The engine-private context key that carries the policy document of a PutBucketPolicy / PutAccessPointPolicy
 * request (JSON text), so that BlockPublicPolicy can be checked. No IAM condition key carries it.
 */
export const REQUEST_POLICY_KEY = 's3-403:RequestPolicy';

export const isAclPut = (action: string): boolean => ACL_PUT_ACTIONS.has(lowerKey(action));
export const isPolicyPut = (action: string): boolean => POLICY_PUT_ACTIONS.has(lowerKey(action));

/**
 * Whether the request sets a public ACL: x-amz-acl with a public canned ACL, or a grant header naming
 * AllUsers / AuthenticatedUsers. 'unknown' when the request context does not tell.
 */
export function requestSetsPublicAcl(ctx: ConditionContext): Tri {
  let unknown = false;
  const canned = contextValues(ctx, 's3:x-amz-acl');
  if (canned === 'unknown') unknown = true;
  else if (canned?.some((v) => PUBLIC_CANNED_ACLS.has(v.toLowerCase()))) return true;
  for (const h of GRANT_HEADERS) {
    const v = contextValues(ctx, h);
    if (v === 'unknown') continue; // grant headers are rare; x-amz-acl decides when they are not recorded
    if (v?.some((g) => g.includes(ALL_USERS_URI) || g.includes(AUTHENTICATED_USERS_URI))) return true;
  }
  return unknown ? 'unknown' : false;
}
