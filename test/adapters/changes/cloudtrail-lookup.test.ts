import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudTrailChangeLookup,
  clearChangeLookupCache,
} from '../../../lambdas/adapters/changes/cloudtrail-lookup';

const T = (name: string, accountId: string | null = null, region = 'us-east-1') => ({
  name,
  accountId,
  region,
});

// LookupEvents response shape: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
const ev = (id: string, name: string, time: string, params: Record<string, unknown>) => ({
  EventId: id,
  EventName: name,
  EventTime: new Date(time),
  Username: 'bob',
  Resources: [{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'corp-data' }],
  CloudTrailEvent: JSON.stringify({
    eventID: id,
    eventName: name,
    requestParameters: params,
    userIdentity: { arn: 'arn:aws:iam::111122223333:user/bob' },
  }),
});

describe('CloudTrailChangeLookup (LookupEvents, issue 9)', () => {
  const ct = mockClient(CloudTrailClient);
  beforeEach(() => {
    ct.reset();
    clearChangeLookupCache();
  });

  it('follows NextToken pages, keeps only access-control changes, in time order, within the window', async () => {
    ct.on(LookupEventsCommand)
      .resolvesOnce({
        Events: [
          ev('2', 'PutBucketPolicy', '2026-11-20T08:00:00Z', {
            bucketName: 'corp-data',
            bucketPolicy: '{"Statement":[]}',
          }),
          ev('x', 'GetBucketPolicy', '2026-11-20T08:30:00Z', {}),
        ],
        NextToken: 't1',
      })
      .resolvesOnce({
        Events: [ev('1', 'PutBucketPolicy', '2026-11-19T08:00:00Z', { bucketName: 'corp-data' })],
      });
    const client = new CloudTrailClient({});
    const lookup = new CloudTrailChangeLookup(client, { spacingMs: 1 });
    const until = new Date('2026-11-20T10:00:00Z');
    const res = await lookup.recentChanges({ targets: [T('corp-data')], until });
    expect(res.status).toBe('known');
    expect(res.status === 'known' && res.value.map((c) => c.eventId)).toEqual(['1', '2']);
    const calls = ct.commandCalls(LookupEventsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.NextToken).toBe('t1');
    expect(calls[0]?.args[0].input.LookupAttributes).toEqual([
      { AttributeKey: 'ResourceName', AttributeValue: 'corp-data' },
    ]);
    expect(calls[0]?.args[0].input.StartTime).toEqual(new Date('2026-11-13T10:00:00Z'));
    expect(calls[0]?.args[0].input.EndTime).toEqual(until);
  });

  it('caches a lookup so that a burst of the same denial calls CloudTrail once', async () => {
    ct.on(LookupEventsCommand).resolves({ Events: [] });
    const lookup = new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 1 });
    const until = new Date('2026-11-20T10:00:00Z');
    await lookup.recentChanges({ targets: [T('corp-data')], until });
    await lookup.recentChanges({ targets: [T('corp-data')], until });
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(1);
  });

  it('spaces calls on one client to respect 2 requests per second', async () => {
    ct.on(LookupEventsCommand).resolves({ Events: [] });
    const lookup = new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 100 });
    const t0 = Date.now();
    await lookup.recentChanges({
      targets: [T('a'), T('b'), T('c')],
      until: new Date('2026-11-20T10:00:00Z'),
    });
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200); // three calls need two gaps
  });

  it('reports the auditor lacking cloudtrail:LookupEvents as unknown, naming the permission', async () => {
    ct.on(LookupEventsCommand).rejects(
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
    );
    const lookup = new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 1 });
    const res = await lookup.recentChanges({ targets: [T('corp-data')], until: new Date() });
    expect(res).toEqual({
      status: 'unknown',
      reason: 'accessDenied',
      detail: 'not authorized',
      permission: 'cloudtrail:LookupEvents',
    });
  });

  it('reports throttling after the SDK retries as unknown(throttled)', async () => {
    ct.on(LookupEventsCommand).rejects(
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    );
    const lookup = new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 1 });
    const res = await lookup.recentChanges({ targets: [T('corp-data')], until: new Date() });
    expect(res.status === 'unknown' && res.reason).toBe('throttled');
  });
});

describe('CloudTrailChangeLookup.kmsDenial (the KMS call S3 made for the caller, issue 5)', () => {
  const ct = mockClient(CloudTrailClient);
  beforeEach(() => ct.reset());

  const request = {
    eventTime: '2026-11-20T10:15:00Z',
    bucket: 'secure-bucket',
    key: 'finance/ledger.csv',
    principal: {
      arn: 'arn:aws:sts::111122223333:assumed-role/KmsReader/reader',
      principalId: 'AROAKMS:reader',
    },
  } as unknown as import('../../../lambdas/core/model').AccessRequest;

  // A kms:Decrypt management event as KMS records it for S3 (encryption context aws:s3:arn).
  const kmsEvent = (id: string, s3Arn: string, who: string, errorCode = 'AccessDenied') => ({
    EventId: id,
    EventName: 'Decrypt',
    EventTime: new Date('2026-11-20T10:15:01Z'),
    CloudTrailEvent: JSON.stringify({
      eventID: id,
      eventSource: 'kms.amazonaws.com',
      eventName: 'Decrypt',
      errorCode,
      errorMessage: 'User is not authorized to perform: kms:Decrypt',
      userIdentity: { arn: who },
      requestParameters: { encryptionContext: { 'aws:s3:arn': s3Arn } },
      resources: [{ ARN: 'arn:aws:kms:us-east-1:111122223333:key/1111', type: 'AWS::KMS::Key' }],
    }),
  });

  it('finds the denied kms:Decrypt for this object and caller within a minute of the S3 denial', async () => {
    ct.on(LookupEventsCommand).resolves({
      Events: [
        kmsEvent(
          'other-object',
          'arn:aws:s3:::secure-bucket/other.csv',
          'arn:aws:sts::111122223333:assumed-role/KmsReader/reader',
        ),
        kmsEvent(
          'other-caller',
          'arn:aws:s3:::secure-bucket/finance/ledger.csv',
          'arn:aws:sts::111122223333:assumed-role/Other/x',
        ),
        kmsEvent(
          'allowed',
          'arn:aws:s3:::secure-bucket/finance/ledger.csv',
          'arn:aws:sts::111122223333:assumed-role/KmsReader/reader',
          '',
        ),
        kmsEvent(
          'the-one',
          'arn:aws:s3:::secure-bucket/finance/ledger.csv',
          'arn:aws:sts::111122223333:assumed-role/KmsReader/reader',
        ),
      ],
    });
    const found = await new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 1 }).kmsDenial(
      request,
    );
    expect(found).toEqual({
      eventId: 'the-one',
      eventTime: '2026-11-20T10:15:01.000Z',
      action: 'kms:Decrypt',
      keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1111',
      errorMessage: 'User is not authorized to perform: kms:Decrypt',
    });
    const input = ct.commandCalls(LookupEventsCommand)[0]?.args[0].input;
    expect(input?.StartTime).toEqual(new Date('2026-11-20T10:14:00Z'));
    expect(input?.EndTime).toEqual(new Date('2026-11-20T10:16:00Z'));
  });

  it('returns null when nothing matches or the lookup fails', async () => {
    ct.on(LookupEventsCommand).resolves({ Events: [] });
    expect(
      await new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 1 }).kmsDenial(request),
    ).toBeNull();
    ct.reset();
    ct.on(LookupEventsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    expect(
      await new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 1 }).kmsDenial(request),
    ).toBeNull();
  });
});

describe('CloudTrailChangeLookup across accounts (organization mode)', () => {
  const ct = mockClient(CloudTrailClient);
  beforeEach(() => {
    ct.reset();
    clearChangeLookupCache();
  });

  it("searches each target in its own account's history, and never serves one account's result to another", async () => {
    ct.on(LookupEventsCommand).resolves({ Events: [] });
    const clients = new Map<string, CloudTrailClient>();
    const resolve = jest.fn(async (accountId: string | null, region: string) => {
      const k = `${accountId}|${region}`;
      if (!clients.has(k)) clients.set(k, new CloudTrailClient({ region }));
      return clients.get(k)!;
    });
    const lookup = new CloudTrailChangeLookup(resolve, { spacingMs: 1 });
    const until = new Date('2026-11-20T10:00:00Z');
    await lookup.recentChanges({ targets: [T('app-role', '111111111111', 'us-east-1')], until });
    await lookup.recentChanges({ targets: [T('app-role', '222222222222', 'us-east-1')], until });
    expect(resolve.mock.calls).toEqual([
      ['111111111111', 'us-east-1'],
      ['222222222222', 'us-east-1'],
    ]);
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(2);
  });

  it('makes one LookupEvents call for the concurrent events of one burst', async () => {
    ct.on(LookupEventsCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return { Events: [] };
    });
    const lookup = new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 1 });
    const until = new Date('2026-11-20T10:00:00Z');
    await Promise.all(
      Array.from({ length: 10 }, () => lookup.recentChanges({ targets: [T('corp-data')], until })),
    );
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(1);
  });

  it('reports an account it cannot enter as unknown, naming sts:AssumeRole', async () => {
    const lookup = new CloudTrailChangeLookup(
      () =>
        Promise.reject(
          Object.assign(new Error('cannot assume arn:aws:iam::222222222222:role/r'), {
            name: 'CannotEnterAccount',
          }),
        ),
      { spacingMs: 1 },
    );
    const res = await lookup.recentChanges({ targets: [T('b', '222222222222')], until: new Date() });
    expect(res).toMatchObject({ status: 'unknown', reason: 'accessDenied', permission: 'sts:AssumeRole' });
  });
});

describe('CloudTrailChangeLookup.snapshotChanges (s3-403 snapshot)', () => {
  const ct = mockClient(CloudTrailClient);
  beforeEach(() => {
    ct.reset();
    clearChangeLookupCache();
  });

  it('keeps the access-control changes verbatim, oldest first, and names the targets it could not read', async () => {
    ct.on(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'corp-data' }],
    })
      .resolves({
        Events: [
          ev('2', 'PutBucketPolicy', '2026-11-20T08:00:00Z', { bucketName: 'corp-data' }),
          ev('x', 'GetBucketPolicy', '2026-11-20T08:30:00Z', {}),
          ev('1', 'DeleteBucketPolicy', '2026-11-19T08:00:00Z', { bucketName: 'corp-data' }),
        ],
      })
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'App' }],
      })
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const lookup = new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 1 });
    const out = await lookup.snapshotChanges({
      targets: [T('corp-data'), T('App')],
      until: new Date('2026-11-20T10:00:00Z'),
    });
    expect(out.events.map((e) => e.EventId)).toEqual(['1', '2']);
    expect(out.events[1]).toHaveProperty('CloudTrailEvent');
    expect(out.problems).toEqual([
      'recent changes of App (us-east-1): AccessDeniedException: not authorized (needs cloudtrail:LookupEvents)',
    ]);
  });
});

describe('CloudTrailChangeLookup.sessionIssuance (issue 13: the STS event that issued a session)', () => {
  // STS records a call in the Region of the endpoint it was sent to (us-east-1 for sts.amazonaws.com):
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
  const ct = mockClient(CloudTrailClient);
  beforeEach(() => {
    ct.reset();
    clearChangeLookupCache();
  });
  const federated = {
    accessKeyId: 'ASIAFED',
    accountId: '111122223333',
    kind: 'federated' as const,
    roleArn: null,
    createdAt: null,
    from: new Date('2026-11-19T00:00:00Z'),
    to: new Date('2026-11-20T10:00:00Z'),
  };
  const token = (key: string) => ({
    EventId: `ev-${key}`,
    EventName: 'GetFederationToken',
    EventTime: new Date('2026-11-19T12:00:00Z'),
    CloudTrailEvent: JSON.stringify({
      eventID: `ev-${key}`,
      eventName: 'GetFederationToken',
      eventTime: '2026-11-19T12:00:00Z',
      awsRegion: 'eu-west-1',
      requestParameters: { name: 'bob', policy: '{"Statement":[]}' },
      responseElements: { credentials: { accessKeyId: key } },
    }),
  });

  it('a federated user: by event name, Region by Region, stopping at the one that recorded it', async () => {
    const clients = new Map<string, CloudTrailClient>();
    const resolve = (_account: string | null, region: string) => {
      if (!clients.has(region)) clients.set(region, new CloudTrailClient({ region }));
      return Promise.resolve(clients.get(region)!);
    };
    ct.on(LookupEventsCommand)
      .resolvesOnce({ Events: [] })
      .resolvesOnce({ Events: [token('ASIAFED')] });
    const lookup = new CloudTrailChangeLookup(resolve, { spacingMs: 1 });
    const r = await lookup.sessionIssuance({
      session: federated,
      regions: ['eu-west-1', 'us-east-1', 'eu-central-1'],
      now: Date.parse('2026-11-21T00:00:00Z'),
    });
    expect(r).toMatchObject({ status: 'found', searched: ['eu-west-1', 'us-east-1'] });
    expect(r.status === 'found' && r.issuance.policy).toEqual({
      status: 'document',
      document: { Statement: [] },
    });
    const calls = ct.commandCalls(LookupEventsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.LookupAttributes).toEqual([
      { AttributeKey: 'EventName', AttributeValue: 'GetFederationToken' },
    ]);
  });

  it('a throttled search is reported and not cached (the next denial searches again)', async () => {
    ct.on(LookupEventsCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ Events: [token('ASIAFED')] });
    const lookup = new CloudTrailChangeLookup(new CloudTrailClient({}), { spacingMs: 1 });
    const o = { session: federated, regions: ['us-east-1'], now: Date.parse('2026-11-21T00:00:00Z') };
    expect(await lookup.sessionIssuance(o)).toMatchObject({ status: 'failed', reason: 'throttled' });
    expect(await lookup.sessionIssuance(o)).toMatchObject({ status: 'found' });
  });
});
