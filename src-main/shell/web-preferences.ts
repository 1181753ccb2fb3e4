/**
 * Electron's security checklist, as the webPreferences every Keyrite window must have. windows.ts
 * writes them as a literal at each `new BrowserWindow` (so static analysis such as Electronegativity
 * sees them without an allowlist), and a unit test reads that literal from the source and holds
 * every value to this table. `devTools` follows the build and is checked apart. The preload is not a
 * window preference: it is registered once on the session (preload-registration.ts).
 */
export const CHECKLIST_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  enableBlinkFeatures: '',
  // Middle-click would otherwise open links in a new window outside setWindowOpenHandler's view.
  disableBlinkFeatures: 'Auxclick',
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
} as const;

/**
 * Keys a window may add to the checklist's: DevTools (development builds only); and for the hidden
 * window that prints reports to PDF, no script at all and a session of its own (print-to-pdf.ts).
 */
export const PER_WINDOW_WEB_PREFERENCES = ['devTools', 'javascript', 'session'] as const;
