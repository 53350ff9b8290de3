/**
 * `preflight --format html`: one self-contained page in the style of `explain --format html` (its CSS and its
 * root-cause rendering, ./html.ts): the summary, then tables of the requests the change newly denies (each
 * expandable to the causes `explain` gives), newly allows (flagged when the caller is outside the account or
 * the organization) and cannot decide, then the counts and the disagreements with the recorded outcomes.
 *
 * Nothing is loaded when the page is opened (no script at all; a Content-Security-Policy forbids any request),
 * and every string from the traffic or a policy is HTML-escaped (escape-html) wherever it is written.
 */
import { n, plural } from '../core/preflight/text';
import type { PreflightItem, PreflightReport, Tally } from '../core/preflight/types';
import { causeHtml, CSS, h } from './html';

const tally = (t: Tally): string => `${plural(t.requests, 'request')} (${n(t.distinct)} distinct)`;

const EXTRA_CSS = `.flag{font-weight:600;color:#cf222e}td.from{white-space:nowrap}`;

function from(i: PreflightItem): string {
  const s = i.sample;
  return [
    s.vpcEndpointId ? `via ${s.vpcEndpointId}` : null,
    s.sourceIp,
    s.secureTransport === false ? 'HTTP' : null,
  ]
    .filter(Boolean)
    .join(' ');
}

function flags(i: PreflightItem): string {
  const out: string[] = [];
  if (i.principal === 'anonymous') out.push('anonymous (public)');
  if (i.outsideOrganization === true) out.push('outside the organization');
  else if (i.outsideAccount === true) out.push('outside the account');
  return out.map((f) => `<span class="flag">${h(f)}</span>`).join(' ');
}

function table(
  id: string,
  items: readonly PreflightItem[],
  last: string,
  cell: (i: PreflightItem) => string,
): string {
  if (items.length === 0) return `<p class="meta" id="${id}">None.</p>`;
  const rows = items
    .map(
      (i, k) =>
        `<tr><td class="n">${n(i.count)}</td><td><a href="#${id}-${k + 1}"><code>${h(i.principal)}</code></a></td><td><code>${h(
          (i.actions ?? [i.action]).join(', '),
        )}</code></td><td><code>${h(i.resource)}</code></td><td class="from">${h(from(i))}</td><td>${cell(i)}</td></tr>`,
    )
    .join('');
  return `<table id="${id}"><thead><tr><th>Requests</th><th>Caller</th><th>Action</th><th>Resource</th><th>From</th><th>${h(
    last,
  )}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function details(id: string, items: readonly PreflightItem[]): string {
  return items
    .map((i, k) => {
      const definite = i.after.rootCauses.filter((c) => c.confidence !== 'possible');
      const causes = definite.length > 0 ? definite : i.after.rootCauses;
      const title = causes[0]?.title ?? `${i.before.decision} → ${i.after.decision}`;
      return [
        `<details id="${id}-${k + 1}"><summary>#${k + 1} · ${h(plural(i.count, 'request'))} · ${h(i.principal)} · ${h(title)}</summary>`,
        `<table><tbody>`,
        `<tr><th>Request</th><td>${h(i.sample.eventName)}: <code>${h((i.actions ?? [i.action]).join(', '))}</code> on <code>${h(
          (i.resources ?? [i.resource]).join(', '),
        )}</code></td></tr>`,
        `<tr><th>Seen</th><td>${h(i.firstSeen)} .. ${h(i.lastSeen)}; e.g. event ${h(i.sample.eventId)}</td></tr>`,
        `<tr><th>Recorded</th><td>${n(i.recorded.allowed)} allowed, ${n(i.recorded.denied)} denied, ${n(i.recorded.error)} other errors</td></tr>`,
        `<tr><th>Today</th><td>${h(i.before.decision)}${i.before.basis === 'recorded' ? ' (as AWS recorded it)' : ''}</td></tr>`,
        `<tr><th>After</th><td>${h(i.after.decision)} ${flags(i)}</td></tr>`,
        `<tr><th>Changes</th><td>${h(i.changes.join('; ') || 'none reached')}</td></tr>`,
        i.after.missing?.length ? `<tr><th>Missing</th><td>${h(i.after.missing.join('; '))}</td></tr>` : '',
        `</tbody></table>`,
        causes.map((c, j) => causeHtml(c, j + 1)).join(''),
        (i.after.allowedBy ?? []).length > 0
          ? `<p>Allowed by: ${(i.after.allowedBy ?? [])
              .map((a) => `<code>${h(`${a.layer} ${a.policy} ${a.statement}`)}</code>`)
              .join(', ')}</p>`
          : '',
        `</details>`,
      ].join('');
    })
    .join('\n');
}

export function renderPreflightHtml(
  r: PreflightReport,
  meta: { inputs: readonly string[]; now: Date },
): string {
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const summary = `${plural(r.requests, 'recorded S3 request')} (${n(r.distinct)} distinct) replayed: ${plural(
    r.newlyDenied.reduce((a, i) => a + i.count, 0),
    'request',
  )} newly denied, ${plural(
    r.newlyAllowed.reduce((a, i) => a + i.count, 0),
    'request',
  )} newly allowed, ${plural(
    r.unknown.reduce((a, i) => a + i.count, 0),
    'request',
  )} unknown.`;
  const inputs =
    meta.inputs.length > 5
      ? `${meta.inputs.slice(0, 5).join(', ')} and ${meta.inputs.length - 5} more`
      : meta.inputs.join(', ');
  const counts = [
    ['Still allowed', tally(r.stillAllowed)],
    ['Still denied', tally(r.stillDenied)],
    ['Not changed by the proposal, undecided today', tally(r.undecided)],
    ['Not replayed (operation not mapped)', tally(r.unmapped)],
    ['Disagreements with the recorded outcome', tally(r.disagreements)],
  ]
    .map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`)
    .join('');
  const disagreements = r.disagreements.sample
    .map(
      (d) =>
        `<li><code>${h(d.principal)}</code> <code>${h(d.action)}</code> <code>${h(d.resource)}</code>: recorded ${n(
          d.recorded.allowed,
        )} allowed / ${n(d.recorded.denied)} denied, the engine says ${h(d.engine)}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>s3-403 preflight: ${h(plural(r.newlyDenied.length, 'newly denied request'))}</title>
<style>${CSS}${EXTRA_CSS}</style></head>
<body>
<h1>Preflight: will this change break anyone?</h1>
<p class="summary" id="summary">${h(summary)}</p>
<p class="meta">Changes: ${h(r.changes.map((c) => `${c.change} (reaches ${tally(c.reached)})`).join('; '))}. Traffic: ${h(
    inputs || 'none',
  )}. Generated ${h(meta.now.toISOString())} by s3-403.</p>
<h2>Newly denied</h2>
${table('newly-denied', r.newlyDenied, 'Cause after the change', (i) => `<code>${h(i.after.rootCauses[0]?.id ?? i.after.decision)}</code>`)}
<h2>Newly allowed</h2>
${table('newly-allowed', r.newlyAllowed, 'Flags', flags)}
<h2>Unknown (a missing fact hides the outcome)</h2>
${table('unknown', r.unknown, 'Missing', (i) => h((i.after.missing ?? i.before.missing ?? []).join('; ')))}
<h2>Counts</h2>
<table id="counts"><tbody>${counts}</tbody></table>
${disagreements ? `<ul id="disagreements">${disagreements}</ul>` : ''}
<h2>Details</h2>
${details('newly-denied', r.newlyDenied)}
${details('newly-allowed', r.newlyAllowed)}
${details('unknown', r.unknown)}
</body></html>
`;
}
