import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { assertBuilt, LAUNCHER } from '../cli/harness/launcher.js';
import { STATION_PASSPHRASE, FIXTURES, tempDir } from './harness/ceremony.js';

/*
 * `keyrite ceremony run` at a real terminal: util-linux `script` gives the CLI a pseudo-terminal, and
 * this test types at the prompts as people would — only after each prompt appears, so the terminal is
 * already in no-echo mode. The passphrases must never appear in what the terminal shows.
 */
let emu: RunningEmulator;
const tmp = tempDir('tty');
void before(async () => {
  assertBuilt();
  if (spawnSync('script', ['--version']).status !== 0)
    throw new Error(
      'this test needs util-linux `script` (apt-get install bsdutils) to give the CLI a terminal',
    );
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

const passphrase = (id: string) => `tty-secret-of-${id}-Zq7`;

void test('custodians type passphrases at a terminal without echo, may retype a mistake; the ceremony completes', async () => {
  const out = path.join(tmp.dir, 'run');
  // The rehearsal plan with a cap on wrong passphrases, so the prompts say how many tries remain.
  const plan = path.join(tmp.dir, 'plan.yaml');
  writeFileSync(
    plan,
    `${readFileSync(path.join(FIXTURES, 'rehearsal-symmetric.yaml'), 'utf8')}passphraseAttempts: 3\n`,
  );
  const cmd = [
    process.execPath,
    LAUNCHER,
    'ceremony',
    'run',
    '--plan',
    plan,
    '--out',
    out,
    '--endpoint',
    emu.url,
  ].join(' ');
  let lastCustodian = '';
  let mistyped = false;
  let triedWeak = false;
  let declined = false;
  let generated = '';
  const secretOf = (id: string) => (id === 'custodian-3' ? generated : passphrase(id));
  /** One sitting at the terminal: answers each prompt as it appears; what the terminal showed. */
  const sitting = async (command: string): Promise<{ code: number | null; shown: string }> => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: {
        ...process.env,
        KEYRITE_TEST: '1',
        KEYRITE_TEST_SCRYPT_LOG2N: '10',
        KEYRITE_STATION_PASSPHRASE: STATION_PASSPHRASE,
        NODE_NO_WARNINGS: '1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let shown = '';
    let answered = 0;
    child.stdout.on('data', (d: Buffer) => {
      shown += d.toString();
      const tail = shown.slice(answered);
      let reply: string | null = null;
      let m: RegExpMatchArray | null;
      // A prompt may be followed by unrelated output (a runtime warning), so it is looked for anywhere
      // in what arrived since the last answer, not only at the end.
      if (/Type "yes" to proceed: /.test(tail)) reply = 'yes';
      else if (/type "sign" to sign off the ceremony: /.test(tail)) reply = 'sign';
      // The room picks who acts: here always the first custodian offered (plan order).
      else if (/Which custodian is next\? [^\n]*: /.test(tail)) reply = '1';
      else if ((m = tail.match(/your passphrase: ([a-z -]+)\r?\n[^]*type it to confirm: /))) {
        generated = m[1] as string;
        reply = generated;
      } else if (/type it again: /.test(tail))
        reply =
          triedWeak && lastCustodian === 'custodian-1' && !/too easy/.test(shown)
            ? 'qwertyuiop'
            : passphrase(lastCustodian);
      // Custodians and the witness (who enrolls a key and signs off with it).
      else if ((m = tail.match(/\(((?:custodian|witness)-\d)\), ([^:\n]*): /))) {
        lastCustodian = m[1] as string;
        const choosing = /choose your passphrase/.test(m[2] as string);
        // custodian-1 first tries a passphrase the policy refuses; custodian-3 takes a generated one.
        if (choosing && lastCustodian === 'custodian-1' && !triedWeak) {
          triedWeak = true;
          reply = 'qwertyuiop';
        } else if (choosing && lastCustodian === 'custodian-3') reply = '';
        // The witness is not ready the first time: Enter alone stops the run without signing.
        else if (lastCustodian === 'witness-1' && /sign off/.test(m[2] as string) && !declined) {
          declined = true;
          reply = '';
        } else {
          // One slip of the fingers: custodian-2's first confirmation is mistyped, then typed again.
          const slip =
            lastCustodian === 'custodian-2' &&
            /confirm step generate-material/.test(m[2] as string) &&
            !mistyped;
          reply = slip ? 'not-the-right-passphrase' : secretOf(lastCustodian);
          if (slip) mistyped = true;
        }
      }
      if (reply !== null) {
        answered = shown.length;
        child.stdin.write(reply + '\r');
      }
    });
    // A prompt this test fails to recognise would otherwise wait forever.
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(guard);
    return { code, shown };
  };
  const first = await sitting(cmd);
  // Enter alone at the witness's sign-off: the run stops, says so in words, and records nothing.
  assert.equal(first.code, 1, first.shown.slice(-2000));
  assert.match(
    first.shown,
    /\(witness-1\), sign off the ceremony with your passphrase [^:\n]*\(Enter alone to stop without signing\): /,
  );
  assert.match(first.shown, /witness witness-1 did not sign off; nothing was recorded/);
  assert.match(first.shown, /to continue: keyrite ceremony run --out .* --resume/);
  assert.doesNotMatch(first.shown, /witness-1 passed|bug in Keyrite/);
  const second = await sitting(`${cmd} --resume`);
  const code = second.code;
  const shown = first.shown + second.shown;
  assert.equal(code, 0, shown.slice(-2000));
  assert.match(shown, /key state: +Enabled/);
  assert.match(shown, /custodian-3\), choose your passphrase/);
  assert.ok(mistyped);
  // The wrong passphrase is counted against the plan's cap, and the next prompt says what is left.
  assert.match(
    shown,
    /does not open this custodian key \(2 attempts left at this step; next try in 1 s\).*try 2 of 3/,
  );
  assert.match(
    shown,
    /custodian-2\), confirm step generate-material \(2 of 3 passphrase attempts left at this step\) \(Enter alone to pass\): /,
  );
  const db = new Database(path.join(out, 'audit.db'), { readonly: true });
  const refused = db
    .prepare("SELECT actor, payload FROM records WHERE type = 'step.passphrase-refused'")
    .all() as { actor: string; payload: string }[];
  // Custodian-3 sealed the generator's own bytes (what was typed back only proved recall): judged by
  // its bits; the others typed theirs, which were estimated.
  const strengths = Object.fromEntries(
    (
      db.prepare("SELECT actor, payload FROM records WHERE type = 'participant.enrolled'").all() as {
        actor: string;
        payload: string;
      }[]
    ).map((r) => [r.actor, JSON.parse(r.payload).strength]),
  );
  db.close();
  assert.deepEqual(strengths, {
    'custodian-1': { origin: 'chosen', judged: 'estimated' },
    'custodian-2': { origin: 'chosen', judged: 'estimated' },
    'custodian-3': { origin: 'generated', method: 'words', bits: 77 },
    'witness-1': { origin: 'chosen', judged: 'estimated' },
  });
  assert.deepEqual(
    refused.map((r) => [r.actor, JSON.parse(r.payload).stepId, JSON.parse(r.payload).remaining]),
    [['custodian-2', 'generate-material', 2]],
  );
  assert.match(shown, /too easy to guess.*try 2 of 3/);
  // The witness enrolled a key at the terminal and signed the sign-off with it.
  assert.match(shown, /Rehearsal Witness \(witness-1\), choose your passphrase to enroll/);
  assert.match(shown, /\(witness-1\), sign off the ceremony with your passphrase/);
  const verified = spawnSync(process.execPath, [LAUNCHER, 'audit', 'verify', path.join(out, 'audit.db')], {
    encoding: 'utf8',
    env: { ...process.env, KEYRITE_TEST: '1', NODE_NO_WARNINGS: '1' },
  });
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /witness witness-1 sign-off at record \d+: signature verified/);
  assert.ok(!shown.includes('qwertyuiop'), 'a refused passphrase is not echoed either');
  for (const id of ['custodian-1', 'custodian-2', 'witness-1'])
    assert.ok(!shown.includes(passphrase(id)), `${id}'s passphrase was echoed`);
  // The generated passphrase is shown once, to its custodian, and never echoed when typed back.
  assert.equal(generated.split(' ').length, 6);
  assert.equal(shown.split(generated).length - 1, 1);
});
