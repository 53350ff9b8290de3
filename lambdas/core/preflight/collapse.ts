/**
 * When two recorded requests are the same request (issue 18 item 2): the collapse key.
 *
 * Two requests collapse when everything the engine can read of them is the same: the operation and its
 * (action, resource) needs, the caller (type, ARNs, account, unique id, session), the network path (source IP,
 * VPC endpoint, access point, TLS), the SSE / KMS headers, the policy a Put*Policy call carries, and every
 * condition-context value the record gives (including which keys are known to be absent or only inferred),
 * except the ones that change with every occurrence: aws:CurrentTime, aws:EpochTime and s3:signatureAge (all
 * three computed from the event time). Event id, request id, event time, byte counts and the user agent are
 * not read by any policy (aws:UserAgent is left unknown by the reader), so they never split a request.
 * Requests that differ in a value a policy could read (two source IPs, two sessions of one role, two object
 * keys) stay distinct: the key does not depend on the policies, so it is right for every proposed change.
 *
 * Where a policy does read the time (a condition on aws:CurrentTime, aws:EpochTime, s3:signatureAge or
 * aws:MultiFactorAuthAge), the occurrences of one distinct request are decided at the time of the first of
 * them; the result says so (`timeDependent`).
 */
import { createHash } from 'node:crypto';
import type { AccessRequest, RequestFacts } from '../model';
import { requestedPolicy } from '../fix/context';

/** Context keys computed from the event time: they differ between occurrences of one request. */
export const VOLATILE_KEYS: ReadonlySet<string> = new Set([
  'aws:currenttime',
  'aws:epochtime',
  's3:signatureage',
]);

const sortedEntries = <T>(o: Readonly<Record<string, T>> | undefined): [string, T][] =>
  Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The collapse key of a request (a digest: the key text can be long). */
export function collapseKey(r: AccessRequest): string {
  const p = r.principal;
  const c = r.context;
  const parts = [
    r.eventSource,
    r.eventName,
    r.mapped,
    r.needs,
    r.bucket,
    r.key,
    r.versionId,
    r.bucketAccountId,
    [
      p.type,
      p.arn,
      p.identityArn,
      p.accountId,
      p.sessionName,
      p.principalId,
      // only the kind of key is read (AKIA long-term, ASIA temporary), never the key itself
      p.accessKeyId?.slice(0, 4) ?? null,
      p.invokedBy,
      p.userName,
      p.mfaAuthenticated,
      p.federatedProvider,
    ],
    r.sourceIp,
    r.vpcEndpointId,
    r.vpcEndpointAccountId,
    r.accessPointArn,
    r.secureTransport,
    r.tlsVersion,
    r.kms,
    r.sse,
    requestedPolicy(r),
    sortedEntries(c.values).filter(([k]) => !VOLATILE_KEYS.has(k.toLowerCase())),
    [...c.absent].sort(),
    c.otherKeys,
    c.unknown ? [...c.unknown].sort() : null,
    sortedEntries(c.inferred)
      .filter(([k]) => !VOLATILE_KEYS.has(k.toLowerCase()))
      .map(([k, v]) => [k, v.value]),
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/**
 * Record fields that identify one occurrence and nothing else (the same as lambdas/core/report/reuse.ts drops),
 * as they stand in a CloudTrail record's JSON text: event and request ids, the event time, the byte counts and
 * S3's extended request id. Values are strings without quotes or numbers, so a match never crosses a value.
 */
const OCCURRENCE_FIELD =
  /"(?:eventID|requestID|sharedEventID|x-amz-id-2)"\s*:\s*"[^"\\]*"|"bytesTransferred(?:In|Out)"\s*:\s*-?[\d.eE+]+|"eventTime"\s*:\s*"([^"\\]*)"/g;

/**
 * The text of a record without its occurrence fields, and its event time: two records whose texts are equal
 * this way are occurrences of one request (the replay then skips parsing the second). A user string holding
 * `"eventID":"…"` is written with escaped quotes in JSON and never matches.
 */
export function occurrenceFree(text: string): { text: string; eventTime: string | null } {
  let eventTime: string | null = null;
  const stripped = text.replace(OCCURRENCE_FIELD, (_m, time: string | undefined) => {
    if (time !== undefined && eventTime === null) eventTime = time;
    return '';
  });
  return { text: stripped, eventTime };
}

/** Condition keys derived from the request time (the decision of a distinct request then depends on which occurrence). */
const TIME_KEY = /aws:currenttime|aws:epochtime|aws:multifactorauthage|s3:signatureage/i;
const timeCache = new WeakMap<object, boolean>();

function documentUsesTime(document: unknown): boolean {
  if (typeof document === 'string') return TIME_KEY.test(document);
  if (document === null || typeof document !== 'object') return false;
  let v = timeCache.get(document);
  if (v === undefined) {
    v = TIME_KEY.test(JSON.stringify(document));
    timeCache.set(document, v);
  }
  return v;
}

/** Whether any policy in the facts has a condition on a time key. */
export function policiesUseTime(facts: RequestFacts): boolean {
  const docs: unknown[] = [];
  const f = facts;
  if (f.principal?.status === 'known') {
    for (const p of f.principal.value.identityPolicies) docs.push(p.document);
    if (f.principal.value.permissionsBoundary) docs.push(f.principal.value.permissionsBoundary.document);
  }
  if (f.sessionPolicy?.status === 'known' && f.sessionPolicy.value) docs.push(f.sessionPolicy.value.document);
  for (const b of Object.values(f.buckets))
    if (b.status === 'known' && b.value.policy.status === 'known' && b.value.policy.value)
      docs.push(b.value.policy.value.document);
  for (const levels of [f.scpLevels, f.rcpLevels])
    if (levels.status === 'known' && levels.value)
      for (const l of levels.value) for (const p of l.policies) docs.push(p.document);
  if (f.vpcEndpoint?.status === 'known' && f.vpcEndpoint.value.policy)
    docs.push(f.vpcEndpoint.value.policy.document);
  if (f.accessPoint?.status === 'known' && f.accessPoint.value.policy.status === 'known')
    docs.push(f.accessPoint.value.policy.value?.document);
  for (const k of Object.values(f.kmsKeys))
    if (k.status === 'known' && k.value.keyPolicy.status === 'known')
      docs.push(k.value.keyPolicy.value.document);
  return docs.some(documentUsesTime);
}
