/**
 * What single read would settle a merely possible cause (issue 13 item 2): the AWS CLI call that returns the missing
 * fact, and where the same fact goes in a snapshot (docs/SNAPSHOT.md). The first fact the cause's layer lacks
 * decides: an unreadable policy or setting (read it), or a condition key the request does not carry (read what
 * gives it: the organization, the caller's tags, the object's tags …). A key only the request itself knew (e.g.
 * aws:SecureTransport) has no read: that is said instead.
 */
import type { NeedEvaluation } from './checkers/types';
import type { AccessRequest, Fact, RequestFacts, RootCauseId } from './model';
import { awsLine, versionArgs } from './fix/commands';
import { sessionTagsUnknown, vpcEndpointOwner } from './fix/context';
import { bucketFact, callerAccountId, callerIdentityArn, objectFact } from './fix/input';
import { ownValue } from './own';
import type { LayerId } from './policy/types';

export interface SettlingRead {
  /** The AWS CLI read that returns the missing fact; null when no read can (the request alone knew it). */
  readonly command: string | null;
  /** Where the fact goes in a snapshot (docs/SNAPSHOT.md), when it has a place there. */
  readonly snapshotField: string | null;
  /** The missing fact, as a noun phrase ("the bucket policy of reports-bucket"). */
  readonly what: string;
}

/** A snapshot path segment (a JSON key that may hold dots or quotes). */
const seg = (s: string): string => (/^[\w-]+$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`);

const unknownFact = (f: Fact<unknown> | null | undefined): boolean => f?.status === 'unknown';

interface Subject {
  readonly request: AccessRequest;
  readonly facts: RequestFacts;
  readonly bucket: string | null;
  readonly key: string | null;
  readonly bucketAccount: string | null;
  readonly callerAccount: string | null;
  /** "role" / "user" and its name, from the caller's IAM identity ARN. */
  readonly iam: { readonly kind: 'role' | 'user'; readonly name: string } | null;
}

function subjectOf(request: AccessRequest, facts: RequestFacts): Subject {
  const arn = callerIdentityArn(request, facts);
  const m = arn ? /^arn:aws[\w-]*:iam::\d{12}:(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn) : null;
  const b = bucketFact(facts, request.bucket);
  return {
    request,
    facts,
    bucket: request.bucket,
    key: request.key,
    bucketAccount:
      (b?.status === 'known' && b.value.accountId.status === 'known' ? b.value.accountId.value : null) ??
      request.bucketAccountId,
    callerAccount: callerAccountId(request, facts),
    iam: m ? { kind: m[1] as 'role' | 'user', name: m[2]! } : null,
  };
}

const B = (s: Subject): string => s.bucket ?? 'BUCKET';
const K = (s: Subject): string => s.key ?? 'KEY';

/** The account and name an access point ARN names (placeholders when it does not). */
function accessPointParts(arn: string): { account: string; name: string } {
  const m = /:(\d{12}):accesspoint\/([^/]+)/.exec(arn);
  return { account: m?.[1] ?? 'ACCOUNT', name: m?.[2] ?? 'NAME' };
}

function bucketRead(s: Subject, what: string, call: string, field: string): SettlingRead {
  return {
    command: awsLine(['s3api', call, '--bucket', B(s)]),
    snapshotField: `buckets${seg(B(s))}.${field}`,
    what,
  };
}

const bucketPolicyRead = (s: Subject): SettlingRead =>
  bucketRead(s, `the bucket policy of ${B(s)}`, 'get-bucket-policy', 'policy');

const objectRead = (s: Subject, what: string): SettlingRead => ({
  command: awsLine(['s3api', 'head-object', '--bucket', B(s), '--key', K(s)]),
  snapshotField: `buckets${seg(B(s))}.objects${seg(K(s))}`,
  what,
});

function identityRead(s: Subject, what: string): SettlingRead {
  const acct = s.callerAccount ?? 'ACCOUNT';
  if (!s.iam)
    return {
      command: 'aws iam get-account-authorization-details',
      snapshotField: `accounts${seg(acct)}.authorizationDetails`,
      what,
    };
  const list = s.iam.kind === 'role' ? 'RoleDetailList' : 'UserDetailList';
  const nameField = s.iam.kind === 'role' ? 'RoleName' : 'UserName';
  const filter = s.iam.kind === 'role' ? 'Role' : 'User Group';
  return {
    command: awsLine([
      'iam',
      'get-account-authorization-details',
      '--filter',
      filter,
      'LocalManagedPolicy',
      'AWSManagedPolicy',
    ]),
    snapshotField: `accounts${seg(acct)}.authorizationDetails.${list}[${nameField}=${JSON.stringify(s.iam.name)}]`,
    what,
  };
}

function orgRead(s: Subject, side: 'caller' | 'bucket', kind: 'SCP' | 'RCP' | null): SettlingRead {
  const acct = (side === 'caller' ? s.callerAccount : s.bucketAccount) ?? 'ACCOUNT';
  const org = side === 'caller' ? s.facts.principalOrganization : s.facts.resourceOrganization;
  if (unknownFact(org))
    return {
      command: 'aws organizations describe-organization',
      snapshotField: 'organization',
      what: `the organization of account ${acct}`,
    };
  if (kind === null)
    return {
      command: awsLine(['organizations', 'list-parents', '--child-id', acct]),
      snapshotField: `accounts${seg(acct)}.organizationPath`,
      what: `the organization path of account ${acct}`,
    };
  const filter = kind === 'SCP' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY';
  return {
    command: awsLine(['organizations', 'list-policies-for-target', '--target-id', acct, '--filter', filter]),
    snapshotField: `organization.${kind === 'SCP' ? 'serviceControlPolicies' : 'resourceControlPolicies'} (and accounts${seg(acct)}.organizationPath)`,
    what: `the ${kind}s on the organization path of account ${acct}`,
  };
}

/**
 * The lookup of the event that issued the caller's session credentials. It is made with the caller's own keys, so it
 * is found by the role (ResourceName) or by GetFederationToken (`role` null), then matched on
 * responseElements.credentials.accessKeyId (as the live view does: lambdas/adapters/changes/cloudtrail-lookup.ts),
 * never by the session's AccessKeyId. null without the record's access key id.
 */
function issuingEventLookup(request: AccessRequest, role: string | null): string | null {
  const akid = request.principal.accessKeyId;
  if (!akid) return null;
  return awsLine([
    'cloudtrail',
    'lookup-events',
    '--lookup-attributes',
    role
      ? `AttributeKey=ResourceName,AttributeValue=${role}`
      : 'AttributeKey=EventName,AttributeValue=GetFederationToken',
    '--query',
    `Events[?contains(CloudTrailEvent, '${/^[A-Z0-9]+$/.test(akid) ? akid : 'ACCESS_KEY_ID'}')]`,
  ]);
}

/**
 * The read that shows a session's own tags (`key`, an aws:PrincipalTag key), when the session may carry session tags
 * (fix/context.ts sessionTagInference): only the event that created it lists them, AssumeRole* for a role session,
 * GetFederationToken for a federated user
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_ctlogs). null otherwise.
 */
export function sessionTagsRead(
  request: AccessRequest,
  facts: RequestFacts,
  key: string,
): SettlingRead | null {
  const f = facts.principal?.status === 'known' ? facts.principal.value : null;
  // the same test as the context derivation: a bucket owner's copy of a cross-account record types the caller
  // by account, yet it is a role session
  if (f === null || !sessionTagsUnknown(request, facts)) return null;
  if (f.kind === 'user') {
    // a federated user: the GetFederationToken call that issued its access key
    return {
      command: issuingEventLookup(request, null),
      snapshotField: null,
      what: `the session tags of ${request.principal.arn ?? f.identityArn} (${key}): the GetFederationToken event that created the session lists them`,
    };
  }
  return {
    command: awsLine([
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      `AttributeKey=ResourceName,AttributeValue=${f.identityArn}`,
      '--query',
      "Events[?starts_with(EventName, 'AssumeRole')].CloudTrailEvent",
    ]),
    snapshotField: null,
    what: `the session tags of ${request.principal.arn ?? f.identityArn} (${key}): the AssumeRole event that created the session lists them`,
  };
}

/** The read that gives a condition key the request does not carry. */
function keyRead(s: Subject, key: string): SettlingRead {
  const k = key.toLowerCase();
  if (k === 'aws:principalorgid' || k === 'aws:principalorgpaths') return orgRead(s, 'caller', null);
  if (k === 'aws:resourceorgid' || k === 'aws:resourceorgpaths') return orgRead(s, 'bucket', null);
  if (k.startsWith('aws:principaltag/')) {
    const session = sessionTagsRead(s.request, s.facts, key);
    if (session !== null) return session;
    return {
      command: awsLine([
        'iam',
        `list-${s.iam?.kind ?? 'role'}-tags`,
        `--${s.iam?.kind ?? 'role'}-name`,
        s.iam?.name ?? 'ROLE_NAME',
      ]),
      snapshotField: identityRead(s, '').snapshotField,
      what: `the tags of the caller (${key})`,
    };
  }
  if (k.startsWith('s3:existingobjecttag/'))
    return {
      command: awsLine(['s3api', 'get-object-tagging', '--bucket', B(s), '--key', K(s)]),
      snapshotField: `buckets${seg(B(s))}.objects${seg(K(s))}.tags`,
      what: `the tags of the object (${key})`,
    };
  if (k.startsWith('aws:resourcetag/')) {
    // through an access point the key is the access point's tags (fix/context.ts resourceTagKeys)
    const ap = s.request.accessPointArn;
    if (ap !== null) {
      return {
        command: awsLine([
          's3control',
          'list-tags-for-resource',
          '--account-id',
          accessPointParts(ap).account,
          '--resource-arn',
          ap,
        ]),
        snapshotField: `accessPoints${seg(ap)}.Tags`,
        what: `the tags of access point ${ap} (${key})`,
      };
    }
    // a general purpose bucket's tags are aws:ResourceTag only with ABAC enabled
    const b = bucketFact(s.facts, s.bucket);
    const abac = b?.status === 'known' ? b.value.abac : undefined;
    if (abac?.status !== 'known')
      return {
        command: awsLine(['s3api', 'get-bucket-abac', '--bucket', B(s)]),
        snapshotField: `buckets${seg(B(s))}.abacStatus`,
        what: `whether ABAC is enabled on bucket ${B(s)}: without it the bucket's tags are not ${key}`,
      };
    return {
      command: awsLine(['s3api', 'get-bucket-tagging', '--bucket', B(s)]),
      snapshotField: `buckets${seg(B(s))}.tagSet`,
      what: `the tags of the bucket (${key})`,
    };
  }
  const vpce = s.request.vpcEndpointId;
  if ((k === 'aws:sourcevpc' || k === 'aws:vpceaccount') && vpce)
    return {
      command: awsLine(['ec2', 'describe-vpc-endpoints', '--vpc-endpoint-ids', vpce]),
      snapshotField: `vpcEndpoints${seg(vpce)}.${k === 'aws:sourcevpc' ? 'VpcId' : 'OwnerId'}`,
      what: `the ${k === 'aws:sourcevpc' ? 'VPC' : 'owner account'} of endpoint ${vpce} (${key})`,
    };
  if (k === 'aws:sourcevpcarn' && vpce) {
    // arn:aws:ec2:<region>:<the VPC owner>:vpc/<id>: what the facts lacked (fix/context.ts: the endpoint's Region or
    // owner), which describe-vpcs in the VPC's Region shows
    const endpoint = s.facts.vpcEndpoint?.status === 'known' ? s.facts.vpcEndpoint.value : null;
    if (!endpoint?.vpcId) return keyRead(s, 'aws:SourceVpc');
    return {
      command: awsLine([
        'ec2',
        'describe-vpcs',
        '--vpc-ids',
        endpoint.vpcId,
        '--query',
        'Vpcs[0].OwnerId',
        '--output',
        'text',
      ]),
      // with the owner known, a snapshot lacks only the endpoint's Region: its own field, which `s3-403 snapshot` writes
      snapshotField:
        endpoint.region === null && vpcEndpointOwner(s.request, s.facts.vpcEndpoint) !== null
          ? `vpcEndpoints${seg(vpce)}.Region`
          : null,
      what: `the account that owns VPC ${endpoint.vpcId}, the VPC of endpoint ${vpce} (${key} is arn:aws:ec2:REGION:OWNER:vpc/${endpoint.vpcId}; simulate takes it as --context ${key}=…)`,
    };
  }
  if ((k === 'aws:vpceorgid' || k === 'aws:vpceorgpaths') && vpce) {
    const owner = vpcEndpointOwner(s.request, s.facts.vpcEndpoint);
    if (owner === null) return keyRead(s, 'aws:VpceAccount');
    if (owner === s.callerAccount) return orgRead(s, 'caller', null);
    if (owner === s.bucketAccount) return orgRead(s, 'bucket', null);
    return {
      command: awsLine(['organizations', 'list-parents', '--child-id', owner]),
      snapshotField: `organization.Accounts (and accounts${seg(owner)}.organizationPath)`,
      what: `the organization of account ${owner}, which owns endpoint ${vpce} (${key})`,
    };
  }
  return {
    command: null,
    snapshotField: null,
    what: `${key}: the record does not carry it, and no later read can tell what this request carried`,
  };
}

/** The condition keys (and principals) that left the cause's layers undecided, in statement order. */
function unknownKeys(evaluations: readonly NeedEvaluation[], layers: readonly LayerId[]): string[] {
  const out: string[] = [];
  for (const e of evaluations)
    for (const l of e.result.layers) {
      if (!layers.includes(l.layer) || l.result !== 'unknown') continue;
      for (const p of l.policies)
        for (const st of p.statements) {
          if (st.matched !== 'unknown') continue;
          for (const c of st.conditions) if (c.result === 'unknown' && !out.includes(c.key)) out.push(c.key);
        }
    }
  return out;
}

function kmsRead(s: Subject, evaluations: readonly NeedEvaluation[]): SettlingRead {
  const keyEval = evaluations.find(
    (e) =>
      e.need.action.toLowerCase().startsWith('kms:') && e.result.layers.some((l) => l.result === 'unknown'),
  );
  if (keyEval) {
    const arn = keyEval.need.resource;
    const keyFact = ownValue(s.facts.kmsKeys, arn);
    const grantsUnknown = keyFact?.status === 'known' && keyFact.value.grants.status === 'unknown';
    const keys = unknownKeys([keyEval], ['kms-key-policy', 'kms-grants']);
    if (keyFact?.status === 'known' && !grantsUnknown && keys.length > 0) return keyRead(s, keys[0]!);
    return grantsUnknown
      ? {
          command: awsLine(['kms', 'list-grants', '--key-id', arn]),
          snapshotField: `kmsKeys${seg(arn)}.Grants`,
          what: `the grants of KMS key ${arn}`,
        }
      : {
          command: awsLine(['kms', 'get-key-policy', '--key-id', arn, '--policy-name', 'default']),
          snapshotField: `kmsKeys${seg(arn)}.KeyPolicy`,
          what: `the key policy of KMS key ${arn}`,
        };
  }
  const writes = s.request.needs.some((n) => /^s3:putobject$/i.test(n.action));
  if (writes)
    return bucketRead(
      s,
      `the default encryption of ${B(s)} (it decides whether the upload uses SSE-KMS)`,
      'get-bucket-encryption',
      'encryption',
    );
  return objectRead(s, `the object's encryption (head-object ServerSideEncryption, SSEKMSKeyId)`);
}

/**
 * The single read that would settle whether `id` denied. `layers` are the engine layers the cause rests on
 * (analyze.ts RESTS_ON); an unknown id gets a generic answer from its layers, or null.
 */
export function settlingRead(
  id: RootCauseId,
  layers: readonly LayerId[],
  request: AccessRequest,
  facts: RequestFacts,
  evaluations: readonly NeedEvaluation[],
): SettlingRead | null {
  const s = subjectOf(request, facts);
  const bucket = bucketFact(facts, s.bucket);
  const bucketUnknown = unknownFact(bucket);
  const b = bucket?.status === 'known' ? bucket.value : null;
  const keys = unknownKeys(evaluations, layers);
  const principalUnknown = unknownFact(facts.principal);
  switch (id) {
    case 'bucket-policy-explicit-deny':
      if (bucketUnknown || unknownFact(b?.policy)) return bucketPolicyRead(s);
      break;
    case 'cross-account-no-bucket-grant':
      if (bucketUnknown || unknownFact(b?.policy)) return bucketPolicyRead(s);
      if (unknownFact(b?.acl)) return bucketRead(s, `the ACL of ${B(s)}`, 'get-bucket-acl', 'acl');
      break;
    case 'identity-policy-explicit-deny':
    case 'identity-policy-no-allow':
    case 'resource-arn-mismatch':
    case 'permissions-boundary':
      if (principalUnknown)
        return identityRead(
          s,
          `the ${id === 'permissions-boundary' ? 'permissions boundary' : 'identity policies'} of ${callerIdentityArn(request, facts) ?? 'the caller'}`,
        );
      break;
    case 'session-policy':
      if (unknownFact(facts.sessionPolicy)) {
        const role = request.principal.type === 'AssumedRole' ? request.principal.identityArn : null;
        return {
          command: issuingEventLookup(request, role),
          snapshotField: request.principal.arn ? `sessions${seg(request.principal.arn)}` : 'sessions',
          what: 'whether the session was created with a session policy (the AssumeRole / GetFederationToken event that issued its access key)',
        };
      }
      break;
    case 'scp-deny':
      if (unknownFact(facts.scpLevels) || unknownFact(facts.principalOrganization))
        return orgRead(s, 'caller', 'SCP');
      break;
    case 'rcp-deny':
      if (unknownFact(facts.rcpLevels) || unknownFact(facts.resourceOrganization))
        return orgRead(s, 'bucket', 'RCP');
      break;
    case 'vpc-endpoint-policy':
      if (unknownFact(facts.vpcEndpoint) && request.vpcEndpointId)
        return {
          command: awsLine(['ec2', 'describe-vpc-endpoints', '--vpc-endpoint-ids', request.vpcEndpointId]),
          snapshotField: `vpcEndpoints${seg(request.vpcEndpointId)}.PolicyDocument`,
          what: `the policy of VPC endpoint ${request.vpcEndpointId}`,
        };
      break;
    case 'access-point-policy': {
      const ap = facts.accessPoint;
      const arn = request.accessPointArn;
      const policyUnknown = unknownFact(ap) || (ap?.status === 'known' && unknownFact(ap.value.policy));
      if (policyUnknown && arn) {
        const { account, name } = accessPointParts(arn);
        return {
          command: awsLine(['s3control', 'get-access-point-policy', '--account-id', account, '--name', name]),
          snapshotField: `accessPoints${seg(arn)}.Policy`,
          what: `the policy of access point ${arn}`,
        };
      }
      break;
    }
    case 'block-public-access': {
      if (bucketUnknown || unknownFact(b?.publicAccessBlock))
        return bucketRead(
          s,
          `the Block Public Access settings of ${B(s)}`,
          'get-public-access-block',
          'publicAccessBlock',
        );
      const acct = s.bucketAccount;
      if (acct && unknownFact(facts.accountPublicAccessBlock[acct]))
        return {
          command: awsLine(['s3control', 'get-public-access-block', '--account-id', acct]),
          snapshotField: `accounts${seg(acct)}.publicAccessBlock`,
          what: `the account-level Block Public Access settings of ${acct}`,
        };
      if (unknownFact(b?.policy)) return bucketPolicyRead(s);
      break;
    }
    case 'object-ownership-acl': {
      if (bucketUnknown || unknownFact(b?.ownership))
        return bucketRead(
          s,
          `the Object Ownership setting of ${B(s)}`,
          'get-bucket-ownership-controls',
          'ownershipControls',
        );
      const obj = objectFact(facts, s.bucket, s.key);
      if (s.key !== null && unknownFact(obj))
        return {
          command: awsLine(['s3api', 'get-object-acl', '--bucket', B(s), '--key', K(s)]),
          snapshotField: `buckets${seg(B(s))}.objects${seg(K(s))}.acl`,
          what: 'the owner and ACL of the object',
        };
      if (unknownFact(b?.acl)) return bucketRead(s, `the ACL of ${B(s)}`, 'get-bucket-acl', 'acl');
      break;
    }
    case 'kms-key-access':
      return kmsRead(s, evaluations);
    case 'missing-object-no-list': {
      const obj = objectFact(facts, s.bucket, s.key);
      if (obj === null || unknownFact(obj))
        return objectRead(s, 'whether the key exists (head-object answers 404 when it does not)');
      break;
    }
    case 'requester-pays':
      // an adapter that does not read the setting leaves it out: not known (docs/SNAPSHOT.md)
      if (bucketUnknown || b?.requestPayment === undefined || unknownFact(b.requestPayment))
        return bucketRead(
          s,
          `whether ${B(s)} is a Requester Pays bucket`,
          'get-bucket-request-payment',
          'requestPayment',
        );
      break;
    case 'sse-c-blocked':
      // the blocked encryption types are part of the bucket's default encryption configuration
      if (
        bucketUnknown ||
        b?.encryption === undefined ||
        unknownFact(b.encryption) ||
        (b.encryption.status === 'known' &&
          b.encryption.value !== null &&
          (b.encryption.value.blockedEncryptionTypes === undefined ||
            unknownFact(b.encryption.value.blockedEncryptionTypes)))
      )
        return bucketRead(
          s,
          `whether ${B(s)} blocks SSE-C uploads (BlockedEncryptionTypes)`,
          'get-bucket-encryption',
          'encryption',
        );
      break;
    case 'mfa-delete':
      // MFA delete is part of the bucket's versioning configuration; whether the request sent x-amz-mfa no read tells
      if (bucketUnknown || b?.versioning === undefined || unknownFact(b.versioning))
        return bucketRead(
          s,
          `whether MFA delete is enabled on ${B(s)} (MFADelete)`,
          'get-bucket-versioning',
          'versioning',
        );
      break;
    case 'object-lock': {
      // Object Lock not enabled on the bucket settles it at once; then the version's retention, then its legal hold
      // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html; the reads:
      // https://docs.aws.amazon.com/cli/latest/reference/s3api/get-object-legal-hold.html and get-object-retention)
      if (bucketUnknown || b?.objectLock === undefined || unknownFact(b.objectLock))
        return bucketRead(
          s,
          `the Object Lock configuration of ${B(s)}`,
          'get-object-lock-configuration',
          'objectLockConfiguration',
        );
      const obj = objectFact(facts, s.bucket, s.key);
      const o = obj?.status === 'known' ? obj.value : null;
      const lockRead = (call: string, field: string, what: string): SettlingRead => ({
        command: awsLine(['s3api', call, ...versionArgs(s.bucket, s.key, request.versionId)]),
        snapshotField: `buckets${seg(B(s))}.objects${seg(K(s))}.${field}`,
        what,
      });
      if (s.key !== null && (o === null || o.retention === undefined || unknownFact(o.retention)))
        return lockRead('get-object-retention', 'retention', 'the retention of the object version');
      if (s.key !== null && (o === null || o.legalHold === undefined || unknownFact(o.legalHold)))
        return lockRead('get-object-legal-hold', 'legalHold', 'the legal hold of the object version');
      break;
    }
    case 'request-expired-or-invalid':
      return null;
    default:
      break;
  }
  if (keys.length > 0) return keyRead(s, keys[0]!);
  if (principalUnknown && layers.some((l) => l === 'identity-policy' || l === 'permissions-boundary'))
    return identityRead(s, `the identity policies of the caller`);
  return null;
}

/** The one line a possible cause carries: what to read, the command, and the snapshot field. */
export function settleText(r: SettlingRead): string {
  if (r.command === null) return `Nothing can settle it later: ${r.what}.`;
  return `To settle it, read ${r.what}: ${r.command}${r.snapshotField ? ` (snapshot: ${r.snapshotField})` : ''}.`;
}
