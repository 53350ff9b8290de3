/**
 * Preflight core (issue 18): the collapse key, the substitution of proposed documents, and the replay's
 * before / after classification, on examples/preflight/ and the fixture snapshot. Policy semantics come from
 * the engine; these tests pin what preflight does with its decisions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { toAccessRequest } from '../../lambdas/core/event';
import { collapseKey, occurrenceFree } from '../../lambdas/core/preflight/collapse';
import { Replay } from '../../lambdas/core/preflight/replay';
import { identityTarget, substitute, type Proposal } from '../../lambdas/core/preflight/substitute';
import { trafficRecord } from '../../scripts/bench/preflight-traffic';

const ROOT = join(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/preflight');
const view = (): SnapshotView =>
  new SnapshotView(loadSnapshot(readFileSync(join(EXAMPLE, 'snapshot.json'), 'utf8'), 'snapshot.json'));
const PROPOSED = JSON.parse(readFileSync(join(EXAMPLE, 'proposed-bucket-policy.json'), 'utf8')) as Record<
  string,
  unknown
>;
const proposal = (over: Partial<Proposal> = {}): Proposal => ({
  kind: 'bucket-policy',
  target: 'reports-bucket',
  name: 'proposed-bucket-policy',
  document: PROPOSED,
  label: '--bucket-policy reports-bucket=proposed-bucket-policy.json',
  ...over,
});

type Rec = Record<string, unknown>;
const ALICE_OFFICE = trafficRecord(10, 20) as Rec; // slot 10: alice from 203.0.113.10
const ETL_GET = trafficRecord(1, 20) as Rec; // slot 1: the ETL role through the VPC endpoint
const BOB_DELETE = trafficRecord(19, 20) as Rec; // slot 19: bob's denied delete

async function replay(
  records: readonly Rec[],
  proposals: readonly Proposal[] = [proposal()],
  verbose = false,
) {
  const r = new Replay({ view: view(), proposals, verbose });
  const text = JSON.stringify({ Records: records });
  for (const [i, rec] of records.entries()) {
    // as the log-file reader hands them on: one text per record
    const p = r.text({ text: JSON.stringify(rec), index: i }, 'test');
    if (p) await p;
  }
  expect(text.length).toBeGreaterThan(0);
  return { report: r.report(), stats: r.stats };
}

describe('the collapse key: which recorded requests are the same request', () => {
  const occurrence = (rec: Rec, n: number, extra: Rec = {}): Rec => ({
    ...rec,
    eventID: `id-${n}`,
    requestID: `req-${n}`,
    eventTime: `2026-11-2${n % 9}T10:00:0${n % 10}Z`,
    ...extra,
  });

  it('occurrences differing only in event id, request id and time (aws:CurrentTime, aws:EpochTime) collapse', () => {
    const a = toAccessRequest(occurrence(ALICE_OFFICE, 1));
    const b = toAccessRequest(occurrence(ALICE_OFFICE, 2));
    expect(a.context.values['aws:CurrentTime']).not.toEqual(b.context.values['aws:CurrentTime']);
    expect(collapseKey(a)).toBe(collapseKey(b));
  });

  it('a different source IP is a different request (aws:SourceIp can decide)', () => {
    const a = toAccessRequest(ALICE_OFFICE);
    const b = toAccessRequest({ ...ALICE_OFFICE, sourceIPAddress: '192.0.2.44' });
    expect(collapseKey(a)).not.toBe(collapseKey(b));
  });

  it('a different session of the same role, or another object key, is a different request', () => {
    const ui = ETL_GET['userIdentity'] as Rec;
    const other = {
      ...ETL_GET,
      userIdentity: { ...ui, arn: String(ui['arn']).replace('etl-nightly', 'etl-adhoc') },
    };
    expect(collapseKey(toAccessRequest(ETL_GET))).not.toBe(collapseKey(toAccessRequest(other)));
    const params = ETL_GET['requestParameters'] as Rec;
    const otherKey = { ...ETL_GET, requestParameters: { ...params, key: 'reports/other.csv' } };
    expect(collapseKey(toAccessRequest(ETL_GET))).not.toBe(collapseKey(toAccessRequest(otherKey)));
  });

  it('the user agent and the byte counts never split a request (no policy reads them)', () => {
    const a = toAccessRequest({ ...ALICE_OFFICE, userAgent: '[aws-cli/2.15.0]' });
    const b = toAccessRequest({ ...ALICE_OFFICE, userAgent: '[aws-cli/2.17.1]' });
    expect(collapseKey(a)).toBe(collapseKey(b));
  });

  it("a record's text without its occurrence fields is the same for two occurrences, and keeps user strings", () => {
    const one = occurrenceFree(JSON.stringify(occurrence(ALICE_OFFICE, 1)));
    const two = occurrenceFree(JSON.stringify(occurrence(ALICE_OFFICE, 2)));
    expect(one.text).toBe(two.text);
    expect(one.eventTime).toBe('2026-11-21T10:00:01Z');
    const params = ALICE_OFFICE['requestParameters'] as Rec;
    const hostile = JSON.stringify({
      ...ALICE_OFFICE,
      requestParameters: { ...params, key: '"eventID":"x"' },
    });
    expect(occurrenceFree(hostile).text).toContain('\\"eventID\\":\\"x\\"');
  });
});

describe('the proposed documents replace the current ones in the facts', () => {
  it('--bucket-policy replaces the policy of that bucket only', async () => {
    const request = toAccessRequest(ALICE_OFFICE);
    const facts = await view().gather(request);
    const sub = substitute(request, facts, [proposal()]);
    expect(sub.applied).toEqual([proposal().label]);
    const bucket = sub.facts.buckets['reports-bucket'];
    expect(bucket?.status === 'known' && bucket.value.policy).toEqual({
      status: 'known',
      value: {
        name: 'reports-bucket',
        arn: 'arn:aws:s3:::reports-bucket',
        source: 'bucket-policy',
        document: PROPOSED,
      },
    });
    expect(facts.buckets['reports-bucket']).not.toBe(bucket); // the current facts are untouched
    expect(substitute(request, facts, [proposal({ target: 'other-bucket' })]).applied).toEqual([]);
  });

  it("--identity-policy ROLE-ARN[#NAME] adds (or replaces) that inline policy of the role, for the role's callers only", async () => {
    const request = toAccessRequest(ETL_GET);
    const facts = await view().gather(request);
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] };
    const add = substitute(request, facts, [
      proposal({
        kind: 'identity-policy',
        target: 'arn:aws:iam::111122223333:role/ReportsEtl',
        name: 'lockdown',
        document: doc,
      }),
    ]);
    const names = (f: typeof facts) =>
      f.principal?.status === 'known' ? f.principal.value.identityPolicies.map((p) => p.name) : [];
    expect(names(add.facts)).toEqual(['etl-reports', 'lockdown']);
    const replace = substitute(request, facts, [
      proposal({
        kind: 'identity-policy',
        target: 'arn:aws:iam::111122223333:role/ReportsEtl',
        name: 'etl-reports',
        document: doc,
      }),
    ]);
    expect(names(replace.facts)).toEqual(['etl-reports']);
    const aliceFacts = await view().gather(toAccessRequest(ALICE_OFFICE));
    expect(
      substitute(toAccessRequest(ALICE_OFFICE), aliceFacts, [
        proposal({
          kind: 'identity-policy',
          target: 'arn:aws:iam::111122223333:role/ReportsEtl',
          name: 'x',
          document: doc,
        }),
      ]).applied,
    ).toEqual([]);
  });

  it('--identity-policy MANAGED-ARN replaces that policy wherever it is attached, a permissions boundary too', () => {
    const managed = 'arn:aws:iam::111122223333:policy/S3Boundary';
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    };
    const request = toAccessRequest(ALICE_OFFICE);
    const facts = {
      principal: {
        status: 'known' as const,
        value: {
          identityArn: 'arn:aws:iam::111122223333:user/alice',
          accountId: '111122223333',
          kind: 'user' as const,
          identityPolicies: [
            { name: 'S3Boundary', arn: managed, source: 'group-managed' as const, document: {} },
          ],
          permissionsBoundary: {
            name: 'S3Boundary',
            arn: managed,
            source: 'permissions-boundary' as const,
            document: {},
          },
          tags: {},
          groups: [],
        },
      },
    } as unknown as Parameters<typeof substitute>[1];
    const sub = substitute(request, facts, [
      proposal({ kind: 'identity-policy', target: managed, document: doc }),
    ]);
    const p = sub.facts.principal;
    expect(p?.status === 'known' && p.value.identityPolicies[0]).toMatchObject({
      source: 'group-managed',
      document: doc,
    });
    expect(p?.status === 'known' && p.value.permissionsBoundary).toMatchObject({
      source: 'permissions-boundary',
      document: doc,
    });
    expect(identityTarget('arn:aws:iam::111122223333:group/Readers')).toEqual({
      type: 'group',
      accountId: '111122223333',
      name: 'Readers',
    });
  });

  it('--scp ID replaces the SCP on the caller’s path; --scp OU-ID#NAME attaches a new one there', async () => {
    const request = toAccessRequest(ALICE_OFFICE);
    const facts = await view().gather(request);
    const deny = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }],
    };
    const replaced = substitute(request, facts, [
      proposal({ kind: 'scp', target: 'p-FullAWSAccess', aliases: ['FullAWSAccess'], document: deny }),
    ]);
    expect(replaced.applied).toHaveLength(1);
    const attached = substitute(request, facts, [
      proposal({ kind: 'scp', target: 'ou-ab12-workloads', name: 'NoReads', document: deny }),
    ]);
    const levels = attached.facts.scpLevels;
    expect(
      levels.status === 'known' &&
        levels.value?.find((l) => l.target === 'ou-ab12-workloads')?.policies.map((p) => p.name),
    ).toEqual(['FullAWSAccess', 'NoReads']);
  });

  it('--vpc-endpoint-policy reaches only the requests that went through that endpoint', async () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
    };
    const p = proposal({ kind: 'vpc-endpoint-policy', target: 'vpce-0a1b2c3d4e5f60718', document: doc });
    const etl = toAccessRequest(ETL_GET);
    expect(substitute(etl, await view().gather(etl), [p]).applied).toHaveLength(1);
    const alice = toAccessRequest(ALICE_OFFICE);
    expect(substitute(alice, await view().gather(alice), [p]).applied).toEqual([]);
  });

  it('a change whose reach a missing fact hides is unknown, not "not applicable"', async () => {
    const request = toAccessRequest(ALICE_OFFICE);
    const facts = {
      ...(await view().gather(request)),
      principal: { status: 'unknown' as const, reason: 'accessDenied' as const },
    };
    const sub = substitute(request, facts, [
      proposal({
        kind: 'identity-policy',
        target: 'arn:aws:iam::111122223333:policy/Readers',
        document: PROPOSED,
      }),
    ]);
    expect(sub.applied).toEqual([]);
    expect(sub.unknown).toHaveLength(1);
  });
});

describe('the replay: decided before and after by the same engine', () => {
  it('50,000 recorded requests collapse to their distinct requests and every one is counted once', async () => {
    const total = 50_000;
    const records = Array.from({ length: total }, (_, i) => trafficRecord(i, total) as Rec);
    const { report, stats } = await replay(records);
    expect(report.records).toBe(total);
    expect(report.requests).toBe(total);
    // 14 distinct: 7 ETL reads, 4 + 3 ETL writes over the days, 1 alice-home, 7 alice-office... (see the traffic mix)
    expect(report.distinct).toBe(stats.decided);
    expect(stats.textHits).toBe(total - stats.decided);
    const listed = (xs: readonly { count: number }[]) => xs.reduce((a, x) => a + x.count, 0);
    const sum =
      listed(report.newlyDenied) +
      listed(report.newlyAllowed) +
      listed(report.unknown) +
      report.stillAllowed.requests +
      report.stillDenied.requests +
      report.undecided.requests +
      report.unmapped.requests;
    expect(sum).toBe(total);
    // per 20 records: 10 ETL (VPC endpoint: no aws:SourceIp) + 2 alice from home + 3 partner are newly denied
    expect(listed(report.newlyDenied)).toBe((total / 20) * 15);
    expect(report.stillAllowed.requests).toBe((total / 20) * 4); // alice from the office
    expect(report.stillDenied.requests).toBe(total / 20); // bob's delete, denied today already
    expect(report.disagreements.requests).toBe(0);
    expect(report.unknown).toEqual([]);
    for (const item of report.newlyDenied) {
      expect(item.before).toEqual({ decision: 'allowed', basis: 'engine' });
      expect(item.after.decision).toBe('explicitly-denied');
      expect(item.after.rootCauses[0]).toMatchObject({
        id: 'bucket-policy-explicit-deny',
        confidence: 'confirmed',
      });
      expect(item.after.rootCauses[0]?.evidence.some((e) => e.statement === 'DenyOutsideOffice')).toBe(true);
    }
    expect(report.changes).toEqual([
      { change: proposal().label, reached: { requests: total, distinct: report.distinct } },
    ]);
  }, 120_000);

  it('the ETL role reading through the VPC endpoint is newly denied: aws:SourceIp is absent there, so NotIpAddress matches', async () => {
    const { report } = await replay([ETL_GET]);
    expect(report.newlyDenied).toHaveLength(1);
    const item = report.newlyDenied[0]!;
    expect(item).toMatchObject({
      principal: 'arn:aws:sts::111122223333:assumed-role/ReportsEtl/etl-nightly',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::reports-bucket/reports/2026/11/day-1.csv',
      count: 1,
      sample: { sourceIp: '10.0.3.17', vpcEndpointId: 'vpce-0a1b2c3d4e5f60718' },
      outsideAccount: false,
      outsideOrganization: false,
    });
    expect(JSON.stringify(item.after.rootCauses[0]?.evidence)).toContain('aws:SourceIp is absent');
  });

  it('requests denied before and after are counted, and listed only when verbose', async () => {
    expect((await replay([BOB_DELETE])).report.stillDenied).toEqual({ requests: 1, distinct: 1 });
    const verbose = await replay([BOB_DELETE], [proposal()], true);
    expect(verbose.report.stillDenied.items?.map((i) => i.principal)).toEqual([
      'arn:aws:iam::111122223333:user/bob',
    ]);
  });

  it('access that may widen for a caller outside the organization is flagged, and unknown while its own policies are missing', async () => {
    const outsider = {
      ...ALICE_OFFICE,
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXTERNAL00000001:audit',
        arn: 'arn:aws:sts::999988887777:assumed-role/ExternalAuditor/audit',
        accountId: '999988887777',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            arn: 'arn:aws:iam::999988887777:role/ExternalAuditor',
            accountId: '999988887777',
          },
          attributes: { mfaAuthenticated: 'false', creationDate: '2026-11-20T00:00:00Z' },
        },
      },
      errorCode: 'AccessDenied',
      errorMessage: 'Access Denied',
    };
    const grant = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AuditorRead',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::999988887777:role/ExternalAuditor' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::reports-bucket/*',
        },
      ],
    };
    const { report } = await replay([outsider], [proposal({ document: grant })]);
    // today the bucket grants the auditor nothing: denied (cross-account needs both sides); after the grant, the
    // auditor's own identity policies decide, and the snapshot does not carry them: unknown, flagged
    expect(report.newlyAllowed).toEqual([]);
    const item = report.unknown[0]!;
    expect(item).toMatchObject({ outsideAccount: true, outsideOrganization: true });
    expect(item.before).toEqual({ decision: 'implicitly-denied', basis: 'engine' });
    expect(item.after.decision).toBe('unknown');
    expect(item.after.missing?.join(' ')).toContain('999988887777');
  });

  it('a grant to a caller of the bucket account that was denied is newly allowed, with the statement that allows', async () => {
    const bobRead = { ...BOB_DELETE, eventName: 'GetObject' };
    const grant = {
      ...PROPOSED,
      Statement: [
        ...(PROPOSED['Statement'] as unknown[]),
        {
          Sid: 'BobReads',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:user/bob' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::reports-bucket/*',
        },
      ],
    };
    const { report } = await replay([bobRead], [proposal({ document: grant })]);
    expect(report.newlyAllowed).toHaveLength(1);
    expect(report.newlyAllowed[0]).toMatchObject({
      principal: 'arn:aws:iam::111122223333:user/bob',
      before: { decision: 'implicitly-denied', basis: 'engine' },
      after: {
        decision: 'allowed',
        rootCauses: [],
        allowedBy: [{ layer: 'bucket-policy', statement: 'BobReads' }],
      },
      outsideAccount: false,
      outsideOrganization: false,
    });
  });

  it('a recorded denial the engine allows today is a disagreement (the snapshot is stale or the engine is wrong)', async () => {
    const stale = { ...ALICE_OFFICE, errorCode: 'AccessDenied', errorMessage: 'Access Denied' };
    const { report } = await replay([stale, ALICE_OFFICE, ALICE_OFFICE]);
    expect(report.disagreements).toMatchObject({ requests: 1, distinct: 1 });
    expect(report.disagreements.sample[0]).toMatchObject({
      principal: 'arn:aws:iam::111122223333:user/alice',
      engine: 'allowed',
      recorded: { allowed: 2, denied: 1, error: 0 },
      count: 1,
    });
  });

  it('operations the engine does not map are counted as not replayed, by name', async () => {
    const { report } = await replay([{ ...ALICE_OFFICE, eventName: 'SomeFutureS3Call' }]);
    expect(report.unmapped).toEqual({ requests: 1, distinct: 1, eventNames: { SomeFutureS3Call: 1 } });
  });

  it('counts unmapped operations named like Object.prototype members as any other name', async () => {
    const named = (eventName: string): Rec => ({ ...ALICE_OFFICE, eventName });
    const { report } = await replay([named('constructor'), named('constructor'), named('__proto__')]);
    expect(Object.entries(report.unmapped.eventNames)).toEqual([
      ['constructor', 2],
      ['__proto__', 1],
    ]);
  });

  it('non-S3 records are read but not replayed', async () => {
    const { report } = await replay([
      { ...ALICE_OFFICE, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' },
    ]);
    expect(report).toMatchObject({ records: 1, requests: 0, distinct: 0 });
  });
});
