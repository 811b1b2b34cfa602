import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook } from './webhook-post.js';

describe('postWebhook: one POST and what it came to', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const status = Number(req.url!.slice(1));
      if (req.url === '/hang') return; // never answers
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
});
