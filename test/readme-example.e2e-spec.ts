import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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
});
