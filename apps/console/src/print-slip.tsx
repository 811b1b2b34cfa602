import type { Order } from '@orderwire/contracts/protocol';
import { placedAt } from '@orderwire/contracts/protocol';
import { render } from 'preact';
import { clock, money, orderName } from './lib/format.js';
import { t, type MessageKey } from './lib/i18n.js';

export type SlipKind = 'kitchen' | 'receipt';

/**
 * What goes on 80 mm thermal paper (the browser's print; main.css's print rules show only this):
 * the kitchen's ticket (number, how it leaves, the time, the lines with their modifiers indented,
 * the notes on a band) or the customer's receipt (the same with prices, the total and payment).
 */
export function PrintSlip({ o, kind }: { o: Order; kind: SlipKind }) {
  const how = o.table ? t('crew.table', { table: o.table }) : t(`fulfillment.${o.fulfillment}` as MessageKey);
  return (
    <section class={`print-slip ${kind}`} data-testid="print-slip" data-kind={kind} aria-hidden="true">
      <p class="slip-number">{orderName(o)}</p>
      <p class="slip-how">
        {how} · {clock(placedAt(o))}
      </p>
      <ul class="slip-lines">
        {o.items.map((i, n) => (
          <li key={n}>
            <span class="slip-qty">{i.quantity}×</span> {i.name}
            {kind === 'receipt' && (
              <span class="slip-price">{money(i.unitPrice * i.quantity, o.currency)}</span>
            )}
            {i.modifiers?.map((x) => (
              <span key={x.id} class="slip-mod">
                + {x.name}
              </span>
            ))}
          </li>
        ))}
      </ul>
      {o.notes && <p class="slip-notes">{o.notes}</p>}
      {kind === 'receipt' && (
        <p class="slip-total">
          {t('customer.total')} {money(o.total, o.currency)} ·{' '}
          {o.payment?.status === 'paid' ? t('crew.paid') : t('crew.unpaid')}
        </p>
      )}
    </section>
  );
}

/**
 * Prints one slip: drawn into a root of its own under <body> (print CSS shows only that root while
 * body has `printing`), then the browser's print dialog; cleared after printing.
 */
export function printSlip(o: Order, kind: SlipKind): void {
  let root = document.getElementById('print-root');
  if (!root) {
    root = document.createElement('div');
    root.id = 'print-root';
    document.body.append(root);
  }
  render(<PrintSlip o={o} kind={kind} />, root);
  document.body.classList.add('printing');
  const done = (): void => {
    document.body.classList.remove('printing');
    render(null, root);
  };
  window.addEventListener('afterprint', done, { once: true });
  window.print();
}
