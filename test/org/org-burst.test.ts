/**
 * Issue 8 item 6 (load): a burst from 50 member accounts and 5 regions through the REAL middy handler of the
 * central auditor (createHandler), with the live view in member-role mode over an in-memory organization
 * (scripts/bench/org.ts: every command answered and counted per account and API), the dedup table on dynalite,
 * SNS mocked with aws-sdk-client-mock and no Slack. Alerts and AWS calls follow the distinct problems, not the
 * events.
 */
import { clearChangeLookupCache } from '../../lambdas/adapters/changes/cloudtrail-lookup';
import type { Finding } from '../../lambdas/core/model';
import {
  AUDITOR_ACCOUNT,
  burst,
  memberAccount,
  orgRig,
  problems,
  REGIONS,
  type OrgRig,
  type Problem,
} from '../../scripts/bench/org';

jest.setTimeout(60_000);

const PROBLEMS = 50;
const EVENTS = 2_000;
/** Reads per distinct (account, bucket, principal): IAM 6, bucket 6 + HeadObject, account BPA, organization 3. */
const READS_PER_COMBO = 20;

/** The reads of the analysis: every call but AssumeRole and the change lookup's LookupEvents. */
const reads = (rig: OrgRig): number =>
  rig.org.total() - rig.org.calls('sts:AssumeRole') - rig.org.calls('cloudtrail:LookupEvents');
/** Distinct (account, bucket, principal): the principal is a role of the caller's account. */
const combos = (set: readonly Problem[]): number =>
  new Set(set.map((p) => `${p.account}|${p.bucket}|${p.callerAccount}:${p.role}`)).size;
const attribute = (rig: OrgRig, name: string): string[] =>
  rig.publishes().map((p) => p.MessageAttributes?.[name]?.StringValue ?? '');

describe('organization burst: 50 accounts × 5 regions through the real handler', () => {
  let rig: OrgRig;
  let set: Problem[];
  let afterFirst: { alerts: number; calls: number; reads: number; assume: number };

  beforeAll(async () => {
    clearChangeLookupCache();
    rig = await orgRig({ accounts: 50, tableName: 'dedup-org-burst' });
    set = problems(rig.org.accounts, PROBLEMS);
  });
  afterAll(async () => {
    await rig.close();
  });

  it('the problem set touches all 50 accounts and all 5 regions', () => {
    expect(new Set(set.map((p) => p.account)).size).toBe(50);
    expect(new Set(set.map((p) => p.region))).toEqual(new Set(REGIONS));
    expect(combos(set)).toBe(PROBLEMS);
    expect(set.filter((p) => p.callerAccount !== p.account)).toHaveLength(PROBLEMS / 5);
  });

  it(`${EVENTS} events of ${PROBLEMS} problems (SQS batches and direct events): one alert per problem, every event counted`, async () => {
    const out = await rig.drive(burst(set, EVENTS, 'w1'));
    expect(out.failures).toBe(0);
    expect(out.sqsBatches).toBeGreaterThan(0);
    expect(out.directInvocations).toBeGreaterThan(0);
    expect(out.direct.alerted + out.direct.counted).toBe(out.directInvocations);
    expect(rig.org.unhandled).toEqual([]);

    // One SNS publish per distinct problem, each naming its own bucket, account and region.
    expect(rig.publishes()).toHaveLength(PROBLEMS);
    expect(new Set(attribute(rig, 'bucket'))).toEqual(new Set(set.map((p) => p.bucket)));
    expect(new Set(attribute(rig, 'account'))).toEqual(new Set(rig.org.accounts));
    expect(new Set(attribute(rig, 'region'))).toEqual(new Set(REGIONS));
    for (const f of rig.alertedFindings()) {
      // The bucket policy's Deny is the only cause: SCPs and RCPs (FullAWSAccess at every level) allow.
      expect(f.verdict).toBe('explained');
      expect(f.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
        ['bucket-policy-explicit-deny', 'confirmed'],
      ]);
      expect(JSON.stringify(f.rootCauses[0]?.evidence)).toContain('DenyOutsideVpce');
    }

    // The dedup table (dynalite) accounts for every event: Σ(1 + repeats) over its items.
    await expect(rig.dedupTotals()).resolves.toEqual({ problems: PROBLEMS, occurrences: EVENTS });
    afterFirst = {
      alerts: PROBLEMS,
      calls: rig.org.total(),
      reads: reads(rig),
      assume: rig.org.calls('sts:AssumeRole'),
    };
  });

  it('AWS reads are bounded by the distinct (account, bucket, principal) combinations, not by the events', () => {
    const org = rig.org;
    const n = combos(set);
    expect(reads(rig)).toBeLessThanOrEqual(READS_PER_COMBO * n);
    expect(reads(rig)).toBeLessThan(EVENTS / 2);
    // Concurrent reads of one key share one call, so each read happens exactly once per thing read.
    expect(org.calls('s3:GetBucketPolicy')).toBe(new Set(set.map((p) => p.bucket)).size);
    expect(org.calls('s3:ListObjectsV2')).toBe(new Set(set.map((p) => `${p.bucket}/${p.key}`)).size);
    expect(org.calls('s3:HeadObject')).toBe(0); // object content is never readable by default
    expect(org.calls('iam:GetRole')).toBe(new Set(set.map((p) => `${p.callerAccount}|${p.role}`)).size);
    expect(org.calls('organizations:DescribeOrganization')).toBe(50);
    for (const account of org.accounts)
      expect(org.calls(undefined, account)).toBeLessThanOrEqual(READS_PER_COMBO);
  });

  it("cross-account problems: the caller's IAM is read in the caller's account, the bucket in the owner's", () => {
    const org = rig.org;
    const cross = set.filter((p) => p.callerAccount !== p.account);
    const callers = new Set(set.map((p) => p.callerAccount));
    for (const p of cross) {
      expect(org.calls('iam:GetRole', p.callerAccount)).toBeGreaterThanOrEqual(1);
      expect(org.calls('s3:GetBucketPolicy', p.account)).toBeGreaterThanOrEqual(1);
    }
    // An account that only owns buckets of cross-account problems has no IAM read at all.
    const ownersOnly = org.accounts.filter((a) => !callers.has(a));
    expect(ownersOnly.length).toBeGreaterThan(0);
    for (const a of ownersOnly) expect(org.calls('iam:GetRole', a)).toBe(0);
    const crossFindings = rig.alertedFindings().filter((f) => f.request.crossAccount);
    expect(crossFindings).toHaveLength(cross.length);
  });

  it('AssumeRole: one call per member account (credentials cached), with the external id; member reads use them', () => {
    const org = rig.org;
    expect(org.calls('sts:AssumeRole')).toBe(50);
    // AssumeRole is answered by the auditor account's STS; the organization walk is read there too.
    const auditorApis = [...(org.counts.get('auditor')?.keys() ?? [])];
    expect(
      auditorApis.every((api) => /^(sts:AssumeRole|organizations:|cloudtrail:LookupEvents)/.test(api)),
    ).toBe(true);
    // Every member-account client was built with that account's assumed-role credentials.
    const memberClients = org.factoryCalls.filter((f) => f.account !== 'auditor');
    expect(memberClients.length).toBeGreaterThan(0);
    expect(memberClients.every((f) => f.accessKeyId?.startsWith(`ASIA${f.account}`))).toBe(true);
    expect(org.calls('sts:GetCallerIdentity')).toBe(0); // auditorAccountId is configured
    expect(org.counts.has(AUDITOR_ACCOUNT)).toBe(false);
  });

  it('twice the events with the same problems: no new alert and no new AWS call', async () => {
    const out = await rig.drive(burst(set, EVENTS, 'w2'));
    expect(out.failures).toBe(0);
    expect(rig.publishes()).toHaveLength(afterFirst.alerts);
    expect(rig.org.total()).toBe(afterFirst.calls);
    await expect(rig.dedupTotals()).resolves.toEqual({ problems: PROBLEMS, occurrences: 2 * EVENTS });
  });

  it('10 new problems: 10 more alerts and the reads of 10 more combinations, no new AssumeRole', async () => {
    const added = problems(rig.org.accounts, 10, PROBLEMS);
    // New buckets (other regions) of accounts already entered, by principals already read.
    expect(added.every((p) => !set.some((q) => q.bucket === p.bucket))).toBe(true);
    const beforePolicies = rig.org.calls('s3:GetBucketPolicy');
    const out = await rig.drive(burst(added, 200, 'w3'));
    expect(out.failures).toBe(0);
    expect(rig.publishes()).toHaveLength(afterFirst.alerts + 10);
    expect(new Set(attribute(rig, 'bucket').slice(-10))).toEqual(new Set(added.map((p) => p.bucket)));
    const newReads = reads(rig) - afterFirst.reads;
    expect(newReads).toBeGreaterThanOrEqual(10);
    expect(newReads).toBeLessThanOrEqual(READS_PER_COMBO * combos(added));
    expect(rig.org.calls('s3:GetBucketPolicy') - beforePolicies).toBe(10);
    expect(rig.org.calls('sts:AssumeRole')).toBe(afterFirst.assume);
    await expect(rig.dedupTotals()).resolves.toEqual({
      problems: PROBLEMS + 10,
      occurrences: 2 * EVENTS + 200,
    });
  });

  // Concurrent events of one new problem share one in-flight LookupEvents call (paced at 2 rps in production).
  const lookups = { problems: 0, calls: 0 };
  it('5 new problems arriving together: alerted once each', async () => {
    clearChangeLookupCache();
    const fresh = problems(rig.org.accounts, 5, 200);
    const before = { alerts: rig.publishes().length, lookups: rig.org.calls('cloudtrail:LookupEvents') };
    const out = await rig.drive(burst(fresh, 100, 'w4'), { directEvery: 0 });
    expect(out.failures).toBe(0);
    expect(rig.publishes().length - before.alerts).toBe(5);
    lookups.problems = fresh.length;
    lookups.calls = rig.org.calls('cloudtrail:LookupEvents') - before.lookups;
  });
  it('LookupEvents: one lookup per distinct problem even when its events arrive together', () => {
    expect(lookups.problems).toBe(5);
    expect(lookups.calls).toBeLessThanOrEqual(lookups.problems);
  });
});

describe('a member account whose role cannot be assumed', () => {
  // Account 10 owns the bucket of problem 10 and is the caller of the cross-account problem 9.
  const closed = memberAccount(10);
  let rig: OrgRig;
  let set: Problem[];

  beforeAll(async () => {
    clearChangeLookupCache();
    rig = await orgRig({ accounts: 50, closedAccounts: [closed], tableName: 'dedup-org-closed' });
    set = problems(rig.org.accounts, PROBLEMS);
    const out = await rig.drive(burst(set, 500, 'c1'));
    expect(out.failures).toBe(0);
  });
  afterAll(async () => {
    await rig.close();
  });

  const closedFindings = (): Finding[] =>
    rig.alertedFindings().filter((f) => f.request.bucketAccountId === closed);

  it('its denials still alert, once per problem', () => {
    expect(rig.publishes()).toHaveLength(PROBLEMS);
    expect(closedFindings()).toHaveLength(set.filter((p) => p.account === closed).length);
  });

  it('the findings carry unknown checks naming sts:AssumeRole, and no cause is confirmed', () => {
    for (const f of closedFindings()) {
      const needsAssume = f.checks.filter(
        (c) => c.status === 'unknown' && c.missing?.some((m) => m.includes('sts:AssumeRole')),
      );
      // Everything read in that account: the bucket, its Block Public Access, the caller's IAM policies, the org.
      expect(needsAssume.map((c) => c.layer)).toEqual(
        expect.arrayContaining([
          'bucket-policy-explicit-deny',
          'block-public-access',
          'identity-policy-no-allow',
          'scp-deny',
          'rcp-deny',
        ]),
      );
      expect(f.checks.some((c) => c.status === 'deny')).toBe(false);
      expect(f.verdict).not.toBe('explained');
      expect(f.rootCauses.every((c) => c.confidence !== 'confirmed')).toBe(true);
    }
  });

  it("a caller in that account: the owner's bucket policy is still read and confirmed, the caller's IAM is unknown", () => {
    const asCaller = rig
      .alertedFindings()
      .filter((f) => f.request.principal.accountId === closed && f.request.bucketAccountId !== closed);
    expect(asCaller).toHaveLength(1);
    const f = asCaller[0]!;
    expect(f.rootCauses[0]).toMatchObject({ id: 'bucket-policy-explicit-deny', confidence: 'confirmed' });
    const identity = f.checks.find((c) => c.layer === 'identity-policy-no-allow');
    expect(identity?.status).toBe('unknown');
    expect(identity?.missing?.some((m) => m.includes('sts:AssumeRole'))).toBe(true);
  });

  it('the refused AssumeRole is tried once (the failure is cached) and nothing is read in that account', () => {
    expect(rig.org.calls('sts:AssumeRole')).toBe(50);
    expect(rig.org.counts.has(closed)).toBe(false);
    // The other accounts are analysed as usual.
    const open = rig.alertedFindings().filter((f) => f.request.bucketAccountId !== closed);
    expect(open.every((f) => f.rootCauses[0]?.id === 'bucket-policy-explicit-deny')).toBe(true);
  });
});
