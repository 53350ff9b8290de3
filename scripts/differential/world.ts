/**
 * The differential world: one generated set of facts (accounts, identities, organization, bucket, endpoint) and one
 * request, from which BOTH engines' inputs are derived, so both decide the very same question:
 *  - ours: a snapshot (docs/SNAPSHOT.md) loaded by the snapshot adapter and a `simulate` request;
 *  - the oracle (@cloud-copilot/iam-simulate): its `Simulation` input, whose request context this module fills
 *    with every key AWS would put there (iam-simulate derives none itself).
 *
 * The request context AWS builds is the reference: aws:PrincipalArn, aws:userid, aws:PrincipalOrgPaths, … follow
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html. Our engine gets only
 * the keys the request itself carries and derives the snapshot-determined ones itself (that derivation is under
 * test too).
 */

export type Stmt = Record<string, unknown>;
export interface Doc {
  readonly Version: '2012-10-17';
  Statement: Stmt[];
}

export const A = '111111111111'; // bucket owner
export const B = '222222222222'; // another account of the same organization
export const C = '333333333333'; // an account outside the organization
export const M = '444444444444'; // the organization's management account (never a caller or bucket owner here)
/** A central network account: owns the VPC endpoint of some requests, never a caller or bucket owner. */
export const N = '555555555555';
/** N's OU in the organization (when there is one). */
export const OU_N = 'ou-ab12-55555555';
export const ORG_ID = 'o-a1b2c3d4e5';
export const ROOT_ID = 'r-ab12';
export const BUCKET = 'data-bucket';
export const REGION = 'us-east-1';
export const OWNER_CANONICAL = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

export interface Identity {
  readonly kind: 'user' | 'role';
  readonly account: string;
  readonly name: string;
  /** IAM path, "/" or "/team/". */
  readonly path: string;
  /** AIDA… / AROA… unique id. */
  readonly id: string;
  tags: Record<string, string>;
  inline: Doc[];
  managed: Doc[];
  /** Users only: the inline policies of the user's one group. */
  group: Doc[];
  boundary: Doc | null;
}

export interface Caller {
  readonly kind: 'user' | 'session' | 'anonymous';
  readonly identity: Identity | null;
  readonly sessionName: string | null;
  /** Sessions only: the session policy passed to AssumeRole (null = none). */
  sessionPolicy: Doc | null;
}

export interface OrgPolicy {
  readonly id: string;
  readonly name: string;
  readonly targets: string[];
  doc: Doc;
}

export interface Org {
  /** OU ids below the root, root first, per member account (A and B). */
  readonly paths: Readonly<Record<string, readonly string[]>>;
  scps: OrgPolicy[];
  rcps: OrgPolicy[];
  /** Whether the snapshot lists RCPFullAWSAccess on every level (as list-policies shows it) or leaves it implied. */
  listsRcpFullAccess: boolean;
}

export interface World {
  caller: Caller;
  org: Org | null;
  bucketPolicy: Doc | null;
  /**
   * The VPC endpoint the request came through (policy null = the default full-access policy), and the account that
   * owns it (aws:VpceAccount; its organization gives aws:VpceOrgID / aws:VpceOrgPaths).
   */
  vpce: { readonly id: string; readonly vpc: string; owner: string; policy: Doc | null } | null;
  /**
   * S3 ABAC on the bucket (get-bucket-abac) and its tags (get-bucket-tagging): with ABAC enabled the tags are
   * aws:ResourceTag/<key>; disabled, every aws:ResourceTag key is absent.
   */
  abac: { enabled: boolean; tags: Record<string, string> };
  /** S3 Block Public Access RestrictPublicBuckets on the bucket owner's account (all other settings off). */
  restrictPublicBuckets: boolean;
  readonly action: string;
  /** Object key, or null for a bucket-level action. */
  readonly key: string | null;
  /** Keys the request itself carries (not the ones the snapshot determines). */
  context: Record<string, string | string[]>;
}

export const FULL_ACCESS: Doc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export const resourceArn = (w: World): string =>
  w.key === null ? `arn:aws:s3:::${BUCKET}` : `arn:aws:s3:::${BUCKET}/${w.key}`;

export const identityArn = (i: Identity): string => `arn:aws:iam::${i.account}:${i.kind}${i.path}${i.name}`;

export function callerArn(c: Caller): string | null {
  if (c.identity === null) return null;
  if (c.kind === 'session')
    return `arn:aws:sts::${c.identity.account}:assumed-role/${c.identity.name}/${c.sessionName ?? ''}`;
  return identityArn(c.identity);
}

/** The account ids of the organization's members and the levels (root first, then OUs, then the account). */
export function orgLevels(org: Org, account: string): string[] | null {
  const path = account === N ? [OU_N] : org.paths[account];
  return path ? [ROOT_ID, ...path, account] : null;
}

const policyArn = (account: string, name: string): string => `arn:aws:iam::${account}:policy/${name}`;

function iamDetails(i: Identity): Record<string, unknown> {
  const policies: Record<string, unknown>[] = [];
  const attached = i.managed.map((doc, n) => {
    const arn = policyArn(i.account, `${i.name}-managed-${n}`);
    policies.push({
      PolicyName: `${i.name}-managed-${n}`,
      Arn: arn,
      DefaultVersionId: 'v1',
      PolicyVersionList: [{ Document: doc, VersionId: 'v1', IsDefaultVersion: true }],
    });
    return { PolicyName: `${i.name}-managed-${n}`, PolicyArn: arn };
  });
  let boundary: Record<string, unknown> | undefined;
  if (i.boundary) {
    const arn = policyArn(i.account, `${i.name}-boundary`);
    policies.push({
      PolicyName: `${i.name}-boundary`,
      Arn: arn,
      DefaultVersionId: 'v1',
      PolicyVersionList: [{ Document: i.boundary, VersionId: 'v1', IsDefaultVersion: true }],
    });
    boundary = { PermissionsBoundaryArn: arn, PermissionsBoundaryType: 'Policy' };
  }
  const tags = Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value }));
  const inline = i.inline.map((PolicyDocument, n) => ({ PolicyName: `inline-${n}`, PolicyDocument }));
  const common = {
    Path: i.path,
    Arn: identityArn(i),
    AttachedManagedPolicies: attached,
    Tags: tags,
    ...(boundary ? { PermissionsBoundary: boundary } : {}),
  };
  if (i.kind === 'user') {
    return {
      UserDetailList: [
        { UserName: i.name, UserId: i.id, ...common, UserPolicyList: inline, GroupList: ['team'] },
      ],
      GroupDetailList: [
        {
          GroupName: 'team',
          GroupId: 'AGPAEXAMPLEGROUP0001',
          Arn: `arn:aws:iam::${i.account}:group/team`,
          GroupPolicyList: i.group.map((PolicyDocument, n) => ({ PolicyName: `group-${n}`, PolicyDocument })),
          AttachedManagedPolicies: [],
        },
      ],
      RoleDetailList: [],
      Policies: policies,
    };
  }
  return {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [{ RoleName: i.name, RoleId: i.id, ...common, RolePolicyList: inline }],
    Policies: policies,
  };
}

const EMPTY_IAM = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };

/** The complete snapshot (docs/SNAPSHOT.md) of the world: every fact our engine reads is present. */
export function toSnapshot(w: World): Record<string, unknown> {
  const accounts: Record<string, Record<string, unknown>> = {};
  for (const id of [A, B, C, N]) {
    const own = w.caller.identity?.account === id ? w.caller.identity : null;
    const path = w.org ? orgLevels(w.org, id) : null;
    accounts[id] = {
      publicAccessBlock:
        id === A && w.restrictPublicBuckets
          ? {
              BlockPublicAcls: false,
              IgnorePublicAcls: false,
              BlockPublicPolicy: false,
              RestrictPublicBuckets: true,
            }
          : null,
      authorizationDetails: own ? iamDetails(own) : EMPTY_IAM,
      ...(path ? { organizationPath: path.slice(0, -1).reverse() } : {}),
    };
  }
  const objectAcl = {
    Owner: { ID: OWNER_CANONICAL },
    Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OWNER_CANONICAL }, Permission: 'FULL_CONTROL' }],
  };
  const snapshot: Record<string, unknown> = {
    snapshotVersion: 1,
    capturedAt: '2026-11-20T10:00:00Z',
    accounts,
    organization: w.org
      ? {
          Id: ORG_ID,
          ManagementAccountId: M,
          Accounts: [{ Id: A }, { Id: B }, { Id: M }, { Id: N }],
          serviceControlPolicies: w.org.scps.map((p) => ({
            Id: p.id,
            Name: p.name,
            Targets: p.targets,
            Content: p.doc,
          })),
          resourceControlPolicies: [
            ...(w.org.listsRcpFullAccess
              ? [
                  {
                    Id: 'p-RCPFullAWSAccess',
                    Name: 'RCPFullAWSAccess',
                    Targets: [ROOT_ID, ...new Set(Object.values(w.org.paths).flat()), A, B],
                    Content: {
                      Version: '2012-10-17',
                      Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
                    },
                  },
                ]
              : []),
            ...w.org.rcps.map((p) => ({ Id: p.id, Name: p.name, Targets: p.targets, Content: p.doc })),
          ],
        }
      : null,
    buckets: {
      [BUCKET]: {
        accountId: A,
        region: REGION,
        policy: w.bucketPolicy,
        publicAccessBlock: null,
        ownershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        // complete: not Requester Pays, no Object Lock (issue 19; an absent setting is unknown)
        requestPayment: { Payer: 'BucketOwner' },
        objectLockConfiguration: null,
        encryption: null,
        abacStatus: { Status: w.abac.enabled ? 'Enabled' : 'Disabled' },
        tagSet: Object.entries(w.abac.tags).map(([Key, Value]) => ({ Key, Value })),
        acl: objectAcl,
        objects: w.key === null ? {} : { [w.key]: { exists: true, ownerAccountId: A, acl: objectAcl } },
      },
    },
    accessPoints: {},
    vpcEndpoints: w.vpce
      ? {
          [w.vpce.id]: {
            VpcEndpointId: w.vpce.id,
            VpcId: w.vpce.vpc,
            OwnerId: w.vpce.owner,
            ServiceName: `com.amazonaws.${REGION}.s3`,
            VpcEndpointType: 'Gateway',
            PolicyDocument: w.vpce.policy,
          },
        }
      : {},
    kmsKeys: {},
    recentChanges: [],
    sessions:
      w.caller.kind === 'session' ? { [callerArn(w.caller) ?? '']: { Policy: w.caller.sessionPolicy } } : {},
  };
  return snapshot;
}

/** Our `simulate` request: the caller as an ARN, and only the keys the request itself carries. */
export function toOurRequest(w: World): {
  principal: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
} {
  return {
    principal: callerArn(w.caller) ?? '*',
    action: w.action,
    resource: resourceArn(w),
    context: { ...w.context },
  };
}

function orgPath(org: Org, account: string): string | null {
  const levels = orgLevels(org, account);
  return levels ? `${ORG_ID}/${levels.slice(0, -1).join('/')}/` : null;
}

/**
 * The whole request context AWS would evaluate: the request's own keys plus every key the facts determine.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
export function fullContext(w: World): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = { ...w.context };
  const c = w.caller;
  ctx['aws:ResourceAccount'] = A;
  if (w.org) {
    ctx['aws:ResourceOrgID'] = ORG_ID;
    const p = orgPath(w.org, A);
    if (p) ctx['aws:ResourceOrgPaths'] = [p];
  }
  // S3 ABAC: https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html
  if (w.abac.enabled) for (const [k, v] of Object.entries(w.abac.tags)) ctx[`aws:ResourceTag/${k}`] = v;
  // Through an endpoint: the endpoint owner's account and organization (#condition-keys-vpceaccount,
  // #condition-keys-vpceorgid, #condition-keys-vpceorgpaths); from the internet all three are absent.
  if (w.vpce) {
    ctx['aws:VpceAccount'] = w.vpce.owner;
    const p = w.org ? orgPath(w.org, w.vpce.owner) : null;
    if (p) {
      ctx['aws:VpceOrgID'] = ORG_ID;
      ctx['aws:VpceOrgPaths'] = [p];
    }
  }
  if (c.identity === null) {
    // aws:userid "is included in the request context for all requests, including anonymous requests", as
    // "anonymous": reference_policies_condition-keys.html#condition-keys-userid, reference_policies_variables.html
    ctx['aws:PrincipalType'] = 'Anonymous';
    ctx['aws:userid'] = 'anonymous';
    return ctx;
  }
  const i = c.identity;
  ctx['aws:PrincipalArn'] = identityArn(i);
  ctx['aws:PrincipalAccount'] = i.account;
  ctx['aws:PrincipalType'] = c.kind === 'session' ? 'AssumedRole' : 'User';
  if (c.kind === 'user') {
    ctx['aws:username'] = i.name;
    ctx['aws:userid'] = i.id;
  } else {
    ctx['aws:userid'] = `${i.id}:${c.sessionName ?? ''}`;
  }
  for (const [k, v] of Object.entries(i.tags)) ctx[`aws:PrincipalTag/${k}`] = v;
  if (w.org && w.org.paths[i.account]) {
    ctx['aws:PrincipalOrgID'] = ORG_ID;
    const p = orgPath(w.org, i.account);
    if (p) ctx['aws:PrincipalOrgPaths'] = [p];
  }
  return ctx;
}

/** The oracle's input (iam-simulate's `Simulation`), from the same world. */
export function toOracleInput(w: World, anonymousPrincipal: unknown): Record<string, unknown> {
  const c = w.caller;
  const i = c.identity;
  const named = (prefix: string, docs: readonly Doc[]) =>
    docs.map((policy, n) => ({ name: `${prefix}-${n}`, policy }));
  const levels = (policies: readonly OrgPolicy[], account: string | null) => {
    if (!w.org || account === null) return [];
    const path = orgLevels(w.org, account);
    if (!path) return [];
    return path.map((target) => ({
      orgIdentifier: target,
      policies: policies
        .filter((p) => p.targets.includes(target))
        .map((p) => ({ name: p.name, policy: p.doc })),
    }));
  };
  const sim: Record<string, unknown> = {
    request: {
      principal: i === null ? anonymousPrincipal : callerArn(c),
      action: w.action,
      resource: { resource: resourceArn(w), accountId: A },
      contextVariables: fullContext(w),
    },
    identityPolicies: i
      ? [...named('inline', i.inline), ...named('managed', i.managed), ...named('group', i.group)]
      : [],
    serviceControlPolicies: i ? levels(w.org?.scps ?? [], i.account) : [],
    resourceControlPolicies: levels(w.org?.rcps ?? [], A),
  };
  if (w.bucketPolicy) sim.resourcePolicy = w.bucketPolicy;
  if (i?.boundary) sim.permissionBoundaryPolicies = [{ name: 'boundary', policy: i.boundary }];
  if (c.kind === 'session' && c.sessionPolicy) sim.sessionPolicy = c.sessionPolicy;
  if (w.vpce?.policy) sim.vpcEndpointPolicies = [{ name: 'vpce', policy: w.vpce.policy }];
  // iam-simulate drops aws:ResourceTag from the context of a bucket or object request unless told ABAC is enabled
  const s3: Record<string, boolean> = {};
  if (w.restrictPublicBuckets) s3.blockPublicAccess = true;
  if (w.abac.enabled) s3.bucketAbacEnabled = true;
  if (Object.keys(s3).length > 0) sim.additionalSettings = { s3 };
  return sim;
}
