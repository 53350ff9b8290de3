import type { Finding, RootCause } from '../../../lambdas/core/model';
import { changeLine, recordLine, simulatorLine } from '../../../lambdas/core/render/second-lines';
import { renderSlack } from '../../../lambdas/core/render/slack';
import { renderSnsMessage } from '../../../lambdas/core/render/sns';
import { renderText } from '../../../lambdas/core/render/text';
import { explain, scenarioEvent } from '../checkers/helpers';

const cause = (id: RootCause['id'], change: RootCause['change'] = null): RootCause => ({
  id,
  confidence: 'confirmed',
  title: '',
  explanation: '',
  evidence: [],
  fix: { summary: '', commands: [], verified: true },
  change,
});
const finding = (over: Partial<Finding>): Finding => ({ rootCauses: [], ...over }) as unknown as Finding;

describe('changeLine (issue 9: "started after <who> ran <call> at <time>", or say that nothing was found)', () => {
  it('shows the change that started the denial', () => {
    const c = cause('bucket-policy-explicit-deny', {
      eventId: 'e',
      eventName: 'PutBucketPolicy',
      eventTime: 't',
      principal: 'bob',
      summary: 'started after bob ran PutBucketPolicy on b at t',
    });
    expect(changeLine(finding({ changeLookup: { status: 'checked', windowDays: 7 } }), c)).toBe(
      'What changed: started after bob ran PutBucketPolicy on b at t',
    );
  });

  it('says so when the history was searched and nothing was found, naming the layer and the window', () => {
    expect(
      changeLine(
        finding({ changeLookup: { status: 'checked', windowDays: 7 } }),
        cause('vpc-endpoint-policy'),
      ),
    ).toBe('What changed: no change to the VPC endpoint policy was found in the 7 days before the denial.');
  });

  it('says the history was not checked, and why, instead of guessing', () => {
    const f = finding({
      changeLookup: { status: 'unknown', windowDays: 7, detail: 'not authorized to call LookupEvents' },
    });
    expect(changeLine(f, cause('scp-deny'))).toBe(
      'What changed: not checked (not authorized to call LookupEvents).',
    );
  });

  it('says nothing for causes no configuration change explains, or when no lookup was made', () => {
    expect(
      changeLine(
        finding({ changeLookup: { status: 'checked', windowDays: 7 } }),
        cause('request-expired-or-invalid'),
      ),
    ).toBeNull();
    expect(changeLine(finding({}), cause('bucket-policy-explicit-deny'))).toBeNull();
  });
});

describe('simulatorLine', () => {
  it("shows AWS's simulator note when there is one", () => {
    const f = finding({
      awsSimulator: {
        decision: 'allowed',
        ours: 'implicitDeny',
        agrees: false,
        matchedStatements: [],
        note: 'Disagreement: …',
      },
    });
    expect(simulatorLine(f)).toBe('AWS simulator: Disagreement: …');
    expect(simulatorLine(finding({}))).toBeNull();
  });
});

describe('changeLine when changes were found but none touched what denies (issue 13 item 4)', () => {
  const note =
    'the denying statement "DenyDeleteExceptAdmin" predates every change found in the last 7 days (PutBucketPolicy by bob at 2026-11-20T08:12:31Z did not add or alter it)';
  const withNote: RootCause = { ...cause('bucket-policy-explicit-deny'), changeNote: note };
  const checked = finding({ changeLookup: { status: 'checked', windowDays: 7 } });

  it('prints the note, not "no change was found"', () => {
    expect(changeLine(checked, withNote)).toBe(`What changed: ${note}`);
  });

  it('the text, Slack and SNS renderings all carry it', () => {
    const { finding: real } = explain(
      scenarioEvent('DeleteObject by a non-admin role hits DenyDeleteExceptAdmin'),
    );
    const f: Finding = {
      ...real,
      changeLookup: { status: 'checked', windowDays: 7 },
      rootCauses: real.rootCauses.map((c, i) => (i === 0 ? { ...c, change: null, changeNote: note } : c)),
    };
    expect(renderText([f], { color: false })).toContain(`What changed: ${note}`);
    expect(renderSnsMessage(f)).toContain(`What changed: ${note}`);
    expect(JSON.stringify(renderSlack(f))).toContain('predates every change found in the last 7 days');
    expect(renderText([f], { color: false })).not.toContain('no change to the bucket policy was found');
  });
});

describe('recordLine: what the record itself says, one line when it matters (issue 13)', () => {
  it('names a decisive error code and its meaning', () => {
    const f = finding({
      recordEvidence: {
        errorCode: {
          code: 'AllAccessDisabled',
          layer: 'account-or-resource-suspended',
          decisive: true,
          pointsAt: [],
          meaning: 'all access to this Amazon S3 resource has been disabled by AWS (403)',
          url: 'https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html',
        },
        items: [],
      },
    });
    expect(recordLine(f)).toBe(
      'AllAccessDisabled: all access to this Amazon S3 resource has been disabled by AWS (403)',
    );
  });

  it('says "likely plain HTTP" with the record version when TLS details are missing from a recent record', () => {
    const f = finding({
      recordEvidence: {
        errorCode: {
          code: 'AccessDenied',
          layer: 'authorization',
          decisive: false,
          pointsAt: [],
          meaning: '…',
          url: 'u',
        },
        items: [
          {
            kind: 'transport',
            confidence: 'likely',
            pointsAt: [],
            rulesOut: [],
            conditionKey: 'aws:SecureTransport',
            value: 'false',
            source: ['eventVersion', 'tlsDetails', 'additionalEventData.CipherSuite'],
            detail:
              'likely plain HTTP: the record (eventVersion 1.09) of a call from 198.51.100.7 has no tlsDetails …',
          },
        ],
      },
    });
    expect(recordLine(f)).toBe(
      'likely plain HTTP (no TLS details in a 1.09 record): a Deny on aws:SecureTransport "false" would apply',
    );
  });

  it('says nothing for a plain AccessDenied over TLS, or without record evidence', () => {
    const { finding: real } = explain(
      scenarioEvent('AppRole reads a report from outside the office network'),
    );
    expect(recordLine(real)).toBeNull();
    expect(recordLine(finding({}))).toBeNull();
  });
});
