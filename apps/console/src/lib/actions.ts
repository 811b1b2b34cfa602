import type { GlobalWebSocketManager } from '@orderwire/client';
import type { Order, OrderStatus } from '@orderwire/contracts/protocol';
import { orderName } from './format.js';
import { t, type MessageKey } from './i18n.js';
import { messageOf, toast } from './ui.js';

/** Steps that cannot be taken back: confirmed by a second tap, then sent after an undo window. */
export const DESTRUCTIVE: ReadonlySet<OrderStatus> = new Set(['rejected', 'cancelled']);
export const UNDO_MS = 5000;

const label = (s: OrderStatus): string => t(`action.${s}` as MessageKey);

/** Sends the step; its outcome (or the hub's refusal, in words) as a toast; true when it was taken. */
export async function sendStep(
  m: GlobalWebSocketManager,
  o: Order,
  to: OrderStatus,
  etaMinutes?: number,
): Promise<boolean> {
  try {
    if (to === 'cancelled') await m.send('order.cancel', { orderId: o.orderId });
    else
      await m.send('order.update_status', {
        orderId: o.orderId,
        status: to,
        ...(etaMinutes !== undefined ? { etaMinutes } : {}),
      } as never);
    toast(t('action.done', { order: orderName(o), status: t(`status.${to}` as MessageKey) }), 'success');
    return true;
  } catch (err) {
    const message = messageOf(err);
    toast(t('action.failed', { order: orderName(o), message }), 'error');
    return false;
  }
}

/** A destructive step, after `UNDO_MS` unless undone from the toast. */
export function sendWithUndo(m: GlobalWebSocketManager, o: Order, to: OrderStatus): void {
  const timer = setTimeout(() => void sendStep(m, o, to), UNDO_MS);
  toast(t('action.pending', { action: label(to), order: orderName(o), seconds: UNDO_MS / 1000 }), 'info', {
    ms: UNDO_MS,
    action: { label: t('action.undo'), run: () => clearTimeout(timer) },
  });
}

export { label as actionLabel };
