/**
 * A second opinion from AWS: iam:SimulatePrincipalPolicy for same-account identity decisions
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html). The policy source is
 * the IAM identity (the role of a session, never the session ARN); the context entries are the request's known
 * condition values. The simulator sees identity policies and permissions boundaries, not the bucket policy,
 * so it is used only when the caller and the bucket are in the same account.
 */
import {
  IAMClient,
  SimulatePrincipalPolicyCommand,
  type ContextEntry,
  type ContextKeyTypeEnum,
  type EvaluationResult,
  type Statement,
} from '@aws-sdk/client-iam';
import type { AccessRequest } from '../../core/model';
import { baseRegion, MAX_ATTEMPTS, RETRY_MODE, type AwsClients } from './clients';
import { parseIdentityArn } from './principal';

export type SimulatorDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';
export interface SimulatorVerdict {
  readonly decision: SimulatorDecision;
  readonly matchedStatements: string[];
}

const TYPES: Record<string, ContextKeyTypeEnum> = {
  'aws:sourceip': 'ip',
  'aws:vpcsourceip': 'ip',
  'aws:securetransport': 'boolean',
  'aws:multifactorauthpresent': 'boolean',
  'aws:viaawsservice': 'boolean',
  'aws:principalisawsservice': 'boolean',
  'aws:currenttime': 'date',
  'aws:tokenissuetime': 'date',
  'aws:epochtime': 'numeric',
  'aws:multifactorauthage': 'numeric',
  's3:max-keys': 'numeric',
  's3:signatureage': 'numeric',
  's3:tlsversion': 'numeric',
  's3:object-lock-remaining-retention-days': 'numeric',
};

const LIST_OF: Partial<Record<ContextKeyTypeEnum, ContextKeyTypeEnum>> = {
  string: 'stringList',
  ip: 'ipList',
  boolean: 'booleanList',
  date: 'dateList',
  numeric: 'numericList',
};

/** The request's condition values as simulator context entries. */
export function contextEntries(values: AccessRequest['context']['values']): ContextEntry[] {
  const out: ContextEntry[] = [];
  for (const [name, value] of Object.entries(values)) {
    const list = typeof value === 'string' ? [value] : [...value];
    if (list.length === 0) continue;
    const type = TYPES[name.toLowerCase()] ?? 'string';
    out.push({
      ContextKeyName: name,
      ContextKeyValues: list,
      ContextKeyType: typeof value === 'string' ? type : (LIST_OF[type] ?? 'stringList'),
    });
  }
  return out;
}

const RANK: Record<SimulatorDecision, number> = { allowed: 0, implicitDeny: 1, explicitDeny: 2 };

function statementLabel(s: Statement): string {
  const at = s.StartPosition?.Line !== undefined ? ` line ${s.StartPosition.Line}` : '';
  return `${s.SourcePolicyId ?? 'policy'}${s.SourcePolicyType ? ` (${s.SourcePolicyType})` : ''}${at}`;
}

function asDecision(d: string | undefined): SimulatorDecision {
  return d === 'allowed' || d === 'explicitDeny' ? d : 'implicitDeny';
}

/** The decision and statements of one (action, resource) in the simulator's results. */
function resultFor(
  results: readonly EvaluationResult[],
  action: string,
  resource: string,
): { decision: SimulatorDecision; statements: Statement[] } | null {
  const r = results.find((e) => e.EvalActionName?.toLowerCase() === action.toLowerCase());
  if (!r) return null;
  const specific = r.ResourceSpecificResults?.find((s) => s.EvalResourceName === resource);
  if (specific)
    return {
      decision: asDecision(specific.EvalResourceDecision),
      statements: specific.MatchedStatements ?? [],
    };
  return { decision: asDecision(r.EvalDecision), statements: r.MatchedStatements ?? [] };
}

export async function crossCheckWithSimulator(
  request: AccessRequest,
  clients?: Partial<AwsClients>,
): Promise<SimulatorVerdict | null> {
  const id = parseIdentityArn(request.principal.identityArn ?? '');
  if (!id || id.kind === 'root' || request.needs.length === 0) return null;
  const sameAccount =
    request.bucketAccountId !== null &&
    request.bucketAccountId === id.accountId &&
    request.crossAccount !== true;
  if (!sameAccount) return null;
  const iam =
    clients?.iam ??
    new IAMClient({ region: baseRegion(request.region), maxAttempts: MAX_ATTEMPTS, retryMode: RETRY_MODE });
  const actions = [...new Set(request.needs.map((n) => n.action))];
  const resources = [...new Set(request.needs.map((n) => n.resource))];
  try {
    const results: EvaluationResult[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: id.arn,
          ActionNames: actions,
          ResourceArns: resources,
          ContextEntries: contextEntries(request.context.values),
          ...(marker ? { Marker: marker } : {}),
        }),
      );
      results.push(...(out.EvaluationResults ?? []));
      marker = out.IsTruncated ? out.Marker : undefined;
      if (!marker) break;
    }
    let decision: SimulatorDecision = 'allowed';
    const matched = new Set<string>();
    for (const need of request.needs) {
      const r = resultFor(results, need.action, need.resource);
      if (!r) return null;
      if (RANK[r.decision] > RANK[decision]) decision = r.decision;
      for (const s of r.statements) matched.add(statementLabel(s));
    }
    return { decision, matchedStatements: [...matched] };
  } catch {
    return null;
  }
}
