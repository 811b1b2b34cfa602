import { Injectable } from '@nestjs/common';
import type { Fulfillment, OrderStatus } from '@orderwire/contracts';

export interface LedgerEntry {
  orderId: string;
  tenantId: string;
  customerId: string;
  total: number;
  currency: string;
  fulfillment: Fulfillment;
  status: OrderStatus;
  paid: boolean;
  /** A person moved it: stop advancing it automatically. */
  handledByCrew: boolean;
}

/** The service's own record of orders (an example: a real one would persist to its database). */
@Injectable()
export class OrderLedger {
  private readonly entries = new Map<string, LedgerEntry>();

  get(tenantId: string, orderId: string): LedgerEntry | undefined {
    return this.entries.get(`${tenantId}|${orderId}`);
  }

  /** Idempotent: the command may arrive more than once. Returns false if it was already there. */
  record(entry: LedgerEntry): boolean {
    const key = `${entry.tenantId}|${entry.orderId}`;
    if (this.entries.has(key)) return false;
    this.entries.set(key, entry);
    return true;
  }

  all(): LedgerEntry[] {
    return [...this.entries.values()];
  }
}
