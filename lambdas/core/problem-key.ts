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

/** The problem a finding is about. */
export function problemKey(finding: Finding): ProblemKey {
  const r = finding.request;
  const p = r.principal;
  const top = finding.rootCauses[0];
  const evidence = top?.evidence.find((e) => e.statement !== undefined || e.policy !== undefined);
  return {
    principal: p.identityArn ?? p.principalId ?? p.arn ?? `${p.type}@${p.accountId ?? '?'}`,
    account: `${p.accountId ?? '?'}>${r.bucketAccountId ?? '?'}`,
    bucket: r.bucket ?? r.resources[0] ?? '-',
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
