import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { COMMANDS, isCommandType } from '@orderwire/contracts';
import type { HubSocket } from '../transport/hub-server.js';
import { HubException } from '../util/hub.exception.js';
import { wsOf } from './ws-context.js';

/**
 * Checks every command against the one table of who may send what (`COMMANDS` in
 * libs/contracts): the role of the token, and for some commands the crew role.
 */
@Injectable()
export class WsRolesGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const socket = wsOf(context).getClient<HubSocket>();
    const pattern = wsOf(context).getPattern();
    const session = socket.data.session;
    if (!isCommandType(pattern)) throw new HubException('UNKNOWN_EVENT', `unknown command`);
    const rule = COMMANDS[pattern];
    if (!session || !rule.roles.includes(session.role)) {
      throw new HubException('FORBIDDEN', `${pattern} is not allowed for this role`);
    }
    if (rule.crewRoles && (!session.crewRole || !rule.crewRoles.includes(session.crewRole))) {
      throw new HubException('FORBIDDEN', `${pattern} needs crewRole ${rule.crewRoles.join(' or ')}`);
    }
    return true;
  }
}
