/**
 * The recorded traffic and the run of a preflight test whose change is a bucket setting (--bucket-abac,
 * --blocked-encryption): a CloudTrail record marked allowed or denied, and `preflight --format json` over a snapshot and
 * that traffic in memory.
 */
import { run } from '../../lambdas/cli';
import { memoryIo } from './memory-io';

/** The record as CloudTrail writes it for an allowed request (no error), or as given (denied); its own event id. */
export function recorded(r: Record<string, unknown>, allowed: boolean, i: number): Record<string, unknown> {
  r['eventID'] = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  if (allowed) {
    delete r['errorCode'];
    delete r['errorMessage'];
  }
  return r;
}

/** `s3-403 preflight --snapshot snap.json --events traffic.json … --format json`, with both files in memory. */
export function preflightOver(snapshot: string, records: readonly Record<string, unknown>[]) {
  const traffic = JSON.stringify({ Records: records });
  return async (extra: string[]) => {
    const io = memoryIo({ files: { 'snap.json': snapshot, 'traffic.json': traffic } });
    const code = await run(
      ['preflight', '--snapshot', 'snap.json', '--events', 'traffic.json', ...extra, '--format', 'json'],
      io,
    );
    return { code, io };
  };
}
