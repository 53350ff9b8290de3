/**
 * Untrusted text, made safe for each output. Every string of a finding came from a request (object keys, ARNs,
 * session names, user agents, error messages: the caller chooses them) or from a policy (Sids, names,
 * conditions: the policy author chooses them), so every renderer passes the finding through here first.
 * This module is the one place that decides what may reach a terminal, Slack or an e-mail. (SECURITY.md)
 *
 * - Terminal and plain text (`safeText`): C0 and C1 control characters (ESC, so no ANSI/OSC-8 sequence can
 *   act; CR, LF and TAB, so no line can be forged), DEL, the Unicode bidi controls (LRM, RLM, ALM, the
 *   embeddings and overrides U+202A-U+202E, the isolates U+2066-U+2069: "Trojan Source", CVE-2021-42574) and
 *   the line/paragraph separators are shown as visible escapes (`\n`, `\x1b`, `\u202E`), never raw. With or
 *   without colour: our own colour codes are added after this.
 * - Slack mrkdwn (`slackProse`, `slackCode`, `slackCodeBlock`): on top of that, `&`, `<`, `>` become
 *   `&amp;` `&lt;` `&gt;` ("there are three characters you must convert to HTML entities and only three",
 *   https://docs.slack.dev/messaging/formatting-message-text#escaping), so no `<url|label>` link and no
 *   `<!channel>`, `<!here>`, `<@U…>` mention can be written. mrkdwn has no escape for its formatting
 *   characters, so in prose `*`, `_`, `~` and the backtick are replaced with look-alikes that Slack does not
 *   parse (∗ ˍ ∼ ˋ), except an underscore inside a word; exact values go in code spans (where only the backtick needs a
 *   look-alike) and printed commands in code blocks (they hold no backtick: lambdas/core/fix/commands.ts).
 *   Every mrkdwn text object is sent with `verbatim: true`, so Slack does not link-ify bare URLs, channel
 *   names or @mentions (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 * - JSON output (`jsonText`): the same value, written so that none of those characters is raw in the text.
 *   JSON.stringify escapes only C0; DEL, C1 (U+009B is CSI, a whole escape sequence in one character), the bidi
 *   controls and the separators are valid raw in a JSON string, so they are written as `\uXXXX` escapes, which
 *   parse back to the same string (RFC 8259 section 7). JSON output is read on terminals and in editors too.
 */
import type { Finding } from '../model';

/**
 * The characters that never reach an output raw: C0 controls, DEL, C1 controls, ALM (U+061C), LRM/RLM
 * (U+200E/U+200F), the line and paragraph separators (U+2028/U+2029), bidi embeddings and overrides
 * (U+202A-U+202E) and bidi isolates (U+2066-U+2069).
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
export const UNSAFE_CHAR =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE_CHAR.source, 'g');
const UNSAFE_BUT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

/** The unsafe characters that JSON.stringify leaves raw (it escapes C0 itself). */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const jsonEscape = (ch: string): string => `\\u${hex(ch.charCodeAt(0), 4)}`;

/**
 * JSON text of a value for any output (stdout, a file): JSON.stringify's text with every character it leaves raw
 * that could act on a terminal or mislead a reader (DEL, C1, bidi controls, separators) as a `\uXXXX` escape. They
 * can only occur inside strings, so the text parses back to exactly the same value.
 */
export function jsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent) ?? 'null';
  // ASCII text (its UTF-8 length is its length; JSON.stringify escapes lone surrogates) holds none of them but DEL.
  // Node counts that natively, several times faster than the RegExp scans (batch simulate writes 3 KB a decision).
  if (Buffer.byteLength(text, 'utf8') === text.length && !text.includes('\u007f')) return text;
  return text.replace(RAW_IN_JSON, jsonEscape);
}

/** The visible form of one unsafe character: `\n`, `\r`, `\t`, `\x1B`, `\u202E`. */
export function visibleEscape(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/** One line of text that cannot act on a terminal: every unsafe character is shown as a visible escape. */
export function safeText(text: string): string {
  return text.replace(UNSAFE_ALL, visibleEscape);
}

/** Text whose line breaks are ours (a diff, pretty-printed JSON): each line made safe, the breaks kept. */
export function safeLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, visibleEscape);
}

/**
 * Every string in a JSON-like value through `safeText` (lines through `safeLines` where `multiline` says),
 * object keys included: maps keyed by request text (event names, context keys) are displayed too.
 */
export function safeDeep<T>(value: T, multiline: (key: string) => boolean = () => false, key = ''): T {
  if (typeof value === 'string') return (multiline(key) ? safeLines(value) : safeText(value)) as T;
  if (Array.isArray(value)) return value.map((v) => safeDeep(v, multiline, key)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        safeText(k),
        safeDeep(v, multiline, k),
      ]),
    ) as T;
  }
  return value;
}

/**
 * The finding with every string made safe for display. The policy patch is left as it is: renderers show it
 * as JSON (`jsonText`), whose escapes are exact. A change diff keeps its line breaks (each line is JSON).
 */
export function safeFinding(finding: Finding): Finding {
  return {
    ...safeDeep(finding, (k) => k === 'diff'),
    rootCauses: finding.rootCauses.map((rc) => {
      const safe = safeDeep(rc, (k) => k === 'diff');
      return rc.fix.policyPatch ? { ...safe, fix: { ...safe.fix, policyPatch: rc.fix.policyPatch } } : safe;
    }),
  };
}

/** Slack: the three characters Slack parses (links, mentions, entities), as entities. */
export function slackEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const LOOKALIKE: Readonly<Record<string, string>> = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' };

const WORD = /^[\p{L}\p{N}]$/u;

/**
 * Slack mrkdwn prose: one safe line in which no entity, link, mention or formatting can start. An underscore
 * between two letters or digits stays (`My_Role`, `s3_bucket`): Slack does not format inside a word.
 */
export function slackProse(text: string): string {
  return slackEntities(safeText(text)).replace(/[*_~`]/g, (c, at: number, all: string) =>
    c === '_' && WORD.test(all[at - 1] ?? '') && WORD.test(all[at + 1] ?? '') ? c : LOOKALIKE[c]!,
  );
}

/** Slack inline code (`…`): exact but for the backtick, which would close the span. */
export function slackCode(text: string): string {
  return `\`${slackEntities(safeText(text)).replace(/`/g, LOOKALIKE['`']!)}\``;
}

/** Slack code block (```…```) for a printed command: commands hold no backtick or control character. */
export function slackCodeBlock(text: string): string {
  return `\`\`\`${slackEntities(safeLines(text)).replace(/`/g, LOOKALIKE['`']!)}\`\`\``;
}
