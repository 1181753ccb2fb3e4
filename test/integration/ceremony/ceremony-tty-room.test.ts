import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { STATION_PASSPHRASE, FIXTURES, tempDir } from './harness/ceremony.js';
import { assertScriptAvailable, atTerminal } from './harness/tty-session.js';

/*
 * `keyrite ceremony run` as a room meets it, at a real terminal (see harness/tty-session.ts): the environment
 * banner on every screen, identity and alias checked before anyone enrolls, the passphrase rule before
 * the first passphrase, the facts custodians approve (with the words they read aloud) before each
 * confirmation, any M of N confirming as the room chooses, a custodian passing without penalty, share
 * verification recording who is pending, and how to resume after the last failed try.
 */
let emu: RunningEmulator;
const tmp = tempDir('tty-room');
before(async () => {
  assertScriptAvailable();
  emu = await startEmulator();
});
after(async () => {
  await emu.close();
  tmp.cleanup();
});

const env = {
  ...process.env,
  KEYRITE_TEST: '1',
  KEYRITE_TEST_SCRYPT_LOG2N: '10',
  KEYRITE_STATION_PASSPHRASE: STATION_PASSPHRASE,
  NODE_NO_WARNINGS: '1',
};
const passphrase = (id: string) => `room-secret-of-${id}-Wv4-lantern`;
const PLAN = path.join(FIXTURES, 'rehearsal-symmetric.yaml');
const BANNER = 'REHEARSAL — Keyrite emulator of AWS KMS at';

/** Which custodian the room picks from a "Which custodian is next?" list: by id, as shown with its number. */
function pick(tail: string, want: string[]): string {
  const offered = [...tail.matchAll(/^ {2}(\d+) {2}(custodian-\d) = /gm)].map((m) => [m[1], m[2]] as const);
  for (const w of want) {
    const hit = offered.find(([, id]) => id === w);
    if (hit) return hit[0] as string;
  }
  return '';
}

void test('the room chooses any M of N, sees the facts and the environment on every screen; an absent custodian stays pending', async () => {
  const out = path.join(tmp.dir, 'room');
  // custodian-2 enrolls, then leaves the room: the others confirm, in the order the room chooses.
  let passes = 0;
  let last = '';
  const r = await atTerminal(
    ['ceremony', 'run', '--plan', PLAN, '--out', out, '--endpoint', emu.url],
    env,
    (tail) => {
      let m: RegExpMatchArray | null;
      if (/Type "yes" to proceed: /.test(tail)) return 'yes';
      if (/type "sign" to sign off the ceremony: /.test(tail)) return 'sign';
      if (/Which custodian is next\? [^\n]*: /.test(tail)) {
        // At the first confirmation the room first points at custodian-2, who passes (leaving it to others).
        if (/confirm/.test(tail) && passes === 0) return pick(tail, ['custodian-2']);
        return pick(tail, ['custodian-3', 'custodian-1']);
      }
      if (/type it again: /.test(tail)) return passphrase(last);
      if ((m = tail.match(/\(((?:custodian|witness)-\d)\), ([^\n]*?): /))) {
        const id = (last = m[1] as string);
        if (/confirm step/.test(m[2] as string) && id === 'custodian-2') {
          passes++;
          return '';
        }
        return passphrase(id);
      }
      return null;
    },
  );
  const shown = r.shown;
  assert.equal(r.code, 0, shown.slice(-3000));

  // Identity and alias before anyone enrolls; the passphrase rule before the first passphrase.
  const firstEnroll = shown.indexOf('choose your passphrase');
  assert.ok(firstEnroll > 0);
  const before = shown.slice(0, firstEnroll);
  assert.match(
    before,
    /pre-flight before enrollment:\n {2}account: +111122223333 \(the plan's\)\n {2}caller: +arn:aws:iam::111122223333:user\/keyrite-emulator\n {2}region: +us-east-1/,
  );
  assert.match(before, /alias alias\/keyrite-rehearsal is free/);
  assert.match(before, /Passphrase rule: A passphrase needs at least 12 characters/);

  // The banner opens the ceremony, every step's screen and the final summary.
  const banner = `${BANNER} ${emu.url}, account 111122223333, us-east-1 — NOT AWS: no real key is made`;
  const screens = [...shown.matchAll(/^Step ([a-z-]+) — /gm)];
  assert.ok(screens.length >= 6, 'a screen for each step people act in');
  for (const s of screens) {
    const above = shown.slice(0, s.index).trimEnd().split('\n').slice(-2)[0];
    assert.equal(above?.trim(), banner, `the banner opens the screen of step ${s[1]}`);
  }
  assert.ok(
    shown.indexOf(banner) < shown.indexOf('Type "yes" to proceed'),
    'the banner is above the digest question',
  );
  assert.ok(shown.lastIndexOf(banner) > shown.indexOf('✓ close'), 'and above the final summary');

  // The hand-over sheet and the report open with the same banner.
  const sheet = readFileSync(path.join(out, 'handover.txt'), 'utf8').split('\n');
  assert.equal(sheet[2], `*** ${banner} ***`);
  assert.match(
    sheet.join('\n'),
    /^environment: +rehearsal: Keyrite emulator of AWS KMS \(http:\/\/127\.0\.0\.1:\d+\), not AWS$/m,
  );
  const report = readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.ok(
    report.includes(`<p class="environment environment-emulator" role="note"><strong>${banner}</strong></p>`),
  );

  // The import's confirmation screen shows what is approved, as the app labels it, with words.
  const log = loadLog(path.join(out, 'audit.db')).records;
  const facts = Object.assign(
    {},
    ...log.filter((x) => x.type === 'step.completed').map((x) => x.payload['facts']),
  ) as Record<string, string>;
  const importScreen = shown.slice(shown.indexOf('Step import — '), shown.indexOf('confirm step import'));
  assert.match(importScreen, /Account \/ Region +111122223333 \/ us-east-1/);
  assert.ok(importScreen.includes(`Key ARN`) && importScreen.includes(facts['keyArn'] as string));
  assert.match(importScreen, /Wrapping algorithm +RSAES_OAEP_SHA_256/);
  const fp = facts['wrappingKeyFingerprint'] as string;
  assert.ok(importScreen.includes(`Wrapping key fingerprint (SHA-256)`) && importScreen.includes(fp));
  assert.ok(importScreen.includes(`(${toWords(fp)})`), 'the fingerprint with its words');
  const kcv = facts['kcv'] as string;
  assert.ok(importScreen.includes(`Key check value`) && importScreen.includes(`${kcv}`));
  assert.ok(importScreen.includes(`(${toWords(kcv)})`), 'the check value with its words');
  assert.match(importScreen, /Valid to +20\d\d-/);
  assert.match(importScreen, /Plan digest \(SHA-256\) +[0-9a-f]{64}/);

  // Any M of N, as the room chose; custodian-2's pass was no failure.
  assert.equal(passes, 1);
  assert.match(shown, /custodian-2 passed/);
  for (const q of log.filter((x) => x.type === 'step.quorum-met'))
    assert.deepEqual(
      q.payload['custodians'],
      ['custodian-3', 'custodian-1'],
      `step ${String(q.payload['stepId'])}`,
    );
  assert.equal(log.filter((x) => x.type === 'step.confirmation-refused').length, 0);
  assert.doesNotMatch(shown, /try 2 of 3/);
  // Share verification: custodian-1 and -3 now, custodian-2 pending — in the log and on screen.
  const verified = log.filter((x) => x.type === 'backup.share-verified').map((x) => x.payload['holder']);
  assert.deepEqual(verified.sort(), ['custodian-1', 'custodian-3']);
  const verifyStep = log.find((x) => x.type === 'step.completed' && x.payload['stepId'] === 'verify-shares');
  assert.match(
    String((verifyStep?.payload['facts'] as Record<string, string>)['note']),
    /2 of 3 shares verified now \(custodian-1, custodian-3\); pending: custodian-2/,
  );
  for (const id of ['custodian-1', 'custodian-2', 'custodian-3'])
    assert.ok(!shown.includes(passphrase(id)), `${id}'s passphrase was echoed`);
});

void test('after the last failed try the terminal says how to resume, and --resume finishes the ceremony', async () => {
  const out = path.join(tmp.dir, 'resume');
  // Its own emulator: the first test's key holds the plan's alias in the shared one.
  const emu = await startEmulator();
  try {
    let wrong = 0;
    let last = '';
    const first = await atTerminal(
      ['ceremony', 'run', '--plan', PLAN, '--out', out, '--endpoint', emu.url],
      env,
      (tail) => {
        let m: RegExpMatchArray | null;
        if (/Type "yes" to proceed: /.test(tail)) return 'yes';
        if (/Which custodian is next\? [^\n]*: /.test(tail)) return '1';
        if (/type it again: /.test(tail)) return passphrase(last);
        if ((m = tail.match(/\(((?:custodian|witness)-\d)\), ([^\n]*?): /))) {
          if (/confirm step generate-material/.test(m[2] as string)) {
            wrong++;
            return 'not the passphrase at all';
          }
          return passphrase((last = m[1] as string));
        }
        return null;
      },
    );
    assert.notEqual(first.code, 0, first.shown.slice(-2000));
    assert.equal(wrong, 3, 'three tries');
    assert.match(first.shown, /try 3 of 3/);
    const resume = `keyrite ceremony run --out "${out}" --resume --endpoint ${emu.url}`;
    assert.ok(first.shown.includes(`to continue: ${resume}`), first.shown.slice(-1500));

    const second = await atTerminal(
      ['ceremony', 'run', '--out', out, '--resume', '--endpoint', emu.url],
      env,
      (tail) => {
        let m: RegExpMatchArray | null;
        if (/Type "yes" to proceed: /.test(tail)) return 'yes';
        if (/type "sign" to sign off the ceremony: /.test(tail)) return 'sign';
        if (/Which custodian is next\? [^\n]*: /.test(tail)) return '1';
        if ((m = tail.match(/\(((?:custodian|witness)-\d)\), ([^\n]*?): /)))
          return passphrase(m[1] as string);
        return null;
      },
    );
    assert.equal(second.code, 0, second.shown.slice(-2000));
    assert.match(second.shown, /key state: +Enabled/);
    assert.ok(second.shown.includes(BANNER), 'a resumed run shows the banner too');
  } finally {
    await emu.close();
  }
});
