import { DescribeVpcEndpointsCommand } from '@aws-sdk/client-ec2';
import {
  GetBucketOwnershipControlsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsAccountView, captureSnapshot } from '../../../lambdas/adapters/aws';
import { explainRequest } from '../../../lambdas/adapters/explain';
import { loadSnapshot, SnapshotView } from '../../../lambdas/adapters/snapshot';
import type { AccessRequest, Finding } from '../../../lambdas/core/model';
import {
  ACCOUNT,
  BUCKET,
  KEY,
  ROLE_ARN,
  awsError,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
  type MockedAws,
} from '../../../scripts/bench/live';

// Issue 5, tests: a snapshot written from mocked AWS and read back gives the same finding as the live run.
async function bothWays(
  request: AccessRequest,
  tweak: (aws: MockedAws) => void = () => undefined,
): Promise<{ live: Finding; offline: Finding }> {
  const aws = mockedAws(0);
  sameAccountScenario(aws);
  aws.on('sts', GetCallerIdentityCommand, () => ({ Account: ACCOUNT }));
  aws.on('ec2', DescribeVpcEndpointsCommand, () => ({
    VpcEndpoints: [{ VpcEndpointId: 'vpce-0abc1234def567890', VpcId: 'vpc-1', VpcEndpointType: 'Gateway' }],
  }));
  tweak(aws);
  const live = await explainRequest(
    request,
    // objectMetadata: the live view heads the object too, as the snapshot below carries head-object facts (without
    // it the live view knows existence only, and the object's encryption stays unknown: issue 13)
    new AwsAccountView({
      clients: aws.clients,
      auditorAccountId: ACCOUNT,
      region: 'us-east-1',
      objectMetadata: true,
    }),
  );
  const { snapshot } = await captureSnapshot({
    buckets: [BUCKET],
    principals: [ROLE_ARN],
    allIam: false,
    region: 'us-east-1',
    clients: aws.clients,
  });
  // captureSnapshot does not read objects; SNAPSHOT.md lets a user add head-object facts for the keys that matter.
  const head = await aws.clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY })).then(
    (h) => ({ exists: true, ServerSideEncryption: h.ServerSideEncryption, ownerAccountId: ACCOUNT }),
    () => ({ exists: false }),
  );
  const s = snapshot as { buckets: Record<string, Record<string, unknown>> };
  s.buckets[BUCKET] = { ...s.buckets[BUCKET], objects: { [KEY]: head } };
  const offline = await explainRequest(
    request,
    new SnapshotView(loadSnapshot(JSON.stringify(snapshot), 'snap.json')),
  );
  return { live, offline };
}

/** Both sources leave the session policy unknown (notCollected); only the wording of why differs. */
const sameWording = (detail: string) =>
  detail.replace(/the session policy \(notCollected: [^)]*\)/g, 'the session policy (notCollected)');

const comparable = (f: Finding) => ({
  verdict: f.verdict,
  rootCauses: f.rootCauses.map((r) => ({
    id: r.id,
    confidence: r.confidence,
    evidence: r.evidence.map((e) => ({ ...e, detail: sameWording(e.detail) })),
  })),
  checks: f.checks.map((c) => ({ layer: c.layer, status: c.status })),
});

describe('one analysis, two sources of facts', () => {
  it('a bucket policy deny (outside the VPC endpoint): the same finding live and from the captured snapshot', async () => {
    const { live, offline } = await bothWays(sampleRequest());
    expect(live.error).toBeUndefined();
    expect(comparable(offline)).toEqual(comparable(live));
    expect(live.rootCauses.map((r) => r.id)).toContain('bucket-policy-explicit-deny');
  });

  it('a missing object without s3:ListBucket: the same finding', async () => {
    const { live, offline } = await bothWays(sampleRequest(), (aws) => {
      // Live: the listing (Prefix = key) finds no such key. Offline: the head-object fact the user adds.
      aws.on('s3', ListObjectsV2Command, () => ({ KeyCount: 0, IsTruncated: false }));
      aws.on('s3', HeadObjectCommand, () => {
        throw awsError('NotFound', 'Not Found', 404);
      });
      aws.on('s3', GetBucketOwnershipControlsCommand, () => ({
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }));
    });
    expect(comparable(offline)).toEqual(comparable(live));
  });
});
