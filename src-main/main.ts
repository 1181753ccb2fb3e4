// Electron composition root: lifecycle, hardened windows, IPC wiring. Thin on purpose: every rule it
// applies lives in an electron-free module (shell/*-policy, ipc/*) that is tested without Electron.
import { app, dialog, ipcMain, safeStorage } from 'electron';
import path from 'node:path';
import { isKeyriteError } from '../src-shared/errors.js';
import { composeServices } from './ipc/compose-services.js';
import { createEventPublisher } from './ipc/publish-events.js';
import { registerHandlers } from './ipc/register-handlers.js';
import type { FilePurpose } from './ipc/shell-ports.js';
import { createSenderCheck } from './ipc/sender.js';
import { APP_ORIGIN } from './shell/app-origin.js';
import { registerAppScheme, serveRenderer } from './shell/app-protocol.js';
import { hardenAllWebContents, hardenSession } from './shell/harden.js';
import { restrictCoreDumps, restrictProcessCoreDumps } from './secrets/core-dumps.js';
import { selectNativeBinding } from './shell/native-binding.js';
import { setSqliteNativeBinding } from './sqlite/open-sqlite.js';
import { Windows } from './shell/windows.js';
import { printHtmlToPdf } from './shell/print-to-pdf.js';
import { keystoreFromSafeStorage } from './shell/keystore.js';
import { registerPreload } from './shell/preload-registration.js';

// dist/src-main/main.js → dist/ and the project root.
const distDir = path.join(__dirname, '..');
const projectRoot = path.join(distDir, '..');

const DIALOG_TITLES: Record<FilePurpose, string> = {
  'ceremony-plan': 'Choose the ceremony plan',
  'import-parameters': 'Choose the import parameters',
  'audit-log': 'Choose a ceremony log (audit.db) to open read-only',
  'console-request': 'Choose the request from the AWS console (ImportParameters.zip) or the AWS CLI (JSON)',
};

async function start(windows: Windows): Promise<void> {
  hardenSession();
  registerPreload(path.join(distDir, 'preload.cjs'));
  serveRenderer(path.join(distDir, 'renderer'));
  const publish = createEventPublisher((channel, payload) => {
    for (const w of windows.all()) w.webContents.send(channel, payload);
  });
  // Before any database opens: SQLite under Electron uses the addon built for Electron's ABI.
  setSqliteNativeBinding(
    selectNativeBinding({
      electronVersion: process.versions.electron,
      packaged: app.isPackaged,
      projectRoot,
    }),
  );
  const { services, close } = await composeServices({
    version: app.getVersion(),
    dataDirectory: app.getPath('userData'),
    mode: process.env.KEYRITE_MODE === 'rehearsal' ? 'rehearsal' : 'online',
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(process.env.KEYRITE_KMS_ENDPOINT ? { kmsEndpoint: process.env.KEYRITE_KMS_ENDPOINT } : {}),
    publish,
    keystore: keystoreFromSafeStorage(safeStorage, process.platform),
    openWitnessDisplay: () => windows.openWitness(),
    printToPdf: printHtmlToPdf,
    chooseFiles: async (purpose) => {
      const r = await dialog.showOpenDialog({
        title: DIALOG_TITLES[purpose],
        properties: purpose === 'import-parameters' ? ['openFile', 'multiSelections'] : ['openFile'],
        ...(purpose === 'audit-log' ? { filters: [{ name: 'Keyrite audit log', extensions: ['db'] }] } : {}),
        ...(purpose === 'console-request'
          ? { filters: [{ name: 'Import parameters (zip or JSON)', extensions: ['zip', 'json'] }] }
          : {}),
      });
      return r.canceled ? null : r.filePaths;
    },
    chooseDirectory: async (purpose, forWhom) => {
      const r = await dialog.showOpenDialog({
        title:
          purpose === 'bundle-medium'
            ? `Choose the medium (or folder) for ${forWhom}`
            : `Choose the medium for ${forWhom}'s backup share`,
        properties: ['openDirectory', 'createDirectory'],
      });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    chooseSavePath: async (suggestedName) => {
      const r = await dialog.showSaveDialog({ defaultPath: suggestedName });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  });
  registerHandlers(ipcMain, services, createSenderCheck(APP_ORIGIN, windows.isKnown));
  app.on('will-quit', () => void close());
  await windows.openMain();
}

/** A failure to start is shown to the person (code, message, hint), then the app quits. */
function failToStart(error: unknown): void {
  const text = isKeyriteError(error)
    ? `${error.message}\n\n${error.hint}\n\n(${error.code})`
    : 'Keyrite could not start. Run it from a terminal to see why.';
  dialog.showErrorBox('Keyrite could not start', text);
  app.exit(1);
}

// First, before any secret can exist in this process.
restrictCoreDumps();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  registerAppScheme();
  hardenAllWebContents();
  // Renderer and other child processes hold what people type until it is sent: each load, every child
  // process this app has is filtered out of core dumps too (Linux; see secrets/core-dumps.ts).
  app.on('web-contents-created', (_event, contents) => {
    contents.on('did-finish-load', () => {
      for (const m of app.getAppMetrics()) if (m.type !== 'Browser') restrictProcessCoreDumps(m.pid);
    });
  });
  const windows = new Windows(!app.isPackaged);
  app.on('second-instance', () => {
    void windows.openMain().then((w) => w.focus());
  });
  app.on('window-all-closed', () => app.quit());
  app
    .whenReady()
    .then(() => start(windows), failToStart)
    .catch(failToStart);
}
