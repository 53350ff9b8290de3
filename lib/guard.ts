/**
 * AWS Control Tower proactive controls (cfn-guard rules, run by @cdklabs/cdk-validator-cfnguard in the tests):
 * a rule that does not fit this design is acknowledged on the construct it concerns, with the reason, through
 * CDK's own mechanism (Validations.acknowledge), so the acknowledgement travels with the construct and shows in
 * the validation report. test/infra/guard.test.ts runs the rules on every deploy shape: zero unacknowledged
 * failures, and every acknowledgement names a rule that really fails without it.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The plugin name cdk-validator-cfnguard reports under (the namespace of its rule ids). */
export const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/** Acknowledge one Control Tower guard rule (its rule name, e.g. `sqs_dlq_check`) on a construct and below. */
export function acknowledgeGuard(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${GUARD_PLUGIN}::${rule}`, reason });
}
