/**
 * The policies of the caller that cap what it may do, as guardrail targets (fix/guardrail.ts): its permissions
 * boundary and its session policy. The S3 checkers and the KMS checker patch them the same way.
 */
import type { CheckerInput } from '../checkers/types';
import { known } from '../model';
import { assumeRoleCommand, awsLine, identityPolicyCommands } from './commands';
import { boundaryPolicy, sessionPolicy } from './find';
import type { GuardrailTarget } from './guardrail';
import { callerIdentityArn } from './input';

/** The permissions boundary of the caller: a new default version of its managed policy. */
export function boundaryTarget(input: CheckerInput): GuardrailTarget {
  const boundary = boundaryPolicy(input.facts);
  return {
    policy: boundary,
    fallback: { name: 'permissions-boundary', source: 'permissions-boundary' },
    commands: identityPolicyCommands(callerIdentityArn(input.request, input.facts), boundary),
    principalElement: false,
    apply: (base, patched) => ({ ...base, permissionsBoundary: known(patched) }),
  };
}

/**
 * The session policy of the caller's session: passed again when the session is created (a federated user session
 * is created by its IAM user with GetFederationToken, not by assuming a role).
 */
export function sessionTarget(input: CheckerInput): GuardrailTarget {
  const roleArn = callerIdentityArn(input.request, input.facts) ?? 'ROLE_ARN';
  const session = input.request.principal.sessionName ?? 'SESSION_NAME';
  const federated = input.request.principal.type === 'FederatedUser';
  return {
    policy: sessionPolicy(input.facts),
    fallback: { name: 'session-policy', source: 'session' },
    commands: [
      federated
        ? awsLine([
            'sts',
            'get-federation-token',
            '--name',
            session,
            '--policy',
            'file://session-policy.json',
          ])
        : assumeRoleCommand(roleArn, session),
    ],
    principalElement: false,
    apply: (base, patched) => ({ ...base, sessionPolicy: known(patched) }),
  };
}
