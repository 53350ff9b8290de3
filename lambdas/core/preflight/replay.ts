/**
 * Preflight replay (issue 18): recorded S3 requests in, the requests a proposed policy change would deny,
 * newly allow, or leave undecided out.
 *
 * Collapse first, then decide: each recorded request is reduced to its collapse key (./collapse.ts); only the
 * first occurrence of a distinct request is decided, the others are counted. A log file's records come as
 * texts (lambdas/core/event/requests.ts); a text seen before (but for its event id, time, request ids and byte
 * counts) is counted without being parsed. Memory grows with the distinct requests, not with the records.
 *
 * Each distinct request is decided twice by the same engine (`evaluateNeeds`, lambdas/core/analyze.ts): with
 * the facts of the view (snapshot or live account), and with the same facts after the proposals replace the
 * current documents (./substitute.ts). A request that ends up denied is analysed with `analyze` on the facts
 * after the change, so its root causes are exactly those `explain` would give for the denial. When the engine
 * cannot decide today's outcome, AWS's own recorded outcome stands for it (when all occurrences agree).
 */
import { LRUCache } from 'lru-cache';
import { analyze, evaluateNeeds } from '../analyze';
import type { NeedEvaluation } from '../checkers/types';
import { parseEnhancedMessage } from '../event';
import type { JsonObject } from '../event/fields';
import { recordsOfText, toRecordedRequest, type RecordedOutcome } from '../event/requests';
import type { OnSkip } from '../event/skipped';
import { isKnown, type AccessRequest, type RequestFacts, type RootCause } from '../model';
import { matchesFilter, NO_FILTER, type DenialFilter } from '../report/filter';
import { collapseKey, occurrenceFree, policiesUseTime } from './collapse';
import { substitute, type FactsSource, type Proposal } from './substitute';
import { ownValue, setOwn } from '../own';
import type {
  AllowingStatement,
  Disagreement,
  PreflightItem,
  PreflightReport,
  PreflightSample,
  SideDecision,
} from './types';

export interface ReplayOptions {
  /** Today's account: a snapshot view or the live account view. */
  readonly view: FactsSource;
  readonly proposals: readonly Proposal[];
  /** List the requests denied before and after (default: only counted). */
  readonly verbose?: boolean;
  /** --bucket, --principal, --since, --until (error codes are not a filter here). */
  readonly filter?: DenialFilter;
  /** How many disagreements to show (default 5). */
  readonly disagreementSamples?: number;
  /** Texts remembered for skipping repeats (default 50,000). */
  readonly memoSize?: number;
}

interface Side {
  readonly decision: SideDecision;
  readonly missing: readonly string[];
}

interface Counts {
  allowed: number;
  denied: number;
  error: number;
}

/** One distinct request: its counts, and what was decided for it on its first occurrence. */
interface Group {
  count: number;
  readonly recorded: Counts;
  firstSeen: string;
  lastSeen: string;
  readonly unmapped: string | null;
  readonly before: Side;
  /** null: no proposal reaches the request (after = before). */
  readonly after: Side | null;
  /** Proposals whose reach is not known (the request is then `unknown`). */
  readonly reachUnknown: readonly string[];
  readonly applied: readonly string[];
  readonly item: Omit<PreflightItem, 'count' | 'recorded' | 'firstSeen' | 'lastSeen' | 'before'>;
}

const NO_COUNTS = (): Counts => ({ allowed: 0, denied: 0, error: 0 });
const isDenied = (d: SideDecision | 'denied'): boolean =>
  d === 'explicitly-denied' || d === 'implicitly-denied' || d === 'denied';

/** The request's decision over all its needs (and the KMS calls S3 makes for it): a denial of any is a denial. */
export function decisionOf(evaluations: readonly NeedEvaluation[]): Side {
  const decisions = evaluations.map((e) => e.result.decision);
  let decision: SideDecision = 'allowed';
  if (decisions.includes('explicitly-denied')) decision = 'explicitly-denied';
  else if (decisions.includes('implicitly-denied')) decision = 'implicitly-denied';
  else if (decisions.includes('unknown') || decisions.length === 0) decision = 'unknown';
  if (decision !== 'unknown') return { decision, missing: [] };
  const missing = new Set<string>();
  for (const e of evaluations)
    for (const l of e.result.layers)
      if (l.result === 'unknown')
        for (const m of l.missing ?? [`${l.layer}: ${l.note ?? 'could not be evaluated'}`]) missing.add(m);
  if (evaluations.length === 0) missing.add('the request needs no S3 action the engine knows');
  return { decision, missing: [...missing] };
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function decide(request: AccessRequest, facts: RequestFacts): { side: Side; evaluations: NeedEvaluation[] } {
  try {
    const evaluations = evaluateNeeds(request, facts);
    return { side: decisionOf(evaluations), evaluations };
  } catch (err) {
    return {
      side: { decision: 'unknown', missing: [`evaluation failed: ${errorText(err)}`] },
      evaluations: [],
    };
  }
}

/** Whether two evaluations of one request give every layer of every need the same outcome. */
export function sameLayers(a: readonly NeedEvaluation[], b: readonly NeedEvaluation[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    return (
      x.need.action === y.need.action &&
      x.need.resource === y.need.resource &&
      x.result.decision === y.result.decision &&
      x.result.layers.length === y.result.layers.length &&
      x.result.layers.every(
        (l, j) => l.layer === y.result.layers[j]!.layer && l.result === y.result.layers[j]!.result,
      )
    );
  });
}

/** The request as a denial (what `explain` would analyse had AWS denied it), for the root causes after the change. */
export function asDenial(request: AccessRequest): AccessRequest {
  const { evidence: _evidence, ...rest } = request;
  return {
    ...rest,
    errorCode: 'AccessDenied',
    errorMessage: null,
    enhancedMessage: parseEnhancedMessage('AccessDenied', null),
  };
}

/** The Allow statements of the layers the change turned to "allowed" (the ones that widen access). */
function allowingStatements(
  evaluations: readonly NeedEvaluation[],
  before: readonly NeedEvaluation[],
): AllowingStatement[] {
  const out = new Map<string, AllowingStatement>();
  for (const [i, e] of evaluations.entries())
    for (const l of e.result.layers) {
      const was = before[i]?.result.layers.find((x) => x.layer === l.layer)?.result;
      if (was === 'allowed') continue;
      if (l.result !== 'allowed') continue;
      for (const p of l.policies)
        for (const s of p.statements) {
          if (s.effect !== 'Allow' || s.matched !== true) continue;
          const a = {
            layer: l.layer,
            policy: p.policy.arn ?? p.policy.name,
            statement: s.sid ?? `#${s.index}`,
          };
          out.set(`${a.layer}|${a.policy}|${a.statement}`, a);
        }
    }
  return [...out.values()];
}

export function principalName(request: AccessRequest): string {
  const p = request.principal;
  if (p.type === 'Anonymous') return 'anonymous';
  return p.arn ?? p.identityArn ?? p.invokedBy ?? p.principalId ?? p.accountId ?? 'unknown';
}

function sampleOf(r: AccessRequest): PreflightSample {
  return {
    eventId: r.eventId,
    eventTime: r.eventTime,
    eventName: r.eventName,
    region: r.region,
    sourceIp: r.sourceIp,
    vpcEndpointId: r.vpcEndpointId,
    accessPointArn: r.accessPointArn,
    secureTransport: r.secureTransport,
    tlsVersion: r.tlsVersion,
    userAgent: r.userAgent,
  };
}

/** Whether the caller is outside the bucket's account / organization (null when the facts do not tell). */
function outside(
  request: AccessRequest,
  facts: RequestFacts,
): { account: boolean | null; org: boolean | null } {
  if (request.principal.type === 'Anonymous') return { account: true, org: true };
  const bucket = request.bucket !== null ? ownValue(facts.buckets, request.bucket) : undefined;
  const bucketAccount =
    bucket && isKnown(bucket) && isKnown(bucket.value.accountId)
      ? bucket.value.accountId.value
      : request.bucketAccountId;
  const caller =
    facts.principal && isKnown(facts.principal)
      ? facts.principal.value.accountId
      : request.principal.accountId;
  const account = bucketAccount === null || caller === null ? null : caller !== bucketAccount;
  if (account === false) return { account, org: false };
  const p = facts.principalOrganization;
  const r = facts.resourceOrganization;
  let org: boolean | null = null;
  if (isKnown(r) && r.value !== null && r.value.accountIds.length > 0 && caller !== null)
    // the bucket's organization lists its accounts: a caller's account not among them is outside it
    org = !r.value.accountIds.includes(caller);
  else if (isKnown(p) && isKnown(r)) {
    if (p.value === null || r.value === null) org = account === null ? null : true;
    else org = p.value.id !== r.value.id;
  } else if (isKnown(p) && p.value === null) org = true;
  return { account, org };
}

export class Replay {
  private readonly groups = new Map<string, Group>();
  private readonly memo: LRUCache<string, { group: Group | null; outcome: RecordedOutcome }>;
  private readonly filter: DenialFilter;
  private readonly requestFilter: DenialFilter | null;
  private records = 0;
  private requests = 0;
  /** For the bench and the tests: records counted from a remembered text, and distinct requests decided. */
  readonly stats = { textHits: 0, decided: 0, analysed: 0 };

  constructor(private readonly opts: ReplayOptions) {
    this.memo = new LRUCache({ max: opts.memoSize ?? 50_000 });
    this.filter = opts.filter ?? NO_FILTER;
    const f = this.filter;
    this.requestFilter =
      f.buckets.length > 0 || f.principals.length > 0
        ? { ...f, since: null, until: null, errorCodes: [] }
        : null;
  }

  private inWindow(eventTime: string | null): boolean {
    const { since, until } = this.filter;
    if (since === null && until === null) return true;
    const t = Date.parse(eventTime ?? '');
    if (Number.isNaN(t)) return false;
    return !((since !== null && t < since.getTime()) || (until !== null && t > until.getTime()));
  }

  /**
   * One element of a CloudTrail log file, as text. Returns a promise only when the text is new (the request is
   * then decided); a repeat is counted at once.
   */
  text(item: { text: string; index: number }, source: string, onSkip?: OnSkip): Promise<void> | undefined {
    const { text, eventTime } = occurrenceFree(item.text);
    const hit = this.memo.get(text);
    if (hit !== undefined) {
      this.stats.textHits += 1;
      this.records += 1;
      if (hit.group !== null && this.inWindow(eventTime)) this.count(hit.group, hit.outcome, eventTime ?? '');
      return undefined;
    }
    const records = recordsOfText(item, source, onSkip);
    if (records.length !== 1) return this.many(records);
    return this.one(records[0]!, text);
  }

  /** One record already parsed (inputs that are not log files). */
  record(record: JsonObject): Promise<void> {
    return this.one(record, null);
  }

  private async many(records: readonly JsonObject[]): Promise<void> {
    for (const r of records) await this.one(r, null);
  }

  private async one(record: JsonObject, text: string | null): Promise<void> {
    this.records += 1;
    const recorded = toRecordedRequest(record);
    const request = recorded?.request ?? null;
    const keep =
      request !== null && (this.requestFilter === null || matchesFilter(request, this.requestFilter));
    if (!keep || recorded === null) {
      if (text !== null) this.memo.set(text, { group: null, outcome: 'error' });
      return;
    }
    const key = collapseKey(recorded.request);
    let group = this.groups.get(key);
    if (!group) {
      group = await this.decideGroup(recorded.request);
      this.groups.set(key, group);
    }
    if (text !== null) this.memo.set(text, { group, outcome: recorded.outcome });
    if (this.inWindow(recorded.request.eventTime))
      this.count(group, recorded.outcome, recorded.request.eventTime);
  }

  private count(group: Group, outcome: RecordedOutcome, eventTime: string): void {
    this.requests += 1;
    group.count += 1;
    group.recorded[outcome] += 1;
    if (group.firstSeen === '' || eventTime < group.firstSeen) group.firstSeen = eventTime;
    if (eventTime > group.lastSeen) group.lastSeen = eventTime;
  }

  private async decideGroup(request: AccessRequest): Promise<Group> {
    this.stats.decided += 1;
    const base = {
      count: 0,
      recorded: NO_COUNTS(),
      firstSeen: '',
      lastSeen: '',
    };
    const actions = request.actions.filter((a) => !a.startsWith('kms:'));
    const resources = request.resources;
    const itemBase = {
      principal: principalName(request),
      action: actions[0] ?? request.eventName,
      resource: resources[0] ?? '*',
      ...(actions.length > 1 ? { actions } : {}),
      ...(resources.length > 1 ? { resources } : {}),
      sample: sampleOf(request),
    };
    const unmappedSide: Side = {
      decision: 'unknown',
      missing: ['the operation is not mapped to IAM actions'],
    };
    if (!request.mapped || request.needs.length === 0) {
      return {
        ...base,
        unmapped: request.eventName || '(no eventName)',
        before: unmappedSide,
        after: null,
        reachUnknown: [],
        applied: [],
        item: {
          ...itemBase,
          after: { decision: 'unknown', rootCauses: [] },
          changes: [],
          outsideAccount: null,
          outsideOrganization: null,
        },
      };
    }
    let facts: RequestFacts;
    try {
      facts = await this.opts.view.gather(request);
    } catch (err) {
      const side: Side = {
        decision: 'unknown',
        missing: [`the account facts could not be read: ${errorText(err)}`],
      };
      return {
        ...base,
        unmapped: null,
        before: side,
        after: side,
        reachUnknown: this.opts.proposals.map((p) => p.label),
        applied: [],
        item: {
          ...itemBase,
          after: { decision: 'unknown', rootCauses: [], missing: side.missing },
          changes: [],
          outsideAccount: null,
          outsideOrganization: null,
        },
      };
    }
    const before = decide(request, facts);
    const sub = substitute(request, facts, this.opts.proposals);
    const reachUnknown = sub.unknown.map((u) => u.label);
    let after = sub.applied.length > 0 ? decide(request, sub.facts) : null;
    // A change that alters no layer's outcome for this request leaves its decision as it is, whatever the
    // engine could not read (e.g. a session policy the snapshot lacks, which AWS's recorded outcome covers).
    if (after !== null && reachUnknown.length === 0 && sameLayers(before.evaluations, after.evaluations))
      after = null;
    const reached = after !== null;
    const afterSide: Side =
      after?.side ??
      (reachUnknown.length > 0
        ? { decision: 'unknown', missing: sub.unknown.map((u) => `${u.label}: ${u.missing}`) }
        : before.side);
    const afterFacts = reached ? sub.facts : facts;
    const where = outside(request, afterFacts);
    // Root causes: for every request that ends up denied and was not (surely) denied before.
    let rootCauses: readonly RootCause[] = [];
    if (reached && isDenied(afterSide.decision) && !isDenied(before.side.decision)) {
      this.stats.analysed += 1;
      rootCauses = analyze(asDenial(request), sub.facts).rootCauses;
    }
    const widened = reached && afterSide.decision === 'allowed' && before.side.decision !== 'allowed';
    const timeDependent = policiesUseTime(facts) || (reached && policiesUseTime(sub.facts));
    const missing = [...afterSide.missing, ...sub.unknown.map((u) => `${u.label}: ${u.missing}`)];
    return {
      ...base,
      unmapped: null,
      before: before.side,
      after: reached || reachUnknown.length > 0 ? afterSide : null, // null: the outcome does not change
      reachUnknown,
      applied: sub.applied,
      item: {
        ...itemBase,
        after: {
          decision: afterSide.decision,
          rootCauses,
          ...(widened && after
            ? { allowedBy: allowingStatements(after.evaluations, before.evaluations) }
            : {}),
          ...(missing.length > 0 ? { missing: [...new Set(missing)] } : {}),
        },
        changes: sub.applied,
        outsideAccount: where.account,
        outsideOrganization: where.org,
        ...(timeDependent ? { timeDependent: true as const } : {}),
      },
    };
  }

  report(): PreflightReport {
    const newlyDenied: PreflightItem[] = [];
    const newlyAllowed: PreflightItem[] = [];
    const unknownItems: PreflightItem[] = [];
    const stillDeniedItems: PreflightItem[] = [];
    const tally = () => ({ requests: 0, distinct: 0 });
    const stillAllowed = tally();
    const stillDenied = tally();
    const undecided = tally();
    const unmapped = { ...tally(), eventNames: {} as Record<string, number> };
    const disagreements = { ...tally(), sample: [] as Disagreement[] };
    const reached = new Map<string, { requests: number; distinct: number }>(
      this.opts.proposals.map((p) => [p.label, tally()]),
    );
    const add = (t: { requests: number; distinct: number }, g: Group): void => {
      t.requests += g.count;
      t.distinct += 1;
    };
    let distinct = 0;
    for (const g of this.groups.values()) {
      if (g.count === 0) continue; // every occurrence was outside --since / --until
      distinct += 1;
      if (g.unmapped !== null) {
        add(unmapped, g);
        setOwn(unmapped.eventNames, g.unmapped, (ownValue(unmapped.eventNames, g.unmapped) ?? 0) + g.count);
        continue;
      }
      for (const label of g.applied) add(reached.get(label)!, g);
      // Disagreement with what AWS recorded, before any change.
      const wrong =
        g.before.decision === 'allowed'
          ? g.recorded.denied
          : isDenied(g.before.decision)
            ? g.recorded.allowed
            : 0;
      if (wrong > 0) {
        disagreements.requests += wrong;
        disagreements.distinct += 1;
        if (disagreements.sample.length < (this.opts.disagreementSamples ?? 5))
          disagreements.sample.push({
            principal: g.item.principal,
            action: g.item.action,
            resource: g.item.resource,
            recorded: { ...g.recorded },
            engine: g.before.decision,
            count: wrong,
            sample: g.item.sample,
          });
      }
      const before = this.beforeOf(g);
      const item = (): PreflightItem => ({
        principal: g.item.principal,
        action: g.item.action,
        resource: g.item.resource,
        ...(g.item.actions ? { actions: g.item.actions } : {}),
        ...(g.item.resources ? { resources: g.item.resources } : {}),
        count: g.count,
        recorded: { ...g.recorded },
        firstSeen: g.firstSeen,
        lastSeen: g.lastSeen,
        sample: g.item.sample,
        before,
        after: g.item.after,
        changes: g.item.changes,
        outsideAccount: g.item.outsideAccount,
        outsideOrganization: g.item.outsideOrganization,
        ...(g.item.timeDependent ? { timeDependent: true as const } : {}),
      });
      if (g.after === null) {
        // no proposal reaches it, or none alters a layer's outcome: the outcome does not change
        if (before.decision === 'allowed') add(stillAllowed, g);
        else if (isDenied(before.decision)) {
          add(stillDenied, g);
          if (this.opts.verbose) stillDeniedItems.push(item());
        } else add(undecided, g);
        continue;
      }
      const b = before.decision;
      const a = g.after.decision;
      if (g.reachUnknown.length > 0 || b === 'unknown' || a === 'unknown') unknownItems.push(item());
      else if (b === 'allowed' && isDenied(a)) newlyDenied.push(item());
      else if (isDenied(b) && a === 'allowed') newlyAllowed.push(item());
      else if (b === 'allowed') add(stillAllowed, g);
      else {
        add(stillDenied, g);
        if (this.opts.verbose) stillDeniedItems.push(item());
      }
    }
    const byCount = (x: PreflightItem, y: PreflightItem): number =>
      y.count - x.count || (x.principal < y.principal ? -1 : x.principal > y.principal ? 1 : 0);
    return {
      records: this.records,
      requests: this.requests,
      distinct,
      newlyDenied: newlyDenied.sort(byCount),
      newlyAllowed: newlyAllowed.sort(byCount),
      unknown: unknownItems.sort(byCount),
      stillAllowed,
      stillDenied: this.opts.verbose
        ? { ...stillDenied, items: stillDeniedItems.sort(byCount) }
        : stillDenied,
      undecided,
      unmapped,
      disagreements,
      changes: this.opts.proposals.map((p) => ({ change: p.label, reached: reached.get(p.label)! })),
    };
  }

  /** Today's decision: the engine's; when it cannot decide, AWS's recorded outcome when every occurrence agrees. */
  private beforeOf(g: Group): PreflightItem['before'] {
    const engine = g.before;
    if (engine.decision !== 'unknown') return { decision: engine.decision, basis: 'engine' };
    const r = g.recorded;
    const missing = engine.missing.length > 0 ? { missing: engine.missing } : {};
    if (r.allowed > 0 && r.denied === 0 && r.error === 0)
      return { decision: 'allowed', basis: 'recorded', ...missing };
    if (r.denied > 0 && r.allowed === 0 && r.error === 0)
      return { decision: 'denied', basis: 'recorded', ...missing };
    return { decision: 'unknown', basis: 'engine', ...missing };
  }
}
