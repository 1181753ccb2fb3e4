import { fakeKeystore } from '../../unit/audit/harness/fake-keystore.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { composeServices } from '../../../src-main/ipc/compose-services.js';
import { createEventPublisher } from '../../../src-main/ipc/publish-events.js';
import { registerHandlers } from '../../../src-main/ipc/register-handlers.js';
import { createSenderCheck } from '../../../src-main/ipc/sender.js';
import type { DirectoryPurpose, FilePurpose, ShellPorts } from '../../../src-main/ipc/shell-ports.js';
import type { EngineOptions } from '../../../src-main/ceremony/engine-options.js';
import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { bundlePreloadForHarness } from './bundle-preload.js';
import { applyShellPolicies } from './shell-policies.js';
import { rendererRootDefault, startHarnessServer, type HarnessServer } from './harness-server.js';

export const CHROMIUM = '/usr/bin/chromium';

/** One Chromium for several harness instances in one file (the two stations of an air-gapped ceremony). */
export function launchSharedBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`e2e needs Chromium at ${CHROMIUM}: apt-get install chromium`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Harness {
  server: HarnessServer;
  context: BrowserContext;
  page: Page;
  dataDirectory: string;
  /** The files (or, for a directory dialog, the directory) the next dialog returns, as a person picks them. */
  chooseNext(purpose: FilePurpose | DirectoryPurpose, files: string[] | null): void;
  witnessDisplayRequests: number;
  /** Events main refused to send because they did not match the contract (should stay empty). */
  droppedEvents: string[];
  /** Uncaught exceptions in the page (a React crash lands here). */
  pageErrors: string[];
  /** Responses of 400 and above the page received (a missing asset shows up here). */
  brokenResources: string[];
  /** What the emulated shell policies refused: navigations and window.open calls. */
  refused: { navigations: string[]; windows: string[] };
  /**
   * What the engine records, read in this (main-side) process through the same service the IPC handler
   * calls, never through the page: tests compare it with what the screen showed.
   */
  engineView(): Promise<CeremonyView>;
  /** Opens the renderer on a route, waiting until window.keyrite is installed. */
  open(route?: string): Promise<Page>;
  /** A second app window (as main opens the witness display), on a route, with the real preload. */
  openWindow(route: string, viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  ports?: Partial<ShellPorts>;
  engine?: EngineOptions;
  /** Reuse a data directory (a restart of the app); the caller then owns and removes it. */
  dataDirectory?: string;
  viewport?: { width: number; height: number };
  /** A browser this instance opens its own context in, instead of launching one (see launchSharedBrowser). */
  browser?: Browser;
}

let preloadBundle: Promise<string> | undefined;

/**
 * Starts the real services and IPC handlers under Node with a fresh data directory, serves the built
 * renderer to a fresh Chromium profile, and installs the real preload (over the loopback shim).
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!existsSync(CHROMIUM)) throw new Error(`e2e needs Chromium at ${CHROMIUM}: apt-get install chromium`);
  if (!existsSync(path.join(rendererRootDefault, 'index.html'))) {
    throw new Error(
      'e2e needs the built renderer: run `node src-main/build/build.mjs renderer` (npm run test:e2e does)',
    );
  }
  const ownsData = options.dataDirectory === undefined;
  const dataDirectory = options.dataDirectory ?? (await mkdtemp(path.join(tmpdir(), 'keyrite-e2e-data-')));
  const profile = await mkdtemp(path.join(tmpdir(), 'keyrite-e2e-profile-'));
  const server = await startHarnessServer(rendererRootDefault);
  const choices = new Map<FilePurpose | DirectoryPurpose, string[] | null>();
  const state = { witnessDisplayRequests: 0 };
  const droppedEvents: string[] = [];

  const printer: { print?: (html: string) => Promise<Buffer> } = {};
  const ports: ShellPorts = {
    version: '0.0.0-e2e',
    dataDirectory,
    mode: 'rehearsal',
    region: 'eu-west-1',
    publish: createEventPublisher(server.sink, (name, where) => droppedEvents.push(`${name} at ${where}`)),
    chooseFiles: async (purpose) => {
      const files = choices.get(purpose) ?? null;
      choices.delete(purpose);
      return files;
    },
    chooseDirectory: async (purpose) => {
      const dirs = choices.get(purpose) ?? null;
      choices.delete(purpose);
      return dirs?.[0] ?? null;
    },
    chooseSavePath: async (name) => path.join(dataDirectory, name),
    openWitnessDisplay: async () => {
      state.witnessDisplayRequests += 1;
    },
    keystore: fakeKeystore(),
    printToPdf: async (html) => {
      if (!printer.print) throw new Error('the harness prints only once Chromium runs');
      return printer.print(html);
    },
    ...options.ports,
  };
  const { services, close: closeServices } = await composeServices(ports, options.engine);
  const disposeHandlers = registerHandlers(
    server.ipcMain,
    services,
    createSenderCheck(server.origin, (id) => id === 1),
  );

  preloadBundle ??= bundlePreloadForHarness();
  const preload = await preloadBundle;
  const viewport = options.viewport ?? { width: 1280, height: 860 };
  const context = options.browser
    ? await options.browser.newContext({ viewport })
    : await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport,
      });
  await context.addInitScript({
    content: `globalThis.__keyriteHarness = Object.freeze({ token: ${JSON.stringify(server.token)} });\n${preload}\ndelete globalThis.__keyriteHarness;`,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const policy = await applyShellPolicies(context, server.origin, page);
  // Chromium's own PDF printer stands in for Electron's printToPDF: the same engine, a page of its own.
  printer.print = async (html) => {
    policy.appWindows.opening = true;
    let sheet: Page;
    try {
      sheet = await context.newPage();
    } finally {
      policy.appWindows.opening = false;
    }
    try {
      await sheet.setContent(html, { waitUntil: 'load' });
      return await sheet.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await sheet.close();
    }
  };
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const brokenResources: string[] = [];
  page.on('response', (r) => {
    const url = new URL(r.url());
    // Chromium asks for a favicon on its own; the app has none to serve on http.
    if (r.status() >= 400 && url.pathname !== '/favicon.ico')
      brokenResources.push(`${r.status()} ${url.pathname}`);
  });

  return {
    server,
    context,
    page,
    dataDirectory,
    chooseNext: (purpose, files) => void choices.set(purpose, files),
    refused: policy.refused,
    droppedEvents,
    pageErrors,
    brokenResources,
    engineView: () => services['ceremony.state']({}),
    get witnessDisplayRequests() {
      return state.witnessDisplayRequests;
    },
    async open(route = '#/') {
      await page.goto(`${server.origin}/index.html${route}`);
      await page.waitForFunction(() => typeof (window as { keyrite?: unknown }).keyrite === 'object');
      return page;
    },
    async openWindow(route, viewport) {
      policy.appWindows.opening = true;
      let win: Page;
      try {
        win = await context.newPage();
      } finally {
        policy.appWindows.opening = false;
      }
      if (viewport) await win.setViewportSize(viewport);
      win.on('pageerror', (e) => pageErrors.push(e.message));
      await win.goto(`${server.origin}/index.html${route}`);
      await win.waitForFunction(() => typeof (window as { keyrite?: unknown }).keyrite === 'object');
      // The second window is on its own screen (a projector), not over the station's: the station's
      // window stays in front, so Chromium does not throttle the frames of the window people act in.
      await page.bringToFront();
      return win;
    },
    async close() {
      await context.close().catch(() => undefined);
      disposeHandlers();
      await closeServices();
      await server.close();
      await rm(profile, { recursive: true, force: true });
      if (ownsData) await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

export const artifactsDir = path.resolve(__dirname, '..', 'artifacts');
