/**
 * The AWS SDK v3 clients the live view uses, and how they are built: retry mode 'adaptive' (client-side rate
 * limiting plus exponential backoff on throttling), a few attempts, S3 following region redirects.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

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

export function defaultClients(region: string, opts: DefaultClientOptions = {}): AwsClients {
  const credentials =
    opts.credentials ?? (opts.profile ? fromNodeProviderChain({ profile: opts.profile }) : undefined);
  const config = {
    region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: RETRY_MODE,
    ...(credentials ? { credentials } : {}),
  };
  return {
    s3: new S3Client({ ...config, followRegionRedirects: true }),
    s3control: new S3ControlClient(config),
    iam: new IAMClient(config),
    ec2: new EC2Client(config),
    kms: new KMSClient(config),
    organizations: new OrganizationsClient(config),
    sts: new STSClient(config),
    cloudtrail: new CloudTrailClient(config),
  };
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
