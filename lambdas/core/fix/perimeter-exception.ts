/**
 * A perimeter Deny that the caller cannot satisfy, however it makes the request, because the key the statement tests
 * is absent (or is not the caller's) for the way it calls. "Send the request from an allowed address" or "call as a
 * principal of the organization" is then no answer. Three families, each proposed as a change to the Deny statement that keeps its
 * intent, which the caller verifies by re-evaluating the request:
 *
 * 1. An AWS service calling as itself (a service principal: log delivery, CloudTrail, replication, CloudFront OAC)
 *    has no organization, account, ARN or VPC endpoint of the customer's, so "Deny unless aws:PrincipalOrgID is ours"
 *    (or aws:SourceVpce, aws:PrincipalAccount, …) matches every call it makes. AWS's pattern for such statements
 *    excludes service principals with aws:PrincipalIsAWSService ("deny access unless the request uses your
 *    PrivateLink endpoint, or if the principal making the request is an AWS service principal",
 *    https://aws.amazon.com/about-aws/whats-new/2021/05/aws-identity-and-access-management-now-makes-it-easier-for-you-to-manage-permissions-for-aws-services-accessing-your-resources;
 *    https://aws.amazon.com/blogs/security/iam-makes-it-easier-to-manage-permissions-for-aws-services-accessing-resources/):
 *    BoolIfExists aws:PrincipalIsAWSService false. The service stays limited by the statement that grants it. Its
 *    calls come from AWS's own network, whose address CloudTrail does not record (sourceIPAddress is the service's
 *    name): a network Deny (aws:SourceIp, aws:SourceVpce) is then undecided, and the same exemption is verified
 *    whatever the address (./undecided-deny.ts).
 *
 * 2. A request through a VPC endpoint carries no aws:SourceIp: "The aws:SourceIp condition key is always included in
 *    the request, except for requests that use an Amazon VPC endpoint"
 *    (https://repost.aws/knowledge-center/iam-restrict-access-policy); through an endpoint the caller's address is
 *    aws:VpcSourceIp (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpcsourceip).
 *    So "Deny unless aws:SourceIp is in our ranges" (NotIpAddress, or a negated operator's IfExists form) matches
 *    every request through an endpoint: the classic 403 after a workload moves behind a gateway endpoint. Most
 *    precise first:
 *     - the statement's ranges are all private (RFC 1918, shared address space, IPv6 unique local) and hold the
 *       caller: its author meant the VPC's own addresses, which aws:SourceIp never holds (it takes only public
 *       addresses; the knowledge-center article above): test aws:VpcSourceIp instead;
 *     - otherwise exempt the endpoint the request came through (StringNotEquals aws:SourceVpce), AWS's own pattern
 *       for "only these VPC endpoints or these IP addresses" (https://repost.aws/knowledge-center/block-s3-traffic-vpc-ip).
 *    An endpoint owned by an account that is neither the caller's nor the bucket's is someone else's network, and one
 *    whose owner is not known may be too: nothing is proposed for them. In the endpoint's own policy every request lacks aws:SourceIp, and sparing the endpoint would
 *    void the statement: only the aws:VpcSourceIp change is proposed there.
 *
 * 3. A call an AWS service made with the caller's credentials (a forward access session: Athena, Glue or Lake Formation
 *    reading the caller's data; aws:ViaAWSService true, CloudTrail's userIdentity.invokedBy). "When a FAS request is
 *    made after an initial request is made through a VPC endpoint, the condition key values for aws:SourceVpce,
 *    aws:SourceVpc, and aws:VpcSourceIp from the initial request are not used in FAS requests"; aws:SourceIp carries
 *    over only from a request received by a public endpoint
 *    (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html), and "requests to Amazon S3
 *    come from a private IPv4 address for Athena, not the source IP specified in aws:SourceIp"
 *    (https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html). CloudTrail records the service's name, not an
 *    address, so the engine cannot decide "Deny unless aws:SourceIp (or aws:SourceVpce, aws:SourceVpc) is ours" for such
 *    a call. AWS's answer: "To allow a FAS request to be made when it would otherwise be denied by a Deny policy
 *    statement with a condition key testing Source IP addresses or Source VPCs, you must use condition keys to provide
 *    an exception for FAS requests in your Deny policy ... by using the aws:ViaAWSService condition key" (same page);
 *    AWS's data-perimeter network statement carries BoolIfExists aws:ViaAWSService false
 *    (https://github.com/aws-samples/data-perimeter-policy-examples, resource_based_policies/s3_bucket_policy.json).
 *    Proposed only when the statement matches (or may match) for its network keys alone, and when the record names the
 *    service rather than an address: the caller's own calls stay held to the network the statement names. The KMS
 *    call S3 makes for an SSE-KMS object is such a session too (checkers/kms-key-access.ts, forwardedCallException).
 */
import * as ipaddr from 'ipaddr.js';
import type { AccessRequest, RequestFacts } from '../model';
import { vpcEndpointOwner } from './context';
import { addressInRange, parseCidr } from '../policy/conditions/ip';
import { INVALID } from '../policy/conditions/operator';
import type { ConditionTrace, StatementTrace } from '../policy/types';
import { statementLabel } from './layers';
import type { Json } from './patch';

export interface PerimeterException {
  /** The Deny statement, changed. */
  readonly statement: Json;
  /** The fix, in sentences: why the statement refuses every such request, and the change. */
  readonly summary: string;
}

const SOURCE_IP = 'aws:sourceip';
const ENDPOINT_KEYS = new Set(['aws:sourcevpce', 'aws:sourcevpc', 'aws:sourcevpcarn']);
const SOURCE_VPCE = 'aws:SourceVpce';
const VPC_SOURCE_IP = 'aws:VpcSourceIp';

/** Keys a service principal calling as itself never has (fix/context.ts: no organization, account or ARN of its own). */
const NOT_FOR_SERVICES = new Set([
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:sourcevpcarn',
  'aws:vpcsourceip',
  'aws:vpceaccount',
  'aws:vpceorgid',
  'aws:vpceorgpaths',
]);
const IS_SERVICE = 'aws:PrincipalIsAWSService';

/** The network keys of a request: for a call a service makes for the caller, the service's network (family 3). */
const NETWORK_KEYS = new Set([
  SOURCE_IP,
  'aws:vpcsourceip',
  ...ENDPOINT_KEYS,
  'aws:vpceaccount',
  'aws:vpceorgid',
  'aws:vpceorgpaths',
]);
const VIA_SERVICE = 'aws:ViaAWSService';

/** Address blocks that aws:SourceIp never holds and a VPC (or a network behind it) uses. */
const PRIVATE_BLOCKS: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  'fc00::/7',
].map((c) => ipaddr.parseCIDR(c));

/** Whether a policy range lies wholly inside a private block (a bare address counts as its own range). */
function privateRange(text: string): boolean {
  const range = parseCidr(text);
  if (range === INVALID) return false;
  const [addr, bits] = range;
  return PRIVATE_BLOCKS.some(
    ([block, size]) => addr.kind() === block.kind() && bits >= size && addr.match(block, size),
  );
}

/** The condition that made the Deny match because the request had no aws:SourceIp. */
function absentSourceIp(trace: StatementTrace): ConditionTrace | null {
  return (
    trace.conditions.find(
      (c) => c.key.toLowerCase() === SOURCE_IP && c.result === true && c.requestValues === null,
    ) ?? null
  );
}

/** A copy of the statement's Condition block, each operator's keys copied too (the original is never changed). */
function conditionCopy(statement: Json): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const existing = statement['Condition'];
  if (existing && typeof existing === 'object')
    for (const [op, block] of Object.entries(existing as Json))
      out[op] = { ...(block && typeof block === 'object' ? (block as Json) : {}) };
  return out;
}

/**
 * The statement with `key` false under BoolIfExists (the block it has, or a new one): an exemption AWS's perimeter
 * statements carry. Null when the statement already tests `key`: its author decided about it.
 */
function withBoolFalse(statement: Json, key: string): Json | null {
  const copy = conditionCopy(statement);
  for (const block of Object.values(copy))
    if (Object.keys(block).some((k) => k.toLowerCase() === key.toLowerCase())) return null;
  const op = Object.keys(copy).find((k) => k.toLowerCase() === 'boolifexists') ?? 'BoolIfExists';
  copy[op] = { ...(copy[op] ?? {}), [key]: 'false' };
  return { ...statement, Condition: copy };
}

/** The statement testing aws:VpcSourceIp where it tested aws:SourceIp under `operator`; null when it cannot. */
function withVpcSourceIp(statement: Json, operator: string): Json | null {
  const condition = conditionCopy(statement);
  const block = condition[operator];
  if (block === undefined) return null;
  const key = Object.keys(block).find((k) => k.toLowerCase() === SOURCE_IP);
  if (key === undefined || Object.keys(block).some((k) => k.toLowerCase() === VPC_SOURCE_IP.toLowerCase()))
    return null;
  const renamed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(block)) renamed[k === key ? VPC_SOURCE_IP : k] = v;
  condition[operator] = renamed;
  return { ...statement, Condition: condition };
}

/** The statement sparing requests through `endpoint`: adds (or extends) StringNotEquals aws:SourceVpce. */
function withEndpointSpared(statement: Json, endpoint: string): Json {
  const condition = conditionCopy(statement);
  const isVpce = (k: string): boolean => k.toLowerCase() === SOURCE_VPCE.toLowerCase();
  // the negated string operator that already lists endpoints, else StringNotEquals
  const op =
    Object.keys(condition).find(
      (k) => /^stringnot(equals|like)(ifexists)?$/i.test(k) && Object.keys(condition[k]!).some(isVpce),
    ) ??
    Object.keys(condition).find((k) => k.toLowerCase() === 'stringnotequals') ??
    'StringNotEquals';
  const block = condition[op] ?? {};
  const key = Object.keys(block).find(isVpce) ?? SOURCE_VPCE;
  const prior = block[key];
  const values = prior === undefined ? [] : Array.isArray(prior) ? (prior as unknown[]) : [prior];
  const next = values.includes(endpoint) ? values : [...values, endpoint];
  condition[op] = { ...block, [key]: next.length === 1 ? next[0] : next };
  return { ...statement, Condition: condition };
}

/**
 * The changes to Deny statement `trace` (its text `original`) that let this kind of request pass, most precise first;
 * [] when the statement did not match for want of a key this caller can never bring (see the head of this file).
 * `where` names the statement's policy ("of the bucket policy").
 */
export function perimeterExceptions(
  request: AccessRequest,
  facts: RequestFacts,
  trace: StatementTrace,
  original: Json | null,
  where: string,
  /** False in the endpoint's own policy, where sparing the endpoint would void the statement. */
  spareEndpoint = true,
): PerimeterException[] {
  if (original === null || trace.effect !== 'Deny') return [];
  if (request.principal.type === 'AWSService')
    return request.principal.originAccessIdentity === true
      ? []
      : serviceExceptions(request, trace, original, where);
  // the record names the service, not an address: the call's network keys are the service's, not known here
  if (request.sourceIp === null && viaService(request))
    return viaServiceExceptions(request, trace, original, where);
  return endpointExceptions(request, facts, trace, original, where, spareEndpoint);
}

/** Whether a service made the request with the caller's credentials (aws:ViaAWSService true in its context). */
function viaService(request: AccessRequest): boolean {
  for (const [k, v] of Object.entries(request.context.values))
    if (k.toLowerCase() === VIA_SERVICE.toLowerCase()) return v === 'true';
  return false;
}

/**
 * A Deny that holds (or may hold) for a forward access session's network keys alone, with AWS's exception for such
 * calls added (BoolIfExists aws:ViaAWSService false): "To allow a FAS request to be made when it would otherwise be
 * denied by a Deny policy statement with a condition key testing Source IP addresses or Source VPCs, you must use
 * condition keys to provide an exception for FAS requests in your Deny policy. This can be done for all FAS requests
 * by using the aws:ViaAWSService condition key" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html).
 * Null when something else holds the statement too (an identity perimeter is not a network one), when a known
 * aws:SourceIp is outside its ranges (the caller's own network), or when it already tests aws:ViaAWSService.
 * `keys`: the network conditions in words; `decided`: they match for certain.
 */
export function forwardedCallException(
  trace: StatementTrace,
  original: Json,
): { statement: Json; keys: string; decided: boolean } | null {
  // what keeps the statement matching (or undecided) must be its network keys alone, besides the exemption of service
  // principals that AWS's own network statement carries (it holds for every call a service makes for a caller)
  const holding = trace.conditions.filter(
    (c) => c.result !== false && c.key.toLowerCase() !== IS_SERVICE.toLowerCase(),
  );
  const network = holding.filter((c) => NETWORK_KEYS.has(c.key.toLowerCase()));
  if (network.length === 0 || network.length !== holding.length) return null;
  // a known address outside the statement's ranges is the caller's own (a session forwarded from a request over the
  // internet keeps its aws:SourceIp): that is the caller's network, not the forwarding
  if (network.some((c) => c.key.toLowerCase() === SOURCE_IP && c.result === true && c.requestValues !== null))
    return null;
  const statement = withBoolFalse(original, VIA_SERVICE);
  if (statement === null) return null;
  return {
    statement,
    keys: [...new Set(network.map((c) => `${c.operator} on ${c.key}`))].join(' and '),
    decided: network.every((c) => c.result === true),
  };
}

/** Family 3: a call a service made with the caller's credentials. */
function viaServiceExceptions(
  request: AccessRequest,
  trace: StatementTrace,
  original: Json,
  where: string,
): PerimeterException[] {
  const change = forwardedCallException(trace, original);
  if (change === null) return [];
  const { statement, keys, decided } = change;
  const label = statementLabel(trace);
  const service = request.principal.invokedBy ?? 'an AWS service';
  return [
    {
      statement,
      summary: `${service} made this call with the caller's credentials (a forward access session: aws:ViaAWSService is true; CloudTrail records the service's name, not an address). Such a call carries none of the caller's VPC endpoint keys (aws:SourceVpce, aws:SourceVpc, aws:VpcSourceIp), and its aws:SourceIp is the caller's own only when the caller reached the service over the internet (Athena calls S3 from an address of its own), so ${keys} in statement ${label} ${where} ${
        decided ? 'matches' : 'may match'
      } it whatever network the caller uses. Add AWS's exception for such calls to statement ${label} (BoolIfExists aws:ViaAWSService false, the IAM User Guide's pattern for forward access sessions); the caller's own calls stay held to the network the statement names.`,
    },
  ];
}

/** Family 1: a service principal. */
function serviceExceptions(
  request: AccessRequest,
  trace: StatementTrace,
  original: Json,
  where: string,
): PerimeterException[] {
  // an identity key the service lacks (absent: the Deny matched), or a network key: its calls come from AWS's own
  // network, whose address CloudTrail does not record (unknown: the Deny could not be decided)
  const condition = trace.conditions.find((c) => {
    const key = c.key.toLowerCase();
    if (NOT_FOR_SERVICES.has(key) && c.result === true && c.requestValues === null) return true;
    return NETWORK_KEYS.has(key) && c.result === 'unknown';
  });
  if (condition === undefined) return [];
  const statement = withBoolFalse(original, IS_SERVICE);
  if (statement === null) return [];
  const label = statementLabel(trace);
  const service = request.principal.invokedBy ?? 'an AWS service';
  return [
    {
      statement,
      summary: `The caller is the AWS service ${service} acting as itself (a service principal), which ${
        condition.result === true
          ? `has no ${condition.key}: ${condition.operator} on ${condition.key} in statement ${label} ${where} matches`
          : `calls from AWS's own network, not yours (CloudTrail records no address for it): ${condition.operator} on ${condition.key} in statement ${label} ${where} may match`
      } every call the service makes. Exempt AWS service principals in statement ${label} (BoolIfExists aws:PrincipalIsAWSService false, AWS's pattern for perimeter statements); the service stays limited by the statement that grants it, which should name the source it acts for (aws:SourceArn or aws:SourceAccount).`,
    },
  ];
}

/** Family 2: a request through a VPC endpoint. */
function endpointExceptions(
  request: AccessRequest,
  facts: RequestFacts,
  trace: StatementTrace,
  original: Json,
  where: string,
  spareEndpoint: boolean,
): PerimeterException[] {
  const endpoint = request.vpcEndpointId;
  // only an endpoint id of AWS's form goes into a policy (the record is the sender's to shape)
  if (endpoint === null || !/^vpce-[0-9a-f]{8,17}$/.test(endpoint)) return [];
  // whose network: the record's vpcEndpointAccountId, else the endpoint as read; unknown is nobody's to exempt (the S3
  // console's requests, for one, can carry an endpoint of AWS's own)
  const owner = vpcEndpointOwner(request, facts.vpcEndpoint);
  if (owner === null || (owner !== request.principal.accountId && owner !== request.bucketAccountId))
    return [];
  const condition = absentSourceIp(trace);
  if (condition === null) return [];
  const label = statementLabel(trace);
  const from = request.sourceIp !== null ? ` from ${request.sourceIp}` : '';
  // a statement that already lets some endpoints through, not this one: add it to them (the endpoint of a new VPC), or
  // use one it names; one that names VPCs is left to its own advice (the VPC it names)
  const named = trace.conditions.filter((c) => ENDPOINT_KEYS.has(c.key.toLowerCase()) && c.result === true);
  if (named.length > 0) {
    const listed = named.find((c) => c.key.toLowerCase() === SOURCE_VPCE.toLowerCase());
    if (listed === undefined || named.length > 1 || !spareEndpoint) return [];
    return [
      {
        statement: withEndpointSpared(original, endpoint),
        summary: `The request came through VPC endpoint ${endpoint}${from}, which statement ${label} ${where} does not let through (${listed.detail}); a request through a VPC endpoint carries no aws:SourceIp, so the statement's address ranges cannot let it through either. Add ${endpoint} to the endpoints the statement lets through, or send the request through one it lists.`,
      },
    ];
  }
  const why = `The request came through VPC endpoint ${endpoint}${from}; a request through a VPC endpoint carries no aws:SourceIp${
    request.sourceIp !== null ? ` (that address is its aws:VpcSourceIp)` : ''
  }, so ${condition.operator} on aws:SourceIp in statement ${label} ${where} matches every request through the endpoint.`;
  const out: PerimeterException[] = [];
  const ranges = condition.policyValues;
  let outside = '';
  if (ranges.length > 0 && ranges.every(privateRange)) {
    const listed = `Its ranges (${ranges.join(', ')}) are private addresses, which aws:SourceIp never holds`;
    const renamed = withVpcSourceIp(original, condition.operator);
    if (
      renamed !== null &&
      request.sourceIp !== null &&
      ranges.some((r) => addressInRange(request.sourceIp!, r))
    )
      out.push({
        statement: renamed,
        summary: `${why} ${listed}: test aws:VpcSourceIp instead of aws:SourceIp in statement ${label}.`,
      });
    else if (request.sourceIp !== null)
      outside = ` ${listed}, and ${request.sourceIp} is not in them either.`;
  }
  if (spareEndpoint)
    out.push({
      statement: withEndpointSpared(original, endpoint),
      summary: `${why}${outside} Exempt the endpoint in statement ${label} (StringNotEquals aws:SourceVpce ${endpoint}, AWS's pattern for allowing "these VPC endpoints or these IP addresses").`,
    });
  return out;
}

/** The first of `candidates` whose change `verify` confirms, with its outcome; null when none does. */
export function firstVerified<C, O extends { readonly verified: boolean }>(
  candidates: readonly C[],
  verify: (candidate: C) => O,
): { candidate: C; outcome: O } | null {
  for (const candidate of candidates) {
    const outcome = verify(candidate);
    if (outcome.verified) return { candidate, outcome };
  }
  return null;
}
