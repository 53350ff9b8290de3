/** Test helpers for the policy-language tests: requests, principals and one-condition policies. */
import type { NamedPolicy } from '../../../../lambdas/core/model';
import { evaluatePolicy } from '../../../../lambdas/core/policy/evaluate-policy';
import { parsePolicy } from '../../../../lambdas/core/policy/parse';
import type {
  EnginePrincipal,
  EngineRequest,
  PolicyEvaluation,
  Tri,
} from '../../../../lambdas/core/policy/types';

export const ACCT = '111122223333';
export const OTHER = '444455556666';

export const roleSession = (role = 'AppRole', session = 'sess', account = ACCT): EnginePrincipal => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
  identityArn: `arn:aws:iam::${account}:role/${role}`,
  accountId: account,
});

export const iamUser = (name = 'alice', account = ACCT): EnginePrincipal => ({
  type: 'IAMUser',
  arn: `arn:aws:iam::${account}:user/${name}`,
  identityArn: `arn:aws:iam::${account}:user/${name}`,
  accountId: account,
});

export const rootUser = (account = ACCT): EnginePrincipal => ({
  type: 'Root',
  arn: `arn:aws:iam::${account}:root`,
  identityArn: `arn:aws:iam::${account}:root`,
  accountId: account,
});

export const anonymous: EnginePrincipal = {
  type: 'Anonymous',
  arn: null,
  identityArn: null,
  accountId: null,
};

export const service = (name: string): EnginePrincipal => ({
  type: 'AWSService',
  arn: null,
  identityArn: null,
  accountId: null,
  serviceName: name,
});

export interface RequestOptions {
  principal?: EnginePrincipal;
  action?: string;
  resource?: string;
  values?: Record<string, string | string[]>;
  absent?: string[];
  otherKeys?: 'unknown' | 'absent';
}

export function request(o: RequestOptions = {}): EngineRequest {
  return {
    principal: o.principal ?? iamUser(),
    action: o.action ?? 's3:GetObject',
    resource: o.resource ?? 'arn:aws:s3:::amzn-s3-demo-bucket/key.txt',
    resourceAccountId: ACCT,
    context: { values: o.values ?? {}, absent: o.absent ?? [], otherKeys: o.otherKeys ?? 'absent' },
  };
}

export function policy(
  document: unknown,
  name = 'test-policy',
  source: NamedPolicy['source'] = 'identity-inline',
): NamedPolicy {
  return { name, source, document };
}

export function evaluate(
  document: unknown,
  req: EngineRequest,
  source: NamedPolicy['source'] = 'identity-inline',
): PolicyEvaluation {
  return evaluatePolicy(parsePolicy(policy(document, 'test-policy', source)), req);
}

/** Evaluates one condition block {operator: {key: values}} in an Allow-everything statement: its result. */
export function conditionResult(
  operator: string,
  key: string,
  values: unknown,
  ctx: Pick<RequestOptions, 'values' | 'absent' | 'otherKeys'>,
  version = '2012-10-17',
): Tri {
  const doc = {
    Version: version,
    Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { [operator]: { [key]: values } } },
  };
  const ev = evaluate(doc, request({ ...ctx, resource: 'arn:aws:s3:::b/k' }));
  const st = ev.statements[0];
  if (st === undefined || st.conditions.length !== 1) throw new Error('expected one traced condition');
  return st.conditions[0]!.result;
}

export function statementDoc(statement: Record<string, unknown>, version = '2012-10-17'): unknown {
  return { Version: version, Statement: [statement] };
}
