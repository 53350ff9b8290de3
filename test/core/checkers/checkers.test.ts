/** Checker behaviours that the scenario files do not show on their own. */
import { analyze } from '../../../lambdas/core/analyze';
import { identityPolicyCommands } from '../../../lambdas/core/fix/commands';
import { known, unknown, type BucketFacts, type RequestFacts } from '../../../lambdas/core/model';
import { explain, scenarioEvent } from './helpers';

function withBucket(
  facts: RequestFacts,
  name: string,
  change: (b: BucketFacts) => BucketFacts,
): RequestFacts {
  const b = facts.buckets[name];
  if (b?.status !== 'known') throw new Error(`bucket ${name} not known`);
  return { ...facts, buckets: { ...facts.buckets, [name]: known(change(b.value)) } };
}

describe('unknown checks', () => {
  it('name the missing fact and the permission the auditor lacks', () => {
    const { request, facts } = explain(
      scenarioEvent('AppRole reads a report from outside the office network'),
    );
    const denied = withBucket(facts, 'reports-bucket', (b) => ({
      ...b,
      policy: unknown('accessDenied', 'AccessDenied on GetBucketPolicy', 's3:GetBucketPolicy'),
    }));
    const finding = analyze(request, denied);
    const check = finding.checks.find((c) => c.layer === 'bucket-policy-explicit-deny');
    expect(check?.status).toBe('unknown');
    expect(check?.missing?.join(' ')).toContain('s3:GetBucketPolicy');
    // the message still names the layer: a likely cause, not a confirmed one
    expect(finding.rootCauses[0]).toMatchObject({ id: 'bucket-policy-explicit-deny', confidence: 'likely' });
    expect(finding.verdict).toBe('partially-explained');
  });
});

describe('confidence of implicit denials', () => {
  it('is only likely when a resource-side grant could not be ruled out (bucket policy unreadable, same account)', () => {
    const { request, facts } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'));
    const unreadable = withBucket(facts, 'reports-bucket', (b) => ({
      ...b,
      policy: unknown('notCollected', 'no policy in the snapshot'),
    }));
    const finding = analyze(request, unreadable);
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'likely' });
    expect(finding.verdict).toBe('partially-explained');
  });

  it('stays confirmed for a guardrail whatever else is unknown (each SCP level must allow)', () => {
    const { request, facts } = explain(scenarioEvent("partner account's allow-list SCP has no s3:PutObject"));
    const unreadable = withBucket(facts, 'analytics-bucket', (b) => ({
      ...b,
      policy: unknown('notCollected', 'no policy in the snapshot'),
    }));
    expect(analyze(request, unreadable).rootCauses[0]).toMatchObject({
      id: 'scp-deny',
      confidence: 'confirmed',
    });
  });
});

describe('kms-key-access with the AWS managed key aws/s3', () => {
  const sseKmsDefault = (facts: RequestFacts, bucket: string, key: string): RequestFacts =>
    withBucket(facts, bucket, (b) => {
      const obj = b.objects[key];
      if (obj?.status !== 'known') throw new Error('object not known');
      return {
        ...b,
        encryption: known({ algorithm: 'aws:kms', kmsKeyId: null, bucketKeyEnabled: false }),
        objects: {
          ...b.objects,
          [key]: known({ ...obj.value, sseAlgorithm: 'aws:kms', kmsKeyId: undefined }),
        },
      };
    });

  it('passes a caller of the bucket account (the aws/s3 key policy allows the account through S3)', () => {
    const { request, facts } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'));
    const finding = analyze(request, sseKmsDefault(facts, 'reports-bucket', 'reports/q3.csv'));
    expect(finding.checks.find((c) => c.layer === 'kms-key-access')?.status).toBe('pass');
  });

  it('denies a caller of another account, and proposes a customer managed key', () => {
    const { request, facts } = explain(scenarioEvent('PartnerReader reads outside the shared/ prefix'));
    const finding = analyze(request, sseKmsDefault(facts, 'reports-bucket', 'private/payroll.csv'));
    const cause = finding.rootCauses.find((c) => c.id === 'kms-key-access');
    expect(cause?.confidence).toBe('confirmed');
    expect(cause?.fix.commands[0]).toMatch(/^aws s3api put-bucket-encryption --bucket reports-bucket /);
  });
});

describe('access-point-policy network origin', () => {
  it('lets a VPC-only access point be reached through an endpoint of its VPC', () => {
    const event = scenarioEvent('vpc-ap only accepts requests from its VPC');
    event['vpcEndpointId'] = 'vpce-0fullaccess000002';
    event['sourceIPAddress'] = '10.0.12.34';
    const { finding } = explain(event);
    expect(finding.checks.find((c) => c.layer === 'access-point-policy')?.status).not.toBe('deny');
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('access-point-policy');
  });
});

describe('identity policy commands', () => {
  it.each([
    [
      { name: 'developers/read', source: 'group-inline' as const },
      'aws iam put-group-policy --group-name developers --policy-name read --policy-document file://policy.json',
    ],
    [
      null,
      'aws iam put-user-policy --user-name alice --policy-name s3-403-fix --policy-document file://policy.json',
    ],
  ])('writes %j with the right IAM call', (policy, command) => {
    const named = policy ? { ...policy, document: {} } : null;
    expect(identityPolicyCommands('arn:aws:iam::111122223333:user/alice', named)).toEqual([command]);
  });
});
