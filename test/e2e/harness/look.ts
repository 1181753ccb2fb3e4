import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
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

/** axe-core over the whole page: every rule it runs by default, no violation of any impact. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  // Legacy mode runs axe in the page itself; the default mode opens a helper page, which the shell's
  // window policy (applied by the harness) would close.
  const result = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  const found = result.violations.map(
    (v) =>
      `${v.impact ?? 'unknown'} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
  assert.deepEqual(found, [], `axe on ${what}`);
}
