/**
 * A small builder for snapshots (docs/SNAPSHOT.md) that carry every fact the analysis reads: a "complete" world.
 * Tests override what a case needs; anything left out keeps a complete default (no policy, BPA off, ObjectWriter
 * with an owner-only ACL, objects owned by the bucket owner, FullAWSAccess / RCPFullAWSAccess at every level).
 */
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';

export type Stmt = Record<string, unknown>;
export const doc = (...Statement: Stmt[]) => ({ Version: '2012-10-17', Statement });

/** A snapshot kmsKeys entry: a customer managed key, enabled, no alias or grant, with this key policy. */
export const customerKey = (...statements: Stmt[]): Record<string, unknown> => ({
  KeyManager: 'CUSTOMER',
  KeyState: 'Enabled',
  Aliases: [],
  Grants: [],
  KeyPolicy: doc(...statements),
});

export const A = '111122223333'; // bucket owner, member of the organization
export const B = '444455556666'; // partner, member of the organization (another OU)
export const C = '777788889999'; // outside the organization
export const ORG = 'o-exampleorg';
export const ROOT = 'r-ab12';
export const OU_A = 'ou-ab12-workloads';
export const OU_B = 'ou-ab12-partners';
export const MGMT = '123456789012';
export const CANONICAL: Readonly<Record<string, string>> = {
  [A]: 'a'.repeat(64),
  [B]: 'b'.repeat(64),
  [C]: 'c'.repeat(64),
};

export interface RoleSpec {
  readonly account: string;
  readonly name: string;
  readonly statements: readonly Stmt[];
  readonly boundary?: readonly Stmt[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly path?: string;
  /** The role's trust policy (AssumeRolePolicyDocument); absent: not in the snapshot (session tags unknown). */
  readonly trust?: Record<string, unknown>;
  /** The session tags of its session s1 (the snapshot's `sessions` entry `Tags`); absent: not known. */
  readonly sessionTags?: Readonly<Record<string, string>>;
}

/** A trust policy only a service uses, without sts:TagSession: the role's sessions carry exactly its tags. */
export const SERVICE_TRUST: Record<string, unknown> = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** A trust policy that lets the account's principals assume the role and tag their sessions. */
export const TAGGING_TRUST = (account: string): Record<string, unknown> => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
});

export interface ObjectSpec {
  readonly owner?: string;
  readonly exists?: boolean;
  readonly sse?: 'AES256' | 'aws:kms';
  readonly kmsKeyId?: string;
  readonly bucketKeyEnabled?: boolean;
  /** Extra object ACL grants (the owner always has FULL_CONTROL). */
  readonly grants?: readonly Record<string, unknown>[];
}

export interface BucketSpec {
  readonly account: string;
  readonly policy?: readonly Stmt[] | null;
  readonly pab?: Record<string, boolean> | null;
  readonly ownership?: 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter' | null;
  readonly encryption?: {
    readonly algorithm: string;
    readonly key?: string;
    readonly bucketKey?: boolean;
    /** BlockedEncryptionTypes.EncryptionType (["SSE-C"], ["NONE"]); absent = not in the snapshot. */
    readonly blocked?: readonly string[];
  } | null;
  readonly grants?: readonly Record<string, unknown>[];
  readonly objects?: Readonly<Record<string, ObjectSpec>>;
  /** get-bucket-versioning (default {}: never versioned); null = not in the snapshot. */
  readonly versioning?: {
    readonly Status?: 'Enabled' | 'Suspended';
    readonly MFADelete?: 'Enabled' | 'Disabled';
  } | null;
  /** ABAC on the bucket (get-bucket-abac; default disabled, as AWS creates buckets) and its tags (default none). */
  readonly abac?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface WorldSpec {
  readonly roles?: readonly RoleSpec[];
  readonly buckets?: Readonly<Record<string, BucketSpec>>;
  /** Extra SCPs / RCPs: target -> statements. */
  readonly scps?: readonly {
    readonly name: string;
    readonly targets: string[];
    readonly statements: Stmt[];
  }[];
  readonly rcps?: readonly {
    readonly name: string;
    readonly targets: string[];
    readonly statements: Stmt[];
  }[];
  /** Whether RCPFullAWSAccess is listed (it is attached anyway, AWS says; default listed). */
  readonly listRcpFullAccess?: boolean;
  readonly accessPoints?: Readonly<Record<string, Record<string, unknown>>>;
  readonly vpcEndpoints?: Readonly<Record<string, Record<string, unknown>>>;
  readonly kmsKeys?: Readonly<Record<string, Record<string, unknown>>>;
  readonly accountPab?: Readonly<Record<string, Record<string, boolean> | null>>;
}

const PATHS: Readonly<Record<string, string[]>> = { [A]: [OU_A, ROOT], [B]: [OU_B, ROOT] };

function roleEntry(r: RoleSpec, i: number): Record<string, unknown> {
  const id = `AROA${r.name
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .padEnd(17, 'X')
    .slice(0, 17)}`;
  return {
    RoleName: r.name,
    RoleId: `${id}${i}`.slice(0, 21),
    Arn: `arn:aws:iam::${r.account}:role${r.path ?? '/'}${r.name}`,
    Path: r.path ?? '/',
    RolePolicyList: [{ PolicyName: `${r.name}-inline`, PolicyDocument: doc(...r.statements) }],
    AttachedManagedPolicies: r.boundary ? [] : [],
    ...(r.boundary
      ? {
          PermissionsBoundary: {
            PermissionsBoundaryType: 'Policy',
            PermissionsBoundaryArn: `arn:aws:iam::${r.account}:policy/${r.name}-boundary`,
          },
        }
      : {}),
    Tags: Object.entries(r.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    ...(r.trust ? { AssumeRolePolicyDocument: r.trust } : {}),
  };
}

const ownerGrant = (account: string) => ({
  Grantee: { Type: 'CanonicalUser', ID: CANONICAL[account] ?? account },
  Permission: 'FULL_CONTROL',
});

export function snapshotOf(spec: WorldSpec): Record<string, unknown> {
  const roles = spec.roles ?? [];
  const accounts: Record<string, unknown> = {};
  for (const id of [A, B, C]) {
    const own = roles.filter((r) => r.account === id);
    accounts[id] = {
      canonicalUserId: CANONICAL[id],
      publicAccessBlock: spec.accountPab?.[id] ?? null,
      ...(PATHS[id] ? { organizationPath: PATHS[id] } : {}),
      authorizationDetails: {
        RoleDetailList: own.map(roleEntry),
        UserDetailList: [],
        GroupDetailList: [],
        Policies: own
          .filter((r) => r.boundary)
          .map((r) => ({
            PolicyName: `${r.name}-boundary`,
            Arn: `arn:aws:iam::${r.account}:policy/${r.name}-boundary`,
            DefaultVersionId: 'v1',
            PolicyVersionList: [
              { VersionId: 'v1', IsDefaultVersion: true, Document: doc(...(r.boundary ?? [])) },
            ],
          })),
      },
    };
  }
  const full = { Effect: 'Allow', Action: '*', Resource: '*' };
  const buckets: Record<string, unknown> = {};
  for (const [name, b] of Object.entries(spec.buckets ?? {})) {
    const objects: Record<string, unknown> = {};
    for (const [key, o] of Object.entries(b.objects ?? {})) {
      const owner = o.owner ?? b.account;
      objects[key] =
        o.exists === false
          ? { exists: false }
          : {
              exists: true,
              ownerAccountId: owner,
              ...(o.sse ? { ServerSideEncryption: o.sse } : {}),
              ...(o.kmsKeyId ? { SSEKMSKeyId: o.kmsKeyId } : {}),
              ...(o.bucketKeyEnabled !== undefined ? { BucketKeyEnabled: o.bucketKeyEnabled } : {}),
              acl: { Owner: { ID: CANONICAL[owner] }, Grants: [ownerGrant(owner), ...(o.grants ?? [])] },
            };
    }
    buckets[name] = {
      accountId: b.account,
      region: 'us-east-1',
      policy: b.policy ? doc(...b.policy) : null,
      publicAccessBlock: b.pab ?? null,
      ownershipControls: b.ownership ? { Rules: [{ ObjectOwnership: b.ownership }] } : null,
      encryption: b.encryption
        ? {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: {
                  SSEAlgorithm: b.encryption.algorithm,
                  ...(b.encryption.key ? { KMSMasterKeyID: b.encryption.key } : {}),
                },
                BucketKeyEnabled: b.encryption.bucketKey ?? false,
                ...(b.encryption.blocked
                  ? { BlockedEncryptionTypes: { EncryptionType: b.encryption.blocked } }
                  : {}),
              },
            ],
          }
        : null,
      acl: { Owner: { ID: CANONICAL[b.account] }, Grants: [ownerGrant(b.account), ...(b.grants ?? [])] },
      // a complete snapshot carries every bucket setting the analysis reads (issue 19: Requester Pays, Object Lock)
      requestPayment: { Payer: 'BucketOwner' },
      objectLockConfiguration: null,
      abacStatus: { Status: b.abac === true ? 'Enabled' : 'Disabled' },
      tagSet: Object.entries(b.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      ...(b.versioning !== null ? { versioning: b.versioning ?? {} } : {}),
      objects,
    };
  }
  return {
    snapshotVersion: 1,
    capturedAt: '2026-11-20T10:00:00Z',
    accounts,
    organization: {
      Id: ORG,
      MasterAccountId: MGMT,
      Accounts: [{ Id: A }, { Id: B }, { Id: MGMT }],
      serviceControlPolicies: [
        {
          Id: 'p-FullAWSAccess',
          Name: 'FullAWSAccess',
          Targets: [ROOT, OU_A, OU_B, A, B],
          Content: doc(full),
        },
        ...(spec.scps ?? []).map((p) => ({
          Id: `p-${p.name}`,
          Name: p.name,
          Targets: p.targets,
          Content: doc(...p.statements),
        })),
      ],
      resourceControlPolicies: [
        ...(spec.listRcpFullAccess === false
          ? []
          : [
              {
                Id: 'p-RCPFullAWSAccess',
                Name: 'RCPFullAWSAccess',
                Targets: [ROOT, OU_A, OU_B, A, B],
                Content: doc({ ...full, Principal: '*' }),
              },
            ]),
        ...(spec.rcps ?? []).map((p) => ({
          Id: `p-${p.name}`,
          Name: p.name,
          Targets: p.targets,
          Content: doc(...p.statements),
        })),
      ],
    },
    buckets,
    accessPoints: spec.accessPoints ?? {},
    vpcEndpoints: spec.vpcEndpoints ?? {},
    kmsKeys: spec.kmsKeys ?? {},
    // the session the records of recordFor use (s1), known to carry no session policy
    sessions: Object.fromEntries(
      roles.map((r) => [
        `arn:aws:sts::${r.account}:assumed-role/${r.name}/s1`,
        { Policy: null, ...(r.sessionTags ? { Tags: r.sessionTags } : {}) },
      ]),
    ),
    recentChanges: [],
  };
}

export const viewOf = (spec: WorldSpec): SnapshotView =>
  new SnapshotView(loadSnapshot(JSON.stringify(snapshotOf(spec)), 'world'));

export const roleArn = (account: string, name: string): string => `arn:aws:iam::${account}:role/${name}`;

export interface RecordSpec {
  /** The caller: a role of the world (account + name). */
  readonly account: string;
  readonly role: string;
  readonly eventName?: string;
  readonly bucket: string;
  readonly bucketAccount?: string;
  readonly key?: string | null;
  /** Through an access point: its ARN (the record then names it in resources[] and Host). */
  readonly accessPoint?: string;
  readonly sourceIp?: string;
  readonly vpcEndpointId?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly errorMessage?: string;
  /** The role session name (default s1, the session the world knows to carry no session policy). */
  readonly session?: string;
}

/** A CloudTrail S3 data event of an AccessDenied, as AWS writes it (role session caller). */
export function recordFor(r: RecordSpec): Record<string, unknown> {
  const roleId = `AROA${r.role
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .padEnd(17, 'X')
    .slice(0, 17)}0`.slice(0, 21);
  const owner = r.bucketAccount ?? A;
  const key = r.key === undefined ? 'k.csv' : r.key;
  const apName = r.accessPoint ? /accesspoint\/([^/]+)/.exec(r.accessPoint)?.[1] : undefined;
  const resources: Record<string, unknown>[] = [];
  if (key !== null) resources.push({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${r.bucket}/${key}` });
  resources.push({ accountId: owner, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${r.bucket}` });
  if (r.accessPoint) resources.push({ accountId: owner, type: 'AWS::S3::AccessPoint', ARN: r.accessPoint });
  return {
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `${roleId}:${r.session ?? 's1'}`,
      arn: `arn:aws:sts::${r.account}:assumed-role/${r.role}/${r.session ?? 's1'}`,
      accountId: r.account,
      accessKeyId: 'ASIAEXAMPLEKEY000001',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: roleId,
          arn: `arn:aws:iam::${r.account}:role/${r.role}`,
          accountId: r.account,
          userName: r.role,
        },
        attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: '2026-11-20T10:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: r.eventName ?? 'GetObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: r.sourceIp ?? '198.51.100.7',
    userAgent: '[aws-cli/2.22.0]',
    errorCode: 'AccessDenied',
    errorMessage: r.errorMessage ?? 'Access Denied',
    requestParameters: {
      bucketName: r.bucket,
      Host: apName
        ? `${apName}-${owner}.s3-accesspoint.us-east-1.amazonaws.com`
        : `${r.bucket}.s3.us-east-1.amazonaws.com`,
      ...(key !== null ? { key } : {}),
      ...(r.params ?? {}),
    },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      AuthenticationMethod: 'AuthHeader',
      bytesTransferredIn: 0,
      bytesTransferredOut: 0,
    },
    requestID: 'EXAMPLE0001',
    eventID: '00000000-0000-4000-8000-000000000001',
    readOnly: true,
    resources,
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: r.account,
    ...(r.vpcEndpointId ? { vpcEndpointId: r.vpcEndpointId } : {}),
    eventCategory: 'Data',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' },
  };
}
