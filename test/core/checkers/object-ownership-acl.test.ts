/**
 * object-ownership-acl as the user reads it. Without BucketOwnerEnforced, an object uploaded by another account stays
 * owned by that account, and the bucket owner's policy does not grant it; BucketOwnerEnforced makes the bucket owner
 * own every object and disables ACLs (a request that sets an ACL then fails with AccessControlListNotSupported):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 */
import { evaluateNeeds } from '../../../lambdas/core/analyze';
import { checker } from '../../../lambdas/core/checkers/object-ownership-acl';
import { causeOf, exampleViewWith, explain, requestOf, scenarioEvent } from './helpers';

const FOREIGN = "bucket owner's admin cannot read an object the partner uploaded and still owns";
const ENFORCED_CMD =
  "aws s3api put-bucket-ownership-controls --bucket analytics-bucket --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'";

/** The checker's own result (with what only the ranking reads, such as closeness). */
function check(scenario: string, view: Parameters<typeof explain>[1]) {
  const request = requestOf(scenarioEvent(scenario));
  const facts = view!.gatherSync(request);
  return checker.check({ request, facts, evaluations: evaluateNeeds(request, facts) });
}

describe('object-ownership-acl: an object the bucket owner does not own', () => {
  it('names the owning account, says only the object ACL can grant, and proposes a verified BucketOwnerEnforced', () => {
    const c = causeOf(explain(scenarioEvent(FOREIGN)).finding, 'object-ownership-acl');
    expect(c).toMatchObject({
      confidence: 'confirmed',
      title:
        's3://analytics-bucket/incoming/upload.csv is owned by account 444455556666, so the bucket policy cannot grant it',
      explanation:
        "The object is owned by account 444455556666: the bucket policy's Allow does not cover it; only the object ACL can grant. A bucket policy Allow only covers objects the bucket owner owns; an object written by another account without BucketOwnerEnforced stays owned by it and is granted only through its ACL.",
    });
    expect(c.evidence).toEqual([
      {
        layer: 'object-ownership',
        detail:
          "the object is owned by account 444455556666: the bucket policy's Allow does not cover it; only the object ACL can grant (s3:GetObject on arn:aws:s3:::analytics-bucket/incoming/upload.csv)",
      },
    ]);
    expect(c.fix).toEqual({
      summary:
        'Set Object Ownership of analytics-bucket to BucketOwnerEnforced: the bucket owner then owns every object (existing ones included) and ACLs stop mattering; grant access with the bucket policy.',
      commands: [ENFORCED_CMD],
      policyPatch: {
        layer: 'object-ownership',
        bucket: 'analytics-bucket',
        ownershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
      verified: true,
    });
  });

  it('an object the bucket owner owns passes', () => {
    const check = explain(scenarioEvent('ruled out: object owned by the bucket owner')).finding.checks.find(
      (c) => c.layer === 'object-ownership-acl',
    );
    expect(check).toEqual({
      layer: 'object-ownership-acl',
      status: 'pass',
      detail:
        'object-ownership allows s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet',
    });
  });

  it('with BucketOwnerEnforced the same partner-uploaded object passes: the bucket owner owns it', () => {
    const enforced = exampleViewWith((s) => {
      s['buckets']['analytics-bucket']['ownershipControls'] = {
        Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
      };
    });
    expect(check(FOREIGN, enforced).status).toBe('pass');
  });
});

describe('object-ownership-acl: the owner of the object was not read', () => {
  const noObjects = (s: Record<string, any>) => delete s['buckets']['analytics-bucket']['objects']; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('names the missing object owner, and ranks the cause close when the bucket lets other accounts own objects', () => {
    expect(check(FOREIGN, exampleViewWith(noObjects))).toEqual({
      status: 'unknown',
      missing: [
        'the object owner\'s account (notCollected: the snapshot does not carry buckets.analytics-bucket.objects["incoming/upload.csv"])',
      ],
      closeness: 1,
    });
  });

  it('does not rank it close when the bucket Object Ownership setting was not read either', () => {
    const r = check(
      FOREIGN,
      exampleViewWith((s) => {
        noObjects(s);
        delete s['buckets']['analytics-bucket']['ownershipControls'];
      }),
    );
    expect(r.status).toBe('unknown');
    expect(r).not.toHaveProperty('closeness');
  });
});

describe('object-ownership-acl: an ACL sent to a bucket whose ACLs are disabled', () => {
  // ACLs disabled answer 400 AccessControlListNotSupported, never 403 AccessDenied:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
  it('recorded as AccessDenied rather than AccessControlListNotSupported: the check still says what the layer does, but the record rules it out as the cause; the missing Allow is named', () => {
    const event = scenarioEvent('ACL sent to a BucketOwnerEnforced bucket');
    event['errorCode'] = 'AccessDenied';
    event['errorMessage'] = 'Access Denied';
    const { finding } = explain(event);
    expect(finding.checks.find((c) => c.layer === 'object-ownership-acl')?.status).toBe('deny');
    expect(finding.rootCauses.map((c) => c.id)).toEqual(['identity-policy-no-allow']);
  });

  it('a record without an error message: the evidence names the error code alone', () => {
    const event = scenarioEvent('ACL sent to a BucketOwnerEnforced bucket');
    delete event['errorMessage'];
    expect(causeOf(explain(event).finding, 'object-ownership-acl').evidence).toEqual([
      { layer: 'object-ownership', detail: 'AccessControlListNotSupported' },
    ]);
  });

  it('names the bucket and the error, and advises sending no ACL and granting through the bucket policy', () => {
    const c = causeOf(
      explain(scenarioEvent('ACL sent to a BucketOwnerEnforced bucket')).finding,
      'object-ownership-acl',
    );
    expect(c).toEqual({
      id: 'object-ownership-acl',
      confidence: 'confirmed',
      title:
        'ACLs are disabled on reports-bucket (Object Ownership BucketOwnerEnforced), and the request set one',
      explanation:
        'With BucketOwnerEnforced, S3 rejects any request that sets an ACL other than bucket-owner-full-control (400 AccessControlListNotSupported); access is controlled by policies only.',
      evidence: [
        {
          layer: 'object-ownership',
          detail: 'AccessControlListNotSupported: The bucket does not allow ACLs',
        },
      ],
      fix: {
        summary:
          'Send the request without an ACL (or with bucket-owner-full-control) and grant access through the bucket policy.',
        commands: [],
        verified: false,
      },
      change: null,
    });
  });
});

describe('object-ownership-acl: an ACL grant ignored because ACLs are disabled', () => {
  // With BucketOwnerEnforced the bucket owner owns every object and ACLs no longer affect permissions: an ACL grant to
  // the caller is ignored, and access must be granted by a policy.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
  const PARTNER_READ = 'PartnerReader reads the analytics bucket, whose policy only names PartnerWriter';
  const aclIgnored = exampleViewWith((s) => {
    const bucket = s['buckets']['analytics-bucket'];
    bucket['ownershipControls'] = { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] };
    bucket['objects']['daily/2026-11-19.parquet']['acl']['Grants'].push({
      Grantee: {
        Type: 'CanonicalUser',
        ID: 'c4bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4',
      },
      Permission: 'READ',
    });
  });

  it('says ACLs are disabled and the grant is ignored, never that the bucket owner does not own its object, and grants through the bucket policy instead', () => {
    const c = causeOf(explain(scenarioEvent(PARTNER_READ), aclIgnored).finding, 'object-ownership-acl');
    expect(c.title).toBe(
      'ACLs are disabled on analytics-bucket (Object Ownership BucketOwnerEnforced): the ACL grant of s3:GetObject to arn:aws:iam::444455556666:role/PartnerReader is ignored',
    );
    expect(c.explanation).toBe(
      'ACLs are disabled (BucketOwnerEnforced): the ACL grant is ignored. With BucketOwnerEnforced the bucket owner owns every object and ACLs no longer grant anything: access is granted by policies only.',
    );
    expect(c.confidence).toBe('confirmed');
    expect(c.evidence).toEqual([
      {
        layer: 'object-ownership',
        detail:
          'ACLs are disabled (BucketOwnerEnforced): the ACL grant is ignored (s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet)',
      },
    ]);
    // BucketOwnerEnforced is already set: proposing it again would change nothing
    expect(c.fix.commands.join('\n')).not.toContain('put-bucket-ownership-controls');
    expect(c.fix).toMatchObject({
      summary:
        'Grant arn:aws:iam::444455556666:role/PartnerReader s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet in the bucket policy of analytics-bucket, in place of the ignored ACL grant.',
      commands: [
        'aws s3api get-bucket-policy --bucket analytics-bucket --query Policy --output text > policy.json',
        'aws s3api put-bucket-policy --bucket analytics-bucket --policy file://policy.json',
      ],
      policyPatch: {
        layer: 'bucket-policy',
        bucket: 'analytics-bucket',
        addStatement: {
          Sid: 'AllowGetObjectAnalyticsBucketDaily20261119Parquet',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:role/PartnerReader' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet',
        },
      },
      verified: true,
    });
    expect(c.fix.stillDeniedBy ?? []).toEqual([]);
  });

  it('a partner known only by its account (type AWSAccount) is granted as that account, by its root ARN', () => {
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
    const event = scenarioEvent(PARTNER_READ);
    event['userIdentity'] = {
      type: 'AWSAccount',
      principalId: 'AROAUNKNOWNPARTNER01:partner',
      accountId: '444455556666',
    };
    const c = causeOf(explain(event, aclIgnored).finding, 'object-ownership-acl');
    expect(c.title).toBe(
      'ACLs are disabled on analytics-bucket (Object Ownership BucketOwnerEnforced): the ACL grant of s3:GetObject to account 444455556666 is ignored',
    );
    expect(c.fix.policyPatch?.['addStatement']).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
    });
  });
  it('a copy whose read and write were both granted only by ignored ACLs: one bucket policy statement for each, both named', () => {
    // CopyObject needs s3:GetObject on the source and s3:PutObject on the target:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
    const view = exampleViewWith((s) => {
      const bucket = s['buckets']['analytics-bucket'];
      const partner = {
        Type: 'CanonicalUser',
        ID: 'c4bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4',
      };
      bucket['ownershipControls'] = { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] };
      bucket['acl']['Grants'].push({ Grantee: partner, Permission: 'WRITE' });
      bucket['objects']['daily/2026-11-19.parquet']['acl']['Grants'].push({
        Grantee: partner,
        Permission: 'READ',
      });
    });
    const event = scenarioEvent(PARTNER_READ);
    event['eventName'] = 'CopyObject';
    event['readOnly'] = false;
    const params = event['requestParameters'] as Record<string, unknown>;
    params['x-amz-copy-source'] = 'analytics-bucket/daily/2026-11-19.parquet';
    params['key'] = 'copy/x.parquet';
    const c = causeOf(explain(event, view).finding, 'object-ownership-acl');
    expect(c.title).toBe(
      'ACLs are disabled on analytics-bucket (Object Ownership BucketOwnerEnforced): the ACL grant of s3:GetObject, s3:PutObject to arn:aws:iam::444455556666:role/PartnerReader is ignored',
    );
    expect(c.fix.summary).toBe(
      'Grant arn:aws:iam::444455556666:role/PartnerReader s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet, s3:PutObject on arn:aws:s3:::analytics-bucket/copy/x.parquet in the bucket policy of analytics-bucket, in place of the ignored ACL grant.',
    );
    const added = c.fix.policyPatch?.['addStatement'] as Record<string, unknown>[];
    expect(added.map((st) => st['Action'])).toEqual(['s3:GetObject', 's3:PutObject']);
  });

  it('an AllUsers ACL grant ignored for an anonymous caller: no bucket policy statement is proposed (it would make the bucket public)', () => {
    // A policy granting Principal "*" is public, which Block Public Access exists to prevent:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
    const view = exampleViewWith((s) => {
      const bucket = s['buckets']['analytics-bucket'];
      const off = {
        BlockPublicAcls: false,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      };
      bucket['ownershipControls'] = { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] };
      bucket['publicAccessBlock'] = off;
      s['accounts']['111122223333']['publicAccessBlock'] = off;
      bucket['objects']['daily/2026-11-19.parquet']['acl']['Grants'].push({
        Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
        Permission: 'READ',
      });
    });
    const event = scenarioEvent(PARTNER_READ);
    event['userIdentity'] = { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' };
    const c = causeOf(explain(event, view).finding, 'object-ownership-acl');
    expect(c.title).toBe(
      'ACLs are disabled on analytics-bucket (Object Ownership BucketOwnerEnforced): the ACL grant of s3:GetObject to anonymous callers is ignored',
    );
    expect(c.fix).toEqual({
      summary:
        'Grant anonymous callers s3:GetObject on arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet in the bucket policy of analytics-bucket, in place of the ignored ACL grant.',
      commands: [
        'aws s3api get-bucket-policy --bucket analytics-bucket --query Policy --output text > policy.json',
        'aws s3api put-bucket-policy --bucket analytics-bucket --policy file://policy.json',
      ],
      verified: false,
    });
  });
});

describe('object-ownership-acl: what is ranked close when the owner is unknown', () => {
  it('a bucket the snapshot does not describe at all: unknown, not ranked close', () => {
    const r = check(
      FOREIGN,
      exampleViewWith((s) => {
        delete s['buckets']['analytics-bucket'];
      }),
    );
    expect(r.status).toBe('unknown');
    expect(r).not.toHaveProperty('closeness');
  });

  it('PutObjectAcl on a BucketOwnerEnforced bucket with the ACL in the body, not recorded: unknown (the ACL in the request), not ranked close', () => {
    // With BucketOwnerEnforced only bucket-owner-full-control (or no ACL) is accepted; no other account owns objects:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
    const event = scenarioEvent('ACL sent to a BucketOwnerEnforced bucket');
    event['eventName'] = 'PutObjectAcl';
    event['errorCode'] = 'AccessDenied';
    event['errorMessage'] = 'Access Denied';
    const params = event['requestParameters'] as Record<string, unknown>;
    delete params['x-amz-acl'];
    params['acl'] = '';
    const request = requestOf(event);
    const facts = exampleViewWith(() => undefined).gatherSync(request);
    expect(checker.check({ request, facts, evaluations: evaluateNeeds(request, facts) })).toEqual({
      status: 'unknown',
      missing: ['the ACL in the request'],
    });
  });
});
