/**
 * AWS Control Tower proactive controls (the cfn-guard rules bundled in @cdklabs/cdk-validator-cfnguard, run by
 * its cfn-guard binary, offline) over every deploy shape, next to cdk-nag (nag.test.ts):
 *  - through CDK's policy-validation plugin interface (App policyValidationBeta1): zero unacknowledged
 *    violations, and every acknowledgement (lib/guard.ts, on the construct it concerns) carries its reason;
 *  - the plugin alone on the same template: the rules that fail are exactly the acknowledged ones, so no
 *    acknowledgement is stale and none hides a second rule;
 *  - docs/DEPLOY.md lists every acknowledged control with its reason.
 * Controls: https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack } from 'aws-cdk-lib';
import { AuditorStack } from '../../lib/auditor-stack';
import { GUARD_PLUGIN } from '../../lib/guard';
import { MemberStack } from '../../lib/member-stack';
import { RegionalForwarderStack } from '../../lib/regional-forwarder-stack';
import { NO_BUNDLING } from './helpers';

type Build = (app: App) => Stack;

const SHAPES: Record<string, Build> = {
  'single account, defaults': (app) => new AuditorStack(app, 'Auditor'),
  central: (app) =>
    new AuditorStack(app, 'Auditor', {
      auditor: {
        centralBus: { organizationId: 'o-abcdefghij' },
        memberAccess: { externalIdSecretName: 's3-403/external-id' },
        slackSecretName: 's3-403/slack',
      },
    }),
  'single account, customer managed key, VPC endpoint denials, one forwarded Region': (app) =>
    new AuditorStack(app, 'Auditor', {
      auditor: { encryptionKey: 'customer', vpcEndpointDenials: true, forwardedRegions: ['eu-west-1'] },
    }),
  member: (app) => new MemberStack(app, 'Member'),
  'member with trail and customer managed key': (app) =>
    new MemberStack(app, 'Member', {
      createTrail: true,
      encryptionKey: 'customer',
      vpcEndpointDenials: true,
    }),
  'regional forwarder': (app) =>
    new RegionalForwarderStack(app, 'Forwarder', {
      env: { region: 'eu-west-1' },
      homeRegion: 'us-east-1',
      auditorRoleName: 's3-403-auditor',
    }),
  'regional forwarder, customer managed key': (app) =>
    new RegionalForwarderStack(app, 'Forwarder', {
      env: { region: 'eu-west-1' },
      homeRegion: 'us-east-1',
      auditorRoleName: 's3-403-auditor',
      encryptionKey: 'customer',
    }),
};

interface Violation {
  ruleName: string;
  description: string;
  violatingConstructs: Array<{ constructPath: string }>;
  reason?: string;
  acknowledgedAt?: string;
}
interface Report {
  pluginReports: Array<{
    pluginName: string;
    conclusion: string;
    violations: Violation[];
    suppressedViolations?: Violation[];
  }>;
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Synthesizes one shape with the guard plugin registered; returns the report and the template file. */
function synthWithGuard(build: Build): {
  report: Violation[][];
  acknowledged: Violation[];
  templateFile: string;
} {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-403-guard-'));
  tempDirs.push(outdir);
  const app = new App({
    outdir,
    context: { ...NO_BUNDLING },
    policyValidationBeta1: [new CfnGuardValidator()],
  });
  const stack = build(app);
  app.synth(); // throws on any unacknowledged violation
  const reportFile = path.join(outdir, 'validation-report.json');
  const reports = fs.existsSync(reportFile)
    ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report).pluginReports.filter(
        (r) => r.pluginName === GUARD_PLUGIN,
      )
    : [];
  return {
    report: reports.map((r) => r.violations),
    acknowledged: reports.flatMap((r) => r.suppressedViolations ?? []),
    templateFile: path.join(outdir, `${stack.artifactId}.template.json`),
  };
}

/** The rule names the plugin reports on a template, without any acknowledgement. */
function failingRules(templateFile: string): string[] {
  const result = new CfnGuardValidator().validate({ templatePaths: [templateFile], appConstruct: new App() });
  return [...new Set(result.violations.map((v) => v.ruleName))].sort();
}

const DEPLOY_MD = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'DEPLOY.md'), 'utf8');

describe.each(Object.entries(SHAPES))('Control Tower guard rules: %s', (_name, build) => {
  const { report, acknowledged, templateFile } = synthWithGuard(build);

  it('has no unacknowledged violation', () => {
    expect(report.flat()).toEqual([]);
  });

  it('every acknowledgement names its rule and gives a reason of at least one sentence', () => {
    for (const a of acknowledged) {
      expect(a.acknowledgedAt).toBeTruthy();
      expect(a.reason?.length ?? 0).toBeGreaterThanOrEqual(80);
    }
  });

  it('the rules failing without acknowledgements are exactly the acknowledged ones (none stale, none hidden)', () => {
    const acknowledgedRules = [...new Set(acknowledged.map((a) => a.ruleName))].sort();
    expect(failingRules(templateFile)).toEqual(acknowledgedRules);
  });

  it('docs/DEPLOY.md lists every acknowledged control', () => {
    for (const a of acknowledged) {
      const control = /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(a.description)?.[1];
      expect(control).toBeDefined();
      expect(DEPLOY_MD).toContain(control!);
    }
  });
});

describe('the guard plugin itself, offline', () => {
  it('ships the Control Tower rules and runs its bundled cfn-guard binary: a queue without a dead-letter queue fails CT.SQS.PR.1', () => {
    const plugin = new CfnGuardValidator();
    expect(plugin.ruleIds?.length ?? 0).toBeGreaterThan(100);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-403-guard-'));
    tempDirs.push(dir);
    const file = path.join(dir, 'bad.template.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } } },
      }),
    );
    const result = plugin.validate({ templatePaths: [file], appConstruct: new App() });
    expect(result.success).toBe(false);
    expect(result.violations.map((v) => v.ruleName)).toContain('sqs_dlq_check');
  });
});
