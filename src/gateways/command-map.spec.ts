import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AdminAnnounceDto, HeartbeatDto, OrderPlaceDto } from '@orderwire/contracts';
import { AdminGateway } from './admin.gateway.js';
import { commandMapProblems } from './command-map.js';
import { CrewGateway } from './crew.gateway.js';
import { CustomerGateway } from './customer.gateway.js';

describe('commandMapProblems: the gateways against COMMANDS', () => {
  it('finds nothing wrong with the hub gateways', () => {
    expect(commandMapProblems([CustomerGateway, CrewGateway, AdminGateway])).toEqual([]);
  });

  it('names a handler with the wrong DTO, one its role may not send, one not in COMMANDS, and a missing one', () => {
    @WebSocketGateway({ namespace: '/customer' })
    class Drifted {
      @SubscribeMessage('order.place')
      place(@MessageBody() _dto: HeartbeatDto) {}

      @SubscribeMessage('admin.announce')
      announce(@MessageBody() _dto: AdminAnnounceDto) {}

      @SubscribeMessage('order.teleport')
      teleport(@MessageBody() _dto: OrderPlaceDto) {}
    }
    const problems = commandMapProblems([Drifted]);
    expect(problems).toEqual(
      expect.arrayContaining([
        "Drifted.place (order.place): does not take COMMANDS' DTO OrderPlaceDto",
        'Drifted.announce (admin.announce): COMMANDS does not allow it for customer',
        'Drifted.teleport (order.teleport): not a command in COMMANDS',
        'heartbeat: allowed for customer by COMMANDS, but no handler in its gateway',
        'order.cancel: allowed for customer by COMMANDS, but no handler in its gateway',
      ]),
    );
  });
});
