/**
 * aws:SourceIdentity from the record (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html):
 * a guardrail that requires a source identity decides from what CloudTrail recorded; without it in the record the
 * key is unknown and the Deny only possible, never confirmed on a guess.
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

  it('none recorded: the key is unknown, so the Deny is possible, not confirmed', () => {
    const { finding } = explain(record(), view);
    const cause = finding.rootCauses.find((c) => c.id === 'bucket-policy-explicit-deny');
    expect(cause?.confidence).toBe('possible');
  });
});
