/** Test helper: a minimal AccessRequest with overridable fields (no CloudTrail record needed). */
import type { AccessRequest, ActionNeed, Principal } from '../../../lambdas/core/model';

export function principal(p: Partial<Principal>): Principal {
  return {
    type: 'AssumedRole',
    arn: null,
    identityArn: null,
    accountId: null,
    sessionName: null,
    principalId: null,
    accessKeyId: null,
    invokedBy: null,
    userName: null,
    mfaAuthenticated: null,
    federatedProvider: null,
    ...p,
  };
}

export function objectNeed(action: string, bucket: string, key: string): ActionNeed {
  return { action, resource: `arn:aws:s3:::${bucket}/${key}`, resourceType: 'object', bucket, key };
}

export function request(p: Partial<Principal>, over: Partial<AccessRequest> = {}): AccessRequest {
  const bucket = over.bucket === undefined ? 'my-bucket' : over.bucket;
  const key = over.key === undefined ? 'reports/q3.csv' : over.key;
  const needs =
    over.needs ?? (bucket !== null && key !== null ? [objectNeed('s3:GetObject', bucket, key)] : []);
  return {
    eventId: 'e-test',
    eventTime: '2026-11-20T10:00:00Z',
    region: 'us-east-1',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    actions: [...new Set(needs.map((n) => n.action))],
    resources: [...new Set(needs.map((n) => n.resource))],
    needs,
    mapped: true,
    bucket,
    key,
    versionId: null,
    bucketAccountId: '111122223333',
    crossAccount: false,
    principal: principal(p),
    sourceIp: '198.51.100.7',
    vpcEndpointId: null,
    vpcEndpointAccountId: null,
    accessPointArn: null,
    secureTransport: true,
    tlsVersion: null,
    userAgent: null,
    errorCode: 'AccessDenied',
    errorMessage: 'Access Denied',
    enhancedMessage: {
      raw: 'Access Denied',
      kind: 'generic',
      principalArn: null,
      action: null,
      resource: null,
      policyType: null,
      policyArn: null,
      transitiveThrough: null,
      bpaSetting: null,
      truncated: false,
    },
    context: { values: {}, absent: [], otherKeys: 'unknown' },
    kms: null,
    sse: null,
    raw: {},
    ...over,
  };
}

export const APP_SESSION = {
  type: 'AssumedRole' as const,
  arn: 'arn:aws:sts::111122223333:assumed-role/App/s1',
  identityArn: 'arn:aws:iam::111122223333:role/service/App',
  accountId: '111122223333',
  sessionName: 's1',
  principalId: 'AROAAPPEXAMPLE0000001:s1',
};
