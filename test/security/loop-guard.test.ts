/**
 * Loop guard by exact identity (issue 14, item 3). The auditor ignores only denials whose session was issued by
 * one of its own roles, by exact ARN (`userIdentity.sessionContext.sessionIssuer.arn`): its function role, and the
 * member read role of the account the denial happened in. An outsider who names a role like the read role, in
 * another case, on another path, in another account, or a user named like it, is alerted on.
 * Tried through the real Lambda handler and through the deployed EventBridge rule patterns (auditor and member
 * stacks, test/infra/event-pattern.ts matcher). IAM role names are unique per account, case-insensitively
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names), but
 * ARNs are compared exactly: EventBridge's anything-but is an exact, case-sensitive match
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-anything-but).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { explainRequest } from '../../lambdas/adapters/explain';
import { MemoryDedupStore } from '../../lambdas/delivery/dedup';
import { publishFinding } from '../../lambdas/delivery/sns';
import type { DirectResponse } from '../../lambdas/handler/app';
import { createHandler } from '../../lambdas/handler/create';
import { AUDITOR_DEFAULTS } from '../../lib/access-denied-auditor';
import {
  ACCOUNT,
  cloudTrailRecord,
  eventBridgeEvent,
  lambdaContext,
  snapshotView,
} from '../handler/fixtures';
import { matches } from '../infra/event-pattern';
import { auditorStack, logicalId, memberStack, resolveIntrinsics } from '../infra/helpers';

type Json = Parameters<typeof resolveIntrinsics>[0];

const AUDITOR_ACCOUNT = '999988887777';
const AUDITOR_ROLE = `arn:aws:iam::${AUDITOR_ACCOUNT}:role/s3-403-auditor`;
const READER = AUDITOR_DEFAULTS.memberRoleName; // 's3-403-reader'
const FOREIGN = '444455556666';

/** A denial in ACCOUNT (recipientAccountId) by a session whose issuer is `issuerArn`, or by an IAM user. */
function denial(issuerArn: string | null, userArn?: string): Record<string, unknown> {
  const record = cloudTrailRecord({ eventId: `ev-${issuerArn ?? userArn}` });
  if (userArn) {
    record.userIdentity = {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEUSER00001',
      arn: userArn,
      accountId: userArn.split(':')[4],
      userName: userArn.split('/').pop(),
    };
    return record;
  }
  const ui = record.userIdentity as Record<string, unknown>;
  const account = issuerArn!.split(':')[4]!;
  const name = issuerArn!.split('/').pop()!;
  ui.accountId = account;
  ui.arn = `arn:aws:sts::${account}:assumed-role/${name}/session`;
  (ui.sessionContext as { sessionIssuer: Record<string, unknown> }).sessionIssuer = {
    type: 'Role',
    principalId: 'AROAEXAMPLEROLE00001',
    arn: issuerArn,
    accountId: account,
    userName: name,
  };
  return record;
}

/** Look-alikes an outsider can create: every one must alert. */
const LOOK_ALIKES: ReadonlyArray<[string, Record<string, unknown>]> = [
  [
    'a role named S3-403-Reader (another case) in the audited account',
    denial(`arn:aws:iam::${ACCOUNT}:role/S3-403-Reader`),
  ],
  ['a role named s3-403-reader in a foreign account', denial(`arn:aws:iam::${FOREIGN}:role/${READER}`)],
  ['a role named s3-403-reader on a path', denial(`arn:aws:iam::${ACCOUNT}:role/evil/${READER}`)],
  ['an IAM user named s3-403-reader', denial(null, `arn:aws:iam::${ACCOUNT}:user/${READER}`)],
  [
    "a role named like the auditor's own role in the audited account",
    denial(`arn:aws:iam::${ACCOUNT}:role/s3-403-auditor`),
  ],
  [
    "the auditor's role name in another case, in the auditor's account",
    denial(`arn:aws:iam::${AUDITOR_ACCOUNT}:role/S3-403-Auditor`),
  ],
  ['a role whose name only starts like the read role', denial(`arn:aws:iam::${ACCOUNT}:role/${READER}-x`)],
];
const OWN: ReadonlyArray<[string, Record<string, unknown>]> = [
  ["the auditor's function role", denial(AUDITOR_ROLE)],
  ['the read role of the account the denial happened in', denial(`arn:aws:iam::${ACCOUNT}:role/${READER}`)],
];

describe('the Lambda handler', () => {
  const sns = mockClient(SNSClient);
  let handler: (event: unknown) => Promise<DirectResponse>;
  let writes: jest.SpyInstance[];
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    writes = [process.stdout, process.stderr].map((s) =>
      jest.spyOn(s, 'write').mockImplementation(() => true),
    );
    const view = snapshotView();
    const client = new SNSClient({});
    const h = createHandler({
      explain: (r) => explainRequest(r, view),
      publish: (f, o) => publishFinding(client, 'arn:aws:sns:us-east-1:999988887777:alerts', f, o),
      slack: null,
      dedup: new MemoryDedupStore(900),
      logger: new Logger({ serviceName: 's3-403-test' }),
      options: { redactKeys: false, auditorRoleArn: AUDITOR_ROLE, memberRoleName: READER },
    });
    handler = (event) => h(event, lambdaContext()) as Promise<DirectResponse>;
  });
  afterEach(() => writes.forEach((w) => w.mockRestore()));

  it.each(LOOK_ALIKES)('alerts on %s', async (_name, record) => {
    expect(await handler(eventBridgeEvent(record))).toMatchObject({ alerted: 1, skipped: 0 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it.each(OWN)('ignores a denial by %s (loop guard)', async (_name, record) => {
    expect(await handler(eventBridgeEvent(record))).toMatchObject({ alerted: 0, skipped: 1 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('the EventBridge rules as deployed', () => {
  // Auditor stack in central mode (its own account's read role excluded) and a member stack (ACCOUNT).
  const auditor = auditorStack({ centralBus: { organizationId: 'o-abcdefghij' } }).template;
  const member = memberStack().template;
  const patternsOf = (template: typeof auditor, arns: Record<string, string>) =>
    Object.values(template.findResources('AWS::Events::Rule')).map(
      (r) => resolveIntrinsics(r.Properties.EventPattern as Json, arns) as Record<string, unknown>,
    );
  const auditorPatterns = patternsOf(auditor, {
    [logicalId(auditor, 'AWS::IAM::Role', 'FunctionRole')]: AUDITOR_ROLE,
  });
  const memberPatterns = patternsOf(member, { AuditorRoleArn: AUDITOR_ROLE });
  const selected = (patterns: Record<string, unknown>[], record: Record<string, unknown>) =>
    patterns.some((p) => matches(p, eventBridgeEvent(record)));

  it.each(LOOK_ALIKES)('the auditor and the member rules select %s', (_name, record) => {
    expect(selected(auditorPatterns, record)).toBe(true);
    expect(selected(memberPatterns, record)).toBe(true);
  });

  it.each(OWN)('the rules drop a denial by %s', (_name, record) => {
    // The auditor stack's account is ACCOUNT here: its rules drop its own read role too.
    expect(selected(memberPatterns, record)).toBe(false);
    expect(selected(auditorPatterns, record)).toBe(false);
  });
});
