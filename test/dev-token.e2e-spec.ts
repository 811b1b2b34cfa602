import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { connect } from './support/client.js';
import { startHub } from './support/hub.js';

describe('POST /dev/token and the console assets', () => {
  it('mints working tokens when DEV_TOKENS is on, and serves /console and /sdk/orderwire.js', async () => {
    const hub = await startHub({ DEV_TOKENS: 'true' });
    try {
      const server = hub.app.getHttpServer();
      const res = await request(server)
        .post('/dev/token')
        .send({ role: 'crew', sub: 'k-1', tenantId: 'r-1', crewRole: 'courier' });
      expect(res.status).toBe(200);
      const crew = await connect(hub, 'crew', 'k-1', { token: res.body.token });
      expect(crew.received[0].data.user).toEqual({
        id: 'k-1',
        role: 'crew',
        tenantId: 'r-1',
        crewRole: 'courier',
      });
      crew.close();
      expect((await request(server).post('/dev/token').send({ role: 'root', sub: 'x' })).status).toBe(404);
      expect(
        (await request(server).post('/dev/token').send({ role: 'crew', sub: 'x', tenantId: '*' })).status,
      ).toBe(404);
      const page = await request(server).get('/console');
      expect(page.status).toBe(200);
      expect(page.text).toContain('/console/app/launcher.js');
      const sdk = await request(server).get('/sdk/orderwire.js');
      expect(sdk.status).toBe(200);
      expect(sdk.text).toContain('GlobalWebSocketManager');
      expect((await request(server).get('/console/..%2Fpackage.json')).status).toBe(404);
    } finally {
      await hub.close();
    }
  });

  it('answers 404 when DEV_TOKENS is off (the default with the redis engine or in production)', async () => {
    const hub = await startHub({ DEV_TOKENS: 'false' });
    try {
      const res = await request(hub.app.getHttpServer())
        .post('/dev/token')
        .send({ role: 'crew', sub: 'k-1' });
      expect(res.status).toBe(404);
    } finally {
      await hub.close();
    }
  });
});
