/**
 * Request-side advice: when a Deny matched because of a condition on how the request was made
 * (network, TLS, encryption headers, MFA), the right fix is usually to change the request, not the policy.
 */
import type { StatementTrace } from '../policy/types';

const ADVICE: readonly [RegExp, string][] = [
  [/^aws:securetransport$/i, 'send the request over HTTPS'],
  [/^s3:tlsversion$/i, 'use a newer TLS version'],
  [/^aws:sourceip$/i, 'send the request from a network address the statement allows'],
  [
    /^aws:(sourcevpce|sourcevpc|vpcsourceip)$/i,
    'send the request through the VPC endpoint or VPC the statement names',
  ],
  [
    /^aws:(vpceaccount|vpceorgid|vpceorgpaths)$/i,
    'send the request through a VPC endpoint owned by an account the statement allows',
  ],
  [
    /^aws:principalorgid$|^aws:principalorgpaths$/i,
    'call as a principal of the organization the statement allows',
  ],
  [/^aws:resourceorgid$|^aws:resourceorgpaths$/i, 'use a bucket of the organization the statement allows'],
  [/^s3:x-amz-server-side-encryption/i, 'send the server-side encryption headers the statement requires'],
  [/^s3:x-amz-acl$|^s3:x-amz-grant/i, 'send the ACL header the statement requires (or none)'],
  [/^aws:multifactorauth/i, 'authenticate with MFA'],
  // set once, when the role is assumed, and kept by chained sessions (id_credentials_temp_control-access_monitor.html)
  [
    /^aws:sourceidentity$/i,
    'assume the role with the source identity the statement requires (aws sts assume-role --source-identity …)',
  ],
  [/^aws:requestedregion$/i, 'call the Region the statement allows'],
  [
    /^(aws:principaltag|aws:requesttag|s3:existingobjecttag|s3:requestobjecttag|aws:resourcetag)\//i,
    'set the tag the statement requires',
  ],
  [
    /^s3:signatureage$|^s3:authtype$|^s3:signatureversion$/i,
    'sign the request the way the statement requires',
  ],
];

/**
 * The advice for the conditions that made a Deny statement match, one line, or null. An aws:SourceIp the request did
 * not carry (it came through a VPC endpoint, where the key is absent) comes last: no address can satisfy it there, so
 * another condition's advice (e.g. the endpoint the statement names) is the useful one.
 */
export function requestSideAdvice(statement: StatementTrace): string | null {
  const matched = statement.conditions.filter((c) => c.result === true);
  const noAddress = (c: (typeof matched)[number]): boolean =>
    c.requestValues === null && c.key.toLowerCase() === 'aws:sourceip';
  for (const c of matched.filter((x) => !noAddress(x)))
    for (const [re, text] of ADVICE) if (re.test(c.key)) return `${text} (${c.detail})`;
  const absent = matched.find(noAddress);
  return absent
    ? `send the request from an address the statement allows, not through a VPC endpoint: a request through one carries no aws:SourceIp (${absent.detail})`
    : null;
}
