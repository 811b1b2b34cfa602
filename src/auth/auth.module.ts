import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { TransportModule } from '../transport/transport.module.js';
import { Handshake } from './handshake.js';
import { JwtVerifier } from './jwt-verifier.service.js';
import { OriginPolicy } from './origin.policy.js';
import { SessionControlService } from './session-control.service.js';
import { TokenLifetime } from './token-lifetime.service.js';

/** Tokens, the handshake, origins, a connection's token lifetime, `admin.disconnect` and revocation. */
@Module({
  imports: [MetricsModule, TransportModule, DeliveryModule],
  providers: [JwtVerifier, OriginPolicy, Handshake, SessionControlService, TokenLifetime],
  exports: [JwtVerifier, OriginPolicy, Handshake, SessionControlService, TokenLifetime],
})
export class AuthModule {}
