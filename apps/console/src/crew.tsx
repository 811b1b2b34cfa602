import type { GlobalWebSocketManager } from '@orderwire/client';
import type { Menu, Order, OrderStatus } from '@orderwire/contracts/protocol';
import {
  type CrewRole,
  crewMayMove,
  DEFAULT_PREP_MINUTES,
  nextStatuses,
} from '@orderwire/contracts/protocol';
import { useRef, useState } from 'preact/hooks';
import { AllDay } from './all-day.js';
import { Courier } from './courier.js';
import { KeysHelp, RecallList, useKitchenKeys } from './crew-keys.js';
import { SoundToggle, useKitchenSound } from './crew-sound.js';
import { ALL_LINES, mine, Ticket } from './crew-ticket.js';
import { DESTRUCTIVE, sendStep } from './lib/actions.js';
import { mount, type ViewProps } from './lib/app.js';
import { useDeviceFlag } from './lib/device.js';
import { Check, Choice } from './lib/fields.js';
import { orderName } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';
import { Notices } from './lib/notices.js';
import { useMenu, useOrders, useStoreStatus } from './lib/orders.js';
import { messageOf, toast, useTick } from './lib/ui.js';
import { printSlip } from './print-slip.js';
import { StoreBar } from './store-bar.js';

type Station = 'all' | 'kitchen' | 'front';
/**
 * The lanes each station's board shows, in reading order: what needs a hand first, what is for
 * later last. Tickets flow through one grid in this order, oldest first in each lane.
 */
const LANES: Record<Station, OrderStatus[]> = {
  all: ['placed', 'accepted', 'preparing', 'ready', 'out_for_delivery', 'scheduled'],
  kitchen: ['placed', 'accepted', 'preparing', 'ready', 'scheduled'],
  front: ['placed', 'ready', 'out_for_delivery', 'scheduled'],
};
/** Where a device remembers that it prints each ticket it accepts. */
const AUTO_PRINT_KEY = 'orderwire:console:auto-print';
/** A ticket counts as new this long after it arrived. */
const NEW_MS = 60_000;

function Stock({ menu, m }: { menu: Menu; m: GlobalWebSocketManager }) {
  return (
    <details class="card stock">
      <summary>{t('crew.stock')}</summary>
      <ul>
        {menu.items.map((i) => (
          <li key={i.sku}>
            <label>
              <input
                type="checkbox"
                checked={i.available}
                data-testid={`stock-${i.sku}`}
                onChange={(e) =>
                  void m
                    .send('menu.set_availability', {
                      sku: i.sku,
                      available: (e.target as HTMLInputElement).checked,
                    })
                    .catch((err: unknown) => toast(messageOf(err), 'error'))
                }
              />{' '}
              {i.name} — {i.available ? t('crew.available') : t('crew.soldOut')}
            </label>
          </li>
        ))}
      </ul>
    </details>
  );
}

function Board({ hub, who, config }: ViewProps) {
  const m = hub.manager;
  const initialStation: Station =
    who.crewRole === 'kitchen' || who.crewRole === 'front' ? who.crewRole : 'all';
  const [station, setStation] = useState<Station>(initialStation);
  const ring = useRef({ newTicket: () => undefined as void, unseen: () => undefined as void });
  const { orders, firstSeen, urgent } = useOrders(
    m,
    () => ring.current.newTicket(),
    () => ring.current.unseen(),
  );
  const sound = useKitchenSound(orders, urgent);
  ring.current = sound;
  const menu = useMenu(m);
  const store = useStoreStatus(m);
  const now = useTick(1000);
  const lanes = LANES[station];
  const lines = [...new Set((menu?.items ?? []).flatMap((i) => (i.station ? [i.station] : [])))];
  const [line, setLine] = useState<string>(who.stations?.[0] ?? ALL_LINES);
  const shown = line === ALL_LINES ? orders : orders.filter((o) => o.items.some((i) => mine(i, line)));
  // Each lane's tickets, oldest first, sorted once per render (the strip, the headings and the grid
  // read them); reading order is lane by lane (what 1–9 and the arrows walk).
  const inLane = new Map<OrderStatus, Order[]>(
    lanes.map((status) => [
      status,
      shown.filter((o) => o.status === status).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    ]),
  );
  const byStatus = (status: OrderStatus): Order[] => inLane.get(status)!;
  const ids = lanes.flatMap((status) => byStatus(status).map((o) => o.orderId));
  const positions = new Map(ids.map((id, n) => [id, n + 1]));
  const keys = useKitchenKeys(ids, (orderId) => {
    const o = orders.find((x) => x.orderId === orderId);
    const next = o
      ? nextStatuses(o.status, o.fulfillment).find(
          (to) =>
            !DESTRUCTIVE.has(to) && crewMayMove(who.crewRole as CrewRole | undefined, to, o.fulfillment),
        )
      : undefined;
    if (o && next)
      void sendStep(m, o, next).then(
        (ok) => ok && next === 'accepted' && autoPrint && printSlip(o, 'kitchen'),
      );
  });
  const recalled = keys.recalled ? orders.find((o) => o.orderId === keys.recalled) : undefined;
  const targetMinutes = menu?.settings?.prepMinutes ?? DEFAULT_PREP_MINUTES;
  const [autoPrint, setAutoPrint] = useDeviceFlag(AUTO_PRINT_KEY, false);
  return (
    <div class="crew">
      <Notices m={m} />
      <div class="toolbar">
        <StoreBar m={m} status={store} canSet={who.crewRole === 'front'} />
        {/* What a screen is set up for once (station, line, printing): out of the way of service. */}
        <details class="screen-settings">
          <summary data-testid="screen-settings">
            {t('crew.screen', { station: t(`crew.station.${station}` as MessageKey) })}
          </summary>
          <div>
            <Choice
              label={t('crew.station')}
              value={station}
              testid="station"
              onChange={setStation}
              options={(['all', 'kitchen', 'front'] as const).map((s) => ({
                value: s,
                label: t(`crew.station.${s}` as MessageKey),
              }))}
            />
            {(lines.length > 0 || line !== ALL_LINES) && (
              <Choice
                label={t('crew.line')}
                value={line}
                testid="line"
                onChange={setLine}
                options={[
                  { value: ALL_LINES, label: t('crew.line.all') },
                  ...[...new Set([...lines, ...(who.stations ?? [])])].map((l) => ({ value: l, label: l })),
                ]}
              />
            )}
            <Check label={t('print.auto')} checked={autoPrint} testid="auto-print" onChange={setAutoPrint} />
          </div>
        </details>
        <SoundToggle state={sound.state} alerts={sound.alerts} toggle={sound.toggle} />
        <button
          type="button"
          data-testid="keys"
          aria-expanded={keys.help}
          onClick={() => keys.setHelp(!keys.help)}
        >
          {t('keys.button')}
        </button>
        <RecallList recent={keys.recent} orders={orders} onRecall={keys.setRecalled} />
        <p class="lanes" data-testid="lanes">
          {lanes
            .filter((status) => byStatus(status).length > 0)
            .map((status) => (
              <span key={status} class={`lane lane-${status}`} data-testid={`lane-${status}`}>
                {t('crew.column', {
                  status: t(`status.${status}` as MessageKey),
                  count: byStatus(status).length,
                })}
              </span>
            ))}
        </p>
      </div>
      <AllDay orders={shown} />
      {keys.help && <KeysHelp onClose={() => keys.setHelp(false)} />}
      {recalled && (
        <section class="card recalled" aria-labelledby="recalled-h" data-testid="recalled">
          <h2 id="recalled-h">{t('keys.recalled', { order: orderName(recalled) })}</h2>
          <Ticket
            o={recalled}
            m={m}
            now={now}
            isNew={false}
            urgent={false}
            slaSeconds={config.acceptSlaSeconds}
            targetMinutes={targetMinutes}
            crewRole={who.crewRole as CrewRole | undefined}
            line={line}
          />
          <button type="button" onClick={() => keys.setRecalled(undefined)}>
            {t('keys.close')}
          </button>
        </section>
      )}
      {orders.length === 0 && <p class="empty">{t('crew.empty')}</p>}
      {/* One grid of tickets; each lane a labelled group in it (its heading for screen readers, the
          lane strip above and each ticket's own lane tag for eyes). */}
      <div class="board-grid">
        {lanes.map((status) => (
          <section
            key={status}
            class="lane-group"
            data-testid={`column-${status}`}
            aria-labelledby={`lane-h-${status}`}
          >
            <h2 id={`lane-h-${status}`} class="sr-only">
              {t('crew.column', {
                status: t(`status.${status}` as MessageKey),
                count: byStatus(status).length,
              })}
            </h2>
            {byStatus(status).map((o) => (
              <Ticket
                key={o.orderId}
                o={o}
                m={m}
                now={now}
                slaSeconds={config.acceptSlaSeconds}
                targetMinutes={targetMinutes}
                crewRole={who.crewRole as CrewRole | undefined}
                line={line}
                position={positions.get(o.orderId)}
                isNew={(firstSeen.get(o.orderId) ?? 0) > now - NEW_MS}
                urgent={urgent.has(o.orderId)}
                selected={keys.selected === o.orderId}
                onAccepted={(x) => autoPrint && printSlip(x, 'kitchen')}
              />
            ))}
          </section>
        ))}
      </div>
      {menu && <Stock menu={menu} m={m} />}
    </div>
  );
}

function Crew(props: ViewProps) {
  return props.who.crewRole === 'courier' ? <Courier {...props} /> : <Board {...props} />;
}

void mount('crew', Crew);
