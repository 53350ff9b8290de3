/**
 * The S3-specific layers of a request (ACL, Block Public Access, Object Ownership): their result and what they
 * tell the user, including when a setting or the request's ACL was not recorded.
 * BPA = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * PABC = https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html
 * OWNERSHIP = https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 *   ("ACLs disabled": requests that set ACLs other than bucket-owner-full-control fail with
 *   AccessControlListNotSupported; reading ACLs still works)
 * ACL = https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 */
import { known, unknown, type Acl } from '../../../../lambdas/core/model';
import { authorize, type AuthorizationInput } from '../../../../lambdas/core/policy';
import { ownershipPutReject } from '../../../../lambdas/core/policy/s3/s3-layers';
import {
  ACCT,
  BUCKET_ARN,
  OBJECT_ARN,
  OTHER,
  OTHER_CID,
  OWNER_CID,
  allow,
  anonymous,
  bucketPolicy,
  identity,
  input,
  ownerAcl,
  request,
  roleSession,
  layerOf,
  ALL_USERS,
} from './fixtures';

const OBJ = `${BUCKET_ARN}/*`;
const role = roleSession();
const publicRead = bucketPolicy(allow('s3:GetObject', OBJ, { Sid: 'PublicRead', Principal: '*' }));
const idAll = (action: string, resource = '*') => ({
  identityPolicies: known([identity(allow(action, resource))]),
});

describe('Block Public Access layer (BPA, PABC)', () => {
  it('with every setting off it does not apply', () => {
    const l = layerOf(authorize(input(request(role), idAll('s3:GetObject'))), 'block-public-access');
    expect(l).toMatchObject({ result: 'not-applicable', note: 'Block Public Access is off at every level' });
  });

  it('with settings on and no public grant needed it lets the request through and lists the settings on', () => {
    const l = layerOf(
      authorize(
        input(request(role), idAll('s3:GetObject'), {
          accountPublicAccessBlock: known({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
          bucketPublicAccessBlock: known({ IgnorePublicAcls: true }),
        }),
      ),
      'block-public-access',
    );
    expect(l).toMatchObject({
      result: 'allowed',
      note: 'BlockPublicAcls, IgnorePublicAcls, RestrictPublicBuckets on; no public grant is needed for this request',
    });
  });

  it('unread settings do not matter when no public grant or public write is involved', () => {
    const r = authorize(
      input(request(role), idAll('s3:GetObject'), {
        accountPublicAccessBlock: unknown('accessDenied', undefined, 's3:GetAccountPublicAccessBlock'),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'block-public-access')).toMatchObject({
      result: 'not-applicable',
      note: 'no public grant and no public ACL or policy write is involved',
    });
  });

  it('unread settings with a public grant the caller does not need: the layer says which settings it could not read, without blocking', () => {
    const r = authorize(
      input(request(role, 's3:PutObject'), idAll('s3:PutObject'), {
        accountPublicAccessBlock: unknown('accessDenied', undefined, 's3:GetAccountPublicAccessBlock'),
        ownership: known('ObjectWriter'),
      }),
    );
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'block-public-access');
    expect(l.result).toBe('unknown');
    expect(l.note).toBe('some Block Public Access settings could not be read');
    expect(l.missing).toEqual([
      'account Block Public Access settings (accessDenied, needs s3:GetAccountPublicAccessBlock)',
    ]);
    expect(l.denyPossible).toBe(false);
  });

  it('unread settings with a public grant the caller needs: Block Public Access may void it, so nothing is allowed', () => {
    const r = authorize(
      input(
        request(anonymous),
        { bucketPolicy: known(publicRead) },
        {
          bucketPublicAccessBlock: unknown('accessDenied', undefined, 's3:GetBucketPublicAccessBlock'),
        },
      ),
    );
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'block-public-access');
    expect(l.result).toBe('unknown');
    expect(l.note).toBe('Block Public Access may void the public grant');
    expect(l.missing?.[0]).toMatch(/^bucket Block Public Access settings/);
  });

  it('BlockPublicAcls rejects an ACL write with a public canned ACL, naming the level and the ACL', () => {
    const r = authorize(
      input(request(role, 's3:PutObjectAcl', OBJECT_ARN, { 's3:x-amz-acl': 'public-read' }), idAll('s3:*'), {
        bucketPublicAccessBlock: known({ BlockPublicAcls: true }),
        ownership: known('ObjectWriter'),
      }),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(layerOf(r, 'block-public-access')).toMatchObject({
      result: 'explicitly-denied',
      note: 'BlockPublicAcls (bucket) rejects s3:PutObjectAcl with a public ACL',
    });
  });

  it('BlockPublicPolicy rejects a public bucket policy write, naming the level', () => {
    const r = authorize(
      input(
        request(role, 's3:PutBucketPolicy', BUCKET_ARN, {
          's3-403:RequestPolicy': JSON.stringify(publicRead.document),
        }),
        idAll('s3:PutBucketPolicy'),
        { accountPublicAccessBlock: known({ BlockPublicPolicy: true }) },
      ),
    );
    expect(layerOf(r, 'block-public-access').note).toBe(
      'BlockPublicPolicy (account) rejects s3:PutBucketPolicy with a public policy',
    );
  });

  it('BlockPublicPolicy lets a non-public bucket policy write through', () => {
    const r = authorize(
      input(
        request(role, 's3:PutBucketPolicy', BUCKET_ARN, {
          's3-403:RequestPolicy': JSON.stringify(
            bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: `arn:aws:iam::${ACCT}:root` } }))
              .document,
          ),
        }),
        idAll('s3:PutBucketPolicy'),
        { accountPublicAccessBlock: known({ BlockPublicPolicy: true }) },
      ),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'block-public-access').result).toBe('allowed');
  });

  it('BlockPublicPolicy with a policy write whose document was not recorded: it may reject the request', () => {
    const r = authorize(
      input(request(role, 's3:PutBucketPolicy', BUCKET_ARN), idAll('s3:PutBucketPolicy'), {
        accountPublicAccessBlock: known({ BlockPublicPolicy: true }),
      }),
    );
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'block-public-access');
    expect(l).toMatchObject({
      result: 'unknown',
      note: 'BlockPublicPolicy may reject s3:PutBucketPolicy',
      missing: ['the ACL or policy in the request'],
      denyPossible: true,
    });
  });

  it('BlockPublicAcls with an ACL write whose canned ACL was not recorded: it may reject the request', () => {
    const r = authorize(
      input(request(role, 's3:PutObject', OBJECT_ARN, {}, 'unknown'), idAll('s3:PutObject'), {
        bucketPublicAccessBlock: known({ BlockPublicAcls: true }),
        ownership: known('ObjectWriter'),
      }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'block-public-access')).toMatchObject({
      result: 'unknown',
      note: 'BlockPublicAcls may reject s3:PutObject',
    });
  });

  it('a public ACL write with BlockPublicAcls unread: may be rejected, and the unread level is what is missing', () => {
    const r = authorize(
      input(
        request(role, 's3:PutObject', OBJECT_ARN, { 's3:x-amz-acl': 'public-read' }),
        idAll('s3:PutObject'),
        {
          accountPublicAccessBlock: unknown('accessDenied', undefined, 's3:GetAccountPublicAccessBlock'),
          ownership: known('ObjectWriter'),
        },
      ),
    );
    expect(r.decision).toBe('unknown');
    const l = layerOf(r, 'block-public-access');
    expect(l.result).toBe('unknown');
    expect(l.missing).toEqual([
      'account Block Public Access settings (accessDenied, needs s3:GetAccountPublicAccessBlock)',
    ]);
  });

  it('a private ACL write is not rejected whatever BlockPublicAcls says', () => {
    const r = authorize(
      input(request(role, 's3:PutObject', OBJECT_ARN, { 's3:x-amz-acl': 'private' }), idAll('s3:PutObject'), {
        accountPublicAccessBlock: known({ BlockPublicAcls: true, BlockPublicPolicy: true }),
        ownership: known('ObjectWriter'),
      }),
    );
    expect(r.decision).toBe('allowed');
  });
});

describe('ACL layer (ACL, OWNERSHIP)', () => {
  const writer = { ownership: known('ObjectWriter' as const) };

  it('an action no ACL permission grants: the ACL layer does not apply', () => {
    const l = layerOf(
      authorize(input(request(role, 's3:GetBucketPolicy', BUCKET_ARN), idAll('s3:*'), writer)),
      'acl',
    );
    expect(l).toMatchObject({
      result: 'not-applicable',
      note: 'no ACL permission grants s3:GetBucketPolicy',
    });
  });

  it('an ACL that could not be read (ACLs enabled) leaves the ACL layer unknown, naming the ACL and the permission needed', () => {
    const r = authorize(
      input(
        request(anonymous),
        {},
        { ...writer, objectAcl: unknown('accessDenied', undefined, 's3:GetObjectAcl') },
      ),
    );
    const l = layerOf(r, 'acl');
    expect(l.result).toBe('unknown');
    expect(l.note).toBe('could not read the object ACL (accessDenied, needs s3:GetObjectAcl)');
    expect(l.missing).toEqual(['the object ACL (accessDenied, needs s3:GetObjectAcl)']);
    expect(l.denyPossible).toBe(false);
  });

  it('with ACLs disabled (BucketOwnerEnforced) an ACL that could not be read takes no part: it grants nothing and denies nothing', () => {
    const r = authorize(
      input(
        request(anonymous),
        {},
        {
          ownership: known('BucketOwnerEnforced'),
          objectAcl: unknown('accessDenied', undefined, 's3:GetObjectAcl'),
        },
      ),
    );
    expect(layerOf(r, 'acl')).toMatchObject({
      result: 'not-applicable',
      note: 'ACLs are disabled (BucketOwnerEnforced): they grant nothing and deny nothing',
    });
    expect(r.decision).toBe('implicitly-denied');
  });

  it("another account's caller granted only by the object ACL: the ACL layer allows, naming the grant, and so does the request", () => {
    const r = authorize(
      input(request(roleSession(OTHER, 'Partner')), idAll('s3:GetObject'), {
        ...writer,
        objectAcl: known(ownerAcl({ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'READ' })),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'acl')).toMatchObject({
      result: 'allowed',
      note: `object ACL grant #2: READ to canonical user ${OTHER_CID} covers s3:GetObject`,
    });
  });

  it('IgnorePublicAcls: a public ACL grant is ignored, the layer names it, and an anonymous read is denied', () => {
    const r = authorize(
      input(
        request(anonymous),
        {},
        {
          ...writer,
          objectAcl: known(ownerAcl({ ...ALL_USERS, Permission: 'READ' })),
          bucketPublicAccessBlock: known({ IgnorePublicAcls: true }),
        },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'acl')).toMatchObject({
      result: 'implicitly-denied',
      note: 'IgnorePublicAcls ignores object ACL grant #2: READ to AllUsers',
    });
  });

  it('an unreadable bucket ACL for a bucket action is named as the bucket ACL', () => {
    const r = authorize(
      input(
        request(anonymous, 's3:ListBucket', BUCKET_ARN),
        {},
        { ...writer, bucketAcl: unknown('accessDenied') },
      ),
    );
    expect(layerOf(r, 'acl').note).toBe('could not read the bucket ACL (accessDenied)');
  });

  it('no grant to the caller: the ACL layer is an implicit deny naming the ACL and the permission', () => {
    const r = authorize(input(request(anonymous), {}, writer));
    expect(layerOf(r, 'acl')).toMatchObject({
      result: 'implicitly-denied',
      note: 'no object ACL grant gives READ to the caller',
    });
  });

  it('a grant to a canonical user the facts cannot place, for a caller whose id is not known: the ACL may cover the request', () => {
    const r = authorize(
      input(request({ ...roleSession(OTHER, 'Partner'), canonicalId: null }), idAll('s3:GetObject'), {
        ...writer,
        objectAcl: known({
          Owner: { ID: OWNER_CID },
          Grants: [
            { Grantee: { Type: 'CanonicalUser', ID: OWNER_CID }, Permission: 'FULL_CONTROL' },
            { Grantee: { Type: 'CanonicalUser', ID: 'c'.repeat(64) }, Permission: 'READ' },
          ],
        }),
      }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'acl')).toMatchObject({
      result: 'unknown',
      note: 'an ACL grant may cover s3:GetObject',
      missing: ["the caller's canonical user id"],
    });
  });

  it('an AllUsers grant with IgnorePublicAcls unread: the ACL may cover the request, depending on Block Public Access', () => {
    const r = authorize(
      input(
        request(anonymous),
        {},
        {
          ...writer,
          objectAcl: known(ownerAcl(ALL_USERS)),
          bucketPublicAccessBlock: unknown('accessDenied'),
        },
      ),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'acl')).toMatchObject({
      result: 'unknown',
      missing: ['Object Ownership or Block Public Access settings'],
    });
  });

  it('an ACL grant with Object Ownership unread: ACLs may be disabled, and the layer says the grant would be ignored if so', () => {
    const r = authorize(
      input(
        request(anonymous),
        {},
        {
          ownership: unknown('accessDenied', undefined, 's3:GetBucketOwnershipControls'),
          objectAcl: known(ownerAcl(ALL_USERS)),
        },
      ),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'acl').result).toBe('unknown');
    expect(layerOf(r, 'object-ownership').result).toBe('unknown');
  });
});

describe('Object Ownership layer (OWNERSHIP)', () => {
  const foreignOwned = {
    ownership: known('ObjectWriter' as const),
    objectOwnerAccountId: known(OTHER),
    objectAcl: known<Acl>({
      Owner: { ID: OTHER_CID },
      Grants: [
        { Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'FULL_CONTROL' },
        { Grantee: { Type: 'CanonicalUser', ID: OWNER_CID }, Permission: 'READ' },
      ],
    }),
  };

  it('BucketOwnerEnforced: the bucket owner owns every object, and its policies cover the request', () => {
    const l = layerOf(authorize(input(request(role), idAll('s3:GetObject'))), 'object-ownership');
    expect(l).toMatchObject({
      result: 'allowed',
      note: "BucketOwnerEnforced; the bucket owner's policies cover this request",
    });
  });

  it("BucketOwnerEnforced: the object owner's account need not be read (the bucket owner owns every object)", () => {
    const r = authorize(
      input(request(role), idAll('s3:GetObject'), { objectOwnerAccountId: unknown('accessDenied') }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'object-ownership')).toMatchObject({
      result: 'allowed',
      note: "BucketOwnerEnforced; the bucket owner's policies cover this request",
    });
    expect(layerOf(r, 'object-ownership').missing).toBeUndefined();
  });

  it('a bucket without ownership controls is ObjectWriter', () => {
    const l = layerOf(
      authorize(
        input(request(role), idAll('s3:GetObject'), { ownership: known(null) } as Partial<
          NonNullable<AuthorizationInput['s3']>
        >),
      ),
      'object-ownership',
    );
    expect(l.note).toBe(
      "ObjectWriter (no ownership controls); the bucket owner's policies cover this request",
    );
  });

  it("another account's object whose ACL grants the caller: allowed, and the layer names the object owner", () => {
    const r = authorize(input(request(role), idAll('s3:GetObject'), foreignOwned));
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'object-ownership')).toMatchObject({
      result: 'allowed',
      note: `ObjectWriter; the object is owned by account ${OTHER}, and its ACL grants the request`,
    });
  });

  it('BucketOwnerEnforced ignores an ACL grant: the layer says ACLs are disabled', () => {
    const r = authorize(input(request(anonymous), {}, { objectAcl: known(ownerAcl(ALL_USERS)) }));
    expect(layerOf(r, 'object-ownership')).toMatchObject({
      result: 'implicitly-denied',
      note: 'ACLs are disabled (BucketOwnerEnforced): the ACL grant is ignored',
    });
  });

  it('BucketOwnerEnforced: an upload that sets a public-read ACL fails (AccessControlListNotSupported), an explicit refusal the layer explains', () => {
    const r = authorize(
      input(
        request(role, 's3:PutObject', OBJECT_ARN, { 's3:x-amz-acl': 'public-read' }),
        idAll('s3:PutObject'),
      ),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(layerOf(r, 'object-ownership')).toMatchObject({
      result: 'explicitly-denied',
      note: 'ACLs are disabled (BucketOwnerEnforced): a request that sets an ACL other than bucket-owner-full-control fails (400 AccessControlListNotSupported)',
    });
  });

  it("an object another account wrote (ObjectWriter) whose ACL does not grant the bucket owner's caller: the bucket policy's Allow does not cover it, and the layer names the owner", () => {
    const r = authorize(
      input(
        request(role),
        {
          bucketPolicy: known(
            bucketPolicy(allow('s3:GetObject', OBJ, { Principal: { AWS: role.identityArn } })),
          ),
        },
        { ...foreignOwned, objectAcl: known<Acl>({ Owner: { ID: OTHER_CID }, Grants: [] }) },
      ),
    );
    expect(r.decision).toBe('implicitly-denied');
    expect(layerOf(r, 'object-ownership')).toMatchObject({
      result: 'implicitly-denied',
      note: `the object is owned by account ${OTHER}: the bucket policy's Allow does not cover it; only the object ACL can grant`,
    });
  });

  it('BucketOwnerEnforced: PutObjectAcl without an x-amz-acl header may carry the ACL in its body, so it may fail', () => {
    const r = authorize(input(request(role, 's3:PutObjectAcl'), idAll('s3:*')));
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'object-ownership')).toMatchObject({
      result: 'unknown',
      note: 'ACLs may be disabled for an ACL-setting request',
      missing: ['the ACL in the request'],
      denyPossible: true,
    });
  });

  it('an ACL-setting request when Object Ownership could not be read: it may fail, and the setting is what is missing', () => {
    const r = authorize(
      input(request(role, 's3:PutObjectAcl', OBJECT_ARN, { 's3:x-amz-acl': 'public-read' }), idAll('s3:*'), {
        ownership: unknown('accessDenied', undefined, 's3:GetBucketOwnershipControls'),
      }),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'object-ownership').missing).toEqual([
      'the Object Ownership setting (accessDenied, needs s3:GetBucketOwnershipControls)',
    ]);
  });

  it('an unread Object Ownership setting does not matter when no ACL grant or foreign object is involved', () => {
    const r = authorize(
      input(request(role, 's3:GetBucketPolicy', BUCKET_ARN), idAll('s3:*'), {
        ownership: unknown('accessDenied'),
      }),
    );
    expect(r.decision).toBe('allowed');
    expect(layerOf(r, 'object-ownership')).toMatchObject({
      result: 'not-applicable',
      note: "no ACL grant and no bucket-policy grant on another account's object is involved",
    });
  });

  it('an unread Object Ownership setting with an ACL the caller does not need: reported unknown without blocking', () => {
    const r = authorize(
      input(request(role, 's3:ListBucket', BUCKET_ARN), idAll('s3:ListBucket', BUCKET_ARN), {
        ownership: unknown('accessDenied'),
      }),
    );
    expect(r.decision).toBe('allowed');
    const l = layerOf(r, 'object-ownership');
    expect(l).toMatchObject({ result: 'unknown', note: 'object ownership facts could not be read' });
    expect(l.denyPossible).toBe(false);
  });

  it('a public bucket-policy grant on an object whose owner could not be read: object ownership may void the grant', () => {
    const r = authorize(
      input(
        request(anonymous),
        { bucketPolicy: known(publicRead) },
        {
          ownership: known('ObjectWriter'),
          objectOwnerAccountId: unknown('notCollected'),
        },
      ),
    );
    expect(r.decision).toBe('unknown');
    expect(layerOf(r, 'object-ownership')).toMatchObject({
      result: 'unknown',
      note: 'object ownership may void the grant',
      missing: ["the object owner's account (notCollected)"],
    });
  });
});

describe('which writes set an ACL that BucketOwnerEnforced refuses (OWNERSHIP)', () => {
  const req = (
    action: string,
    values: Record<string, string> = {},
    otherKeys: 'absent' | 'unknown' = 'absent',
  ) => request(role, action, OBJECT_ARN, values, otherKeys);

  it.each([
    's3:PutObject',
    's3:PutObjectAcl',
    's3:PutObjectVersionAcl',
    's3:PutBucketAcl',
    'S3:PUTOBJECTACL',
  ])('%s with a canned ACL other than bucket-owner-full-control is refused', (action) => {
    expect(ownershipPutReject(req(action, { 's3:x-amz-acl': 'private' }), true)).toBe(true);
  });

  it('bucket-owner-full-control (any case) is accepted', () => {
    expect(
      ownershipPutReject(req('s3:PutObject', { 's3:x-amz-acl': 'Bucket-Owner-Full-Control' }), true),
    ).toBe(false);
  });

  it('a PutObject without x-amz-acl sets no ACL; an ACL write without it may set one in its body', () => {
    expect(ownershipPutReject(req('s3:PutObject'), true)).toBe(false);
    expect(ownershipPutReject(req('s3:PutObjectAcl'), true)).toBe('unknown');
    expect(ownershipPutReject(req('s3:PutBucketAcl'), true)).toBe('unknown');
  });

  it('an unrecorded x-amz-acl may set one', () => {
    expect(ownershipPutReject(req('s3:PutObject', {}, 'unknown'), true)).toBe('unknown');
  });

  it('reading an ACL, or any other action, is never refused by it', () => {
    expect(ownershipPutReject(req('s3:GetObjectAcl', { 's3:x-amz-acl': 'private' }), true)).toBe(false);
    expect(ownershipPutReject(req('s3:DeleteObject', { 's3:x-amz-acl': 'private' }), true)).toBe(false);
  });

  it('with ACLs enabled nothing is refused; with the setting unknown it may be', () => {
    expect(ownershipPutReject(req('s3:PutObject', { 's3:x-amz-acl': 'private' }), false)).toBe(false);
    expect(ownershipPutReject(req('s3:PutObject', { 's3:x-amz-acl': 'private' }), 'unknown')).toBe('unknown');
  });
});
