// `keyrite emulator --huawei-port` as a user runs it through the real launcher: it prints the Huawei
// endpoint, project and the HUAWEICLOUD_SDK_* variables, and Keyrite's own Huawei gateway, configured
// from exactly those printed lines, creates a key there that survives a restart with --state.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadHuaweiCredentials } from '../../../src-main/kms/huawei/credentials.js';
import { createHuaweiKms } from '../../../src-main/kms/huawei/huawei-kms.js';
import { LAUNCHER, assertOneReasonOneHint, isolatedEnv, keyriteSync } from '../cli/harness/launcher.js';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyrite-emu-huawei-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the emulator and resolves once it printed the Huawei signing line (the last of its banner). */
function start(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [LAUNCHER, 'emulator', ...args], {
    cwd: dir,
    env: isolatedEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (/HUAWEICLOUD_SDK_PROJECT_ID=\S+\n/.test(out)) resolve({ child, output: () => out, exited });
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
    void exited.then((code) => reject(new Error(`emulator exited (${code}) early: ${out}${err}`)));
  });
}

/** The printed `NAME=value` words, as a person would paste them into their shell. */
function printedEnv(out: string): NodeJS.ProcessEnv {
  const line = out.split('\n').find((l) => l.includes('HUAWEICLOUD_SDK_AK=')) ?? '';
  return Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .map((w) => w.split('=') as [string, string]),
  );
}

function gatewayFrom(out: string) {
  const url = /huawei listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  const region = /huawei region (\S+), project/.exec(out)?.[1];
  assert.ok(url && region, out);
  const env = printedEnv(out);
  const credentials = loadHuaweiCredentials({ env });
  assert.ok(credentials.projectId);
  return createHuaweiKms({
    region,
    projectId: credentials.projectId,
    endpoint: url,
    credentials,
    maxAttempts: 1,
  });
}

void describe('keyrite emulator --huawei-port', () => {
  void test('serves Huawei KMS with the printed credentials, and keeps its keys across a restart', async () => {
    const state = path.join(dir, 'both.sqlite');
    const project = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
    const args = [
      '--state',
      state,
      '--huawei-port',
      '0',
      '--huawei-region',
      'cn-north-4',
      '--huawei-project',
      project,
    ];
    const first = await start(args);
    assert.match(first.output(), /^listening on http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(first.output(), /huawei region cn-north-4, project a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5/);
    const kms1 = gatewayFrom(first.output());
    const created = await kms1.createKey({ alias: 'ceremony-key', description: 'd', tags: {} });
    assert.equal(created.keyState, 'PendingImport');
    assert.equal(created.origin, 'external');
    kms1.close();
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);

    const second = await start(args);
    const kms2 = gatewayFrom(second.output());
    const again = await kms2.describeKey(created.keyId);
    assert.equal(again.keyAlias, 'ceremony-key');
    assert.equal(again.keyState, 'PendingImport');
    kms2.close();
    second.child.kill('SIGINT');
    assert.equal(await second.exited, 0);
  });

  void test('without --huawei-port it serves AWS only and prints nothing about Huawei', async () => {
    const child = spawn(process.execPath, [LAUNCHER, 'emulator'], { cwd: dir, env: isolatedEnv(dir) });
    let out = '';
    await new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/every region/.test(out)) resolve();
      }),
    );
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    assert.doesNotMatch(out, /huawei/i);
  });

  for (const [args, reason] of [
    [
      ['--huawei-port', '0', '--huawei-project', 'not-a-project'],
      /--huawei-project must be 32 lower-case hex/,
    ],
    [['--huawei-port', '0', '--huawei-region', 'Mars'], /--huawei-region must be a Huawei Cloud region id/],
    [['--huawei-region', 'ap-southeast-1'], /need --huawei-port/],
    [['--huawei-port', '70000'], /--huawei-port must be a number from 0 to 65535/],
    [['--port', '4601', '--huawei-port', '4601'], /--port and --huawei-port must differ/],
  ] as const) {
    void test(`refuses ${args.join(' ')} before listening`, () => {
      const r = keyriteSync(['emulator', ...args], { cwd: dir });
      assertOneReasonOneHint(r, reason);
      assert.doesNotMatch(r.stdout, /listening/);
    });
  }
});
