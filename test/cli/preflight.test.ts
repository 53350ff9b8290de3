/**
 * `s3-403 preflight` (issue 18, docs/CLI.md Preflight): the command shape, the JSON contract
 * `{requests, distinct, newlyDenied[], newlyAllowed[], unknown[]}`, exit 4 when anything is newly denied,
 * text output, and one clear line (exit 2) for every unusable argument or document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { run } from '../../lambdas/cli';
import type { PreflightReport } from '../../lambdas/core/preflight/types';
import { trafficRecord } from '../../scripts/bench/preflight-traffic';
import { liveFromSnapshot } from './fake-aws';
import { memoryIo } from './memory-io';

const EXAMPLE = join(__dirname, '../../examples/preflight');
const SNAPSHOT = join(EXAMPLE, 'snapshot.json');
const TRAFFIC = join(EXAMPLE, 'traffic.json');
const PROPOSED = join(EXAMPLE, 'proposed-bucket-policy.json');
const CURRENT = JSON.stringify(
  (JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as { buckets: Record<string, { policy: unknown }> }).buckets[
    'reports-bucket'
  ]!.policy,
);

const base = ['preflight', '--snapshot', SNAPSHOT, '--events', TRAFFIC];

describe('s3-403 preflight', () => {
  it('lists who the proposed IP restriction locks out, as JSON, and exits 4', async () => {
    const io = memoryIo();
    const code = await run(
      [...base, '--bucket-policy', `reports-bucket=${PROPOSED}`, '--format', 'json'],
      io,
    );
    expect(io.stderrText()).toBe('');
    expect(code).toBe(4);
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['requests', 'distinct', 'newlyDenied', 'newlyAllowed', 'unknown']),
    );
    expect(report).toMatchObject({ records: 60, requests: 60, distinct: 14, newlyAllowed: [], unknown: [] });
    const denied = report.newlyDenied;
    expect(denied.reduce((a, i) => a + i.count, 0)).toBe(45);
    expect(new Set(denied.map((i) => i.principal))).toEqual(
      new Set([
        'arn:aws:sts::111122223333:assumed-role/ReportsEtl/etl-nightly',
        'arn:aws:sts::444455556666:assumed-role/PartnerReader/partner-sync',
        'arn:aws:iam::111122223333:user/alice',
      ]),
    );
    for (const item of denied) {
      expect(Object.keys(item)).toEqual(
        expect.arrayContaining(['principal', 'action', 'resource', 'count', 'sample', 'after']),
      );
      expect(item.after.decision).toBe('explicitly-denied');
      expect(item.after.rootCauses[0]?.id).toBe('bucket-policy-explicit-deny');
      expect(item.after.rootCauses[0]?.evidence.map((e) => e.statement)).toContain('DenyOutsideOffice');
    }
    // most frequent first
    expect(denied.map((i) => i.count)).toEqual([...denied.map((i) => i.count)].sort((a, b) => b - a));
    expect(report.stillAllowed).toEqual({ requests: 12, distinct: 3 });
    expect(report.stillDenied).toEqual({ requests: 3, distinct: 3 });
    expect(report.disagreements.requests).toBe(0);
  });

  it('text names the locked-out callers with the statement that would deny them, and how far to trust the replay', async () => {
    const io = memoryIo();
    const code = await run([...base, '--bucket-policy', `reports-bucket=${PROPOSED}`], io);
    expect(code).toBe(4);
    const text = io.stdoutText();
    expect(text).toMatch(/^Preflight: 60 recorded S3 requests \(14 distinct requests\) replayed/);
    expect(text).toContain('NEWLY DENIED: 45 requests (8 distinct requests)');
    expect(text).toContain('through vpce-0a1b2c3d4e5f60718');
    expect(text).toContain('aws:SourceIp is absent, so NotIpAddress passes');
    expect(text).toContain('statement DenyOutsideOffice');
    // how to keep each newly denied caller working, verified with the proposal in place: the ETL behind the VPC endpoint
    // can never send an aws:SourceIp, so the proposal should spare the endpoint; said once, then referred to
    expect(text).toContain(
      '     to keep it working (verified with the change in place): The request came through VPC endpoint vpce-0a1b2c3d4e5f60718 from 10.0.3.17; a request through a VPC endpoint carries no aws:SourceIp',
    );
    expect(text).toContain(
      'Exempt the endpoint in statement DenyOutsideOffice (StringNotEquals aws:SourceVpce vpce-0a1b2c3d4e5f60718',
    );
    expect(text).toContain('     to keep it working (verified with the change in place): as for 3 above');
    expect(text.match(/Exempt the endpoint/g)).toHaveLength(1);
    expect(text).toContain('NEWLY ALLOWED: none');
    expect(text).toContain('Disagreements with the recorded outcome: none');
  });

  it('exits 0 when the proposed document changes nothing for the traffic', async () => {
    const io = memoryIo({ files: { 'same.json': CURRENT } });
    const code = await run([...base, '--bucket-policy', 'reports-bucket=same.json', '--format', 'json'], io);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.newlyDenied).toEqual([]);
    expect(report.stillAllowed.requests + report.stillDenied.requests).toBe(60);
  });

  it('--verbose lists the requests denied before and after', async () => {
    const io = memoryIo();
    await run(
      [...base, '--bucket-policy', `reports-bucket=${PROPOSED}`, '--format', 'json', '--verbose'],
      io,
    );
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.stillDenied.items?.map((i) => i.principal)).toEqual([
      'arn:aws:iam::111122223333:user/bob',
      'arn:aws:iam::111122223333:user/bob',
      'arn:aws:iam::111122223333:user/bob',
    ]);
  });

  it('several changes at once: each says how many requests it reaches', async () => {
    const vpce = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
    });
    const io = memoryIo({ files: { 'vpce.json': vpce } });
    const code = await run(
      [
        ...base,
        '--vpc-endpoint-policy',
        'vpce-0a1b2c3d4e5f60718=vpce.json',
        '--identity-policy',
        `arn:aws:iam::111122223333:user/bob#deny-all=${PROPOSED}`,
        '--format',
        'json',
      ],
      io,
    );
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.changes.map((c) => [c.change, c.reached.requests])).toEqual([
      [`--identity-policy arn:aws:iam::111122223333:user/bob#deny-all=${PROPOSED}`, 3],
      ['--vpc-endpoint-policy vpce-0a1b2c3d4e5f60718=vpce.json', 30],
    ]);
    // the endpoint policy no longer allows the ETL job's uploads
    expect(report.newlyDenied.map((i) => i.action)).toEqual(expect.arrayContaining(['s3:PutObject']));
    expect(report.newlyDenied.every((i) => i.after.rootCauses[0]?.id === 'vpc-endpoint-policy')).toBe(true);
    expect(code).toBe(4);
  });

  it('reads gzipped logs and stdin, and replays only the window of --since / --until', async () => {
    const log = readFileSync(TRAFFIC);
    const io = memoryIo({ files: { 'traffic.json.gz': gzipSync(log) }, stdin: log });
    await run(
      [
        'preflight',
        '--snapshot',
        SNAPSHOT,
        '--events',
        'traffic.json.gz',
        '-',
        '--bucket-policy',
        `reports-bucket=${PROPOSED}`,
        '--until',
        '2026-11-23T23:59:59Z',
        '--format',
        'json',
      ],
      io,
    );
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.records).toBe(120);
    const inWindow = Array.from({ length: 60 }, (_, i) => trafficRecord(i, 60)).filter(
      (r) => String(r['eventTime']) <= '2026-11-23T23:59:59Z',
    ).length;
    expect(report.requests).toBe(2 * inWindow);
  });

  it('writes html to --out and says so', async () => {
    const io = memoryIo();
    const code = await run(
      [
        ...base,
        '--bucket-policy',
        `reports-bucket=${PROPOSED}`,
        '--format',
        'html',
        '--out',
        'preflight.html',
      ],
      io,
    );
    expect(code).toBe(4);
    expect(io.stderrText()).toBe(
      's3-403: wrote preflight.html (8 newly denied, 0 newly allowed, 0 unknown)\n',
    );
    expect(io.written.get('preflight.html')).toContain('<h1>Preflight: will this change break anyone?</h1>');
  });

  it('live mode: the live account and the trail bucket of the window', async () => {
    const s3 = mockClient(S3Client);
    const day = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/';
    const key = `${day}111122223333_CloudTrail_us-east-1_20261120T1005Z_abc.json.gz`;
    s3.on(ListObjectsV2Command, { Prefix: 'AWSLogs/', Delimiter: '/' }).resolves({
      CommonPrefixes: [{ Prefix: 'AWSLogs/111122223333/' }],
    });
    s3.on(ListObjectsV2Command, { Prefix: 'AWSLogs/111122223333/CloudTrail/' }).resolves({
      CommonPrefixes: [{ Prefix: 'AWSLogs/111122223333/CloudTrail/us-east-1/' }],
    });
    s3.on(ListObjectsV2Command, { Prefix: day }).resolves({ Contents: [{ Key: key }] });
    const records = [1, 15].map((i) => ({ ...trafficRecord(i, 20), eventTime: '2026-11-20T10:01:00Z' }));
    s3.on(GetObjectCommand, { Key: key }).callsFake(() => ({
      Body: sdkStreamMixin(Readable.from([gzipSync(JSON.stringify({ Records: records }))])),
    }));
    const aws = liveFromSnapshot({ snapshot: SNAPSHOT });
    const io = memoryIo({ aws, now: new Date('2026-11-20T10:30:00Z') });
    const code = await run(
      [
        'preflight',
        '--trail-bucket',
        'trail-logs',
        '--since',
        '1h',
        '--bucket-policy',
        `reports-bucket=${PROPOSED}`,
        '--format',
        'json',
      ],
      io,
    );
    expect(io.stderrText()).toBe('');
    expect(code).toBe(4);
    const report = JSON.parse(io.stdoutText()) as PreflightReport;
    expect(report.requests).toBe(2);
    expect(report.newlyDenied).toHaveLength(2);
    expect(aws.calls.some((c) => (c as unknown[])[0] === 'AwsAccountView')).toBe(true);
    s3.restore();
  });

  describe('unusable arguments: one line, exit 2', () => {
    const cases: [string, string[], Record<string, string>, RegExp][] = [
      ['no proposed document', [], {}, /^s3-403: preflight needs at least one proposed change/],
      ['no traffic', ['--bucket-policy', `reports-bucket=${PROPOSED}`], {}, /needs the traffic/],
      ['TARGET=FILE missing its =', ['--bucket-policy', 'reports-bucket'], {}, /expected TARGET=FILE/],
      [
        'a document that is not JSON',
        ['--bucket-policy', 'reports-bucket=bad.json'],
        { 'bad.json': '{nope' },
        /^s3-403: bad\.json: policy document is not valid JSON/,
      ],
      [
        'a document without Statement',
        ['--bucket-policy', 'reports-bucket=bad.json'],
        { 'bad.json': '{"Version":"2012-10-17"}' },
        /has no "Statement"/,
      ],
      [
        'a bucket the snapshot does not carry',
        ['--bucket-policy', `other-bucket=${PROPOSED}`],
        {},
        /the snapshot has no bucket other-bucket/,
      ],
      [
        'an AWS managed policy',
        ['--identity-policy', `arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess=${PROPOSED}`],
        {},
        /AWS managed policy cannot be changed/,
      ],
      [
        'a role the snapshot does not carry',
        ['--identity-policy', `arn:aws:iam::111122223333:role/Nope=${PROPOSED}`],
        {},
        /the snapshot has no role Nope in account 111122223333/,
      ],
      [
        'an SCP the snapshot does not carry',
        ['--scp', `p-doesnotexist=${PROPOSED}`],
        {},
        /the snapshot has no SCP p-doesnotexist/,
      ],
      [
        'a malformed VPC endpoint id',
        ['--vpc-endpoint-policy', `vpc-123=${PROPOSED}`],
        {},
        /is not a VPC endpoint id/,
      ],
      [
        'the same bucket twice',
        ['--bucket-policy', `reports-bucket=${PROPOSED}`, '--bucket-policy', `reports-bucket=${PROPOSED}`],
        {},
        /names reports-bucket twice/,
      ],
    ];
    it.each(cases)('%s', async (_name, extra, files, message) => {
      const io = memoryIo({ files });
      const args =
        _name === 'no traffic' ? ['preflight', '--snapshot', SNAPSHOT, ...extra] : [...base, ...extra];
      const code = await run(args, io);
      expect(code).toBe(2);
      expect(io.stderrText()).toMatch(message);
      expect(io.stderrText().trim().split('\n')).toHaveLength(1);
      expect(io.stdoutText()).toBe('');
    });
  });

  it('an unreadable input is named and the others are still replayed (exit 4 still wins when something is newly denied)', async () => {
    const io = memoryIo({ files: { 'broken.json': '{"Records": [{"eventSource": "s3.amazonaws.com",' } });
    const code = await run(
      [
        'preflight',
        '--snapshot',
        SNAPSHOT,
        '--events',
        'broken.json',
        TRAFFIC,
        '--bucket-policy',
        `reports-bucket=${PROPOSED}`,
        '--format',
        'json',
      ],
      io,
    );
    expect(io.stderrText()).toMatch(/^s3-403: broken\.json: not JSON/);
    expect(code).toBe(4);
    expect((JSON.parse(io.stdoutText()) as PreflightReport).requests).toBe(60);
  });

  it('--help shows the command with an example', async () => {
    const io = memoryIo();
    expect(await run(['preflight', '--help'], io)).toBe(0);
    expect(io.stdoutText()).toContain(
      's3-403 preflight --snapshot snapshot.json --events AWSLogs/ --bucket-policy',
    );
    expect(io.stdoutText()).toContain('Exit status 4 when anything is newly denied');
  });
});
