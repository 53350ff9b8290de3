/**
 * requester-pays as the user reads it. A Requester Pays bucket charges the requester: a request from outside the
 * bucket owner's account must carry x-amz-request-payer: requester, anonymous requests are not allowed at all, and
 * a Requester Pays bucket cannot be the target of server access logs (or the source of logs to one).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ObjectsinRequesterPaysBuckets.html
 */
import { causeOf, exampleViewWith, explain, scenarioEvent, editedEvent, type EditableEvent } from './helpers';

type Event = EditableEvent;
type View = Parameters<typeof explain>[1];

const READ = 'the partner reads a Requester Pays dataset without x-amz-request-payer';
const LIST = 'the partner lists a Requester Pays bucket without x-amz-request-payer';
const ANONYMOUS = 'an anonymous read of a Requester Pays bucket';
const PARTNER = 'arn:aws:iam::444455556666:role/PartnerReader';
const OWNER_PAYS =
  'aws s3api put-bucket-request-payment --bucket open-data-bucket --request-payment-configuration Payer=BucketOwner';
const PAYMENT = 'aws s3api get-bucket-request-payment --bucket open-data-bucket';
const CHARGE =
  "With Requester Pays, the requester (not the bucket owner) pays for each request and download, so S3 requires every request from outside the bucket owner's account to acknowledge the charge with x-amz-request-payer: requester; without it S3 answers 403 before any policy can help.";

const event = editedEvent;
const op =
  (name: string) =>
  (e: Event): void => {
    e['eventName'] = name;
  };

const check = (e: Event, view?: View) =>
  explain(e, view).finding.checks.find((c) => c.layer === 'requester-pays');
const cause = (e: Event, view?: View) => causeOf(explain(e, view).finding, 'requester-pays');

describe('requester-pays: a request from another account without x-amz-request-payer', () => {
  it('is refused whatever the policies say: confirmed, with the header as the fix (verified by re-evaluation)', () => {
    const c = cause(event(READ));
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(
      'Bucket open-data-bucket is a Requester Pays bucket and the request did not carry x-amz-request-payer: requester',
    );
    expect(c.explanation).toBe(
      `the bucket is a Requester Pays bucket and the request, from outside the bucket owner's account, did not carry x-amz-request-payer: S3 refuses it (403) whatever the policies say. ${CHARGE}`,
    );
    expect(c.evidence).toEqual([
      {
        layer: 'requester-pays',
        detail:
          "the bucket is a Requester Pays bucket and the request, from outside the bucket owner's account, did not carry x-amz-request-payer: S3 refuses it (403) whatever the policies say",
      },
      { layer: 'requester-pays', detail: 'get-bucket-request-payment open-data-bucket: Payer Requester' },
      { layer: 'requester-pays', detail: 'the record shows no x-amz-request-payer in requestParameters' },
    ]);
    expect(c.fix).toEqual({
      summary: `Send x-amz-request-payer: requester with the request (AWS CLI --request-payer requester, SDKs RequestPayer='requester'): the requester's account pays for it. ${PARTNER} still needs its own permission for s3:GetObject on arn:aws:s3:::open-data-bucket/datasets/census.csv: its identity policy must allow it and, cross-account, the bucket policy must grant it.`,
      commands: [
        PAYMENT,
        'aws s3api get-object --bucket open-data-bucket --key datasets/census.csv --request-payer requester ./census.csv',
      ],
      verified: true,
    });
  });

  it('when the header alone would not be enough, the explanation names what would still deny', () => {
    const c = cause(
      event('ruled out: the partner sends x-amz-request-payer but its role does not cover the key', (e) => {
        delete e['requestParameters']['x-amz-request-payer'];
      }),
    );
    expect(c.explanation).toBe(
      `the bucket is a Requester Pays bucket and the request, from outside the bucket owner's account, did not carry x-amz-request-payer: S3 refuses it (403) whatever the policies say. ${CHARGE} With the header, the request would still be denied by: bucket-policy (no allow), identity-policy (no allow), session-policy (could not be evaluated).`,
    );
    expect(c.fix.stillDeniedBy).toEqual([
      'bucket-policy (no allow)',
      'identity-policy (no allow)',
      'session-policy (could not be evaluated)',
    ]);
  });

  // the retried call, as the AWS CLI spells it, with --request-payer requester
  it.each([
    ['ListObjects', LIST, 'aws s3api list-objects-v2 --bucket open-data-bucket --request-payer requester'],
    ['HeadBucket', LIST, 'aws s3api head-bucket --bucket open-data-bucket --request-payer requester'],
    [
      'HeadObject',
      READ,
      'aws s3api head-object --bucket open-data-bucket --key datasets/census.csv --request-payer requester',
    ],
    [
      'PutObject',
      READ,
      'aws s3api put-object --bucket open-data-bucket --key datasets/census.csv --request-payer requester',
    ],
    [
      'GetObjectTagging',
      READ,
      'aws s3api get-object-tagging --bucket open-data-bucket --key datasets/census.csv --request-payer requester',
    ],
    [
      'GetObjectAcl',
      READ,
      'aws s3api get-object-acl --bucket open-data-bucket --key datasets/census.csv --request-payer requester',
    ],
    [
      'DeleteObject',
      READ,
      'aws s3api delete-object --bucket open-data-bucket --key datasets/census.csv --request-payer requester',
    ],
    // GetObjectAttributes requires the attributes to return (x-amz-object-attributes); with none recorded, ETag and
    // ObjectSize: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
    [
      'GetObjectAttributes',
      READ,
      'aws s3api get-object-attributes --bucket open-data-bucket --key datasets/census.csv --object-attributes ETag ObjectSize --request-payer requester',
    ],
    // any other operation is retried as itself: the AWS CLI's s3api subcommand for the operation CloudTrail names
    [
      'PutObjectTagging',
      READ,
      'aws s3api put-object-tagging --bucket open-data-bucket --key datasets/census.csv --request-payer requester',
    ],
    [
      'RestoreObject',
      READ,
      'aws s3api restore-object --bucket open-data-bucket --key datasets/census.csv --request-payer requester',
    ],
  ])('%s is retried with the header', (eventName, scenario, command) => {
    expect(cause(event(scenario, op(eventName))).fix.commands).toEqual([PAYMENT, command]);
  });

  it('GetObjectAttributes is retried asking for the attributes the failed request asked for, not as a download', () => {
    const c = cause(
      event(READ, (e) => {
        e['eventName'] = 'GetObjectAttributes';
        e['requestParameters']['x-amz-object-attributes'] = 'ETag,StorageClass';
      }),
    );
    expect(c.fix.commands).toEqual([
      PAYMENT,
      'aws s3api get-object-attributes --bucket open-data-bucket --key datasets/census.csv --object-attributes ETag StorageClass --request-payer requester',
    ]);
  });

  it('a bucket-level operation other than a listing is retried on the bucket alone', () => {
    const c = cause(
      event(LIST, (e) => {
        e['eventName'] = 'ListObjectVersions';
      }),
    );
    expect(c.fix.commands).toEqual([
      PAYMENT,
      'aws s3api list-object-versions --bucket open-data-bucket --request-payer requester',
    ]);
  });

  // CopyObject needs --copy-source (the source as recorded, URL-encoded); UploadPartCopy also its upload and part:
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html, API_UploadPartCopy.html
  const copyFrom = (eventName: string, extra: Record<string, string> = {}) =>
    event(READ, (e) => {
      e['eventName'] = eventName;
      e['requestParameters'] = {
        bucket: 'partner-copies',
        key: 'census copy.csv',
        'x-amz-copy-source': 'open-data-bucket/datasets/census.csv',
        ...extra,
      };
      e['resources'] = [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::partner-copies/census copy.csv' }];
    });

  it('a copy out of a Requester Pays bucket is retried as the same copy: its recorded source onto its own destination', () => {
    expect(cause(copyFrom('CopyObject')).fix.commands).toEqual([
      PAYMENT,
      "aws s3api copy-object --copy-source open-data-bucket/datasets/census.csv --bucket partner-copies --key 'census copy.csv' --request-payer requester",
    ]);
  });

  it('a part copied out of a Requester Pays bucket is retried with its upload id and part number', () => {
    expect(
      cause(copyFrom('UploadPartCopy', { uploadId: 'VXBsb2FkIElE', partNumber: '3' })).fix.commands,
    ).toEqual([
      PAYMENT,
      "aws s3api upload-part-copy --copy-source open-data-bucket/datasets/census.csv --bucket partner-copies --key 'census copy.csv' --upload-id VXBsb2FkIElE --part-number 3 --request-payer requester",
    ]);
  });

  it('a download of a key at the top of the bucket is saved under the key’s own name', () => {
    const c = cause(
      event(READ, (e) => {
        e['requestParameters']['key'] = 'census.csv';
        e['resources'][0]['ARN'] = 'arn:aws:s3:::open-data-bucket/census.csv';
      }),
    );
    expect(c.fix.commands[1]).toBe(
      'aws s3api get-object --bucket open-data-bucket --key census.csv --request-payer requester ./census.csv',
    );
  });
});

describe('requester-pays: callers the header cannot help', () => {
  it('an anonymous request is refused by any Requester Pays bucket: the fix is to sign the request, or turn Requester Pays off', () => {
    const c = cause(event(ANONYMOUS));
    expect(c.title).toBe(
      'Bucket open-data-bucket is a Requester Pays bucket, which refuses anonymous requests',
    );
    expect(c.explanation).toBe(
      'the bucket is a Requester Pays bucket: S3 refuses anonymous requests to it. With Requester Pays, the requester (not the bucket owner) pays for each request and download, so S3 must know whom to charge: it accepts only authenticated requests, and refuses an anonymous one before any policy can help.',
    );
    // no claim about a header the anonymous request could have sent
    expect(c.evidence.map((x) => x.detail)).toEqual([
      'the bucket is a Requester Pays bucket: S3 refuses anonymous requests to it',
      'get-bucket-request-payment open-data-bucket: Payer Requester',
    ]);
    expect(c.fix).toEqual({
      summary: `Requester Pays buckets refuse anonymous requests: sign the request with credentials of an AWS account that pays (and send x-amz-request-payer: requester), or have the bucket owner turn Requester Pays off (${OWNER_PAYS}).`,
      commands: [PAYMENT],
      verified: false,
    });
  });

  it('server access log delivery to a Requester Pays bucket is not supported: the title does not suggest the header', () => {
    const view = exampleViewWith((s) => {
      s['buckets']['access-logs-bucket']['requestPayment'] = { Payer: 'Requester' };
    });
    const c = cause(
      event(
        "server access log delivery from analytics-bucket to a log bucket that only accepts reports-bucket's logs",
      ),
      view,
    );
    expect(c.title).toBe(
      'Bucket access-logs-bucket is a Requester Pays bucket, which logging.s3.amazonaws.com cannot use',
    );
    expect(c.explanation).toBe(
      'the bucket is a Requester Pays bucket: S3 server access logs cannot be delivered to it. With Requester Pays, the requester (not the bucket owner) pays for each request and download; logging.s3.amazonaws.com acts as itself, with no account that acknowledges the charge, so S3 refuses it before any policy can help (a Requester Pays bucket cannot, for example, be the target of server access logs).',
    );
    expect(c.evidence).toHaveLength(2);
    expect(c.fix).toEqual({
      summary:
        'logging.s3.amazonaws.com cannot deliver to or read from a Requester Pays bucket this way: use a bucket that is not Requester Pays, or turn Requester Pays off (aws s3api put-bucket-request-payment --bucket access-logs-bucket --request-payment-configuration Payer=BucketOwner).',
      commands: ['aws s3api get-bucket-request-payment --bucket access-logs-bucket'],
      verified: false,
    });
  });
});

describe('requester-pays: ruled out, or not decidable', () => {
  it('the bucket owner’s own account pays anyway and needs no header: ruled out', () => {
    expect(check(scenarioEvent("ruled out: the bucket owner's own role needs no header"))?.status).toBe(
      'pass',
    );
  });

  it('a bucket whose request-payment setting was not read leaves the check unknown, naming the setting', () => {
    const view = exampleViewWith((s) => delete s['buckets']['open-data-bucket']['requestPayment']);
    expect(check(event(READ), view)).toEqual({
      layer: 'requester-pays',
      status: 'unknown',
      missing: [
        'the Requester Pays setting of the bucket (notCollected: bucket open-data-bucket requestPayment is not in the facts)',
      ],
    });
  });

  it('a bucket where the owner pays takes no part', () => {
    expect(check(scenarioEvent('ruled out: a role read is not an AWS service call'))).toMatchObject({
      status: 'not-applicable',
    });
  });
});
