import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../../lambdas/adapters/snapshot';
import type { Fact, PrincipalFacts, RequestFacts } from '../../../lambdas/core/model';
import { kmsKeyRefs } from '../../../lambdas/adapters/snapshot/other-facts';
import { APP_SESSION, objectNeed, request } from './request-builder';

const A = '111122223333';
const B = '222222222222';
const KEY_ARN = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const view = new SnapshotView(
  loadSnapshot(readFileSync(join(__dirname, '../../fixtures/snapshot/small.json'), 'utf8'), 'small.json'),
);

function knownValue<T>(f: Fact<T> | null | undefined): T {
  if (!f || f.status !== 'known') throw new Error(`expected a known fact, got ${JSON.stringify(f)}`);
  return f.value;
}
const principalOf = (facts: RequestFacts): PrincipalFacts => knownValue(facts.principal);

/** The facts of a PutObject to no-policy-bucket with SSE-KMS under the key `ref`, by `caller`. */
const putWithKey = (caller: Parameters<typeof request>[0], ref: string): RequestFacts =>
  view.gatherSync(
    request(caller, {
      bucket: 'no-policy-bucket',
      key: 'k',
      needs: [objectNeed('s3:PutObject', 'no-policy-bucket', 'k')],
      sse: { algorithm: 'aws:kms', kmsKeyId: ref },
    }),
  );

describe('SnapshotView principal facts', () => {
  it('resolves an assumed-role session to its role: inline, managed (default version), AWS-managed, boundary, tags', () => {
    const p = principalOf(view.gatherSync(request(APP_SESSION)));
    expect(p).toMatchObject({
      identityArn: `arn:aws:iam::${A}:role/service/App`,
      accountId: A,
      kind: 'role',
      uniqueId: 'AROAAPPEXAMPLE0000001',
    });
    expect(p.identityPolicies.map((x) => [x.source, x.name])).toEqual([
      ['identity-inline', 'DenyDeletes'],
      ['identity-inline', 'UseReportsKey'],
      ['identity-managed', 'ReadReports'],
      ['identity-managed', 'AmazonS3ReadOnlyAccess'],
    ]);
    // the default version (v2), not v1
    const managed = p.identityPolicies[2]?.document as { Statement: { Sid: string }[] };
    expect(managed.Statement[0]?.Sid).toBe('ReadReports');
    expect(p.permissionsBoundary).toMatchObject({
      name: 'S3Boundary',
      source: 'permissions-boundary',
      arn: `arn:aws:iam::${A}:policy/S3Boundary`,
    });
    expect(p.tags).toEqual({ team: 'reports' });
    // its AssumeRolePolicyDocument (URL-encoded, as GetAccountAuthorizationDetails gives it) trusts only EC2,
    // without sts:TagSession: its sessions carry exactly its tags (lambdas/core/policy/trust.ts)
    expect(p.sessionTags).toBe(false);
  });

  it('finds a role by name when the identity ARN has no path (derived from the session ARN)', () => {
    const p = principalOf(
      view.gatherSync(request({ ...APP_SESSION, identityArn: `arn:aws:iam::${A}:role/App` })),
    );
    expect(p.identityArn).toBe(`arn:aws:iam::${A}:role/service/App`);
  });

  it("includes a user's group policies (inline and managed)", () => {
    const p = principalOf(
      view.gatherSync(
        request({
          type: 'IAMUser',
          arn: `arn:aws:iam::${A}:user/alice`,
          identityArn: `arn:aws:iam::${A}:user/alice`,
          accountId: A,
        }),
      ),
    );
    expect(p.kind).toBe('user');
    expect(p.groups).toEqual(['Readers']);
    expect(p.identityPolicies.map((x) => [x.source, x.name])).toEqual([
      ['group-inline', 'Readers/ReadMyBucket'],
      ['group-managed', 'ReadReports'],
    ]);
  });

  it.each([
    ['a role session', 'AROAPARTNEREXAMPLE001:sess', `arn:aws:iam::${B}:role/Partner`],
    ['an IAM user', 'AIDAALICEEXAMPLE00001', `arn:aws:iam::${A}:user/alice`],
  ])('resolves %s seen only by unique id through RoleId / UserId in any account', (_n, principalId, arn) => {
    const facts = view.gatherSync(
      request({ type: 'AWSAccount', accountId: arn.split(':')[4] ?? null, principalId }),
    );
    expect(principalOf(facts).identityArn).toBe(arn);
  });

  it("treats a caller seen only by an account id as that account's root", () => {
    const facts = view.gatherSync(request({ type: 'AWSAccount', accountId: B, principalId: B }));
    expect(principalOf(facts)).toMatchObject({
      kind: 'root',
      accountId: B,
      identityArn: `arn:aws:iam::${B}:root`,
    });
  });

  it('is unknown (notCollected), naming it, when a unique id is in no account', () => {
    const f = view.gatherSync(
      request({ type: 'AWSAccount', accountId: B, principalId: 'AROANOBODY:sess' }),
    ).principal;
    expect(f).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(f?.status === 'unknown' && f.detail).toContain('AROANOBODY');
  });

  it('is unknown when an attached managed policy is not in the snapshot, never an empty allow list', () => {
    const f = view.gatherSync(
      request({ type: 'AssumedRole', identityArn: `arn:aws:iam::${A}:role/Orphan`, accountId: A }),
    ).principal;
    expect(f).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(f?.status === 'unknown' && f.detail).toContain(`arn:aws:iam::${A}:policy/Gone`);
  });

  it('is unknown for a role not in the account, and for an account without authorizationDetails', () => {
    expect(
      view.gatherSync(request({ identityArn: `arn:aws:iam::${A}:role/Nope`, accountId: A })).principal,
    ).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    const other = view.gatherSync(
      request({ identityArn: 'arn:aws:iam::444455556666:role/X', accountId: '444455556666' }),
    ).principal;
    expect(other?.status === 'unknown' && other.detail).toContain(
      'no authorizationDetails for account 444455556666',
    );
  });

  it('gives the root user no identity policies, and anonymous / service callers none at all (null)', () => {
    expect(
      principalOf(
        view.gatherSync(
          request({
            type: 'Root',
            arn: `arn:aws:iam::${A}:root`,
            identityArn: `arn:aws:iam::${A}:root`,
            accountId: A,
          }),
        ),
      ),
    ).toMatchObject({
      kind: 'root',
      identityPolicies: [],
    });
    expect(view.gatherSync(request({ type: 'Anonymous' })).principal).toBeNull();
    expect(
      view.gatherSync(request({ type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' })).principal,
    ).toBeNull();
  });
});

describe('SnapshotView bucket facts: absent = unknown, null = known none', () => {
  it('reads every configured bucket field', () => {
    const b = knownValue(view.gatherSync(request(APP_SESSION)).buckets['my-bucket']);
    expect(knownValue(b.accountId)).toBe(A);
    expect(knownValue(b.policy)).toMatchObject({ name: 'my-bucket', source: 'bucket-policy' });
    expect(knownValue(b.ownership)).toBe('BucketOwnerEnforced');
    expect(knownValue(b.encryption)).toEqual({
      algorithm: 'aws:kms',
      kmsKeyId: KEY_ARN,
      bucketKeyEnabled: true,
    });
    expect(knownValue(b.acl).Grants).toHaveLength(1);
    expect(knownValue(b.objects['reports/q3.csv'])).toMatchObject({
      exists: true,
      kmsKeyId: KEY_ARN,
      ownerAccountId: A,
    });
  });

  it('records a 404 object as exists: false and an unlisted key as notCollected', () => {
    const req = request(APP_SESSION, {
      key: 'reports/missing.csv',
      needs: [
        objectNeed('s3:GetObject', 'my-bucket', 'reports/missing.csv'),
        objectNeed('s3:GetObject', 'my-bucket', 'other.csv'),
      ],
    });
    const b = knownValue(view.gatherSync(req).buckets['my-bucket']);
    expect(knownValue(b.objects['reports/missing.csv'])).toEqual({ exists: false });
    expect(b.objects['other.csv']).toMatchObject({ status: 'unknown', reason: 'notCollected' });
  });

  // Object keys are the caller's text: a key named like a member of Object.prototype is just an unlisted key.
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'takes an unlisted object key named %s as notCollected, never as the facts of a listed object',
    (key) => {
      const req = request(APP_SESSION, { key, needs: [objectNeed('s3:GetObject', 'my-bucket', key)] });
      const b = knownValue(view.gatherSync(req).buckets['my-bucket']);
      expect(Object.hasOwn(b.objects, key)).toBe(true);
      expect(b.objects[key]).toEqual({
        status: 'unknown',
        reason: 'notCollected',
        detail: `the snapshot does not carry buckets.my-bucket.objects[${JSON.stringify(key)}]`,
      });
    },
  );

  // Bucket names are the caller's text too: the record of a request's buckets holds only what the request named.
  it.each(['constructor', 'toString', '__proto__'])(
    'takes an unlisted bucket named %s as notCollected, in a record with no other member',
    (name) => {
      const facts = view.gatherSync(
        request(APP_SESSION, { bucket: name, key: 'k', needs: [objectNeed('s3:GetObject', name, 'k')] }),
      );
      expect(Object.keys(facts.buckets)).toEqual([name]);
      expect(Object.hasOwn(facts.buckets, name)).toBe(true);
      expect(facts.buckets[name]).toMatchObject({ status: 'unknown', reason: 'notCollected' });
      for (const member of ['constructor', 'toString', 'hasOwnProperty'].filter((m) => m !== name))
        expect(facts.buckets[member]).toBeUndefined();
      expect(JSON.parse(JSON.stringify(facts.buckets))).toEqual({ [name]: facts.buckets[name] });
    },
  );

  it('treats null fields as known "none"', () => {
    const b = knownValue(
      view.gatherSync(request(APP_SESSION, { bucket: 'no-policy-bucket', key: null, needs: [] })).buckets[
        'no-policy-bucket'
      ],
    );
    expect(b.policy).toEqual({ status: 'known', value: null });
    expect(b.publicAccessBlock).toEqual({ status: 'known', value: null });
    expect(b.ownership).toEqual({ status: 'known', value: null });
    expect(b.encryption).toEqual({ status: 'known', value: null });
    expect(knownValue(b.region)).toBe('us-east-1'); // get-bucket-location answers null for us-east-1
  });

  it('treats absent fields as unknown notCollected', () => {
    const b = knownValue(
      view.gatherSync(request(APP_SESSION, { bucket: 'sparse-bucket', key: null, needs: [] })).buckets[
        'sparse-bucket'
      ],
    );
    for (const f of [b.policy, b.publicAccessBlock, b.ownership, b.encryption, b.acl, b.region])
      expect(f).toMatchObject({ status: 'unknown', reason: 'notCollected' });
  });

  it('makes a bucket absent from the snapshot unknown', () => {
    expect(
      view.gatherSync(request(APP_SESSION, { bucket: 'elsewhere', key: null, needs: [] })).buckets[
        'elsewhere'
      ],
    ).toMatchObject({ status: 'unknown', reason: 'notCollected' });
  });

  it('covers every bucket a copy touches (source and destination)', () => {
    const req = request(APP_SESSION, {
      needs: [
        objectNeed('s3:GetObject', 'sparse-bucket', 'src'),
        objectNeed('s3:PutObject', 'my-bucket', 'dst'),
      ],
      key: 'dst',
    });
    expect(Object.keys(view.gatherSync(req).buckets).sort()).toEqual(['my-bucket', 'sparse-bucket']);
  });

  it("reads the bucket account's Block Public Access, null meaning not configured", () => {
    const facts = view.gatherSync(request(APP_SESSION));
    expect(knownValue(facts.accountPublicAccessBlock[A])).toMatchObject({ RestrictPublicBuckets: true });
    const sparse = view.gatherSync(
      request(APP_SESSION, { bucket: 'sparse-bucket', key: null, needs: [], bucketAccountId: B }),
    );
    expect(sparse.accountPublicAccessBlock[B]).toEqual({ status: 'known', value: null });
  });
});

describe('SnapshotView organization facts', () => {
  it('builds SCP levels root first, then the OU, then the account, from a nearest-first path', () => {
    const levels = knownValue(view.gatherSync(request(APP_SESSION)).scpLevels);
    expect(levels?.map((l) => [l.target, l.policies.map((p) => p.name)])).toEqual([
      ['r-ab12', ['FullAWSAccess']],
      ['ou-ab12-cdef3456', ['FullAWSAccess', 'DenyS3Delete']],
      [A, ['FullAWSAccess']],
    ]);
    expect(levels?.[1]?.policies[1]).toMatchObject({
      id: 'p-denydelete', // the fix commands name it: organizations describe-policy --policy-id p-denydelete
      source: 'scp',
      document: { Statement: [{ Sid: 'NoBucketDelete' }] },
    });
  });

  it("builds RCP levels for the bucket's account and reports the management account", () => {
    const facts = view.gatherSync(request(APP_SESSION));
    expect(knownValue(facts.rcpLevels)?.map((l) => l.target)).toEqual(['r-ab12', 'ou-ab12-cdef3456', A]);
    expect(knownValue(facts.resourceOrganization)).toEqual({
      id: 'o-exampleorg',
      managementAccountId: '999999999999',
      accountIds: [A, '999999999999'],
      path: ['r-ab12', 'ou-ab12-cdef3456'], // root first: aws:ResourceOrgPaths o-exampleorg/r-ab12/ou-ab12-cdef3456/
    });
  });

  it('knows an account the snapshot describes but the organization does not list is outside it', () => {
    const facts = view.gatherSync(
      request({ type: 'AWSAccount', accountId: B, principalId: 'AROAPARTNEREXAMPLE001:s' }),
    );
    expect(facts.scpLevels).toEqual({ status: 'known', value: null });
    expect(facts.principalOrganization).toEqual({ status: 'known', value: null });
  });

  it('is unknown for an account the snapshot knows nothing about', () => {
    const facts = view.gatherSync(
      request({ identityArn: 'arn:aws:iam::444455556666:role/X', accountId: '444455556666' }),
    );
    expect(facts.scpLevels).toMatchObject({ status: 'unknown', reason: 'notCollected' });
  });

  it('is unknown for every account when the snapshot has no organization, and known none for "organization": null', () => {
    const none = new SnapshotView(
      loadSnapshot(JSON.stringify({ accounts: { [A]: { organizationPath: ['r-1'] } } }), 'x.json'),
    );
    expect(none.gatherSync(request(APP_SESSION)).scpLevels).toMatchObject({
      status: 'unknown',
      reason: 'notCollected',
    });
    const outside = new SnapshotView(loadSnapshot(JSON.stringify({ organization: null }), 'x.json'));
    const facts = outside.gatherSync(request(APP_SESSION));
    expect(facts.scpLevels).toEqual({ status: 'known', value: null });
    expect(facts.rcpLevels).toEqual({ status: 'known', value: null });
  });

  it('is unknown when the organization carries no policy list of that kind', () => {
    const snap = {
      accounts: { [A]: { organizationPath: ['r-1'] } },
      organization: { Id: 'o-1', Accounts: [{ Id: A }], serviceControlPolicies: [] },
    };
    const facts = new SnapshotView(loadSnapshot(JSON.stringify(snap), 'x.json')).gatherSync(
      request(APP_SESSION),
    );
    expect(knownValue(facts.scpLevels)?.map((l) => l.target)).toEqual(['r-1', A]);
    expect(facts.rcpLevels).toMatchObject({ status: 'unknown' });
  });
});

describe('SnapshotView other facts', () => {
  it('gathers the KMS key of the object (by ARN) with its policy, grants and state', () => {
    const facts = view.gatherSync(request(APP_SESSION));
    expect(Object.keys(facts.kmsKeys)).toEqual([KEY_ARN]);
    expect(knownValue(facts.kmsKeys[KEY_ARN])).toMatchObject({
      accountId: A,
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
      aliases: ['alias/reports'],
      grants: { status: 'known', value: [] },
    });
  });

  it('resolves a key referenced by alias or key id to its ARN, and leaves an unknown key unknown', () => {
    const byAlias = putWithKey(APP_SESSION, 'alias/reports');
    expect(Object.keys(byAlias.kmsKeys)).toEqual([KEY_ARN]);
    const byId = view.gatherSync(
      request(APP_SESSION, {
        kms: { keyArn: '1234abcd-12ab-34cd-56ef-1234567890ab', s3Arn: null },
        bucket: null,
        key: null,
        needs: [],
      }),
    );
    expect(Object.keys(byId.kmsKeys)).toEqual([KEY_ARN]);
    const missing = view.gatherSync(
      request(APP_SESSION, {
        kms: { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/nope', s3Arn: null },
        bucket: null,
        key: null,
        needs: [],
      }),
    );
    expect(missing.kmsKeys['arn:aws:kms:us-east-1:111122223333:key/nope']).toMatchObject({
      status: 'unknown',
      reason: 'notCollected',
    });
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'takes a request KMS key named %s as a key the snapshot does not carry, listed as its own entry',
    (ref) => {
      const facts = putWithKey(APP_SESSION, ref);
      expect(Object.hasOwn(facts.kmsKeys, ref)).toBe(true);
      expect(facts.kmsKeys[ref]).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    },
  );

  // AWS KMS resolves a bare key id or alias name in the caller's account, never in another:
  // https://docs.aws.amazon.com/kms/latest/developerguide/alias-using.html,
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-server-side-encryption-aws-kms-key-id)
  it("looks a bare alias or key id up in the caller's account only; for a caller of another account the bucket account's key comes too, as the key meant", () => {
    const partner = {
      type: 'AssumedRole' as const,
      arn: `arn:aws:sts::${B}:assumed-role/Partner/s`,
      identityArn: `arn:aws:iam::${B}:role/Partner`,
      accountId: B,
    };
    for (const ref of ['alias/reports', '1234abcd-12ab-34cd-56ef-1234567890ab']) {
      const facts = putWithKey(partner, ref);
      // not B's key: account B holds no such key in the snapshot
      expect(facts.kmsKeys[ref]).toMatchObject({
        status: 'unknown',
        reason: 'notCollected',
        detail: `the snapshot does not carry KMS key ${ref} in account ${B}`,
      });
      expect(Object.keys(facts.kmsKeys).sort()).toEqual([ref, KEY_ARN].sort());
    }
  });

  it('finds a key the snapshot names by an alias ARN or by the bare reference itself', () => {
    const snap = (name: string) =>
      new SnapshotView(
        loadSnapshot(
          JSON.stringify({ kmsKeys: { [name]: { KeyPolicy: { Statement: [] }, Grants: [] } } }),
          'k.json',
        ),
      );
    const put = (ref: string) =>
      request(APP_SESSION, {
        bucket: 'b',
        key: 'k',
        needs: [objectNeed('s3:PutObject', 'b', 'k')],
        sse: { algorithm: 'aws:kms', kmsKeyId: ref },
      });
    const aliasArn = `arn:aws:kms:us-east-1:${A}:alias/hand`;
    expect(snap(aliasArn).gatherSync(put('alias/hand')).kmsKeys[aliasArn]?.status).toBe('known');
    expect(snap('alias/hand').gatherSync(put('alias/hand')).kmsKeys['alias/hand']?.status).toBe('known');
  });

  it('does not involve the default encryption key in a bucket-level request', () => {
    const req = request(APP_SESSION, {
      key: null,
      needs: [
        {
          action: 's3:ListBucket',
          resource: 'arn:aws:s3:::my-bucket',
          resourceType: 'bucket',
          bucket: 'my-bucket',
          key: null,
        },
      ],
    });
    expect(view.gatherSync(req).kmsKeys).toEqual({});
  });

  it('reads the VPC endpoint the request went through; one without PolicyDocument is unknown; none is null', () => {
    const e = knownValue(
      view.gatherSync(request(APP_SESSION, { vpcEndpointId: 'vpce-0abc123' })).vpcEndpoint,
    );
    expect(e).toMatchObject({
      id: 'vpce-0abc123',
      vpcId: 'vpc-0123',
      type: 'Gateway',
      policy: { source: 'vpc-endpoint-policy' },
    });
    expect(
      view.gatherSync(request(APP_SESSION, { vpcEndpointId: 'vpce-0nopolicy' })).vpcEndpoint,
    ).toMatchObject({ status: 'unknown' });
    expect(view.gatherSync(request(APP_SESSION, { vpcEndpointId: 'vpce-other' })).vpcEndpoint).toMatchObject({
      status: 'unknown',
    });
    expect(view.gatherSync(request(APP_SESSION)).vpcEndpoint).toBeNull();
  });

  it('reads the access point by ARN', () => {
    const arn = `arn:aws:s3:us-east-1:${A}:accesspoint/reports`;
    const ap = knownValue(view.gatherSync(request(APP_SESSION, { accessPointArn: arn })).accessPoint);
    expect(ap).toMatchObject({
      arn,
      name: 'reports',
      bucket: 'my-bucket',
      accountId: A,
      networkOrigin: 'VPC',
      vpcId: 'vpc-0123',
    });
    expect(knownValue(ap.policy)).toMatchObject({ source: 'access-point-policy' });
    expect(view.gatherSync(request(APP_SESSION)).accessPoint).toBeNull();
  });

  it('reads session policies from the sessions extension, else unknown; callers without a session get null', () => {
    const restricted = view.gatherSync(
      request({ ...APP_SESSION, arn: `arn:aws:sts::${A}:assumed-role/App/restricted` }),
    ).sessionPolicy;
    expect(knownValue(restricted)).toMatchObject({
      source: 'session',
      document: { Statement: [{ Action: 's3:ListBucket' }] },
    });
    expect(
      view.gatherSync(request({ ...APP_SESSION, arn: `arn:aws:sts::${A}:assumed-role/App/plain` }))
        .sessionPolicy,
    ).toEqual({ status: 'known', value: null });
    expect(view.gatherSync(request(APP_SESSION)).sessionPolicy).toMatchObject({
      status: 'unknown',
      reason: 'notCollected',
    });
    expect(
      view.gatherSync(request({ type: 'IAMUser', identityArn: `arn:aws:iam::${A}:user/alice`, accountId: A }))
        .sessionPolicy,
    ).toBeNull();
  });

  it('finds a session by its access key id when its ARN has no entry; an entry without Policy is unknown', () => {
    const sessions = new SnapshotView(
      loadSnapshot(
        JSON.stringify({
          sessions: {
            ASIAEXAMPLEKEY000001: { Policy: { Version: '2012-10-17', Statement: [] } },
            [`arn:aws:sts::${A}:assumed-role/App/unread`]: {},
          },
        }),
        'sessions.json',
      ),
    );
    const byKey = {
      ...APP_SESSION,
      arn: `arn:aws:sts::${A}:assumed-role/App/k`,
      accessKeyId: 'ASIAEXAMPLEKEY000001',
    };
    const first = sessions.gatherSync(request(byKey)).sessionPolicy;
    expect(knownValue(first)).toMatchObject({ source: 'session', document: { Statement: [] } });
    // every request of the session reads the same fact
    expect(sessions.gatherSync(request(byKey)).sessionPolicy).toBe(first);
    for (const arn of [`arn:aws:sts::${A}:assumed-role/App/unread`, 'constructor', '__proto__'])
      expect(sessions.gatherSync(request({ ...APP_SESSION, arn })).sessionPolicy).toMatchObject({
        status: 'unknown',
        reason: 'notCollected',
      });
  });

  it('parses recent changes with their CloudTrail record', () => {
    const changes = knownValue(view.gatherSync(request(APP_SESSION)).recentChanges);
    expect(changes).toEqual([
      {
        eventId: 'e-1',
        eventName: 'PutBucketPolicy',
        eventTime: '2026-11-20T08:12:31Z',
        username: 'bob',
        resources: [{ type: 'AWS::S3::Bucket', name: 'my-bucket' }],
        record: { eventName: 'PutBucketPolicy', requestParameters: { bucketName: 'my-bucket' } },
      },
    ]);
  });

  it('gives an empty snapshot all-unknown facts (never allowed)', async () => {
    const empty = new SnapshotView(loadSnapshot('{}', 'e.json'));
    const facts = await empty.gather(request(APP_SESSION, { vpcEndpointId: 'vpce-1' }));
    expect(facts.principal).toMatchObject({ status: 'unknown' });
    expect(facts.buckets['my-bucket']).toMatchObject({ status: 'unknown' });
    expect(facts.scpLevels).toMatchObject({ status: 'unknown' });
    expect(facts.rcpLevels).toMatchObject({ status: 'unknown' });
    expect(facts.vpcEndpoint).toMatchObject({ status: 'unknown' });
    expect(facts.recentChanges).toMatchObject({ status: 'unknown' });
    expect(facts.accountPublicAccessBlock[A]).toMatchObject({ status: 'unknown' });
  });
});

describe('SnapshotView performance', () => {
  it('loads 1,000 roles and 2,000 managed policies in under 1 s and gathers in well under 1 ms', () => {
    const policies = Array.from({ length: 2000 }, (_, i) => ({
      PolicyName: `P${i}`,
      Arn: `arn:aws:iam::${A}:policy/P${i}`,
      DefaultVersionId: 'v1',
      PolicyVersionList: [
        {
          VersionId: 'v1',
          IsDefaultVersion: true,
          Document: encodeURIComponent(
            JSON.stringify({
              Version: '2012-10-17',
              Statement: Array.from({ length: 20 }, (_x, j) => ({
                Sid: `S${j}`,
                Effect: 'Allow',
                Action: `s3:Get${j}`,
                Resource: `arn:aws:s3:::b${j}/*`,
              })),
            }),
          ),
        },
      ],
    }));
    const roles = Array.from({ length: 1000 }, (_, i) => ({
      RoleName: `R${i}`,
      RoleId: `AROAR${i}`,
      Arn: `arn:aws:iam::${A}:role/R${i}`,
      RolePolicyList: [],
      AttachedManagedPolicies: Array.from({ length: 10 }, (_x, j) => ({
        PolicyName: `P${(i + j) % 2000}`,
        PolicyArn: `arn:aws:iam::${A}:policy/P${(i + j) % 2000}`,
      })),
    }));
    const text = JSON.stringify({
      snapshotVersion: 1,
      accounts: { [A]: { authorizationDetails: { RoleDetailList: roles, Policies: policies } } },
    });
    const t0 = performance.now();
    const big = new SnapshotView(loadSnapshot(text, 'big.json'));
    const loadMs = performance.now() - t0;
    expect(loadMs).toBeLessThan(1000);
    const reqs = Array.from({ length: 2000 }, (_, i) =>
      request({ identityArn: `arn:aws:iam::${A}:role/R${i % 1000}`, accountId: A }),
    );
    // first pass: every principal's facts are built once (and checked)
    for (const r of reqs) expect(big.gatherSync(r).principal?.status).toBe('known');
    // then the per-request cost: the median of 5 rounds (robust on a busy machine)
    const rounds = Array.from({ length: 5 }, () => {
      const t1 = performance.now();
      for (const r of reqs) big.gatherSync(r);
      return (performance.now() - t1) / reqs.length;
    }).sort((a, b) => a - b);
    expect(rounds[2]).toBeLessThan(0.5);
  });
});

describe('kmsKeyRefs: the KMS keys a request involves', () => {
  it("lists the request's SSE key, then each object's key and its bucket's default key, each once, with the bucket's account", () => {
    const r = request(APP_SESSION, {
      bucket: 'my-bucket',
      key: 'reports/q3.csv',
      needs: [
        objectNeed('s3:GetObject', 'my-bucket', 'reports/q3.csv'),
        objectNeed('s3:GetObject', 'no-policy-bucket', 'k'),
        objectNeed('s3:GetObject', 'not-in-snapshot', 'k'),
      ],
      sse: { algorithm: 'aws:kms', kmsKeyId: 'alias/reports' },
    });
    // the object's key and the bucket default are the same key: listed once; the bucket the snapshot does not
    // carry and the bucket without default encryption add nothing
    expect(kmsKeyRefs(r, view.index)).toEqual([
      { ref: 'alias/reports', bucketAccount: A },
      { ref: KEY_ARN, bucketAccount: A },
    ]);
    expect(kmsKeyRefs(request(APP_SESSION, { bucket: 'no-policy-bucket', key: 'k' }), view.index)).toEqual(
      [],
    );
  });
});
