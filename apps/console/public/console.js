// The orderwire console: three apps on one page, each a GlobalWebSocketManager from /sdk/orderwire.js.
(() => {
  'use strict';
  const { GlobalWebSocketManager, nextStatuses, FINAL_STATUSES } = window.orderwire;
  const params = new URLSearchParams(location.search);
  const tenant = params.get('tenant') || 'r-1';
  const ids = {
    customer: params.get('customer') || 'alice',
    crew: params.get('crew') || 'kitchen-1',
    admin: params.get('admin') || 'manager-1',
  };
  const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
  const el = (tag, attrs = {}, ...children) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') n.className = v;
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v);
    }
    for (const c of children) n.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return n;
  };
  const money = (minor, currency = 'EUR') =>
    new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);
  const clock = (iso) =>
    new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const short = (id) => (id.length > 10 ? `…${id.slice(-6)}` : id);
  /** What people call an order: its number (A-042), or the end of its id before it has one. */
  const nameOf = (o) => o.orderNumber || `#${short(o.orderId)}`;
  const hhmm = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const label = (s) => s.replace(/_/g, ' ');

  $('identity').textContent =
    `tenant ${tenant} · customer ${ids.customer} · crew ${ids.crew} (front, and courier) · admin ${ids.admin}`;

  async function token(role, sub, extra = {}) {
    const res = await fetch('/dev/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role, sub, tenantId: tenant, ...extra }),
    });
    if (!res.ok) throw new Error(`POST /dev/token: ${res.status} (set DEV_TOKENS=true)`);
    return (await res.json()).token;
  }

  /** A session of `role`; `station` (a crewRole) gives crew a station and a session of its own. */
  function manager(role, extra, station) {
    const m = new GlobalWebSocketManager({
      url: location.origin,
      userType: role,
      getToken: () => token(role, ids[role], extra),
      // ?attempts=N gives up after N attempts (then it resumes when the browser is back online).
      reconnectAttempts: Number(params.get('attempts')) || Infinity,
      backoff: { minMs: 500, maxMs: 5000 },
      storageKey: `orderwire:console:${tenant}:${role}:${ids[role]}${station ? `:${station}` : ''}`,
      debug: params.has('debug'),
    });
    if (station) return m; // no status pill of its own
    const pill = $(`${role}-status`);
    const show = (s) => {
      const why = m.offlineReason;
      pill.textContent =
        m.rtt() !== undefined && s === 'open'
          ? `open · ${m.rtt()} ms`
          : why
            ? `offline · ${why.reason.replace('_', ' ')}`
            : s;
      pill.className = `pill ${s}`;
      pill.dataset.status = s;
    };
    m.onStatus(show);
    setInterval(() => show(m.status), 2000);
    return m;
  }

  // ---------- customer ----------
  // A built-in menu for a tenant whose service published none (development hubs only: in
  // production the hub prices every order from the published one); replaced by menu.updated.
  let MENU = [
    { sku: 'burger', name: 'Classic burger', unitPrice: 850, available: true },
    { sku: 'wrap', name: 'Veggie wrap', unitPrice: 720, available: true },
    { sku: 'fries', name: 'Fries', unitPrice: 300, available: true },
    { sku: 'lemonade', name: 'Lemonade', unitPrice: 250, available: true },
  ];
  let published; // the hub's menu: { currency, version, … }
  const cart = new Map();
  const myOrders = new Map();
  const customer = manager('customer');

  function renderMenu() {
    const ul = $('menu');
    ul.replaceChildren(
      ...MENU.map((item) =>
        el(
          'li',
          {},
          el(
            'span',
            {},
            `${item.name} `,
            el('span', { class: 'muted' }, money(item.unitPrice, published?.currency)),
            item.available
              ? ''
              : el('span', { class: 'badge final', 'data-testid': `sold-out-${item.sku}` }, 'sold out'),
          ),
          el(
            'span',
            { class: 'qty' },
            el('button', { 'data-testid': `minus-${item.sku}`, onclick: () => bump(item.sku, -1) }, '−'),
            el('b', { 'data-testid': `qty-${item.sku}` }, cart.get(item.sku) || 0),
            el(
              'button',
              {
                'data-testid': `plus-${item.sku}`,
                onclick: () => bump(item.sku, 1),
                ...(item.available ? {} : { disabled: '' }),
              },
              '+',
            ),
          ),
        ),
      ),
    );
    const total = MENU.reduce((s, i) => s + (cart.get(i.sku) || 0) * i.unitPrice, 0);
    $('cart-total').textContent = money(total, published?.currency);
    $('place-order').disabled = total === 0;
  }
  function bump(sku, d) {
    cart.set(sku, Math.max(0, Math.min(99, (cart.get(sku) || 0) + d)));
    renderMenu();
  }
  document
    .querySelectorAll('input[name=fulfillment]')
    .forEach((r) =>
      r.addEventListener('change', () =>
        $('address').classList.toggle('hidden', fulfillment() !== 'delivery'),
      ),
    );
  const fulfillment = () => document.querySelector('input[name=fulfillment]:checked').value;

  $('place-order').addEventListener('click', async () => {
    const chosen = MENU.filter((i) => cart.get(i.sku));
    // With the hub's menu, a line is a sku and a quantity: the hub prices it.
    const items = published
      ? chosen.map((i) => ({ sku: i.sku, quantity: cart.get(i.sku) }))
      : chosen.map((i) => ({ sku: i.sku, name: i.name, unitPrice: i.unitPrice, quantity: cart.get(i.sku) }));
    const [line1, city] = $('address')
      .value.split(',')
      .map((s) => s.trim());
    const data = { items, fulfillment: fulfillment(), ...(published ? {} : { currency: 'EUR' }) };
    if (data.fulfillment === 'delivery')
      data.deliveryAddress = { line1: line1 || 'unknown', city: city || 'unknown' };
    cart.clear();
    renderMenu();
    $('customer-hint').textContent =
      customer.status === 'open' ? 'Placing…' : 'Offline: queued, it will be sent on reconnect.';
    try {
      const reply = await customer.send('order.place', data);
      $('customer-hint').textContent =
        `Order ${nameOf(reply)} placed: ${money(reply.total, reply.currency)}.`;
    } catch (err) {
      $('customer-hint').textContent = `Not placed: ${err.code} ${err.message}`;
    }
  });

  function renderMyOrders() {
    const box = $('my-orders');
    if (myOrders.size === 0) return box.replaceChildren(el('p', { class: 'empty' }, 'No orders yet.'));
    const cards = [...myOrders.values()]
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
      .map((o) =>
        el(
          'div',
          { class: 'order', 'data-testid': `order-${o.orderId}`, 'data-status': o.status },
          el(
            'div',
            { class: 'top' },
            el('b', { 'data-testid': `number-${o.orderId}` }, `${nameOf(o)} · ${money(o.total, o.currency)}`),
            el(
              'span',
              { class: `badge ${FINAL_STATUSES.includes(o.status) ? 'final' : ''}` },
              label(o.status),
            ),
          ),
          o.payment?.status === 'paid'
            ? el('span', { class: 'badge paid', 'data-testid': `paid-${o.orderId}` }, 'paid')
            : o.payment
              ? el(
                  'span',
                  { class: 'badge', 'data-testid': `payment-${o.orderId}` },
                  `payment ${o.payment.status}`,
                )
              : '',
          o.etaAt && !FINAL_STATUSES.includes(o.status)
            ? el(
                'span',
                { class: 'badge', 'data-testid': `eta-${o.orderId}` },
                `ready about ${hhmm(o.etaAt)}`,
              )
            : '',
          el(
            'ol',
            { class: 'timeline', 'data-testid': `timeline-${o.orderId}` },
            ...Object.entries(o.statusTimes || {}).map(([s, t]) =>
              el('li', { 'data-status': s }, label(s), el('time', {}, clock(t))),
            ),
          ),
          o.courier
            ? el(
                'div',
                { class: 'courier' },
                `Courier at ${o.courier.lat.toFixed(4)}, ${o.courier.lng.toFixed(4)} · ${clock(o.courier.at)}`,
              )
            : '',
        ),
      );
    box.replaceChildren(...cards);
  }
  customer.on('order.board', (e) => {
    for (const o of e.data.orders) myOrders.set(o.orderId, { ...myOrders.get(o.orderId), ...o });
    renderMyOrders();
  });
  customer.on('order.created', (e) => {
    myOrders.set(e.data.order.orderId, { ...e.data.order });
    renderMyOrders();
  });
  customer.on('order.status_updated', (e) => {
    const o = myOrders.get(e.data.orderId);
    if (!o) return;
    o.status = e.data.status;
    o.statusTimes = { ...o.statusTimes, [e.data.status]: e.timestamp };
    if (e.data.etaAt) o.etaAt = e.data.etaAt;
    renderMyOrders();
  });
  const PAID = { 'payment.confirmed': 'paid', 'payment.failed': 'failed', 'payment.refunded': 'refunded' };
  for (const [type, status] of Object.entries(PAID)) {
    customer.on(type, (e) => {
      const o = myOrders.get(e.data.orderId);
      if (o) o.payment = { ...o.payment, status };
      renderMyOrders();
    });
  }
  customer.on('menu.updated', (e) => {
    published = e.data;
    MENU = e.data.items.map((i) => ({
      sku: i.sku,
      name: i.name,
      unitPrice: i.price,
      available: i.available,
    }));
    for (const sku of [...cart.keys()]) if (!MENU.some((i) => i.sku === sku && i.available)) cart.delete(sku);
    renderMenu();
    renderStock();
  });
  customer.on('menu.availability_changed', (e) => {
    if (published && e.data.version <= published.version) return; // already in the menu we have
    const item = MENU.find((i) => i.sku === e.data.sku);
    if (item) item.available = e.data.available;
    if (published) published.version = e.data.version;
    if (!e.data.available) cart.delete(e.data.sku);
    renderMenu();
    renderStock();
  });
  customer.on('courier.location', (e) => {
    const o = myOrders.get(e.data.orderId);
    if (o) o.courier = e.data;
    renderMyOrders();
  });
  customer.on('notification', (e) => ($('customer-hint').textContent = `Announcement: ${e.data.message}`));
  customer.onRecovery(({ recovered }) => {
    if (!recovered) myOrders.clear(); // order.board comes next and rebuilds it
  });

  // ---------- crew ----------
  const COLUMNS = ['placed', 'accepted', 'preparing', 'ready', 'out_for_delivery'];
  const board = new Map();
  // The crew pane works the whole queue at the front station (couriers only see orders from
  // ready on); its courier's positions go out through a courier session of the same person.
  const crew = manager('crew', { crewRole: 'front' });
  const courier = manager('crew', { crewRole: 'courier' }, 'courier');

  function renderBoard() {
    const cols = COLUMNS.map((status) => {
      const orders = [...board.values()]
        .filter((o) => o.status === status)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
      return el(
        'div',
        { class: 'column', 'data-testid': `column-${status}` },
        el('h4', {}, label(status), el('span', {}, orders.length)),
        ...orders.map((o) =>
          el(
            'div',
            { class: 'ticket', 'data-testid': `ticket-${o.orderId}` },
            el(
              'b',
              {},
              `${nameOf(o)} `,
              el('span', { class: 'muted' }, `${o.fulfillment} · ${money(o.total, o.currency)}`),
            ),
            el('div', { class: 'items' }, o.items.map((i) => `${i.quantity}× ${i.name}`).join(', ')),
            el(
              'div',
              { class: 'actions' },
              ...nextStatuses(o.status, o.fulfillment).map((next) =>
                el(
                  'button',
                  {
                    class: next === 'cancelled' || next === 'rejected' ? 'stop' : 'go',
                    'data-testid': `advance-${o.orderId}-${next}`,
                    onclick: () => advance(o, next),
                  },
                  label(next),
                ),
              ),
              o.status === 'out_for_delivery'
                ? el(
                    'button',
                    { 'data-testid': `ping-${o.orderId}`, onclick: () => ping(o) },
                    'send location',
                  )
                : '',
            ),
          ),
        ),
      );
    });
    $('crew-board').replaceChildren(...cols);
  }
  /** A refusal, said in the crew pane (a live region), never in a blocking dialog. */
  function crewSays(text) {
    $('crew-hint').textContent = text;
  }

  async function advance(o, status) {
    try {
      if (status === 'cancelled')
        await crew.send('order.cancel', { orderId: o.orderId, reason: 'cancelled by crew' });
      else
        await crew.send('order.update_status', {
          orderId: o.orderId,
          status,
          ...(status === 'accepted' ? { etaMinutes: 15 } : {}),
        });
    } catch (err) {
      crewSays(`${err.code}: ${err.message}`);
    }
  }
  async function ping(o) {
    await courier.send('courier.location', {
      orderId: o.orderId,
      lat: 38.72 + Math.random() / 100,
      lng: -9.14 + Math.random() / 100,
      heading: 90,
    });
  }
  crew.on('order.board', (e) => {
    board.clear();
    for (const o of e.data.orders) board.set(o.orderId, o);
    renderBoard();
  });
  crew.on('order.created', (e) => {
    board.set(e.data.order.orderId, e.data.order);
    renderBoard();
  });
  /** The crew's view of the menu: mark an item sold out ("86") or back, for the hub's menu only. */
  function renderStock() {
    const box = $('crew-stock');
    if (!box) return;
    if (!published) return box.replaceChildren(el('span', { class: 'muted' }, 'no published menu'));
    box.replaceChildren(
      ...MENU.map((i) =>
        el(
          'button',
          {
            class: i.available ? 'go' : 'stop',
            'data-testid': `stock-${i.sku}`,
            onclick: () =>
              crew
                .send('menu.set_availability', { sku: i.sku, available: !i.available })
                .catch((err) => crewSays(`${err.code}: ${err.message}`)),
          },
          `${i.name}: ${i.available ? 'available' : 'sold out'}`,
        ),
      ),
    );
  }
  crew.on('order.status_updated', (e) => {
    const o = board.get(e.data.orderId);
    if (!o) return;
    if (FINAL_STATUSES.includes(e.data.status)) board.delete(o.orderId);
    else o.status = e.data.status;
    renderBoard();
  });

  // ---------- admin ----------
  const admin = manager('admin');
  const series = { connections: [], rate: [], p99: [] };
  const kpi = (name, value) =>
    el('div', { class: 'kpi', 'data-testid': `kpi-${name}` }, el('b', {}, value), el('span', {}, name));
  function spark(id, values) {
    const svg = $(id);
    svg.dataset.points = String(values.length);
    if (values.length < 2) return svg.replaceChildren();
    const max = Math.max(1, ...values);
    const pts = values
      .map((v, i) => `${(i / (values.length - 1)) * 200},${48 - (v / max) * 44 - 2}`)
      .join(' ');
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', pts);
    svg.replaceChildren(line);
  }
  function renderMetrics(m) {
    $('kpis').replaceChildren(
      kpi('connections', m.connections.total),
      kpi('msgs/s', m.messagesPerSecond),
      kpi('p99 ms', m.deliveryLatencyP99Ms ?? '–'),
      kpi('queue', m.queueDepth),
      kpi('dead letters', m.deadLetters),
    );
    const push = (k, v) => {
      series[k].push(v);
      if (series[k].length > 60) series[k].shift();
    };
    push('connections', m.connections.total);
    push('rate', m.messagesPerSecond);
    push('p99', m.deliveryLatencyP99Ms ?? 0);
    spark('chart-connections', series.connections);
    spark('chart-rate', series.rate);
    spark('chart-p99', series.p99);
  }
  const prepend = (id, li) => {
    const ul = $(id);
    ul.prepend(li);
    while (ul.children.length > 50) ul.lastChild.remove();
  };
  admin.on('system.metrics', (e) => renderMetrics(e.data));
  admin.on('system.alert', (e) => {
    prepend(
      'alerts',
      el(
        'li',
        { class: e.data.severity },
        el('time', {}, clock(e.timestamp)),
        `${e.data.code}: ${e.data.message}`,
      ),
    );
    if (e.data.code === 'DELIVERY_FAILED') void loadDeadLetters();
  });
  admin.on('activity.log', (e) =>
    prepend(
      'activity',
      el('li', {}, el('time', {}, clock(e.data.at)), `${e.data.role} ${e.data.userId} ${e.data.action}`),
    ),
  );
  admin.on('presence.changed', (e) => ($('identity').title = `online: ${JSON.stringify(e.data.online)}`));
  admin.onStatus(async (s) => {
    if (s !== 'open') return;
    renderMetrics(await admin.send('metrics.snapshot', {}));
    void loadDeadLetters();
  });
  async function loadDeadLetters() {
    const { items } = await admin.send('admin.dead_letters', { limit: 20 });
    const body = $('dead-letters');
    if (items.length === 0) return body.replaceChildren(el('tr', {}, el('td', { class: 'empty' }, 'None.')));
    body.replaceChildren(
      ...items.map((l) =>
        el(
          'tr',
          {},
          el('td', {}, l.type),
          el('td', {}, l.recipients.join(', ')),
          el('td', {}, `${l.attempts}×`),
          el(
            'td',
            {},
            el(
              'button',
              {
                class: 'link',
                onclick: async () => (
                  await admin.send('admin.replay', { messageId: l.messageId }),
                  loadDeadLetters()
                ),
              },
              'replay',
            ),
          ),
        ),
      ),
    );
  }
  $('refresh-dead-letters').addEventListener('click', () => void loadDeadLetters());
  $('announce').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    await admin.send('admin.announce', {
      audience: String(f.get('audience')).split(','),
      level: f.get('level'),
      message: f.get('message'),
    });
    ev.target.reset();
  });

  renderMenu();
  renderBoard();
  renderStock();
  for (const m of [customer, crew, courier, admin]) m.connect();
  window.__console = { managers: { customer, crew, admin }, myOrders, board, series };
})();
