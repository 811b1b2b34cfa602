import type { Type } from '@nestjs/common';
import { GATEWAY_OPTIONS, MESSAGE_MAPPING_METADATA, MESSAGE_METADATA } from '@nestjs/websockets/constants.js';
import { COMMAND_TYPES, COMMANDS, isCommandType, NAMESPACES, ROLES, type Role } from '@orderwire/contracts';

/**
 * The gateways against COMMANDS, the one table of commands (libs/contracts): every
 * `@SubscribeMessage` must name a command its role may send and take that command's DTO, and every
 * command of a role must have a handler in that role's gateway. Returns what does not match; the
 * hub refuses to start on any of it (GatewaysModule), so the table and the gateways cannot drift apart.
 */
export function commandMapProblems(gateways: readonly Type<unknown>[]): string[] {
  const problems: string[] = [];
  const handled = new Map<Role, Set<string>>();
  for (const gateway of gateways) {
    const namespace = (Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as { namespace?: string })?.namespace;
    const role = ROLES.find((r) => NAMESPACES[r] === namespace);
    if (!role) {
      problems.push(`${gateway.name}: no role namespace`);
      continue;
    }
    const seen = handled.get(role) ?? new Set<string>();
    handled.set(role, seen);
    for (const [method, fn] of handlers(gateway.prototype as object)) {
      const type: unknown = Reflect.getMetadata(MESSAGE_METADATA, fn);
      const where = `${gateway.name}.${method} (${String(type)})`;
      if (!isCommandType(type)) {
        problems.push(`${where}: not a command in COMMANDS`);
        continue;
      }
      seen.add(type);
      if (!COMMANDS[type].roles.includes(role))
        problems.push(`${where}: COMMANDS does not allow it for ${role}`);
      const params = (Reflect.getMetadata('design:paramtypes', gateway.prototype as object, method) ??
        []) as unknown[];
      if (!params.includes(COMMANDS[type].dto))
        problems.push(`${where}: does not take COMMANDS' DTO ${COMMANDS[type].dto.name}`);
    }
  }
  for (const [role, seen] of handled)
    for (const type of COMMAND_TYPES)
      if (COMMANDS[type].roles.includes(role) && !seen.has(type))
        problems.push(`${type}: allowed for ${role} by COMMANDS, but no handler in its gateway`);
  return problems;
}

/** Message handlers of a gateway, its own and inherited, by method name. */
function handlers(proto: object): Map<string, object> {
  const out = new Map<string, object>();
  for (
    let p: object | null = proto;
    p && p !== Object.prototype;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (out.has(name) || name === 'constructor') continue;
      const fn = Object.getOwnPropertyDescriptor(p, name)?.value as object | undefined;
      if (typeof fn === 'function' && Reflect.getMetadata(MESSAGE_MAPPING_METADATA, fn)) out.set(name, fn);
    }
  }
  return out;
}
