// Builds the layers: `main` (tsc → dist/, and the command line bundled into dist/cli; run by `npm ci`
// through prepare),
// `preload` (one sandbox-safe CommonJS file), `renderer` (Vite → dist/renderer), or `all`.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${path.basename(cmd)} ${args.join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

const targets = {
  async main() {
    rmSync(path.join(root, 'dist', 'src-main'), { recursive: true, force: true });
    rmSync(path.join(root, 'dist', 'src-shared'), { recursive: true, force: true });
    rmSync(path.join(root, 'dist', 'cli'), { recursive: true, force: true });
    run(bin('tsc'), ['-p', 'tsconfig.main.json']);
    // The launcher loads the bundled command line (bundle-cli.mjs); the app and tests load dist/src-*.
    const { bundleCli } = await import('./bundle-cli.mjs');
    await bundleCli();
  },
  preload() {
    // A sandboxed preload cannot require local files, so it is bundled into one script.
    run(bin('esbuild'), [
      'src-main/preload.ts',
      '--bundle',
      '--platform=node',
      '--format=cjs',
      '--external:electron',
      '--outfile=dist/preload.cjs',
      '--log-level=warning',
    ]);
  },
  async renderer() {
    const { buildRenderer } = await import('./build-renderer.mjs');
    await buildRenderer();
  },
};

const which = process.argv[2] ?? 'all';
const order = which === 'all' ? ['main', 'preload', 'renderer'] : [which];
for (const t of order) {
  if (!targets[t]) {
    console.error(`build: unknown target ${t} (main, preload, renderer, all)`);
    process.exit(2);
  }
  await targets[t]();
}
