/**
 * Requester Pays: S3 refuses (403) a request from outside the bucket owner's account that does not carry
 * x-amz-request-payer: requester, whatever the policies say; the bucket owner's account never needs it; anonymous
 * requests are refused; server access logs cannot be delivered to a Requester Pays bucket.
 * RP = https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
 * RPOBJ = https://docs.aws.amazon.com/AmazonS3/latest/userguide/ObjectsinRequesterPaysBuckets.html
 */
import { known, unknown } from '../../../../lambdas/core/model';
import {
  authorize,
  type AuthorizationResult,
  type EnginePrincipal,
  type RequestPaymentInput,
} from '../../../../lambdas/core/policy';
import {
  BUCKET_ARN,
  OTHER,
  allow,
  anonymous,
  bucketPolicy,
  identity,
  input,
  request,
  roleSession,
  service,
} from './fixtures';

const OBJ = `${BUCKET_ARN}/*`;
const role = roleSession();
const foreign = roleSession(OTHER, 'Partner');
const everyone = known(bucketPolicy(allow('s3:*', [BUCKET_ARN, OBJ], { Principal: '*' })));
const idAll = known([identity(allow('s3:*'))]);

function decide(p: EnginePrincipal, requestPayment: RequestPaymentInput, action = 's3:GetObject') {
  const noIam = p.type === 'Anonymous' || p.type === 'AWSService';
  return authorize(
    input(
      request(p, action),
      { bucketPolicy: everyone, ...(noIam ? {} : { identityPolicies: idAll }) },
      { requestPayment },
    ),
  );
}
const rp = (r: AuthorizationResult) => r.layers.find((l) => l.layer === 'requester-pays');
const on = (header: RequestPaymentInput['header']): RequestPaymentInput => ({
  payer: known('Requester'),
  header,
});

describe('a Requester Pays bucket (RP, RPOBJ)', () => {
  it('a request from another account without x-amz-request-payer is refused, whatever the policies allow', () => {
    const r = decide(foreign, on(null));
    expect(r.decision).toBe('explicitly-denied');
    expect(rp(r)).toMatchObject({ result: 'explicitly-denied', rule: 'requester-pays' });
    expect(rp(r)?.note).toBe(
      "the bucket is a Requester Pays bucket and the request, from outside the bucket owner's account, did not carry x-amz-request-payer: S3 refuses it (403) whatever the policies say",
    );
  });

  it('a header with another value does not accept the charges: refused, and the note quotes the value sent', () => {
    const r = decide(foreign, on('bucketowner'));
    expect(r.decision).toBe('explicitly-denied');
    expect(rp(r)?.note).toMatch(/carried x-amz-request-payer: bucketowner: S3 refuses it/);
  });

  it('a request from another account with x-amz-request-payer: requester (any case) goes through', () => {
    const r = decide(foreign, on(' Requester '));
    expect(r.decision).toBe('allowed');
    expect(rp(r)).toMatchObject({
      result: 'allowed',
      note: 'the bucket is a Requester Pays bucket and the request carries x-amz-request-payer: requester',
    });
  });

  it("the bucket owner's account pays without the header", () => {
    const r = decide(role, on(null));
    expect(r.decision).toBe('allowed');
    expect(rp(r)?.note).toBe(
      "the bucket is a Requester Pays bucket; the caller belongs to the bucket owner's account, which pays without x-amz-request-payer",
    );
  });

  it('anonymous requests are refused, even with the header', () => {
    const r = decide(anonymous, on('requester'));
    expect(r.decision).toBe('explicitly-denied');
    expect(rp(r)?.note).toBe('the bucket is a Requester Pays bucket: S3 refuses anonymous requests to it');
  });

  it('server access logs cannot be delivered to a Requester Pays bucket', () => {
    const r = decide(service('logging.s3.amazonaws.com'), on(null), 's3:PutObject');
    expect(r.decision).toBe('explicitly-denied');
    expect(rp(r)?.note).toBe(
      'the bucket is a Requester Pays bucket: S3 server access logs cannot be delivered to it',
    );
  });

  it('another AWS service that sends the header goes through; one that does not is undecided (AWS does not document it)', () => {
    expect(rp(decide(service('cloudtrail.amazonaws.com'), on('requester')))).toMatchObject({
      result: 'allowed',
      note: 'the request carries x-amz-request-payer: requester',
    });
    const r = decide(service('cloudtrail.amazonaws.com'), on(null));
    expect(r.decision).toBe('unknown');
    expect(rp(r)).toMatchObject({
      result: 'unknown',
      note: 'the bucket is a Requester Pays bucket and cloudtrail.amazonaws.com did not send x-amz-request-payer: requester',
      missing: ['whether S3 charges cloudtrail.amazonaws.com as a requester (AWS does not document it)'],
    });
  });

  it('a record that does not show the header leaves a request from another account undecided', () => {
    const r = decide(foreign, on('unknown'));
    expect(r.decision).toBe('unknown');
    expect(rp(r)).toMatchObject({
      result: 'unknown',
      note: expect.stringMatching(/does not show whether the request carried x-amz-request-payer/),
      missing: ['the x-amz-request-payer header of the request'],
    });
  });

  it('a caller whose account is not known, without the header: undecided, the account is what is missing', () => {
    const r = decide({ ...foreign, accountId: null }, on(null));
    expect(r.decision).toBe('unknown');
    expect(rp(r)?.missing).toEqual(["the caller's or the bucket owner's account"]);
    expect(rp(r)?.note).toMatch(/S3 refuses it unless the caller belongs to the bucket owner's account/);
  });
});

describe('a bucket whose owner pays, or whose setting could not be read (RP)', () => {
  it('Requester Pays off: the layer does not apply', () => {
    const r = decide(foreign, { payer: known('BucketOwner'), header: null });
    expect(r.decision).toBe('allowed');
    expect(rp(r)).toMatchObject({
      result: 'not-applicable',
      note: 'the bucket owner pays for requests (Requester Pays is off)',
    });
  });

  it('an unread setting does not matter for the bucket owner account', () => {
    const r = decide(role, { payer: unknown('accessDenied'), header: null });
    expect(r.decision).toBe('allowed');
    expect(rp(r)).toMatchObject({
      result: 'not-applicable',
      note: expect.stringMatching(/bucket owner's account/),
    });
  });

  it('an unread setting does not matter for a request that carries the header', () => {
    const r = decide(foreign, { payer: unknown('accessDenied'), header: 'requester' });
    expect(r.decision).toBe('allowed');
    expect(rp(r)).toMatchObject({
      result: 'not-applicable',
      note: 'the request carries x-amz-request-payer: requester',
    });
  });

  it('an unread setting does not matter for an AWS service other than log delivery', () => {
    const r = decide(service('cloudtrail.amazonaws.com'), { payer: unknown('accessDenied'), header: null });
    expect(rp(r)).toMatchObject({
      result: 'not-applicable',
      note: expect.stringMatching(/an AWS service principal has none/),
    });
  });

  it('an unread setting leaves a request from another account without the header undecided, naming the permission needed', () => {
    const r = decide(foreign, {
      payer: unknown('accessDenied', undefined, 's3:GetBucketRequestPayment'),
      header: null,
    });
    expect(r.decision).toBe('unknown');
    expect(rp(r)).toMatchObject({
      result: 'unknown',
      note: expect.stringMatching(/if the bucket is a Requester Pays bucket, S3 refuses this request/),
      missing: ['the Requester Pays setting of the bucket (accessDenied, needs s3:GetBucketRequestPayment)'],
    });
  });

  it('an unread setting leaves an anonymous request undecided even with the header, and log delivery too', () => {
    expect(decide(anonymous, { payer: unknown('accessDenied'), header: 'requester' }).decision).toBe(
      'unknown',
    );
    expect(
      decide(
        service('logging.s3.amazonaws.com'),
        { payer: unknown('accessDenied'), header: null },
        's3:PutObject',
      ).decision,
    ).toBe('unknown');
  });

  it('a request that is not an S3 bucket request is not concerned', () => {
    const r = authorize(
      input(
        { ...request(foreign, 's3express:CreateSession'), resource: BUCKET_ARN },
        { identityPolicies: idAll },
        { requestPayment: on(null) },
      ),
    );
    expect(rp(r)).toMatchObject({
      result: 'not-applicable',
      note: expect.stringMatching(/general purpose bucket requests only/),
    });
  });

  it('without Requester Pays facts the layer is left out', () => {
    const r = authorize(input(request(role), { identityPolicies: idAll }));
    expect(rp(r)).toBeUndefined();
  });
});
