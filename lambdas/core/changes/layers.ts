/**
 * Which management events can change the layer behind each root cause, and how to tell whether one
 * touched the resource that denied (issue 9). Pure data + small predicates.
 */
import type { AccessRequest, ChangeRecord, RequestFacts, RootCauseId } from '../model';

/** What the denial's layer is about: the names a change event must mention to be blamed. */
export interface BlameTarget {
  readonly bucket: string | null;
  readonly accessPointName: string | null;
  readonly accessPointArn: string | null;
  readonly vpcEndpointId: string | null;
  readonly kmsKeyIds: readonly string[]; // key ARNs and bare key ids
  readonly principalName: string | null; // role or user name
  readonly principalKind: 'role' | 'user' | null;
  readonly groups: readonly string[];
  readonly policyArns: readonly string[]; // managed policies attached to the principal (and its boundary)
  readonly boundaryArn: string | null;
  readonly accountId: string | null;
}

type Matcher = (change: ChangeRecord, params: Readonly<Record<string, unknown>>, t: BlameTarget) => boolean;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const bucketIs: Matcher = (c, p, t) =>
  t.bucket !== null &&
  (str(p['bucketName']) === t.bucket ||
    c.resources.some((r) => r.name === t.bucket || r.name === `arn:aws:s3:::${t.bucket}`));

const accountBpa: Matcher = (c, p, t) =>
  t.accountId !== null && (str(p['accountId']) === t.accountId || c.resources.length === 0);

const principalIs: Matcher = (_c, p, t) => {
  if (t.principalName === null) return false;
  if (t.principalKind === 'role' && str(p['roleName']) === t.principalName) return true;
  if (t.principalKind === 'user' && str(p['userName']) === t.principalName) return true;
  const group = str(p['groupName']);
  return group !== null && t.groups.includes(group);
};

const attachedPolicyChanged: Matcher = (_c, p, t) => {
  const arn = str(p['policyArn']);
  return arn !== null && t.policyArns.includes(arn);
};

const boundaryChanged: Matcher = (c, p, t) =>
  (t.boundaryArn !== null && str(p['policyArn']) === t.boundaryArn) ||
  (c.eventName.endsWith('PermissionsBoundary') && principalIs(c, p, t));

const endpointIs: Matcher = (_c, p, t) => {
  if (t.vpcEndpointId === null) return false;
  const req = (p['ModifyVpcEndpointRequest'] ?? p) as Record<string, unknown>;
  const id = str(req['VpcEndpointId']) ?? str(p['vpcEndpointId']);
  return id === t.vpcEndpointId;
};

const keyIs: Matcher = (_c, p, t) => {
  const id = str(p['keyId']);
  return id !== null && t.kmsKeyIds.some((k) => k === id || k.endsWith(`/${id}`) || id.endsWith(`/${k}`));
};

const accessPointIs: Matcher = (_c, p, t) =>
  t.accessPointName !== null && str(p['name']) === t.accessPointName;

/** S3 Control TagResource / UntagResource on the resource whose tags are the request's aws:ResourceTag. */
const taggedArnIs: Matcher = (c, p, t) => {
  const arn = t.accessPointArn ?? (t.bucket !== null ? `arn:aws:s3:::${t.bucket}` : null);
  if (arn === null) return false;
  return c.resources.some((r) => r.name === arn) || Object.values(p).some((v) => v === arn);
};

const orgPolicyChanged: Matcher = () => true; // organization policies: any attach/detach/update in the window is relevant

const IDENTITY_EVENTS: Record<string, Matcher> = {
  PutRolePolicy: principalIs,
  DeleteRolePolicy: principalIs,
  AttachRolePolicy: principalIs,
  DetachRolePolicy: principalIs,
  PutUserPolicy: principalIs,
  DeleteUserPolicy: principalIs,
  AttachUserPolicy: principalIs,
  DetachUserPolicy: principalIs,
  PutGroupPolicy: principalIs,
  DeleteGroupPolicy: principalIs,
  AttachGroupPolicy: principalIs,
  DetachGroupPolicy: principalIs,
  AddUserToGroup: principalIs,
  RemoveUserFromGroup: principalIs,
  CreatePolicyVersion: attachedPolicyChanged,
  SetDefaultPolicyVersion: attachedPolicyChanged,
};

const BUCKET_POLICY_EVENTS: Record<string, Matcher> = {
  PutBucketPolicy: bucketIs,
  DeleteBucketPolicy: bucketIs,
};

/** Root cause -> the management events (eventName -> "touches the denying resource?") that can change its layer. */
export const CHANGE_EVENTS: Readonly<Record<RootCauseId, Readonly<Record<string, Matcher>>>> = {
  'block-public-access': {
    PutPublicAccessBlock: bucketIs,
    DeletePublicAccessBlock: bucketIs,
    PutBucketPublicAccessBlock: bucketIs,
    DeleteBucketPublicAccessBlock: bucketIs,
    PutAccountPublicAccessBlock: accountBpa,
    DeleteAccountPublicAccessBlock: accountBpa,
    ...BUCKET_POLICY_EVENTS,
  },
  'bucket-policy-explicit-deny': BUCKET_POLICY_EVENTS,
  'cross-account-no-bucket-grant': { ...BUCKET_POLICY_EVENTS, PutBucketAcl: bucketIs },
  'identity-policy-explicit-deny': IDENTITY_EVENTS,
  'identity-policy-no-allow': IDENTITY_EVENTS,
  'resource-arn-mismatch': IDENTITY_EVENTS,
  'missing-object-no-list': { ...IDENTITY_EVENTS, ...BUCKET_POLICY_EVENTS },
  'permissions-boundary': {
    PutRolePermissionsBoundary: boundaryChanged,
    DeleteRolePermissionsBoundary: boundaryChanged,
    PutUserPermissionsBoundary: boundaryChanged,
    DeleteUserPermissionsBoundary: boundaryChanged,
    CreatePolicyVersion: boundaryChanged,
    SetDefaultPolicyVersion: boundaryChanged,
  },
  'vpc-endpoint-policy': { ModifyVpcEndpoint: endpointIs },
  'kms-key-access': {
    PutKeyPolicy: keyIs,
    RevokeGrant: keyIs,
    RetireGrant: keyIs,
    DisableKey: keyIs,
    ScheduleKeyDeletion: keyIs,
    PutBucketEncryption: bucketIs,
  },
  'object-ownership-acl': {
    PutBucketOwnershipControls: bucketIs,
    PutBucketAcl: bucketIs,
    PutObjectAcl: bucketIs,
  },
  'scp-deny': {
    AttachPolicy: orgPolicyChanged,
    DetachPolicy: orgPolicyChanged,
    UpdatePolicy: orgPolicyChanged,
  },
  'rcp-deny': {
    AttachPolicy: orgPolicyChanged,
    DetachPolicy: orgPolicyChanged,
    UpdatePolicy: orgPolicyChanged,
  },
  'access-point-policy': { PutAccessPointPolicy: accessPointIs, DeleteAccessPointPolicy: accessPointIs },
  'session-policy': {},
  'request-expired-or-invalid': {},
  'service-principal-grant': { ...BUCKET_POLICY_EVENTS, PutKeyPolicy: keyIs },
  'requester-pays': { PutBucketRequestPayment: bucketIs },
  // Object Lock is enabled at creation; the version's retention and legal hold are set on the object
  'object-lock': {
    PutObjectLockConfiguration: bucketIs,
    PutObjectRetention: bucketIs,
    PutObjectLegalHold: bucketIs,
  },
  // the bucket's BlockedEncryptionTypes are part of its default encryption configuration
  'sse-c-blocked': { PutBucketEncryption: bucketIs },
  // MFA delete is part of the bucket's versioning configuration
  'mfa-delete': { PutBucketVersioning: bucketIs },
};

/**
 * Tag and ABAC changes, for a cause that rests on resource tags only (fix/abac.ts, fix/resource-tags.ts): blamed on
 * every identity-policy cause, they would name a tag change for causes that have nothing to do with tags. With ABAC
 * on, a bucket's tags change through S3 Control TagResource / UntagResource (API_PutBucketAbac.html).
 */
export const TAG_EVENTS: Readonly<
  Record<'bucket-abac' | 'resource-tags', Readonly<Record<string, Matcher>>>
> = {
  'bucket-abac': { PutBucketAbac: bucketIs },
  'resource-tags': {
    TagResource: taggedArnIs,
    UntagResource: taggedArnIs,
    PutBucketTagging: bucketIs,
    DeleteBucketTagging: bucketIs,
  },
};

/** Every eventName any root cause may be blamed on (for LookupEvents filters). */
export const ALL_CHANGE_EVENT_NAMES: readonly string[] = [
  ...new Set([...Object.values(CHANGE_EVENTS), ...Object.values(TAG_EVENTS)].flatMap((m) => Object.keys(m))),
].sort();

/** The organization policy events concern SCPs or RCPs: tell them apart by the policy type when recorded. */
export function orgPolicyType(params: Readonly<Record<string, unknown>>): 'scp' | 'rcp' | null {
  const text = JSON.stringify(params);
  if (/RESOURCE_CONTROL_POLICY|resource_control_policy/.test(text)) return 'rcp';
  if (/SERVICE_CONTROL_POLICY|service_control_policy/.test(text)) return 'scp';
  return null;
}

export function blameTarget(request: AccessRequest, facts: RequestFacts): BlameTarget {
  const p = facts.principal?.status === 'known' ? facts.principal.value : null;
  const identityArn = request.principal.identityArn ?? p?.identityArn ?? null;
  const m = identityArn ? /^arn:[^:]+:iam::\d{12}:(role|user)\/(?:.*\/)?([^/]+)$/.exec(identityArn) : null;
  const keyIds = new Set<string>();
  if (request.kms?.keyArn) keyIds.add(request.kms.keyArn);
  for (const [arn] of Object.entries(facts.kmsKeys)) keyIds.add(arn);
  for (const k of [...keyIds]) {
    const id = /key\/([^/]+)$/.exec(k)?.[1];
    if (id) keyIds.add(id);
  }
  const ap = request.accessPointArn
    ? (/accesspoint\/([^/]+)/.exec(request.accessPointArn)?.[1] ?? null)
    : null;
  return {
    bucket: request.bucket,
    accessPointName: ap,
    accessPointArn: request.accessPointArn,
    vpcEndpointId: request.vpcEndpointId,
    kmsKeyIds: [...keyIds],
    principalName: m?.[2] ?? null,
    principalKind: (m?.[1] as 'role' | 'user' | undefined) ?? null,
    groups: p?.groups ?? [],
    policyArns: (p?.identityPolicies ?? []).flatMap((x) => (x.arn ? [x.arn] : [])),
    boundaryArn: p?.permissionsBoundary?.arn ?? null,
    accountId: request.bucketAccountId ?? request.principal.accountId,
  };
}
