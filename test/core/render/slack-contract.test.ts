/**
 * The Slack Block Kit message (lambdas/core/render/slack.ts) in the reader's terms: what each block shows, and the
 * limits Slack imposes, as documented facts: at most 50 blocks (https://docs.slack.dev/reference/block-kit/blocks),
 * header text 150 characters (…/blocks/header-block), section text 3000 characters and at most 10 fields of 2000
 * (…/blocks/section-block), a context block at most 10 elements (…/blocks/context-block). Escaping:
 * https://docs.slack.dev/messaging/formatting-message-text#escaping ; verbatim text objects:
 * https://docs.slack.dev/reference/block-kit/composition-objects/text-object
 */
import type { Check, Finding, RootCause } from '../../../lambdas/core/model';
import {
  clipMrkdwn,
  escapeMrkdwn,
  renderSlack,
  type SlackBlock,
  type SlackMessage,
  type TextObject,
} from '../../../lambdas/core/render/slack';
import { bucketPolicyDeny, makeFinding, allAccessDisabled } from '../../delivery/fixtures';

const base = makeFinding();
const withRequest = (r: Partial<Finding['request']>): Finding =>
  makeFinding({ request: { ...base.request, ...r } });

/** The text of every section (its own text only), in order. */
const sections = (msg: SlackMessage): string[] =>
  msg.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
const fieldTexts = (msg: SlackMessage): string[] =>
  msg.blocks.flatMap((b) => (b.type === 'section' && b.fields ? b.fields.map((f) => f.text) : []));
const contexts = (msg: SlackMessage): TextObject[][] =>
  msg.blocks.flatMap((b) => (b.type === 'context' ? [b.elements] : []));
const footer = (msg: SlackMessage): string[] =>
  contexts(msg)
    .at(-1)!
    .map((e) => e.text);
const textObjects = (msg: SlackMessage): TextObject[] =>
  msg.blocks.flatMap((b) =>
    b.type === 'header'
      ? [b.text]
      : b.type === 'section'
        ? [...(b.text ? [b.text] : []), ...(b.fields ?? [])]
        : b.type === 'context'
          ? b.elements
          : [],
  );

const cause = (over: Partial<RootCause>): RootCause => ({ ...bucketPolicyDeny, ...over });

describe('Slack: text objects', () => {
  it('every mrkdwn text is verbatim (no automatic links or mentions); the header is plain text', () => {
    const msg = renderSlack(base, { repeatCount: 2 });
    for (const t of textObjects(msg)) {
      if (t.type === 'mrkdwn') expect(t.verbatim).toBe(true);
      else expect(t).not.toHaveProperty('verbatim');
    }
    expect(textObjects(msg).filter((t) => t.type === 'plain_text')).toHaveLength(1);
  });

  it('a header longer than 150 characters is cut to 150 and ends with "…"', () => {
    const msg = renderSlack(withRequest({ bucket: 'b'.repeat(300) }));
    const header = msg.blocks[0]!;
    expect(header.type).toBe('header');
    const text = header.type === 'header' ? header.text.text : '';
    expect(text).toHaveLength(150);
    expect(text).toBe(`:no_entry: S3 403: AppRole GetObject ${'b'.repeat(150 - 37 - 1)}…`);
  });

  it('a cut never splits a character: an emoji at the cut is left out whole, not shown half', () => {
    const loneHalf = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    // 37 characters before the value and "…" after: with 111 b's the cut falls between the two halves of 🔥
    for (const pad of [110, 111, 112]) {
      const msg = renderSlack(withRequest({ bucket: `${'b'.repeat(pad)}🔥🔥${'b'.repeat(40)}` }));
      const header = msg.blocks[0]!;
      const text = header.type === 'header' ? header.text.text : '';
      expect(text).not.toMatch(loneHalf);
      expect(text.length).toBeLessThanOrEqual(150);
      expect(text.endsWith('…')).toBe(true);
    }
  });

  it('the exported escape is the entity escape Slack documents', () => {
    expect(escapeMrkdwn('<a&b>')).toBe('&lt;a&amp;b&gt;');
  });
});

describe('Slack: cutting mrkdwn (clipMrkdwn)', () => {
  it('text that fits, exactly at the limit too, is unchanged', () => {
    expect(clipMrkdwn('abc', 3)).toBe('abc');
    expect(clipMrkdwn('a'.repeat(100), 100)).toBe('a'.repeat(100));
  });

  it('a cut text keeps what fits beside a closing fence and the marker, which ends it on its own line', () => {
    // the marker "… (truncated)" is 13 characters; room is kept for "\n```" and the line break before the marker
    expect(clipMrkdwn('a'.repeat(200), 100)).toBe(`${'a'.repeat(100 - 13 - 4 - 1)}\n… (truncated)`);
  });

  it('a partial entity at the cut is dropped whole: &, &l, &lt and &amp never end the text', () => {
    for (const pad of ['', 'x', 'xx', 'xxx', 'xxxx']) {
      const out = clipMrkdwn(pad + '&lt;'.repeat(200), 100);
      expect(out.replace('\n… (truncated)', '')).toMatch(/^x*(&lt;)*$/);
      expect(out.length).toBeGreaterThan(70);
    }
  });

  it('a complete entity just before the cut is kept', () => {
    expect(clipMrkdwn(`${'a'.repeat(78)}&lt;${'b'.repeat(50)}`, 100)).toBe(
      `${'a'.repeat(78)}&lt;\n… (truncated)`,
    );
    expect(clipMrkdwn(`${'a'.repeat(75)}AT&amp;T${'b'.repeat(50)}`, 100)).toBe(
      `${'a'.repeat(75)}AT&amp;\n… (truncated)`,
    );
  });

  it('a cut inside a code block closes it, so the marker is text; a cut after a closed block does not', () => {
    const open = clipMrkdwn('```' + 'a'.repeat(200), 100);
    expect(open).toBe('```' + 'a'.repeat(100 - 13 - 4 - 1 - 3) + '\n```\n… (truncated)');
    expect(open).toHaveLength(100);
    const closed = clipMrkdwn('```a```' + 'b'.repeat(200), 100);
    expect(closed).toBe('```a```' + 'b'.repeat(100 - 13 - 4 - 1 - 7) + '\n… (truncated)');
  });

  it('never returns more than the limit, even a tiny one', () => {
    expect(clipMrkdwn('abcdef', 3)).toHaveLength(3);
  });
});

describe('Slack: the cause blocks', () => {
  it('the first cause is "Cause", the others "Also possible (n)", each with confidence and id', () => {
    const second = cause({
      id: 'scp-deny',
      confidence: 'likely',
      title: 'An SCP denies',
      explanation: 'why',
    });
    const texts = sections(renderSlack(makeFinding({ rootCauses: [bucketPolicyDeny, second] })));
    expect(texts[0]).toBe(
      '*Cause:* The bucket policy denies requests from outside the office network  _(confirmed, `bucket-policy-explicit-deny`)_\n' +
        'Statement DenyNonOfficeIPs denies s3:∗ when aws:SourceIp is not in 203.0.113.0/24.',
    );
    expect(texts).toContain('*Also possible (2):* An SCP denies  _(likely, `scp-deny`)_\nwhy');
  });

  it('evidence: each line names layer, policy and statement in code, then the detail', () => {
    const texts = sections(renderSlack(base));
    expect(texts[1]).toBe(
      '*Evidence*\n• `bucket-policy` / `corp-data bucket policy` / `DenyNonOfficeIPs`: aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24',
    );
  });

  it('at most 8 evidence lines, then "…and N more"; no evidence, no evidence block', () => {
    const evidence = Array.from({ length: 11 }, (_, i) => ({ layer: `l${i}`, detail: `d${i}` }));
    const texts = sections(renderSlack(makeFinding({ rootCauses: [cause({ evidence })] })));
    const ev = texts.find((t) => t.startsWith('*Evidence*'))!;
    expect(ev.split('\n')).toEqual([
      '*Evidence*',
      ...evidence.slice(0, 8).map((e) => `• \`${e.layer}\`: ${e.detail}`),
      '_…and 3 more_',
    ]);
    const eight = sections(
      renderSlack(makeFinding({ rootCauses: [cause({ evidence: evidence.slice(0, 8) })] })),
    );
    expect(eight.find((t) => t.startsWith('*Evidence*'))).not.toContain('more');
    const none = sections(renderSlack(makeFinding({ rootCauses: [cause({ evidence: [] })] })));
    expect(none.some((t) => t.startsWith('*Evidence*'))).toBe(false);
  });

  it('a long evidence value is cut to 200 characters in code and a long detail to 1000, each ending with "…"', () => {
    const evidence = [{ layer: 'L'.repeat(500), detail: 'D'.repeat(5000) }];
    const ev = sections(renderSlack(makeFinding({ rootCauses: [cause({ evidence })] }))).find((t) =>
      t.startsWith('*Evidence*'),
    )!;
    expect(ev).toBe(`*Evidence*\n• \`${'L'.repeat(199)}…\`: ${'D'.repeat(999)}…`);
  });

  it('the fix: not verified, at most 5 commands in code blocks, then "…and N more commands", and what still denies', () => {
    const commands = Array.from({ length: 7 }, (_, i) => `aws cmd${i}`);
    const fix = { summary: 'do it', commands, verified: false, stillDeniedBy: ['scp', 'rcp'] };
    const texts = sections(renderSlack(makeFinding({ rootCauses: [cause({ fix })] })));
    expect(texts).toContain(
      [
        '*Fix* (not verified): do it',
        ...commands.slice(0, 5).map((c) => `\`\`\`${c}\`\`\``),
        '_…and 2 more commands_',
        'Still denied after this fix by: scp, rcp',
      ].join('\n'),
    );
  });

  it('the fix with exactly 5 commands and nothing still denying shows just those', () => {
    const commands = Array.from({ length: 5 }, (_, i) => `aws cmd${i}`);
    const fix = { summary: 'do it', commands, verified: true, stillDeniedBy: [] };
    const texts = sections(renderSlack(makeFinding({ rootCauses: [cause({ fix })] })));
    expect(texts).toContain(
      [
        '*Fix* (:white_check_mark: verified by re-evaluation): do it',
        ...commands.map((c) => `\`\`\`${c}\`\`\``),
      ].join('\n'),
    );
  });

  it('a long command is cut to 1500 characters in its code block', () => {
    const fix = { summary: 's', commands: ['c'.repeat(4000)], verified: true };
    const texts = sections(renderSlack(makeFinding({ rootCauses: [cause({ fix })] })));
    expect(texts).toContain(
      `*Fix* (:white_check_mark: verified by re-evaluation): s\n\`\`\`${'c'.repeat(1499)}…\`\`\``,
    );
  });

  it('what changed, with the diff in a code block; nothing when no change is known', () => {
    const change = { ...bucketPolicyDeny.change!, diff: '- "Effect": "Allow"\n+ "Effect": "Deny"' };
    const texts = sections(renderSlack(makeFinding({ rootCauses: [cause({ change })] })));
    expect(texts).toContain(
      ':clock3: What changed: added DenyNonOfficeIPs\n```- "Effect": "Allow"\n+ "Effect": "Deny"```',
    );
    expect(sections(renderSlack(base))).toContain(':clock3: What changed: added DenyNonOfficeIPs');
    const none = sections(renderSlack(makeFinding({ rootCauses: [cause({ change: null })] })));
    expect(none.some((t) => t.includes('What changed'))).toBe(false);
  });

  it('three causes in full, the rest by title and id on one line', () => {
    const causes = Array.from({ length: 5 }, (_, i) =>
      cause({
        title: `T${i}`,
        id: i < 3 ? 'bucket-policy-explicit-deny' : 'scp-deny',
        evidence: [],
        change: null,
      }),
    );
    const texts = sections(renderSlack(makeFinding({ rootCauses: causes })));
    expect(texts.filter((t) => /^\*(Cause|Also possible \(\d\)):\*/.test(t))).toHaveLength(3);
    expect(texts).toContain('*Also possible:* T3 (`scp-deny`); T4 (`scp-deny`)');
    const three = sections(renderSlack(makeFinding({ rootCauses: causes.slice(0, 3) })));
    expect(three.some((t) => t.startsWith('*Also possible:*'))).toBe(false);
  });
});

describe('Slack: the head of the message', () => {
  it('no cause and no error: says it is unexplained', () => {
    const texts = sections(renderSlack(makeFinding({ rootCauses: [], verdict: 'unexplained' })));
    expect(texts[0]).toBe(
      '*Unexplained:* no layer could be shown to deny this request; see the checks that could not run.',
    );
  });

  it('a failed analysis says so and is not also called unexplained', () => {
    const texts = sections(renderSlack(makeFinding({ rootCauses: [], verdict: 'unexplained', error: 'x' })));
    expect(texts[0]).toBe(
      ':warning: *The analysis failed:* x\nThe request below was reconstructed from CloudTrail.',
    );
    expect(texts.some((t) => t.startsWith('*Unexplained:*'))).toBe(false);
  });

  it('a cause found is not called unexplained', () => {
    expect(sections(renderSlack(base)).some((t) => t.includes('Unexplained'))).toBe(false);
  });

  it('not an access-control denial: says so instead of "unexplained"', () => {
    const f = makeFinding({
      rootCauses: [],
      verdict: 'explained',
      recordEvidence: allAccessDisabled('all access disabled'),
    });
    expect(sections(renderSlack(f))[0]).toBe(
      'Not an access-control denial: AllAccessDisabled: all access disabled.',
    );
  });

  it('repeats since the last alert when no time is known; no repeat line for zero', () => {
    expect(sections(renderSlack(base, { repeatCount: 4 }))[0]).toBe(
      ':repeat: *4* more times since the last alert',
    );
    expect(sections(renderSlack(base, { repeatCount: 0 })).some((t) => t.includes(':repeat:'))).toBe(false);
  });

  it('a repeat count below one is no repeat: no line, no footer note, nothing in the notification text', () => {
    for (const repeatCount of [0, -1, -5]) {
      expect(renderSlack(base, { repeatCount, since: 't0' })).toEqual(renderSlack(base));
    }
  });
});

describe('Slack: the request fields', () => {
  it('every known value in order, each exact in code: principal to event', () => {
    const f = withRequest({
      crossAccount: true,
      bucketAccountId: '444455556666',
      vpcEndpointId: 'vpce-1a2b',
      accessPointArn: 'arn:aws:s3:us-east-1:444455556666:accesspoint/ap',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
    });
    expect(fieldTexts(renderSlack(f))).toEqual([
      '*Principal*\n`arn:aws:sts::111122223333:assumed-role/AppRole/s1`',
      '*Action*\n`s3:GetObject, s3:GetObjectVersion`',
      '*Resource*\n`arn:aws:s3:::corp-data/reports/q3.csv`',
      '*Bucket account*\n`444455556666 (cross-account)`',
      '*Source IP*\n`198.51.100.7`',
      '*VPC endpoint*\n`vpce-1a2b`',
      '*Access point*\n`arn:aws:s3:us-east-1:444455556666:accesspoint/ap`',
      '*Error*\n`AccessDenied: Access Denied`',
      '*Verdict*\n`explained`',
      '*Event*\n`2026-11-28T01:02:03Z us-east-1`',
    ]);
  });

  it('unknown or empty values are left out; the action falls back to the event name', () => {
    const f = withRequest({
      principal: {
        ...base.request.principal,
        arn: null,
        identityArn: null,
        principalId: null,
        type: 'Anonymous',
      },
      actions: [],
      resources: [],
      bucketAccountId: null,
      sourceIp: '',
      errorMessage: null,
    });
    expect(fieldTexts(renderSlack(f))).toEqual([
      '*Principal*\n`Anonymous`',
      '*Action*\n`GetObject`',
      '*Error*\n`AccessDenied`',
      '*Verdict*\n`explained`',
      '*Event*\n`2026-11-28T01:02:03Z us-east-1`',
    ]);
  });

  it('the principal is the ARN, else the identity ARN, else the principal id', () => {
    const p = base.request.principal;
    expect(fieldTexts(renderSlack(withRequest({ principal: { ...p, arn: null } })))[0]).toBe(
      '*Principal*\n`arn:aws:iam::111122223333:role/AppRole`',
    );
    expect(
      fieldTexts(renderSlack(withRequest({ principal: { ...p, arn: null, identityArn: null } })))[0],
    ).toBe('*Principal*\n`AROAEXAMPLE:s1`');
  });

  it('several resources are listed, separated by commas', () => {
    expect(
      fieldTexts(renderSlack(withRequest({ resources: ['arn:aws:s3:::a', 'arn:aws:s3:::b'] }))),
    ).toContain('*Resource*\n`arn:aws:s3:::a, arn:aws:s3:::b`');
  });

  it('a same-account bucket account is not called cross-account', () => {
    expect(fieldTexts(renderSlack(base))).toContain('*Bucket account*\n`111122223333`');
  });

  // the caller's copy of a cross-account denial: CloudTrail removes the bucket owner's account id from it
  it('a cross-account bucket whose account the record does not name is said to be another account', () => {
    expect(
      fieldTexts(
        renderSlack({ ...base, request: { ...base.request, bucketAccountId: null, crossAccount: true } }),
      ),
    ).toContain('*Bucket account*\n`another account, not named in the record (cross-account)`');
  });

  it('a long value is cut to 1500 characters in its code span', () => {
    const fields = fieldTexts(renderSlack(withRequest({ sourceIp: 'i'.repeat(3000) })));
    expect(fields).toContain(`*Source IP*\n\`${'i'.repeat(1499)}…\``);
  });
});

describe('Slack: the checks', () => {
  it('the summary by status, and each layer that could not be checked with why', () => {
    const checks: Check[] = [
      { layer: 'bucket-policy-explicit-deny', status: 'deny' },
      { layer: 'scp-deny', status: 'unknown', detail: 'no access', missing: ['a', 'b'] },
      { layer: 'rcp-deny', status: 'unknown', missing: [] },
      { layer: 'kms-key-access', status: 'unknown', detail: '*bold*' },
    ];
    const texts = sections(renderSlack(makeFinding({ checks })));
    expect(texts).toContain(
      '*Checks* — deny: bucket-policy-explicit-deny; unknown: scp-deny, rcp-deny, kms-key-access',
    );
    expect(texts).toContain(
      [
        '*Not checked* (unknown is never treated as allowed)',
        '• `scp-deny`: no access; missing a, b',
        '• `rcp-deny`: not checked',
        '• `kms-key-access`: ∗bold∗',
      ].join('\n'),
    );
  });

  it('no checks: "none", and no "Not checked" block', () => {
    const texts = sections(renderSlack(makeFinding({ checks: [] })));
    expect(texts).toContain('*Checks* — none');
    expect(texts.some((t) => t.startsWith('*Not checked*'))).toBe(false);
  });
});

describe('Slack: the footer', () => {
  it('the CloudTrail event id in code, first, alone when nothing else is known', () => {
    expect(footer(renderSlack(base))).toEqual(['CloudTrail event `ev-0001`']);
  });

  it("then AWS's message, the simulator's opinion and the repeat count", () => {
    const f = makeFinding({
      awsMessage: { ...base.awsMessage, note: 'AWS names <the bucket policy>' },
      awsSimulator: {
        decision: 'allowed',
        ours: 'explicitDeny',
        agrees: false,
        matchedStatements: [],
        note: 'differs',
      },
    });
    expect(footer(renderSlack(f, { repeatCount: 2, since: 't0' }))).toEqual([
      'CloudTrail event `ev-0001`',
      'AWS message: AWS names &lt;the bucket policy&gt;',
      'AWS simulator: differs',
      'Seen *2* more times since t0',
    ]);
    expect(footer(renderSlack(base, { repeatCount: 2 }))).toContain(
      'Seen *2* more times since the last alert',
    );
  });

  it('says "1 more time", not "1 more times", after a single repeat (as the SNS e-mail does)', () => {
    expect(footer(renderSlack(base, { repeatCount: 1, since: 't0' }))).toContain(
      'Seen *1* more time since t0',
    );
    expect(JSON.stringify(renderSlack(base, { repeatCount: 1, since: 't0' }).blocks)).toContain(
      ':repeat: *1* more time since t0',
    );
  });

  it('a long event id is cut to 200 characters in code', () => {
    expect(footer(renderSlack(makeFinding({ eventId: 'e'.repeat(500) })))).toEqual([
      `CloudTrail event \`${'e'.repeat(199)}…\``,
    ]);
  });
});

describe('Slack: at most 50 blocks, the tail kept', () => {
  const many = (n: number): RootCause[] =>
    Array.from({ length: n }, (_, i) => cause({ title: `T${i}`, evidence: [], change: null }));

  it('blocks that fit are all kept, with no truncation note', () => {
    const msg = renderSlack(makeFinding({ rootCauses: many(3) }));
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(msg.blocks)).not.toContain('(truncated)');
  });

  it('many causes: three in full, one line for the rest, then the request, checks and footer, in that order', () => {
    const full = cause({ evidence: [{ layer: 'l', detail: 'd' }], change: bucketPolicyDeny.change });
    const msg = renderSlack(makeFinding({ rootCauses: Array.from({ length: 6 }, () => full) }), {
      repeatCount: 2,
    });
    expect(msg.blocks.map((b) => b.type)).toEqual([
      'header',
      'section', // repeats
      ...Array.from({ length: 3 }, () => ['section', 'section', 'section', 'section']).flat(), // cause, evidence, fix, change
      'section', // also possible
      'divider',
      'section', // request fields
      'section', // checks
      'section', // not checked
      'context', // footer
    ]);
  });
});

describe('Slack: the notification fallback text', () => {
  it('principal, call, bucket and cause, escaped like the blocks', () => {
    expect(renderSlack(withRequest({ bucket: null })).text).toBe(
      'S3 403: AppRole GetObject - bucket policy Deny DenyNonOfficeIPs',
    );
    expect(renderSlack(base, { repeatCount: 3 }).text).toBe(
      'S3 403: AppRole GetObject on corp-data - bucket policy Deny DenyNonOfficeIPs (3 more since last alert)',
    );
    expect(renderSlack(base, { repeatCount: 0 }).text).toBe(
      'S3 403: AppRole GetObject on corp-data - bucket policy Deny DenyNonOfficeIPs',
    );
    expect(renderSlack(withRequest({ eventName: '*Get*_x_' })).text).toBe(
      'S3 403: AppRole ∗Get∗ˍxˍ on corp-data - bucket policy Deny DenyNonOfficeIPs',
    );
  });

  it('is cut to 3000 characters with the marker', () => {
    const text = renderSlack(withRequest({ bucket: 'b'.repeat(5000) })).text;
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.endsWith('\n… (truncated)')).toBe(true);
  });
});

describe('Slack: blocks are plain data', () => {
  it('every block is one of header, section, context, divider', () => {
    const types = renderSlack(base).blocks.map((b: SlackBlock) => b.type);
    expect(types[0]).toBe('header');
    expect(types).toContain('divider');
    expect(new Set(types)).toEqual(new Set(['header', 'section', 'divider', 'context']));
  });
});
