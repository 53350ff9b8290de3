/**
 * aws:SourceIdentity from the record (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html):
 * a guardrail that requires a source identity decides from what CloudTrail recorded. A role session's record without
 * it makes the key likely absent (CloudTrail records it in the session context once set): the Deny is then likely,
 * never confirmed on the record's silence (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html#STS-API-source-identity).
 */
import { explain } from '../checkers/helpers';
import { A, recordFor, viewOf, type Stmt } from '../world';

const BUCKET = 'audited-bucket';
const requireSourceIdentity: Stmt = {
  Sid: 'RequireSourceIdentity',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: { StringNotLike: { 'aws:SourceIdentity': '*@example.com' } },
};
const view = viewOf({
  roles: [
    { account: A, name: 'Admin', statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
  ],
  buckets: { [BUCKET]: { account: A, policy: [requireSourceIdentity], objects: { 'k.csv': {} } } },
});

function record(sourceIdentity?: string): Record<string, unknown> {
  const r = recordFor({ account: A, role: 'Admin', bucket: BUCKET, key: 'k.csv' }) as {
    userIdentity: { sessionContext: Record<string, unknown> };
  };
  if (sourceIdentity !== undefined) r.userIdentity.sessionContext['sourceIdentity'] = sourceIdentity;
  return r as unknown as Record<string, unknown>;
}

describe('a bucket policy that requires a source identity', () => {
  it('the recorded source identity does not match: the Deny is confirmed, naming the value', () => {
    const { finding } = explain(record('ci-bot'), view);
    expect(finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'confirmed',
    });
    expect(JSON.stringify(finding.rootCauses[0]?.evidence)).toContain('aws:SourceIdentity ci-bot');
  });

  it('a matching source identity: the Deny does not apply', () => {
    const { finding } = explain(record('alice@example.com'), view);
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('bucket-policy-explicit-deny');
  });

  it("none in the role session's record: likely absent, so the Deny is cause 1 as likely (never confirmed on the record's silence)", () => {
    const { finding } = explain(record(), view);
    expect(finding.rootCauses[0]).toMatchObject({ id: 'bucket-policy-explicit-deny', confidence: 'likely' });
    const evidence = JSON.stringify(finding.rootCauses[0]?.evidence);
    expect(evidence).toContain('aws:SourceIdentity absent is inferred, not recorded');
    expect(evidence).toContain('userIdentity.sessionContext.sourceIdentity');
  });

  it('the same guardrail with a Null test: the session without one is likely denied', () => {
    const nullView = viewOf({
      roles: [
        {
          account: A,
          name: 'Admin',
          statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        },
      ],
      buckets: {
        [BUCKET]: {
          account: A,
          policy: [{ ...requireSourceIdentity, Condition: { Null: { 'aws:SourceIdentity': 'true' } } }],
          objects: { 'k.csv': {} },
        },
      },
    });
    expect(explain(record(), nullView).finding.rootCauses[0]).toMatchObject({
      id: 'bucket-policy-explicit-deny',
      confidence: 'likely',
    });
    expect(explain(record('alice@example.com'), nullView).finding.rootCauses.map((c) => c.id)).not.toContain(
      'bucket-policy-explicit-deny',
    );
  });
});
