/**
 * Deploy settings from CDK context: `-c key=value` strings and cdk.json JSON values, and one-line errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ConfigError, readSettings } from '../../lib/config';
import { auditorStack } from './helpers';

const reader = (ctx: Record<string, unknown>) => (key: string) => ctx[key];

describe('readSettings', () => {
  it('with no context: single mode, construct defaults', () => {
    const s = readSettings(reader({}));
    expect(s.mode).toBe('single');
    expect(s.stackName).toBe('S3AccessDeniedAuditor');
    expect(s.auditor).toEqual({});
  });

  it('reads command-line strings', () => {
    const s = readSettings(
      reader({
        buckets: 'alpha-data, beta-data',
        slackSecretName: 's3-403/slack',
        alertEmail: 'sec@example.com',
        existingTrail: 'true',
        dedupWindowSeconds: '600',
        cacheTtlSeconds: '120',
        logRetentionDays: '14',
        trailLogExpirationDays: '30',
        reservedConcurrency: '3',
        redactKeys: 'true',
      }),
    );
    expect(s.auditor).toEqual({
      buckets: ['alpha-data', 'beta-data'],
      slackSecretName: 's3-403/slack',
      alertEmail: 'sec@example.com',
      existingTrail: true,
      dedupWindow: Duration.seconds(600),
      cacheTtl: Duration.seconds(120),
      logRetention: 14,
      trailLogExpiration: Duration.days(30),
      reservedConcurrency: 3,
      redactKeys: true,
    });
  });

  it('reads cdk.json JSON values, and treats "" as not set', () => {
    const s = readSettings(
      reader({ buckets: ['a-bucket'], existingTrail: false, reservedConcurrency: 2, alertEmail: '' }),
    );
    expect(s.auditor).toEqual({ buckets: ['a-bucket'], existingTrail: false, reservedConcurrency: 2 });
  });

  it('the committed cdk.json context gives the construct defaults', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));
    const s = readSettings(reader(cdkJson.context));
    expect(s.mode).toBe('single');
    expect(s.auditor.buckets).toBeUndefined();
    expect(s.auditor.dedupWindow?.toSeconds()).toBe(900);
    expect(s.auditor.cacheTtl?.toSeconds()).toBe(300);
    expect(s.auditor.reservedConcurrency).toBe(5);
  });

  it('cdk.json carries every recommended feature flag of the installed CDK CLI (what `cdk init` writes)', () => {
    const root = path.join(__dirname, '..', '..');
    const cdkJson = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8'));
    const flagsFile = path.join(
      root,
      'node_modules/aws-cdk/lib/init-templates/.recommended-feature-flags.json',
    );
    const recommended = JSON.parse(fs.readFileSync(flagsFile, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    for (const [flag, value] of Object.entries(recommended))
      expect([flag, cdkJson.context[flag]]).toEqual([flag, value]);
    expect(cdkJson.app).toBe('npx tsx bin/app.ts');
  });

  it('central mode needs the organization id and turns on member access', () => {
    const s = readSettings(
      reader({ mode: 'central', organizationId: 'o-abcdefghij', externalIdSecretName: 'ext' }),
    );
    expect(s.auditor.centralBus).toEqual({ organizationId: 'o-abcdefghij' });
    expect(s.auditor.memberAccess).toEqual({ externalIdSecretName: 'ext' });
  });

  it('member mode reads the StackSet parameter defaults', () => {
    const s = readSettings(
      reader({
        mode: 'member',
        memberTrail: 'true',
        centralEventBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/b',
      }),
    );
    expect(s.stackName).toBe('S3AccessDeniedMember');
    expect(s.member).toEqual({
      createTrail: true,
      centralEventBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/b',
    });
  });

  it.each([
    [{ mode: 'cluster' }, 'context "mode": "cluster" is not one of single, central, member'],
    [
      { mode: 'central' },
      'context "organizationId": is required with -c mode=central (the o-… id of your organization)',
    ],
    [{ existingTrail: 'yes' }, 'context "existingTrail": expected true or false, got "yes"'],
    [{ readObjectMetadata: 'on' }, 'context "readObjectMetadata": expected true or false, got "on"'],
    [{ reservedConcurrency: 'many' }, 'context "reservedConcurrency": expected a whole number, got "many"'],
    [
      { logRetentionDays: '42' },
      /^context "logRetentionDays": 42 is not a CloudWatch Logs retention \(1, 3, 5, 7/,
    ],
    [{ trailLogExpirationDays: '0' }, 'context "trailLogExpirationDays": must be at least 1 day'],
    [{ buckets: 5 }, 'context "buckets": expected a comma-separated list, got 5'],
    [{ slackSecretName: true }, 'context "slackSecretName": expected a string, got true'],
  ])('bad value %j gives one line naming the key', (ctx, message) => {
    let error: unknown;
    try {
      readSettings(reader(ctx));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });
});

describe('AuditorStack reads its settings from context', () => {
  it('-c buckets=… -c slackSecretName=… -c alertEmail=… change the stack without code changes', () => {
    const { template } = auditorStack(
      {},
      { buckets: 'ctx-bucket', slackSecretName: 'ctx/slack', alertEmail: 'ctx@example.com' },
    );
    template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'ctx@example.com' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SLACK_SECRET_NAME: 'ctx/slack' }) },
    });
    expect(JSON.stringify(template.toJSON())).toContain(':s3:::ctx-bucket/');
  });

  it('-c sourceMaps=true ships the source map and turns on --enable-source-maps; unset = neither', () => {
    expect(readSettings(reader({ sourceMaps: 'true' })).auditor).toEqual({ sourceMaps: true });
    const env = (t: ReturnType<typeof auditorStack>['template']) =>
      Object.values(t.findResources('AWS::Lambda::Function'))[0]!.Properties.Environment.Variables as Record<
        string,
        unknown
      >;
    expect(env(auditorStack({}, { sourceMaps: 'true' }).template).NODE_OPTIONS).toBe('--enable-source-maps');
    expect(env(auditorStack({}, { sourceMaps: 'false' }).template).NODE_OPTIONS).toBeUndefined();
    expect(env(auditorStack().template).NODE_OPTIONS).toBeUndefined();
  });

  it('-c readObjectMetadata=true grants object metadata reads and sets OBJECT_METADATA=true; unset = false', () => {
    expect(readSettings(reader({ readObjectMetadata: 'true' })).auditor).toEqual({
      readObjectMetadata: true,
    });
    expect(readSettings(reader({ readObjectMetadata: false })).auditor).toEqual({
      readObjectMetadata: false,
    });
    const on = auditorStack({}, { readObjectMetadata: 'true' }).template;
    on.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OBJECT_METADATA: 'true' }) },
    });
    expect(JSON.stringify(on.toJSON())).toContain('"s3:GetObject"');
    const off = auditorStack().template;
    off.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OBJECT_METADATA: 'false' }) },
    });
    expect(JSON.stringify(off.toJSON())).not.toContain('"s3:GetObject"');
  });

  it('props given in code win over context', () => {
    const { template } = auditorStack({ alertEmail: 'code@example.com' }, { alertEmail: 'ctx@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'code@example.com' });
  });
});
