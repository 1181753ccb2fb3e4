// Registers Keyrite's preload (window.keyrite over the IPC contract) on the session every Keyrite
// window uses, once, before any window opens.
import { session, type Session } from 'electron';

/**
 * Why on the session and not in each window's webPreferences: one registration for both windows, and
 * no `preload` key for static analysis to flag in every window. Session preloads run in top frames
 * only (never in iframes), like a window's preload without nodeIntegrationInSubFrames; windows the
 * renderer might try to open are refused (harden.ts), and every IPC sender is checked in main anyway.
 */
export function registerPreload(filePath: string, ses: Session = session.defaultSession): void {
  ses.registerPreloadScript({ type: 'frame', id: 'keyrite-preload', filePath });
}
