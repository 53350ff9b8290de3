import { AwsAccountView } from '../../../lambdas/adapters/aws';
import { CachedReader } from '../../../lambdas/adapters/aws/reader';
import { ACCOUNT, mockedAws, sameAccountScenario, sampleRequest } from '../../../scripts/bench/live';

describe('cache across invocations', () => {
  function setup(extra: { cacheTtlMs?: number; cacheMaxEntries?: number } = {}) {
    const aws = mockedAws(0);
    sameAccountScenario(aws);
    let clock = 1_000_000;
    const view = new AwsAccountView({
      clients: aws.clients,
      auditorAccountId: ACCOUNT,
      region: 'us-east-1',
      now: () => clock,
      ...extra,
    });
    return { aws, view, advance: (ms: number) => (clock += ms) };
  }

  it('a repeat of the same denial within the TTL makes at most 2 AWS calls (here: none) and gives the same facts', async () => {
    const { aws, view, advance } = setup();
    const first = await view.gather(sampleRequest());
    const cold = aws.calls.length;
    expect(cold).toBeGreaterThan(2);
    aws.resetCalls();
    advance(299_000);
    const second = await view.gather(sampleRequest());
    expect(aws.calls.length).toBeLessThanOrEqual(2);
    expect(second).toEqual(first);
  });

  it('after the TTL (default 5 minutes) everything is read again', async () => {
    const { aws, view, advance } = setup();
    await view.gather(sampleRequest());
    const cold = aws.calls.length;
    aws.resetCalls();
    advance(300_001);
    await view.gather(sampleRequest());
    expect(aws.calls.length).toBe(cold);
  });

  it('the TTL is configurable', async () => {
    const { aws, view, advance } = setup({ cacheTtlMs: 10_000 });
    await view.gather(sampleRequest());
    const cold = aws.calls.length;
    aws.resetCalls();
    advance(9_000);
    await view.gather(sampleRequest());
    expect(aws.calls).toHaveLength(0);
    advance(2_000);
    await view.gather(sampleRequest());
    expect(aws.calls.length).toBe(cold);
  });

  it('a different denial of the same caller and bucket reuses the cached reads and reads only what is new', async () => {
    const { aws, view } = setup();
    await view.gather(sampleRequest());
    aws.resetCalls();
    const other = sampleRequest({
      key: 'q4/plan.csv',
      needs: [
        {
          action: 's3:GetObject',
          resource: 'arn:aws:s3:::corp-reports/q4/plan.csv',
          resourceType: 'object',
          bucket: 'corp-reports',
          key: 'q4/plan.csv',
        },
      ],
    });
    await view.gather(other);
    expect(aws.calls.map((c) => c.command)).toEqual(['ListObjectsV2']);
  });

  it('concurrent gathers of the same denial share the calls', async () => {
    const { aws, view } = setup();
    await Promise.all([
      view.gather(sampleRequest()),
      view.gather(sampleRequest()),
      view.gather(sampleRequest()),
    ]);
    const counts = new Map<string, number>();
    for (const c of aws.calls)
      counts.set(`${c.client}:${c.command}`, (counts.get(`${c.client}:${c.command}`) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
  });

  it('the size bound evicts the least recently used reads', async () => {
    const { aws, view } = setup({ cacheMaxEntries: 3 });
    await view.gather(sampleRequest());
    const cold = aws.calls.length;
    aws.resetCalls();
    await view.gather(sampleRequest());
    expect(aws.calls.length).toBeGreaterThan(cold - 3 - 1);
  });

  it('clearCache forgets every read', async () => {
    const { aws, view } = setup();
    await view.gather(sampleRequest());
    const cold = aws.calls.length;
    aws.resetCalls();
    view.clearCache();
    await view.gather(sampleRequest());
    expect(aws.calls.length).toBe(cold);
  });
});

describe('CachedReader', () => {
  it('never rejects: a synchronous throw becomes a failure outcome', async () => {
    const r = new CachedReader({ ttlMs: 1000, maxEntries: 10 });
    const o = await r.read('k', 'x:Y', () => {
      throw Object.assign(new Error('no'), { name: 'AccessDenied' });
    });
    expect(o).toEqual({
      ok: false,
      failure: { kind: 'accessDenied', code: 'AccessDenied', message: 'no', permission: 'x:Y' },
    });
  });

  it('caches stable failures (AccessDenied) but not unexpected ones', async () => {
    const r = new CachedReader({ ttlMs: 1000, maxEntries: 10 });
    let calls = 0;
    const send = (name: string) => () => {
      calls++;
      return Promise.reject(Object.assign(new Error('x'), { name }));
    };
    await r.read('a', 'p', send('AccessDenied'));
    await r.read('a', 'p', send('AccessDenied'));
    expect(calls).toBe(1);
    await r.read('b', 'p', send('InternalError'));
    await new Promise((res) => setImmediate(res));
    await r.read('b', 'p', send('InternalError'));
    expect(calls).toBe(3);
  });
});
