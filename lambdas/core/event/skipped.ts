/**
 * What the reader passes over. Input may hold values that are not CloudTrail records: CloudTrail's own digest
 * files (written beside the logs when log file validation is on) and Insights events (in the same bucket), and
 * anything else a hand-made or damaged file holds. None of them is a denial the tool could explain, but none is
 * passed over silently either: the reader tells its caller each one, with where it sits and what it is, and the
 * caller says so (a note for CloudTrail's own files, a warning for the rest).
 *  - Digest files: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html
 *    (`AWSLogs/<account>/CloudTrail-Digest/…`, an object with digestStartTime, digestEndTime and logFiles).
 *  - Insights events: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-insights-fields-trails.html
 *    (eventType `AwsCloudTrailInsight`, the API in insightDetails, not a call of its own).
 */
import { isObject } from './fields';

/**
 * digest and insight: CloudTrail's own files and events, expected beside the logs; control: a CloudWatch Logs
 * control message (subscription data); other: anything else.
 */
export type SkipKind = 'digest' | 'insight' | 'control' | 'other';

export interface SkippedValue {
  readonly kind: SkipKind;
  /** What the value is, in words; any text from the input in it is JSON-quoted (and is still input text). */
  readonly what: string;
  /** The value's errorCode when it has one: a denial that could not be read as a record. */
  readonly errorCode: string | null;
}

export interface SkipReport extends SkippedValue {
  /** The input (a file name, stdin, `… (Records[2].body)` for a message inside a batch). */
  readonly source: string;
  /** Where in the input: `Records[3]`, `value 2`, `[0]`, `detail`; empty for the whole input. */
  readonly at: string;
}

export type OnSkip = (report: SkipReport) => void;

/** The first characters of an input text, JSON-quoted, for a description. */
const quoted = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

const isDigest = (v: Record<string, unknown>): boolean =>
  typeof v['digestStartTime'] === 'string' && Array.isArray(v['logFiles']);

/** What a value that holds no CloudTrail record is. */
export function skippedValue(value: unknown, tooDeep = false): SkippedValue {
  const errorCode = isObject(value) && typeof value['errorCode'] === 'string' ? value['errorCode'] : null;
  const other = (what: string): SkippedValue => ({ kind: 'other', what, errorCode });
  if (tooDeep) return other('a value inside more than six envelopes (EventBridge, SQS, SNS)');
  if (value === null) return other('null');
  if (Array.isArray(value)) return other('an array');
  if (!isObject(value)) return other(`a ${typeof value}`);
  if (isDigest(value))
    return {
      kind: 'digest',
      what: 'a CloudTrail digest file (log file validation): it lists log files and holds no record',
      errorCode,
    };
  if (value['eventType'] === 'AwsCloudTrailInsight')
    return { kind: 'insight', what: 'a CloudTrail Insights event, not an API call', errorCode };
  const detailType = value['detail-type'];
  if (typeof detailType === 'string')
    return other(
      `an EventBridge event of detail-type ${quoted(detailType)}, not a call recorded by CloudTrail`,
    );
  const missing = ['eventSource', 'eventName'].filter((k) => typeof value[k] !== 'string');
  if (missing.length === 0) return other('an object that is not a CloudTrail record');
  return other(`an object without ${missing.map((k) => `a string ${k}`).join(' or ')}`);
}
