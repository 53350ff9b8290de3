/**
 * The engine input built from a request and its facts, for the S3 call and for the KMS call S3 makes:
 *  - kms:ViaService is "s3.<region>.amazonaws.com" and the encryption context aws:s3:arn the S3 ARN:
 *    https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
 *  - a KMS key is named by key ARN, key id, alias name or alias ARN:
 *    https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
 *  - the AWS managed key aws/s3 belongs to the bucket's account and is always enabled:
 *    https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 *  - Requester Pays: the x-amz-request-payer header (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html)
 */
import type { AccessRequest, ActionNeed, KmsKeyFacts } from '../../../lambdas/core/model';
import { known } from '../../../lambdas/core/model';
import {
  buildAuthorizationInput,
  buildKmsInput,
  callerAccountId,
  callerIdentityArn,
  enginePrincipal,
  findKmsKey,
  requestHeader,
  throughAccessPoint,
} from '../../../lambdas/core/fix/input';
import { explain } from '../checkers/helpers';
import { A, B, recordFor, roleArn, viewOf } from '../world';

const BUCKET = 'reports-bucket';
const Q3 = `arn:aws:s3:::${BUCKET}/q3.csv`;
const KEY = `arn:aws:kms:us-east-1:${B}:key/1111aaaa-2222-3333-4444-555566667777`;

function call(caller = A, params: Record<string, unknown> = {}, eventName = 'GetObject') {
  const view = viewOf({
    roles: [{ account: caller, name: 'AppRole', statements: [] }],
    buckets: { [BUCKET]: { account: A, objects: { 'q3.csv': {} } } },
  });
  return explain(
    recordFor({ account: caller, role: 'AppRole', bucket: BUCKET, key: 'q3.csv', params, eventName }),
    view,
  );
}

const keyFacts = (over: Partial<KmsKeyFacts> = {}): KmsKeyFacts => ({
  arn: KEY,
  accountId: B,
  keyPolicy: known({
    name: 'default',
    source: 'kms-key-policy',
    document: { Version: '2012-10-17', Statement: [] },
  }),
  grants: known([]),
  keyManager: 'CUSTOMER',
  keyState: 'Enabled',
  aliases: ['alias/finance'],
  ...over,
});

describe('findKmsKey: a key named by ARN, key id, alias name or alias ARN', () => {
  const { facts } = call();
  const withKey = { ...facts, kmsKeys: { [KEY]: known(keyFacts()) } };

  it.each([
    ['its ARN', KEY],
    ['its key id', '1111aaaa-2222-3333-4444-555566667777'],
    ['its alias name', 'alias/finance'],
    ['its alias ARN', `arn:aws:kms:us-east-1:${B}:alias/finance`],
  ])('by %s', (_how, id) => {
    expect(findKmsKey(withKey, id)?.arn).toBe(KEY);
  });

  it('an alias written without its "alias/" prefix in the facts still matches', () => {
    const bare = { ...facts, kmsKeys: { [KEY]: known(keyFacts({ aliases: ['finance'] })) } };
    expect(findKmsKey(bare, 'alias/finance')?.arn).toBe(KEY);
  });

  it('another key or alias is not found', () => {
    expect(findKmsKey(withKey, 'alias/other')).toBeNull();
    expect(findKmsKey(withKey, '2222bbbb-2222-3333-4444-555566667777')).toBeNull();
    expect(findKmsKey(facts, KEY)).toBeNull();
  });
});

describe('buildKmsInput: the KMS call S3 makes for the caller', () => {
  const need = { action: 'kms:Decrypt', keyId: KEY, source: 'object', s3Arn: Q3, bucket: BUCKET } as const;

  it('carries kms:ViaService of S3 in the Region, the encryption context, and the caller account', () => {
    const { request, facts } = call(A);
    const input = buildKmsInput(request, need, { ...facts, kmsKeys: { [KEY]: known(keyFacts()) } });
    expect(input.request.action).toBe('kms:Decrypt');
    expect(input.request.resource).toBe(KEY);
    expect(input.request.resourceAccountId).toBe(B);
    expect(input.request.context.values).toMatchObject({
      'kms:ViaService': 's3.us-east-1.amazonaws.com',
      'kms:EncryptionContext:aws:s3:arn': Q3,
      'kms:CallerAccount': A,
    });
    expect(input.encryptionContext).toEqual({ 'aws:s3:arn': Q3 });
    expect(input.keyManager).toBe('CUSTOMER');
    expect(input.keyState).toBe('Enabled');
    expect(input.keyPolicy.status).toBe('known');
  });

  it('a key the facts describe: its own key policy and grants, as read', () => {
    const { request, facts } = call(A);
    const key = keyFacts({ grants: known([]) });
    const input = buildKmsInput(request, need, { ...facts, kmsKeys: { [KEY]: known(key) } });
    expect(input.keyPolicy).toBe(key.keyPolicy);
    expect(input.grants).toBe(key.grants);
  });

  it('a key not in the facts: its policy, grants, state unknown; its account from its ARN', () => {
    const { request, facts } = call(A);
    const input = buildKmsInput(request, need, facts);
    expect(input.keyPolicy.status).toBe('unknown');
    expect(input.grants.status).toBe('unknown');
    expect(input.keyState).toBeNull();
    expect(input.keyManager).toBeNull();
    expect(input.request.resourceAccountId).toBe(B);
  });

  it("the AWS managed key aws/s3, not described: the bucket's account, managed by AWS, enabled", () => {
    const { request, facts } = call(A);
    for (const keyId of ['alias/aws/s3', `arn:aws:kms:us-east-1:${A}:alias/aws/s3`]) {
      const input = buildKmsInput(request, { ...need, keyId }, facts);
      expect(input.keyManager).toBe('AWS');
      expect(input.keyState).toBe('Enabled');
      expect(input.request.resourceAccountId).toBe(A);
    }
    const custom = buildKmsInput(request, { ...need, keyId: 'alias/aws/s3x' }, facts);
    expect(custom.keyManager).toBeNull();
    expect(custom.request.resourceAccountId).toBeNull();
  });
});

describe('requestHeader: request headers that are not condition keys', () => {
  const { request } = call(A);
  const withRaw = (
    raw: Record<string, unknown>,
    otherKeys: 'unknown' | 'absent' = 'unknown',
  ): AccessRequest => ({
    ...request,
    raw,
    context: { ...request.context, values: {}, otherKeys },
  });

  it('is read from requestParameters or additionalEventData, whatever the case of its name', () => {
    expect(
      requestHeader(
        withRaw({ requestParameters: { 'x-amz-request-payer': 'requester' } }),
        'x-amz-request-payer',
      ),
    ).toBe('requester');
    expect(
      requestHeader(
        withRaw({ requestParameters: { 'X-Amz-Request-Payer': ' requester ' } }),
        'x-amz-request-payer',
      ),
    ).toBe('requester');
    expect(
      requestHeader(
        withRaw({ requestParameters: {}, additionalEventData: { 'x-amz-request-payer': ['requester'] } }),
        'x-amz-request-payer',
      ),
    ).toBe('requester');
  });

  it('a hypothetical request gives it in its context', () => {
    const r = { ...request, context: { ...request.context, values: { 'X-Amz-Request-Payer': 'requester' } } };
    expect(requestHeader(r, 'x-amz-request-payer')).toBe('requester');
  });

  it('not there: the request did not carry it; unknown only for a record without requestParameters', () => {
    expect(
      requestHeader(withRaw({ requestParameters: { bucketName: BUCKET } }), 'x-amz-request-payer'),
    ).toBeNull();
    expect(
      requestHeader(withRaw({ requestParameters: { 'x-amz-request-payer': '  ' } }), 'x-amz-request-payer'),
    ).toBeNull();
    expect(requestHeader(withRaw({}), 'x-amz-request-payer')).toBe('unknown');
    expect(requestHeader(withRaw({ requestParameters: [] }), 'x-amz-request-payer')).toBe('unknown');
    expect(requestHeader(withRaw({}, 'absent'), 'x-amz-request-payer')).toBeNull();
  });

  it('a record with "requestParameters": null (CloudTrail writes null for a call without parameters) is read, as not known', () => {
    expect(requestHeader(withRaw({ requestParameters: null }), 'x-amz-request-payer')).toBe('unknown');
  });

  it('a header recorded as a list that does not start with text was not sent as text (and the reading does not fail)', () => {
    expect(
      requestHeader(withRaw({ requestParameters: { 'x-amz-request-payer': [42] } }), 'x-amz-request-payer'),
    ).toBeNull();
  });
});

describe('the caller', () => {
  it('a role session seen only by its unique id is rebuilt as the session of the role the facts know', () => {
    const { request, facts } = call(A);
    const bare: AccessRequest = {
      ...request,
      principal: { ...request.principal, arn: null, identityArn: null, accountId: null },
    };
    expect(callerIdentityArn(bare, facts)).toBe(roleArn(A, 'AppRole'));
    expect(callerAccountId(bare, facts)).toBe(A);
    expect(enginePrincipal(bare, facts)).toMatchObject({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${A}:assumed-role/AppRole/s1`,
      identityArn: roleArn(A, 'AppRole'),
      accountId: A,
      serviceName: null,
    });
  });

  it('a caller recorded as an account takes its type from the facts; its canonical id names its account in ACLs', () => {
    const { request, facts } = call(A);
    const asAccount: AccessRequest = { ...request, principal: { ...request.principal, type: 'AWSAccount' } };
    const p = enginePrincipal(asAccount, facts);
    expect(p.type).toBe('AssumedRole');
    expect(p.canonicalId).toBe('a'.repeat(64));
    expect(
      enginePrincipal({ ...request, principal: { ...request.principal, type: 'Anonymous' } }, facts)
        .canonicalId,
    ).toBeNull();
  });

  it('a service principal is named by the service that called', () => {
    const { request, facts } = call(A);
    const svc: AccessRequest = {
      ...request,
      principal: { ...request.principal, type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
    };
    expect(enginePrincipal(svc, facts).serviceName).toBe('cloudtrail.amazonaws.com');
    const oai: AccessRequest = { ...svc, principal: { ...svc.principal, originAccessIdentity: true } };
    expect(enginePrincipal(oai, facts)).toMatchObject({ serviceName: null, originAccessIdentity: true });
  });
});

describe('buildAuthorizationInput', () => {
  const needOf = (action: string): ActionNeed => ({
    action,
    resource: Q3,
    resourceType: 'object',
    bucket: BUCKET,
    key: 'q3.csv',
  });

  it('an object read is decided with the object ACL and owner; a write at the bucket, without them', () => {
    const { request, facts } = call(A);
    const get = buildAuthorizationInput(request, needOf('s3:GetObject'), facts).s3!;
    expect(get.objectAcl?.status).toBe('known');
    expect(get.objectOwnerAccountId).toEqual(known(A));
    const put = buildAuthorizationInput(request, needOf('s3:PutObject'), facts).s3!;
    expect(put.objectAcl).toBeNull();
    expect(put.objectOwnerAccountId).toBeNull();
  });

  it('a directory bucket (s3express:) takes no general purpose bucket layer', () => {
    const { request, facts } = call(A);
    expect(buildAuthorizationInput(request, needOf('s3express:CreateSession'), facts).s3).toBeNull();
  });

  it('the request carries the Requester Pays header it was sent with', () => {
    const { request, facts } = call(A, { 'x-amz-request-payer': 'requester' });
    expect(buildAuthorizationInput(request, needOf('s3:GetObject'), facts).s3!.requestPayment?.header).toBe(
      'requester',
    );
  });

  it('names the resource account and the caller', () => {
    const { request, facts } = call(B);
    const input = buildAuthorizationInput(request, needOf('s3:GetObject'), facts);
    expect(input.request.resourceAccountId).toBe(A);
    expect(input.request.principal.accountId).toBe(B);
    expect(input.request.context.values['aws:ResourceAccount']).toBe(A);
    expect(input.accessPoint).toBeNull();
    expect(input.accessPointPolicy).toBeNull();
  });
});

describe('throughAccessPoint', () => {
  const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/reports-ap`;
  const { request } = call(A);
  const r = { ...request, accessPointArn: AP };
  const n = (resource: string, bucketResource?: string): ActionNeed => ({
    action: 's3:GetObject',
    resource,
    resourceType: 'object',
    bucket: BUCKET,
    key: 'q3.csv',
    ...(bucketResource ? { bucketResource } : {}),
  });

  it('a need on the access point or an object under it goes through it; a need on the bucket does not', () => {
    expect(throughAccessPoint(r, n(AP))).toBe(true);
    expect(throughAccessPoint(r, n(`${AP}/object/q3.csv`))).toBe(true);
    expect(throughAccessPoint(r, n(`${AP}x/object/q3.csv`))).toBe(false);
    expect(throughAccessPoint(r, n(Q3))).toBe(false);
    expect(throughAccessPoint(request, n(Q3))).toBe(false);
    expect(throughAccessPoint(request, n('x', Q3))).toBe(true);
  });
});
