/**
 * Robustness: with any part of the snapshot missing (accounts, organization, buckets, endpoints, keys, sessions,
 * single bucket fields), every scenario event is still analysed without error, with one check per checker, and
 * a cause is confirmed only when the remaining facts show it.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { analyze } from '../../lambdas/core/analyze';
import { readDenials } from '../../lambdas/core/event';
import { ROOT_CAUSE_IDS } from '../../lambdas/core/model';
import { scenarioFiles } from '../scenarios/load';
import { ROOT } from './checkers/helpers';

type Json = Record<string, unknown>;
const full = JSON.parse(readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8')) as Json;
const requests = scenarioFiles()
  .flatMap((f) => f.cases)
  .map((c) => readDenials(JSON.stringify(c.event), c.name)[0]!);

const TOP = [
  'accounts',
  'organization',
  'buckets',
  'accessPoints',
  'vpcEndpoints',
  'kmsKeys',
  'sessions',
] as const;
const BUCKET_FIELDS = [
  'policy',
  'publicAccessBlock',
  'ownershipControls',
  'encryption',
  'acl',
  'objects',
  'accountId',
] as const;

function without(top: readonly string[], bucketFields: readonly string[]): Json {
  const s = JSON.parse(JSON.stringify(full)) as Json;
  for (const k of top) delete s[k];
  const buckets = s['buckets'] as Record<string, Json> | undefined;
  for (const b of Object.values(buckets ?? {})) for (const f of bucketFields) delete b[f];
  return s;
}

describe('analyze on partial snapshots', () => {
  it('never fails and always reports every check', () => {
    fc.assert(
      fc.property(
        fc.subarray([...TOP]),
        fc.subarray([...BUCKET_FIELDS]),
        fc.nat(requests.length - 1),
        (top, fields, start) => {
          const view = new SnapshotView(loadSnapshot(JSON.stringify(without(top, fields)), 'partial'));
          for (const request of [...requests.slice(start), ...requests.slice(0, start)].slice(0, 12)) {
            const finding = analyze(request, view.gatherSync(request));
            expect(finding.error).toBeUndefined();
            expect(finding.checks).toHaveLength(ROOT_CAUSE_IDS.length);
            if (finding.verdict === 'explained') expect(finding.rootCauses[0]?.confidence).toBe('confirmed');
          }
        },
      ),
      { numRuns: 40, seed: 4242 },
    );
  });

  it('confirms no policy cause when the snapshot carries no policies at all', () => {
    const view = new SnapshotView(loadSnapshot(JSON.stringify(without(TOP, [])), 'bare'));
    for (const request of requests) {
      const finding = analyze(request, view.gatherSync(request));
      const confirmed = finding.rootCauses.filter((c) => c.confidence === 'confirmed').map((c) => c.id);
      // only causes read from the record itself may be confirmed without facts (a decisive error code, an expired URL)
      const code = request.evidence!.errorCode;
      const fromRecord = new Set<string>([
        'request-expired-or-invalid',
        ...(code.decisive ? code.pointsAt : []),
      ]);
      expect(confirmed.filter((id) => !fromRecord.has(id))).toEqual([]);
    }
  });
});
