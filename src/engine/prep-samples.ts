/** One sample of a kitchen's prep time (orders/eta-model.ts says what it means). */
export interface StoredPrepSample {
  key: string;
  minutes: number;
  at: number;
}

/**
 * The newest prep-time samples of each tenant (docs/protocol.md section 14), at most `max` per
 * tenant, the oldest going first: what the hub learns its ETAs from.
 */
export interface PrepSampleStore {
  add(tenantId: string, samples: readonly StoredPrepSample[], max: number): Promise<void>;
  /** The tenant's samples, newest first. */
  recent(tenantId: string, max: number): Promise<StoredPrepSample[]>;
}
