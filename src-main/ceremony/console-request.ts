import type { CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import type { StepId } from '../../src-shared/ceremony/state-machine.js';
import { sha256Hex } from '../../src-shared/digests.js';
import { KeyriteError, isKeyriteError } from '../../src-shared/errors.js';
import type * as ImportParams from '../../src-shared/wrap/import-params.js';
import type { ImportParameters } from '../../src-shared/wrap/import-params.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import { readBoundedFile } from '../media/bounded-file.js';
import type { CeremonyParts } from './ceremony-parts.js';
import { bundleDue, peerBlock } from './bundle-due.js';
import { applyStepEvent } from './step-runner.js';

/**
 * The offline station's request, for teams whose online half is the AWS console or the AWS CLI: the
 * console's ImportParameters.zip, or the JSON `aws kms get-parameters-for-import` prints. It carries no
 * station signature, so nothing proves who made it: the station says so, records the file's SHA-256
 * and shows the wrapping key's fingerprint for the witnesses to compare with the online side. It is
 * held to the plan as tightly as its files allow (key id, account, region, wrapping key spec, the
 * algorithm and key spec where stated, expiry); any refusal is recorded before it reaches people.
 */
export interface ConsoleRequestInfo {
  source: string;
  requestDigest: string;
  keyId: string;
  keyArn?: string;
  wrappingKeySpec: string;
  wrappingKeyFingerprint: string;
  wrappingKeyWords: string;
  validTo: string;
  algorithm: string;
  /** False when the files do not name the algorithm they were fetched for: the plan's is assumed. */
  algorithmStated: boolean;
}

const UNSIGNED_NOTE =
  'from a request of the AWS console or CLI: no station signature; the key and parameters were not checked against KMS here';

/**
 * The console's import-parameter reader, loaded when a console request is read: it brings an unzipper
 * that no other ceremony or rehearsal needs (issue 17: start-up).
 */
// (A plain require() with a literal path, so the bundled CLI carries it too: see outputs.ts.)
const importParams = (): typeof ImportParams =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../src-shared/wrap/import-params.js') as typeof ImportParams;

function refuse(code: string, message: string, hint: string): KeyriteError {
  return new KeyriteError(code, message, hint);
}

function planProblem(message: string, hint: string): KeyriteError {
  return refuse('CONSOLE_REQUEST_PLAN', message, hint);
}

function mismatch(message: string): KeyriteError {
  return refuse(
    'CONSOLE_REQUEST_MISMATCH',
    message,
    'download the import parameters again for the plan’s key, wrapping algorithm and wrapping key spec, or correct the plan (its digest changes: everyone compares it again)',
  );
}

/** The key the plan names, as the request must name it. */
function assertSameKey(plan: CeremonyPlan, params: ImportParameters): void {
  const key = plan.target.key;
  if (!('existing' in key))
    throw planProblem(
      'the plan creates its key, but with a console request the key already exists',
      'name the key the console created in the plan: target.key.existing with its keyId and keySpec',
    );
  const named = key.existing.keyId;
  if (named.startsWith('alias/'))
    throw planProblem(
      `the plan names the key by alias (${named.slice(0, 80)}); a console request names it by id`,
      'name the key in the plan by its key id or ARN',
    );
  const namedId = named.startsWith('arn:') ? named.slice(named.lastIndexOf('/') + 1) : named;
  if (params.keyId !== namedId || (named.startsWith('arn:') && params.keyArn && params.keyArn !== named))
    throw mismatch(`the request is for key ${params.keyArn ?? params.keyId ?? '?'}, not the plan’s ${named}`);
  const t = plan.target;
  if (params.keyArn) {
    const [, , , region, account] = params.keyArn.split(':');
    if (region !== t.region || ('accountId' in t && account !== t.accountId))
      throw mismatch(`the request’s key is in ${region ?? '?'} account ${account ?? '?'}, not the plan’s`);
  }
  if (params.region && params.region !== t.region)
    throw mismatch(`the request was fetched in ${params.region}, not the plan’s ${t.region}`);
}

/** Everything a console request must be before anything of it is used. */
function checkAgainstPlan(p: CeremonyParts, params: ImportParameters, now: Date): void {
  const plan = p.log.plan;
  if (plan.target.provider !== 'aws' || params.provider === 'huawei')
    throw planProblem(
      'a console request is for AWS KMS; this plan or these parameters are for another cloud',
      'use the online station’s signed request bundle',
    );
  if ('replicaRegions' in plan.target && plan.target.replicaRegions !== undefined)
    throw planProblem(
      'a multi-Region plan needs import parameters for every replica; a console request holds one',
      'run the online half with Keyrite (keyrite ceremony run --station online)',
    );
  // The console's upload would not stage the material as NEW_KEY_MATERIAL with this ceremony's
  // description, and RotateKeyOnDemand would run outside the quorum: a rotation's online half is Keyrite's.
  if (plan.rotate !== undefined)
    throw planProblem(
      'a rotation imports new material and rotates under the custodians’ quorum at the online station; a console request would leave both to the console',
      'run the online half with Keyrite (keyrite ceremony run --station online)',
    );
  const incomplete = (what: string) =>
    refuse(
      'CONSOLE_REQUEST_INCOMPLETE',
      `the request does not hold ${what}`,
      'give the whole ImportParameters.zip the console downloaded, or the full JSON output of aws kms get-parameters-for-import',
    );
  if (!params.importToken) throw incomplete('the import token');
  if (!params.keyId) throw incomplete('the key id');
  if (!params.validTo) throw incomplete('when the parameters expire');
  importParams().assertNotExpired(params, now);
  if (params.wrappingKeySpec !== plan.wrapping.keySpec)
    throw mismatch(`the wrapping key is ${params.wrappingKeySpec}; the plan says ${plan.wrapping.keySpec}`);
  if (params.algorithm && params.algorithm !== plan.wrapping.algorithm)
    throw mismatch(
      `the parameters were fetched for ${params.algorithm}; the plan says ${plan.wrapping.algorithm}`,
    );
  if (params.keySpec && params.keySpec !== p.log.spec)
    throw mismatch(`the parameters are for a ${params.keySpec} key; the plan says ${p.log.spec}`);
  assertSameKey(plan, params);
}

/** The facts of the online steps, as far as a console request tells them. */
function peerFacts(p: CeremonyParts, step: StepId, info: ConsoleRequestInfo, tokenDigest: string) {
  if (step === 'preflight')
    return {
      region: p.log.plan.target.region,
      keySpec: p.log.spec,
      keyId: info.keyId,
      ...(info.keyArn ? { keyArn: info.keyArn } : {}),
      note: UNSIGNED_NOTE,
    };
  if (step === 'import-parameters')
    return {
      algorithm: info.algorithm,
      wrappingKeyFingerprint: info.wrappingKeyFingerprint,
      wrappingKeyFingerprintWords: info.wrappingKeyWords,
      validTo: info.validTo,
      importTokenDigest: tokenDigest,
    };
  throw new Error(`a console request cannot stand for step ${step}`);
}

/** The console request this ceremony accepted, as the room was shown it (from its log record). */
export function acceptedConsoleRequest(p: CeremonyParts): ConsoleRequestInfo | undefined {
  const r = p.journal.records('bundle.console-request').at(-1)?.payload;
  if (!r) return undefined;
  // Accepted only when its wrapping key spec (and, when stated, its algorithm) were the plan's.
  const w = p.log.plan.wrapping;
  return {
    source: r.source,
    requestDigest: r.requestDigest,
    keyId: r.keyId,
    ...(r.keyArn ? { keyArn: r.keyArn } : {}),
    wrappingKeySpec: w.keySpec,
    wrappingKeyFingerprint: r.wrappingKeyFingerprint,
    wrappingKeyWords: toWords(r.wrappingKeyFingerprint),
    validTo: r.validTo,
    algorithm: w.algorithm,
    algorithmStated: r.algorithmStated,
  };
}

/** True when this station's ceremony started from a console request (its response is the console's files). */
export function startedFromConsole(p: CeremonyParts): boolean {
  return p.journal.records('bundle.console-request').length > 0;
}

function read(
  p: CeremonyParts,
  file: string,
  digest: { value?: string },
): ConsoleRequestInfo & {
  params: ImportParameters;
} {
  const now = p.settings.clock();
  const bytes = readBoundedFile(file, 'import-parameters', 'console request');
  digest.value = sha256Hex(bytes);
  const params = importParams().parseImportParameters([{ name: file, bytes }], now);
  checkAgainstPlan(p, params, now);
  const wk = params.wrappingKey;
  return {
    params,
    source: /\(([^)]*)\)$/.exec(params.source)?.[1] ?? 'files',
    requestDigest: digest.value,
    keyId: params.keyId!,
    ...(params.keyArn ? { keyArn: params.keyArn } : {}),
    wrappingKeySpec: wk.spec,
    wrappingKeyFingerprint: wk.fingerprintSha256,
    wrappingKeyWords: toWords(wk.fingerprintSha256),
    validTo: params.validTo!.toISOString(),
    algorithm: params.algorithm ?? p.log.plan.wrapping.algorithm,
    algorithmStated: params.algorithm !== undefined,
  };
}

/**
 * Reads a console request into the offline station's ceremony: checked, then recorded
 * (`bundle.console-request`) with its wrapping key and token written beside the log, and the online
 * steps completed from what it says. A refusal is recorded (`bundle.refused`, with the file's SHA-256
 * when it could be read) and sealed by a checkpoint before it is thrown; nothing else is written.
 */
export async function acceptConsoleRequest(p: CeremonyParts, file: string): Promise<ConsoleRequestInfo> {
  const digest: { value?: string } = {};
  let info: ReturnType<typeof read>;
  try {
    if (p.log.role !== 'offline' || bundleDue(p.log) !== 'read-request')
      throw refuse(
        'BUNDLE_NOT_EXPECTED',
        'this station expects no request now',
        'a console request starts the offline station’s half; this ceremony has its request already',
      );
    // A ceremony that began from the online station's signed request stays signed: after a rewind it
    // reads only a new signed bundle from the pinned station, never an unsigned console request.
    if (p.log.peerStation !== undefined)
      throw refuse(
        'BUNDLE_NOT_EXPECTED',
        'this ceremony began from the online station’s signed request and reads only signed bundles from it',
        'read the new request bundle the online station writes (its station is pinned)',
      );
    info = read(p, file, digest);
  } catch (e) {
    if (isKeyriteError(e)) {
      p.journal.append('bundle.refused', {
        code: e.code.slice(0, 100),
        message: e.message.slice(0, 1000),
        ...(digest.value ? { bundleDigest: digest.value } : {}),
      });
      p.journal.checkpoint();
      p.signals.changed();
    }
    throw e;
  }
  const { params, ...shown } = info;
  const token = params.importToken!;
  const tokenDigest = sha256Hex(token);
  p.journal.append('bundle.console-request', {
    source: shown.source.slice(0, 64),
    requestDigest: shown.requestDigest,
    keyId: shown.keyId,
    ...(shown.keyArn ? { keyArn: shown.keyArn } : {}),
    wrappingKeyFingerprint: shown.wrappingKeyFingerprint,
    importTokenDigest: tokenDigest,
    validTo: shown.validTo,
    algorithmStated: shown.algorithmStated,
    signed: false,
  });
  await p.journal.writeFile(p.paths.wrappingKey, 'import/WrappingPublicKey.der', params.wrappingKey.spkiDer);
  await p.journal.writeFile(p.paths.importToken, 'import/ImportToken.bin', token);
  for (const step of peerBlock(p.log)) {
    applyStepEvent(p, { kind: 'step-started', step });
    applyStepEvent(p, { kind: 'step-completed', step, facts: peerFacts(p, step, shown, tokenDigest) });
  }
  p.journal.checkpoint();
  p.signals.changed();
  return shown;
}
