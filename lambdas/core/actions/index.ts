export { resolveNeeds } from './needs';
export { parseCopySource, type CopySource } from './copy-source';
export { S3_OPERATIONS, KMS_OPERATIONS } from './table';
export type { AccessPointRef, OperationInput, OperationNeeds, OperationSpec, Scope } from './types';
