/**
 * Reads the deploy settings from CDK context (`-c key=value` or cdk.json "context").
 * Values from the command line are strings; values from cdk.json may be JSON booleans, numbers or arrays.
 * Every bad value gives a one-line error naming the key.
 */
import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { S3AccessDeniedAuditorProps } from './access-denied-auditor';

export type DeployMode = 'single' | 'central' | 'member';

/** Settings of the member stack (organization mode). */
export interface MemberSettings {
  readonly memberRoleName?: string;
  readonly centralEventBusArn?: string;
  readonly auditorRoleArn?: string;
  readonly createTrail: boolean;
  readonly buckets?: string[];
}

/** Which Regions are covered: the home Region (the auditor) and one forwarder stack per other Region. */
export interface RegionSettings {
  /**
   * The auditor's Region: `-c homeRegion`, else the CLI's default Region (CDK_DEFAULT_REGION, from AWS_REGION or
   * the profile; no credentials needed). Undefined when neither is known (the stack stays environment-agnostic).
   */
  readonly home?: string;
  /** The other Regions (`-c regions`, the home Region removed), each getting a forwarder stack. */
  readonly forwarded: string[];
}

export interface DeploySettings {
  readonly mode: DeployMode;
  readonly stackName: string;
  readonly auditor: S3AccessDeniedAuditorProps;
  readonly member: MemberSettings;
  readonly regions: RegionSettings;
}

/** A context reader (`node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

/** Error for a bad deploy setting: one line, names the key. */
export class ConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`context "${key}": ${problem}`);
    this.name = 'ConfigError';
  }
}

const RETENTION_DAYS = new Set<number>(
  Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'),
);

/** An AWS Region name (us-east-1, eu-central-2, us-gov-west-1, ap-southeast-4…). */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Values of `-c encryptionKey`. */
export const ENCRYPTION_KEY_CHOICES = ['aws', 'customer'] as const;

export function readSettings(get: ContextReader, defaultRegion?: string): DeploySettings {
  const mode = readMode(get);
  const regions = readRegions(get, defaultRegion);
  const buckets = list(get, 'buckets');
  const organizationId = str(get, 'organizationId');
  const memberRoleName = str(get, 'memberRoleName');
  const externalIdSecretName = str(get, 'externalIdSecretName');
  if (mode === 'central' && !organizationId) {
    throw new ConfigError(
      'organizationId',
      'is required with -c mode=central (the o-… id of your organization)',
    );
  }
  const auditor: S3AccessDeniedAuditorProps = compact({
    buckets,
    existingTrail: bool(get, 'existingTrail'),
    multiRegionTrail: bool(get, 'multiRegionTrail'),
    includeManagementEvents: bool(get, 'includeManagementEvents'),
    slackSecretName: str(get, 'slackSecretName'),
    alertEmail: str(get, 'alertEmail'),
    dedupWindow: seconds(get, 'dedupWindowSeconds'),
    cacheTtl: seconds(get, 'cacheTtlSeconds'),
    trailLogExpiration: days(get, 'trailLogExpirationDays'),
    logRetention: retention(get, 'logRetentionDays'),
    reservedConcurrency: int(get, 'reservedConcurrency'),
    redactKeys: bool(get, 'redactKeys'),
    readObjectMetadata: bool(get, 'readObjectMetadata'),
    sourceMaps: bool(get, 'sourceMaps'),
    auditorRoleName: str(get, 'auditorRoleName'),
    alarmTopicArn: arn(get, 'alarmTopicArn', 'sns'),
    encryptionKey: encryptionKey(get),
    vpcEndpointDenials: bool(get, 'vpcEndpointDenials'),
    forwardedRegions: regions.forwarded.length > 0 ? regions.forwarded : undefined,
    centralBus:
      mode === 'central'
        ? compact({ organizationId: organizationId!, eventBusName: str(get, 'eventBusName') })
        : undefined,
    memberAccess:
      mode === 'central' || memberRoleName || externalIdSecretName
        ? compact({ memberRoleName, externalIdSecretName })
        : undefined,
  });
  return {
    mode,
    stackName:
      str(get, 'stackName') ?? (mode === 'member' ? 'S3AccessDeniedMember' : 'S3AccessDeniedAuditor'),
    auditor,
    member: compact({
      memberRoleName,
      centralEventBusArn: str(get, 'centralEventBusArn'),
      auditorRoleArn: str(get, 'auditorRoleArn'),
      createTrail: bool(get, 'memberTrail') ?? false,
      buckets,
    }),
    regions,
  };
}

function readRegions(get: ContextReader, defaultRegion: string | undefined): RegionSettings {
  const listed = list(get, 'regions') ?? [];
  for (const region of listed) {
    if (!REGION_PATTERN.test(region))
      throw new ConfigError('regions', `"${region}" is not an AWS Region name`);
  }
  const home = str(get, 'homeRegion') ?? (defaultRegion || undefined);
  if (home !== undefined && !REGION_PATTERN.test(home)) {
    throw new ConfigError('homeRegion', `"${home}" is not an AWS Region name`);
  }
  const forwarded = [...new Set(listed.filter((r) => r !== home))];
  if (forwarded.length > 0 && home === undefined) {
    throw new ConfigError(
      'homeRegion',
      'is required with -c regions=… when no default Region is configured (AWS_REGION or the profile)',
    );
  }
  return compact({ home, forwarded });
}

function encryptionKey(get: ContextReader): 'aws' | 'customer' | undefined {
  const value = str(get, 'encryptionKey');
  if (value === undefined) return undefined;
  if (value !== 'aws' && value !== 'customer') {
    throw new ConfigError('encryptionKey', `"${value}" is not one of ${ENCRYPTION_KEY_CHOICES.join(', ')}`);
  }
  return value;
}

function arn(get: ContextReader, key: string, service: string): string | undefined {
  const value = str(get, key);
  if (
    value !== undefined &&
    !new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:[A-Za-z0-9._-]+$`).test(value)
  ) {
    throw new ConfigError(key, `"${value}" is not an ${service.toUpperCase()} ARN`);
  }
  return value;
}

function readMode(get: ContextReader): DeployMode {
  const mode = str(get, 'mode') ?? 'single';
  if (mode !== 'single' && mode !== 'central' && mode !== 'member') {
    throw new ConfigError('mode', `"${mode}" is not one of single, central, member`);
  }
  return mode;
}

function raw(get: ContextReader, key: string): unknown {
  const value = get(key);
  return value === '' || value === null ? undefined : value;
}

function str(get: ContextReader, key: string): string | undefined {
  const value = raw(get, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new ConfigError(key, `expected a string, got ${JSON.stringify(value)}`);
  return value.trim();
}

function list(get: ContextReader, key: string): string[] | undefined {
  const value = raw(get, key);
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!items || items.some((i) => typeof i !== 'string')) {
    throw new ConfigError(key, `expected a comma-separated list, got ${JSON.stringify(value)}`);
  }
  const names = (items as string[]).map((i) => i.trim()).filter((i) => i.length > 0);
  return names.length > 0 ? names : undefined;
}

/** A true/false context value (`"true"`/`"false"` or a JSON boolean); undefined when not set. */
export function readFlag(get: ContextReader, key: string): boolean | undefined {
  return bool(get, key);
}

function bool(get: ContextReader, key: string): boolean | undefined {
  const value = raw(get, key);
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(key, `expected true or false, got ${JSON.stringify(value)}`);
}

function int(get: ContextReader, key: string): number | undefined {
  const value = raw(get, key);
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(key, `expected a whole number, got ${JSON.stringify(value)}`);
  return n;
}

function seconds(get: ContextReader, key: string): Duration | undefined {
  const n = int(get, key);
  return n === undefined ? undefined : Duration.seconds(n);
}

function days(get: ContextReader, key: string): Duration | undefined {
  const n = int(get, key);
  if (n === 0) throw new ConfigError(key, 'must be at least 1 day');
  return n === undefined ? undefined : Duration.days(n);
}

function retention(get: ContextReader, key: string): logs.RetentionDays | undefined {
  const n = int(get, key);
  if (n === undefined) return undefined;
  if (!RETENTION_DAYS.has(n)) {
    throw new ConfigError(key, `${n} is not a CloudWatch Logs retention (${[...RETENTION_DAYS].join(', ')})`);
  }
  return n as logs.RetentionDays;
}

/** Drops undefined values, so "not set" means "use the construct default". */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** One line: which Regions the deployment covers. */
export function coverage(settings: DeploySettings): string {
  const { home, forwarded } = settings.regions;
  if (forwarded.length === 0) {
    return (
      `Regions covered: ${home ?? 'the deployment Region'} only. Denials on buckets in other Regions are not ` +
      'seen: list them with -c regions=… or `npm run regions` (docs/DEPLOY.md#regions).'
    );
  }
  return `Regions covered: ${home} (auditor), ${forwarded.join(', ')} (forwarders to ${home}).`;
}
