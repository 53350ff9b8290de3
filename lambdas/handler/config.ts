/**
 * The Lambda's configuration: environment variables validated once, at cold start.
 * A bad value stops the function with one line naming the variable and what is wrong.
 * Secrets (the Slack webhook URL, the external id) are never here: only the names of the secrets.
 */
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const seconds = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a whole number of seconds from ${min} to ${max}, got "${v}"`,
        });
        return z.NEVER;
      }
      return n;
    });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const configSchema = z.object({
  SNS_TOPIC_ARN: z
    .string({ error: 'is required (the alert topic ARN)' })
    .regex(
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
      'must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)',
    ),
  SLACK_SECRET_NAME: optionalText,
  DEDUP_TABLE_NAME: z
    .string({ error: 'is required (the dedup DynamoDB table name)' })
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)'),
  DEDUP_WINDOW_SECONDS: seconds(900, 1, 7 * 24 * 3600),
  CACHE_TTL_SECONDS: seconds(300, 0, 24 * 3600),
  REDACT_KEYS: bool,
  /**
   * Read each denied object's own encryption with HeadObject (needs s3:GetObject, which also reads content).
   * Default false: existence by listing (s3:ListBucket), the bucket's default encryption stands for the object's.
   */
  OBJECT_METADATA: bool,
  MEMBER_ROLE_NAME: optionalText.pipe(
    z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
      .optional(),
  ),
  /** Secrets Manager secret holding the external id for member-account role assumption. */
  EXTERNAL_ID_PARAM: optionalText,
  /** The auditor's own role: its denials are ignored (loop guard). */
  AUDITOR_ROLE_ARN: optionalText.pipe(
    z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
        'must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)',
      )
      .optional(),
  ),
  /** Longest Slack Retry-After wait honoured inside one invocation. */
  SLACK_MAX_RETRY_AFTER_SECONDS: seconds(10, 0, 300),
  /** Look up recent access-control changes in CloudTrail for the causes found. */
  CHANGE_LOOKUP: z
    .enum(['true', 'false', ''])
    .optional()
    .transform((v) => v !== 'false'),
  POWERTOOLS_SERVICE_NAME: optionalText.transform((v) => v ?? 's3-403'),
});

export interface Config {
  readonly snsTopicArn: string;
  readonly slackSecretName: string | undefined;
  readonly dedupTableName: string;
  readonly dedupWindowSeconds: number;
  readonly cacheTtlSeconds: number;
  readonly redactKeys: boolean;
  /** OBJECT_METADATA: the view reads object metadata (HeadObject). */
  readonly objectMetadata: boolean;
  readonly memberRoleName: string | undefined;
  readonly externalIdSecretName: string | undefined;
  readonly auditorRoleArn: string | undefined;
  /** The auditor's account, from AUDITOR_ROLE_ARN. */
  readonly auditorAccountId: string | undefined;
  readonly slackMaxRetryAfterSeconds: number;
  readonly changeLookup: boolean;
  readonly serviceName: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validate the environment. Throws ConfigError with one line naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`);
    throw new ConfigError(`Invalid Lambda configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  return {
    snsTopicArn: c.SNS_TOPIC_ARN,
    slackSecretName: c.SLACK_SECRET_NAME,
    dedupTableName: c.DEDUP_TABLE_NAME,
    dedupWindowSeconds: c.DEDUP_WINDOW_SECONDS,
    cacheTtlSeconds: c.CACHE_TTL_SECONDS,
    redactKeys: c.REDACT_KEYS,
    objectMetadata: c.OBJECT_METADATA,
    memberRoleName: c.MEMBER_ROLE_NAME,
    externalIdSecretName: c.EXTERNAL_ID_PARAM,
    auditorRoleArn: c.AUDITOR_ROLE_ARN,
    auditorAccountId: c.AUDITOR_ROLE_ARN?.split(':')[4],
    slackMaxRetryAfterSeconds: c.SLACK_MAX_RETRY_AFTER_SECONDS,
    changeLookup: c.CHANGE_LOOKUP,
    serviceName: c.POWERTOOLS_SERVICE_NAME,
  };
}
