// Makes sure the Electron binary `npm start` runs is there, downloading it if needed (Electron's own
// install script), and when that is impossible says so in one paragraph instead of Electron's advice
// to delete node_modules/electron. Run by `prestart` before anything is built for Electron.
//
//   node src-main/build/electron-binary.mjs [--root DIR]
import { spawnSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The same test as Electron's install.js: dist/version matches and the executable path.txt names exists. */
export function electronInstalled(root) {
  const dir = path.join(root, 'node_modules', 'electron');
  try {
    const version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
    const installed = readFileSync(path.join(dir, 'dist', 'version'), 'utf8')
      .trim()
      .replace(/^v/, '');
    const exe = readFileSync(path.join(dir, 'path.txt'), 'utf8');
    return installed === version && existsSync(path.join(dir, 'dist', exe));
  } catch {
    return false;
  }
}

/** The one line of a failed download that says why (the network error), not its stack. */
export function downloadReason(output) {
  const lines = output.split('\n').map((l) => l.trim());
  const network = lines.find((l) =>
    /(ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ECONNREFUSED|ECONNRESET|ETIMEDOUT|timed out|certificate|HTTPError|status code \d{3})/i.test(
      l,
    ),
  );
  const reason = network ?? lines.find((l) => /error/i.test(l)) ?? lines.find((l) => l !== '') ?? 'no output';
  return reason.replace(/^\w*Error:\s*/, '').slice(0, 300);
}

export function failureParagraph(version, reason) {
  const mirror = process.env.ELECTRON_MIRROR
    ? `the mirror in ELECTRON_MIRROR (${process.env.ELECTRON_MIRROR})`
    : "Electron's download host (github.com, or a mirror named in ELECTRON_MIRROR)";
  return [
    `npm start: the desktop app needs the Electron ${version} binary, which is not installed and could not be downloaded (${reason}).`,
    `Check that this machine can reach ${mirror}, any proxy settings (HTTPS_PROXY), and that ELECTRON_SKIP_BINARY_DOWNLOAD is not set; then run npm start again.`,
    'Nothing else is affected: the command line works without Electron — `npx keyrite rehearse --out DIR` runs a whole ceremony against the embedded KMS emulator, and `npx keyrite --help` lists the other commands.',
  ].join(' ');
}

/**
 * Electron's installer reports a bare "fetch failed"; a direct look at the host says which part of the
 * network failed (name lookup, route, refusal, time-out), which is what a person can act on.
 */
export async function probeHost(url) {
  let host;
  let port;
  try {
    const u = new URL(url);
    host = u.hostname;
    port = Number(u.port) || (u.protocol === 'http:' ? 80 : 443);
  } catch {
    return `${url} is not a URL`;
  }
  let address;
  try {
    address = (await lookup(host)).address;
  } catch (e) {
    return `${host}: name lookup failed (${e.code ?? e.message})`;
  }
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 5000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(`${host}:${port} is reachable`);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`${host}:${port}: no answer within 5 s`);
    });
    socket.once('error', (e) => resolve(`${host}:${port}: ${e.code ?? e.message}`));
  });
}

async function main(argv) {
  const rootArg = argv.indexOf('--root');
  const root =
    rootArg >= 0
      ? path.resolve(argv[rootArg + 1])
      : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = path.join(root, 'node_modules', 'electron');
  if (!existsSync(path.join(dir, 'package.json'))) {
    console.error('npm start: node_modules/electron is missing: run `npm ci` first.');
    return 1;
  }
  const version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  if (electronInstalled(root)) return 0;
  console.log(`electron: downloading the Electron ${version} binary (once)…`);
  const r = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 10 * 60 * 1000,
    env: process.env,
  });
  if (r.status === 0 && electronInstalled(root)) return 0;
  const reason = r.error ? r.error.message : downloadReason(`${r.stderr ?? ''}\n${r.stdout ?? ''}`);
  const host = process.env.ELECTRON_MIRROR || 'https://github.com/';
  console.error(failureParagraph(version, `${reason}; ${await probeHost(host)}`));
  return 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
