/**
 * AWS's enhanced access-denied message (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html,
 * docs/reference/ENHANCED-MESSAGES.md): which causes each phrase points to, and what the finding says about it.
 */
import { messageCauses } from '../../lambdas/core/analyze';
import { parseEnhancedMessage } from '../../lambdas/core/event';
import { emptyView, explain, scenarioEvent } from './checkers/helpers';
import { A, recordFor, type Stmt, viewOf } from './world';

const USER = 'User: arn:aws:iam::111122223333:user/u is not authorized to perform:';
const causesOf = (code: string, message: string) => messageCauses(parseEnhancedMessage(code, message));

describe('the causes each phrase of the message points to, primary first', () => {
  it.each([
    [
      'no identity-based policy allows: the missing Allow, an Allow on the wrong ARN form, or a missing key read without s3:ListBucket',
      `${USER} s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action`,
      ['identity-policy-no-allow', 'resource-arn-mismatch', 'missing-object-no-list'],
    ],
    [
      'an explicit deny in an identity-based policy',
      `${USER} s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in an identity-based policy`,
      ['identity-policy-explicit-deny'],
    ],
    [
      'an explicit deny in a resource-based policy: the bucket policy, an access point policy, RestrictPublicBuckets, or the key policy',
      `${USER} s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a resource-based policy`,
      ['bucket-policy-explicit-deny', 'access-point-policy', 'block-public-access', 'kms-key-access'],
    ],
    [
      'no resource-based policy allows: the bucket side of a cross-account grant, an access point, IgnorePublicAcls, ACLs, the ARN form, or the key policy',
      `${USER} s3:GetObject on resource: "arn:aws:s3:::b/k" because no resource-based policy allows the s3:GetObject action`,
      [
        'cross-account-no-bucket-grant',
        'access-point-policy',
        'block-public-access',
        'object-ownership-acl',
        'resource-arn-mismatch',
        'kms-key-access',
      ],
    ],
    [
      'a kms: action is the key, whatever policy type is named',
      `${USER} kms:Decrypt on resource: "arn:aws:kms:us-east-1:111122223333:key/abc" because no resource-based policy allows the kms:Decrypt action`,
      ['kms-key-access'],
    ],
    [
      'a VPC endpoint policy reached transitively through a service control policy names both',
      `${USER} s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a VPC endpoint policy transitively through a service control policy`,
      ['vpc-endpoint-policy', 'scp-deny'],
    ],
    [
      'the BlockPublicAcls setting of S3 Block Public Access',
      `${USER} s3:PutObject because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.`,
      ['block-public-access'],
    ],
    [
      'no role trust policy cause among the S3 causes',
      `${USER} s3:GetObject with an explicit deny in the role trust policy`,
      [],
    ],
  ])('%s', (_what, message, expected) => {
    expect(causesOf('AccessDenied', message)).toEqual(expected);
  });

  it('a VpceAccessDenied network-activity record names the VPC endpoint policy', () => {
    expect(causesOf('VpceAccessDenied', 'The request was denied due to a VPC endpoint policy')).toEqual([
      'vpc-endpoint-policy',
    ]);
  });
});

describe('what the finding says about the message', () => {
  it('agreement names the policy type the message gives, with its article', () => {
    expect(
      explain(scenarioEvent('AppRole reads a report from outside the office network')).finding.awsMessage
        .note,
    ).toBe("AWS's message names an explicit deny in a resource-based policy, which our evaluation confirms.");
    expect(
      explain(scenarioEvent("BoundedRole's read-only boundary blocks PutObject")).finding.awsMessage.note,
    ).toBe("AWS's message names no allow in a permissions boundary, which our evaluation confirms.");
  });

  it('agreement with a Block Public Access message names the setting', () => {
    expect(
      explain(scenarioEvent('uploading with a public-read ACL is rejected by BlockPublicAcls')).finding
        .awsMessage.note,
    ).toBe("AWS's message names Block Public Access (BlockPublicAcls), which our evaluation confirms.");
  });

  it('a VpceAccessDenied record names the VPC endpoint policy as the layer AWS reports', () => {
    // The network-activity event of a VPC endpoint denial says only "denied due to a VPC endpoint policy"
    // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
    const { finding } = explain(
      scenarioEvent(
        'network-activity VpceAccessDenied record for a bucket the endpoint policy does not list',
      ),
    );
    expect(finding.awsMessage.note).toMatch(
      /^AWS's message names a VPC endpoint policy, which our evaluation confirms\. /,
    );
  });

  it('a layer that could not be read rests on the message alone: likely, saying what was missing, with the message as evidence', () => {
    const { finding } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'), emptyView);
    expect(finding.awsMessage.note).toBe(
      "AWS's message names no allow in an identity-based policy; that layer could not be evaluated here, so the cause rests on the message alone.",
    );
    const first = finding.rootCauses[0]!;
    expect(first).toMatchObject({
      id: 'identity-policy-no-allow',
      confidence: 'likely',
      title:
        'AWS reports no allow in an identity-based policy: No identity policy allows the action on the resource',
      explanation:
        "AWS's own error message says the request was denied by no allow in an identity-based policy. The layer could not be evaluated here (missing: the identity-based policies of arn:aws:iam::111122223333:role/NoS3Role (notCollected: the snapshot has no authorizationDetails for account 111122223333)), so the statement that decided is not known.",
    });
    expect(first.evidence).toEqual([
      { layer: 'identity-policy-no-allow', detail: `errorMessage: ${finding.request.errorMessage}` },
    ]);
    expect(first.fix).toMatchObject({ commands: [], verified: false });
  });

  it('a disagreement names the policy and its ARN, says what our evaluation found, and adds the named cause first', () => {
    const e = scenarioEvent('NoS3Role has no S3 permissions at all');
    const scp =
      'arn:aws:organizations::123456789012:policy/o-exampleorg/service_control_policy/p-protectbuckets';
    e['errorMessage'] =
      `User: arn:aws:sts::111122223333:assumed-role/NoS3Role/i-0abc is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::reports-bucket/reports/q3.csv" with an explicit deny in a service control policy: ${scp}`;
    const { finding } = explain(e);
    expect(finding.awsMessage.note).toBe(
      `Disagreement: AWS's message names an explicit deny in a service control policy (${scp}), but our evaluation of the facts finds that layer does not deny (scp-deny: pass). The facts may be stale or incomplete; the causes below are therefore only likely.`,
    );
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
      ['scp-deny', 'likely'],
      ['identity-policy-no-allow', 'likely'],
    ]);
    expect(finding.rootCauses[0]!.evidence[0]).toMatchObject({ layer: 'scp-deny', policy: scp });
    // the layer was read and found not to deny: the cause never claims it could not be evaluated
    expect(finding.rootCauses[0]!.explanation).toBe(
      `AWS's own error message says the request was denied by an explicit deny in a service control policy (${scp}). The facts read here say this layer does not deny (they may be stale or incomplete), so the statement that decided is not known.`,
    );
  });
});

/**
 * AWS names the layer, the record lacks a key the layer's Deny tests (a call Athena made on the caller's behalf:
 * CloudTrail records the service, not the caller's address), and only one Deny of that layer may match: that statement
 * is named, with the key it could not be decided without.
 */
describe("AWS's explicit deny in a layer whose one undecided Deny is the only candidate", () => {
  const officeOnly = (sid: string, range: string): Stmt => ({
    Sid: sid,
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { NotIpAddress: { 'aws:SourceIp': range } },
  });
  const denied = (...denies: Stmt[]) => deniedSaying('', ...denies);
  const deniedSaying = (policyArn: string, ...denies: Stmt[]) => {
    const view = viewOf({
      roles: [
        {
          account: A,
          name: 'AppRole',
          statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, ...denies],
        },
      ],
      buckets: { b1: { account: A, policy: null, objects: { 'k.csv': {} } } },
    });
    const r = recordFor({
      account: A,
      role: 'AppRole',
      bucket: 'b1',
      sourceIp: 'athena.amazonaws.com',
      errorMessage:
        'User: arn:aws:sts::111122223333:assumed-role/AppRole/s1 is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b1/k.csv" with an explicit deny in an identity-based policy' +
        (policyArn ? `: ${policyArn}` : ''),
    });
    (r['userIdentity'] as Record<string, unknown>)['invokedBy'] = 'athena.amazonaws.com';
    return explain(r, view).finding;
  };

  it('names the statement, its policy and the key it could not be decided without, as the likely cause 1', () => {
    const finding = denied(officeOnly('OfficeOnly', '203.0.113.0/24'));
    const first = finding.rootCauses[0]!;
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
      ['identity-policy-explicit-deny', 'likely'],
    ]);
    expect(first.title).toBe(
      'AWS reports an explicit deny in an identity-based policy: statement OfficeOnly of AppRole-inline, the only Deny there that may match',
    );
    expect(first.explanation).toBe(
      "AWS's own error message says the request was denied by an explicit deny in an identity-based policy. Of the statements read here, only statement OfficeOnly of AppRole-inline is a Deny that may match this request (Deny statement 2 (OfficeOnly) might apply: NotIpAddress: aws:SourceIp is not known for this request, so NotIpAddress cannot be decided); it could not be decided without aws:SourceIp. Unless the policies changed since they were read, it is the statement that denied.",
    );
    expect(first.evidence[1]).toEqual({
      layer: 'identity-policy',
      statement: 'OfficeOnly',
      policy: 'AppRole-inline',
      detail:
        'Deny statement 2 (OfficeOnly) might apply: NotIpAddress: aws:SourceIp is not known for this request, so NotIpAddress cannot be decided',
    });
    // Athena's call reaches S3 from Athena's network: the exemption of calls through AWS services, verified
    // (test/core/fix/via-service.test.ts)
    expect(first.fix.summary).toMatch(/^athena\.amazonaws\.com made this call with the caller's credentials/);
    expect(first.fix.verified).toBe(true);
    expect(first.fix.policyPatch).toMatchObject({
      layer: 'identity-policy',
      policy: 'AppRole-inline',
      statement: 'OfficeOnly',
      replaceStatement: { Condition: { BoolIfExists: { 'aws:ViaAWSService': 'false' } } },
    });
  });

  it('a statement no change is proposed for (it already tests aws:ViaAWSService): "change or satisfy" it, not verified', () => {
    const finding = denied({
      ...officeOnly('OfficeOnly', '203.0.113.0/24'),
      Condition: {
        NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
        Bool: { 'aws:ViaAWSService': 'true' },
      },
    });
    const first = finding.rootCauses[0]!;
    expect(first.title).toMatch(
      /statement OfficeOnly of AppRole-inline, the only Deny there that may match$/,
    );
    expect(first.fix.summary).toMatch(/^Change or satisfy statement OfficeOnly of AppRole-inline\. /);
    expect(first.fix.verified).toBe(false);
  });

  it('two undecided Deny statements: neither is named, the statement stays unknown', () => {
    const finding = denied(
      officeOnly('OfficeOnly', '203.0.113.0/24'),
      officeOnly('LabOnly', '198.51.100.0/24'),
    );
    expect(finding.rootCauses[0]!.explanation).toMatch(/so the statement that decided is not known\.$/);
  });

  it("a message naming another policy than the candidate's: the candidate is not named", () => {
    const finding = deniedSaying(
      'arn:aws:iam::111122223333:policy/DataPerimeter',
      officeOnly('OfficeOnly', '203.0.113.0/24'),
    );
    expect(finding.rootCauses[0]!.explanation).toMatch(/so the statement that decided is not known\.$/);
  });
});
