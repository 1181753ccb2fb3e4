// Runs Doyensec's electronegativity over Keyrite's sources, writes SARIF, and fails on any HIGH or
// MEDIUM finding. There is no allowlist: what the scanner cannot see (e.g. webPreferences built
// elsewhere) is written where it can see it instead.
// electronegativity always exits 0 and its SARIF carries no severity, so severities come from the
// runner's own result objects, joined to the SARIF results by rule and location; a SARIF result
// whose severity cannot be found is treated as HIGH (fail closed).
//
//   node test/static/electronegativity.mjs [--out FILE.sarif]
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, '..', '..');
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

/** The app's sources as shipped: main, shared, renderer, with index.html's CSP filled in as Vite does. */
export function stageSources(root, cspMeta) {
  const stage = mkdtempSync(path.join(tmpdir(), 'keyrite-electronegativity-'));
  for (const dir of ['src-main', 'src-shared', 'src-renderer'])
    cpSync(path.join(root, dir), path.join(stage, dir), { recursive: true });
  const index = path.join(stage, 'src-renderer', 'index.html');
  writeFileSync(index, readFileSync(index, 'utf8').replace('%KEYRITE_CSP%', cspMeta));
  cpSync(path.join(root, 'package.json'), path.join(stage, 'package.json'));
  return stage;
}

export async function scan({ input, sarifPath, electronVersion }) {
  const run = require('@doyensec/electronegativity');
  rmSync(sarifPath, { force: true });
  const result = await run(
    {
      input,
      output: sarifPath,
      isSarif: true,
      isRelative: true,
      isVerbose: false,
      electronVersionOverride: electronVersion,
    },
    false,
  );
  const sarif = await readSarifWhenWritten(sarifPath);
  const issues = result.issues ?? [];
  const findings = (sarif.runs?.[0]?.results ?? []).map((r) => {
    const loc = r.locations?.[0]?.physicalLocation;
    const file = loc?.artifactLocation?.uri ?? 'N/A';
    const line = loc?.region?.startLine ?? 0;
    const issue = issues.find(
      (i) =>
        i.id === r.ruleId &&
        (i.file === file || (i.file === 'N/A' && file === 'file:///')) &&
        Math.max(1, i.location?.line ?? 0) === line,
    );
    return {
      rule: r.ruleId,
      file,
      line,
      message: r.message?.text ?? '',
      severity: issue?.severity?.name ?? 'HIGH',
      confidence: issue?.confidence?.name ?? 'UNKNOWN',
      manualReview: r.level === 'note',
    };
  });
  return { findings, errors: result.errors ?? [] };
}

/** electronegativity writes the SARIF with an un-awaited fs.writeFile: wait until it parses. */
async function readSarifWhenWritten(file) {
  for (let i = 0; i < 200; i++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      await new Promise((r) => globalThis.setTimeout(r, 50));
    }
  }
  throw new Error(`electronegativity wrote no readable SARIF at ${file}`);
}

/** A finding blocks when it is HIGH or MEDIUM; nothing excuses one. */
export function judge(findings) {
  return findings.map((f) => ({ ...f, blocking: BLOCKING.has(f.severity) }));
}

async function main(argv) {
  const outArg = argv.indexOf('--out');
  const sarifPath =
    outArg >= 0 ? path.resolve(argv[outArg + 1]) : path.join(projectRoot, 'electronegativity.sarif');
  const { CONTENT_SECURITY_POLICY_META } = await import('../src-shared/ipc/csp.ts').catch(() => ({}));
  if (!CONTENT_SECURITY_POLICY_META)
    throw new Error('run with `node --import tsx` so the CSP constant can be read');
  const stage = stageSources(projectRoot, CONTENT_SECURITY_POLICY_META);
  try {
    const electronVersion = JSON.parse(
      readFileSync(path.join(projectRoot, 'node_modules', 'electron', 'package.json'), 'utf8'),
    ).version;
    const { findings } = await scan({ input: stage, sarifPath, electronVersion });
    const judged = judge(findings);
    for (const f of judged) {
      const mark = f.blocking ? 'BLOCKING' : 'info    ';
      console.log(`${mark} ${f.severity.padEnd(13)} ${f.rule} ${f.file}:${f.line}`);
    }
    const blocking = judged.filter((f) => f.blocking);
    console.log(
      `electronegativity: ${judged.length} findings, ${blocking.length} blocking; SARIF at ${sarifPath}`,
    );
    return blocking.length === 0 ? 0 : 1;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`electronegativity: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(2);
    },
  );
}
