import { describe, it } from '@jest/globals';

/**
 * `describe` for a suite that needs something from the machine (Redis, Chromium). With it, the
 * suite runs. Without it, under CI=true the suite fails with `missing` (CI must run it);
 * elsewhere it is skipped, and its title says what is missing and how to install it.
 */
export function describeRequiring(name: string, missing: string | undefined, fn: () => void): void {
  if (missing === undefined) return describe(name, fn);
  if (process.env.CI === 'true') {
    return describe(name, () => {
      it(`needs: ${missing}`, () => {
        throw new Error(missing);
      });
    });
  }
  // The one deliberate skip of the test suites: a developer machine without Redis or Chromium.
  // The reason is in the suite's title, and CI (above) never skips.
  describe.skip(`${name} [skipped: ${missing}]`, fn);
}
