/**
 * `explain --trail-bucket NAME [--prefix P]`: the trail's log objects for the time window, listed and
 * streamed straight from S3 (ListObjectsV2 + GetObject), so "explain the last hour" needs no download.
 *
 * CloudTrail writes `[P/]AWSLogs/[o-ORG/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/
 * <account>_CloudTrail_<region>_<yyyymmdd>T<hhmm>Z_<id>.json.gz`, the date and time being those of delivery
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html).
 * Only the date folders of the window are listed; a file is read when it was delivered between the start of
 * the window and an hour after its end (CloudTrail delivers within about 5 minutes on average, not
 * guaranteed: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html).
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { UsageError } from './errors';
import type { InputSource } from './inputs';

export interface TrailWindow {
  readonly bucket: string;
  readonly prefix: string;
  readonly since: Date;
  readonly until: Date;
}

/** Files delivered up to this long after --until are still read. */
export const DELIVERY_MARGIN_MS = 3600_000;
const DAY_MS = 86_400_000;

const problem = (err: unknown): string => {
  const e = err as { name?: string; message?: string };
  return [e.name, e.message].filter((s) => s && s !== 'Error').join(': ') || String(err);
};

async function list(
  s3: S3Client,
  bucket: string,
  prefix: string,
  delimiter: boolean,
): Promise<{ keys: string[]; prefixes: string[] }> {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(delimiter ? { Delimiter: '/' } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
    } catch (err) {
      throw new UsageError(`s3://${bucket}/${prefix}: cannot list: ${problem(err)}`);
    }
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(p.Prefix);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { keys, prefixes };
}

const pad = (n: number): string => String(n).padStart(2, '0');
const dayFolder = (t: number): string => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/`;
};

/** The delivery time in a CloudTrail log file name (`…_20261120T1005Z_…`), or null. */
export function deliveryTime(key: string): number | null {
  const m = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^/]*$/.exec(key);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
}

function open(s3: S3Client, bucket: string, key: string): InputSource {
  const name = `s3://${bucket}/${key}`;
  return {
    name,
    async *open() {
      let body: AsyncIterable<Uint8Array> | undefined;
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        body = out.Body as AsyncIterable<Uint8Array> | undefined;
      } catch (err) {
        throw new UsageError(`${name}: cannot read: ${problem(err)}`);
      }
      if (!body) throw new UsageError(`${name}: cannot read: empty response body`);
      try {
        yield* body;
      } catch (err) {
        throw new UsageError(`${name}: cannot read: ${problem(err)}`);
      }
    },
  };
}

/** The log objects of the window, in key order (which is delivery order within a day folder). */
export async function trailInputs(s3: S3Client, w: TrailWindow): Promise<InputSource[]> {
  const base = w.prefix === '' || w.prefix.endsWith('/') ? w.prefix : `${w.prefix}/`;
  const root = `${base}AWSLogs/`;
  const top = await list(s3, w.bucket, root, true);
  const accounts: string[] = [];
  for (const p of top.prefixes) {
    if (/\/o-[a-z0-9]+\/$/.test(p)) accounts.push(...(await list(s3, w.bucket, p, true)).prefixes);
    else accounts.push(p);
  }
  if (accounts.length === 0)
    throw new UsageError(
      `s3://${w.bucket}/${root}: no CloudTrail logs here (check --trail-bucket and --prefix)`,
    );
  const from = w.since.getTime();
  const to = w.until.getTime() + DELIVERY_MARGIN_MS;
  const days: string[] = [];
  for (
    let t = Date.UTC(w.since.getUTCFullYear(), w.since.getUTCMonth(), w.since.getUTCDate());
    t <= to;
    t += DAY_MS
  )
    days.push(dayFolder(t));
  const sources: InputSource[] = [];
  for (const account of accounts) {
    const regions = (await list(s3, w.bucket, `${account}CloudTrail/`, true)).prefixes;
    for (const region of regions) {
      for (const day of days) {
        const { keys } = await list(s3, w.bucket, `${region}${day}`, false);
        for (const key of keys.sort()) {
          if (!/\.json(?:\.gz)?$/i.test(key)) continue;
          const delivered = deliveryTime(key);
          if (delivered !== null && (delivered < from - 300_000 || delivered > to)) continue;
          sources.push(open(s3, w.bucket, key));
        }
      }
    }
  }
  return sources;
}
