/** block-public-access as the user reads it: which setting stopped the request, and a fix that keeps it on. */
import { A, B, recordFor, viewOf, type WorldSpec } from '../world';
import { causeOf, exampleViewWith, explain, scenarioEvent } from './helpers';

const cause = (n: string, view?: Parameters<typeof explain>[1]) =>
  causeOf(explain(scenarioEvent(n), view).finding, 'block-public-access');

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
describe('block-public-access: the settings override public grants in bucket policies and ACLs', () => {
  it('RestrictPublicBuckets: an anonymous reader is told to use a presigned URL or CloudFront, never to turn it off', () => {
    const c = cause('anonymous read of a public-policy bucket with RestrictPublicBuckets');
    const note =
      "RestrictPublicBuckets (account, bucket): the bucket policy is public, so only AWS service principals and the bucket owner's account may use its grants";
    expect(c.title).toBe(`Block Public Access stops s3:GetObject on public-site-bucket: ${note}`);
    expect(c.explanation).toBe(
      `${note}. Block Public Access overrides public grants in bucket policies and ACLs (bucket account 111122223333); it is working as intended, so the fix is to stop relying on public access rather than to turn it off.`,
    );
    expect(c.evidence).toEqual([
      {
        layer: 'block-public-access',
        detail: `${note} (s3:GetObject on arn:aws:s3:::public-site-bucket/index.html)`,
      },
    ]);
    expect(c.fix).toEqual({
      summary:
        'Do not disable Block Public Access: give anonymous readers a presigned URL, serve the bucket through CloudFront with Origin Access Control, or grant other accounts by ARN in a policy that is not public.',
      commands: [
        'aws s3 presign s3://public-site-bucket/index.html --expires-in 3600',
        'aws cloudfront create-origin-access-control --origin-access-control-config Name=public-site-bucket-oac,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3',
      ],
      verified: false,
    });
  });

  it('BlockPublicAcls: an upload with a public ACL is told to send no public ACL and grant named principals instead', () => {
    const c = cause('uploading with a public-read ACL is rejected by BlockPublicAcls');
    expect(c.title).toBe(
      'Block Public Access stops s3:PutObject on public-site-bucket: BlockPublicAcls (account, bucket) rejects s3:PutObject with a public ACL',
    );
    expect(c.fix).toEqual({
      summary:
        'Send the request without a public ACL (no x-amz-acl public-read / public-read-write, no AllUsers or AuthenticatedUsers grants); grant access through the bucket policy to named principals instead.',
      commands: [],
      verified: false,
    });
  });

  it("unread settings: AWS's BlockPublicAcls message alone makes it likely, quoting the record and naming what was not read", () => {
    const noBpa = exampleViewWith((s) => {
      for (const b of Object.values(s['buckets']) as Record<string, unknown>[]) delete b['publicAccessBlock'];
      for (const a of Object.values(s['accounts']) as Record<string, unknown>[])
        delete a['publicAccessBlock'];
    });
    const c = cause('uploading with a public-read ACL is rejected by BlockPublicAcls', noBpa);
    const record =
      'User: arn:aws:iam::111122223333:user/uploader is not authorized to perform: s3:PutObject because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.';
    expect(c).toMatchObject({
      confidence: 'likely',
      title: 'AWS reports that Block Public Access stopped the request (BlockPublicAcls)',
      explanation: `The record says "${record}"; the Block Public Access settings could not all be read (account Block Public Access settings (notCollected: the snapshot does not carry accounts.111122223333.publicAccessBlock); bucket Block Public Access settings (notCollected: the snapshot does not carry buckets.public-site-bucket.publicAccessBlock)).`,
      evidence: [{ layer: 'block-public-access', detail: record }],
      fix: {
        summary:
          'Do not send public ACLs or public policies; share objects with presigned URLs or CloudFront with Origin Access Control.',
        commands: [],
        verified: false,
      },
    });
  });
});

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
describe('block-public-access: a request that sets a public bucket policy (BlockPublicPolicy)', () => {
  const spec: WorldSpec = {
    roles: [
      {
        account: A,
        name: 'AppRole',
        statements: [{ Effect: 'Allow', Action: 's3:PutBucketPolicy', Resource: 'arn:aws:s3:::site-bucket' }],
      },
    ],
    buckets: {
      'site-bucket': {
        account: A,
        pab: {
          BlockPublicAcls: false,
          IgnorePublicAcls: false,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: false,
        },
      },
    },
  };
  const publicPolicy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site-bucket/*' },
    ],
  };

  it('is told to make the new policy non-public (named principals or conditions), not to drop an ACL', () => {
    const record = recordFor({
      account: A,
      role: 'AppRole',
      bucket: 'site-bucket',
      key: null,
      eventName: 'PutBucketPolicy',
      params: { bucketPolicy: publicPolicy },
    });
    const c = causeOf(explain(record, viewOf(spec)).finding, 'block-public-access');
    expect(c.title).toBe(
      'Block Public Access stops s3:PutBucketPolicy on site-bucket: BlockPublicPolicy (bucket) rejects s3:PutBucketPolicy with a public policy',
    );
    expect(c.fix).toEqual({
      summary:
        'Make the new bucket policy non-public: name specific principals or accounts, or condition on aws:SourceVpce / aws:PrincipalOrgID, instead of Principal "*".',
      commands: [],
      verified: false,
    });
  });
});

describe('block-public-access: RestrictPublicBuckets for another account, when the caller writes or copies', () => {
  const restrict = {
    BlockPublicAcls: false,
    IgnorePublicAcls: false,
    BlockPublicPolicy: false,
    RestrictPublicBuckets: true,
  };
  const spec: WorldSpec = {
    roles: [
      {
        account: B,
        name: 'Partner',
        statements: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }],
      },
    ],
    buckets: {
      'public-src': {
        account: A,
        pab: restrict,
        policy: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-src/*' },
        ],
        objects: { 'a.csv': {} },
      },
      'public-up': {
        account: A,
        pab: restrict,
        policy: [
          { Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::public-up/*' },
        ],
        objects: { 'a.csv': { exists: false } },
      },
      'partner-dst': { account: B, objects: { 'a.csv': { exists: false } } },
    },
  };

  it('an upload through a public policy is not told to drop a public ACL it did not send, nor given a download URL', () => {
    // `aws s3 presign` makes a URL to "retrieve the S3 object with an HTTP GET request":
    // https://docs.aws.amazon.com/cli/latest/reference/s3/presign.html
    const record = recordFor({
      account: B,
      role: 'Partner',
      bucket: 'public-up',
      bucketAccount: A,
      key: 'a.csv',
      eventName: 'PutObject',
    });
    const c = causeOf(explain(record, viewOf(spec)).finding, 'block-public-access');
    expect(c.fix.summary).toBe(
      'Do not disable Block Public Access: give anonymous readers a presigned URL, serve the bucket through CloudFront with Origin Access Control, or grant other accounts by ARN in a policy that is not public.',
    );
    expect(c.fix.commands).toEqual([
      'aws cloudfront create-origin-access-control --origin-access-control-config Name=public-up-oac,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3',
    ]);
  });

  it('a CopyObject whose source bucket refuses the read names the source bucket, and presigns the source object', () => {
    const record = recordFor({
      account: B,
      role: 'Partner',
      bucket: 'partner-dst',
      bucketAccount: B,
      key: 'a.csv',
      eventName: 'CopyObject',
      params: { 'x-amz-copy-source': 'public-src/a.csv' },
    });
    const c = causeOf(explain(record, viewOf(spec)).finding, 'block-public-access');
    expect(c.title).toBe(
      "Block Public Access stops s3:GetObject on public-src: RestrictPublicBuckets (bucket): the bucket policy is public, so only AWS service principals and the bucket owner's account may use its grants",
    );
    expect(c.fix.commands[0]).toBe('aws s3 presign s3://public-src/a.csv --expires-in 3600');
  });
});

describe('block-public-access when its settings say it does not stop the request', () => {
  const allOff = {
    BlockPublicAcls: false,
    IgnorePublicAcls: false,
    BlockPublicPolicy: false,
    RestrictPublicBuckets: false,
  };

  it("AWS's BlockPublicAcls message still names it, and says the settings read have probably changed since (not that they were not read)", () => {
    const off = exampleViewWith((s) => {
      for (const b of Object.values(s['buckets']) as Record<string, unknown>[])
        b['publicAccessBlock'] = allOff;
      for (const a of Object.values(s['accounts']) as Record<string, unknown>[])
        a['publicAccessBlock'] = allOff;
    });
    const c = cause('uploading with a public-read ACL is rejected by BlockPublicAcls', off);
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toBe(
      'The record says "User: arn:aws:iam::111122223333:user/uploader is not authorized to perform: s3:PutObject because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access."; the Block Public Access settings that were read do not stop it: they have probably changed since they were read.',
    );
  });

  it('unread settings without a message from AWS leave the check unknown, naming the settings not read', () => {
    const noBpa = exampleViewWith((s) => {
      for (const b of Object.values(s['buckets']) as Record<string, unknown>[]) delete b['publicAccessBlock'];
      for (const a of Object.values(s['accounts']) as Record<string, unknown>[])
        delete a['publicAccessBlock'];
    });
    const { finding } = explain(
      scenarioEvent('anonymous read of a public-policy bucket with RestrictPublicBuckets'),
      noBpa,
    );
    expect(finding.checks.find((k) => k.layer === 'block-public-access')).toEqual({
      layer: 'block-public-access',
      status: 'unknown',
      missing: [
        'account Block Public Access settings (notCollected: the snapshot does not carry accounts.111122223333.publicAccessBlock)',
        'bucket Block Public Access settings (notCollected: the snapshot does not carry buckets.public-site-bucket.publicAccessBlock)',
      ],
    });
  });
});
