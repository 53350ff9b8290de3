import { known } from '../model';
import { requestSideAdvice } from '../fix/advice';
import { bucketPolicyCommands } from '../fix/commands';
import { bucketPolicy, findPolicy } from '../fix/find';
import { callerIdentityArn } from '../fix/input';
import { denyEvidence, denyStatements, statementDetail, statementLabel } from '../fix/layers';
import { viewLayer } from '../fix/layer-check';
import { perimeterExceptions, firstVerified } from '../fix/perimeter-exception';
import { exemptPrincipal, statementAt, withReplacedStatement, type Json } from '../fix/patch';
import { undecidedDenyFix } from '../fix/undecided-deny';
import { needsOf, verifyS3 } from '../fix/verify';
import type { Checker, CheckResult } from './types';

export const checker: Checker = {
  id: 'bucket-policy-explicit-deny',
  title: 'A Deny statement in the bucket policy matches the request',
  detection:
    'The engine evaluates the bucket policy for every action and resource the call needs; a matching Deny statement (action, resource, principal and every condition) is an explicit deny.',
  fixSummary:
    'Make the request satisfy the statement (network, TLS, encryption headers), or narrow the Deny with an aws:PrincipalArn exception for this principal; verified by re-evaluation.',
  check({ request, facts, evaluations }): CheckResult {
    const view = viewLayer(evaluations, 'bucket-policy', { implicitDenies: false });
    if (view.kind === 'unknown') {
      // An explicit deny needs a Deny statement that could match: an Allow that could not be decided is not one.
      if (view.unknown.every((h) => h.layer.denyPossible === false))
        return {
          status: 'pass',
          detail:
            'no Deny statement of the bucket policy can match this request (only an Allow could not be decided)',
        };
      // the one Deny that may match, changed so that it no longer refuses this request (../fix/undecided-deny.ts)
      const undecidedFix = undecidedDenyFix(
        { request, facts, evaluations },
        'bucket-policy',
        (p) => {
          // the bucket whose policy holds the statement (a copy names two buckets)
          for (const h of view.unknown) {
            const bucket = h.evaluation.need.bucket;
            const policy = bucket ? bucketPolicy(facts, bucket) : null;
            if (bucket && policy && findPolicy([policy], p))
              return {
                policy,
                where: 'of the bucket policy',
                // only the needs on this bucket meet its policy
                apply: (base, patched, need) =>
                  need.bucket === bucket ? { ...base, bucketPolicy: known(patched) } : base,
                patch: (statement, replaceStatement) => ({
                  layer: 'bucket-policy',
                  bucket,
                  statement,
                  replaceStatement,
                }),
                commands: bucketPolicyCommands(bucket),
              };
          }
          return null;
        },
        'not-denied',
      );
      return { status: 'unknown', missing: view.missing, ...(undecidedFix ? { undecidedFix } : {}) };
    }
    if (view.kind !== 'deny') return { status: view.kind, detail: view.detail };
    const first = view.explicit[0]!;
    const bucket = first.evaluation.need.bucket;
    const deny = denyStatements(first.layer)[0];
    const advice = deny ? requestSideAdvice(deny.statement) : null;
    const policy = bucket ? bucketPolicy(facts, bucket) : null;
    const target = deny && policy && findPolicy([policy], deny.policy.policy) ? policy : null;
    const principalArn = callerIdentityArn(request, facts);
    const label = deny ? statementLabel(deny.statement) : 'the Deny statement';
    const original = target && deny ? statementAt(target, deny.statement.index) : null;
    const verify = (statement: Json) =>
      target && deny
        ? verifyS3(
            { request, facts, evaluations },
            needsOf(view.explicit.map((h) => h.evaluation)),
            'bucket-policy',
            (base) => ({
              ...base,
              bucketPolicy: known(withReplacedStatement(target, deny.statement.index, statement)),
            }),
            'not-denied',
          )
        : { verified: false };
    // a perimeter Deny this caller can never satisfy (a service principal, a VPC endpoint): ../fix/perimeter-exception.ts
    const perimeter = deny
      ? firstVerified(
          perimeterExceptions(request, facts, deny.statement, original, 'of the bucket policy'),
          (c) => verify(c.statement),
        )
      : null;
    const principalChange = original && principalArn ? exemptPrincipal(original, principalArn) : null;
    const changed = perimeter?.candidate.statement ?? principalChange;
    const outcome = perimeter?.outcome ?? (changed ? verify(changed) : { verified: false });
    const exception = principalArn
      ? `add an aws:PrincipalArn exception for ${principalArn} to statement ${label}`
      : `narrow statement ${label}`;
    return {
      status: 'deny',
      confidence: 'confirmed',
      title: `Bucket policy of ${bucket ?? 'the bucket'} explicitly denies ${first.evaluation.need.action} (statement ${label})`,
      explanation: `Statement ${label} of the bucket policy is a Deny that matches this request${
        deny ? `: ${statementDetail(deny.statement)}` : ''
      }. An explicit Deny overrides every Allow, in any policy.`,
      evidence: denyEvidence(view.explicit, 'bucket-policy'),
      fix: {
        summary: perimeter
          ? `${perimeter.candidate.summary}${principalArn ? ` Or ${exception}.` : ''}`
          : advice
            ? `To stay within the policy, ${advice}; or ${exception}.`
            : `${exception[0]!.toUpperCase()}${exception.slice(1)} if this caller should be allowed.`,
        commands: bucket ? bucketPolicyCommands(bucket) : [],
        ...(changed && deny && bucket
          ? { policyPatch: { layer: 'bucket-policy', bucket, statement: label, replaceStatement: changed } }
          : {}),
        ...outcome,
      },
    };
  },
};
