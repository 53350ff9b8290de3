/**
 * What `explain` and `preflight` say of values they pass over (lambdas/cli/skipped.ts): a CloudTrail folder with
 * digest files (log file validation on, as the deployed trail has it) reads without an error and says how many it
 * skipped; values that are not records are named in one warning per input, the first three by place, with their
 * errorCode when they have one, every input text neutralised for the terminal. Sources: see
 * test/core/event/skipped.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from '../../lambdas/cli';
import { IP_DENIED, occurrence, tempDir, writeTrail } from './logs';
import { memoryIo, SNAPSHOT } from './memory-io';

const DIGEST = {
  awsAccountId: '111122223333',
  digestStartTime: '2026-11-20T09:00:00Z',
  digestEndTime: '2026-11-20T10:00:00Z',
  digestS3Bucket: 'trail-bucket',
  digestS3Object: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/x.json.gz',
  digestSignatureAlgorithm: 'SHA256withRSA',
  logFiles: [],
};

/** A digest file where CloudTrail writes it, beside the logs. */
function writeDigest(root: string): void {
  const dir = join(root, 'AWSLogs', '111122223333', 'CloudTrail-Digest', 'us-east-1', '2026', '11', '20');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, '111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20261120T100000Z.json.gz'),
    gzipSync(JSON.stringify(DIGEST)),
  );
}

describe('explain: values passed over are said, not dropped silently', () => {
  it('a CloudTrail folder with a digest file: the denial is explained, exit 0, one note counts the digest', async () => {
    const tmp = tempDir();
    try {
      writeTrail(tmp.dir, [{ day: '2026-11-20', time: '1005', records: [occurrence(IP_DENIED, 1)] }]);
      writeDigest(tmp.dir);
      const io = memoryIo();
      const code = await run(['explain', '--event', tmp.dir, '--snapshot', SNAPSHOT, '--format', 'json'], io);
      expect(code).toBe(0);
      expect(JSON.parse(io.stdoutText())).toHaveLength(1);
      expect(io.stderrText()).toBe(
        's3-403: note: skipped 1 CloudTrail digest file: they record no API call\n',
      );
    } finally {
      tmp.cleanup();
    }
  });

  it('a log file holding values that are not records: one warning naming three by place, the rest counted', async () => {
    const hostile = { 'detail-type': 'Object\u001b[2J Created\u202e', detail: {} };
    const text = JSON.stringify({
      Records: [
        occurrence(IP_DENIED, 1),
        { eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied' },
        7,
        hostile,
        'x',
        null,
      ],
    });
    const io = memoryIo({ files: { 'mixed.json': text } });
    const code = await run(
      ['explain', '--event', 'mixed.json', '--snapshot', SNAPSHOT, '--format', 'json'],
      io,
    );
    expect(code).toBe(0);
    expect(JSON.parse(io.stdoutText())).toHaveLength(1);
    const err = io.stderrText();
    expect(err).toBe(
      's3-403: warning: mixed.json: 5 values are not CloudTrail records and were skipped: ' +
        'Records[1] (an object without a string eventName; its errorCode is "AccessDenied"); ' +
        'Records[2] (a number); ' +
        'Records[3] (an EventBridge event of detail-type "Object\\u001b[2J Created\\u202E", not a call recorded by CloudTrail); ' +
        'and 2 more\n',
    );
    expect(err.includes('\u001b') || err.includes('\u202e')).toBe(false);
  });

  it('digest files, Insights events and CloudWatch Logs control messages are counted in one note', async () => {
    const insight = {
      eventVersion: '1.07',
      eventType: 'AwsCloudTrailInsight',
      eventID: 'i',
      insightDetails: {},
    };
    const control = {
      messageType: 'CONTROL_MESSAGE',
      logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE' }],
    };
    const io = memoryIo({
      files: {
        'digest.json': JSON.stringify(DIGEST),
        'insights.json': JSON.stringify({ Records: [insight, insight] }),
        'firehose.json': JSON.stringify(control),
      },
    });
    const code = await run(
      [
        'explain',
        '--event',
        'digest.json',
        '--event',
        'insights.json',
        '--event',
        'firehose.json',
        '--snapshot',
        SNAPSHOT,
        '--format',
        'json',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(io.stdoutText()).toBe('[]\n');
    expect(io.stderrText()).toBe(
      's3-403: note: skipped 1 CloudTrail digest file, 2 Insights events and 1 CloudWatch Logs control message: they record no API call\n',
    );
  });

  it('an input that is unusable is named once, without a warning about what it held before', async () => {
    const io = memoryIo({ files: { 'cut.json': '{"Records": [7, {"eventSource": "s3.amazonaws.com",' } });
    const code = await run(['explain', '--event', 'cut.json', '--snapshot', SNAPSHOT], io);
    expect(code).toBe(2);
    expect(io.stderrText().split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^s3-403: cut\.json: /),
    ]);
  });
});

describe('preflight: a CloudTrail folder with digest files', () => {
  it('replays the logs, exit 0, and one note counts the digest', async () => {
    const example = join(__dirname, '../../examples/preflight');
    const tmp = tempDir();
    try {
      writeTrail(tmp.dir, [{ day: '2026-11-20', time: '1005', records: [occurrence(IP_DENIED, 1)] }]);
      writeDigest(tmp.dir);
      const io = memoryIo();
      const code = await run(
        [
          'preflight',
          '--snapshot',
          join(example, 'snapshot.json'),
          '--events',
          tmp.dir,
          '--bucket-policy',
          `reports-bucket=${join(example, 'proposed-bucket-policy.json')}`,
          '--format',
          'json',
        ],
        io,
      );
      expect(code).toBe(0);
      expect(JSON.parse(io.stdoutText())).toMatchObject({ requests: 1 });
      // (that record's bucket is not the proposal's: preflight says so on a line of its own)
      expect(io.stderrText().split('\n')).toContain(
        's3-403: note: skipped 1 CloudTrail digest file: they record no API call',
      );
      expect(io.stderrText()).not.toMatch(/no CloudTrail record found/);
    } finally {
      tmp.cleanup();
    }
  });
});
