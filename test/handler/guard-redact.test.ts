import { isOwnDenial, isSqsEvent, ownRoleArns } from '../../lambdas/handler/app';
import { keyToken, redactFinding } from '../../lambdas/handler/redact';
import { makeFinding } from '../delivery/fixtures';
import { cloudTrailRecord } from './fixtures';

describe('isOwnDenial (loop guard, exact issuer ARN)', () => {
  const auditor = 'arn:aws:iam::999988887777:role/s3-403-auditor';
  const options = { redactKeys: false, auditorRoleArn: auditor, memberRoleName: 'S3403Audit' };

  it("matches the auditor's own role and every session of it", () => {
    expect(isOwnDenial(cloudTrailRecord({ account: '999988887777', role: 's3-403-auditor' }), options)).toBe(
      true,
    );
  });

  it('matches the member read role of the account the denial happened in', () => {
    expect(isOwnDenial(cloudTrailRecord({ role: 'S3403Audit' }), options)).toBe(true);
    expect(ownRoleArns(options, '111122223333')).toEqual([
      auditor,
      'arn:aws:iam::111122223333:role/S3403Audit',
    ]);
  });

  it('takes the partition from the auditor role (aws-cn, aws-us-gov)', () => {
    expect(
      ownRoleArns({ ...options, auditorRoleArn: 'arn:aws-cn:iam::999988887777:role/a' }, '111122223333'),
    ).toEqual(['arn:aws-cn:iam::999988887777:role/a', 'arn:aws-cn:iam::111122223333:role/S3403Audit']);
  });

  it('lets every other caller through, and a record without a session issuer', () => {
    expect(isOwnDenial(cloudTrailRecord({}), options)).toBe(false);
    expect(isOwnDenial(cloudTrailRecord({ role: 'S3403Audit' }), { redactKeys: false })).toBe(false);
    const user = cloudTrailRecord({});
    delete (user.userIdentity as Record<string, unknown>).sessionContext;
    expect(isOwnDenial(user, options)).toBe(false);
  });
});

describe('isSqsEvent', () => {
  it('recognises an SQS batch and nothing else', () => {
    expect(isSqsEvent({ Records: [{ eventSource: 'aws:sqs', body: '{}' }] })).toBe(true);
    expect(isSqsEvent({ Records: [{ eventSource: 's3.amazonaws.com' }] })).toBe(false);
    expect(isSqsEvent({ Records: [] })).toBe(false);
    expect(isSqsEvent(null)).toBe(false);
  });
});

describe('redactFinding', () => {
  it('replaces the key in the request, the resources and free text with a stable hash', () => {
    const f = makeFinding();
    const key = f.request.key!;
    const r = redactFinding(f);
    expect(r.request.key).toBe(keyToken(key));
    expect(keyToken(key)).toMatch(/^key-sha256:[0-9a-f]{16}$/);
    expect(keyToken(key)).toBe(keyToken('reports/q3.csv'));
    expect(r.request.resources).toEqual([`arn:aws:s3:::corp-data/${keyToken(key)}`]);
    expect(JSON.stringify(r)).not.toContain('q3.csv');
    expect(r.request.bucket).toBe('corp-data');
  });
  it('leaves words alone for a very short key, replacing only bucket/key', () => {
    const base = makeFinding();
    const f = makeFinding({
      request: { ...base.request, key: 'a', resources: ['arn:aws:s3:::corp-data/a'] },
      rootCauses: [{ ...base.rootCauses[0]!, explanation: 'a bucket policy denies corp-data/a' }],
    });
    const r = redactFinding(f);
    expect(r.rootCauses[0]!.explanation).toBe(`a bucket policy denies corp-data/${keyToken('a')}`);
  });
  it('returns a bucket-level finding unchanged', () => {
    const base = makeFinding();
    const f = makeFinding({ request: { ...base.request, key: null } });
    expect(redactFinding(f)).toBe(f);
  });
});
