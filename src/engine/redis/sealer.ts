// The sealer is shared with the services of a cluster (their queues carry the same data): it lives
// in @orderwire/realtime; the engine imports it from here.
export { Sealer } from '@orderwire/realtime';
