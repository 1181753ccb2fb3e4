// `keyrite emulator` as a user runs it: a foreground process that prints its URL when ready, serves the
// AWS SDK, keeps state with --state across restarts, and stops cleanly on SIGINT and SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertBuilt, LAUNCHER } from '../cli/harness/launcher.js';
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';

let dir: string;

before(() => {
  assertBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'keyrite-emu-cli-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [LAUNCHER, 'emulator', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1], output: () => out, exited });
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    void exited.then(({ code }) =>
      reject(new Error(`emulator exited (${code}) before listening: ${out}${err}`)),
    );
  });
}

function client(url: string): KMSClient {
  return new KMSClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
}

void describe('keyrite emulator', () => {
  void test('serves the SDK, keeps --state across a SIGTERM restart, and stops on SIGINT', async () => {
    const statePath = path.join(dir, 'rehearsal.sqlite');
    const first = await startCli(['--state', statePath]);
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const kms1 = client(first.url);
    const created = await kms1.send(
      new CreateKeyCommand({ Origin: 'EXTERNAL', Description: 'survives restart' }),
    );
    kms1.destroy();
    first.child.kill('SIGTERM');
    const end1 = await first.exited;
    assert.equal(end1.code, 0);
    assert.match(first.output(), /stopped \(SIGTERM\)/);

    const second = await startCli(['--state', statePath]);
    const kms2 = client(second.url);
    const d = await kms2.send(new DescribeKeyCommand({ KeyId: created.KeyMetadata?.KeyId }));
    assert.equal(d.KeyMetadata?.Description, 'survives restart');
    assert.equal(d.KeyMetadata?.KeyState, 'PendingImport');
    kms2.destroy();
    second.child.kill('SIGINT');
    const end2 = await second.exited;
    assert.equal(end2.code, 0);
    assert.match(second.output(), /stopped \(SIGINT\)/);
  });

  void test('--port is honoured; a port in use and a bad --port are reported with a hint', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = spawn(process.execPath, [LAUNCHER, 'emulator', '--port', String(port)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      busy.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => busy.on('exit', (c) => resolve(c)));
      assert.equal(code, 1);
      assert.match(err, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
      assert.match(err, /hint:/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    const fixed = await startCli([
      '--port',
      String(port),
      '--region',
      'eu-west-1',
      '--account',
      '444455556666',
    ]);
    assert.equal(fixed.url, `http://127.0.0.1:${port}`);
    const kms = new KMSClient({
      region: 'eu-west-1',
      endpoint: fixed.url,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    const key = await kms.send(new CreateKeyCommand({}));
    kms.destroy();
    assert.match(key.KeyMetadata?.Arn ?? '', /^arn:aws:kms:eu-west-1:444455556666:key\//);
    fixed.child.kill('SIGTERM');
    assert.equal((await fixed.exited).code, 0);

    const bad = spawn(process.execPath, [LAUNCHER, 'emulator', '--port', 'eighty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let badErr = '';
    bad.stderr.on('data', (d: Buffer) => (badErr += d.toString()));
    const badCode = await new Promise<number | null>((resolve) => bad.on('exit', (c) => resolve(c)));
    assert.equal(badCode, 1);
    assert.match(badErr, /--port must be a number/);
  });
});
