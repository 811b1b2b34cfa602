import { type DynamicModule, Module } from '@nestjs/common';
import { RealtimeModule } from '@orderwire/realtime';
import { OrderLedger } from './order-ledger.js';
import { OrdersHandler } from './orders.handler.js';
import type { OrdersServiceConfig } from './orders-service.config.js';
import { ORDERS_SERVICE_CONFIG } from './orders-service.tokens.js';

/** The example orders service: import it in its own process (redis engine) or inside the hub. */
@Module({})
export class OrdersServiceModule {
  static forRoot(config: OrdersServiceConfig): DynamicModule {
    return {
      module: OrdersServiceModule,
      imports: [
        RealtimeModule.forRoot({
          serviceId: 'orders-service',
          ...(config.redisUrl ? { redis: { url: config.redisUrl } } : {}),
          prefix: config.prefix,
          tenants: config.tenants,
          ...(config.dataEncryptionKey ? { dataEncryptionKey: config.dataEncryptionKey } : {}),
        }),
      ],
      providers: [{ provide: ORDERS_SERVICE_CONFIG, useValue: config }, OrderLedger, OrdersHandler],
      exports: [OrderLedger],
    };
  }
}
