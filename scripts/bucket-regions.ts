/**
 * npm run regions [-- --buckets a,b] [-- --dry-run]
 * Lists the Regions of the account's buckets (or of the named buckets, else of cdk.json's "buckets") with the
 * shell's credentials and writes them to cdk.context.json as "regions"; `cdk synth` then covers those Regions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { bucketRegions, withRegions } from '../lib/tools/bucket-regions';

const ROOT = path.join(__dirname, '..');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function configuredBuckets(): string[] | undefined {
  const fromArgs = option('--buckets');
  const fromCdkJson = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
      context?: { buckets?: string | string[] };
    }
  ).context?.buckets;
  const value = fromArgs ?? fromCdkJson;
  const list = Array.isArray(value) ? value : (value ?? '').split(',');
  const names = list.map((b) => b.trim()).filter((b) => b.length > 0);
  return names.length > 0 ? names : undefined;
}

async function main(): Promise<void> {
  const regions = await bucketRegions(new S3Client({}), configuredBuckets());
  if (regions.length === 0) throw new Error('no bucket found: nothing to cover');
  console.log(`s3-403: buckets in ${regions.join(', ')}`);
  if (process.argv.includes('--dry-run')) return;
  const file = path.join(ROOT, 'cdk.context.json');
  fs.writeFileSync(
    file,
    withRegions(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined, regions),
  );
  console.log('s3-403: wrote "regions" to cdk.context.json; deploy with: npx cdk deploy --all');
}

main().catch((error: unknown) => {
  console.error(`s3-403: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
