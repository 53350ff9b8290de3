import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainRequest, memoizeSimulator, type SimulatorCheck } from '../../lambdas/adapters/explain';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { readDenials } from '../../lambdas/core/event';
import type { AccessRequest } from '../../lambdas/core/model';

const root = join(__dirname, '../..');
const view = new SnapshotView(
  loadSnapshot(readFileSync(join(root, 'examples/snapshot.json'), 'utf8'), 'snapshot.json'),
);
const event = (name: string): AccessRequest => {
  const [r] = readDenials(readFileSync(join(root, 'examples/events', name)), name);
  if (!r) throw new Error(`no denial in ${name}`);
  return r;
};

describe('explainRequest: one analysis for the CLI and the Lambda', () => {
  it('asks the simulator for a same-account denial and records its verdict', async () => {
    const request = event('identity-policy-no-allow.json');
    const simulator = jest
      .fn<ReturnType<SimulatorCheck>, Parameters<SimulatorCheck>>()
      .mockResolvedValue({ decision: 'implicitDeny', matchedStatements: [] });
    const f = await explainRequest(request, view, { simulator });
    expect(simulator).toHaveBeenCalledWith(request);
    expect(f.rootCauses[0]?.id).toBe('identity-policy-no-allow');
    expect(f.awsSimulator).toMatchObject({ decision: 'implicitDeny', ours: 'implicitDeny', agrees: true });
  });

  it('does not ask the simulator about a cross-account denial (it cannot model the bucket side)', async () => {
    const simulator = jest
      .fn<ReturnType<SimulatorCheck>, Parameters<SimulatorCheck>>()
      .mockResolvedValue(null);
    const f = await explainRequest(event('cross-account-no-bucket-grant.json'), view, { simulator });
    expect(simulator).not.toHaveBeenCalled();
    expect(f.awsSimulator).toBeUndefined();
  });

  it('asks CloudTrail for the KMS denial only when a KMS cause is not already confirmed', async () => {
    const kmsDenial = jest.fn().mockResolvedValue(null);
    const f = await explainRequest(event('kms-key-access.json'), view, { kmsDenials: { kmsDenial } });
    expect(f.rootCauses[0]).toMatchObject({ id: 'kms-key-access', confidence: 'confirmed' });
    expect(kmsDenial).not.toHaveBeenCalled();
  });

  it('still returns a finding with the request and the error when the view fails', async () => {
    const request = event('identity-policy-no-allow.json');
    const f = await explainRequest(request, { gather: () => Promise.reject(new Error('boom')) });
    expect(f).toMatchObject({ eventId: request.eventId, verdict: 'unexplained', error: 'boom' });
  });

  it('looks up the change history for the causes found when the facts do not carry it', async () => {
    const request = event('bucket-policy-explicit-deny.json');
    const recentChanges = jest.fn().mockResolvedValue({ status: 'known', value: [] });
    const noHistory = {
      gather: async (r: AccessRequest) => ({
        ...(await view.gather(r)),
        recentChanges: { status: 'unknown' as const, reason: 'notCollected' as const },
      }),
    };
    const f = await explainRequest(request, noHistory, { changes: { recentChanges } });
    expect(recentChanges).toHaveBeenCalledWith(
      expect.objectContaining({
        targets: [{ name: 'reports-bucket', accountId: '111122223333', region: 'us-east-1' }],
        windowDays: 7,
      }),
    );
    expect(f.changeLookup).toEqual({ status: 'checked', windowDays: 7 });
  });
});

describe('memoizeSimulator', () => {
  it('asks AWS once per identity, needs and context, ignoring the request time', async () => {
    const request = event('identity-policy-no-allow.json');
    const check = jest
      .fn<ReturnType<SimulatorCheck>, Parameters<SimulatorCheck>>()
      .mockResolvedValue({ decision: 'implicitDeny', matchedStatements: [] });
    const memo = memoizeSimulator(check);
    const later = {
      ...request,
      context: {
        ...request.context,
        values: { ...request.context.values, 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
      },
    };
    await memo(request);
    await memo(later);
    expect(check).toHaveBeenCalledTimes(1);
    const otherIp = {
      ...request,
      context: { ...request.context, values: { ...request.context.values, 'aws:SourceIp': '192.0.2.1' } },
    };
    await memo(otherIp);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('turns a failing check into no verdict', async () => {
    const memo = memoizeSimulator(() => Promise.reject(new Error('throttled')));
    await expect(memo(event('identity-policy-no-allow.json'))).resolves.toBeNull();
  });
});
