/**
 * Every Region covered: EventBridge receives an S3 data event (and the KMS call S3 made) only in the bucket's
 * Region (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html), so every
 * other Region runs a forwarder stack that sends its denials to the home Region's default bus, with a
 * dead-letter queue whose alarm is heard locally and at home.
 */
import { Aspects } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, coverage, readSettings } from '../../lib/config';
import { FORWARDER_ALARM_PREFIX, forwardedAlarmPattern } from '../../lib/event-patterns';
import { RegionalForwarderStack } from '../../lib/regional-forwarder-stack';
import { matches } from './event-pattern';
import { ACCOUNT, auditorStack, logicalId, nagErrors, newApp, resolveIntrinsics } from './helpers';

type Json = Parameters<typeof resolveIntrinsics>[0];
const reader = (ctx: Record<string, unknown>) => (key: string) => ctx[key];

describe('-c regions and -c homeRegion', () => {
  it('forwards every listed Region but the home Region, which defaults to the CLI Region', () => {
    const s = readSettings(reader({ regions: 'us-east-1, eu-west-1,ap-southeast-2,eu-west-1' }), 'us-east-1');
    expect(s.regions).toEqual({ home: 'us-east-1', forwarded: ['eu-west-1', 'ap-southeast-2'] });
    expect(s.auditor.forwardedRegions).toEqual(['eu-west-1', 'ap-southeast-2']);
  });

  it('-c homeRegion wins over the CLI Region; a JSON list (cdk.context.json) is read too', () => {
    const s = readSettings(
      reader({ regions: ['eu-west-1', 'us-west-2'], homeRegion: 'eu-west-1' }),
      'us-east-1',
    );
    expect(s.regions).toEqual({ home: 'eu-west-1', forwarded: ['us-west-2'] });
  });

  it('without -c regions nothing is forwarded', () => {
    expect(readSettings(reader({}), 'us-east-1').regions).toEqual({ home: 'us-east-1', forwarded: [] });
    expect(readSettings(reader({})).regions).toEqual({ forwarded: [] });
    expect(readSettings(reader({})).auditor.forwardedRegions).toBeUndefined();
  });

  it.each([
    [{ regions: 'eu-west-1' }, undefined, /context "homeRegion": is required with -c regions/],
    [{ regions: 'eu-west-1,mars-1' }, 'us-east-1', /context "regions": "mars-1" is not an AWS Region name/],
    [{ homeRegion: 'EU' }, undefined, /context "homeRegion": "EU" is not an AWS Region name/],
  ])('rejects %j (default Region %s) with one line', (ctx, region, message) => {
    expect(() => readSettings(reader(ctx), region)).toThrow(ConfigError);
    expect(() => readSettings(reader(ctx), region)).toThrow(message);
  });

  it('the app line names the covered Regions, or says that only one is covered', () => {
    expect(coverage(readSettings(reader({ regions: 'us-east-1,eu-west-1' }), 'us-east-1'))).toBe(
      'Regions covered: us-east-1 (auditor), eu-west-1 (forwarders to us-east-1).',
    );
    expect(coverage(readSettings(reader({}), 'eu-central-1'))).toMatch(
      /^Regions covered: eu-central-1 only\. Denials on buckets in other Regions are not seen/,
    );
  });
});

describe('auditor with forwarded Regions', () => {
  const { stack, template } = auditorStack({ forwardedRegions: ['eu-west-1'] });

  it('makes its trail multi-Region: a trail logs a data event only in a Region it covers', () => {
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    expect(trail.IsMultiRegionTrail).toBe(true);
  });

  it('names its function role, which the forwarders exclude by exact ARN (loop guard)', () => {
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 's3-403-auditor' });
  });

  it('routes forwarded dead-letter alarms to the alert topic, published only by that rule', () => {
    const rules = template.findResources('AWS::Events::Rule');
    const ruleId = Object.keys(rules).find((id) => id.includes('ForwardedAlarmRule'))!;
    const rule = rules[ruleId]!.Properties;
    expect(rule.EventPattern).toEqual(forwardedAlarmPattern());
    expect(rule.Targets[0].Arn).toEqual({ Ref: logicalId(template, 'AWS::SNS::Topic') });
    expect(rule.Targets[0].InputTransformer.InputTemplate).toContain('<detail-alarmName>');
    const topicPolicy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0]!.Properties;
    expect(topicPolicy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      }),
    );
  });

  it('has zero cdk-nag errors', () => {
    expect(nagErrors(stack)).toEqual([]);
  });
});

describe('RegionalForwarderStack', () => {
  const app = newApp();
  const stack = new RegionalForwarderStack(app, 'Fwd', {
    env: { region: 'eu-west-1' },
    homeRegion: 'us-east-1',
    auditorRoleName: 's3-403-auditor',
    memberRoleName: 's3-403-reader',
    vpcEndpointDenials: true,
    alertEmail: 'sec@example.com',
  });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  const rules = Object.values(template.findResources('AWS::Events::Rule')).map(
    (r) => resolveIntrinsics(r.Properties as Json) as Record<string, Json>,
  );
  const homeBus = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;

  it('is deployed in its own Region', () => {
    expect(stack.region).toBe('eu-west-1');
  });

  it('forwards S3, KMS and VPC endpoint denials to the home default bus, with a role and a dead-letter queue', () => {
    const denialRules = rules.filter((r) => (r.Description as string).includes('denied'));
    expect(denialRules).toHaveLength(3);
    const dlqId = logicalId(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
    for (const r of denialRules) {
      const target = (r.Targets as Array<Record<string, Json>>)[0]!;
      expect(target.Arn).toBe(homeBus);
      expect(target.RoleArn).toMatch(/^<Fn::GetAtt:\["ForwarderForwardRole/);
      expect(target.DeadLetterConfig).toEqual({ Arn: `<Fn::GetAtt:["${dlqId}","Arn"]>` });
    }
  });

  it("excludes the auditor's and the read role's own denials by exact ARN", () => {
    const s3 = rules.find((r) => JSON.stringify(r.EventPattern).includes('"aws.s3"'))!;
    expect(JSON.stringify(s3.EventPattern)).toContain(
      `{"anything-but":["arn:aws:iam::${ACCOUNT}:role/s3-403-auditor","arn:aws:iam::${ACCOUNT}:role/s3-403-reader"]}`,
    );
  });

  it('the role may only put events on the home bus', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map(
      (p) => resolveIntrinsics(p.Properties.PolicyDocument.Statement as Json) as Array<Record<string, Json>>,
    );
    expect(policies).toEqual([[expect.objectContaining({ Action: 'events:PutEvents', Resource: homeBus })]]);
  });

  it("the dead-letter alarm notifies this Region's topic (e-mail subscribed) and its state changes go home", () => {
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm'))[0]!.Properties;
    expect(alarm.AlarmActions).toEqual([{ Ref: logicalId(template, 'AWS::SNS::Topic') }]);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'sec@example.com',
    });
    const forward = rules.find((r) => JSON.stringify(r.EventPattern).includes('aws.cloudwatch'))!;
    expect((forward.Targets as Array<Record<string, Json>>)[0]!.Arn).toBe(homeBus);
  });

  it("the home rule recognises the forwarder alarm's state change event (and not the auditor's own alarm)", () => {
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
    const event = (alarmName: string) => ({
      version: '0',
      id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: ACCOUNT,
      time: '2026-11-20T10:00:00Z',
      region: 'eu-west-1',
      resources: [`arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${alarmName}`],
      detail: {
        alarmName,
        state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-11-20T10:00:00.000+0000' },
        previousState: { value: 'OK' },
      },
    });
    expect(
      matches(forwardedAlarmPattern(), event(`${FORWARDER_ALARM_PREFIX}S3AccessDeniedAuditor-Fwd`)),
    ).toBe(true);
    expect(matches(forwardedAlarmPattern(), event('S3AccessDeniedAuditor-AuditorDeadLetterAlarm-1X2Y'))).toBe(
      false,
    );
  });

  it('has zero cdk-nag errors', () => {
    expect(nagErrors(stack)).toEqual([]);
  });
});
