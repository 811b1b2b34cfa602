import type { RealtimeModuleOptions } from './realtime.constants.js';

/** A class for `RealtimeModule.forRootAsync({ useClass })` or `useExisting`. */
export interface RealtimeOptionsFactory {
  createRealtimeOptions(): RealtimeModuleOptions | Promise<RealtimeModuleOptions>;
}
