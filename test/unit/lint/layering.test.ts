// The layering table (eslint-layering.mjs) rejects each forbidden import the issue names, and is wired
// into the project's ESLint config for every layer, so `npm run lint` fails on such an import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const root = path.resolve(__dirname, '../../..');

interface Layering {
  LAYERS: Record<string, string[]>;
  layeringConfig: Linter.Config;
}

/** The table is plain JavaScript read by ESLint itself; the test loads the very module the config loads. */
async function layering(): Promise<Layering> {
  const m: Layering = await import(pathToFileURL(path.join(root, 'eslint-layering.mjs')).href);
  return m;
}

/** ESLint with the layering config alone (no type information needed: the rule reads paths only). */
async function problems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } },
      (await layering()).layeringConfig,
    ],
  });
  const [r] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (r?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const forbidden: Array<[string, string, RegExp]> = [
  [
    'src-main/ceremony/probe.ts',
    "import { startEmulator } from '../emulator/index.js';",
    /main\/ceremony may not import main\/emulator/,
  ],
  [
    'src-main/ceremony/steps/probe.ts',
    "export * from '../../emulator/server.js';",
    /main\/ceremony may not import main\/emulator/,
  ],
  [
    'src-main/kms/probe.ts',
    "import type { StepContext } from '../ceremony/step-context.js';",
    /main\/kms may not import main\/ceremony/,
  ],
  [
    'src-main/emulator/probe.ts',
    "import { openAuditStore } from '../audit/audit-store.js';",
    /main\/emulator may not import main\/audit/,
  ],
  [
    'src-main/emulator/ops/probe.ts',
    "export const k = import('../../kms/kms-port.js');",
    /main\/emulator may not import main\/kms/,
  ],
  [
    // Once the one recorded exception: the Huawei emulator now reads the signer from src-shared.
    'src-main/emulator/huawei/huawei-auth.ts',
    "import { x } from '../../kms/huawei/huawei-http.js';",
    /main\/emulator may not import main\/kms/,
  ],
  [
    'src-renderer/probe.tsx',
    "import { x } from '../src-main/ipc/services.js';",
    /renderer may not import main\/ipc/,
  ],
  [
    'src-shared/ceremony/probe.ts',
    "import { x } from '../../src-main/ceremony/journal.js';",
    /shared may not import main\/ceremony/,
  ],
  [
    'src-main/newfolder/probe.ts',
    "import { x } from '../audit/audit-store.js';",
    /main\/newfolder is not in the layering table/,
  ],
];
for (const [file, code, why] of forbidden) {
  void test(`lint rejects ${code} in ${file}`, async () => {
    const found = await problems(file, code);
    assert.ok(
      found.some((m) => m.startsWith('layering/imports: ') && why.test(m)),
      `expected a layering error matching ${why}, got: ${found.join(' | ') || 'none'}`,
    );
  });
}

void test('lint accepts imports the table allows', async () => {
  const ok: Array<[string, string]> = [
    ['src-main/ceremony/probe.ts', "import { x } from '../kms/kms-port.js';"],
    ['src-main/emulator/probe.ts', "import { x } from '../sqlite/open-sqlite.js';"],
    ['src-main/cli/probe.ts', "import { x } from '../emulator/index.js';"],
    ['src-renderer/probe.tsx', "import { x } from '../src-shared/errors.js';"],
    [
      'src-main/emulator/huawei/huawei-auth.ts',
      "import { x } from '../../../src-shared/kms/huawei-signer.js';",
    ],
  ];
  for (const [file, code] of ok) assert.deepEqual(await problems(file, code), [], `${file}: ${code}`);
});

void test('the project config applies the layering rule to every layer', async () => {
  const project = new ESLint({ cwd: root });
  const mainLayers = Object.keys((await layering()).LAYERS).filter((l) => l.startsWith('main/'));
  for (const f of [
    'src-renderer/App.tsx',
    'src-shared/errors.ts',
    ...mainLayers.map((l) => `src-${l}/x.ts`),
  ]) {
    const config: { rules?: Record<string, unknown> } = await project.calculateConfigForFile(
      path.join(root, f),
    );
    assert.deepEqual(config.rules?.['layering/imports'], [2], f);
  }
});
