/**
 * The IAM policy engine: policy level (parsePolicy, evaluatePolicy) and request level (authorize for S3,
 * authorizeKms for the KMS call S3 makes), plus the S3 Block Public Access helpers.
 */
export * from './types';
export { parsePolicy } from './parse';
export { evaluatePolicy } from './evaluate-policy';
export { authorize } from './authorize';
export { authorizeKms } from './kms';
export { isPublicPolicy } from './s3/public-policy';
export { isPublicAcl } from './s3/public-acl';
export { effectivePublicAccessBlock, REQUEST_POLICY_KEY } from './s3/bpa';
