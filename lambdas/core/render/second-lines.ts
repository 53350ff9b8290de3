/**
 * Lines every renderer shows the same way: what changed (issue 9), AWS's simulator verdict (issue 5), and what the
 * record itself says (issue 13).
 */
import type { Finding, RootCause } from '../model';
import { safeText } from './safe';

const LAYER_WORD: Partial<Record<RootCause['id'], string>> = {
  'bucket-policy-explicit-deny': 'the bucket policy',
  'cross-account-no-bucket-grant': 'the bucket policy or ACL',
  'block-public-access': 'Block Public Access or the bucket policy',
  'identity-policy-explicit-deny': "the caller's identity policies",
  'identity-policy-no-allow': "the caller's identity policies",
  'resource-arn-mismatch': "the caller's identity policies",
  'missing-object-no-list': "the caller's identity policies or the bucket policy",
  'permissions-boundary': 'the permissions boundary',
  'vpc-endpoint-policy': 'the VPC endpoint policy',
  'kms-key-access': 'the KMS key or the bucket encryption',
  'object-ownership-acl': 'Object Ownership or the ACLs',
  'scp-deny': 'the SCPs',
  'rcp-deny': 'the RCPs',
  'access-point-policy': 'the access point policy',
};

/**
 * "started after bob ran PutBucketPolicy on b at t" when a change was found; when the history was searched and
 * nothing was found, says so; when it could not be searched, says why. null for causes no change can explain.
 */
export function changeLine(finding: Finding, cause: RootCause): string | null {
  if (cause.change) return `What changed: ${safeText(cause.change.summary)}`;
  // changes were found, but none added or altered what denies: say so, not "no change was found"
  if (cause.changeNote) return `What changed: ${safeText(cause.changeNote)}`;
  const layer = LAYER_WORD[cause.id];
  const lookup = finding.changeLookup;
  if (!layer || !lookup) return null;
  if (lookup.status === 'checked')
    return `What changed: no change to ${layer} was found in the ${lookup.windowDays} days before the denial.`;
  return `What changed: not checked (${safeText(lookup.detail ?? 'change history unavailable')}).`;
}

export function simulatorLine(finding: Finding): string | null {
  return finding.awsSimulator ? `AWS simulator: ${safeText(finding.awsSimulator.note)}` : null;
}

/**
 * What the record itself says, in one line, when it matters: a decisive error code (it names the cause, or says that
 * no access-control layer refused the request), or a fact inferred from what the record lacks (plain HTTP). null
 * otherwise.
 */
export function recordLine(finding: Finding): string | null {
  const ev = finding.recordEvidence;
  if (!ev) return null;
  if (ev.errorCode.decisive) return `${safeText(ev.errorCode.code)}: ${safeText(ev.errorCode.meaning)}`;
  const transport = ev.items.find((i) => i.kind === 'transport' && i.confidence === 'likely');
  if (transport) {
    const version = /eventVersion (\d+\.\d+)/.exec(transport.detail)?.[1];
    return `likely plain HTTP (no TLS details in a${version ? ` ${version}` : 'n eventVersion 1.08 or later'} record): a Deny on aws:SecureTransport "false" would apply`;
  }
  return null;
}

/** The finding is explained by the record alone and names no cause (AllAccessDisabled, AccountProblem, InvalidObjectState). */
export function explainedWithoutCause(finding: Finding): string | null {
  const code = finding.recordEvidence?.errorCode;
  if (finding.rootCauses.length > 0 || finding.verdict !== 'explained' || !code?.decisive) return null;
  return `Not an access-control denial: ${safeText(code.code)}: ${safeText(code.meaning)}.`;
}
