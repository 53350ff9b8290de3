/**
 * Fails fast when there are no AWS credentials: the default Node.js credential chain (environment, SSO, shared
 * config/credentials files with the profile, process, web identity, container and instance metadata), with
 * short metadata timeouts and a hard overall limit. AWS_EC2_METADATA_DISABLED=true skips instance metadata
 * (the SDK's remote provider honours it).
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

export const NO_CREDENTIALS_MESSAGE =
  'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile, or use --snapshot FILE for offline analysis';

/** The whole resolution gives up after this long. */
export const CREDENTIALS_TIMEOUT_MS = 5_000;

export async function checkCredentials(
  opts: { region?: string; profile?: string },
  timeoutMs = CREDENTIALS_TIMEOUT_MS,
): Promise<void> {
  const provider = fromNodeProviderChain({
    ...(opts.profile ? { profile: opts.profile } : {}),
    // Instance / container metadata: one short attempt, so a laptop does not hang on 169.254.169.254.
    timeout: 1_000,
    maxRetries: 0,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), Math.min(timeoutMs, CREDENTIALS_TIMEOUT_MS));
    timer.unref();
  });
  try {
    const creds = await Promise.race([provider(), timeout]);
    if (!creds.accessKeyId || !creds.secretAccessKey) throw new Error('empty credentials');
  } catch {
    throw new Error(NO_CREDENTIALS_MESSAGE);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
