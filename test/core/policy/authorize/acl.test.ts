/**
 * S3 ACLs: which ACL permission each action maps to, and which grants name the caller.
 * ACL = https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 *   ("Mapping of ACL permissions and access policy permissions", "Who is a grantee?", "Amazon S3 predefined groups")
 */
import type { Acl, AclGrant } from '../../../../lambdas/core/model';
import { aclNeedFor, matchAcl, type AclCaller } from '../../../../lambdas/core/policy/s3/acl';
import { OTHER_CID, OWNER_CID } from './fixtures';

const GROUPS = 'http://acs.amazonaws.com/groups';
const group = (uri: string, Permission = 'READ'): AclGrant => ({
  Grantee: { Type: 'Group', URI: uri },
  Permission,
});
const user = (ID: string, Permission = 'READ'): AclGrant => ({
  Grantee: { Type: 'CanonicalUser', ID },
  Permission,
});
const acl = (...Grants: AclGrant[]): Acl => ({ Owner: { ID: OWNER_CID }, Grants });
const caller = (over: Partial<AclCaller> = {}): AclCaller => ({
  anonymous: false,
  canonicalId: null,
  serviceName: null,
  owners: [],
  ...over,
});
const READ_OBJECT = { scope: 'object', permission: 'READ' } as const;

describe('the ACL permission each S3 action maps to (ACL: Mapping of ACL permissions and access policy permissions)', () => {
  it.each([
    ['s3:GetObject', 'object', 'READ'],
    ['s3:GetObjectVersion', 'object', 'READ'],
    ['s3:GetObjectTorrent', 'object', 'READ'],
    ['s3:GetObjectAcl', 'object', 'READ_ACP'],
    ['s3:GetObjectVersionAcl', 'object', 'READ_ACP'],
    ['s3:PutObjectAcl', 'object', 'WRITE_ACP'],
    ['s3:PutObjectVersionAcl', 'object', 'WRITE_ACP'],
    ['s3:ListBucket', 'bucket', 'READ'],
    ['s3:ListBucketVersions', 'bucket', 'READ'],
    ['s3:ListBucketMultipartUploads', 'bucket', 'READ'],
    ['s3:PutObject', 'bucket', 'WRITE'],
    ['s3:DeleteObject', 'bucket', 'WRITE'],
    ['s3:GetBucketAcl', 'bucket', 'READ_ACP'],
    ['s3:PutBucketAcl', 'bucket', 'WRITE_ACP'],
  ])('%s needs %s ACL %s', (action, scope, permission) => {
    expect(aclNeedFor(action)).toEqual({ scope, permission });
  });

  it('action names are case-insensitive (IAM action names are)', () => {
    expect(aclNeedFor('S3:GETOBJECT')).toEqual({ scope: 'object', permission: 'READ' });
  });

  it('an action no ACL permission grants (e.g. s3:PutBucketPolicy) maps to nothing', () => {
    expect(aclNeedFor('s3:PutBucketPolicy')).toBeNull();
    expect(aclNeedFor('kms:Decrypt')).toBeNull();
  });
});

describe('which grants name the caller (ACL: Who is a grantee?, Amazon S3 predefined groups)', () => {
  it('the AllUsers group is everyone, anonymous callers included', () => {
    const [g] = matchAcl(acl(group(`${GROUPS}/global/AllUsers`)), READ_OBJECT, caller({ anonymous: true }));
    expect(g).toMatchObject({ index: 1, isPublic: true, category: 'direct', matched: true });
    expect(g?.detail).toBe('object ACL grant #1: READ to AllUsers');
  });

  it('the AuthenticatedUsers group is every AWS account: it names a signed-in caller, not an anonymous one', () => {
    const a = acl(group(`${GROUPS}/global/AuthenticatedUsers`));
    expect(matchAcl(a, READ_OBJECT, caller({ anonymous: true }))).toEqual([]);
    const [g] = matchAcl(a, READ_OBJECT, caller());
    expect(g).toMatchObject({ isPublic: true, category: 'direct', matched: true });
    expect(g?.detail).toBe('object ACL grant #1: READ to AuthenticatedUsers');
  });

  it('the LogDelivery group is the S3 log delivery service only', () => {
    const a = acl(group(`${GROUPS}/s3/LogDelivery`, 'WRITE'));
    const need = { scope: 'bucket', permission: 'WRITE' } as const;
    const [g] = matchAcl(a, need, caller({ serviceName: 'logging.s3.amazonaws.com' }));
    expect(g).toMatchObject({ isPublic: false, category: 'direct', matched: true });
    expect(g?.detail).toBe('bucket ACL grant #1: WRITE to LogDelivery');
    expect(matchAcl(a, need, caller({ serviceName: 'cloudtrail.amazonaws.com' }))).toEqual([]);
    expect(matchAcl(a, need, caller({ canonicalId: OWNER_CID }))).toEqual([]);
  });

  it('a group URI given with https is the same group', () => {
    const [g] = matchAcl(
      acl(group('https://acs.amazonaws.com/groups/global/AllUsers')),
      READ_OBJECT,
      caller(),
    );
    expect(g).toMatchObject({ isPublic: true, matched: true });
    expect(g?.detail).toBe('object ACL grant #1: READ to AllUsers');
  });

  it("a grant to a canonical user names the account with that id: it matches the caller's own id only", () => {
    const a = acl(user(OWNER_CID));
    const [g] = matchAcl(a, READ_OBJECT, caller({ canonicalId: OWNER_CID }));
    expect(g).toMatchObject({ isPublic: false, category: 'account', matched: true });
    expect(g?.detail).toBe(`object ACL grant #1: READ to canonical user ${OWNER_CID}`);
    expect(matchAcl(a, READ_OBJECT, caller({ canonicalId: OTHER_CID }))).toEqual([]);
  });

  it('an anonymous caller or an AWS service principal has no canonical user id: a grant to one never names them', () => {
    const a = acl(user(OWNER_CID));
    expect(matchAcl(a, READ_OBJECT, caller({ anonymous: true }))).toEqual([]);
    expect(matchAcl(a, READ_OBJECT, caller({ serviceName: 'cloudtrail.amazonaws.com' }))).toEqual([]);
  });

  it("without the caller's id, a grant to an id the facts place (the bucket or object owner's) follows whether the caller is in that account", () => {
    const a = acl(user(OWNER_CID), user(OTHER_CID));
    const placed = caller({
      owners: [
        { id: OWNER_CID, inAccount: true },
        { id: OTHER_CID, inAccount: false },
      ],
    });
    expect(matchAcl(a, READ_OBJECT, placed).map((g) => [g.index, g.matched])).toEqual([[1, true]]);
    const unsure = caller({ owners: [{ id: OWNER_CID, inAccount: 'unknown' }] });
    expect(matchAcl(acl(user(OWNER_CID)), READ_OBJECT, unsure).map((g) => g.matched)).toEqual(['unknown']);
  });

  it("without the caller's id, a grant to an id the facts cannot place may be to the caller's account: unknown", () => {
    expect(matchAcl(acl(user(OTHER_CID)), READ_OBJECT, caller()).map((g) => g.matched)).toEqual(['unknown']);
  });

  it('FULL_CONTROL gives every permission; another permission does not give the one needed', () => {
    const a = acl(user(OWNER_CID, 'WRITE'), user(OWNER_CID, 'READ_ACP'), user(OWNER_CID, 'FULL_CONTROL'));
    const me = caller({ canonicalId: OWNER_CID });
    expect(matchAcl(a, READ_OBJECT, me).map((g) => g.index)).toEqual([3]);
    expect(matchAcl(a, { scope: 'object', permission: 'READ_ACP' }, me).map((g) => g.index)).toEqual([2, 3]);
  });

  it('grants are numbered by their position in the ACL, skipped entries included', () => {
    const a = {
      Owner: { ID: OWNER_CID },
      Grants: [null, user(OTHER_CID), group(`${GROUPS}/global/AllUsers`)],
    } as unknown as Acl;
    expect(matchAcl(a, READ_OBJECT, caller({ canonicalId: OWNER_CID })).map((g) => g.index)).toEqual([3]);
  });

  it('a grant by e-mail address, or with no grantee id, never names the caller', () => {
    const byEmail: AclGrant = {
      Grantee: { Type: 'AmazonCustomerByEmail', EmailAddress: 'a@example.com' },
      Permission: 'READ',
    };
    expect(matchAcl(acl(byEmail), READ_OBJECT, caller())).toEqual([]);
    const noId: AclGrant = { Grantee: { Type: 'CanonicalUser' }, Permission: 'READ' };
    expect(matchAcl(acl(noId), READ_OBJECT, caller())).toEqual([]);
  });

  it('an ACL without a grant list grants nothing', () => {
    expect(matchAcl({ Owner: { ID: OWNER_CID } } as unknown as Acl, READ_OBJECT, caller())).toEqual([]);
  });
});
