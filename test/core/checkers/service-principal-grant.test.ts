/**
 * service-principal-grant as the user reads it: an AWS service calls S3 as itself (CloudFront origin access control,
 * S3 server access log delivery), and only the resource policy can let it in. AWS documents the grant as the
 * service principal scoped to the source it acts for (aws:SourceArn / aws:SourceAccount), against the confused
 * deputy: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * CloudFront OAC: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 * Log delivery: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
 */
import { causeOf, exampleViewWith, explain, editedEvent, type EditableEvent } from './helpers';

type Event = EditableEvent;
type View = Parameters<typeof explain>[1];

const OAC =
  'CloudFront (OAC) reads a page of a bucket that grants one distribution only: the record does not say which distribution asked';
const LOG =
  "server access log delivery from analytics-bucket to a log bucket that only accepts reports-bucket's logs";
const OAI = 'a legacy CloudFront origin access identity reads a bucket that grants no OAI';
const ROLE = 'ruled out: a role read is not an AWS service call';
const GRANTED = 'arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE';
const OTHER = 'arn:aws:cloudfront::111122223333:distribution/EOTHERDIST0000';
const SITE_KEY = 'arn:aws:kms:us-east-1:111122223333:key/2222bbbb-3333-4444-5555-666677778888';
const OAC_LABEL = 'CloudFront origin access control (OAC)';

const event = editedEvent;

/** CloudTrail's userIdentity.inScopeOf: the distribution the service acted for. */
const from =
  (distribution: string) =>
  (e: Event): void => {
    e['userIdentity']['inScopeOf'] = {
      sourceArn: distribution,
      sourceAccount: '111122223333',
      issuerType: 'AWS::CloudFront::Distribution',
    };
  };

const asks =
  (key: string) =>
  (e: Event): void => {
    e['requestParameters']['key'] = key;
    e['resources'][0]['ARN'] = `arn:aws:s3:::site-bucket/${key}`;
  };

const check = (e: Event, view?: View) =>
  explain(e, view).finding.checks.find((c) => c.layer === 'service-principal-grant');
const cause = (e: Event, view?: View) => causeOf(explain(e, view).finding, 'service-principal-grant');

const sitePolicy = (edit: (policy: Event | null) => Event | null): View =>
  exampleViewWith((s) => {
    s['buckets']['site-bucket']['policy'] = edit(s['buckets']['site-bucket']['policy'] as Event);
  });

describe('service-principal-grant: the caller is an AWS service acting as itself', () => {
  it('a role call is not a service call: the role is judged by its own policies', () => {
    expect(check(event(ROLE))).toEqual({
      layer: 'service-principal-grant',
      status: 'not-applicable',
      detail: 'the caller is not an AWS service principal',
    });
  });

  // Forward access sessions: the service uses the caller's credentials, and aws:ViaAWSService is true.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html
  it('a service that called S3 with the caller’s credentials (forward access session) leaves the decision to the caller’s policies', () => {
    const glue = check(event(ROLE, (e) => (e['userIdentity']['invokedBy'] = 'glue.amazonaws.com')));
    expect(glue).toEqual({
      layer: 'service-principal-grant',
      status: 'not-applicable',
      detail:
        "glue.amazonaws.com made this call with the credentials of arn:aws:iam::111122223333:role/AppRole (aws:ViaAWSService true): the caller's own policies decide (see the other checks)",
    });
  });

  // aws:CalledVia is filled only by the services that add themselves to it (Athena, CloudFormation, DynamoDB, KMS):
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledvia
  it.each(['athena', 'cloudformation', 'dynamodb', 'kms'])(
    'a call made through %s also carries aws:CalledVia, which a policy may test',
    (name) => {
      const via = `${name}.amazonaws.com`;
      const c = check(event(ROLE, (e) => (e['userIdentity']['invokedBy'] = via)));
      expect(c).toMatchObject({ status: 'not-applicable' });
      expect(c && 'detail' in c && c.detail).toContain(`(aws:ViaAWSService true, aws:CalledVia ${via})`);
    },
  );

  // Replication and Batch Operations assume the role the user configured: that role's policies, and cross-account
  // the destination bucket policy, decide. https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
  it.each(['s3.amazonaws.com', 'batchoperations.s3.amazonaws.com'])(
    'a call %s made with a role (replication, Batch Operations) is the role’s, not a service grant’s',
    (via) => {
      expect(check(event(ROLE, (e) => (e['userIdentity']['invokedBy'] = via)))).toEqual({
        layer: 'service-principal-grant',
        status: 'not-applicable',
        detail: `${via} made this call with the role arn:aws:iam::111122223333:role/AppRole (S3 replication or Batch Operations): the role's own policies and the bucket policy decide, as for any role (see the other checks); cross-account, the destination bucket policy must grant the role`,
      });
    },
  );

  it('"AWS Internal" is not a service principal name: the call is the caller’s own', () => {
    expect(check(event(ROLE, (e) => (e['userIdentity']['invokedBy'] = 'AWS Internal')))).toMatchObject({
      status: 'not-applicable',
      detail: 'the caller is not an AWS service principal',
    });
  });
});

describe('service-principal-grant: CloudFront origin access control', () => {
  it('the distribution the bucket policy names (userIdentity.inScopeOf) is let through: ruled out', () => {
    expect(check(event(OAC, from(GRANTED)))).toEqual({
      layer: 'service-principal-grant',
      status: 'pass',
      detail:
        'the bucket policy grants cloudfront.amazonaws.com s3:GetObject on arn:aws:s3:::site-bucket/index.html',
    });
  });

  it('another distribution than the one granted is refused, confirmed, and the fix grants the distribution that asked (verified)', () => {
    const c = cause(event(OAC, from(OTHER)));
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(
      `The bucket policy grants ${OAC_LABEL} s3:GetObject on arn:aws:s3:::site-bucket/index.html only for AWS:SourceArn ${GRANTED}`,
    );
    expect(c.explanation).toBe(
      `The bucket policy of site-bucket grants cloudfront.amazonaws.com s3:GetObject only for AWS:SourceArn ${GRANTED}; this request came from ${OTHER}.`,
    );
    expect(c.evidence).toEqual([
      {
        layer: 'service-principal-grant',
        detail:
          'CloudTrail records the caller as the AWS service cloudfront.amazonaws.com (userIdentity type AWSService, invokedBy)',
      },
      {
        layer: 'bucket-policy',
        policy: 'arn:aws:s3:::site-bucket',
        statement: 'AllowCloudFrontServicePrincipalReadOnly',
        detail: `site-bucket #1 (AllowCloudFrontServicePrincipalReadOnly) grants it only when AWS:SourceArn StringEquals ${GRANTED} (does not match)`,
      },
    ]);
    const grant = {
      Sid: 'AllowCloudFrontServicePrincipal',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::site-bucket/*',
      Condition: { StringEquals: { 'aws:SourceArn': OTHER } },
    };
    expect(c.fix).toMatchObject({
      summary: `Grant ${OAC_LABEL} s3:GetObject on arn:aws:s3:::site-bucket/index.html for the source this request came from (${OTHER}): ${JSON.stringify(grant)}.`,
      policyPatch: { layer: 'bucket-policy', bucket: 'site-bucket', addStatement: grant },
      verified: true,
    });
    expect(c.fix.commands).toEqual([
      expect.stringContaining('aws cloudfront list-distributions'),
      expect.stringContaining('aws cloudfront get-distribution-config --id EOTHERDIST0000'),
      'aws s3api get-bucket-policy --bucket site-bucket --query Policy --output text > policy.json',
      'aws s3api put-bucket-policy --bucket site-bucket --policy file://policy.json',
    ]);
  });

  it('a grant statement without a Sid is named by its position in the policy', () => {
    const view = sitePolicy((p) => {
      delete (p?.['Statement'] as Event[])[0]!['Sid'];
      return p;
    });
    expect(cause(event(OAC, from(OTHER)), view).evidence[1]).toEqual({
      layer: 'bucket-policy',
      policy: 'arn:aws:s3:::site-bucket',
      statement: '#1',
      detail: `site-bucket #1 grants it only when AWS:SourceArn StringEquals ${GRANTED} (does not match)`,
    });
  });

  it('when the record does not say which distribution asked, a grant scoped to one distribution is only likely the cause, and the fix leaves the distribution to find', () => {
    const c = cause(event(OAC));
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toBe(
      `The bucket policy of site-bucket grants cloudfront.amazonaws.com s3:GetObject only for AWS:SourceArn ${GRANTED}. The record does not show which CloudFront distribution asked (CloudTrail names the service, not the distribution); other layers could not all be evaluated.`,
    );
    expect(c.evidence[1]?.detail).toContain(`AWS:SourceArn StringEquals ${GRANTED} (not in the record)`);
    expect(c.fix.verified).toBe(false);
    expect(c.fix.summary).toContain(
      `for the ARN of the distribution that should be allowed (the record does not show it: find it with the commands below): `,
    );
    expect(c.fix.policyPatch?.['addStatement']).toMatchObject({
      Condition: {
        StringEquals: { 'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/DISTRIBUTION_ID' },
      },
    });
    expect(c.fix.commands[1]).toContain('get-distribution-config --id DISTRIBUTION_ID');
  });

  it('a bucket without a policy grants CloudFront nothing: confirmed, and the fix is the documented OAC statement', () => {
    const c = cause(
      event(OAC, from(GRANTED)),
      sitePolicy(() => null),
    );
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(
      `The bucket policy grants nothing to ${OAC_LABEL} for s3:GetObject on arn:aws:s3:::site-bucket/index.html`,
    );
    expect(c.explanation).toBe(
      'No statement of the bucket policy of site-bucket grants cloudfront.amazonaws.com s3:GetObject on arn:aws:s3:::site-bucket/index.html.',
    );
    expect(c.evidence[1]).toEqual({
      layer: 'bucket-policy',
      detail: 'no statement names cloudfront.amazonaws.com for s3:GetObject',
    });
    expect(c.fix).toMatchObject({
      policyPatch: {
        layer: 'bucket-policy',
        addStatement: { Condition: { StringEquals: { 'aws:SourceArn': GRANTED } } },
      },
      verified: true,
    });
  });

  it('a bucket policy that was not read leaves the check unknown, naming the policy', () => {
    expect(
      check(
        event(OAC),
        exampleViewWith((s) => delete s['buckets']['site-bucket']['policy']),
      ),
    ).toEqual({
      layer: 'service-principal-grant',
      status: 'unknown',
      missing: ['the bucket policy (notCollected: the snapshot does not carry buckets.site-bucket.policy)'],
    });
  });

  // An explicit Deny wins over any Allow: the grant to CloudFront is not what refused.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  it('an explicit Deny in the bucket policy is another cause: the check passes without claiming the policy grants CloudFront', () => {
    const deny = sitePolicy((p) => ({
      ...p,
      Statement: [
        ...(p?.['Statement'] as Event[]),
        { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site-bucket/*' },
      ],
    }));
    for (const e of [event(OAC, from(GRANTED)), event(OAC)]) {
      const { finding } = explain(e, deny);
      expect(finding.rootCauses.map((r) => r.id)).toEqual(['bucket-policy-explicit-deny']);
      expect(finding.checks.find((c) => c.layer === 'service-principal-grant')).toEqual({
        layer: 'service-principal-grant',
        status: 'pass',
        detail:
          'cloudfront.amazonaws.com is refused by bucket-policy (see that check), whatever the policy grants it',
      });
    }
  });

  // Every condition of a statement must hold (AND): a grant scoped to the right distribution but with another
  // condition that fails grants nothing. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
  it('a statement naming the distribution but failing another condition grants nothing: the source is not blamed', () => {
    const view = sitePolicy((p) => {
      const statement = (p?.['Statement'] as Event[])[0]!;
      statement['Condition']['StringEquals']['aws:PrincipalServiceName'] = 'logging.s3.amazonaws.com';
      return p;
    });
    const c = cause(event(OAC, from(GRANTED)), view);
    expect(c.title).toBe(
      `The bucket policy grants nothing to ${OAC_LABEL} for s3:GetObject on arn:aws:s3:::site-bucket/index.html`,
    );
    expect(c.explanation).toBe(
      'No statement of the bucket policy of site-bucket grants cloudfront.amazonaws.com s3:GetObject on arn:aws:s3:::site-bucket/index.html.',
    );
  });

  it('a page that does not exist, asked by the granted distribution, is 403 only for want of s3:ListBucket: not a grant problem', () => {
    expect(check(event(OAC, (e) => (from(GRANTED)(e), asks('missing.html')(e))))).toEqual({
      layer: 'service-principal-grant',
      status: 'pass',
      detail:
        's3://site-bucket/missing.html does not exist: cloudfront.amazonaws.com receives 403, not 404, unless the bucket policy also grants it s3:ListBucket on the bucket (see missing-object-no-list)',
    });
  });

  it('a page that does not exist, asked by an unnamed distribution: either may be the cause, so neither is confirmed', () => {
    const c = cause(event(OAC, asks('missing.html')));
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toContain(
      'every other layer allows this request, so the source that asked is not one the grant names.',
    );
    expect(c.explanation).toContain(
      'The key does not exist either: without s3:ListBucket CloudFront receives 403 instead of 404.',
    );
  });

  // For SSE-KMS objects the key policy must allow cloudfront.amazonaws.com kms:Decrypt for the distribution:
  // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html#create-oac-overview-s3
  it('the granted distribution reading an SSE-KMS object is refused by the key policy: the fix is the key-policy statement AWS documents, verified', () => {
    const c = cause(event(OAC, (e) => (from(GRANTED)(e), asks('assets/app.js')(e))));
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(`The key policy grants nothing to ${OAC_LABEL} for kms:Decrypt on ${SITE_KEY}`);
    expect(c.explanation).toBe(
      `No statement of the key policy of ${SITE_KEY} grants cloudfront.amazonaws.com kms:Decrypt on ${SITE_KEY}. The object is SSE-KMS encrypted: the KMS key policy must grant cloudfront.amazonaws.com kms:Decrypt for the distribution too.`,
    );
    expect(c.evidence[1]).toEqual({
      layer: 'kms-key-policy',
      detail: 'no statement names cloudfront.amazonaws.com for kms:Decrypt',
    });
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'kms-key-policy',
      keyPolicy: {
        key: SITE_KEY,
        addStatement: {
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*'],
          Condition: { StringEquals: { 'aws:SourceArn': GRANTED } },
        },
      },
    });
    // the bucket grant already lets this distribution in: only the key policy is to change
    expect(c.fix.policyPatch).not.toHaveProperty('bucket');
    expect(c.fix.commands.some((x) => x.startsWith('aws kms get-key-policy'))).toBe(true);
    expect(c.fix.commands.some((x) => x.includes('put-bucket-policy'))).toBe(false);
    // one statement, the documented one: not also a second, overlapping kms:Decrypt grant
    expect(c.fix.policyPatch).not.toHaveProperty('addStatement');
    expect(c.fix.summary).toBe(
      `Grant ${OAC_LABEL} kms:Decrypt on ${SITE_KEY} for the source this request came from (${GRANTED}) in the key policy: {"Sid":"AllowCloudFrontServicePrincipalSSE-KMS","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":["kms:Decrypt","kms:Encrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceArn":"${GRANTED}"}}}.`,
    );
    // the record names the distribution: the KMS call is evaluated again with the statement, and allowed
    expect(c.fix.verified).toBe(true);
  });

  it('an unnamed distribution reading an SSE-KMS object: the bucket grant’s source and the key policy are both named', () => {
    const c = cause(event(OAC, asks('assets/app.js')));
    expect(c.explanation).toContain(
      `No statement of the key policy of ${SITE_KEY} grants cloudfront.amazonaws.com kms:Decrypt on ${SITE_KEY}.`,
    );
    expect(c.fix.summary).toContain(
      '; and in the key policy: {"Sid":"AllowCloudFrontServicePrincipalSSE-KMS"',
    );
    expect(c.fix.policyPatch).toMatchObject({ layer: 'bucket-policy', bucket: 'site-bucket' });
  });
});

describe('service-principal-grant: a legacy origin access identity', () => {
  // An OAI is granted by naming it ("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID"), not by the
  // service principal; AWS recommends OAC instead.
  it('a bucket that names no OAI grants it nothing, and the fix names the OAI to look up, not a source account', () => {
    const c = cause(event(OAI));
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(
      'The bucket policy grants nothing to CloudFront origin access identity (legacy OAI) for s3:GetObject on arn:aws:s3:::site-bucket/index.html',
    );
    expect(c.explanation).toBe(
      'No statement of the bucket policy of site-bucket grants a CloudFront origin access identity (AIDAIWBU3NBABM5FLVT5E) s3:GetObject on arn:aws:s3:::site-bucket/index.html. A legacy origin access identity is not the cloudfront.amazonaws.com service principal: only statements naming the OAI (or its canonical user id) grant it, and it cannot read SSE-KMS objects; AWS recommends origin access control (OAC) instead.',
    );
    expect(c.evidence[0]?.detail).toBe(
      'CloudTrail records the caller as a CloudFront origin access identity (userIdentity accountId CloudFront)',
    );
    expect(c.fix.summary).toBe(
      `Grant CloudFront origin access identity (legacy OAI) s3:GetObject on arn:aws:s3:::site-bucket/index.html for the distribution's origin access identity (OAI_ID in the statement; the record does not show it: aws cloudfront list-cloud-front-origin-access-identities lists them): {"Sid":"AllowCloudFrontOriginAccessIdentity","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity OAI_ID"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site-bucket/*"}.`,
    );
    expect(c.fix.commands).toEqual([
      'aws cloudfront list-cloud-front-origin-access-identities',
      'aws s3api get-bucket-policy --bucket site-bucket --query Policy --output text > policy.json',
      'aws s3api put-bucket-policy --bucket site-bucket --policy file://policy.json',
    ]);
    // which OAI asked is not recorded: the fix cannot be verified
    expect(c.fix.verified).toBe(false);
  });
});

describe('service-principal-grant: S3 server access log delivery', () => {
  it('logs from the source bucket the policy names are let through: ruled out', () => {
    expect(
      check(event(LOG, (e) => (e['userIdentity']['inScopeOf']['sourceArn'] = 'arn:aws:s3:::reports-bucket'))),
    ).toEqual({
      layer: 'service-principal-grant',
      status: 'pass',
      detail:
        'the bucket policy grants logging.s3.amazonaws.com s3:PutObject on arn:aws:s3:::access-logs-bucket/reports/2026-11-20-10-15-00-ABCDEF',
    });
  });

  it('logs from another source bucket are refused, and the evidence says which source condition failed', () => {
    const c = cause(event(LOG));
    expect(c.confidence).toBe('confirmed');
    expect(c.evidence[1]).toEqual({
      layer: 'bucket-policy',
      policy: 'arn:aws:s3:::access-logs-bucket',
      statement: 'S3ServerAccessLogsPolicy',
      detail:
        'access-logs-bucket #1 (S3ServerAccessLogsPolicy) grants it only when aws:SourceArn ArnLike arn:aws:s3:::reports-bucket (does not match); aws:SourceAccount StringEquals 111122223333 (matches)',
    });
    expect(c.fix.policyPatch?.['addStatement']).toMatchObject({
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::analytics-bucket' } },
    });
    expect(c.fix.verified).toBe(true);
  });

  it('without the source in the record the log grant is only likely the cause, and the fix says the source bucket is to be found', () => {
    const c = cause(event(LOG, (e) => delete e['userIdentity']['inScopeOf']));
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toContain(
      'The record does not show which source asked (CloudTrail names the service, not the resource it acted for)',
    );
    expect(c.fix.summary).toContain(
      'for the ARN of the source that should be allowed (the record does not show it: find it with the commands below)',
    );
    expect(c.fix.commands[0]).toBe('aws s3api get-bucket-logging --bucket SOURCE_BUCKET');
  });
});

describe('service-principal-grant: another cause refuses the service', () => {
  // A Requester Pays bucket cannot be the target of server access logs:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
  it('log delivery refused by Requester Pays is that cause, not a missing grant: the check passes and names it', () => {
    const view = exampleViewWith((s) => {
      s['buckets']['access-logs-bucket']['requestPayment'] = { Payer: 'Requester' };
    });
    const granted = event(
      LOG,
      (e) => (e['userIdentity']['inScopeOf']['sourceArn'] = 'arn:aws:s3:::reports-bucket'),
    );
    for (const e of [granted, event(LOG)])
      expect(check(e, view)).toEqual({
        layer: 'service-principal-grant',
        status: 'pass',
        detail:
          'logging.s3.amazonaws.com is refused by requester-pays (see that check), whatever the policy grants it',
      });
  });
});

describe('service-principal-grant: a service this tool has no profile for', () => {
  const other = (e: Event): void => {
    e['userIdentity']['invokedBy'] = 'example.amazonaws.com';
  };

  it('reading a missing key or an SSE-KMS object, it is not told about CloudFront', () => {
    for (const k of ['missing.html', 'assets/app.js']) {
      const c = cause(event(OAC, (e) => (other(e), asks(k)(e))));
      expect(c.explanation).not.toMatch(/CloudFront|cloudfront/);
      expect(c.fix.policyPatch).not.toHaveProperty('keyPolicy');
    }
  });

  it('is granted by its service principal name, scoped to the bucket owner’s account, and no lookup command is promised', () => {
    const c = cause(event(OAC, other));
    expect(c.title).toBe(
      'The bucket policy grants nothing to example.amazonaws.com for s3:GetObject on arn:aws:s3:::site-bucket/index.html',
    );
    expect(c.fix.policyPatch?.['addStatement']).toMatchObject({
      Principal: { Service: 'example.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    });
    expect(c.fix.summary).toContain(
      'for the account of the source that should be allowed (the record does not show it): ',
    );
    expect(c.fix.commands.every((x) => x.startsWith('aws s3api'))).toBe(true);
  });
});
