// Applies the navigation, window, webview and permission policies (navigation-policy.ts) to every
// web contents and session Electron creates, including any we did not create ourselves.
import { app, session, type Session } from 'electron';
import { APP_SCHEME } from './app-origin.js';
import { isAllowedNavigation, isPermissionGranted, windowOpenDecision } from './navigation-policy.js';

export function hardenSession(ses: Session = session.defaultSession): void {
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionGranted(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => isPermissionGranted(permission));
  // No remote content at all: anything that is not our own scheme (or devtools) never leaves.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const scheme = new URL(details.url).protocol.replace(/:$/, '');
    callback({ cancel: !(scheme === APP_SCHEME || scheme === 'devtools') });
  });
}

export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!isAllowedNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url));
  });
}
