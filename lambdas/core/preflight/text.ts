/**
 * `preflight --format text`: the report for a person. What the change breaks comes first (newly denied, each
 * with the cause `explain` would give), then what it opens (newly allowed, flagged when the caller is outside
 * the account or the organization), then what cannot be told, then the counts and how far to trust them.
 */
import type { RootCause } from '../model';
import { safeDeep } from '../render/safe';
import type { PreflightItem, PreflightReport, Tally } from './types';

/** A count as people read it (12,345), and with its noun (1 request, 2 requests). */
export const n = (x: number): string => x.toLocaleString('en-US');
export const plural = (x: number, word: string): string => `${n(x)} ${word}${x === 1 ? '' : 's'}`;
const tally = (t: Tally): string =>
  `${plural(t.requests, 'request')} (${plural(t.distinct, 'distinct request')})`;

/** Items shown per list in text (all with --verbose; json always lists all). */
export const TEXT_ITEMS = 20;

function when(i: PreflightItem): string {
  if (i.firstSeen === '' || i.firstSeen === i.lastSeen) return i.firstSeen || 'time not recorded';
  return `${i.firstSeen} … ${i.lastSeen}`;
}

function where(i: PreflightItem): string {
  const s = i.sample;
  const parts: string[] = [];
  if (s.vpcEndpointId) parts.push(`through ${s.vpcEndpointId}`);
  if (s.sourceIp) parts.push(`from ${s.sourceIp}`);
  if (s.accessPointArn) parts.push(`via ${s.accessPointArn}`);
  if (s.secureTransport === false) parts.push('over plain HTTP');
  return parts.join(', ');
}

function cause(c: RootCause, indent: string): string[] {
  const lines = [`${indent}${c.id} (${c.confidence}): ${c.title}`];
  for (const e of c.evidence.filter((x) => x.statement !== undefined || x.policy !== undefined).slice(0, 3)) {
    const at = [e.policy, e.statement ? `statement ${e.statement}` : undefined].filter(Boolean).join(', ');
    lines.push(`${indent}  ${e.layer}${at ? ` (${at})` : ''}: ${e.detail}`);
  }
  return lines;
}

function head(i: PreflightItem, k: number): string[] {
  const actions = i.actions ? i.actions.join(', ') : i.action;
  const lines = [`  ${k}. ${i.principal}  ${actions}  ${i.resource}`];
  const w = where(i);
  lines.push(`     ${plural(i.count, 'request')}, ${when(i)}${w ? `, ${w}` : ''}`);
  return lines;
}

/**
 * A denied item. For the newly denied (`fixes` given): how to keep the caller working, when the engine verified the
 * change with the proposal in place; a change already shown for an earlier item is named by that item's number.
 */
const denied =
  (fixes: Map<string, number> | null) =>
  (i: PreflightItem, k: number): string[] => {
    const lines = head(i, k);
    const basis =
      i.before.basis === 'recorded' ? ' (as AWS recorded it; the engine could not decide today)' : '';
    lines.push(`     today: ${i.before.decision}${basis}; after the change: ${i.after.decision}`);
    const top = i.after.rootCauses.filter((c) => c.confidence !== 'possible');
    const shown = (top.length > 0 ? top : i.after.rootCauses).slice(0, 2);
    for (const c of shown) lines.push(...cause(c, '     '));
    const fix = fixes !== null ? shown.find((c) => c.fix.verified)?.fix : undefined;
    if (fixes !== null && fix !== undefined) {
      const earlier = fixes.get(fix.summary);
      if (earlier === undefined) fixes.set(fix.summary, k);
      lines.push(
        `     to keep it working (verified with the change in place): ${earlier === undefined ? fix.summary : `as for ${earlier} above`}`,
      );
    }
    if (i.timeDependent)
      lines.push('     (a policy reads the request time: decided at the first occurrence)');
    return lines;
  };

function allowed(i: PreflightItem, k: number): string[] {
  const lines = head(i, k);
  const flags = [
    i.outsideOrganization === true
      ? 'OUTSIDE THE ORGANIZATION'
      : i.outsideAccount === true
        ? 'outside the bucket account'
        : null,
    i.principal === 'anonymous' ? 'ANONYMOUS (public access)' : null,
  ].filter(Boolean);
  lines.push(
    `     today: ${i.before.decision}; after the change: allowed${flags.length ? ` — ${flags.join(', ')}` : ''}`,
  );
  for (const a of i.after.allowedBy ?? [])
    lines.push(`     allowed by ${a.layer} ${a.policy}, statement ${a.statement}`);
  return lines;
}

function unknownItem(i: PreflightItem, k: number): string[] {
  const lines = head(i, k);
  lines.push(`     today: ${i.before.decision}; after the change: ${i.after.decision}`);
  for (const c of i.after.rootCauses.filter((x) => x.confidence !== 'possible').slice(0, 1))
    lines.push(...cause(c, '     '));
  for (const m of (i.after.missing ?? i.before.missing ?? []).slice(0, 3)) lines.push(`     missing: ${m}`);
  return lines;
}

function list(
  title: string,
  items: readonly PreflightItem[],
  render: (i: PreflightItem, k: number) => string[],
  verbose: boolean,
): string[] {
  const requests = items.reduce((a, i) => a + i.count, 0);
  if (items.length === 0) return [`${title}: none`];
  const shown = verbose ? items : items.slice(0, TEXT_ITEMS);
  const lines = [`${title}: ${plural(requests, 'request')} (${plural(items.length, 'distinct request')})`];
  shown.forEach((i, k) => lines.push(...render(i, k + 1)));
  if (shown.length < items.length)
    lines.push(`  … and ${n(items.length - shown.length)} more (--verbose or --format json lists them all)`);
  return lines;
}

export function renderPreflightText(untrusted: PreflightReport, opts: { verbose?: boolean } = {}): string {
  // principals, resources, keys and policy text came from the traffic or a policy (SECURITY.md)
  const r = safeDeep(untrusted);
  const verbose = opts.verbose === true;
  const out: string[] = [];
  out.push(
    `Preflight: ${plural(r.requests, 'recorded S3 request')} (${plural(r.distinct, 'distinct request')}) replayed before and after ${plural(r.changes.length, 'proposed change')}`,
  );
  for (const c of r.changes) out.push(`  ${c.change}: reaches ${tally(c.reached)}`);
  out.push('');
  out.push(...list('NEWLY DENIED', r.newlyDenied, denied(new Map()), verbose));
  out.push('');
  out.push(...list('NEWLY ALLOWED', r.newlyAllowed, allowed, verbose));
  out.push('');
  out.push(...list('UNKNOWN (a missing fact hides the outcome)', r.unknown, unknownItem, verbose));
  if (r.stillDenied.items && r.stillDenied.items.length > 0) {
    out.push('');
    out.push(...list('STILL DENIED', r.stillDenied.items, denied(null), verbose));
  }
  out.push('');
  out.push(
    `Unchanged: ${tally(r.stillAllowed)} still allowed; ${tally(r.stillDenied)} still denied${
      r.stillDenied.items || r.stillDenied.distinct === 0 ? '' : ' (--verbose lists them)'
    }.`,
  );
  if (r.undecided.requests > 0)
    out.push(
      `Not changed by the proposal, and undecided today (missing facts; AWS's record mixed or absent): ${tally(r.undecided)}.`,
    );
  if (r.unmapped.requests > 0)
    out.push(
      `Not replayed (operations not mapped to IAM actions): ${tally(r.unmapped)}: ${Object.entries(
        r.unmapped.eventNames,
      )
        .map(([k, v]) => `${k} ×${n(v)}`)
        .join(', ')}.`,
    );
  const d = r.disagreements;
  if (d.requests === 0)
    out.push('Disagreements with the recorded outcome: none (the replay agrees with what AWS decided).');
  else {
    out.push(
      `Disagreements with the recorded outcome: ${tally(d)}: the snapshot is older than the traffic, or the engine is wrong there; trust the replay accordingly.`,
    );
    for (const s of d.sample)
      out.push(
        `  ${s.principal}  ${s.action}  ${s.resource}: recorded ${s.recorded.allowed} allowed / ${s.recorded.denied} denied, the engine says ${s.engine} (e.g. ${s.sample.eventId} at ${s.sample.eventTime})`,
      );
  }
  return `${out.join('\n')}\n`;
}
