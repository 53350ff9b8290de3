/**
 * How the request reached S3: source IP, VPC endpoint, TLS, signature and authentication method.
 * Field meanings: https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-understanding-s3-entries.html
 */
import { asObject, isObject, text, textField, type JsonObject } from './fields';

export interface Network {
  /** The caller's IP; null when CloudTrail records a service name ("AWS Internal", "s3.amazonaws.com"). */
  readonly sourceIp: string | null;
  readonly vpcEndpointId: string | null;
  readonly vpcEndpointAccountId: string | null;
  /** true over TLS (the record says so), null when the record does not say. Never false: see plainHttp. */
  readonly secureTransport: boolean | null;
  /**
   * Set when the record's silence about TLS is itself evidence of plain HTTP (a likely fact, not a certain one):
   * see `plainHttpInference`. null otherwise.
   */
  readonly plainHttp: PlainHttpInference | null;
  /** tlsDetails.tlsVersion as recorded, e.g. "TLSv1.3". */
  readonly tlsVersion: string | null;
  readonly signatureVersion: string | null; // SigV4 | SigV2
  readonly authenticationMethod: string | null; // AuthHeader | QueryString | …
}

export interface PlainHttpInference {
  readonly reason: string;
  /** The record fields whose absence (or value) the inference rests on. */
  readonly from: readonly string[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}(%\S+)?$|^[0-9a-f:]+:(\d{1,3}\.){3}\d{1,3}$/i;

export const isIpAddress = (s: string): boolean => IPV4.test(s) || IPV6.test(s);

export function readNetwork(record: JsonObject): Network {
  const extra = asObject(record['additionalEventData']);
  const tls = asObject(record['tlsDetails']);
  const source = text(record['sourceIPAddress']);
  const sourceIp = source !== null && isIpAddress(source.trim()) ? source.trim() : null;
  const tlsVersion = textField(tls, 'tlsVersion');
  const cipher = textField(extra, 'CipherSuite') ?? textField(tls, 'cipherSuite');
  const signatureVersion = textField(extra, 'SignatureVersion');
  const authenticationMethod = textField(extra, 'AuthenticationMethod');
  const secureTransport = tlsVersion !== null || cipher !== null ? true : null;
  return {
    sourceIp,
    vpcEndpointId: text(record['vpcEndpointId']) ?? textField(extra, 'vpcEndpointId'),
    vpcEndpointAccountId: text(record['vpcEndpointAccountId']),
    secureTransport,
    plainHttp: secureTransport === null ? plainHttpInference(record, sourceIp) : null,
    tlsVersion,
    signatureVersion,
    authenticationMethod,
  };
}

/** CloudTrail added `tlsDetails` to the record format in eventVersion 1.08 ("Since: 1.08", optional field). */
export const TLS_DETAILS_SINCE = { major: 1, minor: 8 } as const;

/** "1.08" -> {1, 8}; anything else -> null. */
function eventVersion(v: unknown): { major: number; minor: number } | null {
  const m = /^(\d+)\.(\d+)$/.exec(text(v)?.trim() ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/**
 * TLS evidence (tlsDetails, or the CipherSuite S3 records for HTTPS requests in additionalEventData) means
 * aws:SecureTransport true. Its absence is read as *likely* plain HTTP only where it is informative, so the
 * rule is deliberately narrow (every condition below excludes a case where records lack TLS details for another
 * reason):
 *  - an S3 API call record (eventSource s3.amazonaws.com, eventType AwsApiCall): network-activity events
 *    (AwsVpceEvent, VpceAccessDenied) and service events carry no TLS details at all; Outposts and directory
 *    buckets are left out (no evidence either way);
 *  - eventVersion 1.08 or later with the same major version: older formats have no tlsDetails field
 *    (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html);
 *  - made by a caller that connected itself: not an AWS service principal (userIdentity.type AWSService), not a
 *    call made on the caller's behalf (userIdentity.invokedBy, e.g. "AWS Internal" for S3-to-S3 calls), and a
 *    real IP address in sourceIPAddress (not a service name). A CloudFront origin fetch (OAI / public origin)
 *    is CloudFront's own connection: plain HTTP there is CloudFront's origin protocol, still a true reading;
 *  - S3's own request details are present (additionalEventData, where S3 writes CipherSuite for HTTPS): a record
 *    without them is hand-written or trimmed, and its silence proves nothing;
 *  - neither tlsDetails (not even partially: CloudTrail logs partial TLS details) nor any CipherSuite.
 */
export function plainHttpInference(record: JsonObject, sourceIp: string | null): PlainHttpInference | null {
  if (text(record['eventSource']) !== 's3.amazonaws.com') return null;
  if (text(record['eventType']) !== 'AwsApiCall') return null;
  const version = eventVersion(record['eventVersion']);
  if (
    version === null ||
    version.major !== TLS_DETAILS_SINCE.major ||
    version.minor < TLS_DETAILS_SINCE.minor
  )
    return null;
  const identity = asObject(record['userIdentity']);
  if (textField(identity, 'type') === 'AWSService' || textField(identity, 'invokedBy') !== null) return null;
  if (sourceIp === null) return null;
  if (!isObject(record['additionalEventData'])) return null;
  if (record['tlsDetails'] !== undefined && record['tlsDetails'] !== null) return null;
  const raw = text(record['eventVersion']);
  return {
    reason: `the record (eventVersion ${raw}) of a call from ${sourceIp} has no tlsDetails and no CipherSuite, which S3 records for HTTPS requests: the request most likely came over plain HTTP`,
    from: [
      'eventVersion',
      'tlsDetails',
      'additionalEventData.CipherSuite',
      'userIdentity',
      'sourceIPAddress',
    ],
  };
}
