/**
 * The AWS SDK v3 clients the live view uses, and how they are built: retry mode 'adaptive' (client-side rate
 * limiting plus exponential backoff on throttling), a few attempts, S3 following region redirects.
 *
 * Cold start (issue 6): the packages of the rarely needed clients are loaded on first use only — EC2
 * (~180 ms of CPU to load, about half of the Lambda's cold start; only a request through a VPC endpoint or a
 * snapshot needs it), KMS (only SSE-KMS objects or buckets), CloudTrail (not read by the view) and STS (issue 15:
 * only a member account's AssumeRole, or an auditor whose account is not given, needs it; not the first event of
 * a single-account deployment). The default clients build them when first read; their commands come from
 * `ec2Sdk()` / `kmsSdk()` / `stsSdk()`.
 */
import type * as CloudTrailSdk from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type * as Ec2Sdk from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import type * as KmsSdk from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import type * as StsSdk from '@aws-sdk/client-sts';
import type { STSClient } from '@aws-sdk/client-sts';
import type * as CredentialProviders from '@aws-sdk/credential-providers';

export interface AwsClients {
  readonly s3: S3Client;
  readonly s3control: S3ControlClient;
  readonly iam: IAMClient;
  readonly ec2: EC2Client;
  readonly kms: KMSClient;
  readonly organizations: OrganizationsClient;
  readonly sts: STSClient;
  readonly cloudtrail: CloudTrailClient;
}

/** Temporary credentials (AssumeRole) in the shape the SDK accepts. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/**
 * Builds the clients for one account and region. `accountId` is null for the auditor's own credentials;
 * for another account, `credentials` are the member role's (AssumeRole) credentials.
 */
export type ClientFactory = (
  accountId: string | null,
  region: string,
  credentials?: TemporaryCredentials,
) => AwsClients;

/** Adaptive retries (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). */
export const RETRY_MODE = 'adaptive';
export const MAX_ATTEMPTS = 4;

export interface DefaultClientOptions {
  readonly profile?: string;
  readonly credentials?: TemporaryCredentials;
}

/*
 * The lazily loaded SDK packages: loaded (synchronously, once: `require` caches them) on the first call. A
 * synchronous `require` rather than `import()`: a getter can use it, and every caller, test mocks included
 * (aws-sdk-client-mock patches the CommonJS classes), sees the same classes. esbuild keeps a `require` of an
 * external package where it is, so the Lambda bundle loads the package only when one of these runs.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- deliberate lazy loads (see above) */
export const ec2Sdk = (): typeof Ec2Sdk => require('@aws-sdk/client-ec2') as typeof Ec2Sdk;
export const kmsSdk = (): typeof KmsSdk => require('@aws-sdk/client-kms') as typeof KmsSdk;
/** STS: AssumeRole into member accounts, GetCallerIdentity when the auditor's account is not given. */
export const stsSdk = (): typeof StsSdk => require('@aws-sdk/client-sts') as typeof StsSdk;
const cloudTrailSdk = (): typeof CloudTrailSdk =>
  require('@aws-sdk/client-cloudtrail') as typeof CloudTrailSdk;
/** Only a named profile (the CLI's --profile) needs the provider chain package; the Lambda never does. */
const credentialProviders = (): typeof CredentialProviders =>
  require('@aws-sdk/credential-providers') as typeof CredentialProviders;
/* eslint-enable @typescript-eslint/no-require-imports */

function clientConfig(region: string, opts: DefaultClientOptions) {
  const credentials =
    opts.credentials ??
    (opts.profile ? credentialProviders().fromNodeProviderChain({ profile: opts.profile }) : undefined);
  return {
    region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: RETRY_MODE,
    ...(credentials ? { credentials } : {}),
  };
}
type ClientConfig = ReturnType<typeof clientConfig>;

/** The clients whose package is loaded when the client is first read. */
const LAZY: { [K in 'ec2' | 'kms' | 'cloudtrail' | 'sts']: (config: ClientConfig) => AwsClients[K] } = {
  ec2: (config) => new (ec2Sdk().EC2Client)(config),
  sts: (config) => new (stsSdk().STSClient)(config),
  kms: (config) => new (kmsSdk().KMSClient)(config),
  cloudtrail: (config) => new (cloudTrailSdk().CloudTrailClient)(config),
};

export function defaultClients(region: string, opts: DefaultClientOptions = {}): AwsClients {
  const config = clientConfig(region, opts);
  const clients = {
    s3: new S3Client({ ...config, followRegionRedirects: true }),
    s3control: new S3ControlClient(config),
    iam: new IAMClient(config),
    organizations: new OrganizationsClient(config),
  };
  for (const [name, build] of Object.entries(LAZY))
    // Built on first read, then a plain property (so `releaseClients` can tell it was built).
    Object.defineProperty(clients, name, {
      configurable: true,
      enumerable: true,
      get(this: object) {
        const client = build(config);
        Object.defineProperty(this, name, { value: client, enumerable: true });
        return client;
      },
    });
  return clients as typeof clients & Pick<AwsClients, keyof typeof LAZY>;
}

/**
 * `base` with the properties of `injected` over it. Unlike a spread, it does not read `base`'s lazy clients
 * (which would load their SDK packages): a lazy client is copied as the getter it is.
 */
export function withInjected(base: Partial<AwsClients>, injected: Partial<AwsClients>): AwsClients {
  return Object.defineProperties(
    Object.defineProperties({}, Object.getOwnPropertyDescriptors(base)),
    Object.getOwnPropertyDescriptors(injected),
  ) as AwsClients;
}

/** Destroys the clients that were built; a lazy client never read is not built just to be destroyed. */
export function releaseClients(clients: AwsClients): void {
  for (const d of Object.values(Object.getOwnPropertyDescriptors(clients)))
    if ('value' in d) (d.value as { destroy(): void }).destroy();
}

/** The region the view starts from: the option, then AWS_REGION / AWS_DEFAULT_REGION, then us-east-1. */
export function baseRegion(region?: string): string {
  return region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** GetBucketLocation's LocationConstraint as a region: null/"" is us-east-1, "EU" is eu-west-1. */
export function regionFromLocation(constraint: string | null | undefined): string {
  if (constraint === undefined || constraint === null || constraint === '') return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}
