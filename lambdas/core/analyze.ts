/**
 * facts + request -> Finding. Evaluates every need once with the engine, runs every checker (a checker that
 * throws becomes an `unknown` check), ranks the causes and compares the result with AWS's own message.
 */
import { CHECKERS } from './checkers';
import type { Checker, CheckerInput, CheckResult, NeedEvaluation } from './checkers/types';
import { buildAuthorizationInput, buildKmsInput, findKmsKey } from './fix/input';
import { kmsActionNeed, kmsNeeds } from './fix/kms';
import type {
  AccessRequest,
  Check,
  Confidence,
  EnhancedMessage,
  Finding,
  FindingRequest,
  RequestFacts,
  RootCause,
  RootCauseId,
  Verdict,
} from './model';
import { authorize, authorizeKms } from './policy';
import type { LayerId } from './policy/types';

export { buildAuthorizationInput } from './fix/input';

const errorText = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)) || 'unknown error';

export function toFindingRequest(request: AccessRequest): FindingRequest {
  const p = request.principal;
  return {
    eventSource: request.eventSource,
    eventName: request.eventName,
    actions: request.actions,
    resources: request.resources,
    bucket: request.bucket,
    key: request.key,
    bucketAccountId: request.bucketAccountId,
    crossAccount: request.crossAccount,
    principal: {
      type: p.type,
      arn: p.arn,
      identityArn: p.identityArn,
      accountId: p.accountId,
      sessionName: p.sessionName,
      principalId: p.principalId,
    },
    sourceIp: request.sourceIp,
    vpcEndpointId: request.vpcEndpointId,
    accessPointArn: request.accessPointArn,
    secureTransport: request.secureTransport,
    errorCode: request.errorCode,
    errorMessage: request.errorMessage,
    mapped: request.mapped,
  };
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

const isKmsAction = (action: string): boolean => action.toLowerCase().startsWith('kms:');

/** The engine's decision for every S3 need, plus every KMS call S3 makes for the caller. */
export function evaluateNeeds(request: AccessRequest, facts: RequestFacts): NeedEvaluation[] {
  const out: NeedEvaluation[] = [];
  for (const need of request.needs) {
    if (isKmsAction(need.action)) continue;
    out.push({ need, result: authorize(buildAuthorizationInput(request, need, facts)) });
  }
  for (const k of kmsNeeds(request, facts)) {
    const arn = findKmsKey(facts, k.keyId)?.arn ?? k.keyId;
    out.push({ need: kmsActionNeed(k, arn), result: authorizeKms(buildKmsInput(request, k, facts)) });
  }
  return out;
}

function runChecker(checker: Checker, input: CheckerInput): CheckResult {
  try {
    return checker.check(input);
  } catch (err) {
    return {
      status: 'unknown',
      missing: [`checker error: ${errorText(err)}`],
      detail: `the ${checker.id} checker failed: ${errorText(err)}`,
    };
  }
}

// ---------------------------------------------------------------------------
// AWS's message
// ---------------------------------------------------------------------------

/** The causes AWS's enhanced message points to, primary first. */
export function messageCauses(msg: EnhancedMessage): RootCauseId[] {
  if (msg.kind === 'bpa') return ['block-public-access'];
  if (msg.kind === 'vpce') return ['vpc-endpoint-policy'];
  if (msg.kind !== 'explicit-deny' && msg.kind !== 'implicit-deny') return [];
  if (msg.action && isKmsAction(msg.action)) return ['kms-key-access'];
  const explicit = msg.kind === 'explicit-deny';
  const ids: RootCauseId[] = (() => {
    switch (msg.policyType) {
      case 'identity-based policy':
        return explicit
          ? ['identity-policy-explicit-deny']
          : ['identity-policy-no-allow', 'resource-arn-mismatch', 'missing-object-no-list'];
      case 'resource-based policy':
        return explicit
          ? ['bucket-policy-explicit-deny', 'access-point-policy', 'block-public-access', 'kms-key-access']
          : [
              'cross-account-no-bucket-grant',
              'access-point-policy',
              'block-public-access',
              'object-ownership-acl',
              'resource-arn-mismatch',
              'kms-key-access',
            ];
      case 'service control policy':
        return ['scp-deny'];
      case 'resource control policy':
        return ['rcp-deny'];
      case 'VPC endpoint policy':
        return ['vpc-endpoint-policy'];
      case 'permissions boundary':
        return ['permissions-boundary'];
      case 'session policy':
        return ['session-policy'];
      default:
        return [];
    }
  })();
  if (msg.transitiveThrough === 'service control policy' && !ids.includes('scp-deny')) ids.push('scp-deny');
  return ids;
}

function describeMessage(msg: EnhancedMessage): string {
  if (msg.kind === 'bpa') return `Block Public Access (${msg.bpaSetting ?? 'a setting'})`;
  if (msg.kind === 'vpce') return 'a VPC endpoint policy';
  const how = msg.kind === 'explicit-deny' ? 'an explicit deny in' : 'no allow in';
  const type = msg.policyType ?? 'policy';
  return `${how} ${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type}${msg.policyArn ? ` (${msg.policyArn})` : ''}`;
}

// ---------------------------------------------------------------------------
// Ranking
// ---------------------------------------------------------------------------

const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { confirmed: 0, likely: 1, possible: 2 };

/** Which engine layers stand behind each cause (to tell an explicit deny from an implicit one). */
const CAUSE_LAYERS: Partial<Record<RootCauseId, readonly LayerId[]>> = {
  'bucket-policy-explicit-deny': ['bucket-policy'],
  'identity-policy-explicit-deny': ['identity-policy'],
  'scp-deny': ['scp'],
  'rcp-deny': ['rcp'],
  'vpc-endpoint-policy': ['vpc-endpoint-policy'],
  'access-point-policy': ['access-point-policy'],
  'permissions-boundary': ['permissions-boundary'],
  'session-policy': ['session-policy'],
  'block-public-access': ['block-public-access'],
  'object-ownership-acl': ['object-ownership'],
  'kms-key-access': ['kms-key-policy', 'kms-grants'],
  'requester-pays': ['requester-pays'],
  'object-lock': ['object-lock'],
};

/** Most specific first among the implicit denials: a specific cause above the general one it implies. */
const IMPLICIT_ORDER: readonly RootCauseId[] = [
  'requester-pays',
  'object-lock',
  'resource-arn-mismatch',
  'missing-object-no-list',
  'service-principal-grant',
  'block-public-access',
  'object-ownership-acl',
  'vpc-endpoint-policy',
  'access-point-policy',
  'rcp-deny',
  'scp-deny',
  'cross-account-no-bucket-grant',
  'permissions-boundary',
  'session-policy',
  'identity-policy-no-allow',
  // S3 calls KMS only once the S3 request itself is authorized
  'kms-key-access',
];

function isExplicit(id: RootCauseId, evaluations: readonly NeedEvaluation[]): boolean {
  const layers = CAUSE_LAYERS[id];
  if (!layers) return false;
  return evaluations.some((e) =>
    e.result.layers.some((l) => layers.includes(l.layer) && l.result === 'explicitly-denied'),
  );
}

function tier(id: RootCauseId, evaluations: readonly NeedEvaluation[]): number {
  if (id === 'request-expired-or-invalid') return 0; // authentication fails before any policy is read
  if (isExplicit(id, evaluations)) return 1;
  return 2;
}

export function rankCauses(
  causes: readonly RootCause[],
  evaluations: readonly NeedEvaluation[],
  pointed: readonly RootCauseId[] = [],
): RootCause[] {
  const named = (id: RootCauseId): number => (pointed.includes(id) ? 0 : 1);
  const order = (id: RootCauseId): number => {
    const i = IMPLICIT_ORDER.indexOf(id);
    return i < 0 ? CHECKERS.findIndex((c) => c.id === id) : i;
  };
  return [...causes].sort(
    (a, b) =>
      CONFIDENCE_RANK[a.confidence] - CONFIDENCE_RANK[b.confidence] ||
      tier(a.id, evaluations) - tier(b.id, evaluations) ||
      named(a.id) - named(b.id) ||
      order(a.id) - order(b.id),
  );
}

// ---------------------------------------------------------------------------
// analyze
// ---------------------------------------------------------------------------

function possibleCause(checker: Checker, check: Check): RootCause {
  const missing = check.missing ?? [];
  return {
    id: checker.id,
    confidence: 'possible',
    title: `Could not check: ${checker.title}`,
    explanation: `This layer could not be evaluated, so it may be what denied the request. Missing: ${missing.join('; ') || 'facts for this layer'}.`,
    evidence: missing.map((m) => ({ layer: checker.id, detail: `not read: ${m}` })),
    fix: {
      summary: `Let the auditor read the missing facts (or add them to the snapshot) and explain again. If this layer is the cause: ${checker.fixSummary}`,
      commands: [],
      verified: false,
    },
    change: null,
  };
}

function messageCause(
  id: RootCauseId,
  request: AccessRequest,
  checker: Checker | undefined,
  missing: readonly string[],
): RootCause {
  const msg = request.enhancedMessage;
  return {
    id,
    confidence: 'likely',
    title: `AWS reports ${describeMessage(msg)}: ${checker?.title ?? id}`,
    explanation: `AWS's own error message says the request was denied by ${describeMessage(msg)}. The layer could not be evaluated here${
      missing.length > 0 ? ` (missing: ${missing.join('; ')})` : ''
    }, so the statement that decided is not known.`,
    evidence: [
      { layer: id, ...(msg.policyArn ? { policy: msg.policyArn } : {}), detail: `errorMessage: ${msg.raw}` },
    ],
    fix: {
      summary: checker?.fixSummary ?? 'See the layer named in the message.',
      commands: [],
      verified: false,
    },
    change: null,
  };
}

function verdictOf(causes: readonly RootCause[]): Verdict {
  if (causes.some((c) => c.confidence === 'confirmed')) return 'explained';
  return causes.length > 0 ? 'partially-explained' : 'unexplained';
}

export function analyze(request: AccessRequest, facts: RequestFacts): Finding {
  return analyzeWithEvaluations(request, facts).finding;
}

/** analyze, also returning the engine's decision per need (computed once), for callers that need both. */
export function analyzeWithEvaluations(
  request: AccessRequest,
  facts: RequestFacts,
): { finding: Finding; evaluations: readonly NeedEvaluation[] } {
  let evaluations: NeedEvaluation[] = [];
  try {
    evaluations = evaluateNeeds(request, facts);
    return { finding: analyzeUnsafe(request, facts, evaluations), evaluations };
  } catch (err) {
    return { finding: failedFinding(request, err), evaluations };
  }
}

function analyzeUnsafe(request: AccessRequest, facts: RequestFacts, evaluations: NeedEvaluation[]): Finding {
  const input: CheckerInput = { request, facts, evaluations };
  const checks: Check[] = [];
  let causes: RootCause[] = [];
  for (const checker of CHECKERS) {
    const r = runChecker(checker, input);
    if (r.status === 'deny') {
      checks.push({ layer: checker.id, status: 'deny', detail: r.title });
      causes.push({
        id: checker.id,
        confidence: r.confidence,
        title: r.title,
        explanation: r.explanation,
        evidence: r.evidence,
        fix: r.fix,
        change: null,
      });
    } else if (r.status === 'unknown') {
      checks.push({
        layer: checker.id,
        status: 'unknown',
        missing: r.missing,
        ...(r.detail ? { detail: r.detail } : {}),
      });
    } else {
      checks.push({ layer: checker.id, status: r.status, ...(r.detail ? { detail: r.detail } : {}) });
    }
  }

  // AWS's message: agreement, disagreement (stated, and our confirmed causes downgraded), or support for an unread layer.
  const msg = request.enhancedMessage;
  const pointed = messageCauses(msg);
  let agrees: boolean | null = null;
  let note: string | undefined;
  if (pointed.length > 0) {
    const status = (id: RootCauseId) => checks.find((c) => c.layer === id)?.status;
    if (causes.some((c) => pointed.includes(c.id) && c.confidence !== 'possible')) {
      agrees = true;
      note = `AWS's message names ${describeMessage(msg)}, which our evaluation confirms.`;
    } else if (
      !pointed.some((id) => status(id) === 'unknown') &&
      pointed.some((id) => status(id) === 'pass')
    ) {
      agrees = false;
      note = `Disagreement: AWS's message names ${describeMessage(msg)}, but our evaluation of the facts finds that layer does not deny (${pointed
        .map((id) => `${id}: ${status(id) ?? 'not checked'}`)
        .join(', ')}). The facts may be stale or incomplete; the causes below are therefore only likely.`;
      causes = causes.map((c) =>
        c.confidence === 'confirmed' ? { ...c, confidence: 'likely' as const } : c,
      );
      const id = pointed[0]!;
      causes.push(
        messageCause(
          id,
          request,
          CHECKERS.find((c) => c.id === id),
          [],
        ),
      );
    } else {
      // the layer could not be read, or the request as reconstructed does not reach it (e.g. an unmapped operation)
      const id = pointed.find((x) => status(x) === 'unknown') ?? pointed[0]!;
      const missing = checks.find((c) => c.layer === id)?.missing ?? [];
      causes.push(
        messageCause(
          id,
          request,
          CHECKERS.find((c) => c.id === id),
          missing,
        ),
      );
      note = `AWS's message names ${describeMessage(msg)}; that layer could not be evaluated here, so the cause rests on the message alone.`;
    }
  }

  if (!causes.some((c) => c.confidence === 'confirmed')) {
    for (const checker of CHECKERS) {
      const check = checks.find((c) => c.layer === checker.id);
      if (check?.status === 'unknown' && !causes.some((c) => c.id === checker.id))
        causes.push(possibleCause(checker, check));
    }
  }

  const s3Evals = evaluations.filter((e) => !isKmsAction(e.need.action));
  if (causes.length === 0 && s3Evals.length > 0 && s3Evals.every((e) => e.result.decision === 'allowed')) {
    note = `${note ? `${note} ` : ''}Our evaluation of the facts allows this request: the facts may be older than the denial, or the denial comes from something not modelled here.`;
  }

  const rootCauses = rankCauses(causes, evaluations, pointed);
  return {
    eventId: request.eventId,
    eventTime: request.eventTime,
    region: request.region,
    request: toFindingRequest(request),
    verdict: verdictOf(rootCauses),
    rootCauses,
    checks,
    awsMessage: {
      kind: msg.kind,
      policyType: msg.policyType,
      policyArn: msg.policyArn,
      agreesWithEvaluation: agrees,
      ...(note ? { note } : {}),
    },
  };
}

/** The finding when the analysis itself failed: the request is intact, the error is stated. */
export function failedFinding(request: AccessRequest, error: unknown): Finding {
  const msg: Partial<EnhancedMessage> = request.enhancedMessage ?? {};
  return {
    eventId: request.eventId,
    eventTime: request.eventTime,
    region: request.region,
    request: toFindingRequest(request),
    verdict: 'unexplained',
    rootCauses: [],
    checks: [],
    awsMessage: {
      kind: msg.kind ?? 'generic',
      policyType: msg.policyType ?? null,
      policyArn: msg.policyArn ?? null,
      agreesWithEvaluation: null,
    },
    error: errorText(error),
  };
}
