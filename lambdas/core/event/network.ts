/**
 * How the request reached S3: source IP, VPC endpoint, TLS, signature and authentication method.
 * Field meanings: https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-understanding-s3-entries.html
 */
import { asObject, text, textField, type JsonObject } from './fields';

export interface Network {
  /** The caller's IP; null when CloudTrail records a service name ("AWS Internal", "s3.amazonaws.com"). */
  readonly sourceIp: string | null;
  readonly vpcEndpointId: string | null;
  readonly vpcEndpointAccountId: string | null;
  /** true over TLS, false over plain HTTP, null when the record does not say. */
  readonly secureTransport: boolean | null;
  /** tlsDetails.tlsVersion as recorded, e.g. "TLSv1.3". */
  readonly tlsVersion: string | null;
  readonly signatureVersion: string | null; // SigV4 | SigV2
  readonly authenticationMethod: string | null; // AuthHeader | QueryString | …
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}(%\S+)?$|^[0-9a-f:]+:(\d{1,3}\.){3}\d{1,3}$/i;

export const isIpAddress = (s: string): boolean => IPV4.test(s) || IPV6.test(s);

export function readNetwork(record: JsonObject): Network {
  const extra = asObject(record['additionalEventData']);
  const tls = asObject(record['tlsDetails']);
  const source = text(record['sourceIPAddress']);
  const tlsVersion = textField(tls, 'tlsVersion');
  const cipher = textField(extra, 'CipherSuite') ?? textField(tls, 'cipherSuite');
  const signatureVersion = textField(extra, 'SignatureVersion');
  const authenticationMethod = textField(extra, 'AuthenticationMethod');
  return {
    sourceIp: source !== null && isIpAddress(source.trim()) ? source.trim() : null,
    vpcEndpointId: text(record['vpcEndpointId']) ?? textField(extra, 'vpcEndpointId'),
    vpcEndpointAccountId: text(record['vpcEndpointAccountId']),
    secureTransport: secureTransportOf(tlsVersion, cipher),
    tlsVersion,
    signatureVersion,
    authenticationMethod,
  };
}

/**
 * TLS evidence (tlsDetails, or the CipherSuite S3 records for HTTPS requests) means true. Its absence is not
 * taken as plain HTTP: published records omit these fields for other reasons (older formats, hand-made
 * examples), so without evidence the answer stays unknown (null).
 */
function secureTransportOf(tlsVersion: string | null, cipher: string | null): boolean | null {
  return tlsVersion !== null || cipher !== null ? true : null;
}
