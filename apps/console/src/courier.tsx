import type { GlobalWebSocketManager } from '@orderwire/client';
import type { BoardOrder } from '@orderwire/contracts/protocol';
import { FINAL_STATUSES } from '@orderwire/contracts/protocol';
import { useEffect, useState } from 'preact/hooks';
import { actionLabel, sendStep } from './lib/actions.js';
import type { ViewProps } from './lib/app.js';
import { distanceMetres, orderName } from './lib/format.js';
import { distance, type Point, RelativeMap } from './lib/geo.js';
import { t, type MessageKey } from './lib/i18n.js';
import { useMenu, useOrders } from './lib/orders.js';
import { Check } from './lib/fields.js';
import { Notices } from './lib/notices.js';
import { messageOf, toast } from './lib/ui.js';

/** The four digits a customer tells the courier at the door (docs/protocol.md section 14). */
const CODE = /^\d{4}$/;

/** Takes a ready delivery order nobody holds, where the restaurant lets couriers claim. */
async function claim(m: GlobalWebSocketManager, o: BoardOrder): Promise<void> {
  try {
    await m.send('order.claim', { orderId: o.orderId });
    toast(t('courier.claimed', { order: orderName(o) }), 'success');
  } catch (err) {
    toast(t('action.failed', { order: orderName(o), message: messageOf(err) }), 'error');
  }
}

/** "Delivered", with the customer's hand-over code when the restaurant asks for it. */
function Handover({ m, o, required }: { m: GlobalWebSocketManager; o: BoardOrder; required: boolean }) {
  const [code, setCode] = useState('');
  const ok = CODE.test(code);
  const deliver = async (): Promise<void> => {
    try {
      await m.send('order.update_status', {
        orderId: o.orderId,
        status: 'delivered',
        ...(ok ? { handoffCode: code } : {}),
      });
      toast(t('action.done', { order: orderName(o), status: t('status.delivered') }), 'success');
    } catch (err) {
      setCode('');
      toast(t('action.failed', { order: orderName(o), message: messageOf(err) }), 'error');
    }
  };
  return (
    <form
      class="handover"
      onSubmit={(e) => {
        e.preventDefault();
        void deliver();
      }}
    >
      <label>
        {required ? t('courier.code.required') : t('courier.code')}
        <input
          inputMode="numeric"
          autocomplete="off"
          maxLength={4}
          pattern="[0-9]{4}"
          value={code}
          data-testid={`code-${o.orderId}`}
          onInput={(e) => setCode((e.target as HTMLInputElement).value.replace(/\D/g, '').slice(0, 4))}
        />
      </label>
      <button
        type="submit"
        class="primary"
        disabled={required && !ok}
        data-testid={`step-${o.orderId}-delivered`}
      >
        {actionLabel('delivered')}
      </button>
    </form>
  );
}

/**
 * The courier's station (docs/protocol.md section 14): their deliveries first (assigned, claimed,
 * or taken out), then the ready ones nobody holds (to claim where the restaurant allows it, or
 * to take out); the hand-over code at the door; their position, to the orders they hold.
 */
export function Courier({ hub, who }: ViewProps) {
  const m = hub.manager;
  const { orders } = useOrders(m);
  const settings = useMenu(m)?.settings;
  const [here, setHere] = useState<Point>();
  const [sharing, setSharing] = useState(false);
  const me = who.sub;
  const active = orders
    .filter((o) => o.fulfillment === 'delivery' && !FINAL_STATUSES.has(o.status))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const mine = active.filter((o) => o.courierId === me);
  const open = active.filter((o) => o.courierId === undefined && o.status === 'ready');
  const outNow = mine.filter((o) => o.status === 'out_for_delivery');

  useEffect(() => {
    if (!sharing) return;
    if (!('geolocation' in navigator)) {
      toast(t('courier.noGeo'), 'error');
      setSharing(false);
      return;
    }
    const watch = navigator.geolocation.watchPosition(
      (p) => setHere({ lat: p.coords.latitude, lng: p.coords.longitude }),
      () => {
        toast(t('courier.noGeo'), 'error');
        setSharing(false);
      },
      { enableHighAccuracy: true },
    );
    return () => navigator.geolocation.clearWatch(watch);
  }, [sharing]);

  // Each position, at most every 2 s (the hub's courier.location budget), to each order this
  // courier holds on its way (only the holder may relay: section 14).
  useEffect(() => {
    if (!sharing || !here) return;
    const send = (): void => {
      for (const o of outNow) {
        void m
          .send('courier.location', { orderId: o.orderId, lat: here.lat, lng: here.lng })
          .catch(() => undefined);
      }
    };
    send();
    const timer = setInterval(send, 2000);
    return () => clearInterval(timer);
  }, [sharing, here, outNow.map((o) => o.orderId).join()]);

  const card = (o: BoardOrder, held: boolean) => {
    const dest = o.deliveryAddress;
    const target =
      dest?.lat !== undefined && dest?.lng !== undefined ? { lat: dest.lat, lng: dest.lng } : undefined;
    return (
      <article
        key={o.orderId}
        class={`card delivery${held ? ' mine' : ''}`}
        data-testid={`delivery-${o.orderId}`}
        data-status={o.status}
        data-mine={held ? 'true' : 'false'}
      >
        <header>
          <strong class="number">{orderName(o)}</strong>{' '}
          <span class="tag">{t(`status.${o.status}` as MessageKey)}</span>
        </header>
        {dest && (
          <address>
            <span class="sr-only">{t('courier.address')}: </span>
            {dest.line1}
            {dest.line2 ? `, ${dest.line2}` : ''}, {dest.postalCode ? `${dest.postalCode} ` : ''}
            {dest.city}
          </address>
        )}
        {dest?.instructions && (
          <p class="notes">
            {t('courier.instructions')}: {dest.instructions}
          </p>
        )}
        {held && here && target && (
          <>
            <p data-testid={`distance-${o.orderId}`}>
              {t('courier.distance', { distance: distance(distanceMetres(here, target)) })}
            </p>
            <RelativeMap from={here} to={target} label={t('courier.map')} dotLabel={t('map.you')} />
          </>
        )}
        <div class="actions">
          {!held && settings?.courierSelfAssign && (
            <button
              type="button"
              class="primary"
              data-testid={`claim-${o.orderId}`}
              onClick={() => void claim(m, o)}
            >
              {t('courier.claim')}
            </button>
          )}
          {o.status === 'ready' && (held || !settings?.courierSelfAssign) && (
            <button
              type="button"
              class={held ? 'primary' : ''}
              data-testid={`step-${o.orderId}-out_for_delivery`}
              onClick={() => void sendStep(m, o, 'out_for_delivery')}
            >
              {actionLabel('out_for_delivery')}
            </button>
          )}
          {held && o.status === 'out_for_delivery' && (
            <Handover m={m} o={o} required={!!settings?.handoffCodeRequired} />
          )}
        </div>
      </article>
    );
  };

  return (
    <div class="courier">
      <Notices m={m} />
      <div class="toolbar">
        <Check
          label={sharing ? t('courier.sharing') : t('courier.share')}
          checked={sharing}
          onChange={setSharing}
          testid="share-position"
        />
      </div>
      <section aria-labelledby="mine-h" data-testid="my-deliveries">
        <h2 id="mine-h">{t('courier.mine', { count: mine.length })}</h2>
        {mine.length === 0 && <p class="empty">{t('courier.empty')}</p>}
        {mine.map((o) => card(o, true))}
      </section>
      {open.length > 0 && (
        <section aria-labelledby="open-h" data-testid="open-deliveries">
          <h2 id="open-h">{t('courier.open', { count: open.length })}</h2>
          {open.map((o) => card(o, false))}
        </section>
      )}
    </div>
  );
}
