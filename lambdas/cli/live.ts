/**
 * The live AWS side of the command line (explain without --snapshot, snapshot). The AWS adapter is loaded
 * only when a command needs it, so offline commands start fast.
 */
import type { ChangeSource, KmsDenialSource, SimulatorCheck } from '../adapters/explain';
import type { CloudTrailChangeLookup } from '../adapters/changes/cloudtrail-lookup';

type SnapshotChangeSource = Pick<CloudTrailChangeLookup, 'snapshotChanges'>;
import type { AccountView } from '../adapters/types';
import type { S3Client } from '@aws-sdk/client-s3';
import { UsageError } from './errors';
import type { CliIo } from './io';

export interface LiveOptions {
  readonly region?: string;
  readonly profile?: string;
}

export interface CaptureOptions extends LiveOptions {
  readonly buckets: string[];
  readonly principals: string[];
  readonly allIam: boolean;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export interface LiveAws {
  checkCredentials(opts: LiveOptions): Promise<void>;
  AwsAccountView: new (opts: LiveOptions) => AccountView;
  captureSnapshot(opts: CaptureOptions): Promise<{ snapshot: unknown; problems: string[] }>;
  /** CloudTrail LookupEvents for "what changed" (optional: without it, changes are not attributed). */
  changeSource?(opts: LiveOptions): ChangeSource & Partial<KmsDenialSource> & Partial<SnapshotChangeSource>;
  /** AWS's policy simulator as a second opinion on same-account identity decisions (optional). */
  simulator?(opts: LiveOptions): SimulatorCheck;
  /** An S3 client for `explain --trail-bucket` (reads the trail's log objects). */
  s3Client?(opts: LiveOptions): S3Client;
  /** Whether a named profile is in the shared config or credentials file (AWS_CONFIG_FILE, …). */
  profileExists?(name: string): Promise<boolean>;
}

export async function loadLiveAws(io: CliIo): Promise<LiveAws> {
  if (io.aws) return io.aws;
  // Loaded on demand (CommonJS require): the AWS SDK is not needed, nor loaded, for offline commands.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const mod = require('../adapters/aws') as typeof import('../adapters/aws');
  const changes =
    require('../adapters/changes/cloudtrail-lookup') as typeof import('../adapters/changes/cloudtrail-lookup');
  const cloudtrail = require('@aws-sdk/client-cloudtrail') as typeof import('@aws-sdk/client-cloudtrail');
  const s3 = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return Promise.resolve({
    checkCredentials: (o) => mod.checkCredentials(o),
    // The CLI reads the session policy from the STS call that issued the caller's session (CloudTrail).
    AwsAccountView: class extends mod.AwsAccountView {
      constructor(o: LiveOptions) {
        super({ ...o, sessionPolicies: true });
      }
    },
    captureSnapshot: (o) => mod.captureSnapshot(o),
    changeSource: (o) => {
      // One client per region: IAM changes are recorded in us-east-1, bucket changes in the bucket's region.
      const byRegion = new Map<string, InstanceType<typeof cloudtrail.CloudTrailClient>>();
      return new changes.CloudTrailChangeLookup(async (_account, region) => {
        let c = byRegion.get(region);
        if (!c) byRegion.set(region, (c = new cloudtrail.CloudTrailClient({ ...o, region })));
        return c;
      });
    },
    profileExists: async (name) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ini = require('@smithy/core/config') as typeof import('@smithy/core/config');
      const files = await ini.loadSharedConfigFiles({ ignoreCache: true });
      return name in files.configFile || name in files.credentialsFile;
    },
    // followRegionRedirects: the trail bucket may live in another Region than --region
    s3Client: (o) => new s3.S3Client({ ...o, region: o.region ?? 'us-east-1', followRegionRedirects: true }),
    simulator: (o) => {
      const clients = mod.defaultClients(o.region ?? 'us-east-1', o.profile ? { profile: o.profile } : {});
      return (r) => mod.crossCheckWithSimulator(r, { iam: clients.iam });
    },
  });
}

/** --profile / --region, else AWS_PROFILE / AWS_REGION / AWS_DEFAULT_REGION (the AWS CLI's meaning). */
export function liveOptions(opts: { profile?: string; region?: string }, env: CliIo['env']): LiveOptions {
  const profile = opts.profile ?? env['AWS_PROFILE'];
  const region = opts.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  return { ...(profile ? { profile } : {}), ...(region ? { region } : {}) };
}

/**
 * Fails fast, as one line, when there are no usable credentials, or when the profile asked for does not
 * exist. `command` names the command in the message, so that it only suggests options the command has
 * (`snapshot` has no --snapshot FILE).
 */
export async function requireCredentials(
  aws: LiveAws,
  opts: LiveOptions,
  command: 'explain' | 'simulate' | 'snapshot' = 'explain',
): Promise<void> {
  if (opts.profile && aws.profileExists && !(await aws.profileExists(opts.profile).catch(() => true))) {
    throw new UsageError(
      `profile ${JSON.stringify(opts.profile)} does not exist (not in the AWS config or credentials file: see aws configure list-profiles)`,
    );
  }
  try {
    await aws.checkCredentials(opts);
  } catch (err) {
    let message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
    if (command === 'snapshot')
      message = message.replace(/,? or use --snapshot FILE[^,;]*/, '') || 'no AWS credentials found';
    if (message === '')
      message =
        command === 'snapshot'
          ? 'no AWS credentials found'
          : 'no AWS credentials found (configure them or use --snapshot FILE)';
    if (command === 'snapshot' && !/--profile/.test(message))
      message += ' (s3-403 snapshot takes --profile NAME and --region REGION)';
    throw new UsageError(message);
  }
}
