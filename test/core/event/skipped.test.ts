/**
 * Values the reader passes over are told, never dropped silently (../../../lambdas/core/event/skipped.ts):
 * CloudTrail's own digest files and Insights events, and anything else that is not a CloudTrail record, with its
 * place in the input. The streaming reader (explain, preflight) and the whole-buffer reader (the Lambda) agree.
 * Sources: CloudTrail digest file structure,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html;
 * Insights event records, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-insights-fields-trails.html
 */
import { readRecords } from '../../../lambdas/core/event/read';
import type { SkipReport } from '../../../lambdas/core/event/skipped';
import { streamRecords } from '../../../lambdas/core/event/stream';

const RECORD = {
  eventVersion: '1.09',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  errorCode: 'AccessDenied',
  eventID: 'e1',
};

/** The sample digest file of the AWS page above, shortened. */
const DIGEST = {
  awsAccountId: '111122223333',
  digestStartTime: '2015-08-17T14:01:31Z',
  digestEndTime: '2015-08-17T15:01:31Z',
  digestS3Bucket: 'amzn-s3-demo-bucket',
  digestS3Object:
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz',
  digestSignatureAlgorithm: 'SHA256withRSA',
  logFiles: [
    {
      s3Bucket: 'amzn-s3-demo-bucket',
      s3Object: 'AWSLogs/…json.gz',
      hashValue: 'ab',
      hashAlgorithm: 'SHA-256',
    },
  ],
};

/** An Insights event as a trail delivers it (the fields of the AWS page above). */
const INSIGHT = {
  eventVersion: '1.07',
  eventTime: '2026-11-20T10:00:00Z',
  awsRegion: 'us-east-1',
  eventID: 'i1',
  eventType: 'AwsCloudTrailInsight',
  recipientAccountId: '111122223333',
  sharedEventID: 's1',
  insightDetails: {
    state: 'Start',
    eventSource: 's3.amazonaws.com',
    eventName: 'PutObject',
    insightType: 'ApiCallRateInsight',
  },
  eventCategory: 'Insight',
};

async function* chunked(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function both(text: string): Promise<{ records: unknown[]; skipped: SkipReport[] }> {
  const streamed: SkipReport[] = [];
  const records: unknown[] = [];
  for await (const r of streamRecords(chunked(text), 'log.json', { onSkip: (s) => streamed.push(s) }))
    records.push(r);
  const whole: SkipReport[] = [];
  const read = readRecords(text, 'log.json', { onSkip: (s) => whole.push(s) });
  expect(read).toEqual(records);
  expect(whole).toEqual(streamed);
  return { records, skipped: streamed };
}

describe('values that are not CloudTrail records are told with their place, not dropped silently', () => {
  it('a log file: a number, a record without eventName that carries an errorCode, an Insights event', async () => {
    const { records, skipped } = await both(
      JSON.stringify({
        Records: [RECORD, 42, { eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied' }, INSIGHT],
      }),
    );
    expect(records).toEqual([RECORD]);
    expect(skipped).toEqual([
      { source: 'log.json', at: 'Records[1]', kind: 'other', what: 'a number', errorCode: null },
      {
        source: 'log.json',
        at: 'Records[2]',
        kind: 'other',
        what: 'an object without a string eventName',
        errorCode: 'AccessDenied',
      },
      {
        source: 'log.json',
        at: 'Records[3]',
        kind: 'insight',
        what: 'a CloudTrail Insights event, not an API call',
        errorCode: null,
      },
    ]);
  });

  it('a digest file holds no record and is no error: it counts as an empty log file, and is told', async () => {
    const { records, skipped } = await both(JSON.stringify(DIGEST));
    expect(records).toEqual([]);
    expect(skipped).toEqual([expect.objectContaining({ kind: 'digest', source: 'log.json', at: 'value 1' })]);
  });

  it('JSON lines: a top-level scalar and an EventBridge event of another type, each by its place', async () => {
    const other = { version: '0', 'detail-type': 'Object Created', source: 'aws.s3', detail: {} };
    const { records, skipped } = await both(
      [JSON.stringify(RECORD), '"hello"', JSON.stringify(other), 'null'].join('\n'),
    );
    expect(records).toEqual([RECORD]);
    expect(skipped.map((s) => [s.at, s.kind, s.what])).toEqual([
      ['value 2', 'other', 'a string'],
      [
        'value 3',
        'other',
        'an EventBridge event of detail-type "Object Created", not a call recorded by CloudTrail',
      ],
      ['value 4', 'other', 'null'],
    ]);
  });

  it('inside a top-level array and inside an SQS message, the place names the element', async () => {
    const { skipped } = await both(JSON.stringify([RECORD, [true]]));
    expect(skipped.map((s) => s.at)).toEqual(['[1][0]']);
    const sqs = {
      Records: [{ eventSource: 'aws:sqs', messageId: 'm1', body: JSON.stringify({ Records: [RECORD, {}] }) }],
    };
    const inSqs = await both(JSON.stringify(sqs));
    expect(inSqs.records).toEqual([RECORD]);
    expect(inSqs.skipped).toEqual([
      expect.objectContaining({
        source: 'log.json (Records[0].body)',
        at: 'Records[1]',
        what: 'an object without a string eventSource or a string eventName',
      }),
    ]);
  });

  it('a record is never told as skipped, and a log file of records tells nothing', async () => {
    const { records, skipped } = await both(
      JSON.stringify({ Records: [RECORD, { ...RECORD, eventID: 'e2' }] }),
    );
    expect(records).toHaveLength(2);
    expect(skipped).toEqual([]);
  });
});
