/**
 * Dedup and digest: one alert per distinct problem per window, with a count of the repeats.
 *
 * A problem is (principal identity, bucket, action, root-cause id, deciding statement). The first
 * occurrence claims a window and alerts; repeats inside the window only increment a counter; the
 * first occurrence after the window has closed alerts again, carrying "N more times since …", and
 * opens a new window.
 *
 * The DynamoDB store makes this safe across concurrent invocations with conditional writes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html):
 * the window is opened by a PutItem conditioned on "no item, or the window has closed", which
 * exactly one writer wins; everybody else counts. Items expire through the table's TTL attribute
 * `expiresAt` (epoch seconds, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html);
 * as TTL deletion is lazy, the logic never relies on it.
 */
import {
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { keyOf, type ProblemKey } from '../core/problem-key';

// The problem key is pure and shared with the CLI's --group (lambdas/core/problem-key.ts).
export { keyOf, problemKey, type ProblemKey } from '../core/problem-key';

export interface Claim {
  /** true: this occurrence must alert. */
  readonly alert: boolean;
  /** For an alert: repeats counted in the previous window. Otherwise: repeats so far in this window. */
  readonly repeatCount: number;
  /** For an alert with repeats: when the previous window started (ISO). */
  readonly since: string | null;
  readonly key: string;
  /** The window this claim opened (alerts only); used to release it if delivery fails. */
  readonly windowStart: number;
  readonly previous: { readonly windowStart: number; readonly repeats: number } | null;
}

export interface DedupStore {
  claim(problem: ProblemKey, now?: number): Promise<Claim>;
  /** Undo an alert claim whose delivery failed, so the retried record alerts again with the counts kept. */
  release(claim: Claim): Promise<void>;
}

export class DedupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DedupError';
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

function alertClaim(key: string, now: number, previous: Claim['previous']): Claim {
  const repeats = previous?.repeats ?? 0;
  return {
    alert: true,
    repeatCount: repeats,
    since: previous && repeats > 0 ? iso(previous.windowStart) : null,
    key,
    windowStart: now,
    previous,
  };
}

/** In-process store with the same semantics (local runs, tests, a single process). */
export class MemoryDedupStore implements DedupStore {
  private readonly items = new Map<string, { windowStart: number; windowEnd: number; repeats: number }>();

  constructor(private readonly windowSeconds: number) {}

  async claim(problem: ProblemKey, now = Date.now()): Promise<Claim> {
    const key = keyOf(problem);
    const item = this.items.get(key);
    if (item && item.windowEnd > now) {
      item.repeats += 1;
      return {
        alert: false,
        repeatCount: item.repeats,
        since: iso(item.windowStart),
        key,
        windowStart: item.windowStart,
        previous: null,
      };
    }
    this.items.set(key, { windowStart: now, windowEnd: now + this.windowSeconds * 1000, repeats: 0 });
    return alertClaim(key, now, item ? { windowStart: item.windowStart, repeats: item.repeats } : null);
  }

  async release(claim: Claim): Promise<void> {
    const item = this.items.get(claim.key);
    if (!item || item.windowStart !== claim.windowStart) return;
    item.windowEnd = 0;
    item.repeats += claim.previous?.repeats ?? 0;
    item.windowStart = claim.previous?.windowStart ?? item.windowStart;
  }
}

export interface DynamoDedupOptions {
  readonly tableName: string;
  readonly windowSeconds: number;
  /** How long an item outlives its window, so the next alert can carry the count (default 7 days). */
  readonly retentionSeconds?: number;
  /**
   * Merge concurrent claims of one problem in this process (default true): the first is claimed as
   * usual, the others are counted with one `ADD repeats :n`. Fewer writes in a burst; the conditional
   * writes still keep concurrent invocations (other processes) from double-alerting.
   */
  readonly coalesce?: boolean;
}

interface Waiter {
  readonly now: number;
  readonly resolve: (claim: Claim) => void;
  readonly reject: (error: unknown) => void;
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
const num = (n: number): AttributeValue => ({ N: String(n) });

/** Table: partition key `pk` (S); TTL attribute `expiresAt`. */
export class DynamoDedupStore implements DedupStore {
  private readonly retention: number;
  private readonly pending = new Map<string, Waiter[]>();
  private readonly inflight = new Set<string>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoDedupOptions,
  ) {
    this.retention = options.retentionSeconds ?? 7 * 24 * 3600;
  }

  async claim(problem: ProblemKey, now = Date.now()): Promise<Claim> {
    const key = keyOf(problem);
    if (this.options.coalesce === false) return this.claimOne(key, problem, now);
    return new Promise<Claim>((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ now, resolve, reject });
      else this.pending.set(key, [{ now, resolve, reject }]);
      if (!this.inflight.has(key)) {
        this.inflight.add(key);
        setImmediate(() => void this.drain(key, problem));
      }
    });
  }

  /**
   * One write chain per problem at a time in this process: whatever arrives while it runs is merged
   * into the next round.
   */
  private async drain(key: string, problem: ProblemKey): Promise<void> {
    try {
      for (let group = this.pending.get(key); group && group.length > 0; group = this.pending.get(key)) {
        this.pending.delete(key);
        await this.flush(key, problem, group);
      }
    } finally {
      this.inflight.delete(key);
    }
  }

  /** Claim for the first waiter, then count all the others with one write. */
  private async flush(key: string, problem: ProblemKey, waiters: readonly Waiter[]): Promise<void> {
    const [first, ...rest] = waiters;
    if (!first) return;
    try {
      first.resolve(await this.claimOne(key, problem, first.now));
    } catch (error) {
      for (const w of waiters) w.reject(error);
      return;
    }
    if (rest.length === 0) return;
    const now = Math.max(...rest.map((w) => w.now));
    let counted: { repeats: number; windowStart: number } | null;
    try {
      counted = await this.countBy(key, rest.length, now);
    } catch (error) {
      for (const w of rest) w.reject(error);
      return;
    }
    if (counted === null) {
      // The window closed in between (rare): claim one by one.
      for (const w of rest) await this.claimOne(key, problem, w.now).then(w.resolve, w.reject);
      return;
    }
    const { repeats, windowStart } = counted;
    rest.forEach((w, i) =>
      w.resolve({
        alert: false,
        repeatCount: repeats - rest.length + i + 1,
        since: iso(windowStart),
        key,
        windowStart,
        previous: null,
      }),
    );
  }

  private async claimOne(key: string, problem: ProblemKey, now: number): Promise<Claim> {
    // A lost race to open a window means somebody else opened it: the next count succeeds.
    for (let attempt = 0; attempt < 5; attempt++) {
      const counted = await this.count(key, now);
      if (counted) return counted;
      const opened = await this.open(key, problem, now);
      if (opened) return opened;
    }
    throw new DedupError(`dedup: could not claim or count problem ${key} after 5 attempts (contention)`);
  }

  /** Repeat inside an open window: atomic increment. null when there is no open window. */
  private async count(key: string, now: number): Promise<Claim | null> {
    const counted = await this.countBy(key, 1, now);
    if (counted === null) return null;
    return {
      alert: false,
      repeatCount: counted.repeats,
      since: iso(counted.windowStart),
      key,
      windowStart: counted.windowStart,
      previous: null,
    };
  }

  /** Add `n` repeats to the open window; the new total, or null when there is no open window. */
  private async countBy(
    key: string,
    n: number,
    now: number,
  ): Promise<{ repeats: number; windowStart: number } | null> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: { pk: { S: key } },
          UpdateExpression: 'ADD repeats :n',
          ConditionExpression: 'attribute_exists(pk) AND windowEnd > :now',
          ExpressionAttributeValues: { ':n': num(n), ':now': num(now) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return {
        repeats: Number(out.Attributes?.repeats?.N ?? n),
        windowStart: Number(out.Attributes?.windowStart?.N ?? now),
      };
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw new DedupError(`dedup: counting in table ${this.options.tableName} failed: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  /** Open a new window when there is none or it has closed. null when another writer won. */
  private async open(key: string, problem: ProblemKey, now: number): Promise<Claim | null> {
    const windowEnd = now + this.options.windowSeconds * 1000;
    try {
      const out = await this.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            pk: { S: key },
            windowStart: num(now),
            windowEnd: num(windowEnd),
            repeats: num(0),
            expiresAt: num(Math.ceil(windowEnd / 1000) + this.retention),
            problem: { S: JSON.stringify(problem).slice(0, 4000) },
          },
          ConditionExpression: 'attribute_not_exists(pk) OR windowEnd <= :now',
          ExpressionAttributeValues: { ':now': num(now) },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = out.Attributes;
      const previous = old
        ? { windowStart: Number(old.windowStart?.N ?? 0), repeats: Number(old.repeats?.N ?? 0) }
        : null;
      return alertClaim(key, now, previous);
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw new DedupError(
        `dedup: opening a window in table ${this.options.tableName} failed: ${describe(error)}`,
        { cause: error },
      );
    }
  }

  async release(claim: Claim): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: { pk: { S: claim.key } },
          UpdateExpression: 'SET windowEnd = :closed, windowStart = :start ADD repeats :previous',
          ConditionExpression: 'windowStart = :mine',
          ExpressionAttributeValues: {
            ':closed': num(0),
            ':start': num(claim.previous?.windowStart ?? claim.windowStart),
            ':previous': num(claim.previous?.repeats ?? 0),
            ':mine': num(claim.windowStart),
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return; // another window was opened meanwhile: nothing to undo
      throw new DedupError(
        `dedup: releasing a window in table ${this.options.tableName} failed: ${describe(error)}`,
        { cause: error },
      );
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
