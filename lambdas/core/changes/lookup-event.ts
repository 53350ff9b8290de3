/** CloudTrail LookupEvents `Events[]` entries (as the API and SNAPSHOT.md `recentChanges` hold them) -> ChangeRecord. */
import type { ChangeRecord } from '../model';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function isoTime(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === 'number') return new Date(v * (v < 1e12 ? 1000 : 1)).toISOString();
  return s(v);
}

/** Returns null for entries that are not usable (no event name or time). Never throws. */
export function changeRecordFromLookupEvent(e: unknown): ChangeRecord | null {
  if (!e || typeof e !== 'object') return null;
  const o = e as Record<string, unknown>;
  let record: Record<string, unknown> | null = null;
  const raw = o['CloudTrailEvent'];
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        record = parsed as Record<string, unknown>;
    } catch {
      record = null;
    }
  } else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    record = raw as Record<string, unknown>;
  }
  const eventName = s(o['EventName']) ?? s(record?.['eventName']);
  const eventTime = isoTime(o['EventTime']) ?? s(record?.['eventTime']);
  if (!eventName || !eventTime) return null;
  const resources = Array.isArray(o['Resources'])
    ? (o['Resources'] as unknown[]).map((r) => {
        const x = (r ?? {}) as Record<string, unknown>;
        return { type: s(x['ResourceType']), name: s(x['ResourceName']) };
      })
    : [];
  return {
    eventId: s(o['EventId']) ?? s(record?.['eventID']) ?? `${eventName}@${eventTime}`,
    eventName,
    eventTime,
    username: s(o['Username']),
    resources,
    record,
  };
}
