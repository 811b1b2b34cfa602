import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postDecision, postWebhook, readableReason } from './webhook-post.js';

describe('postWebhook: one POST and what it came to', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const status = Number(req.url!.slice(1));
      if (req.url === '/hang') return; // never answers
      const json = (text: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(text);
      if (req.url === '/accept') return void json('{"accept":true,"extra":1}');
      if (req.url === '/reject') return void json('{"accept":false,"reason":"Out of fries"}');
      if (req.url === '/reject-bare') return void json('{"accept":false,"reason":42}');
      if (req.url === '/html') return void res.writeHead(200).end('<html>ok</html>');
      if (req.url === '/yes') return void json('{"accept":"yes"}');
      if (req.url === '/array') return void json('[true]');
      if (req.url === '/null') return void json('null');
      if (req.url === '/empty') return void res.writeHead(200).end();
      if (req.url === '/huge') return void json(`{"accept":true,"pad":"${'x'.repeat(10_000)}"}`);
      if (req.url === '/endless') {
        // Headers at once, then a body that never ends: the timeout covers the body too.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"accept":');
        return;
      }
      if (req.url === '/flood') {
        // A body far past the bound, streamed: read no further than the bound.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const more = (): void => {
          while (sent < 64 && res.write(chunk)) sent++;
          if (sent < 64) res.once('drain', more);
          else res.end();
        };
        return more();
      }
      if (req.url === '/redirect')
        return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      res.writeHead(status).end('body the hub ignores');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  const post = (path: string, timeoutMs = 2000) => postWebhook(`${base}${path}`, {}, '{}', timeoutMs);

  it('2xx is delivered; 408, 429 and 5xx are retried; other answers are refusals', async () => {
    expect(await post('/200')).toEqual({ ok: true });
    expect(await post('/204')).toEqual({ ok: true });
    for (const status of [408, 429, 500, 503]) {
      expect(await post(`/${status}`)).toEqual({ ok: false, retry: true, error: `HTTP ${status}` });
    }
    for (const status of [400, 401, 404, 422]) {
      expect(await post(`/${status}`)).toEqual({ ok: false, retry: false, error: `HTTP ${status}` });
    }
  });

  it('does not follow a redirect (the URL is the operator’s, not wherever the answer points)', async () => {
    expect(await post('/redirect')).toEqual({ ok: false, retry: false, error: 'HTTP 302' });
  });

  it('gives up on a backend that does not answer within the timeout, to retry it later', async () => {
    expect(await post('/hang', 100)).toEqual({ ok: false, retry: true, error: 'no answer within 100 ms' });
  });

  it('a backend that is not there is retried', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const gone = await postWebhook(`http://127.0.0.1:${port}/hook`, {}, '{}', 1000);
    expect(gone).toEqual({ ok: false, retry: true, error: 'ECONNREFUSED' });
  });

  const decide = (path: string, timeoutMs = 2000) => postDecision(`${base}${path}`, {}, '{}', timeoutMs);

  it('a decision is a 2xx JSON object with a boolean accept; the reason is kept when it is text', async () => {
    expect(await decide('/accept')).toEqual({ ok: true, decision: { accept: true } });
    expect(await decide('/reject')).toEqual({
      ok: true,
      decision: { accept: false, reason: 'Out of fries' },
    });
    expect(await decide('/reject-bare')).toEqual({ ok: true, decision: { accept: false } });
  });

  it('anything else is a failure, never a decision (abuse: wrong types, huge or endless bodies)', async () => {
    expect(await decide('/html')).toEqual({ ok: false, error: 'answer is not JSON' });
    expect(await decide('/empty')).toEqual({ ok: false, error: 'answer is not JSON' });
    for (const path of ['/yes', '/array', '/null']) {
      expect(await decide(path)).toEqual({ ok: false, error: 'answer has no boolean "accept"' });
    }
    expect(await decide('/huge')).toEqual({ ok: false, error: 'answer over 4096 bytes' });
    expect(await decide('/flood')).toEqual({ ok: false, error: 'answer over 4096 bytes' });
    expect(await decide('/endless', 200)).toEqual({ ok: false, error: 'no answer within 200 ms' });
    expect(await decide('/hang', 100)).toEqual({ ok: false, error: 'no answer within 100 ms' });
    expect(await decide('/500')).toEqual({ ok: false, error: 'HTTP 500' });
    expect(await decide('/redirect')).toEqual({ ok: false, error: 'HTTP 302' });
  });

  it('a reason reaches the customer as one line of at most 200 characters', () => {
    expect(readableReason('  Out of\nfries\u0007 ')).toBe('Out of fries');
    expect(readableReason('a'.repeat(500))).toBe('a'.repeat(200));
    expect(Array.from(readableReason('🍟'.repeat(300))!)).toHaveLength(200); // whole characters
    expect(readableReason('\u0000\n ')).toBeUndefined();
    expect(readableReason({ toString: () => 'x' })).toBeUndefined();
  });
});
