/**
 * A cross-account grant in a bucket policy that rests on the bucket's tags (aws:ResourceTag): the bucket side must
 * allow a caller of another account, and its Allow finds no matching tag when ABAC is disabled on the bucket or when
 * the bucket is tagged otherwise.
 * - https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html (ABAC off by default; with
 *   it on, tags take part in authorization)
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAbac.html (with ABAC on, tags change through S3
 *   Control TagResource)
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html (both
 *   sides must allow a cross-account request)
 */
import { explain } from '../checkers/helpers';
import { A, B, recordFor, viewOf, type Stmt, type WorldSpec } from '../world';

const BUCKET = 'shared-exports';

const readAll: Stmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
/** The bucket shares with the partner role whatever is tagged env=shared. */
const tagGrant: Stmt = {
  Sid: 'PartnerReadsShared',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${B}:role/Partner` },
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: { StringEquals: { 'aws:ResourceTag/env': 'shared' } },
};

function world(bucket: { abac: boolean; tags: Record<string, string> }): WorldSpec {
  return {
    roles: [{ account: B, name: 'Partner', statements: [readAll] }],
    buckets: { [BUCKET]: { account: A, policy: [tagGrant], ...bucket, objects: { 'q3.csv': {} } } },
  };
}

const record = () =>
  recordFor({ account: B, role: 'Partner', bucket: BUCKET, bucketAccount: A, key: 'q3.csv' });

describe('a cross-account grant that rests on bucket tags', () => {
  it('ABAC disabled on a bucket tagged env=shared: the grant is named, and the fix enables ABAC, verified', () => {
    const { finding } = explain(record(), viewOf(world({ abac: false, tags: { env: 'shared' } })));
    const cause = finding.rootCauses[0]!;
    expect(cause).toMatchObject({ id: 'cross-account-no-bucket-grant', confidence: 'confirmed' });
    expect(cause.title).toBe(
      `The bucket policy of ${BUCKET} grants arn:aws:iam::${B}:role/Partner s3:GetObject on arn:aws:s3:::${BUCKET}/q3.csv on bucket tags, and ABAC is disabled on bucket ${BUCKET}`,
    );
    expect(cause.evidence[0]?.layer).toBe('bucket-abac');
    expect(cause.fix).toMatchObject({
      verified: true,
      commands: [`aws s3api put-bucket-abac --bucket ${BUCKET} --abac-status Status=Enabled`],
    });
  });

  it('ABAC enabled on a bucket tagged env=private: the tag the grant requires is named, the fix tags it, verified', () => {
    const { finding } = explain(record(), viewOf(world({ abac: true, tags: { env: 'private' } })));
    const cause = finding.rootCauses[0]!;
    expect(cause.id).toBe('cross-account-no-bucket-grant');
    expect(cause.title).toBe(
      `The bucket policy grant of ${BUCKET} for arn:aws:iam::${B}:role/Partner requires env=shared on bucket ${BUCKET}, which carries env=private`,
    );
    expect(cause.fix).toMatchObject({
      verified: true,
      commands: [
        `aws s3control tag-resource --account-id ${A} --resource-arn arn:aws:s3:::${BUCKET} --tags '[{"Key":"env","Value":"shared"}]'`,
      ],
    });
  });

  it('ABAC enabled and the bucket tagged env=shared: the grant matches, no cause on the bucket side', () => {
    const { finding } = explain(record(), viewOf(world({ abac: true, tags: { env: 'shared' } })));
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('cross-account-no-bucket-grant');
  });
});
