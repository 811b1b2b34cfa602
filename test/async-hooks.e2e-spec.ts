import { expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const MAIN = new URL('../dist/main.js', import.meta.url).pathname;
const PROBE = new URL('./fixtures/async-hooks-probe.mjs', import.meta.url).pathname;

// In a process of its own: a Jest worker may have promise hooks on from another suite.
it('serving HTTP leaves promise hooks off (no request may put every later command on async_hooks)', () => {
  expect(existsSync(MAIN)).toBe(true); // `npm test` builds first (pretest)
  const run = spawnSync(process.execPath, [PROBE], { encoding: 'utf8', timeout: 20_000 });
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/asyncId 0\b/);
}, 30_000);
