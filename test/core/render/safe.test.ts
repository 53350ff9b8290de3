/**
 * lambdas/core/render/safe.ts, the one place that decides what reaches a terminal, Slack or an e-mail (issue 14),
 * stated in the user's terms. Added after mutation testing (issue 20) showed these rules were not pinned.
 * Slack's escaping rules: https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
import type { Finding } from '../../../lambdas/core/model';
import {
  jsonText,
  safeDeep,
  safeFinding,
  slackCode,
  slackCodeBlock,
  slackProse,
} from '../../../lambdas/core/render/safe';
import { bucketPolicyDeny, makeFinding } from '../../delivery/fixtures';

describe('safe output', () => {
  it('a change diff keeps its own line breaks; a line break in any other string of the finding is shown as \\n', () => {
    const base = makeFinding({ rootCauses: [bucketPolicyDeny] });
    const cause = base.rootCauses[0]!;
    const finding: Finding = {
      ...base,
      request: { ...base.request, key: 'a\nforged line' },
      rootCauses: [
        {
          ...cause,
          title: 'title\nforged',
          change: {
            eventId: 'e',
            eventName: 'PutBucketPolicy',
            eventTime: '2026-11-20T08:00:00Z',
            principal: null,
            summary: 'summary\nforged',
            diff: '- "Effect": "Allow"\n+ "Effect": "Deny"\x1b[31m',
          },
        },
      ],
    };
    const safe = safeFinding(finding);
    expect(safe.request.key).toBe('a\\nforged line');
    expect(safe.rootCauses[0]!.title).toBe('title\\nforged');
    expect(safe.rootCauses[0]!.change!.summary).toBe('summary\\nforged');
    // the diff's lines are ours: kept, each line still neutralised
    expect(safe.rootCauses[0]!.change!.diff).toBe('- "Effect": "Allow"\n+ "Effect": "Deny"\\x1B[31m');
  });

  it('by default every string is one line, object keys included', () => {
    expect(safeDeep({ 'k\ney': ['v\nv', 1, null] })).toEqual({ 'k\\ney': ['v\\nv', 1, null] });
  });

  it('JSON of nothing prints null, never an empty line', () => {
    expect(jsonText(undefined, 2)).toBe('null');
  });

  it('Slack prose: an underscore inside a word stays (My_Role); at a word edge it cannot start italics', () => {
    expect(slackProse('My_Role s3_bucket')).toBe('My_Role s3_bucket');
    expect(slackProse('_x_')).toBe('ˍxˍ');
    expect(slackProse('a_ b')).toBe('aˍ b');
    expect(slackProse('a _b')).toBe('a ˍb');
    expect(slackProse('*bold* ~strike~ `code`')).toBe('∗bold∗ ∼strike∼ ˋcodeˋ');
  });

  it('Slack code spans and blocks: wrapped in backticks, a backtick inside cannot close them', () => {
    expect(slackCode('key`<!here>')).toBe('`keyˋ&lt;!here&gt;`');
    expect(slackCodeBlock('aws s3 ls\naws `x`')).toBe('```aws s3 ls\naws ˋxˋ```');
  });
});
