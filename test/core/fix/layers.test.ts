/**
 * Reading the engine's layered decision for a request (each layer: allowed, explicitly or implicitly denied, not
 * applicable, unknown) into what a checker reports: which layer denies, the statements behind it as evidence, and
 * the policy a fix must patch. The decisions come from the engine on small worlds (test/core/world.ts).
 */
import type { NeedEvaluation } from '../../../lambdas/core/checkers/types';
import type { NamedPolicy, OrgLevel, RequestFacts } from '../../../lambdas/core/model';
import { authorize } from '../../../lambdas/core/policy';
import type { LayerResult, StatementTrace } from '../../../lambdas/core/policy/types';
import { buildAuthorizationInput } from '../../../lambdas/core/fix/input';
import { describeNeeds, viewLayer } from '../../../lambdas/core/fix/layer-check';
import {
  applies,
  deniedBy,
  denyEvidence,
  explicitlyDeniedBy,
  layerEvidence,
  missingOf,
  noAllowEvidence,
  soleUndecidedDeny,
  statementDetail,
  statementLabel,
  unknownIn,
} from '../../../lambdas/core/fix/layers';
import { findOrgPolicy, findPolicy, orgLevels } from '../../../lambdas/core/fix/find';
import { orgTarget } from '../../../lambdas/core/fix/org';
import { known } from '../../../lambdas/core/model';
import { explain } from '../checkers/helpers';
import { A, B, OU_A, recordFor, roleArn, type Stmt, viewOf, type WorldSpec } from '../world';
import { officeOnlyDeny } from './traces';

const BUCKET = 'reports-bucket';
const OBJECT = `arn:aws:s3:::${BUCKET}/q3.csv`;
const read: Stmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` };

/** The engine's evaluation of every need of AppRole's GetObject of q3.csv, in a world. */
function evaluationsIn(spec: WorldSpec, caller = A, eventName = 'GetObject') {
  const { request, facts } = explain(
    recordFor({ account: caller, role: 'AppRole', bucket: BUCKET, key: 'q3.csv', eventName }),
    viewOf(spec),
  );
  const evaluations: NeedEvaluation[] = request.needs.map((need) => ({
    need,
    result: authorize(buildAuthorizationInput(request, need, facts)),
  }));
  return { request, facts, evaluations };
}

const world = (roleStatements: Stmt[], bucketPolicy: Stmt[] | null = null, caller = A): WorldSpec => ({
  roles: [{ account: caller, name: 'AppRole', statements: roleStatements }],
  buckets: { [BUCKET]: { account: A, policy: bucketPolicy, objects: { 'q3.csv': {} } } },
});

const denyRead: Stmt = {
  Sid: 'DenyRead',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
};

describe('viewLayer: whether a layer denies the request, passes it, takes no part, or cannot be read', () => {
  it('an identity policy without an Allow denies (implicitly), and that is certain', () => {
    const { evaluations } = evaluationsIn(world([]));
    const view = viewLayer(evaluations, 'identity-policy');
    expect(view.kind).toBe('deny');
    if (view.kind !== 'deny') return;
    expect(view.explicit).toEqual([]);
    expect(view.implicit.map((h) => h.evaluation.need.resource)).toEqual([OBJECT]);
    expect(view.certain).toBe(true);
  });

  it('an implicit deny is not a denial when the caller says it is not (implicitDenies: false)', () => {
    const { evaluations } = evaluationsIn(world([]));
    const view = viewLayer(evaluations, 'identity-policy', { implicitDenies: false });
    expect(view).toEqual({ kind: 'pass', detail: `identity-policy does not deny s3:GetObject on ${OBJECT}` });
  });

  it('an identity policy that allows passes, saying what it allows', () => {
    const { evaluations } = evaluationsIn(world([read]));
    expect(viewLayer(evaluations, 'identity-policy')).toEqual({
      kind: 'pass',
      detail: `identity-policy allows s3:GetObject on ${OBJECT}`,
    });
  });

  it('a bucket without a policy takes no part', () => {
    const { evaluations } = evaluationsIn(world([read]));
    expect(viewLayer(evaluations, 'bucket-policy')).toEqual({
      kind: 'not-applicable',
      detail: 'bucket-policy takes no part in this request',
    });
    expect(applies(evaluations, 'bucket-policy')).toBe(false);
    expect(applies(evaluations, 'identity-policy')).toBe(true);
  });

  it('a bucket-policy Deny denies explicitly', () => {
    const { evaluations } = evaluationsIn(world([read], [denyRead]));
    const view = viewLayer(evaluations, 'bucket-policy');
    expect(view.kind).toBe('deny');
    if (view.kind !== 'deny') return;
    expect(view.explicit).toHaveLength(1);
    expect(view.certain).toBe(true);
    expect(explicitlyDeniedBy(evaluations, 'bucket-policy')).toHaveLength(1);
    expect(deniedBy(evaluations, 'bucket-policy')).toHaveLength(1);
    expect(deniedBy(evaluations, 'identity-policy')).toHaveLength(0);
  });

  it('a layer that gives no allow while the request is allowed anyway does not deny it', () => {
    // same account: the identity policy grants; a bucket policy for someone else gives no allow, and need not
    const other: Stmt = { ...read, Sid: 'Other', Principal: { AWS: roleArn(B, 'Partner') } };
    const { evaluations } = evaluationsIn(world([read], [other]));
    expect(evaluations[0]!.result.decision).toBe('allowed');
    expect(viewLayer(evaluations, 'bucket-policy')).toEqual({
      kind: 'pass',
      detail: `bucket-policy does not deny s3:GetObject on ${OBJECT}`,
    });
  });

  it('a layer that could not be read is unknown, with what is missing', () => {
    const { evaluations } = evaluationsIn(world([read]));
    const unknownLayer: LayerResult = {
      layer: 'bucket-policy',
      result: 'unknown',
      policies: [],
      missing: ['bucket policy of reports-bucket', 'bucket policy of reports-bucket'],
    };
    const withUnknown = evaluations.map((e) => ({
      ...e,
      result: {
        ...e.result,
        layers: e.result.layers.map((l) => (l.layer === 'bucket-policy' ? unknownLayer : l)),
      },
    }));
    const view = viewLayer(withUnknown, 'bucket-policy');
    expect(view).toEqual({
      kind: 'unknown',
      unknown: unknownIn(withUnknown, 'bucket-policy'),
      missing: ['bucket policy of reports-bucket'],
    });
  });

  it('only an implicit deny on a request whose decision is unknown is not certain', () => {
    const { evaluations } = evaluationsIn(world([]));
    const undecided = evaluations.map((e) => ({
      ...e,
      result: { ...e.result, decision: 'unknown' as const },
    }));
    const view = viewLayer(undecided, 'identity-policy');
    expect(view.kind === 'deny' && view.certain).toBe(false);
  });

  it('reads KMS needs only when asked (kms: true), S3 needs otherwise', () => {
    const { evaluations } = evaluationsIn(world([]));
    const asKms = evaluations.map((e) => ({ ...e, need: { ...e.need, action: 'kms:Decrypt' } }));
    expect(viewLayer(asKms, 'identity-policy').kind).toBe('not-applicable');
    expect(viewLayer(asKms, 'identity-policy', { kms: true }).kind).toBe('deny');
    expect(viewLayer(evaluations, 'identity-policy', { kms: true }).kind).toBe('not-applicable');
  });

  it('describes each action on each resource once', () => {
    const { evaluations } = evaluationsIn(world([]));
    expect(describeNeeds([...evaluations, ...evaluations])).toBe(`s3:GetObject on ${OBJECT}`);
    const two = [
      ...evaluations,
      { ...evaluations[0]!, need: { ...evaluations[0]!.need, action: 's3:GetObjectVersion' } },
    ];
    expect(describeNeeds(two)).toBe(`s3:GetObject on ${OBJECT}, s3:GetObjectVersion on ${OBJECT}`);
  });
});

describe('evidence', () => {
  it('a Deny statement is named by its Sid and its policy, with why it matched and on what', () => {
    const { evaluations } = evaluationsIn(world([read], [denyRead]));
    const hits = explicitlyDeniedBy(evaluations, 'bucket-policy');
    const evidence = denyEvidence([...hits, ...hits], 'bucket-policy');
    expect(evidence).toHaveLength(1);
    expect(evidence[0]).toMatchObject({ layer: 'bucket-policy', statement: 'DenyRead' });
    expect(evidence[0]!.detail).toContain(OBJECT);
  });

  it('a statement without a Sid is named by its position (#n)', () => {
    expect(statementLabel({ sid: null, index: 3 })).toBe('#3');
    expect(statementLabel({ sid: 'DenyRead', index: 3 })).toBe('DenyRead');
  });

  it('no Allow: the layer does not allow the action on the resource, and the statements that almost matched', () => {
    const nearly: Stmt = {
      Sid: 'ReadOtherBucket',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::other/*',
    };
    const { evaluations } = evaluationsIn(world([nearly]));
    const hits = deniedBy(evaluations, 'identity-policy');
    const evidence = noAllowEvidence([...hits, ...hits], 'identity-policy');
    expect(evidence[0]).toEqual({
      layer: 'identity-policy',
      policy: 'AppRole-inline',
      detail: `no statement of the identity-based policies allows s3:GetObject (s3:GetObject on ${OBJECT})`,
    });
    expect(evidence[1]).toMatchObject({
      layer: 'identity-policy',
      statement: 'ReadOtherBucket',
      policy: 'AppRole-inline',
    });
    expect(evidence[1]!.detail).toMatch(/^allows s3:GetObject but does not match: /);
    expect(evidence).toHaveLength(2);
  });

  it('a layer decided by a rule rather than a statement is described by its note, with the need', () => {
    const { evaluations } = evaluationsIn(world([]));
    const h = {
      evaluation: evaluations[0]!,
      layer: {
        layer: 'acl' as const,
        result: 'explicitly-denied' as const,
        policies: [],
        note: 'the object ACL grants nothing to this account',
      },
    };
    expect(layerEvidence(h, 'acl')).toEqual({
      layer: 'acl',
      detail: `the object ACL grants nothing to this account (s3:GetObject on ${OBJECT})`,
    });
    expect(denyEvidence([h], 'acl')).toEqual([layerEvidence(h, 'acl')]);
    const plain = (result: LayerResult['result']) =>
      layerEvidence({ ...h, layer: { layer: 'acl', result, policies: [] } }, 'acl').detail;
    expect(plain('explicitly-denied')).toBe(`acl explicitly denies s3:GetObject on ${OBJECT}`);
    expect(plain('unknown')).toBe(`acl could not be evaluated for s3:GetObject on ${OBJECT}`);
    expect(plain('allowed')).toBe(`acl allowed: s3:GetObject on ${OBJECT}`);
  });

  it('what could not be read: the missing facts once each, else the layer note, else the layer', () => {
    const { evaluations } = evaluationsIn(world([]));
    const e = evaluations[0]!;
    const hit = (layer: Partial<LayerResult>) => ({
      evaluation: e,
      layer: { layer: 'acl' as const, result: 'unknown' as const, policies: [], ...layer },
    });
    expect(
      missingOf([hit({ missing: ['object ACL'] }), hit({ missing: ['object ACL', 'bucket ACL'] })]),
    ).toEqual(['object ACL', 'bucket ACL']);
    expect(missingOf([hit({ note: 'no ACL read' })])).toEqual(['no ACL read']);
    expect(missingOf([hit({})])).toEqual(['acl could not be evaluated']);
  });

  it("a statement's detail adds the conditions that did not match, unless it already says them", () => {
    const cond = (detail: string, result: boolean) => ({
      operator: 'StringEquals',
      key: 'k',
      requestValues: null,
      policyValues: [],
      result,
      detail,
    });
    const st = (detail: string, conditions: ReturnType<typeof cond>[]): StatementTrace => ({
      index: 2,
      sid: null,
      effect: 'Deny',
      actionMatched: true,
      resourceMatched: true,
      conditions,
      matched: true,
      detail,
    });
    expect(statementDetail(st('Deny applies', [cond('k is v', false), cond('j is w', true)]))).toBe(
      'Deny applies; k is v',
    );
    expect(statementDetail(st('Deny applies', [cond('j is w', true)]))).toBe('Deny applies; j is w');
    expect(statementDetail(st('Deny applies because k is v', [cond('k is v', false)]))).toBe(
      'Deny applies because k is v',
    );
    expect(statementDetail(st('Deny applies', []))).toBe('Deny applies');
    expect(statementDetail(st('', [cond('k is v', true), cond('', true)]))).toBe('k is v');
    expect(statementDetail(st('', []))).toBe('Deny statement #2 matched');
  });
});

describe('finding the policy a trace names', () => {
  const p = (name: string, arn?: string): NamedPolicy => ({
    name,
    source: 'identity-managed',
    document: {},
    ...(arn ? { arn } : {}),
  });

  it('by ARN when both have one, else by name', () => {
    const a = p('Read', 'arn:aws:iam::111122223333:policy/Read');
    const b = p('Read', 'arn:aws:iam::111122223333:policy/team/Read');
    expect(
      findPolicy([a, b], {
        name: 'Read',
        arn: 'arn:aws:iam::111122223333:policy/team/Read',
        source: 'identity-managed',
      }),
    ).toBe(b);
    expect(findPolicy([a, b], { name: 'Read', source: 'identity-managed' })).toBe(a);
    expect(findPolicy([p('Read')], { name: 'Read', arn: 'arn:x', source: 'identity-managed' })).toEqual(
      p('Read'),
    );
    expect(findPolicy([a], { name: 'Write', source: 'identity-managed' })).toBeNull();
    expect(findPolicy([a], { name: 'Read', arn: 'arn:other', source: 'identity-managed' })).toBeNull();
  });

  it('an organization policy by the level it is attached to', () => {
    const scp = (name: string): NamedPolicy => ({ name, source: 'scp', document: {} });
    const levels: OrgLevel[] = [
      { target: 'r-ab12', policies: [scp('FullAWSAccess')] },
      { target: OU_A, policies: [scp('FullAWSAccess'), scp('DenyReports')] },
      { target: A, policies: [] },
    ];
    expect(findOrgPolicy(levels, { name: 'DenyReports', source: 'scp' })).toEqual({
      level: levels[1],
      levelIndex: 1,
      policy: levels[1]!.policies[1],
    });
    // the engine names a level without a matching policy by its target
    expect(findOrgPolicy(levels, { name: `SCPs at ${OU_A}`, source: 'scp' })).toEqual({
      level: levels[1],
      levelIndex: 1,
      policy: levels[1]!.policies[0],
    });
    expect(findOrgPolicy(levels, { name: A, source: 'scp' })).toEqual({
      level: levels[2],
      levelIndex: 2,
      policy: null,
    });
    expect(findOrgPolicy(levels, { name: 'nothing', source: 'scp' })).toBeNull();
  });

  it('the levels of a kind, none when not known', () => {
    const { facts } = evaluationsIn(world([]));
    expect(orgLevels(facts, 'scp').length).toBeGreaterThan(0);
    expect(orgLevels({ ...facts, scpLevels: known(null) } as RequestFacts, 'scp')).toEqual([]);
    expect(
      orgLevels(
        { ...facts, rcpLevels: { status: 'unknown', reason: 'notCollected' } } as RequestFacts,
        'rcp',
      ),
    ).toEqual([]);
  });
});

describe('orgTarget: the SCP or RCP a fix patches, and how', () => {
  it('an SCP that is not found becomes a new policy, attached to the level that lacked an Allow', () => {
    const { facts } = evaluationsIn(world([]));
    const levels = orgLevels(facts, 'scp');
    const t = orgTarget(facts, 'scp', { name: `at ${levels[1]!.target}`, source: 'scp' });
    expect(t.principalElement).toBe(false);
    expect(t.fallback).toEqual({ name: 's3-403-fix-scp', source: 'scp' });
    expect(t.commands[0]).toContain('describe-policy');
    const none = orgTarget(facts, 'rcp', null);
    expect(none.policy).toBeNull();
    expect(none.principalElement).toBe(true);
    expect(none.commands).toEqual([
      "aws organizations create-policy --type RESOURCE_CONTROL_POLICY --name s3-403-fix-rcp --description 's3-403 fix' --content file://rcp.json",
      'aws organizations attach-policy --policy-id NEW_POLICY_ID --target-id TARGET_ID',
    ]);
  });
});

describe('soleUndecidedDeny: the one Deny that may match where a layer could not be decided', () => {
  const deny = (index: number, sid: string): StatementTrace => officeOnlyDeny('unknown', { index, sid });
  const policy = (name: string, statements: StatementTrace[], decision: 'unknown' | 'none' = 'unknown') => ({
    policy: { name, source: 'identity-inline' as const },
    decision,
    statements,
  });
  const evaluation = (...policies: ReturnType<typeof policy>[]): NeedEvaluation =>
    ({
      need: { action: 's3:GetObject', resource: OBJECT },
      result: {
        decision: 'unknown',
        layers: [{ layer: 'identity-policy', result: 'unknown', policies, note: '', missing: [] }],
      },
    }) as unknown as NeedEvaluation;

  it('names the one candidate', () => {
    const found = soleUndecidedDeny([evaluation(policy('P', [deny(2, 'OfficeOnly')]))], ['identity-policy']);
    expect(found?.statement.sid).toBe('OfficeOnly');
    expect(found?.layer).toBe('identity-policy');
  });
  it('none when another policy of the layer could not be read: it may hold the Deny itself', () => {
    const unreadable = policy('Broken', []);
    expect(
      soleUndecidedDeny([evaluation(policy('P', [deny(2, 'OfficeOnly')]), unreadable)], ['identity-policy']),
    ).toBeNull();
  });
  it('none for two candidates, nor when the message names another policy', () => {
    expect(
      soleUndecidedDeny([evaluation(policy('P', [deny(2, 'A'), deny(3, 'B')]))], ['identity-policy']),
    ).toBeNull();
    expect(
      soleUndecidedDeny(
        [evaluation(policy('P', [deny(2, 'OfficeOnly')]))],
        ['identity-policy'],
        'arn:aws:iam::111122223333:policy/Other',
      ),
    ).toBeNull();
  });
});
