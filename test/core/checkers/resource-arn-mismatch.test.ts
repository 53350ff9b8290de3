/**
 * resource-arn-mismatch as the user reads it: an Allow names arn:aws:s3:::bucket for an object action (which needs
 * arn:aws:s3:::bucket/*), or bucket/* for a bucket action. Object actions apply to object ARNs, bucket actions to
 * the bucket ARN: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security_iam_service-with-iam.html
 * Resource matching: * and ? wildcards, case-sensitive:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
import { globMatch } from '../../../lambdas/core/checkers/resource-arn-mismatch';
import { causeOf, exampleViewWith, explain, scenarioEvent } from './helpers';

const ID = 'resource-arn-mismatch';
const POLICY = 'arn:aws:iam::111122223333:policy/AnalyticsRead';
const GET = 'AnalyticsRead allows s3:GetObject on the bucket ARN instead of bucket/*';
const LIST = 'AnalyticsRead allows s3:ListBucket on bucket/* instead of the bucket ARN';
const OBJECT = 'arn:aws:s3:::analytics-bucket/daily/2026-11-19.parquet';

type View = Parameters<typeof explain>[1];
const checkOf = (scenario: string, view?: View) =>
  explain(scenarioEvent(scenario), view).finding.checks.find((c) => c.layer === ID);

/** The example snapshot with the statements of the managed policy AnalyticsRead changed. */
const withAnalyticsRead = (edit: (statements: Record<string, unknown>[]) => void): View =>
  exampleViewWith((s) => {
    const policies = s['accounts']['111122223333']['authorizationDetails']['Policies'];
    const p = policies.find((x: { PolicyName: string }) => x.PolicyName === 'AnalyticsRead');
    edit(p['PolicyVersionList'][0]['Document']['Statement']);
  });

describe('resource-arn-mismatch: the statement names the other resource form', () => {
  it('an object action allowed on the bucket ARN: says it is object-level, and adds bucket/* to that statement', () => {
    const c = causeOf(explain(scenarioEvent(GET)).finding, ID);
    expect(c).toMatchObject({
      confidence: 'confirmed',
      title: `Statement ReadAnalytics of identity policy ${POLICY} allows s3:GetObject on arn:aws:s3:::analytics-bucket, but the request needs ${OBJECT}`,
      explanation: `s3:GetObject is an object-level action: it applies to object ARNs (arn:aws:s3:::bucket/key). Statement ReadAnalytics names arn:aws:s3:::analytics-bucket, which does not match ${OBJECT}, so it grants nothing for this request.`,
    });
    expect(c.evidence).toEqual([
      {
        layer: 'identity-policy',
        statement: 'ReadAnalytics',
        policy: POLICY,
        detail: `Resource arn:aws:s3:::analytics-bucket does not match ${OBJECT} (s3:GetObject needs arn:aws:s3:::analytics-bucket/*)`,
      },
    ]);
    expect(c.fix.summary).toBe(
      `Add arn:aws:s3:::analytics-bucket/* to the Resource of statement ReadAnalytics in identity policy ${POLICY}.`,
    );
    expect(c.fix.policyPatch).toEqual({
      layer: 'identity-policy',
      policy: POLICY,
      statement: 'ReadAnalytics',
      replaceStatement: {
        Sid: 'ReadAnalytics',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:::analytics-bucket', 'arn:aws:s3:::analytics-bucket/*'],
      },
    });
  });

  it('a bucket action allowed on bucket/*: says it is bucket-level, and adds the bucket ARN to that statement', () => {
    const c = causeOf(explain(scenarioEvent(LIST)).finding, ID);
    expect(c.explanation).toBe(
      's3:ListBucket is a bucket-level action: it applies to the bucket ARN (arn:aws:s3:::bucket). Statement ListAnalytics names arn:aws:s3:::analytics-bucket/*, which does not match arn:aws:s3:::analytics-bucket, so it grants nothing for this request.',
    );
    expect(c.fix.summary).toBe(
      `Add arn:aws:s3:::analytics-bucket to the Resource of statement ListAnalytics in identity policy ${POLICY}.`,
    );
    expect(c.fix.policyPatch?.['replaceStatement']).toMatchObject({
      Resource: ['arn:aws:s3:::analytics-bucket/*', 'arn:aws:s3:::analytics-bucket'],
    });
    expect(c.fix.verified).toBe(true);
  });

  it('the same mistake in a bucket policy statement is fixed in the bucket policy, with put-bucket-policy', () => {
    const view = exampleViewWith((s) => {
      const st = s['buckets']['analytics-bucket']['policy']['Statement'][0];
      st['Principal'] = { AWS: 'arn:aws:iam::444455556666:role/PartnerReader' };
      st['Resource'] = 'arn:aws:s3:::analytics-bucket';
    });
    const c = causeOf(
      explain(
        scenarioEvent('PartnerReader reads the analytics bucket, whose policy only names PartnerWriter'),
        view,
      ).finding,
      ID,
    );
    expect(c.title).toBe(
      `Statement PartnerWriteIncoming of the bucket policy of analytics-bucket allows s3:GetObject on arn:aws:s3:::analytics-bucket, but the request needs ${OBJECT}`,
    );
    expect(c.evidence[0]).toMatchObject({ layer: 'bucket-policy', policy: 'arn:aws:s3:::analytics-bucket' });
    expect(c.fix.summary).toBe(
      'Add arn:aws:s3:::analytics-bucket/* to the Resource of statement PartnerWriteIncoming in the bucket policy of analytics-bucket.',
    );
    expect(c.fix.commands).toEqual([
      'aws s3api get-bucket-policy --bucket analytics-bucket --query Policy --output text > policy.json',
      'aws s3api put-bucket-policy --bucket analytics-bucket --policy file://policy.json',
    ]);
    expect(c.fix.policyPatch).toMatchObject({ layer: 'bucket-policy', statement: 'PartnerWriteIncoming' });
    expect(c.fix.verified).toBe(true);
  });
});

describe('resource-arn-mismatch: not this mistake', () => {
  const pass = {
    layer: ID,
    status: 'pass',
    detail: 'no Allow statement names the wrong resource form',
  };

  it('a statement that also names a prefix of the bucket (bucket/dev/*) is scoped on purpose', () => {
    const view = withAnalyticsRead((st) => {
      st[0]!['Resource'] = ['arn:aws:s3:::analytics-bucket', 'arn:aws:s3:::analytics-bucket/dev/*'];
    });
    expect(checkOf(GET, view)).toEqual(pass);
  });

  it('a statement whose condition is not met would grant nothing with either resource form', () => {
    const view = withAnalyticsRead((st) => {
      st[0]!['Condition'] = { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } };
    });
    expect(checkOf(GET, view)).toEqual(pass);
  });

  it('no statement allows the action at all: pass', () => {
    expect(checkOf('ruled out: no statement mentions the action at all')).toEqual(pass);
  });
});

describe('resource-arn-mismatch: policies it could not read', () => {
  // A layer the tool could not read is unknown, never allowed: the unread identity policies may hold the mistake.
  const noAccounts = exampleViewWith((s) => delete s['accounts']);

  it('identity policies not read, bucket policy read without the mistake: unknown (the missing read named), not pass', () => {
    const finding = explain(
      scenarioEvent('ruled out: no statement mentions the action at all'),
      noAccounts,
    ).finding;
    expect(finding.checks.find((c) => c.layer === ID)).toEqual({
      layer: ID,
      status: 'unknown',
      missing: [
        'the identity-based policies of arn:aws:iam::111122223333:role/NoS3Role (notCollected: the snapshot has no authorizationDetails for account 111122223333)',
      ],
    });
    // a possible cause, after the missing Allow itself (the commoner way an identity policy fails to grant)
    const ids = finding.rootCauses.map((c) => c.id);
    expect(ids.slice(0, 2)).toEqual(['identity-policy-no-allow', ID]);
    expect(finding.rootCauses[1]).toMatchObject({ confidence: 'possible' });
  });
});

describe('globMatch: how a Resource pattern matches an ARN', () => {
  it.each([
    ['arn:aws:s3:::analytics-bucket', 'arn:aws:s3:::analytics-bucket', true],
    ['arn:aws:s3:::analytics-*', 'arn:aws:s3:::analytics-bucket', true],
    ['arn:aws:s3:::analytics-*', 'arn:aws:s3:::analytics-bucket/x', true],
    ['arn:aws:s3:::analytics-bucke?', 'arn:aws:s3:::analytics-bucket', true],
    ['arn:aws:s3:::analytics-bucke?', 'arn:aws:s3:::analytics-bucket/x', false],
    ['arn:aws:s3:::analytics-bucket', 'arn:aws:s3:::Analytics-Bucket', false],
    ['arn:aws:s3:::analytics-bucket/*', 'arn:aws:s3:::analytics-bucket', false],
    ['arn:aws:s3:::a.b', 'arn:aws:s3:::axb', false],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });

  // S3 key names may hold any UTF-8 character, a line feed or a private-use character included:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
  const shown = (t: string): string =>
    t.replace(/[\n\uE000\uE001]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  it.each(
    (
      [
        ['arn:aws:s3:::a.b/x\ny*', 'arn:aws:s3:::a.b/x\nyz', true],
        ['arn:aws:s3:::a.b/x\ny*', 'arn:aws:s3:::axb/x\nyz', false],
        ['arn:aws:s3:::a.b/x\ny?', 'arn:aws:s3:::a.b/x\nyz', true],
        ['arn:aws:s3:::a.b/x\ny?', 'arn:aws:s3:::a.b/x\nyzz', false],
        ['arn:aws:s3:::a.b/(x)\n+', 'arn:aws:s3:::a.b/(x)\n+', true],
        ['arn:aws:s3:::a.b/\uE000*', 'arn:aws:s3:::a.b/\uE000key', true],
        // * and ? match a line break as the engine does (it once did not here: `.` stops at \n)
        ['arn:aws:s3:::a.b/*', 'arn:aws:s3:::a.b/x\ny', true],
        ['arn:aws:s3:::a.b/x?y', 'arn:aws:s3:::a.b/x\ny', true],
        ['arn:aws:s3:::a.b/x\ny*', 'arn:aws:s3:::a.b/x\ny\nz', true],
        ['arn:aws:s3:::a.b/\uE000?', 'arn:aws:s3:::a.b/\uE001k', false],
      ] as const
    ).map(([pattern, value, expected]) => [shown(pattern), shown(value), expected, pattern, value] as const),
  )('a key with unusual characters: %s matches %s: %s', (_p, _v, expected, pattern, value) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });
});

describe('resource-arn-mismatch: which statements and requests the mistake concerns', () => {
  const pass = {
    layer: ID,
    status: 'pass',
    detail: 'no Allow statement names the wrong resource form',
  };
  const PARTNER_READ = 'PartnerReader reads the analytics bucket, whose policy only names PartnerWriter';
  const bucketStatement = (edit: (st: Record<string, unknown>) => void): View =>
    exampleViewWith((s) => edit(s['buckets']['analytics-bucket']['policy']['Statement'][0]));

  it('a statement that names the bucket ARN and the objects of another bucket is still the mistake for this bucket', () => {
    const view = withAnalyticsRead((st) => {
      st[0]!['Resource'] = ['arn:aws:s3:::analytics-bucket', 'arn:aws:s3:::reports-bucket/*'];
    });
    const c = causeOf(explain(scenarioEvent(GET), view).finding, ID);
    expect(c.fix.summary).toBe(
      `Add arn:aws:s3:::analytics-bucket/* to the Resource of statement ReadAnalytics in identity policy ${POLICY}.`,
    );
  });

  it('a bucket action allowed on a wildcard object pattern (analytics-*/*) names that pattern and adds the bucket ARN', () => {
    // * in a Resource matches any characters, also across the bucket name; analytics-*/* still only names objects
    const view = withAnalyticsRead((st) => {
      st[1]!['Resource'] = 'arn:aws:s3:::analytics-*/*';
    });
    const c = causeOf(explain(scenarioEvent(LIST), view).finding, ID);
    expect(c.title).toBe(
      `Statement ListAnalytics of identity policy ${POLICY} allows s3:ListBucket on arn:aws:s3:::analytics-*/*, but the request needs arn:aws:s3:::analytics-bucket`,
    );
    expect(c.fix.policyPatch?.['replaceStatement']).toMatchObject({
      Resource: ['arn:aws:s3:::analytics-*/*', 'arn:aws:s3:::analytics-bucket'],
    });
  });

  it('an Allow with NotResource that leaves out the object names no resource form: not this mistake', () => {
    // NotResource matches every resource except those listed:
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
    const view = withAnalyticsRead((st) => {
      delete st[0]!['Resource'];
      st[0]!['NotResource'] = 'arn:aws:s3:::analytics-bucket/daily/*';
    });
    expect(checkOf(GET, view)).toEqual(pass);
  });

  it('a statement whose condition is met but names the bucket ARN is still the mistake', () => {
    // the request came over TLS (the record's tlsDetails): the condition holds, only the resource form is wrong
    const view = withAnalyticsRead((st) => {
      st[0]!['Condition'] = { Bool: { 'aws:SecureTransport': 'true' } };
    });
    expect(checkOf(GET, view)?.status).toBe('deny');
  });

  it('a bucket policy statement for another principal that names the bucket ARN is not the mistake: it would not grant this caller either way', () => {
    const view = bucketStatement((st) => {
      st['Resource'] = 'arn:aws:s3:::analytics-bucket';
    });
    expect(checkOf(PARTNER_READ, view)).toEqual(pass);
  });

  it('the fix of a managed identity policy is a new default policy version', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
    const c = causeOf(explain(scenarioEvent(GET)).finding, ID);
    expect(c.fix.commands.at(-1)).toBe(
      `aws iam create-policy-version --policy-arn ${POLICY} --policy-document file://policy.json --set-as-default`,
    );
  });

  it('the bucket policy, which could also grant a same-account caller, was not read: the identity mistake is likely, not confirmed', () => {
    // Within one account an Allow in the identity policy or in the bucket policy is enough:
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    const view = exampleViewWith((s) => delete s['buckets']['analytics-bucket']['policy']);
    expect(causeOf(explain(scenarioEvent(GET), view).finding, ID).confidence).toBe('likely');
  });

  it('an anonymous caller has no identity policies, but the bucket policy was read and names the right form: pass, not not-applicable', () => {
    expect(checkOf('anonymous read of a public-policy bucket with RestrictPublicBuckets')).toEqual(pass);
  });

  it('the KMS call S3 makes names a key, not an S3 resource: not applicable', () => {
    expect(checkOf('the KMS Decrypt record S3 made for KmsReader')).toEqual({
      layer: ID,
      status: 'not-applicable',
    });
  });

  it('through an access point the request names the access point ARN: an Allow on the bucket ARN form is not judged as this mistake', () => {
    // Through an access point, the policies name the access point ARN (…:accesspoint/name/object/key):
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
    const view = exampleViewWith((s) => {
      const roles = s['accounts']['111122223333']['authorizationDetails']['RoleDetailList'];
      const role = roles.find((r: { RoleName: string }) => r.RoleName === 'ApUser');
      role['RolePolicyList'][0]['PolicyDocument']['Statement'].push({
        Sid: 'DeleteLedger',
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: 'arn:aws:s3:::secure-bucket',
      });
    });
    expect(checkOf('finance-ap denies DeleteObject', view)).toEqual(pass);
  });
});
