/**
 * Live "what changed" (issue 9): CloudTrail LookupEvents for the management events that changed the
 * denying layer. LookupEvents allows 2 requests per second per account and region, so calls are spaced
 * per client, results are cached, pages are bounded and the look-back window is bounded (default 7 days).
 */
import type * as CloudTrailSdk from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient, Event } from '@aws-sdk/client-cloudtrail';
import { LRUCache } from 'lru-cache';
import { ALL_CHANGE_EVENT_NAMES, changeRecordFromLookupEvent, type ChangeTarget } from '../../core/changes';
import {
  parseIssuance,
  SESSION_ISSUING_EVENTS,
  type SessionIssuance,
  type SessionRef,
} from '../../core/changes/session-issuance';
import {
  known,
  unknown,
  type AccessRequest,
  type ChangeRecord,
  type Fact,
  type KmsDenialRecord,
} from '../../core/model';

export interface ChangeLookupOptions {
  /** Resource names to look up (bucket name, role or user name, key id, VPC endpoint id, access point name),
   * each in the account and region whose CloudTrail history records its changes. */
  readonly targets: readonly ChangeTarget[];
  /** The denial time: changes after it are not looked up. */
  readonly until: Date;
  readonly windowDays?: number;
  /** Pages of 50 events per resource name (default 4). */
  readonly maxPages?: number;
}

const MIN_SPACING_MS = 500; // 2 requests per second per account and region
const lastCall = new WeakMap<CloudTrailClient, Promise<void>>();

/**
 * The CloudTrail SDK package, loaded on the first lookup (Lambda cold start: the first event does not need it
 * unless a cause's history is looked up). A synchronous `require`, as in ../aws/clients.ts, so that every caller,
 * test mocks included, sees the same classes.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load
const sdk = (): typeof CloudTrailSdk => require('@aws-sdk/client-cloudtrail') as typeof CloudTrailSdk;

/** Serialises calls on one client so that they start at least MIN_SPACING_MS apart. */
function paced<T>(client: CloudTrailClient, call: () => Promise<T>, spacingMs: number): Promise<T> {
  const previous = lastCall.get(client) ?? Promise.resolve();
  const slot = previous.then(() => new Promise<void>((r) => setTimeout(r, spacingMs)));
  lastCall.set(
    client,
    slot.catch(() => undefined),
  );
  return previous.then(call);
}

// In-flight lookups are cached too, so that the events of one burst share a single LookupEvents call.
const cache = new LRUCache<string, { records: Promise<ChangeRecord[]> }>({ max: 500, ttl: 5 * 60_000 });
// Session issuance lookups, by account and access key: every denial of one session shares one search.
const sessions = new LRUCache<string, { found: Promise<SessionSearch> }>({ max: 500, ttl: 5 * 60_000 });

/** CloudTrail event history covers the last 90 days (LookupEvents). */
export const EVENT_HISTORY_DAYS = 90;

/** The outcome of searching for the event that issued a session's credentials. */
export type SessionSearch =
  | { readonly status: 'found'; readonly issuance: SessionIssuance; readonly searched: readonly string[] }
  | { readonly status: 'notFound'; readonly searched: readonly string[]; readonly detail: string }
  | {
      readonly status: 'failed';
      readonly searched: readonly string[];
      readonly reason: 'accessDenied' | 'throttled' | 'error';
      readonly detail: string;
      readonly permission?: string;
    };

export interface SessionLookupOptions {
  readonly session: SessionRef;
  /** Regions to search, in order: STS records an issuing call in the Region of the endpoint it was sent to
   * (us-east-1 for the global endpoint, sts.amazonaws.com). */
  readonly regions: readonly string[];
  /** Clock, for the 90-day history limit (tests inject one). */
  readonly now?: number;
}

/**
 * The CloudTrail client to search an account's history with (null = the auditor's own account). In organization
 * mode this assumes the member role: LookupEvents only ever returns the calling account's own events.
 * Throws when the account cannot be entered.
 */
export type CloudTrailResolver = (accountId: string | null, region: string) => Promise<CloudTrailClient>;

export class CloudTrailChangeLookup {
  private readonly resolve: CloudTrailResolver;

  constructor(
    client: CloudTrailClient | CloudTrailResolver,
    private readonly opts: { spacingMs?: number } = {},
  ) {
    this.resolve = typeof client === 'function' ? client : () => Promise.resolve(client);
  }

  async recentChanges(o: ChangeLookupOptions): Promise<Fact<readonly ChangeRecord[]>> {
    const windowMs = (o.windowDays ?? 7) * 86_400_000;
    const start = new Date(o.until.getTime() - windowMs);
    const wanted = new Set(ALL_CHANGE_EVENT_NAMES);
    try {
      const lists = await Promise.all(
        o.targets.filter((t) => t.name).map((t) => this.byResource(t, start, o.until, o.maxPages ?? 4)),
      );
      const seen = new Set<string>();
      const all = lists
        .flat()
        .filter((c) => wanted.has(c.eventName) && !seen.has(c.eventId) && seen.add(c.eventId))
        .sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
      return known(all);
    } catch (err) {
      const e = err as { name?: string; message?: string };
      if (e.name === 'AccessDeniedException' || e.name === 'AccessDenied') {
        return unknown('accessDenied', e.message, 'cloudtrail:LookupEvents');
      }
      if (e.name === 'CannotEnterAccount') return unknown('accessDenied', e.message, 'sts:AssumeRole');
      if (e.name === 'ThrottlingException') return unknown('throttled', e.message);
      return unknown('error', e.message ?? String(err));
    }
  }

  /**
   * The KMS call S3 made for this request, if CloudTrail recorded it as denied: kms:Decrypt (reads) or
   * kms:GenerateDataKey (writes) within a minute of the S3 denial, with the object (or, with S3 Bucket Keys,
   * the bucket) as `aws:s3:arn` encryption context, by the same caller. KMS calls are management events, so
   * LookupEvents sees them. Null when none is found or the lookup fails (it only ever confirms).
   */
  async kmsDenial(request: AccessRequest): Promise<KmsDenialRecord | null> {
    const at = Date.parse(request.eventTime);
    if (Number.isNaN(at) || !request.bucket) return null;
    const targets = new Set([
      `arn:aws:s3:::${request.bucket}`,
      ...(request.key ? [`arn:aws:s3:::${request.bucket}/${request.key}`] : []),
    ]);
    const caller = [request.principal.arn, request.principal.principalId].filter((x): x is string => !!x);
    try {
      const client = await this.resolve(request.principal.accountId, request.region);
      for (const eventName of ['Decrypt', 'GenerateDataKey']) {
        const res = await paced(
          client,
          () =>
            client.send(
              new (sdk().LookupEventsCommand)({
                LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
                StartTime: new Date(at - 60_000),
                EndTime: new Date(at + 60_000),
                MaxResults: 50,
              }),
            ),
          this.opts.spacingMs ?? MIN_SPACING_MS,
        );
        for (const e of res.Events ?? []) {
          const c = changeRecordFromLookupEvent(e);
          const r = c?.record;
          if (!c || !r) continue;
          const code = r['errorCode'];
          if (code !== 'AccessDenied' && code !== 'AccessDeniedException') continue;
          const params = (r['requestParameters'] ?? {}) as Record<string, unknown>;
          const ctx = (params['encryptionContext'] ?? {}) as Record<string, unknown>;
          const s3Arn = ctx['aws:s3:arn'];
          if (typeof s3Arn !== 'string' || !targets.has(s3Arn)) continue;
          const id = (r['userIdentity'] ?? {}) as Record<string, unknown>;
          const who = [id['arn'], id['principalId']].filter((x): x is string => typeof x === 'string');
          if (caller.length > 0 && who.length > 0 && !who.some((w) => caller.includes(w))) continue;
          const resources = Array.isArray(r['resources'])
            ? (r['resources'] as Record<string, unknown>[])
            : [];
          const keyArn =
            resources.map((x) => x['ARN']).find((x): x is string => typeof x === 'string') ??
            (typeof params['keyId'] === 'string' ? params['keyId'] : null);
          return {
            eventId: c.eventId,
            eventTime: c.eventTime,
            action: `kms:${eventName}`,
            keyArn,
            errorMessage: typeof r['errorMessage'] === 'string' ? r['errorMessage'] : null,
          };
        }
      }
    } catch {
      return null;
    }
    return null;
  }

  /**
   * The STS event that issued a session's temporary credentials (AssumeRole, AssumeRoleWithSAML,
   * AssumeRoleWithWebIdentity or GetFederationToken), found in the session's own account: LookupEvents by the
   * role ARN (issuing events list the role in their resources; GetFederationToken by event name), in the window
   * around the session's creation time, matched on responseElements.credentials.accessKeyId. LookupEvents'
   * AccessKeyId attribute is not used: it selects the events SIGNED with a key (the session's own calls), not the
   * one that issued it (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html).
   * Regions are searched in the order given; each searched one is reported. Never throws.
   */
  sessionIssuance(o: SessionLookupOptions): Promise<SessionSearch> {
    const s = o.session;
    const key = `session|${s.accountId}|${s.accessKeyId}|${o.regions.join(',')}`;
    const hit = sessions.get(key);
    if (hit) return hit.found;
    const found = this.searchSession(o);
    sessions.set(key, { found });
    void found.then((r) => {
      if (r.status === 'failed' && r.reason !== 'accessDenied') sessions.delete(key);
    });
    return found;
  }

  private async searchSession(o: SessionLookupOptions): Promise<SessionSearch> {
    const s = o.session;
    const now = o.now ?? Date.now();
    const regions = [...new Set(o.regions)];
    if (s.to.getTime() < now - EVENT_HISTORY_DAYS * 86_400_000) {
      return {
        status: 'notFound',
        searched: [],
        detail: `the session was created more than ${EVENT_HISTORY_DAYS} days ago, beyond CloudTrail's event history`,
      };
    }
    const attribute =
      s.kind === 'role' && s.roleArn !== null
        ? { AttributeKey: 'ResourceName' as const, AttributeValue: s.roleArn }
        : { AttributeKey: 'EventName' as const, AttributeValue: 'GetFederationToken' };
    const searched: string[] = [];
    for (const region of regions) {
      try {
        const client = await this.resolve(s.accountId, region);
        searched.push(region);
        let token: string | undefined;
        for (let page = 0; page < 4; page++) {
          const res = await paced(
            client,
            () =>
              client.send(
                new (sdk().LookupEventsCommand)({
                  LookupAttributes: [attribute],
                  StartTime: s.from,
                  EndTime: s.to,
                  MaxResults: 50,
                  ...(token ? { NextToken: token } : {}),
                }),
              ),
            this.opts.spacingMs ?? MIN_SPACING_MS,
          );
          for (const e of res.Events ?? []) {
            if (!e.EventName || !SESSION_ISSUING_EVENTS.includes(e.EventName)) continue;
            const record = changeRecordFromLookupEvent(e)?.record;
            const issuance = record ? parseIssuance(record) : null;
            if (issuance?.accessKeyId === s.accessKeyId) return { status: 'found', issuance, searched };
          }
          token = res.NextToken;
          if (!token) break;
        }
      } catch (err) {
        const e = err as { name?: string; message?: string };
        const where = `searching account ${s.accountId} in ${region}`;
        if (e.name === 'AccessDeniedException' || e.name === 'AccessDenied')
          return {
            status: 'failed',
            searched,
            reason: 'accessDenied',
            detail: `${where}: ${e.message ?? e.name}`,
            permission: 'cloudtrail:LookupEvents',
          };
        if (e.name === 'CannotEnterAccount')
          return {
            status: 'failed',
            searched,
            reason: 'accessDenied',
            detail: `${where}: ${e.message ?? e.name}`,
            permission: 'sts:AssumeRole',
          };
        return {
          status: 'failed',
          searched,
          reason: e.name === 'ThrottlingException' ? 'throttled' : 'error',
          detail: `${where}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`,
        };
      }
    }
    const by =
      attribute.AttributeKey === 'ResourceName' ? `role ${attribute.AttributeValue}` : 'GetFederationToken';
    return {
      status: 'notFound',
      searched,
      detail: `no ${SESSION_ISSUING_EVENTS.join('/')} event issuing ${s.accessKeyId} (${by}, ${s.from.toISOString()} to ${s.to.toISOString()}) in account ${s.accountId}, regions searched: ${searched.join(', ') || 'none'}; STS records the call in the Region of the endpoint used, which may be another one`,
    };
  }

  private byResource(t: ChangeTarget, start: Date, end: Date, maxPages: number): Promise<ChangeRecord[]> {
    // Keyed by account, region and name (a role name repeats across accounts), and by the hour, so that a
    // burst of the same denial makes one lookup.
    const key = `${t.accountId ?? 'self'}|${t.region}|${t.name}|${Math.floor(end.getTime() / 3_600_000)}|${end.getTime() - start.getTime()}`;
    const hit = cache.get(key);
    if (hit) return hit.records;
    const records = this.fetch(t, start, end, maxPages);
    cache.set(key, { records });
    records.catch(() => cache.delete(key));
    return records;
  }

  private async fetch(t: ChangeTarget, start: Date, end: Date, maxPages: number): Promise<ChangeRecord[]> {
    const events = await this.raw(t, start, end, maxPages);
    return events.flatMap((e) => changeRecordFromLookupEvent(e) ?? []);
  }

  /** LookupEvents `Events[]`, verbatim, for one resource name (paged, paced). */
  private async raw(t: ChangeTarget, start: Date, end: Date, maxPages: number): Promise<Event[]> {
    const client = await this.resolve(t.accountId, t.region);
    const out: Event[] = [];
    let token: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const res = await paced(
        client,
        () =>
          client.send(
            new (sdk().LookupEventsCommand)({
              LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: t.name }],
              StartTime: start,
              EndTime: end,
              MaxResults: 50,
              ...(token ? { NextToken: token } : {}),
            }),
          ),
        this.opts.spacingMs ?? MIN_SPACING_MS,
      );
      out.push(...(res.Events ?? []));
      token = res.NextToken;
      if (!token) break;
    }
    return out;
  }

  /**
   * For `s3-403 snapshot`: the access-control changes of the window before `until`, verbatim in the LookupEvents
   * shape (SNAPSHOT.md `recentChanges`, oldest first), and one line per target that could not be read.
   */
  async snapshotChanges(o: ChangeLookupOptions): Promise<{ events: Event[]; problems: string[] }> {
    const start = new Date(o.until.getTime() - (o.windowDays ?? 7) * 86_400_000);
    const wanted = new Set(ALL_CHANGE_EVENT_NAMES);
    const problems: string[] = [];
    const seen = new Set<string>();
    const events: Event[] = [];
    for (const t of o.targets) {
      try {
        for (const e of await this.raw(t, start, o.until, o.maxPages ?? 4)) {
          if (!e.EventName || !wanted.has(e.EventName) || seen.has(e.EventId ?? '')) continue;
          seen.add(e.EventId ?? '');
          events.push(e);
        }
      } catch (err) {
        const e = err as { name?: string; message?: string };
        const permission = e.name === 'CannotEnterAccount' ? 'sts:AssumeRole' : 'cloudtrail:LookupEvents';
        problems.push(
          `recent changes of ${t.name} (${t.region}): ${e.name ?? 'Error'}: ${e.message ?? String(err)} (needs ${permission})`,
        );
      }
    }
    events.sort((a, b) => (a.EventTime?.getTime() ?? 0) - (b.EventTime?.getTime() ?? 0));
    return { events, problems };
  }
}

/** For tests: forget cached lookups. */
export function clearChangeLookupCache(): void {
  cache.clear();
  sessions.clear();
}
