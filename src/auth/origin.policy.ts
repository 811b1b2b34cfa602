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

  /**
   * CORS for HTTP and Socket.IO. A list of origins: those, with credentials. `*`: any origin, but
   * never with credentials (reflecting every Origin with `Allow-Credentials: true` would let any
   * site make credentialed requests).
   */
  cors(): { origin: string | string[]; credentials: boolean } {
    return this.any ? { origin: '*', credentials: false } : { origin: [...this.allowed], credentials: true };
  }
}
