/**
 * A tag-conditioned Allow that misses only because the resource is tagged otherwise: the request goes through an
 * access point (whose tags are aws:ResourceTag, access-points-tagging.html) or to a bucket with ABAC enabled
 * (buckets-tagging-enable-abac.html), the tags are known, and an Allow statement whose action, resource and principal
 * match fails only on aws:ResourceTag conditions that name the value they want. The remedy names the tag the Allow
 * requires and the one the resource carries; it is offered only when re-evaluating the request with the resource so
 * tagged allows it on the layer. Tags change through S3 Control TagResource for both kinds of resource
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_TagResource.html; with ABAC on, a bucket's tags no
 * longer change through PutBucketTagging: API_PutBucketAbac.html).
 */
import type { CheckerInput } from '../checkers/types';
import { known, type ActionNeed, type Evidence, type Fix } from '../model';
import { dictionary, ownValue } from '../own';
import type { LayerId, StatementTrace } from '../policy/types';
import { withBucket } from './abac';
import { awsLine } from './commands';
import { buildAuthorizationInput } from './input';
import { nearMissAllows, statementLabel, type LayerHit } from './layers';
import { verifyS3 } from './verify';

const RESOURCE_TAG = 'aws:resourcetag/';
/** Operators whose policy value is the tag value the statement wants (a StringLike value without wildcards too). */
const EXACT = /^String(Equals|EqualsIgnoreCase|Like)(IfExists)?$/;

export interface ResourceTagRemedy {
  readonly title: string;
  readonly evidence: Evidence;
  readonly fix: Fix;
}

interface Tagged {
  /** "access point team-ap" / "bucket data". */
  readonly label: string;
  readonly arn: string;
  readonly account: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The facts with the resource carrying `tags` instead. */
  readonly retagged: (tags: Readonly<Record<string, string>>) => CheckerInput['facts'];
}

/** The resource whose tags are the request's aws:ResourceTag keys, when they are known. */
function taggedResource(input: CheckerInput): Tagged | null {
  const { request, facts } = input;
  if (request.accessPointArn !== null) {
    const ap = facts.accessPoint?.status === 'known' ? facts.accessPoint.value : null;
    if (ap?.tags?.status !== 'known') return null;
    return {
      label: `access point ${ap.name}`,
      arn: ap.arn,
      account: ap.accountId,
      tags: ap.tags.value,
      retagged: (tags) => ({ ...facts, accessPoint: known({ ...ap, tags: known(tags) }) }),
    };
  }
  const name = request.bucket;
  const b = name === null ? undefined : ownValue(facts.buckets, name);
  if (name === null || b?.status !== 'known') return null;
  const { abac, tags, accountId } = b.value;
  if (abac?.status !== 'known' || !abac.value || tags?.status !== 'known' || accountId.status !== 'known')
    return null;
  return {
    label: `bucket ${name}`,
    arn: `arn:aws:s3:::${name}`,
    account: accountId.value,
    tags: tags.value,
    retagged: (t) => withBucket(facts, name, { ...b.value, tags: known(t) }),
  };
}

/**
 * The tags an Allow statement wants, when every condition it fails is an aws:ResourceTag condition naming one exact
 * value (and nothing else about it fails or is unknown); otherwise null.
 */
function wantedTags(s: StatementTrace): Record<string, string> | null {
  if (!s.actionMatched || !s.resourceMatched || s.principalMatched === false || s.matched !== false)
    return null;
  const wanted = dictionary<string>();
  for (const c of s.conditions) {
    if (c.result === true) continue;
    if (c.result === 'unknown') return null;
    const key = c.key.toLowerCase();
    const value = c.policyValues[0];
    if (!key.startsWith(RESOURCE_TAG) || !EXACT.test(c.operator) || value === undefined || /[*?]/.test(value))
      return null;
    wanted[c.key.slice(RESOURCE_TAG.length)] = value;
  }
  return Object.keys(wanted).length > 0 ? wanted : null;
}

const tagText = (tags: Readonly<Record<string, string>>): string =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/** The remedy when retagging the request's resource as a near-miss Allow wants makes `layer` allow every need. */
export function resourceTagRemedy(
  input: CheckerInput,
  needs: readonly ActionNeed[],
  hits: readonly LayerHit[],
  layer: LayerId,
): ResourceTagRemedy | null {
  const resource = taggedResource(input);
  if (resource === null) return null;
  for (const h of hits)
    for (const { policy, statement } of nearMissAllows(h.layer)) {
      const wanted = wantedTags(statement);
      if (wanted === null) continue;
      const facts = resource.retagged({ ...resource.tags, ...wanted });
      const outcome = verifyS3(input, needs, layer, (_base, need) =>
        buildAuthorizationInput(input.request, need, facts),
      );
      if (!outcome.verified) continue;
      const want = tagText(wanted);
      const has = Object.keys(wanted)
        .map((k) => (Object.hasOwn(resource.tags, k) ? `${k}=${resource.tags[k] ?? ''}` : `no ${k} tag`))
        .join(', ');
      const where = `statement ${statementLabel(statement)} of ${policy.policy.arn ?? policy.policy.name}`;
      const command = awsLine([
        's3control',
        'tag-resource',
        '--account-id',
        resource.account,
        '--resource-arn',
        resource.arn,
        '--tags',
        JSON.stringify(Object.entries(wanted).map(([Key, Value]) => ({ Key, Value }))),
      ]);
      return {
        title: `requires ${want} on ${resource.label}, which carries ${has}`,
        evidence: {
          layer: 'resource-tags',
          detail: `${resource.label} carries ${has}; the Allow of ${where} requires ${want} (aws:ResourceTag)`,
        },
        fix: {
          summary: `The Allow of ${where} grants this request only on a resource tagged ${want}. Send it ${
            input.request.accessPointArn !== null
              ? `through an access point tagged ${want}`
              : `to a bucket tagged ${want}`
          }; or, if ${resource.label} is meant for this caller, tag it ${want} (every policy that tests these tags on it then matches too); or, where the condition compares with the caller's own tags, correct the caller's tags.`,
          commands: [command],
          ...outcome,
        },
      };
    }
  return null;
}
