/**
 * `npx tsx scripts/render-alert-examples.ts`: the example alerts shown in README.md ("What the alerts look like").
 *
 * For bundled examples (an event from examples/events with examples/snapshot.json) it computes the real
 * finding exactly as `s3-403 explain --snapshot` does (readDenials -> SnapshotView -> explainRequest),
 * renders it with the real renderers, and writes:
 *   docs/img/slack-<name>.html  a static mock of how Slack displays the Block Kit payload
 *   docs/img/slack-<name>.png   a headless Chromium screenshot of that HTML (skipped, with a warning,
 *                               when no Chromium is found; set CHROMIUM=/path/to/chrome to choose one)
 * and prints the SNS subject, email text and the finding JSON that SQS/Lambda subscribers receive.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { explainRequest } from '../lambdas/adapters/explain';
import { loadSnapshot, SnapshotView } from '../lambdas/adapters/snapshot';
import { failedFinding } from '../lambdas/core/analyze';
import { readDenials } from '../lambdas/core/event';
import type { Finding } from '../lambdas/core/model';
import {
  renderSlack,
  type SlackBlock,
  type SlackMessage,
  type TextObject,
} from '../lambdas/core/render/slack';
import { renderSns } from '../lambdas/core/render/sns';

const ROOT = resolve(__dirname, '..');
const IMG_DIR = join(ROOT, 'docs', 'img');
const SNAPSHOT = 'examples/snapshot.json';
const WIDTH = 900;
/** Keep the screenshots small enough for a README. */
const MAX_PNG_BYTES = 300 * 1024;

export const EXAMPLES = [
  { name: 'bucket-policy', event: 'examples/events/bucket-policy-explicit-deny.json' },
  { name: 'kms-key', event: 'examples/events/kms-key-access.json' },
] as const;

// ---------------------------------------------------------------------------------------------
// Slack mrkdwn -> HTML
// ---------------------------------------------------------------------------------------------

/** The emoji the renderers use (Slack shortcodes); unknown shortcodes stay as text, like in Slack. */
const EMOJI: Record<string, string> = {
  no_entry: '\u26D4',
  white_check_mark: '\u2705',
  clock3: '\u{1F552}',
  repeat: '\u{1F501}',
  warning: '\u26A0\uFE0F',
};

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Slack's three mrkdwn entities (https://docs.slack.dev/messaging/formatting-message-text#escaping). */
export function decodeMrkdwnEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Raw mrkdwn text (entities decoded) as safe HTML text. */
const textHtml = (mrkdwn: string): string => escapeHtml(decodeMrkdwnEntities(mrkdwn));

const emojiHtml = (html: string): string =>
  html.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) =>
    EMOJI[name] ? `<span class="emoji">${EMOJI[name]}</span>` : whole,
  );

function linkHtml(inner: string): string {
  const bar = inner.indexOf('|');
  const url = decodeMrkdwnEntities(bar >= 0 ? inner.slice(0, bar) : inner);
  const label = bar >= 0 ? inner.slice(bar + 1) : inner;
  const safeUrl = /^(https?:|mailto:)/i.test(url) ? url : '#';
  return `<a href="${escapeHtml(safeUrl)}">${textHtml(label)}</a>`;
}

/** Bold, italic and strike as Slack applies them: markers at word boundaries, within one line. */
function emphasisHtml(html: string): string {
  const around = (marker: string): RegExp =>
    new RegExp(
      `(^|[\\s(\\[>])\\${marker}([^\\s${marker}](?:[^${marker}\\n]*?[^\\s${marker}])?)\\${marker}(?=$|[\\s).,:;!?\\]<])`,
      'gm',
    );
  return html
    .replace(around('*'), '$1<b>$2</b>')
    .replace(around('_'), '$1<i>$2</i>')
    .replace(around('~'), '$1<s>$2</s>');
}

/**
 * Convert Slack mrkdwn to HTML. Code blocks, inline code and links are cut out first (nothing inside
 * them is formatted); the remaining text has its mrkdwn entities decoded and is HTML-escaped before any
 * tag is added, so no input can inject markup.
 */
export function mrkdwnToHtml(mrkdwn: string): string {
  const slots: string[] = [];
  const slot = (html: string): string => `\uE000${slots.push(html) - 1}\uE000`;
  let text = mrkdwn
    .replace(/\n?```([\s\S]*?)```\n?/g, (_m, body: string) =>
      slot(`<pre class="pre">${textHtml(body)}</pre>`),
    )
    .replace(/`([^`\n]+)`/g, (_m, body: string) => slot(`<code class="code">${textHtml(body)}</code>`))
    .replace(/<([^<>\n]+)>/g, (_m, inner: string) => slot(linkHtml(inner)));
  // Only the slot markers survive escaping unchanged (a private-use character, untouched by escapeHtml).
  text = emphasisHtml(emojiHtml(textHtml(text))).replace(/\n/g, '<br>');
  return text.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => slots[Number(i)] ?? '');
}

const textObjectHtml = (t: TextObject): string =>
  t.type === 'mrkdwn' ? mrkdwnToHtml(t.text) : emojiHtml(escapeHtml(t.text)).replace(/\n/g, '<br>');

function blockHtml(block: SlackBlock): string {
  switch (block.type) {
    case 'header':
      return `<div class="header">${textObjectHtml(block.text)}</div>`;
    case 'divider':
      return '<hr class="divider">';
    case 'context':
      return `<div class="context">${block.elements.map((el) => `<span>${textObjectHtml(el)}</span>`).join('')}</div>`;
    case 'section': {
      const text = block.text ? `<div class="text">${textObjectHtml(block.text)}</div>` : '';
      const fields = block.fields
        ? `<div class="fields">${block.fields.map((f) => `<div>${textObjectHtml(f)}</div>`).join('')}</div>`
        : '';
      return `<div class="section">${text}${fields}</div>`;
    }
  }
}

/** "10:15 AM", the way Slack shows a message's time (UTC here, so the mock is reproducible). */
function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const h = d.getUTCHours();
  const m = String(d.getUTCMinutes()).padStart(2, '0');
  return `${h % 12 === 0 ? 12 : h % 12}:${m} ${h < 12 ? 'AM' : 'PM'}`;
}

const CSS = `
  html, body { margin: 0; background: #ffffff; }
  body { font-family: Lato, 'Slack-Lato', 'Helvetica Neue', Helvetica, Arial, sans-serif; color: #1d1c1d;
    font-size: 15px; line-height: 1.46668; -webkit-font-smoothing: antialiased; }
  .channel { border-bottom: 1px solid #e8e8e8; padding: 12px 20px; font-weight: 900; font-size: 18px; }
  .channel .hash { color: #616061; font-weight: 400; margin-right: 2px; }
  .message { display: flex; padding: 12px 20px 16px 20px; }
  .avatar { flex: 0 0 36px; width: 36px; height: 36px; border-radius: 6px; margin-right: 8px; margin-top: 4px;
    background: #c6372a; color: #fff; font-weight: 900; font-size: 13px; line-height: 36px; text-align: center;
    letter-spacing: -0.5px; }
  .content { flex: 1 1 auto; min-width: 0; }
  .meta { line-height: 22px; }
  .name { font-weight: 900; }
  .app { display: inline-block; margin-left: 4px; padding: 0 3px; border-radius: 2px; background: rgba(29,28,29,0.13);
    color: rgba(29,28,29,0.7); font-size: 10px; font-weight: 700; line-height: 16px; vertical-align: 1px; }
  .time { margin-left: 6px; color: #616061; font-size: 12px; }
  .header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 6px 0 4px 0; }
  .section { margin: 4px 0 8px 0; overflow-wrap: anywhere; }
  .fields { display: grid; grid-template-columns: 1fr 1fr; column-gap: 16px; row-gap: 8px; }
  .context { display: flex; flex-wrap: wrap; gap: 0 12px; color: #616061; font-size: 12px; line-height: 1.5;
    margin: 4px 0; overflow-wrap: anywhere; }
  .divider { border: 0; border-top: 1px solid #dddddd; margin: 12px 0; }
  .code { font-family: Monaco, Menlo, Consolas, 'Courier New', monospace; font-size: 12px; line-height: 1.5;
    color: #e01e5a; background: rgba(29,28,29,0.04); border: 1px solid rgba(29,28,29,0.13); border-radius: 3px;
    padding: 2px 3px 1px; overflow-wrap: break-word; }
  .context .code { font-size: 11px; }
  .pre { font-family: Monaco, Menlo, Consolas, 'Courier New', monospace; font-size: 12px; line-height: 1.5;
    background: rgba(29,28,29,0.04); border: 1px solid rgba(29,28,29,0.13); border-radius: 4px; padding: 8px;
    margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  a { color: #1264a3; text-decoration: none; }
  .emoji { font-family: 'Noto Color Emoji', 'Apple Color Emoji', 'Segoe UI Emoji', sans-serif; }
`;

/** A static page showing the message the way Slack does (avatar, app name, time, then the blocks). */
export function slackHtml(message: SlackMessage, finding: Finding): string {
  const blocks = message.blocks.map(blockHtml).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<!-- Generated by scripts/render-alert-examples.ts from the real renderSlack() output. Do not edit. -->
<title>${escapeHtml(decodeMrkdwnEntities(message.text))}</title>
<style>${CSS}</style>
</head>
<body>
<div id="page">
<div class="channel"><span class="hash">#</span>s3-alerts</div>
<div class="message">
<div class="avatar">403</div>
<div class="content">
<div class="meta"><span class="name">s3-403</span><span class="app">APP</span><span class="time">${clockTime(finding.eventTime)}</span></div>
${blocks}
</div>
</div>
</div>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------
// Screenshots
// ---------------------------------------------------------------------------------------------

function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter(
    (c): c is string => typeof c === 'string' && c !== '',
  );
  for (const c of candidates) {
    const probe = spawnSync(c, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return c;
  }
  return null;
}

function chromiumArgs(profile: string, height: number): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    '--hide-scrollbars',
    '--force-device-scale-factor=1',
    `--window-size=${WIDTH},${height}`,
  ];
}

function runChromium(
  chromium: string,
  height: number,
  args: string[],
): { ok: boolean; stdout: string; error: string } {
  const profile = mkdtempSync(join(tmpdir(), 's3-403-chromium-'));
  try {
    const out = spawnSync(chromium, [...chromiumArgs(profile, height), ...args], {
      encoding: 'utf8',
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const error = out.error
      ? out.error.message
      : out.status === 0
        ? ''
        : ((out.stderr ?? '').trim().split('\n').pop() ?? '');
    return { ok: out.status === 0, stdout: out.stdout ?? '', error };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The page's height in pixels at WIDTH, measured by Chromium (null when it cannot be measured). */
function measureHeight(chromium: string, htmlPath: string): number | null {
  const measuring = readFileSync(htmlPath, 'utf8').replace(
    '</body>',
    `<script>document.body.setAttribute('data-height', String(Math.ceil(document.getElementById('page').getBoundingClientRect().bottom)));</script></body>`,
  );
  const tmp = join(mkdtempSync(join(tmpdir(), 's3-403-measure-')), 'page.html');
  writeFileSync(tmp, measuring);
  try {
    const out = runChromium(chromium, 2000, ['--dump-dom', `file://${tmp}`]);
    const m = /data-height="(\d+)"/.exec(out.stdout);
    return m ? Number(m[1]) : null;
  } finally {
    rmSync(join(tmp, '..'), { recursive: true, force: true });
  }
}

/** Writes the PNG; a one-line summary, and whether it is usable (written and small enough). */
function screenshot(chromium: string, htmlPath: string, pngPath: string): { ok: boolean; text: string } {
  const measured = measureHeight(chromium, htmlPath);
  const height = measured ? measured + 8 : 1600;
  rmSync(pngPath, { force: true });
  const out = runChromium(chromium, height, [`--screenshot=${pngPath}`, `file://${htmlPath}`]);
  let size: number;
  try {
    size = statSync(pngPath).size;
  } catch {
    return { ok: false, text: `screenshot failed (${out.error || 'no file written'})` };
  }
  const kb = Math.round(size / 1024);
  if (size > MAX_PNG_BYTES) return { ok: false, text: `${kb} KB, larger than ${MAX_PNG_BYTES / 1024} KB` };
  return { ok: true, text: `${WIDTH}x${height}, ${kb} KB${measured ? '' : ' (height not measured)'}` };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function findingsOf(eventPath: string, view: SnapshotView): Promise<Finding[]> {
  const requests = readDenials(readFileSync(join(ROOT, eventPath)), eventPath);
  const findings: Finding[] = [];
  for (const request of requests) findings.push(await explainRequest(request, view));
  return findings;
}

async function writeHtml(path: string, html: string): Promise<void> {
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(html, { ...options, filepath: path }));
}

async function main(): Promise<void> {
  const view = new SnapshotView(loadSnapshot(readFileSync(join(ROOT, SNAPSHOT), 'utf8'), SNAPSHOT));
  const chromium = findChromium();
  if (!chromium)
    console.error('warning: no Chromium found (set CHROMIUM=/path/to/chromium): writing HTML only, no PNG');
  for (const example of EXAMPLES) {
    const [finding] = await findingsOf(example.event, view);
    if (!finding) throw new Error(`${example.event}: no denial found`);
    const htmlPath = join(IMG_DIR, `slack-${example.name}.html`);
    const pngPath = join(IMG_DIR, `slack-${example.name}.png`);
    await writeHtml(htmlPath, slackHtml(renderSlack(finding), finding));
    const shot = chromium
      ? screenshot(chromium, htmlPath, pngPath)
      : { ok: true, text: 'skipped (no Chromium)' };
    if (!shot.ok) {
      console.error(`render-alert-examples: docs/img/slack-${example.name}.png: ${shot.text}`);
      process.exitCode = 1;
    }
    const sns = renderSns(finding);
    console.log(`=== ${example.name} (${example.event} + ${SNAPSHOT})`);
    console.log(`Slack mock: docs/img/slack-${example.name}.html; screenshot: ${shot.text}`);
    console.log(`--- SNS subject\n${sns.subject}`);
    console.log(`--- SNS email message\n${sns.message}`);
    console.log(
      `--- SNS default (finding JSON for SQS/Lambda/HTTP subscribers)\n${JSON.stringify(finding, null, 2)}\n`,
    );
    if (example === EXAMPLES[0]) printVariants(finding);
  }
}

/** The same problem as a dedup digest, and the alert sent when the analysis itself fails. */
function printVariants(finding: Finding): void {
  const since = '2026-11-20T09:58:12.000Z';
  const digest = renderSns(finding, { repeatCount: 41, since });
  const slackDigest = renderSlack(finding, { repeatCount: 41, since });
  console.log('=== variant: the next alert for the same problem after 41 repeats (dedup digest)');
  console.log(`--- SNS subject\n${digest.subject}`);
  console.log(`--- SNS email message (first lines)\n${digest.message.split('\n').slice(0, 3).join('\n')}`);
  console.log(`--- Slack fallback text\n${slackDigest.text}\n`);
  const [denial] = readDenials(readFileSync(join(ROOT, EXAMPLES[0].event)), EXAMPLES[0].event);
  if (!denial) return;
  const failed = failedFinding(denial, new Error('reading the account timed out (example error)'));
  const sns = renderSns(failed);
  console.log('=== variant: the analysis failed (the alert still goes out, with the request and the error)');
  console.log(`--- SNS subject\n${sns.subject}`);
  console.log(`--- SNS email message\n${sns.message}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`render-alert-examples: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
