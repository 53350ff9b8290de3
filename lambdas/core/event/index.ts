/**
 * The CloudTrail input reader: bytes -> records -> denials -> AccessRequests.
 */
import type { AccessRequest } from '../model';
import { isDenial } from './denial';
import { readRecords } from './read';
import { toAccessRequest } from './request';

export { InputError } from './errors';
export { readRecords } from './read';
export { isDenial, madeOnBehalfOfS3, S3_DENIAL_CODES, KMS_DENIAL_CODES, S3_EVENT_SOURCES } from './denial';
export { needResources, toAccessRequest } from './request';
export { toPrincipal } from './principal';
export { parseEnhancedMessage } from './enhanced-message';
export { recordEvidence, errorCodeEvidence, enhancedMessageCauses, ERROR_CODES } from './evidence';

/** Every denial in `data`, in input order, as an AccessRequest. Throws InputError for unusable input. */
export function readDenials(data: Uint8Array | string, source: string): AccessRequest[] {
  return readRecords(data, source).filter(isDenial).map(toAccessRequest);
}
