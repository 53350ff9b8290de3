/**
 * Properties of the request-level engine (fast-check).
 * - An explicit Deny that matches, in any layer that applies, always yields explicitly-denied
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html:
 *   "An explicit deny in any of these policies overrides the allow").
 * - Adding a statement that matches nothing never changes a decision.
 * - Statement order never matters (policies are sets of statements).
 */
import fc from 'fast-check';
import { known, type NamedPolicy, type PolicySource } from '../../../../lambdas/core/model';
import { authorize, type AuthorizationInput, type EnginePrincipal } from '../../../../lambdas/core/policy';
import {
  ACCT,
  BUCKET_ARN,
  OBJECT_ARN,
  OTHER,
  anonymous,
  iamUser,
  input,
  orgPath,
  request,
  roleSession,
  type Stmt,
} from './fixtures';

const principals: EnginePrincipal[] = [roleSession(), roleSession(OTHER, 'Partner'), iamUser(), anonymous];
const AP = `arn:aws:s3:us-east-1:${ACCT}:accesspoint/ap1`;

const arbCondition = fc.constantFrom<Stmt>(
  {},
  { Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
  { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } },
  { Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } },
);
const arbStatement = (withPrincipal: boolean): fc.Arbitrary<Stmt> =>
  fc
    .record({
      effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      action: fc.constantFrom('s3:GetObject', 's3:*', 's3:Get*', 's3:PutObject', '*'),
      resource: fc.constantFrom('*', `${BUCKET_ARN}/*`, BUCKET_ARN, 'arn:aws:s3:::other/*', `${AP}/object/*`),
      principal: fc.constantFrom<unknown>(
        '*',
        { AWS: `arn:aws:iam::${ACCT}:root` },
        { AWS: `arn:aws:iam::${OTHER}:root` },
        { AWS: roleSession().identityArn },
        { AWS: roleSession().arn },
      ),
      cond: arbCondition,
    })
    .map(({ effect, action, resource, principal, cond }) => ({
      Effect: effect,
      Action: action,
      Resource: resource,
      ...(withPrincipal ? { Principal: principal } : {}),
      ...cond,
    }));

const doc = (name: string, source: PolicySource, statements: Stmt[]): NamedPolicy => ({
  name,
  source,
  document: { Version: '2012-10-17', Statement: statements },
});
const arbPolicy = (name: string, source: PolicySource, withPrincipal: boolean, min = 0) =>
  fc.array(arbStatement(withPrincipal), { minLength: min, maxLength: 4 }).map((s) => doc(name, source, s));

interface World {
  readonly principal: EnginePrincipal;
  readonly identity: NamedPolicy;
  readonly boundary: NamedPolicy | null;
  readonly session: NamedPolicy | null;
  readonly bucket: NamedPolicy | null;
  readonly accessPoint: NamedPolicy | null;
  readonly vpce: NamedPolicy | null;
  readonly scp: NamedPolicy | null; // attached at the OU level next to FullAWSAccess
  readonly vpceValue: boolean;
}

const arbWorld: fc.Arbitrary<World> = fc.record({
  principal: fc.constantFrom(...principals),
  identity: arbPolicy('Identity', 'identity-managed', false),
  boundary: fc.option(arbPolicy('Boundary', 'permissions-boundary', false, 1), { nil: null }),
  session: fc.option(arbPolicy('Session', 'session', false, 1), { nil: null }),
  bucket: fc.option(arbPolicy('Bucket', 'bucket-policy', true), { nil: null }),
  accessPoint: fc.option(arbPolicy('AP', 'access-point-policy', true), { nil: null }),
  vpce: fc.option(arbPolicy('Vpce', 'vpc-endpoint-policy', true, 1), { nil: null }),
  scp: fc.option(arbPolicy('Scp', 'scp', false, 1), { nil: null }),
  vpceValue: fc.boolean(),
});

function build(w: World): AuthorizationInput {
  const anon = w.principal.type === 'Anonymous';
  const values: Record<string, string> = { 'aws:SecureTransport': 'true' };
  if (w.vpceValue) values['aws:SourceVpce'] = 'vpce-1';
  if (w.accessPoint) values['s3:DataAccessPointArn'] = AP;
  const req = request(w.principal, 's3:GetObject', OBJECT_ARN, values);
  const full = doc('FullAWSAccess', 'scp', [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
  return input(req, {
    identityPolicies: anon ? null : known([w.identity]),
    permissionsBoundary: anon ? null : known(w.boundary),
    sessionPolicy: w.principal.type === 'AssumedRole' ? known(w.session) : null,
    bucketPolicy: known(w.bucket),
    accessPointPolicy: w.accessPoint ? known(w.accessPoint) : null,
    vpcEndpointPolicy: w.vpce ? known(w.vpce) : null,
    scpLevels: known(orgPath('scp', w.scp ? { 1: [full, w.scp] } : {})),
  });
}

type Slot = 'identity' | 'boundary' | 'session' | 'bucket' | 'accessPoint' | 'vpce' | 'scp';
const RESOURCE_SLOTS: ReadonlySet<Slot> = new Set(['bucket', 'accessPoint', 'vpce']);
const SOURCES: Record<Slot, PolicySource> = {
  identity: 'identity-managed',
  boundary: 'permissions-boundary',
  session: 'session',
  bucket: 'bucket-policy',
  accessPoint: 'access-point-policy',
  vpce: 'vpc-endpoint-policy',
  scp: 'scp',
};

/** The slots whose policies apply to the caller (anonymous callers have no identity, boundary, session or SCP). */
function applicableSlots(w: World): Slot[] {
  const anon = w.principal.type === 'Anonymous';
  const slots: Slot[] = ['bucket', 'vpce'];
  if (w.accessPoint) slots.push('accessPoint');
  if (!anon) slots.push('identity', 'boundary', 'scp');
  if (w.principal.type === 'AssumedRole') slots.push('session');
  return slots;
}

function withStatement(w: World, slot: Slot, st: Stmt): World {
  const current = w[slot];
  const statements = current ? [...((current.document as { Statement: Stmt[] }).Statement ?? []), st] : [st];
  return { ...w, [slot]: doc(current?.name ?? `Injected-${slot}`, SOURCES[slot], statements) };
}

const statementsOf = (p: NamedPolicy | null): Stmt[] =>
  p ? (p.document as { Statement: Stmt[] }).Statement : [];

const summary = (w: World) => {
  const r = authorize(build(w));
  return { decision: r.decision, layers: r.layers.map((l) => `${l.layer}:${l.result}`) };
};

describe('engine properties (fast-check)', () => {
  it('a matching explicit Deny in any applicable layer always gives explicitly-denied', () => {
    fc.assert(
      fc.property(arbWorld, fc.nat(), fc.constantFrom('s3:GetObject', 's3:*', '*'), (w, pick, action) => {
        const slots = applicableSlots(w);
        const slot = slots[pick % slots.length] as Slot;
        const denyStmt: Stmt = {
          Effect: 'Deny',
          Action: action,
          Resource: '*',
          ...(RESOURCE_SLOTS.has(slot) ? { Principal: '*' } : {}),
        };
        const r = authorize(build(withStatement(w, slot, denyStmt)));
        expect(r.decision).toBe('explicitly-denied');
      }),
      { numRuns: 150 },
    );
  });

  it('adding a statement that matches nothing never changes a decision or a layer result', () => {
    fc.assert(
      fc.property(arbWorld, fc.nat(), fc.constantFrom('Allow', 'Deny'), (w, pick, effect) => {
        const slots: Slot[] = ['identity', 'boundary', 'session', 'bucket', 'accessPoint', 'vpce', 'scp'];
        const present = slots.filter((s) => w[s] !== null);
        const slot = present[pick % present.length] as Slot;
        const noop: Stmt = {
          Effect: effect,
          Action: 'sqs:SendMessage',
          Resource: '*',
          ...(RESOURCE_SLOTS.has(slot) ? { Principal: '*' } : {}),
        };
        expect(summary(withStatement(w, slot, noop))).toEqual(summary(w));
      }),
      { numRuns: 150 },
    );
  });

  it('statement order never matters', () => {
    fc.assert(
      fc.property(arbWorld, fc.integer({ min: 1, max: 1000 }), (w, seed) => {
        const shuffle = (p: NamedPolicy | null): NamedPolicy | null => {
          if (!p) return p;
          const s = [...statementsOf(p)];
          for (let i = s.length - 1; i > 0; i--) {
            const j = (seed * (i + 7)) % (i + 1);
            [s[i], s[j]] = [s[j] as Stmt, s[i] as Stmt];
          }
          return doc(p.name, p.source, s);
        };
        const shuffled: World = {
          ...w,
          identity: shuffle(w.identity) as NamedPolicy,
          boundary: shuffle(w.boundary),
          session: shuffle(w.session),
          bucket: shuffle(w.bucket),
          accessPoint: shuffle(w.accessPoint),
          vpce: shuffle(w.vpce),
          scp: shuffle(w.scp),
        };
        expect(summary(shuffled)).toEqual(summary(w));
      }),
      { numRuns: 150 },
    );
  });

  it('never answers "allowed" when a layer that may deny is unknown', () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const base = build(w);
        const r = authorize({ ...base, bucketPolicy: { status: 'unknown', reason: 'accessDenied' } });
        expect(r.decision).not.toBe('allowed');
      }),
      { numRuns: 100 },
    );
  });
});

describe('robustness', () => {
  it('never throws, whatever JSON the policy documents and ACLs hold', () => {
    const junk = fc.oneof(
      fc.jsonValue(),
      fc.json(),
      fc.record({ Statement: fc.array(fc.jsonValue(), { maxLength: 3 }) }),
    );
    fc.assert(
      fc.property(junk, junk, junk, junk, fc.constantFrom(...principals), (a, b, c, d, principal) => {
        const req = request(principal, 's3:GetObject', OBJECT_ARN, { 's3:DataAccessPointArn': AP });
        const base = input(req);
        const r = authorize({
          ...base,
          identityPolicies:
            principal.type === 'Anonymous'
              ? null
              : known([
                  doc('a', 'identity-managed', []),
                  { name: 'j', source: 'identity-managed', document: a },
                ]),
          bucketPolicy: known({ name: 'b', source: 'bucket-policy', document: b }),
          accessPointPolicy: known({ name: 'c', source: 'access-point-policy', document: c }),
          s3: {
            ...(base.s3 as NonNullable<AuthorizationInput['s3']>),
            ownership: known('ObjectWriter'),
            objectAcl: known(d as never),
          },
        });
        expect(['allowed', 'explicitly-denied', 'implicitly-denied', 'unknown']).toContain(r.decision);
        expect(r.layers).toHaveLength(11);
      }),
      { numRuns: 200 },
    );
  });
});
