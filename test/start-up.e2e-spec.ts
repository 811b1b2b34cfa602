import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import request from 'supertest';
import { startChild, until } from './support/child.js';
import { freePort } from './support/free-port.js';
import { startHub } from './support/hub.js';
import { TEST_SECRET } from './support/tokens.js';

const MAIN = join(import.meta.dirname, '../dist/main.js');

/** What a newcomer sees first: the start-up log, and what `/` answers (issue #32, part 4). */
describe('start-up: one banner that says where to go, and a root that leads somewhere', () => {
  it('at info the first lines are the hub’s: one banner with the console, readiness and the warnings; Nest’s mapping at debug', async () => {
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_SECRET,
      LOG_FORMAT: 'json',
      NODE_ENV: 'development',
      RATE_COMMAND_PER_SECOND: '5',
    };
    const info = await startChild(MAIN, { ...env, LOG_LEVEL: 'info' }, 'hub ready on');
    let lines: Array<{ level: number; msg: string; context?: string; transportPatches?: string[] }>;
    try {
      // The warnings follow the banner: wait for as many as it announces.
      const announced = Number(/(\d+) warnings? below/.exec(info.output())?.[1] ?? 0);
      expect(announced).toBeGreaterThan(0);
      await until(() => (info.output().match(/"level":40/g) ?? []).length >= announced, 5000, 'the warnings');
      lines = info
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; msg: string; context?: string });
    } finally {
      info.proc.kill('SIGKILL');
    }
    expect(
      lines.some((l) => /Mapped \{|RoutesResolver|dependencies initialized/.test(`${l.msg} ${l.context}`)),
    ).toBe(false);
    const banner = lines.find((l) => l.msg.startsWith('orderwire hub ready on'))!;
    expect(banner.msg).toContain(`http://127.0.0.1:${port}/console`);
    expect(banner.msg).toContain(`readiness http://127.0.0.1:${port}/health/ready`);
    expect(banner.msg).toContain(`API docs http://127.0.0.1:${port}/api/docs`);
    // The transport patches in use, each having passed its check against the installed libraries.
    expect(banner.transportPatches).toEqual([
      'frame-batching',
      'ack-decoder',
      'socket-acks',
      'engine-backlog',
    ]);
    // A misspelt setting is warned about, after the banner that counts it.
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.length).toBeGreaterThan(0);
    expect(banner.msg).toMatch(new RegExp(`${warnings.length} warnings? below$`));
    expect(lines.indexOf(banner)).toBeLessThan(lines.indexOf(warnings[0]!));
    expect(lines.filter((l) => l.level === 30).length).toBeLessThanOrEqual(3);
    // At debug, Nest's own lines are there for whoever wants them.
    const debug = await startChild(
      MAIN,
      { ...env, PORT: String(await freePort()), LOG_LEVEL: 'debug' },
      'hub ready on',
    );
    try {
      expect(debug.output()).toMatch(/Mapped \{\/health\/ready, GET\} route/);
    } finally {
      debug.proc.kill('SIGKILL');
    }
  }, 40_000);

  it('/ sends a person to the console outside production, and answers an index in production', async () => {
    const dev = await startHub();
    try {
      const res = await request(dev.app.getHttpServer()).get('/').expect(302);
      expect(res.headers.location).toBe('/console');
    } finally {
      await dev.close();
    }
    const prod = await startHub({ NODE_ENV: 'production', CORS_ORIGINS: 'http://console.test' });
    try {
      const res = await request(prod.app.getHttpServer()).get('/').expect(200);
      expect(res.body).toEqual({
        service: 'orderwire',
        console: '/console',
        health: { live: '/health/live', ready: '/health/ready' },
        websocket: { path: '/ws', namespaces: ['/customer', '/crew', '/admin'] },
      });
    } finally {
      await prod.close();
    }
  });
});
