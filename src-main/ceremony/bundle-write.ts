import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeCanonical } from '../../src-shared/audit/canonical-json.js';
import { planCloudKeySpec } from '../../src-shared/ceremony/plan.js';
import { spkiFingerprint } from '../../src-shared/digests.js';
import { publicKeyToBase64 } from '../../src-shared/audit/keys.js';
import {
  REQUEST_FILES,
  RESPONSE_FILES,
  custodianFileName,
  witnessFileName,
  type BundleRequest,
  type BundleResponse,
} from '../../src-shared/bundle/content.js';
import { verifyBundle } from '../../src-shared/bundle/verify.js';
import { sha256Hex } from '../../src-shared/digests.js';
import { KeyriteError } from '../../src-shared/errors.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import { directorySource, writeBundle } from '../media/bundle-dir.js';
import { outputsDirName, writeOutputsDir } from '../media/outputs-dir.js';
import type { CeremonyParts } from './ceremony-parts.js';
import { recordedFile } from './recorded-file.js';
import { bundleDue, ownBlock, peerBlock } from './bundle-due.js';
import { crashPoint } from './crash-point.js';
import { startedFromConsole } from './console-request.js';
import { writeDueConsoleResponse } from './console-response.js';

export interface WrittenBundleInfo {
  kind: 'request' | 'response';
  dir: string;
  sequence: number;
  bundleDigest: string;
  bundleDigestWords: string;
  /** A console response (ceremony started from the AWS console's request): the upload command's lines. */
  commandLines?: string[];
}

/** This station's key fingerprint, as both stations show it and the other pins. */
export function stationFingerprint(p: CeremonyParts): string {
  return spkiFingerprint(publicKeyToBase64(p.stationKey.publicKey));
}

function requestFiles(p: CeremonyParts): Map<string, Buffer> {
  const f = p.log.facts;
  const plan = p.log.plan;
  const wrappingKey = readFileSync(p.paths.wrappingKey);
  if (sha256Hex(wrappingKey) !== f.wrappingKeyFingerprint)
    throw new KeyriteError(
      'WRAPPING_KEY_CHANGED',
      'the wrapping key on disk is not the one fetched',
      'reopen the ceremony to fetch import parameters again',
    );
  const importToken = recordedFile(p.paths.importToken, f.importTokenDigest, 'import token');
  const content: BundleRequest = {
    kind: 'request',
    target: {
      provider: plan.target.provider,
      region: plan.target.region,
      keyId: f.keyId ?? '',
      keyArn: f.keyArn ?? '',
      // The cloud's own name for the key's spec (AES_256 at Huawei), as the plan and the facts say it.
      keySpec: planCloudKeySpec(plan),
    },
    wrapping: { algorithm: plan.wrapping.algorithm, keySpec: plan.wrapping.keySpec },
    validTo: f.validTo ?? '',
    wrappingKeyFingerprint: f.wrappingKeyFingerprint ?? '',
    importTokenDigest: f.importTokenDigest ?? '',
    steps: ownBlock(p.log, peerBlock(p.log)[0] ?? 'close'),
  };
  return new Map([
    [REQUEST_FILES.content, encodeCanonical(content)],
    [REQUEST_FILES.wrappingKey, wrappingKey],
    [REQUEST_FILES.importToken, importToken],
  ]);
}

function responseFiles(p: CeremonyParts): Map<string, Buffer> {
  const f = p.log.facts;
  const request = p.log.acceptedBundles.filter((b) => b.kind === 'request').at(-1);
  if (!request) throw new Error('a response without an accepted request');
  const wrapped = recordedFile(p.paths.wrapped, f.wrappedKeyDigest, 'wrapped key material');
  // Custodians confirm the import at the online station with their keys, and witnesses sign off
  // there with theirs: both travel, public keys in response.json, sealed keys as files.
  const people = p.journal.records('participant.enrolled').map((r) => r.payload);
  const enrolled = people.filter((e) => e.role === 'custodian');
  const witnesses = people.filter((e) => e.role === 'witness');
  const outputs = p.journal.records('wrap.output').map((r) => r.payload);
  const content: BundleResponse = {
    kind: 'response',
    requestDigest: request.bundleDigest,
    importTokenDigest: f.importTokenDigest ?? '',
    wrappingKeyFingerprint: f.wrappingKeyFingerprint ?? '',
    wrappedKeyDigest: f.wrappedKeyDigest ?? '',
    custodians: enrolled,
    witnesses,
    steps: ownBlock(p.log, 'close'),
    ...(outputs.length > 0 ? { outputs } : {}),
  };
  // The offline log as it stands, signed: the online station and the auditor can hold it to it.
  const checkpoint = p.journal.checkpoint();
  const files = new Map<string, Buffer>([
    [RESPONSE_FILES.content, encodeCanonical(content)],
    [RESPONSE_FILES.wrapped, wrapped],
    [RESPONSE_FILES.checkpoint, encodeCanonical(checkpoint)],
  ]);
  for (const c of enrolled)
    files.set(custodianFileName(c.custodianId), readFileSync(p.paths.custodian(c.custodianId)));
  for (const w of witnesses)
    files.set(witnessFileName(w.witnessId), readFileSync(p.paths.witness(w.witnessId)));
  return files;
}

/**
 * The plan's outputs for other clouds as the wrap step wrote them, each checked against its logged
 * digest: a changed file never leaves the station.
 */
function outputFiles(p: CeremonyParts): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const { payload: o } of p.journal.records('wrap.output'))
    files.set(
      o.file,
      recordedFile(path.join(p.paths.dir, ...o.file.split('/')), o.outputDigest, `output ${o.file}`),
    );
  return files;
}

/**
 * Never two different wrapped materials for one import token: every response this station set out
 * to write for the token must carry the same wrapped blob as this one.
 */
function assertOneMaterialPerToken(p: CeremonyParts, token: string, wrapped: string): void {
  const other = p.log.writtenBundles.find(
    (b) => b.kind === 'response' && b.importTokenDigest === token && b.wrappedKeyDigest !== wrapped,
  );
  if (other)
    throw new KeyriteError(
      'BUNDLE_TOKEN_REUSED',
      `response number ${other.sequence} already carried other wrapped material for this import token`,
      'never send two materials for one token: the online station must fetch new import parameters and write a new request',
    );
}

/**
 * Writes the bundle this station owes the other (the request online, the response offline) as a new
 * directory under `mediaDir`, reads it back and verifies it, and records it. The sequence number is
 * spent by the intent record before anything is written, so a bundle that may be on the medium is
 * never renumbered; writing again after a crash gives the same content a new number.
 */
export async function writeDueBundle(p: CeremonyParts, mediaDir: string): Promise<WrittenBundleInfo> {
  const due = bundleDue(p.log);
  const kind =
    due === 'write-request' || due === 'read-response'
      ? 'request'
      : due === 'write-response'
        ? 'response'
        : null;
  if (!kind)
    throw new KeyriteError(
      'BUNDLE_NOT_DUE',
      'this station has no bundle to write now',
      due === 'read-request' ? 'read the request bundle from the online station first' : 'run the next step',
    );
  const f = p.log.facts;
  const token = f.importTokenDigest ?? '';
  const wrappedKeyDigest = kind === 'response' ? (f.wrappedKeyDigest ?? '') : undefined;
  if (wrappedKeyDigest !== undefined) assertOneMaterialPerToken(p, token, wrappedKeyDigest);
  const sequence = Math.max(0, ...p.log.writtenBundles.map((b) => b.sequence)) + 1;
  // A ceremony started from the AWS console's request answers with the console's files instead.
  if (wrappedKeyDigest !== undefined && startedFromConsole(p))
    return writeDueConsoleResponse(p, mediaDir, sequence, token, wrappedKeyDigest);
  const files = kind === 'request' ? requestFiles(p) : responseFiles(p);
  const outputs = kind === 'response' ? outputFiles(p) : new Map<string, Buffer>();
  const now = p.settings.clock();
  const written = await p.journal.effect(
    'media.write-bundle',
    `write the ${kind} bundle number ${sequence} to the medium`,
    { kind, sequence, importTokenDigest: token, ...(wrappedKeyDigest ? { wrappedKeyDigest } : {}) },
    () => {
      // The outputs first: a response on the medium (it has its manifest) means its outputs are there too.
      if (outputs.size > 0) {
        writeOutputsDir(mediaDir, outputsDirName(p.log.ceremonyId, sequence), outputs);
        crashPoint('outputs-written');
      }
      const w = writeBundle(
        mediaDir,
        {
          kind,
          ceremonyId: p.log.ceremonyId,
          planDigest: p.log.planDigest,
          sequence,
          createdAt: now,
          expiresAt: new Date(f.validTo ?? now.toISOString()),
          files,
        },
        p.stationKey,
      );
      // Read back from the medium before anyone is told it is safe to carry.
      verifyBundle(directorySource(w.dir), {
        now,
        kind,
        ceremonyId: p.log.ceremonyId,
        planDigest: p.log.planDigest,
        stations: [stationFingerprint(p)],
      });
      crashPoint(`bundle-written:${kind}`);
      return w;
    },
    (w) => ({ bundleDigest: w.digest }),
  );
  p.journal.checkpoint();
  p.signals.changed();
  return {
    kind,
    dir: written.dir,
    sequence,
    bundleDigest: written.digest,
    bundleDigestWords: toWords(written.digest),
  };
}
