/**
 * `explain --format html`: one self-contained page for someone who was not there. A summary line, the
 * groups table (most frequent problem first), a timeline of denials per root cause (inline SVG drawn here),
 * and each problem's finding expandable (<details>) with its causes, evidence, fix and every check.
 *
 * Nothing is loaded when the page is opened: CSS and the one small script are inline, and a
 * Content-Security-Policy (default-src 'none'; the script allowed by its hash) forbids any request.
 * Every string that came from a request or a policy (keys, ARNs, policy text, messages) is HTML-escaped
 * (escape-html) wherever it is written, text or attribute.
 */
import { jsonText, safeLines } from '../core/render/safe';
import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import type { Check, Finding, RootCause } from '../core/model';
import { callerLabel, fromText } from '../core/render/text';
import type { DenialFilter } from '../core/report/filter';
import { noDenialText, plural, reportCounts, type Group, type GroupReport } from '../core/report/group';

/**
 * Text into HTML: markup escaped, and every control, bidi and separator character shown as a visible escape as in
 * the terminal (`safeLines`: a key `evil\u202Egpj.exe` must not read as `evilexe.jpg`); line breaks kept for <pre>.
 */
export const h = (s: unknown): string => escapeHtml(safeLines(String(s ?? '')));

const PALETTE = [
  '#d62728',
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
];

export const CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#fff}
body{margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:1.5rem;margin:0 0 4px}h2{font-size:1.15rem;margin:28px 0 8px}
.summary{font-size:1.05rem;margin:8px 0 4px}.meta{color:#666;font-size:.85rem;margin:0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#f5f5f7;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
td code,li code{overflow-wrap:anywhere}
.cause{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;padding:1px 6px;border-radius:4px;color:#fff;white-space:nowrap}
details{border:1px solid #ddd;border-radius:6px;margin:10px 0;padding:0 12px}
details[open]{padding-bottom:12px}summary{cursor:pointer;padding:10px 0;font-weight:600}
pre{background:#f6f8fa;border:1px solid #e5e5e5;border-radius:4px;padding:8px;overflow-x:auto;font-size:.8rem;white-space:pre-wrap;word-break:break-all}
.ok{color:#1a7f37}.bad{color:#cf222e}.unk{color:#9a6700}.na{color:#777}
.legend span{display:inline-block;margin-right:14px;font-size:.85rem}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
svg text{font-size:11px;fill:#555}
`;

/** Opens the finding a table link points at (no navigation, no request: only the page's own anchors). */
const SCRIPT = `(function(){function openTarget(){var id=location.hash.slice(1);if(!/^g[0-9]+$/.test(id))return;var d=document.getElementById(id);if(d){d.open=true;d.scrollIntoView();}}window.addEventListener('hashchange',openTarget);openTarget();})();`;

function colorOf(causes: readonly string[]): (cause: string) => string {
  return (cause) => PALETTE[Math.max(0, causes.indexOf(cause)) % PALETTE.length]!;
}

function timeline(times: ReadonlyMap<string, readonly number[]>, color: (c: string) => string): string {
  const series = [...times.entries()].filter(([, t]) => t.length > 0);
  if (series.length === 0) return '<p class="meta">No denial with a usable time.</p>';
  let min = Infinity;
  let max = -Infinity;
  for (const [, ts] of series)
    for (const t of ts) {
      if (t < min) min = t;
      if (t > max) max = t;
    }
  const bins = max > min ? 60 : 1;
  const span = Math.max(1, max - min);
  const counts = series.map(([cause, ts]) => {
    const c = new Array<number>(bins).fill(0);
    for (const t of ts) c[Math.min(bins - 1, Math.floor(((t - min) / span) * bins))]! += 1;
    return { cause, c };
  });
  const totals = new Array<number>(bins).fill(0).map((_, i) => counts.reduce((a, s) => a + s.c[i]!, 0));
  const peak = Math.max(1, ...totals);
  const W = 1000;
  const H = 200;
  const left = 40;
  const bw = (W - left - 10) / bins;
  const bars: string[] = [];
  for (let i = 0; i < bins; i++) {
    let y = H - 20;
    for (const s of counts) {
      const n = s.c[i]!;
      if (n === 0) continue;
      const hgt = ((H - 40) * n) / peak;
      y -= hgt;
      const at = new Date(min + (span * i) / bins).toISOString();
      bars.push(
        `<rect x="${(left + i * bw + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${hgt.toFixed(1)}" fill="${color(s.cause)}"><title>${h(`${n} × ${s.cause} from ${at}`)}</title></rect>`,
      );
    }
  }
  const axis = [
    `<line x1="${left}" y1="${H - 20}" x2="${W - 10}" y2="${H - 20}" stroke="#999"/>`,
    `<text x="${left}" y="${H - 5}">${h(new Date(min).toISOString())}</text>`,
    `<text x="${W - 10}" y="${H - 5}" text-anchor="end">${h(new Date(max).toISOString())}</text>`,
    `<text x="${left - 6}" y="24" text-anchor="end">${peak}</text>`,
    `<text x="${left - 6}" y="${H - 20}" text-anchor="end">0</text>`,
  ];
  const legend = counts
    .map(
      (s) =>
        `<span><i style="background:${color(s.cause)}"></i>${h(s.cause)} (${s.c.reduce((a, b) => a + b, 0)})</span>`,
    )
    .join('');
  return `<svg id="timeline" role="img" aria-label="Denials over time per root cause" viewBox="0 0 ${W} ${H}" width="100%">${axis.join('')}${bars.join('')}</svg><div class="legend">${legend}</div>`;
}

function groupsTable(groups: readonly Group[], color: (c: string) => string, filteredOut: number): string {
  if (groups.length === 0) return `<p>${h(noDenialText(filteredOut))}</p>`;
  const rows = groups.map((g, i) => {
    const cause = g.rootCause ?? 'unexplained';
    return `<tr><td class="n"><a href="#g${i + 1}">#${i + 1}</a></td><td class="n">${g.count}</td><td><span class="cause" style="background:${color(cause)}">${h(cause)}</span></td><td><code>${h(g.principal)}</code></td><td><code>${h(g.bucket)}</code></td><td><code>${h(g.actions.join(', '))}</code></td><td>${h(g.firstSeen)}</td><td>${h(g.lastSeen)}</td></tr>`;
  });
  return `<table id="groups"><thead><tr><th>#</th><th>Denials</th><th>Root cause</th><th>Principal</th><th>Bucket</th><th>Actions</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STATUS_CLASS: Record<Check['status'], string> = {
  pass: 'ok',
  deny: 'bad',
  unknown: 'unk',
  'not-applicable': 'na',
};

export function causeHtml(rc: RootCause, n: number): string {
  const evidence = rc.evidence
    .map((e) => {
      const where = [
        e.layer,
        e.policy ? `policy ${e.policy}` : null,
        e.statement ? `statement ${e.statement}` : null,
      ]
        .filter(Boolean)
        .join(', ');
      return `<li><code>${h(where)}</code>: ${h(e.detail)}</li>`;
    })
    .join('');
  const fix = rc.fix;
  return [
    `<h4>Cause ${n}: ${h(rc.title)}</h4>`,
    `<p><code>${h(rc.id)}</code> (${h(rc.confidence)})</p>`,
    `<p>${h(rc.explanation)}</p>`,
    evidence ? `<p><b>Evidence</b></p><ul>${evidence}</ul>` : '',
    `<p><b>Fix</b>: ${h(fix.summary)} <span class="${fix.verified ? 'ok' : 'na'}">${fix.verified ? 'verified: the engine allows the request on this layer with the change' : 'not verified'}</span></p>`,
    fix.commands.length > 0
      ? `<pre class="commands">${h(fix.commands.map((c) => `$ ${c}`).join('\n'))}</pre>`
      : '',
    fix.policyPatch ? `<p>Policy change:</p><pre>${h(jsonText(fix.policyPatch, 2))}</pre>` : '',
    fix.stillDeniedBy?.length ? `<p class="unk">Still denied by: ${h(fix.stillDeniedBy.join('; '))}</p>` : '',
    rc.change
      ? `<p><b>What changed</b>: ${h(rc.change.summary)}</p>${rc.change.diff ? `<pre>${h(rc.change.diff)}</pre>` : ''}`
      : '',
  ].join('');
}

function findingHtml(g: Group, i: number, color: (c: string) => string): string {
  const f: Finding = g.finding;
  const r = f.request;
  const cause = g.rootCause ?? 'unexplained';
  const caller = callerLabel(r.principal);
  const definite = f.rootCauses.filter((c) => c.confidence !== 'possible');
  const possible = f.rootCauses.filter((c) => c.confidence === 'possible');
  const checks = f.checks
    .map(
      (k) =>
        `<tr><td><code>${h(k.layer)}</code></td><td class="${STATUS_CLASS[k.status]}">${h(k.status)}</td><td>${h(
          k.status === 'unknown' && k.missing?.length
            ? `could not read: ${k.missing.join('; ')}`
            : (k.detail ?? ''),
        )}</td></tr>`,
    )
    .join('');
  const more = g.count > g.eventIds.length ? ` (+${g.count - g.eventIds.length} more)` : '';
  return [
    `<details id="g${i + 1}" class="finding"><summary>#${i + 1} · ${plural(g.count, 'denial')} · <span class="cause" style="background:${color(cause)}">${h(cause)}</span> · ${h(definite[0]?.title ?? `${r.eventName} denied`)}</summary>`,
    `<table class="request"><tbody>`,
    `<tr><th>Request</th><td>${h(r.eventName)}: <code>${h(r.actions.join(', '))}</code> on <code>${h(r.resources.join(', ') || r.bucket || '')}</code></td></tr>`,
    `<tr><th>Caller</th><td><code>${h(caller)}</code> (${h(r.principal.type)}${r.principal.accountId ? `, account ${h(r.principal.accountId)}` : ''})${r.crossAccount ? ` cross-account, bucket account ${h(r.bucketAccountId ?? '?')}` : ''}</td></tr>`,
    `<tr><th>From</th><td>${h(fromText(r))}${r.vpcEndpointId ? ` via ${h(r.vpcEndpointId)}` : ''}</td></tr>`,
    `<tr><th>Error</th><td>${h(r.errorCode)}${r.errorMessage ? `: ${h(r.errorMessage)}` : ''}</td></tr>`,
    `<tr><th>Verdict</th><td>${h(f.verdict)}</td></tr>`,
    `<tr><th>Seen</th><td>${h(g.firstSeen)} .. ${h(g.lastSeen)}; events ${h(g.eventIds.join(', '))}${h(more)}</td></tr>`,
    `</tbody></table>`,
    f.error ? `<p class="bad">Analysis failed: ${h(f.error)}</p>` : '',
    definite.map((rc, n) => causeHtml(rc, n + 1)).join(''),
    possible.length > 0
      ? `<p><b>Possible causes</b> (layers that could not be checked): ${possible.map((rc) => `<code>${h(rc.id)}</code>`).join(', ')}</p>`
      : '',
    // a possible cause with a fix verified whatever the missing facts are (core/fix/undecided-deny.ts): shown whole
    possible
      .filter((rc) => rc.fix.verified)
      .map((rc) => causeHtml(rc, definite.length + possible.indexOf(rc) + 1))
      .join(''),
    f.awsMessage.note ? `<p>AWS message: ${h(f.awsMessage.note)}</p>` : '',
    `<p><b>Checks</b></p><table class="checks"><thead><tr><th>Layer</th><th>Status</th><th>Detail</th></tr></thead><tbody>${checks}</tbody></table>`,
    `</details>`,
  ].join('');
}

function filterText(f: DenialFilter): string {
  const parts = [
    ...f.buckets.map((b) => `bucket ${b}`),
    ...f.principals.map((p) => `principal ${p}`),
    ...f.errorCodes.map((c) => `error code ${c}`),
    f.since ? `since ${f.since.toISOString()}` : null,
    f.until ? `until ${f.until.toISOString()}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export function renderHtml(
  report: GroupReport,
  times: ReadonlyMap<string, readonly number[]>,
  meta: { inputs: readonly string[]; filter: DenialFilter; now: Date },
): string {
  const causes = [...new Set([...report.groups.map((g) => g.rootCause ?? 'unexplained'), ...times.keys()])];
  const color = colorOf(causes);
  const first = report.groups.map((g) => g.firstSeen).sort()[0];
  const last = report.groups
    .map((g) => g.lastSeen)
    .sort()
    .at(-1);
  const summary = `${reportCounts(report)}${first ? `, from ${first} to ${last}` : ''}.`;
  const top = report.groups[0];
  const headline = top
    ? ` Most frequent: ${top.rootCause ?? 'unexplained'} for ${top.principal} on ${top.bucket} (${plural(top.count, 'denial')}).`
    : '';
  const inputs =
    meta.inputs.length > 5
      ? `${meta.inputs.slice(0, 5).join(', ')} and ${meta.inputs.length - 5} more`
      : meta.inputs.join(', ');
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>s3-403 report: ${h(plural(report.denials, 'denial'))}, ${h(plural(report.groups.length, 'problem'))}</title>
<style>${CSS}</style></head>
<body>
<h1>S3 access denials</h1>
<p class="summary" id="summary">${h(summary + headline)}</p>
<p class="meta">Inputs: ${h(inputs || 'none')}. Filters: ${h(filterText(meta.filter))}. Generated ${h(meta.now.toISOString())} by s3-403.</p>
<h2>Problems, most frequent first</h2>
${groupsTable(report.groups, color, report.filteredOut ?? 0)}
<h2>Denials over time, per root cause</h2>
${timeline(times, color)}
<h2>Findings</h2>
${report.groups.map((g, i) => findingHtml(g, i, color)).join('\n')}
<script>${SCRIPT}</script>
</body></html>
`;
}
