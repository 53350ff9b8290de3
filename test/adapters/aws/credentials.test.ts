import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCredentials, NO_CREDENTIALS_MESSAGE } from '../../../lambdas/adapters/aws';

// Issue 5 item 6: with no credentials, fail fast (< 5 s, no instance-metadata hang) with one line.
// The chain: https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-credentials-node.html
const CREDENTIAL_ENV = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
];

describe('checkCredentials', () => {
  const saved: Record<string, string | undefined> = {};
  let dir: string;
  beforeEach(() => {
    for (const k of CREDENTIAL_ENV) saved[k] = process.env[k];
    dir = mkdtempSync(join(tmpdir(), 's3-403-creds-'));
    for (const k of CREDENTIAL_ENV) delete process.env[k];
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    writeFileSync(process.env.AWS_CONFIG_FILE, '');
    writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, '');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const k of CREDENTIAL_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('fails fast with one line saying how to provide credentials or use --snapshot', async () => {
    const t0 = Date.now();
    await expect(checkCredentials({ region: 'us-east-1' })).rejects.toThrow(NO_CREDENTIALS_MESSAGE);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(NO_CREDENTIALS_MESSAGE).not.toContain('\n');
    expect(NO_CREDENTIALS_MESSAGE).toMatch(/^no AWS credentials found: .*--profile.*--snapshot FILE/);
  });

  it('fails the same way for a profile that does not exist', async () => {
    await expect(checkCredentials({ profile: 'nope' })).rejects.toThrow(NO_CREDENTIALS_MESSAGE);
  });

  it('gives up after the hard timeout when a credential source hangs (here: a credential_process that sleeps)', async () => {
    writeFileSync(process.env.AWS_CONFIG_FILE ?? '', '[profile slow]\ncredential_process = sleep 0.6\n');
    const t0 = Date.now();
    await expect(checkCredentials({ profile: 'slow' }, 200)).rejects.toThrow(NO_CREDENTIALS_MESSAGE);
    expect(Date.now() - t0).toBeLessThan(550);
    // Let the abandoned chain finish (the ini and the process providers each run the 0.6 s process) before the
    // test environment is torn down.
    await new Promise((r) => setTimeout(r, 2_000));
  });

  it('resolves with environment credentials', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    await expect(checkCredentials({})).resolves.toBeUndefined();
  });

  it('resolves with a named profile from the shared credentials file', async () => {
    writeFileSync(
      process.env.AWS_SHARED_CREDENTIALS_FILE ?? '',
      '[audit]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = secret\n',
    );
    await expect(checkCredentials({ profile: 'audit' })).resolves.toBeUndefined();
  });
});
