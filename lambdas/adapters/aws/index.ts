/**
 * The live account view (issue 5) and organization-wide reads (issue 8): AWS SDK v3, cached, concurrent.
 */
export {
  AwsAccountView,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_CACHE_MAX_ENTRIES,
  bucketTargets,
  type AwsAccountViewOptions,
} from './view';
export { defaultClients, type AwsClients, type ClientFactory, type TemporaryCredentials } from './clients';
export { checkCredentials, NO_CREDENTIALS_MESSAGE, CREDENTIALS_TIMEOUT_MS } from './credentials';
export { captureSnapshot, type CaptureOptions } from './snapshot';
export { crossCheckWithSimulator, type SimulatorDecision, type SimulatorVerdict } from './simulator';
export {
  AUDITOR_READ_PERMISSIONS,
  LAMBDA_READ_PERMISSIONS,
  OBJECT_METADATA_PERMISSIONS,
  SNAPSHOT_ONLY_PERMISSIONS,
  PERMISSION,
} from './permissions';
