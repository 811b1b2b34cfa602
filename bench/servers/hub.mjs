// hub-memory / hub-redis-N: the built orderwire hub (dist/), with every guard, interceptor and
// durability feature on. Only the per-socket and per-IP rate limits are raised, since one load
// generator on loopback stands in for thousands of users.
import { serveControl } from './control.mjs';

const { createHub } = await import('../../dist/app.factory.js');
const { loadConfig } = await import('../../dist/config/load-config.js');
const config = loadConfig({
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  LOG_FORMAT: 'json',
});
const app = await createHub(config);
await app.listen(0, '127.0.0.1');
serveControl();
process.send({ type: 'ready', ports: [app.getHttpServer().address().port] });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
