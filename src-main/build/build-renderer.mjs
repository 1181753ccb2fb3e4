// Bundles the React renderer into dist/renderer with esbuild.
//
// Why not Vite: Vite's bundler (rollup) depends on per-platform optional packages, and the package
// registry this project builds from does not carry all of them, which leaves a lock file that
// `npm ci` rejects. esbuild is already in the tree (it bundles the preload) and has everything the
// renderer needs: TSX with the automatic React runtime, CSS, and file assets.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = path.join(root, 'src-renderer');
const out = path.join(root, 'dist', 'renderer');

export async function buildRenderer() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'assets'), { recursive: true });
  await build({
    entryPoints: { main: path.join(src, 'main.tsx') },
    outdir: path.join(out, 'assets'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome130',
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    // Assets are files under 'self' (the CSP allows no inline data for scripts or styles).
    loader: { '.svg': 'file', '.png': 'file', '.woff2': 'file', '.woff': 'file' },
    assetNames: '[name]-[hash]',
    publicPath: '/assets/',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  // The CSP meta tag is written from the same constant main serves as a header, so they cannot disagree.
  const { CONTENT_SECURITY_POLICY_META } = await tsImport('../../src-shared/ipc/csp.ts', import.meta.url);
  const html = readFileSync(path.join(src, 'index.html'), 'utf8')
    .replace('%KEYRITE_CSP%', CONTENT_SECURITY_POLICY_META)
    .replace('</head>', '  <link rel="stylesheet" href="/assets/main.css" />\n  </head>')
    .replace(
      /<script type="module" src="[^"]*"><\/script>/,
      '<script type="module" src="/assets/main.js"></script>',
    );
  if (!html.includes('/assets/main.js') || html.includes('%KEYRITE_CSP%')) {
    throw new Error('src-renderer/index.html must carry %KEYRITE_CSP% and one module <script> tag');
  }
  writeFileSync(path.join(out, 'index.html'), html);
}
