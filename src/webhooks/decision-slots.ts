/** Which bound a placement met: the node's, its tenant's or its customer's. */
export type SlotScope = 'node' | 'tenant' | 'customer';

/**
 * Decisions in flight, counted per node, per tenant and per customer (each map holds only keys
 * with a decision in flight, so its size is bounded by the node's count).
 */
export class DecisionSlots {
  private total = 0;
  private readonly perTenant = new Map<string, number>();
  private readonly perCustomer = new Map<string, number>();

  constructor(
    private readonly nodeMax: number,
    private readonly tenantMax: number,
    private readonly customerMax: number,
  ) {}

  /** Takes a slot, or says which bound is reached (nothing taken then). */
  take(tenantId: string, customerId: string): SlotScope | undefined {
    const customer = `${tenantId}|${customerId}`;
    if (this.total >= this.nodeMax) return 'node';
    if ((this.perTenant.get(tenantId) ?? 0) >= this.tenantMax) return 'tenant';
    if ((this.perCustomer.get(customer) ?? 0) >= this.customerMax) return 'customer';
    this.total++;
    this.perTenant.set(tenantId, (this.perTenant.get(tenantId) ?? 0) + 1);
    this.perCustomer.set(customer, (this.perCustomer.get(customer) ?? 0) + 1);
    return undefined;
  }

  give(tenantId: string, customerId: string): void {
    this.total--;
    release(this.perTenant, tenantId);
    release(this.perCustomer, `${tenantId}|${customerId}`);
  }
}

function release(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
