/**
 * The S3 setting layers (ACL, Block Public Access, Object Ownership) over random worlds (fast-check): what every
 * one of their results tells the user, whatever the facts and whichever of them could not be read.
 * - They are settings, not policies: a layer result lists the policies whose statements decided it
 *   (docs/CLI.md, "layers": "statements"), so these three never list one; their note says why instead.
 * - A layer that could not be decided names the facts that would decide it (docs/CLI.md: "missing" names each
 *   missing fact that could change the answer).
 * - A setting that rejects the request is an explicit denial of the whole request: BlockPublicAcls /
 *   BlockPublicPolicy reject the call (BPA), and with ACLs disabled a request that sets another ACL than
 *   bucket-owner-full-control fails (OWNERSHIP).
 * BPA = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * OWNERSHIP = https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 * ACL = https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 */
import fc from 'fast-check';
import { known, unknown, type Acl, type Fact, type NamedPolicy } from '../../../../lambdas/core/model';
import { authorize, type AuthorizationInput, type EnginePrincipal } from '../../../../lambdas/core/policy';
import type { LayerId } from '../../../../lambdas/core/policy/types';
import {
  ACCT,
  ALL_USERS,
  BUCKET_ARN,
  OBJECT_ARN,
  OTHER,
  OTHER_CID,
  allow,
  anonymous,
  bucketPolicy,
  identity,
  input,
  ownerAcl,
  request,
  roleSession,
} from './fixtures';

const SETTING_LAYERS: readonly LayerId[] = ['acl', 'block-public-access', 'object-ownership'];
const unread = <T>(): Fact<T> => unknown('accessDenied', undefined, 's3:GetBucketOwnershipControls');

const principals: EnginePrincipal[] = [roleSession(), roleSession(OTHER, 'Partner'), anonymous];

// the policy document a PutBucketPolicy sends, as the engine carries it (s3-403:RequestPolicy, lambdas/core/policy/s3/bpa.ts)
const PUBLIC_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/*` }],
});

const PRIVATE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
      Action: 's3:GetObject',
      Resource: `${BUCKET_ARN}/*`,
    },
  ],
});

/** The request: action, resource and the request's own ACL / policy (recorded, or not). */
const arbRequest = fc.constantFrom<{ action: string; resource: string; values: Record<string, string> }>(
  { action: 's3:GetObject', resource: OBJECT_ARN, values: {} },
  { action: 's3:PutObject', resource: OBJECT_ARN, values: {} },
  { action: 's3:PutObject', resource: OBJECT_ARN, values: { 's3:x-amz-acl': 'public-read' } },
  { action: 's3:PutObject', resource: OBJECT_ARN, values: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
  { action: 's3:PutObjectAcl', resource: OBJECT_ARN, values: {} },
  { action: 's3:PutBucketAcl', resource: BUCKET_ARN, values: { 's3:x-amz-acl': 'public-read' } },
  { action: 's3:PutBucketAcl', resource: BUCKET_ARN, values: { 's3:x-amz-acl': 'private' } },
  { action: 's3:PutBucketPolicy', resource: BUCKET_ARN, values: {} },
  { action: 's3:PutBucketPolicy', resource: BUCKET_ARN, values: { 's3-403:RequestPolicy': PUBLIC_POLICY } },
  { action: 's3:PutBucketPolicy', resource: BUCKET_ARN, values: { 's3-403:RequestPolicy': PRIVATE_POLICY } },
  { action: 's3:ListBucket', resource: BUCKET_ARN, values: {} },
);

const arbBpa = fc.oneof(
  fc.constant<'unread' | null>(null),
  fc.constant<'unread' | null>('unread'),
  fc.record(
    {
      BlockPublicAcls: fc.boolean(),
      IgnorePublicAcls: fc.boolean(),
      BlockPublicPolicy: fc.boolean(),
      RestrictPublicBuckets: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
);

const arbAcl = fc.constantFrom<'owner' | 'public' | 'partner' | 'unread'>(
  'owner',
  'public',
  'partner',
  'unread',
);
const aclOf = (a: 'owner' | 'public' | 'partner' | 'unread'): Fact<Acl> =>
  a === 'unread'
    ? unread()
    : known(
        a === 'owner'
          ? ownerAcl()
          : a === 'public'
            ? ownerAcl({ ...ALL_USERS, Permission: 'READ' })
            : ownerAcl({ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' }),
      );

const arbWorld = fc.record({
  principal: fc.constantFrom(...principals),
  req: arbRequest,
  identityAllows: fc.boolean(),
  bucket: fc.constantFrom<'none' | 'public' | 'partner' | 'unread'>('none', 'public', 'partner', 'unread'),
  accountBpa: arbBpa,
  bucketBpa: arbBpa,
  ownership: fc.constantFrom<string | null | 'unread'>(
    'BucketOwnerEnforced',
    'BucketOwnerPreferred',
    'ObjectWriter',
    null,
    'unread',
  ),
  objectAcl: arbAcl,
  bucketAcl: arbAcl,
  objectOwner: fc.constantFrom<string | 'unread'>(ACCT, OTHER, 'unread'),
});
type World = typeof arbWorld extends fc.Arbitrary<infer W> ? W : never;

function build(w: World): AuthorizationInput {
  const req = request(w.principal, w.req.action, w.req.resource, w.req.values);
  const onObject = w.req.resource === OBJECT_ARN;
  const bucket: Fact<NamedPolicy | null> =
    w.bucket === 'unread'
      ? unread()
      : w.bucket === 'none'
        ? known(null)
        : known(
            bucketPolicy(
              allow(['s3:GetObject', 's3:PutObject', 's3:ListBucket'], [BUCKET_ARN, `${BUCKET_ARN}/*`], {
                Principal: w.bucket === 'public' ? '*' : { AWS: `arn:aws:iam::${OTHER}:root` },
              }),
            ),
          );
  const bpa = (b: World['accountBpa']) => (b === 'unread' ? unread<never>() : known(b));
  return input(
    req,
    {
      ...(w.principal.type === 'Anonymous'
        ? {}
        : { identityPolicies: known(w.identityAllows ? [identity(allow('s3:*'))] : []) }),
      bucketPolicy: bucket,
    },
    {
      accountPublicAccessBlock: bpa(w.accountBpa),
      bucketPublicAccessBlock: bpa(w.bucketBpa),
      ownership: w.ownership === 'unread' ? unread() : known(w.ownership as never),
      bucketAcl: aclOf(w.bucketAcl),
      objectAcl: onObject ? aclOf(w.objectAcl) : null,
      objectOwnerAccountId: onObject ? (w.objectOwner === 'unread' ? unread() : known(w.objectOwner)) : null,
    },
  );
}

describe('S3 setting layers over random worlds (fast-check)', () => {
  it('ACL, Block Public Access and Object Ownership are settings: they list no policy statement and always say why in a note', () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const r = authorize(build(w));
        for (const id of SETTING_LAYERS) {
          const l = r.layers.find((x) => x.layer === id);
          expect(l).toBeDefined();
          expect(l?.policies).toEqual([]);
          expect(l?.note).toMatch(/\w/);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a setting layer that could not be decided names at least one fact that would decide it', () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const r = authorize(build(w));
        for (const l of r.layers.filter((x) => SETTING_LAYERS.includes(x.layer) && x.result === 'unknown')) {
          expect(l.missing?.length ?? 0).toBeGreaterThan(0);
          // a named fact, not the engine's generic "a fact the layer needs (…)"
          for (const m of l.missing ?? []) expect(m).not.toMatch(/^a fact the layer needs/);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a setting that rejects the request denies the whole request explicitly', () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const r = authorize(build(w));
        const settings = r.layers.filter((x) => SETTING_LAYERS.includes(x.layer));
        if (settings.some((l) => l.result === 'explicitly-denied'))
          expect(r.decision).toBe('explicitly-denied');
      }),
      { numRuns: 400 },
    );
  });
});
