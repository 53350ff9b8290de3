/**
 * `explain --group`: one entry per distinct problem, most frequent first (docs/CLI.md "Many denials at once").
 * A problem is the Lambda's dedup key (../problem-key.ts): root cause, deciding statement, principal, bucket
 * and action. Memory grows with the number of problems, not of denials: a group keeps its first finding,
 * a count, the first and last time, and at most 20 event ids.
 */
import type { Finding } from '../model';
import { keyOf, problemKey } from '../problem-key';

export const MAX_EVENT_IDS = 20;

/** One element of `groups` in the `--group --format json` output. */
export interface Group {
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** null when unexplained (or when the analysis failed). */
  readonly rootCause: string | null;
  readonly principal: string;
  readonly bucket: string;
  readonly actions: readonly string[];
  /** At most MAX_EVENT_IDS, in input order. */
  readonly eventIds: readonly string[];
  /** The first finding of the group. */
  readonly finding: Finding;
}

export interface GroupReport {
  /** CloudTrail records read (denials or not). */
  readonly records: number;
  /** Denials explained (after the filters). */
  readonly denials: number;
  /** Denials read that the filters (--bucket, --principal, --since, --until, --error-code) left out; absent when none. */
  readonly filteredOut?: number;
  readonly groups: readonly Group[];
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The counts of a report in words: "N records read, N denials (N more left out by the filters), N distinct problems". */
export function reportCounts(report: GroupReport): string {
  const left = report.filteredOut ? ` (${report.filteredOut} more left out by the filters)` : '';
  return `${plural(report.records, 'record')} read, ${plural(report.denials, 'denial')}${left}, ${plural(report.groups.length, 'distinct problem')}`;
}

/** What an empty result says: nothing in the input, or nothing the filters kept. */
export const noDenialText = (filteredOut: number): string =>
  filteredOut > 0
    ? `No S3 access denial matches the filters (${plural(filteredOut, 'denial')} in the input did not match).`
    : 'No S3 access denial found in the input.';

interface MutableGroup<T> {
  key: string;
  order: number;
  count: number;
  first: number;
  last: number;
  firstSeen: string;
  lastSeen: string;
  rootCause: string | null;
  principal: string;
  bucket: string;
  actions: readonly string[];
  eventIds: string[];
  finding: Finding;
  sample: T;
}

const time = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
};

/** Groups findings as they come; `T` is whatever the caller keeps with a group's first finding. */
export class Grouper<T = undefined> {
  private readonly byKey = new Map<string, MutableGroup<T>>();
  /** Event times (ms) of every denial, by root cause: the HTML timeline. */
  readonly times = new Map<string, number[]>();

  add(finding: Finding, sample: T): void {
    const problem = problemKey(finding);
    const key = keyOf(problem);
    const t = time(finding.eventTime);
    const cause = finding.error === undefined ? (finding.rootCauses[0]?.id ?? null) : null;
    const series = this.times.get(cause ?? 'unexplained');
    if (Number.isFinite(t)) {
      if (series) series.push(t);
      else this.times.set(cause ?? 'unexplained', [t]);
    }
    const g = this.byKey.get(key);
    if (!g) {
      this.byKey.set(key, {
        key,
        order: this.byKey.size,
        count: 1,
        first: t,
        last: t,
        firstSeen: finding.eventTime,
        lastSeen: finding.eventTime,
        rootCause: cause,
        principal: problem.principal,
        bucket: problem.bucket,
        actions: finding.request.actions.length > 0 ? finding.request.actions : [finding.request.eventName],
        eventIds: [finding.eventId],
        finding,
        sample,
      });
      return;
    }
    g.count += 1;
    if (g.eventIds.length < MAX_EVENT_IDS) g.eventIds.push(finding.eventId);
    if (t < g.first || !Number.isFinite(g.first)) {
      g.first = t;
      g.firstSeen = finding.eventTime;
    }
    if (t > g.last || !Number.isFinite(g.last)) {
      g.last = t;
      g.lastSeen = finding.eventTime;
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Most frequent first; ties in order of first appearance. */
  groups(): (Group & { readonly key: string; readonly sample: T })[] {
    return [...this.byKey.values()]
      .sort((a, b) => b.count - a.count || a.order - b.order)
      .map((g) => ({
        key: g.key,
        sample: g.sample,
        count: g.count,
        firstSeen: g.firstSeen,
        lastSeen: g.lastSeen,
        rootCause: g.rootCause,
        principal: g.principal,
        bucket: g.bucket,
        actions: g.actions,
        eventIds: g.eventIds,
        finding: g.finding,
      }));
  }

  /** The contract's JSON shape (docs/CLI.md). */
  report(records: number, denials: number, filteredOut = 0): GroupReport {
    return {
      records,
      denials,
      ...(filteredOut > 0 ? { filteredOut } : {}),
      groups: this.groups().map(({ key: _key, sample: _sample, ...g }) => g),
    };
  }
}
