import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/**
 * CORS_ORIGINS for Socket.IO: checked at the namespace handshake (so the refusal carries
 * FORBIDDEN) and on the WebSocket upgrade. A request with no Origin (a server-side client) passes;
 * `*` allows every origin.
 */
@Injectable()
export class OriginPolicy {
  private readonly any: boolean;
  private readonly allowed: Set<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.any = config.http.corsOrigins.includes('*');
    this.allowed = new Set(config.http.corsOrigins.map((o) => o.replace(/\/$/, '')));
  }

  allows(origin: string | undefined): boolean {
    return origin === undefined || this.any || this.allowed.has(origin);
  }

  /** The value for Socket.IO's `cors.origin`. */
  corsOrigin(): boolean | string[] {
    return this.any ? true : [...this.allowed];
  }
}
