/**
 * The fixes: scoped to this principal, action and resource; verified only when re-evaluation with the patch
 * applied allows on that layer; what would still deny is named; Block Public Access is never turned off.
 */
import { causeOf, explain, scenarioEvent } from './helpers';

const fixOf = (scenario: string, id: Parameters<typeof causeOf>[1]) =>
  causeOf(explain(scenarioEvent(scenario)).finding, id).fix;
const allCommands = (scenario: string) =>
  explain(scenarioEvent(scenario)).finding.rootCauses.flatMap((c) => c.fix.commands);

describe('fixes', () => {
  it('exempts only this principal from the bucket-policy Deny, keeps the statement, and verifies it', () => {
    const fix = fixOf(
      'AppRole reads a report from outside the office network',
      'bucket-policy-explicit-deny',
    );
    const stmt = fix.policyPatch?.['replaceStatement'] as Record<string, unknown>;
    expect(stmt).toMatchObject({ Sid: 'DenyNonOfficeIPs', Effect: 'Deny', Principal: '*' });
    expect(stmt['Condition']).toEqual({
      NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] },
      Null: { 'aws:SourceVpce': 'true' },
      ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AppRole' },
    });
    expect(fix.verified).toBe(true);
    expect(fix.summary).toMatch(/network address/);
    expect(fix.commands).toContain(
      'aws s3api put-bucket-policy --bucket reports-bucket --policy file://policy.json',
    );
  });

  it('adds an identity Allow for exactly the denied action and object ARN, never "*"', () => {
    const fix = fixOf('NoS3Role has no S3 permissions at all', 'identity-policy-no-allow');
    expect(fix.policyPatch?.['addStatement']).toMatchObject({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports-bucket/reports/q3.csv',
    });
    expect(JSON.stringify(fix.policyPatch)).not.toMatch(/"\*"/);
    expect(fix.verified).toBe(true);
    expect(fix.stillDeniedBy).toBeUndefined();
    expect(fix.commands).toEqual([
      'aws iam put-role-policy --role-name NoS3Role --policy-name s3-403-fix --policy-document file://policy.json',
    ]);
  });

  it('uses put-user-policy for IAM users', () => {
    expect(fixOf("alice's group only covers dev/ objects", 'identity-policy-no-allow').commands[0]).toMatch(
      /^aws iam put-user-policy --user-name alice /,
    );
  });

  it('names the missing resource form in the statement that almost matched', () => {
    const fix = fixOf(
      'AnalyticsRead allows s3:GetObject on the bucket ARN instead of bucket/*',
      'resource-arn-mismatch',
    );
    expect(fix.policyPatch).toMatchObject({
      statement: 'ReadAnalytics',
      replaceStatement: { Resource: ['arn:aws:s3:::analytics-bucket', 'arn:aws:s3:::analytics-bucket/*'] },
    });
    expect(fix.verified).toBe(true);
    expect(fix.commands.join('\n')).toMatch(
      /create-policy-version --policy-arn arn:aws:iam::111122223333:policy\/AnalyticsRead/,
    );
  });

  it('grants a cross-account caller by its role ARN (not the session) in the bucket policy', () => {
    const fix = fixOf('PartnerReader reads outside the shared/ prefix', 'cross-account-no-bucket-grant');
    expect(fix.policyPatch?.['addStatement']).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::444455556666:role/PartnerReader' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports-bucket/private/payroll.csv',
    });
    expect(fix.verified).toBe(true);
  });

  it('allows kms:Decrypt through S3 only (kms:ViaService) in the key policy for another account', () => {
    const fix = fixOf('PartnerReader (other account) is not in the key policy', 'kms-key-access');
    expect(fix.policyPatch?.['keyPolicy']).toMatchObject({
      addStatement: {
        Principal: { AWS: 'arn:aws:iam::444455556666:role/PartnerReader' },
        Action: 'kms:Decrypt',
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      },
    });
    expect(fix.commands.some((c) => c.startsWith('aws kms put-key-policy '))).toBe(true);
    expect(fix.commands.some((c) => c.startsWith('aws kms create-grant '))).toBe(true);
    expect(fix.verified).toBe(true);
  });

  it('adds kms:Decrypt to the identity policy when the key policy delegates to IAM (same account)', () => {
    const fix = fixOf('KmsReader may read the object but not decrypt it', 'kms-key-access');
    expect(fix.policyPatch?.['identityPolicy']).toMatchObject({ addStatement: { Action: 'kms:Decrypt' } });
    expect(fix.verified).toBe(true);
  });

  it('updates the SCP with aws organizations update-policy and its policy id', () => {
    const fix = fixOf('ProtectBucketConfig SCP denies PutBucketPolicy to non-admins', 'scp-deny');
    expect(fix.commands).toContain(
      'aws organizations update-policy --policy-id p-protectbuckets --content file://scp.json',
    );
    expect(fix.verified).toBe(true);
  });

  it('adds the missing Allow to the allow-list SCP of the partner account', () => {
    const fix = fixOf("partner account's allow-list SCP has no s3:PutObject", 'scp-deny');
    expect(fix.policyPatch).toMatchObject({
      layer: 'scp',
      policy:
        'arn:aws:organizations::123456789012:policy/o-exampleorg/service_control_policy/p-partnerreadonly',
      addStatement: { Action: 's3:PutObject' },
    });
    expect(fix.verified).toBe(true);
  });

  it('modifies the VPC endpoint policy with aws ec2 modify-vpc-endpoint', () => {
    const fix = fixOf('PutObject through an endpoint that only allows reads', 'vpc-endpoint-policy');
    expect(fix.commands).toContain(
      'aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0a1b2c3d4e5f60001 --policy-document file://vpce-policy.json',
    );
    expect(fix.verified).toBe(true);
  });

  it('sets BucketOwnerEnforced for an object owned by another account, verified', () => {
    const fix = fixOf(
      "bucket owner's admin cannot read an object the partner uploaded and still owns",
      'object-ownership-acl',
    );
    expect(fix.commands).toEqual([
      "aws s3api put-bucket-ownership-controls --bucket analytics-bucket --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
    ]);
    expect(fix.verified).toBe(true);
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
  it.each([
    'anonymous read of a public-policy bucket with RestrictPublicBuckets',
    'cross-account read through the public policy is blocked too',
  ])(
    'never proposes disabling Block Public Access (%s): presigned URLs or CloudFront OAC instead',
    (scenario) => {
      const fix = fixOf(scenario, 'block-public-access');
      expect(fix.summary).toMatch(/presigned URL/);
      expect(fix.summary).toMatch(/CloudFront with Origin Access Control/);
      expect(allCommands(scenario).some((c) => c.includes('put-public-access-block'))).toBe(false);
      expect(fix.verified).toBe(false);
    },
  );

  it('explains a missing key: list the prefix, and ListBucket for 404 instead of 403', () => {
    const fix = fixOf('bob reads a key that does not exist and may not list', 'missing-object-no-list');
    expect(fix.commands[0]).toBe(
      'aws s3api list-objects-v2 --bucket reports-bucket --prefix reports/ --max-items 20',
    );
    expect(fix.policyPatch?.['addStatement']).toMatchObject({
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::reports-bucket',
    });
    expect(fix.verified).toBe(true);
  });

  it('names what still denies when the fix is not enough on its own', () => {
    const fix = fixOf(
      "CleanupRole's inline NoDeletes statement stops DeleteObject",
      'identity-policy-explicit-deny',
    );
    expect(fix.verified).toBe(true);
    expect(fix.stillDeniedBy).toEqual(['bucket-policy (explicit deny)']);
    expect(fix.policyPatch?.['replaceStatement']).toMatchObject({
      Sid: 'NoDeletes',
      Action: 's3:DeleteObjectVersion',
    });
  });

  it('passes a session policy that also allows the write', () => {
    const fix = fixOf("SessionRole's session policy only allows reads", 'session-policy');
    expect(fix.commands[0]).toMatch(
      /^aws sts assume-role --role-arn arn:aws:iam::111122223333:role\/SessionRole /,
    );
    expect(fix.verified).toBe(true);
  });

  it('extends the permissions boundary with a new policy version', () => {
    const fix = fixOf("BoundedRole's read-only boundary blocks PutObject", 'permissions-boundary');
    expect(fix.commands.join('\n')).toMatch(
      /create-policy-version --policy-arn arn:aws:iam::111122223333:policy\/S3ReadOnlyBoundary/,
    );
    expect(fix.verified).toBe(true);
  });
});
