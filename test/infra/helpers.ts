/**
 * Shared helpers for the infrastructure tests: stacks are built with bundling skipped
 * ('aws:cdk:bundling-stacks': []) so tests stay fast; one test in bundle.test.ts bundles for real.
 */
// cdk-nag reads a deprecated CfnEventBusPolicy property; its jsii warning is noise in test output.
process.env.JSII_DEPRECATED ??= 'quiet';

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AuditorStack } from '../../lib/auditor-stack';
import type { S3AccessDeniedAuditorProps } from '../../lib/access-denied-auditor';
import { MemberStack, MemberStackProps } from '../../lib/member-stack';

export const ACCOUNT = '111122223333';
export const PARTITION = 'aws';
/** What resolveIntrinsics puts for AWS::StackName. */
export const STACK_NAME = 'TestStack';
export const FAKE_AUDITOR_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/s3-403-auditor-test`;

export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/**
 * Where this test file's apps synthesize: one temporary folder, removed after the file's tests. (Without an
 * outdir, every App writes a cdk.out* folder into the system's temporary folder and leaves it there.)
 */
let outRoot: string | null = null;
let apps = 0;
afterAll(() => {
  if (outRoot !== null) fs.rmSync(outRoot, { recursive: true, force: true });
  outRoot = null;
});

export function newApp(context: Record<string, unknown> = {}): App {
  outRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 's3-403-cdk-'));
  apps += 1;
  return new App({ outdir: path.join(outRoot, String(apps)), context: { ...NO_BUNDLING, ...context } });
}

/** An AuditorStack with cdk-nag attached, from props and/or context. */
export function auditorStack(
  auditor: S3AccessDeniedAuditorProps = {},
  context: Record<string, unknown> = {},
): { stack: AuditorStack; template: Template } {
  const app = newApp(context);
  const stack = new AuditorStack(app, 'Auditor', { auditor });
  Aspects.of(app).add(new AwsSolutionsChecks());
  return { stack, template: Template.fromStack(stack) };
}

export function memberStack(
  props: MemberStackProps = {},
  context: Record<string, unknown> = {},
): { stack: MemberStack; template: Template } {
  const app = newApp(context);
  const stack = new MemberStack(app, 'Member', props);
  Aspects.of(app).add(new AwsSolutionsChecks());
  return { stack, template: Template.fromStack(stack) };
}

/** cdk-nag errors (unsuppressed findings) of a stack, as "path: message" lines. */
export function nagErrors(stack: Stack): string[] {
  return Annotations.fromStack(stack)
    .findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))
    .map((e) => `${e.id}: ${String(e.entry.data).split('\n')[0]}`);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Resolves the intrinsics a template uses in patterns and policies, with a fixed partition/account and the
 * ARN of each role by logical id (`roleArns`). Unknown intrinsics become "<Fn::…>" strings.
 */
export function resolveIntrinsics(value: Json, roleArns: Record<string, string> = {}): Json {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, roleArns));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [k] = keys as [string];
    const arg = value[k] as Json;
    if (k === 'Ref' && arg === 'AWS::Partition') return PARTITION;
    if (k === 'Ref' && arg === 'AWS::AccountId') return ACCOUNT;
    if (k === 'Ref' && arg === 'AWS::Region') return 'us-east-1';
    if (k === 'Ref' && arg === 'AWS::StackName') return STACK_NAME;
    if (k === 'Ref' && typeof arg === 'string' && roleArns[arg]) return roleArns[arg]!;
    if (k === 'Fn::GetAtt' && Array.isArray(arg) && typeof arg[0] === 'string' && roleArns[arg[0]]) {
      return roleArns[arg[0]]!;
    }
    if (k === 'Fn::Join' && Array.isArray(arg)) {
      const [sep, parts] = arg as [string, Json[]];
      return parts.map((p) => String(resolveIntrinsics(p, roleArns))).join(sep);
    }
    if (k.startsWith('Fn::') || k === 'Ref') return `<${k}:${JSON.stringify(arg)}>`;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIntrinsics(v, roleArns)]));
}

/** Logical id of the single resource of a type whose logical id contains `hint`. */
export function logicalId(template: Template, type: string, hint = ''): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(hint));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} matching "${hint}", found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

/** Every policy statement of every IAM policy, role inline policy, key/bucket/queue/topic/bus policy. */
export function allStatements(template: Template): Array<Record<string, Json>> {
  const docs: Json[] = [];
  for (const resource of Object.values(
    template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, Json> }>,
  )) {
    const p = resource.Properties ?? {};
    for (const key of ['PolicyDocument', 'KeyPolicy', 'AssumeRolePolicyDocument'])
      if (p[key]) docs.push(p[key]!);
    for (const inline of (p.Policies as Array<{ PolicyDocument: Json }> | undefined) ?? [])
      docs.push(inline.PolicyDocument);
    if (resource.Type === 'AWS::Events::EventBusPolicy' && p.Statement)
      docs.push({ Statement: [p.Statement] });
  }
  return docs.flatMap((d) => ((d as { Statement: Json[] }).Statement ?? []) as Array<Record<string, Json>>);
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export { CORPUS_DIR } from '../fixtures/corpus';
export const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples', 'events');

export function jsonFiles(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
}

const DETAIL_TYPES: Record<string, string> = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Signin via CloudTrail',
  AwsConsoleAction: 'AWS Console Action via CloudTrail',
};

/**
 * An EventBridge envelope for a bare CloudTrail record, as EventBridge delivers it
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html): source is "aws." plus the
 * service prefix of eventSource; detail is the record. Envelopes are returned unchanged.
 */
export function toEnvelope(doc: Record<string, Json>): Record<string, Json> {
  if (typeof doc['detail-type'] === 'string') return doc;
  const eventSource = String(doc.eventSource ?? '');
  return {
    version: '0',
    id: String(doc.eventID ?? '00000000-0000-0000-0000-000000000000'),
    'detail-type': DETAIL_TYPES[String(doc.eventType)] ?? `${String(doc.eventType)} via CloudTrail`,
    source: `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`,
    account: String(doc.recipientAccountId ?? ACCOUNT),
    time: String(doc.eventTime ?? '2026-01-01T00:00:00Z'),
    region: String(doc.awsRegion ?? 'us-east-1'),
    resources: [],
    detail: doc,
  };
}

export function readJson(file: string): Record<string, Json> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Json>;
}
