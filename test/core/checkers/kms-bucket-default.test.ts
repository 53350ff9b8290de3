/**
 * Least privilege (the live view does not read object metadata by default): when the object's own encryption was
 * not read, the analysis uses the bucket's default KMS key, and a KMS cause is 'likely' instead of missed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../../lambdas/adapters/snapshot';
import { analyze } from '../../../lambdas/core/analyze';
import { readDenials } from '../../../lambdas/core/event';
import { known, type BucketFacts, type RequestFacts } from '../../../lambdas/core/model';

const root = join(__dirname, '../../..');
const view = new SnapshotView(
  loadSnapshot(readFileSync(join(root, 'examples/snapshot.json'), 'utf8'), 'snapshot.json'),
);
const [request] = readDenials(
  readFileSync(join(root, 'examples/events/kms-key-access.json')),
  'kms-key-access.json',
);

function withObject(facts: RequestFacts, object: Record<string, unknown>): RequestFacts {
  const b = facts.buckets['secure-bucket'];
  if (b?.status !== 'known') throw new Error('example bucket missing');
  const bucket: BucketFacts = { ...b.value, objects: { 'finance/ledger.csv': known(object as never) } };
  return { ...facts, buckets: { ...facts.buckets, 'secure-bucket': known(bucket) } };
}

describe('KMS causes when the object metadata was not read', () => {
  const facts = view.gatherSync(request!);

  it('falls back to the bucket default key: kms-key-access is likely', () => {
    const f = analyze(request!, withObject(facts, { exists: true, sseNotCollected: true }));
    const kms = f.rootCauses.find((c) => c.id === 'kms-key-access');
    expect(kms?.confidence).toBe('likely');
  });

  it('knows there is no KMS read when the object metadata says the object is not KMS-encrypted', () => {
    const f = analyze(request!, withObject(facts, { exists: true, sseAlgorithm: 'AES256' }));
    expect(f.rootCauses.some((c) => c.id === 'kms-key-access')).toBe(false);
  });
});
