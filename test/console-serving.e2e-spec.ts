import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startHub } from './support/hub.js';

describe('serving the console views', () => {
  it('a page per view, its bundle and stylesheet, the settings the views read; nothing else', async () => {
    const hub = await startHub({ ORDER_ACCEPT_SLA_SECONDS: '90' });
    try {
      const http = request(hub.app.getHttpServer());
      for (const view of ['customer', 'crew', 'admin']) {
        const page = await http.get(`/console/${view}`).expect(200);
        expect(page.headers['content-type']).toMatch(/text\/html/);
        expect(page.text).toContain(`<script src="/console/app/${view}.js" defer></script>`);
        const bundle = await http.get(`/console/app/${view}.js`).expect(200);
        expect(bundle.text.length).toBeGreaterThan(20_000);
      }
      await http.get('/console/app/main.css').expect(200);
      // The views' settings: no secrets, only what a public page may know.
      const config = await http.get('/console/config.json').expect(200);
      expect(config.body).toEqual({ devTokens: false, acceptSlaSeconds: 90 });
      expect(config.headers['cache-control']).toBe('no-store');
      // Abuse: other files, traversal, other views.
      for (const path of [
        '/console/app/..%2F..%2Fpackage.json',
        '/console/app/orders.js',
        '/console/app/customer.ts',
        '/console/kitchen',
        '/console/app/%2e%2e',
      ]) {
        await http.get(path).expect(404);
      }
    } finally {
      await hub.close();
    }
  });

  it('CONSOLE_TOKEN_URL reaches the views and, when on another origin, the CSP’s connect-src only', async () => {
    const hub = await startHub({
      CONSOLE_TOKEN_URL: 'https://login.example/orderwire/token',
      DEV_TOKENS: 'true',
    });
    try {
      const http = request(hub.app.getHttpServer());
      const config = await http.get('/console/config.json').expect(200);
      expect(config.body).toEqual({
        devTokens: true,
        tokenUrl: 'https://login.example/orderwire/token',
        acceptSlaSeconds: 120,
      });
      const csp = (await http.get('/console/crew').expect(200)).headers['content-security-policy'] as string;
      expect(csp).toContain("connect-src 'self' https://login.example");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe');
    } finally {
      await hub.close();
    }
  });
});
