/**
 * Enabling ABAC on a general purpose bucket, when that is what a tag-conditioned Allow is missing: the bucket carries
 * tags, ABAC is disabled on it (the default), so its tags "serve cost allocation only" and are not aws:ResourceTag
 * keys (fix/context.ts resourceTagKeys). The fix is offered only when re-evaluating the request with ABAC enabled
 * allows it on the layer: https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAbac.html.
 */
import type { CheckerInput } from '../checkers/types';
import {
  known,
  type ActionNeed,
  type BucketFacts,
  type Evidence,
  type Fact,
  type Fix,
  type RequestFacts,
} from '../model';
import { dictionary, ownValue, setOwn } from '../own';
import type { LayerId } from '../policy/types';
import { awsLine } from './commands';
import { buildAuthorizationInput } from './input';
import { verifyS3 } from './verify';

/** The facts with bucket `name` replaced by `value` (the other buckets as they are). */
export function withBucket(facts: RequestFacts, name: string, value: BucketFacts): RequestFacts {
  const buckets = dictionary<Fact<BucketFacts>>();
  for (const [k, v] of Object.entries(facts.buckets)) setOwn(buckets, k, v);
  setOwn(buckets, name, known(value));
  return { ...facts, buckets };
}

export interface AbacRemedy {
  readonly evidence: Evidence;
  readonly fix: Fix;
}

/** The remedy when enabling ABAC on the request's bucket makes `layer` allow every need; otherwise null. */
export function abacRemedy(
  input: CheckerInput,
  needs: readonly ActionNeed[],
  layer: LayerId,
): AbacRemedy | null {
  const { request, facts } = input;
  const name = request.bucket;
  if (name === null || request.accessPointArn !== null) return null;
  const bucket = ownValue(facts.buckets, name);
  if (bucket?.status !== 'known') return null;
  const { abac, tags } = bucket.value;
  if (abac?.status !== 'known' || abac.value || tags?.status !== 'known') return null;
  const tagText = Object.entries(tags.value)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  if (tagText === '') return null;
  const enabled = withBucket(facts, name, { ...bucket.value, abac: known(true) });
  const outcome = verifyS3(input, needs, layer, (_base, need) =>
    buildAuthorizationInput(request, need, enabled),
  );
  if (!outcome.verified) return null;
  return {
    evidence: {
      layer: 'bucket-abac',
      detail: `bucket ${name} is tagged ${tagText}, but ABAC is disabled on it: its tags serve cost allocation only and are not aws:ResourceTag keys`,
    },
    fix: {
      summary: `Enable ABAC on bucket ${name}, so that its tags (${tagText}) take part in authorization as aws:ResourceTag. First review every policy that tests aws:ResourceTag on this bucket: they all start to match. With ABAC on, the bucket's tags change through s3control tag-resource / untag-resource, no longer put-bucket-tagging.`,
      commands: [awsLine(['s3api', 'put-bucket-abac', '--bucket', name, '--abac-status', 'Status=Enabled'])],
      ...outcome,
    },
  };
}
