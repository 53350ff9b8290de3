/**
 * What the finding says about each cause and about the record (docs/CLI.md "Confidence and order of rootCauses",
 * "A possible cause says what settles it", "A value the record only implies"): a layer that could not be read is a
 * possible cause that says what is missing and the read that settles it; a decisive error code confirms its cause,
 * unless the facts read now say that layer allows (then likely); the note says what decided and what was set aside.
 */
import { analyze, analyzeWithEvaluations, failedFinding } from '../../lambdas/core/analyze';
import { CHECKERS } from '../../lambdas/core/checkers';
import { toAccessRequest } from '../../lambdas/core/event/request';
import type { AccessRequest } from '../../lambdas/core/model';
import {
  emptyView,
  exampleView,
  explain,
  exampleViewWith,
  requestOf,
  scenarioEvent,
  unreadableRecord,
  type EditableEvent,
} from './checkers/helpers';

const ids = (f: { rootCauses: readonly { id: string }[] }) => f.rootCauses.map((c) => c.id);

/** The example snapshot with one more inline policy (one statement) on a role of account 111122223333. */
const withRolePolicy = (role: string, name: string, statement: Record<string, unknown>) =>
  exampleViewWith((s) => {
    const roles = s['accounts']['111122223333']['authorizationDetails']['RoleDetailList'] as EditableEvent[];
    const policies = roles.find((r) => r['RoleName'] === role)!['RolePolicyList'] as unknown[];
    policies.push({ PolicyName: name, PolicyDocument: { Version: '2012-10-17', Statement: [statement] } });
  });
/** KmsReader's own policy also allows kms:Decrypt (the key policy already does). */
const kmsReaderMayDecrypt = () =>
  withRolePolicy('KmsReader', 'kms', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' });
const KMS_MEANING =
  'KMS refused the call S3 made for the caller: the key policy, a grant or the caller’s KMS permissions do not allow it';

describe('a layer that could not be read is a possible cause that says so', () => {
  const unreadPolicy = () =>
    explain(
      {
        ...scenarioEvent('AppRole reads a report from outside the office network'),
        errorMessage: 'Access Denied',
      },
      exampleViewWith((s) => {
        delete s['buckets']['reports-bucket']['policy'];
      }),
    ).finding;
  const missing =
    'the bucket policy (notCollected: the snapshot does not carry buckets.reports-bucket.policy)';

  it('the unread bucket policy: "Could not check", what is missing, the read that settles it, then the fix if it is the cause', () => {
    const cause = unreadPolicy().rootCauses.find((c) => c.id === 'bucket-policy-explicit-deny')!;
    const settle =
      'To settle it, read the bucket policy of reports-bucket: aws s3api get-bucket-policy --bucket reports-bucket (snapshot: buckets.reports-bucket.policy).';
    expect(cause).toEqual({
      id: 'bucket-policy-explicit-deny',
      confidence: 'possible',
      title: 'Could not check: A Deny statement in the bucket policy matches the request',
      explanation: `This layer could not be evaluated, so it may be what denied the request. Missing: ${missing}. ${settle}`,
      evidence: [{ layer: 'bucket-policy-explicit-deny', detail: `not read: ${missing}` }],
      fix: {
        summary: `${settle} If this layer is the cause: Make the request satisfy the statement (network, TLS, encryption headers), or narrow the Deny with an aws:PrincipalArn exception for this principal; verified by re-evaluation.`,
        commands: ['aws s3api get-bucket-policy --bucket reports-bucket'],
        verified: false,
      },
      change: null,
    });
  });

  it('a possible cause no single read settles asks for the missing facts instead, and gives no command', () => {
    const cause = unreadPolicy().rootCauses.find((c) => c.id === 'resource-arn-mismatch')!;
    expect(cause.explanation).toBe(
      `This layer could not be evaluated, so it may be what denied the request. Missing: ${missing}.`,
    );
    expect(cause.fix).toEqual({
      summary:
        'Let the auditor read the missing facts (or add them to the snapshot) and explain again. If this layer is the cause: Add the missing resource form (arn:aws:s3:::bucket/* or arn:aws:s3:::bucket) to that statement; verified by re-evaluation.',
      commands: [],
      verified: false,
    });
  });

  it('the finding is partially explained, and the generic "Access Denied" names no layer to agree or disagree with', () => {
    const finding = unreadPolicy();
    expect(finding.verdict).toBe('partially-explained');
    expect(finding.rootCauses.every((c) => c.confidence === 'possible')).toBe(true);
    expect(finding.awsMessage).toEqual({
      kind: 'generic',
      policyType: null,
      policyArn: null,
      agreesWithEvaluation: null,
    });
  });
});

describe('each check says what its layer found', () => {
  it("alice's read with the bucket policy unread: the denying check carries its cause's title, a passing one why, an unread one only what is missing", () => {
    const view = exampleViewWith((s) => {
      delete s['buckets']['reports-bucket']['policy'];
    });
    const { finding } = explain(scenarioEvent("alice's group only covers dev/ objects"), view);
    const check = (id: string) => finding.checks.find((c) => c.layer === id);
    const noAllow = finding.rootCauses.find((c) => c.id === 'identity-policy-no-allow')!;
    expect(check('identity-policy-no-allow')).toEqual({
      layer: 'identity-policy-no-allow',
      status: 'deny',
      detail: noAllow.title,
    });
    expect(noAllow.title).toBe(
      'No identity policy of arn:aws:iam::111122223333:user/alice allows s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv',
    );
    expect(check('missing-object-no-list')).toEqual({
      layer: 'missing-object-no-list',
      status: 'pass',
      detail: 's3://reports-bucket/reports/q3.csv exists',
    });
    expect(check('object-lock')).toEqual({
      layer: 'object-lock',
      status: 'not-applicable',
      detail: 'the request neither deletes an object version nor changes its retention',
    });
    expect(check('bucket-policy-explicit-deny')).toEqual({
      layer: 'bucket-policy-explicit-deny',
      status: 'unknown',
      missing: [
        'the bucket policy (notCollected: the snapshot does not carry buckets.reports-bucket.policy)',
      ],
    });
  });
});

// docs/ROOT-CAUSES.md: a decisive error code names the cause and rules out every other one
describe('a decisive error code', () => {
  const vpceRecord = () =>
    scenarioEvent('network-activity VpceAccessDenied record for a bucket the endpoint policy does not list');

  it('VpceAccessDenied: only the endpoint policy is named; the note says the code decided and what the other layers said is not what refused it', () => {
    const { finding } = explain(vpceRecord());
    expect(ids(finding)).toEqual(['vpc-endpoint-policy']);
    expect(finding.rootCauses[0]!.confidence).toBe('confirmed');
    expect(finding.awsMessage.note).toBe(
      "AWS's message names a VPC endpoint policy, which our evaluation confirms. The error code VpceAccessDenied decides the cause (vpc-endpoint-policy); what the other layers say (cross-account-no-bucket-grant, kms-key-access) is not what refused it.",
    );
    // the checks still show what each layer says
    expect(finding.checks.find((c) => c.layer === 'cross-account-no-bucket-grant')?.status).toBe('deny');
  });

  it('VpceAccessDenied with nothing read: the cause AWS reports is confirmed by the record, whose code comes first in its evidence', () => {
    const { finding } = explain(vpceRecord(), emptyView);
    expect(ids(finding)).toEqual(['vpc-endpoint-policy']);
    const cause = finding.rootCauses[0]!;
    expect(cause.confidence).toBe('confirmed');
    expect(cause.evidence[0]).toEqual({
      layer: 'record',
      detail:
        'errorCode VpceAccessDenied: a network-activity event: the VPC endpoint policy denied the request ("The request was denied due to a VPC endpoint policy")',
    });
    expect(cause.evidence.slice(1).map((e) => e.layer)).toEqual(['vpc-endpoint-policy']);
    expect(finding.verdict).toBe('explained');
    expect(finding.awsMessage.note).toBe(
      "AWS's message names a VPC endpoint policy, which our evaluation confirms. The error code VpceAccessDenied decides the cause (vpc-endpoint-policy).",
    );
  });

  // The record S3's KMS call left (eventSource kms.amazonaws.com): KMS refused it, whatever else the message says.
  const kmsRecord = (message?: string): EditableEvent => {
    const e = scenarioEvent('the KMS Decrypt record S3 made for KmsReader') as EditableEvent;
    if (message !== undefined) e['errorMessage'] = message;
    return e;
  };

  it('a KMS refusal with nothing read and a generic message: kms-key-access is confirmed from the record alone', () => {
    const { finding } = explain(kmsRecord('Access Denied'), emptyView);
    expect(finding.rootCauses).toHaveLength(1);
    expect(finding.rootCauses[0]).toMatchObject({
      id: 'kms-key-access',
      confidence: 'confirmed',
      title:
        'The error code AccessDenied names it: SSE-KMS: the principal may not use the key (key policy, grants or identity policy)',
      explanation: `AccessDenied: ${KMS_MEANING}. The error code alone decides where the denial came from (https://docs.aws.amazon.com/kms/latest/developerguide/policy-evaluation.html).`,
      evidence: [{ layer: 'record', detail: `errorCode AccessDenied: ${KMS_MEANING}` }],
      fix: { commands: [], verified: false },
    });
    expect(finding.rootCauses[0]!.fix.summary).toMatch(/^Allow the principal kms:Decrypt/);
    expect(finding.verdict).toBe('explained');
    expect(finding.awsMessage.note).toBe('The error code AccessDenied decides the cause (kms-key-access).');
  });

  it('a KMS refusal whose facts now let the caller decrypt: likely, not confirmed, and the explanation says the facts may be newer than the denial', () => {
    const { finding } = explain(kmsRecord('Access Denied'), kmsReaderMayDecrypt());
    expect(finding.checks.find((c) => c.layer === 'kms-key-access')?.status).toBe('pass');
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([['kms-key-access', 'likely']]);
    expect(finding.rootCauses[0]!.explanation).toMatch(
      /\. The facts read now say this layer allows the request: they may be newer than the denial, or miss what it saw, so the cause is likely rather than confirmed\.$/,
    );
    expect(finding.verdict).toBe('partially-explained');
  });

  // docs/CLI.md: "likely: … facts that disagree with the record". The same record with AWS's own message must not
  // be more certain than with the generic one: the message agrees with the record, the facts still disagree.
  it("the same KMS refusal with AWS's own message: still likely while the facts let the caller decrypt, the record's code in its evidence", () => {
    const { finding } = explain(kmsRecord(), kmsReaderMayDecrypt());
    expect(finding.awsMessage.agreesWithEvaluation).toBe(false);
    expect(finding.awsMessage.note).toContain('the causes below are therefore only likely');
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([['kms-key-access', 'likely']]);
    expect(finding.rootCauses[0]!.evidence[0]).toEqual({
      layer: 'record',
      detail: `errorCode AccessDenied: ${KMS_MEANING}`,
    });
    expect(finding.verdict).toBe('partially-explained');
    // the cause AWS's message names, with that layer's own title and fix, and why the statement is not known
    const kms = CHECKERS.find((c) => c.id === 'kms-key-access')!;
    expect(finding.rootCauses[0]).toMatchObject({
      title: `AWS reports no allow in an identity-based policy: ${kms.title}`,
      explanation:
        "AWS's own error message says the request was denied by no allow in an identity-based policy. The facts read here say this layer does not deny (they may be stale or incomplete), so the statement that decided is not known.",
      fix: { summary: kms.fixSummary, commands: [], verified: false },
    });
  });

  it("VpceAccessDenied whose endpoint policy the facts show denying: the checker's own evidence comes first, the record adds nothing to a confirmed cause", () => {
    const { finding } = explain(vpceRecord());
    const cause = finding.rootCauses[0]!;
    expect(cause.confidence).toBe('confirmed');
    expect(cause.evidence[0]).toMatchObject({
      layer: 'vpc-endpoint-policy',
      policy: 'vpce-0a1b2c3d4e5f60001',
    });
    expect(cause.evidence.some((e) => e.layer === 'record')).toBe(false);
  });
});

describe('the note of a denial a cause explains', () => {
  it('KmsReader may read the object but not decrypt it: the KMS key is the cause, and the note never says our evaluation allows the request (S3 itself allows it)', () => {
    const { finding } = explain(scenarioEvent('KmsReader may read the object but not decrypt it'));
    expect(ids(finding)).toEqual(['kms-key-access']);
    expect(finding.awsMessage).toEqual({
      kind: 'generic',
      policyType: null,
      policyArn: null,
      agreesWithEvaluation: null,
    });
  });
});

describe('what the note says when nothing in the facts denies', () => {
  it('every layer allows: no cause, unexplained, and the note says the facts may be older than the denial', () => {
    const { finding } = explain(scenarioEvent('ruled out: carol may list, so S3 would have said 404'));
    expect(finding.verdict).toBe('unexplained');
    expect(finding.awsMessage.note).toBe(
      'Our evaluation of the facts allows this request: the facts may be older than the denial, or the denial comes from something not modelled here.',
    );
  });
});

describe('a denial the facts cannot reach or the record explains itself', () => {
  it('an operation the action table does not know, with the generic "Access Denied": unexplained, and the note never claims our evaluation allows it', () => {
    const e = scenarioEvent('NoS3Role has no S3 permissions at all');
    e['eventName'] = 'FrobnicateObject';
    e['errorMessage'] = 'Access Denied';
    const { finding } = explain(e);
    expect(finding.verdict).toBe('unexplained');
    expect(finding.rootCauses).toEqual([]);
    expect(finding.awsMessage.note).toBeUndefined();
    expect(finding.unmatchedDenial).toBeUndefined();
  });

  const disabled = (name: string) => {
    const e = scenarioEvent(name);
    e['errorCode'] = 'AllAccessDisabled';
    e['errorMessage'] = 'All access to this object has been disabled';
    const request = toAccessRequest(e);
    return analyze(request, exampleView.gatherSync(request));
  };
  const DISABLED =
    'The error code AllAccessDisabled explains the denial: all access to this Amazon S3 resource has been disabled by AWS (403); no policy change helps: contact AWS Support. No access-control layer refused this request, so no root cause is named';

  it('AllAccessDisabled on a request the facts allow: explained by the code alone, never "our evaluation allows this request"', () => {
    const finding = disabled('ruled out: carol may list, so S3 would have said 404');
    expect(finding.verdict).toBe('explained');
    expect(finding.awsMessage.note).toBe(`${DISABLED}.`);
  });

  it('AllAccessDisabled on a request the facts deny: no layer is listed as an unmatched denial, and the note sets the identity denial aside', () => {
    const finding = disabled('NoS3Role has no S3 permissions at all');
    expect(finding.rootCauses).toEqual([]);
    expect(finding.unmatchedDenial).toBeUndefined();
    expect(finding.awsMessage.note).toBe(
      `${DISABLED}; what the other layers say (identity-policy-no-allow) is not what refused it.`,
    );
  });
});

describe('a cause that rests on a value the record only implies', () => {
  it('says in its explanation which key it rests on and why it is only likely', () => {
    const e = scenarioEvent('AppRole reads a report from outside the office network') as EditableEvent;
    e['sourceIPAddress'] = '203.0.113.10';
    e['eventVersion'] = '1.09';
    delete e['tlsDetails'];
    delete e['additionalEventData']['CipherSuite'];
    e['errorMessage'] = 'Access Denied';
    const cause = explain(e).finding.rootCauses[0]!;
    expect(cause).toMatchObject({ id: 'bucket-policy-explicit-deny', confidence: 'likely' });
    expect(cause.explanation).toMatch(
      / This rests on aws:SecureTransport, which the record implies but does not state, so the cause is likely rather than confirmed\.$/,
    );
  });
});

describe('an implicit cause that rests on a value the record only implies', () => {
  it("AppRole's only Allow for the analytics bucket requires HTTPS and the record implies plain HTTP: the missing Allow is likely, never confirmed, and says what was inferred", () => {
    const e = scenarioEvent('AppRole reads the analytics bucket it was never granted') as EditableEvent;
    e['eventVersion'] = '1.09';
    delete e['tlsDetails'];
    delete e['additionalEventData']['CipherSuite'];
    e['errorMessage'] = 'Access Denied';
    const view = withRolePolicy('AppRole', 'https-only', {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::analytics-bucket/*',
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    });
    const { finding } = explain(e, view);
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
      ['identity-policy-no-allow', 'likely'],
    ]);
    const cause = finding.rootCauses[0]!;
    expect(cause.explanation).toMatch(
      / This rests on aws:SecureTransport, which the record implies but does not state, so the cause is likely rather than confirmed\.$/,
    );
    expect(cause.evidence.filter((x) => x.layer === 'record').map((x) => x.detail)).toEqual([
      expect.stringMatching(
        /^aws:SecureTransport = false is inferred, not recorded: .*\(record fields: eventVersion, tlsDetails, additionalEventData\.CipherSuite, userIdentity, sourceIPAddress\)$/,
      ),
    ]);
    expect(finding.verdict).toBe('partially-explained');
  });
});

describe('a failed analysis', () => {
  afterEach(() => jest.restoreAllMocks());

  it('analyzeWithEvaluations on facts it cannot read: the failed finding, and no engine decision to show', () => {
    const request = requestOf(scenarioEvent('NoS3Role has no S3 permissions at all'));
    const { finding, evaluations } = analyzeWithEvaluations(request, {
      ...emptyView.gatherSync(request),
      buckets: unreadableRecord,
    });
    expect(finding.error).toEqual(expect.any(String));
    expect(finding.verdict).toBe('unexplained');
    expect(evaluations).toEqual([]);
  });

  it('a checker that cannot say what it lacks still gives a possible cause that says "Missing: facts for this layer"', () => {
    const target = CHECKERS.find((c) => c.id === 'session-policy')!;
    jest.spyOn(target, 'check').mockReturnValue({ status: 'unknown', missing: [] });
    const view = exampleViewWith((s) => {
      delete s['buckets']['reports-bucket']['policy'];
    });
    const { finding } = explain(scenarioEvent("alice's group only covers dev/ objects"), view);
    const cause = finding.rootCauses.find((c) => c.id === 'session-policy')!;
    expect(cause.explanation).toBe(
      'This layer could not be evaluated, so it may be what denied the request. Missing: facts for this layer.',
    );
    expect(cause.evidence).toEqual([]);
  });

  it('of a request with no parsed message still reports the message as generic, with no policy and no agreement', () => {
    const request = requestOf(scenarioEvent('NoS3Role has no S3 permissions at all'));
    const bare = { ...request, enhancedMessage: undefined } as unknown as AccessRequest;
    expect(failedFinding(bare, new Error('boom')).awsMessage).toEqual({
      kind: 'generic',
      policyType: null,
      policyArn: null,
      agreesWithEvaluation: null,
    });
  });

  it('keeps the parsed message of the request it could not explain', () => {
    const request = requestOf(scenarioEvent('NoS3Role has no S3 permissions at all'));
    const f = analyze(request, { ...emptyView.gatherSync(request), buckets: unreadableRecord });
    expect(f.awsMessage).toEqual({
      kind: 'implicit-deny',
      policyType: 'identity-based policy',
      policyArn: null,
      agreesWithEvaluation: null,
    });
    expect(f.checks).toEqual([]);
  });
});

// docs/ROOT-CAUSES.md: possible causes by AWS's message, then how close the layer came to denying, then the record's
// hints (request headers), then how often the cause occurs
describe('what the checkers and the record add to the order of possible causes', () => {
  it('a key known to be missing, with only whether bob may list the bucket unread: the missing key comes first, above the more frequent identity causes', () => {
    const view = exampleViewWith((s) => {
      delete s['accounts']['111122223333']['authorizationDetails'];
    });
    const { finding } = explain(scenarioEvent('bob reads a key that does not exist and may not list'), view);
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
      ['missing-object-no-list', 'possible'],
      ['identity-policy-no-allow', 'possible'],
      ['resource-arn-mismatch', 'possible'],
      ['identity-policy-explicit-deny', 'possible'],
      ['permissions-boundary', 'possible'],
    ]);
  });

  it('an upload with a public-read ACL answered 403, nothing read: the x-amz-acl header puts Block Public Access above the bucket policy', () => {
    const e = scenarioEvent('ACL sent to a BucketOwnerEnforced bucket') as EditableEvent;
    e['requestParameters']['x-amz-acl'] = 'public-read';
    e['errorCode'] = 'AccessDenied';
    e['errorMessage'] = 'Access Denied';
    const { finding } = explain(e, emptyView);
    expect(ids(finding).slice(0, 3)).toEqual([
      'block-public-access',
      'bucket-policy-explicit-deny',
      'identity-policy-no-allow',
    ]);
  });
});

describe("a cause that rests on AWS's message alone", () => {
  it('an operation the action table does not know: likely, the layer could not be evaluated (no missing fact to name), the message as evidence', () => {
    const e = scenarioEvent('NoS3Role has no S3 permissions at all');
    e['eventName'] = 'FrobnicateObject';
    const { finding } = explain(e);
    expect(finding.rootCauses).toEqual([
      {
        id: 'identity-policy-no-allow',
        confidence: 'likely',
        title:
          'AWS reports no allow in an identity-based policy: No identity policy allows the action on the resource',
        explanation:
          "AWS's own error message says the request was denied by no allow in an identity-based policy. The layer could not be evaluated here, so the statement that decided is not known.",
        evidence: [
          { layer: 'identity-policy-no-allow', detail: `errorMessage: ${finding.request.errorMessage}` },
        ],
        fix: {
          summary:
            "Add an Allow for exactly this action and resource to the caller's identity (aws iam put-role-policy / put-user-policy); verified by re-evaluation.",
          commands: [],
          verified: false,
        },
        change: null,
      },
    ]);
    expect(finding.verdict).toBe('partially-explained');
  });
});
