import type {
  BoardOrder,
  Menu,
  MenuItem,
  Order,
  OrderStatus,
  StoreStatusData,
} from '@orderwire/contracts/protocol';
import { CUSTOMER_CANCELLABLE, FINAL_STATUSES } from '@orderwire/contracts/protocol';
import { useEffect, useState } from 'preact/hooks';
import { sendWithUndo } from './lib/actions.js';
import { mount, type ViewProps } from './lib/app.js';
import { distance, RelativeMap } from './lib/geo.js';
import { clock, distanceMetres, money, orderName } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';
import { rememberHandoffCode, useHandoffCode, useMenu, useOrders, useStoreStatus } from './lib/orders.js';
import { StoreBar } from './store-bar.js';
import { TextField } from './lib/fields.js';
import { Notices } from './lib/notices.js';
import { messageOf, toast } from './lib/ui.js';
import {
  followCouriers,
  type GlobalWebSocketManager,
  type LivePosition,
  takesOrdersNow,
} from '@orderwire/client';

/** The steps a customer follows, by fulfillment (a scheduled order starts one step earlier). */
const TIMELINE: Record<Order['fulfillment'], OrderStatus[]> = {
  pickup: ['placed', 'accepted', 'preparing', 'ready', 'picked_up'],
  delivery: ['placed', 'accepted', 'preparing', 'ready', 'out_for_delivery', 'delivered'],
  dine_in: ['placed', 'accepted', 'preparing', 'ready', 'served'],
};

/** A development hub's stand-in while the restaurant has published no menu (the hub takes client prices then). */
const DEMO_MENU: Menu = {
  currency: 'EUR',
  version: 0,
  updatedAt: new Date(0).toISOString(),
  items: [
    { sku: 'burger', name: 'Classic burger', price: 850, available: true },
    { sku: 'wrap', name: 'Veggie wrap', price: 720, available: true },
    { sku: 'fries', name: 'Fries', price: 300, available: true },
    { sku: 'lemonade', name: 'Lemonade', price: 250, available: true },
  ],
};

/** A `datetime-local` value (local wall time) as an ISO instant, or undefined when empty. */
const instant = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

function Cart({ menu, m, store }: { menu: Menu; m: GlobalWebSocketManager; store?: StoreStatusData }) {
  const [cart, setCart] = useState(new Map<string, number>());
  const [fulfillment, setFulfillment] = useState<Order['fulfillment']>('pickup');
  const [line1, setLine1] = useState('');
  const [city, setCity] = useState('');
  const [table, setTable] = useState('');
  // Now, or for later (a scheduled order: docs/protocol.md section 13).
  const [later, setLater] = useState('');
  const closed = store !== undefined && !takesOrdersNow(store);
  const [busy, setBusy] = useState(false);
  const [pin, setPin] = useState<{ lat: number; lng: number }>();
  const pinHere = (on: boolean): void => {
    if (!on) return setPin(undefined);
    navigator.geolocation?.getCurrentPosition(
      (p) => setPin({ lat: p.coords.latitude, lng: p.coords.longitude }),
      () => toast(t('courier.noGeo'), 'error'),
    );
  };
  const bump = (i: MenuItem, d: number): void => {
    const next = new Map(cart);
    const q = Math.max(0, Math.min(99, (next.get(i.sku) ?? 0) + d));
    if (q === 0) next.delete(i.sku);
    else next.set(i.sku, q);
    setCart(next);
  };
  const lines = menu.items.filter((i) => cart.has(i.sku));
  const total = lines.reduce((sum, i) => sum + i.price * (cart.get(i.sku) ?? 0), 0);
  const place = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    if (m.status !== 'open') toast(t('customer.queued'), 'info');
    try {
      const reply = await m.send('order.place', {
        items: lines.map((i) => ({
          sku: i.sku,
          name: i.name,
          quantity: cart.get(i.sku)!,
          unitPrice: i.price,
        })),
        currency: menu.currency,
        fulfillment,
        ...(fulfillment === 'delivery' ? { deliveryAddress: { line1, city, ...(pin ?? {}) } } : {}),
        ...(fulfillment === 'dine_in' ? { table } : {}),
        ...(later ? { scheduledFor: instant(later) } : {}),
      });
      rememberHandoffCode(reply.orderId, reply.handoffCode);
      setCart(new Map());
      setLater('');
      toast(t('customer.placed', { order: orderName(reply) }), 'success');
    } catch (err) {
      toast(messageOf(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="menu-h">
      <h2 id="menu-h">{t('customer.menu')}</h2>
      <ul class="menu">
        {menu.items.map((i) => (
          <li key={i.sku} class={i.available ? '' : 'sold-out'} data-testid={`item-${i.sku}`}>
            <span class="name">{i.name}</span>
            <span class="price">
              {i.available ? money(i.price, menu.currency) : t('customer.unavailable')}
            </span>
            <span class="qty">
              <button
                type="button"
                aria-label={t('customer.remove', { name: i.name })}
                disabled={!cart.has(i.sku)}
                onClick={() => bump(i, -1)}
                data-testid={`minus-${i.sku}`}
              >
                −
              </button>
              <output aria-live="polite">{cart.get(i.sku) ?? 0}</output>
              <button
                type="button"
                aria-label={t('customer.add', { name: i.name })}
                disabled={!i.available}
                onClick={() => bump(i, 1)}
                data-testid={`plus-${i.sku}`}
              >
                +
              </button>
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void place(e)}>
        <fieldset class="seg">
          <legend class="sr-only">{t('customer.cart')}</legend>
          {(['pickup', 'delivery', 'dine_in'] as const).map((f) => (
            <label key={f}>
              <input
                type="radio"
                name="fulfillment"
                value={f}
                checked={fulfillment === f}
                onChange={() => setFulfillment(f)}
                data-testid={`fulfillment-${f}`}
              />{' '}
              {t(`fulfillment.${f}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        {fulfillment === 'delivery' && (
          <div class="address">
            <TextField
              id="line1"
              label={t('customer.address')}
              value={line1}
              onInput={setLine1}
              testid="address-line1"
              autoComplete="street-address"
            />
            <TextField
              id="city"
              label={t('customer.city')}
              value={city}
              onInput={setCity}
              testid="address-city"
              autoComplete="address-level2"
            />
            <label>
              <input
                type="checkbox"
                checked={!!pin}
                onChange={(e) => pinHere((e.target as HTMLInputElement).checked)}
                data-testid="address-pin"
              />{' '}
              {pin ? t('customer.pinned') : t('customer.pin')}
            </label>
          </div>
        )}
        {fulfillment === 'dine_in' && (
          <TextField id="table" label={t('customer.table')} value={table} onInput={setTable} testid="table" />
        )}
        <label for="later">{t('customer.later')}</label>
        <input
          id="later"
          type="datetime-local"
          value={later}
          onInput={(e) => setLater((e.target as HTMLInputElement).value)}
          data-testid="later"
        />
        <p class="total">
          {t('customer.total')}: <strong data-testid="cart-total">{money(total, menu.currency)}</strong>
        </p>
        <button
          type="submit"
          class="primary wide"
          disabled={busy || lines.length === 0 || (closed && !later)}
          data-testid="place-order"
        >
          {busy ? t('customer.placing') : later ? t('customer.placeLater') : t('customer.place')}
        </button>
      </form>
    </section>
  );
}

function Tracking({
  o,
  m,
  courier,
}: {
  o: BoardOrder;
  m: GlobalWebSocketManager;
  courier?: { lat: number; lng: number };
}) {
  const code = useHandoffCode(o);
  const timeline: OrderStatus[] = [
    ...(o.scheduledFor ? ['scheduled' as const] : []),
    ...TIMELINE[o.fulfillment],
  ];
  const steps =
    FINAL_STATUSES.has(o.status) && !timeline.includes(o.status)
      ? [...timeline.filter((s) => o.statusTimes[s]), o.status]
      : timeline;
  const dest = o.deliveryAddress;
  const target =
    dest?.lat !== undefined && dest?.lng !== undefined ? { lat: dest.lat, lng: dest.lng } : undefined;
  return (
    <article class="card order" data-testid={`order-${o.orderId}`} data-status={o.status}>
      <header>
        <strong class="number">{orderName(o)}</strong>
        <span class="tag">{t(`status.${o.status}` as MessageKey)}</span>
        <span class="muted">{money(o.total, o.currency)}</span>
      </header>
      <ul class="lines" data-testid={`items-${o.orderId}`} aria-label={t('customer.items')}>
        {o.items.map((i, n) => (
          <li key={n}>
            {t('customer.line', { quantity: i.quantity, name: i.name })}
            {i.modifiers?.length ? (
              <span class="muted"> ({i.modifiers.map((x) => x.name).join(', ')})</span>
            ) : null}
          </li>
        ))}
      </ul>
      <ol class="timeline" data-testid={`timeline-${o.orderId}`}>
        {steps.map((s) => (
          <li
            key={s}
            data-status={s}
            class={o.statusTimes[s] ? 'done' : ''}
            aria-current={o.status === s ? 'step' : undefined}
          >
            <span>{t(`status.${s}` as MessageKey)}</span>
            {o.statusTimes[s] && <time dateTime={o.statusTimes[s]}>{clock(o.statusTimes[s]!)}</time>}
          </li>
        ))}
      </ol>
      {o.etaAt && !FINAL_STATUSES.has(o.status) && (
        <p class="eta" data-testid={`eta-${o.orderId}`}>
          {t('customer.eta', { time: clock(o.etaAt) })}
        </p>
      )}
      <p class="muted">{t(`customer.payment.${o.payment?.status ?? 'pending'}` as MessageKey)}</p>
      {code && o.fulfillment === 'delivery' && !FINAL_STATUSES.has(o.status) && (
        <p class="handoff" data-testid={`handoff-${o.orderId}`}>
          {t('customer.handoff')} <strong class="code">{code}</strong>
        </p>
      )}
      {o.status === 'out_for_delivery' &&
        courier &&
        (target ? (
          <>
            <p data-testid={`courier-${o.orderId}`}>
              {t('customer.courier', { distance: distance(distanceMetres(courier, target)) })}
            </p>
            <RelativeMap from={courier} to={target} label={t('courier.map')} dotLabel={t('map.courier')} />
          </>
        ) : (
          <p data-testid={`courier-${o.orderId}`}>{t('customer.courierNoDest')}</p>
        ))}
      {o.status === 'scheduled' && o.scheduledFor && (
        <p data-testid={`scheduled-${o.orderId}`}>
          {t('customer.scheduledFor', { time: clock(o.scheduledFor) })}
        </p>
      )}
      {o.table && <p data-testid={`table-${o.orderId}`}>{t('crew.table', { table: o.table })}</p>}
      {CUSTOMER_CANCELLABLE.has(o.status) && (
        <button
          type="button"
          class="danger"
          data-testid={`cancel-${o.orderId}`}
          onClick={() => sendWithUndo(m, o, 'cancelled')}
        >
          {t('customer.cancel')}
        </button>
      )}
    </article>
  );
}

function CustomerView({ hub, config }: ViewProps) {
  const m = hub.manager;
  const { orders } = useOrders(m);
  const published = useMenu(m);
  const store = useStoreStatus(m);
  const menu = published ?? (config.devTokens ? DEMO_MENU : undefined);
  // The courier of each order on its way: from the board at once after a reconnect, then live.
  const [courier, setCourier] = useState<ReadonlyMap<string, LivePosition>>(new Map());
  useEffect(() => followCouriers(m, setCourier), [m]);
  const mine = [...orders].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  // With an order on its way, following it comes first (on a phone, above the menu).
  const tracking = mine.some((o) => !FINAL_STATUSES.has(o.status));
  return (
    <div class="customer">
      <Notices m={m} />
      {store && store.status !== 'open' && <StoreBar m={m} status={store} canSet={false} />}
      {menu && !tracking && <Cart menu={menu} m={m} store={store} />}
      <section aria-labelledby="orders-h">
        <h2 id="orders-h">{t('customer.orders')}</h2>
        {mine.length === 0 && <p class="empty">{t('customer.noOrders')}</p>}
        {mine.map((o) => (
          <Tracking key={o.orderId} o={o} m={m} courier={courier.get(o.orderId)} />
        ))}
      </section>
      {menu && tracking && <Cart menu={menu} m={m} store={store} />}
    </div>
  );
}

void mount('customer', CustomerView);
