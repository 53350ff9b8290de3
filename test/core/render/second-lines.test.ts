import type { Finding, RootCause } from '../../../lambdas/core/model';
import { changeLine, simulatorLine } from '../../../lambdas/core/render/second-lines';

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
