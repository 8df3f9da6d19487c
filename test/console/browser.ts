// Headless Chromium for the console tests (Debian's chromium through playwright-core), and
// the checks every view gets: a screenshot, axe-core, and keyboard reachability.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../helpers/server.js';

export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (path) return path;
    } catch {
      /* not installed */
    }
  }
  return undefined;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launch(executablePath: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'appmeshd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where screenshots go: docs/console with CONSOLE_SCREENSHOTS=docs (to refresh the committed ones), else a temporary folder. */
export const screenshotDir =
  process.env.CONSOLE_SCREENSHOTS === 'docs'
    ? join(repoRoot, 'docs', 'console')
    : mkdtempSync(join(tmpdir(), 'appmeshd-console-shots-'));
mkdirSync(screenshotDir, { recursive: true });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core run in the page (evaluated through the DevTools protocol, which the page's CSP does not govern). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${axeSource}\n;undefined`);
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations;
}

/**
 * Tabs through the whole page; returns the focusable controls the keyboard never reached. Controls are told apart
 * by what they show (tag and text or label), not by the element: a live view may render its controls again while
 * the keys are pressed.
 */
export async function unreachableByKeyboard(page: Page): Promise<string[]> {
  const found = await page.evaluate(() => {
    const sel =
      'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex="0"], summary';
    const describe = (e: Element) =>
      `${e.tagName.toLowerCase()} ${(e.textContent ?? '').trim().slice(0, 40) || e.getAttribute('aria-label') || e.id}`;
    (window as unknown as { __kbDescribe: (e: Element) => string }).__kbDescribe = describe;
    const els = [...document.querySelectorAll<HTMLElement | SVGElement>(sel)].filter((e) => {
      const r = e.getBoundingClientRect();
      return (r.width > 0 || r.height > 0) && getComputedStyle(e).visibility !== 'hidden';
    });
    return { controls: [...new Set(els.map(describe))], count: els.length };
  });
  const all = found.controls;
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
    const seen = new Set<string>();
    const w = window as unknown as { __kbSeen: Set<string>; __kbDescribe: (e: Element) => string };
    w.__kbSeen = seen;
    document.addEventListener('focusin', (e) => {
      if (e.target instanceof Element) seen.add(w.__kbDescribe(e.target));
    });
  });
  const reachedNow = () => page.evaluate(() => [...(window as unknown as { __kbSeen: Set<string> }).__kbSeen]);
  let reached = new Set<string>();
  for (
    let pressed = 0;
    pressed < found.count * 2 + 10 && all.some((w) => !reached.has(w));
    pressed += found.count + 1
  ) {
    for (let n = 0; n <= found.count; n++) await page.keyboard.press('Tab');
    reached = new Set(await reachedNow());
  }
  return all.filter((w) => !reached.has(w));
}

/** Screenshot, no serious or critical axe violation, every control reachable by Tab. */
export async function checkView(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .map((x) => x.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
    [],
    `axe on ${name}`,
  );
  assert.deepEqual(await unreachableByKeyboard(page), [], `controls of ${name} not reachable by keyboard`);
}
