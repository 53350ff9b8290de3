/**
 * The fast path of the engine returns exactly what the reference engine returns: the same decision and the
 * same explanation (every layer, every policy evaluation, every statement trace and detail string), deep-equal
 * and JSON-identical, for a large varied corpus of inputs:
 *  - every `authorize` / `authorizeKms` input the real pipeline builds for the scenario files and examples
 *    (captured while `analyze` runs: the needs, and the what-if inputs of the fix verification);
 *  - the benchmark's workload (scripts/bench/engine.ts);
 *  - hand-built traps (NotPrincipal + Deny with a permissions boundary, unknown facts, unknown keys, access
 *    points, ACLs, object ownership, malformed policies);
 *  - fast-check generated policies and requests.
 * The reference (`authorizeReference`) traces every policy in full, eagerly, and runs the layer logic on the
 * full traces: the engine before the fast path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadSnapshot, SnapshotView } from '../../../../lambdas/adapters/snapshot';
import { analyze } from '../../../../lambdas/core/analyze';
import { readDenials } from '../../../../lambdas/core/event';
import {
  known,
  unknown,
  type Acl,
  type NamedPolicy,
  type OrgLevel,
  type PolicySource,
} from '../../../../lambdas/core/model';
import { authorizeReference } from '../../../../lambdas/core/policy/authorize';
import { authorizeKmsReference } from '../../../../lambdas/core/policy/kms';
import type {
  AuthorizationInput,
  AuthorizationResult,
  EnginePrincipal,
  KmsAuthorizationInput,
} from '../../../../lambdas/core/policy/types';
import { benchInputs } from '../../../../scripts/bench/engine';
import { ROOT, scenarioFiles, viewFor } from '../../../scenarios/load';
import {
  ACCT,
  BUCKET_ARN,
  OBJECT_ARN,
  OTHER,
  OTHER_CID,
  OWNER_CID,
  anonymous,
  iamUser,
  input,
  ownerAcl,
  request,
  roleSession,
  service,
  type Stmt,
} from './fixtures';

// Capture every input the pipeline gives the engine (analyze -> policy/index -> these modules).
jest.mock('../../../../lambdas/core/policy/authorize', () => {
  const actual = jest.requireActual<typeof import('../../../../lambdas/core/policy/authorize')>(
    '../../../../lambdas/core/policy/authorize',
  );
  const captured: AuthorizationInput[] = [];
  return {
    ...actual,
    capturedInputs: captured,
    authorize: (i: AuthorizationInput) => {
      captured.push(i);
      return actual.authorize(i);
    },
  };
});
jest.mock('../../../../lambdas/core/policy/kms', () => {
  const actual = jest.requireActual<typeof import('../../../../lambdas/core/policy/kms')>(
    '../../../../lambdas/core/policy/kms',
  );
  const captured: KmsAuthorizationInput[] = [];
  return {
    ...actual,
    capturedInputs: captured,
    authorizeKms: (i: KmsAuthorizationInput) => {
      captured.push(i);
      return actual.authorizeKms(i);
    },
  };
});

// The real (unwrapped) fast engines.
const { authorize } = jest.requireActual<typeof import('../../../../lambdas/core/policy/authorize')>(
  '../../../../lambdas/core/policy/authorize',
);
const { authorizeKms } = jest.requireActual<typeof import('../../../../lambdas/core/policy/kms')>(
  '../../../../lambdas/core/policy/kms',
);
const capturedS3 = (
  jest.requireMock('../../../../lambdas/core/policy/authorize') as { capturedInputs: AuthorizationInput[] }
).capturedInputs;
const capturedKms = (
  jest.requireMock('../../../../lambdas/core/policy/kms') as { capturedInputs: KmsAuthorizationInput[] }
).capturedInputs;

/** Fast first (its lazy traces are read last, by the comparison), then the reference. */
function expectSameS3(inp: AuthorizationInput): AuthorizationResult {
  const fast = authorize(inp);
  const ref = authorizeReference(inp);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(ref));
  expect(fast).toStrictEqual(ref);
  return fast;
}

function expectSameKms(inp: KmsAuthorizationInput): void {
  const fast = authorizeKms(inp);
  const ref = authorizeKmsReference(inp);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(ref));
  expect(fast).toStrictEqual(ref);
}

// ---------------------------------------------------------------------------
// The pipeline's inputs: scenario files and the examples
// ---------------------------------------------------------------------------

function runPipeline(): void {
  for (const scenario of scenarioFiles()) {
    for (const c of scenario.cases) {
      for (const req of readDenials(JSON.stringify(c.event), c.name))
        analyze(req, viewFor(scenario).gatherSync(req));
    }
  }
  const view = new SnapshotView(
    loadSnapshot(readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8'), 'examples/snapshot.json'),
  );
  const dir = join(ROOT, 'examples', 'events');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    for (const req of readDenials(readFileSync(join(dir, file)), file)) analyze(req, view.gatherSync(req));
  }
}

describe('fast path = reference: the real pipeline', () => {
  runPipeline();

  it('captured a large corpus of inputs from the scenarios and examples', () => {
    expect(capturedS3.length).toBeGreaterThan(100);
    expect(capturedKms.length).toBeGreaterThan(0);
  });

  it('gives deep-equal S3 results for every captured input', () => {
    const decisions = new Set<string>();
    for (const inp of capturedS3) decisions.add(expectSameS3(inp).decision);
    // the corpus is varied (unknown: a CloudFront grant whose distribution the record does not name, issue 19)
    expect([...decisions].sort()).toEqual(['allowed', 'explicitly-denied', 'implicitly-denied', 'unknown']);
  });

  it('gives deep-equal KMS results for every captured input', () => {
    for (const inp of capturedKms) expectSameKms(inp);
  });
});

describe('fast path = reference: the benchmark workload', () => {
  it('gives deep-equal results for 300 requests of the workload', () => {
    for (const inp of benchInputs(300)) expectSameS3(inp);
  });

  it('gives the same traces when they are read late, after other decisions, on fresh request objects', () => {
    const inputs = benchInputs(200).map((inp) => ({ ...inp, request: { ...inp.request } }));
    const fast = inputs.map((inp) => authorize(inp)); // traces not read yet
    const refs = inputs.map((inp) => authorizeReference({ ...inp, request: { ...inp.request } }));
    for (let i = inputs.length - 1; i >= 0; i--)
      expect(JSON.stringify(fast[i])).toBe(JSON.stringify(refs[i]));
  });
});

describe('the displayed evaluations of the fast path', () => {
  const [inp] = benchInputs(5).filter((i) => i.request.action === 's3:PutObject');
  const fast = authorize(inp!);
  const ref = authorizeReference(inp!);
  const shown = fast.layers.flatMap((l) => l.policies);

  it('look like plain objects: same keys in the same order, spreads and JSON see the statements', () => {
    expect(shown.length).toBeGreaterThan(5);
    const refShown = ref.layers.flatMap((l) => l.policies);
    shown.forEach((ev, i) => {
      expect(Object.keys(ev)).toEqual(['policy', 'decision', 'statements']);
      expect(Object.getPrototypeOf(ev)).toBe(Object.prototype);
      expect({ ...ev }).toEqual(refShown[i]);
      expect(JSON.parse(JSON.stringify(ev))).toEqual(JSON.parse(JSON.stringify(refShown[i])));
    });
  });

  it('trace once: reading the statements twice gives the same array', () => {
    for (const ev of shown) expect(ev.statements).toBe(ev.statements);
  });

  it('include the near misses (statements for the action that do not apply)', () => {
    const nearMisses = shown.flatMap((ev) => ev.statements).filter((s) => s.matched === false);
    expect(nearMisses.length).toBeGreaterThan(0);
    for (const s of nearMisses) expect(s.detail).toMatch(/does not apply/);
  });
});

// ---------------------------------------------------------------------------
// Hand-built traps
// ---------------------------------------------------------------------------

const doc = (name: string, source: PolicySource, statements: Stmt[]): NamedPolicy => ({
  name,
  source,
  document: { Version: '2012-10-17', Statement: statements },
});

describe('fast path = reference: traps', () => {
  const session = roleSession();
  const boundary = doc('Boundary', 'permissions-boundary', [
    { Effect: 'Allow', Action: 's3:*', Resource: '*' },
  ]);
  const get = doc('Get', 'identity-managed', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
  it('NotPrincipal + Deny with a permissions boundary (read from near misses)', () => {
    for (const cond of [
      {},
      { Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      { Condition: { StringEquals: { 'aws:SomethingNotTold': 'x' } } },
    ]) {
      const bp = doc('bucket-policy', 'bucket-policy', [
        {
          Sid: 'Grant',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `${BUCKET_ARN}/*`,
        },
        {
          Sid: 'NotMe',
          Effect: 'Deny',
          // the session, its role and its account: the caller is exempted, the statement is a near miss
          NotPrincipal: { AWS: [session.arn, session.identityArn, `arn:aws:iam::${ACCT}:root`] },
          Action: 's3:*',
          Resource: `${BUCKET_ARN}/*`,
          ...cond,
        },
      ]);
      for (const withBoundary of [true, false]) {
        for (const otherKeys of ['absent', 'unknown'] as const) {
          expectSameS3(
            input(
              request(session, 's3:GetObject', OBJECT_ARN, { 'aws:SecureTransport': 'true' }, otherKeys),
              {
                identityPolicies: known([get]),
                permissionsBoundary: known(withBoundary ? boundary : null),
                bucketPolicy: known(bp),
              },
            ),
          );
        }
      }
    }
  });

  it('unknown facts in every layer', () => {
    const u = unknown('accessDenied', 'denied', 's3:GetBucketPolicy');
    const req = request(session);
    expectSameS3(input(req, { identityPolicies: u, bucketPolicy: u, scpLevels: u, rcpLevels: u }));
    expectSameS3(input(req, { permissionsBoundary: u, sessionPolicy: u, vpcEndpointPolicy: u }));
    expectSameS3(input(req, { accessPointPolicy: u }, { bucketAcl: u, objectAcl: u, ownership: u }));
    expectSameS3(
      input(
        req,
        { identityPolicies: known([get]) },
        { objectOwnerAccountId: u, accountPublicAccessBlock: u },
      ),
    );
  });

  it('a value the record only implies (inferred aws:SecureTransport) decided in a second pass, in every layer', () => {
    // test/core/policy/authorize/inferred.test.ts states the behaviour; here both engines must agree on it
    const plain = doc('bucket-policy', 'bucket-policy', [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    const tls = doc('TlsOnly', 'identity-inline', [
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      },
    ]);
    const base = request(session, 's3:GetObject', OBJECT_ARN, {}, 'unknown');
    const req = {
      ...base,
      context: {
        ...base.context,
        inferred: {
          'aws:SecureTransport': {
            value: 'false',
            confidence: 'likely' as const,
            reason: 'no TLS details',
            from: ['tlsDetails'],
          },
        },
      },
    };
    expectSameS3(input(req, { identityPolicies: known([get]), bucketPolicy: known(plain) }));
    expectSameS3(input(req, { identityPolicies: known([tls]), bucketPolicy: known(plain) }));
    expectSameS3(input(req, { identityPolicies: known([tls]), permissionsBoundary: known(boundary) }));
    expectSameS3(
      input(req, { identityPolicies: known([get]), sessionPolicy: known({ ...tls, source: 'session' }) }),
    );
  });

  it('malformed policies (parse errors) in every layer', () => {
    const bad = doc('Broken', 'identity-managed', [{ Effect: 'Maybe', Action: 's3:*', Resource: '*' }]);
    const badCond = doc('BadCond', 'bucket-policy', [
      { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*', Condition: { NoSuchOp: { k: 'v' } } },
    ]);
    const badScp: OrgLevel[] = [{ target: 'r-root', policies: [{ ...bad, source: 'scp' }] }];
    expectSameS3(
      input(request(session), {
        identityPolicies: known([bad, get]),
        permissionsBoundary: known({ ...bad, source: 'permissions-boundary' }),
        bucketPolicy: known(badCond),
        scpLevels: known(badScp),
        vpcEndpointPolicy: known({ ...badCond, source: 'vpc-endpoint-policy' }),
      }),
    );
  });

  it('public ACL grants, ownership and cross-account objects', () => {
    const publicAcl: Acl = ownerAcl({
      Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
      Permission: 'READ',
    });
    for (const principal of [anonymous, roleSession(OTHER, 'Partner'), iamUser(), service()]) {
      for (const ownership of ['BucketOwnerEnforced', 'ObjectWriter', 'BucketOwnerPreferred'] as const) {
        expectSameS3(
          input(
            request(principal),
            {
              bucketPolicy: known(
                doc('bucket-policy', 'bucket-policy', [
                  { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/*` },
                ]),
              ),
            },
            {
              objectAcl: known(publicAcl),
              ownership: known(ownership),
              objectOwnerAccountId: known(OTHER),
              bucketOwnerCanonicalId: OWNER_CID,
              bucketAcl: known(
                ownerAcl({ Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'READ' }),
              ),
              accountPublicAccessBlock: known({
                BlockPublicAcls: false,
                IgnorePublicAcls: ownership === 'ObjectWriter',
                BlockPublicPolicy: false,
                RestrictPublicBuckets: ownership === 'BucketOwnerPreferred',
              }),
            },
          ),
        );
      }
    }
  });
});

// ---------------------------------------------------------------------------
// fast-check: generated policies and requests
// ---------------------------------------------------------------------------

const AP = `arn:aws:s3:us-east-1:${ACCT}:accesspoint/ap1`;
const SESSION = roleSession();
const principals: EnginePrincipal[] = [
  SESSION,
  roleSession(OTHER, 'Partner'),
  iamUser(),
  iamUser(OTHER, 'bob'),
  anonymous,
  service(),
  {
    type: 'Root',
    arn: `arn:aws:iam::${ACCT}:root`,
    identityArn: `arn:aws:iam::${ACCT}:root`,
    accountId: ACCT,
  },
  { type: 'Unknown', arn: null, identityArn: null, accountId: null },
];

const arbCondition = fc.constantFrom<Stmt>(
  {},
  {},
  { Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
  { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } },
  { Condition: { StringNotEquals: { 'aws:SourceVpce': ['vpce-1', 'vpce-2'] } } },
  { Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'shared/*'] } } },
  { Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } } },
  { Condition: { NotIpAddressIfExists: { 'aws:SourceIp': '192.0.2.0/24' } } },
  { Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } } },
  { Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['t-*'] } } },
  { Condition: { Null: { 'aws:MultiFactorAuthAge': 'true' } } },
  { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } },
  { Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/App' } } },
  { Condition: { StringEquals: { 'aws:username': "${aws:PrincipalTag/team, 'none'}" } } },
  {
    Condition: {
      NumericLessThan: { 's3:max-keys': '10' },
      DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' },
    },
  },
);

const arbPrincipalElement = fc.constantFrom<unknown>(
  '*',
  { AWS: '*' },
  { AWS: ACCT },
  { AWS: `arn:aws:iam::${ACCT}:root` },
  { AWS: `arn:aws:iam::${OTHER}:root` },
  { AWS: SESSION.identityArn },
  { AWS: [SESSION.arn, `arn:aws:iam::${ACCT}:user/alice`] },
  { Service: 'cloudtrail.amazonaws.com' },
  { CanonicalUser: OTHER_CID },
);

const arbStatement = (withPrincipal: boolean): fc.Arbitrary<Stmt> =>
  fc
    .record({
      sid: fc.option(fc.constantFrom('A', 'B', 'Reads'), { nil: undefined }),
      effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      notAction: fc.boolean(),
      action: fc.constantFrom<unknown>(
        's3:GetObject',
        's3:*',
        's3:Get*',
        ['s3:PutObject', 's3:List*'],
        '*',
        'kms:*',
      ),
      notResource: fc.boolean(),
      resource: fc.constantFrom<unknown>(
        '*',
        `${BUCKET_ARN}/*`,
        BUCKET_ARN,
        'arn:aws:s3:::other/*',
        `${AP}/object/*`,
        `${BUCKET_ARN}/home/\${aws:username}/*`,
        [`${BUCKET_ARN}/\${aws:PrincipalTag/dept}/*`, 'arn:aws:s3:::my-*'],
      ),
      principal: arbPrincipalElement,
      notPrincipal: fc.boolean(),
      cond: arbCondition,
    })
    .map((r) => {
      const s: Stmt = { Effect: r.effect };
      if (r.sid !== undefined) s.Sid = r.sid;
      s[r.notAction && r.action !== '*' ? 'NotAction' : 'Action'] = r.action;
      s[r.notResource && r.resource !== '*' ? 'NotResource' : 'Resource'] = r.resource;
      if (withPrincipal)
        s[r.notPrincipal && r.effect === 'Deny' ? 'NotPrincipal' : 'Principal'] = r.principal;
      return { ...s, ...r.cond };
    });

const arbPolicy = (name: string, source: PolicySource, withPrincipal: boolean) =>
  fc.array(arbStatement(withPrincipal), { minLength: 0, maxLength: 6 }).map((s) => doc(name, source, s));

const arbFact = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: a.map((v) => known(v)) },
    { weight: 1, arbitrary: fc.constant(unknown('accessDenied', 'AccessDenied', 'x:Read')) },
  );

const arbBpa = fc.option(
  fc.record({
    BlockPublicAcls: fc.boolean(),
    IgnorePublicAcls: fc.boolean(),
    BlockPublicPolicy: fc.boolean(),
    RestrictPublicBuckets: fc.boolean(),
  }),
  { nil: null },
);

const arbAcl: fc.Arbitrary<Acl> = fc
  .subarray([
    {
      Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
      Permission: 'READ',
    },
    {
      Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' },
      Permission: 'FULL_CONTROL',
    },
    { Grantee: { Type: 'CanonicalUser', ID: OTHER_CID }, Permission: 'READ' },
  ] as Acl['Grants'][number][])
  .map((extra) => ownerAcl(...extra));

const arbInput: fc.Arbitrary<AuthorizationInput> = fc
  .record({
    principal: fc.constantFrom(...principals),
    action: fc.constantFrom(
      's3:GetObject',
      's3:PutObject',
      's3:ListBucket',
      's3:PutObjectAcl',
      's3:PutBucketPolicy',
    ),
    values: fc.record(
      {
        'aws:SecureTransport': fc.constantFrom('true', 'false'),
        'aws:SourceVpce': fc.constantFrom('vpce-1', 'vpce-9'),
        'aws:SourceIp': fc.constantFrom('10.1.2.3', '2001:db8::1', '198.51.100.7'),
        'aws:TagKeys': fc.constantFrom<string | string[]>([], ['a'], ['t-1', 't-2'], ['x']),
        's3:prefix': fc.constantFrom('home/alice/x', 'shared/y'),
        'aws:PrincipalTag/dept': fc.constantFrom('eng', 'ops'),
      },
      { requiredKeys: [] },
    ),
    otherKeys: fc.constantFrom('absent' as const, 'unknown' as const),
    viaAccessPoint: fc.boolean(),
    identity: fc.array(arbPolicy('Identity', 'identity-managed', false), { maxLength: 3 }),
    identityFact: fc.boolean(),
    boundary: fc.option(arbPolicy('Boundary', 'permissions-boundary', false), { nil: null }),
    session: fc.option(arbPolicy('Session', 'session', false), { nil: null }),
    bucket: arbFact(fc.option(arbPolicy('Bucket', 'bucket-policy', true), { nil: null })),
    accessPoint: arbFact(fc.option(arbPolicy('AP', 'access-point-policy', true), { nil: null })),
    vpce: fc.option(arbFact(fc.option(arbPolicy('Vpce', 'vpc-endpoint-policy', true), { nil: null })), {
      nil: null,
    }),
    scp: fc.option(arbPolicy('Scp', 'scp', false), { nil: null }),
    rcp: fc.option(arbPolicy('Rcp', 'rcp', true), { nil: null }),
    orgUnknown: fc.boolean(),
    bucketAcl: arbFact(arbAcl),
    objectAcl: arbFact(arbAcl),
    ownership: arbFact(fc.constantFrom('BucketOwnerEnforced', 'ObjectWriter', 'BucketOwnerPreferred', null)),
    objectOwner: fc.option(arbFact(fc.constantFrom(ACCT, OTHER)), { nil: null }),
    accountBpa: arbFact(arbBpa),
    bucketBpa: arbFact(arbBpa),
    resourceAccount: fc.constantFrom<string | null>(ACCT, ACCT, OTHER, null),
  })
  .map((w) => {
    const bucketLevel = w.action === 's3:ListBucket' || w.action === 's3:PutBucketPolicy';
    const values: Record<string, string | string[]> = { ...w.values };
    if (w.viaAccessPoint) values['s3:DataAccessPointArn'] = AP;
    const req = {
      ...request(w.principal, w.action, bucketLevel ? BUCKET_ARN : OBJECT_ARN, values, w.otherKeys),
      resourceAccountId: w.resourceAccount,
    };
    const full = doc('FullAWSAccess', 'scp', [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    const rcpFull = doc('RCPFullAWSAccess', 'rcp', [
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
    ]);
    const level = (target: string, extra: NamedPolicy | null, base: NamedPolicy): OrgLevel => ({
      target,
      policies: extra ? [base, extra] : [base],
    });
    const u = unknown('notCollected');
    return input(
      req,
      {
        identityPolicies: w.identityFact ? known(w.identity) : w.identity.length > 0 ? u : null,
        permissionsBoundary: known(w.boundary),
        sessionPolicy: w.principal.type === 'AssumedRole' ? known(w.session) : null,
        bucketPolicy: w.bucket,
        accessPointPolicy: w.viaAccessPoint ? w.accessPoint : null,
        vpcEndpointPolicy: w.vpce,
        scpLevels: w.orgUnknown
          ? u
          : known([level('r-root', null, full), level('ou-1', w.scp, full), level(ACCT, null, full)]),
        rcpLevels: known([level('r-root', w.rcp, rcpFull), level(ACCT, null, rcpFull)]),
      },
      {
        bucketAcl: w.bucketAcl,
        objectAcl: bucketLevel ? null : w.objectAcl,
        ownership: w.ownership,
        objectOwnerAccountId: bucketLevel ? null : w.objectOwner,
        accountPublicAccessBlock: w.accountBpa,
        bucketPublicAccessBlock: w.bucketBpa,
        accessPointPublicAccessBlock: w.viaAccessPoint
          ? {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            }
          : null,
      },
    );
  });

describe('fast path = reference: generated inputs (fast-check)', () => {
  it('gives deep-equal results for 1500 generated inputs (every decision occurs)', () => {
    const decisions = new Set<string>();
    fc.assert(
      fc.property(arbInput, (inp) => {
        decisions.add(expectSameS3(inp).decision);
      }),
      { numRuns: 1500, seed: 20261128 },
    );
    expect([...decisions].sort()).toEqual(['allowed', 'explicitly-denied', 'implicitly-denied', 'unknown']);
  });

  it('gives deep-equal results for generated inputs from the run seed (FC_SEED)', () => {
    fc.assert(
      fc.property(arbInput, (inp) => {
        expectSameS3(inp);
      }),
      { numRuns: 500 },
    );
  });

  it('gives deep-equal KMS results for generated key policies', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...principals),
        arbPolicy('KeyPolicy', 'kms-key-policy', true),
        fc.option(arbPolicy('Boundary', 'permissions-boundary', false), { nil: null }),
        fc.array(arbPolicy('Identity', 'identity-managed', false), { maxLength: 2 }),
        (principal, keyPolicy, boundary, identity) => {
          const key = `arn:aws:kms:us-east-1:${ACCT}:key/1234`;
          const req = request(principal, 'kms:Decrypt', key, { 'aws:SecureTransport': 'true' });
          expectSameKms({
            request: req,
            keyPolicy: known(keyPolicy),
            grants: known([]),
            identityPolicies: known(identity),
            permissionsBoundary: known(boundary),
            sessionPolicy: null,
            scpLevels: known(null),
            rcpLevels: known(null),
            encryptionContext: { 'aws:s3:arn': OBJECT_ARN },
            keyManager: 'CUSTOMER',
            keyState: 'Enabled',
          });
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });
});
