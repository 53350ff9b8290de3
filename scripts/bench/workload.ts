/**
 * The large synthetic account the throughput benchmarks run on (issue 4, issue 15): 1,000 roles, 2,000 managed
 * policies, 500 buckets whose policies have 30 statements (conditions on IPv4 and IPv6 ranges, VPC endpoints,
 * organization, prefixes, principal ARNs), and a 4-level SCP path (root, two OUs, the account) with guardrail
 * SCPs at every level. Generated, deterministic, written by the bench itself (never committed).
 *
 * - `benchSnapshotText()`: the snapshot (docs/SNAPSHOT.md);
 * - `benchRequests(n)`: n distinct `simulate --requests` lines (about half allowed, half denied);
 * - `benchEvents(n)`: n distinct CloudTrail denial records of the same account.
 */

export const ACCT = '111122223333';
export const ROLES = 1000;
export const MANAGED = 2000;
export const BUCKETS = 500;
export const BUCKET_STATEMENTS = 30;
/** root > ou-bench-1 > ou-bench-2 > the account */
export const ORG_PATH = ['ou-bench-2', 'ou-bench-1', 'r-bench'];

const VPC_ENDPOINTS = 30;
const vpceId = (k: number): string => `vpce-0bench${String(k).padStart(4, '0')}`;

export const bucketName = (i: number): string => `bench-bucket-${String(i).padStart(3, '0')}`;
const roleName = (i: number): string => `bench-role-${i}`;
const roleArn = (i: number): string => `arn:aws:iam::${ACCT}:role/${roleName(i)}`;

function managedPolicy(i: number): Record<string, unknown> {
  const b = bucketName(i % BUCKETS);
  const statements = [
    {
      Sid: `Read${i}`,
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/team-${i % 7}/*`],
    },
    {
      Sid: `Write${i}`,
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${b}/incoming/*`,
      Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'AES256' } },
    },
    { Sid: `NoDelete${i}`, Effect: 'Deny', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${b}/*` },
    { Sid: `Other${i}`, Effect: 'Allow', Action: ['ec2:Describe*', 'sqs:SendMessage'], Resource: '*' },
  ];
  return {
    PolicyName: `bench-policy-${i}`,
    PolicyId: `ANPABENCH${String(i).padStart(11, '0')}`,
    Arn: `arn:aws:iam::${ACCT}:policy/bench-policy-${i}`,
    Path: '/',
    DefaultVersionId: 'v1',
    PolicyVersionList: [
      { Document: { Version: '2012-10-17', Statement: statements }, VersionId: 'v1', IsDefaultVersion: true },
    ],
  };
}

function role(i: number): Record<string, unknown> {
  return {
    Path: '/',
    RoleName: roleName(i),
    RoleId: `AROABENCH${String(i).padStart(11, '0')}`,
    Arn: roleArn(i),
    RolePolicyList: [
      {
        PolicyName: 'inline',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:GetObjectTagging',
              Resource: `arn:aws:s3:::${bucketName(i % BUCKETS)}/*`,
            },
          ],
        },
      },
    ],
    AttachedManagedPolicies: [0, 1].map((k) => ({
      PolicyName: `bench-policy-${(2 * i + k) % MANAGED}`,
      PolicyArn: `arn:aws:iam::${ACCT}:policy/bench-policy-${(2 * i + k) % MANAGED}`,
    })),
    Tags: [{ Key: 'team', Value: `team-${i % 7}` }],
  };
}

/** Statement k (4..30) of bucket i's policy: five shapes in turn, each with a condition. */
function bucketStatement(i: number, k: number): Record<string, unknown> {
  const b = bucketName(i);
  const arn = `arn:aws:s3:::${b}`;
  switch (k % 5) {
    case 0:
      return {
        Sid: `TeamVpce${k}`,
        Effect: 'Allow',
        Principal: { AWS: roleArn((i * 2 + k) % ROLES) },
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: `${arn}/team-${k}/*`,
        Condition: { StringEquals: { 'aws:SourceVpce': vpceId(k) } },
      };
    case 1:
      return {
        Sid: `PublicFromOffice${k}`,
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `${arn}/public-${k}/*`,
        Condition: { IpAddress: { 'aws:SourceIp': ['198.51.100.0/24', `2001:db8:${k.toString(16)}::/48`] } },
      };
    case 2:
      return {
        Sid: `LockedInOrg${k}`,
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:DeleteObject',
        Resource: `${arn}/locked-${k}/*`,
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-bench' } },
      };
    case 3:
      return {
        Sid: `PartnerList${k}`,
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::555566667777:root' },
        Action: 's3:ListBucket',
        Resource: arn,
        Condition: { StringLike: { 's3:prefix': [`shared-${k}/*`, `exchange-${k}/*`] } },
      };
    default:
      return {
        Sid: `ArchiveOnly${k}`,
        Effect: 'Deny',
        Principal: '*',
        NotAction: ['s3:GetObject', 's3:ListBucket'],
        Resource: `${arn}/archive-${k}/*`,
        Condition: { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/archiver-*` } },
      };
  }
}

function bucket(i: number): Record<string, unknown> {
  const owner = { ID: 'c'.repeat(64) };
  const b = bucketName(i);
  const statements: Record<string, unknown>[] = [
    {
      Sid: 'DenyInsecure',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'DenyOutsideOffice',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${b}/*`,
      Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8:ffff::/48'] } },
    },
    {
      Sid: 'Partner',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${b}/shared/*`,
    },
  ];
  for (let k = statements.length + 1; k <= BUCKET_STATEMENTS; k++) statements.push(bucketStatement(i, k));
  return {
    accountId: ACCT,
    region: 'us-east-1',
    policy: { Version: '2012-10-17', Statement: statements },
    publicAccessBlock: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
    ownershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    acl: {
      Owner: owner,
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: owner.ID }, Permission: 'FULL_CONTROL' }],
    },
    objects: { 'team-1/report.csv': { exists: true, ServerSideEncryption: 'AES256', ownerAccountId: ACCT } },
  };
}

/** Guardrail SCPs: one per level below the root, each with a few Deny statements (regions, deletes, org). */
function guardScp(level: number): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: `NoLeave${level}`, Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' },
      {
        Sid: `RegionLock${level}`,
        Effect: 'Deny',
        NotAction: ['iam:*', 'sts:*', 's3:*', 'cloudfront:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
      },
      {
        Sid: `NoBucketDelete${level}`,
        Effect: 'Deny',
        Action: ['s3:DeleteBucket', 's3:PutBucketPolicy'],
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::*:role/platform-admin-*` } },
      },
    ],
  };
}

/**
 * The parts every bench snapshot shares: the account (Block Public Access on, 1,000 roles, 2,000 managed policies,
 * its organization path) and one session without a session policy per role.
 */
export function benchAccount(organizationPath: readonly string[]): {
  accounts: Record<string, unknown>;
  sessions: Record<string, unknown>;
} {
  const sessions: Record<string, unknown> = {};
  for (let i = 0; i < ROLES; i++)
    sessions[`arn:aws:sts::${ACCT}:assumed-role/${roleName(i)}/s`] = { Policy: null };
  const account = {
    publicAccessBlock: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
    authorizationDetails: {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: Array.from({ length: ROLES }, (_, i) => role(i)),
      Policies: Array.from({ length: MANAGED }, (_, i) => managedPolicy(i)),
    },
    organizationPath,
  };
  return { accounts: { [ACCT]: account }, sessions };
}

export function benchSnapshotText(): string {
  const { accounts, sessions } = benchAccount(ORG_PATH);
  const fullAccess = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const targets = [...ORG_PATH].reverse().concat(ACCT); // root first
  const snapshot = {
    snapshotVersion: 1,
    accounts,
    organization: {
      Id: 'o-bench',
      Accounts: [{ Id: ACCT }],
      serviceControlPolicies: [
        { Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', Targets: targets, Content: fullAccess },
        ...targets.slice(1).map((t, level) => ({
          Id: `p-guard${level + 1}`,
          Name: `Guardrails${level + 1}`,
          Targets: [t],
          Content: guardScp(level + 1),
        })),
      ],
      resourceControlPolicies: [
        {
          Id: 'p-RCPFullAWSAccess',
          Name: 'RCPFullAWSAccess',
          Targets: targets,
          Content: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
          },
        },
      ],
    },
    buckets: Object.fromEntries(Array.from({ length: BUCKETS }, (_, i) => [bucketName(i), bucket(i)])),
    vpcEndpoints: Object.fromEntries(
      Array.from({ length: VPC_ENDPOINTS }, (_, k) => [
        vpceId(k),
        {
          VpcEndpointId: vpceId(k),
          VpcId: 'vpc-0bench',
          ServiceName: 'com.amazonaws.us-east-1.s3',
          VpcEndpointType: k % 2 === 0 ? 'Gateway' : 'Interface',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'OwnBuckets',
                Effect: 'Allow',
                Principal: '*',
                Action: 's3:*',
                Resource: ['arn:aws:s3:::bench-bucket-*', 'arn:aws:s3:::bench-bucket-*/*'],
              },
              {
                Sid: 'NoDeletesThroughEndpoint',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:DeleteObject',
                Resource: '*',
                Condition: { StringNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/cleaner-*` } },
              },
            ],
          },
        },
      ]),
    ),
    sessions,
    recentChanges: [],
  };
  return JSON.stringify(snapshot);
}

const SOURCE_IPS = ['203.0.113.9', '198.51.100.7', '2001:db8:ffff::17', '2001:db8:7::1'];

/**
 * `simulate --requests` lines: role r, an operation, and (every other line) a bucket its managed policies
 * grant, else another one; keys differ on every line, so no two lines are the same request.
 */
export function benchRequests(n: number): string[] {
  const ops = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject', 's3:GetObjectTagging'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = (i * 7919) % ROLES;
    const action = ops[i % ops.length] as string;
    const granted = (2 * r + (i % 2)) % MANAGED; // one of the role's managed policies
    const own = Math.floor(i / 5) % 4 !== 3; // three lines in four: a bucket the role's policies name
    const mine = action === 's3:GetObjectTagging' ? r % BUCKETS : granted % BUCKETS;
    const b = bucketName(own ? mine : (i * 31) % BUCKETS);
    const folder =
      action === 's3:PutObject' ? 'incoming' : `team-${i % 3 !== 2 ? granted % 7 : (granted + 1) % 7}`;
    const resource =
      action === 's3:ListBucket' ? `arn:aws:s3:::${b}` : `arn:aws:s3:::${b}/${folder}/f-${i}.csv`;
    const context: Record<string, string> = {
      'aws:SourceIp': SOURCE_IPS[Math.floor(i / 5) % SOURCE_IPS.length] as string,
    };
    if (action === 's3:PutObject' && i % 3 !== 0) context['s3:x-amz-server-side-encryption'] = 'AES256';
    if (action === 's3:ListBucket') context['s3:prefix'] = `team-${i % 7}/`;
    if (i % 7 === 0) context['aws:SourceVpce'] = vpceId(i % VPC_ENDPOINTS);
    out.push(JSON.stringify({ principal: roleArn(r), action, resource, context }));
  }
  return out;
}

const OPS = [
  { eventName: 'GetObject', key: 'team-1/report.csv' },
  { eventName: 'PutObject', key: 'incoming/upload.csv' },
  { eventName: 'DeleteObject', key: 'team-1/report.csv' },
  { eventName: 'ListObjectsV2', key: null },
] as const;

/** CloudTrail denial records (distinct event ids; principals, operations and buckets spread over the account). */
export function benchEvents(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const r = (i * 7919) % ROLES;
    const op = OPS[i % OPS.length]!;
    const b = bucketName((i * 31) % BUCKETS);
    return JSON.stringify({
      eventVersion: '1.10',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROABENCH${String(r).padStart(11, '0')}:s`,
        arn: `arn:aws:sts::${ACCT}:assumed-role/${roleName(r)}/s`,
        accountId: ACCT,
        accessKeyId: 'ASIABENCH0000000000',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: `AROABENCH${String(r).padStart(11, '0')}`,
            arn: roleArn(r),
            accountId: ACCT,
            userName: roleName(r),
          },
          attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' },
        },
      },
      eventTime: '2026-11-20T10:15:00Z',
      eventSource: 's3.amazonaws.com',
      eventName: op.eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: SOURCE_IPS[i % SOURCE_IPS.length],
      errorCode: 'AccessDenied',
      errorMessage: 'Access Denied',
      requestParameters: {
        bucketName: b,
        Host: `${b}.s3.us-east-1.amazonaws.com`,
        ...(op.key ? { key: op.key } : {}),
      },
      additionalEventData: {
        SignatureVersion: 'SigV4',
        CipherSuite: 'TLS_AES_128_GCM_SHA256',
        AuthenticationMethod: 'AuthHeader',
      },
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' },
      eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      readOnly: op.eventName !== 'PutObject' && op.eventName !== 'DeleteObject',
      resources: [
        ...(op.key ? [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${b}/${op.key}` }] : []),
        { accountId: ACCT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` },
      ],
      eventType: 'AwsApiCall',
      recipientAccountId: ACCT,
      eventCategory: 'Data',
    });
  });
}
