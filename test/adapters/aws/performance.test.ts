import { AwsAccountView } from '../../../lambdas/adapters/aws';
import {
  ACCOUNT,
  benchLive,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
} from '../../../scripts/bench/live';

// Issue 5 targets, with every mocked call answering after 50 ms (real timers): at most 3 sequential round trips
// and 15 calls for a cold same-account analysis, at most 2 calls for a repeat within the TTL. Wall time is
// printed by `npm run bench`; here it is only bounded generously (the machine is shared).
describe('critical path of a cold same-account gather (50 ms per call)', () => {
  it('makes at most 15 calls in at most 3 sequential round trips', async () => {
    const aws = mockedAws(50);
    sameAccountScenario(aws);
    const view = new AwsAccountView({ clients: aws.clients, auditorAccountId: ACCOUNT, region: 'us-east-1' });
    const t0 = performance.now();
    await view.gather(sampleRequest());
    const wall = performance.now() - t0;
    expect(aws.calls.length).toBeLessThanOrEqual(15);
    expect(aws.depth()).toBeLessThanOrEqual(3);
    expect(wall).toBeLessThan(1500);
    // The three waves: first every independent read, then what needs a first answer, then the policy version.
    const wave = (command: string) => aws.calls.filter((c) => c.command === command).map((c) => c.start);
    const firstWaveEnd = Math.min(...aws.calls.map((c) => c.end));
    expect(
      Math.max(
        ...wave('GetRole'),
        ...wave('GetBucketPolicy'),
        ...wave('ListObjectsV2'),
        ...wave('DescribeOrganization'),
      ),
    ).toBeLessThan(firstWaveEnd);
  });

  it('the depth measure counts chained calls (sanity check of the instrument)', async () => {
    const aws = mockedAws(20);
    sameAccountScenario(aws);
    await aws.clients.s3.send(
      new (await import('@aws-sdk/client-s3')).GetBucketPolicyCommand({ Bucket: 'b' }),
    );
    await aws.clients.s3.send(
      new (await import('@aws-sdk/client-s3')).GetBucketPolicyCommand({ Bucket: 'b' }),
    );
    expect(aws.depth()).toBe(2);
  });

  it('benchLive reports the figures within the targets', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const figures = await benchLive();
    log.mockRestore();
    expect(figures.coldCalls).toBeLessThanOrEqual(15);
    expect(figures.coldRoundTrips).toBeLessThanOrEqual(3);
    expect(figures.repeatCalls).toBeLessThanOrEqual(2);
    // Organization mode adds one AssumeRole round trip (and call) in front.
    expect(figures.memberCalls).toBe((figures.coldCalls ?? 0) + 1);
    expect(figures.memberRoundTrips).toBe((figures.coldRoundTrips ?? 0) + 1);
    expect(Object.keys(figures).sort()).toEqual([
      'coldCalls',
      'coldRoundTrips',
      'coldWallMs',
      'memberCalls',
      'memberRoundTrips',
      'memberWallMs',
      'repeatCalls',
      'repeatWallMs',
    ]);
  });
});
