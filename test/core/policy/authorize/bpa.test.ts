/**
 * S3 Block Public Access: the effective settings over the account, bucket and access point levels when some
 * levels could not be read, and which requests set a public ACL (BlockPublicAcls).
 * BPA = https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * PABC = https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html
 * ACL = https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html (canned ACLs, x-amz-grant-* headers)
 */
import { known, unknown, type ConditionContext } from '../../../../lambdas/core/model';
import {
  contextValues,
  effectiveTriBpa,
  isAclPut,
  isPolicyPut,
  levelsWith,
  requestSetsPublicAcl,
  type BpaLevel,
} from '../../../../lambdas/core/policy/s3/bpa';

const ctx = (
  values: Record<string, string | string[]>,
  over: Partial<ConditionContext> = {},
): ConditionContext => ({ values, absent: [], otherKeys: 'absent', ...over });
const ALL_USERS = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"';
const AUTH_USERS = 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"';

describe('the effective Block Public Access settings: the most restrictive combination of the levels (BPA)', () => {
  const account = (v: BpaLevel['value']): BpaLevel => ({ name: 'account', value: v });
  const bucket = (v: BpaLevel['value']): BpaLevel => ({ name: 'bucket', value: v });

  it('a setting one level turns on is on, whatever another level says or whether it could be read', () => {
    const on = effectiveTriBpa([account(unknown('accessDenied')), bucket(known({ IgnorePublicAcls: true }))]);
    expect(on.IgnorePublicAcls).toBe(true);
  });

  it('a setting no readable level turns on is unknown when a level could not be read', () => {
    const r = effectiveTriBpa([account(unknown('accessDenied')), bucket(known({ IgnorePublicAcls: true }))]);
    expect(r).toEqual({
      BlockPublicAcls: 'unknown',
      IgnorePublicAcls: true,
      BlockPublicPolicy: 'unknown',
      RestrictPublicBuckets: 'unknown',
    });
  });

  it('with every level read, each setting is on exactly when a level turns it on', () => {
    const r = effectiveTriBpa([
      account(known({ BlockPublicPolicy: true, RestrictPublicBuckets: false })),
      bucket(known({ BlockPublicAcls: true })),
    ]);
    expect(r).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    });
  });

  it('a level with no configuration turns nothing on', () => {
    expect(effectiveTriBpa([account(known(null)), bucket(known(null))]).RestrictPublicBuckets).toBe(false);
  });

  it('notes name the levels that turn a setting on, in order, and only readable ones', () => {
    const levels = [
      account(known({ RestrictPublicBuckets: true })),
      bucket(known({ RestrictPublicBuckets: true })),
      { name: 'access point', value: unknown('accessDenied') },
    ];
    expect(levelsWith(levels, 'RestrictPublicBuckets')).toEqual(['account', 'bucket']);
    expect(levelsWith(levels, 'IgnorePublicAcls')).toEqual([]);
  });
});

describe('request context keys are looked up case-insensitively, as IAM condition keys are', () => {
  it('a recorded value, single or multi-valued, whatever the case of its key', () => {
    expect(contextValues(ctx({ 'S3:X-Amz-Acl': 'private' }), 's3:x-amz-acl')).toEqual(['private']);
    expect(contextValues(ctx({ 's3:x-amz-grant-read': ['a', 'b'] }), 'S3:X-AMZ-GRANT-READ')).toEqual([
      'a',
      'b',
    ]);
  });

  it('a key the record says is absent is null, even when other keys are unknown', () => {
    expect(
      contextValues(ctx({}, { absent: ['S3:x-amz-acl'], otherKeys: 'unknown' }), 's3:x-amz-acl'),
    ).toBeNull();
  });

  it('a key the record says is set without its value is unknown, even when other keys are absent', () => {
    expect(contextValues(ctx({}, { unknown: ['S3:X-AMZ-ACL'] }), 's3:x-amz-acl')).toBe('unknown');
  });

  it('a key absent from the request is only the key the record names: other keys stay unknown', () => {
    expect(
      contextValues(ctx({}, { absent: ['s3:x-amz-grant-read'], otherKeys: 'unknown' }), 's3:x-amz-acl'),
    ).toBe('unknown');
  });

  it('a key set without its value is only the key the record names: other keys stay absent', () => {
    expect(contextValues(ctx({}, { unknown: ['s3:x-amz-grant-read'] }), 's3:x-amz-acl')).toBeNull();
  });

  it('any other key follows the record: absent or unknown', () => {
    expect(contextValues(ctx({}), 's3:x-amz-acl')).toBeNull();
    expect(contextValues(ctx({}, { otherKeys: 'unknown' }), 's3:x-amz-acl')).toBe('unknown');
  });

  it('a context without the optional lists still answers', () => {
    const bare = { values: {}, otherKeys: 'absent' } as unknown as ConditionContext;
    expect(contextValues(bare, 's3:x-amz-acl')).toBeNull();
  });
});

describe('which requests set a public ACL (BlockPublicAcls, PABC)', () => {
  it.each(['public-read', 'public-read-write', 'authenticated-read', 'Public-Read'])(
    'the canned ACL %s is public',
    (acl) => {
      expect(requestSetsPublicAcl(ctx({ 's3:x-amz-acl': acl }))).toBe(true);
    },
  );

  it.each(['private', 'bucket-owner-full-control', 'bucket-owner-read', 'log-delivery-write'])(
    'the canned ACL %s is not public',
    (acl) => {
      expect(requestSetsPublicAcl(ctx({ 's3:x-amz-acl': acl }))).toBe(false);
    },
  );

  it.each([
    ['s3:x-amz-grant-read', ALL_USERS],
    ['s3:x-amz-grant-write', AUTH_USERS],
    ['s3:x-amz-grant-read-acp', ALL_USERS],
    ['s3:x-amz-grant-write-acp', AUTH_USERS],
    ['s3:x-amz-grant-full-control', ALL_USERS],
  ])('a %s header naming a public group is public', (header, grantee) => {
    expect(requestSetsPublicAcl(ctx({ [header]: `id="${'a'.repeat(64)}", ${grantee}` }))).toBe(true);
  });

  it('a grant header with several grantees is public when any of them is a public group', () => {
    expect(requestSetsPublicAcl(ctx({ 's3:x-amz-grant-read': [`id="${'a'.repeat(64)}"`, AUTH_USERS] }))).toBe(
      true,
    );
  });

  it('a grant header naming an account only is not public', () => {
    expect(requestSetsPublicAcl(ctx({ 's3:x-amz-grant-read': `id="${'a'.repeat(64)}"` }))).toBe(false);
  });

  it('a public grant header decides even when the canned ACL was not recorded', () => {
    expect(
      requestSetsPublicAcl(ctx({ 's3:x-amz-grant-read': ALL_USERS }, { unknown: ['s3:x-amz-acl'] })),
    ).toBe(true);
  });

  it('a canned ACL that was not recorded leaves it unknown; unrecorded grant headers alone do not', () => {
    expect(requestSetsPublicAcl(ctx({}, { unknown: ['s3:x-amz-acl'] }))).toBe('unknown');
    expect(requestSetsPublicAcl(ctx({ 's3:x-amz-acl': 'private' }, { otherKeys: 'unknown' }))).toBe(false);
  });

  it('no ACL in the request is not public', () => {
    expect(requestSetsPublicAcl(ctx({}))).toBe(false);
  });
});

describe('the requests BlockPublicAcls and BlockPublicPolicy check (PABC)', () => {
  it.each([
    's3:PutBucketAcl',
    's3:PutObjectAcl',
    's3:PutObjectVersionAcl',
    's3:PutObject',
    's3:CreateBucket',
    'S3:PUTOBJECT',
  ])('%s can set an ACL', (a) => expect(isAclPut(a)).toBe(true));
  it.each(['s3:GetObject', 's3:PutBucketPolicy'])('%s sets no ACL', (a) => expect(isAclPut(a)).toBe(false));
  it.each(['s3:PutBucketPolicy', 's3:PutAccessPointPolicy', 'S3:putbucketpolicy'])('%s sets a policy', (a) =>
    expect(isPolicyPut(a)).toBe(true),
  );
  it.each(['s3:GetBucketPolicy', 's3:PutObject'])('%s sets no policy', (a) =>
    expect(isPolicyPut(a)).toBe(false),
  );
});
