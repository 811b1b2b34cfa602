import type { PrepSampleStore, StoredPrepSample } from '../prep-samples.js';

/** Tenants whose samples one process keeps; past it the tenant heard from longest ago goes. */
const MAX_TENANTS = 10_000;

/** The samples in one process, newest first per tenant. */
export class MemoryPrepSamples implements PrepSampleStore {
  private readonly byTenant = new Map<string, StoredPrepSample[]>();

  add(tenantId: string, samples: readonly StoredPrepSample[], max: number): Promise<void> {
    const kept = [...samples.map((s) => ({ ...s })).reverse(), ...(this.byTenant.get(tenantId) ?? [])];
    this.byTenant.delete(tenantId);
    this.byTenant.set(tenantId, kept.slice(0, max));
    if (this.byTenant.size > MAX_TENANTS) this.byTenant.delete(this.byTenant.keys().next().value!);
    return Promise.resolve();
  }

  recent(tenantId: string, max: number): Promise<StoredPrepSample[]> {
    return Promise.resolve((this.byTenant.get(tenantId) ?? []).slice(0, max).map((s) => ({ ...s })));
  }
}
