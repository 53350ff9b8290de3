/**
 * SNS rendering of a finding: a short ASCII subject and a plain-text message readable in email.
 * Pure. The headline helpers here are shared with the Slack renderer.
 *
 * SNS Publish: "Subjects must be ASCII text that begins with a letter, number, or punctuation mark;
 * must not include line breaks or control characters; and must be less than 100 characters long."
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). Newer revisions of that page say
 * "UTF-8 text", but SNS still rewrites subjects with non-ASCII characters
 * (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-alertmanager-receiver-validation-truncation.html),
 * so the subject is kept to printable ASCII: "-" stands in for the em dash.
 */
import type { Finding, RootCause, RootCauseId } from '../model';
import { safeFinding, safeText } from './safe';
import { changeLine, explainedWithoutCause, simulatorLine } from './second-lines';

export interface RenderOptions {
  /** How many more times the same problem happened since `since` (dedup digest). */
  readonly repeatCount?: number;
  /** ISO time the counted repeats started. */
  readonly since?: string;
}

/** SNS subjects must be shorter than 100 characters. */
export const SNS_SUBJECT_MAX = 99;
/** Upper bound of the email text, far below SNS's 256 KB so the finding JSON fits beside it. */
export const SNS_MESSAGE_MAX = 64 * 1024;

const CAUSE_LABELS: Record<RootCauseId, string> = {
  'block-public-access': 'Block Public Access',
  'bucket-policy-explicit-deny': 'bucket policy Deny',
  'identity-policy-explicit-deny': 'identity policy Deny',
  'identity-policy-no-allow': 'no identity policy allows',
  'resource-arn-mismatch': 'resource ARN mismatch',
  'vpc-endpoint-policy': 'VPC endpoint policy',
  'cross-account-no-bucket-grant': 'cross-account, no bucket grant',
  'object-ownership-acl': 'object ownership/ACL',
  'kms-key-access': 'KMS key access',
  'scp-deny': 'SCP',
  'rcp-deny': 'RCP',
  'permissions-boundary': 'permissions boundary',
  'session-policy': 'session policy',
  'access-point-policy': 'access point policy',
  'missing-object-no-list': 'missing object, no s3:ListBucket',
  'request-expired-or-invalid': 'expired or invalid request',
  'service-principal-grant': 'AWS service not granted',
  'requester-pays': 'Requester Pays header missing',
  'object-lock': 'Object Lock',
  'sse-c-blocked': 'SSE-C uploads blocked',
  'mfa-delete': 'MFA delete',
};

/** Short label of a root cause, with the deciding statement when there is one. */
export function causeLabel(cause: RootCause): string {
  const label = CAUSE_LABELS[cause.id] ?? cause.id;
  const statement = cause.evidence.find((e) => e.statement)?.statement;
  return statement ? `${label} ${statement}` : label;
}

/**
 * One phrase for the whole finding: the top cause, or what stopped the analysis. A cause that could
 * only be suspected (confidence "possible") ends with "?"; "(+N)" counts the other confirmed or likely causes.
 */
export function findingCause(finding: Finding): string {
  if (finding.error !== undefined) return 'analysis failed';
  const [top, ...others] = finding.rootCauses;
  if (!top) return 'unexplained';
  const label = causeLabel(top) + (top.confidence === 'possible' ? '?' : '');
  const strong = others.filter((c) => c.confidence !== 'possible').length;
  return strong > 0 ? `${label} (+${strong})` : label;
}

/** A short name for the caller: the role or user name, else the principal id, else the type. */
export function principalName(finding: Finding): string {
  const p = finding.request.principal;
  const arn = p.identityArn ?? p.arn;
  if (arn) {
    const last = arn.split('/').pop() ?? arn;
    // an ARN with an empty account field (arn:aws:iam:::root) names no account: "?" rather than "root()"
    if (arn.endsWith(':root')) return `root(${p.accountId || arn.split(':')[4] || '?'})`;
    return last || arn;
  }
  if (p.principalId) return p.principalId;
  return p.type === 'Anonymous' ? 'anonymous' : p.type;
}

/** `AppRole GetObject corp-data - bucket policy Deny DenyNonOfficeIPs`, in any alphabet. */
export function headline(finding: Finding): string {
  const r = finding.request;
  const what = [principalName(finding), r.eventName, r.bucket ?? ''].filter((s) => s !== '').join(' ');
  return `${what} - ${findingCause(finding)}`;
}

/** Printable ASCII only, one line, whitespace collapsed. */
export function toAsciiLine(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
}

/** Cut `text` to at most `max` characters, ending with `marker` when cut. */
export function clip(text: string, max: number, marker = '...'): string {
  if (text.length <= max) return text;
  if (max <= marker.length) return marker.slice(0, Math.max(0, max));
  let cut = max - marker.length;
  // never half a character: a cut between the two halves of a surrogate pair (an emoji) drops the first half too
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + marker;
}

export function renderSnsSubject(finding: Finding): string {
  let subject = toAsciiLine(`S3 403: ${headline(safeFinding(finding))}`);
  // Must begin with a letter, number or punctuation mark: ours always starts with "S3".
  subject = clip(subject, SNS_SUBJECT_MAX);
  return subject;
}

function line(label: string, value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : `  ${label}: ${value}`;
}

function requestLines(finding: Finding): string[] {
  const r = finding.request;
  const p = r.principal;
  const lines = [
    line('Principal', p.arn ?? p.identityArn ?? p.principalId ?? p.type),
    p.identityArn && p.identityArn !== p.arn ? line('Identity', p.identityArn) : null,
    line('Call', `${r.eventSource} ${r.eventName}`),
    line('Actions', r.actions.join(', ')),
    line('Resources', r.resources.join(', ')),
    line('Bucket account', r.bucketAccountId),
    r.crossAccount === true ? line('Cross-account', 'yes') : null,
    line('Source IP', r.sourceIp),
    p.invokedBy ? line('Called via', `${p.invokedBy}, with the caller's credentials`) : null,
    line('VPC endpoint', r.vpcEndpointId),
    line('Access point', r.accessPointArn),
    r.secureTransport === false ? line('TLS', 'no (plain HTTP)') : null,
    line('Error', [r.errorCode, r.errorMessage].filter(Boolean).join(' - ')),
  ];
  return lines.filter((l): l is string => l !== null);
}

function causeLines(finding: Finding, cause: RootCause, index: number): string[] {
  const out = [`${index + 1}. ${cause.title} [${cause.id}, ${cause.confidence}]`, `   ${cause.explanation}`];
  if (cause.evidence.length > 0) {
    out.push('   Evidence:');
    for (const e of cause.evidence) {
      const where = [e.layer, e.policy, e.statement].filter(Boolean).join(' / ');
      out.push(`     - ${where}: ${e.detail}`);
    }
  }
  const verified = cause.fix.verified ? 'verified by re-evaluation' : 'not verified';
  out.push(`   Fix (${verified}): ${cause.fix.summary}`);
  for (const c of cause.fix.commands) out.push(`     $ ${c}`);
  if (cause.fix.stillDeniedBy && cause.fix.stillDeniedBy.length > 0) {
    out.push(`     Still denied after this fix by: ${cause.fix.stillDeniedBy.join(', ')}`);
  }
  const changed = changeLine(finding, cause);
  if (changed) out.push(`   ${changed}`);
  if (cause.change?.diff) for (const line of cause.change.diff.split('\n')) out.push(`     ${line}`);
  return out;
}

/** Group check layers by status: "deny: a, b; unknown: c; pass: d". */
export function checksSummary(finding: Finding): string {
  const order = ['deny', 'unknown', 'pass', 'not-applicable'] as const;
  const parts: string[] = [];
  for (const status of order) {
    const layers = finding.checks.filter((c) => c.status === status).map((c) => c.layer);
    if (layers.length > 0) parts.push(`${status}: ${layers.join(', ')}`);
  }
  return parts.join('; ');
}

function unknownLines(finding: Finding): string[] {
  return finding.checks
    .filter((c) => c.status === 'unknown')
    .map((c) => {
      const why = [
        c.detail,
        c.missing && c.missing.length > 0 ? `missing ${c.missing.join(', ')}` : undefined,
      ];
      return `  - ${c.layer}: ${why.filter(Boolean).join('; ') || 'not checked'}`;
    });
}

export function renderSnsMessage(untrusted: Finding, opts: RenderOptions = {}): string {
  // Every string of a finding came from a request or a policy: one line each (newlines shown as \n), so no
  // value can start a line of its own; request values stand on their own labelled lines below.
  const finding = safeFinding(untrusted);
  const r = finding.request;
  const target = r.bucket ? `s3://${r.bucket}${r.key ? `/${r.key}` : ''}` : (r.resources[0] ?? '');
  const out: string[] = [`S3 request denied: ${principalName(finding)} ${r.eventName} ${target}`.trim()];
  if (opts.repeatCount && opts.repeatCount > 0) {
    out.push(
      `Seen ${opts.repeatCount} more time${opts.repeatCount === 1 ? '' : 's'} since ${safeText(opts.since ?? 'the last alert')}.`,
    );
  }
  out.push('');
  if (finding.error !== undefined) {
    out.push(
      `The analysis failed: ${finding.error}`,
      'The request below was reconstructed from CloudTrail.',
      '',
    );
  }
  out.push(`Verdict: ${finding.verdict}`);
  if (finding.rootCauses.length === 0 && finding.error === undefined) {
    out.push(
      explainedWithoutCause(finding) ??
        'No layer could be shown to deny this request; see the unchecked layers below.',
    );
  }
  finding.rootCauses.forEach((c, i) => out.push('', ...causeLines(finding, c, i)));
  if (finding.awsMessage.note) out.push('', `AWS message: ${finding.awsMessage.note}`);
  const sim = simulatorLine(finding);
  if (sim) out.push(sim);
  out.push('', 'Request:', ...requestLines(finding));
  out.push('', `Checks: ${checksSummary(finding) || 'none'}`);
  const unknowns = unknownLines(finding);
  if (unknowns.length > 0) out.push('Not checked:', ...unknowns);
  out.push('', `CloudTrail event ${finding.eventId} at ${finding.eventTime} in ${finding.region}`);
  return clip(out.join('\n'), SNS_MESSAGE_MAX, '\n... (truncated)');
}

export function renderSns(finding: Finding, opts: RenderOptions = {}): { subject: string; message: string } {
  return { subject: renderSnsSubject(finding), message: renderSnsMessage(finding, opts) };
}
