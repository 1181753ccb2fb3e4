import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { dispatch } from '../../../src-main/ipc/register-handlers.js';
import type { OperationName } from '../../../src-shared/ipc/index.js';
import { composeRehearsal } from './harness/compose-rehearsal.js';

/**
 * The passphrase policy as front ends see it, through the real handlers (sender check, size, request and
 * response schemas) over the composed services: what the policy operation says is what enrollment
 * enforces, and the check judges a candidate exactly as enrollment does.
 */
const data = mkdtempSync(path.join(tmpdir(), 'keyrite-ipc-pass-'));
after(() => rmSync(data, { recursive: true, force: true }));
const plan = path.join(data, 'plan.json');
writeFileSync(plan, JSON.stringify(defaultRehearsalPlan()));
const trusted = () => true;
/** Passphrases cross IPC as bytes (the renderer encodes what was typed as UTF-8). */
const bytes = (text: string) => new TextEncoder().encode(text);

void test('policy, check and generate agree with what enrollment enforces', async () => {
  const { services, close } = await composeRehearsal(data, () => plan);
  const call = async (name: OperationName, req: unknown) => {
    const r = await dispatch(name, services, trusted, {} as never, [req]);
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value as Record<string, unknown>;
  };
  try {
    const policy = await call('passphrase.policy', {});
    assert.equal(policy['minGuessesLog10'], 12);
    assert.equal(policy['minCharacters'], 12);
    assert.match(String(policy['rule']), /10\^12 guesses/);
    assert.deepEqual(policy['kdf'], { algorithm: 'scrypt', N: 2 ** 18, r: 8, p: 1, memoryMiB: 256 });

    assert.equal((await call('ceremony.loadPlan', {}))['status'], 'chosen');
    const weak = await call('passphrase.check', {
      passphrase: bytes('qwertyuiop'),
      custodianId: 'custodian-1',
    });
    assert.equal(weak['acceptable'], false);
    assert.ok((weak['problems'] as string[]).length > 0);
    assert.ok(!JSON.stringify(weak).includes('qwertyuiop'), 'the verdict never repeats the passphrase');
    // What the meter refused, enrollment refuses, with the same reason.
    await assert.rejects(
      call('ceremony.enroll', { custodianId: 'custodian-1', passphrase: bytes('qwertyuiop') }),
      {
        code: 'PASSPHRASE_WEAK',
      },
    );

    const generated = await call('passphrase.generate', { custodianId: 'custodian-1' });
    const words = String(generated['passphrase']).split(' ');
    assert.equal(words.length, 6);
    assert.equal(generated['bits'], 77);
    const verdict = await call('passphrase.check', {
      passphrase: bytes(String(generated['passphrase'])),
      custodianId: 'custodian-1',
    });
    assert.equal(verdict['acceptable'], true);
    const enrolled = await call('ceremony.enroll', {
      custodianId: 'custodian-1',
      passphrase: bytes(String(generated['passphrase'])),
    });
    assert.equal(enrolled['custodianId'], 'custodian-1');
  } finally {
    await close();
  }
});
