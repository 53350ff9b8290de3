/**
 * Block Public Access with facts missing: what it could really do given what is known.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 *  - RestrictPublicBuckets: a public policy's grants count only for AWS service principals and the bucket owner's
 *    account; IgnorePublicAcls: public ACL grants (AllUsers, AuthenticatedUsers) are ignored.
 *  - An anonymous caller can only be named by a public grant: a policy statement with Principal "*" or an ACL grant
 *    to the AllUsers group (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#specifying-grantee-predefined-groups).
 */
import { known, unknown } from '../../../../lambdas/core/model';
import { authorize } from '../../../../lambdas/core/policy/authorize';
import type { AuthorizationInput } from '../../../../lambdas/core/policy/types';
import {
  BUCKET_ARN,
  OBJECT_ARN,
  OTHER,
  allow,
  anonymous,
  bucketPolicy,
  identity,
  input,
  request,
  roleSession,
} from './fixtures';

const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const unread = unknown('accessDenied', 'denied', 's3:GetBucketPolicy');
const bpaOn: Partial<NonNullable<AuthorizationInput['s3']>> = { accountPublicAccessBlock: known(ALL_ON) };
const layer = (i: AuthorizationInput, id: string) => authorize(i).layers.find((l) => l.layer === id)!;

describe('Block Public Access when a fact it depends on could not be read', () => {
  it('an unreadable bucket policy may hold a non-public grant: a cross-account caller stays undecided under RestrictPublicBuckets', () => {
    const i = input(
      request(roleSession(OTHER), 's3:ListBucket', BUCKET_ARN),
      { bucketPolicy: unread, identityPolicies: known([identity(allow('s3:ListBucket'))]) },
      { ...bpaOn, objectAcl: null, objectOwnerAccountId: null },
    );
    expect(authorize(i).decision).toBe('unknown');
    const bpa = layer(i, 'block-public-access');
    expect(bpa.result).toBe('unknown');
    expect(bpa.leansDeny).toBeUndefined();
    expect(bpa.note).toBe(
      'RestrictPublicBuckets and IgnorePublicAcls may void a public grant that could not be decided',
    );
    expect(bpa.missing).toEqual([
      'whether a public bucket-policy or ACL grant applies to this caller (a fact it depends on could not be read)',
    ]);
  });

  it('an anonymous caller can only be granted publicly: with RestrictPublicBuckets and IgnorePublicAcls on it is denied whatever the unread policy and ACL say, and Block Public Access leans to deny', () => {
    const i = input(
      request(anonymous),
      { bucketPolicy: unread },
      { ...bpaOn, objectAcl: unknown('accessDenied'), objectOwnerAccountId: unknown('accessDenied') },
    );
    expect(authorize(i).decision).toBe('implicitly-denied');
    expect(layer(i, 'block-public-access')).toMatchObject({
      result: 'unknown',
      leansDeny: true,
      note: 'RestrictPublicBuckets and IgnorePublicAcls void every public grant for this caller; whether a grant would apply without them could not be decided',
    });
  });

  it('a bucket policy that could not be parsed may hold a non-public grant: a cross-account caller stays undecided under RestrictPublicBuckets', () => {
    const broken = known({ name: 'broken', source: 'bucket-policy' as const, document: '{"Statement": 5' });
    const i = input(
      request(roleSession(OTHER), 's3:ListBucket', BUCKET_ARN),
      { bucketPolicy: broken, identityPolicies: known([identity(allow('s3:ListBucket'))]) },
      { ...bpaOn, objectAcl: null, objectOwnerAccountId: null },
    );
    expect(authorize(i).decision).toBe('unknown');
  });

  it('an unread object ACL may hold an AllUsers grant: an anonymous read is undecided', () => {
    const i = input(
      request(anonymous),
      {},
      { ownership: known('BucketOwnerPreferred'), objectAcl: unknown('accessDenied') },
    );
    expect(authorize(i).decision).toBe('unknown');
  });

  it('with IgnorePublicAcls on, an unread object ACL cannot grant an anonymous read: only a public grant could name it', () => {
    const i = input(
      request(anonymous),
      {},
      {
        accountPublicAccessBlock: known({ IgnorePublicAcls: true }),
        ownership: known('BucketOwnerPreferred'),
        objectAcl: unknown('accessDenied'),
      },
    );
    expect(authorize(i).decision).toBe('implicitly-denied');
  });

  it('RestrictPublicBuckets voiding a public grant known to name the caller leans to deny, while an unread object ACL might still grant', () => {
    const i = input(
      request(roleSession(OTHER), 's3:GetObject', OBJECT_ARN),
      {
        bucketPolicy: known(bucketPolicy(allow('s3:GetObject', `${BUCKET_ARN}/*`, { Principal: '*' }))),
        identityPolicies: known([identity(allow('s3:GetObject'))]),
      },
      {
        ...bpaOn,
        ownership: known('BucketOwnerPreferred'),
        objectAcl: unknown('accessDenied'),
        objectOwnerAccountId: unknown('accessDenied'),
      },
    );
    expect(authorize(i).decision).toBe('unknown');
    const bpa = layer(i, 'block-public-access');
    expect(bpa).toMatchObject({ result: 'unknown', leansDeny: true });
    expect(bpa.note).toBe(
      "RestrictPublicBuckets (account): the bucket policy is public, so only AWS service principals and the bucket owner's account may use its grants; whether another grant applies could not be decided",
    );
  });
});
