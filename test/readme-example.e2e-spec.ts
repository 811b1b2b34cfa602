import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from './support/free-port.js';
import { startHub, type TestHub } from './support/hub.js';
import { TEST_SECRET } from './support/tokens.js';

const run = promisify(execFile);

describe("the README's worked example", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
  });
  afterAll(() => hub.close());

  it('examples/quickstart.mjs places an order that the crew receives and accepts', async () => {
    const script = new URL('../examples/quickstart.mjs', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, [script], {
      env: { ...process.env, HUB_URL: hub.url, JWT_SECRET: TEST_SECRET },
      timeout: 15000,
    });
    expect(stdout).toMatch(
      /customer got \{"ok":true,"data":\{"orderId":"[0-9A-Z]+","orderNumber":"A-\d{3}","status":"placed","total":1700,"currency":"EUR"\}\}/,
    );
    expect(stdout).toMatch(/crew received order A-\d{3} \([0-9A-Z]+\), total 1700 EUR/);
    expect(stdout).toContain('customer sees status accepted');
  });

  it('says where it looked when no hub answers, and exits 1', async () => {
    const script = new URL('../examples/quickstart.mjs', import.meta.url).pathname;
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const failed = await run(process.execPath, [script], {
      env: { ...process.env, HUB_URL: nobody, JWT_SECRET: TEST_SECRET },
      timeout: 15000,
    }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim()).toBe(
      `no hub answers at ${nobody}: is the hub running (npm start)? Set HUB_URL to reach another.`,
    );
  });
});
