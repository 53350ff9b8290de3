/**
 * Fixes that add an Allow: the statement scoped to this principal, these actions and these resources,
 * added to the layer that lacked it, then verified by re-evaluation.
 */
import type { CheckerInput } from '../checkers/types';
import type { ActionNeed, Fix, NamedPolicy } from '../model';
import { known } from '../model';
import type { AuthorizationInput, LayerId } from '../policy/types';
import { identityPolicyCommands } from './commands';
import { bucketPolicy, identityPolicies } from './find';
import { callerIdentityArn } from './input';
import { allowStatement, type Json, sidFor, withStatement } from './patch';
import { verifyS3 } from './verify';

/** One Allow statement per resource, naming every action needed on it. */
export function allowStatements(
  needs: readonly ActionNeed[],
  principalArn?: string | null,
  condition?: Json,
): Json[] {
  const byResource = new Map<string, string[]>();
  for (const n of needs) {
    const list = byResource.get(n.resource) ?? [];
    if (!list.includes(n.action)) list.push(n.action);
    byResource.set(n.resource, list);
  }
  return [...byResource.entries()].map(([resource, actions]) =>
    allowStatement({
      sid: sidFor(
        'Allow',
        ...actions.map((a) => a.replace(/^s3:|^kms:/, '')),
        resource.replace(/^arn:aws:s3:::/, ''),
      ),
      actions,
      resources: [resource],
      ...(principalArn ? { principalArn } : {}),
      ...(condition ? { condition } : {}),
    }),
  );
}

export const FIX_POLICY_NAME = 's3-403-fix';

/** Adds the statements to a new inline policy of the caller and verifies the identity layer now allows. */
export function identityAllowFix(input: CheckerInput, needs: readonly ActionNeed[], summary: string): Fix {
  const principalArn = callerIdentityArn(input.request, input.facts);
  const statements = allowStatements(needs);
  const inline: NamedPolicy = {
    name: FIX_POLICY_NAME,
    source: 'identity-inline',
    document: { Version: '2012-10-17', Statement: statements },
  };
  const outcome =
    input.facts.principal?.status === 'known'
      ? verifyS3(input, needs, 'identity-policy', (base) => ({
          ...base,
          identityPolicies: known([...identityPolicies(input.facts), inline]),
        }))
      : { verified: false };
  return {
    summary,
    commands: identityPolicyCommands(principalArn, null, FIX_POLICY_NAME),
    policyPatch: {
      layer: 'identity-policy',
      principal: principalArn,
      newInlinePolicy: FIX_POLICY_NAME,
      addStatement: statements.length === 1 ? statements[0] : statements,
      document: inline.document,
    },
    ...outcome,
  };
}

/** Adds statements to a resource-side or organization policy and verifies `layer` now allows. */
export function addToPolicy(
  input: CheckerInput,
  needs: readonly ActionNeed[],
  layer: LayerId,
  policy: NamedPolicy | null,
  fallback: Omit<NamedPolicy, 'document'>,
  statements: readonly Json[],
  apply: (base: AuthorizationInput, patched: NamedPolicy) => AuthorizationInput,
): { patched: NamedPolicy; outcome: Pick<Fix, 'verified' | 'stillDeniedBy'> } {
  let patched: NamedPolicy | null = policy;
  for (const s of statements) patched = withStatement(patched, s, fallback);
  const result = patched!;
  return { patched: result, outcome: verifyS3(input, needs, layer, (base) => apply(base, result)) };
}

/** Adds statements to the bucket policy of `bucket` (writing a first one if it has none) and verifies it now allows. */
export function addToBucketPolicy(
  input: CheckerInput,
  needs: readonly ActionNeed[],
  bucket: string,
  statements: readonly Json[],
): Pick<Fix, 'verified' | 'stillDeniedBy'> {
  return addToPolicy(
    input,
    needs,
    'bucket-policy',
    bucketPolicy(input.facts, bucket),
    { name: `${bucket} bucket policy`, source: 'bucket-policy' },
    statements,
    (base, patched) => ({ ...base, bucketPolicy: known(patched) }),
  ).outcome;
}

/** Allow statements for `principal` in a bucket policy, which names the bucket (object) ARN also behind an access point. */
export function bucketAllowStatements(needs: readonly ActionNeed[], principal: string): Json[] {
  return allowStatements(
    needs.map((n) => (n.bucketResource ? { ...n, resource: n.bucketResource } : n)),
    principal,
  );
}
