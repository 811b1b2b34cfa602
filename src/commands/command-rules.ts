import { COMMANDS, type CommandType } from '@orderwire/contracts';
import type { Session } from '../session/session.js';
import { HubException } from '../util/hub.exception.js';

/**
 * Whether this session may send this command, from the one table of who may send what
 * (`COMMANDS` in libs/contracts): the token's role, and for some commands its crew role. The one
 * role check of a command, run by the packet middleware before Nest sees the packet.
 */
export function commandRefusal(session: Session, type: CommandType): HubException | undefined {
  const rule = COMMANDS[type];
  if (!rule.roles.includes(session.role))
    return new HubException('FORBIDDEN', `${type} is not allowed for this role`);
  if (rule.crewRoles && (!session.crewRole || !rule.crewRoles.includes(session.crewRole)))
    return new HubException('FORBIDDEN', `${type} needs crewRole ${rule.crewRoles.join(' or ')}`);
  return undefined;
}
