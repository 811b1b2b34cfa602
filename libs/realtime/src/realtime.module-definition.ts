import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { RealtimeModuleOptions } from './realtime.constants.js';

/**
 * `RealtimeModule.forRoot(options)` and `forRootAsync({ imports, inject, useFactory | useClass |
 * useExisting })`, each with `isGlobal` (Nest's ConfigurableModuleBuilder).
 */
export const {
  ConfigurableModuleClass: ConfigurableRealtimeModule,
  MODULE_OPTIONS_TOKEN: REALTIME_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<RealtimeModuleOptions>({ moduleName: 'Realtime' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createRealtimeOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** `RealtimeModule.forRoot`'s argument: the options and `isGlobal`. */
export type RealtimeModuleForRoot = typeof OPTIONS_TYPE;
/** `RealtimeModule.forRootAsync`'s argument. */
export type RealtimeModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
