/**
 * Explaining the denial you cannot fully see (issue 13): the record's evidence first, a value the record only implies
 * makes a cause likely (never confirmed), and what is merely possible is ranked by how close it came to denying and
 * says which single read would settle it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { analyze, closeness, evaluateNeeds, priorOrder, PRIOR, rankCauses } from '../../lambdas/core/analyze';
import { toAccessRequest } from '../../lambdas/core/event/request';
import { CHECKERS } from '../../lambdas/core/checkers';
import { ROOT_CAUSE_IDS, type RootCause } from '../../lambdas/core/model';
import { renderText } from '../../lambdas/core/render/text';
import { emptyView, exampleView, explain, ROOT, scenarioEvent } from './checkers/helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const full = JSON.parse(readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8')) as Json;
const viewWithout = (drop: (s: Json) => void): SnapshotView => {
  const s = JSON.parse(JSON.stringify(full)) as Json;
  drop(s);
  return new SnapshotView(loadSnapshot(JSON.stringify(s), 'partial'));
};

/** The office-network read of reports/q3.csv over plain HTTP: no TLS details in a 1.09 record. */
function plainHttpRead(): Json {
  const e = scenarioEvent('AppRole reads a report from outside the office network') as Json;
  e['sourceIPAddress'] = '203.0.113.10';
  e['eventVersion'] = '1.09';
  delete e['tlsDetails'];
  delete e['additionalEventData']['CipherSuite'];
  e['errorMessage'] = 'Access Denied';
  return e;
}

describe('a value the record only implies (aws:SecureTransport inferred false)', () => {
  it('makes the DenyInsecureTransport statement the cause, likely and never confirmed, with what was inferred and from which fields', () => {
    const { finding } = explain(plainHttpRead());
    const first = finding.rootCauses[0]!;
    expect(first).toMatchObject({ id: 'bucket-policy-explicit-deny', confidence: 'likely' });
    expect(first.title).toContain('DenyInsecureTransport');
    const inferred = first.evidence.find((e) => e.layer === 'record')!;
    expect(inferred.detail).toMatch(/^aws:SecureTransport = false is inferred, not recorded: /);
    expect(inferred.detail).toContain(
      'record fields: eventVersion, tlsDetails, additionalEventData.CipherSuite',
    );
    expect(finding.verdict).toBe('partially-explained');
  });

  it('exposes the record evidence on the finding, and the compact text says "likely plain HTTP" in one line', () => {
    const { finding } = explain(plainHttpRead());
    expect(finding.recordEvidence?.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'transport', confidence: 'likely', value: 'false' }),
      ]),
    );
    const lines = renderText([finding], { color: false }).split('\n');
    expect(lines.filter((l) => l.includes('likely plain HTTP'))).toEqual([
      '  record   likely plain HTTP (no TLS details in a 1.09 record): a Deny on aws:SecureTransport "false" would apply',
    ]);
  });

  it('a record with TLS details confirms nothing about plain HTTP: the same read is allowed by the bucket policy', () => {
    const e = plainHttpRead();
    e['tlsDetails'] = { tlsVersion: 'TLSv1.3' };
    const { finding } = explain(e);
    expect(finding.rootCauses.map((c) => c.id)).not.toContain('bucket-policy-explicit-deny');
  });
});

describe('a decisive error code', () => {
  function aclRequest(): Json {
    const e = scenarioEvent('ACL sent to a BucketOwnerEnforced bucket') as Json;
    e['requestParameters']['x-amz-acl'] = 'public-read';
    return e;
  }

  it('AccessControlListNotSupported: Object Ownership confirmed from the record, Block Public Access never named, even with a public-read ACL and no facts at all', () => {
    for (const view of [undefined, emptyView]) {
      const { finding } = explain(aclRequest(), view);
      expect(finding.rootCauses[0]).toMatchObject({ id: 'object-ownership-acl', confidence: 'confirmed' });
      expect(finding.rootCauses.map((c) => c.id)).not.toContain('block-public-access');
      expect(finding.verdict).toBe('explained');
    }
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html (ACLs disabled: 400)
  it('the same public-read upload answered 403 AccessDenied, no facts at all: Block Public Access is possible, Object Ownership is not', () => {
    const e = aclRequest();
    e['errorCode'] = 'AccessDenied';
    e['errorMessage'] = 'Access Denied';
    const { finding } = explain(e, emptyView);
    const ids = finding.rootCauses.map((c) => c.id);
    expect(ids).toContain('block-public-access');
    expect(ids).not.toContain('object-ownership-acl');
    expect(finding.checks.find((c) => c.layer === 'object-ownership-acl')?.status).toBe('unknown');
  });

  it.each([
    ['AllAccessDisabled', 'All access to this object has been disabled'],
    [
      'AccountProblem',
      'There is a problem with your AWS account that prevents the action from completing successfully.',
    ],
    ['InvalidObjectState', "The operation is not valid for the object's storage class"],
  ])(
    '%s names no root cause: the finding is explained by the record and says why, never a wrong cause',
    (code, message) => {
      const e = scenarioEvent('NoS3Role has no S3 permissions at all') as Json;
      e['errorCode'] = code;
      e['errorMessage'] = message;
      // InvalidObjectState is not read as a denial from logs (not access control); a record given to analyze is explained
      const request = toAccessRequest(e);
      const finding = analyze(request, exampleView.gatherSync(request));
      expect(finding.rootCauses).toEqual([]);
      expect(finding.verdict).toBe('explained');
      expect(finding.recordEvidence?.errorCode).toMatchObject({ code, decisive: true, pointsAt: [] });
      expect(finding.awsMessage.note).toContain(`The error code ${code} explains the denial`);
      expect(finding.awsMessage.note).toContain('no root cause is named');
      expect(finding.checks).toHaveLength(ROOT_CAUSE_IDS.length);
      expect(renderText([finding], { color: false })).toContain(`Not an access-control denial: ${code}: `);
    },
  );
});

describe('ranking what is merely possible', () => {
  it('a bucket-policy Deny that matches on everything known (only the source IP and VPC endpoint unknown) beats unread SCPs, RCPs and session policies', () => {
    const e = scenarioEvent('AppRole reads a report from outside the office network') as Json;
    e['sourceIPAddress'] = 'AWS Internal';
    e['errorMessage'] = 'Access Denied';
    const view = viewWithout((s) => {
      delete s['organization'];
      delete s['sessions'];
    });
    const { finding } = explain(e, view);
    const possible = finding.rootCauses.filter((c) => c.confidence === 'possible').map((c) => c.id);
    expect(possible[0]).toBe('bucket-policy-explicit-deny');
    expect(possible).toEqual(expect.arrayContaining(['scp-deny', 'rcp-deny', 'session-policy']));
  });

  it('each possible cause names the single read that settles it: the exact AWS CLI command and the snapshot field', () => {
    const e = scenarioEvent('AppRole reads a report from outside the office network') as Json;
    e['errorMessage'] = 'Access Denied';
    const view = viewWithout((s) => {
      delete s['buckets']['reports-bucket']['policy'];
      delete s['sessions'];
    });
    const { finding } = explain(e, view);
    const byId = new Map(finding.rootCauses.map((c) => [c.id, c]));
    expect(byId.get('bucket-policy-explicit-deny')?.fix.commands).toEqual([
      'aws s3api get-bucket-policy --bucket reports-bucket',
    ]);
    expect(byId.get('bucket-policy-explicit-deny')?.fix.summary).toContain(
      'snapshot: buckets.reports-bucket.policy',
    );
    expect(renderText([finding], { color: false })).toContain(
      '      settle: aws s3api get-bucket-policy --bucket reports-bucket',
    );
    // the issuing AssumeRole is signed with the caller's keys: looked up by the role, matched on the session's key
    // (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupAttribute.html)
    expect(byId.get('session-policy')?.fix.commands[0]).toMatch(
      /^aws cloudtrail lookup-events --lookup-attributes AttributeKey=ResourceName,AttributeValue=arn:aws:iam::\d{12}:role\/\S+ --query 'Events\[\?contains\(CloudTrailEvent, '\\''ASIA[A-Z0-9]+'\\''\)\]'$/,
    );
  });

  // docs/CLI.md: each possible cause names the single read that would settle it. With nothing read, each layer's own
  // read: its policy, its setting, or what leaves its conditions undecided.
  // the causes whose layer could not be decided (possible, or likely by elimination when every other check passes)
  const settleReads = (event: Json, view: SnapshotView) => {
    const { finding } = explain(event, view);
    const undecided = new Set(finding.checks.filter((k) => k.status === 'unknown').map((k) => k.layer));
    return Object.fromEntries(
      finding.rootCauses.filter((c) => undecided.has(c.id)).map((c) => [c.id, c.fix.commands]),
    );
  };
  const withGenericMessage = (name: string, edit: (e: Json) => void = () => undefined): Json => {
    const e = scenarioEvent(name) as Json;
    e['errorMessage'] = 'Access Denied';
    edit(e);
    return e;
  };

  it('with nothing read, a request through an access point and a VPC endpoint: each possible cause names the read of its own layer', () => {
    const e = withGenericMessage('finance-ap denies writes through the access point', (x) => {
      x['vpcEndpointId'] = 'vpce-0settle';
    });
    const iam = [
      'aws iam get-account-authorization-details --filter Role LocalManagedPolicy AWSManagedPolicy',
    ];
    const org = ['aws organizations describe-organization'];
    expect(settleReads(e, emptyView)).toMatchObject({
      'bucket-policy-explicit-deny': ['aws s3api get-bucket-policy --bucket secure-bucket'],
      'identity-policy-no-allow': iam,
      'identity-policy-explicit-deny': iam,
      'permissions-boundary': iam,
      'kms-key-access': ['aws s3api get-bucket-encryption --bucket secure-bucket'],
      'block-public-access': ['aws s3api get-public-access-block --bucket secure-bucket'],
      'vpc-endpoint-policy': ['aws ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-0settle'],
      'access-point-policy': [
        'aws s3control get-access-point-policy --account-id 111122223333 --name finance-ap',
      ],
      'scp-deny': org,
      'rcp-deny': org,
    });
  });

  it('with nothing read, a cross-account read of a Requester Pays bucket: Requester Pays is settled by reading who pays for requests', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysExamples.html (get-bucket-request-payment)
    const reads = settleReads(
      withGenericMessage('the partner reads a Requester Pays dataset without x-amz-request-payer'),
      emptyView,
    );
    expect(reads).toMatchObject({
      'requester-pays': ['aws s3api get-bucket-request-payment --bucket open-data-bucket'],
      'cross-account-no-bucket-grant': ['aws s3api get-bucket-policy --bucket open-data-bucket'],
      'object-ownership-acl': ['aws s3api get-bucket-ownership-controls --bucket open-data-bucket'],
      'missing-object-no-list': ['aws s3api head-object --bucket open-data-bucket --key datasets/census.csv'],
      'resource-arn-mismatch': [
        'aws iam get-account-authorization-details --filter Role LocalManagedPolicy AWSManagedPolicy',
      ],
    });
  });

  it("a version delete with Object Lock unread is settled by the bucket's Object Lock configuration, then the version's retention, then its legal hold", () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html: retention and legal hold are
    // per object version, and only a bucket with Object Lock enabled has them
    const e = withGenericMessage('RecordsAdmin deletes a version under COMPLIANCE retention');
    expect(settleReads(e, emptyView)['object-lock']).toEqual([
      'aws s3api get-object-lock-configuration --bucket records-bucket',
    ]);
    const version = (e['requestParameters'] as Json)['versionId'] as string;
    const key = (e['requestParameters'] as Json)['key'] as string;
    const unreadRetention = viewWithout((s) => {
      delete s['buckets']['records-bucket']['objects'][key]['retention'];
    });
    expect(settleReads(e, unreadRetention)['object-lock']).toEqual([
      `aws s3api get-object-retention --bucket records-bucket --key ${key} --version-id ${version}`,
    ]);
    const unreadHold = viewWithout((s) => {
      s['buckets']['records-bucket']['objects'][key]['retention'] = null;
      delete s['buckets']['records-bucket']['objects'][key]['legalHold'];
    });
    expect(settleReads(e, unreadHold)['object-lock']).toEqual([
      `aws s3api get-object-legal-hold --bucket records-bucket --key ${key} --version-id ${version}`,
    ]);
  });

  it('kms-key-access stays possible while the encryption could not be read (it never vanishes as "no SSE-KMS key")', () => {
    const view = viewWithout((s) => {
      delete s['buckets']['reports-bucket']['objects'];
      delete s['buckets']['reports-bucket']['encryption'];
    });
    const e = scenarioEvent('NoS3Role has no S3 permissions at all') as Json;
    const { finding } = explain(e, view);
    expect(finding.checks.find((c) => c.layer === 'kms-key-access')).toMatchObject({ status: 'unknown' });
    const withoutIdentity = viewWithout((s) => {
      delete s['buckets']['reports-bucket']['objects'];
      delete s['accounts'];
    });
    const partial = explain(e, withoutIdentity).finding;
    const kms = partial.rootCauses.find((c) => c.id === 'kms-key-access');
    expect(kms?.confidence).toBe('possible');
    expect(kms?.fix.commands).toEqual(['aws s3api head-object --bucket reports-bucket --key reports/q3.csv']);
  });

  it("AWS's message names its causes first among the possible ones", () => {
    const e = scenarioEvent('NoS3Role has no S3 permissions at all') as Json;
    const { finding } = explain(e, emptyView);
    // the message says "no identity-based policy allows": its cause is likely, and the others it names lead the rest
    expect(finding.rootCauses[0]).toMatchObject({ id: 'identity-policy-no-allow', confidence: 'likely' });
    const possible = finding.rootCauses.filter((c) => c.confidence === 'possible').map((c) => c.id);
    expect(possible.slice(0, 2).sort()).toEqual(['missing-object-no-list', 'resource-arn-mismatch']);
  });

  it('closeness reads the engine: a Deny on unknown keys (0), a read layer (1), an unread one (2)', () => {
    const e = scenarioEvent('AppRole reads a report from outside the office network') as Json;
    e['sourceIPAddress'] = 'AWS Internal';
    const { request, facts } = explain(e);
    const evaluations = evaluateNeeds(request, facts);
    expect(closeness('bucket-policy-explicit-deny', evaluations)).toBe(0);
    expect(closeness('scp-deny', evaluations)).toBe(2);
    expect(closeness('scp-deny', evaluations, 1)).toBe(1);
  });
});

describe('the prior order (how often each cause occurs)', () => {
  it('lists every root cause once, each with a reason; session policies and SCPs rank below bucket-policy conditions', () => {
    const order = PRIOR.map((p) => p.id);
    expect([...order].sort()).toEqual([...ROOT_CAUSE_IDS].sort());
    for (const p of PRIOR) expect(p.why.length).toBeGreaterThan(10);
    const at = (id: string) => order.indexOf(id as (typeof order)[number]);
    expect(at('bucket-policy-explicit-deny')).toBeLessThan(at('scp-deny'));
    expect(at('bucket-policy-explicit-deny')).toBeLessThan(at('session-policy'));
  });

  it('a cross-account request puts the missing bucket grant first and RCPs before SCPs', () => {
    const cross = priorOrder(true);
    expect(cross[0]).toBe('cross-account-no-bucket-grant');
    expect(cross.indexOf('rcp-deny')).toBeLessThan(cross.indexOf('scp-deny'));
    expect(priorOrder(false).indexOf('scp-deny')).toBeLessThan(priorOrder(false).indexOf('rcp-deny'));
    // the same causes, each once; apart from the two that move, in the same order
    const same = priorOrder(false);
    expect([...cross].sort()).toEqual([...same].sort());
    const moved = ['cross-account-no-bucket-grant', 'rcp-deny'];
    expect(cross.filter((id) => !moved.includes(id))).toEqual(same.filter((id) => !moved.includes(id)));
  });

  it('every registered checker has a place (a new id not listed comes after, in checker order)', () => {
    for (const c of CHECKERS) expect(PRIOR.some((p) => p.id === c.id)).toBe(true);
  });
});

describe('the settling read is safe to paste', () => {
  it('quotes a hostile key for the shell (quotes, $(), spaces stay literal)', () => {
    const e = scenarioEvent('bob reads a key that does not exist and may not list') as Json;
    const key = "dev/it's $(touch pwned) `x` a b.txt";
    e['requestParameters']['key'] = key;
    e['resources'][0]['ARN'] = `arn:aws:s3:::reports-bucket/${key}`;
    const { finding } = explain(e, emptyView);
    const read = finding.rootCauses.find((c) => c.id === 'missing-object-no-list')?.fix.commands[0];
    // quoted by the one quoting function (lambdas/core/fix/commands.ts; proven through bash in test/security/commands.test.ts)
    expect(read).toBe(
      "aws s3api head-object --bucket reports-bucket --key $'dev/it\\'s $(touch pwned) \\x60x\\x60 a b.txt'",
    );
  });
});

// The prior order follows AWS's troubleshooting guide
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html); a cross-account request needs
// the bucket side too (https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html)
// and RCPs are the bucket owner's perimeter (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
describe('with nothing read at all, the whole list of what is possible', () => {
  const order = (f: { rootCauses: readonly { id: string; confidence: string }[] }) =>
    f.rootCauses.map((c) => [c.id, c.confidence]);

  it("same account: the message's cause (likely), the other causes it names, then the rest in the order they occur in practice", () => {
    const { finding } = explain(scenarioEvent('NoS3Role has no S3 permissions at all'), emptyView);
    expect(order(finding)).toEqual([
      ['identity-policy-no-allow', 'likely'],
      ['resource-arn-mismatch', 'possible'],
      ['missing-object-no-list', 'possible'],
      ['bucket-policy-explicit-deny', 'possible'],
      ['kms-key-access', 'possible'],
      ['object-ownership-acl', 'possible'],
      ['identity-policy-explicit-deny', 'possible'],
      ['block-public-access', 'possible'],
      ['permissions-boundary', 'possible'],
      ['scp-deny', 'possible'],
      ['rcp-deny', 'possible'],
      ['session-policy', 'possible'],
    ]);
  });

  it('cross-account, generic "Access Denied": the missing bucket-side grant first, and RCPs before SCPs', () => {
    const { finding } = explain(scenarioEvent('PartnerReader reads outside the shared/ prefix'), emptyView);
    expect(finding.request.errorMessage).toBe('Access Denied');
    expect(order(finding)).toEqual([
      ['cross-account-no-bucket-grant', 'possible'],
      ['bucket-policy-explicit-deny', 'possible'],
      ['identity-policy-no-allow', 'possible'],
      ['resource-arn-mismatch', 'possible'],
      ['kms-key-access', 'possible'],
      ['missing-object-no-list', 'possible'],
      ['object-ownership-acl', 'possible'],
      ['requester-pays', 'possible'],
      ['identity-policy-explicit-deny', 'possible'],
      ['block-public-access', 'possible'],
      ['permissions-boundary', 'possible'],
      ['rcp-deny', 'possible'],
      ['scp-deny', 'possible'],
      ['session-policy', 'possible'],
    ]);
  });
});

describe('rankCauses on its own (what the ranking knows may be only the engine decisions)', () => {
  const possible = (id: string): RootCause =>
    ({
      id,
      confidence: 'possible',
      title: id,
      explanation: '',
      evidence: [],
      fix: { summary: '', commands: [], verified: false },
      change: null,
    }) as unknown as RootCause;
  const ids = (causes: readonly RootCause[]) => causes.map((c) => c.id);

  it('with no message, hints or checker closeness, possible causes follow how often they occur', () => {
    const causes = ['session-policy', 'scp-deny', 'rcp-deny', 'bucket-policy-explicit-deny'].map(possible);
    expect(ids(rankCauses(causes, { evaluations: [] }))).toEqual([
      'bucket-policy-explicit-deny',
      'scp-deny',
      'rcp-deny',
      'session-policy',
    ]);
  });

  it('a cross-account request puts the bucket-side grant first and RCPs before SCPs', () => {
    const causes = [
      'scp-deny',
      'rcp-deny',
      'bucket-policy-explicit-deny',
      'cross-account-no-bucket-grant',
    ].map(possible);
    expect(ids(rankCauses(causes, { evaluations: [], crossAccount: true }))).toEqual([
      'cross-account-no-bucket-grant',
      'bucket-policy-explicit-deny',
      'rcp-deny',
      'scp-deny',
    ]);
  });

  it("the message's causes, then the record's hints, come before the prior", () => {
    const causes = ['bucket-policy-explicit-deny', 'session-policy', 'scp-deny'].map(possible);
    expect(
      ids(rankCauses(causes, { evaluations: [], pointed: ['scp-deny'], hinted: ['session-policy'] })),
    ).toEqual(['scp-deny', 'session-policy', 'bucket-policy-explicit-deny']);
  });

  const withConfidence = (id: string, confidence: 'confirmed' | 'likely'): RootCause => ({
    ...possible(id),
    confidence,
  });

  // S3 authenticates a request (signature, expiry) before it reads any policy; an explicit Deny overrides every Allow
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html)
  it('among confirmed causes: the failed authentication first, then an explicit deny, then the implicit ones, specific first', () => {
    type Evals = Parameters<typeof rankCauses>[1]['evaluations'];
    const explicitBucketDeny = [
      {
        need: { action: 's3:GetObject' },
        result: {
          decision: 'explicitly-denied',
          layers: [{ layer: 'bucket-policy', result: 'explicitly-denied', policies: [] }],
        },
      },
    ] as unknown as Evals;
    const causes = [
      'identity-policy-no-allow',
      'resource-arn-mismatch',
      'bucket-policy-explicit-deny',
      'request-expired-or-invalid',
    ].map((id) => withConfidence(id, 'confirmed'));
    expect(ids(rankCauses(causes, { evaluations: explicitBucketDeny }))).toEqual([
      'request-expired-or-invalid',
      'bucket-policy-explicit-deny',
      'resource-arn-mismatch',
      'identity-policy-no-allow',
    ]);
  });

  it("among likely causes of the same tier: the message's cause, then the record's hint, then the specific before the general", () => {
    const causes = ['identity-policy-no-allow', 'scp-deny', 'resource-arn-mismatch'].map((id) =>
      withConfidence(id, 'likely'),
    );
    expect(ids(rankCauses(causes, { evaluations: [] }))).toEqual([
      'resource-arn-mismatch',
      'scp-deny',
      'identity-policy-no-allow',
    ]);
    expect(ids(rankCauses(causes, { evaluations: [], pointed: ['identity-policy-no-allow'] }))).toEqual([
      'identity-policy-no-allow',
      'resource-arn-mismatch',
      'scp-deny',
    ]);
    expect(ids(rankCauses(causes, { evaluations: [], hinted: ['scp-deny'] }))).toEqual([
      'scp-deny',
      'resource-arn-mismatch',
      'identity-policy-no-allow',
    ]);
  });

  it('a cause the checker says came closest (0) comes before one whose layer was only read (1)', () => {
    const causes = ['bucket-policy-explicit-deny', 'session-policy'].map(possible);
    const checkerCloseness = new Map([
      ['bucket-policy-explicit-deny', 1],
      ['session-policy', 0],
    ] as const);
    expect(ids(rankCauses(causes, { evaluations: [], checkerCloseness }))).toEqual([
      'session-policy',
      'bucket-policy-explicit-deny',
    ]);
  });
});

describe('closeness from the engine layers (0 only unknown facts stand between, 1 read but undecided, 2 not read)', () => {
  type Evals = Parameters<typeof closeness>[1];
  const evals = (...layers: Record<string, unknown>[]): Evals =>
    [{ need: { action: 's3:GetObject' }, result: { decision: 'unknown', layers } }] as unknown as Evals;
  const statement = (effect: 'Allow' | 'Deny', matched: boolean | 'unknown') => ({ effect, matched });
  const policy = (...statements: Record<string, unknown>[]) => ({ policy: { name: 'p' }, statements });

  it('Block Public Access voiding every grant that could apply (leansDeny) is closest', () => {
    expect(
      closeness(
        'block-public-access',
        evals({ layer: 'block-public-access', result: 'unknown', policies: [], leansDeny: true }),
      ),
    ).toBe(0);
  });

  it('a Deny statement matching on everything known is closest; an undecided Allow in a read policy is 1', () => {
    const layer = (...statements: Record<string, unknown>[]) => ({
      layer: 'session-policy',
      result: 'unknown',
      policies: [policy(...statements)],
    });
    expect(
      closeness('session-policy', evals(layer(statement('Allow', 'unknown'), statement('Deny', 'unknown')))),
    ).toBe(0);
    expect(
      closeness('session-policy', evals(layer(statement('Allow', 'unknown'), statement('Deny', false)))),
    ).toBe(1);
    expect(closeness('session-policy', evals(layer(statement('Deny', true))))).toBe(1);
  });

  it("only the cause's own layers count, and only while they are unknown", () => {
    const deny = { layer: 'scp', result: 'unknown', policies: [policy(statement('Deny', 'unknown'))] };
    expect(closeness('session-policy', evals(deny))).toBe(2);
    expect(closeness('scp-deny', evals({ ...deny, result: 'implicitly-denied' }))).toBe(2);
    expect(closeness('scp-deny', evals({ layer: 'scp', result: 'unknown', policies: [] }))).toBe(2);
    expect(closeness('scp-deny', evals(deny))).toBe(0);
  });
});
