/**
 * The Lambda entry point: a middy handler with the Powertools logger (structured JSON logs, Lambda
 * context, correlation id = CloudTrail eventID per record). It accepts an EventBridge event directly
 * and SQS batches of them (partial batch failure reporting).
 *
 * The configuration is validated at cold start. A bad configuration is logged once, in one line,
 * and every invocation then fails with that line, so events are retried and end in the dead-letter
 * queue instead of being lost.
 *
 * `createHandler(deps)` builds the same middy handler around injected dependencies (tests, local run).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type * as Secrets from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { crossCheckWithSimulator } from '../adapters/aws/simulator';
import { AwsAccountView } from '../adapters/aws/view';
import { CloudTrailChangeLookup } from '../adapters/changes/cloudtrail-lookup';
import { explainRequest, memoizeSimulator } from '../adapters/explain';
import { DynamoDedupStore } from '../delivery/dedup';
import { WebhookSlackSender, webhookUrlFromSecret } from '../delivery/slack';
import { publishFinding } from '../delivery/sns';
import type { AppDeps } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { wrap } from './create';

export { createApp, type AppDeps } from './app';
export { createHandler } from './create';

/** Secrets are cached by Powertools Parameters for this long (seconds). */
const SECRET_MAX_AGE = 300;

/**
 * Secrets Manager (through Powertools Parameters) is loaded only when a secret is configured (Slack, external
 * id), on first use: the first event of a deployment without them does not pay for the package.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load
const secrets = (): typeof Secrets => require('@aws-lambda-powertools/parameters/secrets') as typeof Secrets;
const getSecret: (typeof Secrets)['getSecret'] = (name, options) => secrets().getSecret(name, options);

const secretText = (value: unknown): unknown =>
  value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;

/** The production dependencies, built once per execution environment. */
export async function productionDeps(config: Config, logger: Logger): Promise<AppDeps> {
  let externalId: string | undefined;
  if (config.externalIdSecretName) {
    const value = secretText(await getSecret(config.externalIdSecretName, { maxAge: SECRET_MAX_AGE }));
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConfigError(
        `Invalid Lambda configuration: secret EXTERNAL_ID_PARAM (${config.externalIdSecretName}) is empty`,
      );
    }
    externalId = value.trim();
  }
  const view = new AwsAccountView({
    cacheTtlMs: config.cacheTtlSeconds * 1000,
    memberRoleName: config.memberRoleName,
    externalId,
    auditorAccountId: config.auditorAccountId,
    objectMetadata: config.objectMetadata,
    // The session policy, from the STS call that issued the caller's session (CloudTrail LookupEvents), when the
    // change history is read at all.
    sessionPolicies: config.changeLookup,
  });
  // Each change is looked up in the history of the account that owns the layer (member role in organization mode).
  const changes = config.changeLookup
    ? new CloudTrailChangeLookup((account, region) => view.cloudTrailFor(account, region))
    : undefined;
  // AWS's policy simulator as a second opinion on same-account identity decisions (memoised per problem).
  const iam = new IAMClient({ maxAttempts: 4, retryMode: 'adaptive' });
  const simulator = memoizeSimulator(
    (r) => crossCheckWithSimulator(r, { iam }),
    config.cacheTtlSeconds * 1000,
  );
  const sns = new SNSClient({});
  const slackSecret = config.slackSecretName;
  return {
    explain: (request) =>
      explainRequest(request, view, { ...(changes ? { changes, kmsDenials: changes } : {}), simulator }),
    publish: (finding, opts) => publishFinding(sns, config.snsTopicArn, finding, opts),
    slack: slackSecret
      ? new WebhookSlackSender({
          // The URL never leaves this closure: not logged, not in an error, not in the environment.
          url: async () =>
            webhookUrlFromSecret(secretText(await getSecret(slackSecret, { maxAge: SECRET_MAX_AGE }))),
          maxRetryAfterSeconds: config.slackMaxRetryAfterSeconds,
        })
      : null,
    dedup: new DynamoDedupStore(new DynamoDBClient({}), {
      tableName: config.dedupTableName,
      windowSeconds: config.dedupWindowSeconds,
    }),
    logger,
    options: {
      redactKeys: config.redactKeys,
      auditorRoleArn: config.auditorRoleArn,
      memberRoleName: config.memberRoleName,
    },
  };
}

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 's3-403' });

let config: Config | ConfigError;
try {
  config = loadConfig(process.env);
} catch (error) {
  config =
    error instanceof ConfigError ? error : new ConfigError(`Invalid Lambda configuration: ${String(error)}`);
  // Only the Lambda runtime runs this module with a real configuration; elsewhere it is just imported.
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) logger.error(config.message);
}

export const handler = wrap(async () => {
  if (config instanceof ConfigError) throw config;
  return productionDeps(config, logger);
}, logger);
