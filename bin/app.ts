#!/usr/bin/env node
/**
 * The CDK app. Settings come from CDK context (cdk.json or `-c key=value`), see docs/DEPLOY.md:
 *   npx cdk synth                                   single account, every bucket
 *   npx cdk deploy -c buckets=a,b -c alertEmail=me@example.com -c slackSecretName=s3-403/slack
 *   npx cdk deploy -c mode=central -c organizationId=o-abc123defg -c externalIdSecretName=s3-403/external-id
 *   npx cdk synth  -c mode=member  (template for CloudFormation StackSets)
 * cdk-nag AwsSolutionsChecks runs on every synth; an unsuppressed error fails it.
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AuditorStack } from '../lib/auditor-stack';
import { readSettings } from '../lib/config';
import { MemberStack } from '../lib/member-stack';

function main(): void {
  const app = new App();
  const settings = readSettings((key) => app.node.tryGetContext(key) as unknown);
  if (settings.mode === 'member') {
    new MemberStack(app, settings.stackName, {
      ...(settings.member.memberRoleName ? { memberRoleName: settings.member.memberRoleName } : {}),
      ...(settings.member.centralEventBusArn
        ? { centralEventBusArn: settings.member.centralEventBusArn }
        : {}),
      ...(settings.member.auditorRoleArn ? { auditorRoleArn: settings.member.auditorRoleArn } : {}),
      createTrail: settings.member.createTrail,
      trail: settings.auditor,
    });
  } else {
    new AuditorStack(app, settings.stackName);
  }
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
}

try {
  main();
} catch (error) {
  // One clear line, no stack trace: bad context values are the usual cause.
  console.error(`s3-403: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
