/**
 * The problem key (lambdas/core/problem-key.ts): one alert per distinct problem, where a problem is the principal
 * identity, the caller's and the bucket's accounts, the bucket, the action, the root cause and the deciding
 * statement. The same key groups `explain --group`, which prints its principal and bucket (README "Once per
 * problem", docs/CLI.md "--group").
 */
import { keyOf, problemKey } from '../../lambdas/core/problem-key';
import { MemoryDedupStore } from '../../lambdas/delivery/dedup';
import type { Evidence, Finding } from '../../lambdas/core/model';
import { bucketPolicyDeny, makeFinding } from './fixtures';

const T0 = Date.UTC(2026, 10, 28, 1, 0, 0);
const base = makeFinding();

/** How many alerts a stream of findings makes (one dedup window). */
async function alertsFor(...findings: Finding[]): Promise<number> {
  const store = new MemoryDedupStore(900);
  let alerts = 0;
  for (const [i, f] of findings.entries()) if ((await store.claim(problemKey(f), T0 + i)).alert) alerts++;
  return alerts;
}

/** A finding whose top root cause carries this evidence. */
const withEvidence = (...evidence: Evidence[]): Finding =>
  makeFinding({ rootCauses: [{ ...bucketPolicyDeny, evidence }] });

/** A finding whose caller differs from the fixture's in these fields. */
const withPrincipal = (principal: Partial<Finding['request']['principal']>): Finding =>
  makeFinding({ request: { ...base.request, principal: { ...base.request.principal, ...principal } } });

const noIdentity = { arn: null, identityArn: null, principalId: null } as const;

/** Evidence that names no statement and no policy (a condition detail). */
const detailOnly: Evidence = {
  layer: 'bucket-policy',
  detail: 'aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24',
};

describe('the deciding statement is the first evidence that names a statement or a policy', () => {
  it('evidence that names neither is skipped: two different deciding statements after it make two alerts', async () => {
    const a = withEvidence(detailOnly, {
      layer: 'bucket-policy',
      detail: 'decides',
      policy: 'corp-data bucket policy',
      statement: 'DenyA',
    });
    const b = withEvidence(detailOnly, {
      layer: 'bucket-policy',
      detail: 'decides',
      policy: 'corp-data bucket policy',
      statement: 'DenyB',
    });
    expect(await alertsFor(a, b)).toBe(2);
    expect(problemKey(a).statement).toBe('corp-data bucket policy#DenyA');
  });

  it('a statement named without its policy (an SCP or an identity policy statement) still tells problems apart', async () => {
    const a = withEvidence(detailOnly, { layer: 'scp', detail: 'decides', statement: 'DenyS3Outside' });
    const b = withEvidence(detailOnly, { layer: 'scp', detail: 'decides', statement: 'DenyAllButLogs' });
    expect(await alertsFor(a, b)).toBe(2);
    expect(problemKey(a).statement).toBe('#DenyS3Outside');
  });

  it('a policy named without a statement (the whole policy decided) tells problems apart by policy', async () => {
    const a = withEvidence(detailOnly, {
      layer: 'kms',
      detail: 'decides',
      policy: 'arn:aws:kms:us-east-1:111122223333:key/k1',
    });
    const b = withEvidence(detailOnly, {
      layer: 'kms',
      detail: 'decides',
      policy: 'arn:aws:kms:us-east-1:111122223333:key/k2',
    });
    expect(await alertsFor(a, b)).toBe(2);
    expect(problemKey(a).statement).toBe('arn:aws:kms:us-east-1:111122223333:key/k1#');
  });

  it('only the first naming evidence decides: later evidence does not split one problem', async () => {
    const deciding: Evidence = {
      layer: 'bucket-policy',
      detail: 'decides',
      policy: 'corp-data bucket policy',
      statement: 'DenyA',
    };
    const a = withEvidence(deciding, {
      layer: 'identity-policy',
      detail: 'decides',
      policy: 'AppPolicy',
      statement: 'X',
    });
    const b = withEvidence(deciding, {
      layer: 'identity-policy',
      detail: 'decides',
      policy: 'AppPolicy',
      statement: 'Y',
    });
    expect(await alertsFor(a, b)).toBe(1);
  });

  it('evidence without any named statement or policy gives an empty deciding statement', async () => {
    const a = withEvidence(detailOnly);
    const b = withEvidence({ ...detailOnly, detail: 'another detail' });
    expect(problemKey(a).statement).toBe('');
    expect(await alertsFor(a, b)).toBe(1);
  });
});

describe('callers CloudTrail records without an identity', () => {
  it('names the caller by its type and account', () => {
    expect(problemKey(withPrincipal({ ...noIdentity, type: 'Anonymous', accountId: null }))).toEqual({
      principal: 'Anonymous@?',
      account: '?>111122223333',
      bucket: 'corp-data',
      action: 's3:GetObject',
      rootCause: 'bucket-policy-explicit-deny',
      statement: 'corp-data bucket policy#DenyNonOfficeIPs',
    });
    expect(
      problemKey(withPrincipal({ ...noIdentity, type: 'AWSService', accountId: '444455556666' })).principal,
    ).toBe('AWSService@444455556666');
  });

  it('an anonymous caller and a service caller are two problems; two anonymous requests are one', async () => {
    const anonymous = withPrincipal({ ...noIdentity, type: 'Anonymous', accountId: null });
    const service = withPrincipal({ ...noIdentity, type: 'AWSService', accountId: null });
    expect(await alertsFor(anonymous, service)).toBe(2);
    expect(await alertsFor(anonymous, makeFinding({ ...anonymous, eventId: 'ev-0002' }))).toBe(1);
  });

  it('falls back to the session ARN when there is neither identity ARN nor principal id', () => {
    expect(problemKey(withPrincipal({ identityArn: null, principalId: null })).principal).toBe(
      'arn:aws:sts::111122223333:assumed-role/AppRole/s1',
    );
  });

  it("marks an unknown bucket account with '?'", () => {
    expect(problemKey(makeFinding({ request: { ...base.request, bucketAccountId: null } })).account).toBe(
      '111122223333>?',
    );
  });
});

describe('requests without a bucket or a mapped action', () => {
  it("names the bucket '-' when the request names none (the CLI's --group prints it)", () => {
    const nothing = makeFinding({ request: { ...base.request, bucket: null, resources: [] } });
    expect(problemKey(nothing).bucket).toBe('-');
  });

  it('a record that names only the access point: denials of different objects through it are one problem', async () => {
    const ap = 'arn:aws:s3:us-east-1:111122223333:accesspoint/ap1';
    const through = (key: string, accessPointArn: string | null): Finding =>
      makeFinding({
        request: { ...base.request, bucket: null, accessPointArn, resources: [`${ap}/object/${key}`] },
      });
    expect(await alertsFor(through('a.csv', ap), through('b.csv', ap))).toBe(1);
    expect(problemKey(through('a.csv', ap)).bucket).toBe(ap);
    // the access point read from the resource when the request does not carry it
    expect(await alertsFor(through('a.csv', null), through('b.csv', null))).toBe(1);
    expect(problemKey(through('a.csv', null)).bucket).toBe(ap);
  });

  it('two access points are two places: the same denial through each makes two alerts', async () => {
    const through = (ap: string): Finding =>
      makeFinding({
        request: { ...base.request, bucket: null, accessPointArn: ap, resources: [`${ap}/object/a.csv`] },
      });
    expect(
      await alertsFor(
        through('arn:aws:s3:us-east-1:111122223333:accesspoint/ap1'),
        through('arn:aws:s3:us-east-1:111122223333:accesspoint/ap2'),
      ),
    ).toBe(2);
  });

  it('keys by the event name when no IAM action is known: two unmapped calls are two problems', async () => {
    const unmapped = (eventName: string): Finding =>
      makeFinding({ request: { ...base.request, eventName, actions: [] } });
    expect(problemKey(unmapped('SomeNewS3Call')).action).toBe('SomeNewS3Call');
    expect(await alertsFor(unmapped('SomeNewS3Call'), unmapped('AnotherNewS3Call'))).toBe(2);
  });

  it('names every action of a call that needs several (UploadPartCopy: PutObject and GetObject)', () => {
    const copy = makeFinding({
      request: { ...base.request, eventName: 'UploadPartCopy', actions: ['s3:PutObject', 's3:GetObject'] },
    });
    expect(problemKey(copy).action).toBe('s3:PutObject,s3:GetObject');
  });
});

describe('findings without a root cause', () => {
  it("an unexplained finding is the problem 'unexplained', apart from an analysis failure", async () => {
    const unexplained = makeFinding({ rootCauses: [], verdict: 'unexplained' });
    expect(problemKey(unexplained)).toMatchObject({ rootCause: 'unexplained', statement: '' });
    const failed = makeFinding({ rootCauses: [], error: 'AccessDenied reading the bucket policy' });
    expect(await alertsFor(unexplained, failed)).toBe(2);
    expect(await alertsFor(unexplained, makeFinding({ ...unexplained, eventId: 'ev-0002' }))).toBe(1);
  });
});

describe('keyOf', () => {
  it('is a fixed-size key whatever the size of the problem (DynamoDB partition keys are at most 2048 bytes)', () => {
    const long = problemKey(
      makeFinding({
        request: { ...base.request, actions: Array.from({ length: 500 }, (_, i) => `s3:Action${i}`) },
      }),
    );
    expect(keyOf(long)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyOf(problemKey(base))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not let one component run into the next', () => {
    const p = problemKey(base);
    expect(keyOf({ ...p, bucket: 'corp', action: `data${p.action}` })).not.toBe(
      keyOf({ ...p, bucket: 'corpdata', action: p.action }),
    );
  });
});
