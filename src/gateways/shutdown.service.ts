import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { HubServer } from '../transport/hub-server.js';
import { DrainState } from '../util/drain.state.js';
import { linkOf } from '../transport/socket-link.js';

/**
 * Draining on SIGTERM: tell every socket `system.shutdown`, stop accepting, let commands in
 * flight finish (at most SHUTDOWN_GRACE_MS), then close the sockets. Nest then closes the
 * servers and the engine.
 */
@Injectable()
export class ShutdownService implements BeforeApplicationShutdown {
  constructor(
    @InjectLogger(ShutdownService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly drain: DrainState,
    private readonly server: HubServer,
    private readonly delivery: DeliveryService,
    private readonly http: HttpAdapterHost,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (this.drain.draining) return;
    this.drain.draining = true;
    const sockets = this.server.all().reduce((n, nsp) => n + nsp.sockets.size, 0);
    this.logger.info({ signal, sockets }, 'draining');
    for (const nsp of this.server.all()) {
      for (const socket of nsp.sockets.values()) {
        this.delivery.emitTo(linkOf(socket), 'system.shutdown', {
          reconnectInMs: this.config.shutdown.reconnectInMs,
        });
      }
    }
    const httpServer = this.http.httpAdapter?.getHttpServer() as import('node:http').Server | undefined;
    httpServer?.close();
    await this.drain.whenIdle(this.config.shutdown.graceMs);
    // This node's sockets only (`local`): the cluster adapter would first publish the disconnect
    // to every node through Redis, draining the whole cluster, and await Redis, which may be gone.
    for (const nsp of this.server.all()) nsp.local.disconnectSockets(true);
    await this.transportsClosed(1000);
    httpServer?.closeIdleConnections?.();
    this.logger.info('drained');
  }

  /** Waits (bounded) until the disconnect packets are flushed and the transports closed. */
  private async transportsClosed(timeoutMs: number): Promise<void> {
    const engine = this.server.all()[0]?.server.engine;
    const until = Date.now() + timeoutMs;
    while (engine && engine.clientsCount > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
