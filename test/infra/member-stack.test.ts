/**
 * The member stack (organization mode): forwards denials to the central bus, gives the central auditor a
 * read-only role behind an external id, and has no trail unless asked (organization trails).
 */
import * as path from 'node:path';
import { LAMBDA_READ_PERMISSIONS } from '../../lambdas/adapters/aws/permissions';
import { RULE_STATE_ALL_MANAGEMENT } from '../../lib/event-patterns';
import { CHANGE_LOOKUP_PERMISSIONS } from '../../lib/read-permissions';
import { matches } from './event-pattern';
import {
  ACCOUNT,
  asArray,
  CORPUS_DIR,
  logicalId,
  memberStack,
  readJson,
  resolveIntrinsics,
  toEnvelope,
} from './helpers';

type Json = Parameters<typeof resolveIntrinsics>[0];

const CENTRAL_ROLE = 'arn:aws:iam::999988887777:role/s3-403-auditor';

describe('MemberStack', () => {
  const { template } = memberStack();

  it('takes the central bus, the auditor role and the external id as parameters (StackSets)', () => {
    template.hasParameter('CentralEventBusArn', { Type: 'String' });
    template.hasParameter('AuditorRoleArn', { Type: 'String' });
    template.hasParameter('ExternalId', { Type: 'String', NoEcho: true });
  });

  it('creates the global read role only in the ReadRoleRegion instance (IAM names are account-wide)', () => {
    template.hasParameter('ReadRoleRegion', { Default: 'us-east-1' });
    template.hasCondition('CreatesReadRole', {
      'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'ReadRoleRegion' }],
    });
    template.hasResource('AWS::IAM::Role', {
      Condition: 'CreatesReadRole',
      Properties: { RoleName: 's3-403-reader' },
    });
    template.hasResource('AWS::IAM::Policy', { Condition: 'CreatesReadRole' });
    template.hasOutput('ReadRoleArn', { Condition: 'CreatesReadRole' });
    // the forwarding rules do not depend on the role, so every Region forwards
    for (const rule of Object.values(template.findResources('AWS::Events::Rule')))
      expect(rule.Condition).toBeUndefined();
  });

  it('needs no bootstrap and no assets (a StackSet instance runs in never-bootstrapped accounts)', () => {
    const json = template.toJSON();
    expect(json.Parameters.BootstrapVersion).toBeUndefined();
    expect(json.Rules?.CheckBootstrapVersion).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/cdk-hnb659fds|AssetParameters|S3Key/);
  });

  it('creates no trail by default (an organization trail already logs the data events)', () => {
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
  });

  it('read role: fixed name, trusts only the auditor role, and only with the external id', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 's3-403-reader',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: { Ref: 'AuditorRoleArn' } },
            Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
          },
        ],
      },
    });
  });

  it('read role may do exactly the Lambda reads (live view, simulator, change lookup), and nothing else', () => {
    const id = logicalId(template, 'AWS::IAM::Policy', 'ReadPolicy');
    const statements = template.toJSON().Resources[id].Properties.PolicyDocument.Statement as Array<
      Record<string, Json>
    >;
    const actions = statements.flatMap((s) => asArray(s.Action as string | string[]));
    expect(actions.sort()).toEqual([...LAMBDA_READ_PERMISSIONS].sort());
    expect(actions).toContain(CHANGE_LOOKUP_PERMISSIONS[0]);
    expect(actions).not.toContain('s3:GetObject');
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('forwards the S3 and KMS denial rules to the central bus, with all management events and a dead-letter queue', () => {
    const all = Object.values(template.findResources('AWS::Events::Rule'));
    const rules = all.filter((r) => r.Properties.EventPattern.source[0] !== 'aws.cloudwatch');
    expect(rules).toHaveLength(2);
    const dlqId = logicalId(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
    for (const rule of rules) {
      expect(rule.Properties.State).toBe(RULE_STATE_ALL_MANAGEMENT);
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { Ref: 'CentralEventBusArn' },
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ForwarderForwardRole/), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        }),
      ]);
    }
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .map((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, Json>>)
      .filter((st) => st.some((s) => s.Action === 'events:PutEvents'));
    expect(policies).toEqual([
      [expect.objectContaining({ Action: 'events:PutEvents', Resource: { Ref: 'CentralEventBusArn' } })],
    ]);
  });

  it('the dead-letter alarm notifies a topic of its Region and its state changes are forwarded to the central bus', () => {
    const alarmId = logicalId(template, 'AWS::CloudWatch::Alarm', 'DeadLetterAlarm');
    const alarm = template.toJSON().Resources[alarmId].Properties;
    const topicId = logicalId(template, 'AWS::SNS::Topic', 'AlarmTopic');
    expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(alarm.AlarmName).toEqual({ 'Fn::Join': ['', ['s3-403-forward-', { Ref: 'AWS::StackName' }]] });
    const forward = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern.source[0] === 'aws.cloudwatch',
    );
    expect(forward).toHaveLength(1);
    expect(forward[0]!.Properties.EventPattern.resources).toEqual([{ 'Fn::GetAtt': [alarmId, 'Arn'] }]);
    expect(forward[0]!.Properties.Targets[0].Arn).toEqual({ Ref: 'CentralEventBusArn' });
  });

  it('loop guard: the read role (this account) and the central auditor role are not forwarded', () => {
    const roleId = logicalId(template, 'AWS::IAM::Role', 'ReadRole');
    const patterns = Object.values(template.findResources('AWS::Events::Rule')).map(
      (r) =>
        resolveIntrinsics(r.Properties.EventPattern as Json, {
          AuditorRoleArn: CENTRAL_ROLE,
          [roleId]: 'unused',
        }) as Record<string, unknown>,
    );
    const base = toEnvelope(
      readJson(path.join(CORPUS_DIR, 'panther_putbucketacl_accessdenied_assumedrole.json')),
    );
    const withIssuer = (arn: string) => {
      const e = structuredClone(base) as {
        detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: string } } } };
      };
      e.detail.userIdentity.sessionContext.sessionIssuer.arn = arn;
      return e;
    };
    const forwarded = (e: unknown) => patterns.some((p) => matches(p, e));
    expect(forwarded(withIssuer(`arn:aws:iam::${ACCOUNT}:role/s3-403-reader`))).toBe(false);
    expect(forwarded(withIssuer(CENTRAL_ROLE))).toBe(false);
    expect(forwarded(withIssuer(`arn:aws:iam::${ACCOUNT}:role/app`))).toBe(true);
    expect(
      forwarded(toEnvelope(readJson(path.join(CORPUS_DIR, 'panther_getobject_accessdenied_iamuser.json')))),
    ).toBe(true);
  });

  it('parameter defaults come from props when given', () => {
    const { template: t } = memberStack({
      centralEventBusArn: 'arn:aws:events:us-east-1:999988887777:event-bus/s3-403-central',
      auditorRoleArn: CENTRAL_ROLE,
      memberRoleName: 'audit-reader',
    });
    t.hasParameter('CentralEventBusArn', {
      Default: 'arn:aws:events:us-east-1:999988887777:event-bus/s3-403-central',
    });
    t.hasParameter('AuditorRoleArn', { Default: CENTRAL_ROLE });
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'audit-reader' });
  });

  it('with createTrail, adds the data-event trail (log bucket excluded)', () => {
    const { template: t } = memberStack({ createTrail: true, trail: { buckets: ['alpha-data'] } });
    t.resourceCountIs('AWS::CloudTrail::Trail', 1);
    const trail = Object.values(t.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    const data = (trail.AdvancedEventSelectors as Array<{ FieldSelectors: Array<Record<string, Json>> }>).at(
      -1,
    )!;
    const arn = data.FieldSelectors.find((f) => f.Field === 'resources.ARN')!;
    expect(resolveIntrinsics(arn.StartsWith as Json)).toEqual(['arn:aws:s3:::alpha-data/']);
    expect(arn.NotStartsWith).toHaveLength(1);
  });
});
