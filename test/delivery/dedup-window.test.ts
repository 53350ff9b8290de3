/**
 * The DynamoDB dedup store at the edges of a window and of a lease, on dynalite (a real DynamoDB API on loopback):
 * occurrences merged in one process are still judged at their own time, an alert nobody delivered is taken over
 * after the default lease, and the item stays small whatever the problem.
 *  - conditional writes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 *  - item size limit (400 KB): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DEFAULT_LEASE_SECONDS,
  DynamoDedupStore,
  keyOf,
  type ProblemKey,
} from '../../lambdas/delivery/dedup';
import { startDynalite, type LocalDynamo } from './dynalite';

const WINDOW = 900;
const T0 = Date.UTC(2026, 10, 28, 1, 0, 0);
const problemOf = (i: number, statement = '#DenyNonOfficeIPs'): ProblemKey => ({
  principal: `arn:aws:iam::111122223333:role/Window${i}`,
  account: '111122223333>111122223333',
  bucket: 'corp-data',
  action: 's3:GetObject',
  rootCause: 'bucket-policy-explicit-deny',
  statement,
});

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite('dedup');
});
afterAll(async () => {
  await dynamo.close();
});

const storeOf = (over: { coalesce?: boolean } = {}) =>
  new DynamoDedupStore(dynamo.client, { tableName: 'dedup', windowSeconds: WINDOW, ...over });

describe('occurrences merged in one process', () => {
  it('one that comes after the window closed is not counted in it: it alerts with the count of the window', async () => {
    const store = storeOf();
    const p = problemOf(1);
    const claims = await Promise.all([
      store.claim(p, T0),
      store.claim(p, T0 + 1000),
      store.claim(p, T0 + WINDOW * 1000),
    ]);
    expect(claims.map((c) => [c.alert, c.repeatCount])).toEqual([
      [true, 0],
      [false, 1],
      [true, 1],
    ]);
    expect(claims[2]).toMatchObject({ windowStart: T0 + WINDOW * 1000, since: new Date(T0).toISOString() });
  });
});

describe('an alert whose delivery never finished', () => {
  it(`is taken over after the default lease (${DEFAULT_LEASE_SECONDS} s), not before`, async () => {
    const store = storeOf({ coalesce: false });
    const p = problemOf(2);
    await store.claim(p, T0); // the invocation timed out: nothing delivered, the lease never given back
    expect(await store.claim(p, T0 + DEFAULT_LEASE_SECONDS * 1000 - 1)).toMatchObject({
      alert: false,
      repeatCount: 1,
    });
    expect(await store.claim(p, T0 + DEFAULT_LEASE_SECONDS * 1000)).toMatchObject({
      alert: true,
      channels: ['sns', 'slack'],
      repeatCount: 1,
      windowStart: T0,
    });
  });
});

describe('the dedup item', () => {
  it('a problem with a very long statement is still one problem, and its item keeps a bounded copy of it', async () => {
    const store = storeOf({ coalesce: false });
    const p = problemOf(3, `#${'S'.repeat(6000)}`);
    expect(await store.claim(p, T0)).toMatchObject({ alert: true });
    expect(await store.claim(p, T0 + 1)).toMatchObject({ alert: false, repeatCount: 1 });
    const item = await dynamo.client.send(
      new GetItemCommand({ TableName: 'dedup', Key: { pk: { S: keyOf(p) } } }),
    );
    const stored = item.Item?.problem?.S ?? '';
    expect(stored.length).toBeLessThanOrEqual(4000);
    expect(JSON.stringify(p).startsWith(stored)).toBe(true);
  });
});
