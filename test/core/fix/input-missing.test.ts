/**
 * What the engine input says when a fact was not gathered: the missing fact is named (the finding lists it, so the
 * reader knows what to collect), and edge forms of the request are read as AWS reads them.
 *  - IAM action names, service prefix included, are case-insensitive:
 *    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 *  - directory buckets (S3 Express One Zone) have no ACLs, no Requester Pays, Block Public Access always on:
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-security.html
 *  - assumed-role session ARNs: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 *  - the AWS managed key aws/s3: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 */
import type { AccessRequest, ActionNeed, BucketFacts, RequestFacts } from '../../../lambdas/core/model';
import { known } from '../../../lambdas/core/model';
import {
  bucketFact,
  buildAuthorizationInput,
  buildKmsInput,
  enginePrincipal,
  objectFact,
} from '../../../lambdas/core/fix/input';
import { explain } from '../checkers/helpers';
import { A, recordFor, viewOf } from '../world';

const BUCKET = 'reports-bucket';
const Q3 = `arn:aws:s3:::${BUCKET}/q3.csv`;

function call(eventName = 'GetObject') {
  const view = viewOf({
    roles: [{ account: A, name: 'AppRole', statements: [] }],
    buckets: { [BUCKET]: { account: A, objects: { 'q3.csv': {} } } },
  });
  return explain(recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv', eventName }), view);
}
const needOf = (action: string, key: string | null = 'q3.csv'): ActionNeed => ({
  action,
  resource: key === null ? `arn:aws:s3:::${BUCKET}` : `arn:aws:s3:::${BUCKET}/${key}`,
  resourceType: key === null ? 'bucket' : 'object',
  bucket: BUCKET,
  key,
});
const missing = (detail: string) => ({ status: 'unknown', reason: 'notCollected', detail });

function bareBucket(facts: RequestFacts, drop: (b: BucketFacts) => BucketFacts): RequestFacts {
  const b = facts.buckets[BUCKET];
  if (b?.status !== 'known') throw new Error('bucket not known');
  return { ...facts, buckets: { [BUCKET]: known(drop(b.value)) } };
}

describe('a fact that was not gathered is named', () => {
  const { request, facts } = call('DeleteObject');

  it('the bucket, the object, the object ACL and owner', () => {
    expect(bucketFact(facts, 'other-bucket')).toEqual(missing('bucket other-bucket is not in the facts'));
    expect(objectFact(facts, BUCKET, 'q4.csv')).toEqual(
      missing(`object s3://${BUCKET}/q4.csv is not in the facts`),
    );
    const noAcl = bareBucket(facts, (b) => ({ ...b, objects: { 'q3.csv': known({ exists: true }) } }));
    const s3 = buildAuthorizationInput(request, needOf('s3:GetObject'), noAcl).s3!;
    expect(s3.objectAcl).toEqual(missing('object ACL is not in the facts'));
    expect(s3.objectOwnerAccountId).toEqual(missing('object owner is not in the facts'));
  });

  it("the account's Block Public Access, or the bucket's account itself", () => {
    const s3 = buildAuthorizationInput(request, needOf('s3:GetObject'), {
      ...facts,
      accountPublicAccessBlock: {},
    }).s3!;
    expect(s3.accountPublicAccessBlock).toEqual(
      missing(`account ${A} Block Public Access is not in the facts`),
    );
    const ownerless = bareBucket(facts, (b) => ({
      ...b,
      accountId: { status: 'unknown', reason: 'notCollected' },
    }));
    const anywhere: AccessRequest = { ...request, bucketAccountId: null };
    expect(
      buildAuthorizationInput(anywhere, needOf('s3:GetObject'), ownerless).s3!.accountPublicAccessBlock,
    ).toEqual(missing('the bucket account is not in the facts'));
    // a bucket account named like an Object.prototype member (a record's text) has no Block Public Access either
    const named = { ...request, bucketAccountId: 'constructor' };
    expect(
      buildAuthorizationInput(named, needOf('s3:GetObject'), ownerless).s3!.accountPublicAccessBlock,
    ).toEqual(missing('account constructor Block Public Access is not in the facts'));
  });

  it("the bucket's Requester Pays and Object Lock settings, and the version's retention and legal hold", () => {
    const bare = bareBucket(facts, (b) => {
      const { requestPayment: _rp, objectLock: _ol, ...rest } = b;
      return { ...rest, objects: { 'q3.csv': known({ exists: true }) } };
    });
    const s3 = buildAuthorizationInput(request, needOf('s3:DeleteObjectVersion'), bare).s3!;
    expect(s3.requestPayment?.payer).toEqual(missing(`bucket ${BUCKET} requestPayment is not in the facts`));
    expect(s3.objectLock?.configuration).toEqual(
      missing(`bucket ${BUCKET} objectLockConfiguration is not in the facts`),
    );
    expect(s3.objectLock?.retention).toEqual(missing(`s3://${BUCKET}/q3.csv retention is not in the facts`));
    expect(s3.objectLock?.legalHold).toEqual(missing(`s3://${BUCKET}/q3.csv legal hold is not in the facts`));
  });

  it('the object version an Object Lock need names no key of', () => {
    const lock = buildAuthorizationInput(request, needOf('s3:DeleteObjectVersion', null), facts).s3!
      .objectLock;
    expect(lock?.retention).toEqual(missing('the object version is not in the facts'));
    expect(lock?.legalHold).toEqual(missing('the object version is not in the facts'));
  });

  it('the bucket behind an access point, and a KMS key', () => {
    const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/reports-ap`;
    const viaAp: AccessRequest = { ...request, accessPointArn: AP };
    const need: ActionNeed = { ...needOf('s3:GetObject'), resource: `${AP}/object/q3.csv`, bucket: null };
    expect(buildAuthorizationInput(viaAp, need, facts).bucketPolicy).toEqual(
      missing('the bucket behind the access point is not in the facts'),
    );
    const key = `arn:aws:kms:us-east-1:${A}:key/k1`;
    const kms = buildKmsInput(
      request,
      { action: 'kms:Decrypt', keyId: key, source: 'object', s3Arn: Q3, bucket: BUCKET },
      facts,
    );
    expect(kms.keyPolicy).toEqual(missing(`KMS key ${key} is not in the facts`));
  });
});

describe('edge forms of the request', () => {
  const { request, facts } = call();

  it('a directory bucket action written in another case still takes no general purpose bucket layer', () => {
    expect(buildAuthorizationInput(request, needOf('S3Express:CreateSession', null), facts).s3).toBeNull();
    expect(buildAuthorizationInput(request, needOf('s3:CreateSession', null), facts).s3).not.toBeNull();
  });

  it('a role session recorded with no unique id keeps the identity ARN as its name', () => {
    const bare: AccessRequest = {
      ...request,
      principal: { ...request.principal, arn: null, principalId: null },
    };
    expect(enginePrincipal(bare, facts).arn).toBe(request.principal.identityArn);
  });

  it('only the alias aws/s3 itself is the AWS managed key, not an alias that ends like it', () => {
    for (const keyId of ['alias/aws/s3', `arn:aws:kms:us-east-1:${A}:alias/aws/s3`]) {
      const input = buildKmsInput(
        request,
        { action: 'kms:Decrypt', keyId, source: 'bucket-default', s3Arn: Q3, bucket: BUCKET },
        facts,
      );
      expect(input.keyManager).toBe('AWS');
    }
    for (const keyId of ['alias/myaws/s3', 'xalias/aws/s3', 'alias/aws/s3/x']) {
      const input = buildKmsInput(
        request,
        { action: 'kms:Decrypt', keyId, source: 'bucket-default', s3Arn: Q3, bucket: BUCKET },
        facts,
      );
      expect(input.keyManager).toBeNull();
      expect(input.request.resourceAccountId).toBeNull();
    }
  });

  it('a key ARN names its account; an ARN without a 12-digit account does not', () => {
    const kms = (keyId: string) =>
      buildKmsInput(
        request,
        { action: 'kms:Decrypt', keyId, source: 'object', s3Arn: Q3, bucket: BUCKET },
        facts,
      ).request.resourceAccountId;
    expect(kms('arn:aws-cn:kms:cn-north-1:444455556666:key/k1')).toBe('444455556666');
    expect(kms('arn:aws:kms:us-east-1:4444:key/k1')).toBeNull();
    expect(kms('xarn:aws:kms:us-east-1:444455556666:key/k1')).toBeNull();
  });
});
