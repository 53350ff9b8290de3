/** cross-account-no-bucket-grant as the user reads it: the bucket side of a cross-account request. */
import { causeOf, exampleViewWith, explain, scenarioEvent, unsignedRead } from './helpers';

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
  const anonymousRead = unsignedRead;

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

describe('cross-account-no-bucket-grant: whose accounts, and which requests have a bucket side', () => {
  const ANALYTICS = 'PartnerReader reads the analytics bucket, whose policy only names PartnerWriter';
  const withoutBucketAccount = (event: Record<string, unknown>): Record<string, unknown> => {
    delete event['recipientAccountId'];
    for (const r of event['resources'] as Record<string, unknown>[]) delete r['accountId'];
    return event;
  };
  const checkFor = (event: Record<string, unknown>, view?: Parameters<typeof explain>[1]) =>
    explain(event, view).finding.checks.find((c) => c.layer === 'cross-account-no-bucket-grant');

  it('a record that does not name the bucket owner: the snapshot does, and the partner is still told the bucket grants nothing', () => {
    const { finding } = explain(withoutBucketAccount(scenarioEvent(ANALYTICS)));
    expect(causeOf(finding, 'cross-account-no-bucket-grant')).toMatchObject({
      confidence: 'confirmed',
      title:
        'Bucket analytics-bucket (account 111122223333) grants nothing to arn:aws:iam::444455556666:role/PartnerReader',
    });
  });

  // The caller's own copy of a cross-account denial: CloudTrail removes the bucket owner's account id from it
  // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-receive-logs-from-multiple-accounts.html,
  // "Redacting bucket owner account IDs for data events called by other accounts"); the recipient is the caller.
  it("the caller's copy, with the owner's account id removed: cross-account, the owner taken from the snapshot, not the caller's account", () => {
    const event = scenarioEvent(ANALYTICS);
    event['recipientAccountId'] = '444455556666';
    for (const r of event['resources'] as Record<string, unknown>[]) delete r['accountId'];
    const { finding } = explain(event);
    expect(finding.request.crossAccount).toBe(true);
    expect(causeOf(finding, 'cross-account-no-bucket-grant')).toMatchObject({
      confidence: 'confirmed',
      title:
        'Bucket analytics-bucket (account 111122223333) grants nothing to arn:aws:iam::444455556666:role/PartnerReader',
    });
  });

  it('a record that does not name the bucket owner, and the snapshot puts the bucket in the caller account: same-account, not applicable', () => {
    expect(checkFor(withoutBucketAccount(scenarioEvent('ruled out: same-account caller')))).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'not-applicable',
      detail: 'same-account request',
    });
  });

  it('a copy from a bucket whose owner is known to no one into a bucket of the caller account: whether it is cross-account is unknown, not same-account', () => {
    // the source bucket may belong to another account, whose bucket policy would then have to grant the read
    const event = withoutBucketAccount(scenarioEvent('ruled out: same-account caller'));
    event['eventName'] = 'CopyObject';
    event['readOnly'] = false;
    const params = event['requestParameters'] as Record<string, unknown>;
    params['x-amz-copy-source'] = 'bucket-of-nobody-we-know/x.csv';
    expect(checkFor(event)).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'unknown',
      missing: ["the caller's or the bucket owner's account"],
    });
  });

  it("the KMS call S3 makes for a partner's read has no bucket side to grant: not applicable, never 'the bucket grants'", () => {
    // kms:Decrypt is granted by the key policy (or a grant), not by the bucket policy or an ACL:
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
    const event = scenarioEvent('the KMS Decrypt record S3 made for KmsReader');
    event['userIdentity'] = scenarioEvent(ANALYTICS)['userIdentity'];
    expect(checkFor(event)).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'not-applicable',
      detail: 'no bucket involved',
    });
  });

  it('ListBuckets names no bucket: not applicable, not unknown', () => {
    // ListBuckets (s3:ListAllMyBuckets) is granted by the caller's own policies only:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
    const event = withoutBucketAccount(scenarioEvent(ANALYTICS));
    event['eventName'] = 'ListBuckets';
    event['requestParameters'] = { Host: 's3.us-east-1.amazonaws.com' };
    event['resources'] = [];
    expect(checkFor(event)).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'not-applicable',
      detail: 'no bucket involved',
    });
  });

  it("the bucket owner's record names the partner only by account: the fix grants that account's root, and the title says 'account …'", () => {
    // In the bucket owner's trail, another account's caller can appear as type AWSAccount with no ARN:
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
    const event = scenarioEvent(ANALYTICS);
    event['userIdentity'] = {
      type: 'AWSAccount',
      principalId: 'AROAUNKNOWNPARTNER01:partner',
      accountId: '444455556666',
    };
    const c = causeOf(explain(event).finding, 'cross-account-no-bucket-grant');
    expect(c.title).toBe(
      'Bucket analytics-bucket (account 111122223333) grants nothing to account 444455556666',
    );
    expect(c.fix.summary).toBe(
      'Add a statement to the bucket policy of analytics-bucket allowing account 444455556666 s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet.',
    );
    expect(c.fix.policyPatch?.['addStatement']).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
    });
  });

  it('a caller the record names only by its unique id: the snapshot resolves the role and its account, and the bucket side is judged cross-account', () => {
    // CloudTrail can name the caller by principalId alone:
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
    const event = scenarioEvent(ANALYTICS);
    event['userIdentity'] = { type: 'AWSAccount', principalId: 'AROAPARTNERREADER001:partner' };
    expect(causeOf(explain(event).finding, 'cross-account-no-bucket-grant').title).toBe(
      'Bucket analytics-bucket (account 111122223333) grants nothing to arn:aws:iam::444455556666:role/PartnerReader',
    );
  });
});

describe('cross-account-no-bucket-grant: the ACL is the other way the bucket owner grants', () => {
  // The bucket owner's side of a cross-account request is granted by the bucket policy or by an ACL:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
  const ANALYTICS = 'PartnerReader reads the analytics bucket, whose policy only names PartnerWriter';
  const KEY = 'daily/2026-11-19.parquet';
  const PARTNER_CANONICAL_ID = 'c4bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4';
  const checkIn = (view: Parameters<typeof explain>[1]) => explain(scenarioEvent(ANALYTICS), view).finding;

  it("an object ACL granting the partner READ is the bucket side's grant: the denial is the partner's own policy", () => {
    const finding = checkIn(
      exampleViewWith((s) => {
        s['buckets']['analytics-bucket']['objects'][KEY]['acl']['Grants'].push({
          Grantee: { Type: 'CanonicalUser', ID: PARTNER_CANONICAL_ID },
          Permission: 'READ',
        });
        const role = s['accounts']['444455556666']['authorizationDetails']['RoleDetailList'][0];
        role['RolePolicyList'][0]['PolicyDocument']['Statement'][0]['Resource'] = [
          'arn:aws:s3:::reports-bucket/*',
        ];
      }),
    );
    expect(finding.checks.find((c) => c.layer === 'cross-account-no-bucket-grant')).toMatchObject({
      status: 'pass',
    });
    expect(finding.rootCauses.map((c) => c.id)).toEqual(['identity-policy-no-allow']);
  });

  it('an object ACL that could not be read might still grant the partner: the missing grant is likely, not confirmed', () => {
    const finding = checkIn(
      exampleViewWith((s) => {
        delete s['buckets']['analytics-bucket']['objects'][KEY]['acl'];
      }),
    );
    expect(causeOf(finding, 'cross-account-no-bucket-grant').confidence).toBe('likely');
  });

  it('an ACL grant to AuthenticatedUsers ignored by IgnorePublicAcls: the cause is Block Public Access, not a missing grant', () => {
    // IgnorePublicAcls makes S3 ignore public ACLs (AllUsers, AuthenticatedUsers):
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    const finding = checkIn(
      exampleViewWith((s) => {
        s['buckets']['analytics-bucket']['objects'][KEY]['acl']['Grants'].push({
          Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' },
          Permission: 'READ',
        });
      }),
    );
    expect(finding.rootCauses.map((c) => c.id)).toEqual(['block-public-access']);
  });

  it('an ACL grant to the partner on a BucketOwnerEnforced bucket: the cause is that ACLs are disabled, not a missing grant', () => {
    // BucketOwnerEnforced disables ACLs: they no longer affect permissions:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
    const finding = checkIn(
      exampleViewWith((s) => {
        s['buckets']['analytics-bucket']['ownershipControls'] = {
          Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
        };
        s['buckets']['analytics-bucket']['objects'][KEY]['acl']['Grants'].push({
          Grantee: { Type: 'CanonicalUser', ID: PARTNER_CANONICAL_ID },
          Permission: 'READ',
        });
      }),
    );
    expect(finding.rootCauses.map((c) => c.id)).toEqual(['object-ownership-acl']);
  });
});

describe('cross-account-no-bucket-grant: a bucket policy Allow that names the partner is a grant, even when what may void it is unknown', () => {
  // RestrictPublicBuckets blocks all cross-account access to a bucket with a public policy; whether it is on could
  // not be read. The bucket policy's Allow names the partner: if the request fails, Block Public Access voids that
  // grant, and a further statement naming the partner would be voided the same way.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
  const PUBLIC = 'cross-account read through the public policy is blocked too';
  const unreadBpa = exampleViewWith((s) => {
    delete s['buckets']['public-site-bucket']['publicAccessBlock'];
    delete s['accounts']['111122223333']['publicAccessBlock'];
    // a second statement, for another principal, does not change that the first one names the partner
    s['buckets']['public-site-bucket']['policy']['Statement'].push({
      Sid: 'WriterReads',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:role/PartnerWriter' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::public-site-bucket/*',
    });
  });

  it('Block Public Access settings not read: the check passes (the grant exists) and a missing grant is not offered as a cause', () => {
    const finding = explain(scenarioEvent(PUBLIC), unreadBpa).finding;
    expect(finding.checks.find((c) => c.layer === 'cross-account-no-bucket-grant')).toEqual({
      layer: 'cross-account-no-bucket-grant',
      status: 'pass',
      detail: 'the bucket policy or ACL grants the cross-account caller',
    });
    expect(finding.rootCauses.map((c) => c.id)).toContain('block-public-access');
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('cross-account-no-bucket-grant');
  });
});

describe('cross-account-no-bucket-grant: a request rejected outright is not a voided grant', () => {
  // BlockPublicAcls makes a PUT Object that carries a public ACL fail: it rejects the request, it voids no grant.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
  it('a partner upload with a public-read ACL to a bucket that grants the partner nothing: the missing bucket grant is named too, never "the bucket grants"', () => {
    const event = scenarioEvent(
      'PartnerReader reads the analytics bucket, whose policy only names PartnerWriter',
    );
    event['eventName'] = 'PutObject';
    event['readOnly'] = false;
    (event['requestParameters'] as Record<string, unknown>)['x-amz-acl'] = 'public-read';
    const finding = explain(event).finding;
    expect(finding.checks.find((c) => c.layer === 'cross-account-no-bucket-grant')?.status).toBe('deny');
    const ids = finding.rootCauses.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['block-public-access', 'cross-account-no-bucket-grant']));
  });
});
