import { describe, expect, it } from '@jest/globals';
import { keepJson } from '../util/encoded-json.js';
import { AdapterClusterBus, batchJson, type BusChannel, type FanoutMessage } from './cluster-bus.js';

/** A channel that keeps what is sent and lets the test play what other nodes send. */
function namespace() {
  const sent: unknown[][] = [];
  const handlers = new Map<string, (...args: unknown[]) => void>();
  const nsp: BusChannel = {
    send: (...args: unknown[]) => void sent.push(args),
    on: (event: string, fn: (...args: unknown[]) => void) => void handlers.set(event, fn),
  };
  return {
    nsp,
    sent,
    hear: (event: string, ...args: unknown[]) => handlers.get(event)!(...args),
  };
}

const message = (i: number): FanoutMessage =>
  ({ envelope: { id: `m${i}` }, targets: {}, publishedAt: i }) as unknown as FanoutMessage;
const turn = () => new Promise((r) => setImmediate(r));

describe('AdapterClusterBus', () => {
  it('sends the messages of one event-loop turn together, in order, at most 256 per emit', async () => {
    const { nsp, sent } = namespace();
    const bus = new AdapterClusterBus();
    bus.bind(nsp, () => undefined);
    for (let i = 0; i < 300; i++) bus.publish(message(i));
    expect(sent).toHaveLength(0);
    await turn();
    const batches = sent.map(
      ([event, batch]) => [event, JSON.parse(batch as string) as FanoutMessage[]] as const,
    );
    expect(batches.map(([event, batch]) => [event, batch.length])).toEqual([
      ['orderwire:fanout:batch', 256],
      ['orderwire:fanout:batch', 44],
    ]);
    const ids = batches.flatMap(([, batch]) => batch.map((m) => m.envelope.id));
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    bus.publish(message(300));
    await turn();
    expect(sent).toHaveLength(3);
  });

  it('hears batches, single messages (nodes before batching) and notices; ignores a malformed batch', () => {
    const { nsp, hear } = namespace();
    const bus = new AdapterClusterBus();
    const got: string[] = [];
    bus.bind(nsp, (m) => got.push(m.envelope.id));
    const menus: string[] = [];
    bus.onNotice('menu.changed', (tenant) => menus.push(tenant));
    hear('orderwire:fanout:batch', JSON.stringify([message(1), message(2)]));
    hear('orderwire:fanout:batch', new Uint8Array(Buffer.from(JSON.stringify([message(5)]))));
    hear('orderwire:fanout', message(3));
    hear('orderwire:fanout:batch', [message(4)]);
    hear('orderwire:fanout:batch', { not: 'an array' });
    hear('orderwire:fanout:batch', '{"not":"an array"}');
    hear('orderwire:fanout:batch', 'not json');
    hear('orderwire:notice', 'menu.changed', 'r-1');
    hear('orderwire:notice', 'other', 'x');
    expect(got).toEqual(['m1', 'm2', 'm5', 'm3', 'm4']);
    expect(menus).toEqual(['r-1']);
  });

  it('sends nothing before it is bound', async () => {
    const bus = new AdapterClusterBus();
    bus.publish(message(1));
    bus.notify('menu.changed', 'r-1');
    await turn();
    const { nsp, sent } = namespace();
    bus.bind(nsp, () => undefined);
    await turn();
    expect(sent).toHaveLength(0);
  });

  it('survives an adapter that throws while sending, and sends the next turn again', async () => {
    const { nsp, sent } = namespace();
    let broken = true;
    const send = nsp.send.bind(nsp);
    nsp.send = (...args: unknown[]) => {
      if (broken) throw new Error('adapter closed');
      send(...(args as [string]));
    };
    const bus = new AdapterClusterBus();
    bus.bind(nsp, () => undefined);
    bus.publish(message(1));
    await turn();
    broken = false;
    bus.publish(message(2));
    await turn();
    expect(
      sent.map(([, batch]) => JSON.parse(String(batch as Buffer)).map((m: FanoutMessage) => m.envelope.id)),
    ).toEqual([['m2']]);
  });

  it("batchJson is JSON.stringify's text, taking an envelope's JSON from where it was kept", () => {
    const envelope = (id: string) => ({
      id,
      type: 'order.created',
      data: { order: { orderId: id, notes: 'a "quote", \u2028 and ünïcode', items: [{ q: 1 }] } },
      requiresAck: true,
      cursor: `e.${id}`,
    });
    const batch = [
      { envelope: envelope('m1'), targets: { crew: ['t:r-1'] }, publishedAt: 1 },
      { envelope: envelope('m2'), targets: {}, publishedAt: 2, again: true },
      { envelope: envelope('m3'), targets: { admin: ['all'] }, publishedAt: 3, again: false },
    ] as unknown as FanoutMessage[];
    expect(batchJson(batch)).toBe(JSON.stringify(batch));
    expect(batchJson([])).toBe('[]');
    // Kept: the kept text is used as it is (the encoder writes the same text to sockets).
    const kept = envelope('m4');
    const text = keepJson(kept);
    const withKept = [{ envelope: kept, targets: {}, publishedAt: 4 }] as unknown as FanoutMessage[];
    expect(batchJson(withKept)).toBe(JSON.stringify(withKept));
    kept.data.order.notes = 'changed after it was kept'; // nested: not frozen, not in the text
    expect(batchJson(withKept)).toBe(`[{"envelope":${text},"targets":{},"publishedAt":4}]`);
  });
});
