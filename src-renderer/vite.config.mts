// Builds the renderer into dist/renderer. The CSP meta tag is written from the same constant main
// serves as a header, so the two cannot disagree.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from '../src-shared/ipc/csp.ts';

export default defineConfig({
  // Paths without node: imports (the renderer folder's lint forbids them): Vite resolves outDir
  // against root.
  root: import.meta.dirname,
  base: '/',
  plugins: [
    react(),
    {
      name: 'keyrite-csp',
      transformIndexHtml: (html) => html.replace('%KEYRITE_CSP%', CONTENT_SECURITY_POLICY_META),
    },
  ],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline module-preload polyfill or data: URLs for assets: everything is a file under 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'chrome130',
  },
});
