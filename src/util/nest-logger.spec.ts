import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { NestLogger } from './nest-logger.js';

function capture(level = 'trace') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: new NestLogger(pino({ level }, stream)), lines };
}

const pick = (line: Record<string, unknown>) => {
  const { level, context, msg, err, ...rest } = line;
  delete rest.time;
  delete rest.pid;
  delete rest.hostname;
  return { level, context, msg, err: (err as { message?: string } | undefined)?.message, ...rest };
};

describe('NestLogger (Nest’s LoggerService over pino)', () => {
  it('takes the last string parameter as the context, and logs an object’s fields', async () => {
    const { logger, lines } = capture();
    logger.log('listening', 'Orders');
    logger.warn({ userId: 'u-1' }, 'slow consumer', 'Delivery');
    logger.debug('plain');
    logger.verbose('fine detail', 'Ctx');
    logger.fatal(new Error('boom'), 'Main');
    await new Promise((r) => setImmediate(r));
    expect(lines.map(pick)).toEqual([
      { level: 30, context: 'Orders', msg: 'listening', err: undefined },
      { level: 40, context: 'Delivery', msg: 'slow consumer', err: undefined, userId: 'u-1' },
      { level: 20, context: undefined, msg: 'plain', err: undefined },
      { level: 10, context: 'Ctx', msg: 'fine detail', err: undefined },
      { level: 60, context: 'Main', msg: 'boom', err: 'boom' },
    ]);
  });

  it("puts Nest's boot chatter (modules, routes, gateways mapped) at debug; its warnings keep their level", async () => {
    const { logger, lines } = capture();
    logger.log('Mapped {/health/ready, GET} route', 'RouterExplorer');
    logger.log('HubModule dependencies initialized', 'InstanceLoader');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.warn('something odd', 'NestApplication');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.level, l.context])).toEqual([
      [20, 'RouterExplorer'],
      [20, 'InstanceLoader'],
      [20, 'NestApplication'],
      [40, 'NestApplication'],
    ]);
  });

  it('turns Nest’s exception handlers’ error(message, stack, context) into one error with that stack', async () => {
    const { logger, lines } = capture();
    const stack = 'Error: no\n    at handler (x.js:1:1)';
    logger.error('no', stack, 'ExceptionsHandler');
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      context: 'ExceptionsHandler',
      err: { message: 'no', stack },
    });
  });

  it('writes nothing below its level', async () => {
    const { logger, lines } = capture('warn');
    logger.log('info line', 'X');
    logger.debug({ a: 1 }, 'debug line');
    logger.warn('kept', 'X');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });
});
