import { createServer, type Socket, type AddressInfo } from 'node:net';
import { renderSlack } from '../../lambdas/core/render/slack';
import {
  retryAfterSeconds,
  SlackDeliveryError,
  webhookUrlFromSecret,
  WebhookSlackSender,
} from '../../lambdas/delivery/slack';
import { makeFinding } from './fixtures';
import { startFakeSlack, type FakeSlack } from './slack-server';

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack();
});
afterEach(async () => {
  await slack.close();
});

const message = renderSlack(makeFinding());

describe('WebhookSlackSender (loopback webhook server)', () => {
  it('posts the Block Kit payload as JSON', async () => {
    await new WebhookSlackSender({ url: async () => slack.url }).send(message);
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0]!.headers['content-type']).toBe('application/json');
    expect(slack.received[0]!.body).toEqual({ text: message.text, blocks: message.blocks });
  });

  // Slack answers 429 with Retry-After in seconds: https://api.slack.com/docs/rate-limits
  it('honours a 429 Retry-After and then delivers', async () => {
    slack.replies.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } });
    const started = Date.now();
    await new WebhookSlackSender({ url: async () => slack.url }).send(message);
    expect(slack.received).toHaveLength(2);
    expect(slack.received[1]!.at - slack.received[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('fails without waiting when Retry-After is longer than the budget', async () => {
    slack.replies.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '120' } });
    const sleeps: number[] = [];
    const sender = new WebhookSlackSender({
      url: async () => slack.url,
      maxRetryAfterSeconds: 10,
      sleep: async (ms) => void sleeps.push(ms),
    });
    await expect(sender.send(message)).rejects.toThrow(
      'Slack webhook rate-limited (HTTP 429, Retry-After 120s) after 1 attempt(s)',
    );
    expect(sleeps).toEqual([]);
    expect(slack.received).toHaveLength(1);
  });

  it('gives up after maxAttempts rate-limited answers', async () => {
    for (let i = 0; i < 5; i++) slack.replies.push({ status: 429, headers: { 'retry-after': '2' } });
    const sleeps: number[] = [];
    const sender = new WebhookSlackSender({
      url: async () => slack.url,
      maxAttempts: 3,
      sleep: async (ms) => void sleeps.push(ms),
    });
    await expect(sender.send(message)).rejects.toBeInstanceOf(SlackDeliveryError);
    expect(sleeps).toEqual([2000, 2000]);
    expect(slack.received).toHaveLength(3);
  });

  // Treat only 200 as success: https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks
  it.each([
    [500, 'rollup_error'],
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
    [404, 'channel_not_found'],
    [410, 'channel_is_archived'],
  ])('fails on HTTP %i %s, naming the status and Slack error', async (status, body) => {
    slack.replies.push({ status, body });
    const err = await new WebhookSlackSender({ url: async () => slack.url })
      .send(message)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackDeliveryError);
    expect((err as SlackDeliveryError).status).toBe(status);
    expect((err as Error).message).toBe(`Slack webhook answered HTTP ${status}: ${body}`);
    expect((err as Error).message).not.toContain(slack.url);
    expect(slack.received).toHaveLength(1); // no silent retry inside one invocation
  });

  it('quotes at most 200 characters of the body of a 2xx other than 200', async () => {
    slack.replies.push({ status: 202, body: 'y'.repeat(1000) });
    await expect(new WebhookSlackSender({ url: async () => slack.url }).send(message)).rejects.toThrow(
      new SlackDeliveryError(`Slack webhook answered HTTP 202, not 200: ${'y'.repeat(200)}`, 202),
    );
  });

  it('fails on a 2xx other than 200', async () => {
    slack.replies.push({ status: 204 });
    await expect(new WebhookSlackSender({ url: async () => slack.url }).send(message)).rejects.toThrow(
      'HTTP 204, not 200',
    );
  });

  it('fails with a URL-free message when nothing answers', async () => {
    const url = slack.url;
    await slack.close();
    slack = await startFakeSlack();
    const err = await new WebhookSlackSender({ url: async () => url, timeoutMs: 2000 })
      .send(message)
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'Slack webhook request failed: no response (network error or timeout)',
    );
    expect(JSON.stringify(err)).not.toContain('XXXX');
  });

  it('keeps concurrent sends apart: one 500 fails only its own send', async () => {
    slack.replies.push({ status: 500, body: 'rollup_error' });
    const sender = new WebhookSlackSender({ url: async () => slack.url });
    const results = await Promise.allSettled([
      sender.send(message),
      sender.send(message),
      sender.send(message),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    ['30', 30],
    [' 5 ', 5],
    ['', null],
    ['soon', null],
  ])('reads %j as %j', (header, expected) => {
    expect(retryAfterSeconds(header)).toBe(expected);
  });
  it('reads an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7);
  });
  it('is null when absent', () => expect(retryAfterSeconds(null)).toBeNull());
});

describe('webhookUrlFromSecret', () => {
  it('accepts the URL itself or JSON with url / webhookUrl', () => {
    expect(webhookUrlFromSecret(' https://hooks.slack.com/services/A/B/C\n')).toBe(
      'https://hooks.slack.com/services/A/B/C',
    );
    expect(webhookUrlFromSecret('{"url":"https://hooks.slack.com/x"}')).toBe('https://hooks.slack.com/x');
    expect(webhookUrlFromSecret('{"webhookUrl":"https://hooks.slack.com/y"}')).toBe(
      'https://hooks.slack.com/y',
    );
  });
  it('rejects anything else without echoing the value', () => {
    expect(() => webhookUrlFromSecret('s3cr3t-token')).toThrow('Slack secret does not hold a webhook URL');
    expect(() => webhookUrlFromSecret('{bad json')).toThrow('Slack secret is not valid JSON and not a URL');
    try {
      webhookUrlFromSecret('s3cr3t-token');
    } catch (e) {
      expect((e as Error).message).not.toContain('s3cr3t');
    }
  });
});

describe('rate limits and failures (https://api.slack.com/docs/rate-limits)', () => {
  const recordingSleep = (): { sleeps: number[]; sleep: (ms: number) => Promise<void> } => {
    const sleeps: number[] = [];
    return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
  };

  it('waits up to 10 s for a Retry-After by default, and fails at once on a longer one', async () => {
    slack.replies.push({ status: 429, headers: { 'retry-after': '10' } });
    const ok = recordingSleep();
    await new WebhookSlackSender({ url: async () => slack.url, sleep: ok.sleep }).send(message);
    expect(ok.sleeps).toEqual([10_000]);
    expect(slack.received).toHaveLength(2);

    slack.replies.push({ status: 429, headers: { 'retry-after': '11' } });
    const tooLong = recordingSleep();
    await expect(
      new WebhookSlackSender({ url: async () => slack.url, sleep: tooLong.sleep }).send(message),
    ).rejects.toThrow('Retry-After 11s');
    expect(tooLong.sleeps).toEqual([]);
    expect(slack.received).toHaveLength(3);
  });

  it('gives up after 3 rate-limited attempts by default, saying so', async () => {
    for (let i = 0; i < 5; i++) slack.replies.push({ status: 429, headers: { 'retry-after': '1' } });
    const { sleeps, sleep } = recordingSleep();
    const err = await new WebhookSlackSender({ url: async () => slack.url, sleep })
      .send(message)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackDeliveryError);
    expect((err as SlackDeliveryError).status).toBe(429);
    expect((err as Error).name).toBe('SlackDeliveryError');
    expect((err as Error).message).toBe(
      'Slack webhook rate-limited (HTTP 429, Retry-After 1s) after 3 attempt(s)',
    );
    expect(sleeps).toEqual([1000, 1000]);
    expect(slack.received).toHaveLength(3);
  });

  it('waits a second on a 429 without Retry-After, then delivers', async () => {
    slack.replies.push({ status: 429, body: 'rate_limited' });
    const { sleeps, sleep } = recordingSleep();
    await new WebhookSlackSender({ url: async () => slack.url, sleep }).send(message);
    expect(sleeps).toEqual([1000]);
    expect(slack.received).toHaveLength(2);
  });

  it('says there was no Retry-After when it gives up on 429s without one', async () => {
    slack.replies.push({ status: 429 }, { status: 429 });
    const { sleep } = recordingSleep();
    await expect(
      new WebhookSlackSender({ url: async () => slack.url, sleep, maxAttempts: 2 }).send(message),
    ).rejects.toThrow('Slack webhook rate-limited (HTTP 429, no Retry-After) after 2 attempt(s)');
  });

  it('quotes at most 200 characters of the error Slack answered', async () => {
    slack.replies.push({ status: 500, body: 'x'.repeat(1000) });
    const err = await new WebhookSlackSender({ url: async () => slack.url })
      .send(message)
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(`Slack webhook answered HTTP 500: ${'x'.repeat(200)}`);
  });

  it('keeps the kind of network error as the cause, never the URL', async () => {
    const url = slack.url;
    await slack.close();
    slack = await startFakeSlack();
    const err = (await new WebhookSlackSender({ url: async () => url, timeoutMs: 2000 })
      .send(message)
      .catch((e: unknown) => e)) as SlackDeliveryError;
    expect(err.status).toBeNull();
    expect(err.cause).toBeInstanceOf(Error);
    expect(JSON.stringify({ message: err.message, cause: String(err.cause) })).not.toContain(url);
  });

  it('gives up on a webhook that never answers after the request timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const err = await new WebhookSlackSender({
        url: async () => `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
        timeoutMs: 300,
      })
        .send(message)
        .catch((e: unknown) => e);
      expect((err as Error).message).toBe(
        'Slack webhook request failed: no response (network error or timeout)',
      );
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('retryAfterSeconds: delay-seconds is digits only (RFC 9110, section 10.2.3)', () => {
  it.each(['5s', '5 seconds', 'x5', 'soon5'])('reads %j as unusable (null), not as a number', (header) => {
    expect(retryAfterSeconds(header)).toBeNull();
  });
});

describe('retryAfterSeconds: an HTTP date', () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0);
  it('in the past means no wait', () => {
    expect(retryAfterSeconds('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });
  it('rounds a part of a second up (never retries too early)', () => {
    expect(retryAfterSeconds(new Date(now + 1500).toUTCString(), now - 500)).toBe(2);
  });
});

describe('webhookUrlFromSecret: more secret shapes', () => {
  it('accepts JSON with leading whitespace and the webhook_url key', () => {
    expect(webhookUrlFromSecret('  {"webhook_url":" https://hooks.slack.com/z "}')).toBe(
      'https://hooks.slack.com/z',
    );
  });
  it('prefers url, then webhookUrl', () => {
    expect(
      webhookUrlFromSecret('{"url":"https://hooks.slack.com/a","webhookUrl":"https://hooks.slack.com/b"}'),
    ).toBe('https://hooks.slack.com/a');
  });
  it.each([
    ['a URL with a space in it', 'https://hooks.slack.com/a b'],
    ['a URL that is not http(s)', 'ftp://hooks.slack.com/a'],
    ['text around a URL', 'see https://hooks.slack.com/a'],
    ['JSON whose url is not a string', '{"url": 42}'],
    ['JSON without a URL', '{"token":"abc"}'],
    ['not a string', 42],
  ])('rejects %s', (_what, value) => {
    expect(() => webhookUrlFromSecret(value)).toThrow('Slack secret does not hold a webhook URL');
  });
});

// Slack incoming webhooks are https://hooks.slack.com/services/… URLs, and the URL is the secret
// (https://api.slack.com/messaging/webhooks: "Your webhook URL contains a secret. Don't share it online").
describe('webhookUrlFromSecret: the webhook URL never crosses the network in clear', () => {
  it.each([
    ['a Slack URL over plain http', 'http://hooks.slack.com/services/T000/B000/XXXX'],
    ['an http URL to another host', '{"url":"http://10.0.0.5/services/T/B/X"}'],
    ['an http URL whose host only starts with 127', 'http://127.0.0.1.example.com/hook'],
    ['an http URL with localhost as a user name', 'http://localhost@hooks.slack.com/services/T/B/X'],
  ])('refuses %s, without printing the URL', (_what, value) => {
    let message = '';
    try {
      webhookUrlFromSecret(value);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/must use https:\/\//);
    expect(message).not.toMatch(/XXXX|10\.0\.0\.5|example\.com/);
  });
  it.each([
    ['127.0.0.1', 'http://127.0.0.1:8080/services/T/B/X'],
    ['another 127/8 address', 'http://127.0.0.53/hook'],
    ['localhost', 'http://localhost:3000/hook'],
    ['the IPv6 loopback', 'http://[::1]:3000/hook'],
  ])(
    'accepts plain http to the loopback address %s (a local receiver: nothing leaves the machine)',
    (_w, url) => {
      expect(webhookUrlFromSecret(url)).toBe(url);
    },
  );
});
