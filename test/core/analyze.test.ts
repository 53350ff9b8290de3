/**
 * analyze(): every need evaluated once, every checker run (a throwing one becomes an `unknown` check),
 * causes ranked, the verdict honest, and AWS's own message compared with the evaluation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, failedFinding, messageCauses, toFindingRequest } from '../../lambdas/core/analyze';
import { CHECKERS } from '../../lambdas/core/checkers';
import { parseEnhancedMessage, readDenials } from '../../lambdas/core/event';
import { ROOT_CAUSE_IDS } from '../../lambdas/core/model';
import { emptyView, explain, requestOf, scenarioEvent, unreadableRecord } from './checkers/helpers';
import { CORPUS_DIR } from '../fixtures/corpus';

const ids = (f: { rootCauses: readonly { id: string }[] }) => f.rootCauses.map((c) => c.id);

describe('analyze', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reports one check per checker, including the layers that passed', () => {
    const { finding } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'));
    expect(finding.checks.map((c) => c.layer).sort()).toEqual([...ROOT_CAUSE_IDS].sort());
    expect(finding.checks.find((c) => c.layer === 'bucket-policy-explicit-deny')?.status).toBe('pass');
    expect(finding.checks.find((c) => c.layer === 'vpc-endpoint-policy')?.status).toBe('not-applicable');
  });

  it('turns a checker that throws into an unknown check carrying the error, and still returns the finding', () => {
    const target = CHECKERS.find((c) => c.id === 'scp-deny')!;
    jest.spyOn(target, 'check').mockImplementation(() => {
      throw new Error('boom in scp');
    });
    const { finding } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'));
    const check = finding.checks.find((c) => c.layer === 'scp-deny');
    expect(check?.status).toBe('unknown');
    expect(check?.missing?.join(' ')).toContain('boom in scp');
    expect(check?.detail).toBe('the scp-deny checker failed: boom in scp');
    expect(finding.error).toBeUndefined();
    expect(ids(finding)[0]).toBe('identity-policy-no-allow');
  });

  it('a checker that throws without a message is still named, with "unknown error" rather than an empty reason', () => {
    const target = CHECKERS.find((c) => c.id === 'scp-deny')!;
    jest.spyOn(target, 'check').mockImplementation(() => {
      throw new Error('');
    });
    const { finding } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'));
    expect(finding.checks.find((c) => c.layer === 'scp-deny')).toMatchObject({
      status: 'unknown',
      detail: 'the scp-deny checker failed: unknown error',
      missing: ['checker error: unknown error'],
    });
  });

  it('ranks an explicit deny above an implicit one (bucket policy Deny before the boundary that lacks an Allow)', () => {
    const event = scenarioEvent("BoundedRole's read-only boundary blocks PutObject");
    const detail = event as {
      eventName: string;
      requestParameters: Record<string, unknown>;
      resources: { ARN: string }[];
      eventID: string;
    };
    detail.eventName = 'DeleteObject';
    detail.eventID = 'aaaaaaaa-0000-4000-8000-000000000001';
    detail['errorMessage' as keyof typeof detail] = 'Access Denied' as never;
    const { finding } = explain(event);
    expect(ids(finding).slice(0, 2)).toEqual(['bucket-policy-explicit-deny', 'permissions-boundary']);
    const boundary = finding.rootCauses.find((c) => c.id === 'permissions-boundary')!;
    // fixing the boundary alone is verified on its layer, and the Deny is named as what still denies
    expect(boundary.fix.verified).toBe(true);
    expect(boundary.fix.stillDeniedBy).toEqual(expect.arrayContaining(['bucket-policy (explicit deny)']));
  });

  it('ranks the specific resource-arn-mismatch above the identity-policy-no-allow it implies', () => {
    const { finding } = explain(
      scenarioEvent('AnalyticsRead allows s3:ListBucket on bucket/* instead of the bucket ARN'),
    );
    expect(ids(finding).slice(0, 2)).toEqual(['resource-arn-mismatch', 'identity-policy-no-allow']);
  });

  it('states agreement with an enhanced message that names the denying layer', () => {
    const { finding } = explain(scenarioEvent('AppRole reads a report from outside the office network'));
    expect(finding.awsMessage).toMatchObject({
      kind: 'explicit-deny',
      policyType: 'resource-based policy',
      agreesWithEvaluation: true,
    });
  });

  it('states a disagreement, downgrades its own causes to likely and adds the cause AWS names', () => {
    const event = scenarioEvent('NoS3Role has no S3 permissions at all') as Record<string, unknown>;
    event['errorMessage'] =
      'User: arn:aws:sts::111122223333:assumed-role/NoS3Role/i-0abc is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::reports-bucket/reports/q3.csv" with an explicit deny in a service control policy';
    const { finding } = explain(event);
    expect(finding.awsMessage.agreesWithEvaluation).toBe(false);
    expect(finding.awsMessage.note).toMatch(/Disagreement/);
    expect(finding.rootCauses.every((c) => c.confidence !== 'confirmed')).toBe(true);
    expect(ids(finding)).toEqual(expect.arrayContaining(['identity-policy-no-allow', 'scp-deny']));
    expect(finding.verdict).toBe('partially-explained');
  });

  it('takes a cause from the message alone, as likely, when the layer could not be read', () => {
    const { finding } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'), emptyView);
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'likely' });
    expect(finding.awsMessage.agreesWithEvaluation).toBeNull();
    expect(finding.verdict).toBe('partially-explained');
    expect(finding.rootCauses.slice(1).every((c) => c.confidence === 'possible')).toBe(true);
  });

  it('lists unreadable layers as possible causes only when nothing is confirmed', () => {
    const { finding } = explain(scenarioEvent("alice's group only covers dev/ objects"));
    expect(finding.rootCauses.some((c) => c.confidence === 'possible')).toBe(false);
  });

  it('explains an operation missing from the action table from the message alone, without claiming disagreement', () => {
    const event = scenarioEvent('NoS3Role has no S3 permissions at all');
    event['eventName'] = 'FrobnicateObject';
    const { finding } = explain(event);
    expect(finding.request.mapped).toBe(false);
    expect(finding.error).toBeUndefined();
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'likely' });
    expect(finding.awsMessage.agreesWithEvaluation).toBeNull();
  });

  it('is unexplained, with no cause, when every layer allows the request', () => {
    const { finding } = explain(scenarioEvent('ruled out: carol may list, so S3 would have said 404'));
    expect(finding.verdict).toBe('unexplained');
    expect(finding.rootCauses).toEqual([]);
    expect(finding.awsMessage.note).toMatch(/allows this request/);
  });
});

describe('messageCauses', () => {
  it.each([
    ['with an explicit deny in a service control policy', 'scp-deny'],
    ['with an explicit deny in a resource control policy', 'rcp-deny'],
    ['because no permissions boundary allows the s3:GetObject action', 'permissions-boundary'],
    ['because no session policy allows the s3:GetObject action', 'session-policy'],
    ['with an explicit deny in a VPC endpoint policy', 'vpc-endpoint-policy'],
    ['with an explicit deny in an identity-based policy', 'identity-policy-explicit-deny'],
    ['because no identity-based policy allows the s3:GetObject action', 'identity-policy-no-allow'],
    ['with an explicit deny in a resource-based policy', 'bucket-policy-explicit-deny'],
  ])('maps "%s" (docs/reference/ENHANCED-MESSAGES.md) to %s first', (context, id) => {
    const msg = parseEnhancedMessage(
      'AccessDenied',
      `User: arn:aws:iam::111122223333:user/u is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" ${context}`,
    );
    expect(messageCauses(msg)[0]).toBe(id);
  });

  it('names nothing for the generic "Access Denied"', () => {
    expect(messageCauses(parseEnhancedMessage('AccessDenied', 'Access Denied'))).toEqual([]);
  });
});

describe('failedFinding and toFindingRequest', () => {
  const request = requestOf(scenarioEvent('NoS3Role has no S3 permissions at all'));

  it('keeps the request intact and states the error, unexplained', () => {
    const f = failedFinding(request, new Error('snapshot exploded'));
    expect(f).toMatchObject({
      eventId: request.eventId,
      verdict: 'unexplained',
      rootCauses: [],
      error: 'snapshot exploded',
    });
    expect(f.request).toEqual(toFindingRequest(request));
  });

  it('analyze never throws: broken facts give a failed finding', () => {
    const f = analyze(request, { ...emptyView.gatherSync(request), buckets: unreadableRecord });
    expect(f.error).toEqual(expect.any(String));
    expect(f.error).not.toMatch(/^analysis failed/i); // renderers add their own label
    expect(f.request.eventName).toBe('GetObject');
  });

  it('maps the contract request fields', () => {
    expect(toFindingRequest(request)).toEqual({
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::reports-bucket/reports/q3.csv'],
      bucket: 'reports-bucket',
      key: 'reports/q3.csv',
      bucketAccountId: '111122223333',
      crossAccount: false,
      principal: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/NoS3Role/i-0abc',
        identityArn: 'arn:aws:iam::111122223333:role/NoS3Role',
        accountId: '111122223333',
        sessionName: 'i-0abc',
        principalId: 'AROANOS3ROLE00000003:i-0abc',
      },
      sourceIp: '203.0.113.25',
      vpcEndpointId: null,
      accessPointArn: null,
      secureTransport: true,
      errorCode: 'AccessDenied',
      errorMessage: request.errorMessage,
      mapped: true,
    });
  });
});

describe('the real corpus against an empty snapshot', () => {
  const dir = CORPUS_DIR;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const denials = files.flatMap((f) =>
    readDenials(readFileSync(join(dir, f), 'utf8'), f).map((r) => [f, r] as const),
  );

  it('holds denials to explain', () => {
    expect(denials.length).toBeGreaterThan(5);
  });

  it.each(denials)('%s is explained without error and never confirmed from nothing', (_f, request) => {
    const finding = analyze(request, emptyView.gatherSync(request));
    expect(finding.error).toBeUndefined();
    // only a decisive error code confirms without facts: it names the cause from the record itself
    const code = request.evidence!.errorCode;
    const fromRecord = code.decisive ? code.pointsAt : [];
    expect(finding.rootCauses.filter((c) => c.confidence === 'confirmed').map((c) => c.id)).toEqual(
      fromRecord,
    );
    if (!code.decisive) expect(finding.verdict).not.toBe('explained');
    expect(finding.checks).toHaveLength(ROOT_CAUSE_IDS.length);
    expect(finding.checks.some((c) => c.status === 'unknown')).toBe(true);
  });
});
