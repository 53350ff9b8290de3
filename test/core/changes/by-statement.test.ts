/**
 * What changed, by statement (issue 13 item 4): a change is blamed only when it added or altered the statement
 * (or the setting) that denies. A PutBucketPolicy that added DenyNonOfficeIPs is not the start of a denial by
 * DenyDeleteExceptAdmin, which was already there; then the finding says the denying statement predates the
 * changes found. Statement identity: Sid, else the statement's content (canonical JSON).
 * Uses the example organization (examples/snapshot.json) and its recentChanges (two PutBucketPolicy events).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainRequest } from '../../../lambdas/adapters/explain';
import { loadSnapshot, SnapshotView } from '../../../lambdas/adapters/snapshot';
import { explainChange, attachChanges } from '../../../lambdas/core/changes';
import { causeStatements, documentVerdict } from '../../../lambdas/core/changes/statements';
import { readDenials, toAccessRequest } from '../../../lambdas/core/event';
import {
  known,
  type AccessRequest,
  type ChangeRecord,
  type Finding,
  type RequestFacts,
  type RootCause,
} from '../../../lambdas/core/model';

const ROOT = join(__dirname, '../../..');
const snapshotText = readFileSync(join(ROOT, 'examples/snapshot.json'), 'utf8');
const view = new SnapshotView(loadSnapshot(snapshotText, 'snapshot.json'));
const exampleRecord = (): Record<string, unknown> => {
  const text = readFileSync(join(ROOT, 'examples/events/bucket-policy-explicit-deny.json'), 'utf8');
  const [r] = readDenials(text, 'bucket-policy-explicit-deny.json');
  return { ...r!.raw };
};

/** AppRole deletes a report from the office network: only DenyDeleteExceptAdmin denies in the bucket policy. */
function officeDelete(): AccessRequest {
  const r = exampleRecord();
  return toAccessRequest({
    ...r,
    eventName: 'DeleteObject',
    sourceIPAddress: '203.0.113.25',
    errorMessage: 'Access Denied',
    readOnly: false,
  });
}

const bucketCause = (f: Finding): RootCause | undefined =>
  f.rootCauses.find((c) => c.id === 'bucket-policy-explicit-deny');

describe('the example organization: two PutBucketPolicy events in the window', () => {
  it('a denial by DenyNonOfficeIPs is blamed on the PutBucketPolicy that added it', async () => {
    const [r] = readDenials(
      readFileSync(join(ROOT, 'examples/events/bucket-policy-explicit-deny.json'), 'utf8'),
      'e.json',
    );
    const cause = bucketCause(await explainRequest(r!, view));
    expect(cause?.change).toMatchObject({
      eventName: 'PutBucketPolicy',
      eventTime: '2026-11-20T08:12:31Z',
      relation: 'added',
      statements: ['DenyNonOfficeIPs'],
    });
    expect(cause?.change?.summary).toMatch(
      /^started after .*bob ran PutBucketPolicy .*: it added statement "DenyNonOfficeIPs"$/,
    );
    expect(cause?.changeNote).toBeUndefined();
  });

  it('a denial by DenyDeleteExceptAdmin is NOT blamed on the PutBucketPolicy that added DenyNonOfficeIPs', async () => {
    const f = await explainRequest(officeDelete(), view);
    const cause = bucketCause(f);
    expect(cause?.evidence.map((e) => e.statement)).toEqual(['DenyDeleteExceptAdmin']);
    // The 2026-11-16 PutBucketPolicy set a policy that already held it; the policy before that one is older than
    // the window, so whether it added the statement is not known: named only as "may have started".
    expect(cause?.change?.eventTime).not.toBe('2026-11-20T08:12:31Z');
    expect(cause?.change).toMatchObject({ eventTime: '2026-11-16T09:30:00Z', relation: 'unverified' });
    expect(cause?.change?.summary).toMatch(/^may have started after .*alice ran PutBucketPolicy/);
    expect(cause?.change?.summary).toContain('the policy it set contains "DenyDeleteExceptAdmin"');
  });

  it('with only the change that added DenyNonOfficeIPs in the window, it is at most "may have started" for DenyDeleteExceptAdmin', async () => {
    const snap = JSON.parse(snapshotText) as { recentChanges: unknown[] };
    const only = new SnapshotView(
      loadSnapshot(JSON.stringify({ ...snap, recentChanges: snap.recentChanges.slice(1) }), 's.json'),
    );
    const cause = bucketCause(await explainRequest(officeDelete(), only));
    // The version before it is not known, so whether it added DenyDeleteExceptAdmin is not known either.
    expect(cause?.change).toMatchObject({ eventTime: '2026-11-20T08:12:31Z', relation: 'unverified' });
    expect(cause?.change?.summary).toContain('the policy it set contains "DenyDeleteExceptAdmin"');
  });

  it('when the earlier policy (older than the window) already held DenyDeleteExceptAdmin, it predates every change found', async () => {
    const snap = JSON.parse(snapshotText) as { recentChanges: Record<string, unknown>[] };
    const [older, newer] = snap.recentChanges;
    const t = '2026-10-01T09:30:00Z';
    const moved = {
      ...older,
      EventTime: t,
      CloudTrailEvent: String(older?.['CloudTrailEvent']).replace(
        /"eventTime": ?"[^"]+"/,
        `"eventTime": "${t}"`,
      ),
    };
    const history = new SnapshotView(
      loadSnapshot(JSON.stringify({ ...snap, recentChanges: [moved, newer] }), 's.json'),
    );
    const cause = bucketCause(await explainRequest(officeDelete(), history));
    expect(cause?.change).toBeNull();
    expect(cause?.changeNote).toBe(
      'the denying statement "DenyDeleteExceptAdmin" predates every change found in the last 7 days (PutBucketPolicy by arn:aws:iam::111122223333:user/bob at 2026-11-20T08:12:31Z did not add or alter it)',
    );
    // The same history still blames the change that added DenyNonOfficeIPs for a denial by that statement.
    const [r] = readDenials(
      readFileSync(join(ROOT, 'examples/events/bucket-policy-explicit-deny.json'), 'utf8'),
      'e.json',
    );
    expect(bucketCause(await explainRequest(r!, history))?.change).toMatchObject({ relation: 'added' });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Unit cases: documents, settings, attach/detach, content identity.
// ---------------------------------------------------------------------------------------------------------------

const ACCOUNT = '111122223333';
const deny = (sid: string | undefined, extra: Record<string, unknown> = {}) => ({
  ...(sid ? { Sid: sid } : {}),
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:DeleteObject',
  Resource: 'arn:aws:s3:::b/*',
  ...extra,
});
const allow = {
  Sid: 'Read',
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::b/*',
};

function change(
  eventName: string,
  eventTime: string,
  requestParameters: Record<string, unknown>,
): ChangeRecord {
  return {
    eventId: `${eventName}-${eventTime}`,
    eventName,
    eventTime,
    username: 'bob',
    resources: [],
    record: {
      eventName,
      eventTime,
      userIdentity: { arn: `arn:aws:iam::${ACCOUNT}:user/bob` },
      requestParameters,
    },
  };
}

function facts(policy: unknown, over: Partial<RequestFacts> = {}): RequestFacts {
  return {
    principal: null,
    principalOrganization: known(null),
    resourceOrganization: known(null),
    buckets: {
      b: known({
        name: 'b',
        accountId: known(ACCOUNT),
        region: known('us-east-1'),
        policy: known({ name: 'bucket-policy', source: 'bucket-policy', document: policy }),
        publicAccessBlock: known(null),
        ownership: known(null),
        encryption: known(null),
        acl: known({ Grants: [] }),
        objects: {},
      }),
    },
    accountPublicAccessBlock: {},
    scpLevels: known(null),
    rcpLevels: known(null),
    vpcEndpoint: null,
    accessPoint: null,
    kmsKeys: {},
    sessionPolicy: null,
    recentChanges: known([]),
    ...over,
  };
}

const request = (): AccessRequest =>
  toAccessRequest({
    eventVersion: '1.10',
    eventSource: 's3.amazonaws.com',
    eventName: 'DeleteObject',
    eventTime: '2026-11-20T10:00:00Z',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    errorCode: 'AccessDenied',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/u`, accountId: ACCOUNT },
    requestParameters: { bucketName: 'b', key: 'k' },
    recipientAccountId: ACCOUNT,
  });

function cause(id: RootCause['id'], statement?: string, policy = 'bucket-policy', extra = {}): RootCause {
  return {
    id,
    confidence: 'confirmed',
    title: 't',
    explanation: 'e',
    evidence: statement ? [{ layer: 'bucket-policy', statement, policy, detail: 'd' }] : [],
    fix: { summary: 's', commands: [], verified: false },
    change: null,
    ...extra,
  };
}

const putPolicy = (t: string, statements: unknown[]) =>
  change('PutBucketPolicy', t, { bucketName: 'b', bucketPolicy: { Statement: statements } });

describe('documents: added, altered, unchanged, unverified', () => {
  it('blames the change that altered the denying statement (same Sid, new content)', () => {
    const changes = [
      putPolicy('2026-11-19T08:00:00Z', [deny('D')]),
      putPolicy('2026-11-20T08:00:00Z', [deny('D', { Action: 's3:*' })]),
      putPolicy('2026-11-20T09:00:00Z', [deny('D', { Action: 's3:*' }), allow]),
    ];
    const v = explainChange(
      cause('bucket-policy-explicit-deny', 'D'),
      request(),
      facts({ Statement: [deny('D', { Action: 's3:*' })] }),
      changes,
    );
    expect(v.change).toMatchObject({
      eventTime: '2026-11-20T08:00:00Z',
      relation: 'altered',
      statements: ['D'],
    });
    expect(v.change?.summary).toContain('it changed statement "D"');
  });

  it('identifies a statement without Sid by its content (key order does not count)', () => {
    const current = deny(undefined);
    const reordered = { Resource: current.Resource, Action: current.Action, Principal: '*', Effect: 'Deny' };
    const changes = [
      putPolicy('2026-11-19T08:00:00Z', [allow]),
      putPolicy('2026-11-20T08:00:00Z', [allow, reordered]),
      putPolicy('2026-11-20T09:00:00Z', [reordered, allow]),
    ];
    // "#1": the first statement, 1-based as the evidence labels it
    const v = explainChange(
      cause('bucket-policy-explicit-deny', '#1'),
      request(),
      facts({ Statement: [current, allow] }),
      changes,
    );
    expect(v.change).toMatchObject({
      eventTime: '2026-11-20T08:00:00Z',
      relation: 'added',
      statements: ['#1'],
    });
  });

  it('a DeleteBucketPolicy in between means the next policy added everything it holds', () => {
    const changes = [
      putPolicy('2026-11-18T08:00:00Z', [deny('D')]),
      change('DeleteBucketPolicy', '2026-11-19T08:00:00Z', { bucketName: 'b' }),
      putPolicy('2026-11-20T08:00:00Z', [deny('D')]),
    ];
    const v = explainChange(
      cause('bucket-policy-explicit-deny', 'D'),
      request(),
      facts({ Statement: [deny('D')] }),
      changes,
    );
    expect(v.change).toMatchObject({
      eventName: 'PutBucketPolicy',
      eventTime: '2026-11-20T08:00:00Z',
      relation: 'added',
    });
  });

  it('a change whose document CloudTrail did not record is only "may have started"', () => {
    const changes = [change('PutBucketPolicy', '2026-11-20T08:00:00Z', { bucketName: 'b' })];
    const v = explainChange(
      cause('bucket-policy-explicit-deny', 'D'),
      request(),
      facts({ Statement: [deny('D')] }),
      changes,
    );
    expect(v.change?.relation).toBe('unverified');
    expect(v.change?.summary).toMatch(
      /^may have started after .* \(CloudTrail did not record the document it set/,
    );
  });

  it('no change to the layer in the window: the note says the statement predates the window', () => {
    const v = explainChange(
      cause('bucket-policy-explicit-deny', 'D'),
      request(),
      facts({ Statement: [deny('D')] }),
      [],
    );
    expect(v).toEqual({
      change: null,
      note: 'no change to this layer was found in the last 7 days: the denying statement "D" predates the window',
    });
  });

  it('an implicit deny (no Allow) is blamed on the change that removed the Allow, not on one that only added', () => {
    const changes = [
      putPolicy('2026-11-18T08:00:00Z', [allow, deny('Other')]),
      putPolicy('2026-11-19T08:00:00Z', [deny('Other')]),
      putPolicy('2026-11-20T08:00:00Z', [deny('Other'), deny('Another')]),
    ];
    const v = explainChange(
      cause('cross-account-no-bucket-grant'),
      request(),
      facts({ Statement: [] }),
      changes,
    );
    expect(v.change).toMatchObject({
      eventTime: '2026-11-19T08:00:00Z',
      relation: 'removed',
      statements: ['Read'],
    });
    expect(v.change?.summary).toContain('it removed access');
  });

  it('documentVerdict: removing a document never adds a Deny', () => {
    const cs = {
      mode: 'deny' as const,
      refs: [{ label: 'D', policy: null, sid: 'D', content: null, effect: 'Deny' as const }],
    };
    expect(documentVerdict(cs, null, { Statement: [deny('D')] }).relation).toBe('unchanged');
  });
});

describe('identity documents and attachments: only the policy that holds the statement', () => {
  const roleFacts = (docs: Record<string, unknown>): RequestFacts =>
    facts(null, {
      principal: known({
        identityArn: `arn:aws:iam::${ACCOUNT}:user/u`,
        accountId: ACCOUNT,
        kind: 'user',
        identityPolicies: [
          { name: 'NoDeletes', source: 'identity-inline', document: docs['NoDeletes'] },
          {
            name: 'Managed',
            arn: `arn:aws:iam::${ACCOUNT}:policy/Managed`,
            source: 'identity-managed',
            document: docs['Managed'],
          },
        ],
        permissionsBoundary: null,
        tags: {},
        groups: [],
      }),
    });
  const idCause = (statement: string, policy: string) => ({
    ...cause('identity-policy-explicit-deny'),
    evidence: [{ layer: 'identity-policy', statement, policy, detail: 'd' }],
  });

  it('a PutUserPolicy on another inline policy is not blamed; the one on the denying policy is', () => {
    const changes = [
      change('PutUserPolicy', '2026-11-20T07:00:00Z', {
        userName: 'u',
        policyName: 'NoDeletes',
        policyDocument: JSON.stringify({ Statement: [deny('D')] }),
      }),
      change('PutUserPolicy', '2026-11-20T08:00:00Z', {
        userName: 'u',
        policyName: 'Unrelated',
        policyDocument: JSON.stringify({ Statement: [deny('D')] }),
      }),
    ];
    const v = explainChange(
      idCause('D', 'NoDeletes'),
      request(),
      roleFacts({ NoDeletes: { Statement: [deny('D')] } }),
      changes,
    );
    expect(v.change?.eventTime).toBe('2026-11-20T07:00:00Z');
  });

  it('attaching the managed policy that holds the Deny is blamed ("added"); attaching another is not', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/Managed`;
    const attach = change('AttachUserPolicy', '2026-11-20T07:00:00Z', { userName: 'u', policyArn: arn });
    const other = change('AttachUserPolicy', '2026-11-20T08:00:00Z', {
      userName: 'u',
      policyArn: `arn:aws:iam::${ACCOUNT}:policy/Other`,
    });
    const detach = change('DetachUserPolicy', '2026-11-20T09:00:00Z', {
      userName: 'u',
      policyArn: `arn:aws:iam::${ACCOUNT}:policy/Gone`,
    });
    const v = explainChange(
      idCause('D', arn),
      request(),
      roleFacts({ Managed: { Statement: [deny('D')] } }),
      [attach, other, detach],
    );
    expect(v.change).toMatchObject({ eventName: 'AttachUserPolicy', relation: 'added' });
  });
});

describe('settings: blamed only for turning on the setting that denies', () => {
  const bpaCause = (setting: string) =>
    cause('block-public-access', undefined, 'bucket-policy', {
      title: `Block Public Access stops s3:PutObject on b: ${setting} rejects public ACLs`,
    });
  const pab = (t: string, config: Record<string, boolean>) =>
    change('PutBucketPublicAccessBlock', t, { bucketName: 'b', PublicAccessBlockConfiguration: config });

  it('a PutBucketPublicAccessBlock that turned on BlockPublicAcls is blamed for a BlockPublicAcls denial', () => {
    const changes = [
      pab('2026-11-20T07:00:00Z', { BlockPublicAcls: true, RestrictPublicBuckets: false }),
      pab('2026-11-20T08:00:00Z', { BlockPublicAcls: false, RestrictPublicBuckets: true }),
    ];
    const v = explainChange(bpaCause('BlockPublicAcls'), request(), facts(null), changes);
    // The newest one only turned RestrictPublicBuckets on (and BlockPublicAcls off): not the setting that denies.
    expect(v.change).toMatchObject({ eventTime: '2026-11-20T07:00:00Z', relation: 'setting' });
  });

  it('deleting a Block Public Access configuration never starts a denial', () => {
    const v = explainChange(bpaCause('BlockPublicAcls'), request(), facts(null), [
      change('DeleteBucketPublicAccessBlock', '2026-11-20T07:00:00Z', { bucketName: 'b' }),
    ]);
    expect(v.change).toBeNull();
    expect(v.note).toMatch(/predates every change found/);
  });

  it('Object Ownership: BucketOwnerEnforced is blamed for AccessControlListNotSupported, ObjectWriter is not', () => {
    const aclCause = cause('object-ownership-acl', undefined, 'bucket-policy', {
      title: 'ACLs are disabled on b (Object Ownership BucketOwnerEnforced), and the request set one',
    });
    const own = (t: string, o: string) =>
      change('PutBucketOwnershipControls', t, {
        bucketName: 'b',
        OwnershipControls: { Rule: { ObjectOwnership: o } },
      });
    const v = explainChange(aclCause, request(), facts(null), [
      own('2026-11-20T07:00:00Z', 'BucketOwnerEnforced'),
      own('2026-11-20T08:00:00Z', 'ObjectWriter'),
    ]);
    expect(v.change).toMatchObject({ eventTime: '2026-11-20T07:00:00Z', relation: 'setting' });
    // An object owned by another account is not caused by enforcing ownership (that would fix it).
    const foreign = cause('object-ownership-acl', undefined, 'bucket-policy', {
      title: 's3://b/k is owned by account 444455556666, so the bucket policy cannot grant it',
      explanation: 'an object written by another account without BucketOwnerEnforced stays owned by it',
    });
    const w = explainChange(foreign, request(), facts(null), [
      own('2026-11-20T07:00:00Z', 'BucketOwnerEnforced'),
    ]);
    expect(w.change).toBeNull();
  });
});

describe('attachChanges sets changeNote only when no change is blamed', () => {
  it('fills change and changeNote per cause', () => {
    const finding = {
      rootCauses: [cause('bucket-policy-explicit-deny', 'D'), cause('request-expired-or-invalid')],
    } as unknown as Finding;
    const f = facts({ Statement: [deny('D')] });
    const out = attachChanges(finding, request(), {
      ...f,
      recentChanges: known([
        putPolicy('2026-11-20T07:00:00Z', [allow]),
        putPolicy('2026-11-20T08:00:00Z', [deny('D')]),
        putPolicy('2026-11-20T09:00:00Z', [deny('D'), allow]),
      ]),
    });
    expect(out.rootCauses[0]?.change?.relation).toBe('added');
    expect(out.rootCauses[0]?.changeNote).toBeUndefined();
    // No change event can explain an expired request: neither a change nor a note.
    expect(out.rootCauses[1]?.change).toBeNull();
    expect(out.rootCauses[1]?.changeNote).toBeUndefined();
  });

  it('causeStatements resolves "#index" labels (1-based, as the evidence writes them) to content from the facts', () => {
    const cs = causeStatements(
      cause('bucket-policy-explicit-deny', '#2'),
      facts({ Statement: [allow, deny(undefined)] }),
    );
    expect(cs.mode).toBe('deny');
    expect(cs.refs[0]).toMatchObject({ sid: null, effect: 'Deny', content: deny(undefined) });
  });
});

describe('a service grant whose condition refuses the source is a missing Allow, not a denying statement', () => {
  // The CloudFront OAC grant with aws:SourceArn of another distribution: an Allow that does not apply.
  // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
  it('the example CloudFront denial names the bucket policy of its grant, and its change note speaks of the missing Allow', async () => {
    const [r] = readDenials(
      readFileSync(join(ROOT, 'examples/events/service-principal-grant.json'), 'utf8'),
      'service-principal-grant.json',
    );
    const cause = (await explainRequest(r!, view)).rootCauses.find((c) => c.id === 'service-principal-grant');
    expect(
      cause?.evidence.find((e) => e.statement === 'AllowCloudFrontServicePrincipalReadOnly'),
    ).toMatchObject({
      layer: 'bucket-policy',
      policy: 'arn:aws:s3:::site-bucket',
    });
    expect(cause?.changeNote).toBe(
      'no change to this layer was found in the last 7 days: the missing Allow predates the window',
    );
  });
});
