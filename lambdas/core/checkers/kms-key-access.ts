import type { Evidence, Fact, Fix, KmsKeyFacts, NamedPolicy } from '../model';
import { known } from '../model';
import {
  bucketEncryptionCommand,
  describeKeyArnCommand,
  identityPolicyCommands,
  keyPolicyCommands,
  keyStateCommand,
  kmsBucketEncryptionCommand,
  kmsGrantCommand,
  reencryptObjectCommand,
  sseS3BucketEncryptionCommand,
} from '../fix/commands';
import { findPolicy, identityPolicies } from '../fix/find';
import { FIX_POLICY_NAME } from '../fix/grants';
import {
  bucketAccountId,
  bucketFact,
  buildKmsInput,
  callerAccountId,
  callerIdentityArn,
  findKmsKey,
  objectFact,
  resolveKmsKey,
  type KmsNeed,
} from '../fix/input';
import { kmsActionNeed, kmsKeyArn, kmsNeeds } from '../fix/kms';
import { isAwsS3Alias, parseKmsKeyRef } from '../fix/kms-ref';
import { denyStatements, isKmsNeed, layerEvidence, layerOf, statementLabel } from '../fix/layers';
import { orgTarget } from '../fix/org';
import { boundaryTarget, sessionTarget } from '../fix/targets';
import {
  allowStatement,
  exemptPrincipal,
  sidFor,
  statementAt,
  withReplacedStatement,
  withStatement,
  type Json,
} from '../fix/patch';
import { forwardedCallException } from '../fix/perimeter-exception';
import { remainingDenials, verifyKms } from '../fix/verify';
import { authorizeKms } from '../policy';
import type { LayerId, LayerResult } from '../policy/types';
import type { NeedEvaluation } from './types';
import type { Checker, CheckerInput, CheckResult } from './types';

const KMS_LAYERS = [
  'kms-key-policy',
  'kms-grants',
  'identity-policy',
  'permissions-boundary',
  'session-policy',
  'scp',
  'rcp',
] as const;

/** The policies that cap a caller's permissions, whatever the key policy and its IAM policies allow. */
interface Guardrail {
  readonly id: 'permissions-boundary' | 'session-policy' | 'scp' | 'rcp';
  readonly name: (who: string) => string;
}

const GUARDRAILS: readonly Guardrail[] = [
  { id: 'permissions-boundary', name: (who) => `the permissions boundary of ${who}` },
  { id: 'session-policy', name: (who) => `the session policy of ${who}` },
  { id: 'scp', name: () => 'a service control policy (SCP)' },
  { id: 'rcp', name: () => 'a resource control policy (RCP)' },
];

/** The service principal of an AWS service caller (CloudFront OAC, log delivery), null for any other caller. */
const serviceCaller = (request: CheckerInput['request']): string | null =>
  request.principal.type === 'AWSService' ? (request.principal.invokedBy ?? 'the AWS service') : null;

const refuses = (l: LayerResult | null): boolean =>
  l?.result === 'explicitly-denied' || l?.result === 'implicitly-denied';

function pair(input: CheckerInput): { k: KmsNeed; e: NeedEvaluation }[] {
  const evals = input.evaluations.filter(isKmsNeed);
  return kmsNeeds(input.request, input.facts).flatMap((k) => {
    const arn = kmsKeyArn(input.request, input.facts, k);
    const e = evals.find((x) => x.need.action === k.action && x.need.resource === arn);
    return e ? [{ k, e }] : [];
  });
}

function evidenceOf(e: NeedEvaluation): Evidence[] {
  const out: Evidence[] = [];
  for (const id of KMS_LAYERS) {
    const l = layerOf(e, id);
    if (l && refuses(l)) out.push(layerEvidence({ evaluation: e, layer: l }, id));
  }
  return out.length > 0
    ? out
    : [{ layer: 'kms-key-policy', detail: `${e.need.action} on ${e.need.resource} is ${e.result.decision}` }];
}

/** What makes a key that is not Enabled usable again: https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html */
function keyStateFix(keyArn: string, state: string): { todo: string; commands: string[] } {
  switch (state) {
    case 'Disabled':
      return { todo: 'enable it', commands: [keyStateCommand(keyArn, false)] };
    // a key whose deletion is cancelled is Disabled, and must then be enabled:
    // https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-cancelling-key-deletion.html
    case 'PendingDeletion':
      return {
        todo: 'cancel its deletion and enable it',
        commands: [keyStateCommand(keyArn, true), keyStateCommand(keyArn, false)],
      };
    // imported key material that expired or was deleted: https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html
    case 'PendingImport':
      return {
        todo: 'import its key material again (aws kms get-parameters-for-import, then aws kms import-key-material)',
        commands: [],
      };
    // a custom key store disconnected from its CloudHSM cluster or external key store proxy
    case 'Unavailable':
      return { todo: 'reconnect its custom key store (aws kms connect-custom-key-store)', commands: [] };
    // Creating, Updating (a multi-Region key in transition), PendingReplicaDeletion
    default:
      return { todo: 'KMS uses it again only once it is Enabled', commands: [] };
  }
}

/**
 * A guardrail alone refuses the KMS call: the change is in it, as for an S3 request refused by it (fix/guardrail.ts).
 * A Deny: exempt the caller in the denying statement (aws:PrincipalArn). A boundary or session policy without an
 * Allow: add one for the KMS action on the key. Verified by evaluating the KMS call again with the changed policy.
 * A level of the organization path without an Allow is named only (which level, and that SCPs must allow at each).
 */
function guardrailFix(input: CheckerInput, k: KmsNeed, e: NeedEvaluation, guard: Guardrail): Fix {
  const { request, facts } = input;
  const principalArn = callerIdentityArn(request, facts);
  const keyArn = e.need.resource;
  const who = principalArn ?? 'the caller';
  const layer = layerOf(e, guard.id);
  const explicit = layer?.result === 'explicitly-denied';
  const name = guard.name(who);
  const deny = explicit && layer ? denyStatements(layer)[0] : undefined;
  const target =
    guard.id === 'scp' || guard.id === 'rcp'
      ? orgTarget(facts, guard.id, deny?.policy.policy ?? null)
      : guard.id === 'permissions-boundary'
        ? boundaryTarget(input)
        : sessionTarget(input);
  const text: Fix = {
    summary: `${name[0]!.toUpperCase()}${name.slice(1)} ${explicit ? 'denies' : 'does not allow'} ${k.action} on ${keyArn}, and no Allow in the key policy or an IAM policy overrides it: ${explicit ? `remove ${k.action} from its Deny statement, or exempt ${who} from it` : `allow ${k.action} on the key in it`} (if its owner agrees).`,
    commands: target.policy !== null ? target.commands : [],
    verified: false,
  };
  const policy = target.policy;
  const forwarded = forwardedFix(request, k, keyArn, deny, policy, name, (patched) =>
    verifyKms(target.apply(buildKmsInput(request, k, facts), patched), [guard.id]),
  );
  if (forwarded !== null) {
    const { statement, replaceStatement, summary, ...outcome } = forwarded;
    return {
      summary: `${summary} (If its owner agrees.)`,
      commands: text.commands,
      policyPatch: { layer: guard.id, policy: policy?.arn ?? policy?.name, statement, replaceStatement },
      ...outcome,
    };
  }
  let patched: NamedPolicy | null = null;
  let policyPatch: Record<string, unknown> | null = null;
  if (deny && policy && principalArn) {
    const original = statementAt(policy, deny.statement.index);
    if (original) {
      const changed = exemptPrincipal(original, principalArn);
      patched = withReplacedStatement(policy, deny.statement.index, changed);
      policyPatch = {
        layer: guard.id,
        policy: policy.arn ?? policy.name,
        statement: statementLabel(deny.statement),
        replaceStatement: changed,
      };
    }
  } else if (!explicit && policy && (guard.id === 'permissions-boundary' || guard.id === 'session-policy')) {
    const stmt = allowStatement({
      sid: sidFor('Allow', k.action.replace('kms:', ''), 'key'),
      actions: [k.action],
      resources: [keyArn],
    });
    patched = withStatement(policy, stmt, target.fallback);
    policyPatch = { layer: guard.id, policy: policy.arn ?? policy.name, addStatement: stmt };
  }
  if (patched === null || policyPatch === null) return text;
  const outcome = verifyKms(target.apply(buildKmsInput(request, k, facts), patched), [guard.id]);
  return { ...text, policyPatch, ...outcome };
}

/** A Deny statement of a layer, as fix/layers.ts denyStatements gives it. */
type DenyRef = ReturnType<typeof denyStatements>[number];

/**
 * A network Deny (in the key policy or a guardrail) that refuses the call S3 makes to KMS with the caller's credentials
 * (a forward access session, ../fix/context.ts forwardedRequest): AWS's exception for such calls added to the statement
 * (../fix/perimeter-exception.ts forwardedCallException), re-evaluated with `verify`. Null when it does not apply or
 * is not verified. `where` names the policy ("the key policy").
 */
function forwardedFix(
  request: CheckerInput['request'],
  k: KmsNeed,
  keyArn: string,
  deny: DenyRef | undefined,
  policy: NamedPolicy | null,
  where: string,
  verify: (patched: NamedPolicy) => Pick<Fix, 'verified' | 'stillDeniedBy'>,
): (Omit<Fix, 'commands' | 'policyPatch'> & { statement: string; replaceStatement: Json }) | null {
  if (request.eventSource !== 's3.amazonaws.com' || deny === undefined || policy === null) return null;
  const original = statementAt(policy, deny.statement.index);
  const change = original ? forwardedCallException(deny.statement, original) : null;
  if (change === null) return null;
  const outcome = verify(withReplacedStatement(policy, deny.statement.index, change.statement));
  if (!outcome.verified) return null;
  const label = statementLabel(deny.statement);
  return {
    summary: `S3 calls ${k.action} on ${keyArn} with the caller's credentials (a forward access session: aws:ViaAWSService is true). That call carries none of the caller's VPC endpoint keys (aws:SourceVpce, aws:SourceVpc, aws:VpcSourceIp), so ${change.keys} in statement ${label} of ${where} ${
      change.decided ? 'refuses' : 'may refuse'
    } every SSE-KMS read and write the caller makes through a VPC endpoint. Add AWS's exception for such calls to statement ${label} (BoolIfExists aws:ViaAWSService false, as AWS's data-perimeter policies do); the caller's own calls to KMS stay held to the network the statement names.`,
    statement: label,
    replaceStatement: change.statement,
    ...outcome,
  };
}

/** forwardedFix for the key policy. */
function forwardedKeyFix(input: CheckerInput, k: KmsNeed, layer: LayerResult, keyArn: string): Fix | null {
  const base = buildKmsInput(input.request, k, input.facts);
  const policy = base.keyPolicy.status === 'known' ? base.keyPolicy.value : null;
  const fix = forwardedFix(
    input.request,
    k,
    keyArn,
    denyStatements(layer)[0],
    policy,
    'the key policy',
    (patched) => verifyKms({ ...base, keyPolicy: known(patched) }, ['kms-key-policy']),
  );
  if (fix === null) return null;
  const { statement, replaceStatement, ...rest } = fix;
  return {
    ...rest,
    commands: keyPolicyCommands(keyArn),
    policyPatch: { layer: 'kms-key-policy', policy: keyArn, statement, replaceStatement },
  };
}

function keyFix(input: CheckerInput, k: KmsNeed, e: NeedEvaluation): Fix {
  const { request, facts } = input;
  const principalArn = callerIdentityArn(request, facts);
  const keyArn = e.need.resource;
  const found = resolveKmsKey(request, facts, k.keyId, k.bucket);
  const key = found?.fact.status === 'known' ? found.fact.value : null;
  if (key && key.keyState && key.keyState !== 'Enabled') {
    const { todo, commands } = keyStateFix(keyArn, key.keyState);
    return { summary: `The key is ${key.keyState}: ${todo}.`, commands, verified: false };
  }
  // No Allow overrides an explicit Deny: the Deny statement itself must change (the evidence names it).
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
  const keyLayer = layerOf(e, 'kms-key-policy');
  const keyDeny = keyLayer?.result === 'explicitly-denied';
  const identityDeny = layerOf(e, 'identity-policy');
  const forwarded = keyDeny && keyLayer ? forwardedKeyFix(input, k, keyLayer, keyArn) : null;
  if (forwarded) return forwarded;
  if (keyDeny || identityDeny?.result === 'explicitly-denied') {
    const deny = identityDeny && !keyDeny ? denyStatements(identityDeny)[0] : undefined;
    return {
      summary: `A Deny statement in ${keyDeny ? 'the key policy' : `an identity policy of ${principalArn ?? 'the caller'}`} refuses ${k.action} on ${keyArn}, and no Allow overrides it: remove ${k.action} from that statement, or exempt ${principalArn ?? 'the caller'} from it.`,
      commands: keyDeny
        ? keyPolicyCommands(keyArn)
        : identityPolicyCommands(
            principalArn,
            deny ? findPolicy(identityPolicies(facts), deny.policy.policy) : null,
          ),
      verified: false,
    };
  }
  // explicit denies were answered above: what is left to allow is an implicit deny
  const identityDenied = identityDeny?.result === 'implicitly-denied';
  const keyImplicit = layerOf(e, 'kms-key-policy')?.result === 'implicitly-denied';
  // A permissions boundary, a session policy, an SCP or an RCP caps what the key policy and IAM policies allow: when
  // it alone refuses, an Allow added to the key policy or an IAM policy changes nothing.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  const guard = GUARDRAILS.find((g) => refuses(layerOf(e, g.id)));
  if (guard && !keyImplicit && !identityDenied) return guardrailFix(input, k, e, guard);
  const base = buildKmsInput(request, k, facts);
  const keyDenied = keyImplicit || !identityDenied;
  const via = { StringEquals: { 'kms:ViaService': `s3.${request.region}.amazonaws.com` } };
  const summary: string[] = [];
  const commands: string[] = [];
  let patched = base;
  const patch: Record<string, unknown> = { layer: 'kms' };
  if (keyDenied && base.keyPolicy.status === 'known' && principalArn) {
    const stmt = allowStatement({
      sid: sidFor('Allow', k.action.replace('kms:', ''), 'via S3'),
      actions: [k.action],
      resources: [keyArn],
      principalArn,
      condition: via,
    });
    patched = {
      ...patched,
      keyPolicy: known(withStatement(base.keyPolicy.value, stmt, base.keyPolicy.value)),
    };
    patch['keyPolicy'] = { addStatement: stmt };
    summary.push(`allow ${principalArn} to call ${k.action} on the key through S3 in the key policy`);
    commands.push(...keyPolicyCommands(keyArn), kmsGrantCommand(keyArn, principalArn, k.action, k.s3Arn));
  }
  if (identityDenied && base.identityPolicies?.status === 'known') {
    const stmt = allowStatement({
      sid: sidFor('Allow', k.action.replace('kms:', ''), 'key'),
      actions: [k.action],
      resources: [keyArn],
      condition: via,
    });
    const inline: NamedPolicy = {
      name: FIX_POLICY_NAME,
      source: 'identity-inline',
      document: { Version: '2012-10-17', Statement: [stmt] },
    };
    patched = { ...patched, identityPolicies: known([...identityPolicies(facts), inline]) };
    patch['identityPolicy'] = {
      principal: principalArn,
      newInlinePolicy: FIX_POLICY_NAME,
      addStatement: stmt,
    };
    summary.push(`allow ${k.action} on ${keyArn} in an identity policy of ${principalArn ?? 'the caller'}`);
    commands.push(...identityPolicyCommands(principalArn, null, FIX_POLICY_NAME));
  }
  // An AWS service principal (CloudFront, log delivery) has no IAM policy: only the key policy (or a grant) can let it
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html
  const service = serviceCaller(request);
  if (summary.length === 0 && service !== null) {
    return {
      summary: `Allow ${service} to use ${keyArn} for ${k.action} in the key policy: a statement with Principal {"Service": "${service}"}, scoped with aws:SourceArn to the resource that calls (a service principal has no IAM policy).`,
      commands: keyPolicyCommands(keyArn),
      verified: false,
    };
  }
  if (summary.length === 0) {
    return {
      summary: `Allow ${principalArn ?? 'the caller'} to use ${keyArn} for ${k.action} (key policy, grant or IAM policy).`,
      commands: keyPolicyCommands(keyArn),
      verified: false,
    };
  }
  // verified when each layer the fix changed allows on re-evaluation (a layer that already allowed proves nothing)
  const changed: LayerId[] = [
    ...(patch['keyPolicy'] ? (['kms-key-policy'] as const) : []),
    ...(patch['identityPolicy'] ? (['identity-policy'] as const) : []),
  ];
  const outcome = {
    ...verifyKms(patched, changed),
    verified: changed.every((id) => verifyKms(patched, [id]).verified),
  };
  const text = summary.join('; and ');
  return { summary: `${text[0]!.toUpperCase()}${text.slice(1)}.`, commands, policyPatch: patch, ...outcome };
}

const OBJECT_READS = new Set([
  's3:getobject',
  's3:getobjectversion',
  's3:getobjectattributes',
  's3:getobjectversionattributes',
]);

/**
 * The encryption facts that could not be read for a request whose KMS calls could not be determined: an object read
 * whose head-object (ServerSideEncryption) is unknown, an upload without SSE headers whose bucket default encryption
 * is unknown. Either may be SSE-KMS (fix/kms.ts says which calls S3 makes once they are known).
 */
function unreadEncryption({ request, facts }: CheckerInput): string[] {
  const out: string[] = [];
  for (const need of request.needs) {
    if (need.resourceType !== 'object' || need.bucket === null) continue;
    const action = need.action.toLowerCase();
    if (OBJECT_READS.has(action) || need.role === 'source') {
      const obj = objectFact(facts, need.bucket, need.key);
      if (obj?.status === 'known' && !(obj.value.exists && obj.value.sseNotCollected)) continue;
      out.push(`the encryption of s3://${need.bucket}/${need.key ?? ''} (head-object ServerSideEncryption)`);
    } else if (action === 's3:putobject') {
      if (request.sse?.algorithm || request.sse?.kmsKeyId) continue;
      const b = bucketFact(facts, need.bucket);
      if (b?.status === 'known' && b.value.encryption.status === 'known') continue;
      out.push(`the default encryption of bucket ${need.bucket} (get-bucket-encryption)`);
    }
  }
  return [...new Set(out)];
}

/** The engine refused an AWS managed key to a caller of another account (its key layer's rule). */
const awsManagedRefusal = (e: NeedEvaluation): boolean =>
  e.result.layers.some(
    (l) => l.layer === 'kms-key-policy' && l.rule === 'aws-managed-key' && l.result === 'implicitly-denied',
  );

/** The engine refused the key to an anonymous request (its key layer's rule): no key policy or grant can change it. */
const anonymousRefusal = (e: NeedEvaluation): boolean =>
  e.result.layers.some((l) => l.layer === 'kms-key-policy' && l.rule === 'anonymous-caller');

/**
 * An anonymous request for an SSE-KMS object, or an anonymous upload that S3 would encrypt with SSE-KMS. The fix
 * takes KMS out of the request (SSE-S3) or has the caller sign; a key policy change cannot work.
 * https://repost.aws/knowledge-center/s3-kms-signature-version-error
 */
function anonymousResult(input: CheckerInput, k: KmsNeed, e: NeedEvaluation): CheckResult {
  const { request } = input;
  const bucket = k.bucket ?? request.bucket ?? 'BUCKET';
  const objectKey =
    request.needs.find((n) => n.resourceType === 'object' && n.bucket === bucket && n.key)?.key ?? null;
  const where = objectKey !== null ? `s3://${bucket}/${objectKey}` : `the object in ${bucket}`;
  const read = k.action === 'kms:Decrypt';
  // Re-encrypting the object (or changing the bucket default) removes the KMS call and leaves the S3 request as it
  // was: the S3 evaluations already made are its re-evaluation. Headers the request itself sends cannot be changed
  // for the caller, so that case is not verified.
  const s3 = input.evaluations.filter((x) => !isKmsNeed(x));
  const still = [...new Set(s3.flatMap((x) => remainingDenials(x.result)))];
  const outcome =
    k.source === 'request'
      ? { verified: false }
      : {
          verified: s3.length > 0 && s3.every((x) => x.result.decision === 'allowed'),
          ...(still.length > 0 ? { stillDeniedBy: still } : {}),
        };
  const commands = read
    ? [
        ...(objectKey !== null ? [reencryptObjectCommand(bucket, objectKey)] : []),
        ...(k.source === 'bucket-default' ? [sseS3BucketEncryptionCommand(bucket)] : []),
      ]
    : k.source === 'bucket-default'
      ? [sseS3BucketEncryptionCommand(bucket)]
      : [];
  const summary = read
    ? `Anonymous requests cannot read SSE-KMS objects: re-encrypt ${where} with SSE-S3 (copy it onto itself${k.source === 'bucket-default' ? ", and make SSE-S3 the bucket's default encryption" : ''}), or serve it through CloudFront with Origin Access Control (signed requests; the key policy must then allow cloudfront.amazonaws.com), or give readers presigned URLs.`
    : k.source === 'bucket-default'
      ? `Anonymous uploads cannot be encrypted with SSE-KMS, and ${bucket} encrypts new objects with a KMS key by default: make SSE-S3 its default encryption, or have uploaders sign their requests.`
      : 'Anonymous uploads cannot be encrypted with SSE-KMS: send the upload without x-amz-server-side-encryption: aws:kms (with SSE-S3 as the bucket default), or sign it with credentials that may use the key.';
  return {
    status: 'deny',
    confidence: k.source === 'bucket-default' ? 'likely' : 'confirmed',
    title: read
      ? `${where} is encrypted with SSE-KMS (key ${e.need.resource}), which an anonymous request cannot read`
      : `An anonymous upload to ${bucket} cannot be encrypted with SSE-KMS (key ${e.need.resource})`,
    explanation: `S3 ${read ? 'decrypts' : 'encrypts'} an SSE-KMS object by calling ${k.action} on the key for the caller, and KMS accepts only requests signed with AWS credentials (Signature Version 4). An anonymous request ${read ? 'for' : 'that writes'} an SSE-KMS object therefore always fails, whatever the bucket policy and the key policy allow: no key policy or grant can change that.${k.source === 'bucket-default' ? " The key comes from the bucket's default encryption; the object itself was not inspected." : ''}`,
    evidence: evidenceOf(e),
    fix: { summary, commands, ...outcome },
  };
}

/**
 * A key S3 names to KMS by a bare key id or alias name (the bucket's default encryption, or the request's
 * x-amz-server-side-encryption-aws-kms-key-id) for a caller of another account than the bucket's. AWS KMS resolves
 * such a reference in the caller's account, never in the bucket owner's (fix/kms-ref.ts):
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html (KMSMasterKeyID: "If you use a
 * KMS key alias instead, then AWS KMS resolves the key within the requester's account"),
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html (KeyId: "To specify a KMS key in a
 * different AWS account, you must use the key ARN or alias ARN"),
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-server-side-encryption-aws-kms-key-id).
 */
interface OtherAccountRef {
  readonly callerAccount: string;
  readonly bucketAccount: string;
  /** The key the reference names in the bucket's account, when the facts describe it: the key the owner meant. */
  readonly meant: { readonly arn: string; readonly fact: Fact<KmsKeyFacts> } | null;
}

function otherAccountRef(input: CheckerInput, k: KmsNeed): OtherAccountRef | null {
  const { request, facts } = input;
  if (k.source !== 'bucket-default' && k.source !== 'request') return null;
  if (parseKmsKeyRef(k.keyId).arnAccount !== null || isAwsS3Alias(k.keyId)) return null;
  if (serviceCaller(request) !== null) return null;
  const callerAccount = callerAccountId(request, facts);
  const bucketAccount = bucketAccountId(request, facts, k.bucket);
  if (callerAccount === null || bucketAccount === null || callerAccount === bucketAccount) return null;
  const meant = findKmsKey(facts, k.keyId, bucketAccount);
  return { callerAccount, bucketAccount, meant: meant?.fact.status === 'known' ? meant : null };
}

/**
 * The fix for a reference KMS resolved in the caller's account: name the bucket owner's key by its key ARN (the
 * default encryption, or the caller's header), plus the key-policy change that key still needs for the caller.
 * A default encryption change is verified by evaluating the KMS call again with the key ARN (and the key-policy
 * change); a header the caller sends is not (the S3 request's own conditions on the header are not evaluated again).
 */
function otherAccountFix(input: CheckerInput, k: KmsNeed, w: OtherAccountRef): Fix {
  const { request, facts } = input;
  const bucket = k.bucket ?? request.bucket ?? 'BUCKET';
  const fromDefault = k.source === 'bucket-default';
  const b = bucketFact(facts, k.bucket);
  const enc =
    b?.status === 'known' && b.value.encryption.status === 'known' ? b.value.encryption.value : null;
  if (w.meant === null) {
    // only a default encryption reaches here without the key meant (a header falls back to the caller's key)
    return {
      summary: `Set the default encryption of bucket ${bucket} to the full key ARN of the bucket owner's key (arn:aws:kms:${request.region}:${w.bucketAccount}:key/…) instead of ${k.keyId}: the facts do not tell which key ${k.keyId} names in account ${w.bucketAccount} (aws kms describe-key, run with that account's credentials, does).`,
      commands: [
        describeKeyArnCommand(k.keyId),
        kmsBucketEncryptionCommand(
          bucket,
          'BUCKET_OWNER_KEY_ARN',
          enc?.algorithm ?? 'aws:kms',
          enc?.bucketKeyEnabled ?? false,
        ),
      ],
      verified: false,
    };
  }
  const arn = w.meant.arn;
  const named: KmsNeed = { ...k, keyId: arn };
  const result = authorizeKms(buildKmsInput(request, named, facts));
  const change = fromDefault
    ? `set the default encryption of bucket ${bucket} to the key ARN ${arn} instead of ${k.keyId}, so that KMS uses the bucket owner's key whoever uploads`
    : `send the key ARN ${arn} in x-amz-server-side-encryption-aws-kms-key-id (AWS CLI --ssekms-key-id) instead of ${k.keyId}, so that KMS uses the bucket owner's key`;
  const commands = fromDefault
    ? [kmsBucketEncryptionCommand(bucket, arn, enc?.algorithm ?? 'aws:kms', enc?.bucketKeyEnabled ?? false)]
    : [];
  const encryptionPatch = fromDefault
    ? { bucketEncryption: { bucket, KMSMasterKeyID: arn } }
    : { requestHeader: { 'x-amz-server-side-encryption-aws-kms-key-id': arn } };
  if (result.decision === 'allowed') {
    return {
      summary: `${change[0]!.toUpperCase()}${change.slice(1)}; its key policy already lets the caller call ${k.action} through S3.`,
      commands,
      policyPatch: { layer: 'kms', ...encryptionPatch },
      verified: fromDefault,
    };
  }
  if (result.decision === 'unknown') {
    return {
      summary: `${change[0]!.toUpperCase()}${change.slice(1)}; whether that key lets the caller call ${k.action} is not known (its key policy, grants or the caller's IAM policies could not be read).`,
      commands,
      policyPatch: { layer: 'kms', ...encryptionPatch },
      verified: false,
    };
  }
  // the bucket owner's key does not let the caller either: its key-policy change too, verified together
  const more = keyFix(input, named, { need: kmsActionNeed(named, arn), result });
  const text = more.summary.replace(/\.$/, '');
  return {
    ...more,
    summary: `${change[0]!.toUpperCase()}${change.slice(1)}; and ${text[0]!.toLowerCase()}${text.slice(1)}.`,
    commands: [...commands, ...more.commands],
    policyPatch: { layer: 'kms', ...(more.policyPatch ?? {}), ...encryptionPatch },
    verified: fromDefault && more.verified,
  };
}

function otherAccountResult(
  input: CheckerInput,
  k: KmsNeed,
  e: NeedEvaluation,
  w: OtherAccountRef,
): CheckResult {
  const { request, facts } = input;
  const bucket = k.bucket ?? request.bucket ?? 'BUCKET';
  const fromDefault = k.source === 'bucket-default';
  const form = parseKmsKeyRef(k.keyId).form === 'alias-name' ? 'alias name' : 'key id';
  const where = fromDefault
    ? `The default encryption of bucket ${bucket} (account ${w.bucketAccount})`
    : 'The request header x-amz-server-side-encryption-aws-kms-key-id';
  const own = resolveKmsKey(request, facts, k.keyId, k.bucket);
  const ownKey = own?.fact.status === 'known' ? own.arn : null;
  const decided = e.result.decision !== 'unknown';
  const found = ownKey
    ? `There it names ${ownKey}, ${decided ? `which the caller may not use for ${k.action}` : `and whether the caller may use it for ${k.action} is not known`}`
    : `The facts hold no key ${k.keyId} of account ${w.callerAccount}: there KMS finds no such key, or one the caller may not use`;
  const meant = w.meant
    ? `; in the bucket owner's account ${w.bucketAccount} ${k.keyId} is ${w.meant.arn}, which KMS does not use for this caller`
    : '';
  return {
    status: 'deny',
    confidence: fromDefault || !decided ? 'likely' : 'confirmed',
    title: `KMS resolved ${k.keyId} in the caller's account ${w.callerAccount}, not in the bucket owner's account ${w.bucketAccount}`,
    explanation: `${where} names the KMS key by its ${form} ${k.keyId}. S3 calls ${k.action} with that reference on the caller's behalf, and AWS KMS resolves a bare key id or alias name in the caller's account (${w.callerAccount}), never in another account: only a key ARN or alias ARN names a key of another account. ${found}${meant}. S3 reports the failed KMS call as Access Denied.${fromDefault ? " The key comes from the bucket's default encryption; the object itself was not inspected." : ''}`,
    evidence: [
      {
        layer: 'kms-key-policy',
        detail: `key reference ${k.keyId} (from ${k.source}) is a bare ${form}: KMS resolves it in the caller's account ${w.callerAccount}, not in the bucket owner's account ${w.bucketAccount}${w.meant ? ` (where it names ${w.meant.arn})` : ''}`,
      },
      ...evidenceOf(e),
    ],
    fix: otherAccountFix(input, k, w),
  };
}

export const checker: Checker = {
  id: 'kms-key-access',
  title: 'SSE-KMS: the principal may not use the key (key policy, grants or identity policy)',
  detection:
    "For SSE-KMS objects and uploads (object SSEKMSKeyId, request headers, bucket default encryption, or a KMS denial record), the engine evaluates the KMS call S3 makes for the caller: kms:Decrypt to read, kms:GenerateDataKey to write, with kms:ViaService and the aws:s3:arn encryption context. A key named by a bare key id or alias name (not an ARN) is the key of that name in the caller's account, never another account's: AWS KMS resolves it in the requester's account (API_ServerSideEncryptionByDefault KMSMasterKeyID; KMS KeyId: another account's key only by key ARN or alias ARN). So a bucket default (or request header) naming the bucket owner's key by alias or key id fails for a caller of another account, and is explained as such.",
  fixSummary:
    "Allow the principal kms:Decrypt / kms:GenerateDataKey on the key (aws kms put-key-policy or aws kms create-grant; plus an IAM policy when cross-account); the aws/s3 managed key cannot be shared across accounts. A bucket default that names the owner's key by alias or key id for a caller of another account: set it to the full key ARN (aws s3api put-bucket-encryption; verified by evaluating the KMS call again with that key, and its key-policy change when it does not allow the caller); a request header: send the key ARN. When a permissions boundary, session policy, SCP or RCP alone refuses the KMS call, the change is in it (the caller exempted from its Deny, or an Allow of the KMS action on the key), verified. An anonymous request can never use a key: re-encrypt with SSE-S3 (verified) or serve through CloudFront with Origin Access Control.",
  check(input): CheckResult {
    const pairs = pair(input);
    if (pairs.length === 0) {
      const kmsInvolved =
        input.request.eventSource === 'kms.amazonaws.com' ||
        input.request.enhancedMessage.action?.startsWith('kms:');
      if (kmsInvolved) return { status: 'unknown', missing: ['the KMS key of the denied call'] };
      // encryption that could not be read may be SSE-KMS: the cause stays possible (issue 13)
      const unread = unreadEncryption(input);
      return unread.length > 0
        ? { status: 'unknown', missing: unread }
        : { status: 'not-applicable', detail: 'no SSE-KMS key is involved' };
    }
    const anonymous = pairs.find(({ e }) => anonymousRefusal(e));
    if (anonymous) return anonymousResult(input, anonymous.k, anonymous.e);
    const managed = pairs.find(({ e }) => awsManagedRefusal(e));
    if (managed) {
      const bucket = managed.k.bucket ?? 'BUCKET';
      return {
        status: 'deny',
        confidence: managed.k.source === 'bucket-default' ? 'likely' : 'confirmed',
        title: `The object is encrypted with the AWS managed key aws/s3, which cannot be used from another account`,
        explanation: `${managed.k.action} on the AWS managed key aws/s3 of the bucket account is only possible for principals of that account; its key policy cannot be changed.`,
        evidence: [
          {
            layer: 'kms-key-policy',
            detail: `key ${managed.k.keyId} (from ${managed.k.source}) is AWS managed; caller ${input.request.principal.accountId ?? '?'} is cross-account`,
          },
          ...evidenceOf(managed.e),
        ],
        fix: {
          summary:
            'Encrypt the bucket with a customer managed key whose key policy allows the other account, and re-encrypt the objects (copy in place).',
          commands: [bucketEncryptionCommand(bucket)],
          verified: false,
        },
      };
    }
    // a bare key id or alias name KMS resolved in the caller's account, for a caller of another account than the
    // bucket's: the bucket owner's default names its key wrongly for that caller (a header: when the bucket owner's
    // account holds a key of that name; otherwise the caller's own key is the one meant, and is explained below)
    for (const { k, e } of pairs) {
      if (e.result.decision === 'allowed') continue;
      const w = otherAccountRef(input, k);
      if (w && (w.meant !== null || k.source === 'bucket-default')) return otherAccountResult(input, k, e, w);
    }
    const denied = pairs.filter(
      ({ e }) => e.result.decision === 'explicitly-denied' || e.result.decision === 'implicitly-denied',
    );
    if (denied.length === 0) {
      const unknown = pairs.filter(({ e }) => e.result.decision === 'unknown');
      if (unknown.length > 0) {
        const missing = unknown.flatMap(({ e }) =>
          e.result.layers
            .filter((l) => l.result === 'unknown')
            .flatMap((l) => l.missing ?? [l.note ?? l.layer]),
        );
        return {
          status: 'unknown',
          missing: [...new Set(missing.length > 0 ? missing : ['KMS key policy'])],
        };
      }
      return {
        status: 'pass',
        detail: `the caller may use ${pairs.map(({ e }) => `${e.need.action} on ${e.need.resource}`).join(', ')}`,
      };
    }
    const { k, e } = denied[0]!;
    const likely = k.source === 'bucket-default';
    return {
      status: 'deny',
      confidence: likely ? 'likely' : 'confirmed',
      title: `${callerIdentityArn(input.request, input.facts) ?? serviceCaller(input.request)?.replace(/^the /, 'The ') ?? 'The caller'} may not call ${k.action} on KMS key ${e.need.resource}`,
      explanation: `The ${k.action === 'kms:Decrypt' ? 'object' : 'upload'}${k.s3Arn ? ` ${k.s3Arn}` : ''} is encrypted with SSE-KMS, so S3 calls ${k.action} on ${e.need.resource} for the caller, and that call is ${
        e.result.decision === 'explicitly-denied' ? 'explicitly denied' : 'not allowed'
      }. S3 reports it as Access Denied.${likely ? " The key comes from the bucket's default encryption; the object itself was not inspected." : ''}`,
      evidence: denied.flatMap(({ e: x }) => evidenceOf(x)),
      fix: keyFix(input, k, e),
    };
  },
};
