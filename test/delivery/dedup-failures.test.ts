/**
 * The dedup table failing or changing under the store: a failed read or write of the dedup state is heard (DedupError naming the step and the
 * table, which makes the record be retried), never taken for "already alerted". DynamoDB is mocked here
 * (aws-sdk-client-mock on one client instance) to fail at a chosen step; dedup.test.ts runs the same store against
 * dynalite.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DedupError,
  DynamoDedupStore,
  keyOf,
  type Claim,
  type ProblemKey,
} from '../../lambdas/delivery/dedup';

const TABLE = 'dedup-table';
const T0 = Date.UTC(2026, 10, 28, 1, 0, 0);
const problem: ProblemKey = {
  principal: 'arn:aws:iam::111122223333:role/AppRole',
  account: '111122223333>111122223333',
  bucket: 'corp-data',
  action: 's3:GetObject',
  rootCause: 'bucket-policy-explicit-deny',
  statement: 'corp-data bucket policy#DenyNonOfficeIPs',
};

const client = new DynamoDBClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
});
const ddb = mockClient(client);
beforeEach(() => ddb.reset());
afterAll(() => ddb.restore());

/** The write lost its condition: somebody else's state decides (not a failure). */
const conditionFailed = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = (): ProvisionedThroughputExceededException =>
  new ProvisionedThroughputExceededException({
    message: 'Rate of requests exceeds the allowed throughput',
    $metadata: {},
  });

const store = (coalesce?: boolean): DynamoDedupStore =>
  new DynamoDedupStore(client, {
    tableName: TABLE,
    windowSeconds: 900,
    ...(coalesce === undefined ? {} : { coalesce }),
  });

const claimOf = (windowStart: number): Claim => ({
  alert: true,
  channels: ['sns', 'slack'],
  repeatCount: 0,
  since: null,
  key: keyOf(problem),
  windowStart,
  previous: null,
});

describe.each([
  ['coalescing', undefined],
  ['one write per event', false],
] as const)('DynamoDedupStore (%s): a failing table is heard', (_name, coalesce) => {
  it('a throttled write while taking a delivery over rejects the claim, naming the step and the table', async () => {
    ddb.on(UpdateItemCommand).rejectsOnce(conditionFailed()).rejectsOnce(throttled());
    const err = await store(coalesce)
      .claim(problem, T0)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DedupError);
    expect((err as Error).name).toBe('DedupError');
    expect((err as Error).message).toBe(
      `dedup: taking a delivery over in table ${TABLE} failed: ProvisionedThroughputExceededException: Rate of requests exceeds the allowed throughput`,
    );
    expect((err as Error).cause).toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('a throttled write while opening a window rejects the claim (no alert is assumed sent)', async () => {
    ddb
      .on(UpdateItemCommand)
      .rejectsOnce(conditionFailed())
      .rejectsOnce(conditionFailed())
      .rejectsOnce(throttled());
    await expect(store(coalesce).claim(problem, T0)).rejects.toThrow(
      `dedup: opening a window in table ${TABLE} failed: ProvisionedThroughputExceededException`,
    );
  });

  it('gives up with a DedupError when every write keeps losing its condition (contention), after 5 rounds', async () => {
    ddb.on(UpdateItemCommand).rejects(conditionFailed());
    const err = await store(coalesce)
      .claim(problem, T0)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DedupError);
    expect((err as Error).message).toBe(
      `dedup: could not claim or count problem ${keyOf(problem)} after 5 attempts (contention)`,
    );
    // each round tries to count, to take a delivery over and to open a window
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(15);
  });
});

describe('DynamoDedupStore: recording a delivery and giving a lease back', () => {
  it('a failure recording a delivery is heard', async () => {
    ddb.on(UpdateItemCommand).rejects(throttled());
    await expect(store().delivered(claimOf(T0), 'sns')).rejects.toThrow(
      `dedup: recording a delivery in table ${TABLE} failed: ProvisionedThroughputExceededException`,
    );
  });

  it('a failure giving the lease back is heard', async () => {
    ddb.on(UpdateItemCommand).rejects(throttled());
    await expect(store().release(claimOf(T0))).rejects.toThrow(
      `dedup: releasing a delivery in table ${TABLE} failed: ProvisionedThroughputExceededException`,
    );
  });

  it('a failure that is not even an Error is heard and quoted', async () => {
    ddb.on(UpdateItemCommand).callsFake(() => Promise.reject('socket hang up'));
    await expect(store().delivered(claimOf(T0), 'sns')).rejects.toThrow(
      `dedup: recording a delivery in table ${TABLE} failed: socket hang up`,
    );
  });

  it('a window opened meanwhile (the condition fails) is not a failure: nothing to record or give back', async () => {
    ddb.on(UpdateItemCommand).rejects(conditionFailed());
    await expect(store().delivered(claimOf(T0), 'slack')).resolves.toBeUndefined();
    await expect(store().release(claimOf(T0))).resolves.toBeUndefined();
  });
});

describe('DynamoDedupStore: merged repeats (coalescing)', () => {
  it('when the window closes between the claim and the merged count, each merged occurrence is claimed on its own', async () => {
    ddb
      .on(UpdateItemCommand)
      .resolvesOnce({ Attributes: { repeats: { N: '1' }, windowStart: { N: String(T0) } } })
      .rejectsOnce(conditionFailed()) // the merged count of the other two loses: the window is no longer open
      .resolvesOnce({ Attributes: { repeats: { N: '2' }, windowStart: { N: String(T0) } } })
      .resolvesOnce({ Attributes: { repeats: { N: '3' }, windowStart: { N: String(T0) } } });
    const s = store();
    const claims = await Promise.all([s.claim(problem, T0), s.claim(problem, T0), s.claim(problem, T0)]);
    expect(claims.map((c) => [c.alert, c.repeatCount])).toEqual([
      [false, 1],
      [false, 2],
      [false, 3],
    ]);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(4);
  });

  it('a failure counting the merged repeats rejects each of them, not the claim already made', async () => {
    ddb
      .on(UpdateItemCommand)
      .resolvesOnce({ Attributes: { repeats: { N: '1' }, windowStart: { N: String(T0) } } })
      .rejects(throttled());
    const s = store();
    const results = await Promise.allSettled([
      s.claim(problem, T0),
      s.claim(problem, T0),
      s.claim(problem, T0),
    ]);
    expect(results[0]).toEqual({
      status: 'fulfilled',
      value: expect.objectContaining({ alert: false, repeatCount: 1 }) as unknown,
    });
    expect(results.slice(1).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('dedup: counting in table');
  });
});
