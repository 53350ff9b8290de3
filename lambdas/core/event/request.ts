/**
 * CloudTrail record -> AccessRequest: the denied request, reconstructed. Never throws, whatever the object.
 */
import { resolveNeeds } from '../actions';
import type { AccessRequest, Principal } from '../model';
import { buildContext } from './context';
import { KMS_EVENT_SOURCE, s3EncryptionContextArn } from './denial';
import { parseEnhancedMessage } from './enhanced-message';
import { recordEvidence } from './evidence';
import { asArray, asObject, isObject, str, text, textField, unique, type JsonObject } from './fields';
import { readNetwork } from './network';
import { toPrincipal } from './principal';
import { bucketAccountOf, bucketOwnerRedacted, controlAccountOf, kmsKeyArnOf, locate } from './resources';

/**
 * The resources of a request's needs, each once, in order: each need's bucket resource (through an access point,
 * the bucket or object ARN behind it) then its resource. A loop: flatMap and a Set cost more per request.
 */
export function needResources(needs: AccessRequest['needs']): string[] {
  const out: string[] = [];
  for (const n of needs) {
    if (n.bucketResource && !out.includes(n.bucketResource)) out.push(n.bucketResource);
    if (!out.includes(n.resource)) out.push(n.resource);
  }
  return out;
}

export function toAccessRequest(record: Record<string, unknown>): AccessRequest {
  const r: JsonObject = isObject(record) ? record : {};
  const eventSource = text(r['eventSource']) ?? '';
  const eventName = text(r['eventName']) ?? '';
  const errorCode = text(r['errorCode']) ?? '';
  const errorMessage = str(r['errorMessage']);
  const principal = toPrincipal(r['userIdentity']);
  const location = locate(r);
  const network = readNetwork(r);
  const isKms = eventSource === KMS_EVENT_SOURCE;
  const kmsKeyArn = isKms ? kmsKeyArnOf(r) : null;
  const bucketAccountId = bucketAccountOf(r, location.bucket);
  const { mapped, needs } = resolveNeeds({
    eventSource,
    eventName,
    region: text(r['awsRegion']),
    bucket: location.bucket,
    key: location.key,
    versionId: location.versionId,
    params: asObject(r['requestParameters']),
    resources: asArray(r['resources']),
    accountId: controlAccountOf(r),
    accessPoint: location.accessPoint,
    kmsKeyArn,
  });
  const enhancedMessage = parseEnhancedMessage(errorCode, errorMessage);
  const context = buildContext({ record: r, principal, network, location, bucketAccountId });
  return {
    eventId: text(r['eventID']) ?? '',
    eventTime: text(r['eventTime']) ?? '',
    region: text(r['awsRegion']) ?? '',
    eventSource,
    eventName,
    actions: unique(needs.map((n) => n.action)),
    // through an access point: the bucket (object) ARN behind it, then the access point ARN
    resources: needResources(needs),
    needs,
    mapped,
    bucket: location.bucket,
    key: location.key,
    versionId: location.versionId,
    bucketAccountId,
    // the bucket's owner removed from the caller's copy: another account, not named
    crossAccount: bucketOwnerRedacted(r, location.bucket) ? true : crossAccount(principal, bucketAccountId),
    principal,
    sourceIp: network.sourceIp,
    vpcEndpointId: network.vpcEndpointId,
    vpcEndpointAccountId: network.vpcEndpointAccountId,
    accessPointArn: location.accessPoint?.arn ?? null,
    secureTransport: network.secureTransport,
    tlsVersion: network.tlsVersion,
    userAgent: text(r['userAgent']),
    errorCode,
    errorMessage,
    enhancedMessage,
    context,
    kms: isKms ? { keyArn: kmsKeyArn, s3Arn: s3EncryptionContextArn(r) } : null,
    sse: isKms ? null : sseOf(r),
    raw: r,
    evidence: recordEvidence({
      record: r,
      eventSource,
      errorCode,
      errorMessage,
      enhancedMessage,
      principal,
      network,
      location,
      context,
    }),
  };
}

function crossAccount(principal: Principal, bucketAccountId: string | null): boolean | null {
  if (principal.accountId === null || bucketAccountId === null) return null;
  return principal.accountId !== bucketAccountId;
}

/** SSE headers of the request, when recorded. */
function sseOf(record: JsonObject): AccessRequest['sse'] {
  const params = asObject(record['requestParameters']);
  const algorithm = textField(params, 'x-amz-server-side-encryption');
  const kmsKeyId = textField(params, 'x-amz-server-side-encryption-aws-kms-key-id');
  return algorithm === null && kmsKeyId === null ? null : { algorithm, kmsKeyId };
}
