import { stationKeyAt } from '../../audit/harness/fixture.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SecretBuffer } from '../../../../src-shared/secret-buffer.js';
import { readPlanFile } from '../../../../src-main/ceremony/plan-file.js';
import { runRehearsal, type RehearsalResult } from '../../../../src-main/cli/rehearsal.js';
import type { EngineOptions } from '../../../../src-main/ceremony/engine-options.js';
import { csprngMaterial, type MaterialSource } from '../../../../src-main/secrets/material-source.js';

export { setIn, getIn, type PlanDoc } from '../../../unit/ceremony/harness/plan-doc.js';

export const FIXTURES = path.resolve(__dirname, '../../../fixtures/plans');
/** Low scrypt cost for test speed, passed explicitly; the product default is 2^17. */
export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `keyrite-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function fixturePlan(name: string): Record<string, unknown> {
  return readPlanFile(path.join(FIXTURES, name)) as Record<string, unknown>;
}

/** Passphrase lines as --passphrase-fd takes them: one per holder, the custodians then the witnesses, in plan order. */
export function passphrasesFor(n: number, seed = 'rehearsal'): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => `${seed}-passphrase-${i + 1}`).join('\n') + '\n');
}

/** A material source that also keeps a copy, so a test can look for the material where it must not be. */
export function capturingSource(captured: Buffer[], inner: MaterialSource = csprngMaterial): MaterialSource {
  return async (spec) => {
    const m = await inner(spec);
    captured.push(m.use((b) => Buffer.from(b)));
    return m;
  };
}

/** The station passphrase the CLI tests give through KEYRITE_STATION_PASSPHRASE (meets the policy). */
export const STATION_PASSPHRASE = 'bench station seal for the test room 7';

export async function rehearse(
  out: string,
  planDoc: unknown,
  o: {
    planBase?: string;
    endpoint: string;
    passphrases?: Buffer;
    engine?: EngineOptions;
    lines?: string[];
    /** Resume the ceremony in `out` (as `--resume` does): the plan comes from there. */
    resume?: boolean;
  },
): Promise<RehearsalResult> {
  return runRehearsal({
    out,
    planDoc,
    ...(o.resume ? { resume: true } : {}),
    planBase: o.planBase ?? FIXTURES,
    endpoint: o.endpoint,
    ...(o.passphrases ? { passphraseLines: Buffer.from(o.passphrases) } : {}),
    // A station key per rehearsal directory, beside it, so a resumed rehearsal signs as the same station.
    engine: { scryptCost: TEST_SCRYPT, stationKey: stationKeyAt(`${out}.station-key`), ...o.engine },
    say: (l) => o.lines?.push(l),
  });
}

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Every encoding of `secret` a careless program might write. */
export function encodings(secret: Buffer): Buffer[] {
  return [
    secret,
    Buffer.from(secret.toString('hex')),
    Buffer.from(secret.toString('hex').toUpperCase()),
    Buffer.from(secret.toString('base64')),
    Buffer.from(secret.toString('base64url')),
  ];
}

export function findLeaks(dir: string, secrets: Buffer[]): string[] {
  const hits: string[] = [];
  for (const f of filesUnder(dir)) {
    const body = readFileSync(f);
    // One entry per file, however many encodings of how many secrets it holds.
    if (secrets.some((s) => encodings(s).some((e) => body.includes(e)))) hits.push(path.relative(dir, f));
  }
  return hits;
}

export function secretOf(bytes: Buffer): SecretBuffer {
  return SecretBuffer.adopt(Buffer.from(bytes));
}
