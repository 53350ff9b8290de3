/**
 * Publish a finding to SNS.
 *
 * The message is structured (MessageStructure "json"): `email` carries the readable text and
 * `default` the finding JSON, so email subscribers read the text while SQS, Lambda and HTTP
 * subscribers receive the JSON to parse (written by `jsonText`, so no control or bidi character is raw in it). "If you want to send different messages for each
 * transport protocol, set the value of the MessageStructure parameter to json"; the object must
 * hold a `default` key and at most 256 KB in all
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
 *
 * Message attributes (at most 10 per message,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html) name the root cause,
 * bucket, account and verdict so subscriptions can filter on them.
 */
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Finding } from '../core/model';
import { jsonText } from '../core/render/safe';
import { renderSns, type RenderOptions } from '../core/render/sns';

/** SNS's limit: 262,144 bytes for the whole Message. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** Attribute values, names and types count toward the limit too; leave room for them. */
const MESSAGE_BUDGET = SNS_MAX_MESSAGE_BYTES - 8 * 1024;

export class SnsDeliveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SnsDeliveryError';
  }
}

/** The filterable attributes of a finding (String values are never empty). */
export function findingAttributes(
  finding: Finding,
  opts: RenderOptions = {},
): Record<string, MessageAttributeValue> {
  const r = finding.request;
  const rootCause =
    finding.error !== undefined ? 'analysis-failed' : (finding.rootCauses[0]?.id ?? 'unexplained');
  const attrs: Record<string, MessageAttributeValue> = {
    rootCause: { DataType: 'String', StringValue: rootCause },
    verdict: { DataType: 'String', StringValue: finding.verdict },
    eventName: { DataType: 'String', StringValue: r.eventName || 'unknown' },
    region: { DataType: 'String', StringValue: finding.region || 'unknown' },
  };
  if (r.bucket) attrs.bucket = { DataType: 'String', StringValue: r.bucket };
  const account = r.bucketAccountId ?? r.principal.accountId;
  if (account) attrs.account = { DataType: 'String', StringValue: account };
  if (r.principal.accountId)
    attrs.principalAccount = { DataType: 'String', StringValue: r.principal.accountId };
  if (finding.rootCauses.length > 0) {
    // String.Array lets a filter policy match any of the causes.
    attrs.rootCauses = {
      DataType: 'String.Array',
      StringValue: JSON.stringify(finding.rootCauses.map((c) => c.id)),
    };
  }
  if (opts.repeatCount !== undefined)
    attrs.repeatCount = { DataType: 'Number', StringValue: String(opts.repeatCount) };
  return attrs;
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Cut every string in a JSON value to `max` characters. */
function clipStrings(value: unknown, max: number): unknown {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}… (truncated)` : value;
  if (Array.isArray(value)) return value.map((v) => clipStrings(v, max));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipStrings(v, max)]));
  }
  return value;
}

/**
 * The structured SNS message for a finding, within SNS's size limit: when the finding is too big,
 * its long strings (policy documents, diffs) are cut and `truncated: true` is set.
 */
export function buildMessage(
  finding: Finding,
  opts: RenderOptions = {},
): { subject: string; message: string } {
  const { subject, message: email } = renderSns(finding, opts);
  const digest =
    opts.repeatCount !== undefined ? { repeatCount: opts.repeatCount, since: opts.since ?? null } : {};
  const payload = { ...finding, ...digest };
  for (const max of [Infinity, 16_384, 4_096, 1_024, 256, 64]) {
    // jsonText: the JSON reaches people too (email-json subscribers, a queue read on a terminal), so DEL, C1 and
    // bidi characters from the request are \u escapes, as in the command line's JSON (SECURITY.md).
    const json = jsonText(
      max === Infinity ? payload : { ...(clipStrings(payload, max) as object), truncated: true },
    );
    // Protocols without their own key (sqs, lambda, http/s, email-json) receive `default`.
    const message = JSON.stringify({ default: json, email });
    if (bytes(message) <= MESSAGE_BUDGET) return { subject, message };
  }
  // Not reachable with a 64 KB email text, kept as a guard: the request alone always fits.
  const minimal = jsonText({ eventId: finding.eventId, request: finding.request, truncated: true });
  return { subject, message: JSON.stringify({ default: minimal, email: email.slice(0, 32_768) }) };
}

export interface PublishResult {
  readonly messageId: string;
}

export async function publishFinding(
  client: SNSClient,
  topicArn: string,
  finding: Finding,
  opts: RenderOptions = {},
): Promise<PublishResult> {
  const { subject, message } = buildMessage(finding, opts);
  try {
    const out = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: subject,
        Message: message,
        MessageStructure: 'json',
        MessageAttributes: findingAttributes(finding, opts),
      }),
    );
    return { messageId: out.MessageId ?? '' };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const text = error instanceof Error ? error.message : String(error);
    throw new SnsDeliveryError(`SNS Publish to ${topicArn} failed: ${name}: ${text}`, { cause: error });
  }
}
