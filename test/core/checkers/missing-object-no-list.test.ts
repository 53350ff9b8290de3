/**
 * missing-object-no-list as the user reads it. S3 answers a read of a key that does not exist with 404 NoSuchKey
 * when the caller may s3:ListBucket the bucket, and with 403 AccessDenied when it may not:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax (Permissions)
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
 * CloudFront (OAC) gets the same 403 unless the bucket policy grants it s3:ListBucket:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 */
import { evaluateNeeds } from '../../../lambdas/core/analyze';
import { checker } from '../../../lambdas/core/checkers/missing-object-no-list';
import { unknown, type BucketFacts, type RequestFacts } from '../../../lambdas/core/model';
import {
  causeOf,
  exampleView,
  exampleViewWith,
  explain,
  requestOf,
  scenarioEvent,
  editedEvent,
  type EditableEvent,
} from './helpers';

type Event = EditableEvent;
type View = NonNullable<Parameters<typeof explain>[1]>;

const BOB = 'bob reads a key that does not exist and may not list';
const CAROL = 'ruled out: carol may list, so S3 would have said 404';
const CF =
  'CloudFront (OAC) asks for a page that does not exist: the missing key or the distribution, the record cannot tell';
const CF_GRANTED =
  'ruled out: the granted distribution (userIdentity.inScopeOf) asks for a page that does not exist: 403 without s3:ListBucket';
const BOB_ARN = 'arn:aws:iam::111122223333:user/bob';

const event = editedEvent;

/** The same request for another key of the same bucket. */
const key =
  (k: string) =>
  (e: Event): void => {
    const bucket = e['requestParameters']['bucketName'] as string;
    e['requestParameters']['key'] = k;
    e['resources'][0]['ARN'] = `arn:aws:s3:::${bucket}/${k}`;
  };

/** The checker's own result, with what it tells the ranking (closeness). */
function run(e: Event, view: View = exampleView, edit: (f: RequestFacts) => RequestFacts = (f) => f) {
  const request = requestOf(e);
  const facts = edit(view.gatherSync(request));
  return checker.check({ request, facts, evaluations: evaluateNeeds(request, facts) });
}

const cause = (e: Event, view?: View) => causeOf(explain(e, view).finding, 'missing-object-no-list');
const noReportsPolicy = exampleViewWith((s) => delete s['buckets']['reports-bucket']['policy']);

describe('missing-object-no-list: a missing key reads as 403 without s3:ListBucket', () => {
  it('an IAM user allowed to read but not to list gets 403 for a missing key: confirmed, and the 403 is really a 404', () => {
    const c = cause(event(BOB));
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(
      's3://reports-bucket/reports/q4.csv does not exist, and without s3:ListBucket S3 reports that as Access Denied',
    );
    expect(c.explanation).toBe(
      `The key does not exist. Because ${BOB_ARN} may not list reports-bucket, S3 answers 403 AccessDenied instead of 404 NoSuchKey (GetObject/HeadObject documentation). s3:GetObject itself is allowed: the 403 is really a 404.`,
    );
    // the object's absence, then every layer that keeps s3:ListBucket from being allowed
    expect(c.evidence).toEqual([
      { layer: 'object', detail: 'head-object: s3://reports-bucket/reports/q4.csv does not exist' },
      {
        layer: 'bucket-policy',
        policy: 'arn:aws:s3:::reports-bucket',
        detail:
          'no statement of the bucket policy allows s3:ListBucket (s3:ListBucket on arn:aws:s3:::reports-bucket)',
      },
      {
        layer: 'identity-policy',
        policy: 'read-reports',
        detail:
          'no statement of the identity-based policies allows s3:ListBucket (s3:ListBucket on arn:aws:s3:::reports-bucket)',
      },
    ]);
  });

  it('the fix first lists the key’s prefix to find the right name, then allows s3:ListBucket on the bucket in the user’s own policy (verified)', () => {
    const c = cause(event(BOB));
    expect(c.fix).toEqual({
      summary: `Check the key name (typo, prefix, deleted or not yet written); to get 404 NoSuchKey instead of 403, allow s3:ListBucket on arn:aws:s3:::reports-bucket for ${BOB_ARN}.`,
      commands: [
        'aws s3api list-objects-v2 --bucket reports-bucket --prefix reports/ --max-items 20',
        'aws iam put-user-policy --user-name bob --policy-name s3-403-fix --policy-document file://policy.json',
      ],
      policyPatch: {
        layer: 'identity-policy',
        principal: BOB_ARN,
        newInlinePolicy: 's3-403-fix',
        addStatement: {
          Sid: 'AllowListBucketReportsBucket',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::reports-bucket',
        },
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AllowListBucketReportsBucket',
              Effect: 'Allow',
              Action: 's3:ListBucket',
              Resource: 'arn:aws:s3:::reports-bucket',
            },
          ],
        },
      },
      verified: true,
    });
  });

  // An explicit Deny of s3:ListBucket wins over any Allow: the missing key still reads as 403.
  it('an explicit Deny of s3:ListBucket in the bucket policy is shown as what keeps the listing refused', () => {
    const view = exampleViewWith((s) => {
      (s['buckets']['reports-bucket']['policy']['Statement'] as Event[]).push({
        Sid: 'NoListing',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::reports-bucket',
      });
    });
    const c = cause(event(CAROL), view);
    expect(c.confidence).toBe('confirmed');
    expect(c.evidence.map((x) => x.layer)).toEqual(['object', 'bucket-policy']);
    expect(c.evidence[1]?.detail).toContain('NoListing');
  });

  it('a missing key at the top of the bucket is looked for by its own name', () => {
    const view = exampleViewWith((s) => {
      s['buckets']['reports-bucket']['objects']['q4.csv'] = { exists: false };
    });
    expect(cause(event(BOB, key('q4.csv')), view).fix.commands[0]).toBe(
      'aws s3api list-objects-v2 --bucket reports-bucket --prefix q4.csv --max-items 20',
    );
  });

  it('a key under nested prefixes is looked for under its whole folder', () => {
    const view = exampleViewWith((s) => {
      s['buckets']['reports-bucket']['objects']['reports/2026/11/q4.csv'] = { exists: false };
    });
    expect(cause(event(BOB, key('reports/2026/11/q4.csv')), view).fix.commands[0]).toBe(
      'aws s3api list-objects-v2 --bucket reports-bucket --prefix reports/2026/11/ --max-items 20',
    );
  });

  it('HeadObject on the missing key is the same read (s3:GetObject) and the same 403', () => {
    expect(explain(scenarioEvent('bob HeadObject on the missing key')).finding.rootCauses[0]).toMatchObject({
      id: 'missing-object-no-list',
      confidence: 'confirmed',
    });
  });

  it('GetObjectAttributes on a missing key is a read too; when the read itself is not allowed the missing key is only likely the cause', () => {
    const c = cause(event(BOB, (e) => (e['eventName'] = 'GetObjectAttributes')));
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toBe(
      `The key does not exist. Because ${BOB_ARN} may not list reports-bucket, S3 answers 403 AccessDenied instead of 404 NoSuchKey (GetObject/HeadObject documentation). s3:GetObjectAttributes is also denied by policy, see the other causes.`,
    );
  });

  it('reading a given version of a missing key (s3:GetObjectVersion) is the same 403', () => {
    const c = cause(event(BOB, (e) => (e['requestParameters']['versionId'] = 'v1')));
    // bob's policy allows s3:GetObject, not s3:GetObjectVersion: the version read is itself refused
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toContain('s3:GetObjectVersion is also denied by policy');
  });

  it('a write is not a read: an upload to a missing key does not depend on s3:ListBucket', () => {
    const r = run(
      event(BOB, (e) => {
        e['eventName'] = 'PutObject';
        e['readOnly'] = false;
      }),
    );
    expect(r).toEqual({ status: 'not-applicable', detail: 'not an object read' });
  });
});

describe('missing-object-no-list: ruled out, or not decidable', () => {
  it('a key that exists is ruled out by head-object', () => {
    expect(run(event(BOB, key('reports/q3.csv')))).toEqual({
      status: 'pass',
      detail: 's3://reports-bucket/reports/q3.csv exists',
    });
  });

  it('a caller allowed s3:ListBucket would have had 404 for a missing key: ruled out', () => {
    expect(run(event(CAROL, key('reports/q4.csv')))).toEqual({
      status: 'pass',
      detail: 'the key is missing, but s3:ListBucket is allowed, so S3 would answer 404 NoSuchKey, not 403',
    });
  });

  it('a caller allowed s3:ListBucket is ruled out even when whether the key exists was not read', () => {
    expect(run(event(CAROL, key('reports/not-read.csv')))).toEqual({
      status: 'pass',
      detail: 's3:ListBucket is allowed, so a missing key would have been 404 NoSuchKey, not 403',
    });
  });

  it('a key not read, for a caller known not to list: unknown, and ranked as close (a missing key would read as exactly this 403)', () => {
    expect(run(event(BOB, key('reports/not-read.csv')))).toEqual({
      status: 'unknown',
      missing: ['head-object s3://reports-bucket/reports/not-read.csv'],
      closeness: 1,
    });
  });

  it('a key not read, and s3:ListBucket not decidable either: unknown, without claiming closeness', () => {
    expect(run(event(BOB, key('reports/not-read.csv')), noReportsPolicy)).toEqual({
      status: 'unknown',
      missing: ['head-object s3://reports-bucket/reports/not-read.csv'],
    });
  });

  it('when the auditor was refused head-object, the missing fact names the permission it lacks', () => {
    const denied = (f: RequestFacts): RequestFacts => {
      const b = f.buckets['reports-bucket'];
      if (b?.status !== 'known') throw new Error('reports-bucket not known');
      const objects = {
        ...b.value.objects,
        'reports/q4.csv': unknown('accessDenied', undefined, 's3:GetObject'),
      };
      const value: BucketFacts = { ...b.value, objects };
      return { ...f, buckets: { ...f.buckets, 'reports-bucket': { status: 'known', value } } };
    };
    expect(run(event(BOB), exampleView, denied)).toEqual({
      status: 'unknown',
      missing: ['head-object s3://reports-bucket/reports/q4.csv (needs s3:GetObject)'],
      closeness: 1,
    });
  });

  it('through an access point whose bucket the record does not name, neither the key nor the listing can be judged', () => {
    const e = event('vpc-ap only accepts requests from its VPC', (x) => {
      delete x['requestParameters']['bucketName'];
      x['requestParameters']['Host'] = 'other-ap-111122223333.s3-accesspoint.us-east-1.amazonaws.com';
      x['resources'] = [
        { type: 'AWS::S3::AccessPoint', ARN: 'arn:aws:s3:us-east-1:111122223333:accesspoint/other-ap' },
      ];
    });
    // no closeness: s3:ListBucket cannot be evaluated on a bucket that is not known
    expect(run(e)).toEqual({
      status: 'unknown',
      missing: [
        'whether the object exists (the bucket behind arn:aws:s3:us-east-1:111122223333:accesspoint/other-ap is not in the record)',
      ],
    });
  });

  it('a missing key, with s3:ListBucket not decidable: unknown, naming what stands between', () => {
    expect(run(event(BOB), noReportsPolicy)).toEqual({
      status: 'unknown',
      missing: [
        'the bucket policy (notCollected: the snapshot does not carry buckets.reports-bucket.policy)',
      ],
      closeness: 0,
    });
  });
});

describe('missing-object-no-list: callers without an identity policy', () => {
  it('CloudFront (OAC) is named as the caller, and is given s3:ListBucket in the bucket policy for its distribution (verified), not an IAM policy', () => {
    const c = cause(event(CF_GRANTED));
    expect(c.confidence).toBe('confirmed');
    expect(c.explanation).toContain('Because cloudfront.amazonaws.com may not list site-bucket');
    const grant = {
      Sid: 'AllowCloudFrontServicePrincipal',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::site-bucket',
      Condition: {
        StringEquals: { 'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE' },
      },
    };
    expect(c.fix).toEqual({
      summary: `Check the key name (typo, prefix, deleted or not yet written); to get 404 NoSuchKey instead of 403, grant cloudfront.amazonaws.com s3:ListBucket on arn:aws:s3:::site-bucket in the bucket policy (an AWS service has no identity policy): ${JSON.stringify(grant)}.`,
      commands: [
        'aws s3api list-objects-v2 --bucket site-bucket --prefix missing.html --max-items 20',
        'aws s3api get-bucket-policy --bucket site-bucket --query Policy --output text > policy.json',
        'aws s3api put-bucket-policy --bucket site-bucket --policy file://policy.json',
      ],
      policyPatch: { layer: 'bucket-policy', bucket: 'site-bucket', addStatement: grant },
      verified: true,
    });
  });

  it('when the record does not name the distribution, the CloudFront grant carries a placeholder and is not verified', () => {
    const c = cause(event(CF));
    expect(c.confidence).toBe('likely');
    expect(c.fix.policyPatch?.['addStatement']).toMatchObject({
      Action: 's3:ListBucket',
      Condition: {
        StringEquals: { 'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/DISTRIBUTION_ID' },
      },
    });
    expect(c.fix.verified).toBe(false);
    expect(c.fix.commands.some((x) => x.startsWith('aws iam'))).toBe(false);
  });

  it('a legacy origin access identity is given s3:ListBucket by naming the OAI in the bucket policy', () => {
    const view = exampleViewWith((s) => {
      s['buckets']['legacy-site-bucket']['objects']['missing.html'] = { exists: false };
    });
    const c = cause(
      event('a legacy CloudFront origin access identity reads a bucket that grants no OAI', (e) => {
        e['requestParameters']['bucketName'] = 'legacy-site-bucket';
        e['resources'][1]['ARN'] = 'arn:aws:s3:::legacy-site-bucket';
        key('missing.html')(e);
      }),
      view,
    );
    expect(c.fix.policyPatch).toEqual({
      layer: 'bucket-policy',
      bucket: 'legacy-site-bucket',
      addStatement: {
        Sid: 'AllowCloudFrontOriginAccessIdentity',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity OAI_ID' },
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::legacy-site-bucket',
      },
    });
    // CloudTrail does not record which OAI asked
    expect(c.explanation).toContain('Because the caller may not list legacy-site-bucket');
    expect(c.fix.summary).toContain('grant the origin access identity s3:ListBucket');
    expect(c.fix.verified).toBe(false);
  });

  // A public s3:ListBucket grant exposes every key name; Block Public Access exists to refuse it:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
  it('an anonymous caller is not offered a public listing: the fix is to check the key', () => {
    const view = exampleViewWith((s) => {
      s['buckets']['public-site-bucket']['objects'] = { 'missing.html': { exists: false } };
    });
    const c = cause(
      event('an anonymous read of a Requester Pays bucket', (e) => {
        e['requestParameters']['bucketName'] = 'public-site-bucket';
        e['resources'][1]['ARN'] = 'arn:aws:s3:::public-site-bucket';
        key('missing.html')(e);
      }),
      view,
    );
    expect(c.fix).toEqual({
      summary:
        'Check the key name (typo, prefix, deleted or not yet written). An anonymous caller gets 404 NoSuchKey only from a bucket that lets everyone list it (a public s3:ListBucket grant), which Block Public Access refuses and which exposes every key name: keep the 403.',
      commands: [
        'aws s3api list-objects-v2 --bucket public-site-bucket --prefix missing.html --max-items 20',
      ],
      verified: false,
    });
  });
});

// Object keys are the caller's text (core/own.ts): a key named like a member of Object.prototype is an unlisted key
// like any other, never "exists" (Object.prototype.constructor is not the snapshot's entry for that key).
describe('missing-object-no-list: keys named like Object.prototype members', () => {
  const UNLISTED = 'unlistedkey'; // a plain name, written unquoted in snapshot paths as the keys below are
  const findingFor = (k: string): string => JSON.stringify(explain(event(BOB, key(k))).finding);

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'explains a read of key %s exactly as a read of any key the snapshot does not list',
    (k) => {
      const expected = findingFor(UNLISTED).split(UNLISTED).join(k);
      expect(findingFor(k)).toBe(expected);
      expect(findingFor(k)).not.toContain(`s3://reports-bucket/${k} exists`);
    },
  );
});
