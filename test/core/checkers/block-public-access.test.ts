/** block-public-access as the user reads it: which setting stopped the request, and a fix that keeps it on. */
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
