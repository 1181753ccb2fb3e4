// The Electron-ABI build of the SQLite addon, run for real: node-gyp, the compiler, and Electron-style
// headers served the way Electron's header host serves them (no network: a loopback server). The
// environment carries npm_config_nodedir=/usr exactly as `npm start` does on a machine whose npm is
// set to build against the local Node's headers — the case that used to produce a Node build and
// call it "ok".
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'src-main', 'build', 'native-electron.mjs');
const NODE_HEADERS = '/usr/include/node';
const ELECTRON = '45.4.1';
const ELECTRON_ABI = 150;

let work: string;
let server: Server;
let headersUrl: string;
/** The served tarball, per test: Electron's headers, or Node's own under Electron's name. */
let tarball: Buffer;

function headersTarball(moduleVersion: number): Buffer {
  const stage = mkdtempSync(path.join(work, 'headers-'));
  const include = path.join(stage, `node-v${ELECTRON}`, 'include', 'node');
  mkdirSync(path.dirname(include), { recursive: true });
  // OpenSSL's per-architecture trees are not needed to compile an addon and are most of the bulk.
  cpSync(NODE_HEADERS, include, {
    recursive: true,
    dereference: true,
    filter: (src) => !src.startsWith(path.join(NODE_HEADERS, 'openssl')),
  });
  const versionH = path.join(include, 'node_version.h');
  const text = readFileSync(versionH, 'utf8');
  const patched = text.replace(
    /#define NODE_MODULE_VERSION \d+/,
    `#define NODE_MODULE_VERSION ${moduleVersion}`,
  );
  assert.notEqual(
    moduleVersion === ELECTRON_ABI ? patched : '',
    text,
    'node_version.h has a NODE_MODULE_VERSION',
  );
  writeFileSync(versionH, patched);
  const out = path.join(stage, 'headers.tar.gz');
  // File entries only, as the published headers tarballs are read by node-gyp's extractor.
  const files = execFileSync('find', [`node-v${ELECTRON}`, '-type', 'f'], { cwd: stage, encoding: 'utf8' });
  execFileSync('tar', ['-czf', out, '-C', stage, '-T', '-'], { input: files });
  return readFileSync(out);
}

/** A project root whose better-sqlite3 is a tiny addon named like the real one (compiles in seconds). */
function project(): string {
  const root = mkdtempSync(path.join(work, 'project-'));
  const nm = path.join(root, 'node_modules');
  mkdirSync(path.join(nm, 'electron'), { recursive: true });
  writeFileSync(path.join(nm, 'electron', 'package.json'), JSON.stringify({ version: ELECTRON }));
  writeFileSync(path.join(nm, 'electron', 'abi_version'), String(ELECTRON_ABI));
  const addon = path.join(nm, 'better-sqlite3');
  mkdirSync(addon, { recursive: true });
  writeFileSync(
    path.join(addon, 'package.json'),
    JSON.stringify({ name: 'better-sqlite3', version: '12.9.0' }),
  );
  writeFileSync(
    path.join(addon, 'binding.gyp'),
    JSON.stringify({ targets: [{ target_name: 'better_sqlite3', sources: ['addon.cc'] }] }),
  );
  writeFileSync(
    path.join(addon, 'addon.cc'),
    // NODE_MODULE_INIT, as better-sqlite3 registers itself: it exports node_register_module_v<ABI>.
    '#include <node.h>\nNODE_MODULE_INIT(/* exports, module, context */) {}\n',
  );
  symlinkSync(path.join(ROOT, 'node_modules', 'node-gyp'), path.join(nm, 'node-gyp'));
  return root;
}

function runScript(root: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, '--root', root], {
      env: {
        ...process.env,
        npm_config_nodedir: '/usr',
        npm_config_devdir: path.join(root, 'gyp-cache'),
        KEYRITE_ELECTRON_HEADERS_URL: headersUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

const addonFile = (root: string): string =>
  path.join(
    root,
    '.native',
    'electron',
    ELECTRON,
    'better-sqlite3',
    'build',
    'Release',
    'better_sqlite3.node',
  );
/** Registration symbols in the binary (a name may appear in both the symbol and dynamic tables). */
const abiOf = (file: string): string[] => [
  ...new Set(
    readFileSync(file)
      .toString('latin1')
      .match(/node_register_module_v\d+/g) ?? [],
  ),
];

before(async () => {
  for (const f of ['/usr/bin/python3', '/usr/bin/make', '/usr/bin/g++', path.join(NODE_HEADERS, 'node.h')])
    assert.ok(
      (() => {
        try {
          readFileSync(f);
          return true;
        } catch {
          return false;
        }
      })(),
      `the native build test needs ${f}: install python3, make, g++ and Node's headers (Debian: nodejs-dev or the Node tarball's include/)`,
    );
  work = mkdtempSync(path.join(tmpdir(), 'keyrite-native-abi-'));
  server = createServer((req, res) => {
    const name = `node-v${ELECTRON}-headers.tar.gz`;
    const body =
      req.url === `/v${ELECTRON}/${name}`
        ? tarball
        : req.url === `/v${ELECTRON}/SHASUMS256.txt`
          ? Buffer.from(`${createHash('sha256').update(tarball).digest('hex')}  ${name}\n`)
          : null;
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  headersUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((r) => server?.close(r));
  if (work) rmSync(work, { recursive: true, force: true });
});

void test('with npm’s nodedir pointing at Node’s headers, the build still targets Electron’s ABI and says it checked', async () => {
  tarball = headersTarball(ELECTRON_ABI);
  const root = project();
  const r = await runScript(root);
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(abiOf(addonFile(root)), [`node_register_module_v${ELECTRON_ABI}`]);
  assert.match(r.out, /native-electron: ok → .*\(NODE_MODULE_VERSION 150, checked\)/);
  const again = await runScript(root);
  assert.match(again.out, /already built for Electron 45\.4\.1 \(NODE_MODULE_VERSION 150\)/);
});

void test('headers that are really Node’s give a Node build: refused loudly, nothing left behind', async () => {
  tarball = headersTarball(Number(process.versions.modules));
  const root = project();
  const r = await runScript(root);
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.out.slice(-3000),
    new RegExp(
      `is for NODE_MODULE_VERSION ${process.versions.modules}, but Electron 45\\.4\\.1 needs 150 \\(${process.versions.modules} is this Node's own`,
    ),
  );
  assert.match(r.out, /Check `npm config get nodedir`/);
  assert.throws(() => readFileSync(addonFile(root)), /ENOENT/);
});
