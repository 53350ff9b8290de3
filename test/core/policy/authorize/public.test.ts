/**
 * "The meaning of public" for S3 Block Public Access, and combining the BPA levels.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html
 */
import { effectivePublicAccessBlock, isPublicAcl, isPublicPolicy } from '../../../../lambdas/core/policy';
import type { Acl } from '../../../../lambdas/core/model';
import { ACCT, BUCKET_ARN, OWNER_CID, bucketPolicy, ownerAcl, type Stmt } from './fixtures';

const read = (extra: Stmt): Stmt => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: `${BUCKET_ARN}/*`,
  ...extra,
});

describe('isPublicPolicy (The meaning of public)', () => {
  it.each<[string, Stmt, boolean]>([
    ['Principal "*" without conditions is public', read({ Principal: '*' }), true],
    ['Principal {"AWS": "*"} is public', read({ Principal: { AWS: '*' } }), true],
    [
      'a fixed account principal is not public',
      read({ Principal: { AWS: `arn:aws:iam::${ACCT}:root` } }),
      false,
    ],
    [
      'a fixed role principal is not public',
      read({ Principal: { AWS: `arn:aws:iam::${ACCT}:role/App` } }),
      false,
    ],
    [
      'a service principal is not public',
      read({ Principal: { Service: 'cloudtrail.amazonaws.com' } }),
      false,
    ],
    ['a wildcard in a principal ARN is public', read({ Principal: { AWS: 'arn:aws:iam::*:root' } }), true],
    [
      '"*" limited to a CIDR with aws:SourceIp is not public',
      read({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
      false,
    ],
    [
      '"*" with aws:SourceIp 0.0.0.0/0 is public (limits nothing)',
      read({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }),
      true,
    ],
    [
      '"*" limited to one IP address with aws:SourceIp (no prefix length) is not public',
      read({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.5' } } }),
      false,
    ],
    [
      '"*" with a set of CIDRs that includes 0.0.0.0/0 is public (the set limits nothing)',
      read({
        Principal: '*',
        Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '0.0.0.0/0'] } },
      }),
      true,
    ],
    [
      '"*" with a list of aws:SourceArn values of which one has a wildcard is public',
      read({
        Principal: '*',
        Condition: {
          ArnLike: {
            'aws:SourceArn': ['arn:aws:cloudtrail:us-east-1:111122223333:trail/t', 'arn:aws:cloudtrail:*'],
          },
        },
      }),
      true,
    ],
    [
      '"*" with a fixed value of a key S3 does not list (aws:Referer) is public',
      read({ Principal: '*', Condition: { StringEquals: { 'aws:Referer': 'https://www.example.com/' } } }),
      true,
    ],
    [
      '"*" with a fixed aws:SourceVpce is not public',
      read({ Principal: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }),
      false,
    ],
    [
      '"*" with a fixed aws:PrincipalOrgID is not public',
      read({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }),
      false,
    ],
    [
      '"*" with a fixed aws:SourceArn is not public',
      read({
        Principal: '*',
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t' } },
      }),
      false,
    ],
    [
      '"*" with s3:DataAccessPointAccount is not public (delegation to access points)',
      read({ Principal: '*', Condition: { StringEquals: { 's3:DataAccessPointAccount': ACCT } } }),
      false,
    ],
    [
      '"*" with a wildcard aws:SourceArn (StringLike) is public',
      read({ Principal: '*', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*' } } }),
      true,
    ],
    [
      '"*" with a negated operator is public',
      read({ Principal: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }),
      true,
    ],
    [
      '"*" with an …IfExists operator is public (the key may be absent)',
      read({ Principal: '*', Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }),
      true,
    ],
    [
      '"*" with a condition on a key that is not fixed-value (aws:SecureTransport) is public',
      read({ Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
      true,
    ],
    [
      'aws:userid outside the AROLEID:* pattern is not public',
      read({ Principal: '*', Condition: { StringEquals: { 'aws:userid': 'AIDAEXAMPLE' } } }),
      false,
    ],
    [
      'aws:userid with the AROLEID:* pattern is public',
      read({ Principal: '*', Condition: { StringLike: { 'aws:userid': 'AROAEXAMPLE:*' } } }),
      true,
    ],
    [
      'Allow with NotPrincipal grants to everyone else: public',
      {
        Effect: 'Allow',
        NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:root` },
        Action: 's3:GetObject',
        Resource: '*',
      },
      true,
    ],
    [
      'a Deny to "*" does not make a policy public',
      { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' },
      false,
    ],
  ])('%s', (_name, statement, expected) => {
    expect(isPublicPolicy(bucketPolicy(statement))).toBe(expected);
  });

  it('accepts a JSON string document and treats a malformed one as not public', () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: read({ Principal: '*' }) });
    expect(isPublicPolicy({ name: 'p', source: 'bucket-policy', document: doc })).toBe(true);
    expect(isPublicPolicy({ name: 'p', source: 'bucket-policy', document: '{not json' })).toBe(false);
  });

  it('is public when any one Allow statement is public', () => {
    const fixed = read({ Principal: { AWS: `arn:aws:iam::${ACCT}:root` } });
    expect(isPublicPolicy(bucketPolicy(fixed))).toBe(false);
    expect(isPublicPolicy(bucketPolicy(fixed, read({ Principal: '*' })))).toBe(true);
  });
});

describe('isPublicAcl: grants to AllUsers or AuthenticatedUsers make an ACL public', () => {
  const group = (uri: string): Acl['Grants'][number] => ({
    Grantee: { Type: 'Group', URI: uri },
    Permission: 'READ',
  });
  it.each<[string, Acl, boolean]>([
    ['owner-only ACL', ownerAcl(), false],
    ['AllUsers READ', ownerAcl(group('http://acs.amazonaws.com/groups/global/AllUsers')), true],
    [
      'AuthenticatedUsers READ',
      ownerAcl(group('http://acs.amazonaws.com/groups/global/AuthenticatedUsers')),
      true,
    ],
    [
      'LogDelivery WRITE is not public',
      ownerAcl(group('http://acs.amazonaws.com/groups/s3/LogDelivery')),
      false,
    ],
    [
      'a grant to another canonical user is not public',
      ownerAcl({ Grantee: { Type: 'CanonicalUser', ID: OWNER_CID.replace(/a/g, 'c') }, Permission: 'READ' }),
      false,
    ],
  ])('%s', (_name, acl, expected) => {
    expect(isPublicAcl(acl)).toBe(expected);
  });
});

describe('effectivePublicAccessBlock: the most restrictive combination of account, bucket and access point', () => {
  it('turns a setting on when any level turns it on', () => {
    expect(
      effectivePublicAccessBlock(
        { RestrictPublicBuckets: true },
        null,
        { IgnorePublicAcls: true, BlockPublicAcls: false },
        undefined,
      ),
    ).toEqual({
      BlockPublicAcls: false,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: true,
    });
  });
  it('each of the four settings is on when one level turns it on', () => {
    expect(effectivePublicAccessBlock({ BlockPublicAcls: true }, { BlockPublicPolicy: true }, null)).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    });
  });
  it('is all off with no levels configured', () => {
    expect(effectivePublicAccessBlock(null, undefined)).toEqual({
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
  });
});
