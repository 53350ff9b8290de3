import { toAccessRequest } from '../../lambdas/core/event';
import { isOwnDenial, isSqsEvent, roleNameOf } from '../../lambdas/handler/app';
import { keyToken, redactFinding } from '../../lambdas/handler/redact';
import { makeFinding } from '../delivery/fixtures';
import { cloudTrailRecord } from './fixtures';

describe('roleNameOf', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/App', 'app'],
    ['arn:aws:iam::111122223333:role/service/path/App', 'app'],
    ['arn:aws:sts::111122223333:assumed-role/App/session-1', 'app'],
    ['arn:aws:iam::111122223333:user/bob', null],
    [null, null],
  ])('%s -> %s', (arn, name) => expect(roleNameOf(arn)).toBe(name));
});

describe('isOwnDenial (loop guard)', () => {
  const auditor = 'arn:aws:iam::999988887777:role/s3-403-auditor';
  const req = (o: Parameters<typeof cloudTrailRecord>[0]) => toAccessRequest(cloudTrailRecord(o));

  it('matches the auditor role and its sessions, ignoring case', () => {
    expect(
      isOwnDenial(req({ account: '999988887777', role: 's3-403-auditor' }), {
        redactKeys: false,
        auditorRoleArn: auditor,
      }),
    ).toBe(true);
    expect(
      isOwnDenial(req({ account: '999988887777', role: 'S3-403-Auditor' }), {
        redactKeys: false,
        auditorRoleArn: auditor,
      }),
    ).toBe(true);
  });
  it('does not match a role of the same name in another account unless it is the member role', () => {
    expect(
      isOwnDenial(req({ account: '111122223333', role: 's3-403-auditor' }), {
        redactKeys: false,
        auditorRoleArn: auditor,
      }),
    ).toBe(false);
    expect(
      isOwnDenial(req({ account: '111122223333', role: 'S3403Audit' }), {
        redactKeys: false,
        memberRoleName: 's3403audit',
      }),
    ).toBe(true);
  });
  it('lets every other caller through', () => {
    expect(
      isOwnDenial(req({}), { redactKeys: false, auditorRoleArn: auditor, memberRoleName: 'S3403Audit' }),
    ).toBe(false);
    expect(isOwnDenial(req({}), { redactKeys: false })).toBe(false);
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
