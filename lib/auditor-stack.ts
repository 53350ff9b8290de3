/**
 * AuditorStack: the stack `cdk deploy` installs (single-account or central mode).
 * Env-agnostic (no account/region lookups), so `cdk synth` works offline without credentials.
 */
import { CfnOutput, Stack, StackProps, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { S3AccessDeniedAuditor, S3AccessDeniedAuditorProps } from './access-denied-auditor';
import { ContextReader, readSettings } from './config';

export interface AuditorStackProps extends StackProps {
  /**
   * Auditor settings. Keys that are set here win over CDK context.
   * @default - read from CDK context (see docs/DEPLOY.md)
   */
  readonly auditor?: S3AccessDeniedAuditorProps;
}

export class AuditorStack extends Stack {
  public readonly auditor: S3AccessDeniedAuditor;

  constructor(scope: Construct, id: string, props: AuditorStackProps = {}) {
    super(scope, id, {
      description:
        's3-403: explains every Amazon S3 AccessDenied (CloudTrail -> EventBridge -> Lambda -> SNS/Slack)',
      ...props,
    });
    const region = Token.isUnresolved(this.region) ? undefined : this.region;
    const fromContext = readSettings((key) => this.node.tryGetContext(key) as unknown, region).auditor;
    this.auditor = new S3AccessDeniedAuditor(this, 'Auditor', { ...fromContext, ...props.auditor });

    new CfnOutput(this, 'AlertTopicArn', {
      value: this.auditor.topic.topicArn,
      description: 'Subscribe here',
    });
    new CfnOutput(this, 'AuditorRoleArn', {
      value: this.auditor.role.roleArn,
      description: 'Member stacks trust this role (parameter AuditorRoleArn)',
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.auditor.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DashboardName', { value: this.auditor.dashboard.dashboardName });
    if (this.auditor.eventBus) {
      new CfnOutput(this, 'CentralEventBusArn', {
        value: this.auditor.eventBus.eventBusArn,
        description: 'Member stacks forward denials here (parameter CentralEventBusArn)',
      });
    }
  }
}

/** For bin/app.ts and tests: the settings as the app reads them. */
export { readSettings };
export type { ContextReader };
