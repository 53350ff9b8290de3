/**
 * CloudTrail record -> AccessRequest: every field, and the condition context, on synthetic denials
 * (test/fixtures/events, hand-written) and small inline records.
 * Condition keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * S3 keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDenial, readDenials, readRecords, toAccessRequest } from '../../../lambdas/core/event';
import type { AccessRequest } from '../../../lambdas/core/model';

const FIXTURES = join(__dirname, '../../fixtures/events');
const fixture = (name: string): AccessRequest => {
  const [request, ...rest] = readDenials(readFileSync(join(FIXTURES, name)), name);
  expect(rest).toHaveLength(0);
  return request!;
};
const s3Record = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventVersion: '1.10',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  eventTime: '2026-11-20T10:00:00Z',
  awsRegion: 'us-east-1',
  eventID: 'id-1',
  sourceIPAddress: '198.51.100.7',
  errorCode: 'AccessDenied',
  errorMessage: 'Access Denied',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/u', accountId: '111122223333' },
  requestParameters: { bucketName: 'b', key: 'k' },
  recipientAccountId: '111122223333',
  ...over,
});

describe('aws:SourceIdentity', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html: set once, present
  // in every request of the session (and of chained sessions); CloudTrail records it in userIdentity.sessionContext
  const session = (sessionContext: Record<string, unknown>) =>
    toAccessRequest(
      s3Record({
        userIdentity: {
          type: 'AssumedRole',
          principalId: 'AROAEXAMPLE:alice',
          arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
          accountId: '111122223333',
          accessKeyId: 'ASIAEXAMPLE',
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              arn: 'arn:aws:iam::111122223333:role/Admin',
              accountId: '111122223333',
            },
            attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' },
            ...sessionContext,
          },
        },
      }),
    );

  it('a session with a source identity carries it, with where it was read', () => {
    const r = session({ sourceIdentity: 'alice@example.com' });
    expect(r.context.values['aws:SourceIdentity']).toBe('alice@example.com');
    expect(r.context.provenance?.['aws:SourceIdentity']).toBe('userIdentity.sessionContext.sourceIdentity');
  });

  it("a role session's record without one: likely absent (inferred from its session context), never a stated absence", () => {
    const r = session({});
    expect(r.context.values).not.toHaveProperty('aws:SourceIdentity');
    expect(r.context.absent).not.toContain('aws:SourceIdentity');
    expect(r.context.inferred?.['aws:SourceIdentity']).toMatchObject({
      value: [],
      confidence: 'likely',
      from: ['userIdentity.sessionContext.sourceIdentity'],
    });
  });

  it('an IAM user and a federated user never have one (set only when a role is assumed): absent', () => {
    expect(toAccessRequest(s3Record()).context.absent).toContain('aws:SourceIdentity');
    const federated = toAccessRequest(
      s3Record({
        userIdentity: {
          type: 'FederatedUser',
          principalId: '111122223333:bob',
          arn: 'arn:aws:sts::111122223333:federated-user/bob',
          accountId: '111122223333',
          sessionContext: { sessionIssuer: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/u' } },
        },
      }),
    );
    expect(federated.context.absent).toContain('aws:SourceIdentity');
  });

  it("the bucket owner's copy of a cross-account record (no session context) leaves it unknown", () => {
    const r = toAccessRequest(
      s3Record({
        userIdentity: { type: 'AWSAccount', principalId: 'AROAEXAMPLE:alice', accountId: '444455556666' },
      }),
    );
    expect(r.context.absent).not.toContain('aws:SourceIdentity');
    expect(r.context.inferred ?? {}).not.toHaveProperty('aws:SourceIdentity');
  });
});

describe('synthetic denial through an access point', () => {
  const r = fixture('synthetic-getobject-accessdenied-accesspoint.json');

  it('finds the access point (resources[] and Host) and the real bucket behind the alias', () => {
    expect(r.accessPointArn).toBe('arn:aws:s3:us-east-1:111122223333:accesspoint/reports-ap');
    expect(r.bucket).toBe('reports-bucket');
    expect(r.key).toBe('reports/q3.csv');
    expect(r.bucketAccountId).toBe('111122223333');
    expect(r.crossAccount).toBe(false);
  });

  it('needs s3:GetObject on the object and on the access point object ARN', () => {
    expect(r.actions).toEqual(['s3:GetObject']);
    expect(r.resources).toEqual([
      'arn:aws:s3:::reports-bucket/reports/q3.csv',
      'arn:aws:s3:us-east-1:111122223333:accesspoint/reports-ap/object/reports/q3.csv',
    ]);
  });

  it('sets the access point keys and leaves its network origin unknown', () => {
    expect(r.context.values['s3:DataAccessPointArn']).toBe(r.accessPointArn);
    expect(r.context.values['s3:DataAccessPointAccount']).toBe('111122223333');
    expect(r.context.values).not.toHaveProperty('s3:AccessPointNetworkOrigin');
    expect(r.context.absent).not.toContain('s3:AccessPointNetworkOrigin');
  });

  it('reads the role session: PrincipalArn is the role (with path), userid the session id', () => {
    expect(r.principal.identityArn).toBe('arn:aws:iam::111122223333:role/service/AppRole');
    expect(r.context.values).toMatchObject({
      'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/service/AppRole',
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': 'AROAEXAMPLEROLEID1234:app-session',
      'aws:PrincipalAccount': '111122223333',
      'aws:MultiFactorAuthPresent': 'false',
      'aws:TokenIssueTime': '2026-11-20T09:00:00Z',
    });
    expect(r.context.absent).toContain('aws:username');
  });

  it('reads TLS, signature and time keys', () => {
    expect(r.secureTransport).toBe(true);
    expect(r.tlsVersion).toBe('TLSv1.3');
    expect(r.context.values).toMatchObject({
      'aws:SecureTransport': 'true',
      's3:TlsVersion': '1.3',
      's3:authType': 'REST-HEADER',
      's3:signatureversion': 'AWS4-HMAC-SHA256',
      'aws:CurrentTime': '2026-11-20T10:00:00Z',
      'aws:EpochTime': String(Date.UTC(2026, 10, 20, 10) / 1000),
      'aws:RequestedRegion': 'us-east-1',
      'aws:SourceIp': '198.51.100.7',
    });
    expect(r.context.absent).toEqual(expect.arrayContaining(['aws:SourceVpce', 's3:VersionId']));
    expect(r.context.otherKeys).toBe('unknown');
  });

  it('parses the enhanced message', () => {
    expect(r.enhancedMessage).toMatchObject({ kind: 'implicit-deny', policyType: 'resource-based policy' });
  });
});

describe('synthetic ListObjectsV2 denial in an EventBridge envelope, through a VPC endpoint', () => {
  const r = fixture('synthetic-listobjectsv2-accessdenied-enhanced-eventbridge.json');

  it('has aws:SourceVpce and aws:VpcSourceIp, and aws:SourceIp known absent', () => {
    expect(r.vpcEndpointId).toBe('vpce-0abc1234def567890');
    expect(r.vpcEndpointAccountId).toBe('111122223333');
    expect(r.sourceIp).toBe('10.1.2.3');
    expect(r.context.values['aws:SourceVpce']).toBe('vpce-0abc1234def567890');
    expect(r.context.values['aws:VpcSourceIp']).toBe('10.1.2.3');
    expect(r.context.absent).toContain('aws:SourceIp');
    expect(r.context.values).not.toHaveProperty('aws:SourceIp');
  });

  it('has the list keys as recorded', () => {
    expect(r.context.values).toMatchObject({
      's3:prefix': 'raw/2026/',
      's3:delimiter': '/',
      's3:max-keys': '1000',
    });
  });

  it('an IAM user with a long-term key: aws:username set, aws:MultiFactorAuthPresent known absent', () => {
    expect(r.context.values['aws:username']).toBe('analyst');
    expect(r.context.values['aws:PrincipalType']).toBe('User');
    expect(r.context.absent).toContain('aws:MultiFactorAuthPresent');
  });

  it('reads the explicit VPC endpoint policy deny', () => {
    expect(r.enhancedMessage).toMatchObject({
      kind: 'explicit-deny',
      policyType: 'VPC endpoint policy',
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::data-lake',
    });
  });
});

describe('synthetic KMS denial made by S3 for the caller', () => {
  const r = fixture('synthetic-kms-decrypt-accessdenied-via-s3.json');
  const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  it('maps to kms:Decrypt on the key, with bucket and key from the encryption context', () => {
    expect(r.actions).toEqual(['kms:Decrypt']);
    expect(r.resources).toEqual([key]);
    expect(r.kms).toEqual({ keyArn: key, s3Arn: 'arn:aws:s3:::reports-bucket/reports/q3.csv' });
    expect(r.bucket).toBe('reports-bucket');
    expect(r.key).toBe('reports/q3.csv');
    expect(r.sse).toBeNull();
  });

  it('the caller is the role; S3 is the service it went through', () => {
    expect(r.principal).toMatchObject({ type: 'AssumedRole', invokedBy: 's3.amazonaws.com' });
    expect(r.sourceIp).toBeNull();
    expect(r.context.values).toMatchObject({
      'aws:ViaAWSService': 'true',
      'kms:ViaService': 's3.us-east-1.amazonaws.com',
      'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::reports-bucket/reports/q3.csv',
      'kms:CallerAccount': '444455556666',
    });
    expect(r.context.values).not.toHaveProperty('aws:SourceIp');
    // Whether S3 fills aws:CalledVia is not documented: unknown, neither present nor absent.
    expect(r.context.values).not.toHaveProperty('aws:CalledVia');
    expect(r.context.absent).not.toContain('aws:CalledVia');
  });

  it('builds the key ARN from a bare key id, region and the recipient account', () => {
    const record = JSON.parse(
      readFileSync(join(FIXTURES, 'synthetic-kms-decrypt-accessdenied-via-s3.json'), 'utf8'),
    );
    delete record.resources;
    record.requestParameters.keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(toAccessRequest(record).kms?.keyArn).toBe(key);
  });
});

describe('synthetic CopyObject denial with a versioned source', () => {
  const r = fixture('synthetic-copyobject-accessdenied-versioned-source.json');

  it('needs the versioned read of the decoded source and the write (with ACL) of the destination', () => {
    expect(r.needs.map((n) => [n.action, n.resource, n.role])).toEqual([
      ['s3:GetObjectVersion', 'arn:aws:s3:::source-bucket/in box/report final.csv', 'source'],
      ['s3:PutObject', 'arn:aws:s3:::dest-bucket/copies/report final.csv', 'destination'],
      ['s3:PutObjectAcl', 'arn:aws:s3:::dest-bucket/copies/report final.csv', 'destination'],
    ]);
    expect(r.actions).toEqual(['s3:GetObjectVersion', 's3:PutObject', 's3:PutObjectAcl']);
  });

  it('takes the bucket owner from resources[].accountId before recipientAccountId', () => {
    expect(r.bucketAccountId).toBe('999988887777');
    expect(r.crossAccount).toBe(true);
    expect(r.context.values['s3:ResourceAccount']).toBe('999988887777');
  });

  it('records SSE and the write headers as condition keys', () => {
    expect(r.sse).toEqual({
      algorithm: 'aws:kms',
      kmsKeyId: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    expect(r.context.values).toMatchObject({
      's3:x-amz-acl': 'bucket-owner-full-control',
      's3:x-amz-server-side-encryption': 'aws:kms',
      's3:x-amz-copy-source':
        'source-bucket/in%20box/report%20final.csv?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
    });
    expect(r.context.absent).toContain('s3:VersionId');
  });
});

describe('synthetic anonymous PutObject denial', () => {
  const r = fixture('synthetic-putobject-accessdenied-anonymous.json');

  it('is an Anonymous principal with no account, so cross-account is unknown', () => {
    expect(r.principal).toMatchObject({ type: 'Anonymous', accountId: null, arn: null });
    expect(r.crossAccount).toBeNull();
    expect(r.bucketAccountId).toBe('111122223333');
  });

  it('has the anonymous keys, and the principal keys known absent', () => {
    expect(r.context.values).toMatchObject({
      'aws:PrincipalType': 'Anonymous',
      'aws:userid': 'anonymous',
      'aws:PrincipalIsAWSService': 'false',
    });
    expect(r.context.absent).toEqual(
      expect.arrayContaining(['aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:username', 's3:x-amz-acl']),
    );
  });

  it('without TLS evidence in the record, aws:SecureTransport stays unknown', () => {
    expect(r.secureTransport).toBeNull();
    expect(r.context.values).not.toHaveProperty('aws:SecureTransport');
    expect(r.context.absent).not.toContain('aws:SecureTransport');
  });
});

describe('isDenial', () => {
  it.each([
    ['s3.amazonaws.com', 'AccessDenied', true],
    ['s3.amazonaws.com', 'AllAccessDisabled', true],
    ['s3.amazonaws.com', 'AccountProblem', true],
    ['s3.amazonaws.com', 'AccessControlListNotSupported', true],
    ['s3.amazonaws.com', 'VpceAccessDenied', true],
    ['s3-outposts.amazonaws.com', 'AccessDenied', true],
    ['s3express.amazonaws.com', 'AccessDenied', true],
    ['s3.amazonaws.com', 'NoSuchKey', false],
    ['s3.amazonaws.com', 'SignatureDoesNotMatch', false],
    ['s3.amazonaws.com', '', false],
    ['s3.amazonaws.com', undefined, false],
    ['ec2.amazonaws.com', 'AccessDenied', false],
    ['kms.amazonaws.com', 'AccessDenied', false], // a KMS denial with no sign of S3 is not ours
  ])('%s %p -> %p', (eventSource, errorCode, expected) => {
    expect(isDenial(s3Record({ eventSource, errorCode }))).toBe(expected);
  });

  const kms = (over: Record<string, unknown>) =>
    s3Record({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', requestParameters: {}, ...over });
  it('a KMS denial is ours when S3 made it: encryption context, invokedBy or source', () => {
    expect(
      isDenial(kms({ requestParameters: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b/k' } } })),
    ).toBe(true);
    expect(isDenial(kms({ userIdentity: { type: 'AssumedRole', invokedBy: 's3.amazonaws.com' } }))).toBe(
      true,
    );
    expect(isDenial(kms({ sourceIPAddress: 's3.amazonaws.com', errorCode: 'AccessDeniedException' }))).toBe(
      true,
    );
    expect(isDenial(kms({ errorCode: 'NotFoundException', sourceIPAddress: 's3.amazonaws.com' }))).toBe(
      false,
    );
  });
});

describe('object keys with line breaks (any UTF-8 character may be in a key: object-keys.html)', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html, "Object key naming guidelines"
  const key = 'in\nbox/\r\u2028x\u2029.csv';
  it('the bucket and key of a KMS call S3 made come from its aws:s3:arn context', () => {
    const r = toAccessRequest(
      s3Record({
        eventSource: 'kms.amazonaws.com',
        eventName: 'Decrypt',
        requestParameters: { encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::b/${key}` } },
      }),
    );
    expect([r.bucket, r.key]).toEqual(['b', key]);
  });

  it('the key of an S3 call comes from its resources when requestParameters has none', () => {
    const r = toAccessRequest(
      s3Record({
        requestParameters: { bucketName: 'b' },
        resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::b/${key}` }],
      }),
    );
    expect([r.bucket, r.key]).toEqual(['b', key]);
  });
});

describe('fields from inline records', () => {
  it('a service name in sourceIPAddress is not an IP; IPv6 is', () => {
    expect(toAccessRequest(s3Record({ sourceIPAddress: 'AWS Internal' })).sourceIp).toBeNull();
    expect(toAccessRequest(s3Record({ sourceIPAddress: '2001:db8::7' })).sourceIp).toBe('2001:db8::7');
  });

  it('Root: aws:PrincipalType Account; FederatedUser: its own ARN as aws:PrincipalArn', () => {
    const root = toAccessRequest(s3Record({ userIdentity: { type: 'Root', accountId: '111122223333' } }));
    expect(root.context.values).toMatchObject({
      'aws:PrincipalType': 'Account',
      'aws:PrincipalArn': 'arn:aws:iam::111122223333:root',
      'aws:userid': '111122223333',
    });
    const fed = toAccessRequest(
      s3Record({
        userIdentity: {
          type: 'FederatedUser',
          arn: 'arn:aws:sts::111122223333:federated-user/Bob',
          principalId: '111122223333:Bob',
          accountId: '111122223333',
        },
      }),
    );
    expect(fed.context.values).toMatchObject({
      'aws:PrincipalType': 'FederatedUser',
      'aws:PrincipalArn': 'arn:aws:sts::111122223333:federated-user/Bob',
      'aws:userid': '111122223333:Bob',
    });
  });

  it('an assumed role without sessionIssuer: the derived role ARN is the identity, but aws:PrincipalArn stays unknown (path)', () => {
    const r = toAccessRequest(
      s3Record({ userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/R/s' } }),
    );
    expect(r.principal.identityArn).toBe('arn:aws:iam::111122223333:role/R');
    expect(r.context.values).not.toHaveProperty('aws:PrincipalArn');
    expect(r.context.absent).not.toContain('aws:PrincipalArn');
  });

  it('an AWSAccount caller seen by unique id: AROA is an assumed role, AIDA a user', () => {
    const role = toAccessRequest(
      s3Record({ userIdentity: { type: 'AWSAccount', principalId: 'AROAX:s', accountId: '2' } }),
    );
    expect(role.context.values).toMatchObject({
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': 'AROAX:s',
      'aws:PrincipalAccount': '2',
    });
    const user = toAccessRequest(
      s3Record({ userIdentity: { type: 'AWSAccount', principalId: 'AIDAX', accountId: '2' } }),
    );
    expect(user.context.values['aws:PrincipalType']).toBe('User');
  });

  it('an AWS service principal: aws:PrincipalIsAWSService and aws:PrincipalServiceName', () => {
    const r = toAccessRequest(
      s3Record({ userIdentity: { type: 'AWSService', invokedBy: 'config.amazonaws.com' } }),
    );
    expect(r.context.values).toMatchObject({
      'aws:PrincipalIsAWSService': 'true',
      'aws:PrincipalServiceName': 'config.amazonaws.com',
    });
    expect(r.context.absent).toContain('aws:username');
    expect(r.context.absent).not.toContain('aws:PrincipalArn');
  });

  it('a versionId is s3:VersionId and turns GetObject into GetObjectVersion', () => {
    const r = toAccessRequest(
      s3Record({ requestParameters: { bucketName: 'b', key: 'k', versionId: 'v9' } }),
    );
    expect(r.versionId).toBe('v9');
    expect(r.actions).toEqual(['s3:GetObjectVersion']);
    expect(r.context.values['s3:VersionId']).toBe('v9');
  });

  it('reads headers recorded as lists and Host in any case', () => {
    const r = toAccessRequest(
      s3Record({
        eventName: 'PutObject',
        requestParameters: {
          bucketName: 'b',
          Key: 'k',
          'x-amz-acl': ['public-read'],
          host: ['b.s3.amazonaws.com'],
        },
      }),
    );
    expect(r.key).toBe('k');
    expect(r.actions).toEqual(['s3:PutObject', 's3:PutObjectAcl']);
    expect(r.context.values['s3:x-amz-acl']).toBe('public-read');
    expect(r.context.absent).toContain('s3:x-amz-server-side-encryption');
  });

  it('finds an access point from its Host alone', () => {
    const r = toAccessRequest(
      s3Record({
        requestParameters: {
          bucketName: 'b',
          key: 'k',
          Host: 'my-ap-111122223333.s3-accesspoint.eu-west-1.amazonaws.com',
        },
      }),
    );
    expect(r.accessPointArn).toBe('arn:aws:s3:eu-west-1:111122223333:accesspoint/my-ap');
    expect(r.resources).toContain('arn:aws:s3:eu-west-1:111122223333:accesspoint/my-ap/object/k');
  });

  it('finds an access point given as the bucket (an ARN in bucketName)', () => {
    const r = toAccessRequest(
      s3Record({
        requestParameters: { bucketName: 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap2', key: 'k' },
      }),
    );
    expect(r.accessPointArn).toBe('arn:aws:s3:us-east-1:111122223333:accesspoint/ap2');
    expect(r.bucket).toBeNull();
  });

  it('an access point in x-amz-copy-source is the copy source, not the route of the request', () => {
    const r = toAccessRequest(
      s3Record({
        eventName: 'CopyObject',
        requestParameters: {
          bucketName: 'b',
          key: 'k',
          'x-amz-copy-source': 'arn:aws:s3:us-east-1:444455556666:accesspoint/src/object/s.txt',
        },
      }),
    );
    expect(r.accessPointArn).toBeNull();
    expect(r.context.absent).toContain('s3:DataAccessPointArn');
    expect(r.resources).toEqual([
      'arn:aws:s3:us-east-1:444455556666:accesspoint/src/object/s.txt',
      'arn:aws:s3:::b/k',
    ]);
  });

  it('an S3 Control call on an access point names it as resource but does not go through it', () => {
    const ap = 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap3';
    const r = toAccessRequest(
      s3Record({
        eventName: 'PutAccessPointPolicy',
        requestParameters: {},
        resources: [{ type: 'AWS::S3::AccessPoint', ARN: ap, accountId: '111122223333' }],
      }),
    );
    expect(r.accessPointArn).toBeNull();
    expect(r.resources).toEqual([ap]);
  });

  it('a browser POST upload has s3:authType POST', () => {
    const r = toAccessRequest(
      s3Record({ eventName: 'PostObject', additionalEventData: { SignatureVersion: 'SigV4' } }),
    );
    expect(r.context.values['s3:authType']).toBe('POST');
    expect(r.actions).toEqual(['s3:PutObject']);
  });

  it('an unknown eventName still yields a request, unmapped, with no actions', () => {
    const r = toAccessRequest(s3Record({ eventName: 'SomeFutureCall' }));
    expect(r).toMatchObject({ mapped: false, actions: [], resources: [], needs: [], bucket: 'b' });
  });

  it('actions and resources are the unique lists of the needs, in order', () => {
    const r = toAccessRequest(
      s3Record({
        eventName: 'DeleteObjects',
        requestParameters: {
          bucketName: 'b',
          delete: { Object: [{ Key: 'a' }, { Key: 'a' }, { Key: 'c', VersionId: '1' }] },
        },
      }),
    );
    expect(r.needs).toHaveLength(3);
    expect(r.actions).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion']);
    expect(r.resources).toEqual(['arn:aws:s3:::b/a', 'arn:aws:s3:::b/c']);
  });

  it('an empty object gives empty strings and nulls, never a throw', () => {
    const r = toAccessRequest({});
    expect(r).toMatchObject({ eventId: '', eventName: '', errorCode: '', mapped: false, bucket: null });
    expect(r.principal.type).toBe('Unknown');
    expect(r.enhancedMessage.kind).toBe('generic');
  });
});

describe('readDenials', () => {
  it('keeps only the denials, in input order', () => {
    const a = s3Record({ eventID: 'a' });
    const ok = s3Record({ eventID: 'ok', errorCode: undefined, errorMessage: undefined });
    const b = s3Record({ eventID: 'b', errorCode: 'AllAccessDisabled' });
    const text = JSON.stringify({ Records: [a, ok, b] });
    expect(readRecords(text, 'log.json')).toHaveLength(3);
    expect(readDenials(text, 'log.json').map((d) => d.eventId)).toEqual(['a', 'b']);
  });
});

// CloudTrail removes the bucket owner's account id from the resources block of the caller's copy of a cross-account
// S3 data event refused with AccessDenied for the caller's account: "Redacting bucket owner account IDs for data
// events called by other accounts",
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-receive-logs-from-multiple-accounts.html
describe("the bucket owner's account in the caller's copy of a cross-account denial", () => {
  const resources = (bucketEntry: Record<string, unknown>) => [
    { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::b/k' },
    { type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::b', ...bucketEntry },
  ];

  it("with the account id removed, the bucket is in another account, not named: not taken to be the caller's", () => {
    const r = toAccessRequest(s3Record({ resources: resources({}) }));
    expect(r.bucketAccountId).toBeNull();
    expect(r.crossAccount).toBe(true);
  });

  it('with the account id present, it is the owner (same account or not)', () => {
    const same = toAccessRequest(s3Record({ resources: resources({ accountId: '111122223333' }) }));
    expect([same.bucketAccountId, same.crossAccount]).toEqual(['111122223333', false]);
    const other = toAccessRequest(s3Record({ resources: resources({ accountId: '444455556666' }) }));
    expect([other.bucketAccountId, other.crossAccount]).toEqual(['444455556666', true]);
  });

  it("the bucket owner's own copy (delivered to another account than the caller's) names the owner as recipient", () => {
    const r = toAccessRequest(s3Record({ resources: resources({}), recipientAccountId: '444455556666' }));
    expect([r.bucketAccountId, r.crossAccount]).toEqual(['444455556666', true]);
  });

  it('a record with no resources block, or an error other than AccessDenied, keeps the recipient as the owner', () => {
    expect(toAccessRequest(s3Record()).bucketAccountId).toBe('111122223333');
    const other = toAccessRequest(s3Record({ resources: resources({}), errorCode: 'NoSuchKey' }));
    expect(other.bucketAccountId).toBe('111122223333');
  });
});
