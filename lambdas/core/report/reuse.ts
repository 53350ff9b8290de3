/**
 * Reusing one analysis for identical denials (a spike of the same request repeated): a log with 600 copies
 * of one denied request costs one analysis, not 600. Two requests share an analysis only when everything the
 * analysis reads is the same, which this signature captures: the whole CloudTrail record minus the fields
 * that only identify one occurrence (event id, request ids, event time). Time is the one thing left out that
 * an analysis can read, so reuse is refused when it could matter:
 * - a presigned request (its expiry is judged against the event time): no signature;
 * - facts whose policies mention a time key (aws:CurrentTime, aws:EpochTime, aws:MultiFactorAuthAge):
 *   `factsUseTime` tells the caller not to reuse.
 * The reused finding takes the occurrence's own event id, time and request fields; what changed (which
 * depends on the time) is attached per occurrence by the caller.
 */
import { toFindingRequest } from '../analyze';
import { field, isObject } from '../event/fields';
import type { AccessRequest, Finding, RequestFacts } from '../model';
import { scanDocument } from '../policy/document-scan';

/** Fields of a record that differ between occurrences of the same request and that no analysis reads. */
const OCCURRENCE_FIELDS = new Set(['eventID', 'eventTime', 'requestID', 'sharedEventID']);
const OCCURRENCE_EXTRA = new Set(['x-amz-id-2', 'bytesTransferredIn', 'bytesTransferredOut']);
const TIME_CONTEXT = new Set(['aws:currenttime', 'aws:epochtime']);

function presigned(raw: Readonly<Record<string, unknown>>): boolean {
  const params = raw['requestParameters'];
  return (
    field(raw['additionalEventData'], 'AuthenticationMethod') === 'QueryString' ||
    field(params, 'X-Amz-Date') !== undefined ||
    field(params, 'X-Amz-Expires') !== undefined ||
    field(params, 'Expires') !== undefined
  );
}

/** The analysis signature of a request, or null when its analysis must not be reused. */
export function analysisSignature(request: AccessRequest): string | null {
  const raw = request.raw;
  if (presigned(raw)) return null;
  const record: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (OCCURRENCE_FIELDS.has(k)) continue;
    if (k === 'additionalEventData' && isObject(v)) {
      record[k] = Object.fromEntries(Object.entries(v).filter(([x]) => !OCCURRENCE_EXTRA.has(x)));
    } else record[k] = v;
  }
  const context = Object.entries(request.context.values).filter(([k]) => !TIME_CONTEXT.has(k.toLowerCase()));
  return JSON.stringify([record, context, request.context.absent, request.context.otherKeys]);
}

/**
 * Whether a policy document anywhere in `value` names a time key. A decision reads the time only through a policy
 * (a condition or a policy variable), and every policy in the facts is a NamedPolicy's `document`.
 */
function mentionsTime(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(mentionsTime);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'document' ? scanDocument(v).namesTime : mentionsTime(v)) return true;
  }
  return false;
}

/** Whether a policy in the facts reads the time of the request (then an analysis is never reused). */
export function factsUseTime(facts: RequestFacts): boolean {
  return mentionsTime(facts);
}

/** The finding of an identical earlier request, as the finding of this occurrence. */
export function reuseFinding(finding: Finding, request: AccessRequest): Finding {
  return {
    ...finding,
    eventId: request.eventId,
    eventTime: request.eventTime,
    region: request.region,
    request: toFindingRequest(request),
  };
}
