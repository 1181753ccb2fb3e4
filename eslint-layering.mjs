// Which part of Keyrite may import which, as one table checked on every import by ESLint (the way VS Code's
// `code-layering` rule works): a layer is a top-level folder of src-main, or src-shared, or src-renderer.
// A new folder of src-main must be added to the table before anything in it passes lint.
import path from 'node:path';

const ROOT = import.meta.dirname;

/**
 * Each layer and the layers it may import (besides itself). src-shared is the common ground: pure code
 * both processes run. Reasons for the lines that matter most:
 * - ceremony knows KMS only through its port (kms/), never the emulator: rehearsal composition (starting
 *   an emulator, its account and region) belongs to the front ends, cli/ and ipc/.
 * - kms/ is an adapter under the engine: it never imports the engine it serves.
 * - emulator/ stands in for AWS (and Huawei): it imports nothing of main but SQLite, so it cannot borrow
 *   the client's view of the protocol.
 * - the renderer and src-shared never import main-process code.
 */
export const LAYERS = {
  shared: [],
  renderer: ['shared'],
  'main/sqlite': ['shared'],
  'main/media': ['shared'],
  'main/secrets': ['shared'],
  'main/kms': ['shared'],
  'main/emulator': ['shared', 'main/sqlite'],
  'main/audit': ['shared', 'main/media', 'main/secrets', 'main/sqlite'],
  'main/ceremony': ['shared', 'main/audit', 'main/kms', 'main/media', 'main/secrets'],
  // One station's half of a split ceremony: the engine plus media; KMS only through its port.
  'main/airgap': ['shared', 'main/ceremony', 'main/kms', 'main/media', 'main/audit', 'main/secrets'],
  'main/cli': [
    'shared',
    'main/airgap',
    'main/ceremony',
    'main/audit',
    'main/kms',
    'main/emulator',
    'main/media',
    'main/secrets',
  ],
  'main/ipc': [
    'shared',
    'main/ceremony',
    'main/audit',
    'main/kms',
    'main/emulator',
    'main/media',
    'main/secrets',
  ],
  'main/shell': ['shared', 'main/ipc', 'main/audit', 'main/secrets', 'main/sqlite'],
  'main/build': ['shared'],
};

/** The layer of a file, or undefined for files outside the layered code (tests, scripts). */
export function layerOf(file) {
  const parts = path.relative(ROOT, file).split(path.sep);
  if (parts[0] === 'src-shared') return 'shared';
  if (parts[0] === 'src-renderer') return 'renderer';
  if (parts[0] !== 'src-main') return undefined;
  // main.ts and preload.ts are the Electron shell's entry points.
  return parts.length === 2 ? 'main/shell' : `main/${parts[1]}`;
}

/** @type {import('eslint').Rule.RuleModule} */
const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layering table in eslint-layering.mjs' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    if (from === undefined) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      const to = layerOf(target);
      if (to === undefined || to === from) return;
      const allowed = LAYERS[from];
      if (allowed === undefined) {
        context.report({
          node,
          message: `${from} is not in the layering table: add the folder to LAYERS in eslint-layering.mjs with the layers it may import`,
        });
        return;
      }
      if (allowed.includes(to)) return;
      context.report({
        node,
        message: `${from} may not import ${to} (${source}); ${from} may import ${allowed.length ? allowed.join(', ') : 'nothing outside itself'} — see LAYERS in eslint-layering.mjs`,
      });
    };
    const fromSource = (node) => check(node, node.source?.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source.value : undefined),
    };
  },
};

export const layeringPlugin = { rules: { imports: importsRule } };

/** The config object eslint.config.mjs includes (and the layering test lints with). */
export const layeringConfig = {
  files: ['src-main/**/*.ts', 'src-shared/**/*.ts', 'src-renderer/**/*.ts', 'src-renderer/**/*.tsx'],
  plugins: { layering: layeringPlugin },
  rules: { 'layering/imports': 'error' },
};
