import type { ActionNeed, Fix } from '../model';
import { authorize } from '../policy';
import { bucketPolicyCommands, listPrefixCommand } from '../fix/commands';
import { addToBucketPolicy, identityAllowFix } from '../fix/grants';
import { bucketAccountId, buildAuthorizationInput, callerIdentityArn, objectFact } from '../fix/input';
import { isKmsNeed, layerEvidence } from '../fix/layers';
import { recordedSource, serviceGrantStatement, serviceProfile } from '../fix/service-grants';
import type { Checker, CheckerInput, CheckResult } from './types';

/** Reads that S3 answers with 404 (s3:ListBucket allowed) or 403 (not allowed) when the key is missing. */
const READS = new Set([
  's3:getobject',
  's3:getobjectversion',
  's3:getobjectattributes',
  's3:getobjectversionattributes',
  's3:getobjectacl',
  's3:getobjecttagging',
]);

export const checker: Checker = {
  id: 'missing-object-no-list',
  title: 'The key does not exist and the caller lacks s3:ListBucket, so S3 answers 403 instead of 404',
  detection:
    'For object reads, the facts (head-object) say the key does not exist, and the engine finds s3:ListBucket on the bucket not allowed for the caller: S3 then hides the missing key behind Access Denied.',
  fixSummary:
    'Check the key (typo, prefix, deleted object, wrong bucket); optionally allow s3:ListBucket on the bucket so that callers get 404 NoSuchKey instead of 403.',
  check(input): CheckResult {
    const { request, facts, evaluations } = input;
    const reads = evaluations.filter(
      (e) => !isKmsNeed(e) && READS.has(e.need.action.toLowerCase()) && e.need.key !== null,
    );
    if (reads.length === 0) return { status: 'not-applicable', detail: 'not an object read' };
    const read = reads[0]!;
    const obj = objectFact(facts, read.need.bucket, read.need.key);
    const list: ActionNeed = {
      action: 's3:ListBucket',
      resource: `arn:aws:s3:::${read.need.bucket}`,
      resourceType: 'bucket',
      bucket: read.need.bucket,
      key: null,
    };
    if (read.need.bucket === null)
      // an access point whose bucket is not in the record: neither the key nor s3:ListBucket on the bucket can be read
      return {
        status: 'unknown',
        missing: [
          `whether the object exists (the bucket behind ${request.accessPointArn ?? 'the request'} is not in the record)`,
        ],
      };
    if (!obj || obj.status === 'unknown') {
      // Whether the key exists is not known; if the caller may list the bucket, S3 would have said 404, not 403,
      // had it been missing: the cause is then ruled out without the object.
      const listing = authorize(buildAuthorizationInput(request, list, facts)).decision;
      if (listing === 'allowed')
        return {
          status: 'pass',
          detail: `s3:ListBucket is allowed, so a missing key would have been 404 NoSuchKey, not 403`,
        };
      return {
        status: 'unknown',
        missing: [
          `head-object s3://${read.need.bucket}/${read.need.key}${obj?.status === 'unknown' && obj.permission ? ` (needs ${obj.permission})` : ''}`,
        ],
        // s3:ListBucket is known to be denied: a missing key would read as exactly this 403
        ...(listing !== 'unknown' ? { closeness: 1 as const } : {}),
      };
    }
    if (obj.value.exists)
      return { status: 'pass', detail: `s3://${read.need.bucket}/${read.need.key} exists` };
    const listing = authorize(buildAuthorizationInput(request, list, facts));
    if (listing.decision === 'allowed') {
      return {
        status: 'pass',
        detail: `the key is missing, but s3:ListBucket is allowed, so S3 would answer 404 NoSuchKey, not 403`,
      };
    }
    if (listing.decision === 'unknown') {
      return {
        status: 'unknown',
        missing: listing.layers.filter((l) => l.result === 'unknown').flatMap((l) => l.missing ?? [l.layer]),
        // the key is known to be missing: only whether the caller may list the bucket stands between
        closeness: 0,
      };
    }
    const readAllowed = read.result.decision === 'allowed';
    const principalArn = callerIdentityArn(request, facts) ?? request.principal.arn ?? 'the caller';
    const listLayers = listing.layers.filter(
      (l) => l.result === 'explicitly-denied' || l.result === 'implicitly-denied',
    );
    return {
      status: 'deny',
      confidence: readAllowed ? 'confirmed' : 'likely',
      title: `s3://${read.need.bucket}/${read.need.key} does not exist, and without s3:ListBucket S3 reports that as Access Denied`,
      explanation: `The key does not exist. Because ${principalArn} may not list ${read.need.bucket}, S3 answers 403 AccessDenied instead of 404 NoSuchKey (GetObject/HeadObject documentation).${
        readAllowed
          ? ` ${read.need.action} itself is allowed: the 403 is really a 404.`
          : ` ${read.need.action} is also denied by policy, see the other causes.`
      }`,
      evidence: [
        { layer: 'object', detail: `head-object: s3://${read.need.bucket}/${read.need.key} does not exist` },
        ...listLayers.map((l) =>
          layerEvidence({ evaluation: { need: list, result: listing }, layer: l }, l.layer),
        ),
      ],
      fix: withListCommand(listFix(input, list, principalArn), read.need),
    };
  },
};

const CHECK_KEY = 'Check the key name (typo, prefix, deleted or not yet written)';

/**
 * Who can be given s3:ListBucket: an IAM principal in its identity policy; an AWS service (CloudFront OAC …) or an
 * origin access identity only in the bucket policy, as a statement naming it (it has no identity policy); an
 * anonymous caller only by making the bucket's listing public, which is not a fix to offer.
 */
function listFix(input: CheckerInput, list: ActionNeed, principalArn: string): Fix {
  const { request, facts } = input;
  const bucket = list.bucket ?? 'BUCKET';
  const p = request.principal;
  if (p.type === 'Anonymous')
    return {
      summary: `${CHECK_KEY}. An anonymous caller gets 404 NoSuchKey only from a bucket that lets everyone list it (a public s3:ListBucket grant), which Block Public Access refuses and which exposes every key name: keep the 403.`,
      commands: [],
      verified: false,
    };
  if (p.type === 'AWSService') {
    const oai = p.originAccessIdentity === true;
    const service = oai ? null : p.arn;
    const profile = serviceProfile(service);
    const knownSource = oai ? null : recordedSource(request, profile.sourceKey);
    const account = bucketAccountId(request, facts, bucket) ?? 'ACCOUNT_ID';
    const source = knownSource ?? profile.placeholder(account, request.region);
    const statement = serviceGrantStatement(service, oai, [list], source);
    const outcome =
      knownSource !== null ? addToBucketPolicy(input, [list], bucket, [statement]) : { verified: false };
    return {
      summary: `${CHECK_KEY}; to get 404 NoSuchKey instead of 403, grant ${oai ? 'the origin access identity' : principalArn} s3:ListBucket on arn:aws:s3:::${bucket} in the bucket policy (an AWS service has no identity policy): ${JSON.stringify(statement)}.`,
      commands: bucketPolicyCommands(bucket),
      policyPatch: { layer: 'bucket-policy', bucket, addStatement: statement },
      ...outcome,
    };
  }
  return identityAllowFix(
    input,
    [list],
    `${CHECK_KEY}; to get 404 NoSuchKey instead of 403, allow s3:ListBucket on arn:aws:s3:::${bucket} for ${principalArn}.`,
  );
}

function withListCommand(fix: Fix, need: ActionNeed): Fix {
  const prefix = (need.key ?? '').split('/').slice(0, -1).join('/');
  const list = listPrefixCommand(need.bucket ?? 'BUCKET', prefix ? `${prefix}/` : (need.key ?? ''));
  return { ...fix, commands: [list, ...fix.commands] };
}
