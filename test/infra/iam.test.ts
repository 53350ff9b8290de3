/**
 * Least privilege: the function role reads exactly what the Lambda calls (LAMBDA_READ_PERMISSIONS: the live view,
 * the simulator and the change lookup; no snapshot-only action, no object content unless readObjectMetadata),
 * publishes to its topic, uses its table, reads its secrets, and nothing else.
 * No policy anywhere in any stack has a "*" (or "service:*") action.
 */
import { LAMBDA_READ_PERMISSIONS, OBJECT_METADATA_PERMISSIONS } from '../../lambdas/adapters/aws/permissions';
import { ACTION_SCOPES } from '../../lib/read-permissions';
import { allStatements, asArray, auditorStack, logicalId, memberStack, resolveIntrinsics } from './helpers';

type Json = Parameters<typeof resolveIntrinsics>[0];
type Statement = Record<string, Json>;

function functionPolicyStatements(template: ReturnType<typeof auditorStack>['template']): Statement[] {
  const id = logicalId(template, 'AWS::IAM::Policy', 'AuditorFunctionPolicy');
  const doc = template.toJSON().Resources[id].Properties.PolicyDocument;
  return resolveIntrinsics(doc.Statement as Json) as Statement[];
}

const actionsOf = (statements: Statement[]) =>
  statements.flatMap((s) => asArray(s.Action as string | string[]));

describe('no wildcard action anywhere', () => {
  const stacks = {
    single: auditorStack().template,
    scoped: auditorStack({ buckets: ['alpha-data'], slackSecretName: 'x', alertEmail: 'a@example.com' })
      .template,
    central: auditorStack({
      centralBus: { organizationId: 'o-abcdefghij' },
      memberAccess: { externalIdSecretName: 'e' },
    }).template,
    member: memberStack({ createTrail: true }).template,
  };
  it.each(Object.entries(stacks))(
    '%s stack: every allowed action is a single, named action',
    (_name, template) => {
      const statements = allStatements(template);
      expect(statements.filter((s) => s.Effect === 'Allow').length).toBeGreaterThan(5);
      for (const s of statements) {
        expect(s.NotAction).toBeUndefined();
        if (s.Effect !== 'Allow') continue;
        for (const action of asArray(s.Action as string | string[])) {
          expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
        }
      }
    },
  );

  it.each(Object.entries(stacks))(
    '%s stack: a wildcard appears only in Deny statements that refuse non-TLS (or TLS < 1.2) requests',
    (_name, template) => {
      const denies = allStatements(template).filter((s) =>
        asArray(s.Action as string[]).some((a) => a.includes('*')),
      );
      for (const s of denies) {
        expect(s.Effect).toBe('Deny');
        expect([
          { Bool: { 'aws:SecureTransport': 'false' } },
          { NumericLessThan: { 's3:TlsVersion': 1.2 } },
        ]).toContainEqual(s.Condition);
      }
    },
  );
});

const SNAPSHOT_ONLY = [
  'organizations:ListAccounts',
  'organizations:ListPolicies',
  'organizations:ListTargetsForPolicy',
];

function lambdaEnvironment(template: ReturnType<typeof auditorStack>['template']): Record<string, string> {
  const fns = Object.values(template.findResources('AWS::Lambda::Function')).filter(
    (f) => f.Properties?.Environment?.Variables?.SNS_TOPIC_ARN !== undefined,
  );
  expect(fns).toHaveLength(1);
  return fns[0]!.Properties.Environment.Variables as Record<string, string>;
}

describe('object content and snapshot-only reads', () => {
  it.each([
    ['single, every bucket', {}],
    ['single, two buckets', { buckets: ['alpha-data', 'beta-data'] }],
    ['central', { centralBus: { organizationId: 'o-abcdefghij' } }],
  ])(
    '%s: by default no s3:GetObject/GetObjectVersion and no snapshot-only organizations action; OBJECT_METADATA=false',
    (_name, props) => {
      const { template } = auditorStack(props);
      const actions = actionsOf(functionPolicyStatements(template));
      for (const a of [...OBJECT_METADATA_PERMISSIONS, ...SNAPSHOT_ONLY]) expect(actions).not.toContain(a);
      expect(actions).toEqual(expect.arrayContaining(['s3:ListBucket', 's3:ListBucketVersions']));
      expect(lambdaEnvironment(template).OBJECT_METADATA).toBe('false');
    },
  );

  it("readObjectMetadata: s3:GetObject and s3:GetObjectVersion on the audited buckets' objects only, OBJECT_METADATA=true", () => {
    const { template } = auditorStack({ buckets: ['alpha-data'], readObjectMetadata: true });
    const statements = functionPolicyStatements(template);
    const withGet = statements.filter((s) => asArray(s.Action as string[]).includes('s3:GetObject'));
    expect(withGet).toHaveLength(1);
    expect(asArray(withGet[0]!.Action as string[])).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:GetObjectVersion']),
    );
    expect(withGet[0]!.Resource).toBe('arn:aws:s3:::alpha-data/*');
    expect(actionsOf(statements).sort()).toEqual(
      [
        ...LAMBDA_READ_PERMISSIONS,
        ...OBJECT_METADATA_PERMISSIONS,
        'sns:Publish',
        'dynamodb:UpdateItem',
      ].sort(),
    );
    for (const a of SNAPSHOT_ONLY) expect(actionsOf(statements)).not.toContain(a);
    expect(lambdaEnvironment(template).OBJECT_METADATA).toBe('true');
  });

  it('the listings for object existence are scoped to the audited buckets', () => {
    const statements = functionPolicyStatements(auditorStack({ buckets: ['alpha-data'] }).template);
    const list = statements.find((s) => asArray(s.Action as string[]).includes('s3:ListBucket'))!;
    expect(asArray(list.Action as string[])).toContain('s3:ListBucketVersions');
    expect(list.Resource).toBe('arn:aws:s3:::alpha-data');
  });

  it('member read role: no object content or snapshot-only action by default; object metadata with readObjectMetadata (prop or context)', () => {
    const readPolicyActions = (template: ReturnType<typeof memberStack>['template']) => {
      const id = logicalId(template, 'AWS::IAM::Policy', 'ReadPolicy');
      const doc = template.toJSON().Resources[id].Properties.PolicyDocument;
      return actionsOf(resolveIntrinsics(doc.Statement as Json) as Statement[]);
    };
    const plain = readPolicyActions(memberStack({}).template);
    for (const a of [...OBJECT_METADATA_PERMISSIONS, ...SNAPSHOT_ONLY]) expect(plain).not.toContain(a);
    expect(plain.sort()).toEqual([...LAMBDA_READ_PERMISSIONS].sort());
    const withProp = readPolicyActions(memberStack({ readObjectMetadata: true }).template);
    expect(withProp.sort()).toEqual([...LAMBDA_READ_PERMISSIONS, ...OBJECT_METADATA_PERMISSIONS].sort());
    const withContext = readPolicyActions(memberStack({}, { readObjectMetadata: 'true' }).template);
    expect(withContext).toEqual(expect.arrayContaining(OBJECT_METADATA_PERMISSIONS));
  });
});

describe('function role permissions', () => {
  const { template } = auditorStack({
    buckets: ['alpha-data', 'beta-data'],
    slackSecretName: 's3-403/slack',
  });
  const statements = functionPolicyStatements(template);

  it('grants exactly LAMBDA_READ_PERMISSIONS (incl. cloudtrail:LookupEvents) + publish, table and secret actions', () => {
    expect(LAMBDA_READ_PERMISSIONS).toContain('cloudtrail:LookupEvents');
    expect(actionsOf(statements).sort()).toEqual(
      [
        ...LAMBDA_READ_PERMISSIONS,
        'sns:Publish',
        'dynamodb:UpdateItem',
        'secretsmanager:GetSecretValue',
      ].sort(),
    );
  });

  it('grants no write action beyond its own topic and table', () => {
    const own = new Set(['sns:Publish', 'dynamodb:UpdateItem']);
    for (const action of actionsOf(statements).filter((a) => !own.has(a))) {
      expect(action).toMatch(/:(Get|List|Describe|Head|Lookup|Simulate)/);
    }
  });

  it('scopes bucket reads to the audited buckets and object reads to their objects', () => {
    const bucketActions = Object.entries(ACTION_SCOPES)
      .filter(([, s]) => s === 'bucket')
      .map(([a]) => a);
    const objectActions = Object.entries(ACTION_SCOPES)
      .filter(([, s]) => s === 'object')
      .map(([a]) => a);
    for (const s of statements) {
      const actions = asArray(s.Action as string | string[]);
      if (actions.some((a) => bucketActions.includes(a))) {
        expect(actions.every((a) => bucketActions.includes(a))).toBe(true);
        expect(s.Resource).toEqual(['arn:aws:s3:::alpha-data', 'arn:aws:s3:::beta-data']);
      }
      if (actions.some((a) => objectActions.includes(a))) {
        expect(s.Resource).toEqual(['arn:aws:s3:::alpha-data/*', 'arn:aws:s3:::beta-data/*']);
      }
    }
  });

  it('uses Resource "*" only for actions that have no resource-level permission', () => {
    for (const s of statements.filter((st) => asArray(st.Resource as string | string[]).includes('*'))) {
      for (const action of asArray(s.Action as string | string[])) expect(ACTION_SCOPES[action]).toBe('none');
    }
  });

  it('publishes only to its topic, uses only its table, reads only the named secret', () => {
    const byAction = (a: string) => statements.find((s) => asArray(s.Action as string[]).includes(a))!;
    expect(byAction('sns:Publish').Resource).toMatch(/^<Ref:"AuditorAlertTopic/);
    expect(String(byAction('dynamodb:UpdateItem').Resource)).toMatch(/^<Fn::GetAtt:\["AuditorDedupTable/);
    expect(byAction('secretsmanager:GetSecretValue').Resource).toBe(
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:s3-403/slack-??????',
    );
  });

  it('reads KMS keys of this account only (the accounts the auditor covers), never arn:aws:kms:*:*:key/*', () => {
    const kms = statements.filter((s) => asArray(s.Action as string[]).includes('kms:GetKeyPolicy'));
    expect(kms).toHaveLength(1);
    expect(kms[0]!.Resource).toBe('arn:aws:kms:*:111122223333:key/*');
    expect(kms[0]!.Condition).toBeUndefined();
  });

  it('has no sts:AssumeRole outside organization mode', () => {
    expect(actionsOf(statements)).not.toContain('sts:AssumeRole');
  });

  it('the role has no managed policies and is assumable by Lambda only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      },
    });
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0]!.Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
  });
});

describe('function role permissions in organization mode', () => {
  const { template } = auditorStack({
    centralBus: { organizationId: 'o-abcdefghij' },
    memberAccess: { memberRoleName: 'audit-reader', externalIdSecretName: 's3-403/external-id' },
  });
  const statements = functionPolicyStatements(template);

  it('may assume only the member role name, in the accounts of the configured organization (aws:ResourceOrgID)', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
    const assume = statements.filter((s) => asArray(s.Action as string[]).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(assume[0]!.Action).toBe('sts:AssumeRole');
    expect(assume[0]!.Resource).toBe('arn:aws:iam::*:role/audit-reader');
    expect(assume[0]!.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-abcdefghij' } });
  });

  it('reads KMS keys of any account only when it belongs to the organization (aws:ResourceOrgID)', () => {
    const kms = statements.filter((s) => asArray(s.Action as string[]).includes('kms:GetKeyPolicy'));
    expect(kms).toHaveLength(1);
    expect(kms[0]!.Resource).toBe('arn:aws:kms:*:*:key/*');
    expect(kms[0]!.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-abcdefghij' } });
  });

  it('reads the external id secret by name and passes its name (not its value) to the handler', () => {
    const read = statements.filter((s) => s.Sid === 'ReadExternalId');
    expect(read[0]!.Resource).toBe(
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:s3-403/external-id-??????',
    );
    const env = Object.values(template.findResources('AWS::Lambda::Function'))[0]!.Properties.Environment
      .Variables;
    expect(env.EXTERNAL_ID_PARAM).toBe('s3-403/external-id');
    expect(env.MEMBER_ROLE_NAME).toBe('audit-reader');
  });

  it('scopes Organizations reads to the organization', () => {
    const orgResources = statements
      .filter((s) => asArray(s.Action as string[]).some((a) => a === 'organizations:DescribePolicy'))
      .flatMap((s) => asArray(s.Resource as string[]));
    expect(orgResources).toContain('arn:aws:organizations::*:policy/o-abcdefghij/*');
  });
});
