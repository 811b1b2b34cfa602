import type { Sealer } from './sealer.js';

/** A BullMQ job's data as Redis keeps it with DATA_ENCRYPTION_KEY: the whole body, sealed. */
export interface SealedJob {
  sealed: string;
}

/** `data` sealed whole when the keyring is set (the job's id and name stay: ids and types). */
export function sealedJob<T>(sealer: Sealer, data: T): T | SealedJob {
  return sealer.enabled ? { sealed: sealer.sealJson(data)! } : data;
}

/** The job's data, opened when it was sealed (a job queued before the key was set is in clear). */
export function openedJob<T>(sealer: Sealer, data: T | SealedJob): T {
  const sealed = (data as Partial<SealedJob>)?.sealed;
  return typeof sealed === 'string' && Object.keys(data as object).length === 1
    ? sealer.openJson<T>(sealed)
    : (data as T);
}
