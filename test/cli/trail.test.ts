/**
 * `explain --trail-bucket NAME [--prefix P]` (issue 16 item 1): the trail's log objects of the time window
 * are listed (ListObjectsV2, only the date folders of the window) and streamed (GetObject) straight from S3.
 * Key layout: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../lambdas/cli';
import { deliveryTime } from '../../lambdas/cli/trail';
import type { Finding } from '../../lambdas/core/model';
import { liveFromSnapshot } from './fake-aws';
import { DELETE_DENIED, IP_DENIED, logFile, occurrence } from './logs';
import { memoryIo, SNAPSHOT } from './memory-io';

const s3 = mockClient(S3Client);
const DAY = 'trail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/';
const file = (time: string) => `${DAY}111122223333_CloudTrail_us-east-1_20261120T${time}Z_abc.json.gz`;
const body = (records: Record<string, unknown>[]) =>
  sdkStreamMixin(Readable.from([gzipSync(logFile(records))]));

beforeEach(() => {
  s3.reset();
  s3.on(ListObjectsV2Command, { Prefix: 'trail/AWSLogs/', Delimiter: '/' }).resolves({
    CommonPrefixes: [{ Prefix: 'trail/AWSLogs/111122223333/' }, { Prefix: 'trail/AWSLogs/o-abc123def4/' }],
  });
  s3.on(ListObjectsV2Command, { Prefix: 'trail/AWSLogs/o-abc123def4/', Delimiter: '/' }).resolves({
    CommonPrefixes: [{ Prefix: 'trail/AWSLogs/o-abc123def4/444455556666/' }],
  });
  s3.on(ListObjectsV2Command, { Prefix: 'trail/AWSLogs/111122223333/CloudTrail/' }).resolves({
    CommonPrefixes: [{ Prefix: 'trail/AWSLogs/111122223333/CloudTrail/us-east-1/' }],
  });
  s3.on(ListObjectsV2Command, { Prefix: 'trail/AWSLogs/o-abc123def4/444455556666/CloudTrail/' }).resolves({});
  s3.on(ListObjectsV2Command, { Prefix: DAY }).resolves({
    Contents: [{ Key: file('0950') }, { Key: file('1005') }],
    IsTruncated: true,
    NextContinuationToken: 't2',
  });
  s3.on(ListObjectsV2Command, { Prefix: DAY, ContinuationToken: 't2' }).resolves({
    Contents: [{ Key: file('1010') }, { Key: `${DAY}digest.txt` }],
  });
  s3.on(GetObjectCommand, { Key: file('1005') }).callsFake(() => ({
    Body: body([occurrence(IP_DENIED, 1, 240)]),
  }));
  s3.on(GetObjectCommand, { Key: file('1010') }).callsFake(() => ({
    Body: body([occurrence(DELETE_DENIED, 2, 540)]),
  }));
});

const args = [
  'explain',
  '--trail-bucket',
  'logs',
  '--prefix',
  'trail',
  '--since',
  '30m',
  '--snapshot',
  SNAPSHOT,
  '--format',
  'json',
];
const now = new Date('2026-11-20T10:30:00Z');

describe('--trail-bucket', () => {
  it('lists only the date folders of the window, reads the files delivered in it, and explains their denials', async () => {
    const io = memoryIo({ aws: liveFromSnapshot(), now });
    expect(await run(args, io)).toBe(0);
    expect(io.stderrText()).toBe('');
    expect((JSON.parse(io.stdoutText()) as Finding[]).map((f) => f.eventId.slice(-1))).toEqual(['1', '2']);
    const listed = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix);
    expect(listed.filter((p) => p?.endsWith('/2026/11/20/'))).toEqual([DAY, DAY]);
    expect(listed.some((p) => p?.includes('/2026/11/19/'))).toBe(false);
    const read = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key);
    expect(read).toEqual([file('1005'), file('1010')]); // 09:50 was delivered before the window
  });

  it('names an object that cannot be read, explains the others, and exits 2', async () => {
    s3.on(GetObjectCommand, { Key: file('1005') }).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    const io = memoryIo({ aws: liveFromSnapshot(), now });
    expect(await run(args, io)).toBe(2);
    expect(io.stderrText()).toBe(
      `s3-403: s3://logs/${file('1005')}: cannot read: AccessDenied: Access Denied\n`,
    );
    expect((JSON.parse(io.stdoutText()) as Finding[]).map((f) => f.eventId.slice(-1))).toEqual(['2']);
  });

  it('exits 2 with one line when the bucket cannot be listed', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'trail/AWSLogs/', Delimiter: '/' }).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    const io = memoryIo({ aws: liveFromSnapshot(), now });
    expect(await run(args, io)).toBe(2);
    expect(io.stdoutText()).toBe('');
    expect(io.stderrText()).toBe(
      's3-403: s3://logs/trail/AWSLogs/: cannot list: AccessDenied: Access Denied\n',
    );
  });

  it('reads the delivery time from CloudTrail file names', () => {
    expect(deliveryTime(file('1005'))).toBe(Date.parse('2026-11-20T10:05:00Z'));
    expect(deliveryTime(`${DAY}digest.txt`)).toBeNull();
  });

  it('--prefix without --trail-bucket is an error', async () => {
    const io = memoryIo();
    expect(await run(['explain', '--event', 'x.json', '--prefix', 'p'], io)).toBe(2);
    expect(io.stderrText()).toBe('s3-403: --prefix needs --trail-bucket NAME\n');
  });
});
