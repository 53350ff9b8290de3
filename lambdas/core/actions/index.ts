export { resolveNeeds } from './needs';
export { parseCopySource, type CopySource } from './copy-source';
export { S3_OPERATIONS, KMS_OPERATIONS } from './table';
export type { AccessPointRef, OperationInput, OperationNeeds, OperationSpec, Scope } from './types';
export {
  frontDoorCheck,
  frontDoorOf,
  DIRECTORY_BUCKET_EVENT_SOURCE,
  OBJECT_LAMBDA_EVENT_SOURCE,
  READ_ONLY_SESSION_CALLS,
  type FrontDoor,
} from './front-doors';
