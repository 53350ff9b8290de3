/**
 * Evidence from the record, before any AWS read (issue 13 item 1): what the CloudTrail record itself says about
 * where the denial came from, each item with its provenance (the record fields) and the AWS source of its meaning.
 *
 * - The error code decides where it can (ERROR_CODES): AccessControlListNotSupported is Object Ownership
 *   BucketOwnerEnforced and nothing else; VpceAccessDenied is the VPC endpoint policy; authentication failures
 *   (ExpiredToken, SignatureDoesNotMatch, …) happen before any policy is evaluated; AllAccessDisabled,
 *   AccountProblem and InvalidObjectState are not access control at all. `decisive` marks those codes: no other
 *   layer needs considering. AccessDenied is the authorization result and decides nothing alone.
 * - AWS's enhanced message names one policy type (ENHANCED_CAUSES maps it to root causes).
 * - Transport: TLS recorded, or plain HTTP inferred as likely (network.ts plainHttpInference).
 * - Network, authentication and request headers: the facts condition keys are made of, with the record field.
 *
 * Pure data for the checkers and the ranking: `pointsAt` names the causes an item makes plausible, `rulesOut` the
 * causes it excludes; `confidence` is how sure the FACT is ('likely' = inferred from what the record lacks), not
 * how sure the cause is.
 */
import type {
  ConditionContext,
  EnhancedMessage,
  EnhancedPolicyType,
  ErrorCodeEvidence,
  Principal,
  RecordEvidence,
  RecordEvidenceItem,
  RootCauseId,
} from '../model';
import { ROOT_CAUSE_IDS } from '../model';
import { KMS_EVENT_SOURCE } from './denial';
import { asObject, field, str, text, type JsonObject } from './fields';
import type { Network } from './network';
import type { Location } from './resources';

const S3_ERRORS = 'https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList';
const OWNERSHIP_ERRORS =
  'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html';
const NETWORK_EVENTS =
  'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-network-events.html';
const GET_OBJECT = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html';
const TROUBLESHOOT_403 = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html';
const SIGV4_AUTH = 'https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html';
const RECORD_CONTENTS =
  'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html';
const S3_ENTRIES =
  'https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-understanding-s3-entries.html';

type CodeSpec = Omit<ErrorCodeEvidence, 'code'>;

const EVERY_POLICY_CAUSE: readonly RootCauseId[] = ROOT_CAUSE_IDS.filter(
  (id) => id !== 'request-expired-or-invalid',
);

const authentication = (meaning: string): CodeSpec => ({
  layer: 'authentication',
  decisive: true,
  pointsAt: ['request-expired-or-invalid'],
  meaning: `${meaning}; S3 rejects the request before it evaluates any policy`,
  url: S3_ERRORS,
});

const suspended = (meaning: string): CodeSpec => ({
  layer: 'account-or-resource-suspended',
  decisive: true,
  pointsAt: [],
  meaning,
  url: S3_ERRORS,
});

/** What each error code says, from AWS's S3 error-code list and the pages named in `url`. */
export const ERROR_CODES: Readonly<Record<string, CodeSpec>> = {
  AccessDenied: {
    layer: 'authorization',
    decisive: false,
    pointsAt: [],
    meaning:
      'S3 authorized the request and refused it: a policy, ACL or setting denied, or none allowed (403 Access Denied)',
    url: S3_ERRORS,
  },
  AccessControlListNotSupported: {
    layer: 'object-ownership',
    decisive: true,
    pointsAt: ['object-ownership-acl'],
    meaning:
      'the bucket has Object Ownership BucketOwnerEnforced (ACLs disabled) and the request set an ACL other than bucket-owner-full-control (400)',
    url: OWNERSHIP_ERRORS,
  },
  VpceAccessDenied: {
    layer: 'vpc-endpoint-policy',
    decisive: true,
    pointsAt: ['vpc-endpoint-policy'],
    meaning:
      'a network-activity event: the VPC endpoint policy denied the request ("The request was denied due to a VPC endpoint policy")',
    url: NETWORK_EVENTS,
  },
  AllAccessDisabled: suspended(
    'all access to this Amazon S3 resource has been disabled by AWS (403); no policy change helps: contact AWS Support',
  ),
  AccountProblem: suspended(
    'a problem with the AWS account prevents the action (403); no policy change helps: contact AWS Support',
  ),
  InvalidObjectState: {
    layer: 'object-state',
    decisive: true,
    pointsAt: [],
    meaning:
      'the object is archived (S3 Glacier Flexible Retrieval / Deep Archive, or an Intelligent-Tiering archive tier) and must be restored (RestoreObject) before it can be read (403); not access control',
    url: GET_OBJECT,
  },
  ExpiredToken: authentication('the session token of the temporary credentials has expired'),
  TokenRefreshRequired: authentication('the session token must be refreshed'),
  InvalidToken: authentication('the session token is malformed or otherwise invalid'),
  SignatureDoesNotMatch: authentication(
    'the signature does not match the one S3 calculated (wrong secret key, or the request changed after signing)',
  ),
  InvalidAccessKeyId: authentication('the access key id does not exist in AWS records'),
  RequestTimeTooSkewed: authentication(
    "the signing time differs from the server's time by more than 15 minutes",
  ),
  AuthorizationQueryParametersError: authentication('the presigned URL query parameters are malformed'),
};

/**
 * AccessDenied messages S3 returns for request-level (authentication) failures, before any policy:
 * an expired presigned URL, unsigned headers in a presigned request, an expired or unmet POST policy.
 */
const AUTH_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/^\s*Request has expired\b/i, 'the presigned URL (or signed request) had expired'],
  [
    /^\s*There were headers present in the request which were not signed\b/i,
    'the request sent headers its signature did not cover',
  ],
  [/^\s*Invalid according to Policy\b/i, 'the browser POST upload broke its signed POST policy'],
];

const KMS_CODE: CodeSpec = {
  layer: 'kms-key',
  decisive: true,
  pointsAt: ['kms-key-access'],
  meaning:
    'KMS refused the call S3 made for the caller: the key policy, a grant or the caller’s KMS permissions do not allow it',
  url: 'https://docs.aws.amazon.com/kms/latest/developerguide/policy-evaluation.html',
};

const UNKNOWN_CODE = (code: string): CodeSpec => ({
  layer: 'authorization',
  decisive: false,
  pointsAt: [],
  meaning: `error code ${code || '(none)'} is not one this tool interprets`,
  url: S3_ERRORS,
});

/** What the error code (with the message, for AccessDenied) says. */
export function errorCodeEvidence(
  eventSource: string,
  code: string,
  message: string | null,
): ErrorCodeEvidence {
  if (eventSource === KMS_EVENT_SOURCE && (code === 'AccessDenied' || code === 'AccessDeniedException'))
    return { code, ...KMS_CODE };
  if (code === 'AccessDenied' && message !== null) {
    const auth = AUTH_MESSAGES.find(([re]) => re.test(message));
    if (auth)
      return { code, ...authentication(`AccessDenied "${oneLine(message)}": ${auth[1]}`), url: SIGV4_AUTH };
  }
  const spec = Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code]! : UNKNOWN_CODE(code);
  return { code, ...spec };
}

/** The root causes AWS's enhanced message points at, by kind and policy type. */
const EXPLICIT_CAUSES: Readonly<Record<EnhancedPolicyType, readonly RootCauseId[]>> = {
  'identity-based policy': ['identity-policy-explicit-deny'],
  // RestrictPublicBuckets shows up as an explicit deny in a resource-based policy (ENHANCED-MESSAGES.md).
  'resource-based policy': ['bucket-policy-explicit-deny', 'access-point-policy', 'block-public-access'],
  'service control policy': ['scp-deny'],
  'resource control policy': ['rcp-deny'],
  'VPC endpoint policy': ['vpc-endpoint-policy'],
  'permissions boundary': ['permissions-boundary'],
  'session policy': ['session-policy'],
  'role trust policy': [],
};
const IMPLICIT_CAUSES: Readonly<Record<EnhancedPolicyType, readonly RootCauseId[]>> = {
  'identity-based policy': ['identity-policy-no-allow', 'resource-arn-mismatch', 'missing-object-no-list'],
  // IgnorePublicAcls shows up as "no resource-based policy allows" (ENHANCED-MESSAGES.md).
  'resource-based policy': [
    'cross-account-no-bucket-grant',
    'object-ownership-acl',
    'access-point-policy',
    'block-public-access',
  ],
  'service control policy': ['scp-deny'],
  'resource control policy': ['rcp-deny'],
  'VPC endpoint policy': ['vpc-endpoint-policy'],
  'permissions boundary': ['permissions-boundary'],
  'session policy': ['session-policy'],
  'role trust policy': [],
};

/** The root causes an enhanced message names (empty when it names none). */
export function enhancedMessageCauses(m: EnhancedMessage): RootCauseId[] {
  const out = new Set<RootCauseId>();
  if (m.action?.toLowerCase().startsWith('kms:')) out.add('kms-key-access');
  if (m.kind === 'bpa') out.add('block-public-access');
  if (m.kind === 'vpce') out.add('vpc-endpoint-policy');
  if (m.kind === 'sse-c-blocked') out.add('sse-c-blocked');
  if (m.kind === 'mfa-delete') out.add('mfa-delete');
  const table =
    m.kind === 'explicit-deny' ? EXPLICIT_CAUSES : m.kind === 'implicit-deny' ? IMPLICIT_CAUSES : null;
  if (table) {
    for (const t of [m.policyType, m.transitiveThrough])
      if (t !== null) for (const id of table[t]) out.add(id);
  }
  return [...out];
}

export interface EvidenceInput {
  readonly record: JsonObject;
  readonly eventSource: string;
  readonly errorCode: string;
  readonly errorMessage: string | null;
  readonly enhancedMessage: EnhancedMessage;
  readonly principal: Principal;
  readonly network: Network;
  readonly location: Location;
  readonly context: ConditionContext;
}

/** Every piece of evidence the record carries. Never throws. */
export function recordEvidence(input: EvidenceInput): RecordEvidence {
  const errorCode = errorCodeEvidence(input.eventSource, input.errorCode, input.errorMessage);
  const items: RecordEvidenceItem[] = [codeItem(errorCode)];
  const message = messageItem(input.enhancedMessage, errorCode);
  if (message) items.push(message);
  const lock = objectLockItem(input.errorMessage);
  if (lock) items.push(lock);
  const acls = aclsNotDisabledItem(input);
  if (acls) items.push(acls);
  items.push(...transportItems(input), ...networkItems(input), ...authItems(input), ...headerItems(input));
  return { errorCode, items };
}

function codeItem(e: ErrorCodeEvidence): RecordEvidenceItem {
  return {
    kind: 'error-code',
    confidence: 'confirmed',
    pointsAt: e.pointsAt,
    // A decisive code names the cause: every other root cause is ruled out.
    rulesOut: e.decisive ? ROOT_CAUSE_IDS.filter((id) => !e.pointsAt.includes(id)) : [],
    source: [
      'errorCode',
      ...(e.layer === 'authentication' && e.code === 'AccessDenied' ? ['errorMessage'] : []),
    ],
    detail: `${e.code || '(no error code)'}: ${e.meaning}`,
    url: e.url,
  };
}

function messageItem(m: EnhancedMessage, code: ErrorCodeEvidence): RecordEvidenceItem | null {
  if (m.kind === 'generic' || m.kind === 'other') return null;
  if (code.layer === 'vpc-endpoint-policy' && m.kind === 'vpce') return null; // said by the code item
  const causes = enhancedMessageCauses(m);
  const what =
    m.kind === 'bpa'
      ? `S3 Block Public Access (${m.bpaSetting ?? 'a setting'}) refused it`
      : m.kind === 'sse-c-blocked'
        ? 'the bucket blocks uploads that specify SSE-C (server-side encryption with customer-provided keys)'
        : m.kind === 'mfa-delete'
          ? "MFA delete refused it: the bucket owner's root user's MFA (x-amz-mfa) is required"
          : m.kind === 'vpce'
            ? 'a VPC endpoint policy denied it'
            : `${m.kind === 'explicit-deny' ? 'an explicit deny in' : 'no statement allows it in'} a ${m.policyType ?? 'policy of an unnamed type'}${
                m.transitiveThrough ? ` (transitively through a ${m.transitiveThrough})` : ''
              }${m.policyArn ? `: ${m.policyArn}` : ''}`;
  return {
    kind: 'aws-message',
    confidence: 'confirmed',
    pointsAt: causes,
    rulesOut: [],
    source: ['errorMessage'],
    detail: `AWS's own message says ${what}${m.truncated ? ' (the message was cut at 1 KB)' : ''}`,
    url: TROUBLESHOOT_403,
  };
}

/** Requests whose only meeting with Object Ownership is its refusal of an ACL: no existing object's owner is involved. */
const NEW_WRITES: ReadonlySet<string> = new Set([
  'PutBucketAcl',
  'CreateBucket',
  'PutObject',
  'CreateMultipartUpload',
]);

/**
 * With ACLs disabled (BucketOwnerEnforced), a request that sets an ACL fails with 400 AccessControlListNotSupported,
 * never 403 AccessDenied (OWNERSHIP_ERRORS). A request that writes a bucket ACL or a new object meets Object Ownership
 * only there, so an AccessDenied record of one rules object-ownership-acl out. (PutObjectAcl and CopyObject also meet
 * the owner of an existing object: not ruled out.)
 */
function aclsNotDisabledItem(input: EvidenceInput): RecordEvidenceItem | null {
  if (input.eventSource !== 's3.amazonaws.com' || input.errorCode !== 'AccessDenied') return null;
  const name = str(field(input.record, 'eventName'));
  if (name === null || !NEW_WRITES.has(name)) return null;
  return {
    kind: 'error-code',
    confidence: 'confirmed',
    pointsAt: [],
    rulesOut: ['object-ownership-acl'],
    source: ['errorCode', 'eventName'],
    detail: `AccessDenied (403), not AccessControlListNotSupported (400): Object Ownership did not refuse this ${name} for setting an ACL, and the request involves no existing object's owner`,
    url: OWNERSHIP_ERRORS,
  };
}

/** S3's own message for a version Object Lock protects (issue 19): "Access Denied because object protected by object lock." */
const OBJECT_LOCK_MESSAGE = /object protected by object lock/i;

function objectLockItem(message: string | null): RecordEvidenceItem | null {
  if (message === null || !OBJECT_LOCK_MESSAGE.test(message)) return null;
  return {
    kind: 'aws-message',
    confidence: 'confirmed',
    pointsAt: ['object-lock'],
    rulesOut: [],
    source: ['errorMessage'],
    detail: `AWS's own message says an Object Lock retention period or legal hold protects the object version ("${oneLine(message)}")`,
    url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html',
  };
}

function transportItems({ network }: EvidenceInput): RecordEvidenceItem[] {
  if (network.secureTransport === true) {
    return [
      {
        kind: 'transport',
        confidence: 'confirmed',
        pointsAt: [],
        rulesOut: [],
        conditionKey: 'aws:SecureTransport',
        value: 'true',
        source: network.tlsVersion !== null ? ['tlsDetails'] : ['additionalEventData.CipherSuite'],
        detail: `the request came over TLS${network.tlsVersion ? ` (${network.tlsVersion})` : ''}`,
        url: RECORD_CONTENTS,
      },
    ];
  }
  if (network.plainHttp !== null) {
    return [
      {
        kind: 'transport',
        confidence: 'likely',
        pointsAt: [],
        rulesOut: [],
        conditionKey: 'aws:SecureTransport',
        value: 'false',
        source: network.plainHttp.from,
        detail: `likely plain HTTP: ${network.plainHttp.reason}; a Deny on aws:SecureTransport "false" would then apply`,
        url: RECORD_CONTENTS,
      },
    ];
  }
  return [];
}

function item(
  kind: RecordEvidenceItem['kind'],
  conditionKey: string | undefined,
  value: string,
  source: readonly string[],
  detail: string,
  pointsAt: readonly RootCauseId[] = [],
  url: string = S3_ENTRIES,
): RecordEvidenceItem {
  return {
    kind,
    confidence: 'confirmed',
    pointsAt,
    rulesOut: [],
    ...(conditionKey !== undefined ? { conditionKey } : {}),
    value,
    source,
    detail,
    url,
  };
}

function networkItems({ network, location }: EvidenceInput): RecordEvidenceItem[] {
  const out: RecordEvidenceItem[] = [];
  if (network.vpcEndpointId !== null) {
    out.push(
      item(
        'network',
        'aws:SourceVpce',
        network.vpcEndpointId,
        ['vpcEndpointId'],
        `through VPC endpoint ${network.vpcEndpointId}${network.vpcEndpointAccountId ? ` (owned by ${network.vpcEndpointAccountId})` : ''}: its policy applies, and aws:SourceIp is not in the request`,
      ),
    );
  }
  if (network.sourceIp !== null) {
    out.push(
      item(
        'network',
        network.vpcEndpointId !== null ? 'aws:VpcSourceIp' : 'aws:SourceIp',
        network.sourceIp,
        ['sourceIPAddress'],
        `from ${network.sourceIp}`,
      ),
    );
  }
  if (location.accessPoint !== null) {
    out.push(
      item(
        'network',
        's3:DataAccessPointArn',
        location.accessPoint.arn,
        ['resources[].ARN', 'requestParameters'],
        `through access point ${location.accessPoint.arn}: its policy and the bucket policy must both allow`,
      ),
    );
  }
  return out;
}

function authItems({ network, record, principal }: EvidenceInput): RecordEvidenceItem[] {
  const out: RecordEvidenceItem[] = [];
  if (network.signatureVersion !== null)
    out.push(
      item(
        'authentication',
        's3:signatureversion',
        network.signatureVersion,
        ['additionalEventData.SignatureVersion'],
        `signed with ${network.signatureVersion}`,
      ),
    );
  if (network.authenticationMethod !== null) {
    const presigned = network.authenticationMethod.toLowerCase() === 'querystring';
    out.push(
      item(
        'authentication',
        's3:authType',
        network.authenticationMethod,
        ['additionalEventData.AuthenticationMethod'],
        presigned
          ? `a presigned URL (query-string authentication)${principal.accessKeyId?.startsWith('ASIA') ? ' signed with temporary credentials (ASIA…): it stops working when they expire' : ''}`
          : `authenticated by ${network.authenticationMethod}`,
      ),
    );
    const expiry = presigned ? presignedExpiry(record) : null;
    if (expiry !== null && expiry.lateSeconds > 0)
      out.push({
        ...item(
          'authentication',
          undefined,
          `${expiry.lateSeconds}`,
          ['requestParameters.X-Amz-Date', 'requestParameters.X-Amz-Expires', 'eventTime'],
          `the presigned URL was used ${expiry.lateSeconds} s after it expired (signed ${expiry.signedAt}, valid ${expiry.expiresIn} s)`,
          ['request-expired-or-invalid'],
          SIGV4_AUTH,
        ),
        rulesOut: EVERY_POLICY_CAUSE,
      });
  }
  return out;
}

function presignedExpiry(
  record: JsonObject,
): { signedAt: string; expiresIn: number; lateSeconds: number } | null {
  const params = asObject(record['requestParameters']);
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(
    str(field(params, 'X-Amz-Date'))?.trim() ?? '',
  );
  const expiresIn = Number(str(field(params, 'X-Amz-Expires')));
  const at = Date.parse(text(record['eventTime']) ?? '');
  if (!m || !Number.isFinite(expiresIn) || Number.isNaN(at)) return null;
  const signed = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return {
    signedAt: new Date(signed).toISOString(),
    expiresIn,
    lateSeconds: Math.round((at - (signed + expiresIn * 1000)) / 1000),
  };
}

const PUBLIC_CANNED_ACLS: ReadonlySet<string> = new Set([
  'public-read',
  'public-read-write',
  'authenticated-read',
]);

function headerItems({ record, context }: EvidenceInput): RecordEvidenceItem[] {
  const out: RecordEvidenceItem[] = [];
  const params = asObject(record['requestParameters']);
  const header = (name: string): string | null => text(field(params, name));
  const acl = header('x-amz-acl');
  if (acl !== null) {
    const isPublic = PUBLIC_CANNED_ACLS.has(acl.trim().toLowerCase());
    const enforcedOk = acl.trim().toLowerCase() === 'bucket-owner-full-control';
    out.push(
      item(
        'header',
        's3:x-amz-acl',
        acl,
        ['requestParameters.x-amz-acl'],
        `the request sets the canned ACL ${acl}${
          isPublic
            ? ': a public ACL, which Block Public Access BlockPublicAcls rejects'
            : enforcedOk
              ? ''
              : ': an ACL other than bucket-owner-full-control, which BucketOwnerEnforced buckets reject'
        }`,
        aclCauses(isPublic, enforcedOk),
      ),
    );
  }
  const sse = header('x-amz-server-side-encryption');
  if (sse !== null)
    out.push(
      item(
        'header',
        's3:x-amz-server-side-encryption',
        sse,
        ['requestParameters.x-amz-server-side-encryption'],
        `the request asks for ${sse} encryption${header('x-amz-server-side-encryption-aws-kms-key-id') ? ` with key ${header('x-amz-server-side-encryption-aws-kms-key-id')}` : ''}`,
        sse.toLowerCase().startsWith('aws:kms') ? ['kms-key-access'] : [],
      ),
    );
  const payer = header('x-amz-request-payer');
  if (payer !== null)
    out.push(
      item(
        'header',
        undefined,
        payer,
        ['requestParameters.x-amz-request-payer'],
        `the request accepts Requester Pays charges (x-amz-request-payer: ${payer})`,
      ),
    );
  const tagKeys = context.values['s3:RequestObjectTagKeys'];
  if (tagKeys !== undefined)
    out.push(
      item(
        'header',
        's3:RequestObjectTagKeys',
        (Array.isArray(tagKeys) ? tagKeys : [tagKeys]).join(','),
        [context.provenance?.['s3:RequestObjectTagKeys'] ?? 'requestParameters'],
        `the request sets object tags ${(Array.isArray(tagKeys) ? tagKeys : [tagKeys]).join(', ')}`,
      ),
    );
  return out;
}

function aclCauses(isPublic: boolean, enforcedOk: boolean): RootCauseId[] {
  const out: RootCauseId[] = [];
  if (isPublic) out.push('block-public-access');
  if (!enforcedOk) out.push('object-ownership-acl');
  return out;
}

const oneLine = (s: string): string => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
};
