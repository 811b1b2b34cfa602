import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { sessionOf } from '../transport/socket-link.js';
import { HubException } from '../util/hub.exception.js';
import { declaredFor } from './command.decorators.js';
import { CommandLog } from './command-log.js';

/**
 * Who may send a command, as its unit declares it: `@Roles` (the token's role) and, for crew,
 * `@CrewRoles`, which narrow what crew may send (a crew token without a crewRole may not send those
 * commands). A handler without `@Roles` is refused here too, though the hub does not start with one
 * (command-units.ts).
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly log: CommandLog) {}

  canActivate(context: ExecutionContext): boolean {
    const { roles, crewRoles, rule } = declaredFor(context);
    const session = sessionOf(context.switchToWs().getClient());
    const type = rule?.type ?? context.switchToWs().getPattern();
    let refusal: HubException | undefined;
    if (!roles?.includes(session.role))
      refusal = new HubException('FORBIDDEN', `${type} is not allowed for this role`);
    else if (
      crewRoles &&
      session.role === 'crew' &&
      (!session.crewRole || !crewRoles.includes(session.crewRole))
    )
      refusal = new HubException('FORBIDDEN', `${type} needs crewRole ${crewRoles.join(' or ')}`);
    if (!refusal) return true;
    this.log.write(context, refusal.code, performance.now());
    throw refusal;
  }
}
