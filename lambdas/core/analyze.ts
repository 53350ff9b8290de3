/**
 * facts + request -> Finding. Evaluates every need once with the engine, runs every checker (a checker that
 * throws becomes an `unknown` check), ranks the causes and compares the result with AWS's own message.
 *
 * Ranking (issue 13): confirmed, then likely (evidence-backed: an inferred value, AWS's message, the bucket's default
 * key), then possible. The record's evidence comes first: a decisive error code confirms its cause and the causes it
 * rules out are not named; a cause resting on a value the record only implies is likely, never confirmed. Among the
 * possible causes: those AWS's message names, then how close the layer came to denying (closeness), then the
 * record's hints, then how often the cause occurs in practice (PRIOR). Each possible cause names the single read that
 * would settle it (./settle.ts).
 */
import { CHECKERS } from './checkers';
import type { Checker, CheckerInput, CheckResult, NeedEvaluation, UndecidedFix } from './checkers/types';
import { buildAuthorizationInput, buildKmsInput } from './fix/input';
import { sessionTagInference } from './fix/context';
import { kmsActionNeed, kmsKeyArn, kmsNeeds } from './fix/kms';
import { policyLabel, soleUndecidedDeny, statementDetail, statementLabel } from './fix/layers';
import { remainingDenials } from './fix/verify';
import type {
  AccessRequest,
  Check,
  Confidence,
  EnhancedMessage,
  Evidence,
  ErrorCodeEvidence,
  Finding,
  FindingRequest,
  RecordEvidence,
  RequestFacts,
  RootCause,
  RootCauseId,
  Verdict,
} from './model';
import { authorize, authorizeKms } from './policy';
import type { LayerId } from './policy/types';
import { sessionTagsRead, settleText, settlingRead, type SettlingRead } from './settle';

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
      // a service calling with the caller's credentials (not a service principal, whose arn names it)
      ...(p.type !== 'AWSService' && p.invokedBy !== null ? { invokedBy: p.invokedBy } : {}),
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
    out.push({
      need: kmsActionNeed(k, kmsKeyArn(request, facts, k)),
      result: authorizeKms(buildKmsInput(request, k, facts)),
    });
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
  if (msg.kind === 'sse-c-blocked') return ['sse-c-blocked'];
  if (msg.kind === 'mfa-delete') return ['mfa-delete'];
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
  if (msg.kind === 'sse-c-blocked') return "the bucket's block on SSE-C uploads";
  if (msg.kind === 'mfa-delete') return "the bucket's MFA delete";
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
  'sse-c-blocked': ['blocked-encryption'],
  'mfa-delete': ['mfa-delete'],
};

/**
 * The engine layers each cause rests on, for the implicit causes too: how close an unknown layer came to denying,
 * what single read settles it, and whether the cause rests on an inferred value. A cause without an entry (a new
 * id) is ranked as a layer that was not read, and its possible cause names no read.
 */
const RESTS_ON: Partial<Record<RootCauseId, readonly LayerId[]>> = {
  ...CAUSE_LAYERS,
  'identity-policy-no-allow': ['identity-policy'],
  'resource-arn-mismatch': ['identity-policy'],
  'cross-account-no-bucket-grant': ['bucket-policy', 'acl'],
};

/** Most specific first among the implicit denials: a specific cause above the general one it implies. */
const IMPLICIT_ORDER: readonly RootCauseId[] = [
  'sse-c-blocked',
  'mfa-delete',
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

/**
 * How often each cause is behind an S3 403 in practice, most frequent first: the last tie-break among causes that
 * are merely possible and came equally close to denying (issue 13 item 2). The order follows AWS's own
 * troubleshooting guide, which checks the bucket policy and the caller's policies first, then encryption, object
 * ownership and ACLs, Block Public Access, endpoints and access points, and the organization and session
 * guardrails last (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html), and which
 * layers a request can meet at all: a guardrail that only some principals or some networks have is rarer than a
 * policy every request meets. A cause not listed (a new id) comes after these, in checker order.
 * docs/ROOT-CAUSES.md prints this table (scripts/gen-root-causes.ts).
 */
export const PRIOR: readonly { readonly id: RootCauseId; readonly why: string }[] = [
  {
    id: 'sse-c-blocked',
    why: 'applies only to uploads that specify SSE-C, and for them it is the usual 403 since April 2026, when S3 began blocking SSE-C by default on new buckets',
  },
  {
    id: 'service-principal-grant',
    why: 'applies only to AWS service callers (CloudFront, log delivery, replication), and for them the missing or mis-scoped service grant (aws:SourceArn, aws:SourceAccount) is the usual 403',
  },
  {
    id: 'bucket-policy-explicit-deny',
    why: 'every request meets the bucket policy, and its conditions (source IP, VPC endpoint, TLS, organization, encryption headers) are the most common explicit deny on S3',
  },
  {
    id: 'identity-policy-no-allow',
    why: "a missing Allow in the caller's own policies is the most common implicit deny",
  },
  {
    id: 'resource-arn-mismatch',
    why: 'the most common way an existing Allow misses (bucket ARN vs bucket/* ARN)',
  },
  {
    id: 'kms-key-access',
    why: 'every SSE-KMS object needs key permissions besides the S3 ones',
  },
  {
    id: 'cross-account-no-bucket-grant',
    why: 'cross-account access needs both sides; the bucket side is the one forgotten',
  },
  {
    id: 'missing-object-no-list',
    why: 'a mistyped or deleted key reads as 403 for every caller without s3:ListBucket',
  },
  {
    id: 'object-ownership-acl',
    why: 'only objects another account wrote without BucketOwnerEnforced, or requests that set ACLs',
  },
  {
    id: 'requester-pays',
    why: 'only Requester Pays buckets read from another account without x-amz-request-payer',
  },
  {
    id: 'object-lock',
    why: 'only deletes and retention changes of versions under Object Lock retention or legal hold',
  },
  {
    id: 'mfa-delete',
    why: 'applies only to permanent deletes of object versions and versioning changes, on a bucket whose root user turned MFA delete on (few do); there it refuses every caller but that root user with its MFA',
  },
  {
    id: 'identity-policy-explicit-deny',
    why: 'Deny statements in identity policies are rarer than in bucket policies',
  },
  {
    id: 'block-public-access',
    why: 'only public grants (anonymous or any-principal access) and public ACLs',
  },
  { id: 'vpc-endpoint-policy', why: 'only requests through a VPC endpoint with a custom policy' },
  { id: 'access-point-policy', why: 'only requests through an access point' },
  { id: 'permissions-boundary', why: 'only principals that have a permissions boundary' },
  {
    id: 'scp-deny',
    why: 'organization guardrails: rarer than bucket-policy conditions, and usually broad and well known',
  },
  { id: 'rcp-deny', why: 'newer and rarer than SCPs' },
  {
    id: 'session-policy',
    why: 'only sessions created with a session policy, which few callers pass',
  },
  { id: 'request-expired-or-invalid', why: 'decided from the record alone: never merely possible' },
];

/**
 * In a cross-account request two causes move up: the missing bucket-side grant comes first (a cross-account request
 * needs an Allow on the bucket side as well, and that side is the one most often missing,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html), and
 * RCPs come before SCPs (RCPs are the bucket owner's organization perimeter against principals from outside,
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
 */
export const CROSS_ACCOUNT_FIRST: readonly RootCauseId[] = ['cross-account-no-bucket-grant'];

/** The prior order of the causes for this request (PRIOR, adjusted for a cross-account request). */
export function priorOrder(crossAccount: boolean): RootCauseId[] {
  const base = PRIOR.map((p) => p.id);
  if (!crossAccount) return base;
  const rest = base.filter((id) => !CROSS_ACCOUNT_FIRST.includes(id));
  const scp = rest.indexOf('scp-deny');
  const rcp = rest.indexOf('rcp-deny');
  if (scp >= 0 && rcp > scp) {
    rest.splice(rcp, 1);
    rest.splice(scp, 0, 'rcp-deny');
  }
  return [...CROSS_ACCOUNT_FIRST, ...rest];
}

/**
 * How close an unknown layer came to denying, for a merely possible cause (lower is closer):
 * 0 a Deny statement matches on everything known and depends only on unknown keys;
 * 1 the layer was read, but an Allow it needs cannot be confirmed;
 * 2 the layer (or the fact the cause needs) was not read at all.
 */
export type Closeness = 0 | 1 | 2;

export function closeness(
  id: RootCauseId,
  evaluations: readonly NeedEvaluation[],
  fromChecker: Closeness = 2,
): Closeness {
  const layers = RESTS_ON[id] ?? [];
  let best: Closeness = fromChecker;
  for (const e of evaluations)
    for (const l of e.result.layers) {
      if (l.result !== 'unknown' || !layers.includes(l.layer)) continue;
      if (l.leansDeny) return 0;
      for (const p of l.policies)
        if (p.statements.some((s) => s.effect === 'Deny' && s.matched === 'unknown')) return 0;
      if (l.policies.length > 0 && best > 1) best = 1;
    }
  return best;
}

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

/** What the ranking knows besides the causes: the engine's decisions and what the record points at. */
export interface RankingContext {
  readonly evaluations: readonly NeedEvaluation[];
  /** The causes AWS's enhanced message names (primary first). */
  readonly pointed?: readonly RootCauseId[];
  /** The causes the record's other evidence items point at (request headers …): hints, below decisive codes. */
  readonly hinted?: readonly RootCauseId[];
  /** What the checkers said about how close an unknown cause came (CheckResult closeness). */
  readonly checkerCloseness?: ReadonlyMap<RootCauseId, Closeness>;
  /** The request is cross-account (the prior changes: see priorOrder). */
  readonly crossAccount?: boolean;
}

export function rankCauses(causes: readonly RootCause[], ctx: RankingContext): RootCause[] {
  const { evaluations } = ctx;
  const pointed = ctx.pointed ?? [];
  const hinted = ctx.hinted ?? [];
  const named = (id: RootCauseId): number => (pointed.includes(id) ? 0 : 1);
  const hint = (id: RootCauseId): number => (hinted.includes(id) ? 0 : 1);
  const checkerOrder = (id: RootCauseId): number => {
    const i = CHECKERS.findIndex((c) => c.id === id);
    return i < 0 ? CHECKERS.length : i;
  };
  const order = (id: RootCauseId): number => {
    const i = IMPLICIT_ORDER.indexOf(id);
    return i < 0 ? IMPLICIT_ORDER.length + checkerOrder(id) : i;
  };
  const priors = priorOrder(ctx.crossAccount === true);
  const prior = (id: RootCauseId): number => {
    const i = priors.indexOf(id);
    return i < 0 ? priors.length + checkerOrder(id) : i;
  };
  const close = new Map<RootCauseId, Closeness>();
  const closeOf = (id: RootCauseId): Closeness => {
    let c = close.get(id);
    if (c === undefined) close.set(id, (c = closeness(id, evaluations, ctx.checkerCloseness?.get(id))));
    return c;
  };
  return [...causes].sort((a, b) => {
    const byConfidence = CONFIDENCE_RANK[a.confidence] - CONFIDENCE_RANK[b.confidence];
    if (byConfidence !== 0) return byConfidence;
    if (a.confidence === 'possible')
      return (
        named(a.id) - named(b.id) ||
        closeOf(a.id) - closeOf(b.id) ||
        hint(a.id) - hint(b.id) ||
        prior(a.id) - prior(b.id)
      );
    return (
      tier(a.id, evaluations) - tier(b.id, evaluations) ||
      named(a.id) - named(b.id) ||
      hint(a.id) - hint(b.id) ||
      order(a.id) - order(b.id)
    );
  });
}

// ---------------------------------------------------------------------------
// Inferred values and record evidence
// ---------------------------------------------------------------------------

const denies = (r: string): boolean => r === 'explicitly-denied' || r === 'implicitly-denied';

/**
 * The inferred keys a denying cause rests on, or null: every layer of the cause that denies does so only thanks to
 * an inferred value (LayerResult.dependsOnInferred), or, for an implicit cause, the denial itself rests on one.
 */
function inferredBasis(id: RootCauseId, evaluations: readonly NeedEvaluation[]): string[] | null {
  const layers = RESTS_ON[id] ?? [];
  const kms = id === 'kms-key-access';
  const evals = evaluations.filter((e) => isKmsAction(e.need.action) === kms);
  const hits = evals.flatMap((e) =>
    e.result.layers.filter((l) => layers.includes(l.layer) && denies(l.result)),
  );
  const keys = new Set<string>();
  if (hits.length > 0 && hits.every((l) => l.dependsOnInferred)) {
    for (const l of hits) for (const k of l.dependsOnInferred ?? []) keys.add(k);
    return [...keys];
  }
  if (isExplicit(id, evaluations)) return null;
  const denied = evals.filter((e) => denies(e.result.decision));
  if (denied.length > 0 && denied.every((e) => e.result.dependsOnInferred)) {
    for (const e of denied) for (const k of e.result.dependsOnInferred ?? []) keys.add(k);
    return [...keys];
  }
  return null;
}

/** A confirmed cause that rests on an inferred value is only likely: said, with what was inferred and from what. */
function withInferredBasis(
  cause: RootCause,
  request: AccessRequest,
  facts: RequestFacts,
  keys: readonly string[],
): RootCause {
  const inferred = { ...request.context.inferred, ...sessionTagInference(request, facts) };
  const fromFacts: string[] = [];
  const fromRecord: string[] = [];
  const lines = keys.map((k) => {
    const name = Object.keys(inferred).find((n) => n.toLowerCase() === k.toLowerCase()) ?? k;
    const v = inferred[name];
    const value = v ? (Array.isArray(v.value) ? v.value.join(', ') : String(v.value)) : '?';
    // an empty list is a likely absence (InferredValue.value)
    const stated = Array.isArray(v?.value) && v.value.length === 0 ? `${name} absent` : `${name} = ${value}`;
    if (v?.source === 'facts') {
      fromFacts.push(name);
      const read = sessionTagsRead(request, facts, name);
      const settle = read?.command ? `. To settle it, read ${read.what}: ${read.command}` : '';
      return {
        layer: 'principal',
        detail: `${stated} is likely, not certain: ${v.reason}${settle}`,
      };
    }
    fromRecord.push(name);
    return {
      layer: 'record',
      detail: `${stated} is inferred, not recorded: ${v?.reason ?? 'implied by the record'} (record fields: ${(v?.from ?? []).join(', ') || 'unknown'})`,
    };
  });
  const basis = [
    ...(fromRecord.length > 0
      ? [`${fromRecord.join(', ')}, which the record implies but does not state`]
      : []),
    ...(fromFacts.length > 0
      ? [
          `${fromFacts.join(', ')}, the ${facts.principal?.status === 'known' && facts.principal.value.kind === 'user' ? "IAM user's" : "role's"} own tags, which a session tag the record does not show may override`,
        ]
      : []),
  ];
  return {
    ...cause,
    confidence: cause.confidence === 'confirmed' ? 'likely' : cause.confidence,
    explanation: `${cause.explanation} This rests on ${basis.join(', and on ')}, so the cause is likely rather than confirmed.`,
    evidence: [...cause.evidence, ...lines],
  };
}

/**
 * The cause a decisive error code names, from the record (when no checker found it in the facts): confirmed, or
 * likely when the facts say that layer allows now (they may be newer than the denial, or miss what it saw).
 */
function recordCause(
  id: RootCauseId,
  code: ErrorCodeEvidence,
  checker: Checker | undefined,
  factsAllow: boolean,
): RootCause {
  return {
    id,
    confidence: factsAllow ? 'likely' : 'confirmed',
    title: `The error code ${code.code} names it: ${checker?.title ?? id}`,
    explanation: `${code.code}: ${code.meaning}. The error code alone decides where the denial came from (${code.url}).${
      factsAllow
        ? ' The facts read now say this layer allows the request: they may be newer than the denial, or miss what it saw, so the cause is likely rather than confirmed.'
        : ''
    }`,
    evidence: [{ layer: 'record', detail: `errorCode ${code.code}: ${code.meaning}` }],
    fix: {
      summary: checker?.fixSummary ?? 'See the layer the error code names.',
      commands: [],
      verified: false,
    },
    change: null,
  };
}

/**
 * A cause found otherwise (a checker, AWS's message) that a decisive error code names: confirmed, with the code in its
 * evidence; but while the facts read now say that layer allows, only likely, as recordCause has it (the facts
 * disagree with the record, whether or not AWS's message named the layer too).
 */
function confirmedByRecord(cause: RootCause, code: ErrorCodeEvidence, factsAllow: boolean): RootCause {
  if (cause.confidence === 'confirmed') return cause;
  return {
    ...cause,
    confidence: factsAllow ? 'likely' : 'confirmed',
    evidence: [{ layer: 'record', detail: `errorCode ${code.code}: ${code.meaning}` }, ...cause.evidence],
  };
}

/** The causes that confirmed evidence of the record rules out (a decisive error code, an expired presigned URL). */
function ruledOutBy(evidence: RecordEvidence | undefined): Set<RootCauseId> {
  const out = new Set<RootCauseId>();
  for (const item of evidence?.items ?? [])
    if (item.confidence === 'confirmed') for (const id of item.rulesOut) out.add(id);
  return out;
}

/** The causes the record's other evidence points at (request headers, network, transport): ranking hints. */
function hintsOf(evidence: RecordEvidence | undefined): RootCauseId[] {
  const out = new Set<RootCauseId>();
  for (const item of evidence?.items ?? [])
    if (item.kind !== 'error-code' && item.kind !== 'aws-message')
      for (const id of item.pointsAt) out.add(id);
  return [...out];
}

// ---------------------------------------------------------------------------
// analyze
// ---------------------------------------------------------------------------

function possibleCause(
  checker: Checker,
  check: Check,
  settle: SettlingRead | null,
  undecided?: UndecidedFix,
): RootCause {
  const missing = check.missing ?? [];
  const settleLine = settle ? ` ${settleText(settle)}` : '';
  if (undecided !== undefined) {
    // the one Deny that may match, and a change verified to let the request through whatever the missing facts are
    const where = `statement ${undecided.statement} of ${undecided.policyName}`;
    return {
      id: checker.id,
      confidence: 'possible',
      title: `Statement ${undecided.statement} of ${undecided.policyName} may deny this request (it could not be decided)`,
      explanation: `This layer could not be evaluated, so it may be what denied the request: ${where} is the only Deny of the layer that may match (${undecided.detail}). Missing: ${missing.join('; ') || 'facts for this layer'}.${settleLine}`,
      evidence: [
        ...missing.map((m) => ({ layer: checker.id, detail: `not read: ${m}` })),
        {
          layer: checker.id,
          statement: undecided.statement,
          policy: undecided.policy,
          detail: undecided.detail,
        },
      ],
      fix: undecided.fix,
      change: null,
    };
  }
  return {
    id: checker.id,
    confidence: 'possible',
    title: `Could not check: ${checker.title}`,
    explanation: `This layer could not be evaluated, so it may be what denied the request. Missing: ${missing.join('; ') || 'facts for this layer'}.${settleLine}`,
    evidence: missing.map((m) => ({ layer: checker.id, detail: `not read: ${m}` })),
    fix: {
      summary: `${settle ? `${settleText(settle)} ` : 'Let the auditor read the missing facts (or add them to the snapshot) and explain again. '}If this layer is the cause: ${checker.fixSummary}`,
      commands: settle?.command ? [settle.command] : [],
      verified: false,
    },
    change: null,
  };
}

/**
 * The only layer left that could have refused a request AWS denied, every other check passing: likely (the
 * configuration may have changed since the denial, or the denial may come from something not modelled here).
 */
function byElimination(cause: RootCause): RootCause {
  const unchecked = /^Could not check: (.*)$/.exec(cause.title);
  return {
    ...cause,
    confidence: 'likely',
    title: unchecked ? `${unchecked[1]!} (not checked: every other check passes)` : cause.title,
    explanation: `${cause.explanation} Every other check passes, so unless the configuration changed since the denial (or the denial comes from something not modelled here), this is what refused the request.`,
  };
}

function messageCause(
  id: RootCauseId,
  request: AccessRequest,
  checker: Checker | undefined,
  missing: readonly string[],
  evaluations: readonly NeedEvaluation[],
  /** The layer was read and does not deny (a disagreement), rather than not evaluated. */
  readPasses = false,
  /** The checker's verified change to the layer's one undecided Deny (../fix/undecided-deny.ts). */
  undecided?: UndecidedFix,
): RootCause {
  const msg = request.enhancedMessage;
  const said = `AWS's own error message says the request was denied by ${describeMessage(msg)}.`;
  const evidence: Evidence[] = [
    { layer: id, ...(msg.policyArn ? { policy: msg.policyArn } : {}), detail: `errorMessage: ${msg.raw}` },
  ];
  // an explicit deny in a layer that could not be decided, where only one Deny statement may match: that one
  const sole =
    !readPasses && msg.kind === 'explicit-deny'
      ? soleUndecidedDeny(evaluations, CAUSE_LAYERS[id] ?? [], msg.policyArn ?? undefined)
      : null;
  if (sole !== null) {
    const label = statementLabel(sole.statement);
    const where = `statement ${label} of ${sole.policy.policy.name}`;
    const open = sole.statement.conditions.filter((c) => c.result === 'unknown').map((c) => c.key);
    return {
      id,
      confidence: 'likely',
      title: `AWS reports ${describeMessage(msg)}: ${where}, the only Deny there that may match`,
      explanation: `${said} Of the statements read here, only ${where} is a Deny that may match this request (${statementDetail(sole.statement)})${
        open.length > 0 ? `; it could not be decided without ${[...new Set(open)].join(', ')}` : ''
      }. Unless the policies changed since they were read, it is the statement that denied.`,
      evidence: [
        ...evidence,
        {
          layer: sole.layer,
          statement: label,
          policy: policyLabel(sole.policy),
          detail: statementDetail(sole.statement),
        },
      ],
      fix:
        undecided !== undefined &&
        undecided.statement === label &&
        undecided.policy === policyLabel(sole.policy)
          ? undecided.fix
          : {
              summary: `Change or satisfy ${where}. ${checker?.fixSummary ?? ''}`.trim(),
              commands: [],
              verified: false,
            },
      change: null,
    };
  }
  const layer = readPasses
    ? 'The facts read here say this layer does not deny (they may be stale or incomplete)'
    : `The layer could not be evaluated here${missing.length > 0 ? ` (missing: ${missing.join('; ')})` : ''}`;
  return {
    id,
    confidence: 'likely',
    title: `AWS reports ${describeMessage(msg)}: ${checker?.title ?? id}`,
    explanation: `${said} ${layer}, so the statement that decided is not known.`,
    evidence,
    fix: {
      summary: checker?.fixSummary ?? 'See the layer named in the message.',
      commands: [],
      verified: false,
    },
    change: null,
  };
}

/** The error code itself explains the denial and names no access-control layer (AllAccessDisabled …). */
const notAccessControl = (code: ErrorCodeEvidence | undefined): boolean =>
  code !== undefined && code.decisive && code.pointsAt.length === 0;

function verdictOf(causes: readonly RootCause[], code: ErrorCodeEvidence | undefined): Verdict {
  if (causes.some((c) => c.confidence === 'confirmed') || notAccessControl(code)) return 'explained';
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
  const checkerCloseness = new Map<RootCauseId, Closeness>();
  const undecided = new Map<RootCauseId, UndecidedFix>();
  let causes: RootCause[] = [];
  for (const checker of CHECKERS) {
    const r = runChecker(checker, input);
    if (r.status === 'deny') {
      checks.push({ layer: checker.id, status: 'deny', detail: r.title });
      const cause: RootCause = {
        id: checker.id,
        confidence: r.confidence,
        title: r.title,
        explanation: r.explanation,
        evidence: r.evidence,
        fix: r.fix,
        change: null,
      };
      // the engine says what rests on a value the record only implies: such a cause is at most likely
      const basis = inferredBasis(checker.id, evaluations);
      causes.push(basis ? withInferredBasis(cause, request, facts, basis) : cause);
    } else if (r.status === 'unknown') {
      if (r.closeness !== undefined) checkerCloseness.set(checker.id, r.closeness);
      if (r.undecidedFix !== undefined) undecided.set(checker.id, r.undecidedFix);
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
          evaluations,
          true,
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
          evaluations,
          false,
          undecided.get(id),
        ),
      );
      note = `AWS's message names ${describeMessage(msg)}; that layer could not be evaluated here, so the cause rests on the message alone.`;
    }
  }

  // The record's evidence: a decisive error code confirms its cause, and what confirmed evidence rules out is not a
  // cause of this denial (the checks still show what each layer says).
  const code = request.evidence?.errorCode;
  if (code?.decisive) {
    for (const id of code.pointsAt) {
      const i = causes.findIndex((c) => c.id === id);
      const factsAllow = checks.find((c) => c.layer === id)?.status === 'pass';
      if (i >= 0) causes[i] = confirmedByRecord(causes[i]!, code, factsAllow);
      else
        causes.push(
          recordCause(
            id,
            code,
            CHECKERS.find((c) => c.id === id),
            factsAllow,
          ),
        );
    }
  }
  const ruledOut = ruledOutBy(request.evidence);
  const keep = new Set<RootCauseId>(code?.decisive ? code.pointsAt : []);
  const dropped = causes.filter((c) => ruledOut.has(c.id) && !keep.has(c.id));
  causes = causes.filter((c) => !ruledOut.has(c.id) || keep.has(c.id));
  if (code?.decisive) {
    const others = dropped.filter((c) => c.confidence !== 'possible').map((c) => c.id);
    const what =
      code.pointsAt.length > 0
        ? `The error code ${code.code} decides the cause (${code.pointsAt.join(', ')})`
        : `The error code ${code.code} explains the denial: ${code.meaning}. No access-control layer refused this request, so no root cause is named`;
    note = `${note ? `${note} ` : ''}${what}${
      others.length > 0 ? `; what the other layers say (${others.join(', ')}) is not what refused it` : ''
    }.`;
  }

  if (!causes.some((c) => c.confidence === 'confirmed')) {
    for (const checker of CHECKERS) {
      const check = checks.find((c) => c.layer === checker.id);
      if (
        check?.status === 'unknown' &&
        !causes.some((c) => c.id === checker.id) &&
        !ruledOut.has(checker.id)
      )
        causes.push(
          possibleCause(
            checker,
            check,
            settlingRead(checker.id, RESTS_ON[checker.id] ?? [], request, facts, evaluations),
            undecided.get(checker.id),
          ),
        );
    }
  }

  // Elimination: AWS denied the recorded request, every other check passes, and one layer could not be decided.
  const only = causes.length === 1 ? causes[0]! : null;
  if (
    only?.confidence === 'possible' &&
    request.evidence !== undefined &&
    !code?.decisive &&
    checks.every((k) => k.layer === only.id || k.status === 'pass' || k.status === 'not-applicable')
  )
    causes = [byElimination(only)];

  const s3Evals = evaluations.filter((e) => !isKmsAction(e.need.action));
  if (
    causes.length === 0 &&
    !code?.decisive &&
    s3Evals.length > 0 &&
    s3Evals.every((e) => e.result.decision === 'allowed')
  ) {
    note = `${note ? `${note} ` : ''}Our evaluation of the facts allows this request: the facts may be older than the denial, or the denial comes from something not modelled here.`;
  }
  // Safety net: the engine denies, yet no checker names a cause (a gap in the checkers, never "every layer allows").
  const unmatched =
    causes.length === 0 && !code?.decisive
      ? [
          ...new Set(
            s3Evals
              .filter(
                (e) => e.result.decision === 'explicitly-denied' || e.result.decision === 'implicitly-denied',
              )
              .flatMap((e) => remainingDenials(e.result)),
          ),
        ]
      : [];

  const rootCauses = rankCauses(causes, {
    evaluations,
    pointed,
    hinted: hintsOf(request.evidence),
    checkerCloseness,
    crossAccount: request.crossAccount === true,
  });
  return {
    eventId: request.eventId,
    eventTime: request.eventTime,
    region: request.region,
    request: toFindingRequest(request),
    verdict: verdictOf(rootCauses, code),
    rootCauses,
    checks,
    awsMessage: {
      kind: msg.kind,
      policyType: msg.policyType,
      policyArn: msg.policyArn,
      agreesWithEvaluation: agrees,
      ...(note ? { note } : {}),
    },
    ...(request.evidence ? { recordEvidence: request.evidence } : {}),
    ...(unmatched.length > 0 ? { unmatchedDenial: unmatched } : {}),
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
