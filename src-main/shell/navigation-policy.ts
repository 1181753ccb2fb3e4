import { APP_HOST, APP_SCHEME } from './app-origin.js';

/**
 * Navigation rules the shell applies to every window (will-navigate, will-redirect,
 * will-frame-navigate, setWindowOpenHandler). Kept free of Electron so they are unit-tested and the
 * e2e harness applies the very same functions.
 *
 * The app is a single page with hash routes, which do not fire will-navigate; a real navigation is
 * allowed only to our own index page (a reload), never anywhere else.
 */
export function isAllowedNavigation(url: string, appScheme = APP_SCHEME, appHost = APP_HOST): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost) return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return parsed.pathname === '/' || parsed.pathname === '/index.html';
}

/** window.open and target=_blank: always denied; Keyrite opens its own windows itself. */
export function windowOpenDecision(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/** Every permission (camera, notifications, clipboard-read, …) is refused: the app needs none. */
export function isPermissionGranted(_permission: string): false {
  return false;
}
