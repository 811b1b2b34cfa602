import type { Order } from '@orderwire/contracts/protocol';
import { nextStatuses } from '@orderwire/contracts/protocol';
import { useEffect, useState } from 'preact/hooks';
import { actionLabel, sendStep } from './lib/actions.js';
import type { ViewProps } from './lib/app.js';
import { distanceMetres, orderName } from './lib/format.js';
import { distance, type Point, RelativeMap } from './lib/geo.js';
import { t, type MessageKey } from './lib/i18n.js';
import { useOrders } from './lib/orders.js';
import { Check } from './lib/fields.js';
import { Notices } from './lib/notices.js';
import { toast } from './lib/ui.js';

/** The courier's station: their deliveries with addresses, the next step, and their position. */
export function Courier({ hub }: ViewProps) {
  const m = hub.manager;
  const { orders } = useOrders(m);
  const [here, setHere] = useState<Point>();
  const [sharing, setSharing] = useState(false);
  const mine = orders
    .filter((o) => o.fulfillment === 'delivery' && (o.status === 'ready' || o.status === 'out_for_delivery'))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
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

  // Each position, at most every 2 s (the hub's courier.location budget), to every order on its way.
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
      {mine.length === 0 && <p class="empty">{t('courier.empty')}</p>}
      {mine.map((o: Order) => {
        const dest = o.deliveryAddress;
        const target =
          dest?.lat !== undefined && dest?.lng !== undefined ? { lat: dest.lat, lng: dest.lng } : undefined;
        return (
          <article
            key={o.orderId}
            class="card delivery"
            data-testid={`delivery-${o.orderId}`}
            data-status={o.status}
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
            {here && target && (
              <>
                <p data-testid={`distance-${o.orderId}`}>
                  {t('courier.distance', { distance: distance(distanceMetres(here, target)) })}
                </p>
                <RelativeMap from={here} to={target} label={t('courier.map')} dotLabel={t('map.you')} />
              </>
            )}
            <div class="actions">
              {nextStatuses(o.status, o.fulfillment)
                .filter((to) => to !== 'cancelled')
                .map((to) => (
                  <button
                    key={to}
                    type="button"
                    class="primary"
                    data-testid={`step-${o.orderId}-${to}`}
                    onClick={() => void sendStep(m, o, to)}
                  >
                    {actionLabel(to)}
                  </button>
                ))}
            </div>
          </article>
        );
      })}
    </div>
  );
}
