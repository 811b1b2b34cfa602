import type { Type } from '@nestjs/common';
import {
  COMMAND_TYPES,
  COMMANDS,
  type CommandType,
  DECIDABLE_COMMANDS,
  ROLES,
  type Role,
  SERVICE_COMMANDS,
} from '@orderwire/contracts';
import { commandHandlers, commandParams, declaredOn } from './command.decorators.js';

/** One handler of a unit, as its decorators declare it. */
export interface UnitHandler {
  unit: Type<unknown>;
  method: string;
  type: CommandType;
}

export function handlersOfUnits(units: readonly Type<unknown>[]): UnitHandler[] {
  return units.flatMap((unit) =>
    [...commandHandlers(unit)].map(([method, type]) => ({ unit, method, type })),
  );
}

/** The commands each role's namespace has a handler for (admission answers the rest). */
export function commandsByRole(units: readonly Type<unknown>[]): Record<Role, ReadonlySet<CommandType>> {
  const out = Object.fromEntries(ROLES.map((r) => [r, new Set<CommandType>()])) as Record<
    Role,
    Set<CommandType>
  >;
  for (const { unit, method, type } of handlersOfUnits(units))
    for (const role of declaredOn(handlerFn(unit, method)).roles ?? []) out[role].add(type);
  return out;
}

const FORWARDED: ReadonlySet<CommandType> = new Set(SERVICE_COMMANDS);
const DECIDABLE: ReadonlySet<CommandType> = new Set(DECIDABLE_COMMANDS);

/**
 * The units against COMMANDS, the table clients and services read (libs/contracts): every handler
 * declares roles, and the same roles, crew roles and DTO as COMMANDS; it is forwarded exactly
 * when SERVICE_COMMANDS says so and decidable exactly when DECIDABLE_COMMANDS does; every command
 * has exactly one handler. Returns what does not match: the hub refuses to start on any of it, so a
 * missing piece fails loudly instead of a command going silently unrouted or unforwarded.
 */
export function commandUnitProblems(units: readonly Type<unknown>[]): string[] {
  const problems: string[] = [];
  const seen = new Map<CommandType, string>();
  for (const { unit, method, type } of handlersOfUnits(units)) {
    const where = `${unit.name}.${method} (${type})`;
    const fn = handlerFn(unit, method);
    const { roles, crewRoles, rule } = declaredOn(fn);
    const table = COMMANDS[type];
    if (!table) {
      problems.push(`${where}: not a command in COMMANDS`);
      continue;
    }
    const other = seen.get(type);
    if (other) problems.push(`${where}: ${type} is handled by ${other} already`);
    seen.set(type, `${unit.name}.${method}`);
    if (!roles?.length) problems.push(`${where}: declared without @Roles`);
    else if (!sameSet(roles, table.roles))
      problems.push(`${where}: @Roles(${roles.join(', ')}) but COMMANDS says ${table.roles.join(', ')}`);
    if (!sameSet(crewRoles ?? [], table.crewRoles ?? []))
      problems.push(`${where}: @CrewRoles differ from COMMANDS' crewRoles`);
    if (!!rule?.forward !== FORWARDED.has(type))
      problems.push(
        `${where}: forward is ${!!rule?.forward} but SERVICE_COMMANDS says ${FORWARDED.has(type)}`,
      );
    if (!!rule?.decidable !== DECIDABLE.has(type))
      problems.push(
        `${where}: decidable is ${!!rule?.decidable} but DECIDABLE_COMMANDS says ${DECIDABLE.has(type)}`,
      );
    const payload = commandParams(unit, method).find((p) => p.kind === 'payload');
    const types = (Reflect.getMetadata('design:paramtypes', unit.prototype as object, method) ??
      []) as unknown[];
    if (!payload || types[payload.index] !== table.dto)
      problems.push(`${where}: does not take COMMANDS' DTO ${table.dto.name} as its @Payload()`);
  }
  for (const type of COMMAND_TYPES)
    if (!seen.has(type)) problems.push(`${type}: in COMMANDS, but no unit handles it`);
  return problems;
}

function handlerFn(unit: Type<unknown>, method: string): object {
  return (unit.prototype as Record<string, object>)[method];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
