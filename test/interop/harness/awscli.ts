// AWS CLI v2 (/usr/bin/aws) and OpenSSL pointed at an emulator, for interop tests that run the
// commands users type. No real AWS configuration can leak in: dummy credentials, no config files,
// no instance metadata.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../../src-main/emulator/index.js';

const run = promisify(execFile);
export const AWS = '/usr/bin/aws';
export const OPENSSL = '/usr/bin/openssl';

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliHarness {
  emulator: RunningEmulator;
  /** The work directory every script runs in. */
  dir: string;
  /** Runs a bash script; `aws` is AWS CLI v2 pointed at the emulator, `split_params` splits a params JSON. */
  sh(script: string): Promise<ShellResult>;
  /** As `sh`, but the script must succeed; returns its trimmed stdout. */
  ok(script: string): Promise<string>;
  close(): Promise<void>;
}

export async function startCliHarness(opts: EmulatorOptions = {}): Promise<CliHarness> {
  for (const [tool, pkg] of [
    [AWS, 'AWS CLI v2 (Debian package awscli)'],
    [OPENSSL, 'openssl'],
  ] as const) {
    if (!existsSync(tool)) throw new Error(`interop tests need ${tool}: install ${pkg}`);
  }
  const emulator = await startEmulator(opts);
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-awscli-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'y',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ENDPOINT: emulator.url,
  };
  const prelude =
    `set -u\ncd "${dir}"\naws() { ${AWS} --endpoint-url "$ENDPOINT" "$@"; }\n` +
    // get-parameters-for-import JSON → PublicKey and ImportToken as binary files (as the docs' base64 step does).
    `split_params() { "${process.execPath}" -e 'const fs=require("fs");const d=JSON.parse(fs.readFileSync(process.argv[1]));` +
    `fs.writeFileSync(process.argv[2],Buffer.from(d.PublicKey,"base64"));fs.writeFileSync(process.argv[3],Buffer.from(d.ImportToken,"base64"))' "$@"; }\n`;
  const sh = async (script: string): Promise<ShellResult> => {
    try {
      const { stdout, stderr } = await run('/bin/bash', ['-c', prelude + script], {
        env,
        maxBuffer: 1 << 22,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return {
        code: typeof err.code === 'number' ? err.code : 1,
        stdout: err.stdout ?? '',
        stderr: err.stderr ?? '',
      };
    }
  };
  return {
    emulator,
    dir,
    sh,
    async ok(script) {
      const r = await sh(script);
      assert.equal(r.code, 0, `script failed (${r.code}):\n${script}\nstderr: ${r.stderr}`);
      return r.stdout.trim();
    },
    async close() {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
