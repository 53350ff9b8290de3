#!/usr/bin/env node
/**
 * The CDK app. Settings come from CDK context (cdk.json, cdk.context.json or `-c key=value`), see docs/DEPLOY.md:
 *   npx cdk synth                                   single account, every bucket, this Region
 *   npx cdk deploy -c buckets=a,b -c alertEmail=me@example.com -c slackSecretName=s3-403/slack
 *   npx cdk deploy --all -c regions=us-east-1,eu-west-1   the auditor here, a forwarder stack in every other Region
 *   npx cdk deploy -c mode=central -c organizationId=o-abc123defg -c externalIdSecretName=s3-403/external-id
 *   npx cdk synth  -c mode=member  (template for CloudFormation StackSets)
 * `npm run regions` writes the Regions that hold the account's buckets into cdk.context.json (needs credentials;
 * synth itself never does). cdk-nag AwsSolutionsChecks runs on every synth; an unsuppressed error fails it.
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AUDITOR_DEFAULTS, auditorRoleNameForRegions } from '../lib/access-denied-auditor';
import { AuditorStack } from '../lib/auditor-stack';
import { coverage, DeploySettings, readSettings } from '../lib/config';
import { MemberStack } from '../lib/member-stack';
import { forwarderStackName, RegionalForwarderStack } from '../lib/regional-forwarder-stack';

function main(): void {
  const app = new App();
  // CDK_DEFAULT_REGION: the CLI's Region (AWS_REGION or the profile), known offline.
  const settings = readSettings(
    (key) => app.node.tryGetContext(key) as unknown,
    process.env.CDK_DEFAULT_REGION,
  );
  if (settings.mode === 'member') {
    new MemberStack(app, settings.stackName, {
      ...(settings.member.memberRoleName ? { memberRoleName: settings.member.memberRoleName } : {}),
      ...(settings.member.centralEventBusArn
        ? { centralEventBusArn: settings.member.centralEventBusArn }
        : {}),
      ...(settings.member.auditorRoleArn ? { auditorRoleArn: settings.member.auditorRoleArn } : {}),
      createTrail: settings.member.createTrail,
      trail: settings.auditor,
      vpcEndpointDenials: settings.auditor.vpcEndpointDenials ?? false,
      encryptionKey: settings.auditor.encryptionKey ?? 'aws',
    });
    console.error('s3-403: Regions covered: every Region that runs a stack instance of this member template');
  } else {
    addAuditorStacks(app, settings);
    console.error(`s3-403: ${coverage(settings)}`);
  }
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
}

/** The auditor in the home Region and, with -c regions, one forwarder stack per other Region. */
function addAuditorStacks(app: App, settings: DeploySettings): void {
  const { home, forwarded } = settings.regions;
  new AuditorStack(app, settings.stackName, forwarded.length > 0 ? { env: { region: home! } } : {});
  const auditor = settings.auditor;
  for (const region of forwarded) {
    new RegionalForwarderStack(app, forwarderStackName(settings.stackName, region), {
      env: { region },
      homeRegion: home!,
      auditorRoleName: auditor.auditorRoleName ?? auditorRoleNameForRegions(),
      ...(auditor.memberAccess
        ? { memberRoleName: auditor.memberAccess.memberRoleName ?? AUDITOR_DEFAULTS.memberRoleName }
        : {}),
      vpcEndpointDenials: auditor.vpcEndpointDenials ?? false,
      encryptionKey: auditor.encryptionKey ?? 'aws',
      ...(auditor.alertEmail ? { alertEmail: auditor.alertEmail } : {}),
    });
  }
}

try {
  main();
} catch (error) {
  // One clear line, no stack trace: bad context values are the usual cause.
  console.error(`s3-403: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
