/**
 * The engine input for one S3 need, layer by layer, from what the facts know: a fact the adapter did not gather is
 * unknown (never allowed, never denied), a layer that does not apply is null.
 *  - assumed-role session ARNs (no role path): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 *  - SCPs and RCPs do not restrict the management account:
 *    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 *  - ACL WRITE on the bucket lets the grantee create and delete objects, whoever owns them; reads use the object's ACL:
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions
 *  - Requester Pays: https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
 *  - Object Lock (DeleteObjectVersion, PutObjectRetention; x-amz-bypass-governance-retention: true):
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-bypass
 *    https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html
 *  - access points (the access point ARN, the bucket behind it, VPC network origin):
 *    https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html
 *  - aws:SourceVpc: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpc
 */
import type {
  AccessRequest,
  ActionNeed,
  BucketFacts,
  Fact,
  ObjectFacts,
  RequestFacts,
} from '../../../lambdas/core/model';
import { known, unknown } from '../../../lambdas/core/model';
import {
  bucketAccountId,
  bucketFact,
  buildAuthorizationInput,
  buildKmsInput,
  enginePrincipal,
  findKmsKey,
  objectFact,
} from '../../../lambdas/core/fix/input';
import { explain } from '../checkers/helpers';
import { A, B, C, MGMT, recordFor, viewOf } from '../world';

const BUCKET = 'reports-bucket';
const Q3 = `arn:aws:s3:::${BUCKET}/q3.csv`;
const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/reports-ap`;

function call(caller = A, params: Record<string, unknown> = {}, eventName = 'GetObject') {
  const view = viewOf({
    roles: [{ account: caller, name: 'AppRole', statements: [] }],
    buckets: { [BUCKET]: { account: A, objects: { 'q3.csv': {} } } },
  });
  return explain(
    recordFor({ account: caller, role: 'AppRole', bucket: BUCKET, key: 'q3.csv', params, eventName }),
    view,
  );
}

const needOf = (
  action: string,
  key: string | null = 'q3.csv',
  bucket: string | null = BUCKET,
): ActionNeed => ({
  action,
  resource: key === null ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`,
  resourceType: key === null ? 'bucket' : 'object',
  bucket,
  key,
});

function knownBucket(facts: RequestFacts): BucketFacts {
  const b = facts.buckets[BUCKET];
  if (b?.status !== 'known') throw new Error('bucket not known');
  return b.value;
}
const withBucket = (facts: RequestFacts, change: (b: BucketFacts) => Partial<BucketFacts>): RequestFacts => {
  const b = knownBucket(facts);
  return { ...facts, buckets: { ...facts.buckets, [BUCKET]: known({ ...b, ...change(b) }) } };
};
const withObject = (facts: RequestFacts, object: Fact<ObjectFacts>): RequestFacts =>
  withBucket(facts, (b) => ({ objects: { ...b.objects, 'q3.csv': object } }));
const knownObject = (facts: RequestFacts): ObjectFacts => {
  const o = knownBucket(facts).objects['q3.csv'];
  if (o?.status !== 'known') throw new Error('object not known');
  return o.value;
};
const ungathered = unknown('accessDenied', 'AccessDenied on GetBucketAcl', 's3:GetBucketAcl');

describe('the facts of the bucket and the object a need touches', () => {
  const { facts } = call();

  it('a bucket the adapter did not look at is not known (never taken as "no policy")', () => {
    expect(bucketFact(facts, 'other-bucket')).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(bucketFact(facts, null)).toBeNull();
    expect(bucketFact(facts, BUCKET)?.status).toBe('known');
  });

  it('an object: unknown when its key or its bucket was not gathered, null for a bucket-level need', () => {
    expect(objectFact(facts, BUCKET, 'q3.csv')?.status).toBe('known');
    expect(objectFact(facts, BUCKET, 'q4.csv')).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(objectFact(facts, 'other-bucket', 'q3.csv')).toMatchObject({ status: 'unknown' });
    const unread = { ...facts, buckets: { [BUCKET]: ungathered } };
    expect(objectFact(unread, BUCKET, 'q3.csv')).toBe(ungathered);
    expect(objectFact(facts, BUCKET, null)).toBeNull();
    expect(objectFact(facts, null, 'q3.csv')).toBeNull();
  });

  it("the bucket owner: the bucket's own account first, the record's only when the facts do not tell it", () => {
    const { request } = call();
    const recorded: AccessRequest = { ...request, bucketAccountId: C };
    expect(bucketAccountId(recorded, facts, BUCKET)).toBe(A);
    const unread = withBucket(facts, () => ({ accountId: unknown('notCollected') }));
    expect(bucketAccountId(recorded, unread, BUCKET)).toBe(C);
    expect(bucketAccountId(recorded, facts, 'other-bucket')).toBe(C);
  });
});

describe('the caller as the engine sees it', () => {
  const { request, facts } = call();
  const bare: AccessRequest = { ...request, principal: { ...request.principal, arn: null } };
  const withIdentity = (identityArn: string, kind: 'user' | 'role' | 'root'): RequestFacts => {
    if (facts.principal?.status !== 'known') throw new Error('principal not known');
    return { ...facts, principal: known({ ...facts.principal.value, identityArn, kind }) };
  };

  it('the session of a role with a path is named without the path, in the partition of the role', () => {
    const onPath: AccessRequest = {
      ...bare,
      principal: { ...bare.principal, identityArn: `arn:aws-us-gov:iam::${A}:role/teams/data/AppRole` },
    };
    expect(enginePrincipal(onPath, facts).arn).toBe(`arn:aws-us-gov:sts::${A}:assumed-role/AppRole/s1`);
  });

  it('a caller with no session name in its unique id, or that is not a role, keeps its identity ARN', () => {
    const noSession: AccessRequest = {
      ...bare,
      principal: { ...bare.principal, principalId: 'AROAEXAMPLE' },
    };
    expect(enginePrincipal(noSession, facts).arn).toBe(request.principal.identityArn);
    const user = `arn:aws:iam::${A}:user/alice`;
    const asUser: AccessRequest = { ...bare, principal: { ...bare.principal, identityArn: user } };
    expect(enginePrincipal(asUser, facts).arn).toBe(user);
  });

  it("a role session the record names keeps the record's session ARN, whatever session its unique id names", () => {
    const otherSession: AccessRequest = {
      ...request,
      principal: { ...request.principal, principalId: 'AROAEXAMPLE:other-session' },
    };
    expect(enginePrincipal(otherSession, facts).arn).toBe(request.principal.arn);
  });

  it('an identity that only looks like a role ARN is not rebuilt into a session: text before "arn:", a trailing "/"', () => {
    for (const identityArn of [`x-arn:aws:iam::${A}:role/AppRole`, `arn:aws:iam::${A}:role/AppRole/`]) {
      const odd: AccessRequest = { ...bare, principal: { ...bare.principal, identityArn } };
      expect(enginePrincipal(odd, facts).arn).toBe(identityArn);
    }
  });

  it("the caller's account: the record's first, even when the adapter could not read the caller", () => {
    const unread = { ...facts, principal: unknown('accessDenied', 'AccessDenied on GetRole', 'iam:GetRole') };
    expect(enginePrincipal(request, unread).accountId).toBe(A);
    if (facts.principal?.status !== 'known') throw new Error('principal not known');
    const otherAccount = { ...facts, principal: known({ ...facts.principal.value, accountId: C }) };
    expect(enginePrincipal(request, otherAccount).accountId).toBe(A);
  });

  it('a federated user (GetFederationToken) stays a federated user, though the facts describe the IAM user that issued it', () => {
    const federated: AccessRequest = {
      ...request,
      principal: {
        ...request.principal,
        type: 'FederatedUser',
        arn: `arn:aws:sts::${A}:federated-user/bob`,
        identityArn: `arn:aws:iam::${A}:user/alice`,
      },
    };
    const p = enginePrincipal(federated, withIdentity(`arn:aws:iam::${A}:user/alice`, 'user'));
    expect(p).toMatchObject({ type: 'FederatedUser', arn: `arn:aws:sts::${A}:federated-user/bob` });
  });

  it('a caller recorded as an account is an IAM user, the root user or a role session as the facts say', () => {
    const asAccount: AccessRequest = { ...request, principal: { ...request.principal, type: 'AWSAccount' } };
    expect(enginePrincipal(asAccount, withIdentity(`arn:aws:iam::${A}:user/alice`, 'user')).type).toBe(
      'IAMUser',
    );
    expect(enginePrincipal(asAccount, withIdentity(`arn:aws:iam::${A}:root`, 'root')).type).toBe('Root');
    expect(enginePrincipal(asAccount, { ...facts, principal: unknown('notCollected') }).type).toBe(
      'AWSAccount',
    );
    expect(enginePrincipal(asAccount, { ...facts, principal: null }).type).toBe('AWSAccount');
  });

  it('a service or anonymous caller has no canonical id; an account caller has it only when the facts tell it', () => {
    const svc: AccessRequest = {
      ...request,
      principal: { ...request.principal, type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
    };
    expect(enginePrincipal(svc, facts).canonicalId).toBeNull();
    expect(enginePrincipal(request, facts).canonicalId).toBe('a'.repeat(64));
    expect(enginePrincipal(request, { ...facts, canonicalIds: {} }).canonicalId).toBeNull();
    const { canonicalIds: _dropped, ...without } = facts;
    expect(enginePrincipal(request, without).canonicalId).toBeNull();
  });

  it('an AWS service with no invokedBy is named by its ARN; any other caller has no service name', () => {
    const svc: AccessRequest = {
      ...request,
      principal: {
        ...request.principal,
        type: 'AWSService',
        invokedBy: null,
        arn: 'logging.s3.amazonaws.com',
      },
    };
    expect(enginePrincipal(svc, facts).serviceName).toBe('logging.s3.amazonaws.com');
    const withInvokedBy: AccessRequest = {
      ...request,
      principal: { ...request.principal, invokedBy: 'athena.amazonaws.com' },
    };
    expect(enginePrincipal(withInvokedBy, facts).serviceName).toBeNull();
    expect(enginePrincipal(request, facts)).not.toHaveProperty('originAccessIdentity');
  });
});

describe("the caller's policies and the organization", () => {
  const { request, facts } = call();
  const need = needOf('s3:GetObject');

  it('a caller the adapter could not read: identity policies and boundary unknown, not empty', () => {
    const gap = unknown('accessDenied', 'AccessDenied on GetAccountAuthorizationDetails');
    const input = buildAuthorizationInput(request, need, { ...facts, principal: gap });
    expect(input.identityPolicies).toBe(gap);
    expect(input.permissionsBoundary).toBe(gap);
  });

  it('no caller facts at all (anonymous): no identity layer', () => {
    const input = buildAuthorizationInput(request, need, { ...facts, principal: null });
    expect(input.identityPolicies).toBeNull();
    expect(input.permissionsBoundary).toBeNull();
  });

  it('a known caller: its policies and its boundary (none) as they are', () => {
    const input = buildAuthorizationInput(request, need, facts);
    expect(input.identityPolicies).toEqual(known([expect.objectContaining({ name: 'AppRole-inline' })]));
    expect(input.permissionsBoundary).toEqual(known(null));
  });

  it('the management account is named as such, for the caller and for the bucket owner', () => {
    const org = (managementAccountId: string | null) =>
      known({ id: 'o-exampleorg', managementAccountId, accountIds: [A, B, MGMT] });
    const asMgmt = { ...facts, principalOrganization: org(A), resourceOrganization: org(A) };
    const input = buildAuthorizationInput(request, need, asMgmt);
    expect(input.principalIsManagementAccount).toBe(true);
    expect(input.resourceIsManagementAccount).toBe(true);
    const member = buildAuthorizationInput(request, need, {
      ...facts,
      principalOrganization: org(MGMT),
      resourceOrganization: org(MGMT),
    });
    expect(member.principalIsManagementAccount).toBe(false);
    expect(member.resourceIsManagementAccount).toBe(false);
    const notKnown = buildAuthorizationInput(request, need, {
      ...facts,
      principalOrganization: unknown('notCollected'),
      resourceOrganization: known(null),
    });
    expect(notKnown.principalIsManagementAccount).toBe(false);
    expect(notKnown.resourceIsManagementAccount).toBe(false);
    // an organization whose management account is not known names no account
    const unnamed = { ...facts, principalOrganization: org(null) };
    const anonymous: AccessRequest = { ...request, principal: { ...request.principal, accountId: null } };
    expect(
      buildAuthorizationInput(anonymous, need, { ...unnamed, principal: null }).principalIsManagementAccount,
    ).toBe(false);
  });
});

describe('the bucket layers of an S3 need', () => {
  const { request, facts } = call();
  const s3Of = (f: RequestFacts, action = 's3:GetObject', r: AccessRequest = request) =>
    buildAuthorizationInput(r, needOf(action), f).s3!;

  it('a bucket that could not be read: every bucket layer unknown, for the same reason', () => {
    const unread = { ...facts, buckets: { [BUCKET]: ungathered } };
    const s3 = s3Of(unread);
    expect(s3.bucketPublicAccessBlock).toBe(ungathered);
    expect(s3.bucketAcl).toBe(ungathered);
    expect(s3.ownership).toBe(ungathered);
    expect(s3.objectAcl).toBe(ungathered);
    expect(s3.objectOwnerAccountId).toBe(ungathered);
    expect(s3.bucketOwnerCanonicalId).toBeNull();
    expect(s3.requestPayment?.payer).toBe(ungathered);
    expect(buildAuthorizationInput(request, needOf('s3:GetObject'), unread).bucketPolicy).toBe(ungathered);
  });

  it('a known bucket: its own settings, and its owner named by the canonical id of its ACL', () => {
    const s3 = s3Of(facts);
    const b = knownBucket(facts);
    expect(s3.bucketPublicAccessBlock).toBe(b.publicAccessBlock);
    expect(s3.bucketAcl).toBe(b.acl);
    expect(s3.ownership).toBe(b.ownership);
    expect(s3.bucketOwnerCanonicalId).toBe('a'.repeat(64));
    expect(s3.accessPointPublicAccessBlock).toBeNull();
    const noOwner = withBucket(facts, () => ({ acl: known({ Grants: [] }) }));
    expect(s3Of(noOwner).bucketOwnerCanonicalId).toBeNull();
    expect(s3Of(withBucket(facts, () => ({ acl: ungathered }))).bucketOwnerCanonicalId).toBeNull();
  });

  it("the account's Block Public Access: as gathered, or unknown when not gathered or the owner is not known", () => {
    const bpa = known({ BlockPublicAcls: true, IgnorePublicAcls: true });
    expect(s3Of({ ...facts, accountPublicAccessBlock: { [A]: bpa } }).accountPublicAccessBlock).toBe(bpa);
    expect(s3Of({ ...facts, accountPublicAccessBlock: {} }).accountPublicAccessBlock).toMatchObject({
      status: 'unknown',
      reason: 'notCollected',
    });
    const ownerless = withBucket(facts, () => ({ accountId: unknown('notCollected') }));
    const noOwner: AccessRequest = { ...request, bucketAccountId: null };
    expect(s3Of(ownerless, 's3:GetObject', noOwner).accountPublicAccessBlock).toMatchObject({
      status: 'unknown',
    });
  });

  it('writes and deletes are decided at the bucket, whatever the case the action is written in', () => {
    for (const action of [
      's3:PutObject',
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:AbortMultipartUpload',
    ]) {
      expect(s3Of(facts, action).objectAcl).toBeNull();
      expect(s3Of(facts, action.toUpperCase()).objectOwnerAccountId).toBeNull();
    }
    expect(s3Of(facts, 's3:GetObjectAcl').objectAcl?.status).toBe('known');
  });

  it('a key that does not exist has no owner and no ACL: decided as an object of the bucket owner', () => {
    const s3 = s3Of(withObject(facts, known({ exists: false })));
    expect(s3.objectAcl).toBeNull();
    expect(s3.objectOwnerAccountId).toBeNull();
  });

  it('an object whose ACL or owner was not read: unknown, and the read is not decided as the owner would', () => {
    const o = knownObject(facts);
    const { acl: _acl, ownerAccountId: _owner, ...bare } = o;
    const s3 = s3Of(withObject(facts, known(bare)));
    expect(s3.objectAcl).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(s3.objectOwnerAccountId).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    const gap = unknown('accessDenied', 'AccessDenied on HeadObject');
    const unread = s3Of(withObject(facts, gap));
    expect(unread.objectAcl).toBe(gap);
    expect(unread.objectOwnerAccountId).toBe(gap);
    const known3 = s3Of(facts);
    expect(known3.objectAcl).toEqual(known(o.acl));
  });

  it("Requester Pays: the bucket's payer setting, or unknown when the adapter did not read it", () => {
    const payer = known('Requester' as const);
    expect(s3Of(withBucket(facts, () => ({ requestPayment: payer }))).requestPayment).toEqual({
      payer,
      header: null,
    });
    const { requestPayment: _rp, ...unread } = knownBucket(facts);
    const s3 = s3Of({ ...facts, buckets: { [BUCKET]: known(unread) } });
    expect(s3.requestPayment?.payer).toMatchObject({ status: 'unknown', reason: 'notCollected' });
  });

  it('an account-level request (no bucket) takes no bucket layer and no bucket policy', () => {
    const input = buildAuthorizationInput(
      request,
      { ...needOf('s3:ListAllMyBuckets', null, null), resource: '*' },
      facts,
    );
    expect(input.s3).toBeNull();
    expect(input.bucketPolicy).toEqual(known(null));
  });
});

describe('Object Lock: the version a request deletes or re-locks', () => {
  const { request, facts } = call(A, {}, 'DeleteObject');
  const lock = (f: RequestFacts, r: AccessRequest = request, action = 's3:DeleteObjectVersion') =>
    buildAuthorizationInput(r, needOf(action), f).s3!.objectLock;
  const enabled = known({ enabled: true, defaultRetention: null });
  const locked = withBucket(facts, () => ({ objectLock: enabled }));
  const withLock = (object: Partial<ObjectFacts>) =>
    withObject(locked, known({ ...knownObject(facts), ...object }));
  const retention = known({ mode: 'GOVERNANCE' as const, retainUntilDate: '2030-01-01T00:00:00Z' });

  it('applies to deleting a version and to changing its retention only, whatever the case', () => {
    expect(lock(locked)).toBeDefined();
    expect(lock(locked, request, 's3:PUTOBJECTRETENTION')).toBeDefined();
    expect(lock(locked, request, 's3:DeleteObject')).toBeUndefined();
    expect(lock(locked, request, 's3:PutObject')).toBeUndefined();
  });

  it("the bucket's configuration as read, unknown when not read or when the bucket could not be read", () => {
    expect(lock(locked)?.configuration).toBe(enabled);
    expect(lock(facts)?.configuration).toEqual(known(null));
    const { objectLock: _ol, ...unread } = knownBucket(facts);
    expect(lock({ ...facts, buckets: { [BUCKET]: known(unread) } })?.configuration).toMatchObject({
      status: 'unknown',
      reason: 'notCollected',
    });
    expect(lock({ ...facts, buckets: { [BUCKET]: ungathered } })?.configuration).toBe(ungathered);
  });

  it("the version's retention and legal hold as read; not read = unknown; no version = nothing protects it", () => {
    const hold = known('ON' as const);
    expect(lock(withLock({ retention, legalHold: hold }))).toMatchObject({ retention, legalHold: hold });
    const notRead = lock(withLock({}))!;
    expect(notRead.retention).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(notRead.legalHold).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    const gone = lock(withObject(locked, known({ exists: false })))!;
    expect(gone.retention).toEqual(known(null));
    expect(gone.legalHold).toEqual(known(null));
    const gap = unknown('accessDenied', 'AccessDenied on GetObjectRetention');
    const unread = lock(withObject(locked, gap))!;
    expect(unread.retention).toBe(gap);
    expect(unread.legalHold).toBe(gap);
  });

  it('the governance bypass header: sent as "true" in any case, sent otherwise, or not known', () => {
    const sent = (value: string) => ({
      ...request,
      raw: { ...request.raw, requestParameters: { 'x-amz-bypass-governance-retention': value } },
    });
    expect(lock(locked, sent('TRUE'))?.bypassHeader).toBe(true);
    expect(lock(locked, sent('false'))?.bypassHeader).toBe(false);
    expect(lock(locked)?.bypassHeader).toBe(false);
    const noParams: AccessRequest = {
      ...request,
      raw: {},
      context: { ...request.context, otherKeys: 'unknown' },
    };
    expect(lock(locked, noParams)?.bypassHeader).toBe('unknown');
  });

  it('the time of the request: aws:CurrentTime of its context, else the event time, else not known', () => {
    const values = Object.fromEntries(
      Object.entries(request.context.values).filter(([k]) => k.toLowerCase() !== 'aws:currenttime'),
    );
    const at = (time: readonly string[] | undefined, eventTime: string): AccessRequest => ({
      ...request,
      eventTime,
      context: {
        ...request.context,
        values: time === undefined ? values : { ...values, 'aws:CurrentTime': time },
      },
    });
    expect(lock(locked, at(['2031-01-01T00:00:00Z'], '2026-11-20T10:00:00Z'))?.at).toBe(
      '2031-01-01T00:00:00Z',
    );
    expect(lock(locked, at(undefined, '2026-11-20T10:00:00Z'))?.at).toBe('2026-11-20T10:00:00Z');
    expect(lock(locked, at(undefined, ''))?.at).toBeNull();
  });

  it('an aws:CurrentTime with no value gives no time: the event time is used', () => {
    const empty: AccessRequest = {
      ...request,
      eventTime: '2026-11-20T10:00:00Z',
      context: { ...request.context, values: { ...request.context.values, 'aws:CurrentTime': [] } },
    };
    expect(lock(locked, empty)?.at).toBe('2026-11-20T10:00:00Z');
  });

  it('PutObjectRetention: the retention the request sets (mode in any case), when the record carries it whole', () => {
    const setting = (Retention: unknown): AccessRequest => ({
      ...request,
      raw: { ...request.raw, requestParameters: { Retention } },
    });
    const put = (r: AccessRequest) => lock(locked, r, 's3:PutObjectRetention')?.requested;
    expect(put(setting({ Mode: 'compliance', RetainUntilDate: '2031-01-01T00:00:00Z' }))).toEqual({
      mode: 'COMPLIANCE',
      retainUntilDate: '2031-01-01T00:00:00Z',
    });
    expect(put(setting({ Mode: 'GOVERNANCE', RetainUntilDate: '2031-01-01T00:00:00Z' }))?.mode).toBe(
      'GOVERNANCE',
    );
    expect(put(setting({ Mode: 'GOVERNANCE' }))).toBeNull();
    expect(put(setting({ Mode: 'LEGAL', RetainUntilDate: '2031-01-01T00:00:00Z' }))).toBeNull();
    expect(put(setting({ RetainUntilDate: '2031-01-01T00:00:00Z' }))).toBeNull();
    expect(put(request)).toBeNull();
  });
});

describe('a request through an access point', () => {
  const { request, facts } = call();
  const apFacts = (over: Record<string, unknown> = {}) =>
    known({
      arn: AP,
      name: 'reports-ap',
      bucket: BUCKET,
      accountId: A,
      networkOrigin: 'VPC' as const,
      vpcId: 'vpc-0abc',
      policy: known(null),
      publicAccessBlock: { BlockPublicPolicy: true },
      ...over,
    });
  const viaAp: AccessRequest = { ...request, accessPointArn: AP };
  const apNeed: ActionNeed = {
    ...needOf('s3:GetObject'),
    resource: `${AP}/object/q3.csv`,
    bucketResource: Q3,
  };

  it("is evaluated against the access point's policy, network origin and Block Public Access", () => {
    const ap = apFacts();
    const input = buildAuthorizationInput(viaAp, apNeed, { ...facts, accessPoint: ap });
    expect(input.accessPointPolicy).toBe(ap.value.policy);
    expect(input.accessPoint).toEqual({
      bucketResource: Q3,
      networkOrigin: 'VPC',
      vpcId: 'vpc-0abc',
      sourceVpc: null,
    });
    expect(input.s3?.accessPointPublicAccessBlock).toEqual({ BlockPublicPolicy: true });
  });

  it('an access point that could not be read: its policy unknown, its origin not known', () => {
    const gap = unknown('accessDenied', 'AccessDenied on GetAccessPointPolicy');
    const input = buildAuthorizationInput(viaAp, apNeed, { ...facts, accessPoint: gap });
    expect(input.accessPointPolicy).toBe(gap);
    expect(input.accessPoint).toMatchObject({ networkOrigin: null, vpcId: null });
    expect(input.s3?.accessPointPublicAccessBlock).toBeNull();
  });

  it("a bucket that could not be read: the access point's own Block Public Access still applies", () => {
    const unread = { ...facts, buckets: { [BUCKET]: ungathered }, accessPoint: apFacts() };
    const s3 = buildAuthorizationInput(viaAp, apNeed, unread).s3;
    expect(s3?.bucketPublicAccessBlock).toBe(ungathered);
    expect(s3?.accessPointPublicAccessBlock).toEqual({ BlockPublicPolicy: true });
  });

  it('the bucket behind it not known: its bucket policy is not known either (not "no policy")', () => {
    const input = buildAuthorizationInput(
      viaAp,
      { ...apNeed, bucket: null, key: null },
      { ...facts, accessPoint: apFacts() },
    );
    expect(input.bucketPolicy).toMatchObject({ status: 'unknown', reason: 'notCollected' });
  });

  it('a need on the bucket itself takes no access point layer, even when the request named one', () => {
    const input = buildAuthorizationInput(viaAp, needOf('s3:GetObject'), {
      ...facts,
      accessPoint: apFacts(),
    });
    expect(input.accessPoint).toBeNull();
    expect(input.accessPointPolicy).toBeNull();
    expect(input.bucketPolicy).toEqual(knownBucket(facts).policy);
  });

  it('the VPC the request came from: aws:SourceVpc when given, else the VPC of its endpoint, else not known', () => {
    const ap = { ...facts, accessPoint: apFacts() };
    const src = (r: AccessRequest, f: RequestFacts) =>
      buildAuthorizationInput(r, apNeed, f).accessPoint?.sourceVpc;
    const given: AccessRequest = {
      ...viaAp,
      context: { ...viaAp.context, values: { ...viaAp.context.values, 'aws:SourceVpc': ['vpc-given'] } },
    };
    expect(src(given, ap)).toBe('vpc-given');
    const vpce = (vpcId: string | null) =>
      known({
        id: 'vpce-0abc',
        vpcId,
        serviceName: 'com.amazonaws.us-east-1.s3',
        type: 'Gateway',
        policy: null,
      });
    const throughEndpoint: AccessRequest = { ...viaAp, vpcEndpointId: 'vpce-0abc' };
    expect(src(throughEndpoint, { ...ap, vpcEndpoint: vpce('vpc-0abc') })).toBe('vpc-0abc');
    expect(src(throughEndpoint, { ...ap, vpcEndpoint: vpce(null) })).toBe('unknown');
    expect(src(throughEndpoint, { ...ap, vpcEndpoint: unknown('notCollected') })).toBe('unknown');
    expect(src(throughEndpoint, { ...ap, vpcEndpoint: null })).toBe('unknown');
    expect(src(viaAp, { ...ap, vpcEndpoint: vpce('vpc-0abc') })).toBe('vpc-0abc');
    expect(src(viaAp, { ...ap, vpcEndpoint: null })).toBeNull();
  });
});

describe('the VPC endpoint policy', () => {
  const { request, facts } = call();
  const need = needOf('s3:GetObject');

  it('no endpoint: no layer; an endpoint not read: unknown; a known endpoint: its policy (null = full access)', () => {
    expect(
      buildAuthorizationInput(request, need, { ...facts, vpcEndpoint: null }).vpcEndpointPolicy,
    ).toBeNull();
    const gap = unknown('accessDenied', 'AccessDenied on DescribeVpcEndpoints');
    expect(buildAuthorizationInput(request, need, { ...facts, vpcEndpoint: gap }).vpcEndpointPolicy).toBe(
      gap,
    );
    const endpoint = known({
      id: 'vpce-0abc',
      vpcId: 'vpc-0abc',
      serviceName: null,
      type: null,
      policy: null,
    });
    expect(
      buildAuthorizationInput(request, need, { ...facts, vpcEndpoint: endpoint }).vpcEndpointPolicy,
    ).toEqual(known(null));
  });
});

describe('the KMS call S3 makes, for a key the facts know more or less of', () => {
  const KEY = `arn:aws:kms:us-east-1:${B}:key/1111aaaa-2222-3333-4444-555566667777`;
  const { request, facts } = call();
  const keyFacts = known({
    arn: KEY,
    accountId: C,
    keyPolicy: known({ name: 'default', source: 'kms-key-policy' as const, document: { Statement: [] } }),
    grants: known([]),
    keyManager: 'CUSTOMER' as const,
    keyState: 'Disabled',
    aliases: ['finance'],
  });
  const need = { action: 'kms:Decrypt', keyId: KEY, source: 'object', s3Arn: Q3, bucket: BUCKET } as const;

  it("the key's account as the facts tell it comes before the account in its ARN", () => {
    const input = buildKmsInput(request, need, { ...facts, kmsKeys: { [KEY]: keyFacts } });
    expect(input.request.resourceAccountId).toBe(C);
    expect(input.request.context.values['aws:ResourceAccount']).toBe(C);
    expect(input.keyState).toBe('Disabled');
  });

  it('a key named by an alias ARN the facts list with its "alias/" prefix is found', () => {
    const aliased = {
      ...facts,
      kmsKeys: { [KEY]: known({ ...keyFacts.value, aliases: ['alias/finance'] }) },
    };
    expect(findKmsKey(aliased, `arn:aws:kms:us-east-1:${B}:alias/finance`)?.arn).toBe(KEY);
    expect(findKmsKey({ ...facts, kmsKeys: { [KEY]: unknown('notCollected') } }, 'alias/finance')).toBeNull();
    expect(findKmsKey({ ...facts, kmsKeys: { [KEY]: unknown('notCollected') } }, KEY)?.fact.status).toBe(
      'unknown',
    );
  });

  it('a caller whose account is not known carries no kms:CallerAccount', () => {
    const nobody: AccessRequest = { ...request, principal: { ...request.principal, accountId: null } };
    const input = buildKmsInput(nobody, need, { ...facts, principal: null });
    expect(input.request.context.values).not.toHaveProperty('kms:CallerAccount');
    expect(input.identityPolicies).toBeNull();
  });
});
