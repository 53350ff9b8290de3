/**
 * Slack delivery through an incoming webhook, with the official `@slack/webhook` client.
 *
 * - The webhook URL comes from a provider (in the Lambda: Secrets Manager through Powertools
 *   Parameters `getSecret`, cached). It is never logged and never put in an error message.
 * - Only HTTP 200 is success (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
 * - HTTP 429 carries `Retry-After` in seconds (https://api.slack.com/docs/rate-limits): the sender
 *   waits that long when the wait fits the budget, then tries again; otherwise the send fails and
 *   the record is retried later by the queue.
 */
import { IncomingWebhook, type FetchFunction } from '@slack/webhook';
import type { SlackMessage } from '../core/render/slack';

export interface SlackSender {
  send(message: SlackMessage): Promise<void>;
}

export class SlackDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SlackDeliveryError';
  }
}

export interface WebhookSenderOptions {
  /** Returns the webhook URL (cached by the provider). */
  readonly url: () => Promise<string>;
  /** Longest single Retry-After wait honoured, in seconds (default 10). */
  readonly maxRetryAfterSeconds?: number;
  /** Rate-limited attempts before giving up (default 3). */
  readonly maxAttempts?: number;
  /** Request timeout in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Parse Retry-After: delta-seconds, or an HTTP date. null when absent or unusable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Read a webhook URL from a secret value: the URL itself, or JSON with `url` / `webhookUrl`. */
export function webhookUrlFromSecret(value: unknown): string {
  let candidate: unknown = value;
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as Record<string, unknown>;
      candidate = parsed.url ?? parsed.webhookUrl ?? parsed.webhook_url;
    } catch {
      throw new Error('Slack secret is not valid JSON and not a URL');
    }
  }
  if (typeof candidate !== 'string' || !/^https?:\/\/\S+$/.test(candidate.trim())) {
    throw new Error(
      'Slack secret does not hold a webhook URL (expected the URL, or JSON {"url": "https://hooks.slack.com/..."})',
    );
  }
  const url = candidate.trim();
  if (!url.startsWith('https://') && !isLoopback(url)) {
    // The webhook URL is the credential: over plain HTTP it (and every finding) would cross the network readable.
    throw new Error(
      'Slack webhook URL must use https:// (plain http:// only to a loopback address, for local tests)',
    );
  }
  return url;
}

/** Whether an http:// URL names this machine (127.0.0.0/8, ::1 or localhost): nothing leaves the host. */
function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

interface Attempt {
  status: number;
  retryAfter: string | null;
  body: string;
}

export class WebhookSlackSender implements SlackSender {
  private readonly maxRetryAfter: number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: WebhookSenderOptions) {
    this.maxRetryAfter = options.maxRetryAfterSeconds ?? 10;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /**
   * A client for one send: its fetch wrapper records the status and Retry-After, which the
   * client's errors do not expose. Per send, so concurrent sends never mix their outcomes.
   */
  private async client(): Promise<{ client: IncomingWebhook; last: { current: Attempt | null } }> {
    const url = await this.options.url();
    const last: { current: Attempt | null } = { current: null };
    const fetchFn: FetchFunction = async (input, init) => {
      const response = await globalThis.fetch(input, init as RequestInit);
      const body = await response.clone().text();
      last.current = { status: response.status, retryAfter: response.headers.get('retry-after'), body };
      return response;
    };
    const client = new IncomingWebhook(url, {
      fetch: fetchFn,
      timeout: this.timeoutMs,
      retryConfig: { retries: 0 },
    });
    return { client, last };
  }

  async send(message: SlackMessage): Promise<void> {
    const { client, last } = await this.client();
    for (let attempt = 1; ; attempt++) {
      last.current = null;
      try {
        await client.send({ text: message.text, blocks: message.blocks as never });
      } catch (error) {
        const outcome = last.current as Attempt | null;
        if (outcome === null) {
          // No HTTP response: network error or timeout. The message of the original error never holds the URL.
          throw new SlackDeliveryError(
            'Slack webhook request failed: no response (network error or timeout)',
            null,
            {
              cause: error instanceof Error ? new Error(error.name) : undefined,
            },
          );
        }
        if (outcome.status === 429) {
          const wait = retryAfterSeconds(outcome.retryAfter) ?? 1;
          if (attempt < this.maxAttempts && wait <= this.maxRetryAfter) {
            await this.sleep(wait * 1000);
            continue;
          }
          throw new SlackDeliveryError(
            `Slack webhook rate-limited (HTTP 429, ${outcome.retryAfter === null ? 'no Retry-After' : `Retry-After ${outcome.retryAfter}s`}) after ${attempt} attempt(s)`,
            429,
          );
        }
        throw new SlackDeliveryError(
          `Slack webhook answered HTTP ${outcome.status}: ${outcome.body.slice(0, 200)}`,
          outcome.status,
        );
      }
      const outcome = last.current as Attempt | null;
      if (outcome !== null && outcome.status !== 200) {
        throw new SlackDeliveryError(
          `Slack webhook answered HTTP ${outcome.status}, not 200: ${outcome.body.slice(0, 200)}`,
          outcome.status,
        );
      }
      return;
    }
  }
}
