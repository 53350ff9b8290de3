/**
 * Properties of the snapshot view (fast-check): reading never fails with anything but a one-line SnapshotError,
 * and any field may be absent: a snapshot with arbitrary parts removed still gives facts, never a crash.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotError, SnapshotView } from '../../../lambdas/adapters/snapshot';
import type { Snapshot } from '../../../lambdas/adapters/snapshot';
import { APP_SESSION, objectNeed, request } from './request-builder';

const FIXTURE_TEXT = readFileSync(join(__dirname, '../../fixtures/snapshot/small.json'), 'utf8');
const FIXTURE = JSON.parse(FIXTURE_TEXT) as unknown;

function loadOrError(text: string): Snapshot | SnapshotError {
  try {
    return loadSnapshot(text, 'p.json');
  } catch (err) {
    if (err instanceof SnapshotError) return err;
    throw err;
  }
}

/** Removes the object keys / array elements whose position the mask says to drop (depth-first order). */
function prune(value: unknown, mask: readonly boolean[], counter = { i: 0 }): unknown {
  if (Array.isArray(value))
    return value.filter(() => !mask[counter.i++ % mask.length]).map((v) => prune(v, mask, counter));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      if (!mask[counter.i++ % mask.length]) out[k] = prune(v, mask, counter);
    return out;
  }
  return value;
}

const REQUESTS = [
  request(APP_SESSION),
  request(
    { ...APP_SESSION, arn: 'arn:aws:sts::111122223333:assumed-role/App/restricted' },
    { vpcEndpointId: 'vpce-0abc123' },
  ),
  request({
    type: 'IAMUser',
    identityArn: 'arn:aws:iam::111122223333:user/alice',
    accountId: '111122223333',
  }),
  request(
    { type: 'AWSAccount', accountId: '222222222222', principalId: 'AROAPARTNEREXAMPLE001:s' },
    { crossAccount: true },
  ),
  request({ type: 'Anonymous' }, { accessPointArn: 'arn:aws:s3:us-east-1:111122223333:accesspoint/reports' }),
  request(APP_SESSION, {
    needs: [objectNeed('s3:GetObject', 'sparse-bucket', 'a'), objectNeed('s3:PutObject', 'my-bucket', 'b')],
    key: 'b',
  }),
];

describe('snapshot reading properties', () => {
  it('any JSON text either loads or fails with a one-line SnapshotError naming the file', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = loadOrError(JSON.stringify(v) ?? 'null');
        if (r instanceof SnapshotError) {
          expect(r.message.startsWith('p.json: ')).toBe(true);
          expect(r.message).not.toContain('\n');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('any text either loads or fails with a SnapshotError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = loadOrError(s);
        if (r instanceof SnapshotError) expect(r.message).not.toContain('\n');
      }),
      { numRuns: 300 },
    );
  });

  it('a snapshot with arbitrary parts removed still answers every request without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }), (mask) => {
        const r = loadOrError(JSON.stringify(prune(FIXTURE, mask)));
        if (r instanceof SnapshotError) return; // e.g. a role left without its Arn: reported, not crashed
        const view = new SnapshotView(r);
        for (const req of REQUESTS) {
          const facts = view.gatherSync(req);
          expect(facts.buckets).toBeDefined();
          if (facts.principal !== null) expect(['known', 'unknown']).toContain(facts.principal.status);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('an empty snapshot makes every layer unknown, where the full one knows it (absent = not known)', () => {
    const full = new SnapshotView(loadSnapshot(FIXTURE_TEXT, 'full.json')).gatherSync(REQUESTS[0]!);
    const empty = new SnapshotView(loadSnapshot('{}', 'empty.json')).gatherSync(REQUESTS[0]!);
    const keys = [
      'principal',
      'scpLevels',
      'rcpLevels',
      'recentChanges',
      'principalOrganization',
      'resourceOrganization',
    ] as const;
    const status = (facts: typeof full, key: (typeof keys)[number]) =>
      (facts[key] as { status: string } | null)?.status;
    for (const key of keys) {
      expect({ key, full: status(full, key), empty: status(empty, key) }).toEqual({
        key,
        full: 'known',
        empty: 'unknown',
      });
    }
  });
});
