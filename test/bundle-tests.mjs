// Compiles each test file, with the TypeScript it imports, into one CommonJS file under dist/test, so the
// test runner starts plain Node processes instead of loading every module through a TypeScript loader
// (measured: the loader's start-up and per-module hooks cost a test file about 0.5–1 s of CPU, and the
// suite runs ~190 files). Packages stay in node_modules. Each module keeps its own __dirname and
// __filename (the source's, not the bundle's), so fixtures and source paths resolve as under tsx.
// A test file whose imports cannot all be followed when it is compiled (an import() whose path is computed
// at run time) is refused with esbuild's warning: it would fail, or load a second copy, at run time.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_DIR = path.join(root, 'dist', 'test');

const SOURCE = /\.(ts|tsx|mts|cts)$/;
const LOADERS = { '.ts': 'ts', '.tsx': 'tsx', '.mts': 'ts', '.cts': 'ts' };

/** Gives every TypeScript module its own source location as __dirname and __filename. */
const sourcePaths = {
  name: 'keyrite-source-paths',
  setup(build) {
    build.onLoad({ filter: SOURCE }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      const loader = LOADERS[path.extname(args.path)];
      // A relative path through createRequire is resolved only at run time, next to the TypeScript source
      // (tsx maps .js to .ts there; plain Node cannot): it must be a literal require() or an import.
      const late = /createRequire\([^)]*\)\(\s*['"`]\.\.?\//.exec(text);
      if (late) {
        const line = text.slice(0, late.index).split('\n').length;
        return {
          errors: [
            {
              text: 'a relative module loaded through createRequire: use require() or import',
              location: { file: path.relative(build.initialOptions.absWorkingDir ?? root, args.path), line },
            },
          ],
        };
      }
      if (!/\b__(dirname|filename)\b/.test(text)) return { contents: text, loader };
      // On the first line, so the source map's line numbers stay right.
      const prefix =
        `const __dirname = ${JSON.stringify(path.dirname(args.path))}, ` +
        `__filename = ${JSON.stringify(args.path)};`;
      return { contents: prefix + text, loader };
    });
  },
};

/**
 * Compiles `files` (absolute paths of *.test.ts under `base`) into `outDir`, keeping their layout. Returns
 * a map from each source file to the file to run, and what esbuild warned about: a warning means a bundle
 * could fail at run time (e.g. an import() whose path is computed), so the caller refuses to run it.
 */
export async function bundleTests(files, { base = root, outDir = BUNDLE_DIR } = {}) {
  const esbuild = await import('esbuild');
  rmSync(outDir, { recursive: true, force: true });
  let result;
  try {
    result = await esbuild.build({
      entryPoints: files,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      absWorkingDir: base,
      outbase: base,
      outdir: outDir,
      outExtension: { '.js': '.cjs' },
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
      metafile: true,
      plugins: [sourcePaths],
    });
  } catch (e) {
    // esbuild has said nothing yet (logLevel silent): its message names each file, line and error.
    throw new Error(`the test files do not compile:\n${e.message}`);
  }
  const warnings = [];
  for (const w of result.warnings) {
    const where = w.location ? `${w.location.file}:${w.location.line}` : 'esbuild';
    // The test files whose bundles include the file warned about.
    const affected = Object.values(result.metafile.outputs)
      .filter((o) => o.entryPoint && w.location && o.inputs[w.location.file])
      .map((o) => path.resolve(base, o.entryPoint));
    warnings.push({ text: `${where}: ${w.text}`, files: affected });
  }
  const plan = new Map();
  for (const f of files) {
    const out = path.join(outDir, path.relative(base, f)).replace(SOURCE, '.cjs');
    if (!existsSync(out)) throw new Error(`esbuild wrote no bundle for ${path.relative(base, f)}`);
    plan.set(f, out);
  }
  return { plan, warnings };
}
