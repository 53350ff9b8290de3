/**
 * The grants a resource policy (bucket policy, KMS key policy) gives an AWS service caller: the Allow statements
 * whose principal names the service (or "*", or an origin access identity) for the action and resource, and their
 * source conditions. A service calling for a customer resource carries aws:SourceArn / aws:SourceAccount (the
 * resource it acts for); CloudTrail records them only in userIdentity.inScopeOf, so a grant limited to one source
 * (one CloudFront distribution, one trail, one source bucket) is often undecidable from the record alone.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 *
 * This is a note on the layer (what the grants are), not a decision: the decision stays the resource policy's.
 */
import type { EngineRequest, ServiceGrant, ServiceGrantNote, StatementTrace, Tri } from '../types';
import { stmtLabel } from './evaluate';
import type { ResourcePolicy } from './resource-policy';

/** The global keys that name the source of a service-to-service request (IAM condition keys reference). */
export const SOURCE_KEYS: ReadonlySet<string> = new Set([
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
]);

const isSource = (key: string): boolean => SOURCE_KEYS.has(key.toLowerCase());

function grantOf(policyName: string, s: StatementTrace): ServiceGrant {
  const source = s.conditions
    .filter((c) => isSource(c.key))
    .map((c) => ({ key: c.key, operator: c.operator, values: c.policyValues, result: c.result }));
  return {
    statement: `${policyName} ${stmtLabel(s)}`,
    sid: s.sid,
    index: s.index,
    matched: s.matched,
    source,
    otherUnknown: s.conditions.some((c) => c.result === 'unknown' && !isSource(c.key)),
  };
}

/** The note for a service caller; undefined for any other caller. */
export function serviceGrantNote(
  pol: ResourcePolicy,
  req: EngineRequest,
  which: ServiceGrantNote['policy'],
): ServiceGrantNote | undefined {
  const p = req.principal;
  if (p.type !== 'AWSService') return undefined;
  const oai = p.originAccessIdentity === true;
  const base = {
    service: oai ? null : (p.serviceName ?? null),
    originAccessIdentity: oai,
    policy: which,
  };
  const e = pol.evaluated;
  if (pol.state !== 'present' || e === null || e.error !== null)
    return {
      ...base,
      policyKnown: pol.state === 'absent',
      grants: [],
      unknownSourceKeys: [],
      sourceOnly: false,
    };
  const grants: ServiceGrant[] = [];
  for (const s of e.ev.statements) {
    if (s.effect !== 'Allow' || !s.actionMatched || !s.resourceMatched) continue;
    if (s.principalMatched === false || s.principalMatched === undefined) continue;
    grants.push(grantOf(e.policy.name, s));
  }
  const unknownSourceKeys = [
    ...new Set(grants.flatMap((g) => g.source.filter((c) => c.result === 'unknown').map((c) => c.key))),
  ];
  const sourceOnly = grants.some(
    (g) =>
      g.matched === 'unknown' &&
      !g.otherUnknown &&
      g.source.some((c) => c.result === 'unknown') &&
      principalKnown(e.ev.statements, g.index),
  );
  return { ...base, policyKnown: true, grants, unknownSourceKeys, sourceOnly };
}

function principalKnown(statements: readonly StatementTrace[], index: number): boolean {
  const s = statements.find((x) => x.index === index);
  const m: Tri | undefined = s?.principalMatched;
  return m === true;
}
