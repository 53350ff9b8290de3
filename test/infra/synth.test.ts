/**
 * The real thing, once: `npx cdk synth` through the CLI and cdk.json, with NO AWS credentials and (where the
 * kernel allows an unprivileged network namespace, `unshare -rn`) NO network. This is the one test that runs
 * the real local esbuild bundle (no Docker).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('AWS_') && !k.startsWith('CDK_')) env[k] = v;
  return {
    ...env,
    HOME: tempDir('s3-403-home-'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

const offline = spawnSync('unshare', ['-rn', 'true']).status === 0;

/** The cdk-nag report of a synth: every AwsSolutions rule is Compliant or Suppressed, none Non-Compliant. */
function nagCompliance(out: string, stack: string): Set<string> {
  const csv = fs.readFileSync(path.join(out, `AwsSolutions--${stack}-NagReport.csv`), 'utf8');
  return new Set(
    csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('","')[2]!),
  );
}

function run(args: string[], env: NodeJS.ProcessEnv) {
  const [cmd, ...rest] = offline ? ['unshare', '-rn', ...args] : args;
  return spawnSync(cmd!, rest, { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
}

describe(`npx cdk synth without credentials${offline ? ' and without network' : ''}`, () => {
  it('synthesizes the auditor stack, bundling the handler locally with esbuild (minified, no source map unless -c sourceMaps=true)', () => {
    const out = tempDir('s3-403-cdkout-');
    const result = run(['npx', 'cdk', 'synth', '--quiet', '--no-notices', '-o', out], cleanEnv());
    expect(result.stderr + result.stdout).not.toMatch(/docker/i);
    expect(result.status).toBe(0);
    // the app applies cdk-nag AwsSolutionsChecks: its report is there and nothing is Non-Compliant
    expect(nagCompliance(out, 'S3AccessDeniedAuditor')).toEqual(new Set(['Compliant', 'Suppressed']));
    const template = JSON.parse(
      fs.readFileSync(path.join(out, 'S3AccessDeniedAuditor.template.json'), 'utf8'),
    );
    const fn = Object.values(
      template.Resources as Record<string, { Type: string; Metadata?: Record<string, string> }>,
    ).find((r) => r.Type === 'AWS::Lambda::Function')!;
    const assetDir = path.join(out, fn.Metadata!['aws:asset:path']!);
    const code = fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8');
    expect(fs.existsSync(path.join(assetDir, 'index.js.map'))).toBe(false);
    expect(code).not.toContain('sourceMappingURL');
    expect(code).toMatch(/handler:\s*\(\)\s*=>/); // the bundle exports `handler`
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000); // minified: long lines
    // AWS SDK v3 is left to the Node.js 22 runtime (NodejsFunction default for Node >= 18 runtimes).
    expect(code).toMatch(/require\("@aws-sdk\/client-[a-z0-9-]+"\)/);
  }, 300_000);

  it('synthesizes the member stack template for StackSets (-c mode=member)', () => {
    const out = tempDir('s3-403-cdkout-');
    const result = run(
      ['npx', 'cdk', 'synth', '--quiet', '--no-notices', '-c', 'mode=member', '-o', out],
      cleanEnv(),
    );
    expect(result.status).toBe(0);
    expect(nagCompliance(out, 'S3AccessDeniedMember')).toEqual(new Set(['Compliant', 'Suppressed']));
    const template = JSON.parse(
      fs.readFileSync(path.join(out, 'S3AccessDeniedMember.template.json'), 'utf8'),
    );
    expect(Object.keys(template.Parameters)).toEqual([
      'CentralEventBusArn',
      'AuditorRoleArn',
      'ExternalId',
      'ReadRoleRegion',
    ]);
  }, 300_000);

  it('-c regions: the auditor in the home Region, one forwarder stack per other Region, and one line naming them', () => {
    const out = tempDir('s3-403-cdkout-');
    const result = spawnSync('npx', ['tsx', 'bin/app.ts'], {
      cwd: ROOT,
      env: cleanEnv({
        CDK_CONTEXT_JSON: JSON.stringify({
          regions: 'us-east-1,eu-west-1,ap-southeast-2',
          homeRegion: 'us-east-1',
          'aws:cdk:bundling-stacks': [],
        }),
        CDK_OUTDIR: out,
      }),
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      's3-403: Regions covered: us-east-1 (auditor), eu-west-1, ap-southeast-2 (forwarders to us-east-1).',
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([id, a]) => [id, a.environment]);
    expect(stacks).toEqual([
      ['S3AccessDeniedAuditor', 'aws://unknown-account/us-east-1'],
      ['S3AccessDeniedAuditor-Forwarder-eu-west-1', 'aws://unknown-account/eu-west-1'],
      ['S3AccessDeniedAuditor-Forwarder-ap-southeast-2', 'aws://unknown-account/ap-southeast-2'],
    ]);
  }, 240_000);

  it('without -c regions the app says that only the deployment Region is covered', () => {
    const result = spawnSync('npx', ['tsx', 'bin/app.ts'], {
      cwd: ROOT,
      env: cleanEnv({
        CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [] }),
        CDK_OUTDIR: tempDir('s3-403-cdkout-'),
      }),
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(
      /^s3-403: Regions covered: the deployment Region only\. Denials on buckets in other Regions are not seen/m,
    );
  }, 240_000);

  it('a bad context value stops the app with exit 2 and one line naming the key', () => {
    const result = spawnSync('npx', ['tsx', 'bin/app.ts'], {
      cwd: ROOT,
      env: cleanEnv({ CDK_CONTEXT_JSON: JSON.stringify({ mode: 'central' }), CDK_OUTDIR: os.tmpdir() }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      's3-403: context "organizationId": is required with -c mode=central (the o-… id of your organization)',
    );
  }, 60_000);
});
