/**
 * `simulate`: would this request be allowed, and why? The same engine as `explain`, with a hypothetical request
 * (principal ARN, action, resource, condition context) instead of a CloudTrail record.
 *
 * Context: the keys given by the caller, plus the keys the snapshot determines (principal ARN / account / tags /
 * org id, resource account, ...) and the keys every authenticated HTTPS request carries (aws:SecureTransport=true,
 * aws:CurrentTime, ...). Given keys win. Any other key is absent (otherKeys 'absent').
 * KMS: for an SSE-KMS object the KMS call S3 makes on the caller's behalf is evaluated too.
 * A session whose session policy the snapshot does not carry is simulated without a session policy.
 */
import { analyze, evaluateNeeds } from './analyze';
import { needResources, parseEnhancedMessage } from './event';
import {
  isKnown,
  known,
  type AccessRequest,
  type ActionNeed,
  type Principal,
  type PrincipalType,
  type RequestFacts,
  type RootCause,
} from './model';
import { applyingStatements } from './policy/s3/evaluate';
import { lowerKey } from './policy/variables';
import { ownValue } from './own';
import type {
  AuthorizationResult,
  Decision,
  LayerId,
  LayerOutcome,
  PolicyEvaluation,
  StatementTrace,
  Tri,
} from './policy/types';

export interface SimulationRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface SimulationStatement {
  readonly sid: string | null;
  readonly index: number; // 1-based
  readonly effect: 'Allow' | 'Deny';
  readonly matched: Tri;
  readonly detail: string;
  /** The policy the statement belongs to (its name), and its ARN when it has one. */
  readonly policy: string;
  readonly policyArn?: string;
}

export interface SimulationLayer {
  readonly layer: LayerId;
  readonly result: LayerOutcome;
  readonly statements: readonly SimulationStatement[];
  /** The resource ARN this layer was evaluated for (requests through an access point need two). */
  readonly resource: string;
  readonly note?: string;
  readonly missing?: readonly string[];
}

export interface Simulation {
  readonly request: SimulationRequest;
  /** 'unknown' when a layer that could change the outcome could not be read from the snapshot. */
  readonly decision: Decision | 'unknown';
  /** Only with decision 'unknown': each missing fact that could change the answer (docs/CLI.md, Simulation). */
  readonly missing?: readonly string[];
  readonly layers: readonly SimulationLayer[];
  readonly rootCauses: readonly RootCause[];
}

export interface SimulationView {
  gatherSync(request: AccessRequest): RequestFacts;
}

/** A hypothetical request the simulator cannot understand (exit 2 in the CLI). */
export class SimulationInputError extends Error {
  override readonly name = 'SimulationInputError';
}

const SESSION_NAME = 's3-403-simulate';
const ACTION = /^s3:[A-Za-z0-9]+$/;

interface ParsedResource {
  readonly bucket: string | null;
  readonly key: string | null;
  readonly accessPointArn: string | null;
  readonly accessPointAccount: string | null;
}

function parseResource(resource: string): ParsedResource {
  // `s`: a key may hold any character, line terminators too (`.` alone stops at \n, \r, U+2028, U+2029)
  const s3 = /^arn:aws[a-z-]*:s3:::([^/]+)(?:\/(.*))?$/s.exec(resource);
  if (s3)
    return { bucket: s3[1] ?? null, key: s3[2] ?? null, accessPointArn: null, accessPointAccount: null };
  const ap = /^(arn:aws[a-z-]*:s3:[a-z0-9-]+:(\d{12}):accesspoint\/[^/]+)(?:\/object\/(.+))?$/s.exec(
    resource,
  );
  if (ap)
    return {
      bucket: null,
      key: ap[3] ?? null,
      accessPointArn: ap[1] ?? null,
      accessPointAccount: ap[2] ?? null,
    };
  throw new SimulationInputError(
    `resource "${resource}" is not an S3 bucket, object or access point ARN (e.g. arn:aws:s3:::my-bucket/key)`,
  );
}

const BASE_PRINCIPAL: Principal = {
  type: 'Unknown',
  arn: null,
  identityArn: null,
  accountId: null,
  sessionName: null,
  principalId: null,
  accessKeyId: null,
  invokedBy: null,
  userName: null,
  mfaAuthenticated: null,
  federatedProvider: null,
};

/** The principal of a hypothetical request, from an ARN (or account id, `*`, a service principal). */
export function parsePrincipal(text: string): Principal {
  const p = (type: PrincipalType, rest: Partial<Principal>): Principal => ({
    ...BASE_PRINCIPAL,
    type,
    ...rest,
  });
  if (text === '*' || text.toLowerCase() === 'anonymous') return p('Anonymous', {});
  if (/^\d{12}$/.test(text))
    return p('Root', {
      arn: `arn:aws:iam::${text}:root`,
      identityArn: `arn:aws:iam::${text}:root`,
      accountId: text,
    });
  if (/^[a-z0-9.-]+\.amazonaws\.com$/.test(text)) return p('AWSService', { invokedBy: text });
  const iam = /^arn:(aws[a-z-]*):iam::(\d{12}):(root|user|role)(?:\/(?:.*\/)?([^/]+))?$/.exec(text);
  if (iam) {
    const [, partition, accountId, kind, name] = iam;
    if (kind === 'root') return p('Root', { arn: text, identityArn: text, accountId: accountId ?? null });
    if (kind === 'user' && name)
      return p('IAMUser', { arn: text, identityArn: text, accountId: accountId ?? null, userName: name });
    if (kind === 'role' && name) {
      const arn = `arn:${partition ?? 'aws'}:sts::${accountId ?? ''}:assumed-role/${name}/${SESSION_NAME}`;
      return p('AssumedRole', {
        arn,
        identityArn: text,
        accountId: accountId ?? null,
        sessionName: SESSION_NAME,
      });
    }
  }
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(text);
  if (session) {
    const [, partition, accountId, role, name] = session;
    return p('AssumedRole', {
      arn: text,
      identityArn: `arn:${partition ?? 'aws'}:iam::${accountId ?? ''}:role/${role ?? ''}`,
      accountId: accountId ?? null,
      sessionName: name ?? null,
    });
  }
  const federated = /^arn:aws[a-z-]*:sts::(\d{12}):federated-user\/(.+)$/.exec(text);
  if (federated)
    return p('FederatedUser', {
      arn: text,
      accountId: federated[1] ?? null,
      sessionName: federated[2] ?? null,
    });
  throw new SimulationInputError(
    `principal "${text}" is not an IAM user, role, assumed-role session or federated-user ARN, an account id, a root ARN, a service principal or "*"`,
  );
}

/**
 * The need of a hypothetical request. Through an access point: one need on the access point ARN, carrying the bucket
 * (object) ARN behind it for the bucket policy, as for a CloudTrail record (actions/needs.ts).
 */
function needsFor(action: string, resource: string, r: ParsedResource, bucket: string | null): ActionNeed[] {
  const type = r.key === null ? 'bucket' : 'object';
  if (r.accessPointArn === null) return [{ action, resource, resourceType: type, bucket, key: r.key }];
  const partition = /^arn:(aws[a-z-]*):/.exec(resource)?.[1] ?? 'aws';
  const bucketArn = `arn:${partition}:s3:::${bucket ?? ''}`;
  const behind = bucket === null ? null : r.key === null ? bucketArn : `${bucketArn}/${r.key}`;
  return [
    {
      action,
      resource,
      resourceType: type,
      ...(behind ? { bucketResource: behind } : {}),
      bucket,
      key: r.key,
    },
  ];
}

function contextValue(context: SimulationRequest['context'], key: string): string | null {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase() === wanted) return typeof v === 'string' ? v : (v[0] ?? null);
  }
  return null;
}

/** A hypothetical request has no error message: the same parsed (empty) message for every one. */
const NO_MESSAGE = parseEnhancedMessage('AccessDenied', null);

interface Clock {
  readonly ms: number;
  /** 2026-12-03T15:55:18.123Z */
  readonly iso: string;
  /** aws:CurrentTime, without milliseconds */
  readonly current: string;
  /** aws:EpochTime */
  readonly epoch: string;
}

/** The texts of the last time asked for (a batch runs many requests in the same millisecond). */
let lastClock: Clock | null = null;

function clockOf(now: Date): Clock {
  const ms = now.getTime();
  if (lastClock !== null && lastClock.ms === ms) return lastClock;
  const iso = now.toISOString();
  lastClock = { ms, iso, current: iso.replace(/\.\d{3}Z$/, 'Z'), epoch: String(Math.floor(ms / 1000)) };
  return lastClock;
}

function baseRequest(
  req: SimulationRequest,
  principal: Principal,
  r: ParsedResource,
  bucket: string | null,
  now: Date,
): AccessRequest {
  const needs = needsFor(req.action, req.resource, r, bucket);
  const secure = contextValue(req.context, 'aws:SecureTransport');
  return {
    eventId: 'simulation',
    eventTime: clockOf(now).iso,
    region: contextValue(req.context, 'aws:RequestedRegion') ?? 'us-east-1',
    eventSource: 's3.amazonaws.com',
    eventName: req.action.slice(3),
    actions: [req.action],
    resources: needResources(needs),
    needs,
    mapped: true,
    bucket,
    key: r.key,
    versionId: contextValue(req.context, 's3:VersionId'),
    bucketAccountId: null,
    crossAccount: null,
    principal,
    sourceIp: contextValue(req.context, 'aws:SourceIp'),
    vpcEndpointId: contextValue(req.context, 'aws:SourceVpce'),
    vpcEndpointAccountId: contextValue(req.context, 'aws:VpceAccount'),
    accessPointArn: r.accessPointArn,
    secureTransport: secure === null ? true : secure.toLowerCase() === 'true',
    tlsVersion: contextValue(req.context, 's3:TlsVersion'),
    userAgent: null,
    errorCode: 'AccessDenied',
    errorMessage: null,
    enhancedMessage: NO_MESSAGE,
    context: { values: {}, absent: [], otherKeys: 'absent' },
    kms: null,
    sse: null,
    raw: {},
  };
}

/**
 * The keys the hypothetical request itself determines (an authenticated HTTPS REST request made now), overridden
 * by the keys the caller gave. The keys the facts determine (principal ARN, type, tags, org id and paths, resource
 * account, …) are derived later, in the same place as for `explain` (fix/context.ts).
 */
function contextFor(
  req: SimulationRequest,
  region: string,
  now: Date,
): Record<string, string | readonly string[]> {
  const clock = clockOf(now);
  const v: Record<string, string | readonly string[]> = {
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': clock.current,
    'aws:EpochTime': clock.epoch,
    'aws:RequestedRegion': region,
    'aws:ViaAWSService': 'false',
    's3:authType': 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  };
  const given = new Map(Object.keys(req.context).map((k) => [lowerKey(k), k]));
  for (const k of Object.keys(v)) if (given.has(lowerKey(k))) delete v[k];
  return { ...v, ...req.context };
}

/** Fills what the snapshot knows about the principal (path-ful role ARN, unique id) into the request's principal. */
function withPrincipalFacts(principal: Principal, facts: RequestFacts): Principal {
  if (!facts.principal || !isKnown(facts.principal)) return principal;
  const f = facts.principal.value;
  const principalId = f.uniqueId
    ? f.kind === 'role'
      ? `${f.uniqueId}:${principal.sessionName ?? SESSION_NAME}`
      : f.uniqueId
    : principal.principalId;
  return { ...principal, identityArn: f.identityArn, accountId: f.accountId, principalId };
}

function combine(results: readonly AuthorizationResult[]): Decision | 'unknown' {
  const decisions = results.map((r) => r.decision);
  if (decisions.includes('explicitly-denied')) return 'explicitly-denied';
  if (decisions.includes('implicitly-denied')) return 'implicitly-denied';
  if (decisions.includes('unknown') || decisions.length === 0) return 'unknown';
  return 'allowed';
}

/**
 * What a simulation shows. 'explain' (the default): every statement of the policies a layer shows, near misses
 * included, and the root causes (with verified fixes) of a request that is not allowed. 'decision' (batch
 * `simulate` without --explain): each layer with the statements that decided it (those that match or might
 * match), and no root-cause analysis (`rootCauses` is []). The decision and the layers are the same in both.
 */
export type SimulationDetail = 'explain' | 'decision';

export interface SimulateOptions {
  readonly now?: Date;
  readonly detail?: SimulationDetail;
}

function statementsOf(p: PolicyEvaluation, detail: SimulationDetail): readonly StatementTrace[] {
  return detail === 'explain' ? p.statements : applyingStatements(p);
}

/**
 * The policies a layer shows, each once. The same policy attached at several levels of an organization path
 * (FullAWSAccess at the root, each OU and the account) is evaluated once and listed once per level: its statements
 * are shown once (the layer's note names the levels). Different evaluations of policies with the same name and ARN
 * (`keyed`) are told apart by each statement's text.
 */
function shownPolicies(policies: readonly PolicyEvaluation[]): {
  list: readonly PolicyEvaluation[];
  keyed: boolean;
} {
  if (policies.length < 2) return { list: policies, keyed: false };
  const list = [...new Set(policies)];
  if (list.length < 2) return { list, keyed: false };
  const names = new Set(list.map((p) => `${p.policy.name}\0${p.policy.arn ?? ''}`));
  return { list, keyed: names.size < list.length };
}

function shownStatement(s: StatementTrace, p: PolicyEvaluation): SimulationStatement {
  const statement: { -readonly [K in keyof SimulationStatement]: SimulationStatement[K] } = {
    sid: s.sid,
    index: s.index,
    effect: s.effect,
    matched: s.matched,
    detail: s.detail,
    policy: p.policy.name,
  };
  if (p.policy.arn !== undefined) statement.policyArn = p.policy.arn;
  return statement;
}

function layersOf(
  result: AuthorizationResult,
  resource: string,
  detail: SimulationDetail,
): SimulationLayer[] {
  return result.layers.map((l) => {
    const statements: SimulationStatement[] = [];
    const { list, keyed } = shownPolicies(l.policies);
    const seen = keyed ? new Set<string>() : null;
    for (const p of list)
      for (const s of statementsOf(p, detail)) {
        if (seen !== null) {
          const key = `${p.policy.name}\0${p.policy.arn ?? ''}\0${s.index}\0${String(s.matched)}\0${s.detail}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        statements.push(shownStatement(s, p));
      }
    const shown: { -readonly [K in keyof SimulationLayer]: SimulationLayer[K] } = {
      layer: l.layer,
      result: l.result,
      resource: l.resource ?? resource,
      statements,
    };
    if (l.note !== undefined) shown.note = l.note;
    if (l.missing !== undefined) shown.missing = l.missing;
    return shown;
  });
}

/** The facts the unknown layers lacked, each once, in layer order. */
function missingFacts(results: readonly AuthorizationResult[]): string[] {
  const out = new Set<string>();
  for (const r of results)
    for (const l of r.layers) {
      if (l.result !== 'unknown') continue;
      for (const m of l.missing ?? [`${l.layer}: ${l.note ?? 'could not be evaluated'}`]) out.add(m);
    }
  return [...out];
}

/** Builds the hypothetical AccessRequest and the facts it is evaluated with. */
export function hypothetical(
  req: SimulationRequest,
  view: SimulationView,
  now: Date = new Date(),
): { request: AccessRequest; facts: RequestFacts } {
  if (!ACTION.test(req.action))
    throw new SimulationInputError(`action "${req.action}" is not an S3 action (e.g. s3:GetObject)`);
  const r = parseResource(req.resource);
  let principal = parsePrincipal(req.principal);
  let bucket = r.bucket;
  let request = baseRequest(req, principal, r, bucket, now);
  let facts = view.gatherSync(request);
  if (r.accessPointArn !== null && facts.accessPoint && isKnown(facts.accessPoint)) {
    bucket = facts.accessPoint.value.bucket;
    request = baseRequest(req, principal, r, bucket, now);
    facts = view.gatherSync(request);
  }
  principal = withPrincipalFacts(principal, facts);
  const bucketFacts = bucket !== null ? ownValue(facts.buckets, bucket) : undefined;
  const bucketAccountId =
    bucketFacts && isKnown(bucketFacts) && isKnown(bucketFacts.value.accountId)
      ? bucketFacts.value.accountId.value
      : (r.accessPointAccount ?? null);
  const region =
    bucketFacts && isKnown(bucketFacts) && isKnown(bucketFacts.value.region)
      ? bucketFacts.value.region.value
      : request.region;
  const requested = contextValue(req.context, 'aws:RequestedRegion') ?? region;
  request = {
    ...request,
    principal,
    bucketAccountId,
    region: requested,
    crossAccount:
      bucketAccountId !== null && principal.accountId !== null
        ? bucketAccountId !== principal.accountId
        : null,
    context: { values: contextFor(req, requested, now), absent: [], otherKeys: 'absent' },
  };
  // A hypothetical session has no session policy unless the snapshot says otherwise.
  const session = facts.sessionPolicy;
  if (session && !isKnown(session) && session.reason === 'notCollected')
    facts = { ...facts, sessionPolicy: known(null) };
  return { request, facts };
}

export function simulate(
  req: SimulationRequest,
  view: SimulationView,
  opts: SimulateOptions = {},
): Simulation {
  const detail = opts.detail ?? 'explain';
  const { request, facts } = hypothetical(req, view, opts.now ?? new Date());
  // Every S3 need, plus the KMS calls S3 would make for the caller (SSE-KMS objects), as in `explain`.
  const results = evaluateNeeds(request, facts);
  const decision = combine(results.map((r) => r.result));
  const layers: SimulationLayer[] = [];
  for (const r of results) for (const l of layersOf(r.result, r.need.resource, detail)) layers.push(l);
  const rootCauses =
    decision === 'allowed' || detail === 'decision' ? [] : analyze(request, facts).rootCauses;
  if (decision !== 'unknown') return { request: req, decision, layers, rootCauses };
  return { request: req, decision, missing: missingFacts(results.map((r) => r.result)), layers, rootCauses };
}
