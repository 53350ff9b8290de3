/**
 * Dedup and digest: one alert per distinct problem per window, with a count of the repeats, delivered exactly
 * once per channel (SNS, Slack).
 *
 * A problem is (principal identity, accounts, bucket, action, root-cause id, deciding statement). The first
 * occurrence claims a window and alerts; repeats inside the window only increment a counter; the first
 * occurrence after the window has closed alerts again, carrying "N more times since …", and opens a new window.
 *
 * Delivery state lives in the record, per channel: the window's alert lists the channels still to deliver
 * (`pending`), and the claim that alerts holds a lease on them (`leaseUntil`). Each channel that succeeds is
 * removed from `pending` at once. When a channel fails, the lease is given back and the record is retried: the
 * retry (or the next occurrence of the problem, whichever comes first) takes the lease over and sends only to
 * the channels still pending, so a Slack outage never publishes the same alert to SNS again. A lease that is
 * never given back (the function timed out) expires after `leaseSeconds`.
 *
 * The DynamoDB store makes this safe across concurrent invocations with conditional writes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html):
 * the window is opened by an update conditioned on "no item, or the window has closed", which exactly one writer
 * wins; a lease is taken over only when it has expired; everybody else counts. An update reads every attribute
 * as it was before the update ("DynamoDB evaluates every action against the item's attribute values as they were
 * before the update", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html),
 * which is how opening a window keeps the previous window's start and count. Items expire through the table's
 * TTL attribute `expiresAt` (epoch seconds, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html);
 * as TTL deletion is lazy, the logic never relies on it.
 */
import { UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { keyOf, type ProblemKey } from '../core/problem-key';

// The problem key is pure and shared with the CLI's --group (lambdas/core/problem-key.ts).
export { keyOf, problemKey, type ProblemKey } from '../core/problem-key';

/** The channels an alert goes to. */
export type Channel = 'sns' | 'slack';
export const ALL_CHANNELS: readonly Channel[] = ['sns', 'slack'];

export interface Claim {
  /** true: this occurrence must deliver the alert to `channels`. */
  readonly alert: boolean;
  /** For an alert: the channels still to deliver (all of them for a new window). Empty otherwise. */
  readonly channels: readonly Channel[];
  /** For an alert: repeats counted before it (previous window, plus this one's when taken over). Otherwise: repeats so far in this window. */
  readonly repeatCount: number;
  /** For an alert with repeats: when the counted repeats started (ISO). */
  readonly since: string | null;
  readonly key: string;
  /** The window this claim belongs to; delivery state is recorded against it. */
  readonly windowStart: number;
  readonly previous: { readonly windowStart: number; readonly repeats: number } | null;
}

export interface DedupStore {
  /** Count this occurrence, or claim the alert (for `channels`, default SNS and Slack). */
  claim(problem: ProblemKey, now?: number, channels?: readonly Channel[]): Promise<Claim>;
  /** Record that the alert of `claim` reached `channel`: nobody sends it there again in this window. */
  delivered(claim: Claim, channel: Channel): Promise<void>;
  /** Give the lease of an alert claim back after a failed delivery: the retry sends to the channels still pending. */
  release(claim: Claim): Promise<void>;
}

export class DedupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DedupError';
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** How long an alert claim holds its channels before another occurrence may take them over. */
export const DEFAULT_LEASE_SECONDS = 300;

/** The claim of a new window's alert. */
function alertClaim(
  key: string,
  now: number,
  previous: Claim['previous'],
  channels: readonly Channel[],
): Claim {
  const repeats = previous?.repeats ?? 0;
  return {
    alert: true,
    channels,
    repeatCount: repeats,
    since: previous && repeats > 0 ? iso(previous.windowStart) : null,
    key,
    windowStart: now,
    previous,
  };
}

/** The claim of an alert taken over from a failed or abandoned delivery: the repeats of both windows so far. */
function takenOverClaim(
  key: string,
  window: { start: number; repeats: number; prevStart: number; prevRepeats: number },
  channels: readonly Channel[],
): Claim {
  const repeatCount = window.prevRepeats + window.repeats;
  const from = window.prevRepeats > 0 ? window.prevStart : window.start;
  return {
    alert: true,
    channels,
    repeatCount,
    since: repeatCount > 0 ? iso(from) : null,
    key,
    windowStart: window.start,
    previous: window.prevRepeats > 0 ? { windowStart: window.prevStart, repeats: window.prevRepeats } : null,
  };
}

const countClaim = (key: string, repeats: number, windowStart: number): Claim => ({
  alert: false,
  channels: [],
  repeatCount: repeats,
  since: iso(windowStart),
  key,
  windowStart,
  previous: null,
});

/** Keeps the order of ALL_CHANNELS. */
const ordered = (channels: Iterable<Channel>): Channel[] => {
  const set = new Set(channels);
  return ALL_CHANNELS.filter((c) => set.has(c));
};

interface MemoryItem {
  windowStart: number;
  windowEnd: number;
  repeats: number;
  prevStart: number;
  prevRepeats: number;
  pending: Set<Channel>;
  leaseUntil: number;
}

/** In-process store with the same semantics (local runs, tests, a single process). */
export class MemoryDedupStore implements DedupStore {
  private readonly items = new Map<string, MemoryItem>();
  private readonly leaseMs: number;

  constructor(
    private readonly windowSeconds: number,
    leaseSeconds = DEFAULT_LEASE_SECONDS,
  ) {
    this.leaseMs = leaseSeconds * 1000;
  }

  async claim(problem: ProblemKey, now = Date.now(), channels = ALL_CHANNELS): Promise<Claim> {
    const key = keyOf(problem);
    const item = this.items.get(key);
    if (item && item.windowEnd > now) {
      if (item.pending.size > 0 && item.leaseUntil <= now) {
        item.leaseUntil = now + this.leaseMs;
        const window = {
          start: item.windowStart,
          repeats: item.repeats,
          prevStart: item.prevStart,
          prevRepeats: item.prevRepeats,
        };
        return takenOverClaim(key, window, ordered(item.pending));
      }
      item.repeats += 1;
      return countClaim(key, item.repeats, item.windowStart);
    }
    this.items.set(key, {
      windowStart: now,
      windowEnd: now + this.windowSeconds * 1000,
      repeats: 0,
      prevStart: item?.windowStart ?? 0,
      prevRepeats: item?.repeats ?? 0,
      pending: new Set(channels),
      leaseUntil: now + this.leaseMs,
    });
    return alertClaim(
      key,
      now,
      item ? { windowStart: item.windowStart, repeats: item.repeats } : null,
      ordered(channels),
    );
  }

  async delivered(claim: Claim, channel: Channel): Promise<void> {
    const item = this.items.get(claim.key);
    if (item && item.windowStart === claim.windowStart) item.pending.delete(channel);
  }

  async release(claim: Claim): Promise<void> {
    const item = this.items.get(claim.key);
    if (item && item.windowStart === claim.windowStart) item.leaseUntil = 0;
  }
}

export interface DynamoDedupOptions {
  readonly tableName: string;
  readonly windowSeconds: number;
  /** How long an item outlives its window, so the next alert can carry the count (default 7 days). */
  readonly retentionSeconds?: number;
  /** How long an alert claim holds its channels (default 300 s; keep it above the function timeout). */
  readonly leaseSeconds?: number;
  /**
   * Merge concurrent claims of one problem in this process (default true): the first is claimed as
   * usual, the others are counted with one `ADD repeats :n`. Fewer writes in a burst; the conditional
   * writes still keep concurrent invocations (other processes) from double-alerting.
   */
  readonly coalesce?: boolean;
}

interface Waiter {
  readonly now: number;
  readonly channels: readonly Channel[];
  readonly resolve: (claim: Claim) => void;
  readonly reject: (error: unknown) => void;
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
const num = (n: number): AttributeValue => ({ N: String(n) });
const numOf = (v: AttributeValue | undefined, fallback = 0): number => Number(v?.N ?? fallback);
const isChannel = (c: string): c is Channel => (ALL_CHANNELS as readonly string[]).includes(c);

/** A window is open and nobody may deliver for it right now: this occurrence only counts. */
const COUNTS =
  'attribute_exists(pk) AND windowEnd > :now AND (attribute_not_exists(pending) OR leaseUntil > :now)';

/**
 * Table: partition key `pk` (S); TTL attribute `expiresAt`. Item: windowStart, windowEnd, repeats (this window),
 * prevStart, prevRepeats (the window before), pending (SS: channels still to deliver), leaseUntil (ms).
 */
export class DynamoDedupStore implements DedupStore {
  private readonly retention: number;
  private readonly leaseMs: number;
  private readonly pendingClaims = new Map<string, Waiter[]>();
  private readonly inflight = new Set<string>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoDedupOptions,
  ) {
    this.retention = options.retentionSeconds ?? 7 * 24 * 3600;
    this.leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
  }

  async claim(problem: ProblemKey, now = Date.now(), channels = ALL_CHANNELS): Promise<Claim> {
    const key = keyOf(problem);
    if (this.options.coalesce === false) return this.claimOne(key, problem, now, channels);
    return new Promise<Claim>((resolve, reject) => {
      const waiting = this.pendingClaims.get(key);
      if (waiting) waiting.push({ now, channels, resolve, reject });
      else this.pendingClaims.set(key, [{ now, channels, resolve, reject }]);
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
      for (
        let group = this.pendingClaims.get(key);
        group && group.length > 0;
        group = this.pendingClaims.get(key)
      ) {
        this.pendingClaims.delete(key);
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
      first.resolve(await this.claimOne(key, problem, first.now, first.channels));
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
      // The window closed or its delivery was given back in between (rare): claim one by one.
      for (const w of rest) await this.claimOne(key, problem, w.now, w.channels).then(w.resolve, w.reject);
      return;
    }
    const { repeats, windowStart } = counted;
    rest.forEach((w, i) => w.resolve(countClaim(key, repeats - rest.length + i + 1, windowStart)));
  }

  private async claimOne(
    key: string,
    problem: ProblemKey,
    now: number,
    channels: readonly Channel[],
  ): Promise<Claim> {
    // A lost race to open a window or take a delivery over means somebody else did: the next count succeeds.
    for (let attempt = 0; attempt < 5; attempt++) {
      const counted = await this.countBy(key, 1, now);
      if (counted) return countClaim(key, counted.repeats, counted.windowStart);
      const taken = await this.takeOver(key, now);
      if (taken) return taken;
      const opened = await this.open(key, problem, now, channels);
      if (opened) return opened;
    }
    throw new DedupError(`dedup: could not claim or count problem ${key} after 5 attempts (contention)`);
  }

  private async update(
    what: string,
    input: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName'>,
  ): Promise<Record<string, AttributeValue> | null | undefined> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({ TableName: this.options.tableName, ...input }),
      );
      return out.Attributes;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw new DedupError(`dedup: ${what} in table ${this.options.tableName} failed: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  /** Add `n` repeats to the open window; the new total, or null when this occurrence does not only count. */
  private async countBy(
    key: string,
    n: number,
    now: number,
  ): Promise<{ repeats: number; windowStart: number } | null> {
    const item = await this.update('counting', {
      Key: { pk: { S: key } },
      UpdateExpression: 'ADD repeats :n',
      ConditionExpression: COUNTS,
      ExpressionAttributeValues: { ':n': num(n), ':now': num(now) },
      ReturnValues: 'ALL_NEW',
    });
    if (item === null) return null;
    return { repeats: numOf(item?.repeats, n), windowStart: numOf(item?.windowStart, now) };
  }

  /** Take over the delivery of an open window whose lease has expired or was given back. */
  private async takeOver(key: string, now: number): Promise<Claim | null> {
    const item = await this.update('taking a delivery over', {
      Key: { pk: { S: key } },
      UpdateExpression: 'SET leaseUntil = :lease',
      ConditionExpression: 'windowEnd > :now AND attribute_exists(pending) AND leaseUntil <= :now',
      ExpressionAttributeValues: { ':now': num(now), ':lease': num(now + this.leaseMs) },
      ReturnValues: 'ALL_NEW',
    });
    if (!item) return null;
    const window = {
      start: numOf(item.windowStart),
      repeats: numOf(item.repeats),
      prevStart: numOf(item.prevStart),
      prevRepeats: numOf(item.prevRepeats),
    };
    return takenOverClaim(key, window, ordered((item.pending?.SS ?? []).filter(isChannel)));
  }

  /** Open a new window when there is none or it has closed. null when another writer won. */
  private async open(
    key: string,
    problem: ProblemKey,
    now: number,
    channels: readonly Channel[],
  ): Promise<Claim | null> {
    const windowEnd = now + this.options.windowSeconds * 1000;
    const deliver = ordered(channels);
    const old = await this.update('opening a window', {
      Key: { pk: { S: key } },
      // The right-hand sides read the item as it was: the closing window becomes the previous one.
      UpdateExpression: [
        'SET windowStart = :now, windowEnd = :end, repeats = :zero, expiresAt = :expires, problem = :problem,',
        'prevStart = if_not_exists(windowStart, :zero), prevRepeats = if_not_exists(repeats, :zero),',
        `leaseUntil = :lease${deliver.length > 0 ? ', pending = :channels' : ' REMOVE pending'}`,
      ].join(' '),
      ConditionExpression: 'attribute_not_exists(pk) OR windowEnd <= :now',
      ExpressionAttributeValues: {
        ':now': num(now),
        ':end': num(windowEnd),
        ':zero': num(0),
        ':expires': num(Math.ceil(windowEnd / 1000) + this.retention),
        ':problem': { S: JSON.stringify(problem).slice(0, 4000) },
        ':lease': num(now + this.leaseMs),
        ...(deliver.length > 0 ? { ':channels': { SS: deliver } } : {}),
      },
      ReturnValues: 'ALL_OLD',
    });
    if (old === null) return null;
    const previous = old?.windowStart
      ? { windowStart: numOf(old.windowStart), repeats: numOf(old.repeats) }
      : null;
    return alertClaim(key, now, previous, deliver);
  }

  async delivered(claim: Claim, channel: Channel): Promise<void> {
    await this.update('recording a delivery', {
      Key: { pk: { S: claim.key } },
      UpdateExpression: 'DELETE pending :channel',
      ConditionExpression: 'windowStart = :mine',
      ExpressionAttributeValues: { ':channel': { SS: [channel] }, ':mine': num(claim.windowStart) },
    });
  }

  async release(claim: Claim): Promise<void> {
    // A condition failure means another window was opened meanwhile: nothing to give back.
    await this.update('releasing a delivery', {
      Key: { pk: { S: claim.key } },
      UpdateExpression: 'SET leaseUntil = :free',
      ConditionExpression: 'windowStart = :mine',
      ExpressionAttributeValues: { ':free': num(0), ':mine': num(claim.windowStart) },
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
