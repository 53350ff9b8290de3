/**
 * One decision path (issue 12), on generated worlds: for random complete snapshots and denials recorded through
 * CloudTrail (some through access points, VPC endpoints, across accounts, with ACLs, Object Ownership, Block Public
 * Access, SCPs and RCPs), what simulate decides for each need equals what explain used wherever explain could decide;
 * and on a complete snapshot simulate never answers "unknown" (docs/CLI.md, Simulation).
 * Rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html
 */
import fc from 'fast-check';
import { readDenials } from '../../lambdas/core/event';
import { simulate } from '../../lambdas/core/simulate';
import { compare } from './one-path';
import {
  A,
  B,
  C,
  CANONICAL,
  customerKey,
  ORG,
  OU_A,
  OU_B,
  ROOT,
  recordFor,
  roleArn,
  viewOf,
  type BucketSpec,
  type RecordSpec,
  type Stmt,
  type WorldSpec,
} from './world';

const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/data-ap`;
const BUCKET = 'arn:aws:s3:::data';
const OBJECTS = `${BUCKET}/*`;
const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const identityPool: Stmt[] = [
  { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: [BUCKET, OBJECTS] },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: BUCKET }, // the wrong resource form
  { Effect: 'Allow', Action: 's3:*', Resource: [AP, `${AP}/object/*`] },
  { Effect: 'Allow', Action: 's3:*', Resource: '*' },
  { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
  { Effect: 'Deny', Action: 's3:PutObject', Resource: '*' },
  {
    Effect: 'Deny',
    Action: 's3:*',
    Resource: '*',
    Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  },
  {
    Effect: 'Deny',
    Action: 's3:*',
    Resource: '*',
    Condition: { 'ForAllValues:StringNotLike': { 'aws:ResourceOrgPaths': [`${ORG}/${ROOT}/${OU_A}/*`] } },
  },
  {
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: OBJECTS,
    Condition: { StringEquals: { 's3:ExistingObjectTag/team': 'blue' } }, // a key no record tells
  },
];

const bucketPool = (caller: string): Stmt[] => [
  {
    Effect: 'Allow',
    Principal: { AWS: caller },
    Action: ['s3:GetObject', 's3:ListBucket'],
    Resource: [BUCKET, OBJECTS],
  },
  {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${B}:root` },
    Action: 's3:*',
    Resource: [BUCKET, OBJECTS],
  },
  { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS }, // public
  {
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:*',
    Resource: [BUCKET, OBJECTS],
    Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
  },
  {
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: OBJECTS,
    Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${ORG}/${ROOT}/${OU_B}/*`] } },
  },
  {
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: '*',
    Resource: [BUCKET, OBJECTS],
    Condition: { StringEquals: { 's3:DataAccessPointAccount': A } },
  },
  {
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [BUCKET, OBJECTS],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  },
  {
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:DeleteObject',
    Resource: OBJECTS,
    Condition: { StringNotEquals: { 's3:ExistingObjectTag/keep': 'no' } },
  },
  {
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: OBJECTS,
    Condition: { StringEquals: { 's3:ExistingObjectTag/team': 'blue' } },
  },
];

const grantPool: Record<string, unknown>[] = [
  { Grantee: { Type: 'CanonicalUser', ID: CANONICAL[A] }, Permission: 'FULL_CONTROL' }, // bucket-owner-full-control
  { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' },
  { Grantee: { Type: 'CanonicalUser', ID: CANONICAL[B] }, Permission: 'READ' },
  { Grantee: { Type: 'CanonicalUser', ID: CANONICAL[C] }, Permission: 'READ' },
];

const subset = <T>(pool: readonly T[]) =>
  fc.subarray([...pool.keys()], { maxLength: 3 }).map((ix) => ix.map((i) => pool[i] as T));

interface Case {
  readonly world: WorldSpec;
  readonly record: RecordSpec;
}

const arbCase: fc.Arbitrary<Case> = fc
  .record({
    caller: fc.constantFrom(A, B, C),
    identity: subset(identityPool),
    bucketIdx: fc.subarray([...bucketPool('x').keys()], { maxLength: 3 }),
    ownership: fc.constantFrom<BucketSpec['ownership']>(
      null,
      'ObjectWriter',
      'BucketOwnerPreferred',
      'BucketOwnerEnforced',
    ),
    objectOwner: fc.constantFrom(A, A, B),
    objectGrants: subset(grantPool),
    bucketGrants: subset(grantPool.slice(1)),
    sseKms: fc.boolean(),
    objectBucketKey: fc.constantFrom(undefined, true, false),
    accountPab: fc.boolean(),
    bucketRpb: fc.boolean(),
    eventName: fc.constantFrom(
      'GetObject',
      'GetObject',
      'PutObject',
      'HeadObject',
      'ListObjects',
      'DeleteObject',
    ),
    viaAp: fc.boolean(),
    apOrigin: fc.constantFrom('Internet', 'VPC'),
    apPolicy: fc.boolean(),
    viaVpce: fc.boolean(),
    vpcePolicy: fc.constantFrom('default', 'bucket-only', 'both'),
    sourceIp: fc.constantFrom('198.51.100.7', '203.0.113.9'),
    rcpDeny: fc.boolean(),
    listRcpFull: fc.boolean(),
    scpDeny: fc.boolean(),
    missingKey: fc.boolean(),
  })
  .map((g): Case => {
    const caller = roleArn(g.caller, 'Caller');
    const pool = bucketPool(caller);
    const keyName = g.missingKey ? 'gone.csv' : 'k.csv';
    const vpceResources =
      g.vpcePolicy === 'bucket-only' ? [BUCKET, OBJECTS] : [BUCKET, OBJECTS, AP, `${AP}/object/*`];
    const world: WorldSpec = {
      roles: [{ account: g.caller, name: 'Caller', statements: g.identity }],
      buckets: {
        data: {
          account: A,
          policy: g.bucketIdx.length > 0 ? g.bucketIdx.map((i) => pool[i] as Stmt) : null,
          pab: g.bucketRpb ? { RestrictPublicBuckets: true } : null,
          ownership: g.ownership,
          encryption: g.sseKms ? { algorithm: 'aws:kms', key: KEY, bucketKey: true } : null,
          grants: g.bucketGrants,
          objects: {
            'k.csv': {
              owner: g.objectOwner,
              grants: g.objectGrants,
              ...(g.sseKms
                ? {
                    sse: 'aws:kms' as const,
                    kmsKeyId: KEY,
                    ...(g.objectBucketKey !== undefined ? { bucketKeyEnabled: g.objectBucketKey } : {}),
                  }
                : {}),
            },
            'gone.csv': { exists: false },
          },
        },
      },
      accountPab: {
        [A]: g.accountPab
          ? {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            }
          : null,
      },
      accessPoints: {
        [AP]: {
          Name: 'data-ap',
          Bucket: 'data',
          NetworkOrigin: g.apOrigin,
          VpcConfiguration: g.apOrigin === 'VPC' ? { VpcId: 'vpc-1' } : null,
          Policy: g.apPolicy
            ? {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { AWS: caller },
                    Action: 's3:*',
                    Resource: [AP, `${AP}/object/*`],
                  },
                ],
              }
            : null,
          PublicAccessBlockConfiguration: null,
        },
      },
      vpcEndpoints: {
        'vpce-1': {
          VpcEndpointId: 'vpce-1',
          VpcId: 'vpc-1',
          ServiceName: 'com.amazonaws.us-east-1.s3',
          VpcEndpointType: 'Gateway',
          PolicyDocument:
            g.vpcePolicy === 'default'
              ? null
              : {
                  Version: '2012-10-17',
                  Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: vpceResources }],
                },
        },
      },
      kmsKeys: {
        [KEY]: customerKey({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${A}:root` },
          Action: 'kms:*',
          Resource: '*',
        }),
      },
      listRcpFullAccess: g.listRcpFull,
      rcps: g.rcpDeny
        ? [
            {
              name: 'OrgOnly',
              targets: [OU_A],
              statements: [
                {
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 's3:*',
                  Resource: '*',
                  Condition: {
                    StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG },
                    BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
                  },
                },
              ],
            },
          ]
        : [],
      scps: g.scpDeny
        ? [
            {
              name: 'NoPuts',
              targets: [OU_B],
              statements: [{ Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }],
            },
          ]
        : [],
    };
    const record: RecordSpec = {
      account: g.caller,
      role: 'Caller',
      eventName: g.eventName,
      bucket: 'data',
      key: g.eventName === 'ListObjects' ? null : keyName,
      ...(g.viaAp ? { accessPoint: AP } : {}),
      ...(g.viaVpce ? { vpcEndpointId: 'vpce-1' } : {}),
      sourceIp: g.sourceIp,
    };
    return { world, record };
  });

describe('generated worlds', () => {
  it('explain and simulate decide every need alike', () => {
    let checked = 0;
    fc.assert(
      fc.property(arbCase, ({ world, record }) => {
        const view = viewOf(world);
        for (const request of readDenials(JSON.stringify(recordFor(record)), 'generated')) {
          const r = compare(request, view);
          checked += r.checked;
          expect(r.diffs).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(250);
  });

  it('on a complete snapshot simulate never answers "unknown"', () => {
    fc.assert(
      fc.property(arbCase, ({ world, record }) => {
        const key = record.key ?? null;
        const resource = record.accessPoint
          ? `${record.accessPoint}${key === null ? '' : `/object/${key}`}`
          : `arn:aws:s3:::data${key === null ? '' : `/${key}`}`;
        const action =
          record.eventName === 'ListObjects'
            ? 's3:ListBucket'
            : record.eventName === 'PutObject'
              ? 's3:PutObject'
              : record.eventName === 'DeleteObject'
                ? 's3:DeleteObject'
                : 's3:GetObject';
        const sim = simulate(
          {
            principal: roleArn(record.account, 'Caller'),
            action,
            resource,
            context: {
              'aws:SourceIp': record.sourceIp ?? '198.51.100.7',
              ...(record.vpcEndpointId ? { 'aws:SourceVpce': record.vpcEndpointId } : {}),
            },
          },
          viewOf(world),
          { now: new Date('2026-11-20T10:00:00Z') },
        );
        expect({ decision: sim.decision, missing: sim.missing }).not.toMatchObject({ decision: 'unknown' });
      }),
      { numRuns: 300 },
    );
  });
});
