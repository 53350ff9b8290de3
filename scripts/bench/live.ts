/**
 * Bench of the live account view (issue 5): every AWS call is mocked and answers after 50 ms. Prints the calls
 * of a cold analysis, of a repeat within the cache TTL, the sequential round trips on the critical path and the
 * wall time. Standalone: `npx tsx scripts/bench/live.ts`.
 *
 * The mocked account (`mockedAws`, `sameAccountScenario`) is also used by the tests of lambdas/adapters/aws.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketRequestPaymentCommand,
  GetBucketAbacCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetObjectAclCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  ListAccessPointsCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { AccessRequest } from '../../lambdas/core/model';
import { AwsAccountView } from '../../lambdas/adapters/aws/view';
import type { AwsClients } from '../../lambdas/adapters/aws/clients';
import { request as buildRequest } from '../../test/adapters/snapshot/request-builder';

// ------------------------------------------------------------------------------------------ mocked AWS

export interface CallRecord {
  readonly client: keyof AwsClients;
  readonly command: string;
  readonly input: unknown;
  readonly start: number;
  end: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyStub = AwsStub<any, any, any>;
type Handler = (input: any) => unknown;
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface MockedAws {
  readonly clients: AwsClients;
  readonly stubs: Record<keyof AwsClients, AnyStub>;
  readonly calls: CallRecord[];
  /** Answers `command` on `client` after the delay with `handler(input)` (a thrown error is the AWS error). */
  on<C extends keyof AwsClients>(client: C, command: new (input: never) => unknown, handler: Handler): void;
  /** The longest chain of calls where each starts after the previous one answered. */
  depth(): number;
  resetCalls(): void;
}

/** The longest chain of calls where each one started after the previous one answered. */
export function depthOf(calls: readonly CallRecord[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const depths: number[] = [];
  sorted.forEach((c, i) => {
    let d = 1;
    for (let j = 0; j < i; j++) {
      const prev = sorted[j];
      if (prev && prev.end > 0 && prev.end <= c.start) d = Math.max(d, (depths[j] ?? 0) + 1);
    }
    depths.push(d);
  });
  return Math.max(0, ...depths);
}

/** An AWS SDK style service error (name = the error code, as the SDK sets it). */
export function awsError(code: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name: code, $fault: 'client', $metadata: { httpStatusCode } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fresh client instances, each mocked on its own (other instances are not affected). */
export function mockedAws(delayMs: number, region = 'us-east-1'): MockedAws {
  const clients: AwsClients = {
    s3: new S3Client({ region }),
    s3control: new S3ControlClient({ region }),
    iam: new IAMClient({ region }),
    ec2: new EC2Client({ region }),
    kms: new KMSClient({ region }),
    organizations: new OrganizationsClient({ region }),
    sts: new STSClient({ region }),
    cloudtrail: new CloudTrailClient({ region }),
  };
  const stubs = Object.fromEntries(
    Object.entries(clients).map(([k, c]) => [k, mockClient(c as S3Client)]),
  ) as unknown as Record<keyof AwsClients, AnyStub>;
  const calls: CallRecord[] = [];
  return {
    clients,
    stubs,
    calls,
    on(client, command, handler) {
      stubs[client].on(command as never).callsFake(async (input: unknown) => {
        const rec: CallRecord = {
          client,
          command: command.name.replace(/Command$/, ''),
          input,
          start: performance.now(),
          end: 0,
        };
        calls.push(rec);
        await sleep(delayMs);
        rec.end = performance.now();
        return handler(input);
      });
    },
    depth() {
      return depthOf(calls);
    },
    resetCalls() {
      calls.length = 0;
    },
  };
}

// ------------------------------------------------------------------------------------------ the scenario

export const ACCOUNT = '111122223333';
export const BUCKET = 'corp-reports';
export const KEY = 'q3/summary.csv';
export const ROLE = 'app-role';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
/** app-role's trust policy: only Lambda assumes it, without sts:TagSession (its sessions carry exactly its tags). */
export const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
export const MANAGED_ARN = `arn:aws:iam::${ACCOUNT}:policy/ReportsRead`;

const enc = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

export const INLINE_DOC = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` }],
};
export const MANAGED_DOC = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }],
};
export const BUCKET_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyOutsideVpce',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0abc1234def567890' } },
    },
  ],
};

/**
 * A same-account denial: role session app-role/alice → GetObject on corp-reports/q3/summary.csv. The role has one
 * inline and one managed policy; the bucket has a policy, BPA, BucketOwnerEnforced and SSE-S3; the account is
 * not in an organization. Response shapes follow the API references (policies as JSON strings, IAM documents
 * URL-encoded).
 */
export function sameAccountScenario(aws: MockedAws): void {
  aws.on('iam', GetRoleCommand, () => ({
    Role: {
      Path: '/',
      RoleName: ROLE,
      RoleId: 'AROAEXAMPLEROLEID1234',
      Arn: ROLE_ARN,
      CreateDate: new Date('2026-01-01T00:00:00Z'),
      // GetRole answers the trust policy URL-encoded: a Lambda function's role (no sts:TagSession)
      AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(LAMBDA_TRUST)),
      Tags: [{ Key: 'team', Value: 'finance' }],
    },
  }));
  aws.on('iam', ListAttachedRolePoliciesCommand, () => ({
    AttachedPolicies: [{ PolicyName: 'ReportsRead', PolicyArn: MANAGED_ARN }],
    IsTruncated: false,
  }));
  aws.on('iam', ListRolePoliciesCommand, () => ({ PolicyNames: ['list-bucket'], IsTruncated: false }));
  aws.on('iam', GetRolePolicyCommand, () => ({
    RoleName: ROLE,
    PolicyName: 'list-bucket',
    PolicyDocument: enc(INLINE_DOC),
  }));
  aws.on('iam', GetPolicyCommand, () => ({
    Policy: { PolicyName: 'ReportsRead', Arn: MANAGED_ARN, DefaultVersionId: 'v2', AttachmentCount: 1 },
  }));
  aws.on('iam', GetPolicyVersionCommand, () => ({
    PolicyVersion: { Document: enc(MANAGED_DOC), VersionId: 'v2', IsDefaultVersion: true },
  }));
  aws.on('s3', GetBucketLocationCommand, () => ({ LocationConstraint: undefined }));
  aws.on('s3', GetBucketPolicyCommand, () => ({ Policy: JSON.stringify(BUCKET_POLICY) }));
  aws.on('s3', GetPublicAccessBlockCommand, () => ({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
  }));
  aws.on('s3', GetBucketOwnershipControlsCommand, () => ({
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
  }));
  aws.on('s3', GetBucketEncryptionCommand, () => ({
    ServerSideEncryptionConfiguration: {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
    },
  }));
  aws.on('s3', GetBucketAclCommand, () => ({
    Owner: { ID: 'c0ffee' },
    Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'c0ffee' }, Permission: 'FULL_CONTROL' }],
  }));
  // Read by the live view only for a caller outside the bucket owner's account, and by `s3-403 snapshot` (issue 19).
  aws.on('s3', GetBucketRequestPaymentCommand, () => ({ Payer: 'BucketOwner' }));
  // S3 ABAC: read by the live view only when a policy tests aws:ResourceTag, and by `s3-403 snapshot`. The default.
  aws.on('s3', GetBucketAbacCommand, () => ({ AbacStatus: { Status: 'Disabled' } }));
  aws.on('s3', GetBucketTaggingCommand, () => {
    throw awsError('NoSuchTagSet', 'The TagSet does not exist', 404);
  });
  // MFA delete: read by the live view only for a version delete or versioning change, and by `s3-403 snapshot`.
  // A bucket never versioned answers {} (API_GetBucketVersioning).
  aws.on('s3', GetBucketVersioningCommand, () => ({}));
  aws.on('s3', GetObjectLockConfigurationCommand, () => {
    throw awsError(
      'ObjectLockConfigurationNotFoundError',
      'Object Lock configuration does not exist for this bucket',
      404,
    );
  });
  // Every key asked for exists: ListObjectsV2 (Prefix = key, MaxKeys 1) lists the key itself first.
  aws.on('s3', ListObjectsV2Command, (input: { Prefix?: string }) => ({
    Contents: [{ Key: input.Prefix, Size: 42 }],
    KeyCount: 1,
    IsTruncated: false,
  }));
  // Called only by a view with objectMetadata.
  aws.on('s3', HeadObjectCommand, () => ({ ContentLength: 42, ServerSideEncryption: 'AES256' }));
  // Read only when ACLs are in effect (Object Ownership is not BucketOwnerEnforced).
  aws.on('s3', GetObjectAclCommand, () => ({
    Owner: { ID: 'c0ffee' },
    Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'c0ffee' }, Permission: 'FULL_CONTROL' }],
  }));
  // Called only by `s3-403 snapshot` (the access points of a captured bucket): none here.
  aws.on('s3control', ListAccessPointsCommand, () => ({ AccessPointList: [] }));
  aws.on('s3control', GetAccountPublicAccessBlockCommand, () => ({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
  }));
  aws.on('organizations', DescribeOrganizationCommand, () => {
    throw awsError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  });
}

/** The AccessRequest of that denial, as the event parser would build it. */
export function sampleRequest(over: Partial<AccessRequest> = {}): AccessRequest {
  return buildRequest(
    {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/alice`,
      identityArn: ROLE_ARN,
      accountId: ACCOUNT,
      sessionName: 'alice',
      principalId: 'AROAEXAMPLEROLEID1234:alice',
      accessKeyId: 'ASIAEXAMPLE',
      mfaAuthenticated: false,
    },
    {
      eventId: 'e-1',
      bucket: BUCKET,
      key: KEY,
      bucketAccountId: ACCOUNT,
      sourceIp: '203.0.113.10',
      tlsVersion: 'TLSv1.3',
      userAgent: 'aws-cli/2',
      context: {
        values: { 'aws:SourceIp': '203.0.113.10', 'aws:SecureTransport': 'true' },
        absent: [],
        otherKeys: 'unknown',
      },
      ...over,
    },
  );
}

// ------------------------------------------------------------------------------------------ the bench

export async function benchLive(): Promise<Record<string, number>> {
  const aws = mockedAws(50);
  sameAccountScenario(aws);
  const view = new AwsAccountView({ clients: aws.clients, auditorAccountId: ACCOUNT, region: 'us-east-1' });
  const request = sampleRequest();

  let t0 = performance.now();
  await view.gather(request);
  const coldWallMs = Math.round(performance.now() - t0);
  const coldCalls = aws.calls.length;
  const coldRoundTrips = aws.depth();

  aws.resetCalls();
  t0 = performance.now();
  await view.gather(request);
  const repeatWallMs = Math.round(performance.now() - t0);
  const repeatCalls = aws.calls.length;

  // Organization mode: the denial happened in a member account; the central auditor assumes the member role.
  const auditor = mockedAws(50);
  const member = mockedAws(50);
  sameAccountScenario(member);
  auditor.on('sts', AssumeRoleCommand, () => ({
    Credentials: {
      AccessKeyId: 'ASIAMEMBER',
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  }));
  const central = new AwsAccountView({
    region: 'us-east-1',
    auditorAccountId: '999999999999',
    memberRoleName: 'S3403Reader',
    clientFactory: (accountId) => (accountId === null ? auditor.clients : member.clients),
  });
  t0 = performance.now();
  await central.gather(request);
  const memberWallMs = Math.round(performance.now() - t0);
  const all = [...auditor.calls, ...member.calls];
  const memberCalls = all.length;
  const memberRoundTrips = depthOf(all);

  const figures = {
    coldCalls,
    coldRoundTrips,
    coldWallMs,
    repeatCalls,
    repeatWallMs,
    memberCalls,
    memberRoundTrips,
    memberWallMs,
  };
  console.log(
    `cold analysis:     ${coldCalls} AWS calls, ${coldRoundTrips} sequential round trips, ${coldWallMs} ms (target: <= 15 calls, <= 3 round trips, < 200 ms)`,
  );
  console.log(`repeat within TTL: ${repeatCalls} AWS calls, ${repeatWallMs} ms (target: <= 2 calls)`);
  console.log(
    `member account (AssumeRole, cold): ${memberCalls} AWS calls, ${memberRoundTrips} sequential round trips, ${memberWallMs} ms`,
  );
  for (const m of [aws, auditor, member]) for (const s of Object.values(m.stubs)) s.restore();
  return figures;
}

if (require.main === module) {
  benchLive().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
