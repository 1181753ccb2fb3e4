import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { artifactsDir } from './harness.js';

export type Theme = 'light' | 'dark';

/**
 * Looks at a screen the way the issue asks: a screenshot in each theme (test/e2e/artifacts/NAME-THEME.png)
 * and axe-core over the page in each theme, which must report no violation of any impact. The page is
 * left in the light theme.
 */
export async function lookAt(
  page: Page,
  name: string,
  themes: Theme[] = ['light', 'dark'],
  { fullPage = true } = {},
): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  // A person looks at the window they judge. Chromium throttles frames in a window behind another one
  // (the witness display), which made each screenshot and axe run there take seconds.
  await page.bringToFront();
  for (const theme of themes) {
    await page.emulateMedia({ colorScheme: theme });
    // Let a theme's transition and any pending render settle before judging it.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: path.join(artifactsDir, `${name}-${theme}.png`), fullPage });
    await assertAccessible(page, `${name} (${theme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

// axe-core as @axe-core/playwright ships it (the version that package was tested with).
const axeSource = readFileSync(
  createRequire(require.resolve('@axe-core/playwright')).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  impact?: string | null;
  id: string;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core over the whole page: every rule it runs by default, no violation of any impact.
 *
 * axe runs in the page itself (the default of @axe-core/playwright opens a helper page, which the
 * shell's window policy, applied by the harness, would close). It is put into a document once and run
 * there as often as the document is looked at: AxeBuilder evaluated its 580 kB source twice per run,
 * which was about two thirds of each ~1 s look (measured on the full UI rehearsal: 40.7 s of axe → 12.6 s).
 * Each `axe.run` judges the page as it is at that moment; test/e2e/screens.test.ts proves a violation
 * added after a clean run is still found.
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const loaded = await page.evaluate(
    'typeof window.axe === "object" && typeof window.axe.run === "function"',
  );
  if (!loaded) {
    await page.evaluate(axeSource);
    await page.evaluate('axe.configure({ allowedOrigins: ["<same_origin>"] })');
  }
  const violations = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  )) as AxeViolation[];
  const found = violations.map(
    (v) =>
      `${v.impact ?? 'unknown'} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
  assert.deepEqual(found, [], `axe on ${what}`);
}
