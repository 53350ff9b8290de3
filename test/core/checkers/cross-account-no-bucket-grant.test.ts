/** cross-account-no-bucket-grant as the user reads it: the bucket side of a cross-account request. */
import { causeOf, exampleViewWith, explain, scenarioEvent } from './helpers';

const checkOf = (n: string, view?: Parameters<typeof explain>[1]) =>
  explain(scenarioEvent(n), view).finding.checks.find((c) => c.layer === 'cross-account-no-bucket-grant');

// A cross-account request needs an Allow on both sides:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
describe('cross-account-no-bucket-grant: the bucket owner grants the other account nothing', () => {
  it('names both accounts, says both sides must allow, and adds a verified statement naming the caller to the bucket policy', () => {
    const c = causeOf(
      explain(scenarioEvent('PartnerReader lists the reports bucket')).finding,
      'cross-account-no-bucket-grant',
    );
    expect(c).toMatchObject({
      confidence: 'confirmed',
      title:
        'Bucket reports-bucket (account 111122223333) grants nothing to arn:aws:iam::444455556666:role/PartnerReader',
      explanation:
        "The caller is in account 444455556666 and the bucket in account 111122223333. A cross-account request needs an Allow on both sides: the caller's identity policy and the bucket policy (or ACL). No statement of the bucket policy allows s3:ListBucket on arn:aws:s3:::reports-bucket for this principal.",
    });
    expect(c.evidence).toEqual([
      {
        layer: 'bucket-policy',
        policy: 'arn:aws:s3:::reports-bucket',
        detail:
          'no statement of the bucket policy allows s3:ListBucket (s3:ListBucket on arn:aws:s3:::reports-bucket)',
      },
    ]);
    expect(c.fix).toEqual({
      summary:
        'Add a statement to the bucket policy of reports-bucket allowing arn:aws:iam::444455556666:role/PartnerReader s3:ListBucket on arn:aws:s3:::reports-bucket.',
      commands: [
        'aws s3api get-bucket-policy --bucket reports-bucket --query Policy --output text > policy.json',
        'aws s3api put-bucket-policy --bucket reports-bucket --policy file://policy.json',
      ],
      policyPatch: {
        layer: 'bucket-policy',
        bucket: 'reports-bucket',
        addStatement: {
          Sid: 'AllowListBucketReportsBucket',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:role/PartnerReader' },
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::reports-bucket',
        },
      },
      verified: true,
    });
  });

  it('a bucket policy that grants the partner passes the check (the denial is elsewhere)', () => {
    expect(checkOf('ruled out: the bucket grants the partner, the key is the problem')).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'pass',
      detail: 'the bucket policy or ACL grants the cross-account caller',
    });
  });

  it('an anonymous caller whose public grant Block Public Access voids: that grant exists, so this check passes (the cause is Block Public Access)', () => {
    expect(checkOf('anonymous read of a public-policy bucket with RestrictPublicBuckets')).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'pass',
      detail: 'the bucket policy or ACL grants the anonymous caller',
    });
  });

  it('a same-account caller: not applicable', () => {
    expect(checkOf('ruled out: same-account caller')).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'not-applicable',
      detail: 'same-account request',
    });
  });

  it('without the bucket policy the check cannot tell, and names the policy it could not read', () => {
    const noPolicy = exampleViewWith((s) => delete s['buckets']['reports-bucket']['policy']);
    expect(checkOf('PartnerReader reads outside the shared/ prefix', noPolicy)).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'unknown',
      missing: [
        'the bucket policy (notCollected: the snapshot does not carry buckets.reports-bucket.policy)',
      ],
    });
  });
});

describe('cross-account-no-bucket-grant: what the bucket side says', () => {
  const ANALYTICS = 'PartnerReader reads the analytics bucket, whose policy only names PartnerWriter';
  const cause = (view?: Parameters<typeof explain>[1], event = scenarioEvent(ANALYTICS)) =>
    causeOf(explain(event, view).finding, 'cross-account-no-bucket-grant');

  it('a bucket policy that only names another role of the partner account grants this caller nothing', () => {
    const c = cause();
    expect(c.explanation).toBe(
      "The caller is in account 444455556666 and the bucket in account 111122223333. A cross-account request needs an Allow on both sides: the caller's identity policy and the bucket policy (or ACL). No statement of the bucket policy allows s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet for this principal.",
    );
    // the statement that almost matched is shown with why it does not apply
    expect(c.evidence[1]).toMatchObject({ layer: 'bucket-policy', statement: 'PartnerWriteIncoming' });
    expect(c.fix.policyPatch?.['addStatement']).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::444455556666:role/PartnerReader' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet',
    });
  });

  it('a bucket without any policy is said to have none, and the fix still writes the first statement of one', () => {
    const c = cause(
      exampleViewWith((s) => {
        s['buckets']['analytics-bucket']['policy'] = null;
      }),
    );
    expect(c.confidence).toBe('confirmed');
    expect(c.explanation).toContain(
      'The bucket has no policy, and no ACL grant allows s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet for this principal.',
    );
    expect(c.evidence).toEqual([
      {
        layer: 'bucket-policy',
        detail:
          'there is no bucket policy (s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet)',
      },
    ]);
    expect(c.fix.verified).toBe(true);
  });

  it('a copy needs both the read of the source and the write of the target granted: one statement each, listed in the summary', () => {
    const event = scenarioEvent(ANALYTICS);
    event['eventName'] = 'CopyObject';
    event['readOnly'] = false;
    const params = event['requestParameters'] as Record<string, unknown>;
    params['x-amz-copy-source'] = 'analytics-bucket/daily/2026-11-19.parquet';
    params['key'] = 'copy/x.parquet';
    const c = cause(undefined, event);
    expect(c.fix.summary).toBe(
      'Add a statement to the bucket policy of analytics-bucket allowing arn:aws:iam::444455556666:role/PartnerReader s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet, s3:PutObject on arn:aws:s3:::analytics-bucket/copy/x.parquet.',
    );
    const added = c.fix.policyPatch?.['addStatement'] as Record<string, unknown>[];
    expect(added.map((s) => s['Action'])).toEqual(['s3:GetObject', 's3:PutObject']);
    // the partner's own side does not allow the write either: the bucket grant alone is not enough
    expect(c.fix.stillDeniedBy).toEqual(expect.arrayContaining(['identity-policy (no allow)']));
    // the bucket policy now grants the bucket owner's side: the ACL, which could grant in its place, is not in the way
    expect(c.fix.stillDeniedBy).not.toContain('acl (no allow)');
  });

  it("when the bucket owner's account is in neither the record nor the snapshot, whether the request is cross-account is unknown", () => {
    const event = scenarioEvent(ANALYTICS);
    delete event['recipientAccountId'];
    for (const r of event['resources'] as Record<string, unknown>[]) delete r['accountId'];
    const view = exampleViewWith((s) => {
      delete s['buckets']['analytics-bucket']['accountId'];
    });
    expect(checkOf(ANALYTICS, view)?.status).toBe('deny'); // the record alone still names the bucket account
    expect(
      explain(event, view).finding.checks.find((c) => c.layer === 'cross-account-no-bucket-grant'),
    ).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'unknown',
      missing: ["the caller's or the bucket owner's account"],
    });
  });
});

describe('cross-account-no-bucket-grant: an anonymous (unsigned) request that nothing grants', () => {
  // An anonymous request is granted only by the bucket policy or an ACL (it has no identity policies); the usual
  // cause is a client without credentials: https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
  // Presigned URLs: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html
  const anonymousRead = (bucket: string, key: string): Record<string, unknown> => {
    const event = scenarioEvent('anonymous read of a public-policy bucket with RestrictPublicBuckets');
    Object.assign(event['requestParameters'] as Record<string, unknown>, {
      bucketName: bucket,
      key,
      Host: `${bucket}.s3.us-east-1.amazonaws.com`,
    });
    delete event['resources'];
    return event;
  };

  it('a private bucket read with no credentials: the cause is named (never "every layer allows"), and the fix is to sign, not to go public', () => {
    const finding = explain(anonymousRead('analytics-bucket', 'daily/2026-11-19.parquet')).finding;
    expect(finding.verdict).toBe('explained');
    const c = causeOf(finding, 'cross-account-no-bucket-grant');
    expect(c).toMatchObject({
      confidence: 'confirmed',
      title: 'Bucket analytics-bucket grants nothing to anonymous callers, and the request was not signed',
    });
    expect(c.evidence[0]).toEqual({
      layer: 'record',
      detail: 'the request carried no AWS signature (CloudTrail records the caller as anonymous)',
    });
    expect(c.fix.commands).toEqual([
      'aws sts get-caller-identity',
      'aws s3 presign s3://analytics-bucket/daily/2026-11-19.parquet --expires-in 3600',
    ]);
    // a public grant is never written for the user (--write-fixes would apply it)
    expect(c.fix.policyPatch).toBeUndefined();
    expect(c.fix.verified).toBe(false);
    expect(c.fix.summary).toMatch(/^Sign the request: the client sent no AWS credentials\./);
    expect(c.fix.summary).toContain(
      'Grant anonymous access in the bucket policy only if the data is meant to be public',
    );
  });

  it('an anonymous upload gets no presigned download URL (aws s3 presign makes GET URLs only)', () => {
    const event = anonymousRead('analytics-bucket', 'incoming/new.csv');
    event['eventName'] = 'PutObject';
    event['readOnly'] = false;
    const c = causeOf(explain(event).finding, 'cross-account-no-bucket-grant');
    expect(c.fix.commands).toEqual(['aws sts get-caller-identity']);
    // nobody should write to a bucket unsigned: no public grant is even mentioned
    expect(c.fix.summary).not.toContain('Grant anonymous access');
  });
});
