import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describeRequiring } from './requirement.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = new URL('../../test-results/', import.meta.url).pathname;

/** The flags this machine's Chromium needs headless, as root, on a closed network. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** `describe` for browser suites: needs Chromium (see describeRequiring). */
export function describeBrowser(name: string, fn: () => void): void {
  describeRequiring(
    name,
    existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium)`,
    fn,
  );
}

const SHOTS = `${RESULTS_DIR}console/`;
/** The README's screenshots (test/console-screens.e2e-spec.ts, `SCREENSHOTS=docs`). */
const DOC_SHOTS = new URL('../../docs/console/', import.meta.url).pathname;

/**
 * A screenshot of a view, to test-results/console/: phones the whole page, as one scrolls it;
 * larger screens the screen. With `docs`, and `SCREENSHOTS=docs` set, to docs/console/ instead
 * (so a test run changes tracked files only when asked to).
 */
export async function shot(page: Page, name: string, docs = false): Promise<void> {
  const dir = docs && process.env.SCREENSHOTS === 'docs' ? DOC_SHOTS : SHOTS;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}${name}.png`, fullPage: page.viewportSize()!.width < 600 });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical accessibility violations axe-core finds in the page (none, we expect). */
export async function axe(page: Page): Promise<Array<{ id: string; impact: string; nodes: number }>> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> };
    };
    return (await w.axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
