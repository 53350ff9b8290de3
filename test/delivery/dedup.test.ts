import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDedupStore,
  keyOf,
  MemoryDedupStore,
  problemKey,
  type DedupStore,
  type ProblemKey,
} from '../../lambdas/delivery/dedup';
import { startDynalite, type LocalDynamo } from './dynalite';
import type { Finding } from '../../lambdas/core/model';
import { makeFinding } from './fixtures';

const problemOf = (i: number): ProblemKey => ({
  principal: `arn:aws:iam::111122223333:role/App${i}`,
  account: '111122223333>111122223333',
  bucket: 'corp-data',
  action: 's3:GetObject',
  rootCause: 'bucket-policy-explicit-deny',
  statement: '#DenyNonOfficeIPs',
});
const WINDOW = 900;
const LEASE = 60;
const T0 = Date.UTC(2026, 10, 28, 1, 0, 0);

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite('dedup');
});
afterAll(async () => {
  await dynamo.close();
});

describe('problemKey', () => {
  it("keys by identity ARN, the caller's and the bucket's accounts, bucket, action, root cause and deciding statement", () => {
    expect(problemKey(makeFinding())).toEqual({
      principal: 'arn:aws:iam::111122223333:role/AppRole',
      account: '111122223333>111122223333',
      bucket: 'corp-data',
      action: 's3:GetObject',
      rootCause: 'bucket-policy-explicit-deny',
      statement: 'corp-data bucket policy#DenyNonOfficeIPs',
    });
  });

  it('treats two sessions of one role as one problem, and another statement as another problem', () => {
    const a = makeFinding();
    const b = makeFinding({
      request: {
        ...a.request,
        principal: { ...a.request.principal, arn: 'arn:aws:sts::111122223333:assumed-role/AppRole/s2' },
      },
    });
    expect(keyOf(problemKey(a))).toBe(keyOf(problemKey(b)));
    const c = makeFinding({
      rootCauses: [
        { ...a.rootCauses[0]!, evidence: [{ layer: 'bucket-policy', statement: 'Other', detail: '' }] },
      ],
    });
    expect(keyOf(problemKey(a))).not.toBe(keyOf(problemKey(c)));
  });

  it('falls back to the principal id, and keys analysis failures separately', () => {
    const a = makeFinding();
    const f = makeFinding({
      error: 'boom',
      rootCauses: [],
      request: {
        ...a.request,
        principal: { ...a.request.principal, arn: null, identityArn: null, principalId: 'AIDAX' },
      },
    });
    expect(problemKey(f)).toMatchObject({ principal: 'AIDAX', rootCause: 'analysis-failed', statement: '' });
  });
});

describe('the dedup key: two findings that differ in one component are two problems (issue 20)', () => {
  const a = makeFinding();
  const r = a.request;
  const variants: ReadonlyArray<[string, Finding]> = [
    [
      "the caller's account",
      makeFinding({ request: { ...r, principal: { ...r.principal, accountId: '444455556666' } } }),
    ],
    ["the bucket's account", makeFinding({ request: { ...r, bucketAccountId: '444455556666' } })],
    ['the bucket', makeFinding({ request: { ...r, bucket: 'other-bucket' } })],
    ['the action', makeFinding({ request: { ...r, actions: ['s3:PutObject'] } })],
    ['the root cause', makeFinding({ rootCauses: [{ ...a.rootCauses[0]!, id: 'scp-deny' }] })],
    [
      'the deciding statement',
      makeFinding({
        rootCauses: [
          { ...a.rootCauses[0]!, evidence: [{ ...a.rootCauses[0]!.evidence[0]!, statement: 'DenyOther' }] },
        ],
      }),
    ],
    [
      'the principal',
      makeFinding({
        request: { ...r, principal: { ...r.principal, identityArn: 'arn:aws:iam::111122223333:role/Other' } },
      }),
    ],
  ];

  it.each(variants)('%s: two alerts', async (_name, b) => {
    const store = new MemoryDedupStore(WINDOW);
    expect((await store.claim(problemKey(a), T0)).alert).toBe(true);
    expect((await store.claim(problemKey(b), T0 + 1)).alert).toBe(true);
  });

  it('identical findings (another event, another key under the same statement): one alert', async () => {
    const store = new MemoryDedupStore(WINDOW);
    const b = makeFinding({ eventId: 'ev-0002', request: { ...r, key: 'other/key.csv' } });
    expect((await store.claim(problemKey(a), T0)).alert).toBe(true);
    expect(await store.claim(problemKey(b), T0 + 1)).toMatchObject({ alert: false, repeatCount: 1 });
  });
});

function sharedBehaviour(name: string, make: () => DedupStore, offset: number): void {
  const fresh = make;
  const problem = (i: number): ProblemKey => problemOf(offset + i);

  describe(name, () => {
    it('alerts on the first occurrence, counts repeats in the window, then alerts with the count', async () => {
      const store = fresh();
      const first = await store.claim(problem(1), T0);
      expect(first).toMatchObject({ alert: true, repeatCount: 0, since: null });
      expect(await store.claim(problem(1), T0 + 1000)).toMatchObject({ alert: false, repeatCount: 1 });
      expect(await store.claim(problem(1), T0 + 2000)).toMatchObject({ alert: false, repeatCount: 2 });
      const next = await store.claim(problem(1), T0 + WINDOW * 1000);
      expect(next).toMatchObject({ alert: true, repeatCount: 2, since: new Date(T0).toISOString() });
      expect(await store.claim(problem(1), T0 + WINDOW * 1000 + 1)).toMatchObject({
        alert: false,
        repeatCount: 1,
      });
    });

    it('alerts without a count when the window closed with no repeats', async () => {
      const store = fresh();
      await store.claim(problem(2), T0);
      expect(await store.claim(problem(2), T0 + 2 * WINDOW * 1000)).toMatchObject({
        alert: true,
        repeatCount: 0,
        since: null,
      });
    });

    it('keeps distinct problems apart', async () => {
      const store = fresh();
      expect((await store.claim(problem(3), T0)).alert).toBe(true);
      expect((await store.claim(problem(4), T0)).alert).toBe(true);
      expect((await store.claim(problem(3), T0 + 1)).alert).toBe(false);
    });

    it('releasing a failed alert lets the retried record alert again, keeping the counts', async () => {
      const store = fresh();
      await store.claim(problem(5), T0);
      await store.claim(problem(5), T0 + 1);
      const second = await store.claim(problem(5), T0 + WINDOW * 1000);
      expect(second).toMatchObject({ alert: true, repeatCount: 1 });
      await store.claim(problem(5), T0 + WINDOW * 1000 + 5); // a repeat lands before the release
      await store.release(second);
      const retried = await store.claim(problem(5), T0 + WINDOW * 1000 + 10);
      expect(retried).toMatchObject({
        alert: true,
        repeatCount: 2,
        since: new Date(T0).toISOString(),
        previous: { windowStart: T0, repeats: 1 },
      });
    });

    it('release of a first alert lets the retry alert as a first alert', async () => {
      const store = fresh();
      const first = await store.claim(problem(6), T0);
      await store.release(first);
      expect(await store.claim(problem(6), T0 + 1)).toMatchObject({ alert: true, repeatCount: 0 });
    });

    it('a new window alerts on every channel; a retry after a Slack failure alerts on Slack only', async () => {
      const store = fresh();
      const first = await store.claim(problem(7), T0, ['sns', 'slack']);
      expect(first).toMatchObject({ alert: true, channels: ['sns', 'slack'] });
      await store.delivered(first, 'sns'); // SNS succeeded, Slack failed
      await store.release(first);
      const retry = await store.claim(problem(7), T0 + 10, ['sns', 'slack']);
      expect(retry).toMatchObject({ alert: true, channels: ['slack'], windowStart: T0 });
      await store.delivered(retry, 'slack');
      expect(await store.claim(problem(7), T0 + 20, ['sns', 'slack'])).toMatchObject({
        alert: false,
        channels: [],
        repeatCount: 1,
      });
    });

    it('a repeat while the alert is being delivered only counts; it takes over once the lease expires', async () => {
      const store = fresh();
      const first = await store.claim(problem(8), T0, ['sns', 'slack']);
      await store.delivered(first, 'sns');
      // The delivering invocation still holds the lease (it may be retrying Slack): a repeat counts.
      expect(await store.claim(problem(8), T0 + 1000)).toMatchObject({ alert: false, repeatCount: 1 });
      // It timed out without giving the lease back: after the lease, the next occurrence delivers Slack.
      const later = await store.claim(problem(8), T0 + LEASE * 1000 + 1);
      expect(later).toMatchObject({
        alert: true,
        channels: ['slack'],
        repeatCount: 1,
        since: new Date(T0).toISOString(),
      });
    });

    it('a claim without Slack configured alerts on SNS only, and nothing is left pending', async () => {
      const store = fresh();
      const first = await store.claim(problem(9), T0, ['sns']);
      expect(first).toMatchObject({ alert: true, channels: ['sns'] });
      await store.delivered(first, 'sns');
      await store.release(first); // nothing pending: the next occurrence counts
      expect(await store.claim(problem(9), T0 + 1, ['sns'])).toMatchObject({ alert: false, repeatCount: 1 });
    });

    it('recording a delivery for a window that has since closed changes nothing', async () => {
      const store = fresh();
      const first = await store.claim(problem(10), T0, ['sns', 'slack']);
      const next = await store.claim(problem(10), T0 + WINDOW * 1000, ['sns', 'slack']);
      await store.delivered(first, 'slack');
      await store.release(first);
      expect(next.channels).toEqual(['sns', 'slack']);
      expect(await store.claim(problem(10), T0 + WINDOW * 1000 + 1)).toMatchObject({ alert: false });
    });

    it('a lease runs exactly leaseSeconds: until then a repeat counts, then one occurrence takes over and holds it', async () => {
      const store = fresh();
      await store.claim(problem(11), T0, ['sns', 'slack']); // delivery never finishes, the lease is never given back
      expect(await store.claim(problem(11), T0 + LEASE * 1000 - 1)).toMatchObject({
        alert: false,
        repeatCount: 1,
      });
      const takeover = await store.claim(problem(11), T0 + LEASE * 1000);
      expect(takeover).toMatchObject({
        alert: true,
        channels: ['sns', 'slack'],
        repeatCount: 1,
        since: new Date(T0).toISOString(),
        windowStart: T0,
      });
      // The taking-over occurrence now holds a fresh lease: the next one counts instead of sending again.
      expect(await store.claim(problem(11), T0 + LEASE * 1000 + 1)).toMatchObject({
        alert: false,
        repeatCount: 2,
      });
      expect(await store.claim(problem(11), T0 + 2 * LEASE * 1000 - 1)).toMatchObject({
        alert: false,
        repeatCount: 3,
      });
    });

    it('the retry of a first alert is still a first alert: no count, no "since", no previous window', async () => {
      const store = fresh();
      const first = await store.claim(problem(12), T0);
      expect(first).toMatchObject({ previous: null });
      await store.release(first);
      expect(await store.claim(problem(12), T0 + 1)).toMatchObject({
        alert: true,
        channels: ['sns', 'slack'],
        repeatCount: 0,
        since: null,
        previous: null,
      });
    });

    it('the alert of a new window names the window before it and its repeats', async () => {
      const store = fresh();
      await store.claim(problem(13), T0);
      await store.claim(problem(13), T0 + 1);
      await store.claim(problem(13), T0 + 2);
      expect(await store.claim(problem(13), T0 + WINDOW * 1000)).toMatchObject({
        alert: true,
        windowStart: T0 + WINDOW * 1000,
        previous: { windowStart: T0, repeats: 2 },
      });
    });

    it('a late delivery record of a closed window does not mark the new window delivered', async () => {
      const store = fresh();
      const first = await store.claim(problem(14), T0, ['sns', 'slack']);
      const next = await store.claim(problem(14), T0 + WINDOW * 1000, ['sns', 'slack']);
      await store.delivered(first, 'slack'); // the old window's Slack delivery finishes late
      await store.release(next); // the new window's delivery failed
      expect(await store.claim(problem(14), T0 + WINDOW * 1000 + 1, ['sns', 'slack'])).toMatchObject({
        alert: true,
        channels: ['sns', 'slack'],
      });
    });

    it('lists the channels in one order (SNS, then Slack) whatever order they were asked in', async () => {
      const store = fresh();
      expect(await store.claim(problem(15), T0, ['slack', 'sns'])).toMatchObject({
        channels: ['sns', 'slack'],
      });
    });

    it('a claim for no channel opens the window with nothing to deliver: the next occurrence counts', async () => {
      const store = fresh();
      expect(await store.claim(problem(16), T0, [])).toMatchObject({ alert: true, channels: [] });
      expect(await store.claim(problem(16), T0 + 1, [])).toMatchObject({ alert: false, repeatCount: 1 });
    });
  });
}

sharedBehaviour('MemoryDedupStore', () => new MemoryDedupStore(WINDOW, LEASE), 0);
sharedBehaviour(
  'DynamoDedupStore on dynalite',
  () =>
    new DynamoDedupStore(dynamo.client, { tableName: 'dedup', windowSeconds: WINDOW, leaseSeconds: LEASE }),
  100,
);
sharedBehaviour(
  'DynamoDedupStore on dynalite, without coalescing',
  () =>
    new DynamoDedupStore(dynamo.client, {
      tableName: 'dedup',
      windowSeconds: WINDOW,
      leaseSeconds: LEASE,
      coalesce: false,
    }),
  200,
);

describe('DynamoDedupStore: items expire through the TTL attribute expiresAt (epoch seconds)', () => {
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html: a Number of epoch seconds
  const expiresAtOf = async (p: ProblemKey): Promise<number> => {
    const item = await dynamo.client.send(
      new GetItemCommand({ TableName: 'dedup', Key: { pk: { S: keyOf(p) } } }),
    );
    return Number(item.Item?.expiresAt?.N);
  };
  const now = T0 + 1500; // not on a whole second
  const windowEndSeconds = (now + WINDOW * 1000) / 1000;

  it('keeps an item 7 days after its window closes by default (so the next alert can carry the count)', async () => {
    const store = new DynamoDedupStore(dynamo.client, { tableName: 'dedup', windowSeconds: WINDOW });
    await store.claim(problemOf(7001), now);
    expect(await expiresAtOf(problemOf(7001))).toBe(Math.ceil(windowEndSeconds) + 7 * 24 * 3600);
  });

  it('keeps it retentionSeconds after the window when set, never expiring before the window ends', async () => {
    const store = new DynamoDedupStore(dynamo.client, {
      tableName: 'dedup',
      windowSeconds: WINDOW,
      retentionSeconds: 3600,
    });
    await store.claim(problemOf(7002), now);
    const expiresAt = await expiresAtOf(problemOf(7002));
    expect(expiresAt).toBe(Math.ceil(windowEndSeconds) + 3600);
    expect(expiresAt - 3600).toBeGreaterThanOrEqual(windowEndSeconds);
  });
});

describe('DynamoDedupStore under concurrency (dynalite, a real DynamoDB API on loopback)', () => {
  const problem = problemOf;
  // Several store instances stand for concurrent Lambda instances: only the conditional writes keep them apart.
  it.each([
    ['one instance, coalescing', 1, true],
    ['8 instances (concurrent invocations), coalescing', 8, true],
    ['8 instances, one write per event', 8, false],
  ])(
    '%s: 1,000 concurrent events of 10 problems give exactly 10 alerts and 990 counted repeats',
    async (_name, instances, coalesce) => {
      const stores = Array.from(
        { length: instances },
        () => new DynamoDedupStore(dynamo.client, { tableName: 'dedup', windowSeconds: WINDOW, coalesce }),
      );
      const base = 1000 + Math.floor(Math.random() * 1e9); // fresh problems for this case
      const events = Array.from({ length: 1000 }, (_, i) => problem(base + (i % 10)));
      const claims = await Promise.all(events.map((p, i) => stores[i % instances]!.claim(p, T0)));
      const alerts = claims.filter((c) => c.alert);
      expect(alerts).toHaveLength(10);
      expect(new Set(alerts.map((c) => c.key)).size).toBe(10);
      for (let i = 0; i < 10; i++) {
        const item = await dynamo.client.send(
          new GetItemCommand({ TableName: 'dedup', Key: { pk: { S: keyOf(problem(base + i)) } } }),
        );
        expect(item.Item?.repeats?.N).toBe('99');
        expect(Number(item.Item?.expiresAt?.N)).toBeGreaterThan((T0 + WINDOW * 1000) / 1000);
      }
      // Every repeat got its own count: per problem, the repeat counts are exactly 1..99.
      const perKey = new Map<string, number[]>();
      for (const c of claims) if (!c.alert) perKey.set(c.key, [...(perKey.get(c.key) ?? []), c.repeatCount]);
      for (const counts of perKey.values())
        expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 99 }, (_, i) => i + 1));
      // After the window: exactly one of 100 concurrent events per problem alerts, with the count 99.
      const later = await Promise.all(
        events.map((p, i) => stores[i % instances]!.claim(p, T0 + WINDOW * 1000 + 1)),
      );
      const digests = later.filter((c) => c.alert);
      expect(digests).toHaveLength(10);
      expect(digests.every((d) => d.repeatCount === 99 && d.since === new Date(T0).toISOString())).toBe(true);
    },
    120_000,
  );

  it('merges a burst of one problem in one process into a few writes, still counting every repeat', async () => {
    // A client of its own on the same dynalite, counting the requests it sends.
    const counting = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
      maxAttempts: 1,
    });
    let writes = 0;
    counting.middlewareStack.add(
      (next) => async (args) => {
        writes++;
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      const store = new DynamoDedupStore(counting, { tableName: 'dedup', windowSeconds: WINDOW });
      const p = problem(9000 + Math.floor(Math.random() * 1e9));
      const claims = await Promise.all(Array.from({ length: 100 }, () => store.claim(p, T0)));
      expect(claims.filter((c) => c.alert)).toHaveLength(1);
      const counts = claims.filter((c) => !c.alert).map((c) => c.repeatCount);
      expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 99 }, (_, i) => i + 1));
      expect(writes).toBeLessThan(10);
    } finally {
      counting.destroy();
    }
  });

  it('after a Slack failure, exactly one of 100 concurrent occurrences (8 instances) takes Slack over', async () => {
    const stores = Array.from(
      { length: 8 },
      () => new DynamoDedupStore(dynamo.client, { tableName: 'dedup', windowSeconds: WINDOW }),
    );
    const p = problem(5000 + Math.floor(Math.random() * 1e9));
    const first = await stores[0]!.claim(p, T0);
    await stores[0]!.delivered(first, 'sns');
    await stores[0]!.release(first);
    const claims = await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % 8]!.claim(p, T0 + 1)));
    const alerts = claims.filter((c) => c.alert);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.channels).toEqual(['slack']);
    expect(claims.filter((c) => !c.alert)).toHaveLength(99);
  });

  it('a failed write rejects every coalesced claim (nothing is silently counted)', async () => {
    const store = new DynamoDedupStore(dynamo.client, { tableName: 'no-such-table', windowSeconds: WINDOW });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => store.claim(problem(42), T0)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain(
      'dedup: counting in table no-such-table failed: ResourceNotFoundException',
    );
  });
});
