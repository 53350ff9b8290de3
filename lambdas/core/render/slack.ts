/**
 * Slack Block Kit rendering of a finding: cause first, then evidence, the fix (commands in code
 * blocks), the request and a summary of every check. Pure.
 *
 * The payload always fits Slack's limits, however long the policies and messages are:
 * at most 50 blocks per message (https://docs.slack.dev/reference/block-kit/blocks), a header's
 * text at most 150 characters (https://docs.slack.dev/reference/block-kit/blocks/header-block),
 * a section's text at most 3000 characters and at most 10 fields of 2000 characters
 * (https://docs.slack.dev/reference/block-kit/blocks/section-block), a context block at most
 * 10 elements (https://docs.slack.dev/reference/block-kit/blocks/context-block).
 * Anything longer is cut and ends with a visible marker.
 */
import type { Finding, RootCause } from '../model';
import { checksSummary, clip, findingCause, headline, principalName, type RenderOptions } from './sns';
import { safeFinding, slackCode, slackCodeBlock, slackEntities, slackProse } from './safe';
import { changeLine, explainedWithoutCause, simulatorLine } from './second-lines';

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  /** Context element text (mrkdwn / plain_text object) is capped like a field. */
  contextText: 2000,
  /** The notification fallback: kept short (mobile notifications show only this). */
  fallbackText: 3000,
} as const;

/** Root causes shown in full; more are listed by title only. */
const MAX_CAUSES = 3;
const MAX_EVIDENCE = 8;
const MAX_COMMANDS = 5;
export const TRUNCATION_MARKER = '… (truncated)';

export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  /** mrkdwn only: true = no automatic links, channel names or mentions (lambdas/core/render/safe.ts). */
  verbatim?: boolean;
}
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack mrkdwn control characters (https://docs.slack.dev/messaging/formatting-message-text#escaping). */
export const escapeMrkdwn = slackEntities;

/**
 * Cut escaped mrkdwn to `max` characters without splitting an entity and closing an open code
 * block, so the marker renders as text.
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const fence = '\n```';
  let cut = text.slice(0, Math.max(0, max - TRUNCATION_MARKER.length - fence.length - 1));
  cut = cut.replace(/&[a-z]{0,3}$/, '');
  const openFences = (cut.match(/```/g) ?? []).length;
  const closing = openFences % 2 === 1 ? fence : '';
  return `${cut}${closing}\n${TRUNCATION_MARKER}`.slice(0, max);
}

const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText): TextObject => ({
  type: 'mrkdwn',
  text: clipMrkdwn(text, max),
  verbatim: true,
});
const plain = (text: string, max: number): TextObject => ({
  type: 'plain_text',
  text: clip(text, max, '…'),
});
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });
/** Untrusted prose (lambdas/core/render/safe.ts): no link, mention, formatting or line break can start in it. */
const e = slackProse;

/** "time" or "times" after a count. */
const times = (n: number): string => (n === 1 ? 'time' : 'times');
/** An exact value in inline code; long values are cut before escaping. */
const code = (text: string, max = 300): string => slackCode(clip(text, max, '…'));
/** A printed command or a diff in a code block. */
const block = (text: string): string => slackCodeBlock(clip(text, 1500, '…'));

function causeBlocks(finding: Finding, cause: RootCause, index: number): SlackBlock[] {
  const verified = cause.fix.verified ? ':white_check_mark: verified by re-evaluation' : 'not verified';
  const blocks: SlackBlock[] = [
    section(
      `*${index === 0 ? 'Cause' : `Also possible (${index + 1})`}:* ${e(cause.title)}  _(${cause.confidence}, \`${cause.id}\`)_\n${e(
        cause.explanation,
      )}`,
    ),
  ];
  if (cause.evidence.length > 0) {
    const shown = cause.evidence.slice(0, MAX_EVIDENCE).map((ev) => {
      const where = [ev.layer, ev.policy, ev.statement].filter(Boolean).map((s) => code(String(s), 200));
      return `• ${where.join(' / ')}: ${e(clip(ev.detail, 1000, '…'))}`;
    });
    const more = cause.evidence.length - shown.length;
    if (more > 0) shown.push(`_…and ${more} more_`);
    blocks.push(section(`*Evidence*\n${shown.join('\n')}`));
  }
  const commands = cause.fix.commands.slice(0, MAX_COMMANDS);
  let fix = `*Fix* (${verified}): ${e(cause.fix.summary)}`;
  for (const c of commands) fix += `\n${block(c)}`;
  if (cause.fix.commands.length > commands.length)
    fix += `\n_…and ${cause.fix.commands.length - commands.length} more commands_`;
  if (cause.fix.stillDeniedBy && cause.fix.stillDeniedBy.length > 0) {
    fix += `\nStill denied after this fix by: ${e(cause.fix.stillDeniedBy.join(', '))}`;
  }
  blocks.push(section(fix));
  const changed = changeLine(finding, cause);
  if (changed) {
    const diff = cause.change?.diff ? `\n${block(cause.change.diff)}` : '';
    blocks.push(section(`:clock3: ${e(changed)}${diff}`));
  }
  return blocks;
}

function requestFields(finding: Finding): TextObject[] {
  const r = finding.request;
  const p = r.principal;
  const pairs: [string, string | null][] = [
    ['Principal', p.arn ?? p.identityArn ?? p.principalId ?? p.type],
    ['Action', r.actions.join(', ') || r.eventName],
    ['Resource', r.resources.join(', ') || null],
    [
      'Bucket account',
      r.bucketAccountId
        ? `${r.bucketAccountId}${r.crossAccount ? ' (cross-account)' : ''}`
        : r.crossAccount
          ? 'another account, not named in the record (cross-account)'
          : null,
    ],
    ['Source IP', r.sourceIp],
    ['Called via', p.invokedBy ? `${p.invokedBy}, with the caller's credentials` : null],
    ['VPC endpoint', r.vpcEndpointId],
    ['Access point', r.accessPointArn],
    ['Error', [r.errorCode, r.errorMessage].filter(Boolean).join(': ')],
    ['Verdict', finding.verdict],
    ['Event', `${finding.eventTime} ${finding.region}`],
  ];
  return pairs
    .filter((pair): pair is [string, string] => pair[1] !== null && pair[1] !== '')
    .slice(0, SLACK_LIMITS.fields)
    .map(([k, v]) => mrkdwn(`*${k}*\n${code(v, 1500)}`, SLACK_LIMITS.fieldText));
}

function checkBlocks(finding: Finding): SlackBlock[] {
  const summary = checksSummary(finding);
  const unknowns = finding.checks
    .filter((c) => c.status === 'unknown')
    .map((c) => {
      const why = [
        c.detail,
        c.missing && c.missing.length > 0 ? `missing ${c.missing.join(', ')}` : undefined,
      ];
      return `• \`${c.layer}\`: ${e(why.filter(Boolean).join('; ') || 'not checked')}`;
    });
  const blocks: SlackBlock[] = [section(`*Checks* — ${e(summary || 'none')}`)];
  if (unknowns.length > 0)
    blocks.push(section(`*Not checked* (unknown is never treated as allowed)\n${unknowns.join('\n')}`));
  return blocks;
}

function footer(finding: Finding, opts: RenderOptions): SlackBlock {
  const elements: TextObject[] = [
    mrkdwn(`CloudTrail event ${code(finding.eventId, 200)}`, SLACK_LIMITS.contextText),
  ];
  if (finding.awsMessage.note)
    elements.push(mrkdwn(`AWS message: ${e(finding.awsMessage.note)}`, SLACK_LIMITS.contextText));
  const sim = simulatorLine(finding);
  if (sim) elements.push(mrkdwn(e(sim), SLACK_LIMITS.contextText));
  if (opts.repeatCount && opts.repeatCount > 0) {
    elements.push(
      mrkdwn(
        `Seen *${opts.repeatCount}* more ${times(opts.repeatCount)} since ${e(opts.since ?? 'the last alert')}`,
        SLACK_LIMITS.contextText,
      ),
    );
  }
  return { type: 'context', elements: elements.slice(0, SLACK_LIMITS.contextElements) };
}

/** Keep at most 50 blocks: the tail (checks, footer) matters, so cause blocks are dropped first. */
function fitBlocks(head: SlackBlock[], causes: SlackBlock[], tail: SlackBlock[]): SlackBlock[] {
  const room = SLACK_LIMITS.blocks - head.length - tail.length;
  if (causes.length <= room) return [...head, ...causes, ...tail];
  const kept = causes.slice(0, Math.max(0, room - 1));
  const note: SlackBlock = {
    type: 'context',
    elements: [mrkdwn(`_${causes.length - kept.length} more blocks ${TRUNCATION_MARKER}_`)],
  };
  return [...head, ...kept, note, ...tail].slice(0, SLACK_LIMITS.blocks);
}

export function renderSlack(untrusted: Finding, opts: RenderOptions = {}): SlackMessage {
  // Every string of a finding came from a request or a policy: one safe line each, before any markup.
  const finding = safeFinding(untrusted);
  const r = finding.request;
  const title = `S3 403: ${headline(finding)}`;
  const head: SlackBlock[] = [
    { type: 'header', text: plain(`:no_entry: ${title}`, SLACK_LIMITS.headerText) },
  ];
  if (opts.repeatCount && opts.repeatCount > 0) {
    head.push(
      section(
        `:repeat: *${opts.repeatCount}* more ${times(opts.repeatCount)} since ${e(opts.since ?? 'the last alert')}`,
      ),
    );
  }
  if (finding.error !== undefined) {
    head.push(
      section(
        `:warning: *The analysis failed:* ${e(finding.error)}\nThe request below was reconstructed from CloudTrail.`,
      ),
    );
  } else if (finding.rootCauses.length === 0) {
    const byRecord = explainedWithoutCause(finding);
    head.push(
      section(
        byRecord
          ? e(byRecord)
          : '*Unexplained:* no layer could be shown to deny this request; see the checks that could not run.',
      ),
    );
  }
  const causes: SlackBlock[] = [];
  finding.rootCauses.slice(0, MAX_CAUSES).forEach((c, i) => causes.push(...causeBlocks(finding, c, i)));
  const others = finding.rootCauses.slice(MAX_CAUSES);
  if (others.length > 0) {
    causes.push(section(`*Also possible:* ${others.map((c) => `${e(c.title)} (\`${c.id}\`)`).join('; ')}`));
  }
  const tail: SlackBlock[] = [
    { type: 'divider' },
    { type: 'section', fields: requestFields(finding) },
    ...checkBlocks(finding),
    footer(finding, opts),
  ];
  const who = `${principalName(finding)} ${r.eventName}${r.bucket ? ` on ${r.bucket}` : ''}`;
  const repeat =
    opts.repeatCount && opts.repeatCount > 0
      ? ` (${opts.repeatCount} more since ${opts.since ?? 'last alert'})`
      : '';
  // The fallback is mrkdwn too: escaped like the blocks.
  const text = clipMrkdwn(e(`S3 403: ${who} - ${findingCause(finding)}${repeat}`), SLACK_LIMITS.fallbackText);
  return { text, blocks: fitBlocks(head, causes, tail) };
}
