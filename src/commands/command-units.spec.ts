import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { AdminAnnounceDto, HeartbeatDto, OrderCancelDto, OrderPlaceDto } from '@orderwire/contracts';
import { Command, CrewRoles, CurrentSession, Payload, Roles } from './command.decorators.js';
import { commandsByRole, commandUnitProblems } from './command-units.js';
import { COMMAND_UNITS } from './units/index.js';

describe('commandUnitProblems: the command units against COMMANDS', () => {
  it("finds nothing wrong with the hub's units", () => {
    expect(commandUnitProblems(COMMAND_UNITS)).toEqual([]);
  });

  it('names a handler without @Roles, with other roles or crew roles, the wrong DTO, a wrong forward, one not in COMMANDS, and the commands no unit handles', () => {
    class Drifted {
      @Command('order.place', { decidable: true })
      @Roles(['customer', 'admin'])
      place(@Payload() _dto: HeartbeatDto) {}

      @Command('admin.announce', { forward: true })
      announce(@CurrentSession() _s: unknown, @Payload() _dto: AdminAnnounceDto) {}

      @Command('order.cancel', { forward: true, perOrder: true })
      @Roles(['customer', 'crew', 'admin'])
      @CrewRoles(['front'])
      cancel(@Payload() _dto: OrderCancelDto) {}

      @Command('order.teleport' as never)
      @Roles(['customer'])
      teleport(@Payload() _dto: OrderPlaceDto) {}
    }
    const problems = commandUnitProblems([Drifted]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'Drifted.place (order.place): @Roles(customer, admin) but COMMANDS says customer',
        'Drifted.place (order.place): forward is false but SERVICE_COMMANDS says true',
        "Drifted.place (order.place): does not take COMMANDS' DTO OrderPlaceDto as its @Payload()",
        'Drifted.announce (admin.announce): declared without @Roles',
        "Drifted.cancel (order.cancel): @CrewRoles differ from COMMANDS' crewRoles",
        'Drifted.teleport (order.teleport): not a command in COMMANDS',
        'heartbeat: in COMMANDS, but no unit handles it',
      ]),
    );
    expect(problems).not.toContain('Drifted.cancel (order.cancel): declared without @Roles');
  });

  it('names a command handled twice', () => {
    class Twice {
      @Command('heartbeat')
      @Roles(['customer', 'crew', 'admin'])
      beat(@Payload() _dto: HeartbeatDto) {}
    }
    expect(commandUnitProblems([...COMMAND_UNITS, Twice])).toEqual([
      'Twice.beat (heartbeat): heartbeat is handled by ConnectionCommands.heartbeat already',
    ]);
  });

  it("derives each role's commands from @Roles", () => {
    const byRole = commandsByRole(COMMAND_UNITS);
    expect([...byRole.customer].sort()).toEqual([
      'auth.refresh',
      'heartbeat',
      'order.cancel',
      'order.place',
      'sync',
    ]);
    expect(byRole.crew.has('courier.location')).toBe(true);
    expect(byRole.crew.has('admin.announce')).toBe(false);
  });
});
