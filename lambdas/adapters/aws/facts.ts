/**
 * Turns read outcomes into facts: a value is known; a failure becomes unknown with its reason, the AWS
 * message and, for the auditor's own AccessDenied, the permission it lacks.
 */
import { known, unknown, type Fact, type Unknown, type UnknownReason } from '../../core/model';
import type { Failure, Outcome } from './errors';

const REASON: Record<Failure['kind'], UnknownReason> = {
  absent: 'notFound',
  notFound: 'notFound',
  accessDenied: 'accessDenied',
  throttled: 'throttled',
  wrongRegion: 'error',
  error: 'error',
};

/** The unknown that a failed read stands for. */
export function unknownOf(f: Failure, what?: string): Unknown {
  const detail = `${what ? `${what}: ` : ''}${f.code}: ${f.message}`;
  if (f.kind === 'accessDenied') return unknown('accessDenied', detail, f.permission);
  if (f.kind === 'throttled')
    return unknown('throttled', `${detail} (still throttled after the SDK's adaptive retries)`);
  return unknown(REASON[f.kind], detail);
}

/** known(map(value)); an 'absent' failure (NoSuchBucketPolicy, …) is known(null); any other failure is unknown. */
export function factOrNone<T, U>(o: Outcome<T>, map: (value: T) => U | null, what?: string): Fact<U | null> {
  if (o.ok) return known(map(o.value));
  if (o.failure.kind === 'absent') return known(null);
  return unknownOf(o.failure, what);
}

/** known(map(value)); any failure is unknown. */
export function factOf<T, U>(o: Outcome<T>, map: (value: T) => U, what?: string): Fact<U> {
  return o.ok ? known(map(o.value)) : unknownOf(o.failure, what);
}

/** The first failure of several reads, or null when all succeeded. */
export function firstFailure(outcomes: readonly Outcome<unknown>[]): Failure | null {
  for (const o of outcomes) if (!o.ok) return o.failure;
  return null;
}
