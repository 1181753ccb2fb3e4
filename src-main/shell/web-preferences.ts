/**
 * The webPreferences of every Keyrite window, in one place so a test can hold each to Electron's
 * security checklist. Typed structurally (no electron import) and checked against Electron's own
 * WebPreferences type where main.ts uses it.
 */
export function secureWebPreferences(preloadPath: string, devTools: boolean) {
  return {
    preload: preloadPath,
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
    devTools,
  } as const;
}
