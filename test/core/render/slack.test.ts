import fc from 'fast-check';
import type { Finding, RootCause } from '../../../lambdas/core/model';
import { ROOT_CAUSE_IDS } from '../../../lambdas/core/model';
import {
  clipMrkdwn,
  renderSlack,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
} from '../../../lambdas/core/render/slack';
import { bucketPolicyDeny, makeFinding } from '../../delivery/fixtures';

/**
 * Slack Block Kit limits: 50 blocks (https://docs.slack.dev/reference/block-kit/blocks); header text
 * 150 (…/blocks/header-block); section text 3000, fields 10 x 2000 (…/blocks/section-block);
 * context 10 elements (…/blocks/context-block).
 */
function limitViolations(msg: SlackMessage): string[] {
  const v: string[] = [];
  if (msg.blocks.length > SLACK_LIMITS.blocks) v.push(`blocks ${msg.blocks.length}`);
  if (msg.text.length === 0 || msg.text.length > SLACK_LIMITS.fallbackText) v.push(`text ${msg.text.length}`);
  msg.blocks.forEach((b: SlackBlock, i) => {
    if (b.type === 'header' && (b.text.text.length > 150 || b.text.type !== 'plain_text'))
      v.push(`header ${i}`);
    if (b.type === 'section') {
      if (!b.text && !b.fields?.length) v.push(`empty section ${i}`);
      if (b.text && (b.text.text.length > 3000 || b.text.text.length === 0))
        v.push(`section ${i} ${b.text.text.length}`);
      if (
        b.fields &&
        (b.fields.length > 10 || b.fields.some((f) => f.text.length > 2000 || f.text.length === 0))
      )
        v.push(`fields ${i}`);
    }
    if (
      b.type === 'context' &&
      (b.elements.length > 10 || b.elements.length === 0 || b.elements.some((x) => x.text.length > 2000))
    )
      v.push(`context ${i}`);
  });
  return v;
}

const allText = (msg: SlackMessage): string => JSON.stringify(msg.blocks);

describe('renderSlack', () => {
  it('puts a header first, then the cause, evidence and a fix with the command in a code block', () => {
    const msg = renderSlack(makeFinding());
    expect(msg.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: ':no_entry: S3 403: AppRole GetObject corp-data - bucket policy Deny DenyNonOfficeIPs',
      },
    });
    const texts = msg.blocks.map((b) => (b.type === 'section' && b.text ? b.text.text : ''));
    expect(texts[1]).toMatch(/^\*Cause:\* The bucket policy denies requests from outside the office network/);
    expect(texts[2]).toContain('*Evidence*');
    expect(texts[2]).toContain('`DenyNonOfficeIPs`');
    expect(texts[3]).toContain('*Fix* (:white_check_mark: verified by re-evaluation)');
    expect(texts[3]).toContain(
      '```aws s3api put-bucket-policy --bucket corp-data --policy file://policy.json```',
    );
    expect(msg.blocks.some((b) => b.type === 'divider')).toBe(true);
    expect(allText(msg)).toContain(':clock3: What changed: added DenyNonOfficeIPs');
    expect(allText(msg)).toContain('*Checks* — deny: bucket-policy-explicit-deny; unknown: scp-deny');
    expect(msg.text).toBe('S3 403: AppRole GetObject on corp-data - bucket policy Deny DenyNonOfficeIPs');
    expect(limitViolations(msg)).toEqual([]);
  });

  it('lists the request as fields, each value exact in inline code: principal, action, resource, source IP', () => {
    const fields = renderSlack(makeFinding()).blocks.find((b) => b.type === 'section' && b.fields);
    const texts = fields && fields.type === 'section' ? (fields.fields ?? []).map((f) => f.text) : [];
    expect(texts).toEqual(
      expect.arrayContaining([
        '*Principal*\n`arn:aws:sts::111122223333:assumed-role/AppRole/s1`',
        '*Action*\n`s3:GetObject`',
        '*Resource*\n`arn:aws:s3:::corp-data/reports/q3.csv`',
        '*Source IP*\n`198.51.100.7`',
      ]),
    );
  });

  it('carries the repeat count in the blocks and in the fallback text', () => {
    const msg = renderSlack(makeFinding(), { repeatCount: 7, since: '2026-11-28T00:00:00Z' });
    expect(allText(msg)).toContain(':repeat: *7* more times since 2026-11-28T00:00:00Z');
    expect(msg.text).toContain('(7 more since 2026-11-28T00:00:00Z)');
  });

  it('escapes &, < and > so user data cannot form Slack links or mentions', () => {
    const msg = renderSlack(
      makeFinding({ rootCauses: [{ ...bucketPolicyDeny, explanation: 'a <!channel> & <http://x|y>' }] }),
    );
    expect(allText(msg)).toContain('a &lt;!channel&gt; &amp; &lt;http://x|y&gt;');
    expect(allText(msg)).not.toContain('<!channel>');
    const fallback = renderSlack(
      makeFinding({ request: { ...makeFinding().request, bucket: 'a<b>&c' } }),
    ).text;
    expect(fallback).toContain('on a&lt;b&gt;&amp;c');
  });

  it('shows the analysis error when the analysis failed', () => {
    const msg = renderSlack(
      makeFinding({ rootCauses: [], verdict: 'unexplained', error: 'facts: throttled' }),
    );
    expect(allText(msg)).toContain(':warning: *The analysis failed:* facts: throttled');
    expect(msg.text).toContain('analysis failed');
  });

  it('closes a code block cut in the middle and ends with the truncation marker', () => {
    const out = clipMrkdwn('*Fix*\n```' + 'a'.repeat(5000) + '```', 3000);
    expect(out.length).toBeLessThanOrEqual(3000);
    expect(out.endsWith('```\n… (truncated)')).toBe(true);
    expect((out.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('never splits an HTML entity when cutting', () => {
    const out = clipMrkdwn('&amp;'.repeat(1000), 100);
    expect(out.replace('\n… (truncated)', '')).toMatch(/^(&amp;)+$/);
  });

  it('stays within the limits with 40 root causes of long evidence and commands', () => {
    const long = 'p'.repeat(10_000);
    const cause: RootCause = {
      ...bucketPolicyDeny,
      evidence: Array.from({ length: 30 }, () => ({ layer: long, statement: long, detail: long })),
      fix: {
        summary: long,
        commands: Array.from({ length: 20 }, () => long),
        verified: false,
        stillDeniedBy: [long],
      },
    };
    const msg = renderSlack(makeFinding({ rootCauses: Array.from({ length: 40 }, () => cause) }), {
      repeatCount: 3,
      since: long,
    });
    expect(limitViolations(msg)).toEqual([]);
    expect(allText(msg)).toContain('… (truncated)');
  });

  const str = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ minLength: 2000, maxLength: 12_000 }),
    fc.constant('<&>```'.repeat(900)),
  );
  const nullableStr = fc.option(str, { nil: null });
  const causeArb: fc.Arbitrary<RootCause> = fc.record({
    id: fc.constantFrom(...ROOT_CAUSE_IDS),
    confidence: fc.constantFrom('confirmed' as const, 'likely' as const, 'possible' as const),
    title: str,
    explanation: str,
    evidence: fc.array(
      fc.record({ layer: str, statement: fc.option(str, { nil: undefined }), detail: str }),
      { maxLength: 12 },
    ),
    fix: fc.record({ summary: str, commands: fc.array(str, { maxLength: 8 }), verified: fc.boolean() }),
    change: fc.option(
      fc.record({ eventId: str, eventName: str, eventTime: str, principal: nullableStr, summary: str }),
      { nil: null },
    ),
  });

  it('stays within every Slack limit for any finding, however long its strings (property)', () => {
    fc.assert(
      fc.property(
        fc.array(causeArb, { maxLength: 25 }),
        str,
        nullableStr,
        fc.array(str, { maxLength: 5 }),
        fc.option(str, { nil: undefined }),
        fc.option(fc.nat(), { nil: undefined }),
        (rootCauses, eventName, bucket, resources, error, repeatCount) => {
          const base = makeFinding();
          const finding: Finding = {
            ...base,
            eventId: eventName,
            request: {
              ...base.request,
              eventName,
              bucket,
              resources,
              errorMessage: eventName,
              sourceIp: bucket,
            },
            rootCauses,
            checks: ROOT_CAUSE_IDS.map((layer) => ({
              layer,
              status: 'unknown' as const,
              detail: eventName,
              missing: resources,
            })),
            awsMessage: { ...base.awsMessage, note: eventName },
            ...(error !== undefined ? { error } : {}),
          };
          const msg = renderSlack(
            finding,
            repeatCount !== undefined ? { repeatCount, since: eventName } : {},
          );
          expect(limitViolations(msg)).toEqual([]);
          expect(() => JSON.parse(JSON.stringify(msg))).not.toThrow();
        },
      ),
      { numRuns: 60 },
    );
  });
});
