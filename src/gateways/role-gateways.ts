import type { Type } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { NAMESPACES, ROLES, type Role } from '@orderwire/contracts';
import {
  Command,
  commandParams,
  CrewRoles,
  declaredOn,
  fromContext,
  Payload,
  Roles,
} from '../commands/command.decorators.js';
import { WithPipeline } from '../commands/command-pipeline.js';
import { handlersOfUnits } from '../commands/command-units.js';
import { RoleGateway } from './role.gateway.js';

/**
 * The gateway of each role's namespace (`CustomerGateway` on `/customer`, and so on): RoleGateway's
 * lifecycle, and a handler for every command of the units whose @Roles name the role, which hands
 * the command to its unit. Each handler carries its unit's declarations (@Command, @Roles,
 * @CrewRoles, the parameters and their types), and the class the command pipeline: Nest then does
 * what it does for any gateway, and the command lane runs the same declarations. One gateway per
 * namespace, as Nest's samples have it (a gateway per unit and role cost every idle connection
 * a listener and a closure per gateway).
 */
export function roleGateways(
  units: readonly Type<unknown>[],
): Array<{ role: Role; gateway: Type<RoleGateway> }> {
  return ROLES.map((role) => {
    const name = `${role[0]!.toUpperCase()}${role.slice(1)}Gateway`;
    const gateway = {
      [name]: class extends RoleGateway {
        protected override readonly role = role;
      },
    }[name]!;
    for (const { unit, method, type } of handlersOfUnits(units)) {
      const declared = declaredOn((unit.prototype as Record<string, object>)[method]!);
      if (!declared.roles?.includes(role)) continue;
      addHandler(gateway, unit as Type<object>, method, type, declared);
    }
    WebSocketGateway({ namespace: NAMESPACES[role] })(gateway);
    WithPipeline()(gateway);
    return { role, gateway };
  });
}

/** `<unit>_<method>` on the gateway: the unit's handler with its declarations, called on the unit. */
function addHandler(
  gateway: Type<RoleGateway>,
  unit: Type<object>,
  method: string,
  type: Parameters<typeof Command>[0],
  declared: ReturnType<typeof declaredOn>,
): void {
  const key = `${unit.name}_${method}`;
  const delegate = {
    [key](this: RoleGateway, ...args: unknown[]): unknown {
      const target = this.unit(unit) as Record<string, (...a: unknown[]) => unknown>;
      return target[method]!(...args);
    },
  }[key]!;
  const proto = gateway.prototype as object;
  Object.defineProperty(proto, key, { value: delegate, writable: true, configurable: true });
  const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
  const types: unknown = Reflect.getMetadata('design:paramtypes', unit.prototype, method);
  Reflect.defineMetadata('design:paramtypes', types, proto, key);
  for (const p of commandParams(unit, method))
    (p.kind === 'payload' ? Payload() : fromContext(p.resolve))(proto, key, p.index);
  Command(type, declared.rule)(proto, key, descriptor);
  if (declared.roles) Roles(declared.roles)(proto, key, descriptor);
  if (declared.crewRoles) CrewRoles(declared.crewRoles)(proto, key, descriptor);
}
