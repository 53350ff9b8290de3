/**
 * The Lambda's logic, with every dependency injected (analysis, SNS, Slack, dedup store, logger).
 * `index.ts` wires the real AWS clients; tests and `scripts/local-run.ts` wire local ones.
 *
 * For each CloudTrail record: skip what is not a denial and what the auditor itself caused (loop
 * guard); analyse (a failed analysis still alerts, with the request and the error); redact keys
 * when configured; dedup; deliver the first occurrence of a problem to SNS and Slack, exactly once per
 * channel: each channel that succeeds is recorded in the dedup record at once. A delivery failure
 * throws, so the record is retried and finally lands in the dead-letter queue; the dedup claim's lease
 * is given back first, so the retry sends to the channels that have not succeeded, and only to them.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { failedFinding } from '../core/analyze';
import { isDenial, readRecords, toAccessRequest } from '../core/event';
import type { AccessRequest, Finding } from '../core/model';
import { renderSlack } from '../core/render/slack';
import type { RenderOptions } from '../core/render/sns';
import { problemKey, type Channel, type Claim, type DedupStore } from '../delivery/dedup';
import type { SlackSender } from '../delivery/slack';
import { redactFinding } from './redact';

export interface AppOptions {
  /** Replace object keys with a hash in alerts. */
  readonly redactKeys: boolean;
  /** The auditor's own role (loop guard: its denials are ignored, matched by exact ARN). */
  readonly auditorRoleArn?: string;
  /**
   * The read role the auditor assumes in member accounts (loop guard: ignored only as
   * arn:<partition>:iam::<the account the denial happened in>:role/<name>, exactly).
   */
  readonly memberRoleName?: string;
}

export interface AppDeps {
  /** Request -> finding. May throw: the handler then alerts with a failed finding. */
  readonly explain: (request: AccessRequest) => Promise<Finding>;
  readonly publish: (finding: Finding, opts: RenderOptions) => Promise<unknown>;
  /** null: Slack is not configured. */
  readonly slack: SlackSender | null;
  readonly dedup: DedupStore;
  readonly logger: Logger;
  readonly options: AppOptions;
  readonly now?: () => number;
}

export type RecordOutcome =
  | { readonly eventId: string; readonly outcome: 'not-a-denial' | 'own-denial' }
  | {
      readonly eventId: string;
      readonly outcome: 'alerted';
      readonly finding: Finding;
      readonly repeatCount: number;
    }
  | {
      readonly eventId: string;
      readonly outcome: 'counted';
      readonly finding: Finding;
      readonly repeatCount: number;
    };

export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly eventSource: 'aws:sqs';
  readonly [k: string]: unknown;
}
export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}
export interface DirectResponse {
  readonly processed: number;
  readonly alerted: number;
  readonly counted: number;
  readonly skipped: number;
}

export class DeliveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

export function isSqsEvent(event: unknown): event is SqsEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every((r) => (r as { eventSource?: unknown } | null)?.eventSource === 'aws:sqs')
  );
}

const field = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The ARNs whose denials the auditor caused itself, for a record that happened in account `account`. */
export function ownRoleArns(options: AppOptions, account: string | null): string[] {
  const arns = options.auditorRoleArn ? [options.auditorRoleArn] : [];
  if (options.memberRoleName && account !== null && /^\d{12}$/.test(account)) {
    const partition = /^arn:(aws[a-z-]*):/.exec(options.auditorRoleArn ?? '')?.[1] ?? 'aws';
    arns.push(`arn:${partition}:iam::${account}:role/${options.memberRoleName}`);
  }
  return arns;
}

/**
 * Loop guard: true only when the record's session was issued by one of the auditor's own roles, by exact ARN
 * (`userIdentity.sessionContext.sessionIssuer.arn`, which carries the role's path and the account): the function
 * role, or the member read role of the account the denial happened in (`recipientAccountId`; the auditor reads
 * each account with that account's read role, and only its own account and, through the organization bus, the
 * organization's accounts send it events). A look-alike name, another case, another path, another account, a
 * user or a missing issuer is somebody else: the denial alerts (SECURITY.md).
 */
export function isOwnDenial(record: Record<string, unknown>, options: AppOptions): boolean {
  const issuer = text(field(field(field(record['userIdentity'], 'sessionContext'), 'sessionIssuer'), 'arn'));
  if (issuer === null) return false;
  return ownRoleArns(options, text(record['recipientAccountId'])).includes(issuer);
}

type LogFn = (message: string, extra?: Record<string, unknown>) => void;
export interface RecordLogger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}

/**
 * Log lines about one record carry its CloudTrail eventID as `correlation_id`. Records of a batch run
 * concurrently, so the id goes with each line rather than into the shared logger's keys (a child
 * logger per record would cost a Console per record).
 */
export function recordLogger(logger: Logger, eventId: string): RecordLogger {
  const keys = { eventId, correlation_id: eventId };
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error'): LogFn =>
    (message, extra) =>
      logger[level](message, extra ? { ...keys, ...extra } : keys);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export function createApp(deps: AppDeps) {
  const now = deps.now ?? Date.now;

  async function analyse(request: AccessRequest, log: RecordLogger): Promise<Finding> {
    try {
      return await deps.explain(request);
    } catch (error) {
      log.error('analysis failed; alerting with the reconstructed request', { error: errorText(error) });
      return failedFinding(request, error);
    }
  }

  const CHANNEL_NAMES: Readonly<Record<Channel, string>> = { sns: 'SNS', slack: 'Slack' };
  const channels: readonly Channel[] = deps.slack ? ['sns', 'slack'] : ['sns'];

  async function send(channel: Channel, finding: Finding, opts: RenderOptions): Promise<void> {
    if (channel === 'sns') await deps.publish(finding, opts);
    // A channel no longer configured has nothing to send: it counts as delivered.
    else if (deps.slack) await deps.slack.send(renderSlack(finding, opts));
  }

  /** Sends to the channels the claim still owes, recording each success at once. */
  async function deliver(finding: Finding, opts: RenderOptions, claim: Claim): Promise<void> {
    const results = await Promise.allSettled(
      claim.channels.map(async (channel) => {
        await send(channel, finding, opts);
        await deps.dedup.delivered(claim, channel);
      }),
    );
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${CHANNEL_NAMES[claim.channels[i]!]}: ${errorText(r.reason)}`] : [],
    );
    if (failures.length > 0) throw new DeliveryError(`alert delivery failed (${failures.join('; ')})`);
  }

  /** One CloudTrail record. Throws only when the alert could not be delivered (or dedup failed). */
  async function processRecord(record: Record<string, unknown>, parent: Logger): Promise<RecordOutcome> {
    const eventId = typeof record.eventID === 'string' ? record.eventID : 'unknown';
    const log = recordLogger(parent, eventId);
    if (!isDenial(record)) {
      log.debug('not a denial: skipped');
      return { eventId, outcome: 'not-a-denial' };
    }
    const request = toAccessRequest(record);
    if (isOwnDenial(record, deps.options)) {
      log.info('denial caused by the auditor itself: ignored (loop guard)', {
        principal: request.principal.identityArn,
      });
      return { eventId, outcome: 'own-denial' };
    }
    let finding = await analyse(request, log);
    if (deps.options.redactKeys) finding = redactFinding(finding);
    const claim = await deps.dedup.claim(problemKey(finding), now(), channels);
    const summary = {
      verdict: finding.verdict,
      rootCause: finding.rootCauses[0]?.id ?? null,
      bucket: finding.request.bucket,
    };
    if (!claim.alert) {
      log.debug('repeat of an alerted problem: counted', { ...summary, repeatCount: claim.repeatCount });
      return { eventId, outcome: 'counted', finding, repeatCount: claim.repeatCount };
    }
    const opts: RenderOptions =
      claim.repeatCount > 0 ? { repeatCount: claim.repeatCount, since: claim.since ?? undefined } : {};
    try {
      await deliver(finding, opts, claim);
    } catch (error) {
      await deps.dedup
        .release(claim)
        .catch((e: unknown) => log.error('dedup release failed', { error: errorText(e) }));
      log.error('alert delivery failed; the record will be retried', { ...summary, error: errorText(error) });
      throw error;
    }
    log.info('alert sent', { ...summary, repeatCount: claim.repeatCount, channels: claim.channels });
    return { eventId, outcome: 'alerted', finding, repeatCount: claim.repeatCount };
  }

  /** Every record of one message (an EventBridge event, or anything readRecords accepts). */
  async function processMessage(body: string, source: string, log: Logger): Promise<RecordOutcome[]> {
    const records = readRecords(body, source, {
      // nothing is passed over silently: a value that is not a CloudTrail record is logged (it may be a denial)
      onSkip: (r) =>
        log.warn('a value of the message is not a CloudTrail record and was skipped', {
          source: r.source,
          at: r.at,
          what: r.what,
          kind: r.kind,
          errorCode: r.errorCode,
        }),
    });
    const outcomes: RecordOutcome[] = [];
    const errors: unknown[] = [];
    // All records are attempted even when one fails, so one bad record does not hide the others.
    for (const r of await Promise.allSettled(records.map((rec) => processRecord(rec, log)))) {
      if (r.status === 'fulfilled') outcomes.push(r.value);
      else errors.push(r.reason);
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1)
      throw new DeliveryError(
        `${errors.length} records of ${source} failed: ${errors.map(errorText).join(' | ')}`,
      );
    return outcomes;
  }

  async function handleSqs(event: SqsEvent, log: Logger): Promise<BatchResponse> {
    const processor = new BatchProcessor(EventType.SQS);
    const recordHandler = async (record: SqsRecord): Promise<number> => {
      const outcomes = await processMessage(record.body, `SQS message ${record.messageId}`, log);
      return outcomes.length;
    };
    const out = await processPartialResponse(event as never, recordHandler, processor, {
      throwOnFullBatchFailure: false,
    });
    for (const f of out.batchItemFailures)
      log.warn('SQS message failed and will be retried', { messageId: f.itemIdentifier });
    return out;
  }

  async function handleDirect(event: unknown, log: Logger): Promise<DirectResponse> {
    const body = typeof event === 'string' ? event : JSON.stringify(event);
    // A direct invocation carries one EventBridge event: its eventID correlates every log line of the
    // invocation (the middleware resets the keys afterwards).
    const eventId = (event as { detail?: { eventID?: unknown } } | null)?.detail?.eventID;
    if (typeof eventId === 'string') log.appendKeys({ correlation_id: eventId });
    const outcomes = await processMessage(body, 'the invocation event', log);
    const count = (o: RecordOutcome['outcome']): number => outcomes.filter((x) => x.outcome === o).length;
    return {
      processed: outcomes.length,
      alerted: count('alerted'),
      counted: count('counted'),
      skipped: count('not-a-denial') + count('own-denial'),
    };
  }

  /** The Lambda entry logic: an SQS batch gives a partial batch response; anything else is one message. */
  async function handle(event: unknown): Promise<BatchResponse | DirectResponse> {
    const log = deps.logger;
    return isSqsEvent(event) ? handleSqs(event, log) : handleDirect(event, log);
  }

  return { handle, processRecord, processMessage };
}

export type App = ReturnType<typeof createApp>;
