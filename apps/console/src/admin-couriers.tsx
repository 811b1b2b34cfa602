import { followCouriers, type GlobalWebSocketManager, type LivePosition } from '@orderwire/client';
import type { BoardOrder } from '@orderwire/contracts/protocol';
import { useEffect, useState } from 'preact/hooks';
import { clock, orderName } from './lib/format.js';
import { t } from './lib/i18n.js';
import { messageOf, toast } from './lib/ui.js';

const W = 320;
const H = 200;
const PAD = 24;
/** The smallest span the map shows (metres), so that one courier is not a dot filling the frame. */
const MIN_SPAN_M = 500;
const M_PER_DEG = 111_320;

/**
 * Every active courier of the tenant on a plain projection (no map tiles: none are reachable from
 * a kitchen's network, and none are needed to see who is where): the last position each relayed
 * for the order they carry, and the orders' destinations, north up, fitted to the frame.
 */
export function CouriersMap({ m, orders }: { m: GlobalWebSocketManager; orders: BoardOrder[] }) {
  const [positions, setPositions] = useState<ReadonlyMap<string, LivePosition>>(new Map());
  useEffect(() => followCouriers(m, setPositions), [m]);
  const byId = new Map(orders.map((o) => [o.orderId, o]));
  const couriers = [...positions.values()].filter((p) => byId.get(p.orderId)?.status === 'out_for_delivery');
  const destinations = couriers.flatMap((p) => {
    const d = byId.get(p.orderId)?.deliveryAddress;
    return d?.lat !== undefined && d?.lng !== undefined
      ? [{ orderId: p.orderId, lat: d.lat, lng: d.lng }]
      : [];
  });
  const all = [...couriers, ...destinations];
  const lat0 = all.reduce((s, p) => s + p.lat, 0) / Math.max(1, all.length);
  const cos = Math.cos((lat0 * Math.PI) / 180);
  const xy = (p: { lat: number; lng: number }) => ({ x: p.lng * M_PER_DEG * cos, y: p.lat * M_PER_DEG });
  const pts = all.map(xy);
  const minX = Math.min(...pts.map((p) => p.x));
  const maxX = Math.max(...pts.map((p) => p.x));
  const minY = Math.min(...pts.map((p) => p.y));
  const maxY = Math.max(...pts.map((p) => p.y));
  const span = Math.max(MIN_SPAN_M, maxX - minX, ((maxY - minY) * (W - 2 * PAD)) / (H - 2 * PAD));
  const scale = (W - 2 * PAD) / span;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const at = (p: { lat: number; lng: number }) => {
    const q = xy(p);
    return { x: W / 2 + (q.x - cx) * scale, y: H / 2 - (q.y - cy) * scale };
  };
  return (
    <section class="card couriers" aria-labelledby="couriers-h" data-testid="couriers-map">
      <h2 id="couriers-h">{t('admin.couriers', { count: couriers.length })}</h2>
      {couriers.length === 0 ? (
        <p class="empty">{t('admin.couriers.none')}</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('admin.couriers.map')}>
            <text x={W - 8} y="14" text-anchor="end">
              N ↑
            </text>
            {destinations.map((d) => {
              const p = at(d);
              return (
                <rect key={`d-${d.orderId}`} x={p.x - 4} y={p.y - 4} width="8" height="8" class="dest" />
              );
            })}
            {couriers.map((c) => {
              const p = at(c);
              const o = byId.get(c.orderId)!;
              return (
                <g key={c.orderId} data-testid={`courier-dot-${c.orderId}`}>
                  <circle cx={p.x} cy={p.y} r="6" class="me" />
                  <text x={p.x} y={p.y - 9} text-anchor="middle">
                    {`${o.courierId ?? c.courierId ?? ''} · ${orderName(o)}`}
                  </text>
                </g>
              );
            })}
          </svg>
          <ul class="plain">
            {couriers.map((c) => {
              const o = byId.get(c.orderId)!;
              return (
                <li key={c.orderId} data-testid={`courier-row-${c.orderId}`}>
                  {t('admin.couriers.row', {
                    courier: o.courierId ?? c.courierId ?? '?',
                    order: orderName(o),
                    time: clock(c.at),
                  })}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

/** Who carries a delivery order: the front's and admins' `order.assign_courier`. */
export function AssignCourier({ m, o }: { m: GlobalWebSocketManager; o: BoardOrder }) {
  const [courier, setCourier] = useState('');
  const assign = async (e: Event): Promise<void> => {
    e.preventDefault();
    const courierId = courier.trim();
    if (!courierId) return;
    try {
      await m.send('order.assign_courier', { orderId: o.orderId, courierId });
      toast(t('admin.assigned', { order: orderName(o), courier: courierId }), 'success');
      setCourier('');
    } catch (err) {
      toast(t('action.failed', { order: orderName(o), message: messageOf(err) }), 'error');
    }
  };
  return (
    <form class="assign" onSubmit={(e) => void assign(e)}>
      <span data-testid={`holder-${o.orderId}`}>{o.courierId ?? '—'}</span>
      <label>
        <span class="sr-only">{t('admin.assign.who', { order: orderName(o) })}</span>
        <input
          value={courier}
          placeholder={t('admin.assign.placeholder')}
          data-testid={`assign-to-${o.orderId}`}
          onInput={(e) => setCourier((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" data-testid={`assign-${o.orderId}`}>
        {t('admin.assign')}
      </button>
    </form>
  );
}
