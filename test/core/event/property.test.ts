/**
 * Property tests: whatever JSON (or bytes) comes in, the reader returns or throws its own InputError — never
 * anything else — and toAccessRequest never throws, returning well-formed strings.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { InputError, readDenials, readRecords, toAccessRequest } from '../../../lambdas/core/event';
import type { AccessRequest } from '../../../lambdas/core/model';
import { CORPUS_DIR } from '../../fixtures/corpus';

const CORPUS = CORPUS_DIR;
const FIXTURES = join(__dirname, '../../fixtures/events');
const load = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => readRecords(readFileSync(join(dir, f)), f));
const RECORDS = [...load(CORPUS), ...load(FIXTURES)];

/** Run `fn`; pass when it returns or throws an InputError with a one-line message naming the source. */
function returnsOrInputError(fn: () => unknown, source: string): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return err.message.startsWith(`${source}`) && !err.message.includes('\n');
  }
}

function wellFormed(r: AccessRequest): boolean {
  const strings = [r.eventId, r.eventName, r.eventSource, r.errorCode, ...r.actions, ...r.resources];
  const contextOk = Object.values(r.context.values).every(
    (v) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
  );
  JSON.stringify({ ...r, raw: null });
  return strings.every((s) => typeof s === 'string') && contextOk && typeof r.mapped === 'boolean';
}

/** A path in a CloudTrail record worth mutating. */
const PATHS: readonly string[][] = [
  ['eventSource'],
  ['eventName'],
  ['errorCode'],
  ['errorMessage'],
  ['eventTime'],
  ['awsRegion'],
  ['sourceIPAddress'],
  ['vpcEndpointId'],
  ['recipientAccountId'],
  ['userIdentity'],
  ['userIdentity', 'type'],
  ['userIdentity', 'arn'],
  ['userIdentity', 'accountId'],
  ['userIdentity', 'principalId'],
  ['userIdentity', 'invokedBy'],
  ['userIdentity', 'sessionContext'],
  ['userIdentity', 'sessionContext', 'sessionIssuer'],
  ['userIdentity', 'sessionContext', 'attributes'],
  ['requestParameters'],
  ['requestParameters', 'bucketName'],
  ['requestParameters', 'key'],
  ['requestParameters', 'versionId'],
  ['requestParameters', 'Host'],
  ['requestParameters', 'x-amz-copy-source'],
  ['requestParameters', 'x-amz-acl'],
  ['requestParameters', 'delete'],
  ['requestParameters', 'encryptionContext'],
  ['requestParameters', 'keyId'],
  ['resources'],
  ['additionalEventData'],
  ['additionalEventData', 'CipherSuite'],
  ['additionalEventData', 'AuthenticationMethod'],
  ['tlsDetails'],
];

const interesting = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    'AccessDenied',
    'kms.amazonaws.com',
    's3.amazonaws.com',
    'CopyObject',
    'DeleteObjects',
    'constructor',
    '__proto__',
    'toString',
    'ANONYMOUS_PRINCIPAL',
    'arn:aws:s3:us-east-1:111122223333:accesspoint/ap',
    'x/%E0%A4%A?versionId=',
    'User: x is not authorized to perform: s3:GetObject on resource: "arn',
    ['a'],
    [],
    {},
  ),
);

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  // A fresh copy every time: a value shared between mutations (the constants above) could otherwise be set
  // inside itself and make the record cyclic.
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
}

const mutatedRecord = fc
  .tuple(
    fc.constantFrom(...RECORDS),
    fc.array(fc.tuple(fc.constantFrom(...PATHS), fc.option(interesting, { nil: undefined })), {
      maxLength: 6,
    }),
  )
  .map(([record, mutations]) => {
    const copy = structuredClone(record);
    for (const [path, value] of mutations) setPath(copy, path, value);
    return copy;
  });

describe('the reader never throws anything but InputError', () => {
  it('for any JSON value (fc.jsonValue)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value) ?? 'null';
        return returnsOrInputError(() => readDenials(text, 'json'), 'json');
      }),
      { numRuns: 500 },
    );
  });

  it('for any string and any bytes (gzipped or not)', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 200 }), (text, bytes) => {
        return (
          returnsOrInputError(() => readRecords(text, 's'), 's') &&
          returnsOrInputError(() => readRecords(bytes, 'b'), 'b') &&
          returnsOrInputError(
            () => readRecords(gzipSync(bytes).subarray(0, 1 + (bytes.length % 30)), 'gz'),
            'gz',
          )
        );
      }),
      { numRuns: 300 },
    );
  });

  it('for mutated corpus records, alone, in log files, in EventBridge envelopes and SQS batches', () => {
    fc.assert(
      fc.property(mutatedRecord, (record) => {
        const forms = [
          record,
          { Records: [record] },
          { 'detail-type': 'AWS API Call via CloudTrail', detail: record },
          {
            Records: [
              {
                eventSource: 'aws:sqs',
                body: JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', detail: record }),
              },
            ],
          },
        ];
        return forms.every((f) => returnsOrInputError(() => readDenials(JSON.stringify(f), 'm'), 'm'));
      }),
      { numRuns: 400 },
    );
  });
});

describe('toAccessRequest never throws', () => {
  it('for any JSON object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => wellFormed(toAccessRequest(obj))),
      { numRuns: 500 },
    );
  });

  it('for mutated corpus records (denials or not)', () => {
    fc.assert(
      fc.property(mutatedRecord, (record) => wellFormed(toAccessRequest(record))),
      { numRuns: 1000 },
    );
  });

  it('for every unmutated corpus and fixture record', () => {
    for (const record of RECORDS) expect(wellFormed(toAccessRequest(record))).toBe(true);
  });

  it('for values that are not objects at all', () => {
    for (const v of [null, undefined, 1, 'x', [], [1]]) {
      expect(wellFormed(toAccessRequest(v as unknown as Record<string, unknown>))).toBe(true);
    }
  });
});
