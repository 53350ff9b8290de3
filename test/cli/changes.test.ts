/**
 * What changed (issue 9), through the command line on a snapshot that carries `recentChanges` (the CloudTrail
 * LookupEvents shape): the change that started a denial is named with its diff; a change that predates the window
 * or touched another resource is not blamed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../lambdas/cli';
import type { Finding } from '../../lambdas/core/model';
import { memoryIo } from './memory-io';

const ROOT = join(__dirname, '../..');
const EVENT = join(ROOT, 'examples/events/bucket-policy-explicit-deny.json');
const snapshot = JSON.parse(readFileSync(join(ROOT, 'examples/snapshot.json'), 'utf8')) as Record<
  string,
  unknown
> & {
  recentChanges: Record<string, unknown>[];
};

async function explain(snap: unknown, format = 'json'): Promise<{ code: number; out: string }> {
  const io = memoryIo({ files: { '/snap.json': JSON.stringify(snap) } });
  const code = await run(['explain', '--event', EVENT, '--snapshot', '/snap.json', '--format', format], io);
  return { code, out: io.stdoutText() };
}

const shifted = (days: number) =>
  snapshot.recentChanges.map((c) => {
    const t = new Date(Date.parse(String(c['EventTime'])) - days * 86_400_000).toISOString();
    return {
      ...c,
      EventTime: t,
      CloudTrailEvent: String(c['CloudTrailEvent']).replace(/"eventTime": ?"[^"]+"/, `"eventTime": "${t}"`),
    };
  });

describe('s3-403 explain: what changed', () => {
  it('names the PutBucketPolicy that added the denying statement, who ran it and when, with the diff', async () => {
    const r = await explain(snapshot);
    expect(r.code).toBe(0);
    const [f] = JSON.parse(r.out) as Finding[];
    expect(f?.rootCauses[0]?.id).toBe('bucket-policy-explicit-deny');
    expect(f?.rootCauses[0]?.change).toMatchObject({
      eventName: 'PutBucketPolicy',
      eventTime: '2026-11-20T08:12:31Z',
      principal: 'arn:aws:iam::111122223333:user/bob',
    });
    // Exactly the statement the change added (the earlier PutBucketPolicy is the "before").
    const diff = f?.rootCauses[0]?.change?.diff?.split('\n') ?? [];
    expect(diff).toHaveLength(1);
    expect(diff[0]).toMatch(/^\+ \{"Sid":"DenyNonOfficeIPs"/);
  });

  it('says it in the text output', async () => {
    const r = await explain(snapshot, 'text');
    expect(r.out).toContain(
      'What changed: started after arn:aws:iam::111122223333:user/bob ran PutBucketPolicy on reports-bucket at 2026-11-20T08:12:31Z',
    );
  });

  it('does not blame a change that predates the 7-day window, and says nothing was found', async () => {
    const r = await explain({ ...snapshot, recentChanges: shifted(30) });
    const [f] = JSON.parse(r.out) as Finding[];
    expect(f?.rootCauses[0]?.change).toBeNull();
    expect(f?.changeLookup).toEqual({ status: 'checked', windowDays: 7 });
  });

  it('does not blame a change to another bucket', async () => {
    const other = snapshot.recentChanges.map((c) => ({
      ...c,
      Resources: [{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'data-bucket' }],
      CloudTrailEvent: String(c['CloudTrailEvent']).replaceAll('reports-bucket', 'data-bucket'),
    }));
    const [f] = JSON.parse((await explain({ ...snapshot, recentChanges: other })).out) as Finding[];
    expect(f?.rootCauses[0]?.change).toBeNull();
  });

  it('says the history was not checked when the snapshot does not carry it', async () => {
    const { recentChanges: _omit, ...without } = snapshot;
    const [f] = JSON.parse((await explain(without)).out) as Finding[];
    expect(f?.changeLookup?.status).toBe('unknown');
    expect(f?.rootCauses[0]?.change).toBeNull();
  });
});
