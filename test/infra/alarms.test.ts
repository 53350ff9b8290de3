/**
 * Failures are heard: every alarm has an action (Control Tower CT.CLOUDWATCH.PR.1), the alert topic by default or
 * `-c alarmTopicArn`; the alert topic lets this account's CloudWatch alarms publish
 * (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger); a small dashboard shows the
 * dead letters, the queue, the function and the dedup table.
 */
import { ConfigError, readSettings } from '../../lib/config';
import { auditorStack, logicalId, memberStack } from './helpers';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:ops-alarms';

describe('alarm actions', () => {
  it('by default every alarm notifies the alert topic, whose policy admits CloudWatch alarms of this account', () => {
    const { template } = auditorStack();
    const topicId = logicalId(template, 'AWS::SNS::Topic');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0]!.Properties
      .PolicyDocument;
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Sid: 'CloudWatchAlarmsOfThisAccount',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
      }),
    );
  });

  it('-c alarmTopicArn: every alarm and the forwarded-alarm rule notify that topic instead', () => {
    const { template } = auditorStack(
      {},
      { alarmTopicArn: TOPIC, regions: 'eu-west-1', homeRegion: 'us-east-1' },
    );
    for (const a of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(a.Properties.AlarmActions).toEqual([TOPIC]);
    }
    const rule = Object.entries(template.findResources('AWS::Events::Rule')).find(([id]) =>
      id.includes('ForwardedAlarmRule'),
    )![1];
    expect(rule.Properties.Targets[0].Arn).toBe(TOPIC);
  });

  it('-c alarmTopicArn must be an SNS topic ARN', () => {
    expect(() => readSettings((k) => ({ alarmTopicArn: 'ops-alarms' })[k])).toThrow(ConfigError);
    expect(() => readSettings((k) => ({ alarmTopicArn: 'ops-alarms' })[k])).toThrow(
      'context "alarmTopicArn": "ops-alarms" is not an SNS ARN',
    );
  });

  it('member stacks: the forwarder dead-letter alarm has an action too', () => {
    const { template } = memberStack();
    for (const a of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(a.Properties.AlarmActions).toHaveLength(1);
    }
  });
});

describe('dashboard', () => {
  it('shows the dead-letter queue depth and the dedup table metrics', () => {
    const { template } = auditorStack();
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const metric of [
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      'ConsumedWriteCapacityUnits',
      'ConditionalCheckFailedRequests',
      'ThrottledRequests',
      'Errors',
    ]) {
      expect(body).toContain(metric);
    }
    expect(body).toContain(logicalId(template, 'AWS::SQS::Queue', 'DeadLetterQueue'));
    expect(body).toContain(logicalId(template, 'AWS::DynamoDB::Table'));
  });
});
