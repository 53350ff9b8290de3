import { ConfigError, loadConfig } from '../../lambdas/handler/config';

const good = {
  SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:s3-403-alerts',
  DEDUP_TABLE_NAME: 's3-403-dedup',
};

function errorOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults: 15-minute dedup window, 5-minute cache, no redaction, change lookup on, no object metadata', () => {
    expect(loadConfig(good)).toEqual({
      snsTopicArn: good.SNS_TOPIC_ARN,
      slackSecretName: undefined,
      dedupTableName: 's3-403-dedup',
      dedupWindowSeconds: 900,
      cacheTtlSeconds: 300,
      redactKeys: false,
      objectMetadata: false,
      memberRoleName: undefined,
      externalIdSecretName: undefined,
      auditorRoleArn: undefined,
      auditorAccountId: undefined,
      slackMaxRetryAfterSeconds: 10,
      changeLookup: true,
      serviceName: 's3-403',
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      ...good,
      SLACK_SECRET_NAME: 's3-403/slack',
      DEDUP_WINDOW_SECONDS: '60',
      CACHE_TTL_SECONDS: '0',
      REDACT_KEYS: 'true',
      OBJECT_METADATA: 'true',
      MEMBER_ROLE_NAME: 'S3403AuditRole',
      EXTERNAL_ID_PARAM: 's3-403/external-id',
      AUDITOR_ROLE_ARN: 'arn:aws:iam::999988887777:role/s3-403-fn',
      CHANGE_LOOKUP: 'false',
      POWERTOOLS_SERVICE_NAME: 'auditor',
    });
    expect(c).toMatchObject({
      slackSecretName: 's3-403/slack',
      dedupWindowSeconds: 60,
      cacheTtlSeconds: 0,
      redactKeys: true,
      objectMetadata: true,
      memberRoleName: 'S3403AuditRole',
      externalIdSecretName: 's3-403/external-id',
      auditorRoleArn: 'arn:aws:iam::999988887777:role/s3-403-fn',
      auditorAccountId: '999988887777',
      changeLookup: false,
      serviceName: 'auditor',
    });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['', false],
    [undefined, false],
  ])('OBJECT_METADATA=%j -> objectMetadata %s', (value, expected) => {
    expect(loadConfig({ ...good, OBJECT_METADATA: value }).objectMetadata).toBe(expected);
  });

  it('names a missing required variable in one line', () => {
    const msg = errorOf({ DEDUP_TABLE_NAME: 'x-table' });
    expect(msg).toBe('Invalid Lambda configuration: SNS_TOPIC_ARN is required (the alert topic ARN)');
  });

  it.each([
    [{ SNS_TOPIC_ARN: 'my-topic' }, 'SNS_TOPIC_ARN must be an SNS topic ARN'],
    [
      { DEDUP_WINDOW_SECONDS: 'ten' },
      'DEDUP_WINDOW_SECONDS must be a whole number of seconds from 1 to 604800, got "ten"',
    ],
    [{ DEDUP_WINDOW_SECONDS: '0' }, 'DEDUP_WINDOW_SECONDS must be a whole number'],
    [{ CACHE_TTL_SECONDS: '-5' }, 'CACHE_TTL_SECONDS must be a whole number'],
    [{ REDACT_KEYS: 'maybe' }, 'REDACT_KEYS'],
    [{ OBJECT_METADATA: 'on' }, 'OBJECT_METADATA'],
    [{ AUDITOR_ROLE_ARN: 'arn:aws:iam::1:user/x' }, 'AUDITOR_ROLE_ARN must be an IAM role ARN'],
    [{ MEMBER_ROLE_NAME: 'bad name!' }, 'MEMBER_ROLE_NAME must be an IAM role name'],
  ])('rejects %j with a message naming the variable', (override, expected) => {
    const msg = errorOf({ ...good, ...override });
    expect(msg).toContain(expected);
    expect(msg).not.toContain('\n');
  });

  it('lists every bad variable at once', () => {
    const msg = errorOf({});
    expect(msg).toContain('SNS_TOPIC_ARN');
    expect(msg).toContain('DEDUP_TABLE_NAME');
  });
});
