/**
 * Seeded generator of differential worlds (./world.ts): random complete snapshots and requests across the IAM
 * policy language. Deterministic: the same seed and index always give the same world.
 *
 * Covered: identity policies (inline, managed, group), permissions boundaries, session policies, bucket policies,
 * SCPs and RCPs on several organization levels, VPC endpoint policies, RestrictPublicBuckets; Action / NotAction,
 * Resource / NotResource, Principal / NotPrincipal with wildcards; every condition operator family (String*,
 * Numeric*, Date*, Bool, BinaryEquals, IpAddress / NotIpAddress, Arn*, Null) with ForAnyValue: / ForAllValues:
 * and …IfExists; policy variables; same-account, cross-account (same and other organization) and anonymous callers,
 * IAM users and role sessions; the VPC endpoint network-perimeter keys (aws:VpceAccount, aws:VpceOrgID,
 * aws:VpceOrgPaths: endpoints owned by the bucket's, the caller's, a central network account of the organization, or
 * an account outside it); bucket tags as aws:ResourceTag under S3 ABAC, enabled or disabled.
 * Not covered (iam-simulate does not model them, so they are held neutral): ACLs (BucketOwnerEnforced), object
 * ownership, BlockPublicAcls / IgnorePublicAcls / BlockPublicPolicy, access points, SSE-KMS, the root user,
 * AWS service principals, the organization's management account.
 */
import {
  A,
  B,
  BUCKET,
  C,
  N,
  ORG_ID,
  OU_N,
  ROOT_ID,
  type Caller,
  type Doc,
  type Identity,
  type Org,
  type OrgPolicy,
  type Stmt,
  type World,
} from './world';

/** What the generated worlds cover and what they hold neutral (printed by every run). */
export const COVERAGE = {
  covered:
    'identity policies (inline, managed, group), permissions boundaries, session policies, bucket policies, SCPs and RCPs on several organization levels, VPC endpoint policies, RestrictPublicBuckets; Action/NotAction, Resource/NotResource, Principal/NotPrincipal, wildcards; String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress/NotIpAddress, Arn*, Null with ForAnyValue:/ForAllValues: and IfExists; policy variables; same-account, cross-account (same and other organization) and anonymous callers, IAM users and role sessions; aws:VpceAccount / aws:VpceOrgID / aws:VpceOrgPaths (endpoint owned by the bucket account, the calling account, a central network account of the organization, or an outside account); bucket tags as aws:ResourceTag under S3 ABAC (enabled or disabled)',
  neutral:
    'ACLs and object ownership (BucketOwnerEnforced), other Block Public Access settings, access points, SSE-KMS, the root user, service principals as callers, the management account; not generated: plain operators on multivalued keys, named principals in VPC endpoint policies',
} as const;

/** A small seeded PRNG (mulberry32): fast, and the same sequence for the same seed on every platform. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const v = items[this.int(items.length)];
    if (v === undefined) throw new Error('pick from an empty list');
    return v;
  }
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const n = min + this.int(max - min + 1);
    const out: T[] = [];
    for (let k = 0; k < n; k++) {
      const v = this.pick(items);
      if (!out.includes(v)) out.push(v);
    }
    return out;
  }
}

/** The seed of case `index` of a run with `seed` (cases are independent: any one can be replayed alone). */
export const caseSeed = (seed: number, index: number): number =>
  (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

const OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging'];
const BUCKET_ACTIONS = ['s3:ListBucket', 's3:GetBucketTagging', 's3:ListBucketVersions'];
const KEYS = ['home/alice/notes.txt', 'home/bob/a.txt', 'shared/red/q3.csv', 'public/index.html'];

const ACTION_PATTERNS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:ListBucket',
  's3:GetObjectTagging',
  's3:GetBucketTagging',
  's3:Get*',
  's3:*Object',
  's3:List*',
  's3:Put*',
  's3:*',
  '*',
  's3:getobject',
  's3:Get?bject',
  's3:ListBucket*',
  'ec2:*',
  'sqs:SendMessage',
];
const RESOURCE_PATTERNS = [
  `arn:aws:s3:::${BUCKET}`,
  `arn:aws:s3:::${BUCKET}/*`,
  'arn:aws:s3:::data-*',
  `arn:aws:s3:::${BUCKET}*`,
  `arn:aws:s3:::${BUCKET}/home/\${aws:username}/*`,
  `arn:aws:s3:::${BUCKET}/shared/\${aws:PrincipalTag/team}/*`,
  `arn:aws:s3:::${BUCKET}/home/*`,
  `arn:aws:s3:::${BUCKET}/home/?lice/*`,
  '*',
  'arn:aws:s3:::other-bucket/*',
  'arn:aws:s3:::*/public/*',
  `arn:aws:s3:::${BUCKET}/public/index.html`,
  'arn:aws:s3:::*',
];

const ALICE = { kind: 'user', account: A, name: 'alice', path: '/', id: 'AIDAEXAMPLEALICE0001' } as const;
const USERS = [
  ALICE,
  { kind: 'user', account: A, name: 'bob', path: '/staff/', id: 'AIDAEXAMPLEBOB000001' },
  { kind: 'user', account: B, name: 'carol', path: '/', id: 'AIDAEXAMPLECAROL0001' },
  { kind: 'user', account: C, name: 'dave', path: '/', id: 'AIDAEXAMPLEDAVE00001' },
] as const;
const ROLES = [
  { kind: 'role', account: A, name: 'AppRole', path: '/', id: 'AROAEXAMPLEAPPROLE01' },
  { kind: 'role', account: A, name: 'Deployer', path: '/service/', id: 'AROAEXAMPLEDEPLOY001' },
  { kind: 'role', account: B, name: 'Reader', path: '/', id: 'AROAEXAMPLEREADER001' },
  { kind: 'role', account: C, name: 'Partner', path: '/ext/', id: 'AROAEXAMPLEPARTNER01' },
] as const;

const arnOf = (i: { kind: string; account: string; path: string; name: string }) =>
  `arn:aws:iam::${i.account}:${i.kind}${i.path}${i.name}`;
const sessionArnOf = (i: { account: string; name: string }) =>
  `arn:aws:sts::${i.account}:assumed-role/${i.name}/sess-1`;

const PRINCIPALS: readonly unknown[] = [
  '*',
  { AWS: '*' },
  { AWS: A },
  { AWS: B },
  { AWS: `arn:aws:iam::${A}:root` },
  { AWS: `arn:aws:iam::${B}:root` },
  { AWS: `arn:aws:iam::${C}:root` },
  ...USERS.map((u) => ({ AWS: arnOf(u) })),
  ...ROLES.map((r) => ({ AWS: arnOf(r) })),
  ...ROLES.map((r) => ({ AWS: sessionArnOf(r) })),
  { AWS: [arnOf(ALICE), `arn:aws:iam::${B}:root`] },
  { Service: 'cloudtrail.amazonaws.com' },
];

type Family = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

const OU_A = ['ou-ab12-11111111', 'ou-ab12-22222222'];
const OU_B = ['ou-ab12-33333333'];
const pathA = `${ORG_ID}/${ROOT_ID}/${OU_A.join('/')}/`;

/** Condition keys by operator family, each with policy values that sometimes match the request's. */
const KEYS_BY_FAMILY: Record<Family, readonly (readonly [string, readonly string[]])[]> = {
  string: [
    ['aws:username', ['alice', 'bob', 'a*', '${aws:PrincipalTag/owner}', 'ALICE']],
    ['aws:PrincipalTag/team', ['red', 'blue', 'r*', '${aws:username}']],
    ['aws:PrincipalTag/env', ['prod', 'dev', '*']],
    ['aws:PrincipalOrgID', [ORG_ID, 'o-other00000', 'o-*']],
    ['aws:PrincipalAccount', [A, B, C]],
    ['aws:ResourceAccount', [A, B, '${aws:PrincipalAccount}']],
    ['aws:PrincipalType', ['User', 'AssumedRole', 'Anonymous']],
    ['aws:RequestedRegion', ['us-east-1', 'eu-west-1', 'us-*']],
    ['aws:userid', ['AIDAEXAMPLEALICE0001', 'AROAEXAMPLEAPPROLE01:*', '*:sess-1', 'AIDA*']],
    [
      'aws:PrincipalOrgPaths',
      [pathA, `${ORG_ID}/${ROOT_ID}/${OU_A[0] ?? ''}/*`, `${ORG_ID}/*/${OU_B[0] ?? ''}/*`, `${ORG_ID}/*`],
    ],
    ['aws:ResourceOrgPaths', [pathA, `${ORG_ID}/${ROOT_ID}/*`, 'o-other00000/*']],
    ['aws:ResourceOrgID', [ORG_ID, 'o-other00000']],
    ['aws:SourceVpce', ['vpce-1a2b3c4d', 'vpce-99999999']],
    ['aws:SourceVpc', ['vpc-11112222', 'vpc-*']],
    // the VPC endpoint network-perimeter keys (IAM, August 2025): absent from the internet
    ['aws:VpceAccount', [A, N, C, '${aws:ResourceAccount}']],
    ['aws:VpceOrgID', [ORG_ID, 'o-other00000', '${aws:ResourceOrgID}']],
    ['aws:VpceOrgPaths', [`${ORG_ID}/${ROOT_ID}/${OU_N}/`, `${ORG_ID}/*`, `${pathA}*`]],
    // bucket tags under S3 ABAC: absent unless ABAC is enabled on the bucket
    ['aws:ResourceTag/team', ['red', 'blue', '${aws:PrincipalTag/team}']],
    ['aws:ResourceTag/env', ['prod', 'dev', 'p*']],
    ['s3:prefix', ['home/', 'home/${aws:username}/*', 'public/*', '']],
    ['s3:delimiter', ['/']],
    ['s3:x-amz-server-side-encryption', ['AES256', 'aws:kms']],
    ['s3:RequestObjectTagKeys', ['team', 'env', 'te*']],
    ['aws:PrincipalArn', [arnOf(ALICE), `arn:aws:iam::${A}:role/*`, `arn:aws:iam::*:user/*`]],
    ['aws:CalledVia', ['athena.amazonaws.com']],
  ],
  numeric: [
    ['s3:max-keys', ['10', '100', '1000']],
    ['aws:MultiFactorAuthAge', ['300', '3600', '86400']],
    ['aws:EpochTime', ['1795000000', '1700000000']],
  ],
  date: [
    [
      'aws:CurrentTime',
      ['2026-01-01T00:00:00Z', '2026-11-20T10:00:00Z', '2027-06-30T00:00:00Z', '2026-11-20'],
    ],
    ['aws:EpochTime', ['1795000000', '2026-06-01T00:00:00Z']],
    ['aws:TokenIssueTime', ['2026-11-20T09:00:00Z', '2026-01-01T00:00:00Z']],
  ],
  bool: [
    ['aws:SecureTransport', ['true', 'false']],
    ['aws:MultiFactorAuthPresent', ['true', 'false']],
    ['aws:ViaAWSService', ['false', 'true']],
  ],
  binary: [
    ['aws:username', ['YWxpY2U=', 'Ym9i']],
    ['aws:PrincipalTag/team', ['cmVk']],
  ],
  ip: [
    [
      'aws:SourceIp',
      [
        '203.0.113.0/24',
        '10.0.0.0/8',
        '0.0.0.0/0',
        '198.51.100.20',
        '2001:db8::/32',
        '::/0',
        '198.51.100.0/32',
      ],
    ],
    ['aws:VpcSourceIp', ['10.0.0.0/16', '172.16.0.0/12']],
  ],
  arn: [
    [
      'aws:PrincipalArn',
      [
        arnOf(ALICE),
        `arn:aws:iam::${A}:role/*`,
        `arn:aws:iam::*:user/*`,
        `arn:aws:iam::${B}:*`,
        `arn:aws:iam::${A}:role/service/Deployer`,
      ],
    ],
    ['aws:SourceArn', ['arn:aws:cloudtrail:*:*:trail/*']],
  ],
  null: [
    ['aws:username', ['true', 'false']],
    ['aws:PrincipalTag/team', ['true', 'false']],
    ['aws:SourceVpce', ['true', 'false']],
    ['aws:VpceAccount', ['true', 'false']],
    ['aws:VpceOrgID', ['true', 'false']],
    ['aws:ResourceTag/team', ['true', 'false']],
    ['aws:PrincipalOrgID', ['true', 'false']],
    ['aws:MultiFactorAuthPresent', ['true', 'false']],
    ['s3:prefix', ['true', 'false']],
  ],
};

const OPERATORS: Record<Family, readonly string[]> = {
  string: [
    'StringEquals',
    'StringNotEquals',
    'StringEqualsIgnoreCase',
    'StringNotEqualsIgnoreCase',
    'StringLike',
    'StringNotLike',
  ],
  numeric: [
    'NumericEquals',
    'NumericNotEquals',
    'NumericLessThan',
    'NumericLessThanEquals',
    'NumericGreaterThan',
    'NumericGreaterThanEquals',
  ],
  date: [
    'DateEquals',
    'DateNotEquals',
    'DateLessThan',
    'DateLessThanEquals',
    'DateGreaterThan',
    'DateGreaterThanEquals',
  ],
  bool: ['Bool'],
  binary: ['BinaryEquals'],
  ip: ['IpAddress', 'NotIpAddress'],
  arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
  null: ['Null'],
};
/** Multivalued context keys (ArrayOfString): aws:PrincipalOrgPaths, aws:ResourceOrgPaths, aws:VpceOrgPaths, s3:RequestObjectTagKeys, aws:CalledVia. */
export const MULTIVALUED: ReadonlySet<string> = new Set([
  'aws:PrincipalOrgPaths',
  'aws:ResourceOrgPaths',
  'aws:VpceOrgPaths',
  's3:RequestObjectTagKeys',
  'aws:CalledVia',
]);
const FAMILIES: readonly Family[] = [
  'string',
  'string',
  'string',
  'numeric',
  'date',
  'bool',
  'binary',
  'ip',
  'ip',
  'arn',
  'null',
];

function condition(r: Rng): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {};
  const n = 1 + r.int(2);
  for (let k = 0; k < n; k++) {
    const family = r.pick(FAMILIES);
    let op = r.pick(OPERATORS[family]);
    const [key, values] = r.pick(KEYS_BY_FAMILY[family]);
    if (family !== 'null') {
      const q = r.int(10);
      // A multivalued key is used with a set qualifier, as AWS documents; what a plain operator does with one is
      // not documented, so it is not generated.
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
      if (q < 2 || (MULTIVALUED.has(key) && q % 2 === 0)) op = `ForAnyValue:${op}`;
      else if (q < 4 || MULTIVALUED.has(key)) op = `ForAllValues:${op}`;
      if (r.chance(0.25)) op = `${op}IfExists`;
    }
    const chosen = r.some(values, 1, 2);
    const block = out[op] ?? {};
    block[key] = chosen.length === 1 ? (chosen[0] ?? '') : chosen;
    out[op] = block;
  }
  return out;
}

type Layer = 'identity' | 'boundary' | 'session' | 'bucket' | 'scp' | 'rcp' | 'vpce';

function statement(r: Rng, layer: Layer, effect: 'Allow' | 'Deny'): Stmt {
  const s: Stmt = { Effect: effect };
  if (r.chance(0.3)) s.Sid = `S${r.int(1000)}`;
  if (layer === 'bucket' || layer === 'vpce' || layer === 'rcp') {
    if (layer === 'rcp') s.Principal = '*';
    else if (layer === 'bucket' && effect === 'Deny' && r.chance(0.2))
      s.NotPrincipal = r.pick(PRINCIPALS.slice(2));
    // iam-simulate accepts only "*" in an endpoint policy (AWS also allows named principals): held at "*".
    else s.Principal = layer === 'vpce' ? '*' : r.pick(PRINCIPALS);
  }
  const actions = r.some(ACTION_PATTERNS, 1, 2);
  const action = actions.length === 1 ? actions[0] : actions;
  if (r.chance(layer === 'rcp' ? 0 : 0.12)) s.NotAction = action;
  else s.Action = layer === 'rcp' && actions.includes('*') ? 's3:*' : action;
  const resources = r.some(RESOURCE_PATTERNS, 1, 2);
  const resource = resources.length === 1 ? resources[0] : resources;
  if (r.chance(0.1)) s.NotResource = resource;
  else s.Resource = resource;
  if (r.chance(layer === 'rcp' || effect === 'Deny' ? 0.75 : 0.4)) s.Condition = condition(r);
  return s;
}

const doc = (Statement: Stmt[]): Doc => ({ Version: '2012-10-17', Statement });

function policy(r: Rng, layer: Layer, allowFirst: boolean, max = 3): Doc {
  const n = 1 + r.int(max);
  const out: Stmt[] = [];
  for (let k = 0; k < n; k++) {
    const effect =
      layer === 'rcp' ? 'Deny' : k === 0 && allowFirst ? 'Allow' : r.chance(0.3) ? 'Deny' : 'Allow';
    out.push(statement(r, layer, effect));
  }
  return doc(out);
}

/** A broad grant, so that many requests get far enough to meet the interesting statements. */
function broadAllow(r: Rng, layer: Layer): Stmt {
  const s: Stmt = {
    Effect: 'Allow',
    Action: r.pick(['s3:*', '*', 's3:Get*', 's3:*Object']),
    Resource: r.pick(['*', `arn:aws:s3:::${BUCKET}*`, `arn:aws:s3:::${BUCKET}/*`]),
  };
  if (layer === 'bucket') s.Principal = r.pick(PRINCIPALS.slice(0, 9));
  return s;
}

function identityFor(
  r: Rng,
  base: { kind: 'user' | 'role'; account: string; name: string; path: string; id: string },
): Identity {
  const tags: Record<string, string> = {};
  if (r.chance(0.6)) tags.team = r.pick(['red', 'blue', 'Red']);
  if (r.chance(0.4)) tags.env = r.pick(['prod', 'dev']);
  if (r.chance(0.3)) tags.owner = r.pick(['alice', 'bob']);
  const inline: Doc[] = [];
  if (r.chance(0.65)) inline.push(doc([broadAllow(r, 'identity')]));
  const extra = r.int(3);
  for (let k = 0; k < extra; k++) inline.push(policy(r, 'identity', r.chance(0.6)));
  const managed = r.chance(0.4) ? [policy(r, 'identity', true)] : [];
  const group = base.kind === 'user' && r.chance(0.4) ? [policy(r, 'identity', true, 2)] : [];
  let boundary: Doc | null = null;
  if (r.chance(0.3)) {
    boundary = r.chance(0.5)
      ? doc([broadAllow(r, 'boundary'), ...policy(r, 'boundary', false, 2).Statement])
      : policy(r, 'boundary', true, 2);
  }
  return { ...base, tags, inline, managed, group, boundary };
}

function callerOf(r: Rng): Caller {
  const u = r.int(10);
  if (u < 1) return { kind: 'anonymous', identity: null, sessionName: null, sessionPolicy: null };
  if (u < 5)
    return { kind: 'user', identity: identityFor(r, r.pick(USERS)), sessionName: null, sessionPolicy: null };
  const sessionPolicy = r.chance(0.2)
    ? r.chance(0.5)
      ? doc([broadAllow(r, 'session'), ...policy(r, 'session', false, 1).Statement])
      : policy(r, 'session', true, 2)
    : null;
  return { kind: 'session', identity: identityFor(r, r.pick(ROLES)), sessionName: 'sess-1', sessionPolicy };
}

function orgOf(r: Rng): Org | null {
  if (r.chance(0.2)) return null;
  const paths = { [A]: r.chance(0.5) ? OU_A : OU_A.slice(0, 1), [B]: r.chance(0.5) ? OU_B : [] };
  const targets = [ROOT_ID, ...new Set([...(paths[A] ?? []), ...(paths[B] ?? [])]), A, B];
  const scps: OrgPolicy[] = [];
  const full: string[] = [];
  targets.forEach((t, n) => {
    // AWS requires at least one SCP on every level once SCPs are enabled.
    if (r.chance(0.85)) full.push(t);
    else
      scps.push({
        id: `p-allow${n}`,
        name: `AllowList${n}`,
        targets: [t],
        doc: r.chance(0.5) ? doc([broadAllow(r, 'scp')]) : policy(r, 'scp', true, 2),
      });
    if (r.chance(0.25))
      scps.push({ id: `p-deny${n}`, name: `Guard${n}`, targets: [t], doc: policy(r, 'scp', false, 2) });
  });
  if (full.length > 0)
    scps.unshift({
      id: 'p-FullAWSAccess',
      name: 'FullAWSAccess',
      targets: full,
      doc: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
    });
  const rcps: OrgPolicy[] = [];
  targets.forEach((t, n) => {
    if (r.chance(0.2))
      rcps.push({ id: `p-rcp${n}`, name: `Perimeter${n}`, targets: [t], doc: policy(r, 'rcp', false, 2) });
  });
  return { paths, scps, rcps, listsRcpFullAccess: r.chance(0.5) };
}

const DATES = [
  ['2026-11-20T10:00:00Z', '1795173600'],
  ['2026-03-01T12:30:00Z', '1772368200'],
] as const;

function contextOf(r: Rng, caller: Caller, action: string, vpce: boolean): Record<string, string | string[]> {
  const [now, epoch] = r.pick(DATES);
  const ctx: Record<string, string | string[]> = {
    'aws:SecureTransport': r.chance(0.85) ? 'true' : 'false',
    'aws:CurrentTime': now,
    'aws:EpochTime': epoch,
    'aws:RequestedRegion': 'us-east-1',
    'aws:ViaAWSService': 'false',
    'aws:PrincipalIsAWSService': 'false',
    's3:authType': 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  };
  if (vpce) {
    ctx['aws:SourceVpce'] = 'vpce-1a2b3c4d';
    ctx['aws:SourceVpc'] = 'vpc-11112222';
    ctx['aws:VpcSourceIp'] = r.pick(['10.0.1.17', '10.0.200.5']);
  } else {
    ctx['aws:SourceIp'] = r.pick(['203.0.113.7', '198.51.100.20', '192.0.2.33', '2001:db8::1']);
  }
  if (caller.kind !== 'anonymous') {
    const mfa = r.int(3);
    if (mfa === 0) {
      ctx['aws:MultiFactorAuthPresent'] = 'true';
      ctx['aws:MultiFactorAuthAge'] = r.pick(['120', '5000']);
    } else if (mfa === 1) ctx['aws:MultiFactorAuthPresent'] = 'false';
  }
  if (caller.kind === 'session') ctx['aws:TokenIssueTime'] = '2026-11-20T09:30:00Z';
  if (action === 's3:ListBucket' || action === 's3:ListBucketVersions') {
    if (r.chance(0.7)) ctx['s3:prefix'] = r.pick(['home/alice/', 'home/', 'public/', '']);
    if (r.chance(0.4)) ctx['s3:delimiter'] = '/';
    if (r.chance(0.5)) ctx['s3:max-keys'] = r.pick(['10', '500', '1000']);
  }
  if (action === 's3:PutObject') {
    if (r.chance(0.5)) ctx['s3:x-amz-server-side-encryption'] = r.pick(['AES256', 'aws:kms']);
    if (r.chance(0.4)) ctx['s3:RequestObjectTagKeys'] = r.some(['team', 'env', 'cost'], 1, 2);
  }
  return ctx;
}

/** Case `index` of the run with `seed`: a complete world and its request. */
export function generateWorld(seed: number, index: number): World {
  const r = new Rng(caseSeed(seed, index));
  const caller = callerOf(r);
  const org = orgOf(r);
  const objectRequest = r.chance(0.7);
  const action = objectRequest ? r.pick(OBJECT_ACTIONS) : r.pick(BUCKET_ACTIONS);
  const key = objectRequest ? r.pick(KEYS) : null;
  let bucketPolicy: Doc | null = null;
  if (r.chance(0.75)) {
    const p = policy(r, 'bucket', r.chance(0.6), 3);
    if (r.chance(0.3)) p.Statement.unshift(broadAllow(r, 'bucket'));
    bucketPolicy = p;
  }
  const vpce = r.chance(0.2)
    ? {
        id: 'vpce-1a2b3c4d',
        vpc: 'vpc-11112222',
        owner: A,
        policy: r.chance(0.6) ? policy(r, 'vpce', true, 2) : null,
      }
    : null;
  const restrictPublicBuckets = r.chance(0.1);
  const context = contextOf(r, caller, action, vpce !== null);
  // Drawn last, so that the facts drawn before keep their values for a given seed.
  if (vpce) vpce.owner = r.pick([A, A, N, C, caller.identity?.account ?? B]);
  const tags: Record<string, string> = {};
  if (r.chance(0.6)) tags.team = r.pick(['red', 'blue']);
  if (r.chance(0.4)) tags.env = r.pick(['prod', 'dev']);
  return {
    caller,
    org,
    bucketPolicy,
    vpce,
    abac: { enabled: r.chance(0.5), tags },
    restrictPublicBuckets,
    action,
    key,
    context,
  };
}
