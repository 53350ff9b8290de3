/** Findings and CloudTrail events shared by the delivery, handler and renderer tests. */
import type { Finding, RecordEvidence, RootCause } from '../../lambdas/core/model';

export const bucketPolicyDeny: RootCause = {
  id: 'bucket-policy-explicit-deny',
  confidence: 'confirmed',
  title: 'The bucket policy denies requests from outside the office network',
  explanation: 'Statement DenyNonOfficeIPs denies s3:* when aws:SourceIp is not in 203.0.113.0/24.',
  evidence: [
    {
      layer: 'bucket-policy',
      statement: 'DenyNonOfficeIPs',
      policy: 'corp-data bucket policy',
      detail: 'aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24',
    },
  ],
  fix: {
    summary: 'Call from the office network, or add 198.51.100.0/24 to the allowed ranges.',
    commands: ['aws s3api put-bucket-policy --bucket corp-data --policy file://policy.json'],
    verified: true,
  },
  change: {
    eventId: 'chg-1',
    eventName: 'PutBucketPolicy',
    eventTime: '2026-11-27T10:00:00Z',
    principal: 'arn:aws:iam::111122223333:user/bob',
    summary: 'added DenyNonOfficeIPs',
  },
};

export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    eventId: 'ev-0001',
    eventTime: '2026-11-28T01:02:03Z',
    region: 'us-east-1',
    request: {
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::corp-data/reports/q3.csv'],
      bucket: 'corp-data',
      key: 'reports/q3.csv',
      bucketAccountId: '111122223333',
      crossAccount: false,
      principal: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/AppRole/s1',
        identityArn: 'arn:aws:iam::111122223333:role/AppRole',
        accountId: '111122223333',
        sessionName: 's1',
        principalId: 'AROAEXAMPLE:s1',
      },
      sourceIp: '198.51.100.7',
      vpcEndpointId: null,
      accessPointArn: null,
      secureTransport: true,
      errorCode: 'AccessDenied',
      errorMessage: 'Access Denied',
      mapped: true,
    },
    verdict: 'explained',
    rootCauses: [bucketPolicyDeny],
    checks: [
      { layer: 'bucket-policy-explicit-deny', status: 'deny' },
      { layer: 'identity-policy-no-allow', status: 'pass' },
      { layer: 'scp-deny', status: 'unknown', missing: ['organizations:ListPoliciesForTarget'] },
      { layer: 'kms-key-access', status: 'not-applicable' },
    ],
    awsMessage: { kind: 'generic', policyType: null, policyArn: null, agreesWithEvaluation: null },
    ...overrides,
  };
}

/** What the record says of a denial that is not an access-control one: AllAccessDisabled (decisive, no cause). */
export function allAccessDisabled(
  meaning = 'all access to this Amazon S3 resource has been disabled by AWS (403)',
): RecordEvidence {
  return {
    errorCode: {
      code: 'AllAccessDisabled',
      layer: 'account-or-resource-suspended',
      decisive: true,
      pointsAt: [],
      meaning,
      url: 'u',
    },
    items: [],
  };
}
