/**
 * `npm run regions`: the Regions of the account's buckets, for `-c regions`, written to cdk.context.json.
 * ListBuckets: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html (BucketRegion, pagination);
 * GetBucketLocation: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html (null is
 * us-east-1, EU is eu-west-1).
 */
import { GetBucketLocationCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { readSettings } from '../../lib/config';
import { bucketRegions, withRegions } from '../../lib/tools/bucket-regions';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

describe('bucketRegions', () => {
  it('collects the distinct Regions of every page of ListBuckets, sorted', async () => {
    s3.on(ListBucketsCommand, { MaxBuckets: 1000 })
      .resolves({
        Buckets: [
          { Name: 'a', BucketRegion: 'us-east-1' },
          { Name: 'b', BucketRegion: 'eu-west-1' },
        ],
        ContinuationToken: 'next',
      })
      .on(ListBucketsCommand, { MaxBuckets: 1000, ContinuationToken: 'next' })
      .resolves({
        Buckets: [
          { Name: 'c', BucketRegion: 'ap-southeast-2' },
          { Name: 'd', BucketRegion: 'eu-west-1' },
        ],
      });
    await expect(bucketRegions(new S3Client({}))).resolves.toEqual([
      'ap-southeast-2',
      'eu-west-1',
      'us-east-1',
    ]);
  });

  it('only the named buckets count, and a named bucket that is not there is an error', async () => {
    s3.on(ListBucketsCommand).resolves({
      Buckets: [
        { Name: 'a', BucketRegion: 'us-east-1' },
        { Name: 'b', BucketRegion: 'eu-west-1' },
      ],
    });
    await expect(bucketRegions(new S3Client({}), ['b'])).resolves.toEqual(['eu-west-1']);
    await expect(bucketRegions(new S3Client({}), ['b', 'zz'])).rejects.toThrow(
      'buckets not found in this account: zz',
    );
  });

  it('locates a bucket listed without a Region: null is us-east-1, EU is eu-west-1', async () => {
    s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'old' }, { Name: 'older' }] });
    s3.on(GetBucketLocationCommand, { Bucket: 'old' }).resolves({});
    s3.on(GetBucketLocationCommand, { Bucket: 'older' }).resolves({ LocationConstraint: 'EU' });
    await expect(bucketRegions(new S3Client({}))).resolves.toEqual(['eu-west-1', 'us-east-1']);
  });
});

describe('withRegions (cdk.context.json)', () => {
  it('sets "regions" and keeps the other keys; the app reads the list', () => {
    const text = withRegions('{"availability-zones:account=1:region=x": ["x-1a"]}', [
      'eu-west-1',
      'us-east-1',
    ]);
    const context = JSON.parse(text) as Record<string, unknown>;
    expect(context).toEqual({
      'availability-zones:account=1:region=x': ['x-1a'],
      regions: ['eu-west-1', 'us-east-1'],
    });
    expect(readSettings((k) => context[k], 'us-east-1').regions.forwarded).toEqual(['eu-west-1']);
    expect(JSON.parse(withRegions(undefined, ['us-east-1']))).toEqual({ regions: ['us-east-1'] });
  });
});
