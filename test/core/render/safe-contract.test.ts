/**
 * lambdas/core/render/safe.ts in the user's terms (SECURITY.md, issue 14): which characters never reach a terminal,
 * Slack or an e-mail raw, how they are shown instead, and what stays exact. Slack's escaping rules:
 * https://docs.slack.dev/messaging/formatting-message-text#escaping ; "Trojan Source": CVE-2021-42574.
 */
import type { Finding } from '../../../lambdas/core/model';
import {
  jsonText,
  safeDeep,
  safeFinding,
  safeLines,
  safeText,
  slackCode,
  slackCodeBlock,
  slackEntities,
  slackProse,
  visibleEscape,
} from '../../../lambdas/core/render/safe';
import { bucketPolicyDeny, makeFinding } from '../../delivery/fixtures';

describe('visible escapes: an unsafe character is shown, never sent', () => {
  it('line feed, carriage return and tab by their usual names', () => {
    expect(visibleEscape('\n')).toBe('\\n');
    expect(visibleEscape('\r')).toBe('\\r');
    expect(visibleEscape('\t')).toBe('\\t');
  });

  it('other C0 controls, DEL and C1 controls as \\xHH, two upper-case hex digits', () => {
    expect(visibleEscape('\u0000')).toBe('\\x00');
    expect(visibleEscape('\u0007')).toBe('\\x07');
    expect(visibleEscape('\u001b')).toBe('\\x1B');
    expect(visibleEscape('\u007f')).toBe('\\x7F');
    expect(visibleEscape('\u009b')).toBe('\\x9B');
  });

  it('bidi controls and line separators as \\uHHHH, four upper-case hex digits', () => {
    expect(visibleEscape('\u061c')).toBe('\\u061C');
    expect(visibleEscape('\u202e')).toBe('\\u202E');
    expect(visibleEscape('\u2028')).toBe('\\u2028');
  });
});

describe('safeText: one line that cannot act on a terminal', () => {
  it('escapes every control, bidi and separator character, whatever its position, and leaves the rest as written', () => {
    expect(safeText('\u001b[31mred\u001b[0m')).toBe('\\x1B[31mred\\x1B[0m');
    expect(safeText('a\r\nb\tc')).toBe('a\\r\\nb\\tc');
    expect(safeText('evil\u202egpj.exe')).toBe('evil\\u202Egpj.exe');
    expect(safeText('\u2066x\u2069\u200e\u200f\u2029')).toBe('\\u2066x\\u2069\\u200E\\u200F\\u2029');
    expect(safeText('naïve café 日本 🔥 <&> *_~`')).toBe('naïve café 日本 🔥 <&> *_~`');
  });
});

describe('safeLines: text whose line breaks are ours', () => {
  it('keeps line feeds but still shows every other control character', () => {
    expect(safeLines('a\nb\r\nc\td\u001b\u202e')).toBe('a\nb\\r\nc\\td\\x1B\\u202E');
    expect(safeLines('\u0000\u000b\u001f\u007f\u009f\u2028')).toBe('\\x00\\x0B\\x1F\\x7F\\x9F\\u2028');
  });
});

describe('safeDeep: every string of a JSON-like value', () => {
  it('strings inside arrays, nested objects and keys are made safe; numbers, booleans and null pass', () => {
    expect(safeDeep({ a: { 'b\u001b': [['x\ny'], 2, true, null, undefined] } })).toEqual({
      a: { 'b\\x1B': [['x\\ny'], 2, true, null, undefined] },
    });
    expect(safeDeep('top\nlevel')).toBe('top\\nlevel');
    expect(safeDeep(7)).toBe(7);
    expect(safeDeep(null)).toBeNull();
  });

  it('keeps line breaks only in the values the caller names, in arrays under that name too', () => {
    const multiline = (k: string): boolean => k === 'diff';
    expect(safeDeep({ diff: 'a\nb\u001b', other: 'a\nb', list: { diff: ['c\nd'] } }, multiline)).toEqual({
      diff: 'a\nb\\x1B',
      other: 'a\\nb',
      list: { diff: ['c\nd'] },
    });
  });

  it('a key is always one line, even a key named as multiline', () => {
    expect(safeDeep({ 'diff\n': 'x' }, (k) => k.startsWith('diff'))).toEqual({ 'diff\\n': 'x' });
  });
});

describe('safeFinding', () => {
  it('leaves the policy patch exactly as it is (it is shown as JSON, whose escapes are exact)', () => {
    const patch = { replaceStatement: { Sid: 'a\nb\u001b', Resource: 'arn:aws:s3:::x/*' } };
    const f = makeFinding({
      rootCauses: [
        { ...bucketPolicyDeny, title: 't\u001b', fix: { ...bucketPolicyDeny.fix, policyPatch: patch } },
      ],
    });
    const safe = safeFinding(f);
    expect(safe.rootCauses[0]!.fix.policyPatch).toEqual(patch);
    expect(safe.rootCauses[0]!.title).toBe('t\\x1B');
    expect(safe.rootCauses[0]!.fix.summary).toBe(bucketPolicyDeny.fix.summary);
  });

  it('a cause without a patch gets none, and every other field of the cause is kept and made safe', () => {
    const f = makeFinding({
      rootCauses: [
        { ...bucketPolicyDeny, fix: { ...bucketPolicyDeny.fix, commands: ['aws s3 ls\nrm -rf /'] } },
      ],
    });
    const cause = safeFinding(f).rootCauses[0]!;
    expect(cause).not.toHaveProperty('fix.policyPatch');
    expect(cause.fix.commands).toEqual(['aws s3 ls\\nrm -rf /']);
    expect(cause.evidence).toEqual(bucketPolicyDeny.evidence);
    expect(cause.change).toEqual(bucketPolicyDeny.change);
  });

  it('a finding without hostile text is unchanged', () => {
    const f = makeFinding();
    expect(safeFinding(f)).toEqual(f);
  });

  it('the diff of a change keeps its line breaks; a line break in the finding outside a diff does not', () => {
    const f: Finding = {
      ...makeFinding({
        rootCauses: [
          { ...bucketPolicyDeny, change: { ...bucketPolicyDeny.change!, diff: '- a\n+ b', summary: 's\nt' } },
        ],
      }),
      eventId: 'e\nf',
    };
    const safe = safeFinding(f);
    expect(safe.rootCauses[0]!.change!.diff).toBe('- a\n+ b');
    expect(safe.rootCauses[0]!.change!.summary).toBe('s\\nt');
    expect(safe.eventId).toBe('e\\nf');
  });
});

describe('jsonText with an indent: pretty-printed JSON for a terminal', () => {
  it('is indented by two spaces, and C1 and bidi characters (which JSON leaves raw) are escaped', () => {
    // as JSON escapes (\u009B, not \x9B): a patch copied from the terminal into a file is valid JSON
    const shown = jsonText({ a: ['x\u009b\u202e'] }, 2);
    expect(shown).toBe('{\n  "a": [\n    "x\\u009B\\u202E"\n  ]\n}');
    expect(JSON.parse(shown)).toEqual({ a: ['x\u009b\u202e'] });
  });
});

describe('Slack: the three characters Slack parses become entities, and only those', () => {
  it('&, < and > as &amp; &lt; &gt;, an existing entity is not left live', () => {
    expect(slackEntities('<!here> & <@U1>')).toBe('&lt;!here&gt; &amp; &lt;@U1&gt;');
    expect(slackEntities('&lt;!here&gt;')).toBe('&amp;lt;!here&amp;gt;');
    expect(slackEntities('a > b > c')).toBe('a &gt; b &gt; c');
    expect(slackEntities('"quoted" \'x\' *y*')).toBe('"quoted" \'x\' *y*');
  });
});

describe('Slack prose', () => {
  it('one line: control characters and line breaks are shown as escapes', () => {
    expect(slackProse('a\nb\u001b')).toBe('a\\nb\\x1B');
  });

  it('no link or mention can be written', () => {
    expect(slackProse('<!channel> <https://evil.example|x> & co')).toBe(
      '&lt;!channel&gt; &lt;https://evil.example|x&gt; &amp; co',
    );
  });

  it('an underscore is kept only between two letters or digits, in any alphabet', () => {
    expect(slackProse('été_日本 a1_2b')).toBe('été_日本 a1_2b');
    expect(slackProse('_start')).toBe('ˍstart');
    expect(slackProse('end_')).toBe('endˍ');
    expect(slackProse('a__b')).toBe('aˍˍb');
    expect(slackProse('a_*b')).toBe('aˍ∗b');
    expect(slackProse('-_-')).toBe('-ˍ-');
  });

  it('every formatting character is replaced wherever it stands, not only the first', () => {
    expect(slackProse('**~~``')).toBe('∗∗∼∼ˋˋ');
  });
});

describe('Slack inline code and code blocks', () => {
  it('inline code: exact but for the backtick; entities escaped; one line', () => {
    expect(slackCode('a_b *c* ~d~ `e` <f> &')).toBe('`a_b *c* ~d~ ˋeˋ &lt;f&gt; &amp;`');
    expect(slackCode('x\ny')).toBe('`x\\ny`');
  });

  it('a code block keeps the command lines, shows other controls and cannot be closed early', () => {
    expect(slackCodeBlock('a\nb\t```c```<d>')).toBe('```a\nb\\tˋˋˋcˋˋˋ&lt;d&gt;```');
  });
});
