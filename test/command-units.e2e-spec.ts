import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { HeartbeatDto, OrderPlaceDto } from '@orderwire/contracts';
import { createHub } from '../src/app.factory.js';
import { Command, CurrentSession, Payload, Roles } from '../src/commands/command.decorators.js';
import type { Session } from '../src/session/session.js';
import { loadConfig } from '../src/config/load-config.js';
import { TEST_SECRET } from './support/tokens.js';

const config = () =>
  loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
  });

/** Boots a hub with one more module in it and says how its init ended. */
async function boot(extra: new () => unknown): Promise<string> {
  const app = await createHub(config(), { imports: [extra] });
  try {
    await app.init();
    return 'started';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await app.close();
  }
}

describe('the hub does not start with a command unit that does not declare its rules', () => {
  it('a command declared without @Roles, anywhere in the app, stops the boot and is named', async () => {
    @Injectable()
    class Unroled {
      @Command('heartbeat')
      beat(@Payload() _dto: HeartbeatDto) {
        return { ok: true, data: {} };
      }
    }
    @Module({ providers: [Unroled] })
    class Extra {}
    const outcome = await boot(Extra);
    expect(outcome).toContain('the command units do not match COMMANDS');
    expect(outcome).toContain('Unroled.beat (heartbeat): declared without @Roles');
  });

  it('so does a second handler for a command, with roles COMMANDS does not give it', async () => {
    @Injectable()
    class Rogue {
      @Command('order.place', { forward: true, decidable: true })
      @Roles(['customer', 'crew'])
      place(@CurrentSession() _s: Session, @Payload() _dto: OrderPlaceDto) {
        return { ok: true, data: {} };
      }
    }
    @Module({ providers: [Rogue] })
    class Extra {}
    const outcome = await boot(Extra);
    expect(outcome).toContain(
      'Rogue.place (order.place): order.place is handled by OrderPlaceCommand.run already',
    );
    expect(outcome).toContain('Rogue.place (order.place): @Roles(customer, crew) but COMMANDS says customer');
  });

  it('and the hub as shipped starts', async () => {
    @Module({})
    class Nothing {}
    expect(await boot(Nothing)).toBe('started');
  });
});
