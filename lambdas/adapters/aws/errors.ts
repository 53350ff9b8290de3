/**
 * Classifies an AWS SDK v3 error into what it means for a fact. The SDK has already retried throttling
 * (adaptive retry mode) when an error reaches us.
 */

export type FailureKind =
  /** The configuration does not exist: a known "none" (NoSuchBucketPolicy, …). */
  | 'absent'
  /** The thing itself does not exist (NoSuchEntity, NotFoundException, NoSuchKey, …). */
  | 'notFound'
  /** The auditor's own permissions do not allow the read. */
  | 'accessDenied'
  | 'throttled'
  /** The bucket lives in another region than the client's (PermanentRedirect, …). */
  | 'wrongRegion'
  | 'error';

export interface Failure {
  readonly kind: FailureKind;
  readonly code: string;
  readonly message: string;
  /** The IAM permission the read needs (for accessDenied). */
  readonly permission: string;
}

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

/** "This configuration is not set" codes: the read worked and the answer is "none". */
const ABSENT = new Set([
  'NoSuchBucketPolicy',
  'NoSuchPublicAccessBlockConfiguration',
  'OwnershipControlsNotFoundError',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchAccessPointPolicy',
  // Object Lock not enabled on the bucket; no retention / legal hold on the version
  'ObjectLockConfigurationNotFoundError',
  'NoSuchObjectLockConfiguration',
  // a bucket without tags (GetBucketTagging)
  'NoSuchTagSet',
  'AWSOrganizationsNotInUseException',
  'PolicyTypeNotEnabledException',
]);

const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'NotFoundException',
  'NoSuchBucket',
  'NoSuchKey',
  'NotFound',
  'NoSuchAccessPoint',
  'InvalidVpcEndpointId.NotFound',
  'AccountNotFoundException',
  'ChildNotFoundException',
  'PolicyNotFoundException',
  'TargetNotFoundException',
  'ParentNotFoundException',
]);

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'Forbidden',
  'AllAccessDisabled',
]);

const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
]);

const WRONG_REGION = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException',
  'Redirect',
]);

interface SdkErrorLike {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function codeOf(err: SdkErrorLike): string {
  for (const c of [err.name, err.Code, err.code]) {
    if (typeof c === 'string' && c !== '' && c !== 'Error' && c !== 'UnknownError') return c;
  }
  return typeof err.name === 'string' ? err.name : 'Error';
}

function kindOf(code: string, status: unknown): FailureKind {
  if (ABSENT.has(code)) return 'absent';
  if (NOT_FOUND.has(code)) return 'notFound';
  if (ACCESS_DENIED.has(code)) return 'accessDenied';
  if (THROTTLED.has(code)) return 'throttled';
  if (WRONG_REGION.has(code)) return 'wrongRegion';
  if (status === 403) return 'accessDenied';
  if (status === 404) return 'notFound';
  if (status === 429) return 'throttled';
  if (status === 301) return 'wrongRegion';
  return 'error';
}

/** What an error thrown by `client.send` means for the fact being read. */
export function classifyError(err: unknown, permission: string): Failure {
  const e: SdkErrorLike =
    typeof err === 'object' && err !== null ? (err as SdkErrorLike) : { message: String(err) };
  const code = codeOf(e);
  const rawMessage = typeof e.message === 'string' && e.message !== '' ? e.message : code;
  const message = rawMessage.split('\n')[0] ?? code;
  return { kind: kindOf(code, e.$metadata?.httpStatusCode), code, message, permission };
}

/** A failure that is stable enough to cache for the TTL (a throttled or unexpected read is retried next time). */
export const isCacheable = (f: Failure): boolean =>
  f.kind !== 'throttled' && f.kind !== 'error' && f.kind !== 'wrongRegion';
