// Prints Keyrite's own self-contained HTML reports to PDF with Chromium's printer (printToPDF), in a
// hidden window that runs no script, has no preload and lives in a session of its own that loads
// nothing but the document itself.
import { BrowserWindow, session, type Session } from 'electron';

let printSession: Session | undefined;

function sessionForPrinting(): Session {
  if (printSession) return printSession;
  const ses = session.fromPartition('keyrite-print', { cache: false });
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // The report carries its own CSP (default-src 'none'); this refuses any request besides the page.
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !details.url.startsWith('data:text/html') });
  });
  printSession = ses;
  return ses;
}

export async function printHtmlToPdf(html: string): Promise<Buffer> {
  const win = new BrowserWindow({
    show: false,
    width: 794,
    height: 1123,
    // Written out here so static analysis sees every value; the unit test holds it to the checklist.
    webPreferences: {
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
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: false,
      javascript: false,
      session: sessionForPrinting(),
    },
  });
  try {
    await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
    return await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
  } finally {
    win.destroy();
  }
}
