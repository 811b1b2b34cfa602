import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { COMMANDS, ERROR_CODES, SERVER_EVENT_TYPES } from '@orderwire/contracts';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { startHub, type TestHub } from './support/hub.js';

type Doc = {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, unknown> }>;
  operations: Record<string, { action: string; title: string; reply?: unknown }>;
  components: { messages: Record<string, { name: string }>; schemas: Record<string, { enum?: string[] }> };
};
const FILE = new URL('../libs/contracts/asyncapi.json', import.meta.url);
const doc = JSON.parse(readFileSync(FILE, 'utf8')) as Doc;
const id = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');

/**
 * The WebSocket protocol as AsyncAPI 3 (issue #32, part 5): generated from the contracts by
 * scripts/asyncapi.mjs (CI regenerates it, fails on drift and validates it with the AsyncAPI
 * parser); here, on every Node, that it covers the contracts and that the hub serves it.
 */
describe('the AsyncAPI document of the WebSocket protocol', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
  });
  afterAll(() => hub?.close());

  it('has one channel per namespace, every command with its reply for the roles that may send it, every message', () => {
    expect(doc.asyncapi).toMatch(/^3\./);
    expect(
      Object.values(doc.channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual(['/admin', '/crew', '/customer']);
    for (const [command, rule] of Object.entries(COMMANDS)) {
      expect(doc.components.messages[`command_${id(command)}`]?.name).toBe(command);
      for (const role of rule.roles) {
        const op = doc.operations[`${role}_${id(command)}`];
        expect([command, role, op?.action, !!op?.reply]).toEqual([command, role, 'send', true]);
      }
      // And only those roles.
      const senders = Object.entries(doc.operations)
        .filter(([, op]) => op.action === 'send' && op.title === command)
        .map(([name]) => name.split('_')[0]);
      expect(senders.sort()).toEqual([...rule.roles].sort());
    }
    for (const type of SERVER_EVENT_TYPES)
      expect(doc.components.messages[`message_${id(type)}`]?.name).toBe(type);
    expect(doc.components.schemas.ErrorCode?.enum).toEqual([...ERROR_CODES]);
    // Customers never receive the admins' feeds.
    expect(doc.operations.customer_receive_system_metrics).toBeUndefined();
    expect(doc.operations.admin_receive_system_metrics).toBeDefined();
  });

  it('is served at /api/docs/asyncapi.json where the API docs are on, and not in production by default', async () => {
    const res = await request(hub.app.getHttpServer()).get('/api/docs/asyncapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual(doc);
    const prod = await startHub({ NODE_ENV: 'production', CORS_ORIGINS: 'http://console.test' });
    try {
      await request(prod.app.getHttpServer()).get('/api/docs/asyncapi.json').expect(404);
    } finally {
      await prod.close();
    }
  });
});
