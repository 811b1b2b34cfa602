import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { RUNTIME, type Session } from '../session/session.js';
import { HubException } from '../util/hub.exception.js';
import { Command, CrewRoles, Payload, Roles } from './command.decorators.js';
import type { CommandLog } from './command-log.js';
import { RolesGuard } from './roles.guard.js';
import { SessionGuard } from './session.guard.js';
import { WsCall } from './ws-call.js';

class Dto {}
class Unit {
  @Command('courier.location', { forward: true, rate: 'courier' })
  @Roles(['crew'])
  @CrewRoles(['courier'])
  relay(@Payload() _dto: Dto) {}

  @Command('order.update_status', { forward: true, perOrder: true })
  @Roles(['crew', 'admin'])
  move(@Payload() _dto: Dto) {}

  @Command('heartbeat')
  undeclared(@Payload() _dto: Dto) {}
}

const logged: Array<string | undefined> = [];
const log = { write: (_c: unknown, code: string | undefined) => logged.push(code) } as unknown as CommandLog;

function session(over: Partial<Session> = {}): Session {
  return {
    sessionId: 's-1',
    userId: 'u-1',
    role: 'crew',
    tenantId: 'r-1',
    userKey: 'crew|r-1|u-1',
    claims: { sub: 'u-1', role: 'crew', tenantId: 'r-1', exp: 2_000 } as Session['claims'],
    handshakeAt: 0,
    acks: 'each',
    [RUNTIME]: {},
    ...over,
  };
}

const call = (s: Session, method: keyof Unit): ExecutionContext =>
  new WsCall([{ data: { session: s } }, {}, () => undefined, method], Unit, Unit.prototype[method]);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return `${(err as HubException).code}: ${(err as HubException).message}`;
  }
  return 'let through';
}

describe('RolesGuard: who may send a command, from @Roles and @CrewRoles', () => {
  const guard = new RolesGuard(log);

  it('lets the declared roles through, and refuses the others with FORBIDDEN', () => {
    expect(guard.canActivate(call(session({ role: 'admin' }), 'move'))).toBe(true);
    expect(refusal(() => guard.canActivate(call(session({ role: 'customer' }), 'move')))).toBe(
      'FORBIDDEN: order.update_status is not allowed for this role',
    );
  });

  it('narrows crew by crew role; a crew token without one may not send a narrowed command', () => {
    expect(guard.canActivate(call(session({ crewRole: 'courier' }), 'relay'))).toBe(true);
    expect(refusal(() => guard.canActivate(call(session({ crewRole: 'kitchen' }), 'relay')))).toBe(
      'FORBIDDEN: courier.location needs crewRole courier',
    );
    expect(refusal(() => guard.canActivate(call(session(), 'relay')))).toBe(
      'FORBIDDEN: courier.location needs crewRole courier',
    );
  });

  it('refuses a handler that declares no roles at all', () => {
    logged.length = 0;
    expect(refusal(() => guard.canActivate(call(session({ role: 'admin' }), 'undeclared')))).toBe(
      'FORBIDDEN: heartbeat is not allowed for this role',
    );
    expect(logged).toEqual(['FORBIDDEN']);
  });
});

describe('SessionGuard: the session is still good when the command arrives (clock injected)', () => {
  it('refuses with TOKEN_EXPIRED from the second the token expires, before the expiry timer runs', () => {
    let now = 1_999_999;
    const guard = new SessionGuard(log, { now: () => now });
    expect(guard.canActivate(call(session(), 'move'))).toBe(true);
    now = 2_000_000;
    expect(refusal(() => guard.canActivate(call(session(), 'move')))).toBe(
      'TOKEN_EXPIRED: the token expired; reconnect with a new one',
    );
  });

  it('refuses with UNAUTHORIZED a command of a connection that has ended (disconnected, revoked)', () => {
    const guard = new SessionGuard(log, { now: () => 0 });
    expect(refusal(() => guard.canActivate(call(session({ [RUNTIME]: { ended: true } }), 'move')))).toBe(
      'UNAUTHORIZED: this session has ended',
    );
  });
});
