/**
 * Which engine layer each cause rests on, as the ranking shows it: a layer that explicitly refuses puts its cause
 * before every implicit one; among the implicit causes the specific comes before the general it implies; a merely
 * possible cause whose layer came close to denying ranks above a layer never read, and names the read that settles it
 * (docs/CLI.md "Confidence and order of rootCauses", docs/ROOT-CAUSES.md "Ranking what cannot be confirmed").
 */
import { rankCauses } from '../../lambdas/core/analyze';
import type { RootCause } from '../../lambdas/core/model';
import { bareCause, explain, exampleViewWith, scenarioEvent, type EditableEvent } from './checkers/helpers';

type Evals = Parameters<typeof rankCauses>[1]['evaluations'];
type Layer = Record<string, unknown>;

/** What the engine decided for one need: the layers that took part (only those that matter here). */
const need = (action: string, decision: string, ...layers: Layer[]) => ({
  need: { action, resource: 'arn:aws:s3:::reports-bucket/reports/q3.csv' },
  result: { decision, layers },
});
const engine = (...needs: ReturnType<typeof need>[]): Evals => needs as unknown as Evals;
const refuses = (layer: string): Layer => ({ layer, result: 'explicitly-denied', policies: [] });
const noAllow = (layer: string): Layer => ({ layer, result: 'implicitly-denied', policies: [] });
/** A layer read but undecided: its policy holds a statement whose condition key the request does not carry. */
const undecided = (layer: string, effect: 'Allow' | 'Deny'): Layer => ({
  layer,
  result: 'unknown',
  policies: [{ policy: { name: `${layer} policy` }, statements: [{ effect, matched: 'unknown' }] }],
});

const cause = bareCause;
const ids = (causes: readonly RootCause[]) => causes.map((c) => c.id);
const isKms = (layer: string) => layer.startsWith('kms-');

// An explicit Deny overrides every Allow
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):
// no new Allow fixes it, so it is named before a cause that a corrected Allow would fix.
describe('an explicit refusal comes before the implicit causes, whichever layer refuses', () => {
  it.each([
    ['rcp-deny', 'rcp', "a Deny statement of the bucket owner's resource control policy matches"],
    ['scp-deny', 'scp', "a Deny statement of the caller's service control policy matches"],
    ['vpc-endpoint-policy', 'vpc-endpoint-policy', 'a Deny statement of the VPC endpoint policy matches'],
    ['access-point-policy', 'access-point-policy', 'a Deny statement of the access point policy matches'],
    ['permissions-boundary', 'permissions-boundary', 'a Deny statement of the permissions boundary matches'],
    ['session-policy', 'session-policy', 'a Deny statement of the session policy matches'],
    [
      'block-public-access',
      'block-public-access',
      'BlockPublicAcls rejects an upload with a public-read ACL',
    ],
    [
      'object-ownership-acl',
      'object-ownership',
      'ACLs are disabled (BucketOwnerEnforced) and the upload sets a canned ACL',
    ],
    ['kms-key-access', 'kms-key-policy', 'a Deny statement of the KMS key policy matches kms:Decrypt'],
  ] as const)(
    '%s: when the engine’s %s layer refuses explicitly (%s), the cause is named before a resource-ARN mismatch in the caller’s own Allow',
    (id, layer, _why) => {
      const evaluations = engine(
        need(
          's3:GetObject',
          isKms(layer) ? 'implicitly-denied' : 'explicitly-denied',
          noAllow('identity-policy'),
          ...(isKms(layer) ? [] : [refuses(layer)]),
        ),
        ...(isKms(layer) ? [need('kms:Decrypt', 'explicitly-denied', refuses(layer))] : []),
      );
      const causes = [cause('resource-arn-mismatch', 'confirmed'), cause(id, 'confirmed')];
      expect(ids(rankCauses(causes, { evaluations }))).toEqual([id, 'resource-arn-mismatch']);
    },
  );

  // Requester Pays (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html) and Object Lock
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html) refuse whatever the policies
  // allow: the most specific refusal is named first, then the bucket policy's Deny, then the missing Allow.
  it.each([
    ['requester-pays', 'a Requester Pays bucket read without x-amz-request-payer', 's3:GetObject'],
    ['object-lock', 'a version delete under COMPLIANCE retention', 's3:DeleteObjectVersion'],
  ] as const)(
    '%s (%s) is a refusal no Allow lifts: named before the Deny statement of the bucket policy, and both before a missing Allow',
    (id, _why, action) => {
      const evaluations = engine(
        need(action, 'explicitly-denied', refuses(id), refuses('bucket-policy'), noAllow('identity-policy')),
      );
      const causes = [
        cause('identity-policy-no-allow', 'confirmed'),
        cause('bucket-policy-explicit-deny', 'confirmed'),
        cause(id, 'confirmed'),
      ];
      expect(ids(rankCauses(causes, { evaluations }))).toEqual([
        id,
        'bucket-policy-explicit-deny',
        'identity-policy-no-allow',
      ]);
    },
  );
});

// docs/CLI.md: among causes of the same confidence, the specific cause comes above the general one it implies. The
// most general implicit cause is "no identity policy allows": adding an Allow to the caller would not help while any
// of these stands in the way.
describe('among implicit causes, the specific cause comes before a missing Allow in the caller’s policies', () => {
  it.each([
    ['requester-pays', 'the Requester Pays bucket needs the x-amz-request-payer header, not another Allow'],
    ['object-lock', 'the version is under retention or legal hold: no Allow deletes it'],
    ['resource-arn-mismatch', 'an Allow exists, but for the bucket ARN instead of bucket/*'],
    ['missing-object-no-list', 'the key does not exist and the caller may not list the bucket'],
    ['service-principal-grant', "an AWS service caller needs the bucket policy's grant to the service"],
    ['block-public-access', 'Block Public Access voids the public grant that would have allowed'],
    [
      'object-ownership-acl',
      "the object belongs to another account, out of reach of the bucket owner's Allow",
    ],
    ['vpc-endpoint-policy', 'the VPC endpoint policy does not allow the request'],
    ['access-point-policy', 'the access point policy does not allow the request'],
    ['rcp-deny', "the bucket owner's resource control policy does not allow the request"],
    ['scp-deny', "the caller's service control policies do not allow the action"],
    ['cross-account-no-bucket-grant', 'across accounts the bucket side must allow too'],
    ['permissions-boundary', "the caller's permissions boundary does not allow the action"],
    ['session-policy', 'the session policy does not allow the action'],
  ] as const)('%s (%s) is named before identity-policy-no-allow when both are equally likely', (id, _why) => {
    const causes = [cause('identity-policy-no-allow', 'likely'), cause(id, 'likely')];
    const evaluations = engine(need('s3:GetObject', 'implicitly-denied', noAllow('identity-policy')));
    expect(ids(rankCauses(causes, { evaluations }))).toEqual([id, 'identity-policy-no-allow']);
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html: S3 asks KMS for the key only for a
  // request it would otherwise serve
  it('kms-key-access comes after a missing identity Allow: S3 calls KMS only once the S3 request itself is authorized', () => {
    const causes = [cause('kms-key-access', 'likely'), cause('identity-policy-no-allow', 'likely')];
    const evaluations = engine(need('s3:GetObject', 'implicitly-denied', noAllow('identity-policy')));
    expect(ids(rankCauses(causes, { evaluations }))).toEqual(['identity-policy-no-allow', 'kms-key-access']);
  });
});

// docs/ROOT-CAUSES.md: closeness 0 is a Deny statement that matches on everything known and depends only on unknown
// keys; 1 a layer read but undecided; 2 a layer not read at all. It comes before the prior order.
describe('a possible cause whose own layer came close to denying ranks above a layer never read', () => {
  it.each([
    ['rcp-deny', 'rcp', "the bucket owner's resource control policy"],
    ['scp-deny', 'scp', "the caller's service control policy"],
    ['vpc-endpoint-policy', 'vpc-endpoint-policy', 'the VPC endpoint policy'],
    ['access-point-policy', 'access-point-policy', 'the access point policy'],
    ['permissions-boundary', 'permissions-boundary', "the caller's permissions boundary"],
    ['session-policy', 'session-policy', 'the session policy'],
    ['kms-key-access', 'kms-key-policy', 'the KMS key policy'],
  ] as const)(
    '%s: a Deny statement in the engine’s %s layer (%s) that matches on everything known puts the cause above the unread bucket policy',
    (id, layer, _what) => {
      const evaluations = engine(
        isKms(layer)
          ? need('kms:Decrypt', 'unknown', undecided(layer, 'Deny'))
          : need('s3:GetObject', 'unknown', undecided(layer, 'Deny')),
      );
      const causes = [cause('bucket-policy-explicit-deny', 'possible'), cause(id, 'possible')];
      expect(ids(rankCauses(causes, { evaluations }))).toEqual([id, 'bucket-policy-explicit-deny']);
    },
  );

  it.each([
    ['resource-arn-mismatch', 'an Allow for the action may name the wrong resource form'],
    ['identity-policy-no-allow', 'no Allow for the action may apply'],
  ] as const)(
    "%s (%s): the caller's identity policies were read but their Allow cannot be decided, so the cause ranks above the unread bucket policy",
    (id, _why) => {
      const evaluations = engine(need('s3:GetObject', 'unknown', undecided('identity-policy', 'Allow')));
      const causes = [cause('bucket-policy-explicit-deny', 'possible'), cause(id, 'possible')];
      expect(ids(rankCauses(causes, { evaluations }))).toEqual([id, 'bucket-policy-explicit-deny']);
    },
  );

  it('across accounts, a bucket policy read whose grant to the partner cannot be decided keeps the missing bucket grant above an undecided SCP allow-list', () => {
    const evaluations = engine(
      need('s3:GetObject', 'unknown', undecided('scp', 'Allow'), undecided('bucket-policy', 'Allow')),
    );
    const causes = [cause('scp-deny', 'possible'), cause('cross-account-no-bucket-grant', 'possible')];
    expect(ids(rankCauses(causes, { evaluations, crossAccount: true }))).toEqual([
      'cross-account-no-bucket-grant',
      'scp-deny',
    ]);
  });
});

// docs/CLI.md "A possible cause says what settles it": when a policy was read but one of its statements depends on a
// condition key the record does not carry, the read is the one that gives that key. Every other check passes, so by
// elimination the one undecided layer is the likely cause of the denial AWS recorded (docs/CLI.md, "Confidence").
describe('a policy that depends on the tags of the object (not read) names the read of the object tags', () => {
  type Snapshot = Parameters<Parameters<typeof exampleViewWith>[0]>[0];
  const TAGGED = { 's3:ExistingObjectTag/classification': 'confidential' };
  const denyTagged = {
    Sid: 'NoConfidential',
    Effect: 'Deny',
    Action: 's3:GetObject',
    Resource: '*',
    Condition: { StringEquals: TAGGED },
  };
  const boundaryDocument = (s: Snapshot): Snapshot => {
    const policies = s['accounts']['111122223333']['authorizationDetails']['Policies'] as Snapshot[];
    const boundary = policies.find((p) => p['PolicyName'] === 'S3ReadOnlyBoundary')!;
    return boundary['PolicyVersionList'][0]['Document'] as Snapshot;
  };
  /** BoundedRole reads reports/q3.csv: every layer allows it, unless a change below denies it. */
  const boundedRead = (): EditableEvent => {
    const e = scenarioEvent(
      'ruled out: reads are inside the boundary (missing object instead)',
    ) as EditableEvent;
    e['requestParameters']['key'] = 'reports/q3.csv';
    e['resources'][0]['ARN'] = 'arn:aws:s3:::reports-bucket/reports/q3.csv';
    return e;
  };
  const tagsRead = 'aws s3api get-object-tagging --bucket reports-bucket --key reports/q3.csv';

  it.each([
    [
      'rcp-deny',
      "the bucket owner's resource control policy ReportsOrgOnly",
      (s: Snapshot) =>
        s['organization']['resourceControlPolicies'][1]['Content']['Statement'].push({
          ...denyTagged,
          Principal: '*',
        }),
    ],
    [
      'scp-deny',
      "the caller's service control policy ProtectBucketConfig",
      (s: Snapshot) =>
        s['organization']['serviceControlPolicies'][1]['Content']['Statement'].push(denyTagged),
    ],
    [
      'permissions-boundary',
      "the caller's permissions boundary S3ReadOnlyBoundary",
      (s: Snapshot) => boundaryDocument(s)['Statement'].push(denyTagged),
    ],
    [
      'bucket-policy-explicit-deny',
      'the bucket policy of reports-bucket',
      (s: Snapshot) =>
        s['buckets']['reports-bucket']['policy']['Statement'].push({ ...denyTagged, Principal: '*' }),
    ],
  ] as const)(
    '%s: a Deny of confidential objects in %s leaves only that cause, likely by elimination, settled by reading the object tags',
    (id, _where, edit) => {
      const { finding } = explain(boundedRead(), exampleViewWith(edit));
      expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([[id, 'likely']]);
      expect(finding.rootCauses[0]!.explanation).toContain('Every other check passes');
      expect(finding.rootCauses[0]!.fix.commands).toEqual([tagsRead]);
      expect(finding.rootCauses[0]!.fix.summary).toContain(
        'To settle it, read the tags of the object (s3:ExistingObjectTag/classification)',
      );
    },
  );

  it("AppRole's only Allow for the analytics bucket requires an object tag: the missing identity Allow is likely by elimination and settled by reading the object's tags", () => {
    const view = exampleViewWith((s) => {
      const roles = s['accounts']['111122223333']['authorizationDetails']['RoleDetailList'] as Snapshot[];
      const policies = roles.find((r) => r['RoleName'] === 'AppRole')!['RolePolicyList'] as unknown[];
      policies.push({
        PolicyName: 'tagged-only',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::analytics-bucket/*',
              Condition: { StringEquals: { 's3:ExistingObjectTag/share': 'app' } },
            },
          ],
        },
      });
    });
    const e = scenarioEvent('AppRole reads the analytics bucket it was never granted');
    e['errorMessage'] = 'Access Denied';
    const { finding } = explain(e, view);
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
      ['identity-policy-no-allow', 'likely'],
    ]);
    expect(finding.rootCauses[0]!.fix.commands).toEqual([
      'aws s3api get-object-tagging --bucket analytics-bucket --key daily/2026-11-19.parquet',
    ]);
  });

  it("a cross-account read whose bucket grant to the partner requires an object tag: the missing bucket grant is likely by elimination and settled by reading the object's tags", () => {
    const view = exampleViewWith((s) => {
      const grant = (s['buckets']['reports-bucket']['policy']['Statement'] as Snapshot[]).find(
        (st) => st['Sid'] === 'PartnerReadShared',
      )!;
      grant['Resource'] = 'arn:aws:s3:::reports-bucket/*';
      grant['Condition'] = { StringEquals: { 's3:ExistingObjectTag/share': 'partner' } };
    });
    const { finding } = explain(scenarioEvent('PartnerReader reads outside the shared/ prefix'), view);
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([
      ['cross-account-no-bucket-grant', 'likely'],
    ]);
    expect(finding.rootCauses[0]!.fix.commands).toEqual([
      'aws s3api get-object-tagging --bucket reports-bucket --key private/payroll.csv',
    ]);
  });
});
