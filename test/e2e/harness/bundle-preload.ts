import { build } from 'esbuild';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * The app's real preload (src-main/preload.ts), bundled for the browser with `electron` resolved to
 * the loopback shim. What the e2e suite runs in Chromium is therefore the preload that ships.
 */
export async function bundlePreloadForHarness(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(root, 'src-main', 'preload.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    alias: { electron: path.join(__dirname, 'electron-shim.ts') },
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no preload bundle');
  return out.text;
}
