/**
 * Organization-scale burst (issue 8 item 6): the real middy handler, in a central auditor account, receives a
 * burst of S3 denials from every member account and region of an AWS Organization, and the number of AWS calls
 * and alerts follows the number of distinct problems, not the number of events.
 *
 * - The organization: `accounts` member accounts × `regions` regions, one bucket per account and region, the same
 *   roles in every account, an OU under the root with FullAWSAccess / RCPFullAWSAccess. Every AWS command is
 *   answered by an in-memory fake per account (`FakeOrg`), which counts each call per account and API.
 * - The live view in member-role mode (`memberRoleName` + `auditorAccountId`): its `clientFactory` hands out the
 *   fake clients of the account; STS AssumeRole is answered by the auditor account's fake.
 * - The change lookup (on by default in the Lambda) runs on the auditor account's CloudTrail fake.
 * - The dedup table is a real DynamoDB API (dynalite on loopback); SNS is mocked with aws-sdk-client-mock;
 *   no Slack.
 * - Events arrive as SQS batches of 10 (the stack's event source) and as direct EventBridge invocations,
 *   several invocations in flight at once.
 *
 * Standalone: `npx tsx scripts/bench/org.ts`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsAccountView, type AwsClients, type ClientFactory } from '../../lambdas/adapters/aws';
import { CloudTrailChangeLookup } from '../../lambdas/adapters/changes/cloudtrail-lookup';
import { explainRequest } from '../../lambdas/adapters/explain';
import type { Finding } from '../../lambdas/core/model';
import { DynamoDedupStore } from '../../lambdas/delivery/dedup';
import { publishFinding } from '../../lambdas/delivery/sns';
import type { BatchResponse, DirectResponse } from '../../lambdas/handler/app';
import { createHandler } from '../../lambdas/handler/create';
import { startDynalite, type LocalDynamo } from '../../test/delivery/dynalite';
import { lambdaContext, sqsEvent } from '../../test/handler/fixtures';

// ------------------------------------------------------------------------------------------ the organization

export const AUDITOR_ACCOUNT = '999900001111';
export const MANAGEMENT_ACCOUNT = '999900000000';
export const MEMBER_ROLE = 'S3403Reader';
export const AUDITOR_ROLE_ARN = `arn:aws:iam::${AUDITOR_ACCOUNT}:role/s3-403-auditor`;
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${AUDITOR_ACCOUNT}:s3-403-alerts`;
export const ORG_ID = 'o-acme12345';
export const ROOT_ID = 'r-acme';
export const OU_ID = 'ou-acme-workload';
export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'] as const;
/** The VPC endpoint every bucket policy requires (the denials come from outside it). */
export const REQUIRED_VPCE = 'vpce-0acme1234567890ab';

export const memberAccount = (i: number): string => String(100000000000 + i * 1111);
export const bucketName = (account: string, region: string): string => `acme-data-${account}-${region}`;
export const memberRoleArn = (account: string): string => `arn:aws:iam::${account}:role/${MEMBER_ROLE}`;

/** Counts per account ('auditor' for the central account) and API ("s3:GetBucketPolicy"). */
export type CallCounts = Map<string, Map<string, number>>;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Input = any;
/* eslint-enable @typescript-eslint/no-explicit-any */
type Answer = (input: Input, region: string) => unknown;
type ServiceName = keyof AwsClients;

/** An AWS SDK style service error (name = the error code, as the SDK sets it). */
export function awsServiceError(code: string, message: string, httpStatusCode: number): Error {
  return Object.assign(new Error(message), { name: code, $fault: 'client', $metadata: { httpStatusCode } });
}

const enc = (doc: unknown): string => encodeURIComponent(JSON.stringify(doc));
const allow = (action: string, resource: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
});
const FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const ORG_POLICIES: Record<string, { name: string; type: string; doc: unknown }> = {
  'p-FullAWSAccess': { name: 'FullAWSAccess', type: 'SERVICE_CONTROL_POLICY', doc: FULL_ACCESS },
  'p-RCPFullAWSAccess': {
    name: 'RCPFullAWSAccess',
    type: 'RESOURCE_CONTROL_POLICY',
    doc: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
    },
  },
};
const PAB_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** A bucket policy that denies every object request that does not come through the company's endpoint. */
export function bucketPolicy(bucket: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyOutsideVpce',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { StringNotEquals: { 'aws:SourceVpce': REQUIRED_VPCE } },
      },
    ],
  };
}

/** The answers of a member account (the same shape in every account, with that account's ARNs). */
function memberAnswers(account: string): Record<string, Answer> {
  const managedArn = `arn:aws:iam::${account}:policy/DataRead`;
  const bucketOf = (input: { Bucket: string }) => {
    const region = REGIONS.find((r) => input.Bucket === bucketName(account, r));
    if (!region) throw awsServiceError('NoSuchBucket', 'The specified bucket does not exist', 404);
    return region;
  };
  return {
    'iam:GetRole': (i: { RoleName: string }) => ({
      Role: {
        Path: '/',
        RoleName: i.RoleName,
        RoleId: `AROA${account}${i.RoleName.length}`,
        Arn: `arn:aws:iam::${account}:role/${i.RoleName}`,
        CreateDate: new Date('2026-01-01T00:00:00Z'),
      },
    }),
    'iam:ListAttachedRolePolicies': () => ({
      AttachedPolicies: [{ PolicyName: 'DataRead', PolicyArn: managedArn }],
      IsTruncated: false,
    }),
    'iam:ListRolePolicies': () => ({ PolicyNames: ['list-buckets'], IsTruncated: false }),
    'iam:GetRolePolicy': (i: { RoleName: string }) => ({
      RoleName: i.RoleName,
      PolicyName: 'list-buckets',
      PolicyDocument: enc(allow('s3:ListBucket', 'arn:aws:s3:::acme-data-*')),
    }),
    'iam:GetPolicy': () => ({
      Policy: { PolicyName: 'DataRead', Arn: managedArn, DefaultVersionId: 'v1', AttachmentCount: 3 },
    }),
    'iam:GetPolicyVersion': () => ({
      PolicyVersion: {
        Document: enc(allow('s3:GetObject', 'arn:aws:s3:::acme-data-*/*')),
        VersionId: 'v1',
        IsDefaultVersion: true,
      },
    }),
    's3:GetBucketLocation': (i: { Bucket: string }) => {
      const region = bucketOf(i);
      return { LocationConstraint: region === 'us-east-1' ? undefined : region };
    },
    's3:GetBucketPolicy': (i: { Bucket: string }) => {
      bucketOf(i);
      return { Policy: JSON.stringify(bucketPolicy(i.Bucket)) };
    },
    's3:GetPublicAccessBlock': () => ({ PublicAccessBlockConfiguration: PAB_ON }),
    's3:GetBucketOwnershipControls': () => ({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    }),
    's3:GetBucketEncryption': () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
      },
    }),
    // Requester Pays is read for a caller from another account (issue 19): none of these buckets is Requester Pays.
    's3:GetBucketRequestPayment': () => ({ Payer: 'BucketOwner' }),
    's3:GetBucketAcl': () => ({
      Owner: { ID: `owner-${account}` },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: `owner-${account}` }, Permission: 'FULL_CONTROL' }],
    }),
    // Object existence (ListObjectsV2, Prefix = key, MaxKeys 1): every key asked for exists.
    's3:ListObjectsV2': (i: { Prefix?: string }) => ({
      Contents: [{ Key: i.Prefix, Size: 1024 }],
      KeyCount: 1,
      IsTruncated: false,
    }),
    // Only a view with objectMetadata calls HeadObject.
    's3:HeadObject': () => ({ ContentLength: 1024, ServerSideEncryption: 'AES256' }),
    's3control:GetPublicAccessBlock': () => ({ PublicAccessBlockConfiguration: PAB_ON }),
    'organizations:DescribeOrganization': () => ({
      Organization: {
        Id: ORG_ID,
        MasterAccountId: MANAGEMENT_ACCOUNT,
        Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:organization/${ORG_ID}`,
      },
    }),
  };
}

/** The auditor (central, delegated administrator) account: STS, the organization's structure, CloudTrail. */
function auditorAnswers(org: FakeOrg): Record<string, Answer> {
  let keyNo = 0;
  return {
    'sts:AssumeRole': (i: { RoleArn: string; ExternalId?: string }) => {
      const account = i.RoleArn.split(':')[4] ?? '';
      if (org.closedAccounts.has(account) || i.ExternalId !== org.externalId) {
        throw awsServiceError(
          'AccessDenied',
          `User: arn:aws:sts::${AUDITOR_ACCOUNT}:assumed-role/s3-403-auditor/fn is not authorized to perform: sts:AssumeRole on resource: ${i.RoleArn}`,
          403,
        );
      }
      keyNo += 1;
      return {
        Credentials: {
          AccessKeyId: `ASIA${account}K${keyNo}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(Date.now() + 3_600_000),
        },
      };
    },
    'sts:GetCallerIdentity': () => ({
      Account: AUDITOR_ACCOUNT,
      Arn: `arn:aws:sts::${AUDITOR_ACCOUNT}:assumed-role/s3-403-auditor/fn`,
      UserId: 'AROAAUDITOR:fn',
    }),
    'organizations:DescribeOrganization': () => ({
      Organization: { Id: ORG_ID, MasterAccountId: MANAGEMENT_ACCOUNT },
    }),
    'organizations:ListParents': (i: { ChildId: string }) => ({
      Parents: [
        i.ChildId === OU_ID ? { Id: ROOT_ID, Type: 'ROOT' } : { Id: OU_ID, Type: 'ORGANIZATIONAL_UNIT' },
      ],
    }),
    // "Every root, OU, and account must have at least one SCP attached"
    // (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html); RCPFullAWSAccess is
    // attached to every root, OU and account as well
    // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html).
    'organizations:ListPoliciesForTarget': (i: { TargetId: string; Filter: string }) => ({
      Policies: Object.entries(ORG_POLICIES)
        .filter(([, p]) => p.type === i.Filter)
        .map(([id, p]) => ({
          Id: id,
          Name: p.name,
          Arn: `arn:aws:organizations::aws:policy/${p.type.toLowerCase()}/${id}`,
          AwsManaged: true,
        })),
    }),
    'organizations:DescribePolicy': (i: { PolicyId: string }) => {
      const p = ORG_POLICIES[i.PolicyId];
      if (!p) throw awsServiceError('PolicyNotFoundException', `no policy ${i.PolicyId}`, 400);
      return {
        Policy: { PolicySummary: { Id: i.PolicyId, Name: p.name }, Content: JSON.stringify(p.doc) },
      };
    },
    'cloudtrail:LookupEvents': () => ({ Events: [] }),
  };
}

const SERVICES: readonly ServiceName[] = [
  's3',
  's3control',
  'iam',
  'ec2',
  'kms',
  'organizations',
  'sts',
  'cloudtrail',
];

export interface FakeOrgOptions {
  readonly accounts?: number;
  /** Member accounts whose member role cannot be assumed (AccessDenied). */
  readonly closedAccounts?: readonly string[];
  readonly externalId?: string;
}

/**
 * The organization's AWS, in memory: per account, clients whose `send` answers every command from the fake and
 * counts it. A command the fake does not know is an error (and counted under "unhandled").
 */
export class FakeOrg {
  readonly accounts: readonly string[];
  readonly closedAccounts: ReadonlySet<string>;
  readonly externalId: string;
  readonly counts: CallCounts = new Map();
  /** Commands nobody answers: must stay empty. */
  readonly unhandled: string[] = [];
  /** (account or 'auditor', region) pairs the client factory was asked for. */
  readonly factoryCalls: { account: string; region: string; accessKeyId: string | null }[] = [];
  private readonly answers = new Map<string, Record<string, Answer>>();

  constructor(opts: FakeOrgOptions = {}) {
    this.accounts = Array.from({ length: opts.accounts ?? 50 }, (_, i) => memberAccount(i));
    this.closedAccounts = new Set(opts.closedAccounts ?? []);
    this.externalId = opts.externalId ?? 'acme-s3-403-external-id';
    this.answers.set('auditor', auditorAnswers(this));
    for (const a of this.accounts) this.answers.set(a, memberAnswers(a));
  }

  /** The view's client factory: null = the auditor's own credentials. */
  readonly clientFactory: ClientFactory = (accountId, region, credentials) => {
    const account = accountId ?? 'auditor';
    this.factoryCalls.push({ account, region, accessKeyId: credentials?.accessKeyId ?? null });
    if (accountId !== null && !credentials?.accessKeyId?.startsWith(`ASIA${accountId}`))
      throw new Error(`client factory: credentials for ${accountId} are not that account's`);
    return this.clients(account, region);
  };

  /** Fake clients for `account` ('auditor' or a member id) in `region`. */
  clients(account: string, region: string): AwsClients {
    const out: Record<string, unknown> = {};
    for (const service of SERVICES)
      out[service] = { send: (command: unknown) => this.send(account, region, service, command) };
    return out as unknown as AwsClients;
  }

  private async send(
    account: string,
    region: string,
    service: ServiceName,
    command: unknown,
  ): Promise<unknown> {
    const c = command as { constructor: { name: string }; input: Input };
    const api = `${service}:${c.constructor.name.replace(/Command$/, '')}`;
    const perAccount = this.counts.get(account) ?? new Map<string, number>();
    this.counts.set(account, perAccount);
    perAccount.set(api, (perAccount.get(api) ?? 0) + 1);
    await Promise.resolve();
    const answer = this.answers.get(account)?.[api];
    if (!answer) {
      this.unhandled.push(`${account} ${region} ${api}`);
      throw awsServiceError('UnhandledInFake', `the fake does not answer ${api} in ${account}`, 500);
    }
    return answer(c.input, region);
  }

  /** Calls of `api` (all APIs when omitted), in `account` (every account when omitted). */
  calls(api?: string, account?: string): number {
    let n = 0;
    for (const [a, perApi] of this.counts) {
      if (account !== undefined && a !== account) continue;
      for (const [k, v] of perApi) if (api === undefined || k === api) n += v;
    }
    return n;
  }

  /** Every call made by the analysis (reads in member accounts and in the auditor account, AssumeRole included). */
  total(): number {
    return this.calls();
  }

  /** A CloudTrail client of the auditor account (the Lambda's change lookup). */
  cloudTrail(): CloudTrailClient {
    return this.clients('auditor', 'us-east-1').cloudtrail;
  }
}

// ------------------------------------------------------------------------------------------ the burst

export type ProblemAction = 'GetObject' | 'PutObject';

/** One distinct problem: one principal, one bucket, one action (the dedup key's parts). */
export interface Problem {
  readonly index: number;
  /** The bucket's account. */
  readonly account: string;
  /** The caller's account (another member account for a cross-account problem). */
  readonly callerAccount: string;
  readonly region: string;
  readonly bucket: string;
  readonly role: string;
  readonly action: ProblemAction;
  readonly key: string;
}

/**
 * Distinct problems spread over the organization: problem i is in account i mod n and region (i + ⌊i/n⌋) mod 5,
 * so the first n problems touch every account and every region, and n × 5 problems touch every account-region.
 * Every `crossEvery`-th problem (default 5th) is cross-account: the caller is a role of the next account.
 * Problems beyond n × 5 reuse an account-region with another role, and every other one is a PutObject.
 */
export function problems(accounts: readonly string[], count: number, from = 0, crossEvery = 5): Problem[] {
  const n = accounts.length;
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const account = accounts[i % n]!;
    const region = REGIONS[(i + Math.floor(i / n)) % REGIONS.length]!;
    const round = Math.floor(i / (n * REGIONS.length));
    const cross = crossEvery > 0 && n > 1 && i % crossEvery === crossEvery - 1;
    return {
      index: i,
      account,
      callerAccount: cross ? accounts[(i + 1) % n]! : account,
      region,
      bucket: bucketName(account, region),
      role: `app-role-${round}`,
      action: round % 2 === 0 ? 'GetObject' : 'PutObject',
      key: `exports/p${i}.csv`,
    };
  });
}

const SOURCE_IPS = ['198.51.100.7', '198.51.100.23', '203.0.113.77', '192.0.2.140'];

/**
 * The CloudTrail S3 data event of one occurrence of `p` (an assumed-role session outside the endpoint), as the
 * bucket owner's account records it.
 */
export function denialRecord(p: Problem, eventId: string, n: number): Record<string, unknown> {
  const session = `s${n % 7}`;
  const caller = p.callerAccount;
  return {
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROA${caller}${p.role.length}:${session}`,
      arn: `arn:aws:sts::${caller}:assumed-role/${p.role}/${session}`,
      accountId: caller,
      accessKeyId: `ASIAEVENT${n % 13}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: `AROA${caller}${p.role.length}`,
          arn: `arn:aws:iam::${caller}:role/${p.role}`,
          accountId: caller,
          userName: p.role,
        },
        attributes: { creationDate: '2026-11-28T00:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: `2026-11-28T01:${String(n % 60).padStart(2, '0')}:03Z`,
    eventSource: 's3.amazonaws.com',
    eventName: p.action,
    awsRegion: p.region,
    sourceIPAddress: SOURCE_IPS[n % SOURCE_IPS.length],
    userAgent: '[aws-sdk-js/3.0]',
    errorCode: 'AccessDenied',
    errorMessage: 'Access Denied',
    requestParameters: { bucketName: p.bucket, Host: `${p.bucket}.s3.${p.region}.amazonaws.com`, key: p.key },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      AuthenticationMethod: 'AuthHeader',
      tlsVersion: 'TLSv1.3',
    },
    requestID: `REQ${n}`,
    eventID: eventId,
    readOnly: p.action === 'GetObject',
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${p.bucket}/${p.key}` },
      { accountId: p.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${p.bucket}` },
    ],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: p.account,
    eventCategory: 'Data',
  };
}

/** The EventBridge event as the central bus receives it from the member account's forwarding rule. */
export function eventBridgeEnvelope(p: Problem, record: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: `eb-${String(record.eventID)}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.s3',
    account: p.account,
    time: String(record.eventTime),
    region: p.region,
    resources: [],
    detail: record,
  };
}

/** `events` EventBridge events cycling over `set` (event j is an occurrence of problem j mod |set|). */
export function burst(set: readonly Problem[], events: number, tag: string): Record<string, unknown>[] {
  return Array.from({ length: events }, (_, j) => {
    const p = set[j % set.length]!;
    return eventBridgeEnvelope(p, denialRecord(p, `${tag}-${j}`, j));
  });
}

// ------------------------------------------------------------------------------------------ the handler

export interface OrgRig {
  readonly org: FakeOrg;
  readonly dynamo: LocalDynamo;
  readonly tableName: string;
  /** The SNS Publish inputs, in order. */
  publishes(): PublishCommandInput[];
  /** The findings the alerts carry (the `default` JSON of each message). */
  alertedFindings(): Finding[];
  /** Sends the events to the handler: SQS batches of 10, every `directEvery`-th batch as direct invocations. */
  drive(events: readonly Record<string, unknown>[], opts?: DriveOptions): Promise<DriveResult>;
  /** Σ over the dedup table's items of (1 + repeats): every denial the store has seen. */
  dedupTotals(): Promise<{ problems: number; occurrences: number }>;
  close(): Promise<void>;
}

export interface DriveOptions {
  /** Invocations in flight at once (default 16). */
  readonly inFlight?: number;
  /** Every n-th group of 10 goes as 10 direct EventBridge invocations instead of one SQS batch (default 5). */
  readonly directEvery?: number;
}

export interface DriveResult {
  readonly events: number;
  readonly sqsBatches: number;
  readonly directInvocations: number;
  /** SQS messages reported failed, and direct invocations that threw. */
  readonly failures: number;
  /** Direct invocations' outcomes, summed. */
  readonly direct: { alerted: number; counted: number; skipped: number };
  readonly seconds: number;
}

export interface RigOptions extends FakeOrgOptions {
  readonly tableName?: string;
  /** The view's cache (default: the Lambda's defaults, 300 s and 5,000 entries). */
  readonly cacheMaxEntries?: number;
  /**
   * The view's objectMetadata (HeadObject besides the ListObjectsV2 existence check). Default false, as deployed.
   */
  readonly objectMetadata?: boolean;
}

/** The central auditor Lambda (the real middy handler) wired to the fake organization. */
export async function orgRig(opts: RigOptions = {}): Promise<OrgRig> {
  const org = new FakeOrg(opts);
  const tableName = opts.tableName ?? 'dedup-org';
  const dynamo = await startDynalite(tableName);
  const snsClient = new SNSClient({ region: 'us-east-1' });
  const sns = mockClient(snsClient);
  let messageNo = 0;
  sns.on(PublishCommand).callsFake(async () => ({ MessageId: `m-${++messageNo}` }));
  // Built once, outside the handler, as productionDeps does: the cache and credentials live across invocations.
  const view = new AwsAccountView({
    region: 'us-east-1',
    memberRoleName: MEMBER_ROLE,
    externalId: org.externalId,
    auditorAccountId: AUDITOR_ACCOUNT,
    clientFactory: org.clientFactory,
    objectMetadata: opts.objectMetadata ?? false,
    ...(opts.cacheMaxEntries ? { cacheMaxEntries: opts.cacheMaxEntries } : {}),
  });
  // LookupEvents is paced at 2 rps per client in production; the fake answers at once.
  const changes = new CloudTrailChangeLookup(org.cloudTrail(), { spacingMs: 0 });
  const handler = createHandler({
    explain: (request) => explainRequest(request, view, { changes }),
    publish: (finding, o) => publishFinding(snsClient, TOPIC_ARN, finding, o),
    slack: null,
    dedup: new DynamoDedupStore(dynamo.client, { tableName, windowSeconds: 900 }),
    logger: new Logger({ serviceName: 's3-403-org', logLevel: 'SILENT' }),
    options: { redactKeys: false, auditorRoleArn: AUDITOR_ROLE_ARN, memberRoleName: MEMBER_ROLE },
  });
  const publishes = (): PublishCommandInput[] => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

  async function drive(
    events: readonly Record<string, unknown>[],
    o: DriveOptions = {},
  ): Promise<DriveResult> {
    const directEvery = o.directEvery ?? 5;
    const groups: Record<string, unknown>[][] = [];
    for (let i = 0; i < events.length; i += 10) groups.push(events.slice(i, i + 10));
    const invocations: { kind: 'sqs' | 'direct'; event: unknown }[] = [];
    groups.forEach((g, i) => {
      if (directEvery > 0 && i % directEvery === directEvery - 1)
        for (const e of g) invocations.push({ kind: 'direct', event: e });
      else invocations.push({ kind: 'sqs', event: sqsEvent(g) });
    });
    let next = 0;
    let failures = 0;
    const direct = { alerted: 0, counted: 0, skipped: 0 };
    const started = performance.now();
    const worker = async (): Promise<void> => {
      for (let inv = invocations[next++]; inv; inv = invocations[next++]) {
        try {
          const out = (await handler(inv.event, lambdaContext())) as BatchResponse | DirectResponse;
          if ('batchItemFailures' in out) failures += out.batchItemFailures.length;
          else {
            direct.alerted += out.alerted;
            direct.counted += out.counted;
            direct.skipped += out.skipped;
          }
        } catch {
          failures += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: o.inFlight ?? 16 }, worker));
    return {
      events: events.length,
      sqsBatches: invocations.filter((i) => i.kind === 'sqs').length,
      directInvocations: invocations.filter((i) => i.kind === 'direct').length,
      failures,
      direct,
      seconds: (performance.now() - started) / 1000,
    };
  }

  async function dedupTotals(): Promise<{ problems: number; occurrences: number }> {
    let problemsSeen = 0;
    let occurrences = 0;
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await dynamo.client.send(
        new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const item of page.Items ?? []) {
        problemsSeen += 1;
        occurrences += 1 + Number(item.repeats?.N ?? 0);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { problems: problemsSeen, occurrences };
  }

  return {
    org,
    dynamo,
    tableName,
    publishes,
    alertedFindings: () =>
      publishes().map(
        (p) => JSON.parse((JSON.parse(p.Message ?? '{}') as { default: string }).default) as Finding,
      ),
    drive,
    dedupTotals,
    close: async () => {
      sns.restore();
      snsClient.destroy();
      await dynamo.close();
    },
  };
}

// ------------------------------------------------------------------------------------------ the bench

export interface BenchOrgOptions {
  readonly accounts?: number;
  readonly problems?: number;
  readonly events?: number;
  readonly newProblems?: number;
  readonly log?: (line: string) => void;
}

/**
 * The burst, then the same problems again (twice the events), then 10 new problems. Default: 50 accounts × 5
 * regions, 250 distinct problems (one per account-region), 5,000 events.
 */
export async function benchOrg(opts: BenchOrgOptions = {}): Promise<Record<string, number>> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const rig = await orgRig({ accounts: opts.accounts ?? 50 });
  try {
    const org = rig.org;
    const count = opts.problems ?? org.accounts.length * REGIONS.length;
    const events = opts.events ?? 5_000;
    const set = problems(org.accounts, count);
    const cpu = process.cpuUsage();
    const first = await rig.drive(burst(set, events, 'w1'));
    const used = process.cpuUsage(cpu);
    const after1 = {
      alerts: rig.publishes().length,
      calls: org.total(),
      assume: org.calls('sts:AssumeRole'),
      lookups: org.calls('cloudtrail:LookupEvents'),
    };
    const second = await rig.drive(burst(set, events, 'w2'));
    const after2 = {
      alerts: rig.publishes().length,
      calls: org.total(),
      assume: org.calls('sts:AssumeRole'),
    };
    const added = problems(org.accounts, opts.newProblems ?? 10, count);
    const third = await rig.drive(burst(added, Math.max(added.length, Math.round(events / 10)), 'w3'));
    const after3 = {
      alerts: rig.publishes().length,
      calls: org.total(),
      assume: org.calls('sts:AssumeRole'),
    };
    const dedup = await rig.dedupTotals();
    const accountRegions = new Set(set.map((p) => `${p.account}|${p.region}`)).size;
    const figures: Record<string, number> = {
      accounts: org.accounts.length,
      regions: REGIONS.length,
      accountRegions,
      distinctProblems: count,
      events: first.events,
      alerts: after1.alerts,
      awsCalls: after1.calls,
      assumeRoleCalls: after1.assume,
      lookupEventsCalls: after1.lookups,
      eventsPerSecond: Math.round(first.events / first.seconds),
      // Per second of CPU of this process (handler and the in-process dynalite): the rate on an idle core.
      eventsPerCpuSecond: Math.round(first.events / ((used.user + used.system) / 1e6)),
      repeatEvents: second.events,
      repeatNewAlerts: after2.alerts - after1.alerts,
      repeatNewAwsCalls: after2.calls - after1.calls,
      repeatEventsPerSecond: Math.round(second.events / second.seconds),
      addedProblems: added.length,
      addedEvents: third.events,
      addedAlerts: after3.alerts - after2.alerts,
      addedAwsCalls: after3.calls - after2.calls,
      addedAssumeRoleCalls: after3.assume - after2.assume,
      dedupOccurrences: dedup.occurrences,
      failures: first.failures + second.failures + third.failures,
      unhandledCalls: org.unhandled.length,
    };
    log(
      `organization: ${figures.accounts} accounts × ${figures.regions} regions; burst over ${accountRegions} account-regions`,
    );
    log(
      `burst:   ${first.events} events, ${count} distinct problems -> ${after1.alerts} alerts, ${after1.calls} AWS calls ` +
        `(${after1.assume} AssumeRole, ${figures.lookupEventsCalls} LookupEvents), ${figures.eventsPerSecond} events/s ` +
        `(${figures.eventsPerCpuSecond} per CPU second)`,
    );
    log(
      `again:   ${second.events} more events, same problems -> +${figures.repeatNewAlerts} alerts, +${figures.repeatNewAwsCalls} AWS calls, ${figures.repeatEventsPerSecond} events/s`,
    );
    log(
      `new:     ${third.events} events of ${added.length} new problems -> +${figures.addedAlerts} alerts, +${figures.addedAwsCalls} AWS calls (+${figures.addedAssumeRoleCalls} AssumeRole)`,
    );
    log(
      `dedup:   ${dedup.problems} problems, ${dedup.occurrences} occurrences counted for ${first.events + second.events + third.events} events; failures ${figures.failures}`,
    );
    return figures;
  } finally {
    await rig.close();
  }
}

if (require.main === module) {
  benchOrg().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
