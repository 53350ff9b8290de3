/**
 * Evidence from the record, before any AWS read (issue 13 item 1): the error code, AWS's message, the transport,
 * the network and the request headers, each with the record fields it comes from.
 * Error codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 * Object Ownership: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
 * tlsDetails (since eventVersion 1.08): https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { readRecords, toAccessRequest } from '../../../lambdas/core/event';
import { ERROR_CODES, errorCodeEvidence, enhancedMessageCauses } from '../../../lambdas/core/event/evidence';
import { parseEnhancedMessage } from '../../../lambdas/core/event/enhanced-message';
import { ROOT_CAUSE_IDS, type AccessRequest, type RecordEvidenceItem } from '../../../lambdas/core/model';
import { CORPUS_DIR } from '../../fixtures/corpus';

const s3Record = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  eventVersion: '1.10',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  eventType: 'AwsApiCall',
  eventTime: '2026-11-20T10:00:00Z',
  awsRegion: 'us-east-1',
  eventID: 'id-1',
  sourceIPAddress: '198.51.100.7',
  errorCode: 'AccessDenied',
  errorMessage: 'Access Denied',
  userIdentity: {
    type: 'IAMUser',
    arn: 'arn:aws:iam::111122223333:user/u',
    accountId: '111122223333',
    accessKeyId: 'AKIAEXAMPLE',
  },
  requestParameters: { bucketName: 'b', key: 'k', Host: 'b.s3.us-east-1.amazonaws.com' },
  additionalEventData: {
    SignatureVersion: 'SigV4',
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': 'EXAMPLE',
    bytesTransferredIn: 0,
    bytesTransferredOut: 0,
  },
  recipientAccountId: '111122223333',
  ...over,
});

const req = (over: Record<string, unknown> = {}): AccessRequest => toAccessRequest(s3Record(over));
const items = (r: AccessRequest, kind?: RecordEvidenceItem['kind']): readonly RecordEvidenceItem[] =>
  (r.evidence?.items ?? []).filter((i) => kind === undefined || i.kind === kind);

describe('the error code decides where it can (S3 error-code list)', () => {
  it('AccessControlListNotSupported is Object Ownership BucketOwnerEnforced and nothing else', () => {
    const r = req({ eventName: 'PutObject', errorCode: 'AccessControlListNotSupported', errorMessage: null });
    expect(r.evidence?.errorCode).toMatchObject({
      code: 'AccessControlListNotSupported',
      layer: 'object-ownership',
      decisive: true,
      pointsAt: ['object-ownership-acl'],
    });
    const [code] = items(r, 'error-code');
    expect(code?.rulesOut).toContain('block-public-access');
    expect(code?.rulesOut).toContain('bucket-policy-explicit-deny');
    expect(code?.rulesOut).not.toContain('object-ownership-acl');
    expect(code?.source).toEqual(['errorCode']);
    expect(code?.url).toMatch(/object-ownership-error-responses/);
  });

  it('VpceAccessDenied (a network-activity event) is the VPC endpoint policy', () => {
    const r = req({ errorCode: 'VpceAccessDenied', eventType: 'AwsVpceEvent', vpcEndpointId: 'vpce-1' });
    expect(r.evidence?.errorCode).toMatchObject({ layer: 'vpc-endpoint-policy', decisive: true });
    expect(r.evidence?.errorCode.pointsAt).toEqual(['vpc-endpoint-policy']);
  });

  it.each([
    'ExpiredToken',
    'TokenRefreshRequired',
    'InvalidToken',
    'SignatureDoesNotMatch',
    'InvalidAccessKeyId',
    'RequestTimeTooSkewed',
    'AuthorizationQueryParametersError',
  ])('%s fails authentication, before any policy: every policy cause is ruled out', (code) => {
    const r = req({ errorCode: code, errorMessage: null });
    expect(r.evidence?.errorCode).toMatchObject({ layer: 'authentication', decisive: true });
    expect(r.evidence?.errorCode.pointsAt).toEqual(['request-expired-or-invalid']);
    expect(items(r, 'error-code')[0]?.rulesOut).toEqual(
      ROOT_CAUSE_IDS.filter((id) => id !== 'request-expired-or-invalid'),
    );
  });

  it.each([
    ['Request has expired', 'expired'],
    ['There were headers present in the request which were not signed', 'not cover'],
    ['Invalid according to Policy: Policy expired.', 'POST policy'],
  ])('AccessDenied "%s" is a request-level (authentication) failure', (message, words) => {
    const e = req({ errorMessage: message }).evidence?.errorCode;
    expect(e).toMatchObject({ code: 'AccessDenied', layer: 'authentication', decisive: true });
    expect(e?.meaning).toContain(words);
  });

  it.each(['AllAccessDisabled', 'AccountProblem', 'InvalidObjectState'])(
    '%s is not access control: decisive, no root cause, every policy cause ruled out',
    (code) => {
      const r = req({ errorCode: code, errorMessage: null });
      expect(r.evidence?.errorCode.decisive).toBe(true);
      expect(r.evidence?.errorCode.pointsAt).toEqual([]);
      expect(items(r, 'error-code')[0]?.rulesOut).toEqual([...ROOT_CAUSE_IDS]);
    },
  );

  it('plain AccessDenied decides nothing by itself', () => {
    const e = req().evidence?.errorCode;
    expect(e).toMatchObject({ layer: 'authorization', decisive: false, pointsAt: [] });
    expect(items(req(), 'error-code')[0]?.rulesOut).toEqual([]);
  });

  // With ACLs disabled (BucketOwnerEnforced) a request that sets an ACL fails with 400 AccessControlListNotSupported:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
  it.each(['PutBucketAcl', 'PutObject', 'CreateMultipartUpload', 'CreateBucket'])(
    'AccessDenied on %s rules Object Ownership out: ACLs disabled would have been 400 AccessControlListNotSupported',
    (eventName) => {
      const ruling = items(req({ eventName }), 'error-code').filter((i) => i.rulesOut.length > 0);
      expect(ruling).toEqual([
        expect.objectContaining({
          confidence: 'confirmed',
          pointsAt: [],
          rulesOut: ['object-ownership-acl'],
          source: ['errorCode', 'eventName'],
        }),
      ]);
    },
  );

  it('AccessDenied on a request that meets an existing object (GetObject, PutObjectAcl, CopyObject) rules nothing out: its owner may be another account', () => {
    for (const eventName of ['GetObject', 'PutObjectAcl', 'CopyObject'])
      expect(items(req({ eventName }), 'error-code').flatMap((i) => i.rulesOut)).toEqual([]);
  });

  it('a KMS denial made for S3 points at the KMS key', () => {
    expect(errorCodeEvidence('kms.amazonaws.com', 'AccessDeniedException', null)).toMatchObject({
      layer: 'kms-key',
      decisive: true,
      pointsAt: ['kms-key-access'],
    });
  });

  it('an unknown code is reported as such, not guessed', () => {
    expect(errorCodeEvidence('s3.amazonaws.com', 'SomethingNew', null)).toMatchObject({
      decisive: false,
      pointsAt: [],
    });
    expect(errorCodeEvidence('s3.amazonaws.com', 'constructor', null).meaning).toContain('not one');
  });

  it('every code in the table cites an AWS page', () => {
    for (const spec of Object.values(ERROR_CODES))
      expect(spec.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});

describe("AWS's enhanced message names the policy type (ENHANCED-MESSAGES.md)", () => {
  const msg = (tail: string) =>
    `User: arn:aws:iam::111122223333:user/u is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" ${tail}`;

  it.each([
    ['with an explicit deny in a resource-based policy', 'bucket-policy-explicit-deny'],
    ['with an explicit deny in an identity-based policy', 'identity-policy-explicit-deny'],
    ['with an explicit deny in a service control policy', 'scp-deny'],
    ['with an explicit deny in a resource control policy', 'rcp-deny'],
    ['with an explicit deny in a permissions boundary', 'permissions-boundary'],
    ['with an explicit deny in a session policy', 'session-policy'],
    ['because no identity-based policy allows the s3:GetObject action', 'identity-policy-no-allow'],
    ['because no resource-based policy allows the s3:GetObject action', 'cross-account-no-bucket-grant'],
    ['because no VPC endpoint policy allows the s3:GetObject action', 'vpc-endpoint-policy'],
  ] as const)('"%s" points at %s', (tail, cause) => {
    const r = req({ errorMessage: msg(tail) });
    const [m] = items(r, 'aws-message');
    expect(m?.pointsAt).toContain(cause);
    expect(m?.source).toEqual(['errorMessage']);
  });

  it('a Block Public Access message points at Block Public Access', () => {
    const m = parseEnhancedMessage(
      'AccessDenied',
      msg('because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.'),
    );
    expect(enhancedMessageCauses(m)).toEqual(['block-public-access']);
  });

  it('a message about a kms: action points at the KMS key', () => {
    const m = parseEnhancedMessage(
      'AccessDenied',
      'User: arn:aws:iam::111122223333:user/u is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/k because no identity-based policy allows the kms:Decrypt action',
    );
    expect(enhancedMessageCauses(m)).toContain('kms-key-access');
  });

  it('the generic "Access Denied" adds no message evidence', () => {
    expect(items(req(), 'aws-message')).toEqual([]);
  });
});

describe('aws:SecureTransport: TLS recorded, or plain HTTP inferred as likely', () => {
  it('tlsDetails means TLS, confirmed, from tlsDetails', () => {
    const r = req({ tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' } });
    expect(r.context.values['aws:SecureTransport']).toBe('true');
    expect(r.context.provenance?.['aws:SecureTransport']).toBe('tlsDetails');
    expect(r.context.inferred).toBeUndefined();
    expect(items(r, 'transport')).toEqual([
      expect.objectContaining({ confidence: 'confirmed', value: 'true' }),
    ]);
  });

  it('a CipherSuite alone (records without tlsDetails, e.g. S3 on Outposts) also means TLS', () => {
    const r = req({
      eventVersion: '1.08',
      additionalEventData: { CipherSuite: 'ECDHE-RSA-AES128-SHA', 'x-amz-id-2': 'x' },
    });
    expect(r.context.values['aws:SecureTransport']).toBe('true');
    expect(r.context.provenance?.['aws:SecureTransport']).toBe('additionalEventData.CipherSuite');
  });

  it('a 1.08+ S3 call by a caller with neither: plain HTTP is LIKELY, kept out of the recorded values', () => {
    const r = req();
    expect(r.secureTransport).toBeNull();
    expect(r.context.values).not.toHaveProperty('aws:SecureTransport');
    expect(r.context.absent).not.toContain('aws:SecureTransport');
    expect(r.context.inferred?.['aws:SecureTransport']).toMatchObject({
      value: 'false',
      confidence: 'likely',
      from: expect.arrayContaining(['tlsDetails', 'additionalEventData.CipherSuite']),
    });
    const [t] = items(r, 'transport');
    expect(t).toMatchObject({ confidence: 'likely', conditionKey: 'aws:SecureTransport', value: 'false' });
    expect(t?.detail).toMatch(/likely plain HTTP/);
  });

  it.each([
    ['an older record format (eventVersion 1.07, before tlsDetails)', { eventVersion: '1.07' }],
    ['a record with no eventVersion', { eventVersion: undefined }],
    ['a future major version', { eventVersion: '2.01' }],
    [
      'an AWS service principal',
      {
        userIdentity: { type: 'AWSService', invokedBy: 'cloudfront.amazonaws.com' },
        sourceIPAddress: 'cloudfront.amazonaws.com',
      },
    ],
    [
      'a call made on the caller’s behalf (invokedBy)',
      {
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/R/s',
          accountId: '111122223333',
          invokedBy: 'AWS Internal',
        },
      },
    ],
    ['a service name as source address', { sourceIPAddress: 'AWS Internal' }],
    ['a network-activity event (AwsVpceEvent)', { eventType: 'AwsVpceEvent', errorCode: 'VpceAccessDenied' }],
    ['a record without eventType', { eventType: undefined }],
    ['a record without S3’s request details (hand-written or trimmed)', { additionalEventData: undefined }],
    ['partial TLS details', { tlsDetails: { clientProvidedHostHeader: 'b.s3.amazonaws.com' } }],
    ['S3 on Outposts', { eventSource: 's3-outposts.amazonaws.com' }],
  ])('no inference for %s', (_what, over) => {
    const r = req(over);
    expect(r.context.inferred?.['aws:SecureTransport']).toBeUndefined();
    expect(items(r, 'transport').filter((i) => i.confidence === 'likely')).toEqual([]);
  });

  it('the vendored corpus: inference only where the record is a 1.08+ S3 call with S3 details and no TLS', () => {
    const records = readdirSync(CORPUS_DIR)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => readRecords(readFileSync(join(CORPUS_DIR, f)), f));
    const inferred = records
      .map((r) => toAccessRequest(r))
      .filter((r) => r.context.inferred?.['aws:SecureTransport'] !== undefined);
    // Every corpus record with S3's request details carries a CipherSuite: nothing is inferred from them.
    expect(inferred.map((r) => r.eventName)).toEqual([]);
  });
});

describe('network, authentication and headers, with their record fields', () => {
  it('VPC endpoint, source IP and access point', () => {
    const r = toAccessRequest(
      JSON.parse(
        readFileSync(
          join(__dirname, '../../fixtures/events/synthetic-getobject-accessdenied-accesspoint.json'),
          'utf8',
        ),
      ) as Record<string, unknown>,
    );
    const network = items(r, 'network');
    expect(network.map((i) => i.conditionKey)).toEqual(
      expect.arrayContaining(['aws:SourceIp', 's3:DataAccessPointArn']),
    );
    expect(r.context.provenance?.['s3:DataAccessPointArn']).toMatch(/resources/);
    const vpce = items(req({ vpcEndpointId: 'vpce-0abc' }), 'network');
    expect(vpce[0]).toMatchObject({
      conditionKey: 'aws:SourceVpce',
      value: 'vpce-0abc',
      source: ['vpcEndpointId'],
    });
    expect(vpce[1]).toMatchObject({ conditionKey: 'aws:VpcSourceIp' });
  });

  it('SignatureVersion and AuthenticationMethod, with provenance in the context', () => {
    const r = req();
    expect(items(r, 'authentication').map((i) => i.conditionKey)).toEqual([
      's3:signatureversion',
      's3:authType',
    ]);
    expect(r.context.provenance).toMatchObject({
      's3:signatureversion': 'additionalEventData.SignatureVersion',
      's3:authType': 'additionalEventData.AuthenticationMethod',
      'aws:SourceIp': 'sourceIPAddress',
      'aws:PrincipalArn': 'userIdentity.arn',
    });
  });

  it('an expired presigned URL is evidence for request-expired-or-invalid, with s3:signatureAge', () => {
    const r = req({
      additionalEventData: {
        SignatureVersion: 'SigV4',
        AuthenticationMethod: 'QueryString',
        'x-amz-id-2': 'x',
      },
      requestParameters: {
        bucketName: 'b',
        key: 'k',
        'X-Amz-Date': '20261120T080000Z',
        'X-Amz-Expires': '3600',
      },
    });
    expect(r.context.values['s3:signatureAge']).toBe(String(2 * 3600 * 1000));
    const late = items(r, 'authentication').find((i) => i.pointsAt.includes('request-expired-or-invalid'));
    expect(late?.detail).toMatch(/3600 s after it expired/);
    expect(late?.rulesOut).toContain('bucket-policy-explicit-deny');
  });

  it('a public canned ACL points at Block Public Access and Object Ownership; bucket-owner-full-control at neither', () => {
    const put = (acl: string) =>
      req({ eventName: 'PutObject', requestParameters: { bucketName: 'b', key: 'k', 'x-amz-acl': acl } });
    expect(items(put('public-read'), 'header')[0]?.pointsAt).toEqual([
      'block-public-access',
      'object-ownership-acl',
    ]);
    expect(items(put('bucket-owner-full-control'), 'header')[0]?.pointsAt).toEqual([]);
    expect(put('private').context.provenance?.['s3:x-amz-acl']).toBe('requestParameters.x-amz-acl');
  });

  it('SSE-KMS points at the KMS key; the request-payer header is recorded as evidence only', () => {
    const r = req({
      eventName: 'PutObject',
      requestParameters: {
        bucketName: 'b',
        key: 'k',
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-request-payer': 'requester',
      },
    });
    const headers = items(r, 'header');
    expect(headers.find((h) => h.conditionKey === 's3:x-amz-server-side-encryption')?.pointsAt).toEqual([
      'kms-key-access',
    ]);
    expect(
      headers.find((h) => h.source[0] === 'requestParameters.x-amz-request-payer')?.conditionKey,
    ).toBeUndefined();
  });

  it('object tags from x-amz-tagging and from PutObjectTagging are s3:RequestObjectTag keys', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html
    const put = req({
      eventName: 'PutObject',
      requestParameters: { bucketName: 'b', key: 'k', 'x-amz-tagging': 'team=data&env=prod%20eu' },
    });
    expect(put.context.values).toMatchObject({
      's3:RequestObjectTagKeys': ['team', 'env'],
      's3:RequestObjectTag/team': 'data',
      's3:RequestObjectTag/env': 'prod eu',
    });
    expect(items(put, 'header').map((h) => h.conditionKey)).toContain('s3:RequestObjectTagKeys');
    const tagging = req({
      eventName: 'PutObjectTagging',
      requestParameters: {
        bucketName: 'b',
        key: 'k',
        tagging: '',
        Tagging: { TagSet: { Tag: { Key: 'class', Value: 'secret' } } },
      },
    });
    expect(tagging.context.values['s3:RequestObjectTag/class']).toBe('secret');
    const bad = req({
      eventName: 'PutObject',
      requestParameters: { bucketName: 'b', key: 'k', 'x-amz-tagging': 'a=%E0%A4%A' },
    });
    expect(bad.context.values).not.toHaveProperty('s3:RequestObjectTagKeys');
  });

  it('write headers that are condition keys are set only when recorded', () => {
    const r = req({
      eventName: 'PutObject',
      requestParameters: {
        bucketName: 'b',
        key: 'k',
        'x-amz-storage-class': 'GLACIER',
        'x-amz-object-lock-mode': 'GOVERNANCE',
        'x-amz-grant-read': 'id="abc"',
      },
    });
    expect(r.context.values).toMatchObject({
      's3:x-amz-storage-class': 'GLACIER',
      's3:object-lock-mode': 'GOVERNANCE',
      's3:x-amz-grant-read': 'id="abc"',
    });
    expect(req({ eventName: 'PutObject' }).context.values).not.toHaveProperty('s3:x-amz-storage-class');
    expect(req({ eventName: 'PutObject' }).context.absent).not.toContain('s3:x-amz-storage-class');
  });
});

it('never throws, and every item names its record fields (hostile records)', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue(), (over, message) => {
      const r = toAccessRequest({ ...s3Record(), ...over, errorMessage: message });
      expect(r.evidence?.errorCode).toBeDefined();
      for (const i of r.evidence?.items ?? []) expect(i.source.length).toBeGreaterThan(0);
    }),
    { numRuns: 200 },
  );
});
