import type { BrowserContext, Page, Request } from 'playwright-core';
import { APP_ORIGIN } from '../../../src-main/shell/app-origin.js';
import { isAllowedNavigation, windowOpenDecision } from '../../../src-main/shell/navigation-policy.js';

/**
 * Chromium under Playwright has no will-navigate or setWindowOpenHandler, so the harness applies the
 * shell's own decision functions at the equivalent points: every top-level navigation request, and
 * every new page. The harness origin stands for app://keyrite, so the decision is taken on the URL the
 * app would see.
 */
export async function applyShellPolicies(context: BrowserContext, harnessOrigin: string, mainWindow: Page) {
  const refused = { navigations: [] as string[], windows: [] as string[] };
  const asAppUrl = (url: string) =>
    url.startsWith(`${harnessOrigin}/`) ? APP_ORIGIN + url.slice(harnessOrigin.length) : url;

  await context.route('**/*', async (route) => {
    const request = route.request();
    if (
      request.isNavigationRequest() &&
      isNewWindow(request) &&
      windowOpenDecision(request.url()).action === 'deny'
    ) {
      // setWindowOpenHandler is consulted before a window exists; here, at the new window's first request.
      refused.windows.push(request.url());
      await route.fulfill({ status: 204 });
      return;
    }
    // Only navigations of a top frame of an app window are the shell's business; the harness's own
    // test pages (served under /__test/) are the attacker's content and navigate freely.
    if (
      request.isNavigationRequest() &&
      isTopFrame(request) &&
      !new URL(request.url()).pathname.startsWith('/__test/')
    ) {
      if (!isAllowedNavigation(asAppUrl(request.url()))) {
        refused.navigations.push(request.url());
        // A 204 ends a navigation and leaves the current document in place: what preventDefault()
        // in will-navigate does in Electron (an abort would show Chromium's error page instead).
        await route.fulfill({ status: 204 });
        return;
      }
    }
    await route.continue();
  });

  const appWindows = { opening: false };
  context.on('page', (page) => {
    // The main window is opened by the harness itself, as main.ts opens it, and so is the witness
    // window (main opens it in the app); any other is window.open.
    if (page === mainWindow || appWindows.opening) return;
    // Anything that still became a page is closed: the shell never lets the renderer own a window.
    if (windowOpenDecision(page.url()).action === 'deny') void page.close();
  });
  return { refused, appWindows };
}

/** A popup's first navigation is issued before its frame exists (Playwright then throws). */
function isNewWindow(request: Request): boolean {
  try {
    request.frame();
    return false;
  } catch {
    return true;
  }
}

function isTopFrame(request: Request): boolean {
  return request.frame().parentFrame() === null;
}
