/**
 * The Regions that hold the account's buckets, for `-c regions` (docs/DEPLOY.md#regions). Run at deploy time with
 * the shell's credentials (`npm run regions`), never by `cdk synth`: the result is written to cdk.context.json,
 * which the CDK reads as context.
 *
 * ListBuckets returns each bucket's Region (`BucketRegion`) and pages with ContinuationToken
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html); a bucket listed without a Region is
 * located with GetBucketLocation (null = us-east-1, "EU" = eu-west-1:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
 */
import { GetBucketLocationCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';

/** Distinct Regions of the account's buckets (only of `buckets` when given), sorted. */
export async function bucketRegions(client: S3Client, buckets?: readonly string[]): Promise<string[]> {
  const wanted = buckets && buckets.length > 0 ? new Set(buckets) : undefined;
  const regions = new Set<string>();
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListBucketsCommand({ MaxBuckets: 1000, ...(token ? { ContinuationToken: token } : {}) }),
    );
    for (const bucket of page.Buckets ?? []) {
      const name = bucket.Name;
      if (!name || (wanted && !wanted.has(name))) continue;
      seen.add(name);
      regions.add(bucket.BucketRegion ?? (await locate(client, name)));
    }
    token = page.ContinuationToken;
  } while (token);
  const missing = [...(wanted ?? [])].filter((b) => !seen.has(b));
  if (missing.length > 0) throw new Error(`buckets not found in this account: ${missing.join(', ')}`);
  return [...regions].sort();
}

async function locate(client: S3Client, bucket: string): Promise<string> {
  const out = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
  const constraint = out.LocationConstraint as string | undefined;
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

/** cdk.context.json with `regions` set (other keys kept). */
export function withRegions(contextJson: string | undefined, regions: readonly string[]): string {
  const context = contextJson ? (JSON.parse(contextJson) as Record<string, unknown>) : {};
  return `${JSON.stringify({ ...context, regions: [...regions] }, null, 2)}\n`;
}
