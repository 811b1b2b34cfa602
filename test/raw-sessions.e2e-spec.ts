import { describe, expect, it } from '@jest/globals';
import { connect } from './support/client.js';
import { startHub } from './support/hub.js';

/** One raw engine.io polling handshake, never joining a namespace: its HTTP status. */
async function rawHandshake(url: string): Promise<number> {
  const res = await fetch(`${url}/ws/?EIO=4&transport=polling`);
  await res.text();
  return res.status;
}

describe('raw engine.io sessions (before any token is checked) are bounded per address', () => {
  it('past RAW_SESSIONS_PER_IP unjoined sessions, new handshakes from that address are refused (403)', async () => {
    const hub = await startHub({ RAW_SESSIONS_PER_IP: '20', HANDSHAKES_PER_IP_PER_SECOND: '10000' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push(await rawHandshake(hub.url));
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.slice(20).every((s) => s === 403)).toBe(true);
      // A real client from the same address is refused too while the flood holds its sessions.
      await expect(connect(hub, 'crew', 'k-1')).rejects.toBeDefined();
    } finally {
      await hub.close();
    }
  });

  it('unjoined sessions are closed after CONNECT_TIMEOUT_MS, and joined ones stop counting', async () => {
    const hub = await startHub({
      RAW_SESSIONS_PER_IP: '5',
      HANDSHAKES_PER_IP_PER_SECOND: '10000',
      CONNECT_TIMEOUT_MS: '300',
    });
    try {
      // Clients that join a namespace do not count: more of them than the raw cap.
      const crews = [];
      for (let i = 0; i < 8; i++) crews.push(await connect(hub, 'crew', `k-${i}`));
      for (let i = 0; i < 5; i++) expect(await rawHandshake(hub.url)).toBe(200);
      expect(await rawHandshake(hub.url)).toBe(403);
      await new Promise((r) => setTimeout(r, 600)); // the raw ones time out
      expect(await rawHandshake(hub.url)).toBe(200);
      for (const c of crews) expect(c.socket.connected).toBe(true);
      for (const c of crews) c.close();
    } finally {
      await hub.close();
    }
  });

  it('engine handshakes count against HANDSHAKES_PER_IP_PER_SECOND', async () => {
    const hub = await startHub({ RAW_SESSIONS_PER_IP: '1000', HANDSHAKES_PER_IP_PER_SECOND: '10' });
    try {
      const statuses = await Promise.all(Array.from({ length: 30 }, () => rawHandshake(hub.url)));
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(12);
      expect(statuses.filter((s) => s === 403).length).toBeGreaterThanOrEqual(18);
    } finally {
      await hub.close();
    }
  });
});
