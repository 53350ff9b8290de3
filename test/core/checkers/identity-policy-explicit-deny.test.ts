/**
 * identity-policy-explicit-deny as the user reads it: a Deny statement of the caller's own identity policies matches
 * the request, and an explicit Deny overrides every Allow:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 */
import { causeOf, exampleViewWith, explain, scenarioEvent } from './helpers';

const CLEANUP = 'arn:aws:iam::111122223333:role/CleanupRole';
const ARCHIVE = 'arn:aws:iam::111122223333:policy/ProtectArchive';
const DELETE = "CleanupRole's inline NoDeletes statement stops DeleteObject";

type View = Parameters<typeof explain>[1];
const denyCause = (scenario: string, view?: View) =>
  causeOf(explain(scenarioEvent(scenario), view).finding, 'identity-policy-explicit-deny');
const denyCheck = (scenario: string, view?: View) =>
  explain(scenarioEvent(scenario), view).finding.checks.find(
    (c) => c.layer === 'identity-policy-explicit-deny',
  );

/** The example snapshot with CleanupRole's inline NoDeletes statement changed. */
const withNoDeletes = (edit: (statement: Record<string, unknown>) => void): View =>
  exampleViewWith((s) => {
    const roles = s['accounts']['111122223333']['authorizationDetails']['RoleDetailList'];
    const role = roles.find((r: { RoleName: string }) => r.RoleName === 'CleanupRole');
    const policy = role['RolePolicyList'].find((p: { PolicyName: string }) => p.PolicyName === 'no-delete');
    edit(policy['PolicyDocument']['Statement'][0]);
  });

describe("identity-policy-explicit-deny: a Deny of the caller's own policies matches", () => {
  it('an inline Deny is named with its policy, statement and the principal it is attached to', () => {
    const c = denyCause(DELETE);
    expect(c).toMatchObject({
      confidence: 'confirmed',
      title: 'Identity policy no-delete explicitly denies s3:DeleteObject (statement NoDeletes)',
      explanation: `Statement NoDeletes of no-delete, attached to ${CLEANUP}, is a Deny that matches this request: Deny statement 1 (NoDeletes) applies to s3:DeleteObject on arn:aws:s3:::reports-bucket/reports/q3.csv. An explicit Deny overrides every Allow, in any policy.`,
    });
    expect(c.evidence).toEqual([
      {
        layer: 'identity-policy',
        statement: 'NoDeletes',
        policy: 'no-delete',
        detail:
          'Deny statement 1 (NoDeletes) applies to s3:DeleteObject on arn:aws:s3:::reports-bucket/reports/q3.csv',
      },
    ]);
  });

  it('an inline policy belongs to this principal alone: the denied action is removed from its statement, with put-role-policy', () => {
    const fix = denyCause(DELETE).fix;
    expect(fix.summary).toBe(
      'Remove s3:DeleteObject from the Action list in statement NoDeletes of no-delete.',
    );
    expect(fix.commands).toEqual([
      'aws iam put-role-policy --role-name CleanupRole --policy-name no-delete --policy-document file://policy.json',
    ]);
    expect(fix.policyPatch).toEqual({
      layer: 'identity-policy',
      policy: 'no-delete',
      statement: 'NoDeletes',
      replaceStatement: {
        Sid: 'NoDeletes',
        Effect: 'Deny',
        Action: 's3:DeleteObjectVersion',
        Resource: 'arn:aws:s3:::reports-bucket/*',
      },
    });
  });

  // A managed policy may be attached to other principals: this one is exempted by aws:PrincipalArn
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn),
  // in a new default version (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html).
  it('a shared managed policy keeps its Deny for everyone else: this principal is exempted by aws:PrincipalArn in a new version', () => {
    const c = denyCause('managed ProtectArchive policy denies writes under archive/');
    expect(c.title).toBe(
      `Identity policy ${ARCHIVE} explicitly denies s3:PutObject (statement DenyArchiveWrites)`,
    );
    expect(c.fix.summary).toBe(
      `Add an aws:PrincipalArn exception for ${CLEANUP} in statement DenyArchiveWrites of ${ARCHIVE}.`,
    );
    expect(c.fix.commands.at(-1)).toBe(
      `aws iam create-policy-version --policy-arn ${ARCHIVE} --policy-document file://policy.json --set-as-default`,
    );
    expect(c.fix.policyPatch).toEqual({
      layer: 'identity-policy',
      policy: ARCHIVE,
      statement: 'DenyArchiveWrites',
      replaceStatement: {
        Sid: 'DenyArchiveWrites',
        Effect: 'Deny',
        Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: 'arn:aws:s3:::reports-bucket/archive/*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': CLEANUP } },
      },
    });
    expect(c.fix.verified).toBe(true);
  });

  // A wildcard in Action matches many actions: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
  it('an inline Deny that matches through a wildcard Action is removed as a whole, and what still denies is named', () => {
    const fix = denyCause(
      DELETE,
      withNoDeletes((st) => {
        st['Action'] = 's3:Delete*';
      }),
    ).fix;
    expect(fix.summary).toBe(
      'Remove the Deny statement (its Action matches through a wildcard) in statement NoDeletes of no-delete.',
    );
    expect(fix.policyPatch).toEqual({
      layer: 'identity-policy',
      policy: 'no-delete',
      removeStatement: 'NoDeletes',
    });
    expect(fix.verified).toBe(true);
    expect(fix.stillDeniedBy).toEqual(['bucket-policy (explicit deny)']);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
  it('a Deny that matched because of where the request came from first advises changing the request', () => {
    const c = denyCause(
      DELETE,
      withNoDeletes((st) => {
        st['Condition'] = { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } };
      }),
    );
    expect(c.explanation).toContain('; aws:SourceIp 203.0.113.25 is not in 10.0.0.0/8.');
    expect(c.fix.summary).toBe(
      'To stay within the policy, send the request from a network address the statement allows (aws:SourceIp 203.0.113.25 is not in 10.0.0.0/8); or remove s3:DeleteObject from the Action list in statement NoDeletes of no-delete.',
    );
  });
});

describe('identity-policy-explicit-deny: ruled out, or not decided', () => {
  it('a role without any matching Deny passes', () => {
    expect(denyCheck('ruled out: a role without identity denies')).toEqual({
      layer: 'identity-policy-explicit-deny',
      status: 'pass',
      detail: 'identity-policy allows s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv',
    });
  });

  it('an anonymous caller has no identity policies: not applicable', () => {
    expect(denyCheck('ruled out: anonymous callers have no identity policies')).toEqual({
      layer: 'identity-policy-explicit-deny',
      status: 'not-applicable',
      detail: 'identity-policy takes no part in this request',
    });
  });

  it("the caller's policies not read: unknown, naming the principal whose policies are missing", () => {
    const view = exampleViewWith((s) => {
      const roles = s['accounts']['111122223333']['authorizationDetails']['RoleDetailList'];
      roles.splice(
        roles.findIndex((r: { RoleName: string }) => r.RoleName === 'CleanupRole'),
        1,
      );
    });
    expect(denyCheck(DELETE, view)).toEqual({
      layer: 'identity-policy-explicit-deny',
      status: 'unknown',
      missing: [
        `the identity-based policies of ${CLEANUP} (notCollected: ${CLEANUP} is not in the snapshot's authorizationDetails for account 111122223333)`,
      ],
    });
  });

  it('a Deny whose condition key is not known could match: unknown, naming the key and the statement', () => {
    const view = withNoDeletes((st) => {
      st['Condition'] = { StringEquals: { 'aws:PrincipalTag/team': 'x' } };
    });
    expect(denyCheck(DELETE, view)).toEqual({
      layer: 'identity-policy-explicit-deny',
      status: 'unknown',
      missing: ['condition key aws:PrincipalTag/team (no-delete #1 (NoDeletes))'],
    });
  });
});

describe('identity-policy-explicit-deny: only a Deny is an explicit deny', () => {
  type PolicyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The example snapshot with the inline policies of a role of account 111122223333 changed. */
  const withRolePolicies = (roleName: string, edit: (policies: PolicyJson[]) => void): View =>
    exampleViewWith((s) => {
      const roles = s['accounts']['111122223333']['authorizationDetails']['RoleDetailList'];
      edit(roles.find((r: { RoleName: string }) => r.RoleName === roleName)['RolePolicyList']);
    });

  it('a role whose policies simply allow nothing: no Deny, so the check passes (the missing Allow is another cause)', () => {
    expect(denyCheck('NoS3Role has no S3 permissions at all')).toEqual({
      layer: 'identity-policy-explicit-deny',
      status: 'pass',
      detail: 'identity-policy does not deny s3:GetObject on arn:aws:s3:::reports-bucket/reports/q3.csv',
    });
  });

  it('only an Allow whose condition could not be decided: no Deny can match, so the check passes rather than unknown', () => {
    const view = withRolePolicies('NoS3Role', (policies) => {
      policies[0]!['PolicyDocument']['Statement'].push({
        Sid: 'ReadIfTeam',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'reports' } },
      });
    });
    expect(denyCheck('NoS3Role has no S3 permissions at all', view)).toEqual({
      layer: 'identity-policy-explicit-deny',
      status: 'pass',
      detail:
        'no Deny statement of the identity policies can match this request (only an Allow could not be decided)',
    });
  });

  it('a second Deny still matches after the first is fixed: the fix is not verified, and the identity policy is named as still denying', () => {
    const view = withRolePolicies('CleanupRole', (policies) => {
      const noDelete = policies.find((p) => p['PolicyName'] === 'no-delete')!;
      noDelete['PolicyDocument']['Statement'].push({
        Sid: 'NoReportDeletes',
        Effect: 'Deny',
        Action: 's3:DeleteObject',
        Resource: 'arn:aws:s3:::reports-bucket/reports/*',
      });
    });
    const fix = denyCause(DELETE, view).fix;
    expect(fix.summary).toBe(
      'Remove s3:DeleteObject from the Action list in statement NoDeletes of no-delete.',
    );
    expect(fix.verified).toBe(false);
    expect(fix.stillDeniedBy).toEqual(expect.arrayContaining(['identity-policy (explicit deny)']));
  });

  it('a copy whose read and write are both denied by an inline statement: both actions are removed from it', () => {
    // CopyObject needs s3:GetObject on the source and s3:PutObject on the target:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
    const view = withNoDeletes((st) => {
      st['Action'] = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'];
    });
    const event = scenarioEvent(DELETE);
    event['eventName'] = 'CopyObject';
    const params = event['requestParameters'] as Record<string, unknown>;
    params['x-amz-copy-source'] = 'reports-bucket/reports/q3.csv';
    params['key'] = 'reports/q3-copy.csv';
    const c = causeOf(explain(event, view).finding, 'identity-policy-explicit-deny');
    expect(c.fix.summary).toBe(
      'Remove s3:GetObject, s3:PutObject from the Action list in statement NoDeletes of no-delete.',
    );
    expect(c.fix.policyPatch?.['replaceStatement']).toMatchObject({ Action: 's3:DeleteObject' });
  });

  it('a copy whose write is undecided only by an Allow, but whose read meets a Deny that could match: unknown, never pass', () => {
    // A Deny whose condition could not be decided may match: the tool cannot rule the explicit deny out.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
    const view = withRolePolicies('NoS3Role', (policies) => {
      policies[0]!['PolicyDocument']['Statement'].push(
        {
          Sid: 'WriteIfTeam',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': 'reports' } },
        },
        {
          Sid: 'NoReadsUnlessTeam',
          Effect: 'Deny',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'reports' } },
        },
      );
    });
    const event = scenarioEvent('NoS3Role has no S3 permissions at all');
    event['eventName'] = 'CopyObject';
    event['readOnly'] = false;
    const params = event['requestParameters'] as Record<string, unknown>;
    params['x-amz-copy-source'] = `${params['bucketName'] as string}/${params['key'] as string}`;
    params['key'] = 'reports/copy.csv';
    const check = explain(event, view).finding.checks.find(
      (c) => c.layer === 'identity-policy-explicit-deny',
    );
    // the Allow's undecided key is not why an explicit deny is unknown: only the Deny's is named
    expect(check).toEqual({
      layer: 'identity-policy-explicit-deny',
      status: 'unknown',
      missing: ['condition key aws:PrincipalTag/team (ec2-only #3 (NoReadsUnlessTeam))'],
    });
  });

  it('no Allow, and a Deny whose condition key is not known: unknown, naming the key, not "does not deny" (an Allow added as the fix could still meet that Deny)', () => {
    const view = withRolePolicies('NoS3Role', (policies) => {
      policies[0]!['PolicyDocument']['Statement'].push({
        Sid: 'NoReadsUnlessTeam',
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'reports' } },
      });
    });
    expect(denyCheck('NoS3Role has no S3 permissions at all', view)).toEqual({
      layer: 'identity-policy-explicit-deny',
      status: 'unknown',
      missing: ['condition key aws:PrincipalTag/team (ec2-only #2 (NoReadsUnlessTeam))'],
    });
  });

  describe('Deny statements next to a missing Allow', () => {
    const withNoS3RoleStatements = (...statements: Record<string, unknown>[]): View =>
      withRolePolicies('NoS3Role', (policies) => {
        policies[0]!['PolicyDocument']['Statement'].push(...statements);
      });
    const NOS3 = 'NoS3Role has no S3 permissions at all';

    it('a Deny whose condition is known not to hold does not deny: pass', () => {
      // the request came over TLS (the record's tlsDetails): aws:SecureTransport is true
      const view = withNoS3RoleStatements({
        Sid: 'NoPlainHttp',
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      expect(denyCheck(NOS3, view)).toMatchObject({ status: 'pass' });
    });

    it('a Deny with one condition met and one not known: only the unknown key is named', () => {
      const view = withNoS3RoleStatements({
        Sid: 'NoReadsUnlessTeamOverTls',
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: {
          Bool: { 'aws:SecureTransport': 'true' },
          StringNotEquals: { 'aws:PrincipalTag/team': 'reports' },
        },
      });
      expect(denyCheck(NOS3, view)).toEqual({
        layer: 'identity-policy-explicit-deny',
        status: 'unknown',
        missing: ['condition key aws:PrincipalTag/team (ec2-only #2 (NoReadsUnlessTeamOverTls))'],
      });
    });

    it('a Deny that matches the read is an explicit deny, even when a Deny of the write could not be decided', () => {
      const view = withNoS3RoleStatements(
        { Sid: 'NoReads', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' },
        {
          Sid: 'NoWritesUnlessTeam',
          Effect: 'Deny',
          Action: 's3:PutObject',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'reports' } },
        },
      );
      const event = scenarioEvent(NOS3);
      event['eventName'] = 'CopyObject';
      event['readOnly'] = false;
      const params = event['requestParameters'] as Record<string, unknown>;
      params['x-amz-copy-source'] = `${params['bucketName'] as string}/${params['key'] as string}`;
      params['key'] = 'reports/copy.csv';
      const c = causeOf(explain(event, view).finding, 'identity-policy-explicit-deny');
      expect(c).toMatchObject({
        confidence: 'confirmed',
        title: 'Identity policy ec2-only explicitly denies s3:GetObject (statement NoReads)',
      });
    });
  });
});
