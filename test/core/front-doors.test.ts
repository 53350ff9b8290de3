/**
 * Issue 19 item 5: the newer S3 front doors. The record says which one it was; where this tool does not evaluate it
 * in full, the finding says what to check and names no cause the facts do not support.
 *  - Multi-Region Access Points: IAM names the MRAP ARN; the MRAP policy must allow too.
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointPermissions.html
 *  - S3 Object Lambda access points: `s3-object-lambda:<action>` on the Object Lambda access point ARN.
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/olap-policies.html
 *  - Directory buckets: Zonal endpoint calls are authorized by `s3express:CreateSession` on the bucket.
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-authenticating-authorizing.html
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { analyze } from '../../lambdas/core/analyze';
import { readDenials } from '../../lambdas/core/event';
import type { Finding } from '../../lambdas/core/model';
import { ROOT } from '../scenarios/load';

const view = new SnapshotView(
  loadSnapshot(readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8'), 'examples/snapshot.json'),
);

function explainFixture(name: string): Finding {
  const file = join(ROOT, 'test', 'fixtures', 'events', 'front-doors', `${name}.json`);
  const [request] = readDenials(readFileSync(file), file);
  return analyze(request!, view.gatherSync(request!));
}

const text = (f: Finding): string => JSON.stringify(f);

describe('newer S3 front doors (issue 19 item 5)', () => {
  it('a Multi-Region Access Point: IAM needs the MRAP ARN, and the finding says its policy must allow too', () => {
    const f = explainFixture('multi-region-access-point');
    expect(f.request.accessPointArn).toBe('arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap');
    expect(f.request.actions).toContain('s3:GetObject');
    // the caller's policies name only reports-bucket: no identity grant for the MRAP ARN is a real cause
    expect(f.rootCauses[0]?.id).toMatch(/session-policy|identity-policy-no-allow/);
    const ap = f.checks.find((c) => c.layer === 'access-point-policy');
    expect(ap?.status).toBe('unknown');
    expect(text(f)).toContain('Multi-Region Access Point (mfzwi23gnjvgw.mrap)');
    expect(text(f)).toContain('get-multi-region-access-point-policy');
    // the bucket behind an MRAP is not in the record: no "s3://null" read is offered
    expect(text(f)).not.toContain('s3://null');
    expect(f.rootCauses.map((c) => c.id)).not.toContain('resource-arn-mismatch');
  });

  it('an Object Lambda access point: s3-object-lambda:GetObject, and what is not evaluated here', () => {
    const f = explainFixture('object-lambda');
    expect(f.request.actions).toEqual(['s3-object-lambda:GetObject']);
    expect(text(f)).toContain('an Object Lambda access point');
    expect(text(f)).toContain('lambda:InvokeFunction');
    expect(f.rootCauses.map((c) => c.id)).not.toContain('resource-arn-mismatch');
  });

  it('a directory bucket: CreateSession and a Zonal GetObject both need s3express:CreateSession on the bucket', () => {
    for (const name of ['directory-bucket-create-session', 'directory-bucket-get-object']) {
      const f = explainFixture(name);
      expect(f.request.actions).toEqual(['s3express:CreateSession']);
      expect(text(f)).toContain('arn:aws:s3express:us-east-1:111122223333:bucket/fast-data--use1-az4--x-s3');
      expect(f.rootCauses.map((c) => c.id)).not.toContain('resource-arn-mismatch');
    }
  });
});
