// The offline station's composition may not import a KMS client (issue 11: "a lint rule or test
// proves it"): the rule of eslint-offline.mjs refuses each such import in each of its files, the
// project's ESLint config applies it, and it covers every module the offline station loads statically
// (the runtime probe in test/integration/airgap/station-cli.test.ts covers what actually loads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const root = path.resolve(__dirname, '../../..');

interface Offline {
  OFFLINE_FILES: string[];
  offlineStationConfig: (base: unknown[]) => Linter.Config;
}

async function offline(): Promise<Offline> {
  const m: Offline = await import(pathToFileURL(path.join(root, 'eslint-offline.mjs')).href);
  return m;
}

async function problems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
      (await offline()).offlineStationConfig([]),
    ],
  });
  const [r] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (r?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const REFUSED = /no-restricted-imports: .*The offline station never loads a KMS client/;

void test('each KMS client import is refused in the offline station’s files', async () => {
  const cases: Array<[string, string]> = [
    ['src-main/airgap/station-half.ts', "import { createKmsGateway } from '../kms/kms-gateway.js';"],
    ['src-main/ceremony/probe.ts', "import { kmsPortFromGateway } from '../kms/aws-kms-port.js';"],
    ['src-main/ceremony/steps/probe.ts', "import { KMSClient } from '@aws-sdk/client-kms';"],
    ['src-main/audit/probe.ts', "export * from '../kms/kms-for-plan.js';"],
    ['src-main/kms/offline-kms-port.ts', "import { huaweiKmsPort } from './huawei/huawei-kms-port.js';"],
    ['src-main/kms/kms-port.ts', "import { createKmsGateway } from './kms-gateway.js';"],
    ['src-main/cli/ceremony-station.ts', "import { startEmulator } from '../emulator/index.js';"],
    ['src-main/media/probe.ts', "import { NodeHttpHandler } from '@smithy/node-http-handler';"],
  ];
  for (const [file, code] of cases)
    assert.match((await problems(file, code)).join('\n'), REFUSED, `${file}: ${code}`);
});

void test('what the rule leaves alone: type-only imports, the KMS port, and the online front end’s lazy client', async () => {
  assert.deepEqual(
    await problems('src-main/ceremony/probe.ts', "import type { KmsGateway } from '../kms/kms-gateway.js';"),
    [],
  );
  assert.deepEqual(
    await problems(
      'src-main/airgap/probe.ts',
      "import { OFFLINE_KMS_PORT } from '../kms/offline-kms-port.js';",
    ),
    [],
  );
  assert.deepEqual(
    await problems(
      'src-main/cli/ceremony-run.ts',
      "import { createKmsGateway } from '../kms/kms-gateway.js';",
    ),
    [],
  );
});

void test('the project’s ESLint config applies the rule, keeping the refusals every main file has', async () => {
  const eslint = new ESLint({ cwd: root });
  for (const file of ['src-main/airgap/station-half.ts', 'src-main/ceremony/ceremony-service.ts']) {
    const config = (await eslint.calculateConfigForFile(path.join(root, file))) as Linter.Config;
    const text = JSON.stringify(config.rules?.['no-restricted-imports']);
    assert.match(text, /The offline station never loads a KMS client/, file);
    assert.match(text, /Only the Electron shell/, `${file} keeps the electron refusal`);
  }
});

/** Static (non-type) relative imports of a module, resolved to .ts files. */
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'(\.[^']+)'/gm)) {
    const t = path.resolve(path.dirname(file), m[1]!).replace(/\.js$/, '.ts');
    if (existsSync(t)) out.push(t);
  }
  return out;
}

void test('the rule covers every main-process module the offline station loads statically', async () => {
  const { OFFLINE_FILES } = await offline();
  const covered = (rel: string) =>
    OFFLINE_FILES.some((g) => (g.endsWith('/**') ? rel.startsWith(g.slice(0, -2)) : rel === g));
  const seen = new Set<string>();
  const stack = [path.join(root, 'src-main/cli/ceremony-station.ts')];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...importsOf(f));
  }
  const main = [...seen].map((f) => path.relative(root, f)).filter((f) => f.startsWith('src-main/'));
  assert.ok(
    main.includes('src-main/airgap/station-half.ts') && main.length > 50,
    'the walk found the composition',
  );
  assert.deepEqual(
    main.filter((f) => !covered(f)),
    [],
    'add these to OFFLINE_FILES in eslint-offline.mjs (or stop the offline station loading them)',
  );
});
