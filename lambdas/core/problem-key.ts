/**
 * What makes two denials the same problem: (principal identity, caller and bucket accounts, bucket, action,
 * root-cause id, deciding statement). The Lambda's dedup (lambdas/delivery/dedup.ts) alerts once per key and window; the CLI's
 * `explain --group` prints one group per key. One function, so both always agree.
 */
import { createHash } from 'node:crypto';
import type { Finding } from './model';

export interface ProblemKey {
  readonly principal: string;
  /** The caller's account and the bucket's account ("caller>bucket"). */
  readonly account: string;
  readonly bucket: string;
  readonly action: string;
  readonly rootCause: string;
  readonly statement: string;
}

/** The place a resource ARN names: an access point object ARN (`…:accesspoint/NAME/object/KEY`) without its key. */
function placeOf(resource: string | undefined): string | undefined {
  if (resource === undefined) return undefined;
  const ap = resource.indexOf('/object/');
  if (/^arn:[^:]+:s3:[^:]*:[^:]*:accesspoint\//.test(resource))
    return ap < 0 ? resource : resource.slice(0, ap);
  return resource;
}

/** The problem a finding is about. */
export function problemKey(finding: Finding): ProblemKey {
  const r = finding.request;
  const p = r.principal;
  const top = finding.rootCauses[0];
  const evidence = top?.evidence.find((e) => e.statement !== undefined || e.policy !== undefined);
  return {
    principal: p.identityArn ?? p.principalId ?? p.arn ?? `${p.type}@${p.accountId ?? '?'}`,
    account: `${p.accountId ?? '?'}>${r.bucketAccountId ?? '?'}`,
    // a record that names only the access point: the access point (never one object behind it) is the place
    bucket: r.bucket ?? r.accessPointArn ?? placeOf(r.resources[0]) ?? '-',
    action: r.actions.length > 0 ? r.actions.join(',') : r.eventName,
    rootCause: finding.error !== undefined ? 'analysis-failed' : (top?.id ?? 'unexplained'),
    statement: evidence ? [evidence.policy ?? '', evidence.statement ?? ''].join('#') : '',
  };
}

/** Fixed-size partition key (DynamoDB caps partition keys at 2048 bytes). */
export function keyOf(problem: ProblemKey): string {
  const parts = [
    problem.principal,
    problem.account,
    problem.bucket,
    problem.action,
    problem.rootCause,
    problem.statement,
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
