import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { RUNTIME } from '../session/session.js';
import { sessionOf } from '../transport/socket-link.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubException } from '../util/hub.exception.js';
import { CommandLog } from './command-log.js';

/**
 * Whether the session is still good for a command: its token has not expired (the expiry timer
 * disconnects it, but a command may arrive first) and its connection has not ended (revoked,
 * disconnected) while the command was on its way. The token's signature was checked once, at the
 * handshake (auth/handshake.middleware.ts), where guards do not run; `auth.refresh` replaces it.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly log: CommandLog,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const session = sessionOf(context.switchToWs().getClient());
    let refusal: HubException | undefined;
    if (session[RUNTIME].ended) refusal = new HubException('UNAUTHORIZED', 'this session has ended');
    else if (session.claims.exp * 1000 <= this.clock.now())
      refusal = new HubException('TOKEN_EXPIRED', 'the token expired; reconnect with a new one');
    if (!refusal) return true;
    this.log.write(context, refusal.code, performance.now());
    throw refusal;
  }
}
