/** Hand-made engine traces for tests of the readers of a layered decision (lambdas/core/fix). */
import type { ConditionTrace, StatementTrace } from '../../../lambdas/core/policy/types';

/**
 * A Deny statement trace of "Deny unless aws:SourceIp is in 203.0.113.0/24" (NotIpAddress), its condition as the
 * request left it: the key absent (matched), or not known (undecided).
 */
export function officeOnlyDeny(
  request: 'absent' | 'unknown',
  over: Partial<StatementTrace> = {},
): StatementTrace {
  const condition: ConditionTrace = {
    operator: 'NotIpAddress',
    key: 'aws:SourceIp',
    requestValues: request === 'absent' ? null : 'unknown',
    policyValues: ['203.0.113.0/24'],
    result: request === 'absent' ? true : 'unknown',
    detail:
      request === 'absent' ? 'aws:SourceIp is absent, so NotIpAddress passes' : 'aws:SourceIp is not known',
  };
  return {
    index: 1,
    sid: 'S',
    effect: 'Deny',
    actionMatched: true,
    resourceMatched: true,
    conditions: [condition],
    matched: request === 'absent' ? true : 'unknown',
    detail: '',
    ...over,
  };
}
