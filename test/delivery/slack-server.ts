/** A loopback HTTP server standing in for a Slack incoming webhook. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly at: number;
}
export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface FakeSlack {
  readonly url: string;
  readonly received: Received[];
  /** Replies to give, in order; when empty, 200 "ok". */
  readonly replies: Reply[];
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const received: Received[] = [];
  const replies: Reply[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep the raw text */
      }
      received.push({ headers: req.headers, body, at: Date.now() });
      const reply = replies.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...(reply.headers ?? {}) });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    received,
    replies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
