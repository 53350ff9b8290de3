/**
 * Test helper: CloudTrail log files made on the fly from the fixture records, laid out as CloudTrail writes
 * them (AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<time>_<id>.json.gz).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fixture } from './memory-io';

type Rec = Record<string, unknown>;

export const IP_DENIED: Rec = JSON.parse(readFileSync(fixture('getobject-ip-denied.json'), 'utf8')) as Rec;
const TRAIL = (JSON.parse(readFileSync(fixture('trail-log.json'), 'utf8')) as { Records: Rec[] }).Records;
export const ALLOWED: Rec = TRAIL[1]!;
export const DELETE_DENIED: Rec = TRAIL[2]!;

const at = (base: string, seconds: number): string =>
  new Date(Date.parse(base) + seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');

/** One occurrence of a record: its own event id, request id and time (seconds after 2026-11-20T10:00:00Z). */
export function occurrence(record: Rec, n: number, seconds = n, extra: Rec = {}): Rec {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    ...record,
    eventID: id,
    requestID: `REQ${n}`,
    eventTime: at('2026-11-20T10:00:00Z', seconds),
    ...extra,
  };
}

export const logFile = (records: readonly Rec[]): string => JSON.stringify({ Records: records });

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 's3-403-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes gzipped log files in CloudTrail's layout under `root`; returns their paths. */
export function writeTrail(
  root: string,
  files: { day: string; time: string; records: readonly Rec[] }[],
): string[] {
  return files.map((f, i) => {
    const [y, m, d] = f.day.split('-');
    const dir = join(root, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', y!, m!, d!);
    mkdirSync(dir, { recursive: true });
    const path = join(
      dir,
      `111122223333_CloudTrail_us-east-1_${f.day.replace(/-/g, '')}T${f.time}Z_f${i}.json.gz`,
    );
    writeFileSync(path, gzipSync(logFile(f.records)));
    return path;
  });
}
