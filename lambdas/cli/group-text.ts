/**
 * `explain --group` as text: a summary line, one line per problem (most frequent first), then each
 * problem's first finding in the compact form (all its checks with --verbose).
 */
import { createColors } from 'picocolors';
import { noDenialText, plural, reportCounts, type GroupReport } from '../core/report/group';
import { safeDeep } from '../core/render/safe';
import { renderFinding, textRule, type TextOptions } from '../core/render/text';

export function renderGroupsText(untrusted: GroupReport, opts: TextOptions): string {
  const report = safeDeep(untrusted); // principals, buckets, event ids came from requests (SECURITY.md)
  const c = createColors(opts.color);
  const head = reportCounts(report);
  if (report.groups.length === 0) return `${head}\n${noDenialText(report.filteredOut ?? 0)}\n`;
  const width = String(report.groups[0]!.count).length;
  const lines = [c.bold(head), ''];
  report.groups.forEach((g, i) => {
    lines.push(
      `${c.bold(`#${i + 1}`)} ${String(g.count).padStart(width)}×  ${c.cyan(g.rootCause ?? 'unexplained')}  ${g.principal}  ${g.bucket}  ${g.actions.join(',')}`,
    );
    lines.push(c.dim(`    ${g.firstSeen} .. ${g.lastSeen}`));
  });
  const sections = report.groups.map((g, i) => {
    const more = g.count > g.eventIds.length ? ` (+${g.count - g.eventIds.length} more)` : '';
    return [
      c.bold(`#${i + 1}: ${plural(g.count, 'denial')}, ${g.firstSeen} .. ${g.lastSeen}`),
      c.dim(`events: ${g.eventIds.join(', ')}${more}`),
      '',
      renderFinding(g.finding, opts),
    ].join('\n');
  });
  return `${lines.join('\n')}\n\n${textRule(opts.color)}\n\n${sections.join(`\n\n${textRule(opts.color)}\n\n`)}\n`;
}
