/**
 * Input forms the reader accepts, and the one-line InputError for unusable input.
 * EventBridge envelope: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 * SQS event to Lambda: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * CloudTrail log files: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError, readDenials, readRecords } from '../../../lambdas/core/event';
import { CORPUS_DIR } from '../../fixtures/corpus';

const CORPUS = CORPUS_DIR;
const FIXTURES = join(__dirname, '../../fixtures/events');
const corpusRecord = (file: string) =>
  JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Record<string, unknown>;

const denial = corpusRecord('panther_putbucketpolicy_accessdenied_assumedrole_vpce.json');
const allowed = corpusRecord('otrf_getobject_assumedrole_ec2instance_stolencreds.json');
const envelope = (detail: unknown, detailType = 'AWS API Call via CloudTrail') => ({
  version: '0',
  id: 'e1',
  'detail-type': detailType,
  source: 'aws.s3',
  account: '123456789012',
  time: '2026-11-20T10:00:00Z',
  region: 'us-west-2',
  resources: [],
  detail,
});
const sqsBatch = (...bodies: string[]) => ({
  Records: bodies.map((body, i) => ({
    messageId: `m${i}`,
    receiptHandle: 'r',
    body,
    attributes: {},
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:queue',
    awsRegion: 'us-west-2',
  })),
});

/** Expect an InputError whose message is exactly one line and matches `pattern`. */
function expectInputError(run: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InputError);
  const message = (caught as InputError).message;
  expect(message).toMatch(pattern);
  expect(message).not.toContain('\n');
}

describe('accepted input forms', () => {
  it('reads one CloudTrail record', () => {
    expect(readRecords(JSON.stringify(denial), 'r.json')).toEqual([denial]);
  });

  it('reads an EventBridge "AWS API Call via CloudTrail" event (record in detail)', () => {
    expect(readRecords(JSON.stringify(envelope(denial)), 'e.json')).toEqual([denial]);
  });

  it('reads an old CloudWatch Events envelope without "version" (corpus: custodian)', () => {
    const text = readFileSync(join(CORPUS, 'custodian_eventbridge_createbucket_assumedrole.json'), 'utf8');
    expect(JSON.parse(text)).not.toHaveProperty('version');
    expect(readRecords(text, 'c.json').map((r) => r['eventName'])).toEqual(['CreateBucket']);
  });

  it('ignores EventBridge events that do not come via CloudTrail', () => {
    const other = { ...envelope({ bucket: { name: 'b' } }, 'Object Created') };
    expectInputError(
      () => readRecords(JSON.stringify(other), 'o.json'),
      /^o\.json: no CloudTrail record found/,
    );
  });

  it('reads an SQS batch whose bodies are EventBridge events, in order', () => {
    const batch = sqsBatch(JSON.stringify(envelope(allowed)), JSON.stringify(envelope(denial)));
    const records = readRecords(JSON.stringify(batch), 'sqs.json');
    expect(records).toEqual([allowed, denial]);
    expect(readDenials(JSON.stringify(batch), 'sqs.json').map((d) => d.eventName)).toEqual([
      'PutBucketPolicy',
    ]);
  });

  it('reads an SNS batch and an SNS notification wrapping an EventBridge event', () => {
    const message = JSON.stringify(envelope(denial));
    const snsBatch = {
      Records: [{ EventSource: 'aws:sns', Sns: { Type: 'Notification', Message: message } }],
    };
    expect(readRecords(JSON.stringify(snsBatch), 'sns.json')).toEqual([denial]);
    expect(readRecords(JSON.stringify({ Type: 'Notification', Message: message }), 'n.json')).toEqual([
      denial,
    ]);
  });

  it('reads a CloudTrail log file {"Records": [...]}, in order', () => {
    const log = JSON.stringify({ Records: [allowed, denial] });
    expect(readRecords(log, 'log.json')).toEqual([allowed, denial]);
  });

  it('reads a gzipped CloudTrail log file (magic bytes 1f 8b)', () => {
    const gz = gzipSync(Buffer.from(JSON.stringify({ Records: [allowed, denial] })));
    expect(gz[0]).toBe(0x1f);
    expect(readRecords(gz, 'log.json.gz')).toEqual([allowed, denial]);
    expect(readDenials(new Uint8Array(gz), 'log.json.gz')).toHaveLength(1);
  });

  it('reads an empty log file as no records (a valid file with nothing in it)', () => {
    expect(readRecords('{"Records": []}', 'empty-log.json')).toEqual([]);
  });

  it('reads uncompressed bytes, a byte-order mark and surrounding whitespace', () => {
    const bytes = Buffer.from(`\uFEFF\n  ${JSON.stringify(denial)}\n\n`);
    expect(readRecords(bytes, 'bom.json')).toEqual([denial]);
  });

  it('reads stdin-like text: JSON lines of records and envelopes', () => {
    const text = `${JSON.stringify(allowed)}\n${JSON.stringify(envelope(denial))}\n`;
    expect(readRecords(text, '-')).toEqual([allowed, denial]);
  });

  it('reads a JSON array mixing the forms', () => {
    const text = JSON.stringify([denial, envelope(allowed), { Records: [denial] }]);
    expect(readRecords(text, 'a.json')).toEqual([denial, allowed, denial]);
  });

  it('reads the synthetic EventBridge fixture and finds its denial', () => {
    const bytes = readFileSync(
      join(FIXTURES, 'synthetic-listobjectsv2-accessdenied-enhanced-eventbridge.json'),
    );
    const [request] = readDenials(bytes, 'fixture');
    expect(request?.eventName).toBe('ListObjects');
    expect(request?.actions).toEqual(['s3:ListBucket']);
  });
});

describe('unusable input gives one line naming the source', () => {
  it('not JSON', () => {
    expectInputError(
      () => readRecords('{"eventName": }', 'events/x.json'),
      /^events\/x\.json: not JSON \(.+\)$/,
    );
  });

  it('JSON with no CloudTrail record', () => {
    expectInputError(
      () => readRecords('{"hello": "world"}', 'x.json'),
      /^x\.json: no CloudTrail record found \(expected a record, an EventBridge event, an SQS batch, \{"Records": \[\.\.\.\]\}, or the output of aws cloudtrail lookup-events or aws logs filter-log-events\)$/,
    );
  });

  it.each([['null'], ['42'], ['"text"'], ['[]'], ['[1, 2]'], ['{"Records": [1, "x"]}']])(
    'JSON %s',
    (text) => {
      expectInputError(() => readRecords(text, 'v.json'), /^v\.json: no CloudTrail record found/);
    },
  );

  it('empty input', () => {
    expectInputError(() => readRecords('', 'empty.json'), /^empty\.json: empty input$/);
    expectInputError(() => readRecords(new Uint8Array(), 'empty.json'), /^empty\.json: empty input$/);
    expectInputError(() => readRecords(' \n\t', '-'), /^-: empty input$/);
  });

  it('truncated gzip', () => {
    const gz = gzipSync(Buffer.from(JSON.stringify({ Records: [denial, allowed] })));
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    expectInputError(() => readRecords(cut, 'x.json.gz'), /^x\.json\.gz: truncated gzip data$/);
  });

  it('corrupt gzip', () => {
    const gz = Buffer.from(gzipSync(Buffer.from(JSON.stringify(denial))));
    gz.fill(0xff, 10, 30);
    expectInputError(
      () => readRecords(gz, 'bad.gz'),
      /^bad\.gz: (not valid gzip data \(.+\)|truncated gzip data)$/,
    );
  });

  it('bytes that are not UTF-8', () => {
    expectInputError(
      () => readRecords(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'bin'),
      /^bin: not UTF-8 text$/,
    );
  });

  it('an SQS body that is not JSON names the message', () => {
    const batch = sqsBatch('{not json');
    expectInputError(
      () => readRecords(JSON.stringify(batch), 'q.json'),
      /^q\.json \(Records\[0\]\.body\): not JSON/,
    );
  });

  it('an SQS batch whose bodies hold no record', () => {
    const batch = sqsBatch(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }));
    expectInputError(
      () => readRecords(JSON.stringify(batch), 'q.json'),
      /^q\.json: no CloudTrail record found/,
    );
  });
});
