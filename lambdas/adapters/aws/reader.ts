/**
 * Every AWS read of the live view goes through `CachedReader.read`: the result (or a stable failure) is cached
 * in memory, keyed by account / region / API / parameters, with a TTL and a size bound. Concurrent reads of the
 * same key share one call. Throttled and unexpected failures are not cached, so the next analysis retries.
 */
import { LRUCache } from 'lru-cache';
import { classifyError, isCacheable, type Failure, type Outcome } from './errors';

/** A call that resolved with nothing (never a valid SDK response): an error, not a value. */
export const EMPTY = (permission: string): Failure => ({
  kind: 'error',
  code: 'EmptyResponse',
  message: 'the AWS call returned no response',
  permission,
});

export interface ReaderOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Clock for the TTL (milliseconds); tests inject one. */
  readonly now?: () => number;
}

export class CachedReader {
  private readonly cache: LRUCache<string, Promise<Outcome<unknown>>>;

  constructor(opts: ReaderOptions) {
    this.cache = new LRUCache<string, Promise<Outcome<unknown>>>({
      max: Math.max(1, opts.maxEntries),
      ttl: Math.max(1, opts.ttlMs),
      ttlResolution: 0,
      ...(opts.now ? { perf: { now: opts.now } } : {}),
    });
  }

  /** Reads through the cache. `key` must name the account, region, API and parameters. Never rejects. */
  read<T>(key: string, permission: string, send: () => Promise<T>): Promise<Outcome<T>> {
    const hit = this.cache.get(key);
    if (hit) return hit as Promise<Outcome<T>>;
    const pending: Promise<Outcome<T>> = Promise.resolve()
      .then(send)
      .then(
        (value): Outcome<T> =>
          value === undefined || value === null
            ? { ok: false, failure: EMPTY(permission) }
            : { ok: true, value },
        (err: unknown): Outcome<T> => ({ ok: false, failure: classifyError(err, permission) }),
      );
    this.cache.set(key, pending);
    void pending.then((o) => {
      if (!o.ok && !isCacheable(o.failure) && this.cache.peek(key) === pending) this.cache.delete(key);
    });
    return pending;
  }

  /** Forgets a key (e.g. a read to redo in another region). */
  forget(key: string): void {
    this.cache.delete(key);
  }

  clear(): void {
    this.cache.clear();
  }

  get size(): number {
    return this.cache.size;
  }
}

export interface Page<T> {
  readonly items: readonly T[];
  /** The marker / token of the next page; undefined on the last page. */
  readonly next?: string | undefined;
}

/** Reads every page of a paginated list (each page cached under `keyBase|marker`). */
export async function readAll<T>(
  reader: CachedReader,
  keyBase: string,
  permission: string,
  page: (marker: string | undefined) => Promise<Page<T>>,
  maxPages = 100,
): Promise<Outcome<T[]>> {
  const items: T[] = [];
  let marker: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const current = marker;
    const o = await reader.read(`${keyBase}|${current ?? ''}`, permission, () => page(current));
    if (!o.ok) return o;
    items.push(...o.value.items);
    marker = o.value.next;
    if (!marker) break;
  }
  return { ok: true, value: items };
}
