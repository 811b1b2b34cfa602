import type { Type } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { NAMESPACES, type Role } from '@orderwire/contracts';
import { WithPipeline } from '../commands/command-pipeline.js';
import { rolesOfUnit } from '../commands/command-units.js';

/** A gateway made from a command unit: the unit's handlers on one role's namespace. */
export interface UnitGateway {
  role: Role;
  unit: Type<unknown>;
  gateway: Type<unknown>;
}

/**
 * The gateways of the command units: for each unit, one Nest gateway per role its handlers serve
 * (`@Roles`), a subclass of the unit on that role's namespace with the command pipeline bound.
 * Nest then does what it does for any gateway: injects it, binds its @SubscribeMessage handlers
 * on every connection, and runs its guards, interceptors, pipe and filter on every call (or the
 * command lane does, under the same declarations).
 */
export function unitGateways(units: readonly Type<unknown>[]): UnitGateway[] {
  return units.flatMap((unit) =>
    rolesOfUnit(unit).map((role) => {
      const name = `${unit.name}@${role}`;
      const gateway = { [name]: class extends (unit as Type<object>) {} }[name];
      WebSocketGateway({ namespace: NAMESPACES[role] })(gateway);
      WithPipeline()(gateway);
      return { role, unit, gateway };
    }),
  );
}
