import { verifyWebhook, type WebhookBody } from '@orderwire/contracts';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const WEBHOOK_SECRET = 'a-webhook-secret-of-at-least-32-chars';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: WebhookBody;
  verified: boolean;
}

/**
 * How to answer: a status, or a status with a body (an object is sent as JSON), after a delay or
 * once `after` settles; `hang` never answers.
 */
export type Answer =
  number | { status?: number; body?: unknown; delayMs?: number; after?: Promise<unknown>; hang?: boolean };

/** A real HTTP backend on loopback: checks each signature as the docs tell receivers to. */
export class Receiver {
  readonly got: Received[] = [];
  /** What to answer each request with (its index among all received). */
  answer: (index: number, body: WebhookBody) => Answer = () => 200;
  private server!: Server;
  url = '';

  constructor(private readonly secret = WEBHOOK_SECRET) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const verified = verifyWebhook({
          secret: this.secret,
          body: raw,
          timestamp: req.headers['orderwire-timestamp'] as string | undefined,
          signature: req.headers['orderwire-signature'] as string | undefined,
        });
        const body = JSON.parse(raw) as WebhookBody;
        const index = this.got.push({ headers: req.headers, raw, body, verified }) - 1;
        if (!verified) return void res.writeHead(401).end();
        const answer = this.answer(index, body);
        const a = typeof answer === 'number' ? { status: answer } : answer;
        if (a.hang) return; // never answers
        const send = (): void => {
          if (a.body === undefined) return void res.writeHead(a.status ?? 200).end();
          const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
          res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(text);
        };
        if (a.after) void a.after.then(send);
        else if (a.delayMs) setTimeout(send, a.delayMs);
        else send();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/orderwire`;
  }

  of(kind: string, type: string): Received[] {
    return this.got.filter((g) => g.body.kind === kind && g.body.type === type);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections(); // the hub's keep-alive sockets too
    return new Promise((r) => this.server.close(() => r()));
  }
}

export async function until(what: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
