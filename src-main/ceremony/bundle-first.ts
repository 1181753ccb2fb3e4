import { existsSync, mkdirSync } from 'node:fs';
import { readRequest } from '../../src-shared/bundle/content.js';
import { refusedBundleDigest, verifyBundle } from '../../src-shared/bundle/verify.js';
import { validatePlan } from '../../src-shared/ceremony/plan.js';
import { KeyriteError, isKeyriteError } from '../../src-shared/errors.js';
import { openAuditStore } from '../audit/audit-store.js';
import { BUNDLE_UNREADABLE, directorySource } from '../media/bundle-dir.js';
import { ceremonyPaths } from './ceremony-dir.js';
import { auditOptions, type EngineSettings } from './engine-options.js';
import { Journal } from './journal.js';

/**
 * Records the offline station make before its ceremony exists carry no ceremony id: like the
 * `station.key` record, they belong to the station and its log, not to a ceremony.
 */
export const BEFORE_CEREMONY = '';

/**
 * The request that starts the offline station, checked before its ceremony exists: signature (and the
 * pinned online station, when people gave its fingerprint), files, this plan's digest, expiry and
 * content. Its ceremony id names the ceremony; the full check, against the ceremony, runs again once
 * the ceremony has started. A refusal here starts the station's log in `dir` (or continues the one an
 * earlier refusal started): `bundle.refused` with the plan digest the request was read under and the
 * bundle's digest once its signature held, outside any ceremony, sealed by a checkpoint — so a first
 * request that is an attack leaves its record, and the next good request starts the ceremony in the
 * same log (createCeremony allows a log that holds no ceremony yet).
 */
export function firstRequest(
  requestDir: string,
  planDoc: unknown,
  pin: string | undefined,
  log: { dir: string; settings: EngineSettings },
): string {
  const { digest } = validatePlan(planDoc);
  const now = log.settings.clock();
  try {
    const b = verifyBundle(directorySource(requestDir), {
      now,
      kind: 'request',
      planDigest: digest,
      stations: pin ? [pin] : [],
    });
    try {
      readRequest(b, now);
    } catch (e) {
      if (isKeyriteError(e)) recordRefusal(log, digest, e, b.digest);
      throw e;
    }
    return b.manifest.ceremonyId;
  } catch (e) {
    // A medium that cannot be read at all holds no bundle to refuse: the operator is told, nothing logged.
    if (isKeyriteError(e) && e.code !== BUNDLE_UNREADABLE && !RECORDED.has(e))
      recordRefusal(log, digest, e, refusedBundleDigest(e));
    throw e;
  }
}

const RECORDED = new WeakSet<KeyriteError>();

/**
 * Records the refusal; when the log cannot take it (another station's log, a full disk), the operator
 * hears both: why the request was refused (its code stays) and why that is not in the log.
 */
function recordRefusal(
  log: { dir: string; settings: EngineSettings },
  planDigest: string,
  e: KeyriteError,
  bundleDigest: string | undefined,
): void {
  RECORDED.add(e);
  try {
    appendRefusal(log, planDigest, e, bundleDigest);
  } catch (r) {
    const why = isKeyriteError(r) ? `${r.message} (${r.code})` : 'an unexpected error';
    const unrecorded = new KeyriteError(
      e.code,
      `${e.message}; this refusal could NOT be recorded in ${ceremonyPaths(log.dir).auditDb}: ${why}`,
      isKeyriteError(r) ? r.hint : e.hint,
    );
    RECORDED.add(unrecorded);
    throw unrecorded;
  }
}

function appendRefusal(
  log: { dir: string; settings: EngineSettings },
  planDigest: string,
  e: KeyriteError,
  bundleDigest: string | undefined,
): void {
  const db = ceremonyPaths(log.dir).auditDb;
  if (!existsSync(db)) mkdirSync(log.dir, { recursive: true, mode: 0o700 });
  const store = openAuditStore(db, auditOptions(log.settings));
  try {
    if (store.records({ type: 'ceremony.started', limit: 1 }).length > 0)
      throw new KeyriteError(
        'CEREMONY_EXISTS',
        `a ceremony already lives in ${log.dir}`,
        'reopen it, or choose an empty directory',
      );
    const journal = new Journal(store, BEFORE_CEREMONY);
    journal.append('bundle.refused', {
      code: e.code.slice(0, 100),
      message: e.message.slice(0, 1000),
      ...(bundleDigest ? { bundleDigest } : {}),
      planDigest,
    });
    journal.checkpoint();
  } finally {
    store.close();
  }
}
