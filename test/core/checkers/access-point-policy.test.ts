/**
 * access-point-policy as the user reads it: what the check says about the access point a request went through, and
 * the fix when its policy or its network origin refuses the request.
 *  - both the access point policy and the bucket must permit a request made through an access point:
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
 *  - a VPC-only access point: "Amazon S3 rejects any request made to the access point that doesn't originate from
 *    that VPC": https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
 */
import { A, B, recordFor, roleArn, type Stmt, viewOf, type WorldSpec } from '../world';
import { causeOf, explain } from './helpers';

const BUCKET = 'reports-bucket';
const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/reports-ap`;
const AP_OBJECT = `${AP}/object/q3.csv`;
const PARTNER = roleArn(B, 'Partner');
const read: Stmt = {
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: [`arn:aws:s3:::${BUCKET}/*`, `${AP}/object/*`],
};

/** A partner role of account B whose identity policy and the bucket policy both grant the read. */
const world = (accessPoint: Record<string, unknown> | null): WorldSpec => ({
  roles: [{ account: B, name: 'Partner', statements: [read] }],
  buckets: {
    [BUCKET]: {
      account: A,
      objects: { 'q3.csv': {} },
      policy: [
        {
          Effect: 'Allow',
          Principal: { AWS: PARTNER },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
        },
      ],
    },
  },
  ...(accessPoint
    ? {
        accessPoints: {
          [AP]: { Name: 'reports-ap', Bucket: BUCKET, NetworkOrigin: 'Internet', ...accessPoint },
        },
      }
    : {}),
});
const policy = (...Statement: Stmt[]) => ({ Version: '2012-10-17', Statement });

/** The finding of the partner's GetObject through the access point (or straight to the bucket). */
function partnerRead(
  spec: WorldSpec,
  over: { accessPoint?: string; vpcEndpointId?: string; sourceIp?: string } = {},
) {
  return explain(
    recordFor({ account: B, role: 'Partner', bucket: BUCKET, bucketAccount: A, key: 'q3.csv', ...over }),
    viewOf(spec),
  ).finding;
}
const checkOf = (finding: ReturnType<typeof partnerRead>) =>
  finding.checks.find((c) => c.layer === 'access-point-policy');

describe('access-point-policy: an access point policy without an Allow for the caller', () => {
  const listOnly = world({
    Policy: policy({ Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: AP }),
  });

  it('names the access point and the refused object ARN, and says both the access point and the bucket must permit', () => {
    const c = causeOf(partnerRead(listOnly, { accessPoint: AP }), 'access-point-policy');
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(`The access point policy of reports-ap does not allow s3:GetObject on ${AP_OBJECT}`);
    expect(c.explanation).toBe(
      `No statement of the access point policy of reports-ap allows s3:GetObject on ${AP_OBJECT}. Both the access point policy and the bucket policy must permit a request made through an access point.`,
    );
  });

  it("the fix adds an Allow naming the caller (an access point policy is a resource policy) with the access point's own put-access-point-policy commands, verified", () => {
    const c = causeOf(partnerRead(listOnly, { accessPoint: AP }), 'access-point-policy');
    expect(c.fix.summary).toBe(
      `Add an Allow for s3:GetObject on ${AP_OBJECT} to ${PARTNER} in the access point policy of reports-ap.`,
    );
    expect(c.fix.commands).toEqual([
      `aws s3control get-access-point-policy --account-id ${A} --name reports-ap --query Policy --output text > access-point-policy.json`,
      `aws s3control put-access-point-policy --account-id ${A} --name reports-ap --policy file://access-point-policy.json`,
    ]);
    const added = c.fix.policyPatch!['addStatement'] as Stmt;
    expect(added).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: PARTNER },
      Action: 's3:GetObject',
      Resource: AP_OBJECT,
    });
    expect(c.fix.verified).toBe(true);
    // the patched access point policy lets the read through
    const listStmt: Stmt = { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: AP };
    const patched = world({ Policy: policy(listStmt, added) });
    expect(partnerRead(patched, { accessPoint: AP }).rootCauses.map((r) => r.id)).toEqual([]);
  });

  it('an access point policy that grants the caller passes, saying what it allows', () => {
    const grants = world({
      Policy: policy({
        Effect: 'Allow',
        Principal: { AWS: PARTNER },
        Action: 's3:GetObject',
        Resource: `${AP}/object/*`,
      }),
    });
    expect(checkOf(partnerRead(grants, { accessPoint: AP }))).toEqual({
      layer: 'access-point-policy',
      status: 'pass',
      detail: `access-point-policy allows s3:GetObject on ${AP_OBJECT}`,
    });
  });
});

// An explicit Deny in any applicable policy overrides every Allow:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// the exception names the caller with aws:PrincipalArn:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
describe('access-point-policy: a Deny statement of the access point policy matches the caller', () => {
  const denyOutsiders: Stmt = {
    Sid: 'DenyOutsideAccounts',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: `${AP}/object/*`,
    Condition: { StringNotEquals: { 'aws:PrincipalAccount': A } },
  };
  const partnerReads: Stmt = {
    Sid: 'PartnerReads',
    Effect: 'Allow',
    Principal: { AWS: PARTNER },
    Action: 's3:GetObject',
    Resource: `${AP}/object/*`,
  };
  const cause = () =>
    causeOf(
      partnerRead(world({ Policy: policy(partnerReads, denyOutsiders) }), { accessPoint: AP }),
      'access-point-policy',
    );

  it('names the access point and the statement, and says an explicit Deny overrides every Allow', () => {
    const c = cause();
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(
      'The access point policy of reports-ap explicitly denies s3:GetObject (statement DenyOutsideAccounts)',
    );
    expect(c.explanation).toMatch(
      /^Statement DenyOutsideAccounts of the access point policy of reports-ap is a Deny/,
    );
    expect(c.explanation).toMatch(/An explicit Deny overrides every Allow\.$/);
  });

  it("the fix rewrites that statement of the access point's policy with an aws:PrincipalArn exception for the caller, verified", () => {
    const { fix } = cause();
    expect(fix.summary).toBe(
      `Add an aws:PrincipalArn exception for ${PARTNER} to statement DenyOutsideAccounts of the access point policy of reports-ap.`,
    );
    expect(fix.commands).toEqual([
      `aws s3control get-access-point-policy --account-id ${A} --name reports-ap --query Policy --output text > access-point-policy.json`,
      `aws s3control put-access-point-policy --account-id ${A} --name reports-ap --policy file://access-point-policy.json`,
    ]);
    expect(fix.policyPatch).toEqual({
      layer: 'access-point-policy',
      policy: AP,
      statement: 'DenyOutsideAccounts',
      replaceStatement: {
        ...denyOutsiders,
        Condition: {
          StringNotEquals: { 'aws:PrincipalAccount': A },
          ArnNotEquals: { 'aws:PrincipalArn': PARTNER },
        },
      },
    });
    expect(fix.verified).toBe(true);
    // the patched access point policy lets the read through
    const patched = world({
      Policy: policy(partnerReads, fix.policyPatch!['replaceStatement'] as Stmt),
    });
    expect(partnerRead(patched, { accessPoint: AP }).rootCauses.map((r) => r.id)).toEqual([]);
  });

  // "Amazon S3 rejects any request made to the access point that doesn't originate from that VPC", whatever its
  // policy says: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html
  it('on a VPC-only access point called from the internet, the exception is not called verified: the access point still refuses the request', () => {
    const vpcOnly = world({
      NetworkOrigin: 'VPC',
      VpcConfiguration: { VpcId: 'vpc-0aaa' },
      Policy: policy(partnerReads, denyOutsiders),
    });
    const { fix } = causeOf(partnerRead(vpcOnly, { accessPoint: AP }), 'access-point-policy');
    expect(fix.policyPatch).toMatchObject({ statement: 'DenyOutsideAccounts' });
    expect(fix.verified).toBe(false);
    expect(fix.stillDeniedBy).toEqual(['access-point-policy (rule: network-origin)']);
  });
});

describe('access-point-policy: when the access point takes no part', () => {
  it('a request straight to the bucket says it did not go through an access point', () => {
    expect(checkOf(partnerRead(world(null)))).toEqual({
      layer: 'access-point-policy',
      status: 'not-applicable',
      detail: 'the request did not go through an access point',
    });
  });

  it('a request through an access point without a policy says so (not that no access point was used)', () => {
    expect(checkOf(partnerRead(world({ Policy: null }), { accessPoint: AP }))).toEqual({
      layer: 'access-point-policy',
      status: 'not-applicable',
      detail: 'the request went through access point reports-ap, which has no access point policy',
    });
  });

  it('an access point the snapshot does not carry leaves the check unknown, naming its policy and network origin', () => {
    expect(checkOf(partnerRead(world(null), { accessPoint: AP }))).toEqual({
      layer: 'access-point-policy',
      status: 'unknown',
      missing: [
        `the access point policy (notCollected: the snapshot does not carry access point ${AP})`,
        "the access point's network origin",
      ],
    });
  });
});

describe('access-point-policy: a VPC-only access point called from elsewhere', () => {
  const vpcOnly = (extra: Partial<WorldSpec> = {}): WorldSpec => ({
    ...world({ NetworkOrigin: 'VPC', VpcConfiguration: { VpcId: 'vpc-0aaa' }, Policy: null }),
    ...extra,
  });

  it('from the internet: names the VPC the access point accepts and the address the request came from', () => {
    const c = causeOf(partnerRead(vpcOnly(), { accessPoint: AP }), 'access-point-policy');
    expect(c).toMatchObject({
      confidence: 'confirmed',
      title:
        'Access point reports-ap only accepts requests from VPC vpc-0aaa; this one came from the internet (198.51.100.7)',
      explanation:
        "The access point's network origin is VPC: S3 rejects every request to it that does not come from VPC vpc-0aaa, whatever the policies allow.",
      evidence: [
        {
          layer: 'access-point-policy',
          detail: `the access point's network origin is VPC (vpc-0aaa): S3 rejects requests that do not come from that VPC, and this one did not come through a VPC endpoint (s3:GetObject on ${AP_OBJECT})`,
        },
      ],
      fix: {
        summary:
          'Call reports-ap from inside VPC vpc-0aaa through an S3 VPC endpoint, or use an access point whose network origin is Internet.',
        commands: [`aws s3control get-access-point --account-id ${A} --name reports-ap`],
        verified: false,
      },
    });
  });

  it('a VPC-only access point whose VPC id was not read: says "its VPC", never "VPC its VPC"', () => {
    const noVpcId = { ...world({ NetworkOrigin: 'VPC', Policy: null }) };
    const c = causeOf(partnerRead(noVpcId, { accessPoint: AP }), 'access-point-policy');
    expect(c.title).toBe(
      'Access point reports-ap only accepts requests from its VPC; this one came from the internet (198.51.100.7)',
    );
    expect(c.fix.summary).toBe(
      'Call reports-ap from inside its VPC through an S3 VPC endpoint, or use an access point whose network origin is Internet.',
    );
  });

  it('through an endpoint of another VPC: names that endpoint as where the request came from', () => {
    const other = vpcOnly({
      vpcEndpoints: {
        'vpce-0other': {
          VpcEndpointId: 'vpce-0other',
          VpcId: 'vpc-0bbb',
          ServiceName: 'com.amazonaws.us-east-1.s3',
          PolicyDocument: null,
        },
      },
    });
    const c = causeOf(
      partnerRead(other, { accessPoint: AP, vpcEndpointId: 'vpce-0other' }),
      'access-point-policy',
    );
    expect(c.title).toBe(
      'Access point reports-ap only accepts requests from VPC vpc-0aaa; this one came from endpoint vpce-0other',
    );
    expect(c.evidence).toEqual([
      {
        layer: 'access-point-policy',
        detail: `the access point's network origin is VPC (vpc-0aaa): S3 rejects this request, which came from vpc-0bbb (s3:GetObject on ${AP_OBJECT})`,
      },
    ]);
  });

  // "AWS Internal" (or no address at all): the record does not say where the request came from, only that no VPC
  // endpoint carried it. https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
  it('a record without a source address: says the request did not come through a VPC endpoint, not that it came from the internet', () => {
    const c = causeOf(
      partnerRead(vpcOnly(), { accessPoint: AP, sourceIp: 'AWS Internal' }),
      'access-point-policy',
    );
    expect(c.title).toBe(
      'Access point reports-ap only accepts requests from VPC vpc-0aaa; this one did not come through a VPC endpoint',
    );
  });
});
